"""Tests of analysis.figures.language: the figures of the topics-and-language step."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis.errors import ParameterError
from analysis.figures import language as F
from analysis.figures.rules import MUTED_OPACITY
from analysis.language.distinctive import tfidf_terms
from analysis.language.similarity import similarity_matrix
from tests import figure_cases
from tests.conftest import LOS_ANGELES


def test_figures_return_deterministic_plotly_figures(
    seed_corpus, seed_terms, seed_topics, seed_actors
):
    figures = [
        lambda: F.distinctive_terms_chart(seed_terms),
        lambda: F.distinctive_terms_chart(tfidf_terms(seed_corpus.stories), value="tfidf"),
        lambda: F.topic_shares_chart(seed_topics.shares_by(seed_corpus.stories)),
        lambda: F.topic_shares_chart(seed_topics.shares, group="story_id"),
        lambda: F.similarity_heatmap(similarity_matrix(seed_corpus.stories)),
        lambda: F.actors_chart(seed_actors),
    ]
    for make in figures:
        fig = make()
        assert isinstance(fig, go.Figure)
        assert json.loads(fig.to_json()) == json.loads(make().to_json())
    assert len(F.distinctive_terms_chart(seed_terms).data) == 4
    assert len(F.topic_shares_chart(seed_topics.shares_by(seed_corpus.stories)).data) == 8
    one = F.actors_chart(seed_actors, only=LOS_ANGELES, top_n=3)
    assert len(one.data) == 1 and len(one.data[0].y) == 3
    heat = F.similarity_heatmap(similarity_matrix(seed_corpus.stories))
    assert heat.data[0].text[0][0] == "1.00"
    small = F.similarity_heatmap(similarity_matrix(seed_corpus.stories), max_groups=2)
    assert len(small.data[0].z) == 2 and "first 2 of 4" in small.layout.title.text


def test_figure_parameter_errors(seed_terms, seed_actors):
    with pytest.raises(ParameterError, match="lacks the column"):
        F.distinctive_terms_chart(seed_terms, value="score")
    with pytest.raises(ParameterError, match="only 'nope'"):
        F.actors_chart(seed_actors, only="nope")
    with pytest.raises(ParameterError, match="top_n"):
        F.actors_chart(seed_actors, top_n=0)
    with pytest.raises(ParameterError, match="square"):
        F.similarity_heatmap(pd.DataFrame({"a": [1.0, 0.5]}))
    empty = F.distinctive_terms_chart(seed_terms.iloc[:0])
    assert isinstance(empty, go.Figure) and len(empty.data) == 0


# --------------------------------------------------------------------------- many groups


def test_topic_shares_of_30_groups_without_counts_draws_the_first_12():
    fig = F.topic_shares_chart(figure_cases.topics_table(counted=False))
    assert len(fig.data) == 3 and all(len(trace.y) == 12 for trace in fig.data)
    assert list(fig.data[0].y[::-1]) == figure_cases.GROUPS[:12]
    assert "(first 12 of 30 groups)" in fig.layout.title.text
    assert fig.layout.xaxis.range == (0, 1)


def test_topic_shares_of_30_counted_groups_pools_the_rest_by_stories():
    shares = figure_cases.topics_table(counted=True)
    fig = F.topic_shares_chart(shares)
    assert all(len(trace.y) == 13 for trace in fig.data)
    assert fig.data[0].y[0].startswith("other (18 groups) (n=")
    totals = [sum(trace.x[i] for trace in fig.data) for i in range(13)]
    assert totals == pytest.approx([1.0] * 13, abs=1e-3)
    rest = shares[~shares["group"].isin(figure_cases.LARGEST) & (shares["topic"] == 1)]
    pooled = (rest["share"] * rest["n_stories"]).sum() / rest["n_stories"].sum()
    assert fig.data[0].x[0] == pytest.approx(pooled, abs=1e-4)
    small = F.topic_shares_chart(shares, only=[figure_cases.SMALLEST, figure_cases.LARGEST[0]])
    opacity = dict(zip(small.data[0].y, small.data[0].marker.opacity, strict=True))
    assert opacity[f"{figure_cases.SMALLEST} (n=1)"] == MUTED_OPACITY
    assert "faded: fewer than 3 stories" in small.layout.title.text


def test_panels_of_30_groups_draw_12():
    terms = pd.DataFrame({"group": figure_cases.GROUPS, "term": "word", "z": 2.5, "count": 7})
    fig = F.distinctive_terms_chart(terms)
    assert len(fig.data) == 12 and "(first 12 of 30 groups)" in fig.layout.title.text
    assert fig.data[0].customdata[0] == 7


def test_topic_shares_read_story_counts_from_cards_or_a_series():
    counted = F.topic_shares_chart(figure_cases.topics_table(counted=True)).to_json()
    shares = figure_cases.topics_table(counted=False)
    cards = pd.DataFrame(
        {"group": figure_cases.GROUPS, "n_stories": figure_cases.STORIES.values()}
    )
    assert F.topic_shares_chart(shares, counts=cards).to_json() == counted
    series = pd.Series(figure_cases.STORIES)
    assert F.topic_shares_chart(shares, counts=series).to_json() == counted
    with pytest.raises(ParameterError, match="counts has no stories"):
        F.topic_shares_chart(shares, counts=series.iloc[:5])
    one_story_each = F.topic_shares_chart(shares, counts=series * 0 + 1)
    assert set(one_story_each.data[0].marker.opacity) == {1.0}  # stories are not faded
