"""Tests of analysis.language.memo: whole-corpus results kept in the analysis cache."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from analysis.cache import ArticleCache
from analysis.language import actor_extraction, actor_table, quotations
from analysis.language.memo import (
    LastResult,
    cached_tables,
    inputs_key,
    method_hash,
    read_tables,
    table_key,
    write_tables,
)
from analysis.language.topics import topic_model
from analysis.sentiment.targets import corpus_targets, default_targets, target_mentions


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty default cache, and no in-process mentions kept from earlier tests."""
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(actor_extraction, "_MENTIONS_MEMO", {})
    return tmp_path / "cache"


def test_inputs_key_separates_items_and_parts():
    assert inputs_key(["ab", "c"]) != inputs_key(["a", "bc"])
    assert inputs_key("ab", "c") != inputs_key("a", "bc")
    assert inputs_key(["1", "2"]) == inputs_key([1, 2]) == inputs_key(pd.Series(["1", "2"]))
    assert inputs_key([1, 2]) != inputs_key((1, 2).__repr__())
    assert len(inputs_key("x")) == 64


def test_inputs_key_reads_columns_as_their_items():
    """A column read from its Arrow buffers gives the key of the list of its items as str."""
    texts = ["Der Bürgermeister sagte:", "", "ab\x1fc", "\u00e9t\u00e9"] * 3
    column = pd.Series(texts, dtype="str")
    assert inputs_key(column) == inputs_key(texts) == inputs_key(column.astype(object))
    assert inputs_key(column.iloc[4:]) == inputs_key(texts[4:])  # a slice: offsets not at 0
    assert inputs_key(pd.Series([3, 10, -2])) == inputs_key(["3", "10", "-2"])
    assert inputs_key(pd.Series(["a", None])) == inputs_key(["a", "nan"])  # missing: as before
    assert inputs_key(["\ud800"]) != inputs_key(["\ud801"])  # lone surrogates still hashed
    assert inputs_key(pd.Series(["ab", "c"])) != inputs_key(pd.Series(["a", "bc"]))
    assert inputs_key(pd.Series([], dtype="str")) == inputs_key([])


def test_method_hash_depends_on_the_files():
    a = method_hash(("language/topics.py",))
    assert a == method_hash(("language/topics.py",))
    assert a != method_hash(("language/terms.py",))
    assert len(a) == 16


def test_tables_round_trip_with_dtypes_and_attrs(tmp_path):
    store = ArticleCache(tmp_path)
    table = pd.DataFrame(
        {
            "n": np.array([3, -1], dtype=np.int64),
            "x": [0.1 + 0.2, 1e-300],
            "ok": [True, False],
            "name": ["Nicolás Maduro", "U.S."],
            "mixed": pd.Series([None, "a"], dtype=object),
        }
    )
    table.attrs = {"group": "outlet", "targets": {"Russia": ["Russia"]}}
    empty = pd.DataFrame(columns=["topic", "label"])
    write_tables(store, "t", "v1", "k", {"table": table, "empty": empty}, {"n_iter": 7})
    tables, scalars = read_tables(store, "t", "v1", "k")
    assert scalars == {"n_iter": 7}
    assert_frame_equal(tables["table"], table, check_exact=True)
    assert list(tables["table"].dtypes.astype(str)) == list(table.dtypes.astype(str))
    assert tables["table"].attrs == table.attrs
    assert tables["table"]["x"].iloc[0] == 0.30000000000000004
    assert_frame_equal(tables["empty"], empty)
    assert read_tables(store, "t", "v1", "other") is None
    assert read_tables(store, "t", "v2", "k") is None


def test_cached_tables_computes_once(tmp_path):
    store = ArticleCache(tmp_path)
    calls = []

    def compute():
        calls.append(1)
        return {"a": pd.DataFrame({"v": [1.5]})}, {"k": 2}

    first = cached_tables("c", "v", "key", compute, cache=store)
    second = cached_tables("c", "v", "key", compute, cache=store)
    assert len(calls) == 1
    assert_frame_equal(first[0]["a"], second[0]["a"])
    assert second[1] == {"k": 2}
    cached_tables("c", "v", "key", compute, cache=False)
    assert len(calls) == 2


def _slow_result(root: str, log: str) -> int:
    """Ask for one slow result of the cache at ``root``; append to ``log`` when computing it."""
    import time

    def compute():
        with open(log, "a") as handle:
            handle.write("computed\n")
        time.sleep(1.5)
        return {"a": pd.DataFrame({"v": [7]})}, {}

    tables, _ = cached_tables("slow", "v1", "key", compute, cache=ArticleCache(root))
    return int(tables["a"]["v"].iloc[0])


def test_two_processes_asking_at_once_compute_a_result_once(tmp_path):
    import concurrent.futures
    import multiprocessing

    log = tmp_path / "log.txt"
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=context) as pool:
        asked = [pool.submit(_slow_result, str(tmp_path / "cache"), str(log)) for _ in range(2)]
        assert [f.result(timeout=120) for f in asked] == [7, 7]
    assert log.read_text() == "computed\n"  # the second waited and read it


