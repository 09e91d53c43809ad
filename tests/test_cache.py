"""Tests of analysis.cache: content-keyed packs, missing vs empty, corrupt and partial entries."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import cache as cache_module
from analysis.cache import ArticleCache, CacheWarning, content_key


def _frame(keys_values):
    return pd.DataFrame({"_key": [k for k, _ in keys_values], "x": [v for _, v in keys_values]})


def test_store_then_load_separates_found_missing_and_empty(tmp_path):
    store = ArticleCache(tmp_path)
    store.store("c", "v1", _frame([("a", 1), ("a", 2), ("b", 3)]), keys=["a", "b", "empty"])
    found, missing = store.load("c", "v1", ["a", "empty", "new"])
    assert found["x"].tolist() == [1, 2]
    assert missing == {"new"}  # "empty" was computed and had no rows: not missing


def test_versions_and_components_are_separate(tmp_path):
    store = ArticleCache(tmp_path)
    store.store("c", "v1", _frame([("a", 1)]), keys=["a"])
    assert store.load("c", "v2", ["a"]) == (None, {"a"})
    assert store.load("other", "v1", ["a"]) == (None, {"a"})


def test_corrupt_pack_is_discarded_and_reported(tmp_path):
    store = ArticleCache(tmp_path)
    store.store("c", "v1", _frame([("a", 1)]), keys=["a"])
    pack = next(tmp_path.rglob("pack-*.parquet"))
    pack.write_bytes(pack.read_bytes()[:-20] + b"corrupted bytes here")
    with pytest.warns(CacheWarning, match="checksum mismatch"):
        found, missing = store.load("c", "v1", ["a"])
    assert found is None and missing == {"a"}
    assert not list(tmp_path.rglob("pack-*"))


def test_partial_write_without_manifest_is_never_returned(tmp_path):
    store = ArticleCache(tmp_path)
    store.store("c", "v1", _frame([("a", 1)]), keys=["a"])
    next(tmp_path.rglob("pack-*.json")).unlink()
    with pytest.warns(CacheWarning):
        assert store.load("c", "v1", ["a"]) == (None, {"a"})


def test_manifest_that_is_not_json(tmp_path):
    store = ArticleCache(tmp_path)
    store.store("c", "v1", _frame([("a", 1)]), keys=["a"])
    next(tmp_path.rglob("pack-*.json")).write_text("{not json")
    with pytest.warns(CacheWarning):
        assert store.load("c", "v1", ["a"])[1] == {"a"}


def test_many_packs_are_merged(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "MAX_PACKS", 3)
    store = ArticleCache(tmp_path)
    for i in range(5):
        store.store("c", "v1", _frame([(f"k{i}", i)]), keys=[f"k{i}"])
    assert len(list(tmp_path.rglob("pack-*.parquet"))) <= 3
    found, missing = store.load("c", "v1", [f"k{i}" for i in range(5)])
    assert sorted(found["x"]) == [0, 1, 2, 3, 4] and not missing
    manifests = [json.loads(p.read_text()) for p in tmp_path.rglob("pack-*.json")]
    assert sorted(k for m in manifests for k in m["keys"]) == [f"k{i}" for i in range(5)]


def test_disabled_cache_stores_nothing(tmp_path):
    store = ArticleCache(tmp_path, enabled=False)
    store.store("c", "v1", _frame([("a", 1)]), keys=["a"])
    assert store.load("c", "v1", ["a"]) == (None, {"a"})
    assert not list(tmp_path.iterdir())


def test_content_key_depends_on_text_only():
    assert content_key("Same text.") == content_key("Same text.")
    assert content_key("Same text.") != content_key("Same text!")
