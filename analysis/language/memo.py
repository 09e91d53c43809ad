"""Whole-corpus results of slow methods, kept in the analysis cache between processes.

Each report runs in a fresh kernel, so a result computed by one report (the actor mentions of
a corpus, its quotations, its topic model) is otherwise recomputed by the next. A result is
stored in the on-disk analysis cache (:class:`analysis.cache.ArticleCache`, the same store as
the per-article pass of :mod:`analysis.pipeline`) under

- a **key**: the SHA-256 of everything the result is computed from (the texts and offsets of
  the sentences, the parameters; :func:`inputs_key`), so another corpus, a filtered selection or
  a changed parameter is another entry;
- a **version**: the method's name and the SHA-256 of its source files and of the language data
  files (:func:`method_hash`), plus the versions of libraries whose numerics it uses, so a
  change to the method is never served from the cache (the idea of
  :mod:`analysis.explore.targets`).

A result is a set of named tables and a few JSON scalars. Each table is written as Parquet bytes
with its column dtypes and ``attrs`` recorded, and read back with the same dtypes, so a cached
result equals the computed one (the tests compare them). Nothing is executed on reading (no
pickle). A cache that cannot be read or written just means the result is computed again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from importlib import metadata
from typing import Any, Final

import filelock
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis import config
from analysis.cache import KEY_COLUMN, ArticleCache, release_memory, resolve_cache

__all__ = [
    "MEMO_VERSION",
    "LastResult",
    "cached_tables",
    "inputs_key",
    "library_versions",
    "method_hash",
    "read_tables",
    "records_key",
    "table_key",
    "write_tables",
]

#: Seconds a process waits for another that computes the same result before computing it.
COMPUTE_WAIT_SECONDS: Final = 1800.0
#: Layout version of the stored results (bump when :func:`write_tables` changes).
MEMO_VERSION: Final = "memo-1"


@functools.cache
def method_hash(files: tuple[str, ...]) -> str:
    """SHA-256 (first 16 hex digits) of the package files ``files`` (paths relative to the
    package, e.g. ``"language/topics.py"``) and of every file under ``data/language``."""
    digest = hashlib.sha256()
    paths = [config.PACKAGE_DIR / name for name in files]
    paths += sorted((config.DATA_DIR / "language").rglob("*"))
    for path in paths:
        if path.is_file():
            digest.update(path.relative_to(config.PACKAGE_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def library_versions(names: tuple[str, ...]) -> str:
    """``name=version`` of installed distributions, joined (``?`` when one is missing)."""
    parts = []
    for name in names:
        try:
            parts.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name}=?")
    return ",".join(parts)


class LastResult:
    """The result computed for one object, kept for the next call on the same object (by
    identity, weakly referenced: it is dropped with the object, or by a call on another one).

    In one process a report asks several functions for what one input gives (the TF-IDF of one
    count matrix, the similarities of those weights); this computes it once. An object that
    cannot be weakly referenced is computed each time.
    """

    def __init__(self) -> None:
        self._entry: tuple[weakref.ref, Any] | None = None

    def get(self, source: Any, compute: Callable[[], Any]) -> Any:
        """The kept result for ``source``, else ``compute()`` (then kept)."""
        entry = self._entry
        if entry is not None and entry[0]() is source:
            return entry[1]
        value = compute()
        try:
            self._entry = (weakref.ref(source), value)
        except TypeError:
            self._entry = None
        return value


def inputs_key(*parts: Any) -> str:
    """SHA-256 of ``parts``: a string as it is, an iterable (a list, a column) item by item as
    ``str`` (with the items' lengths in UTF-8 bytes, so no two inputs run together), anything
    else by ``repr``. A column of strings or integers is read from its Arrow buffers, not item
    by item (:func:`_string_items`): the same strings give the same key as a list of them.
    """
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, str):
            digest.update(b"s" + part.encode("utf-8", "surrogatepass"))
        elif isinstance(part, Iterable) and not isinstance(part, bytes | Mapping):
            lengths, data = _string_items(part)
            digest.update(b"l" + lengths.tobytes())
            digest.update(data)
        else:
            digest.update(b"r" + repr(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\x1e")
    return digest.hexdigest()


def _string_items(part: Iterable[Any]) -> tuple[np.ndarray, bytes | memoryview]:
    """The items of ``part`` as ``str``, encoded in UTF-8: their byte lengths (int64) and their
    concatenated bytes. A pandas column of strings or integers without missing values is
    converted by Arrow (integers to their decimal digits, as ``str`` writes them); at 1,000,000
    sentences this takes about 0.1 s where a list of Python strings took about 5 s."""
    strings = _arrow_strings(part)
    if strings is None:
        items = part.tolist() if isinstance(part, pd.Series | pd.Index) else list(part)
        if not all(isinstance(x, str) for x in items):
            items = [str(x) for x in items]
        try:
            strings = pa.array(items, type=pa.large_string())
        except (pa.ArrowException, UnicodeError):  # lone surrogates: Arrow holds only UTF-8
            encoded = [x.encode("utf-8", "surrogatepass") for x in items]
            lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
            return lengths, b"".join(encoded)
    offsets = np.frombuffer(
        strings.buffers()[1], dtype=np.int64, count=len(strings) + 1, offset=8 * strings.offset
    )
    data = strings.buffers()[2]
    view = memoryview(data)[offsets[0] : offsets[-1]] if data is not None else b""
    return np.diff(offsets), view


def _arrow_strings(part: Any) -> pa.LargeStringArray | None:
    """A pandas column of strings (Arrow-backed) or of integers, without missing values, as one
    Arrow ``large_string`` array; ``None`` for anything else."""
    if not isinstance(part, pd.Series | pd.Index) or part.hasnans:
        return None
    dtype = part.dtype
    arrow_strings = (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow") or (
        isinstance(dtype, pd.ArrowDtype)
        and (
            pa.types.is_string(dtype.pyarrow_dtype)
            or pa.types.is_large_string(dtype.pyarrow_dtype)
        )
    )
    if arrow_strings:
        column = pa.chunked_array(part.array.__arrow_array__())
    elif pd.api.types.is_integer_dtype(dtype) and not isinstance(dtype, pd.ArrowDtype):
        column = pa.chunked_array([pa.array(part.to_numpy())])
    else:
        return None
    if column.null_count:
        return None
    return column.cast(pa.large_string()).combine_chunks()


def table_key(frame: pd.DataFrame, columns: Sequence[str], *extra: Any) -> str:
    """:func:`inputs_key` of ``columns`` of ``frame`` in row order, and ``extra``, read from
    whole columns (integer columns as their int64 bytes): the key of a result computed from a
    table, without building its records first (:func:`records_key` needs them; at 2,500
    stories building them costs about 0.5 s, this about 0.05 s). A table with the same rows in
    another order has another key (the result is then computed again, never mixed up)."""
    digest = hashlib.sha256(inputs_key(*extra, [str(c) for c in columns], len(frame)).encode())
    for name in columns:
        column = frame[name]
        if pd.api.types.is_integer_dtype(column.dtype) and not column.isna().any():
            digest.update(b"i" + column.to_numpy(np.int64).tobytes())
        else:
            digest.update(b"v" + inputs_key(column).encode())
    return digest.hexdigest()


def records_key(stories: Iterable[tuple[str, list]], fields: Sequence[str], *extra: Any) -> str:
    """:func:`inputs_key` of stories of sentence records (as
    :func:`analysis.language.tables.sentences_by_story` gives): each story's id and number of
    records, each record's ``fields`` (``text`` as it is, the others by ``repr``), and
    ``extra``."""
    heads: list[str] = []
    columns: dict[str, list] = {f: [] for f in fields}
    for story_id, sents in stories:
        heads.append(f"{story_id!r}:{len(sents)}")
        if not sents:
            continue
        # the records are named tuples: transpose them, then take the fields by position
        transposed = list(zip(*sents, strict=True))
        for f in fields:
            columns[f].extend(transposed[sents[0]._fields.index(f)])
    values = [v if f == "text" else map(repr, v) for f, v in columns.items()]
    return inputs_key(*extra, heads, *values)


def _table_bytes(frame: pd.DataFrame) -> tuple[bytes, dict[str, Any]]:
    """Parquet bytes of a table with a default index, and what restores it exactly."""
    meta = {
        "columns": [str(c) for c in frame.columns],
        "dtypes": [str(t) for t in frame.dtypes],
        "attrs": frame.attrs,
    }
    buffer = io.BytesIO()
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    pq.write_table(table, buffer)
    return buffer.getvalue(), meta


def _table_from_bytes(data: bytes, meta: Mapping[str, Any]) -> pd.DataFrame:
    frame = pq.read_table(io.BytesIO(data)).to_pandas()
    frame = frame[list(meta["columns"])]
    for column, dtype in zip(meta["columns"], meta["dtypes"], strict=True):
        if str(frame[column].dtype) != dtype:
            frame[column] = frame[column].astype(dtype)
    frame.attrs = dict(meta["attrs"])
    return frame


def write_tables(
    store: ArticleCache,
    component: str,
    version: str,
    key: str,
    tables: Mapping[str, pd.DataFrame],
    scalars: Mapping[str, Any] | None = None,
) -> None:
    """Store named tables (each with a default index; ``attrs`` JSON-serialisable) and JSON
    ``scalars`` under ``key``. A table that cannot be stored leaves the cache unchanged."""
    rows = []
    try:
        for name, frame in tables.items():
            data, meta = _table_bytes(frame)
            rows.append((key, name, data, json.dumps(meta)))
        rows.append((key, "", b"", json.dumps(dict(scalars or {}))))
    except (pa.ArrowException, TypeError, ValueError):
        return
    frame = pd.DataFrame(rows, columns=[KEY_COLUMN, "name", "data", "meta"])
    store.store(component, f"{MEMO_VERSION}-{version}", frame, keys=[key])


def read_tables(
    store: ArticleCache, component: str, version: str, key: str
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]] | None:
    """The tables and scalars :func:`write_tables` stored under ``key``, or ``None``."""
    found, missing = store.load(component, f"{MEMO_VERSION}-{version}", [key])
    if found is None or missing or found.empty:
        return None
    tables: dict[str, pd.DataFrame] = {}
    scalars: dict[str, Any] = {}
    try:
        for name, data, meta in zip(found["name"], found["data"], found["meta"], strict=True):
            if name == "":
                scalars = json.loads(meta)
            else:
                tables[str(name)] = _table_from_bytes(bytes(data), json.loads(meta))
    except (pa.ArrowException, KeyError, TypeError, ValueError):
        return None
    del found
    release_memory()  # the stored bytes and their decoding (580 MB for a 25,000-story matrix)
    return tables, scalars


def cached_tables(
    component: str,
    version: str,
    key: str,
    compute: Callable[[], tuple[dict[str, pd.DataFrame], dict[str, Any]]],
    *,
    cache: bool | ArticleCache | None = True,
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """The tables and scalars of ``compute()``, read from the cache when stored under ``key``
    and ``version``, else computed and stored."""
    store = resolve_cache(cache)
    found = read_tables(store, component, version, key)
    if found is not None:
        return found
    with _computing(store, component, version, key):
        found = read_tables(store, component, version, key)  # done by another process meanwhile
        if found is not None:
            return found
        tables, scalars = compute()
        write_tables(store, component, version, key, tables, scalars)
    release_memory()  # what computing and storing them freed (0.4 GB after a topic model)
    return tables, scalars


@contextlib.contextmanager
def _computing(store: ArticleCache, component: str, version: str, key: str) -> Iterator[None]:
    """Held while one process computes the result of ``key``: reports run in kernels side by
    side, and the second to ask for a slow result (a corpus' actor mentions, its topic model)
    waits for the first to store it instead of computing it again at the same time.

    A lock file per key (``flock(2)`` through :mod:`filelock`, released by the system if the
    process dies). When it cannot be made or is not free within :data:`COMPUTE_WAIT_SECONDS`
    the result is computed without it: a stuck process never stops another's run.
    """
    if not store.enabled:
        yield
        return
    folder = store.root / "computing" / f"{component}-{MEMO_VERSION}-{version}"
    lock = filelock.FileLock(folder / f"{key[:40]}.lock", timeout=COMPUTE_WAIT_SECONDS)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except (OSError, filelock.Timeout):
        yield
        return
    try:
        yield
    finally:
        lock.release()
