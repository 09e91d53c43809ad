"""Tests of analysis.term_matrix: the story x term matrix kept in the analysis cache equals the
one built from the pass's term rows, cell for cell."""

from __future__ import annotations

from analysis import pipeline
from analysis.cache import ArticleCache
from analysis.corpus import stories_from_texts


def test_term_matrix_kept_in_the_cache_equals_the_built_one(seed_corpus, tmp_path):
    store = ArticleCache(tmp_path)
    first = pipeline.analyze(seed_corpus, cache=store, workers=1, codebooks=())
    built = first._built_term_matrix()
    kept = first.term_matrix()  # built and stored
    assert (tmp_path / "term-matrix").is_dir()
    again = pipeline.analyze(seed_corpus, cache=store, workers=1, codebooks=()).term_matrix()
    for counts in (kept, again):
        assert counts.doc_ids == built.doc_ids == tuple(seed_corpus.stories["story_id"])
        assert counts.terms == built.terms and len(counts.terms) > 1000
        assert counts.matrix.dtype == built.matrix.dtype
        assert (counts.matrix != built.matrix).nnz == 0
    texts = list(seed_corpus.stories["raw_text"].iloc[[2, 0]])  # other stories: another entry
    corpus = stories_from_texts(texts)
    other = pipeline.analyze(corpus, cache=store, workers=1, codebooks=()).term_matrix()
    assert other.doc_ids == tuple(corpus.stories["story_id"]) and other.matrix.shape[0] == 2
    assert len(other.terms) < len(built.terms)
