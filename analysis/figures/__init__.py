"""Figure helpers: each function takes tidy tables and returns a plotly ``Figure``, never shows it.

Shared vocabulary of arguments (as in plotly express), the same in every module:

========================  =======================================================================
``group``                 the column naming a bar, line, row, point, box or panel
``value``                 the column holding the number plotted (``x``/``y`` in scatters)
``highlight``             one group value drawn emphasised, the others still drawn
``only``                  the group value(s) to keep; the others are not drawn
``max_groups``            at most this many groups (default 12); the rest pooled
                          as ``"other (N groups)"`` or left out with a note in the title
``min_n``                 groups resting on fewer sentences/words/stories are drawn muted
========================  =======================================================================

The rules behind ``max_groups``, ``min_n`` and the axes (tone axes include 0 and span at least
:data:`~analysis.figures.rules.MIN_TONE_SPAN`; intensities start at 0; standard errors drawn and
differences within them named) are written, with their constants, in
:mod:`analysis.figures.rules`.

:func:`show` is how notebooks display a figure. It emits one output with two representations:

- ``application/vnd.plotly.v1+json`` - rendered natively by JupyterLab;
- ``text/html`` - a ``<div>`` with a **fixed id** plus a ``Plotly.newPlot`` call that does *not*
  embed plotly.js. The HTML reports load one shared copy of plotly.js
  (``reports/assets/plotly.min.js``, written by :mod:`analysis.report`), so charts render offline
  and plotly.js is not repeated in every report. nbconvert drops the plotly mimetype (it cannot
  represent it) and keeps this HTML.

Layout: :func:`show` and :func:`figure_html` lay every chart out to read at any page width
(:func:`analysis.figures.rules.fit_layout`: no fixed width, the legend beside the plot, titles
wrapped), so no helper has to place its legend.

Untrusted text: plotly.js reads a few HTML-like tags in every label (``<b>``, ``<a href>``…).
:func:`escape_figure` passes every data string of a figure (categories, trace names, text,
hover text, custom data, tick labels) through :func:`analysis.safe.plot_text` on its way out, in
:func:`show` and :func:`figure_html`, so corpus strings are shown literally. Figure helpers that
put a data value into a title, annotation or hover template escape it with ``plot_text``
themselves (those strings also hold the helpers' own markup).
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from analysis.figures.rules import fit_layout
from analysis.safe import plot_text

__all__ = ["MODEBAR_REMOVE", "TOPIC_COLOURS", "escape_figure", "figure_html", "show"]

#: Buttons taken off plotly.js's chart toolbar: zooming in, out and to fit (a drag zooms, the
#: home button resets) and the two selection tools (no chart here acts on a selection). Left:
#: save as PNG, zoom, pan, reset, and the hover toggle, which fit beside a wrapped title
#: (:data:`analysis.figures.rules.MODEBAR_WIDTH`).
MODEBAR_REMOVE = ("zoomIn2d", "zoomOut2d", "autoScale2d", "select2d", "lasso2d")

#: Trace attributes whose strings come from the data (escaped by :func:`escape_figure`).
_TRACE_TEXT_KEYS = frozenset(
    {
        "x",
        "y",
        "text",
        "hovertext",
        "customdata",
        "name",
        "legendgroup",
        "labels",
        "parents",
        "ids",
        "values",
        "ticktext",
        "tickvals",
        "categoryarray",
    }
)
_AXIS_TEXT_KEYS = ("ticktext", "tickvals", "categoryarray")

#: Colours of topics in every report: plotly's qualitative "Plotly" sequence, written out so a
#: plotly upgrade cannot change them.
TOPIC_COLOURS: tuple[str, ...] = (
    "#636EFA",
    "#EF553B",
    "#00CC96",
    "#AB63FA",
    "#FFA15A",
    "#19D3F3",
    "#FF6692",
    "#B6E880",
    "#FF97FF",
    "#FECB52",
)

_ID = re.compile(r"[^a-zA-Z0-9_-]+")


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return plot_text(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "OUS":
            return np.array([_escaped(v) for v in value.ravel()], dtype=object).reshape(
                value.shape
            )
        return value
    if isinstance(value, list | tuple):
        return [_escaped(v) for v in value]
    return value


def _escape_axes(container: dict[str, Any]) -> None:
    for key, axis in container.items():
        if isinstance(axis, dict) and (key.startswith(("xaxis", "yaxis")) or key == "coloraxis"):
            for attr in _AXIS_TEXT_KEYS:
                if attr in axis:
                    axis[attr] = _escaped(axis[attr])
            if isinstance(axis.get("colorbar"), dict):
                _escape_axes({"xaxis": axis["colorbar"]})


def escape_figure(fig: go.Figure) -> go.Figure:
    """A copy of ``fig`` with every data string escaped by :func:`analysis.safe.plot_text`.

    Titles, hover templates and annotations are left as the figure helper wrote them.

    >>> fig = go.Figure(go.Bar(x=["<b>AP</b>"], y=[1], name="<i>n</i>"))
    >>> out = escape_figure(fig)
    >>> out.data[0].x[0], out.data[0].name
    ('&lt;b&gt;AP&lt;/b&gt;', '&lt;i&gt;n&lt;/i&gt;')
    """
    spec = fig.to_dict()
    for trace in spec.get("data", []):
        for key in _TRACE_TEXT_KEYS.intersection(trace):
            trace[key] = _escaped(trace[key])
        for part in ("header", "cells"):
            if isinstance(trace.get(part), dict) and "values" in trace[part]:
                trace[part]["values"] = _escaped(trace[part]["values"])
        if isinstance(trace.get("marker"), dict) and isinstance(
            trace["marker"].get("colorbar"), dict
        ):
            _escape_axes({"xaxis": trace["marker"]["colorbar"]})
    _escape_axes(spec.get("layout", {}))
    return go.Figure(spec, skip_invalid=False)


def figure_html(fig: go.Figure, name: str) -> str:
    """The chart as an HTML fragment with a fixed div id and no embedded plotly.js; data
    strings are escaped (:func:`escape_figure`) and the layout fitted to any page width
    (:func:`~analysis.figures.rules.fit_layout`)."""
    return _html(fit_layout(escape_figure(fig)), name)


def _html(fig: go.Figure, name: str) -> str:
    div_id = "fig-" + _ID.sub("-", name).strip("-")
    return pio.to_html(
        fig,
        include_plotlyjs=False,
        full_html=False,
        div_id=div_id,
        config={
            "displaylogo": False,
            "responsive": True,
            "modeBarButtonsToRemove": list(MODEBAR_REMOVE),
        },
    )


def show(fig: go.Figure, name: str) -> None:
    """Display ``fig`` in a notebook so it renders both in JupyterLab and in offline HTML reports.

    Args:
        fig: the figure.
        name: a short name unique within the notebook; the div id is derived from it so the
            output is deterministic.
    """
    from IPython.display import display

    safe = fit_layout(escape_figure(fig))
    bundle = {
        "application/vnd.plotly.v1+json": json.loads(pio.to_json(safe, validate=False)),
        "text/html": _html(safe, name),
    }
    display(bundle, raw=True)
