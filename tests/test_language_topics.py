"""Tests of analysis.language.topics: units, number of topics, the NMF topic model."""

from __future__ import annotations

import numpy as np
import pytest
from pandas.testing import assert_frame_equal

from analysis.corpus import stories_from_texts
from analysis.errors import ParameterError
from analysis.language.topics import MIN_TYPICAL_WORDS, auto_n_topics, choose_unit, topic_model
from tests.conftest import JAPAN, LOS_ANGELES


@pytest.mark.parametrize(
    ("n_units", "n_stories", "k"),
    [
        (1, None, 1),
        (2, None, 1),
        (3, None, 2),
        (55, None, 5),
        (200, None, 10),
        (2505, None, 10),
        (17, 4, 8),
        (17, 1, 3),
        (12, 9, 10),
        (5, 4, 4),
    ],
)
def test_auto_n_topics(n_units, n_stories, k):
    assert auto_n_topics(n_units, n_stories=n_stories) == k


def test_auto_n_topics_rejects_nonsense():
    with pytest.raises(ParameterError, match="n_units"):
        auto_n_topics(0)


def test_choose_unit(seed_corpus):
    assert choose_unit(seed_corpus) == "paragraph"
    one = stories_from_texts(["A short story. It has two sentences."])
    assert choose_unit(one) == "sentence"
    with pytest.raises(ParameterError, match="expected a Corpus"):
        choose_unit(seed_corpus.stories)


@pytest.fixture(scope="module")
def seed_topics(seed_corpus):
    return topic_model(seed_corpus)


def test_seed_topic_model(seed_topics, seed_corpus):
    m = seed_topics
    assert (m.unit, m.n_topics) == ("paragraph", 8)
    assert list(m.topics["topic"]) == list(range(1, 9))
    assert m.topics["weight_share"].is_monotonic_decreasing
    assert m.topics["weight_share"].sum() == pytest.approx(1.0)
    sums = m.shares.groupby("story_id")["share"].sum()
    assert np.allclose(sums, 1.0)
    assert len(m.shares) == 4 * 8
    japan = m.shares[m.shares["story_id"] == JAPAN].sort_values("share").iloc[-1]
    assert japan["share"] > 0.9 and "japan" in japan["label"]
    la = m.shares[m.shares["story_id"] == LOS_ANGELES].sort_values("share").iloc[-1]
    assert "reiner" in la["label"]
    assert ((m.units["fit"] >= 0) & (m.units["fit"] <= 1)).all()
    assert (m.typical.groupby("topic")["rank"].max() <= 3).all()
    assert m.typical["text"].map(lambda t: len(t.split()) >= MIN_TYPICAL_WORDS).all()


def test_topic_model_is_deterministic(seed_corpus, seed_topics):
    again = topic_model(seed_corpus)
    for name in ("topics", "terms", "units", "shares", "typical"):
        assert_frame_equal(getattr(again, name), getattr(seed_topics, name))


def test_topic_model_units_and_shares_by(seed_corpus):
    m = topic_model(seed_corpus, unit="sentence", n_topics=3, n_sentences=2)
    assert m.unit == "sentence" and m.n_topics == 3
    assert len(m.units) == len(seed_corpus.sentences)
    stories = seed_corpus.stories.assign(side=["x", "y", "y", "x"])
    by = m.shares_by(stories, group="side")
    assert list(by.columns) == ["group", "topic", "label", "share"]
    assert list(dict.fromkeys(by["group"])) == ["x", "y"]
    assert np.allclose(by.groupby("group")["share"].sum(), 1.0)
    story_level = topic_model(seed_corpus, unit="story", n_topics=2)
    assert story_level.unit == "story" and len(story_level.units) == 4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"unit": "word"}, "unit must be"),
        ({"n_topics": 0}, "n_topics"),
        ({"n_topics": 500}, "n_topics=500 is more than"),
        ({"seed": "zero"}, "seed must be an integer"),
        ({"top_terms": 0}, "top_terms"),
        ({"max_iter": 0}, "max_iter"),
        ({"ngram_range": (3, 3)}, "ngram_range"),
    ],
)
def test_topic_model_parameter_errors(seed_corpus, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        topic_model(seed_corpus, **kwargs)


def test_topic_model_with_too_little_text_is_empty():
    m = topic_model(stories_from_texts(["The and of."]))
    assert m.n_topics == 0 and m.topics.empty and m.shares.empty


def test_story_units_take_the_passed_story_counts_instead_of_counting_again(
    seed_corpus, monkeypatch
):
    """With stories as units the stories' term counts (e.g. of the cached pass) are the units'
    counts: the model equals the one that counts them itself, nothing is counted again, and
    counts of other stories are refused. Other units count their own terms."""
    from analysis.language import topics
    from analysis.language.terms import term_counts

    stories, sentences = seed_corpus.stories, seed_corpus.sentences
    counts = term_counts(stories)
    options = (2, "story", (1, 2), 0, 10, 3, 2000)
    counted = topics._topic_model(stories, sentences, *options)
    monkeypatch.setattr(topics, "_unit_term_counts", lambda *a: pytest.fail("counted again"))
    reused = topics._topic_model(stories, sentences, *options, counts)
    for name in topics._MODEL_TABLES:
        assert_frame_equal(getattr(reused, name), getattr(counted, name))
    assert reused.topics["label"].tolist() == counted.topics["label"].tolist()
    with pytest.raises(ParameterError, match="counts do not match stories"):
        topic_model(seed_corpus, unit="story", n_topics=2, counts=term_counts(stories.iloc[:3]))
    monkeypatch.undo()
    by_paragraph = topic_model(seed_corpus, unit="paragraph", n_topics=3, counts=counts)
    assert by_paragraph.unit == "paragraph" and by_paragraph.n_topics == 3
