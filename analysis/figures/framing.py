"""Figures for the framing step (:mod:`analysis.framing`): each function returns a plotly Figure.

Both take the :func:`analysis.framing.frame_summary` table and share the package's vocabulary
(:mod:`analysis.figures.rules`): ``group`` (the summary's group column, one row or trace per
value), ``value`` (the number plotted: ``intensity``, ``share``, ``score``, ``n_hits`` or
``share_present``), ``only`` (the group value(s) to draw), ``max_groups`` and ``min_n``.

Many and small groups, axes:

- :func:`frame_heatmap` draws the rows of the ``max_groups`` groups with most stories (default
  :data:`~analysis.figures.rules.MAX_GROUPS`; ties in the summary's order) and leaves the rest
  out, as every heatmap does, saying so in the title (``"first 2 of 4 groups"`` when all groups
  have as many stories).
- :func:`frame_profile` draws one trace per group, at most ``max_groups``; the rest are pooled
  into one dark grey trace ``"other (N groups)"`` whose values are recomputed from the pooled
  counts (hits per 1,000 pooled words, frame sentences over pooled sentences, stories where
  present over pooled stories, summed hits and scores).
- Groups resting on fewer than ``min_n`` words (default :data:`~analysis.figures.rules.MIN_WORDS`)
  are faded rows (heatmap) or grey traces (profile); stories and words are shown on hover.
- Colour scales and value axes start at 0 (every value is a count, a share or an intensity).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analysis.errors import ParameterError
from analysis.figures.rules import (
    MAX_GROUPS,
    MIN_WORDS,
    Groups,
    check_min_n,
    choose_groups,
    fade_row,
    keep_only,
    pool,
    series_colour,
    value_range,
)
from analysis.framing import frame_matrix
from analysis.safe import plot_text

__all__ = ["frame_heatmap", "frame_profile"]

#: How a group's sizes are read from its rows (every frame row repeats them).
_SIZES = {"n_stories": "max", "n_words": "max"}
#: Pooled counts, and the shares and intensity recomputed from them (mean -> weight).
_POOLED_SUMS = ["n_stories", "n_words", "n_sentences", "n_hits", "n_frame_sentences", "score"]
_POOLED_MEANS = {"intensity": "n_words", "share": "n_sentences", "share_present": "n_stories"}

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


def _chosen(
    summary: pd.DataFrame, group: str, value: str, only: object, max_groups: int
) -> tuple[pd.DataFrame, pd.DataFrame, Groups]:
    """The summary's ``frame_matrix`` (checked first), the rows of ``only`` and the groups."""
    wide = frame_matrix(summary, group=group, value=value)
    summary = keep_only(summary, group, only, "the summary")
    chosen = choose_groups(summary, group, max_groups, agg=_SIZES)
    return wide[wide.index.map(str).isin(chosen.kept)], summary, chosen


