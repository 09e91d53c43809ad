"""Figures for the cross-story comparison (:mod:`analysis.compare`): stories on common axes.

Each function takes a table of :class:`analysis.compare.Comparison` and returns a plotly
``Figure`` (never shows it; use :func:`analysis.figures.show`). The helpers only draw: what a
point or cell stands for (its dominant frame, whether it is mostly truncated, whether a frame is
present, ranks) is read from the tables, never decided here. Shared vocabulary, as in the other
figure modules: ``group`` (the column naming a point, row or bar; the comparison tables call it
``"group"``), ``value`` (the number plotted) and ``story`` (one group value to highlight).
Points and rows are labelled with the cards' ``label`` (how the statements name a story or
group); hovering shows the group value itself. Colours are fixed constants and no figure has a
random id, so the same table gives the same figure JSON.

Large comparisons: every function draws at most ``max_groups`` groups (the first ones of the
table, which :func:`analysis.compare.compare` already caps and orders) and says so in the title.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis._checks import positive_int, require_columns
from analysis.errors import ParameterError
from analysis.figures import TOPIC_COLOURS
from analysis.safe import plot_text

__all__ = [
    "FRAME_PALETTE",
    "frame_profile_chart",
    "story_rank_chart",
    "tone_frame_scatter",
    "topic_shares_chart",
]

#: Colours of dominant frames in the scatter (cycled in first-appearance order), and of "none".
FRAME_PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
)
_NONE_COLOUR = "#b0b0b0"
_NO_FRAME = "no frame present"
TOPIC_PALETTE = TOPIC_COLOURS  # shared with the language figures
_TEMPLATE = "plotly_white"
#: Points labelled with text in the scatter (more get hover labels only).
MAX_TEXT_LABELS = 12


def _short(text: object, width: int = 40) -> str:
    value = str(text)
    return value if len(value) <= width else value[: width - 1] + "\u2026"


def _label_map(table: pd.DataFrame, group: str) -> dict[str, str]:
    if "label" in table.columns:
        return dict(zip(table[group].astype(str), table["label"].astype(str), strict=True))
    return {str(g): str(g) for g in table[group]}


def _first_groups(values: pd.Series, max_groups: int) -> tuple[list[str], str]:
    groups = list(dict.fromkeys(values.astype(str)))
    if len(groups) <= max_groups:
        return groups, ""
    return groups[:max_groups], f" (first {max_groups} of {len(groups)})"


def tone_frame_scatter(
    cards: pd.DataFrame,
    *,
    group: str = "group",
    x: str = "frame_intensity",
    y: str = "mean_score",
    size: str = "n_words",
    story: str | None = None,
    max_groups: int = 30,
) -> go.Figure:
    """Tone against framing intensity: one point per story or group.

    x = hits of all frames per 1,000 words, y = mean tone; the point's area grows with the
    words behind it, its colour is the card's ``dominant_frame``, and cards flagged
    ``mostly_truncated`` (truncated stories; groups where most stories are truncated) are drawn
    as open diamonds. Error bars: +/- ``se_score`` when the cards have it. The legend says
    "truncated" when every card is one story (``n_stories``), else "mostly truncated".

    Args:
        cards: :attr:`analysis.compare.Comparison.cards` (``mostly_truncated`` and
            ``dominant_frame`` are read, not recomputed).
        group: the column naming a point.
        x, y: the columns on the axes.
        size: the column setting the point area (``n_words``).
        story: a group value to highlight (drawn with a thick outline).
        max_groups: draw at most this many (the first) groups.

    Raises:
        ParameterError: missing columns, an unknown ``story`` or a bad ``max_groups``.
    """
    require_columns(cards, [group, x, y, size, "mostly_truncated", "dominant_frame"], "cards")
    max_groups = positive_int(max_groups, "max_groups")
    groups, note = _first_groups(cards[group], max_groups)
    table = cards[cards[group].astype(str).isin(groups)].reset_index(drop=True)
    if story is not None and str(story) not in set(table[group].astype(str)):
        raise ParameterError(f"story {story!r} is not a {group} value of the cards")
    labels = _label_map(table, group)
    dominant = table["dominant_frame"].fillna("").astype(str).replace("", _NO_FRAME)
    frames = list(dict.fromkeys(d for d in dominant if d != _NO_FRAME))
    colours = {f: FRAME_PALETTE[i % len(FRAME_PALETTE)] for i, f in enumerate(frames)}
    colours[_NO_FRAME] = _NONE_COLOUR
    diameters = _diameters(table[size])
    show_text = len(table) <= MAX_TEXT_LABELS
    flagged = table["mostly_truncated"].astype(bool)
    by_story = "n_stories" not in table.columns or bool((table["n_stories"] <= 1).all())
    tag = " (truncated)" if by_story else " (mostly truncated)"
    fig = go.Figure()
    for frame in [*frames, _NO_FRAME]:
        for truncated in (False, True):
            mask = (dominant == frame) & (flagged == truncated)
            if not mask.any():
                continue
            rows = table[mask]
            outline = [3 if story is not None and str(g) == str(story) else 1 for g in rows[group]]
            marker = {
                "size": diameters[mask.to_numpy()].round(2).tolist(),
                "color": colours[frame],
                "symbol": "diamond-open" if truncated else "circle",
                "opacity": 0.8,
                "line": {"width": outline, "color": "#222"},
            }
            name = frame + (tag if truncated else "")
            columns = {"group": group, "x": x, "y": y, "size": size}
            fig.add_trace(_scatter_trace(rows, columns, name, marker, labels, show_text))
    fig.add_hline(y=0, line={"color": "#444", "width": 1})
    fig.update_layout(
        template=_TEMPLATE,
        title="Tone and framing intensity by "
        f"{plot_text(group) if group != 'group' else 'story or group'}"
        f"{plot_text(note)}<br><sup>area: {plot_text(size)}; open diamonds: "
        f"{'truncated stories' if by_story else 'groups of mostly truncated stories'}; "
        "colour: dominant frame;"
        " bars: +/- standard error</sup>",
        xaxis={"title": {"text": f"{plot_text(x)} (frame hits per 1,000 words)"}},
        yaxis={"title": {"text": f"{y} (tone, -1 to 1)"}},
        legend={"title": {"text": "dominant frame"}},
        height=520,
        margin={"t": 90},
    )
    return fig


def _diameters(words: pd.Series) -> np.ndarray:
    """Point diameters whose areas grow with ``words`` (10 to 50 px; 12 px when all are 0)."""
    words = words.astype("float64").clip(lower=0)
    biggest = float(words.max()) if len(words) else 0.0
    return 10 + 40 * np.sqrt(words / biggest) if biggest > 0 else np.full(len(words), 12.0)


def _scatter_trace(
    rows: pd.DataFrame,
    columns: dict[str, str],
    name: str,
    marker: dict[str, Any],
    labels: dict[str, str],
    show_text: bool,
) -> go.Scatter:
    """The points of ``rows`` (one legend entry): ``columns`` names the ``group``, ``x``, ``y``
    and ``size`` columns; error bars of ``se_score`` when ``y`` is ``mean_score``."""
    group, x, y, size = columns["group"], columns["x"], columns["y"], columns["size"]
    error = None
    if "se_score" in rows.columns and y == "mean_score":
        error = {
            "type": "data",
            "array": rows["se_score"].fillna(0).round(4).tolist(),
            "visible": True,
            "thickness": 1,
            "color": "#999",
        }
    return go.Scatter(
        x=rows[x].round(3).tolist(),
        y=rows[y].round(4).tolist(),
        mode="markers+text" if show_text else "markers",
        text=[_short(labels[str(g)], 30) for g in rows[group]] if show_text else None,
        textposition="top center",
        name=name,
        error_y=error,
        marker=marker,
        customdata=np.column_stack(
            [
                rows[group].astype(str),
                [labels[str(g)] for g in rows[group]],
                rows[size].astype("int64"),
            ]
        ),
        hovertemplate="%{customdata[1]}<br>%{customdata[0]}<br>"
        f"{plot_text(y)}: %{{y:.3f}}<br>{plot_text(x)}: %{{x:.1f}}<br>"
        f"{plot_text(size)}: %{{customdata[2]:,}}"
        f"<extra>{plot_text(_short(name, 30))}</extra>",
    )


def frame_profile_chart(
    frames: pd.DataFrame,
    *,
    group: str = "group",
    value: str = "intensity",
    labels: dict[str, str] | None = None,
    story: str | None = None,
    max_groups: int = 30,
    decimals: int = 1,
) -> go.Figure:
    """Frame profile per story or group: a groups x frames heatmap of ``value``.

    Cells where the frame is *present* (the framing module's decision rule) are annotated with a
    ``*`` after the number.

    Args:
        frames: :attr:`analysis.compare.Comparison.frames` (or a ``frame_summary`` table with a
            ``group`` column).
        group: the column naming a row.
        value: ``intensity`` (hits per 1,000 words), ``share`` (of sentences) or
            ``share_present`` (of stories).
        labels: group value -> row label (e.g. the cards' ``label``); default the values.
        story: a group value to mark (its row label gets a leading arrow).
        max_groups: at most this many (the first) groups.
        decimals: decimals of the annotations.

    Raises:
        ParameterError: missing columns, a bad ``value`` or ``max_groups``.
    """
    titles = {
        "intensity": "hits per 1,000 words",
        "share": "share of sentences",
        "share_present": "share of stories where present",
    }
    if value not in titles:
        raise ParameterError(f"value must be one of {sorted(titles)}, got {value!r}")
    require_columns(frames, [group, "frame", "label", value, "present"], "frames")
    max_groups = positive_int(max_groups, "max_groups")
    groups, note = _first_groups(frames[group], max_groups)
    table = frames[frames[group].astype(str).isin(groups)]
    frame_ids = list(dict.fromkeys(table["frame"].astype(str)))
    frame_labels = dict(zip(table["frame"].astype(str), table["label"].astype(str), strict=False))
    keyed = table.assign(_g=table[group].astype(str), _f=table["frame"].astype(str))
    z = _grid(keyed, value, groups, frame_ids).to_numpy(dtype="float64")
    text = _cell_text(z, _grid(keyed, "present", groups, frame_ids).to_numpy(), decimals)
    names = labels or {}
    y = [
        ("\u25b6 " if story is not None and g == str(story) else "") + _short(names.get(g, g), 40)
        for g in groups
    ]
    heat = go.Heatmap(
        z=np.round(z, 4).tolist(),
        x=[frame_labels[f] for f in frame_ids],
        y=y,
        text=text,
        texttemplate="%{text}",
        textfont={"size": 11},
        colorscale="Blues",
        zmin=0,
        colorbar={"title": {"text": titles[value]}},
        hovertemplate="%{y}<br>%{x}: %{z:.2f}<extra></extra>",
    )
    fig = go.Figure(heat)
    fig.update_layout(
        template=_TEMPLATE,
        title=f"Frame profile: {titles[value]}{plot_text(note)}"
        "<br><sup>* the frame is present</sup>",
        xaxis={"side": "top", "tickangle": -30},
        yaxis={"autorange": "reversed", "automargin": True},
        height=max(320, 170 + 28 * len(groups)),
        margin={"t": 150},
    )
    return fig


def _grid(
    keyed: pd.DataFrame, column: str, groups: list[str], frame_ids: list[str]
) -> pd.DataFrame:
    """Groups x frames of ``column`` (``keyed`` has the group and frame as text in ``_g``,
    ``_f``)."""
    wide = keyed.pivot(index="_g", columns="_f", values=column)
    return wide.reindex(index=groups, columns=frame_ids)


def _cell_text(z: np.ndarray, present: np.ndarray, decimals: int) -> list[list[str]]:
    """Heatmap annotations: each number with ``decimals``, starred where the frame is present."""
    return [
        [
            "" if math.isnan(v) else f"{v:.{decimals}f}" + ("*" if bool(p) else "")
            for v, p in zip(zrow, prow, strict=True)
        ]
        for zrow, prow in zip(z, present, strict=True)
    ]


def topic_shares_chart(
    topics: pd.DataFrame,
    *,
    group: str = "group",
    value: str = "share",
    labels: dict[str, str] | None = None,
    max_groups: int = 30,
) -> go.Figure:
    """Stacked horizontal bars: each story's (or group's) share of every topic.

    Args:
        topics: :attr:`analysis.compare.Comparison.topics` (``group``, ``topic``, ``label``,
            ``share``).
        group: the column naming a bar.
        value: the share column.
        labels: group value -> bar label (e.g. the cards' ``label``); default the values.
        max_groups: at most this many (the first) groups.

    Raises:
        ParameterError: missing columns or a bad ``max_groups``.
    """
    require_columns(topics, [group, "topic", "label", value], "topics")
    max_groups = positive_int(max_groups, "max_groups")
    groups, note = _first_groups(topics[group], max_groups)
    names = labels or {}
    fig = go.Figure()
    table = topics[topics[group].astype(str).isin(groups)]
    ordered = table.drop_duplicates("topic").sort_values("topic", kind="stable")
    y = [_short(names.get(g, g), 40) for g in groups][::-1]
    for i, (topic, label) in enumerate(zip(ordered["topic"], ordered["label"], strict=True)):
        rows = table[table["topic"] == topic]
        share = dict(zip(rows[group].astype(str), rows[value].astype("float64"), strict=True))
        fig.add_trace(
            go.Bar(
                x=[round(share.get(g, 0.0), 4) for g in groups][::-1],
                y=y,
                orientation="h",
                name=_short(f"{int(topic)}: {label}", 40),
                marker_color=TOPIC_PALETTE[i % len(TOPIC_PALETTE)],
                hovertemplate="%{y}: %{x:.0%}<extra>"
                + plot_text(_short(f"{topic}: {label}", 40))
                + "</extra>",
            )
        )
    fig.update_layout(
        template=_TEMPLATE,
        barmode="stack",
        title=f"Topic shares{plot_text(note)}",
        xaxis={"title": {"text": value}, "tickformat": ".0%", "range": [0, 1]},
        yaxis={"automargin": True},
        legend={"title": {"text": "topic"}, "traceorder": "normal"},
        height=max(320, 130 + 32 * len(groups), 140 + 24 * len(ordered)),
        margin={"t": 60},
    )
    return fig


def story_rank_chart(differences: pd.DataFrame, *, value: str = "value") -> go.Figure:
    """Where one story stands among all stories of the selection, measure by measure.

    Measures have different units (tone -1..1, frames in hits per 1,000 words), so each row is
    scaled from the lowest story (0) to the highest (1): the story is a red dot, the median a
    grey tick; the numbers and the rank are written beside the dot.

    Args:
        differences: :func:`analysis.compare.story_differences` output.
        value: the story's column (``value``).

    Raises:
        ParameterError: missing columns.
    """
    require_columns(
        differences,
        ["measure", "label", value, "minimum", "maximum", "median", "rank", "n_ranked", "order"],
        "differences",
    )
    rows = differences.reset_index(drop=True)
    story = str(differences.attrs.get("story_id", "the story"))
    lo = rows["minimum"].astype("float64")
    span = (rows["maximum"].astype("float64") - lo).where(lambda d: d > 0)
    pos = ((rows[value].astype("float64") - lo) / span).fillna(0.5)
    med = ((rows["median"].astype("float64") - lo) / span).fillna(0.5)
    labels = [_short(x, 36) for x in rows["label"]]
    notes = _rank_notes(rows, value)
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=labels,
            x=[1.0] * len(rows),
            orientation="h",
            marker_color="#ececec",
            name="range of all stories (lowest 0, highest 1)",
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            y=labels,
            x=med.round(4).tolist(),
            mode="markers",
            marker={"symbol": "line-ns-open", "size": 18, "color": "#555", "line": {"width": 2}},
            name="median story",
            customdata=rows["median"].astype("float64").round(3).tolist(),
            hovertemplate="median %{customdata}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            y=labels,
            x=pos.round(4).tolist(),
            mode="markers+text",
            text=notes,
            textposition="middle right",
            marker={"size": 13, "color": "#d62728"},
            name=_short(story, 40),
            hovertemplate="%{text}<extra></extra>",
        )
    )
    fig.update_layout(
        template=_TEMPLATE,
        barmode="overlay",
        title="The story among all stories of the selection<br><sup>each row scaled from the "
        "lowest story (0) to the highest (1); red: this story, tick: the median</sup>",
        xaxis={"range": [-0.02, 1.6], "tickvals": [0, 0.5, 1], "title": {"text": "position"}},
        yaxis={"autorange": "reversed", "automargin": True},
        height=max(300, 130 + 36 * len(rows)),
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 80},
    )
    return fig


def _rank_notes(rows: pd.DataFrame, value: str) -> list[str]:
    """The text beside each dot: the story's value and its rank (``no trigger`` unranked)."""
    return [
        (f"{v:,.0f}, " if m == "words" else f"{v:,.2f}, ")
        + ("no trigger" if pd.isna(r) else f"{_ordinal_rank(int(r))} of {int(n):,} ({o})")
        for m, v, r, n, o in zip(
            rows["measure"],
            rows[value],
            rows["rank"],
            rows["n_ranked"],
            rows["order"],
            strict=True,
        )
    ]


def _ordinal_rank(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
