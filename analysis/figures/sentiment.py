"""Sentiment figures: story comparison, arc, target sentiment and validation charts.

Each function takes a table of :mod:`analysis.sentiment` (or :mod:`analysis.validation`) and
returns a plotly ``Figure``; none shows it (use :func:`analysis.figures.show`). Vocabulary and
rules as in :mod:`analysis.figures.rules`: ``group`` (the column naming a bar, line or row;
``story_id`` by default), ``value`` (the number plotted, ``mean_score`` by default), ``only``
(the group value(s) to draw), ``max_groups`` and ``min_n``. Colours are fixed constants, so the
same table always gives the same figure.

Groups that include truncated stories (leads cut off mid-sentence) are marked: hatched bars or
dotted lines, and their label says how many stories are truncated.

Many and small groups, axes (rules of :mod:`analysis.figures.rules`):

- At most ``max_groups`` groups are drawn (default :data:`~analysis.figures.rules.MAX_GROUPS`,
  those with most stories, then sentences); the rest are pooled into one bar or line
  ``"other (N groups)"`` (dark grey): sentence counts summed, means and shares weighted by
  sentences, the standard deviation pooled from the groups' means and spreads.
- ``n`` (sentences) is the bar text or in the legend; groups (for targets: bars) resting on fewer
  than ``min_n`` sentences (default :data:`~analysis.figures.rules.MIN_SENTENCES`) are grey (the
  comparison's mean bars, the arc's lines) or faded (bars coloured by tone class or target).
- Tone axes are symmetric around 0, reach the largest mean plus its standard error and span at
  least :data:`~analysis.figures.rules.MIN_TONE_SPAN`; error bars are standard errors (the
  table's ``sem_score``; ``std_score / sqrt(n_sentences)`` for targets). The subtitle says how
  many pairs of bars differ by less than their standard error.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis._checks import MISSING_GROUP, require_columns
from analysis.figures.rules import (
    MAX_GROUPS,
    MIN_SENTENCES,
    MUTED_OPACITY,
    Groups,
    check_min_n,
    choose_groups,
    keep_only,
    muted_note,
    pool,
    se_note,
    series_colour,
    value_range,
)
from analysis.safe import plot_text

__all__ = [
    "COLORS",
    "arc_chart",
    "story_comparison_chart",
    "target_chart",
    "validation_chart",
]

#: Fixed colours: tone classes and models (series of groups and targets use
#: :data:`analysis.figures.rules.SERIES_COLOURS`).
COLORS: dict[str, str] = {
    "negative": "#c0392b",
    "neutral": "#bdbdbd",
    "positive": "#27864a",
    "mean": "#34495e",
    "vader_compound": "#1f77b4",
    "textblob_polarity": "#ff7f0e",
    "vader_textblob_mean": "#2ca02c",
}
_TEMPLATE = "plotly_white"
_TRUNCATED_NOTE = "hatched / dotted: includes truncated stories (leads cut off mid-sentence)"
#: Error bars drawn thin and light, so that the bar text stays legible.
_ERROR_BARS = {"type": "data", "visible": True, "thickness": 1, "width": 3, "color": "#8a8a8a"}
#: How the sizes of a group add up over its rows (one row per group, bin or target).
_SIZES = {"n_stories": "max", "n_sentences": "sum"}
#: Count columns summed when groups are pooled.
_COUNTS = ["n_stories", "n_truncated", "n_words", "n_sentences", "n_mentions"]


def _label(value: object) -> str:
    return MISSING_GROUP if pd.isna(value) else str(value)


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


def _with_other(
    table: pd.DataFrame, chosen: Groups, group: str, keys: tuple[str, ...] = ()
) -> pd.DataFrame:
    """The rows of the kept groups, then the pooled rows of the dropped ones (if any)."""
    rows = chosen.rows(table, group)
    if not chosen.dropped:
        return rows.reset_index(drop=True)
    means = {c: "n_sentences" for c in table.columns if c.startswith(("mean_", "share_"))}
    other = pool(
        chosen.dropped_rows(table, group),
        group=group,
        label=chosen.other,
        keys=keys,
        sums=_COUNTS,
        means=means,
        spread=("mean_score", "std_score", "n_sentences"),
    )
    if "sem_score" in table.columns and "std_score" in other.columns:
        other["sem_score"] = other["std_score"] / np.sqrt(other["n_sentences"])
    rows = rows.assign(**{group: rows[group].astype(object)})
    return pd.concat([rows, other], ignore_index=True)


def story_comparison_chart(
    table: pd.DataFrame,
    *,
    group: str = "story_id",
    value: str = "mean_score",
    error: str | None = "sem_score",
    only: str | list[str] | None = None,
    max_groups: int = MAX_GROUPS,
    min_n: int = MIN_SENTENCES,
) -> go.Figure:
    """Mean score per group with error bars, beside the shares of clearly negative, neutral and
    positive sentences.

    Args:
        table: output of :func:`analysis.sentiment.story_sentiment`.
        group: the group column of ``table``.
        value: the column plotted as bars (``mean_score``, ``mean_vader_compound`` ...).
        error: the column drawn as +/- error bars (``sem_score``, ``std_score``) or ``None``.
        only: the group value(s) to draw.
        max_groups: at most this many groups (those with most stories); the rest pooled.
        min_n: groups resting on fewer sentences are drawn grey (faded shares).

    Returns:
        A two-panel horizontal bar chart; groups in the table's order, top to bottom, the pooled
        ``other (N groups)`` last; the mean bars' text is the number of sentences.

    Raises:
        ParameterError: missing columns, an unknown ``only``, a bad ``max_groups`` or ``min_n``.
    """
    shares = ["share_negative", "share_neutral", "share_positive"]
    needed = [group, value, "n_sentences", "n_stories", "n_truncated", *shares]
    require_columns(table, needed + ([error] if error else []), "table")
    min_n = check_min_n(min_n)
    table = keep_only(table, group, only, "the table")
    chosen = choose_groups(table, group, max_groups, agg=_SIZES)
    table = _with_other(table, chosen, group)
    keys = [_label(v) for v in table[group]]
    faded = chosen.small("n_sentences", min_n)
    labels = _labels(table, group)
    hatched = ["/" if n else "" for n in table["n_truncated"]]
    colours = [chosen.colour(k, faded, COLORS["mean"]) for k in keys]
    opacity = [MUTED_OPACITY if k in faded else 1.0 for k in keys]
    errors = table[error].fillna(0) if error else None
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.04,
        column_widths=[0.55, 0.45],
        subplot_titles=(f"{value} (+/- {error})" if error else value, "share of sentences"),
    )
    _mean_bars(fig, table, labels, value, colours, hatched, errors)
    _share_bars(fig, table, labels, shares, hatched, opacity)
    notes = [_TRUNCATED_NOTE, "n = sentences"]
    if faded:
        notes.append(muted_note("sentences", min_n))
    within = se_note(table[value], table[error]) if error in ("sem_score", "se_score") else ""
    fig.update_layout(
        template=_TEMPLATE,
        barmode="stack",
        title=f"Tone by {plot_text(group)}{plot_text(chosen.note(pooled=True))}"
        f"<br><sup>{'; '.join(notes)}</sup>" + (f"<br><sup>{within}</sup>" if within else ""),
        height=max(320, 160 + 34 * len(labels)),
        legend={"orientation": "h", "y": -0.12, "traceorder": "normal"},
        margin={"l": 10, "r": 80, "t": 110},
    )
    _n_labels(fig, table["n_sentences"])
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(tickformat=".0%", range=[0, 1], row=1, col=2)
    fig.update_xaxes(
        zeroline=True,
        zerolinecolor="#444",
        range=value_range(value, table[value], errors),
        row=1,
        col=1,
    )
    return fig


def _mean_bars(
    fig: go.Figure,
    table: pd.DataFrame,
    labels: list[str],
    value: str,
    colours: list[str],
    hatched: list[str],
    errors: pd.Series | None,
) -> None:
    """The left panel of :func:`story_comparison_chart`: mean score bars with error bars."""
    fig.add_trace(
        go.Bar(
            y=labels,
            x=table[value],
            orientation="h",
            name=value,
            marker={"color": colours, "pattern": {"shape": hatched}},
            error_x=None if errors is None else {"array": errors.tolist(), **_ERROR_BARS},
            customdata=table[["n_sentences", "n_stories", "n_truncated"]].to_numpy(),
            hovertemplate="%{y}<br>%{x:.3f}<br>%{customdata[0]} sentences, "
            "%{customdata[1]} stories (%{customdata[2]} truncated)<extra></extra>",
            showlegend=False,
        ),
        row=1,
        col=1,
    )


def _share_bars(
    fig: go.Figure,
    table: pd.DataFrame,
    labels: list[str],
    shares: list[str],
    hatched: list[str],
    opacity: list[float],
) -> None:
    """The right panel of :func:`story_comparison_chart`: shares of clear tone, stacked."""
    for column in shares:
        tone = column.removeprefix("share_")
        fig.add_trace(
            go.Bar(
                y=labels,
                x=table[column],
                orientation="h",
                name=tone,
                marker={"color": COLORS[tone], "pattern": {"shape": hatched}, "opacity": opacity},
                hovertemplate=f"%{{y}}<br>{tone}: %{{x:.0%}}<extra></extra>",
            ),
            row=1,
            col=2,
        )


def _n_labels(fig: go.Figure, counts: pd.Series) -> None:
    """``n=…`` right of each row (placed by row index: labels are escaped on output)."""
    for i, n in enumerate(counts):
        fig.add_annotation(
            x=1.0, xref="paper", xanchor="left", y=i, yref="y", text=f"n={n:,}", showarrow=False
        )


def arc_chart(
    arc: pd.DataFrame,
    *,
    group: str = "story_id",
    value: str = "mean_score",
    only: str | list[str] | None = None,
    sentences: pd.DataFrame | None = None,
    sentence_value: str = "vader_textblob_mean",
    max_groups: int = MAX_GROUPS,
    min_n: int = MIN_SENTENCES,
) -> go.Figure:
    """The sentiment arc: one line per group over relative position 0-1 in the story.

    Args:
        arc: output of :func:`analysis.sentiment.sentiment_arc`.
        group: the group column of ``arc``.
        value: the column plotted (``mean_score``).
        only: the group value(s) to draw.
        sentences: the scored sentences table to add one dot per sentence (needs ``group``,
            ``position`` and ``sentence_value``).
        sentence_value: the score column of ``sentences`` drawn as dots.
        max_groups: at most this many lines (groups with most stories); the rest pooled.
        min_n: lines of groups resting on fewer sentences are grey.

    Returns:
        A line chart, x = position in the story (0-1), y = ``value``; lines of groups with
        truncated stories are dotted; the legend gives each line's sentences (``n``).

    Raises:
        ParameterError: missing columns, an unknown ``only``, a bad ``max_groups`` or ``min_n``.
    """
    require_columns(
        arc, [group, "position", value, "n_sentences", "n_stories", "n_truncated"], "arc"
    )
    if sentences is not None:
        require_columns(sentences, [group, "position", sentence_value], "sentences")
    min_n = check_min_n(min_n)
    arc = keep_only(arc, group, only, "the arc table")
    chosen = choose_groups(arc, group, max_groups, agg=_SIZES)
    arc = _with_other(arc, chosen, group, keys=("bin", "position"))
    faded = chosen.small("n_sentences", min_n)
    fig = go.Figure()
    shown: list[pd.Series] = [arc[value]]
    for i, (name, rows) in enumerate(arc.groupby(group, sort=False, dropna=False)):
        key = _label(name)
        color = chosen.colour(key, faded, series_colour(i))
        truncated = bool(rows["n_truncated"].max() > 0)
        flagged = _flagged(
            name, int(rows["n_truncated"].max()), int(rows["n_stories"].max()), group
        )
        fig.add_trace(
            go.Scatter(
                x=rows["position"],
                y=rows[value],
                mode="lines+markers",
                name=f"{flagged}, n={chosen.size(key, 'n_sentences'):,}",
                legendgroup=key,
                line={"color": color, "dash": "dot" if truncated else "solid"},
                customdata=rows[["n_sentences"]].to_numpy(),
                hovertemplate="position %{x:.2f}<br>%{y:.3f}<br>%{customdata[0]} sentences"
                "<extra>" + plot_text(key) + "</extra>",
            )
        )
        if sentences is not None:
            members = set(chosen.dropped) if key == chosen.other else {key}
            dots = sentences[sentences[group].map(_label).isin(members)]
            shown.append(dots[sentence_value])
            fig.add_trace(
                go.Scatter(
                    x=dots["position"],
                    y=dots[sentence_value],
                    mode="markers",
                    name=key + " sentences",
                    legendgroup=key,
                    showlegend=False,
                    marker={"color": color, "size": 5, "opacity": 0.35},
                    hovertemplate="position %{x:.2f}<br>%{y:.3f}<extra>sentence</extra>",
                )
            )
    fig.add_hline(y=0, line={"color": "#444", "width": 1})
    notes = [_TRUNCATED_NOTE, "n = sentences"]
    if faded:
        notes.append(muted_note("sentences", min_n))
    fig.update_layout(
        template=_TEMPLATE,
        title=f"Sentiment arc by {plot_text(group)}{plot_text(chosen.note(pooled=True))}"
        f"<br><sup>{'; '.join(notes)}</sup>",
        xaxis={"title": "relative position in the story", "range": [0, 1], "dtick": 0.1},
        yaxis={"title": value, "range": value_range(value, pd.concat(shown))},
        height=480,
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def target_chart(
    targets: pd.DataFrame,
    *,
    group: str = "story_id",
    value: str = "mean_score",
    only: str | list[str] | None = None,
    max_groups: int = MAX_GROUPS,
    min_n: int = MIN_SENTENCES,
) -> go.Figure:
    """Sentiment of the sentences mentioning each target, per group (grouped bars).

    Args:
        targets: output of :func:`analysis.sentiment.target_sentiment`.
        group: the group column of ``targets``.
        value: the column plotted (``mean_score``).
        only: the group value(s) to draw.
        max_groups: at most this many groups (those with most stories mentioning a target,
            then most target sentences); the rest pooled.
        min_n: bars resting on fewer sentences are faded.

    Returns:
        Horizontal bars, one colour per target (in the table's target order); the bar text is
        the number of sentences behind it; error bars +/- ``std_score / sqrt(n_sentences)``
        for ``mean_score``.

    Raises:
        ParameterError: missing columns, an unknown ``only``, a bad ``max_groups`` or ``min_n``.
    """
    require_columns(
        targets, [group, "target", value, "n_sentences", "n_stories", "n_truncated"], "targets"
    )
    min_n = check_min_n(min_n)
    targets = keep_only(targets, group, only, "the targets table")
    chosen = choose_groups(targets, group, max_groups, agg=_SIZES)
    targets = _with_other(targets, chosen, group, keys=("target",))
    errors = None
    if value == "mean_score" and "std_score" in targets.columns:
        errors = targets["std_score"] / np.sqrt(targets["n_sentences"])
    counts = targets.groupby(group, sort=False, dropna=False)[["n_truncated", "n_stories"]].max()
    flags = {
        _label(key): (int(row["n_truncated"]), int(row["n_stories"]))
        for key, row in counts.iterrows()
    }
    fig = go.Figure()
    for i, target in enumerate(pd.unique(targets["target"])):
        mask = targets["target"] == target
        rows = targets[mask]
        fig.add_trace(
            go.Bar(
                y=[_flagged(v, *flags[_label(v)], group) for v in rows[group]],
                x=rows[value],
                orientation="h",
                name=str(target),
                marker={
                    "color": series_colour(i),
                    "pattern": {"shape": ["/" if n else "" for n in rows["n_truncated"]]},
                    "opacity": [MUTED_OPACITY if n < min_n else 1.0 for n in rows["n_sentences"]],
                },
                error_x=None
                if errors is None
                else {"array": errors[mask].fillna(0).round(4).tolist(), **_ERROR_BARS},
                text=[f"n={n:,}" for n in rows["n_sentences"]],
                textposition="outside",
                hovertemplate="%{y}<br>" + plot_text(target) + ": %{x:.3f} (%{text} sentences)"
                "<extra></extra>",
            )
        )
    n_groups = targets[group].nunique(dropna=False)
    notes = ["n = sentences mentioning the target", _TRUNCATED_NOTE]
    if (targets["n_sentences"] < min_n).any():
        notes.append(muted_note("sentences", min_n, faded=True))
    within = ""
    if errors is not None:
        within = se_note(targets[value], errors, within=targets["target"], what="bars")
    fig.update_layout(
        template=_TEMPLATE,
        barmode="group",
        title="Tone of sentences mentioning each target, by "
        f"{plot_text(group)}{plot_text(chosen.note(pooled=True))}"
        f"<br><sup>{'; '.join(notes)}</sup>"
        + (f"<br><sup>same target: {within}</sup>" if within else ""),
        xaxis={
            "title": value,
            "zeroline": True,
            "zerolinecolor": "#444",
            "range": value_range(value, targets[value], errors),
        },
        height=max(320, 180 + 30 * n_groups * max(1, targets["target"].nunique())),
        legend={"orientation": "h", "y": -0.15},
        margin={"t": 110},
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
    require_columns(table, ["dataset", "model", "r", "macro_f1"], "table")
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