def frame_heatmap(
    summary: pd.DataFrame,
    *,
    group: str = "story_id",
    value: str = "intensity",
    only: str | list[str] | None = None,
    annotate: bool = True,
    decimals: int = 1,
    max_groups: int = MAX_GROUPS,
    min_n: int = MIN_WORDS,
    title: str | None = None,
) -> go.Figure:
    """Groups × frames heatmap of ``value``, cells annotated with the rounded number.

    Args:
        summary: :func:`analysis.framing.frame_summary` output.
        group: its group column (one heatmap row per value, in the summary's order).
        value: the number coloured (see :data:`VALUE_TITLES`).
        only: the group value(s) to draw.
        annotate: write the rounded value in each cell.
        decimals: decimals of the annotations.
        max_groups: plot at most this many groups (those with most stories); the title says so.
        min_n: rows of groups resting on fewer words are faded.
        title: figure title (a default names the value).

    Returns:
        A plotly ``Figure`` (not shown).

    Raises:
        ParameterError: an unknown ``value`` or ``only``, a bad ``max_groups`` or ``min_n``.
    """
    label = _title(value)
    min_n = check_min_n(min_n)
    wide, _, chosen = _chosen(summary, group, value, only, max_groups)
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
        customdata=[[chosen.describe(g)] * len(x) for g in y],
        hovertemplate=f"{plot_text(group)}: %{{y}}<br>frame: %{{x}}<br>"
        f"{plot_text(label)}: %{{z:.{decimals}f}}<br>%{{customdata}}"
        "<extra></extra>",
    )
    if annotate:
        heat.update(texttemplate=f"%{{z:.{decimals}f}}", textfont={"size": 11})
    fig = go.Figure(heat)
    faded = chosen.small("n_words", min_n)
    for i, g in enumerate(y):
        if g in faded:
            fig.add_shape(fade_row(i))
    default = f"Frames by {plot_text(group)}: {label}{plot_text(chosen.note(pooled=False))}"
    if faded:
        default += f"<br><sup>faded rows: fewer than {min_n:,} words</sup>"
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
    group: str = "story_id",
    value: str = "intensity",
    only: str | list[str] | None = None,
    kind: str = "bar",
    max_groups: int = MAX_GROUPS,
    min_n: int = MIN_WORDS,
    title: str | None = None,
) -> go.Figure:
    """Frame profile of one or more groups: grouped bars or a radar chart, one trace per group.

    Args:
        summary: the :func:`analysis.framing.frame_summary` table (a row per group and frame).
        group: the summary's group column.
        value: the number plotted (see :data:`VALUE_TITLES`).
        only: the group value(s) to plot (a story id when ``group="story_id"``); ``None`` plots
            every group, at most ``max_groups``.
        kind: ``"bar"`` or ``"radar"``.
        max_groups: at most this many traces (groups with most stories); the rest pooled.
        min_n: traces of groups resting on fewer words are grey.
        title: figure title.

    Returns:
        A plotly ``Figure`` (not shown).

    Raises:
        ParameterError: an unknown ``kind``, ``value`` or ``only``, a bad ``max_groups`` or
            ``min_n``.
    """
    label = _title(value)
    if kind not in ("bar", "radar"):
        raise ParameterError(f"kind must be 'bar' or 'radar', got {kind!r}")
    min_n = check_min_n(min_n)
    wide, summary, chosen = _chosen(summary, group, value, only, max_groups)
    wide.index = wide.index.map(str)
    if chosen.dropped:
        rows = chosen.dropped_rows(summary, group)
        other = pool(
            rows.assign(frame=rows["frame"].astype(str)),
            group=group,
            label=chosen.other,
            keys=["frame"],
            sums=_POOLED_SUMS,
            means=_POOLED_MEANS,
        )
        wide.loc[chosen.other] = other.set_index("frame")[value].reindex(wide.columns)
    labels = _labels(summary)
    frames = [labels.get(c, c) for c in wide.columns]
    faded = chosen.small("n_words", min_n)
    point = "%{x}: %{y:.2f}" if kind == "bar" else "%{theta}: %{r:.2f}"
    fig = go.Figure()
    for i, (name, row) in enumerate(wide.iterrows()):
        values = row.astype("float64").round(3).tolist()
        colour = chosen.colour(str(name), faded, series_colour(i))
        common = {
            "name": str(name),
            "customdata": [chosen.describe(str(name))] * (len(values) + 1),
            "hovertemplate": f"{point}<br>%{{customdata}}<extra>{plot_text(name)}</extra>",
        }
        if kind == "bar":
            fig.add_trace(go.Bar(x=frames, y=values, marker_color=colour, **common))
        else:
            fig.add_trace(
                go.Scatterpolar(
                    r=values + values[:1],
                    theta=frames + frames[:1],
                    fill="toself",
                    line={"color": colour},
                    **common,
                )
            )
    default = f"Frame profile: {label}{plot_text(chosen.note(pooled=True))}"
    if faded:
        default += f"<br><sup>grey: fewer than {min_n:,} words</sup>"
    if kind == "bar":
        fig.update_layout(
            barmode="group",
            xaxis={"title": {"text": "frame"}, "tickangle": -30},
            yaxis={"title": {"text": label}, "range": value_range(value, wide.to_numpy())},
        )
    else:
        fig.update_layout(polar={"radialaxis": {"title": {"text": label}, "rangemode": "tozero"}})
    fig.update_layout(title={"text": title or default}, legend={"title": {"text": group}})
    return fig
