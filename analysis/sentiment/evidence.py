"""The evidence behind a story's tone: its most negative and most positive sentences, with the
words that drove their scores.

Scores are the sentence polarities of :mod:`analysis.sentiment.scoring` (VADER: Hutto & Gilbert
2014, *VADER: A Parsimonious Rule-based Model for Sentiment Analysis of Social Media Text*,
ICWSM; TextBlob's Pattern analyser: De Smedt & Daelemans 2012, *Pattern for Python*, JMLR 13:
2063-2067; by default their mean).

Rule: per story, "most negative" lists up to ``n`` sentences scoring below 0 from the lowest up,
"most positive" up to ``n`` scoring above 0 from the highest down; ties go to the earlier
sentence, so no sentence is listed twice and a story without a positive sentence has no "most
positive" row. Each sentence shows its five strongest drivers per model by absolute valence
(:func:`analysis.sentiment.drivers.strongest_drivers`).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from analysis._checks import positive_int, require_columns
from analysis.sentiment.aggregate import resolve_score, story_order
from analysis.sentiment.drivers import driver_rows, strongest_drivers
from analysis.sentiment.scoring import POLARITY_SCORES, SCORED_HINT, ScoreName

__all__ = ["EVIDENCE_COLUMNS", "sentiment_evidence"]

#: Columns of :func:`sentiment_evidence`'s table.
EVIDENCE_COLUMNS: Final[tuple[str, ...]] = (
    "story_id",
    "direction",
    "rank",
    "sentence_id",
    "position",
    "score",
    "vader_compound",
    "textblob_polarity",
    "vader_words",
    "textblob_words",
    "text",
)


def sentiment_evidence(
    scored: pd.DataFrame, *, n: int = 2, score: ScoreName = "default"
) -> pd.DataFrame:
    """The most negative and most positive sentences of each story, with the words behind them.

    "Most positive" lists up to ``n`` sentences with a score above 0, "most negative" up to
    ``n`` below 0: a story with no positive sentence has no "most positive" row, and no sentence
    is listed twice. Ties are broken by sentence order.

    Args:
        scored: output of :func:`~analysis.sentiment.scoring.sentence_sentiment`.
        n: sentences per story and direction.
        score: the score ranked by (``"default"`` is
            :data:`~analysis.sentiment.scoring.DEFAULT_SCORE`).

    Returns:
        ``story_id``, ``direction`` (``"most negative"`` / ``"most positive"``), ``rank`` (1 =
        most extreme), ``sentence_id``, ``position``, ``score`` (the ranked score),
        ``vader_compound``, ``textblob_polarity``, ``vader_words`` and ``textblob_words`` (the
        strongest drivers, ``"word +valence"``; see
        :func:`~analysis.sentiment.drivers.sentiment_drivers`), ``text``. Sorted by story order in
        ``scored``, direction (negative first), rank.

    Raises:
        ParameterError: bad ``n`` or ``score``; missing columns.
    """
    name = resolve_score(score)
    count = positive_int(n, "n")
    require_columns(
        scored,
        ("story_id", "sentence_id", "position", "text", *POLARITY_SCORES),
        "scored",
        hint=SCORED_HINT,
    )
    frame = scored.assign(_order=np.arange(len(scored)), score=scored[name])
    out = _extremes(frame, count)
    story_rank = story_order(scored)
    drivers = [driver_rows(t) for t in out["text"]]
    out["vader_words"] = [strongest_drivers(d, "vader") for d in drivers]
    out["textblob_words"] = [strongest_drivers(d, "textblob") for d in drivers]
    out["_story"] = out["story_id"].map(story_rank)
    out["_dir"] = (out["direction"] == "most positive").astype("int64")
    out = out.sort_values(["_story", "_dir", "rank"], kind="stable").reset_index(drop=True)
    out = out.loc[:, list(EVIDENCE_COLUMNS)]
    out["rank"] = out["rank"].astype("int64")
    for col in ("position", "score", "vader_compound", "textblob_polarity"):
        out[col] = out[col].astype("float64")
    for col in ("story_id", "direction", "sentence_id", "vader_words", "textblob_words", "text"):
        out[col] = out[col].astype("str")
    out.attrs.update({"score": name, "n": count})
    return out


def _extremes(frame: pd.DataFrame, count: int) -> pd.DataFrame:
    """Up to ``count`` rows per story and direction, most extreme first, with ``direction`` and
    ``rank`` (``frame`` has ``score`` and the input order ``_order``)."""
    picks = []
    for direction, sign in (("most negative", -1), ("most positive", 1)):
        side = frame[np.sign(frame["score"]) == sign]
        # most extreme first: ascending score for negative, descending for positive
        side = side.assign(_key=-sign * side["score"])
        side = side.sort_values(["story_id", "_key", "_order"], kind="stable")
        top = side.groupby("story_id", sort=False).head(count)
        top = top.assign(
            direction=direction, rank=top.groupby("story_id", sort=False).cumcount() + 1
        )
        picks.append(top)
    return pd.concat(picks, ignore_index=True) if picks else frame.iloc[:0]
