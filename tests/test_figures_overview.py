"""Tests of analysis.figures.overview: story and sentence lengths."""

from __future__ import annotations

import pandas as pd
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
    assert other.marker.color == OTHER_COLOUR
    assert other.median == tuple(figures.box_stats(rest["n_words"])["median"])  # the pooled ones
    assert fig.layout.xaxis.range[0] == 0
    assert "(12 of 30 groups with most stories; the other 18 pooled)" in fig.layout.title.text
    small = figures.sentence_lengths(
        sentences, group="outlet", only=[figure_cases.SMALLEST, figure_cases.LARGEST[0]]
    )
    colours = {trace.name.split(" ")[0]: trace.marker.color for trace in small.data}
    assert colours[figure_cases.SMALLEST] == MUTED_COLOUR
    assert colours[figure_cases.LARGEST[0]] != MUTED_COLOUR
    assert "grey: fewer than 10 sentences" in small.layout.title.text


# The five numbers plotly.js 2.x computes for these boxes (``gd.calcdata`` of a box with
# ``boxpoints=False``, read in headless Chromium): box_stats must give the same.
PLOTLY_BOXES = [
    ([1, 2, 3, 4, 5, 6, 7, 8, 14], [2.75, 5, 7.25, 1, 14]),  # a value on the upper fence
    ([-5, 1, 2, 3, 4, 5, 6, 7, 8], [1.75, 4, 6.25, -5, 8]),  # on the lower fence
    ([-5.5, 1, 2, 3, 4, 5, 6, 7, 8], [1.75, 4, 6.25, 1, 8]),  # just outside it
    ([1, 2, 3, 4, 5, 6, 7, 8, 100], [2.75, 5, 7.25, 1, 8]),
    ([5], [5, 5, 5, 5, 5]),
    ([1, 2, 3, 4], [1.5, 2.5, 3.5, 1, 4]),
    ([1, 1, 1, 1, 10], [1, 1, 3.25, 1, 3.25]),  # the whisker never ends inside the box
    ([0, 10, 10, 10, 10, 20, 40], [10, 10, 17.5, 0, 20]),
]


@pytest.mark.parametrize(("values", "expected"), PLOTLY_BOXES)
def test_box_stats_are_the_numbers_plotly_draws(values, expected):
    stats = figures.box_stats(pd.Series(values))
    got = [stats[k][0] for k in ("q1", "median", "q3", "lowerfence", "upperfence")]
    assert got == pytest.approx(expected)


def test_a_large_corpus_box_carries_five_numbers_not_every_sentence():
    lengths = pd.DataFrame(
        {"story_id": ["a"] * 600 + ["b"] * 400, "n_words": list(range(600)) + [7] * 400}
    )
    fig = figures.sentence_lengths(lengths)
    assert [t.x for t in fig.data] == [None, None]
    assert [t.name for t in fig.data] == ["a (n=600)", "b (n=400)"]
    assert fig.data[0].median == (299.5,) and fig.data[1].q3 == (7.0,)
    small = figures.sentence_lengths(lengths.iloc[:300])
    assert len(small.data[0].x) == 300 and small.data[0].boxpoints == "all"


def test_a_large_corpus_axis_ends_at_the_longest_whisker_not_the_longest_sentence():
    # 999 sentences of 10 to 30 words and one of 400: the whisker stops at 30
    lengths = pd.DataFrame(
        {"story_id": ["a"] * 1000, "n_words": [10 + i % 21 for i in range(999)] + [400]}
    )
    fig = figures.sentence_lengths(lengths)
    assert fig.data[0].upperfence == (30.0,)
    assert fig.layout.xaxis.range == (0.0, 31.5)  # 30 and a 5 % margin, not 420
    assert "longer sentences are not drawn" in fig.layout.title.text
    small = figures.sentence_lengths(lengths.iloc[-300:])  # every sentence drawn, 400 too
    assert small.layout.xaxis.range == (0.0, 420.0)
    assert "not drawn" not in small.layout.title.text
