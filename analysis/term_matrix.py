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

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.cache import KEY_COLUMN, ArticleCache, release_memory

__all__ = ["TERM_MATRIX_MEMO", "build_term_matrix", "kept_term_matrix"]

#: Name of the kept term matrices (bump when :func:`_matrix_tables` changes).
TERM_MATRIX_MEMO = "term-matrix-1"


def build_term_matrix(
    keyed_terms: pd.DataFrame | None, story_keys: Sequence[str], story_ids: tuple
) -> Any:
    """The ``TermCounts`` of the stories (rows in the order of ``story_keys``, ids
    ``story_ids``; terms sorted, only those some story has) from the pass's term rows."""
    import scipy.sparse as sp

    from analysis.language import TermCounts

    terms = keyed_terms
    if terms is None:
        terms = pd.DataFrame({KEY_COLUMN: [], "term": [], "count": []})
    key_codes, key_uniques = pd.factorize(terms[KEY_COLUMN])
    term_codes, term_uniques = pd.factorize(terms["term"], sort=True)
    by_key = sp.csr_matrix(
        (terms["count"].to_numpy(np.int64), (key_codes, term_codes)),
        shape=(len(key_uniques), len(term_uniques)),
    )
    position = {k: i for i, k in enumerate(key_uniques)}
    empty_row = by_key.shape[0]
    rows = [position.get(k, empty_row) for k in story_keys]
    padded = sp.vstack([by_key, sp.csr_matrix((1, by_key.shape[1]), dtype=np.int64)])
    matrix = padded.tocsr()[rows]
    used = np.flatnonzero(np.bincount(matrix.indices, minlength=matrix.shape[1]))
    matrix = matrix[:, used].tocsr()
    matrix.sort_indices()
    return TermCounts(story_ids, tuple(str(t) for t in np.asarray(term_uniques)[used]), matrix)


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
    """A ``TermCounts`` as tables (its non-zero cells in row order, its terms) for the cache."""
    matrix = counts.matrix
    rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
    cells = pd.DataFrame(
        {
            "row": rows,
            "column": matrix.indices.astype(np.int64),
            "count": matrix.data.astype(np.int64),
        }
    )
    terms = pd.DataFrame({"term": list(counts.terms)})
    return {"cells": cells, "terms": terms}, {"n_rows": int(matrix.shape[0])}


def _matrix_from_tables(
    tables: dict[str, pd.DataFrame], scalars: dict[str, Any], story_ids: tuple
) -> Any:
    """The inverse of :func:`_matrix_tables` (the same matrix, cell for cell)."""
    import scipy.sparse as sp

    from analysis.language import TermCounts

    cells, terms = tables["cells"], tables["terms"]["term"].tolist()
    n_rows = int(scalars["n_rows"])
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(cells["row"].to_numpy(np.int64), minlength=n_rows), out=indptr[1:])
    matrix = sp.csr_matrix(
        (cells["count"].to_numpy(np.int64), cells["column"].to_numpy(np.int64), indptr),
        shape=(n_rows, len(terms)),
    )
    matrix.sort_indices()
    return TermCounts(story_ids, tuple(str(t) for t in terms), matrix)
