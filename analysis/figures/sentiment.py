"""Sentiment figures: story comparison, arc, target sentiment and validation charts.

Each function takes a table of :mod:`analysis.sentiment` (or :mod:`analysis.validation`) and
returns a plotly ``Figure``; none shows it (use :func:`analysis.figures.show`). Arguments share
one vocabulary: ``group`` (the column naming a bar, line or row; ``story_id`` by default),
``value`` (the number plotted, ``mean_score`` by default) and ``story`` (one group value to keep).
Colours are fixed constants, so the same table always gives the same figure.

Groups that include truncated stories (leads cut off mid-sentence) are marked: hatched bars or
dotted lines, and their label says how many stories are truncated.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.errors import ParameterError
from analysis.safe import plot_text

__all__ = [
    "COLORS",
    "arc_chart",
    "story_comparison_chart",
    "target_chart",
    "validation_chart",
]

#: Fixed colours: tone classes, models, and a cycle for lines, bars and targets.
COLORS: dict[str, str] = {
    "negative": "#c0392b",
    "neutral": "#bdbdbd",
    "positive": "#27864a",
    "mean": "#34495e",
    "vader_compound": "#1f77b4",
    "textblob_polarity": "#ff7f0e",
    "vader_textblob_mean": "#2ca02c",
}
_CYCLE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
)
_TEMPLATE = "plotly_white"
_TRUNCATED_NOTE = "hatched / dotted: includes truncated stories (leads cut off mid-sentence)"


def _check(table: pd.DataFrame, columns: list[str], name: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"{name} must be a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ParameterError(f"{name} lacks the column(s) {missing}; it has {list(table.columns)}")


def _label(value: object) -> str:
    return "(missing)" if pd.isna(value) else str(value)


def _flagged(value: object, n_truncated: int, n_stories: int, group: str) -> str:
    """A group's label, saying whether (or how many of) its stories are truncated."""
    label = _label(value)
    if n_truncated and group == "story_id":
        return label + " (truncated)"
    if n_truncated:
        return label + f" ({n_truncated}/{n_stories} truncated)"
    return label


def _labels(table: pd.DataFrame, group: str) -> list[str]:
    return [
        _flagged(value, n_trunc, n_stories, group)
        for value, n_trunc, n_stories in zip(
            table[group], table["n_truncated"], table["n_stories"], strict=True
        )
    ]


def _top(table: pd.DataFrame, group: str, max_groups: int) -> tuple[pd.DataFrame, str]:
    """Keep the ``max_groups`` groups with most sentences (in table order) and say so."""
    if isinstance(max_groups, bool) or not isinstance(max_groups, int) or max_groups < 1:
        raise ParameterError(f"max_groups must be a positive integer, got {max_groups!r}")
    groups = table.groupby(group, sort=False, dropna=False)["n_sentences"].sum()
    if len(groups) <= max_groups:
        return table, ""
    keep = groups.sort_values(ascending=False, kind="stable").index[:max_groups]
    note = f" ({max_groups} of {len(groups)} {group} values with most sentences)"
    return table[table[group].isin(keep)], note


