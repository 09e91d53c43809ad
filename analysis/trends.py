"""Tone and frames over time: monthly (or quarterly, yearly) series per group.

Method: the same measures as the sentiment and framing steps, aggregated by publication period.

- **Tone** of a (period, group) cell: the mean of the default sentence score
  (:data:`analysis.sentiment.DEFAULT_SCORE`) over all its sentences, with the number of sentences
  and stories behind it. Sentence-weighted, as in :func:`analysis.sentiment.story_sentiment`.
- **Frame intensity** of a cell: frame trigger hits per 1,000 words of the cell's stories, as in
  :func:`analysis.framing.frame_summary` (Semetko & Valkenburg 2000 frames by default).

Cells with fewer than ``min_stories`` stories are kept but flagged ``thin`` so charts and readers
can discount them. Stories without a date are left out and counted.
"""

from __future__ import annotations

import pandas as pd

from analysis.corpus import PERIODS
from analysis.errors import ParameterError
from analysis.safe import escape_markdown
from analysis.sentiment import DEFAULT_SCORE

__all__ = ["describe_trends", "frames_over_time", "tone_over_time"]

#: Cells with fewer stories than this are flagged ``thin``.
MIN_STORIES = 3
ALL = "all stories"


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
    cells["group"] = ALL if group is None else stories[group].astype(object).fillna("(missing)")
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


def describe_trends(tone: pd.DataFrame, frames: pd.DataFrame, stories: pd.DataFrame) -> str:
    """A plain-language Markdown reading of the series, generated from the tables."""
    undated = int(stories["date"].isna().sum())
    if tone.empty:
        return (
            f"No story has a publication date ({undated:,} undated), so there is no time series. "
            "Load a CSV or JSON Lines file with a date column to see tone and frames over time."
        )
    periods = tone["period"].nunique()
    parts = [
        f"Tone and frames over **{periods:,} periods** ({escape_markdown(tone['period'].min())} "
        f"to {escape_markdown(tone['period'].max())}), "
        f"from {int(tone['n_stories'].sum()):,} dated stories"
        + (f"; {undated:,} undated stories are left out." if undated else ".")
    ]
    solid = tone[~tone["thin"]]
    if not solid.empty:
        low = solid.loc[solid["mean_score"].idxmin()]
        high = solid.loc[solid["mean_score"].idxmax()]
        parts.append(
            f"Most negative cell with at least {MIN_STORIES} stories: "
            f"{escape_markdown(low['group'])} in {escape_markdown(low['period'])} "
            f"({low['mean_score']:+.3f} over {int(low['n_sentences']):,} sentences); "
            f"most positive: {escape_markdown(high['group'])} in "
            f"{escape_markdown(high['period'])} "
            f"({high['mean_score']:+.3f})."
        )
    thin = int(tone["thin"].sum())
    if thin:
        parts.append(
            f"{thin:,} of {len(tone):,} period × group cells rest on fewer than {MIN_STORIES} "
            "stories (dotted in the charts): read them as anecdotes, not trends."
        )
    if not frames.empty:
        top = frames.groupby("frame", observed=True)["n_hits"].sum().sort_values(ascending=False)
        parts.append(
            f"Most frequent frame over the whole period: {escape_markdown(top.index[0])}."
        )
    return "\n\n".join(parts)
