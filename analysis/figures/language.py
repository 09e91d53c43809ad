"""Figures for the topics-and-language step (:mod:`analysis.language`).

Each function takes a table produced by :mod:`analysis.language` and returns a plotly
``Figure`` (never shows it). Shared vocabulary, as in :mod:`analysis.figures`: ``group`` - the
column naming a bar, row or panel (the language tables call it ``"group"``; topic shares per
story use ``"story_id"``); ``value`` - the number plotted; ``story`` - keep one group only.
Figures are deterministic: same table, same figure JSON (no random ids, fixed colours).
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.errors import ParameterError
from analysis.figures import TOPIC_COLOURS
from analysis.safe import plot_text

__all__ = [
    "actors_chart",
    "distinctive_terms_chart",
    "similarity_heatmap",
    "topic_shares_chart",
]

#: Colours of actor types (fixed so that the same type has the same colour in every report).
TYPE_COLOURS = {"person": "#1f77b4", "org": "#ff7f0e", "place": "#2ca02c", "other": "#7f7f7f"}
#: Most panels drawn in one faceted figure.
MAX_PANELS = 12


def _check(table: pd.DataFrame, columns: list[str], what: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"{what} must be a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ParameterError(
            f"{what} lacks column(s) {missing}; its columns are {list(table.columns)}"
        )


def _short(label: object, width: int = 32) -> str:
    text = str(label)
    return text if len(text) <= width else text[: width - 1] + "…"


def _panels(table: pd.DataFrame, group: str, story: str | None) -> tuple[pd.DataFrame, list[str]]:
    if story is not None:
        table = table[table[group].astype(str) == str(story)]
        if table.empty:
            raise ParameterError(f"story {story!r} is not in column {group!r} of the table")
    groups = list(dict.fromkeys(table[group].astype(str)))[:MAX_PANELS]
    return table, groups


def _faceted_bars(
    table: pd.DataFrame,
    *,
    group: str,
    value: str,
    label: str,
    story: str | None,
    top_n: int,
    columns: int,
    colour,
    title: str,
    x_title: str,
) -> go.Figure:
    if not isinstance(top_n, int) or top_n < 1:
        raise ParameterError(f"top_n must be an integer >= 1, got {top_n!r}")
    if not isinstance(columns, int) or columns < 1:
        raise ParameterError(f"columns must be an integer >= 1, got {columns!r}")
    table, groups = _panels(table, group, story)
    if not groups:
        fig = go.Figure()
        fig.update_layout(title=title + " (no data)", template="plotly_white")
        return fig
    n_cols = min(columns, len(groups))
    n_rows = math.ceil(len(groups) / n_cols)
    fig = make_subplots(
        rows=n_rows,
        cols=n_cols,
        subplot_titles=[_short(g) for g in groups],
        horizontal_spacing=0.25 / n_cols if n_cols > 1 else 0.0,
        vertical_spacing=min(0.3 / n_rows, 0.12),
    )
    for i, g in enumerate(groups):
        rows = table[table[group].astype(str) == g].head(top_n)
        rows = rows.iloc[::-1]  # largest at the top
        fig.add_trace(
            go.Bar(
                x=rows[value].tolist(),
                y=rows[label].astype(str).tolist(),
                orientation="h",
                marker_color=[colour(r) for _, r in rows.iterrows()],
                showlegend=False,
                name=_short(g),
                hovertemplate="%{y}: %{x:.3g}<extra></extra>",
            ),
            row=i // n_cols + 1,
            col=i % n_cols + 1,
        )
    fig.update_xaxes(title_text=x_title, row=n_rows)
    fig.update_layout(
        title=title,
        template="plotly_white",
        height=max(320, 60 + n_rows * (22 * top_n + 80)),
        margin={"l": 10, "r": 10, "t": 80, "b": 40},
    )
    return fig


def distinctive_terms_chart(
    table: pd.DataFrame,
    *,
    group: str = "group",
    value: str = "z",
    story: str | None = None,
    top_n: int = 10,
    columns: int = 2,
) -> go.Figure:
    """Faceted horizontal bars of each group's most distinctive terms (one panel per group).

    Args:
        table: :func:`analysis.language.distinctive_terms` (or ``tfidf_terms`` with
            ``value="tfidf"``); rows in rank order.
        group: the column naming a panel.
        value: the bar length (``z``, ``delta``, ``tfidf`` ...).
        story: draw only this group.
        top_n: bars per panel.
        columns: panels per row (at most 12 panels are drawn).

    Bars of terms flagged ``significant`` (z > 1.96) are dark, the others light.

    Raises:
        ParameterError: missing columns, unknown ``story``, bad ``top_n``/``columns``.
    """
    _check(table, [group, value, "term"], "table")
    significant = "significant" in table.columns

    def colour(row: pd.Series) -> str:
        return "#1f4e79" if significant and bool(row["significant"]) else "#8fb3d9"

    note = " (dark: z > 1.96)" if significant else ""
    return _faceted_bars(
        table,
        group=group,
        value=value,
        label="term",
        story=story,
        top_n=top_n,
        columns=columns,
        colour=colour,
        title=f"Distinctive terms by {plot_text(value)}{plot_text(note)}",
        x_title=value,
    )


def actors_chart(
    table: pd.DataFrame,
    *,
    group: str = "group",
    value: str = "mentions",
    story: str | None = None,
    top_n: int = 10,
    columns: int = 2,
) -> go.Figure:
    """Faceted horizontal bars of the most mentioned actors per group, coloured by type.

    Args:
        table: :func:`analysis.language.actors` (sorted by mentions within each group).
        group, value, story, top_n, columns: as in :func:`distinctive_terms_chart`.

    Raises:
        ParameterError: missing columns, unknown ``story``, bad ``top_n``/``columns``.
    """
    _check(table, [group, value, "actor", "type"], "table")

    def colour(row: pd.Series) -> str:
        return TYPE_COLOURS.get(str(row["type"]), TYPE_COLOURS["other"])

    fig = _faceted_bars(
        table,
        group=group,
        value=value,
        label="actor",
        story=story,
        top_n=top_n,
        columns=columns,
        colour=colour,
        title="Actors mentioned (blue person, orange organisation, green place, grey other)",
        x_title=value,
    )
    return fig


def topic_shares_chart(
    shares: pd.DataFrame,
    *,
    group: str = "group",
    value: str = "share",
    topic: str = "label",
) -> go.Figure:
    """Stacked horizontal bars: each group's (or story's) share of every topic.

    Args:
        shares: ``TopicModel.shares_by(stories, group=...)`` (column ``group``) or
            ``TopicModel.shares`` (pass ``group="story_id"``); must have a ``topic`` column.
        group: the column naming a bar.
        value: the share column.
        topic: the column naming a topic in the legend (``label``).

    Raises:
        ParameterError: missing columns.
    """
    _check(shares, [group, value, topic, "topic"], "shares")
    groups = list(dict.fromkeys(shares[group].astype(str)))
    fig = go.Figure()
    topics = shares.drop_duplicates("topic").sort_values("topic", kind="stable")
    for i, (t, name) in enumerate(zip(topics["topic"], topics[topic], strict=True)):
        rows = shares[shares["topic"] == t].set_index(
            shares[group].astype(str)[shares["topic"] == t]
        )
        fig.add_trace(
            go.Bar(
                x=[float(rows[value].get(g, 0.0)) for g in groups][::-1],
                y=[_short(g, 40) for g in groups][::-1],
                orientation="h",
                name=f"{t}: {name}",
                marker_color=TOPIC_COLOURS[i % len(TOPIC_COLOURS)],
                hovertemplate="%{y}: %{x:.0%}<extra>"
                + plot_text(_short(f"{t}: {name}", 40))
                + "</extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        title="Topic shares",
        template="plotly_white",
        xaxis={"title": value, "tickformat": ".0%", "range": [0, 1]},
        legend={"title": "topic", "traceorder": "normal"},
        height=max(300, 120 + 40 * len(groups)),
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
    )
    return fig


def similarity_heatmap(
    matrix: pd.DataFrame, *, decimals: int = 2, max_labels: int = 40
) -> go.Figure:
    """Annotated heatmap of a square table from :func:`analysis.language.similarity_matrix`.

    Args:
        matrix: square DataFrame, same labels on index and columns.
        decimals: decimals of the annotations.
        max_labels: draw only the first ``max_labels`` rows and columns (the title says so);
            for large corpora use ``nearest_neighbours`` instead of a heatmap.

    Raises:
        ParameterError: not square, or bad ``decimals``/``max_labels``.
    """
    if not isinstance(matrix, pd.DataFrame) or matrix.shape[0] != matrix.shape[1]:
        raise ParameterError("matrix must be a square DataFrame (similarity_matrix output)")
    if not isinstance(decimals, int) or decimals < 0:
        raise ParameterError(f"decimals must be an integer >= 0, got {decimals!r}")
    if not isinstance(max_labels, int) or max_labels < 1:
        raise ParameterError(f"max_labels must be an integer >= 1, got {max_labels!r}")
    title = "Similarity (cosine of TF-IDF vectors)"
    if len(matrix) > max_labels:
        title += f" - first {max_labels} of {len(matrix)}"
        matrix = matrix.iloc[:max_labels, :max_labels]
    labels = [_short(x, 28) for x in matrix.index]
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
        template="plotly_white",
        yaxis={"autorange": "reversed"},
        height=max(350, 150 + 30 * len(labels)),
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
    )
    return fig
