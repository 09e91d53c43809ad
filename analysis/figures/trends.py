"""Line charts of tone and frames over time."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from analysis.safe import plot_text

__all__ = ["frames_over_time_chart", "tone_over_time_chart"]


def _empty(title: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text="no dated stories", showarrow=False, font={"size": 16})
    fig.update_layout(template="plotly_white", title=title, height=300)
    return fig


def tone_over_time_chart(
    tone: pd.DataFrame, *, group: str = "group", value: str = "mean_score"
) -> go.Figure:
    """Mean tone per period, one line per group; thin cells drawn as open markers."""
    title = "Tone over time (mean sentence score)"
    if tone.empty:
        return _empty(title)
    fig = px.line(
        tone,
        x="period",
        y=value,
        color=group,
        markers=True,
        hover_data=["n_sentences", "n_stories", "thin"],
        labels={"period": "", value: "mean score", group: ""},
    )
    for trace in fig.data:
        thin = tone.loc[tone[group] == trace.name, "thin"].tolist()
        trace.marker.symbol = ["circle-open" if t else "circle" for t in thin]
    fig.add_hline(y=0, line_width=1, line_color="#999")
    fig.update_layout(template="plotly_white", title=title, height=420)
    return fig


def frames_over_time_chart(
    frames: pd.DataFrame, *, group: str = "group", value: str = "intensity"
) -> go.Figure:
    """Frame intensity per period, one panel per frame, one line per group."""
    title = "Frames over time (hits per 1,000 words)"
    if frames.empty:
        return _empty(title)
    fig = px.line(
        frames,
        x="period",
        y=value,
        color=group,
        facet_col="frame",
        facet_col_wrap=3,
        markers=True,
        hover_data=["n_hits", "n_words", "n_stories"],
        labels={"period": "", value: "hits / 1,000 words", group: ""},
    )
    fig.for_each_annotation(lambda a: a.update(text=plot_text(a.text.split("=", 1)[-1])))
    n_frames = frames["frame"].nunique()
    fig.update_layout(
        template="plotly_white", title=title, height=260 * ((n_frames + 2) // 3) + 80
    )
    return fig
