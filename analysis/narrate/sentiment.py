"""The sentiment tables read aloud: Markdown bullet points for reports.

:func:`describe` computes nothing of the analysis: every figure it states is taken from the
tables of :mod:`analysis.sentiment` it is given (:func:`~analysis.sentiment.story_sentiment`,
:func:`~analysis.sentiment.sentiment_arc`, :func:`~analysis.sentiment.target_sentiment`), whose
scores are VADER's (Hutto & Gilbert 2014, *VADER: A Parsimonious Rule-based Model for Sentiment
Analysis of Social Media Text*, ICWSM), TextBlob's Pattern analyser's (De Smedt & Daelemans
2012, *Pattern for Python*, JMLR 13: 2063-2067) or their mean.

Rules of the reading:

- the lowest and highest group by ``mean_score`` (ties: the group with more sentences first) are
  named with their sentence counts and clear shares; their gap is compared with the mean of the
  groups' ``std_score``;
- the models "agree" when VADER alone and TextBlob alone give the same lowest group;
- groups resting on fewer than 5 sentences and truncated leads are flagged;
- an arc is described for the ``max_groups`` groups with most sentences among those with at
  least 10 (:data:`ARC_MIN_SENTENCES`): its lowest and highest bin.

Every string that comes from a corpus goes through :func:`analysis.safe.escape_markdown`, column
names through :func:`analysis.safe.markdown_code`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

import pandas as pd

from analysis._checks import MISSING_GROUP, positive_int, require_columns
from analysis.safe import escape_markdown, markdown_code
from analysis.sentiment import DEFAULT_SCORE, NEUTRAL_BAND
from analysis.sentiment.aggregate import STORY_COLUMNS
from analysis.sentiment.scoring import SENTENCES_HINT

__all__ = ["ARC_MIN_SENTENCES", "describe"]

_SCORE_LABELS = {
    "vader_compound": "VADER compound",
    "textblob_polarity": "TextBlob polarity",
    "vader_textblob_mean": "the mean of VADER compound and TextBlob polarity",
    "embedding_polarity": "the sentence-embedding score (all-MiniLM-L6-v2 with a ridge head)",
    "embedding_vader": (
        "the equal-weight mean of VADER compound and the sentence-embedding score "
        "(all-MiniLM-L6-v2 with a ridge head)"
    ),
}
#: An arc is described only for groups with at least this many sentences.
ARC_MIN_SENTENCES: Final = 10
#: A group resting on fewer sentences than this is flagged: one sentence can move its mean.
_FEW_SENTENCES = 5


def _same_group(values: pd.Series, value: object) -> pd.Series:
    """Rows of ``values`` equal to ``value``, a missing value matching missing values."""
    if pd.isna(value):
        return values.isna()
    return values == value


def _name(value: object) -> str:
    """A group value as Markdown: escaped, with a missing value named ``(missing)``."""
    return escape_markdown(MISSING_GROUP if pd.isna(value) else value)


def _pct(x: float) -> str:
    return f"{round(100 * x):d} %"


def _num(x: float) -> str:
    return f"{x:+.3f}"


def _n(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else (plural or noun + 's')}"


def _listed(values: Sequence[object], limit: int) -> str:
    shown = ", ".join(escape_markdown(v) for v in list(values)[:limit])
    return shown + ("" if len(values) <= limit else f" and {len(values) - limit} more")


def describe(
    table: pd.DataFrame,
    *,
    arc: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    max_groups: int = 5,
) -> str:
    """A plain-language reading of :func:`~analysis.sentiment.story_sentiment` (and optionally
    of the arc and target tables) as Markdown bullet points; every figure in it is taken from the
    tables passed.

    Args:
        table: output of :func:`~analysis.sentiment.story_sentiment` (its ``attrs`` name the
            group, score and band).
        arc: output of :func:`~analysis.sentiment.sentiment_arc` with the same ``group``; the arc
            is described for the ``max_groups`` groups with most sentences that have at least 10.
        targets: output of :func:`~analysis.sentiment.target_sentiment` with the same ``group``.
        max_groups: at most this many groups are named in a list.

    Returns:
        Markdown (one line saying so when the table is empty).

    Raises:
        ParameterError: ``table``, ``arc`` or ``targets`` lacks its columns, or a bad
            ``max_groups``.

    >>> from analysis.corpus import stories_from_texts
    >>> from analysis.sentiment import sentence_sentiment, story_sentiment
    >>> corpus = stories_from_texts(["A wonderful day. A great win.", "A terrible loss."])
    >>> scored = sentence_sentiment(corpus.sentences)
    >>> print(describe(story_sentiment(scored, corpus.stories)).splitlines()[1][:66])
    - Most negative story: **a-terrible-loss** (-0.830 over 1 sentence
    """
    require_columns(table, STORY_COLUMNS, "table", hint=SENTENCES_HINT)
    limit = positive_int(max_groups, "max_groups")
    group = table.attrs.get("group", table.columns[0])
    score = table.attrs.get("score", DEFAULT_SCORE)
    band = table.attrs.get("neutral_band", NEUTRAL_BAND)
    nouns = ("story", "stories") if group == "story_id" else (markdown_code(group), "groups")
    if table.empty:
        return f"- No sentences to describe (grouped by {markdown_code(group)})."
    lines = [
        f"- Score: {escape_markdown(_SCORE_LABELS.get(score, score))} ({markdown_code(score)}), "
        "averaged over sentences; a "
        f"sentence is clearly positive at >= {band:g} and clearly negative at <= {-band:g}.",
    ]
    lines += _extreme_lines(table, group, nouns, limit)
    lines += _truncation_lines(table, group, nouns, limit)
    if arc is not None and not arc.empty:
        lines += _arc_lines(table, arc, group, limit)
    if targets is not None and not targets.empty:
        lines += _target_lines(targets, group, nouns)
    return "\n".join(lines)


def _summary(row: pd.Series, group: str, first: str, second: str) -> str:
    """``**group** (+0.123 over 4 sentences; 50 % clearly first, 25 % clearly second)``."""
    return (
        f"**{escape_markdown(row[group])}** ({_num(row['mean_score'])} over "
        f"{_n(int(row['n_sentences']), 'sentence')}; {_pct(row['share_' + first])} clearly "
        f"{first}, {_pct(row['share_' + second])} clearly {second})"
    )


def _extreme_lines(
    table: pd.DataFrame, group: str, nouns: tuple[str, str], limit: int
) -> list[str]:
    """The lowest and highest group, their gap, the two models' lowest, the thin groups."""
    noun, plural = nouns
    ordered = table.sort_values(
        ["mean_score", "n_sentences"], ascending=[True, False], kind="stable"
    )
    low, high = ordered.iloc[0], ordered.iloc[-1]
    if len(table) == 1:
        return [f"- One {noun}: {_summary(low, group, 'negative', 'positive')}."]
    lowest = "Most negative" if low["mean_score"] < 0 else "Least positive"
    highest = "Most positive" if high["mean_score"] > 0 else "Least negative"
    lines = [
        f"- {lowest} {noun}: {_summary(low, group, 'negative', 'positive')}.",
        f"- {highest} {noun}: {_summary(high, group, 'positive', 'negative')}.",
    ]
    gap = high["mean_score"] - low["mean_score"]
    spread = float(table["std_score"].mean())
    if math.isfinite(spread) and spread > 0:
        lines.append(
            f"- The gap between them is {gap:.3f}, {gap / spread:.2f} times the typical "
            f"spread of sentence scores within a {noun} (std {spread:.3f})."
        )
    v_low = table.loc[table["mean_vader_compound"].idxmin(), group]
    t_low = table.loc[table["mean_textblob_polarity"].idxmin(), group]
    verdict = "agree" if v_low == t_low else "disagree"
    lines.append(
        f"- The two models {verdict} on the lowest {noun}: VADER alone says "
        f"{escape_markdown(v_low)}, TextBlob alone says {escape_markdown(t_low)}."
    )
    few = table[table["n_sentences"] < _FEW_SENTENCES]
    if not few.empty:
        lines.append(
            f"- {len(few)} of {_n(len(table), noun, plural)} rest on fewer than "
            f"{_FEW_SENTENCES} sentences ({_listed(few[group].tolist(), limit)}): one sentence "
            "can move their mean."
        )
    return lines


def _truncation_lines(
    table: pd.DataFrame, group: str, nouns: tuple[str, str], limit: int
) -> list[str]:
    """Which stories are truncated leads, or how many groups include some."""
    truncated = table[table["n_truncated"] > 0]
    if truncated.empty:
        return []
    if group == "story_id":
        return [
            f"- {len(truncated)} of {_n(len(table), 'story', 'stories')} are truncated leads (cut "
            f"off mid-sentence): {_listed(truncated[group].tolist(), limit)}. Their tone is the "
            "tone of an opening, not of a whole story."
        ]
    mixed = truncated[truncated["n_truncated"] < truncated["n_stories"]]
    return [
        f"- {len(truncated)} of {_n(len(table), *nouns)} include truncated stories "
        f"({int(truncated['n_truncated'].sum()):,} of {int(table['n_stories'].sum()):,} "
        f"stories in all); {len(mixed)} of them mix truncated and full stories."
    ]


def _arc_lines(table: pd.DataFrame, arc: pd.DataFrame, group: str, limit: int) -> list[str]:
    """Lowest and highest bin of the arcs of the busiest groups."""
    require_columns(
        arc,
        (group, "bin_start", "bin_end", "mean_score", "n_sentences"),
        "arc",
        hint=SENTENCES_HINT,
    )
    busiest = table[table["n_sentences"] >= ARC_MIN_SENTENCES].sort_values(
        "n_sentences", ascending=False, kind="stable"
    )
    lines = []
    for value in busiest[group].head(limit):
        rows = arc[_same_group(arc[group], value)]
        if rows.empty:
            continue
        lo = rows.loc[rows["mean_score"].idxmin()]
        hi = rows.loc[rows["mean_score"].idxmax()]
        lines.append(
            f"- Arc of {_name(value)}: lowest at {round(100 * lo['bin_start'])}-"
            f"{_pct(lo['bin_end'])} of the way through ({_num(lo['mean_score'])}, "
            f"{_n(int(lo['n_sentences']), 'sentence')}), highest at "
            f"{round(100 * hi['bin_start'])}-{_pct(hi['bin_end'])} "
            f"({_num(hi['mean_score'])}, {_n(int(hi['n_sentences']), 'sentence')})."
        )
    return lines


def _target_lines(targets: pd.DataFrame, group: str, nouns: tuple[str, str]) -> list[str]:
    """Mentions of each target and the groups where its sentences are lowest and highest."""
    require_columns(
        targets,
        (group, "target", "mean_score", "n_sentences", "n_mentions"),
        "targets",
        hint=SENTENCES_HINT,
    )
    lines = []
    for target in pd.unique(targets["target"]):
        rows = targets[targets["target"] == target]
        lo = rows.loc[rows["mean_score"].idxmin()]
        text = (
            f"- {escape_markdown(target)}: {_n(int(rows['n_mentions'].sum()), 'mention')} in "
            f"{_n(int(rows['n_sentences'].sum()), 'sentence')} of "
            f"{_n(len(rows), *nouns)}"
        )
        if len(rows) == 1:
            text += f" ({_name(lo[group])}: {_num(lo['mean_score'])})."
        else:
            hi = rows.loc[rows["mean_score"].idxmax()]
            text += (
                f"; lowest mean in {_name(lo[group])} ({_num(lo['mean_score'])}, "
                f"{_n(int(lo['n_sentences']), 'sentence')}), highest in "
                f"{_name(hi[group])} "
                f"({_num(hi['mean_score'])}, {_n(int(hi['n_sentences']), 'sentence')})."
            )
        lines.append(text)
    return lines
