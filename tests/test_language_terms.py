"""Tests of analysis.language.terms: the vocabulary rule and term counts."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import ParameterError
from analysis.language.data import stop_words
from analysis.language.terms import TermCounts, term_counts, text_terms, tfidf_weights
from tests.conftest import JAPAN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russia's army", {"russia": 1, "army": 1, "russia army": 1}),
        ("the U.S. action", {"u.s": 1, "action": 1, "u.s action": 1}),
        ("oil, gas", {"oil": 1, "gas": 1}),  # no bigram across punctuation
        ("Department of Justice", {"department": 1, "justice": 1}),  # stop word breaks bigram
        ("9 trillion yen in 2026", {"trillion": 1, "yen": 1, "trillion yen": 1}),
        ("a b c", {}),  # one-letter tokens dropped
        ("Oil. Gas", {"oil": 1, "gas": 1}),  # sentence end breaks a bigram
        ("", {}),
    ],
)
def test_text_terms_vocabulary_rule(text, expected):
    assert text_terms(text) == Counter(expected)


def test_text_terms_ngram_range_and_stop_words():
    text = "The Foreign Ministry condemned it"
    assert text_terms(text, ngram_range=(1, 1)) == Counter(
        {"foreign": 1, "ministry": 1, "condemned": 1}
    )
    assert text_terms(text, ngram_range=(2, 2)) == Counter(
        {"foreign ministry": 1, "ministry condemned": 1}
    )
    assert text_terms(text, ngram_range=(1, 1), stop_words=())["the"] == 1


@pytest.mark.parametrize("bad", [(0, 1), (1, 3), (2, 1), "12", (1,), None])
def test_text_terms_rejects_bad_ngram_range(bad):
    with pytest.raises(ParameterError, match="ngram_range"):
        text_terms("text", ngram_range=bad)


def test_stop_words_must_be_a_collection():
    with pytest.raises(ParameterError, match="not one string"):
        text_terms("text", stop_words="the")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200))
def test_text_terms_never_keeps_stop_words_or_letterless_tokens(text):
    stop = stop_words()
    for term in text_terms(text):
        for word in term.split(" "):
            assert word not in stop
            assert any(ch.isalpha() for ch in word)
            assert word == word.lower()
            assert not word.endswith("'s")


def test_term_counts_matrix_matches_text_terms(seed_corpus):
    tc = term_counts(seed_corpus.stories)
    assert tc.doc_ids == tuple(seed_corpus.stories["story_id"])
    assert list(tc.terms) == sorted(tc.terms)
    row = tc.doc_ids.index(JAPAN)
    text = seed_corpus.stories.set_index("story_id").loc[JAPAN, "text"]
    expected = text_terms(text)
    got = {tc.terms[j]: int(tc.matrix[row, j]) for j in tc.matrix[row].indices}
    assert got == dict(expected)


def test_term_counts_from_counters_and_to_frame_round_trip():
    tc = TermCounts.from_counters({"a": Counter(oil=2), "b": Counter(gas=1, oil=1)})
    frame = tc.to_frame()
    assert frame.to_dict("records") == [
        {"doc_id": "a", "term": "oil", "count": 2},
        {"doc_id": "b", "term": "gas", "count": 1},
        {"doc_id": "b", "term": "oil", "count": 1},
    ]


def test_tfidf_weights_are_computed_once_per_count_matrix_and_read_only():
    counts = sp.csr_matrix(np.array([[2, 0, 1], [0, 3, 1], [1, 1, 0]], dtype=np.int64))
    first = tfidf_weights(counts)
    assert tfidf_weights(counts) is first  # the same matrix object: the kept weights
    assert np.allclose(np.linalg.norm(first.toarray(), axis=1), 1.0)
    with pytest.raises(ValueError, match="read-only"):
        first.data[0] = 0.0
    other = tfidf_weights(counts.copy())  # equal content, another object: computed again
    assert other is not first and np.allclose(other.toarray(), first.toarray())
    changed = counts.copy()
    changed[0, 0] = 9
    assert not np.allclose(tfidf_weights(changed).toarray(), first.toarray())


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=40), min_size=7, max_size=7),
        min_size=1,
        max_size=12,
    )
)
def test_tfidf_matrix_equals_scikit_learn_to_the_last_bit(rows):
    from analysis.language.terms import tfidf_matrix, tfidf_transformer

    counts = sp.csr_matrix(np.array(rows, dtype=np.int64))
    ours = tfidf_matrix(counts)
    theirs = tfidf_transformer().fit_transform(counts.astype(np.float64)).tocsr()
    assert np.array_equal(ours.indptr, theirs.indptr)
    assert np.array_equal(ours.indices, theirs.indices)
    assert np.array_equal(ours.data, theirs.data)  # exact, not approximately


def test_tfidf_matrix_equals_scikit_learn_on_the_seeds(seed_corpus):
    from analysis.language.terms import tfidf_matrix, tfidf_transformer

    counts = term_counts(seed_corpus.stories).matrix
    ours = tfidf_matrix(counts)
    theirs = tfidf_transformer().fit_transform(counts.astype(np.float64)).tocsr()
    assert ours.nnz > 1000 and np.array_equal(ours.data, theirs.data)
    assert np.array_equal(ours.indices, theirs.indices)


def test_tfidf_matrix_in_blocks_of_rows_equals_scikit_learn(monkeypatch):
    from analysis.language import terms as terms_module

    generator = np.random.default_rng(3)
    dense = generator.integers(0, 4, size=(50, 30)) * (generator.random((50, 30)) < 0.3)
    dense[[0, 7, 8, 49]] = 0  # rows without terms, also at a block's edge
    counts = sp.csr_matrix(dense)
    theirs = terms_module.tfidf_transformer().fit_transform(counts.astype(np.float64)).tocsr()
    for rows in (1, 3, 7, 2048):
        monkeypatch.setattr(terms_module, "TFIDF_BLOCK_ROWS", rows)
        ours = terms_module.tfidf_matrix(counts)
        assert np.array_equal(ours.data, theirs.data)
        assert np.array_equal(ours.indptr, theirs.indptr)


def test_document_frequencies_count_rows_with_a_positive_count():
    from analysis.language.terms import document_frequencies

    counts = sp.csr_matrix(np.array([[1, 0, 2], [3, 0, 0], [0, 0, 5]]))
    assert document_frequencies(counts).tolist() == [2, 0, 2]
    stored_zero = sp.csr_matrix((np.array([0, 4]), np.array([0, 2]), np.array([0, 2])), (1, 3))
    assert document_frequencies(stored_zero).tolist() == [0, 0, 1]  # a stored 0 is not a count
