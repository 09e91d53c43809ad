"""Tests for analysis.figures.framing (the frame heatmap and profiles), on the seed stories."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from analysis import framing
from analysis.errors import ParameterError
from analysis.figures.framing import frame_heatmap, frame_profile
from tests.conftest import JAPAN, LOS_ANGELES, RUSSIA, WASHINGTON


@pytest.fixture(scope="module")
def generic_hits(seed_corpus):
    return framing.frame_hits(seed_corpus.sentences, codebook="generic")


@pytest.fixture(scope="module")
def generic_summary(seed_corpus, generic_hits):
    return framing.frame_summary(generic_hits, seed_corpus.stories, codebook="generic")


def test_heatmap(generic_summary):
    fig = frame_heatmap(generic_summary, value="intensity")
    assert isinstance(fig, go.Figure)
    heat = fig.data[0]
    assert list(heat.y) == [RUSSIA, JAPAN, WASHINGTON, LOS_ANGELES]
    assert heat.x[0] == "Conflict"
    assert round(heat.z[1][2], 1) == 69.0
    assert heat.texttemplate == "%{z:.1f}"
    small = frame_heatmap(generic_summary, max_groups=2, annotate=False)
    assert len(small.data[0].y) == 2 and "first 2 of 4" in small.layout.title.text


def test_profiles(generic_summary):
    bars = frame_profile(generic_summary, value="share")
    assert [t.name for t in bars.data] == [RUSSIA, JAPAN, WASHINGTON, LOS_ANGELES]
    one = frame_profile(generic_summary, story=JAPAN, kind="radar")
    assert len(one.data) == 1 and one.data[0].type == "scatterpolar"
    with pytest.raises(ParameterError, match="not found"):
        frame_profile(generic_summary, story="no-such-story")
    with pytest.raises(ParameterError, match="kind"):
        frame_profile(generic_summary, kind="pie")
    with pytest.raises(ParameterError, match="value"):
        frame_heatmap(generic_summary, value="present")
