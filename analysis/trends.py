"""Tone and frames over time: monthly (or quarterly, yearly) series per group.

Method: the same measures as the sentiment and framing steps, aggregated by publication period.

- **Tone** of a (period, group) cell: the mean of the default sentence score
  (:data:`analysis.sentiment.DEFAULT_SCORE`) over all its sentences, with the number of sentences
  and stories behind it. Sentence-weighted, as in :func:`analysis.sentiment.story_sentiment`.
- **Frame intensity** of a cell: frame trigger hits per 1,000 words of the cell's stories, as in
  :func:`analysis.framing.frame_summary` (Semetko & Valkenburg 2000 frames by default).

Cells with fewer than ``min_stories`` stories are kept but flagged ``thin`` so charts and readers
can discount them. Stories without a date are left out (and counted in the reading of the series,
:func:`analysis.narrate.trends.describe_trends`). Stories whose group value is missing form the
group :data:`analysis._checks.MISSING_GROUP`.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from analysis._checks import MISSING_GROUP
from analysis.corpus import PERIODS
from analysis.errors import ParameterError
from analysis.sentiment import DEFAULT_SCORE

__all__ = ["ALL", "MIN_STORIES", "frames_over_time", "tone_over_time"]

#: Cells with fewer stories than this are flagged ``thin``.
MIN_STORIES: Final = 3
#: The group of every story when the series is not split.
ALL: Final = "all stories"


def _cells(stories: pd.DataFrame, period: str, group: str | None) -> pd.DataFrame:
    if period not in PERIODS:
        raise ParameterError(f"period must be one of {list(PERIODS)}, got {period!r}")
    if period not in stories.columns:
        raise ParameterError(
            f"stories have no {period!r} column; load them with analysis.open_corpus"
        )
    if group is not None and group not in stories.columns:
        raise ParameterError(
            f"group {group!r} is not a story column; choose from {list(stories.columns)}"
        )
    cells = stories[["story_id", "n_words", period]].rename(columns={period: "period"})
    cells["group"] = ALL if group is None else stories[group].astype(object).fillna(MISSING_GROUP)
    return cells[cells["period"].notna()]


def tone_over_time(
    scored: pd.DataFrame,
    stories: pd.DataFrame,
    *,
    period: str = "month",
    group: str | None = None,
    score: str = DEFAULT_SCORE,
    min_stories: int = MIN_STORIES,
) -> pd.DataFrame:
    """Mean sentence tone per (period, group), sorted by period then group.

    Args:
        scored: per-sentence scores (``Analysis.sentiment``).
        stories: the stories table (with period columns, see ``analysis.open_corpus``).
        period: ``"month"``, ``"quarter"`` or ``"year"``.
        group: a story column to split the series by (``None``: one series).
        score: the sentence score column to average.
        min_stories: cells with fewer stories are flagged ``thin``.

    Returns:
        Columns ``period``, ``group``, ``mean_score``, ``n_sentences``, ``n_stories``, ``thin``.
    """
    if score not in scored.columns:
        raise ParameterError(f"score {score!r} is not a column of the scored table")
    cells = _cells(stories, period, group)
    frame = scored[["story_id", score]].merge(cells, on="story_id", how="inner")
    table = (
        frame.groupby(["period", "group"], sort=True)
        .agg(
            mean_score=(score, "mean"),
            n_sentences=(score, "size"),
            n_stories=("story_id", "nunique"),
        )
        .reset_index()
    )
    table["thin"] = table["n_stories"] < min_stories
    return table


def frames_over_time(
    hits: pd.DataFrame,
    stories: pd.DataFrame,
    *,
    period: str = "month",
    group: str | None = None,
    min_stories: int = MIN_STORIES,
) -> pd.DataFrame:
    """Frame intensity (hits per 1,000 words) per (period, group, frame).

    Args:
        hits: frame hits of one codebook (``Analysis.frame_hits[name]``).
        stories, period, group, min_stories: as in :func:`tone_over_time`.

    Returns:
        Columns ``period``, ``group``, ``frame``, ``n_hits``, ``n_words``, ``n_stories``,
        ``intensity``, ``thin``; every frame of the codebook appears in every cell (zeros kept).
    """
    cells = _cells(stories, period, group)
    words = (
        cells.groupby(["period", "group"], sort=True)
        .agg(n_words=("n_words", "sum"), n_stories=("story_id", "nunique"))
        .reset_index()
    )
    frames = (
        list(hits["frame"].cat.categories)
        if hasattr(hits["frame"], "cat")
        else sorted(hits["frame"].unique())
    )
    counts = (
        hits[["story_id", "frame"]]
        .assign(frame=lambda f: f["frame"].astype(str))
        .merge(cells[["story_id", "period", "group"]], on="story_id", how="inner")
        .groupby(["period", "group", "frame"], sort=True)
        .size()
        .rename("n_hits")
        .reset_index()
    )
    grid = words.merge(pd.DataFrame({"frame": frames}), how="cross")
    table = grid.merge(counts, on=["period", "group", "frame"], how="left")
    table["n_hits"] = table["n_hits"].fillna(0).astype("int64")
    table["intensity"] = 1000 * table["n_hits"] / table["n_words"].where(table["n_words"] > 0)
    table["thin"] = table["n_stories"] < min_stories
    order = {f: i for i, f in enumerate(frames)}
    table = table.sort_values(
        ["period", "group", "frame"], key=lambda s: s.map(order) if s.name == "frame" else s
    )
    columns = ["period", "group", "frame", "n_hits", "n_words", "n_stories", "intensity", "thin"]
    return table[columns].reset_index(drop=True)
