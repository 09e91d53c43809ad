"""The story x term count matrix of an analysis pass, built from its per-article term rows and
kept in the analysis cache.

The pass stores each article's term counts as rows (content key, term, count; see
:mod:`analysis.pipeline`). :func:`build_term_matrix` turns them into an
:class:`analysis.language.TermCounts` in corpus order, the input of distinctive terms, TF-IDF,
similarity and the story clusters (the bag-of-words model of Salton & McGill 1983,
*Introduction to Modern Information Retrieval*). Every report of a corpus needs this matrix,
and building it from about a million rows takes most of a second at 2,500 articles, so
:func:`kept_term_matrix` keeps it in the analysis cache
(:func:`analysis.language.memo.cached_tables`) as its non-zero cells and terms, keyed by the
stories' ids and content keys and versioned with the term counting method; reading it back
gives the same matrix, cell for cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.cache import KEY_COLUMN, ArticleCache, release_memory

__all__ = ["TERM_MATRIX_MEMO", "build_term_matrix", "kept_term_matrix"]

#: Name of the kept term matrices (bump when :func:`_matrix_tables` changes).
TERM_MATRIX_MEMO = "term-matrix-2"


def build_term_matrix(
    parts: Iterable[pd.DataFrame | None], story_keys: Sequence[str], story_ids: tuple
) -> Any:
    """The ``TermCounts`` of the stories (rows in the order of ``story_keys``, ids
    ``story_ids``; terms sorted, only those some story has) from the pass's term rows, given
    in parts (``_key``, ``term``, ``count``; a cache pack's row group at a time): each part's
    keys and terms are numbered and only the numbers kept, so the rows of every article are
    never held at once (at 25,000 articles, 11 million rows with their 64-character keys:
    1.3 GB). The matrix is made once in the rows' key order, with a last empty row for the
    stories whose key has no rows, and its rows then taken in story order."""
    import scipy.sparse as sp

    from analysis.language import TermCounts

    key_numbers: dict[str, int] = {}
    term_numbers: dict[str, int] = {}
    cells = [_part_cells(part, key_numbers, term_numbers) for part in parts if _has_rows(part)]
    names = sorted(term_numbers)
    rank = np.empty(len(names), dtype=np.int32)  # term number -> position in sorted order
    rank[[term_numbers[t] for t in names]] = np.arange(len(names), dtype=np.int32)
    row, column, count = (
        np.concatenate([c[i] for c in cells]) if cells else np.zeros(0, np.int32) for i in range(3)
    )
    del cells
    empty_row = len(key_numbers)
    by_key = sp.csr_matrix(
        (count.astype(np.int64), (row, rank[column] if len(column) else column)),
        shape=(empty_row + 1, len(names)),
    )
    del row, column, count
    release_memory()  # the parts read and their cells
    matrix = by_key[np.array([key_numbers.get(k, empty_row) for k in story_keys], np.int64)]
    del by_key
    used = np.flatnonzero(np.bincount(matrix.indices, minlength=matrix.shape[1]))
    if len(used) < matrix.shape[1]:
        matrix = matrix[:, used].tocsr()
    matrix.sort_indices()
    return TermCounts(story_ids, tuple(names[i] for i in used), matrix)


def _has_rows(part: pd.DataFrame | None) -> bool:
    return part is not None and len(part) > 0


def _part_cells(
    part: pd.DataFrame, key_numbers: dict[str, int], term_numbers: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A part's cells as (key number, term number, count), 32-bit where the counts fit; keys
    and terms are numbered in ``key_numbers`` and ``term_numbers`` as first seen."""
    key_codes, key_uniques = pd.factorize(part[KEY_COLUMN])
    term_codes, term_uniques = pd.factorize(part["term"])
    keys = np.array([key_numbers.setdefault(k, len(key_numbers)) for k in key_uniques], np.int32)
    terms = np.array(
        [term_numbers.setdefault(t, len(term_numbers)) for t in term_uniques], np.int32
    )
    counts = part["count"].to_numpy(np.int64)
    small = not len(counts) or abs(counts).max() <= np.iinfo(np.int32).max
    return keys[key_codes], terms[term_codes], counts.astype(np.int32 if small else np.int64)


def kept_term_matrix(
    story_keys: Sequence[str],
    story_ids: tuple,
    build: Callable[[], Any],
    *,
    store: ArticleCache,
    version: str,
) -> Any:
    """The ``TermCounts`` from the analysis cache ``store``, or ``build()`` and kept there;
    ``version`` is the pass's version of the term counts."""
    from analysis.language.memo import cached_tables, inputs_key

    tables, scalars = cached_tables(
        "term-matrix",
        f"{TERM_MATRIX_MEMO}-{version}",
        inputs_key(list(story_keys), list(story_ids)),
        lambda: _matrix_tables(build()),
        cache=store,
    )
    counts = _matrix_from_tables(tables, scalars, story_ids)
    del tables
    release_memory()  # the cell table (three int64 columns) and the terms' Python list
    return counts


def _matrix_tables(counts: Any) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """A ``TermCounts`` as tables for the cache: its non-zero cells in row order (column and
    count as 32-bit integers), the number of cells of each row, its terms. At 25,000 stories
    the cells take 91 MB instead of the 274 MB of three 64-bit columns, and reading them back
    peaks that much lower."""
    matrix = counts.matrix
    small = not matrix.nnz or abs(matrix.data).max() <= np.iinfo(np.int32).max
    cells = pd.DataFrame(
        {
            "column": matrix.indices.astype(np.int32),
            "count": matrix.data.astype(np.int32 if small else np.int64),
        }
    )
    rows = pd.DataFrame({"n_cells": np.diff(matrix.indptr).astype(np.int64)})
    terms = pd.DataFrame({"term": list(counts.terms)})
    return {"cells": cells, "rows": rows, "terms": terms}, {"n_columns": len(counts.terms)}


def _matrix_from_tables(
    tables: dict[str, pd.DataFrame], scalars: dict[str, Any], story_ids: tuple
) -> Any:
    """The inverse of :func:`_matrix_tables` (the same matrix, cell for cell, int64 counts)."""
    import scipy.sparse as sp

    from analysis.language import TermCounts

    cells, terms = tables["cells"], tables["terms"]["term"].tolist()
    sizes = tables["rows"]["n_cells"].to_numpy(np.int64)
    indptr = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=indptr[1:])
    matrix = sp.csr_matrix(
        (
            cells["count"].to_numpy(np.int64),
            np.array(cells["column"], dtype=np.int32),  # a copy: Arrow buffers are read-only
            indptr,
        ),
        shape=(len(sizes), int(scalars["n_columns"])),
    )
    matrix.sort_indices()
    return TermCounts(story_ids, tuple(str(t) for t in terms), matrix)
