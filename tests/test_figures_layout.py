"""Tests of analysis.figures.rules.fit_layout: charts that read at 900 px as at 1300 px.

The rendered layout is checked in a browser by ``benchmarks/chart_layout_check.py``; these tests
check the layout the rule writes.
"""

from __future__ import annotations

import re

import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from analysis.figures import figure_html
from analysis.figures.rules import CHAR_WIDTH, FIT_WIDTH, MODEBAR_WIDTH, fit_layout

NAMES = [f"Outlet number {i} (Online News), n={1000 + i:,}" for i in range(13)]
TITLE = (
    "Sentiment arc by outlet (12 of 125 groups with most stories; the other 113 pooled)"
    "<br><sup>hatched / dotted: includes truncated stories (leads cut off mid-sentence); "
    "n = sentences</sup>"
)


def _lines(fig: go.Figure) -> list[str]:
    return fig.layout.title.text.split("<br>")


def _drawn(text: str) -> str:
    return re.sub(r"<[^>]*>", "", text)


def _arc(**layout: object) -> go.Figure:
    fig = go.Figure([go.Scatter(x=[0, 1], y=[0, i], name=n) for i, n in enumerate(NAMES)])
    return fig.update_layout(
        title=TITLE, height=480, legend={"orientation": "h", "y": -0.2}, **layout
    )


def test_legend_goes_right_of_the_plot_and_width_follows_the_page():
    fig = _arc(width=700)
    out = fit_layout(fig)
    legend = out.layout.legend
    assert (legend.orientation, legend.x, legend.xanchor, legend.y, legend.yanchor) == (
        "v",
        1.02,
        "left",
        1,
        "top",
    )
    assert (legend.xref, legend.yref) == ("paper", "paper")
    assert out.layout.width is None and out.layout.autosize is True
    # the input is not changed
    assert (fig.layout.legend.orientation, fig.layout.legend.y, fig.layout.width) == (
        "h",
        -0.2,
        700,
    )


def test_long_title_is_wrapped_at_words_and_the_margin_and_height_grow():
    out = fit_layout(_arc(margin={"t": 60}))
    lines = _lines(out)
    assert len(lines) == 4  # the main line and the subtitle are each wrapped once
    assert lines[0] == "Sentiment arc by outlet (12 of 125 groups with most"
    assert lines[1] == "stories; the other 113 pooled)"
    assert lines[2].startswith("<sup>hatched") and lines[3] == "<sup>sentences</sup>"
    # left of the chart's toolbar at the narrowest width
    room = FIT_WIDTH * 0.95 - MODEBAR_WIDTH
    assert all(len(_drawn(line)) * CHAR_WIDTH * 17 / 12 <= room for line in lines[:2])
    # 9 px above, four lines of 17 px * 1.3, 14 px below
    assert out.layout.margin.t == 112
    assert out.layout.height == 480 + 112 - 60
    assert (out.layout.title.yref, out.layout.title.y, out.layout.title.yanchor) == (
        "container",
        1,
        "top",
    )


def test_a_margin_larger_than_needed_is_kept():
    out = fit_layout(go.Figure(go.Bar(x=[1], y=[2])).update_layout(title="T", margin={"t": 150}))
    assert (out.layout.margin.t, out.layout.height) == (150, 450)


def test_wrapping_keeps_tags_and_character_references_whole():
    escaped = "&lt;b&gt;" + " ".join(["word&amp;word"] * 12)
    sup = "<sup>" + " ".join(["note"] * 40) + "</sup>"
    out = fit_layout(go.Figure().update_layout(title=f"{escaped}<br>{sup}"))
    lines = _lines(out)
    assert len(lines) == 6
    assert all("&lt;" not in line[1:] or line.startswith("&lt;b&gt;") for line in lines)
    main = [line for line in lines if not line.startswith("<sup>")]
    assert len(main) == 3 and _drawn(" ".join(main)) == _drawn(escaped)
    assert all(line.startswith("<sup>") and line.endswith("</sup>") for line in lines[3:])
    assert " ".join(_drawn(line) for line in lines[3:]) == " ".join(["note"] * 40)


def test_labels_right_of_the_plot_put_the_legend_above_it_with_room_for_its_rows():
    fig = _arc(margin={"t": 60})
    for i in range(3):
        fig.add_annotation(x=1.0, xref="paper", xanchor="left", y=i, yref="y", text="n=1")
    out = fit_layout(fig)
    legend = out.layout.legend
    assert (legend.orientation, legend.yref, legend.yanchor, legend.x) == (
        "h",
        "container",
        "top",
        0,
    )
    # 13 entries of 43 characters (358 px with the symbol) in 600 px: one a row, 13 rows
    assert out.layout.margin.t == 112 + 13 * 20 + 14
    assert legend.y == pytest.approx(1 - (9 + 4 * 17 * 1.3 + 14) / out.layout.height)


def test_subplot_titles_get_a_row_under_the_title():
    fig = make_subplots(rows=1, cols=2, subplot_titles=("left", "right"))
    fig.add_trace(go.Bar(x=[1], y=[1], name="a"), row=1, col=1)
    fig.add_trace(go.Bar(x=[1], y=[1], name="b"), row=1, col=2)
    out = fit_layout(fig.update_layout(title="Tone", margin={"t": 40}))
    assert out.layout.margin.t == 9 + 23 + 14 + 24  # title line rounded up, then the row


def test_a_single_unnamed_trace_keeps_plotly_legend_defaults():
    out = fit_layout(go.Figure(go.Bar(x=["a"], y=[1])).update_layout(title="T"))
    assert out.layout.legend.orientation is None and out.layout.legend.x is None


def test_figure_html_is_fitted():
    html = figure_html(_arc(width=640), "arc")
    assert '"autosize":true' in html
    assert '"width":640' not in html
    assert '"orientation":"v"' in html


def test_charts_keep_five_toolbar_buttons(seed_corpus):
    from analysis.figures import figure_html
    from analysis.figures.overview import story_lengths

    html = figure_html(story_lengths(seed_corpus.stories), "lengths")
    assert '"modeBarButtonsToRemove": ["zoomIn2d", "zoomOut2d", "autoScale2d"' in html
