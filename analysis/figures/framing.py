"""Figures for the framing step (:mod:`analysis.framing`): each function returns a plotly Figure.

Both take the :func:`analysis.framing.frame_summary` table and share the package's vocabulary:
``group`` (the summary's group column, one row or trace per value), ``value`` (the number
plotted: ``intensity``, ``share``, ``score``, ``n_hits`` or ``share_present``) and ``story`` (one
group value to plot alone).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from analysis.errors import ParameterError
from analysis.framing import frame_matrix
from analysis.safe import plot_text

__all__ = ["frame_heatmap", "frame_profile"]

#: What each ``value`` means, used for axis and colour-bar titles.
VALUE_TITLES = {
    "intensity": "hits per 1,000 words",
    "share": "share of sentences",
    "score": "evidence score",
    "n_hits": "hits",
    "share_present": "share of stories where present",
}


def _title(value: str) -> str:
    if value not in VALUE_TITLES:
        raise ParameterError(f"value must be one of {sorted(VALUE_TITLES)}, got {value!r}")
    return VALUE_TITLES[value]


def _labels(summary: pd.DataFrame) -> dict[str, str]:
    pairs = summary[["frame", "label"]].drop_duplicates()
    return dict(zip(pairs["frame"].astype("str"), pairs["label"].astype("str"), strict=True))


def frame_heatmap(
    summary: pd.DataFrame,
    *,
    group: str = "story_id",
    value: str = "intensity",
    annotate: bool = True,
    decimals: int = 1,
    max_groups: int = 40,
    title: str | None = None,
) -> go.Figure:
    """Groups × frames heatmap of ``value``, cells annotated with the rounded number.

    Args:
        summary: :func:`analysis.framing.frame_summary` output.
        group: its group column (one heatmap row per value, in the summary's order).
        value: the number coloured (see :data:`VALUE_TITLES`).
        annotate: write the rounded value in each cell.
        decimals: decimals of the annotations.
        max_groups: plot at most this many groups (the first ones); the title says so.
        title: figure title (a default names the value).

    Returns:
        A plotly ``Figure`` (not shown).
    """
    label = _title(value)
    wide = frame_matrix(summary, group=group, value=value)
    n_total = len(wide)
    wide = wide.head(max_groups)
    labels = _labels(summary)
    x = [labels.get(c, c) for c in wide.columns]
    y = [str(i) for i in wide.index]
    z = wide.to_numpy(dtype="float64")
    heat = go.Heatmap(
        z=z,
        x=x,
        y=y,
        colorscale="Blues",
        zmin=0,
        colorbar={"title": {"text": label}},
        hovertemplate=f"{plot_text(group)}: %{{y}}<br>frame: %{{x}}<br>"
        f"{plot_text(label)}: %{{z:.{decimals}f}}"
        "<extra></extra>",
    )
    if annotate:
        heat.update(texttemplate=f"%{{z:.{decimals}f}}", textfont={"size": 11})
    fig = go.Figure(heat)
    default = f"Frames by {group}: {label}"
    if n_total > len(wide):
        default += f" (first {len(wide)} of {n_total})"
    fig.update_layout(
        title={"text": title or default},
        xaxis={"side": "top", "tickangle": -30},
        yaxis={"title": {"text": group}, "autorange": "reversed", "automargin": True},
        height=max(320, 140 + 28 * len(y)),
        margin={"t": 140},
    )
    return fig


def frame_profile(
    summary: pd.DataFrame,
    *,
    story: str | Sequence[str] | None = None,
    group: str = "story_id",
    value: str = "intensity",
    kind: str = "bar",
    max_groups: int = 12,
    title: str | None = None,
) -> go.Figure:
    """Frame profile of one or more groups: grouped bars or a radar chart, one trace per group.

    Args:
        summary: :func:`analysis.framing.frame_summary` output.
        story: the group value(s) to plot (a story id when ``group="story_id"``); ``None`` plots
            the first ``max_groups`` groups.
        group: the summary's group column.
        value: the number plotted (see :data:`VALUE_TITLES`).
        kind: ``"bar"`` or ``"radar"``.
        max_groups: with ``story=None``, plot at most this many groups.
        title: figure title.

    Returns:
        A plotly ``Figure`` (not shown).

    Raises:
        ParameterError: an unknown ``kind`` or ``value``, or a ``story`` not in the summary.
    """
    label = _title(value)
    if kind not in ("bar", "radar"):
        raise ParameterError(f"kind must be 'bar' or 'radar', got {kind!r}")
    wide = frame_matrix(summary, group=group, value=value)
    if story is not None:
        wanted = [story] if isinstance(story, str) else list(story)
        missing = [s for s in wanted if s not in wide.index]
        if missing:
            raise ParameterError(
                f"{missing} not found in the summary's {group!r} column; "
                f"it has {list(wide.index)[:10]}{' …' if len(wide) > 10 else ''}"
            )
        wide = wide.loc[wanted]
    else:
        wide = wide.head(max_groups)
    labels = _labels(summary)
    frames = [labels.get(c, c) for c in wide.columns]
    fig = go.Figure()
    for name, row in wide.iterrows():
        values = row.astype("float64").round(3).tolist()
        if kind == "bar":
            fig.add_trace(go.Bar(x=frames, y=values, name=str(name)))
        else:
            fig.add_trace(
                go.Scatterpolar(
                    r=values + values[:1], theta=frames + frames[:1], name=str(name), fill="toself"
                )
            )
    default = f"Frame profile: {label}"
    if kind == "bar":
        fig.update_layout(
            barmode="group",
            xaxis={"title": {"text": "frame"}, "tickangle": -30},
            yaxis={"title": {"text": label}},
        )
    else:
        fig.update_layout(polar={"radialaxis": {"title": {"text": label}, "rangemode": "tozero"}})
    fig.update_layout(title={"text": title or default}, legend={"title": {"text": group}})
    return fig
