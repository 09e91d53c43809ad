"""Tests of analysis.cache: content-keyed packs, missing vs empty, corrupt and partial entries,
concurrent runs on one folder, unwritable folders and file modes."""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import stat
import traceback
import warnings
import zlib
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from analysis import cache as cache_module
from analysis.cache import KEY_COLUMN, ArticleCache, CacheWarning, content_key


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


def test_packs_whose_column_types_differ_are_merged(tmp_path, monkeypatch):
    """A column that is all missing in one pack (Arrow type null) and text in another merges
    into one text column, whichever pack comes first: no warning, no value lost."""
    monkeypatch.setattr(cache_module, "MAX_PACKS", 3)
    store = ArticleCache(tmp_path)
    values = {f"k{i}": (None if i % 2 == 0 else f"text {i}") for i in range(12)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for key, value in values.items():
            frame = pd.DataFrame({KEY_COLUMN: [key], "label": [value], "n": [len(key)]})
            store.store("c", "v1", frame, keys=[key])
        assert len(list(tmp_path.rglob("pack-*.parquet"))) <= 3
        found, missing = store.load("c", "v1", list(values))
    assert not missing
    got = dict(zip(found[KEY_COLUMN], found["label"], strict=True))
    assert {k: (None if pd.isna(v) else v) for k, v in got.items()} == values


def test_disabled_cache_stores_nothing(tmp_path):
    store = ArticleCache(tmp_path, enabled=False)
    store.store("c", "v1", _frame([("a", 1)]), keys=["a"])
    assert store.load("c", "v1", ["a"]) == (None, {"a"})
    assert not list(tmp_path.iterdir())


def test_content_key_depends_on_text_only():
    assert content_key("Same text.") == content_key("Same text.")
    assert content_key("Same text.") != content_key("Same text!")


# --------------------------------------------------------------------------- concurrency


def _expected_x(key: str) -> list[int]:
    """Rows the concurrency tests store for ``key``: ``...-<n>`` has n rows (0, 1 or 2)."""
    base = zlib.crc32(key.encode())
    return [base + r for r in range(int(key.rsplit("-", 1)[1]))]


def _pack_frame(keys: list[str]) -> pd.DataFrame:
    return _frame([(k, x) for k in keys for x in _expected_x(k)])


def _wrong_rows(found: pd.DataFrame | None, keys: set[str]) -> list[str]:
    """Problems with ``found`` as the rows of exactly ``keys`` (empty list: all right)."""
    got: dict[str, list[int]] = {}
    if found is not None:
        for key, x in zip(found["_key"], found["x"], strict=True):
            got.setdefault(key, []).append(int(x))
    problems = [f"rows for a key not asked for: {k}" for k in sorted(set(got) - keys)]
    for key in sorted(keys):
        if sorted(got.get(key, [])) != _expected_x(key):
            problems.append(f"{key}: expected {_expected_x(key)}, got {got.get(key)}")
    return problems


def _keys(prefix: str, n_packs: int) -> list[list[str]]:
    return [[f"{prefix}-{i}-{n}" for n in range(3)] for i in range(n_packs)]


def _store_and_load_concurrently(
    root: str, proc: int, n_packs: int, n_procs: int, barrier: Any, report: str
) -> None:
    """One of several processes: store packs (reading back after each), then read all keys."""
    problems: list[str] = []
    warnings.simplefilter("error", CacheWarning)  # a concurrent run must not look corrupt
    store = ArticleCache(root)
    try:
        barrier.wait(timeout=120)
        stored: list[str] = []
        for keys in _keys(f"p{proc}", n_packs):
            store.store("c", "v1", _pack_frame(keys), keys=keys)
            stored += keys
            found, missing = store.load("c", "v1", stored)  # while others merge packs
            problems += _wrong_rows(found, set(stored) - missing)
    except BaseException:  # noqa: BLE001 - reported to the test
        problems.append(traceback.format_exc())
    try:
        barrier.wait(timeout=300)
        everything = {k for keys in _keys("pre", cache_module.MAX_PACKS) for k in keys}
        for other in range(n_procs):
            everything |= {k for keys in _keys(f"p{other}", n_packs) for k in keys}
        found, missing = store.load("c", "v1", everything)
        if missing:
            problems.append(f"{len(missing)} keys missing, e.g. {sorted(missing)[:3]}")
        problems += _wrong_rows(found, everything - missing)
    except BaseException:  # noqa: BLE001 - reported to the test
        problems.append(traceback.format_exc())
    Path(report).write_text("\n".join(problems))


def test_concurrent_processes_store_and_load_a_full_folder(tmp_path):
    """Six processes store into (and merge) one folder pre-filled to MAX_PACKS packs, reading
    back as they go: none fails, none sees a corrupt pack, every key reads back its rows."""
    root = tmp_path / "cache"
    store = ArticleCache(root)
    for keys in _keys("pre", cache_module.MAX_PACKS):
        store.store("c", "v1", _pack_frame(keys), keys=keys)
    assert len(list(root.rglob("pack-*.parquet"))) == cache_module.MAX_PACKS
    n_procs, n_packs = 6, 12
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    barrier = context.Barrier(n_procs)
    reports = [tmp_path / f"report-{p}.txt" for p in range(n_procs)]
    processes = [
        context.Process(
            target=_store_and_load_concurrently,
            args=(str(root), p, n_packs, n_procs, barrier, str(reports[p])),
        )
        for p in range(n_procs)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=600)
    assert [p.exitcode for p in processes] == [0] * n_procs
    problems = {p: r.read_text() for p, r in enumerate(reports) if r.read_text()}
    assert not problems, "\n".join(f"process {p}:\n{text}" for p, text in problems.items())
    everything = {k for keys in _keys("pre", cache_module.MAX_PACKS) for k in keys}
    for p in range(n_procs):
        everything |= {k for keys in _keys(f"p{p}", n_packs) for k in keys}
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)
        found, missing = ArticleCache(root).load("c", "v1", everything)
    assert not missing and _wrong_rows(found, everything) == []
    assert len(list(root.rglob("pack-*.parquet"))) <= cache_module.MAX_PACKS
    assert not list(root.rglob("*.tmp"))


