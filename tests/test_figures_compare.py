"""Tests for analysis.figures.compare (the comparison charts), on the seed stories."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from analysis import ParameterError, analyze
from analysis import compare as cmp
from analysis.figures import compare as figures
from analysis.figures import language as language_figures
from analysis.figures.rules import MIN_TONE_SPAN, MUTED_COLOUR, MUTED_OPACITY
from tests import figure_cases
from tests.conftest import LOS_ANGELES


@pytest.fixture(scope="module")
def seed_analysis(seed_corpus):
    return analyze(seed_corpus, codebooks=["generic"])


@pytest.fixture(scope="module")
def comparison(seed_analysis):
    return cmp.compare(seed_analysis)


def test_tone_frame_scatter(comparison):
    fig = figures.tone_frame_scatter(comparison.cards, highlight=LOS_ANGELES)
    assert isinstance(fig, go.Figure)
    points = sum(len(trace.x) for trace in fig.data)
    assert points == 4
    symbols = {trace.name: trace.marker.symbol for trace in fig.data}
    assert symbols["Conflict"] == "circle"
    assert symbols["Human interest (truncated)"] == "diamond-open"
    assert symbols["no frame present (truncated)"] == "diamond-open"
    japan = next(t for t in fig.data if t.name == "Economic consequences (truncated)")
    assert japan.y == (0.1324,) and japan.x == (68.966,)
    with pytest.raises(ParameterError, match="highlight"):
        figures.tone_frame_scatter(comparison.cards, highlight="nope")
    with pytest.raises(ParameterError, match="lacks"):
        figures.tone_frame_scatter(comparison.cards.drop(columns="n_words"))


def test_frame_profile_chart(comparison):
    fig = figures.frame_profile_chart(comparison.frames, labels=comparison.labels())
    heat = fig.data[0]
    assert list(heat.y) == comparison.cards["label"].tolist()
    expected = comparison.frame_matrix("intensity").to_numpy().round(4)
    np.testing.assert_allclose(np.asarray(heat.z, dtype=float), expected)
    assert heat.text[1][2] == "69.0*"  # present frames are starred
    assert heat.text[2][4] == "10.9"
    with pytest.raises(ParameterError, match="value"):
        figures.frame_profile_chart(comparison.frames, value="n_words")


def test_topic_shares_chart(comparison):
    fig = language_figures.topic_shares_chart(comparison.topics, labels=comparison.labels())
    assert len(fig.data) == comparison.topics["topic"].nunique()
    totals = np.sum([np.asarray(trace.x, dtype=float) for trace in fig.data], axis=0)
    np.testing.assert_allclose(totals, 1.0, atol=1e-3)
    assert fig.data[0].y[-1] == "\u201cThe sudden and dramatic removal of\u2026\u201d"


def test_story_rank_chart(seed_analysis):
    diff = cmp.story_differences(seed_analysis, LOS_ANGELES)
    fig = figures.story_rank_chart(diff)
    dots = fig.data[2]
    assert dots.x[0] == 0.0  # the lowest tone of all stories
    assert dots.text[0] == "-0.30, 1st of 4 (most negative)"
    assert "no trigger" in dots.text[-1]


def test_figures_are_deterministic(comparison):
    one = figures.tone_frame_scatter(comparison.cards).to_json()
    two = figures.tone_frame_scatter(comparison.cards).to_json()
    assert one == two


def test_tone_frame_scatter_draws_the_cards_decisions(comparison):
    cards = comparison.cards.copy()
    cards["dominant_frame"] = ["Conflict; or war", "", "", ""]  # a label holding "; " stays whole
    cards["mostly_truncated"] = [True, False, False, False]
    fig = figures.tone_frame_scatter(cards)
    names = {trace.name for trace in fig.data}
    assert names == {"Conflict; or war (truncated)", "no frame present"}
    with pytest.raises(ParameterError, match="lacks.*mostly_truncated"):
        figures.tone_frame_scatter(comparison.cards.drop(columns="mostly_truncated"))
    with pytest.raises(ParameterError, match="max_groups"):
        figures.tone_frame_scatter(comparison.cards, max_groups=0)


def test_tone_frame_scatter_of_groups_says_mostly_truncated(seed_analysis):
    cards = cmp.compare(seed_analysis, group="outlet", topics=False).cards
    fig = figures.tone_frame_scatter(cards)
    assert [trace.name for trace in fig.data] == ["Economic consequences (mostly truncated)"]
    assert "groups of mostly truncated stories" in fig.layout.title.text


# --------------------------------------------------------------------------- many groups


def test_scatter_of_30_groups_labels_12_points_and_keeps_tone_honest():
    cards = figure_cases.cards_table()
    fig = figures.tone_frame_scatter(cards)
    drawn = [g for trace in fig.data for g in trace.customdata[:, 0]]
    assert sorted(drawn) == sorted(figure_cases.LARGEST)
    assert "(12 of 30 groups with most stories)" in fig.layout.title.text
    texts = [t for trace in fig.data for t in trace.text]
    assert sorted(texts) == sorted(f"Outlet {g}" for g in figure_cases.LARGEST)
    assert all(trace.mode == "markers+text" for trace in fig.data)
    low, high = fig.layout.yaxis.range  # tone: means within +/-0.03 are not zoomed into
    assert low <= 0 <= high and high - low >= MIN_TONE_SPAN
    tone = cards.set_index("group").loc[drawn]
    assert high >= (tone["mean_score"].abs() + tone["se_score"]).max()
    assert fig.layout.xaxis.range[0] == 0  # intensities 14.2-15.8 drawn from 0
    assert "less than their standard error" in fig.layout.title.text
    again = figures.tone_frame_scatter(cards, max_groups=30)
    assert sum(len(trace.x) for trace in again.data) == 30
    assert "groups with most" not in again.layout.title.text


def test_scatter_fades_small_groups_and_keeps_the_highlight():
    cards = figure_cases.cards_table()
    small = figure_cases.SMALLEST
    fig = figures.tone_frame_scatter(cards, highlight=small)
    points = {
        g: (opacity, width, colour)
        for trace in fig.data
        for g, opacity, width, colour in zip(
            trace.customdata[:, 0],
            trace.marker.opacity,
            trace.marker.line.width,
            trace.textfont.color,
            strict=True,
        )
    }
    assert len(points) == 12 and small in points
    assert points[small] == (MUTED_OPACITY, 3, MUTED_COLOUR)
    assert {p[0] for g, p in points.items() if g != small} == {0.85}
    assert "faded: fewer than 10 sentences" in fig.layout.title.text
    only = figures.tone_frame_scatter(cards, only=[small, figure_cases.LARGEST[0]])
    assert sum(len(trace.x) for trace in only.data) == 2


def test_frame_profile_chart_of_30_groups(comparison):
    frames = figure_cases.comparison_frames_table()
    fig = figures.frame_profile_chart(frames, highlight=figure_cases.SMALLEST)
    heat = fig.data[0]
    assert len(heat.y) == 12 and "\u25b6 " + figure_cases.SMALLEST in heat.y
    assert "(12 of 30 groups with most stories)" in fig.layout.title.text
    assert len(fig.layout.shapes) == 1  # the 2-sentence group's row is faded (50 words)
    assert "faded rows: fewer than 250 words" in fig.layout.title.text
    assert heat.customdata[0][0].endswith("words") and heat.zmin == 0
    one = figures.frame_profile_chart(comparison.frames, only=LOS_ANGELES)
    assert len(one.data[0].y) == 1
