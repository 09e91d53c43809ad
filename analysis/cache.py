"""A content-keyed, on-disk cache of per-article results, stored as Parquet.

Every article-level result (sentences, sentence scores, frame hits, term counts) is stored under a
**key** made of the article's normalised text and the **version** of the method that produced it
(see :func:`content_key`). The version string names the method, its parameters and, for frames,
the codebook's content hash, so a changed codebook misses only the frame entries and a changed
text misses only that article.

Storage: for each ``(component, version)`` a folder of *packs*. A pack is one Parquet file holding
the rows of many articles (column ``_key`` says which) and a JSON manifest beside it listing every
key the pack covers (also keys with zero rows, so "computed, nothing found" differs from "not
computed") and the SHA-256 of the Parquet bytes. A run that computes new articles writes one new
pack; reading a warm cache reads a few large files instead of thousands of small ones.

Integrity: packs and manifests are written to temporary files and renamed into place, manifest
last. On read, a pack whose manifest is missing, unreadable, or whose bytes do not match the
recorded SHA-256 (a partial or corrupt write) is reported with a :class:`CacheWarning`, deleted,
and its keys are treated as missing, so they are recomputed and never returned. When a folder
holds more than :data:`MAX_PACKS` packs they are merged into one.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis import config

__all__ = ["ArticleCache", "CacheWarning", "content_key"]

KEY_COLUMN = "_key"
#: Packs per (component, version) folder before they are merged into one.
MAX_PACKS = 16


class CacheWarning(UserWarning):
    """A cache pack was corrupt or partial and has been discarded (it will be recomputed)."""


def content_key(text: str) -> str:
    """SHA-256 of an article's normalised text (the article part of every cache key).

    >>> content_key("abc")[:12]
    'ba7816bf8f01'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ArticleCache:
    """Per-article results on disk, keyed by content and method version.

    Args:
        root: cache folder (default :func:`analysis.config.cache_dir`).
        enabled: ``False`` makes every lookup miss and every store a no-op.

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

    def _folder(self, component: str, version: str) -> Path:
        return self.root / _safe(component) / _safe(version)

    def _packs(self, folder: Path) -> list[tuple[Path, dict]]:
        """Valid packs of a folder with their manifests; corrupt ones are removed."""
        packs: list[tuple[Path, dict]] = []
        if not folder.is_dir():
            return packs
        for data in sorted(folder.glob("pack-*.parquet")):
            manifest_path = data.with_suffix(".json")
            try:
                manifest = json.loads(manifest_path.read_text())
                if manifest.get("sha256") != _sha256_file(data):
                    raise ValueError("checksum mismatch")
                if not isinstance(manifest.get("keys"), list):
                    raise ValueError("manifest has no key list")
            except (OSError, ValueError) as exc:
                warnings.warn(
                    f"discarding cache pack {data} ({exc}); its articles will be recomputed",
                    CacheWarning,
                    stacklevel=3,
                )
                data.unlink(missing_ok=True)
                manifest_path.unlink(missing_ok=True)
                continue
            packs.append((data, manifest))
        return packs

    def load(
        self, component: str, version: str, keys: Iterable[str]
    ) -> tuple[pd.DataFrame | None, set[str]]:
        """Rows cached for ``keys`` (with the ``_key`` column) and the keys that are missing.

        Returns ``(None, all keys)`` when nothing is cached.
        """
        wanted = set(keys)
        if not self.enabled or not wanted:
            return None, wanted
        frames: list[pd.DataFrame] = []
        found: set[str] = set()
        for data, manifest in self._packs(self._folder(component, version)):
            covered = wanted.intersection(manifest["keys"]) - found
            if not covered:
                continue
            try:
                table = pq.read_table(data)
            except (OSError, pa.ArrowException) as exc:
                warnings.warn(
                    f"discarding unreadable cache pack {data} ({exc})", CacheWarning, stacklevel=2
                )
                data.unlink(missing_ok=True)
                data.with_suffix(".json").unlink(missing_ok=True)
                continue
            frame = table.to_pandas()
            if len(covered) < len(manifest["keys"]):
                frame = frame[frame[KEY_COLUMN].isin(covered)]
            frames.append(frame)
            found |= covered
        if not frames:
            return None, wanted
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        return frame.reset_index(drop=True), wanted - found

    def store(
        self, component: str, version: str, frame: pd.DataFrame, *, keys: Iterable[str]
    ) -> None:
        """Store rows of many articles as one pack; ``keys`` lists every article computed.

        ``frame`` must hold the ``_key`` column; keys without rows are recorded as empty results.
        """
        keys = sorted(set(keys))
        if not self.enabled or not keys:
            return
        if KEY_COLUMN not in frame.columns:
            raise ValueError(f"cache frames need a {KEY_COLUMN!r} column")
        folder = self._folder(component, version)
        folder.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".pack-", suffix=".tmp")
        os.close(fd)
        tmp = Path(tmp_name)
        pq.write_table(table, tmp, compression="zstd")
        sha = _sha256_file(tmp)
        data = folder / f"pack-{sha[:24]}.parquet"
        os.replace(tmp, data)
        manifest = {"sha256": sha, "rows": frame.shape[0], "keys": keys}
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".manifest-", suffix=".tmp")
        with os.fdopen(fd, "w") as handle:
            json.dump(manifest, handle)
        os.replace(tmp_name, data.with_suffix(".json"))
        self._compact(folder)

    def _compact(self, folder: Path) -> None:
        packs = self._packs(folder)
        if len(packs) <= MAX_PACKS:
            return
        frames = [pq.read_table(p).to_pandas() for p, _ in packs]
        keys = sorted({k for _, m in packs for k in m["keys"]})
        merged = pd.concat(frames, ignore_index=True).drop_duplicates(ignore_index=True)
        for data, _ in packs:
            data.with_suffix(".json").unlink(missing_ok=True)
            data.unlink(missing_ok=True)
        component, version = folder.parent.name, folder.name
        self.store(component, version, merged, keys=keys)

    def clear(self) -> None:
        """Delete every cached entry."""
        import shutil

        shutil.rmtree(self.root, ignore_errors=True)
