"""Tests of the analysis.language package: its public names, determinism, unmutated inputs."""

from __future__ import annotations

import pytest
from pandas.testing import assert_frame_equal

from analysis import language as L

#: The public names of the single-module ``analysis.language`` this package replaced, except
#: ``story_terms`` (now ``text_terms``) and ``describe`` (now ``analysis.narrate.language``).
FORMER_PUBLIC_NAMES = [
    "LANGUAGE_DATA_DIR",
    "NEAR_DUPLICATE_THRESHOLD",
    "RELATED_THRESHOLD",
    "MIN_TOPIC_UNITS",
    "MIN_PARAGRAPH_UNITS",
    "MAX_AUTO_TOPICS",
    "MIN_TYPICAL_WORDS",
    "TYPICAL_UNITS",
    "MAX_VERB_DISTANCE",
    "MAX_SCARE_WORDS",
    "SIMILARITY_BLOCK_CELLS",
    "MAX_DENSE_SIMILARITY",
    "Z_SIGNIFICANT",
    "Unit",
    "language_data",
    "stop_words",
    "TermCounts",
    "term_counts",
    "DISTINCTIVE_COLUMNS",
    "distinctive_terms",
    "tfidf_terms",
    "auto_n_topics",
    "choose_unit",
    "TopicModel",
    "topic_model",
    "similarity_matrix",
    "NEIGHBOUR_COLUMNS",
    "nearest_neighbours",
    "near_duplicates",
    "MENTION_COLUMNS",
    "ACTOR_COLUMNS",
    "actor_mentions",
    "actors",
    "QUOTE_COLUMNS",
    "quotes",
    "quote_summary",
]


@pytest.mark.parametrize("name", FORMER_PUBLIC_NAMES)
def test_former_public_names_are_re_exported(name):
    assert name in L.__all__
    assert getattr(L, name) is not None


def test_renamed_and_moved_names_are_gone():
    assert not hasattr(L, "story_terms")
    assert not hasattr(L, "describe")
    assert set(L.__all__) <= set(dir(L))


def test_docstring_lists_every_submodule():
    for module in (
        "data",
        "tables",
        "terms",
        "distinctive",
        "topics",
        "similarity",
        "actor_extraction",
        "quotations",
    ):
        assert f":mod:`~analysis.language.{module}`" in L.__doc__


def test_every_table_is_identical_across_two_runs(seed_corpus):
    def run():
        return [
            L.distinctive_terms(seed_corpus.stories),
            L.tfidf_terms(seed_corpus.stories),
            L.similarity_matrix(seed_corpus.stories),
            L.nearest_neighbours(seed_corpus.stories, k=2),
            L.actors(seed_corpus),
            L.actor_mentions(seed_corpus.sentences),
            L.quotes(seed_corpus.sentences),
            L.topic_model(seed_corpus, seed=3).shares,
        ]

    for first, second in zip(run(), run(), strict=True):
        assert_frame_equal(first, second)


def test_inputs_are_not_mutated(seed_corpus):
    stories = seed_corpus.stories.copy()
    sentences = seed_corpus.sentences.copy()
    L.distinctive_terms(seed_corpus.stories)
    L.similarity_matrix(seed_corpus.stories)
    L.topic_model(seed_corpus)
    L.actors(seed_corpus)
    L.quotes(seed_corpus.sentences)
    assert_frame_equal(seed_corpus.stories, stories)
    assert_frame_equal(seed_corpus.sentences, sentences)


def test_given_counts_the_story_functions_need_no_text(seed_corpus):
    from analysis.errors import ParameterError

    stories = seed_corpus.stories
    counts = L.term_counts(stories)
    bare = stories.drop(columns="text")
    assert_frame_equal(
        L.nearest_neighbours(bare, k=2, counts=counts),
        L.nearest_neighbours(stories, k=2, counts=counts),
    )
    assert_frame_equal(L.tfidf_terms(bare, counts=counts), L.tfidf_terms(stories, counts=counts))
    assert_frame_equal(
        L.distinctive_terms(bare, counts=counts),
        L.distinctive_terms(stories, counts=counts),
    )
    with pytest.raises(ParameterError, match=r"lacks the column\(s\) \['text'\]"):
        L.nearest_neighbours(bare, k=2)  # the text is needed to count the terms
