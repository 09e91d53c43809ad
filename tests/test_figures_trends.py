"""Tests of analysis.figures.trends: tone and frames over time, with many groups."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import select_stories, trends
from analysis.errors import ParameterError
from analysis.figures import trends as figures
from analysis.figures.rules import MAX_GROUPS, MIN_TONE_SPAN, MUTED_COLOUR, OTHER_COLOUR
from analysis.sentiment import sentence_sentiment
from tests import figure_cases


def _lines(fig) -> dict[str, object]:
    return {trace.name: trace for trace in fig.data}


def test_tone_of_30_groups_draws_12_lines_and_other():
    tone = figure_cases.tone_over_time_table()
    fig = figures.tone_over_time_chart(tone)
    lines = _lines(fig)
    assert len(lines) == MAX_GROUPS + 1
    other = lines[next(name for name in lines if name.startswith("other (18 groups)"))]
    assert other.line.color == OTHER_COLOUR
    rest = tone[~tone["group"].isin(figure_cases.LARGEST) & (tone["period"] == "2024-01")]
    pooled = (rest["mean_score"] * rest["n_sentences"]).sum() / rest["n_sentences"].sum()
    assert other.y[0] == pytest.approx(pooled)
    assert "(12 of 30 groups with most stories; the other 18 pooled)" in fig.layout.title.text
    low, high = fig.layout.yaxis.range  # means within +/-0.02 are not zoomed into
    assert low <= 0 <= high and high - low >= MIN_TONE_SPAN
    largest = figure_cases.LARGEST[0]
    name = f"{largest} (n={tone.loc[tone['group'] == largest, 'n_stories'].sum()})"
    assert name in lines


def test_small_groups_are_grey_and_thin_cells_open():
    tone = figure_cases.tone_over_time_table()
    picked = [figure_cases.SMALLEST, figure_cases.LARGEST[0]]
    fig = figures.tone_over_time_chart(tone, only=picked, min_n=5)
    colours = {name.split(" ")[0]: trace.line.color for name, trace in _lines(fig).items()}
    assert colours[figure_cases.SMALLEST] == MUTED_COLOUR
    assert colours[figure_cases.LARGEST[0]] != MUTED_COLOUR
    small = next(t for t in fig.data if t.name.startswith(figure_cases.SMALLEST))
    assert set(small.marker.symbol) == {"circle-open"}  # one story a month: thin cells
    assert "grey: fewer than 5 stories" in fig.layout.title.text
    with pytest.raises(ParameterError, match="only 'nope'"):
        figures.tone_over_time_chart(tone, only="nope")


def test_frames_of_30_groups_pool_hits_over_words():
    frames = figure_cases.frames_over_time_table()
    fig = figures.frames_over_time_chart(frames)
    assert len(fig.data) == 2 * (MAX_GROUPS + 1)  # two frame panels
    assert fig.layout.yaxis.range[0] == 0
    rest = frames[
        ~frames["group"].isin(figure_cases.LARGEST)
        & (frames["period"] == "2024-01")
        & (frames["frame"] == "economic")
    ]
    other = [t for t in fig.data if t.name.startswith("other (18 groups)")]
    assert len(other) == 2
    values = {round(t.y[0], 6) for t in other}
    assert round(1000 * rest["n_hits"].sum() / rest["n_words"].sum(), 6) in values
    assert [a.text for a in fig.layout.annotations] == ["conflict", "economic"]


def test_empty_tables_say_so():
    empty = figures.tone_over_time_chart(figure_cases.tone_over_time_table().iloc[:0])
    assert empty.layout.annotations[0].text == "no dated stories"


@pytest.mark.usefixtures("allsides_path")
def test_allsides_tone_by_outlet_draws_at_most_13_lines(allsides_corpus):
    corpus = select_stories(allsides_corpus)
    # The lines depend only on which (month, outlet) cells have stories: the first sentence of
    # every story is enough to find them (scoring all 107,000 sentences takes 25 s).
    firsts = corpus.sentences.groupby("story_id", sort=False).head(1)
    tone = trends.tone_over_time(sentence_sentiment(firsts), corpus.stories, group="outlet")
    assert tone["group"].nunique() > 100  # 124 outlets: 124 lines before
    fig = figures.tone_over_time_chart(tone)
    assert len(fig.data) <= MAX_GROUPS + 1
    assert any(trace.name.startswith("other (") for trace in fig.data)
    assert "groups with most stories" in fig.layout.title.text
    stories = tone.groupby("group")["n_stories"].sum().sort_values(ascending=False)
    assert (
        pd.Series([t.name.rsplit(" (n=", 1)[0] for t in fig.data])
        .isin([*stories.index[:MAX_GROUPS], fig.data[-1].name.rsplit(" (n=", 1)[0]])
        .all()
    )
