"""Line charts of tone and frames over time (tables of :mod:`analysis.trends`).

Vocabulary and rules as in :mod:`analysis.figures.rules`: ``group`` (the column naming a line),
``value`` (the number plotted), ``only`` (the group value(s) to draw), ``max_groups`` and
``min_n``. Each function returns a plotly ``Figure`` and never shows it.

Many and small groups, axes:

- At most ``max_groups`` lines (default :data:`~analysis.figures.rules.MAX_GROUPS`): the groups
  with most stories over all periods; the rest are pooled per period into one dark grey line
  ``"other (N groups)"``: tone is the mean over the pooled sentences (group means weighted by
  ``n_sentences``), frame intensity the pooled hits per 1,000 pooled words; a pooled cell is
  thin when it has fewer than :data:`analysis.trends.MIN_STORIES` stories.
- Each line's legend entry gives its stories (``n``); lines of groups with fewer than ``min_n``
  stories in all (default :data:`~analysis.figures.rules.MIN_STORIES`) are grey; thin cells
  (flagged ``thin`` by :mod:`analysis.trends`) are open markers.
- The tone axis is symmetric around 0 and spans at least
  :data:`~analysis.figures.rules.MIN_TONE_SPAN`; frame intensity axes start at 0. The trend
  tables carry no standard errors, so no error bars are drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from analysis._checks import group_labels, require_columns
from analysis.figures.rules import (
    MAX_GROUPS,
    MIN_STORIES,
    check_min_n,
    choose_groups,
    keep_only,
    muted_note,
    pool,
    series_colour,
    value_range,
)
from analysis.safe import plot_text
from analysis.trends import MIN_STORIES as THIN_STORIES

__all__ = ["frames_over_time_chart", "tone_over_time_chart"]

_TEMPLATE = "plotly_white"


def _empty(title: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text="no dated stories", showarrow=False, font={"size": 16})
    fig.update_layout(template=_TEMPLATE, title=title, height=300)
    return fig


def tone_over_time_chart(
    tone: pd.DataFrame,
    *,
    group: str = "group",
    value: str = "mean_score",
    only: str | list[str] | None = None,
    max_groups: int = MAX_GROUPS,
    min_n: int = MIN_STORIES,
) -> go.Figure:
    """Mean tone per period, one line per group; thin cells drawn as open markers.

    Args:
        tone: :func:`analysis.trends.tone_over_time` output.
        group: the column naming a line.
        value: the tone column plotted.
        only: the group value(s) to draw.
        max_groups: at most this many lines (groups with most stories); the rest pooled.
        min_n: lines of groups with fewer stories in all are grey.

    Raises:
        ParameterError: missing columns, an unknown ``only``, a bad ``max_groups`` or ``min_n``.
    """
    return _lines(
        tone,
        group=group,
        value=value,
        only=only,
        max_groups=max_groups,
        min_n=min_n,
        keys=["period"],
        means={value: "n_sentences"},
        hover=["n_sentences", "n_stories", "thin"],
        title="Tone over time (mean sentence score)",
        axis="mean score",
    )


def frames_over_time_chart(
    frames: pd.DataFrame,
    *,
    group: str = "group",
    value: str = "intensity",
    only: str | list[str] | None = None,
    max_groups: int = MAX_GROUPS,
    min_n: int = MIN_STORIES,
) -> go.Figure:
    """Frame intensity per period, one panel per frame, one line per group.

    Args:
        frames: :func:`analysis.trends.frames_over_time` output.
        group, only, max_groups, min_n: as in :func:`tone_over_time_chart`.
        value: the intensity column plotted (hits per 1,000 words).

    Raises:
        ParameterError: missing columns, an unknown ``only``, a bad ``max_groups`` or ``min_n``.
    """
    fig = _lines(
        frames,
        group=group,
        value=value,
        only=only,
        max_groups=max_groups,
        min_n=min_n,
        keys=["period", "frame"],
        means={value: "n_words"},
        hover=["n_hits", "n_words", "n_stories", "thin"],
        title="Frames over time (hits per 1,000 words)",
        axis="hits / 1,000 words",
    )
    fig.for_each_annotation(lambda a: a.update(text=plot_text(a.text.split("=", 1)[-1])))
    return fig


def _lines(
    table: pd.DataFrame,
    *,
    group: str,
    value: str,
    only: str | list[str] | None,
    max_groups: int,
    min_n: int,
    keys: list[str],
    means: Mapping[str, str],
    hover: Sequence[str],
    title: str,
    axis: str,
) -> go.Figure:
    """One line per group over ``period`` (faceted by ``frame`` when it is one of ``keys``)."""
    if table.empty:
        return _empty(title)
    require_columns(table, [group, value, *keys, *hover], "the trends table")
    min_n = check_min_n(min_n)
    table = keep_only(table, group, only, "the trends table")
    cells = table.drop_duplicates(["period", group])  # frame rows repeat a cell's stories
    chosen = choose_groups(cells, group, max_groups, agg={"n_stories": "sum"})
    rows = chosen.rows(table, group).assign(_g=lambda t: group_labels(t[group]).to_numpy())
    if chosen.dropped:
        sums = ["n_sentences", "n_stories", "n_hits", "n_words"]
        other = pool(
            chosen.dropped_rows(table, group),
            group="_g",
            label=chosen.other,
            keys=keys,
            sums=sums,
            means=means,
        )
        other["thin"] = other["n_stories"] < THIN_STORIES
        rows = pd.concat([rows, other], ignore_index=True)
    faded = chosen.small("n_stories", min_n)
    series = {g: f"{g} (n={chosen.size(g, 'n_stories'):,})" for g in dict.fromkeys(rows["_g"])}
    colours = {
        label: chosen.colour(g, faded, series_colour(i))
        for i, (g, label) in enumerate(series.items())
    }
    facet = {"facet_col": "frame", "facet_col_wrap": 3} if "frame" in keys else {}
    fig = px.line(
        rows.assign(_series=rows["_g"].map(series)),
        x="period",
        y=value,
        color="_series",
        color_discrete_map=colours,
        markers=True,
        hover_data=list(hover),
        labels={"period": "", value: axis, "_series": ""},
        **facet,
    )
    thin = list(hover).index("thin")
    for trace in fig.data:
        flags = [bool(row[thin]) for row in trace.customdata]
        trace.marker.symbol = ["circle-open" if t else "circle" for t in flags]
    if "frame" not in keys:
        fig.add_hline(y=0, line_width=1, line_color="#999")
    notes = ["n = stories", "open markers: thin cells (few stories)"]
    if faded:
        notes.append(muted_note("stories", min_n))
    n_panels = rows["frame"].nunique() if "frame" in keys else 1
    fig.update_yaxes(range=value_range(value, rows[value]))
    fig.update_layout(
        template=_TEMPLATE,
        title=f"{title}{plot_text(chosen.note(pooled=True))}<br><sup>{'; '.join(notes)}</sup>",
        height=260 * ((n_panels + 2) // 3) + 100 if "frame" in keys else 440,
        margin={"t": 90},
    )
    return fig
