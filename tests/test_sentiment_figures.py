"""Tests of analysis.figures.sentiment on the seed stories' sentiment tables."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from analysis.errors import ParameterError
from analysis.figures import sentiment as figures
from analysis.sentiment import (
    sentence_sentiment,
    sentiment_arc,
    story_sentiment,
    target_sentiment,
)
from tests.conftest import LOS_ANGELES, RUSSIA
from tests.sentiment_cases import TARGETS


@pytest.fixture(scope="module")
def scored(seed_corpus):
    return sentence_sentiment(seed_corpus.sentences)


@pytest.fixture(scope="module")
def table(scored, seed_corpus):
    return story_sentiment(scored, seed_corpus.stories)


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
    assert len(figures.arc_chart(arc, story=RUSSIA).data) == 1
    with pytest.raises(ParameterError, match="story 'nope'"):
        figures.arc_chart(arc, story="nope")
    targets = target_sentiment(scored, seed_corpus.stories, targets=TARGETS)
    fig = figures.target_chart(targets)
    assert [trace.name for trace in fig.data] == ["Russia", "United States"]
    assert list(fig.data[1].text) == ["n=21", "n=1"]
