"""A content-keyed, on-disk cache of per-article results, stored as Parquet.

Every article-level result (sentences, sentence scores, frame hits, term counts) is stored under a
**key** made of the article's normalised text and the **version** of the method that produced it
(see :func:`content_key`). The version string names the method, its parameters and, for frames,
the codebook's content hash, so a changed codebook misses only the frame entries and a changed
text misses only that article.

Storage: for each ``(component, version)`` a folder of *packs*. A pack is one Parquet file holding
the rows of many articles (column ``_key`` says which) and a JSON manifest beside it: an object
``{"sha256": str, "rows": int, "keys": [str, ...]}`` listing every key the pack covers (also keys
with zero rows, so "computed, nothing found" differs from "not computed") and the SHA-256 of the
Parquet bytes. A pack is named after the SHA-256 of its bytes *and* its keys. A run that computes
new articles writes one new pack; reading a warm cache reads a few large files instead of
thousands of small ones. When a folder holds more than :data:`MAX_PACKS` packs they are merged
into one.

Concurrency: several processes (runs, colleagues, notebook kernels) may share one cache. Each
folder has a lock file ``.lock``, taken with :class:`filelock.FileLock` (``flock(2)`` on POSIX,
``LockFileEx`` on Windows; the operating system releases it when a holder dies). The rules:

1. A pack is written to temporary files *without* the lock, then both are renamed into place
   *under* the lock, manifest last. So under the lock a pack is either complete or absent, and a
   Parquet file without its manifest is debris of a crashed run.
2. Listing a folder, deleting corrupt packs and merging (compaction) happen only under the lock;
   a merge writes the merged pack first and only then deletes what it replaced.
3. Readers list under the lock and read the Parquet bytes *after* releasing it, from one open
   handle, checking the bytes against the manifest's SHA-256 before using them. A pack deleted by
   a merge between listing and opening is not an error: the reader lists again (the merged pack
   holds the same rows), up to :data:`READ_ATTEMPTS` times, then treats what is left as missing.
   A handle opened before the delete still reads the complete old file (POSIX keeps an unlinked
   file alive while it is open; on Windows the delete fails and the duplicate pack is merged
   again later). Rows are therefore never wrong and a concurrent merge never crashes a run.

Integrity: a pack whose manifest is missing, is not an object of the shape above, or whose bytes
do not match the recorded SHA-256 (a partial or corrupt write) is reported with a
:class:`CacheWarning`, deleted, and its keys are treated as missing, so they are recomputed and
never returned.

Faults: a cache that cannot be written (a read-only or full disk, a path under a regular file, a
lock that cannot be created or taken within :data:`LOCK_TIMEOUT` seconds) does not stop the run:
the instance warns once with a :class:`CacheWarning` naming the folder and the reason, sets
``enabled`` to ``False``, and the run goes on computing everything without the cache. A pack this
process may not read (another user's private file) is skipped with a warning, not deleted.

Files are created like :func:`open` creates them, with mode ``0o666`` filtered through the umask
(and folders ``0o777``), so with a group-friendly umask (``002``) colleagues sharing a cache can
read and replace each other's packs.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import secrets
import sys
import time
import warnings
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import filelock
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis import config

__all__ = ["ArticleCache", "CacheWarning", "content_key", "release_memory", "resolve_cache"]

KEY_COLUMN = "_key"
#: Packs per (component, version) folder before they are merged into one.
MAX_PACKS = 16
#: Seconds to wait for a folder's lock before running without the cache.
LOCK_TIMEOUT = 600.0
#: Listings a read makes when packs it listed are merged away before it opens them.
READ_ATTEMPTS = 5
#: Temporary files older than this (seconds) are debris of a killed run; merges delete them.
STALE_TEMP_SECONDS = 3600.0
#: Name of the lock file in each (component, version) folder.
LOCK_NAME = ".lock"


class CacheWarning(UserWarning):
    """A cache pack was corrupt, partial or unreadable (it will be recomputed), or the cache
    cannot be written (the run goes on without it)."""


def content_key(text: str) -> str:
    """SHA-256 of an article's normalised text (the article part of every cache key).

    >>> content_key("abc")[:12]
    'ba7816bf8f01'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def release_memory() -> None:
    """Give memory freed by a large step back to the operating system.

    Arrow's pool keeps freed blocks for reuse (``release_unused``), and glibc's ``malloc``
    keeps freed heap pages of the interpreter (``malloc_trim(0)``, called through
    :mod:`ctypes` where the C library has it); without both, the resident memory after
    building a large corpus stays at its peak. Best effort: does nothing where unavailable.
    """
    with contextlib.suppress(Exception):
        pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        with contextlib.suppress(Exception):
            trim(0)


