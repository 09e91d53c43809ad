"""Tests of analysis.narrate.language: the plain-language reading of the language tables."""

from __future__ import annotations

import pytest

from analysis.errors import ParameterError
from analysis.language.quotations import quotes
from analysis.language.similarity import similarity_matrix
from analysis.narrate import language as narrate_language


@pytest.fixture(scope="module")
def seed_quotes(seed_corpus):
    return quotes(seed_corpus.sentences)


def test_describe_generates_sentences_from_numbers(
    seed_corpus, seed_terms, seed_topics, seed_actors, seed_quotes
):
    text = narrate_language.describe(
        distinctive=seed_terms,
        topics=seed_topics,
        similarity=similarity_matrix(seed_corpus.stories),
        actor_table=seed_actors,
        quote_table=seed_quotes,
    )
    assert "*russia* (0.8)" in text
    assert "No term reaches z > 1.96" in text
    assert "8 topics over 17 paragraphs" in text
    assert "0 of 6 pairs reach 0.2 (same event)" in text
    assert "Russia (25), United States (20) and Nicolás Maduro (15)" in text
    assert "8 quotations: 5 attributed speech, 2 names in quotes, 1 scare quotes" in text
    assert narrate_language.describe() == ""
    stories = seed_corpus.stories.assign(side=["x", "y", "y", "x"])
    grouped = narrate_language.describe(
        topics=seed_topics,
        topic_shares=seed_topics.shares_by(stories, group="side"),
        similarity=similarity_matrix(stories, group="side"),
    )
    assert "- **x** is mostly topic" in grouped and "the story thresholds do not apply" in grouped
    with pytest.raises(ParameterError, match="top"):
        narrate_language.describe(top=0)


def test_topic_count_line_groups_thousands(seed_topics):
    import dataclasses

    units = seed_topics.units.sample(25000, replace=True, random_state=0)
    many = dataclasses.replace(seed_topics, units=units)
    lines = narrate_language._topic_lines(many, None, 3)
    assert lines[0].startswith("- 8 topics over 25,000 paragraphs; the largest")
