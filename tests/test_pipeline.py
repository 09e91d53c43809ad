"""Tests of analysis.pipeline: the shared pass equals the step functions, cache invalidation,
parallel = serial, the segmentation agreement with pySBD, an unwritable cache, and regex
time-outs reported from workers."""

from __future__ import annotations

import dataclasses
import shutil
import warnings

import pandas as pd
import pytest

from analysis import parallel, pipeline
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
    monkeypatch.setattr(parallel, "CHUNK_SIZE", 7)
    corpus = stories_from_texts(SYNTHETIC)
    serial = pipeline.analyze(corpus, cache=False, workers=1)
    pooled = pipeline.analyze(corpus, cache=False, workers=2)
    pd.testing.assert_frame_equal(serial.sentiment, pooled.sentiment)
    for name in serial.frame_hits:
        pd.testing.assert_frame_equal(serial.frame_hits[name], pooled.frame_hits[name])
    pd.testing.assert_frame_equal(serial.term_counts, pooled.term_counts)


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


def test_unwritable_cache_folder_warns_once_and_the_pass_still_runs(tmp_path, seed_corpus):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        result = pipeline.analyze(seed_corpus, cache=ArticleCache(blocker / "cache"), workers=1)
    messages = [str(w.message) for w in record if issubclass(w.category, CacheWarning)]
    assert len(messages) == 1 and "without the cache" in messages[0]
    _assert_same(result, seed_corpus)


def test_regex_timeouts_in_workers_are_reported_once_in_the_parent_and_not_cached(
    tmp_path, monkeypatch
):
    import textwrap
    import warnings

    from analysis import stories_from_texts
    from analysis.framing import MatchTimeoutWarning

    book = tmp_path / "slow.yaml"
    book.write_text(
        textwrap.dedent(
            """
            name: slow
            version: "1"
            citation: a test codebook with a catastrophic pattern
            frames:
              - id: f
                label: F
                description: d
                detectors:
                  - id: evil
                    terms: ['re:(a|a)+$']
            """
        )
    )
    texts = ["The cry was " + "a" * 40 + "! Calm words."] + [
        f"Story number {i} is quiet." for i in range(250)
    ]
    corpus = stories_from_texts(texts)
    cache = pipeline.ArticleCache(tmp_path / "cache")
    for _ in range(2):  # the article with a time-out is not cached: the second run warns again
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pipeline.analyze(corpus, codebooks=[str(book)], terms=False, workers=2, cache=cache)
        found = [w for w in caught if issubclass(w.category, MatchTimeoutWarning)]
        assert len(found) == 1
        message = str(found[0].message)
        assert "slow.yaml" in message and "'evil'" in message
        assert f"first story {corpus.stories['story_id'][0]!r}" in message


def test_results_are_written_per_batch_and_read_when_first_used(tmp_path, monkeypatch, computed):
    monkeypatch.setattr(pipeline, "FLUSH_ARTICLES", 10)
    monkeypatch.setattr(parallel, "CHUNK_SIZE", 5)
    store = ArticleCache(tmp_path)
    corpus = stories_from_texts(SYNTHETIC)
    result = pipeline.analyze(corpus, cache=store, workers=1)
    packs = list((tmp_path / "sentiment").rglob("pack-*.parquet"))
    assert len(packs) == 4  # 40 articles, one pack per 10
    assert "sentiment" not in vars(result)  # nothing read yet
    _assert_same(result, corpus)
    scores = result.sentence_scores(["vader_compound"])
    assert list(scores.columns) == ["story_id", "sentence_id", "sentence_index", "vader_compound"]
    pd.testing.assert_series_equal(scores["vader_compound"], result.sentiment["vader_compound"])


def test_rows_lost_from_the_cache_after_the_pass_are_recomputed_on_read(tmp_path, computed):
    store = ArticleCache(tmp_path)
    corpus = stories_from_texts(SYNTHETIC[:5])
    result = pipeline.analyze(corpus, cache=store, workers=1)
    shutil.rmtree(tmp_path / "sentiment")  # e.g. another process cleared the cache
    computed.clear()
    pd.testing.assert_frame_equal(result.sentiment, sentence_sentiment(corpus.sentences))
    assert computed == {"sentiment": 5}


def test_pool_workers_start_from_a_forkserver_on_posix():
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        assert parallel.start_method() == "forkserver"
    corpus = stories_from_texts(SYNTHETIC)
    pooled = pipeline.analyze(corpus, cache=False, workers=2)
    pd.testing.assert_frame_equal(pooled.sentiment, sentence_sentiment(corpus.sentences))


def test_a_corpus_without_sentence_text_gives_the_same_tables(tmp_path, seed_corpus):
    store = ArticleCache(tmp_path)
    full = pipeline.analyze(seed_corpus, cache=store, workers=1)
    bare = seed_corpus.sentences.drop(columns="text")
    without = pipeline.analyze(
        dataclasses.replace(seed_corpus, sentences=bare), cache=store, workers=1
    )
    pd.testing.assert_frame_equal(without.sentence_scores(), full.sentence_scores())
    for name in ("generic", "policy"):
        pd.testing.assert_frame_equal(without.frame_hits[name], full.frame_hits[name])
    # the sentiment table takes each sentence's text from its story (text[start:end])
    pd.testing.assert_frame_equal(without.sentiment, full.sentiment)