@functools.cache
def _malloc_trim() -> Any:
    """glibc's ``malloc_trim``, or ``None`` (another C library or platform)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


class _Vanished(Exception):
    """A listed pack was deleted (merged away) before it could be opened."""


def _open_pack(path: Path) -> IO[bytes]:
    """Open a pack's Parquet file for reading (one handle: hashed, then parsed)."""
    return path.open("rb")


def _parse_manifest(text: str) -> dict[str, Any]:
    """A manifest's JSON, checked to be ``{"sha256": str, "keys": [str, ...], ...}``.

    Raises:
        ValueError: not JSON, or JSON of another shape (the message says which part).
    """
    manifest = json.loads(text)
    if not isinstance(manifest, dict):
        raise ValueError(f"manifest is a JSON {type(manifest).__name__}, expected an object")
    if not isinstance(manifest.get("sha256"), str):
        raise ValueError(f"manifest sha256 is {manifest.get('sha256')!r}, expected a string")
    keys = manifest.get("keys")
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise ValueError("manifest keys are not a list of strings")
    return manifest


def _read_rows(
    handle: IO[bytes],
    manifest: dict[str, Any],
    columns: Sequence[str] | None,
    keys: set[str] | None,
    exclude: Sequence[str] = (),
    dictionary: Sequence[str] = (),
) -> pa.Table:
    """The rows of a pack file (``columns`` and ``_key`` only, when given; never those in
    ``exclude``; those in ``dictionary`` dictionary-encoded), keeping only those of ``keys``
    when the pack covers more; read one row group at a time."""
    parquet = pq.ParquetFile(handle, read_dictionary=list(dictionary) or None)
    names = parquet.schema_arrow.names
    wanted = None
    if columns is not None:
        wanted = [c for c in dict.fromkeys([KEY_COLUMN, *columns]) if c in names]
    if exclude:
        wanted = [c for c in (wanted or names) if c == KEY_COLUMN or c not in exclude]
    subset = keys is not None and len(keys) < len(manifest["keys"])
    key_array = pa.array(sorted(keys or ()), type=pa.string()) if subset else None
    parts = []
    for group in range(parquet.num_row_groups):
        part = parquet.read_row_group(group, columns=wanted)
        if key_array is not None and KEY_COLUMN in part.column_names:
            column = part[KEY_COLUMN]
            if pa.types.is_dictionary(column.type):
                column = column.cast(column.type.value_type)
            values = key_array.cast(column.type)
            part = part.filter(pc.is_in(column, value_set=values))
        parts.append(part)
    if not parts:
        return parquet.schema_arrow.empty_table().select(wanted or names)
    return pa.concat_tables(parts) if len(parts) > 1 else parts[0]


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _parquet_rows(path: Path) -> int:
    """Rows of a Parquet file, from its footer."""
    return pq.ParquetFile(path).metadata.num_rows


def _write_new_file(folder: Path, prefix: str, payload: Any) -> Path:
    """Write ``payload`` (bytes-like, or a function given the open binary file) to a new
    temporary file in ``folder``.

    The file is created with ``os.open(..., 0o666)`` so the umask applies, as with :func:`open`
    (:func:`tempfile.mkstemp` would make it ``0o600``, unreadable to colleagues).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        path = folder / f".{prefix}-{secrets.token_hex(8)}.tmp"
        try:
            fd = os.open(path, flags, 0o666)
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "wb") as handle:
                if callable(payload):
                    payload(handle)
                else:
                    handle.write(payload)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with ``schema``'s columns in its order and types; absent columns all null."""
    if table.schema.equals(schema):
        return table
    columns = [
        table[field.name].cast(field.type)
        if field.name in table.column_names
        else pa.nulls(table.num_rows, field.type)
        for field in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)


