"""Tests for analysis.figures.framing (the frame heatmap and profiles), on the seed stories."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis import framing
from analysis.errors import ParameterError
from analysis.figures.framing import frame_heatmap, frame_profile
from analysis.figures.rules import MUTED_COLOUR, OTHER_COLOUR
from tests import figure_cases
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
    one = frame_profile(generic_summary, only=JAPAN, kind="radar")
    assert len(one.data) == 1 and one.data[0].type == "scatterpolar"
    with pytest.raises(ParameterError, match="not found"):
        frame_profile(generic_summary, only="no-such-story")
    with pytest.raises(ParameterError, match="kind"):
        frame_profile(generic_summary, kind="pie")
    with pytest.raises(ParameterError, match="value"):
        frame_heatmap(generic_summary, value="present")


# --------------------------------------------------------------------------- many groups


def _many_groups(summary: pd.DataFrame) -> pd.DataFrame:
    """The seed summary copied to 30 groups: ``g00`` … ``g29`` with ``STORIES[g]`` stories and
    the Russia story's frame counts times that."""
    base = summary[summary["story_id"] == RUSSIA]
    parts = []
    for g in figure_cases.GROUPS:
        part = base.copy()
        scale = int(figure_cases.STORIES[g])
        for column in ("n_stories", "n_words", "n_sentences", "n_hits", "n_frame_sentences"):
            part[column] = part[column] * scale
        part["n_present"] = part["present"].astype(int) * scale
        part["story_id"] = g
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def test_profile_of_30_groups_pools_the_rest_from_counts(generic_summary):
    summary = _many_groups(generic_summary)
    fig = frame_profile(summary, value="share")
    assert len(fig.data) == 13 and fig.data[-1].name == "other (18 groups)"
    assert fig.data[-1].marker.color == OTHER_COLOUR
    rest = summary[~summary["story_id"].isin(figure_cases.LARGEST)]
    conflict = rest[rest["frame"] == "conflict"]
    expected = conflict["n_frame_sentences"].sum() / conflict["n_sentences"].sum()
    assert fig.data[-1].y[0] == pytest.approx(expected, abs=1e-3)
    assert "(12 of 30 groups with most stories; the other 18 pooled)" in fig.layout.title.text
    assert fig.layout.yaxis.range[0] == 0


def test_small_groups_are_grey_or_faded(generic_summary):
    profile = frame_profile(generic_summary)  # Japan (58 words), Washington, Los Angeles
    colours = {trace.name: trace.marker.color for trace in profile.data}
    assert colours[RUSSIA] != MUTED_COLOUR
    assert colours[JAPAN] == MUTED_COLOUR
    assert "grey: fewer than 250 words" in profile.layout.title.text
    heat = frame_heatmap(generic_summary)
    faded = {round(shape.y0 + 0.5) for shape in heat.layout.shapes}
    small = generic_summary.drop_duplicates("story_id").reset_index(drop=True)
    assert faded == set(small.index[small["n_words"] < 250])
    assert "1,205 words" in heat.data[0].customdata[0][0]
    many = frame_heatmap(_many_groups(generic_summary), only=figure_cases.GROUPS[:5])
    assert len(many.data[0].y) == 5
