"""Figures for the cross-story comparison (:mod:`analysis.compare`): stories on common axes.

Each function takes a table of :class:`analysis.compare.Comparison` and returns a plotly
``Figure`` (never shows it; use :func:`analysis.figures.show`). The helpers only draw: what a
point or cell stands for (its dominant frame, whether it is mostly truncated, whether a frame is
present, ranks) is read from the tables, never decided here. Vocabulary and rules as in
:mod:`analysis.figures.rules`: ``group`` (the column naming a point or row; the comparison
tables call it ``"group"``), ``value`` (the number plotted; ``x`` and ``y`` in the scatter),
``highlight`` (one group drawn emphasised), ``only`` (the groups to keep), ``max_groups`` and
``min_n``. Points and rows are labelled with the cards' ``label`` (how the statements name a
story or group); hovering shows the group value itself and the counts behind it. Colours are
fixed constants and no figure has a random id, so the same table gives the same figure JSON.
The topic shares of a comparison are drawn by :func:`analysis.figures.language.topic_shares_chart`.

Many and small groups (rules 1-4 of :mod:`analysis.figures.rules`):

- :func:`tone_frame_scatter` draws the :data:`~analysis.figures.rules.MAX_GROUPS` groups with
  most stories (a pooled point would be read as a group, so the rest are left out and the title
  says so), labels every point with text, fades points resting on fewer than
  :data:`~analysis.figures.rules.MIN_SENTENCES` sentences, draws the tone axis (y) symmetric
  around 0 spanning at least :data:`~analysis.figures.rules.MIN_TONE_SPAN`, the intensity axis
  (x) from 0, standard errors as bars, and says in the subtitle how many pairs of groups differ
  in tone by less than their standard error.
- :func:`frame_profile_chart` draws the rows of the groups with most stories (the rest left out,
  as in every heatmap), fades rows resting on fewer than
  :data:`~analysis.figures.rules.MIN_WORDS` words and shows stories and words on hover; its
  colour scale starts at 0.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis._checks import require_columns
from analysis.errors import ParameterError
from analysis.figures.rules import (
    MAX_GROUPS,
    MIN_SENTENCES,
    MIN_WORDS,
    MUTED_COLOUR,
    MUTED_OPACITY,
    check_highlight,
    check_min_n,
    choose_groups,
    fade_row,
    keep_only,
    muted_note,
    se_note,
    series_colour,
    short,
    value_range,
)
from analysis.safe import plot_text

__all__ = ["frame_profile_chart", "story_rank_chart", "tone_frame_scatter"]

_NONE_COLOUR = "#b0b0b0"
_NO_FRAME = "no frame present"
_TEMPLATE = "plotly_white"
#: Sizes that rank the groups of a comparison table (one row per group in the cards).
_CARD_SIZES = {"n_stories": "sum", "n_sentences": "sum"}


def _label_map(table: pd.DataFrame, group: str) -> dict[str, str]:
    if "label" in table.columns:
        return dict(zip(table[group].astype(str), table["label"].astype(str), strict=True))
    return {str(g): str(g) for g in table[group]}


def tone_frame_scatter(
    cards: pd.DataFrame,
    *,
    group: str = "group",
    x: str = "frame_intensity",
    y: str = "mean_score",
    size: str = "n_words",
    highlight: str | None = None,
    only: str | list[str] | None = None,
    max_groups: int = MAX_GROUPS,
    min_n: int = MIN_SENTENCES,
) -> go.Figure:
    """Tone against framing intensity: one labelled point per story or group.

    x = hits of all frames per 1,000 words, y = mean tone; the point's area grows with the
    words behind it, its colour is the card's ``dominant_frame``, and cards flagged
    ``mostly_truncated`` (truncated stories; groups where most stories are truncated) are drawn
    as open diamonds. Error bars: +/- ``se_score`` when the cards have it. The legend says
    "truncated" when every card is one story (``n_stories``), else "mostly truncated". Axes and
    many or small groups: see the module docstring.

    Args:
        cards: :attr:`analysis.compare.Comparison.cards` (``mostly_truncated`` and
            ``dominant_frame`` are read, not recomputed).
        group: the column naming a point.
        x, y: the columns on the axes.
        size: the column setting the point area (``n_words``).
        highlight: a group value drawn with a thick outline (drawn even when small).
        only: the group value(s) to draw.
        max_groups: draw at most this many groups (those with most stories).
        min_n: points resting on fewer sentences (``n_sentences``) are faded.

    Raises:
        ParameterError: missing columns, an unknown ``highlight`` or ``only``, a bad
            ``max_groups`` or ``min_n``.
    """
    require_columns(cards, [group, x, y, size, "mostly_truncated", "dominant_frame"], "cards")
    min_n = check_min_n(min_n)
    cards = keep_only(cards, group, only, "the cards")
    highlight = check_highlight(cards, group, highlight, "the cards")
    chosen = choose_groups(cards, group, max_groups, agg=_CARD_SIZES, highlight=highlight)
    table = chosen.rows(cards, group).reset_index(drop=True)
    faded = chosen.small("n_sentences", min_n)
    labels = _label_map(table, group)
    dominant = table["dominant_frame"].fillna("").astype(str).replace("", _NO_FRAME)
    frames = list(dict.fromkeys(d for d in dominant if d != _NO_FRAME))
    colours = {f: series_colour(i) for i, f in enumerate(frames)}
    colours[_NO_FRAME] = _NONE_COLOUR
    diameters = _diameters(table[size])
    flagged = table["mostly_truncated"].astype(bool)
    by_story = "n_stories" not in table.columns or bool((table["n_stories"] <= 1).all())
    tag = " (truncated)" if by_story else " (mostly truncated)"
    errors = table["se_score"] if "se_score" in table.columns and y == "mean_score" else None
    fig = go.Figure()
    for frame in [*frames, _NO_FRAME]:
        for truncated in (False, True):
            mask = (dominant == frame) & (flagged == truncated)
            if not mask.any():
                continue
            rows = table[mask]
            keys = [str(g) for g in rows[group]]
            marker = {
                "size": diameters[mask.to_numpy()].round(2).tolist(),
                "color": colours[frame],
                "symbol": "diamond-open" if truncated else "circle",
                "opacity": [MUTED_OPACITY if k in faded else 0.85 for k in keys],
                "line": {"width": [3 if k == highlight else 1 for k in keys], "color": "#222"},
            }
            name = frame + (tag if truncated else "")
            columns = {"group": group, "x": x, "y": y, "size": size}
            fig.add_trace(_scatter_trace(rows, columns, name, marker, labels, faded))
    fig.add_hline(y=0, line={"color": "#444", "width": 1})
    notes = [
        f"area: {plot_text(size)}",
        "open diamonds: "
        + ("truncated stories" if by_story else "groups of mostly truncated stories"),
        "colour: dominant frame",
        "bars: +/- standard error",
    ]
    if faded:
        notes.append(muted_note("sentences", min_n, faded=True))
    within = se_note(table[y], errors) if errors is not None else ""
    name = plot_text(group) if group != "group" else "story or group"
    fig.update_layout(
        template=_TEMPLATE,
        title=f"Tone and framing intensity by {name}{plot_text(chosen.note(pooled=False))}"
        f"<br><sup>{'; '.join(notes)}</sup>"
        + (f"<br><sup>tone: {within}</sup>" if within else ""),
        xaxis={
            "title": {"text": f"{plot_text(x)} (frame hits per 1,000 words)"},
            "range": value_range(x, table[x]),
        },
        yaxis={
            "title": {"text": f"{plot_text(y)} (tone, -1 to 1)"},
            "range": value_range(y, table[y], errors),
            "zeroline": True,
        },
        legend={"title": {"text": "dominant frame"}},
        height=560,
        margin={"t": 110},
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
    faded: set[str],
) -> go.Scatter:
    """The labelled points of ``rows`` (one legend entry): ``columns`` names the ``group``,
    ``x``, ``y`` and ``size`` columns; error bars of ``se_score`` when ``y`` is ``mean_score``;
    the labels of ``faded`` groups are grey."""
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
    keys = [str(g) for g in rows[group]]
    counts = [
        rows[c].astype("int64") if c in rows.columns else [0] * len(rows)
        for c in ("n_stories", "n_sentences")
    ]
    return go.Scatter(
        x=rows[x].round(3).tolist(),
        y=rows[y].round(4).tolist(),
        mode="markers+text",
        text=[short(labels[k], 30) for k in keys],
        textposition="top center",
        textfont={"color": [MUTED_COLOUR if k in faded else "#222" for k in keys], "size": 11},
        name=name,
        error_y=error,
        marker=marker,
        customdata=np.column_stack(
            [keys, [labels[k] for k in keys], rows[size].astype("int64"), *counts]
        ),
        hovertemplate="%{customdata[1]}<br>%{customdata[0]}<br>"
        f"{plot_text(y)}: %{{y:.3f}}<br>{plot_text(x)}: %{{x:.1f}}<br>"
        f"{plot_text(size)}: %{{customdata[2]:,}}<br>"
        "%{customdata[3]:,} stories, %{customdata[4]:,} sentences"
        f"<extra>{plot_text(short(name, 30))}</extra>",
    )


def frame_profile_chart(
    frames: pd.DataFrame,
    *,
    group: str = "group",
    value: str = "intensity",
    labels: dict[str, str] | None = None,
    highlight: str | None = None,
    only: str | list[str] | None = None,
    max_groups: int = MAX_GROUPS,
    min_n: int = MIN_WORDS,
    decimals: int = 1,
) -> go.Figure:
    """Frame profile per story or group: a groups x frames heatmap of ``value``.

    Cells where the frame is *present* (the framing module's decision rule) are annotated with a
    ``*`` after the number. Rows resting on fewer than ``min_n`` words are faded.

    Args:
        frames: :attr:`analysis.compare.Comparison.frames` (or a ``frame_summary`` table with a
            ``group`` column).
        group: the column naming a row.
        value: ``intensity`` (hits per 1,000 words), ``share`` (of sentences) or
            ``share_present`` (of stories).
        labels: group value -> row label (e.g. the cards' ``label``); default the values.
        highlight: a group value to mark (its row label gets a leading arrow).
        only: the group value(s) to draw.
        max_groups: at most this many groups (those with most stories).
        min_n: rows resting on fewer words (``n_words``) are faded.
        decimals: decimals of the annotations.

    Raises:
        ParameterError: missing columns, a bad ``value``, ``max_groups`` or ``min_n``, an
            unknown ``highlight`` or ``only``.
    """
    titles = {
        "intensity": "hits per 1,000 words",
        "share": "share of sentences",
        "share_present": "share of stories where present",
    }
    if value not in titles:
        raise ParameterError(f"value must be one of {sorted(titles)}, got {value!r}")
    require_columns(frames, [group, "frame", "label", value, "present"], "frames")
    min_n = check_min_n(min_n)
    frames = keep_only(frames, group, only, "the frames table")
    highlight = check_highlight(frames, group, highlight, "the frames table")
    sizes = {"n_stories": "max", "n_words": "max"}
    chosen = choose_groups(frames, group, max_groups, agg=sizes, highlight=highlight)
    groups = chosen.kept
    table = chosen.rows(frames, group)
    frame_ids = list(dict.fromkeys(table["frame"].astype(str)))
    frame_labels = dict(zip(table["frame"].astype(str), table["label"].astype(str), strict=False))
    keyed = table.assign(_g=table[group].astype(str), _f=table["frame"].astype(str))
    z = _grid(keyed, value, groups, frame_ids).to_numpy(dtype="float64")
    text = _cell_text(z, _grid(keyed, "present", groups, frame_ids).to_numpy(), decimals)
    names = labels or {}
    y = [("\u25b6 " if g == highlight else "") + short(names.get(g, g), 40) for g in groups]
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
        customdata=[[chosen.describe(g)] * len(frame_ids) for g in groups],
        hovertemplate="%{y}<br>%{x}: %{z:.2f}<br>%{customdata}<extra></extra>",
    )
    fig = go.Figure(heat)
    faded = chosen.small("n_words", min_n)
    for i, g in enumerate(groups):
        if g in faded:
            fig.add_shape(fade_row(i))
    note = f"; faded rows: fewer than {min_n:,} words" if faded else ""
    fig.update_layout(
        template=_TEMPLATE,
        title=f"Frame profile: {titles[value]}{plot_text(chosen.note(pooled=False))}"
        f"<br><sup>* the frame is present{note}</sup>",
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
    labels = [short(x, 36) for x in rows["label"]]
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
    median = {
        "mode": "markers",
        "marker": {"symbol": "line-ns-open", "size": 18, "color": "#555", "line": {"width": 2}},
        "name": "median story",
        "customdata": rows["median"].astype("float64").round(3).tolist(),
        "hovertemplate": "median %{customdata}<extra></extra>",
    }
    dot = {
        "mode": "markers+text",
        "text": notes,
        "textposition": "middle right",
        "marker": {"size": 13, "color": "#d62728"},
        "name": short(story, 40),
        "hovertemplate": "%{text}<extra></extra>",
    }
    for x, style in ((med, median), (pos, dot)):
        fig.add_trace(go.Scatter(y=labels, x=x.round(4).tolist(), **style))
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
