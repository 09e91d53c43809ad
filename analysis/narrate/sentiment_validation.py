"""The validation of the sentiment scores against human ratings, read aloud for reports.

:func:`describe_validation` computes nothing of the analysis: every figure it states comes from
the table of :func:`analysis.sentiment_validation.validate_sentiment` (Pearson r and 3-class
macro-F1 of VADER, Hutto & Gilbert 2014; TextBlob's Pattern analyser, De Smedt & Daelemans 2012;
and their mean, against the human ratings published with VADER). The models' means over the
datasets come from :func:`~analysis.sentiment_validation.mean_agreement` and the chosen score
from the rule of :func:`~analysis.sentiment_validation.choose_default_score`; VADER's r on the
tweets is set beside the paper's.
"""

from __future__ import annotations

import pandas as pd

from analysis.sentiment import DEFAULT_SCORE
from analysis.sentiment_validation import (
    HUMAN_NEUTRAL_BAND,
    MODEL_NEUTRAL_BAND,
    PAPER_VADER_TWEETS_R,
    choose_default_score,
    mean_agreement,
)

__all__ = ["describe_validation"]


def describe_validation(table: pd.DataFrame) -> str:
    """A plain-language reading of
    :func:`~analysis.sentiment_validation.validate_sentiment`'s table, as Markdown.

    Every figure is taken from the table; when the validation was skipped, the reason.
    """
    if "skipped" in table.attrs and table.empty:
        return f"- Validation skipped: {table.attrs['skipped']}."
    if table.empty:
        return "- The validation table is empty."
    human = table.attrs.get("human_band", HUMAN_NEUTRAL_BAND)
    model = table.attrs.get("model_band", MODEL_NEUTRAL_BAND)
    means = mean_agreement(table)
    lines = [
        f"- {int(table.drop_duplicates('dataset')['n'].sum()):,} texts rated by people; neutral "
        f"when |mean rating| < {human:g} (people) and |score| < {model:g} (models).",
    ]
    for name, row in means.iterrows():
        lines.append(
            f"- `{name}`: mean r {row['r']:.3f}, mean macro-F1 {row['macro_f1']:.3f} over "
            f"{table['dataset'].nunique()} sets."
        )
    tweets = table[(table["dataset"] == "tweets") & (table["model"] == "vader_compound")]
    if not tweets.empty:
        lines.append(
            f"- VADER on the tweets: r = {tweets['r'].iloc[0]:.3f} (the VADER paper reports "
            f"{PAPER_VADER_TWEETS_R})."
        )
    chosen = choose_default_score(table)
    same = "the same as" if chosen == DEFAULT_SCORE else "NOT the same as"
    lines.append(
        f"- Chosen by the rule of `choose_default_score`: `{chosen}`, {same} the package "
        f"default `{DEFAULT_SCORE}`."
    )
    return "\n".join(lines)
