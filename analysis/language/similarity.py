"""Similarity of stories: cosine similarity of their TF-IDF vectors.

The vectors are the stories' sublinear-tf, smoothed-idf, l2-normalised TF-IDF rows
(:func:`analysis.language.terms.tfidf_weights`); the similarity of two stories is their cosine,
``x . y / (|x| |y|)`` (Salton, Wong & Yang 1975, *A vector space model for automatic indexing*,
Communications of the ACM 18(11): 613-620).

:func:`similarity_matrix` is dense (story x story, or group x group: cosine of the groups' mean
vectors); for large corpora use :func:`nearest_neighbours`, computed in row blocks of at most
:data:`SIMILARITY_BLOCK_CELLS` cells, so memory grows with ``n``, not ``n^2``. Pairs at or above
:data:`NEAR_DUPLICATE_THRESHOLD` (0.8) are near-duplicates (:func:`near_duplicates`); pairs at or
above :data:`RELATED_THRESHOLD` (0.2) are about the same event (see the constants for the
AllSides distribution these were read from).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis._checks import positive_int
from analysis.errors import ParameterError
from analysis.language.memo import LastResult
from analysis.language.tables import check_group, check_stories, group_matrix, group_values
from analysis.language.terms import TermCounts, resolve_counts, tfidf_weights

__all__ = [
    "MAX_DENSE_SIMILARITY",
    "NEAR_DUPLICATE_THRESHOLD",
    "NEIGHBOUR_COLUMNS",
    "PAIR_COLUMNS",
    "RELATED_THRESHOLD",
    "SIMILARITY_BLOCK_CELLS",
    "near_duplicates",
    "nearest_neighbours",
    "ranked_pairs",
    "similarity_matrix",
]

#: Pairs of stories with TF-IDF cosine at or above this are flagged near-duplicates (one
#: article re-published or lightly edited). No pair of the 2,505 AllSides articles reaches it (the
#: maximum, 0.71, is two CNN pieces on one event that share page boilerplate).
NEAR_DUPLICATE_THRESHOLD = 0.8
#: Pairs at or above this are about the same event or narrow subject (on AllSides, 313 of 3.1
#: million pairs, 0.01 %: two outlets on one Supreme Court ruling at 0.26, two monthly jobs
#: reports at 0.21; pairs on the same AllSides topic have a median of 0.04 and a 99th percentile
#: of 0.13). The four seed stories are all below it.
RELATED_THRESHOLD = 0.2
#: Largest number of cells (rows x stories) of one dense block of similarities (48 MB of
#: float64). The scan of 25,000 stories (one thread) peaked at +860 MB with 20,000,000 cells,
#: +527 to +626 MB with 10,000,000 (22.7 to 26.1 s) and +423 to +463 MB with 6,000,000 (25.5
#: to 26.9 s): smaller blocks slice the sparse columns more often.
SIMILARITY_BLOCK_CELLS = 6_000_000
#: ``similarity_matrix`` refuses more rows than this (use ``nearest_neighbours``).
MAX_DENSE_SIMILARITY = 5_000

NEIGHBOUR_COLUMNS = ["story_id", "rank", "neighbour_id", "similarity", "near_duplicate"]
PAIR_COLUMNS = ["first", "second", "similarity"]


def _story_vectors(
    stories: pd.DataFrame, counts: TermCounts | None, ngram_range: Sequence[int]
) -> sp.csr_matrix:
    tc = resolve_counts(stories, counts, ngram_range)
    if not tc.terms:
        return sp.csr_matrix((len(stories), 0))
    return tfidf_weights(tc.matrix)


def similarity_matrix(
    stories: pd.DataFrame,
    *,
    group: str = "story_id",
    ngram_range: Sequence[int] = (1, 2),
    counts: TermCounts | None = None,
    max_rows: int | None = None,
) -> pd.DataFrame:
    """Cosine similarity of TF-IDF vectors, story x story (or group x group), as a square table.

    Args:
        stories: the stories table; not mutated.
        group: ``story_id`` for stories; another column compares the groups' mean vectors.
        ngram_range, counts: see :func:`~analysis.language.terms.term_counts`.
        max_rows: keep only the first ``max_rows`` stories (or groups) in order of appearance
            when there are more; ``attrs["n_total"]`` then says how many there were (a report
            on 25,000 stories shows a corner of the matrix and lists nearest neighbours).

    Returns:
        A square DataFrame indexed and labelled by the stories (or groups) in order of first
        appearance; the diagonal is 1 (0 for a story without counted terms). Index and columns
        are named after ``group`` (``"story_id"``, ``"bias_label"`` ...).

    Raises:
        ParameterError: unknown ``group``; more than 5,000 rows (use :func:`nearest_neighbours`,
            or ``max_rows``); a bad ``max_rows``.
    """
    check_stories(stories, counts=counts)
    check_group(stories, group)
    labels, index = group_values(stories, group) if len(stories) else ([], np.array([]))
    n_total = len(labels)
    if max_rows is not None and n_total > positive_int(max_rows, "max_rows"):
        labels = labels[:max_rows]
    if len(labels) > MAX_DENSE_SIMILARITY:
        raise ParameterError(
            f"{len(labels)} rows are too many for a dense similarity matrix (limit "
            f"{MAX_DENSE_SIMILARITY}); use nearest_neighbours(stories, k=...) instead"
        )
    if not labels:
        return pd.DataFrame(index=pd.Index([], name=group), columns=pd.Index([], name=group))
    x = _story_vectors(stories, counts, ngram_range)
    if len(labels) < n_total:
        kept = np.asarray(index) < len(labels)
        x, index = x[kept], np.asarray(index)[kept]
    if group != "story_id":
        membership = group_matrix(len(labels), index)
        sizes = np.asarray(membership.sum(axis=1)).ravel()
        x = sp.csr_matrix(sp.diags(1.0 / sizes) @ (membership @ x))
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    gram = np.asarray((x @ x.T).todense())
    denom = np.outer(norms, norms)
    sim = np.divide(gram, denom, out=np.zeros_like(gram), where=denom > 0)
    sim = np.clip(sim, 0.0, 1.0)
    out = pd.DataFrame(
        sim, index=pd.Index(labels, name=group), columns=pd.Index(labels, name=group)
    )
    if len(labels) < n_total:
        out.attrs["n_total"] = n_total
    return out


def ranked_pairs(similarity: pd.DataFrame) -> pd.DataFrame:
    """Every pair of a square :func:`similarity_matrix`, most similar first.

    Returns:
        ``first``, ``second`` (row labels, ``first`` above ``second`` in the matrix),
        ``similarity``; sorted by similarity (desc), then by position.

    >>> sim = pd.DataFrame([[1, .1, .5], [.1, 1, .2], [.5, .2, 1]], index=list("abc"))
    >>> ranked_pairs(sim).values.tolist()
    [['a', 'c', 0.5], ['b', 'c', 0.2], ['a', 'b', 0.1]]
    """
    values = similarity.to_numpy()
    iu = np.triu_indices(len(values), k=1)
    pairs = sorted(zip(values[iu], iu[0], iu[1], strict=True), key=lambda p: (-p[0], p[1], p[2]))
    names = list(similarity.index)
    return pd.DataFrame(
        [(names[i], names[j], v) for v, i, j in pairs], columns=PAIR_COLUMNS
    ).astype({"similarity": float})


def _blocks(n: int) -> Iterable[tuple[int, int]]:
    size = max(1, SIMILARITY_BLOCK_CELLS // max(n, 1))
    for start in range(0, n, size):
        yield start, min(n, start + size)


def _similarity_blocks(x: sp.csr_matrix) -> Iterable[tuple[int, int, np.ndarray]]:
    """``(start, stop, x[start:stop] @ x.T)`` as dense blocks (:func:`_blocks`), the rows of
    every story against all stories.

    When all the similarities fit in :data:`KEPT_SIMILARITY_CELLS`, the whole matrix is kept
    (read-only) for the next call on the same weights: :func:`nearest_neighbours` and
    :func:`near_duplicates` of one report then compute it once (the weights of one count matrix
    are one object, :func:`analysis.language.terms.tfidf_weights`).
    """
    n = x.shape[0]
    if n * n > KEPT_SIMILARITY_CELLS:
        dense, rest = _split_frequent_terms(x)
        rest_t = rest.T.tocsr()
        for start, stop in _blocks(n):
            products = dense[start:stop] @ dense.T
            products += (rest[start:stop] @ rest_t).toarray()
            yield start, stop, products
        return
    full = _LAST_SIMILARITIES.get(x, lambda: _read_only(np.asarray((x @ x.T).todense())))
    for start, stop in _blocks(n):
        yield start, stop, full[start:stop]


def _split_frequent_terms(x: sp.csr_matrix) -> tuple[np.ndarray, sp.csr_matrix]:
    """``x`` as a dense matrix of its most frequent terms' columns and a sparse matrix of the rest
    (zeros where the dense part is), so that ``x @ x.T`` = ``dense @ dense.T + rest @ rest.T``.

    The products of a sparse matrix cost about the sum over terms of the squared number of
    stories with the term, so the few terms in most stories dominate them (at 25,000 AllSides
    stories the 578 terms in over a tenth of the stories are 78 % of that cost) while their
    products are nearly dense: those columns go through a dense matrix product (BLAS), the
    rest stay sparse. The sum equals the sparse product up to float rounding (at most 1e-14
    on that corpus; one block took 1.9 CPU-seconds instead of 3.9). Dense: the at most
    :data:`DENSE_TERM_CELLS` / n terms in the most stories among those in at least
    :data:`DENSE_TERM_MIN_SHARE` of them and in two or more.
    """
    n, n_terms = x.shape
    df = np.bincount(x.indices, minlength=n_terms)
    limit = max(0, DENSE_TERM_CELLS // max(n, 1))
    order = np.argsort(-df, kind="stable")[:limit]
    dense_terms = order[df[order] >= max(2, DENSE_TERM_MIN_SHARE * n)]
    dense = x[:, dense_terms].toarray()
    keep = np.ones(n_terms)
    keep[dense_terms] = 0.0
    rest = (x @ sp.diags(keep)).tocsr()
    rest.eliminate_zeros()
    return dense, rest


#: Cells (stories x terms) of the dense part of :func:`_split_frequent_terms` (100 MB of
#: float64: 500 terms at 25,000 stories).
DENSE_TERM_CELLS = 12_500_000
#: A term goes to the dense part only when at least this share of the stories has it.
DENSE_TERM_MIN_SHARE = 0.02


#: Similarities are rounded to this many decimals before they are ranked and reported: the
#: similarity of two stories computed in two ways (a row of one block, a column of another)
#: can differ in the last bits, and two copies of one story must tie, so that the first of
#: them comes first, however the blocks were cut.
RANK_DECIMALS = 12

#: Largest similarity matrix (stories x stories) kept between calls (8,000,000 cells: 64 MB,
#: 2,828 stories).
KEPT_SIMILARITY_CELLS = 8_000_000
#: The last kept similarity matrix, for its weights.
_LAST_SIMILARITIES = LastResult()


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def _row_neighbours(sims: np.ndarray, kk: int) -> np.ndarray:
    """Positions of the ``kk`` largest ``sims`` (desc, ties by position)."""
    n = len(sims)
    cand = np.argpartition(-sims, kk - 1)[:kk] if kk < n else np.arange(n)
    # include every tie at the cut so the stable order below is deterministic
    cut = sims[cand].min()
    cand = np.flatnonzero(sims >= cut)
    return cand[np.lexsort((cand, -sims[cand]))][:kk]


def _pairs(
    blocks: Iterable[tuple[int, int, np.ndarray]], threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(first, second, similarity)`` of every pair (first < second) of ``blocks`` at least
    ``threshold`` similar (similarities capped at 1), in block order."""
    found = [
        _block_pairs(np.round(products, RANK_DECIMALS), start, 0, threshold)
        for start, _stop, products in blocks
    ]
    return tuple(np.concatenate([f[i] for f in found]) for i in range(3))  # type: ignore[return-value]


