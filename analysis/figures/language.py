"""Figures for the topics-and-language step (:mod:`analysis.language`) and the comparison's
topic shares.

Each function takes a table produced by :mod:`analysis.language` (or
:attr:`analysis.compare.Comparison.topics`) and returns a plotly ``Figure`` (never shows it).
Vocabulary and rules as in :mod:`analysis.figures.rules`: ``group`` - the column naming a bar,
row or panel (the language and comparison tables call it ``"group"``; topic shares per story use
``"story_id"``); ``value`` - the number plotted; ``only`` - the group value(s) to draw;
``max_groups`` - at most this many groups (:data:`~analysis.figures.rules.MAX_GROUPS`);
``min_n`` - smaller groups are faded. Figures are deterministic: same table, same figure JSON (no
random ids, fixed colours).

Many and small groups:

- :func:`topic_shares_chart` draws the groups with most stories when it knows them (an
  ``n_stories`` column, or ``counts=`` the comparison's cards or a Series of stories per group)
  and pools the rest as one bar ``"other (N groups)"`` (each topic's share averaged over the
  pooled groups' stories); ``n`` is in the bar label and bars of groups with fewer than
  :data:`~analysis.figures.rules.MIN_STORIES` stories are faded. Without story counts it draws
  the first ``max_groups`` groups of the table and says so: a mean of group means without their
  sizes would not be a share of stories. Shares run from 0 to 1.
- :func:`distinctive_terms_chart` and :func:`actors_chart` draw one panel per group, at most
  ``max_groups`` (the first ones; the title says so - the terms of pooled groups would be other
  terms); the hover shows each bar's count.
- :func:`similarity_heatmap` draws the first ``max_groups`` rows and columns.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis._checks import group_labels, positive_int, require_columns
from analysis.errors import ParameterError
from analysis.figures import TOPIC_COLOURS
from analysis.figures.rules import (
    MAX_GROUPS,
    MIN_STORIES,
    MUTED_OPACITY,
    check_min_n,
    choose_groups,
    keep_only,
    muted_note,
    pool,
    short,
)
from analysis.safe import plot_text

__all__ = [
    "actors_chart",
    "distinctive_terms_chart",
    "similarity_heatmap",
    "topic_shares_chart",
]

#: Colours of actor types (fixed so that the same type has the same colour in every report).
TYPE_COLOURS = {"person": "#1f77b4", "org": "#ff7f0e", "place": "#2ca02c", "other": "#7f7f7f"}
_TEMPLATE = "plotly_white"


@dataclass(frozen=True)
class _Panels:
    """What a faceted bar chart draws: the bar label column, the colour of a row, the count
    shown on hover and the title."""

    label: str
    colour: Callable[[pd.Series], str]
    count: str
    title: str


def _faceted_bars(
    table: pd.DataFrame,
    panels: _Panels,
    group: str,
    value: str,
    only: str | list[str] | None,
    sizes: tuple[int, int, int],
) -> go.Figure:
    """One panel per group (``sizes``: bars per panel, panels per row, most panels)."""
    top_n = positive_int(sizes[0], "top_n")
    columns = positive_int(sizes[1], "columns")
    max_groups = sizes[2]
    table = keep_only(table, group, only, "the table")
    chosen = choose_groups(table, group, max_groups, agg={})
    title = panels.title + plot_text(chosen.note(pooled=False))
    groups = chosen.kept
    if not groups:
        fig = go.Figure()
        fig.update_layout(title=title + " (no data)", template=_TEMPLATE)
        return fig
    n_cols = min(columns, len(groups))
    n_rows = math.ceil(len(groups) / n_cols)
    fig = make_subplots(
        rows=n_rows,
        cols=n_cols,
        subplot_titles=[short(g, 32) for g in groups],
        horizontal_spacing=0.25 / n_cols if n_cols > 1 else 0.0,
        vertical_spacing=min(0.3 / n_rows, 0.12),
    )
    for i, g in enumerate(groups):
        rows = table[table[group].astype(str) == g].head(top_n)
        rows = rows.iloc[::-1]  # largest at the top
        counts = rows[panels.count] if panels.count in rows.columns else rows[value]
        fig.add_trace(
            go.Bar(
                x=rows[value].tolist(),
                y=rows[panels.label].astype(str).tolist(),
                orientation="h",
                marker_color=[panels.colour(r) for _, r in rows.iterrows()],
                showlegend=False,
                name=short(g, 32),
                customdata=counts.tolist(),
                hovertemplate="%{y}: %{x:.3g}<br>"
                + plot_text(panels.count)
                + ": %{customdata:,}<extra></extra>",
            ),
            row=i // n_cols + 1,
            col=i % n_cols + 1,
        )
    fig.update_xaxes(title_text=value, row=n_rows)
    fig.update_layout(
        title=title,
        template=_TEMPLATE,
        height=max(320, 60 + n_rows * (20 * top_n + 80)),
        margin={"l": 10, "r": 10, "t": 80, "b": 40},
    )
    return fig


def distinctive_terms_chart(
    table: pd.DataFrame,
    *,
    group: str = "group",
    value: str = "z",
    only: str | list[str] | None = None,
    top_n: int = 10,
    columns: int = 2,
    max_groups: int = MAX_GROUPS,
) -> go.Figure:
    """Faceted horizontal bars of each group's most distinctive terms (one panel per group).

    Args:
        table: :func:`analysis.language.distinctive_terms` (or ``tfidf_terms`` with
            ``value="tfidf"``); rows in rank order.
        group: the column naming a panel.
        value: the bar length (``z``, ``delta``, ``tfidf`` ...).
        only: the group value(s) to draw.
        top_n: bars per panel.
        columns: panels per row.
        max_groups: at most this many panels (the first groups; the title says so).

    Bars of terms flagged ``significant`` (z > 1.96) are dark, the others light; the hover shows
    the term's ``count``.

    Raises:
        ParameterError: missing columns, unknown ``only``, bad ``top_n``/``columns``/
            ``max_groups``.
    """
    require_columns(table, [group, value, "term"], "table")
    significant = "significant" in table.columns

    def colour(row: pd.Series) -> str:
        return "#1f4e79" if significant and bool(row["significant"]) else "#8fb3d9"

    note = " (dark: z > 1.96)" if significant else ""
    title = f"Distinctive terms by {plot_text(value)}{plot_text(note)}"
    panels = _Panels(label="term", colour=colour, count="count", title=title)
    return _faceted_bars(table, panels, group, value, only, (top_n, columns, max_groups))


def actors_chart(
    table: pd.DataFrame,
    *,
    group: str = "group",
    value: str = "mentions",
    only: str | list[str] | None = None,
    top_n: int = 10,
    columns: int = 2,
    max_groups: int = MAX_GROUPS,
) -> go.Figure:
    """Faceted horizontal bars of the most mentioned actors per group, coloured by type.

    Args:
        table: :func:`analysis.language.actors` (sorted by mentions within each group).
        group, value, only, top_n, columns, max_groups: as in :func:`distinctive_terms_chart`.

    Raises:
        ParameterError: missing columns, unknown ``only``, bad ``top_n``/``columns``/
            ``max_groups``.
    """
    require_columns(table, [group, value, "actor", "type"], "table")

    def colour(row: pd.Series) -> str:
        return TYPE_COLOURS.get(str(row["type"]), TYPE_COLOURS["other"])

    title = "Actors mentioned (blue person, orange organisation, green place, grey other)"
    panels = _Panels(label="actor", colour=colour, count="mentions", title=title)
    return _faceted_bars(table, panels, group, value, only, (top_n, columns, max_groups))


def topic_shares_chart(
    shares: pd.DataFrame,
    *,
    group: str = "group",
    value: str = "share",
    topic: str = "label",
    labels: dict[str, str] | None = None,
    counts: pd.DataFrame | pd.Series | None = None,
    only: str | list[str] | None = None,
    max_groups: int = MAX_GROUPS,
    min_n: int = MIN_STORIES,
) -> go.Figure:
    """Stacked horizontal bars: each group's (or story's) share of every topic.

    Args:
        shares: ``TopicModel.shares_by(stories, group=...)`` or
            :attr:`analysis.compare.Comparison.topics` (column ``group``), or
            ``TopicModel.shares`` (pass ``group="story_id"``): the ``group``, ``topic`` (number),
            ``topic`` argument and ``value`` columns, and optionally ``n_stories`` (stories
            behind each group's shares).
        group: the column naming a bar.
        value: the share column.
        topic: the column naming a topic in the legend (``label``).
        labels: group value -> bar label (e.g. the comparison's ``labels()``); default the
            values.
        counts: the stories behind each group, when ``shares`` has no ``n_stories``: a table
            with the ``group`` and ``n_stories`` columns (the comparison's ``cards``) or a
            Series group value -> stories (``stories[group].value_counts(dropna=False)``).
        only: the group value(s) to draw.
        max_groups: at most this many bars (see the module docstring for the rest).
        min_n: with story counts, bars of groups with fewer stories are faded (unless every
            group is one story).

    Raises:
        ParameterError: missing columns, unknown ``only``, a group missing from ``counts``, a
            bad ``max_groups`` or ``min_n``.
    """
    require_columns(shares, [group, value, topic, "topic"], "shares")
    min_n = check_min_n(min_n)
    if counts is not None:
        shares = _with_counts(shares, counts, group)
    shares = keep_only(shares, group, only, "the shares")
    chosen = choose_groups(shares, group, max_groups, agg={"n_stories": "max"})
    counted = "n_stories" in shares.columns
    table = chosen.rows(shares, group)
    groups = list(chosen.kept)
    if counted and chosen.dropped:
        other = pool(
            chosen.dropped_rows(shares, group),
            group=group,
            label=chosen.other,
            keys=["topic"],
            means={value: "n_stories"},
        )
        table = pd.concat([table, other], ignore_index=True)
        groups.append(chosen.other)
    several = counted and bool((chosen.sizes["n_stories"] > 1).any())
    faded = chosen.small("n_stories", min_n) if several else set()
    names = labels or {}
    y = [
        short(names.get(g, g), 40) + (f" (n={chosen.size(g, 'n_stories'):,})" if counted else "")
        for g in groups
    ][::-1]
    opacity = [MUTED_OPACITY if g in faded else 1.0 for g in groups][::-1]
    topics = shares.drop_duplicates("topic").sort_values("topic", kind="stable")
    keyed = table.assign(_g=table[group].astype(str))
    fig = go.Figure()
    for i, (t, name) in enumerate(zip(topics["topic"], topics[topic], strict=True)):
        rows = keyed[keyed["topic"] == t]
        share = dict(zip(rows["_g"], rows[value].astype("float64"), strict=True))
        fig.add_trace(
            go.Bar(
                x=[round(share.get(g, 0.0), 4) for g in groups][::-1],
                y=y,
                orientation="h",
                name=short(f"{t}: {name}", 40),
                marker={"color": TOPIC_COLOURS[i % len(TOPIC_COLOURS)], "opacity": opacity},
                hovertemplate="%{y}: %{x:.0%}<extra>"
                + plot_text(short(f"{t}: {name}", 40))
                + "</extra>",
            )
        )
    note = plot_text(chosen.note(pooled=counted))
    subtitle = f"<br><sup>{muted_note('stories', min_n, faded=True)}</sup>" if faded else ""
    fig.update_layout(
        template=_TEMPLATE,
        barmode="stack",
        title=f"Topic shares{note}{subtitle}",
        xaxis={"title": {"text": value}, "tickformat": ".0%", "range": [0, 1]},
        yaxis={"automargin": True},
        legend={"title": {"text": "topic"}, "traceorder": "normal"},
        height=max(320, 130 + 32 * len(groups), 140 + 24 * len(topics)),
        margin={"t": 70},
    )
    return fig


def _with_counts(
    shares: pd.DataFrame, counts: pd.DataFrame | pd.Series, group: str
) -> pd.DataFrame:
    """``shares`` with the ``n_stories`` of each group read from ``counts``."""
    if isinstance(counts, pd.Series):
        keys, stories = group_labels(counts.index.to_series()), counts.to_numpy()
    else:
        require_columns(counts, [group, "n_stories"], "counts")
        keys, stories = group_labels(counts[group]), counts["n_stories"].to_numpy()
    known = dict(zip(keys, stories, strict=True))
    labels = group_labels(shares[group])
    missing = sorted(set(labels) - set(known))
    if missing:
        raise ParameterError(
            f"counts has no stories for the {group!r} value(s) {missing[:5]}; pass the "
            "comparison's cards or stories[group].value_counts(dropna=False)"
        )
    return shares.assign(n_stories=labels.map(known).astype("int64").to_numpy())


def similarity_heatmap(
    matrix: pd.DataFrame, *, decimals: int = 2, max_groups: int = MAX_GROUPS
) -> go.Figure:
    """Annotated heatmap of a square table from :func:`analysis.language.similarity_matrix`.

    Args:
        matrix: square DataFrame, same labels on index and columns.
        decimals: decimals of the annotations.
        max_groups: draw only the first ``max_groups`` rows and columns (the title says so);
            for large corpora use ``nearest_neighbours`` instead of a heatmap.

    Raises:
        ParameterError: not square, or bad ``decimals``/``max_groups``.
    """
    if not isinstance(matrix, pd.DataFrame) or matrix.shape[0] != matrix.shape[1]:
        raise ParameterError("matrix must be a square DataFrame (similarity_matrix output)")
    decimals = positive_int(decimals, "decimals", minimum=0)
    max_groups = positive_int(max_groups, "max_groups")
    title = "Similarity (cosine of TF-IDF vectors)"
    n_total = int(matrix.attrs.get("n_total", len(matrix)))  # rows similarity_matrix left out
    if len(matrix) > max_groups or n_total > len(matrix):
        title += f" - first {min(max_groups, len(matrix)):,} of {n_total:,}"
        matrix = matrix.iloc[:max_groups, :max_groups]
    labels = [short(x, 28) for x in matrix.index]
    values = matrix.to_numpy(dtype=float)
    text = [[f"{v:.{decimals}f}" for v in row] for row in values]
    fig = go.Figure(
        go.Heatmap(
            z=values.tolist(),
            x=labels,
            y=labels,
            text=text,
            texttemplate="%{text}" if len(labels) <= 20 else None,
            zmin=0.0,
            zmax=1.0,
            colorscale="Blues",
            colorbar={"title": "cosine"},
            hovertemplate="%{y} × %{x}: %{z:.3f}<extra></extra>",
        )
    )
    fig.update_layout(
        title=title,
        template=_TEMPLATE,
        yaxis={"autorange": "reversed"},
        height=max(320, 150 + 30 * len(labels)),
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
    )
    return fig