def story_comparison_chart(
    table: pd.DataFrame,
    *,
    group: str = "story_id",
    value: str = "mean_score",
    error: str | None = "sem_score",
    max_groups: int = 30,
) -> go.Figure:
    """Mean score per group with error bars, beside the shares of clearly negative, neutral and
    positive sentences.

    Args:
        table: output of :func:`analysis.sentiment.story_sentiment`.
        group: the group column of ``table``.
        value: the column plotted as bars (``mean_score``, ``mean_vader_compound`` ...).
        error: the column drawn as +/- error bars (``sem_score``, ``std_score``) or ``None``.
        max_groups: at most this many groups (those with most sentences) are drawn.

    Returns:
        A two-panel horizontal bar chart; groups in the table's order, top to bottom.

    Raises:
        ParameterError: missing columns or a bad ``max_groups``.
    """
    shares = ["share_negative", "share_neutral", "share_positive"]
    needed = [group, value, "n_sentences", "n_stories", "n_truncated", *shares]
    _check(table, needed + ([error] if error else []), "table")
    table, note = _top(table, group, max_groups)
    labels = _labels(table, group)
    hatched = ["/" if n else "" for n in table["n_truncated"]]
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.04,
        column_widths=[0.55, 0.45],
        subplot_titles=(f"{value} (+/- {error})" if error else value, "share of sentences"),
    )
    fig.add_trace(
        go.Bar(
            y=labels,
            x=table[value],
            orientation="h",
            name=value,
            marker={"color": COLORS["mean"], "pattern": {"shape": hatched}},
            error_x=(
                {"type": "data", "array": table[error].fillna(0).tolist(), "visible": True}
                if error
                else None
            ),
            customdata=table[["n_sentences", "n_stories", "n_truncated"]].to_numpy(),
            hovertemplate="%{y}<br>%{x:.3f}<br>%{customdata[0]} sentences, "
            "%{customdata[1]} stories (%{customdata[2]} truncated)<extra></extra>",
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    for column in shares:
        tone = column.removeprefix("share_")
        fig.add_trace(
            go.Bar(
                y=labels,
                x=table[column],
                orientation="h",
                name=tone,
                marker={"color": COLORS[tone], "pattern": {"shape": hatched}},
                hovertemplate=f"%{{y}}<br>{tone}: %{{x:.0%}}<extra></extra>",
            ),
            row=1,
            col=2,
        )
    fig.update_layout(
        template=_TEMPLATE,
        barmode="stack",
        title=f"Tone by {plot_text(group)}{plot_text(note)}<br><sup>{_TRUNCATED_NOTE}</sup>",
        height=max(320, 140 + 34 * len(labels)),
        legend={"orientation": "h", "y": -0.12, "traceorder": "normal"},
        margin={"l": 10, "r": 10},
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(tickformat=".0%", range=[0, 1], row=1, col=2)
    fig.update_xaxes(zeroline=True, zerolinecolor="#444", row=1, col=1)
    return fig


def arc_chart(
    arc: pd.DataFrame,
    *,
    group: str = "story_id",
    value: str = "mean_score",
    story: str | None = None,
    sentences: pd.DataFrame | None = None,
    sentence_value: str = "vader_textblob_mean",
    max_groups: int = 12,
) -> go.Figure:
    """The sentiment arc: one line per group over relative position 0-1 in the story.

    Args:
        arc: output of :func:`analysis.sentiment.sentiment_arc`.
        group: the group column of ``arc``.
        value: the column plotted (``mean_score``).
        story: draw only this group value.
        sentences: the scored sentences table to add one dot per sentence (needs ``group``,
            ``position`` and ``sentence_value``).
        sentence_value: the score column of ``sentences`` drawn as dots.
        max_groups: at most this many groups (those with most sentences) are drawn.

    Returns:
        A line chart, x = position in the story (0-1), y = ``value``; lines of groups with
        truncated stories are dotted.

    Raises:
        ParameterError: missing columns, an unknown ``story`` or a bad ``max_groups``.
    """
    _check(arc, [group, "position", value, "n_sentences", "n_stories", "n_truncated"], "arc")
    if story is not None:
        if story not in set(arc[group]):
            raise ParameterError(f"story {story!r} is not a {group} value of the arc table")
        arc = arc[arc[group] == story]
    if sentences is not None:
        _check(sentences, [group, "position", sentence_value], "sentences")
    arc, note = _top(arc, group, max_groups)
    fig = go.Figure()
    for i, (name, rows) in enumerate(arc.groupby(group, sort=False, dropna=False)):
        color = _CYCLE[i % len(_CYCLE)]
        truncated = bool(rows["n_truncated"].max() > 0)
        fig.add_trace(
            go.Scatter(
                x=rows["position"],
                y=rows[value],
                mode="lines+markers",
                name=_flagged(
                    name, int(rows["n_truncated"].max()), int(rows["n_stories"].max()), group
                ),
                legendgroup=_label(name),
                line={"color": color, "dash": "dot" if truncated else "solid"},
                customdata=rows[["n_sentences"]].to_numpy(),
                hovertemplate="position %{x:.2f}<br>%{y:.3f}<br>%{customdata[0]} sentences"
                "<extra>" + _label(name) + "</extra>",
            )
        )
        if sentences is not None:
            dots = sentences[sentences[group].map(_label) == _label(name)]
            fig.add_trace(
                go.Scatter(
                    x=dots["position"],
                    y=dots[sentence_value],
                    mode="markers",
                    name=_label(name) + " sentences",
                    legendgroup=_label(name),
                    showlegend=False,
                    marker={"color": color, "size": 5, "opacity": 0.35},
                    hovertemplate="position %{x:.2f}<br>%{y:.3f}<extra>sentence</extra>",
                )
            )
    fig.add_hline(y=0, line={"color": "#444", "width": 1})
    fig.update_layout(
        template=_TEMPLATE,
        title=f"Sentiment arc by {plot_text(group)}{plot_text(note)}"
        f"<br><sup>{_TRUNCATED_NOTE}</sup>",
        xaxis={"title": "relative position in the story", "range": [0, 1], "dtick": 0.1},
        yaxis={"title": value},
        height=460,
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def target_chart(
    targets: pd.DataFrame,
    *,
    group: str = "story_id",
    value: str = "mean_score",
    story: str | None = None,
    max_groups: int = 30,
) -> go.Figure:
    """Sentiment of the sentences mentioning each target, per group (grouped bars).

    Args:
        targets: output of :func:`analysis.sentiment.target_sentiment`.
        group: the group column of ``targets``.
        value: the column plotted (``mean_score``).
        story: draw only this group value.
        max_groups: at most this many groups (those with most target sentences) are drawn.

    Returns:
        Horizontal bars, one colour per target (in the table's target order); the bar text is
        the number of sentences behind it.

    Raises:
        ParameterError: missing columns, an unknown ``story`` or a bad ``max_groups``.
    """
    _check(targets, [group, "target", value, "n_sentences", "n_stories", "n_truncated"], "targets")
    if story is not None:
        if story not in set(targets[group]):
            raise ParameterError(f"story {story!r} is not a {group} value of the targets table")
        targets = targets[targets[group] == story]
    targets, note = _top(targets, group, max_groups)
    counts = targets.groupby(group, sort=False, dropna=False)[["n_truncated", "n_stories"]].max()
    flags = {
        _label(key): (int(row["n_truncated"]), int(row["n_stories"]))
        for key, row in counts.iterrows()
    }
    fig = go.Figure()
    for i, target in enumerate(pd.unique(targets["target"])):
        rows = targets[targets["target"] == target]
        fig.add_trace(
            go.Bar(
                y=[_flagged(v, *flags[_label(v)], group) for v in rows[group]],
                x=rows[value],
                orientation="h",
                name=str(target),
                marker={
                    "color": _CYCLE[i % len(_CYCLE)],
                    "pattern": {"shape": ["/" if n else "" for n in rows["n_truncated"]]},
                },
                text=[f"n={n}" for n in rows["n_sentences"]],
                textposition="outside",
                hovertemplate="%{y}<br>" + plot_text(target) + ": %{x:.3f} (%{text} sentences)"
                "<extra></extra>",
            )
        )
    n_groups = targets[group].nunique(dropna=False)
    fig.update_layout(
        template=_TEMPLATE,
        barmode="group",
        title="Tone of sentences mentioning each target, by "
        f"{plot_text(group)}{plot_text(note)}"
        f"<br><sup>n = sentences mentioning the target; {_TRUNCATED_NOTE}</sup>",
        xaxis={"title": value, "zeroline": True, "zerolinecolor": "#444"},
        height=max(320, 160 + 30 * n_groups * max(1, targets["target"].nunique())),
        legend={"orientation": "h", "y": -0.15},
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig


def validation_chart(table: pd.DataFrame) -> go.Figure:
    """Pearson r and macro-F1 of each score on each validation set (grouped bars).

    Args:
        table: output of :func:`analysis.validation.validate_sentiment` (may be empty when the
            validation was skipped: the figure then says so).

    Raises:
        ParameterError: missing columns.
    """
    _check(table, ["dataset", "model", "r", "macro_f1"], "table")
    fig = make_subplots(
        rows=1, cols=2, shared_yaxes=True, subplot_titles=("Pearson r", "macro-F1 (3 classes)")
    )
    for model in pd.unique(table["model"]):
        rows = table[table["model"] == model]
        for col, metric in ((1, "r"), (2, "macro_f1")):
            fig.add_trace(
                go.Bar(
                    x=rows["dataset"],
                    y=rows[metric],
                    name=str(model),
                    legendgroup=str(model),
                    showlegend=col == 1,
                    marker={"color": COLORS.get(str(model), "#7f7f7f")},
                    text=[f"{v:.2f}" for v in rows[metric]],
                    textposition="outside",
                ),
                row=1,
                col=col,
            )
    title = "Agreement with human ratings"
    if table.empty:
        title += " (skipped: the validation data is absent)"
    fig.update_layout(
        template=_TEMPLATE,
        barmode="group",
        title=title,
        height=420,
        legend={"orientation": "h", "y": -0.15},
    )
    fig.update_yaxes(range=[0, 1])
    return fig