def test_topic_model_from_the_cache_equals_the_computed_one(seed_corpus, fresh_cache):
    computed = topic_model(seed_corpus, seed=0)
    assert any(p.name == "topic-model" for p in fresh_cache.iterdir())
    cached = topic_model(seed_corpus, seed=0)
    assert (cached.unit, cached.n_topics, cached.n_iter) == (
        computed.unit,
        computed.n_topics,
        computed.n_iter,
    )
    assert cached.reconstruction_error == computed.reconstruction_error
    for name in ("topics", "terms", "units", "shares", "typical"):
        assert_frame_equal(getattr(cached, name), getattr(computed, name), check_exact=True)
    other = topic_model(seed_corpus, seed=1, n_topics=3)
    assert other.n_topics == 3


def test_mentions_and_quotes_from_the_cache_equal_the_computed_ones(
    seed_corpus, fresh_cache, monkeypatch
):
    mentions = actor_extraction.actor_mentions(seed_corpus.sentences)
    quotes = quotations.quotes(seed_corpus.sentences)
    assert {"actor-mentions", "quotations"} <= {p.name for p in fresh_cache.iterdir()}
    monkeypatch.setattr(actor_extraction, "_MENTIONS_MEMO", {})
    again = actor_extraction.actor_mentions(seed_corpus.sentences)
    assert_frame_equal(again, mentions, check_exact=True)
    assert_frame_equal(quotations.quotes(seed_corpus.sentences), quotes, check_exact=True)
    maduro = again.loc[again["surface"] == "Maduro", "actor"]
    assert maduro.iloc[0] == "Nicolás Maduro"


def test_actor_tables_and_default_targets_from_the_cache_need_no_mentions(
    seed_corpus, fresh_cache, monkeypatch
):
    """Read again, the actor table of a grouping and the default targets come from the cache:
    the mentions are not loaded; another grouping or ``top_n`` is another table."""
    by_story = actor_table.actors(seed_corpus)
    sides = dataclasses.replace(
        seed_corpus, stories=seed_corpus.stories.assign(side=["a", "b", "a", "b"])
    )
    by_side = actor_table.actors(sides, group="side", top_n=3)
    targets = default_targets(seed_corpus.sentences)
    assert targets == corpus_targets(seed_corpus)
    assert list(targets)[:3] == ["Russia", "United States", "Nicolás Maduro"]
    assert {"actor-table", "default-targets"} <= {p.name for p in fresh_cache.iterdir()}

    def no_mentions(*args, **kwargs):
        raise AssertionError("the mentions were loaded")

    monkeypatch.setattr(actor_table, "actor_mentions", no_mentions)
    monkeypatch.setattr("analysis.sentiment.targets.actor_mentions", no_mentions)
    assert_frame_equal(actor_table.actors(seed_corpus), by_story, check_exact=True)
    again = actor_table.actors(sides, group="side", top_n=3)
    assert_frame_equal(again, by_side, check_exact=True)
    assert by_side["group"].tolist() == ["a"] * 3 + ["b"] * 3
    assert default_targets(seed_corpus.sentences) == targets
    assert by_story.loc[by_story["actor"] == "Nicolás Maduro", "mentions"].sum() == 15
    with pytest.raises(AssertionError, match="mentions were loaded"):
        actor_table.actors(seed_corpus, group="outlet", top_n=4)
    renamed = seed_corpus.stories.assign(outlet=seed_corpus.stories["outlet"].str.upper())
    with pytest.raises(AssertionError, match="mentions were loaded"):
        actor_table.actors(
            dataclasses.replace(seed_corpus, stories=renamed), group="outlet", top_n=3
        )


def test_table_key_follows_every_value_and_the_row_order(seed_corpus):
    sentences = seed_corpus.sentences
    columns = ["story_id", "sentence_id", "sentence_index", "start", "text"]
    key = table_key(sentences, columns)
    assert key == table_key(sentences.copy(), columns)
    assert key != table_key(sentences, columns, "another method option")
    assert key != table_key(sentences.iloc[::-1], columns)
    changed = sentences.copy()
    changed.loc[changed.index[5], "text"] += " "
    assert table_key(changed, columns) != key
    moved = sentences.copy()
    moved.loc[moved.index[5], "start"] += 1
    assert table_key(moved, columns) != key
    assert table_key(sentences, columns[:-1]) != key


def test_target_mentions_from_the_cache_equal_the_computed_ones(seed_corpus, fresh_cache):
    targets = {"Venezuela": ["Venezuela", "Maduro"], "US": ["U.S.", re.compile(r"\bAmeric\w+")]}
    computed = target_mentions(seed_corpus.sentences, targets)
    assert "target-mentions" in {p.name for p in fresh_cache.iterdir()}
    assert len(computed) > 5 and set(computed["target"]) == {"Venezuela", "US"}
    assert_frame_equal(target_mentions(seed_corpus.sentences, targets), computed, check_exact=True)
    other = target_mentions(seed_corpus.sentences, {"US": ["U.S."]})  # other targets: not served
    assert set(other["target"]) == {"US"} and len(other) < len(computed)


def test_last_result_is_kept_for_the_same_object_only():
    class Source:
        pass

    kept, calls = LastResult(), []

    def compute():
        calls.append(1)
        return len(calls)

    first, second = Source(), Source()
    assert kept.get(first, compute) == kept.get(first, compute) == 1
    assert kept.get(second, compute) == 2  # another object: computed, and now the one kept
    assert kept.get(first, compute) == 3
    assert kept.get(7, compute) == kept.get(7, compute) - 1  # no weak reference: never kept
