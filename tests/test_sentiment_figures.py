"""Tests of analysis.figures.sentiment on the seed stories' sentiment tables."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from analysis.errors import ParameterError
from analysis.figures import sentiment as figures
from analysis.figures.rules import MIN_TONE_SPAN, MUTED_COLOUR, MUTED_OPACITY, OTHER_COLOUR
from analysis.sentiment import (
    sentiment_arc,
    target_sentiment,
)
from tests import figure_cases
from tests.conftest import LOS_ANGELES, RUSSIA
from tests.sentiment_cases import TARGETS


def test_comparison_chart_marks_truncated_stories(table):
    fig = figures.story_comparison_chart(table)
    assert isinstance(fig, go.Figure)
    bars = fig.data[0]
    assert list(bars.x) == pytest.approx(table["mean_score"].tolist())
    assert bars.y[0] == RUSSIA and bars.y[3] == f"{LOS_ANGELES} (truncated)"
    assert list(bars.marker.pattern.shape) == ["", "/", "/", "/"]
    assert [trace.name for trace in fig.data[1:]] == ["negative", "neutral", "positive"]
    assert fig.to_json() == figures.story_comparison_chart(table).to_json()


def test_arc_and_target_charts(scored, seed_corpus):
    arc = sentiment_arc(scored, seed_corpus.stories)
    fig = figures.arc_chart(arc, sentences=scored)
    lines = [trace for trace in fig.data if trace.mode == "lines+markers"]
    assert len(lines) == 4 and lines[0].line.dash == "solid" and lines[3].line.dash == "dot"
    assert len(figures.arc_chart(arc, only=RUSSIA).data) == 1
    with pytest.raises(ParameterError, match="only 'nope'"):
        figures.arc_chart(arc, only="nope")
    targets = target_sentiment(scored, seed_corpus.stories, targets=TARGETS)
    fig = figures.target_chart(targets)
    assert [trace.name for trace in fig.data] == ["Russia", "United States"]
    assert list(fig.data[1].text) == ["n=21", "n=1"]


# --------------------------------------------------------------------------- many groups


def test_comparison_chart_of_30_groups_pools_the_rest():
    table = figure_cases.story_sentiment_table()
    fig = figures.story_comparison_chart(table, group="outlet")
    bars = fig.data[0]
    assert len(bars.y) == 13 and bars.y[-1] == "other (18 groups)"
    assert list(bars.y[:-1]) == [g for g in figure_cases.GROUPS if g in figure_cases.LARGEST]
    rest = table[~table["outlet"].isin(figure_cases.LARGEST)]
    pooled = (rest["mean_score"] * rest["n_sentences"]).sum() / rest["n_sentences"].sum()
    assert bars.x[-1] == pytest.approx(pooled)
    notes = [a.text for a in fig.layout.annotations if a.text.startswith("n=")]
    assert notes[-1] == f"n={rest['n_sentences'].sum():,}" and len(notes) == 13
    assert bars.marker.color[-1] == OTHER_COLOUR
    assert "(12 of 30 groups with most stories; the other 18 pooled)" in fig.layout.title.text
    low, high = fig.layout.xaxis.range
    assert low <= 0 <= high and high - low >= MIN_TONE_SPAN
    assert "less than their standard error" in fig.layout.title.text
    small = figures.story_comparison_chart(
        table, group="outlet", only=[figure_cases.SMALLEST, figure_cases.LARGEST[0]]
    )
    colours = dict(zip(small.data[0].y, small.data[0].marker.color, strict=True))
    assert colours[figure_cases.SMALLEST] == MUTED_COLOUR
    assert colours[figure_cases.LARGEST[0]] == figures.COLORS["mean"]
    assert "grey: fewer than 10 sentences" in small.layout.title.text


def test_arc_and_target_charts_show_n_and_fade_thin_bars(scored, seed_corpus):
    arc = sentiment_arc(scored, seed_corpus.stories)
    fig = figures.arc_chart(arc, max_groups=2)
    lines = [trace for trace in fig.data if trace.mode == "lines+markers"]
    assert len(lines) == 3 and lines[-1].name.startswith("other (2 groups)")
    assert lines[0].name.endswith(", n=48")
    low, high = fig.layout.yaxis.range
    assert low <= 0 <= high and high - low >= MIN_TONE_SPAN
    targets = target_sentiment(scored, seed_corpus.stories, targets=TARGETS)
    bars = figures.target_chart(targets).data[1]  # United States: 21 sentences, then 1
    assert list(bars.marker.opacity) == [1.0, MUTED_OPACITY]
    assert bars.error_x.array[0] == pytest.approx(
        targets["std_score"].iloc[1] / targets["n_sentences"].iloc[1] ** 0.5, abs=1e-4
    )
    with pytest.raises(ParameterError, match="min_n"):
        figures.target_chart(targets, min_n=-1)
