"""Where the per-article results of an analysis pass are: the analysis cache
(:mod:`analysis.cache`, Parquet packs keyed by content) and rows kept in memory. Read whole
(:meth:`PassTables.read`) or part by part (:meth:`PassTables.read_parts`), so that a table built
from every article's rows need not hold them all at once."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd

from analysis.cache import KEY_COLUMN, ArticleCache

__all__ = ["PassTables"]


class PassTables:
    """Where the per-article results of a pass are: the cache, and rows kept in memory.

    Rows are in memory when the cache is off (``cache=False``), cannot be written, or for
    articles whose frames are incomplete (a regex time-out; never cached). Reads go to the cache
    first; keys found nowhere (a pack deleted since, e.g. by another process) are recomputed in
    this process by ``recompute``.
    """

    def __init__(
        self,
        store: ArticleCache,
        versions: dict[str, str],
        keys: Sequence[str],
        recompute: Any = None,
    ) -> None:
        self.store = store
        self.versions = versions
        self.keys = list(keys)
        self.recompute = recompute
        self.memory: dict[str, list[pd.DataFrame]] = {}
        self.in_memory: dict[str, set[str]] = {}
        self.stored = store.enabled

    def keep(self, name: str, frame: pd.DataFrame, keys: set[str]) -> None:
        """Keep ``frame`` (the rows of ``keys``) in memory."""
        self.memory.setdefault(name, []).append(frame)
        self.in_memory.setdefault(name, set()).update(keys)

    def read(self, name: str, columns: Sequence[str] | None = None) -> pd.DataFrame | None:
        """Every row of component ``name`` for the pass' keys (``columns`` and ``_key`` only)."""
        parts = [p for p in self.read_parts(name, columns) if p is not None]
        kept = [p for p in parts if len(p)] or parts[:1]
        if not kept:
            return None
        return pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0]

    def read_parts(
        self,
        name: str,
        columns: Sequence[str] | None = None,
        dictionary: Sequence[str] = (),
        *,
        row_groups: bool = False,
    ) -> Iterator[pd.DataFrame]:
        """The rows of :meth:`read` in parts (a cache pack at a time, or with ``row_groups`` a
        row group of one, see :meth:`ArticleCache.load_packs`), none of them kept; the stored
        columns in ``dictionary`` as categories."""
        wanted = set(self.keys) - self.in_memory.get(name, set())
        if wanted and self.stored:
            reader = self.store if self.store.enabled else ArticleCache(self.store.root)
            version = self.versions[name]
            yield from reader.load_packs(
                name,
                version,
                wanted,
                columns=columns,
                dictionary=dictionary,
                row_groups=row_groups,
            )
        if wanted and self.recompute is not None:
            again = self.recompute(name, wanted)
            yield again if columns is None else again[_present(again, columns)]
        for frame in self.memory.get(name, []):
            yield frame if columns is None else frame[_present(frame, columns)]


def _present(frame: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    return [c for c in dict.fromkeys([KEY_COLUMN, *columns]) if c in frame.columns]