def test_pack_merged_away_between_listing_and_reading_is_found_again(tmp_path, monkeypatch):
    """A reader that lists a pack which another process then merges and deletes reads the
    merged pack instead: no warning, no miss, the right rows."""
    monkeypatch.setattr(cache_module, "MAX_PACKS", 3)
    reader, writer = ArticleCache(tmp_path), ArticleCache(tmp_path)
    batches = _keys("k", 4)
    for keys in batches[:3]:
        writer.store("c", "v1", _pack_frame(keys), keys=keys)
    real_open = cache_module._open_pack
    calls: list[Path] = []

    def open_after_a_merge(path: Path) -> Any:
        calls.append(path)
        if len(calls) == 1:  # a fourth pack makes the writer merge all four, deleting the three
            writer.store("c", "v1", _pack_frame(batches[3]), keys=batches[3])
        return real_open(path)

    monkeypatch.setattr(cache_module, "_open_pack", open_after_a_merge)
    wanted = {k for keys in batches[:3] for k in keys}
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)
        found, missing = reader.load("c", "v1", wanted)
    assert not missing and _wrong_rows(found, wanted) == []
    assert not calls[0].exists()  # the reader did open a pack that had been merged away
    assert len(list(tmp_path.rglob("pack-*.parquet"))) == 1


def test_packs_with_equal_rows_but_different_keys_are_both_kept(tmp_path):
    """Two runs that found nothing for different articles write identical Parquet bytes: both
    key lists must survive (the pack name covers the keys, not only the bytes)."""
    store = ArticleCache(tmp_path)
    store.store("c", "v1", _frame([]), keys=["a"])
    store.store("c", "v1", _frame([]), keys=["b"])
    assert store.load("c", "v1", ["a", "b"])[1] == set()


# --------------------------------------------------------------------------- faults


def _cache_warnings(record: Any) -> list[str]:
    return [str(w.message) for w in record if issubclass(w.category, CacheWarning)]


def test_folder_under_a_regular_file_warns_once_and_runs_without_cache(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file")
    store = ArticleCache(blocker / "cache")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        store.store("c", "v1", _frame([("a", 1)]), keys=["a"])
        store.store("c", "v1", _frame([("b", 2)]), keys=["b"])
        assert store.load("c", "v1", ["a", "b"]) == (None, {"a", "b"})
    messages = _cache_warnings(record)
    assert len(messages) == 1
    assert str(blocker / "cache") in messages[0] and "without the cache" in messages[0]
    assert blocker.read_text() == "a regular file"


def test_permission_error_on_write_warns_once_and_disables_the_cache(tmp_path, monkeypatch):
    real_open = os.open

    def denied(path: Any, *args: Any, **kwargs: Any) -> int:
        if str(path).startswith(str(tmp_path)):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    store = ArticleCache(tmp_path)
    monkeypatch.setattr(os, "open", denied)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        store.store("c", "v1", _frame([("a", 1)]), keys=["a"])
        store.store("c", "v1", _frame([("b", 2)]), keys=["b"])
        assert store.load("c", "v1", ["a"]) == (None, {"a"})
    messages = _cache_warnings(record)
    assert len(messages) == 1
    assert "Permission denied" in messages[0] and "without the cache" in messages[0]
    assert str(tmp_path) in messages[0]
    assert not store.enabled


@pytest.mark.parametrize(
    "manifest",
    [
        "[]",
        "null",
        '"x"',
        "3",
        '{"sha256": "SHA", "keys": "a"}',
        '{"sha256": "SHA", "keys": ["a", 1]}',
        '{"sha256": 42, "keys": ["a"]}',
        '{"keys": ["a"]}',
    ],
    ids=["list", "null", "string", "number", "keys-str", "keys-int", "sha-int", "no-sha"],
)
def test_manifest_of_the_wrong_shape_is_discarded_and_rebuilt(tmp_path, manifest):
    store = ArticleCache(tmp_path)
    store.store("c", "v1", _frame([("a", 1)]), keys=["a"])
    path = next(tmp_path.rglob("pack-*.json"))
    sha = json.loads(path.read_text())["sha256"]
    path.write_text(manifest.replace("SHA", sha))
    with pytest.warns(CacheWarning, match="manifest"):
        assert store.load("c", "v1", ["a"]) == (None, {"a"})
    assert not list(tmp_path.rglob("pack-*"))
    store.store("c", "v1", _frame([("a", 1)]), keys=["a"])  # the next run rebuilds it
    found, missing = store.load("c", "v1", ["a"])
    assert found["x"].tolist() == [1] and not missing


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_cache_files_get_the_default_mode_of_the_umask(tmp_path, umask):
    previous = os.umask(umask)
    try:
        store = ArticleCache(tmp_path)
        store.store("c", "v1", _frame([("a", 1)]), keys=["a"])
    finally:
        os.umask(previous)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".parquet" for p in files) and any(p.suffix == ".json" for p in files)
    assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {
        p.name: oct(0o666 & ~umask) for p in files
    }


