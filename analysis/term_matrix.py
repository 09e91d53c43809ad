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
    keys are numbered and its terms coded by the part's distinct terms (kept as Arrow strings
    and numbered all at once at the end), and only the numbers kept, so the rows of every
    article are never held at once (at 25,000 articles, 11 million rows with their
    64-character keys: 1.3 GB). The matrix is made once in the rows' key order, with a last
    empty row for the stories whose key has no rows, and its rows then taken in story
    order."""
    import scipy.sparse as sp

    from analysis.language import TermCounts

    key_numbers: dict[str, int] = {}
    vocabularies: list[pd.Series] = []  # each part's distinct terms, as Arrow strings
    cells = [_part_cells(part, key_numbers, vocabularies) for part in parts if _has_rows(part)]
    names, rank = _sorted_terms(vocabularies)  # rank: each part's terms -> sorted position
    sizes = np.cumsum([0, *(len(v) for v in vocabularies)])
    del vocabularies
    row, column, count = (
        np.concatenate(pieces) if pieces else np.zeros(0, np.int32)
        for pieces in (
            [c[0] for c in cells],
            [rank[start + c[1]] for start, c in zip(sizes[:-1], cells, strict=True)],
            [c[2] for c in cells],
        )
    )
    del cells, rank
    empty_row = len(key_numbers)
    by_key = sp.csr_matrix(
        (count.astype(np.int64), (row, column)), shape=(empty_row + 1, len(names))
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
    part: pd.DataFrame, key_numbers: dict[str, int], vocabularies: list[pd.Series]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A part's cells as (key number, term code, count), 32-bit where the counts fit; keys
    are numbered in ``key_numbers`` as first seen, terms by their position in the part's
    distinct terms, which are added to ``vocabularies``."""
    key_codes, key_uniques = pd.factorize(part[KEY_COLUMN])
    term_codes, term_uniques = pd.factorize(part["term"])
    keys = np.array([key_numbers.setdefault(k, len(key_numbers)) for k in key_uniques], np.int32)
    vocabularies.append(pd.Series(term_uniques, dtype="str"))
    return keys[key_codes], term_codes.astype(np.int32), _narrow(part["count"].to_numpy(np.int64))


def _narrow(counts: np.ndarray) -> np.ndarray:
    """``counts`` as 32-bit integers when they all fit, else as they are."""
    small = not len(counts) or abs(counts).max() <= np.iinfo(np.int32).max
    return counts.astype(np.int32) if small else counts


def _sorted_terms(vocabularies: list[pd.Series]) -> tuple[list[str], np.ndarray]:
    """The distinct terms of all parts, sorted, and for each term of the concatenated parts'
    vocabularies its position among them: the parts' terms are numbered at once (hashed in
    Arrow), not one by one in Python (3.5 million lookups for the 25 parts of 25,000
    articles)."""
    if not vocabularies:
        return [], np.zeros(0, np.int32)
    codes, distinct = pd.factorize(pd.concat(vocabularies, ignore_index=True))
    terms = [str(t) for t in distinct]
    names = sorted(terms)
    position = {t: i for i, t in enumerate(names)}
    by_code = np.array([position[t] for t in terms], dtype=np.int32)
    return names, by_code[codes]


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
    cells = pd.DataFrame(
        {"column": matrix.indices.astype(np.int32), "count": _narrow(matrix.data.astype(np.int64))}
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
