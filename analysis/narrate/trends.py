"""Tone and frames over time in words: a reading generated from the tables of
:mod:`analysis.trends`.

Nothing is computed here beyond picking rows of the tables given: the period range and the
number of dated stories; the most negative and the most positive (period, group) cell among
cells with at least :data:`analysis.trends.MIN_STORIES` stories (cells flagged ``thin`` are
left out of that claim and counted instead); and the frame with most hits over the whole
period. Every corpus string (periods, groups, frame ids) goes through
:func:`analysis.safe.escape_markdown`.
"""

from __future__ import annotations

import pandas as pd

from analysis.safe import escape_markdown
from analysis.trends import MIN_STORIES

__all__ = ["describe_trends"]


def _tone_extremes(tone: pd.DataFrame) -> str | None:
    """The most negative and most positive cell with enough stories, if any."""
    solid = tone[~tone["thin"]]
    if solid.empty:
        return None
    low = solid.loc[solid["mean_score"].idxmin()]
    high = solid.loc[solid["mean_score"].idxmax()]
    return (
        f"Most negative cell with at least {MIN_STORIES} stories: "
        f"{escape_markdown(low['group'])} in {escape_markdown(low['period'])} "
        f"({low['mean_score']:+.3f} over {int(low['n_sentences']):,} sentences); "
        f"most positive: {escape_markdown(high['group'])} in "
        f"{escape_markdown(high['period'])} "
        f"({high['mean_score']:+.3f})."
    )


def describe_trends(tone: pd.DataFrame, frames: pd.DataFrame, stories: pd.DataFrame) -> str:
    """A plain-language Markdown reading of the series, generated from the tables.

    Args:
        tone: :func:`analysis.trends.tone_over_time` output.
        frames: :func:`analysis.trends.frames_over_time` output.
        stories: the stories table the series were made from (its ``date`` column counts the
            undated stories).

    Returns:
        Markdown paragraphs separated by blank lines.

    >>> import pandas as pd
    >>> describe_trends(pd.DataFrame(), pd.DataFrame(), pd.DataFrame({"date": [pd.NaT]}))[:45]
    'No story has a publication date (1 undated), '
    """
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
    extremes = _tone_extremes(tone)
    if extremes is not None:
        parts.append(extremes)
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