def test_missing_reads_manifests_and_load_reads_only_the_columns_asked(tmp_path):
    store = ArticleCache(tmp_path)
    frame = _frame([("a", 1), ("b", 2), ("b", 3)]).assign(text=["x", "y", "z"])
    store.store("c", "v1", frame, keys=["a", "b", "empty"])
    assert store.missing("c", "v1", ["a", "b", "empty", "new"]) == {"new"}
    found, missing = store.load("c", "v1", ["b", "new"], columns=["x"])
    assert list(found.columns) == ["_key", "x"]
    assert found["x"].tolist() == [2, 3] and missing == {"new"}


def test_missing_discards_a_corrupt_pack(tmp_path):
    store = ArticleCache(tmp_path)
    store.store("c", "v1", _frame([("a", 1)]), keys=["a"])
    pack = next(tmp_path.rglob("pack-*.parquet"))
    data = bytearray(pack.read_bytes())
    data[len(data) // 2] ^= 0xFF
    pack.write_bytes(bytes(data))
    with pytest.warns(CacheWarning, match="checksum mismatch"):
        assert store.missing("c", "v1", ["a"]) == {"a"}
    assert not pack.exists()


def test_merge_streams_packs_into_row_groups_and_keeps_each_key_once(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "MAX_PACKS", 2)
    store = ArticleCache(tmp_path)
    store.store("c", "v1", _frame([("a", 1), ("b", 2)]), keys=["a", "b"])
    store.store("c", "v1", _frame([("b", 20), ("c", 3)]), keys=["b", "c"])
    store.store("c", "v1", _frame([("d", 4)]), keys=["d", "e"])  # a third pack: merged
    packs = list(tmp_path.rglob("pack-*.parquet"))
    assert len(packs) == 1
    import pyarrow.parquet as pq

    assert pq.ParquetFile(packs[0]).num_row_groups == 3  # one per merged pack
    found, missing = store.load("c", "v1", ["a", "b", "c", "d", "e"])
    rows = sorted(zip(found["_key"], found["x"], strict=True))
    assert missing == set()
    assert len(rows) == 4 and ("a", 1) in rows and ("d", 4) in rows
    assert [r for r in rows if r[0] == "b"] in ([("b", 2)], [("b", 20)])  # one pack's rows
    wanted = {"a", "b", "c", "d", "e", "absent"}
    parts = list(store.load_packs("c", "v1", wanted, row_groups=True))  # a row group at a time
    groups = sorted(sorted(p["_key"]) for p in parts)  # in pack-name order: compared sorted
    assert groups in ([["a", "b"], ["c"], ["d"]], [["a"], ["b", "c"], ["d"]])
    assert wanted == {"absent"}
    assert sorted(zip(pd.concat(parts)["_key"], pd.concat(parts)["x"], strict=True)) == rows
    store.store("c", "v1", _frame([]), keys=["f"])  # a pack of keys without rows
    for row_groups in (False, True):
        (empty,) = store.load_packs("c", "v1", {"f"}, row_groups=row_groups)
        assert empty.empty and list(empty.columns) == ["_key", "x"]
    (whole,) = store.load_packs("c", "v1", {"a", "d"})  # by default a pack at a time
    assert sorted(whole["_key"]) == ["a", "d"]


def test_load_can_leave_out_columns(tmp_path):
    store = ArticleCache(tmp_path)
    frame = _frame([("a", 1), ("b", 2)]).assign(text=["x", "y"], raw=["X", "Y"])
    store.store("c", "v1", frame, keys=["a", "b"])
    found, _ = store.load("c", "v1", ["a", "b"], exclude=["raw", "_key"])
    assert list(found.columns) == ["_key", "x", "text"]  # the key is always read
    found, _ = store.load("c", "v1", ["b"], columns=["x", "raw"], exclude=["raw"])
    assert list(found.columns) == ["_key", "x"] and found["x"].tolist() == [2]
