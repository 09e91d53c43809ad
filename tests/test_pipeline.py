"""Tests of analysis.pipeline: the shared pass equals the step functions, cache invalidation,
parallel = serial, and the segmentation agreement with pySBD."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analysis import pipeline
from analysis.cache import ArticleCache, CacheWarning
from analysis.corpus import load_corpus, stories_from_texts
from analysis.framing import CODEBOOK_DIR, frame_hits
from analysis.language import term_counts
from analysis.segment import boundary_agreement
from analysis.sentiment import sentence_sentiment

SYNTHETIC = [
    f"Story {i}: the council condemned the budget cut of ${i} million. Critics said the plan "
    f"was a disaster for families. Officials in Washington disagreed on Jan. {i % 28 + 1}."
    for i in range(40)
]


@pytest.fixture()
def computed(monkeypatch):
    """Counts the articles each component computes (in this process: workers=1)."""
    counts: dict[str, int] = {}
    original = pipeline._compute_component

    def spy(name, spec, sentences, texts):
        counts[name] = counts.get(name, 0) + len(texts)
        return original(name, spec, sentences, texts)

    monkeypatch.setattr(pipeline, "_compute_component", spy)
    return counts


def _assert_same(result, corpus):
    pd.testing.assert_frame_equal(result.sentiment, sentence_sentiment(corpus.sentences))
    for name in ("generic", "policy"):
        pd.testing.assert_frame_equal(
            result.frame_hits[name], frame_hits(corpus.sentences, codebook=name)
        )
    direct = term_counts(corpus.stories)
    matrix = result.term_matrix()
    assert matrix.terms == direct.terms and matrix.doc_ids == direct.doc_ids
    assert (matrix.matrix != direct.matrix).nnz == 0


def test_pass_equals_the_step_functions_cold_and_warm(seed_corpus, tmp_path, computed):
    store = ArticleCache(tmp_path)
    _assert_same(pipeline.analyze(seed_corpus, cache=store, workers=1), seed_corpus)
    assert computed == {"sentiment": 4, "frames-generic": 4, "frames-policy": 4, "terms": 4}
    computed.clear()
    _assert_same(pipeline.analyze(seed_corpus, cache=store, workers=1), seed_corpus)
    assert computed == {}  # everything read from the cache


def test_changed_text_recomputes_only_that_article(tmp_path, computed):
    store = ArticleCache(tmp_path)
    pipeline.analyze(stories_from_texts(SYNTHETIC), cache=store, workers=1)
    changed = list(SYNTHETIC)
    changed[3] = changed[3].replace("disaster", "triumph")
    computed.clear()
    result = pipeline.analyze(stories_from_texts(changed), cache=store, workers=1)
    assert computed == {"sentiment": 1, "frames-generic": 1, "frames-policy": 1, "terms": 1}
    _assert_same(result, stories_from_texts(changed))


def test_adding_ten_articles_computes_ten(tmp_path, computed):
    store = ArticleCache(tmp_path)
    pipeline.analyze(stories_from_texts(SYNTHETIC[:30]), cache=store, workers=1)
    computed.clear()
    pipeline.analyze(stories_from_texts(SYNTHETIC), cache=store, workers=1)
    assert computed == {"sentiment": 10, "frames-generic": 10, "frames-policy": 10, "terms": 10}


def test_changed_codebook_invalidates_frames_only(tmp_path, computed, seed_corpus):
    store = ArticleCache(tmp_path)
    book = tmp_path / "mine.yaml"
    shutil.copy(CODEBOOK_DIR / "generic.yaml", book)
    pipeline.analyze(seed_corpus, codebooks=[str(book)], cache=store, workers=1)
    book.write_text(book.read_text().replace("condemn*", "denounc*"))
    computed.clear()
    result = pipeline.analyze(seed_corpus, codebooks=[str(book)], cache=store, workers=1)
    assert computed == {"frames-generic": 4}  # sentiment and terms come from the cache
    pd.testing.assert_frame_equal(
        result.frame_hits["generic"], frame_hits(seed_corpus.sentences, codebook=str(book))
    )


def test_corrupt_cache_entry_is_recomputed_not_returned(tmp_path, computed, seed_corpus):
    store = ArticleCache(tmp_path)
    pipeline.analyze(seed_corpus, cache=store, workers=1)
    pack = next((tmp_path / "sentiment").rglob("pack-*.parquet"))
    data = bytearray(pack.read_bytes())
    data[len(data) // 2] ^= 0xFF
    pack.write_bytes(bytes(data))
    computed.clear()
    with pytest.warns(CacheWarning):
        result = pipeline.analyze(seed_corpus, cache=store, workers=1)
    assert computed == {"sentiment": 4}
    _assert_same(result, seed_corpus)


def test_parallel_equals_serial(monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK_SIZE", 7)
    corpus = stories_from_texts(SYNTHETIC)
    serial = pipeline.analyze(corpus, cache=False, workers=1)
    parallel = pipeline.analyze(corpus, cache=False, workers=2)
    pd.testing.assert_frame_equal(serial.sentiment, parallel.sentiment)
    for name in serial.frame_hits:
        pd.testing.assert_frame_equal(serial.frame_hits[name], parallel.frame_hits[name])
    pd.testing.assert_frame_equal(serial.term_counts, parallel.term_counts)


def test_parallel_segmentation_equals_serial(monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK_SIZE", 5)
    serial = pipeline.segment_texts(SYNTHETIC, cache=False, workers=1)
    parallel = pipeline.segment_texts(SYNTHETIC, cache=False, workers=2)
    pd.testing.assert_frame_equal(serial, parallel)


def test_duplicate_stories_share_results():
    corpus = stories_from_texts(
        ["Moscow condemned it. Bad news.", "Moscow condemned it. Bad news."]
    )
    result = pipeline.analyze(corpus, cache=False, workers=1)
    by_story = result.sentiment.groupby("story_id")["vader_compound"].apply(list)
    assert by_story.iloc[0] == by_story.iloc[1]
    assert result.frame_hits["generic"]["story_id"].nunique() == 2


def test_loaded_corpus_cache_is_keyed_by_content(tmp_path):
    store = ArticleCache(tmp_path / "cache")
    path = tmp_path / "one.txt"
    path.write_text("First version. Two sentences.")
    first = load_corpus(path, cache=store)
    again = load_corpus(path, cache=store)
    pd.testing.assert_frame_equal(first.stories, again.stories)
    pd.testing.assert_frame_equal(first.sentences, again.sentences)
    path.write_text("Second version.")
    assert load_corpus(path, cache=store).stories["n_sentences"].tolist() == [1]


def test_bad_workers_value():
    with pytest.raises(pipeline.ParameterError, match="workers"):
        pipeline.analyze(stories_from_texts(["A."]), cache=False, workers=0)


def test_segmentation_agrees_with_pysbd_on_allsides(allsides_corpus):
    paragraphs = [p for text in allsides_corpus.stories["text"][:300] for p in text.split("\n")]
    figures = boundary_agreement(paragraphs)
    assert figures["paragraphs"] > 5000
    assert figures["agreement"] >= 0.99
    assert figures["agreement_excluding_pysbd_errors"] >= 0.995
