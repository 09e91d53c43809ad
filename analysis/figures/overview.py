"""Corpus overview charts: story lengths and sentence lengths."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

__all__ = ["sentence_lengths", "story_lengths"]

TRUNCATION_COLORS = {"complete": "#1f77b4", "truncated lead": "#ff7f0e"}


def story_lengths(
    stories: pd.DataFrame, *, story: str = "story_id", value: str = "n_words", max_bars: int = 60
) -> go.Figure:
    """Words per story, coloured by truncation; a histogram when there are many stories.

    Does not mutate ``stories``.
    """
    frame = stories[[story, value, "is_truncated"]].copy()
    frame["length"] = frame["is_truncated"].map({True: "truncated lead", False: "complete"})
    if len(frame) > max_bars:
        fig = px.histogram(
            frame,
            x=value,
            color="length",
            nbins=50,
            color_discrete_map=TRUNCATION_COLORS,
            labels={value: "words per story"},
        )
        fig.update_layout(title=f"Story lengths ({len(frame):,} stories)", yaxis_title="stories")
    else:
        fig = px.bar(
            frame,
            x=value,
            y=story,
            color="length",
            orientation="h",
            color_discrete_map=TRUNCATION_COLORS,
            text=value,
            labels={value: "words", story: ""},
        )
        fig.update_yaxes(autorange="reversed")
        fig.update_layout(title="Words per story (orange: lead cut off mid-sentence)")
    fig.update_layout(template="plotly_white", height=max(320, 40 * min(len(frame), 20) + 160))
    return fig


def sentence_lengths(
    sentences: pd.DataFrame,
    *,
    group: str = "story_id",
    value: str = "n_words",
    max_groups: int = 30,
) -> go.Figure:
    """Distribution of words per sentence, one box per group (the largest ``max_groups``)."""
    frame = sentences[[group, value]]
    top = frame[group].value_counts().head(max_groups).index
    frame = frame[frame[group].isin(top)]
    fig = px.box(
        frame,
        x=value,
        y=group,
        points="all" if len(frame) < 500 else False,
        labels={value: "words per sentence", group: ""},
    )
    fig.update_layout(
        template="plotly_white",
        title="Sentence length by " + group,
        height=max(320, 40 * len(top) + 160),
    )
    return fig