def _block_pairs(
    block: np.ndarray, row0: int, col0: int, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs (first < second) of a block of rounded similarities whose rows are the stories
    ``row0...`` and columns ``col0...``, at least ``threshold`` similar (capped at 1), in row
    then column order."""
    high = block >= threshold - 1e-12
    upto = min(block.shape[1], row0 - col0 + block.shape[0])  # columns that can be first
    high[:, :upto] = np.triu(high[:, :upto], k=row0 - col0 + 1)
    rows, cols = np.nonzero(high)
    return (
        row0 + rows.astype(np.int64),
        col0 + cols.astype(np.int64),
        np.minimum(block[rows, cols], 1.0),
    )


def _block_neighbours(
    start: int, stop: int, products: np.ndarray, kk: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The ``kk`` nearest other stories of the rows ``start:stop``: (positions, similarities)."""
    block = np.round(products, RANK_DECIMALS)
    block[np.arange(stop - start), np.arange(start, stop)] = -1.0
    return list(zip(*_tile_best(block, 0, kk), strict=True))


def _neighbour_lists(x: sp.csr_matrix, kk: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(positions, similarities) of the ``kk`` nearest other stories of every story; of a large
    corpus from the kept :func:`_scan` when it holds that many."""
    if _scanned(x) and kk <= SCAN_NEIGHBOURS:
        kept = _LAST_SCAN.get(x, lambda: _scan(x))
        return [(p[:kk], v[:kk]) for p, v in kept.neighbours]
    lists = []
    for start, stop, products in _similarity_blocks(x):
        lists.extend(_block_neighbours(start, stop, products, kk))
    return lists


def _scanned(x: sp.csr_matrix) -> bool:
    """Whether the similarities of ``x`` are too many to keep, so one scan of them serves both
    :func:`nearest_neighbours` and :func:`near_duplicates`."""
    return x.shape[0] * x.shape[0] > KEPT_SIMILARITY_CELLS


@dataclass(frozen=True)
class _Scan:
    """What one pass over the similarity blocks of a large corpus keeps: each story's
    :data:`SCAN_NEIGHBOURS` nearest others and every pair at least
    :data:`NEAR_DUPLICATE_THRESHOLD` similar."""

    neighbours: list[tuple[np.ndarray, np.ndarray]]
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray]


def _scan(x: sp.csr_matrix) -> _Scan:
    """:class:`_Scan` of ``x``: the similarities are computed once (the slow part at 25,000
    stories) for the neighbours and the near-duplicates, and each pair once.

    ``x @ x.T`` is symmetric, so each block of rows (:func:`_blocks`) is multiplied only with
    itself and the stories after it: the block's similarities are read by rows for its own
    stories and by columns for the later ones, and half of the products of
    :func:`_similarity_blocks` are not made. Every story keeps its ``kk`` best so far
    (:class:`_Best`), in the order of :func:`_row_neighbours` (similarity, then position): a
    story among the ``kk`` best of all is among the ``kk`` best of each part it is read from.
    Similarities are rounded to :data:`RANK_DECIMALS` decimals, as in the other readers.
    """
    n = x.shape[0]
    kk = min(SCAN_NEIGHBOURS, n - 1)
    dense, rest = _split_frequent_terms(x)
    shared = np.flatnonzero(np.bincount(rest.indices, minlength=rest.shape[1]) >= 2)
    rest = rest[:, shared]  # a term of one story adds only to its similarity with itself
    rest_t = rest.T.tocsr()
    best = _Best(n, kk)
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for start, stop in _blocks(n):
        block = dense[start:stop] @ dense[start:].T
        block += (rest[start:stop] @ rest_t[:, start:]).toarray()
        np.round(block, RANK_DECIMALS, out=block)
        found.append(_block_pairs(block, start, start, NEAR_DUPLICATE_THRESHOLD))
        own = np.arange(stop - start)
        block[own, own] = -1.0  # a story is not its own neighbour
        best.add(np.arange(start, stop), *_tile_best(block, start, kk))
        if stop < n:  # the later stories, read by columns
            best.add(np.arange(stop, n), *_tile_best(block[:, stop - start :].T, start, kk))
    first, second, value = (np.concatenate([f[i] for f in found]) for i in range(3))
    return _Scan(best.lists(), (first, second, value))


def _tile_best(block: np.ndarray, col0: int, kk: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``kk`` best columns of every row of ``block`` (positions ``col0 + column``): the
    ``kk`` largest values, ties at the cut broken by position as in :func:`_row_neighbours`.
    Returns ``(positions, values)``, each of shape ``(rows, min(kk, columns))`` and in that
    order (similarity descending, then position)."""
    block = np.ascontiguousarray(block)
    take = min(kk, block.shape[1])
    part = np.argpartition(block, block.shape[1] - take, axis=1)[:, block.shape[1] - take :]
    values = np.take_along_axis(block, part, axis=1)
    cut = values.min(axis=1)
    tied = np.flatnonzero((block >= cut[:, None]).sum(axis=1) > take)
    for r in tied:  # more than kk columns at or above the cut: the first positions win
        part[r] = _row_neighbours(block[r], take)
        values[r] = block[r, part[r]]
    order = np.lexsort((part, -values), axis=-1)
    return np.take_along_axis(part, order, axis=1) + col0, np.take_along_axis(
        values, order, axis=1
    )


class _Best:
    """The ``kk`` best (position, similarity) of every story so far, merged part by part."""

    def __init__(self, n: int, kk: int) -> None:
        self.kk = kk
        self.positions = np.full((n, kk), n, dtype=np.int64)  # placeholders sort last
        self.values = np.full((n, kk), -np.inf)

    def add(self, rows: np.ndarray, positions: np.ndarray, values: np.ndarray) -> None:
        both_p = np.hstack([self.positions[rows], positions])
        both_v = np.hstack([self.values[rows], values])
        order = np.lexsort((both_p, -both_v), axis=-1)[:, : self.kk]
        self.positions[rows] = np.take_along_axis(both_p, order, axis=1)
        self.values[rows] = np.take_along_axis(both_v, order, axis=1)

    def lists(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return list(zip(self.positions, self.values, strict=True))


#: Nearest stories kept per story by the scan of a large corpus (a larger ``k`` scans again).
SCAN_NEIGHBOURS = 10
#: The last :func:`_scan`, for its weights.
_LAST_SCAN = LastResult()


def nearest_neighbours(
    stories: pd.DataFrame,
    *,
    k: int = 5,
    ngram_range: Sequence[int] = (1, 2),
    counts: TermCounts | None = None,
) -> pd.DataFrame:
    """The ``k`` most similar other stories of every story (TF-IDF cosine), memory O(n).

    Returns:
        ``story_id``, ``rank`` (1..k), ``neighbour_id``, ``similarity``, ``near_duplicate``
        (``similarity >= NEAR_DUPLICATE_THRESHOLD``); stories in input order, then rank
        (ties by the neighbour's position). Neighbours with similarity 0 are left out.

    Raises:
        ParameterError: bad ``k``, missing columns, mismatched ``counts``.
    """
    check_stories(stories, counts=counts)
    k = positive_int(k, "k")
    if len(stories) < 2:
        return pd.DataFrame(columns=NEIGHBOUR_COLUMNS)
    x = _story_vectors(stories, counts, ngram_range)
    ids = np.asarray([str(s) for s in stories["story_id"]], dtype=object)
    rows = []
    for r, (positions, sims) in enumerate(_neighbour_lists(x, min(k, len(ids) - 1))):
        pairs = zip(positions.tolist(), sims.tolist(), strict=True)
        for rank, (j, sim) in enumerate(pairs, start=1):
            if sim > 0:
                rows.append((ids[r], rank, ids[j], min(sim, 1.0)))
    out = pd.DataFrame(rows, columns=NEIGHBOUR_COLUMNS[:-1])
    out["near_duplicate"] = out["similarity"] >= NEAR_DUPLICATE_THRESHOLD
    out["rank"] = out["rank"].astype(np.int64)
    return out


def near_duplicates(
    stories: pd.DataFrame,
    *,
    threshold: float = NEAR_DUPLICATE_THRESHOLD,
    ngram_range: Sequence[int] = (1, 2),
    counts: TermCounts | None = None,
) -> pd.DataFrame:
    """Pairs of stories whose TF-IDF cosine is at least ``threshold`` (memory O(n)).

    Returns:
        ``story_id``, ``other_id`` (the later story), ``similarity``; each pair once, in input
        order of ``story_id`` then ``other_id``.

    Raises:
        ParameterError: ``threshold`` outside (0, 1].
    """
    check_stories(stories, counts=counts)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise ParameterError(f"threshold must be a number in (0, 1], got {threshold!r}")
    if not 0 < threshold <= 1:
        raise ParameterError(f"threshold must be in (0, 1], got {threshold!r}")
    columns = ["story_id", "other_id", "similarity"]
    if len(stories) < 2:
        return pd.DataFrame(columns=columns)
    x = _story_vectors(stories, counts, ngram_range)
    ids = [str(s) for s in stories["story_id"]]
    if _scanned(x) and threshold >= NEAR_DUPLICATE_THRESHOLD:
        first, second, value = _LAST_SCAN.get(x, lambda: _scan(x)).pairs
        kept = value >= threshold - 1e-12
        first, second, value = first[kept], second[kept], value[kept]
    else:
        first, second, value = _pairs(_similarity_blocks(x), threshold)
    order = np.lexsort((second, first))  # each pair once: no ties
    names = np.asarray(ids, dtype=object)
    return pd.DataFrame(
        [
            (names[r], names[c], float(v))
            for r, c, v in zip(first[order], second[order], value[order], strict=True)
        ],
        columns=columns,
    ).astype({"similarity": float})