class ArticleCache:
    """Per-article results on disk, keyed by content and method version.

    Safe to share between processes and users (see the module docstring for the locking rules).

    Args:
        root: cache folder (default :func:`analysis.config.cache_dir`).
        enabled: ``False`` makes every lookup miss and every store a no-op. Set to ``False`` by
            the instance itself when the cache turns out not to be writable.

    >>> import tempfile, pandas as pd
    >>> cache = ArticleCache(tempfile.mkdtemp())
    >>> cache.store("demo", "v1", pd.DataFrame({"_key": ["k1"], "x": [1]}), keys=["k1", "k2"])
    >>> found, missing = cache.load("demo", "v1", ["k1", "k2", "k3"])
    >>> found["x"].tolist(), sorted(missing)
    ([1], ['k3'])
    """

    def __init__(self, root: str | Path | None = None, *, enabled: bool = True) -> None:
        self.root = Path(root) if root is not None else config.cache_dir()
        self.enabled = enabled
        self._locks: dict[Path, filelock.BaseFileLock] = {}

    def _folder(self, component: str, version: str) -> Path:
        return self.root / _safe(component) / _safe(version)

    def _lock(self, folder: Path) -> filelock.BaseFileLock:
        """The folder's inter-process lock (reentrant within a thread)."""
        lock = self._locks.get(folder)
        if lock is None:
            lock = self._locks[folder] = filelock.FileLock(
                folder / LOCK_NAME, timeout=LOCK_TIMEOUT
            )
        return lock

    def _fault(self, folder: Path, exc: BaseException) -> None:
        """Turn this instance off after a write fault, warning once."""
        if not self.enabled:
            return
        self.enabled = False
        if isinstance(exc, filelock.Timeout):
            reason = f"waited {LOCK_TIMEOUT:g} s for its lock {exc.lock_file}"
        else:
            reason = f"{type(exc).__name__}: {exc}"
        warnings.warn(
            f"cannot use the analysis cache folder {folder} ({reason}); the run goes on without "
            "the cache (nothing more is read from or written to it)",
            CacheWarning,
            stacklevel=3,
        )

    def _discard(self, data: Path, reason: str) -> None:
        """Warn about and delete a corrupt pack (call with the folder's lock held)."""
        warnings.warn(
            f"discarding cache pack {data} ({reason}); its articles will be recomputed",
            CacheWarning,
            stacklevel=4,
        )
        for path in (data.with_suffix(".json"), data):
            with contextlib.suppress(OSError):  # e.g. not ours to delete: it stays skipped
                path.unlink(missing_ok=True)

    def _list_locked(self, folder: Path) -> list[tuple[Path, dict[str, Any]]]:
        """Packs of a folder with their manifests (call with the lock held).

        Corrupt packs are discarded; packs this process may not read are skipped.
        """
        packs: list[tuple[Path, dict[str, Any]]] = []
        files = {p.name for p in folder.glob("pack-*")}
        for name in sorted(files):
            if not name.endswith(".parquet"):
                if name.endswith(".json") and name[: -len(".json")] + ".parquet" not in files:
                    with contextlib.suppress(OSError):  # left by a merge killed mid-way
                        (folder / name).unlink(missing_ok=True)
                continue
            data = folder / name
            manifest_path = data.with_suffix(".json")
            try:
                manifest = _parse_manifest(manifest_path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                self._discard(data, "its manifest is missing: a partial write")
                continue
            except (ValueError, UnicodeDecodeError) as exc:
                self._discard(data, f"unusable manifest: {exc}")
                continue
            except OSError as exc:
                warnings.warn(
                    f"skipping unreadable cache manifest {manifest_path} ({exc})",
                    CacheWarning,
                    stacklevel=4,
                )
                continue
            packs.append((data, manifest))
        return packs

    def _read_pack(
        self,
        data: Path,
        manifest: dict[str, Any],
        *,
        columns: Sequence[str] | None = None,
        exclude: Sequence[str] = (),
        keys: set[str] | None = None,
        arrow: bool = False,
        dictionary: Sequence[str] = (),
    ) -> Any:
        """A pack's rows, checked against its manifest; ``None`` if corrupt or unreadable.

        A DataFrame, or with ``arrow=True`` an Arrow table.

        Only ``columns`` (and ``_key``) are read when given, never those in ``exclude``; only
        the rows of ``keys`` are kept when they are fewer than the pack's. Columns in
        ``dictionary`` are read dictionary-encoded (categories in pandas).

        Raises:
            _Vanished: the pack was deleted (merged away) after it was listed.
        """
        try:
            with _open_pack(data) as handle:  # one handle: the bytes hashed are those parsed
                digest = hashlib.sha256()
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
                if digest.hexdigest() != manifest["sha256"]:
                    raise ValueError("checksum mismatch")
                handle.seek(0)
                table = _read_rows(handle, manifest, columns, keys, exclude, dictionary)
            if KEY_COLUMN not in table.column_names:
                raise ValueError(f"no {KEY_COLUMN!r} column")
            frame = table if arrow else table.to_pandas()
            del table
        except FileNotFoundError as exc:
            raise _Vanished(str(data)) from exc
        except PermissionError as exc:
            warnings.warn(
                f"skipping unreadable cache pack {data} ({exc}); its articles will be recomputed",
                CacheWarning,
                stacklevel=4,
            )
            return None
        except (OSError, ValueError, pa.ArrowException) as exc:
            with contextlib.suppress(OSError), self._lock(data.parent):
                if data.exists():  # the file listed: a name stands for one content
                    self._discard(data, str(exc))
            return None
        return frame

    def missing(
        self, component: str, version: str, keys: Iterable[str], *, verify: bool = True
    ) -> set[str]:
        """The keys of ``keys`` that no pack covers, without reading any rows.

        With ``verify`` each pack that covers a wanted key has its bytes checked against its
        manifest's SHA-256 (read in blocks, not parsed): a corrupt pack is discarded with a
        :class:`CacheWarning` and its keys count as missing, as in :meth:`load`.
        """
        wanted = set(keys)
        if not self.enabled or not wanted:
            return wanted
        folder = self._folder(component, version)
        if not folder.is_dir():
            return wanted
        try:
            with self._lock(folder):
                packs = self._list_locked(folder)
        except OSError as exc:  # the lock file cannot be created, or a timeout
            self._fault(folder, exc)
            return wanted
        for data, manifest in packs:
            if not wanted.intersection(manifest["keys"]):
                continue
            if verify and not self._intact(data, manifest):
                continue
            wanted.difference_update(manifest["keys"])
            if not wanted:
                break
        return wanted

    def _intact(self, data: Path, manifest: dict[str, Any]) -> bool:
        """Whether a pack's bytes match its manifest; a corrupt pack is discarded."""
        try:
            sha = _file_sha256(data)
        except FileNotFoundError:  # merged away meanwhile: the merged pack is listed next time
            return False
        except OSError:
            return False
        if sha == manifest["sha256"]:
            return True
        with contextlib.suppress(OSError), self._lock(data.parent):
            if data.exists():
                self._discard(data, "checksum mismatch")
        return False

    def load(
        self,
        component: str,
        version: str,
        keys: Iterable[str],
        *,
        columns: Sequence[str] | None = None,
        exclude: Sequence[str] = (),
    ) -> tuple[pd.DataFrame | None, set[str]]:
        """Rows cached for ``keys`` (with the ``_key`` column) and the keys that are missing.

        ``columns`` reads only those columns (and ``_key``) of each pack, ``exclude`` all but
        those (a large text column a caller does not need), and packs are read
        one at a time with their rows for other keys dropped, so the memory used is about that
        of the rows returned plus one pack. Returns ``(None, all keys)`` when nothing is cached.
        """
        wanted = set(keys)
        frames = list(
            self.load_packs(component, version, wanted, columns=columns, exclude=exclude)
        )
        if not frames:
            return None, wanted
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        return frame.reset_index(drop=True), wanted

    def load_packs(
        self,
        component: str,
        version: str,
        wanted: set[str],
        *,
        columns: Sequence[str] | None = None,
        exclude: Sequence[str] = (),
        dictionary: Sequence[str] = (),
        row_groups: bool = False,
    ) -> Iterator[pd.DataFrame]:
        """The rows cached for the keys of ``wanted``, one pack at a time (see :meth:`load`);
        the keys found are removed from ``wanted``, so it ends as the keys that are missing.
        Columns in ``dictionary`` are read as categories (a repeated text held once).

        With ``row_groups`` a pack is read and checked whole, in Arrow, and handed out a row
        group at a time: a merged pack has one row group per pack it replaced, and its 8
        million rows of term counts at 25,000 articles took 0.5 GB more as one table in pandas.
        (Not for tables that are concatenated again: their text columns would be made of many
        Arrow chunks, and taking rows by position from them is many times slower.)"""
        if not self.enabled or not wanted:
            return
        folder = self._folder(component, version)
        for _attempt in range(READ_ATTEMPTS):
            if not folder.is_dir():
                return
            try:
                with self._lock(folder):
                    packs = self._list_locked(folder)
            except OSError as exc:  # the lock file cannot be created, or a timeout
                self._fault(folder, exc)
                return
            vanished = False
            for data, manifest in packs:
                covered = wanted.intersection(manifest["keys"])
                if not covered:
                    continue
                try:
                    table = self._read_pack(
                        data,
                        manifest,
                        columns=columns,
                        exclude=exclude,
                        keys=covered,
                        arrow=row_groups,
                        dictionary=dictionary,
                    )
                except _Vanished:
                    vanished = True
                    continue
                if table is None:
                    continue
                wanted -= covered
                if not row_groups:
                    yield table
                    continue
                batches = [b for b in table.to_batches() if b.num_rows]
                if not batches:  # no rows: the empty table, with its columns
                    yield table.to_pandas()
                    continue
                del table
                while batches:
                    yield batches.pop(0).to_pandas()
            if not vanished or not wanted:
                return

    def store(
        self, component: str, version: str, frame: pd.DataFrame, *, keys: Iterable[str]
    ) -> None:
        """Store rows of many articles as one pack; ``keys`` lists every article computed.

        ``frame`` must hold the ``_key`` column; keys without rows are recorded as empty results.
        A cache that cannot be written warns once and disables itself (see the module docstring).

        Raises:
            ValueError: ``frame`` has no ``_key`` column.
        """
        keys = sorted(set(keys))
        if not self.enabled or not keys:
            return
        if KEY_COLUMN not in frame.columns:
            raise ValueError(
                f"cache frames need a {KEY_COLUMN!r} column, got columns {list(frame.columns)}"
            )
        folder = self._folder(component, version)
        table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            staged = self._stage(folder, table, keys)
            try:
                with self._lock(folder):
                    self._publish_locked(folder, *staged)
                    self._compact_locked(folder)
            finally:
                for path in staged[:2]:
                    path.unlink(missing_ok=True)  # left only if publishing failed
        except OSError as exc:  # PermissionError, read-only or full disk, lock timeout, ...
            self._fault(folder, exc)

    @staticmethod
    def _stage(folder: Path, table: pa.Table, keys: list[str]) -> tuple[Path, Path, str]:
        """Write a pack's Parquet and manifest to temporary files: ``(data, manifest, name)``."""
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, compression="zstd")
        payload = sink.getvalue()
        sha = hashlib.sha256(payload).hexdigest()
        name = hashlib.sha256("\n".join([sha, *keys]).encode("utf-8")).hexdigest()[:24]
        manifest = {"sha256": sha, "rows": table.num_rows, "keys": keys}
        data_tmp = _write_new_file(folder, "pack", payload)
        try:
            manifest_tmp = _write_new_file(folder, "manifest", json.dumps(manifest).encode())
        except BaseException:
            data_tmp.unlink(missing_ok=True)
            raise
        return data_tmp, manifest_tmp, f"pack-{name}"

    @staticmethod
    def _publish_locked(folder: Path, data_tmp: Path, manifest_tmp: Path, name: str) -> Path:
        """Rename a staged pack into place, manifest last (call with the lock held)."""
        data = folder / f"{name}.parquet"
        os.replace(data_tmp, data)
        os.replace(manifest_tmp, data.with_suffix(".json"))
        return data

    def _compact_locked(self, folder: Path) -> None:
        """Merge the folder's packs into one when there are more than MAX_PACKS (lock held).

        Each key's rows come from the first pack (in name order) that covers it, as in
        :meth:`load`. Packs are read and written one at a time (one row group each), so a merge
        holds one pack in memory, not the folder. The merged pack is published before the packs
        it replaces are deleted.
        """
        packs = self._list_locked(folder)
        if len(packs) <= MAX_PACKS:
            return
        merged_keys: set[str] = set()
        replaced: list[Path] = []

        def write(handle: IO[bytes]) -> None:
            self._merge_packs(handle, packs, merged_keys, replaced)

        try:
            data_tmp = _write_new_file(folder, "pack", write)
        except (pa.ArrowException, ValueError, TypeError, KeyError) as exc:
            warnings.warn(
                f"cannot merge the cache packs in {folder} ({exc}); they are kept as they are",
                CacheWarning,
                stacklevel=4,
            )
            return
        if len(replaced) < 2:
            data_tmp.unlink(missing_ok=True)
            return
        staged = self._stage_file(folder, data_tmp, _parquet_rows(data_tmp), sorted(merged_keys))
        try:
            target = self._publish_locked(folder, *staged)
        finally:
            for path in staged[:2]:
                path.unlink(missing_ok=True)
        for data in replaced:
            if data == target:
                continue
            try:
                data.unlink(missing_ok=True)  # data first: a reader's open then fails cleanly
                data.with_suffix(".json").unlink(missing_ok=True)
            except OSError:  # open in another process on Windows: merged again next time
                continue
        self._remove_stale_temporaries(folder)

    def _merge_packs(
        self,
        handle: IO[bytes],
        packs: list[tuple[Path, dict[str, Any]]],
        merged_keys: set[str],
        replaced: list[Path],
    ) -> None:
        """Write ``packs`` as one Parquet file to ``handle``, each key's rows from the first
        pack that covers it; record the keys written and the packs merged (for
        :meth:`_compact_locked`)."""
        # One schema for all packs: a column that is all missing in one pack has Arrow type
        # null there and text in another; permissive promotion gives the wider type.
        schemas = []
        for data, _ in packs:
            with contextlib.suppress(FileNotFoundError):  # merged away: skipped below
                schemas.append(pq.read_schema(data))
        schema = pa.unify_schemas(schemas, promote_options="permissive")
        writer = None
        try:
            for data, manifest in packs:
                try:
                    table = self._read_pack(data, manifest, arrow=True)
                except _Vanished:  # deleted behind the lock's back: nothing to merge
                    continue
                if table is None:
                    continue
                new = set(manifest["keys"]) - merged_keys
                if len(new) < len(manifest["keys"]):
                    values = pa.array(sorted(new), type=table.schema.field(KEY_COLUMN).type)
                    table = table.filter(pc.is_in(table[KEY_COLUMN], value_set=values))
                if writer is None:
                    writer = pq.ParquetWriter(handle, schema, compression="zstd")
                writer.write_table(_conform(table, schema))
                merged_keys.update(new)
                replaced.append(data)
        finally:
            if writer is not None:
                writer.close()

    @staticmethod
    def _stage_file(
        folder: Path, data_tmp: Path, rows: int, keys: list[str]
    ) -> tuple[Path, Path, str]:
        """Stage a Parquet file already written to ``data_tmp`` with its manifest."""
        sha = _file_sha256(data_tmp)
        name = hashlib.sha256("\n".join([sha, *keys]).encode("utf-8")).hexdigest()[:24]
        manifest = {"sha256": sha, "rows": rows, "keys": keys}
        try:
            manifest_tmp = _write_new_file(folder, "manifest", json.dumps(manifest).encode())
        except BaseException:
            data_tmp.unlink(missing_ok=True)
            raise
        return data_tmp, manifest_tmp, f"pack-{name}"

    @staticmethod
    def _remove_stale_temporaries(folder: Path) -> None:
        """Delete temporary files left by killed runs (older than STALE_TEMP_SECONDS)."""
        cutoff = time.time() - STALE_TEMP_SECONDS
        for pattern in (".pack-*.tmp", ".manifest-*.tmp"):
            for path in folder.glob(pattern):
                try:
                    if path.stat().st_mtime < cutoff:
                        path.unlink()
                except OSError:
                    continue

    def clear(self) -> None:
        """Delete every cached entry."""
        import shutil

        shutil.rmtree(self.root, ignore_errors=True)


def resolve_cache(cache: bool | ArticleCache | None) -> ArticleCache:
    """``True``/``None``: the default on-disk cache; ``False``: a disabled one."""
    if isinstance(cache, ArticleCache):
        return cache
    return ArticleCache(enabled=cache is not False)
