"""Tests of analysis.figures.overview: story and sentence lengths."""

from __future__ import annotations

import pytest

from analysis.errors import ParameterError
from analysis.figures import overview as figures
from analysis.figures.rules import MAX_GROUPS, MUTED_COLOUR, OTHER_COLOUR
from tests import figure_cases
from tests.conftest import RUSSIA


def test_story_lengths_bars_then_histogram(seed_corpus):
    stories = seed_corpus.stories
    bars = figures.story_lengths(stories)
    assert {trace.type for trace in bars.data} == {"bar"}
    assert RUSSIA in {y for trace in bars.data for y in trace.y}
    assert bars.layout.xaxis.range[0] == 0
    many = figures.story_lengths(stories, max_groups=2)
    assert {trace.type for trace in many.data} == {"histogram"}
    assert "(4 stories)" in many.layout.title.text
    with pytest.raises(ParameterError, match="lacks"):
        figures.story_lengths(stories, group="nope")


def test_sentence_lengths_of_30_groups_pools_the_rest():
    sentences = figure_cases.sentences_table()
    fig = figures.sentence_lengths(sentences, group="outlet")
    assert len(fig.data) == MAX_GROUPS + 1
    other = fig.data[-1]
    rest = sentences[~sentences["outlet"].isin(figure_cases.LARGEST)]
    assert other.name == f"other (18 groups) (n={len(rest):,})"
    assert other.marker.color == OTHER_COLOUR and len(other.x) == len(rest)
    assert fig.layout.xaxis.range[0] == 0
    assert "(12 of 30 groups with most stories; the other 18 pooled)" in fig.layout.title.text
    small = figures.sentence_lengths(
        sentences, group="outlet", only=[figure_cases.SMALLEST, figure_cases.LARGEST[0]]
    )
    colours = {trace.name.split(" ")[0]: trace.marker.color for trace in small.data}
    assert colours[figure_cases.SMALLEST] == MUTED_COLOUR
    assert colours[figure_cases.LARGEST[0]] != MUTED_COLOUR
    assert "grey: fewer than 10 sentences" in small.layout.title.text
