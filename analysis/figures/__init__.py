"""Figure helpers: each function takes tidy tables and returns a plotly ``Figure``, never shows it.

Shared vocabulary of arguments (as in plotly express): ``group`` (the column that names a bar,
line or row - ``story_id`` by default), ``value`` (the number plotted), ``story`` (one story id).

:func:`show` is how notebooks display a figure. It emits one output with two representations:

- ``application/vnd.plotly.v1+json`` - rendered natively by JupyterLab;
- ``text/html`` - a ``<div>`` with a **fixed id** plus a ``Plotly.newPlot`` call that does *not*
  embed plotly.js. The HTML reports load one shared copy of plotly.js
  (``reports/assets/plotly.min.js``, written by :mod:`analysis.report`), so charts render offline
  and plotly.js is not repeated in every report. nbconvert drops the plotly mimetype (it cannot
  represent it) and keeps this HTML.
"""

from __future__ import annotations

import json
import re

import plotly.graph_objects as go
import plotly.io as pio

__all__ = ["TOPIC_COLOURS", "figure_html", "show"]

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


def figure_html(fig: go.Figure, name: str) -> str:
    """The chart as an HTML fragment with a fixed div id and no embedded plotly.js."""
    div_id = "fig-" + _ID.sub("-", name).strip("-")
    return pio.to_html(
        fig,
        include_plotlyjs=False,
        full_html=False,
        div_id=div_id,
        config={"displaylogo": False, "responsive": True},
    )


def show(fig: go.Figure, name: str) -> None:
    """Display ``fig`` in a notebook so it renders both in JupyterLab and in offline HTML reports.

    Args:
        fig: the figure.
        name: a short name unique within the notebook; the div id is derived from it so the
            output is deterministic.
    """
    from IPython.display import display

    bundle = {
        "application/vnd.plotly.v1+json": json.loads(pio.to_json(fig, validate=False)),
        "text/html": figure_html(fig, name),
    }
    display(bundle, raw=True)
