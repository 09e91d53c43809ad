"""Tests of analysis.figures.language: the figures of the topics-and-language step."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis.errors import ParameterError
from analysis.figures import language as F
from analysis.language.actor_extraction import actors
from analysis.language.distinctive import distinctive_terms, tfidf_terms
from analysis.language.similarity import similarity_matrix
from analysis.language.topics import topic_model
from tests.conftest import LOS_ANGELES


@pytest.fixture(scope="module")
def seed_terms(seed_corpus):
    return distinctive_terms(seed_corpus.stories, top_n=15)


@pytest.fixture(scope="module")
def seed_topics(seed_corpus):
    return topic_model(seed_corpus)


@pytest.fixture(scope="module")
def seed_actors(seed_corpus):
    return actors(seed_corpus)


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
    one = F.actors_chart(seed_actors, story=LOS_ANGELES, top_n=3)
    assert len(one.data) == 1 and len(one.data[0].y) == 3
    heat = F.similarity_heatmap(similarity_matrix(seed_corpus.stories))
    assert heat.data[0].text[0][0] == "1.00"
    small = F.similarity_heatmap(similarity_matrix(seed_corpus.stories), max_labels=2)
    assert len(small.data[0].z) == 2 and "first 2 of 4" in small.layout.title.text


def test_figure_parameter_errors(seed_terms, seed_actors):
    with pytest.raises(ParameterError, match="lacks column"):
        F.distinctive_terms_chart(seed_terms, value="score")
    with pytest.raises(ParameterError, match="story 'nope'"):
        F.actors_chart(seed_actors, story="nope")
    with pytest.raises(ParameterError, match="top_n"):
        F.actors_chart(seed_actors, top_n=0)
    with pytest.raises(ParameterError, match="square"):
        F.similarity_heatmap(pd.DataFrame({"a": [1.0, 0.5]}))
    empty = F.distinctive_terms_chart(seed_terms.iloc[:0])
    assert isinstance(empty, go.Figure) and len(empty.data) == 0
