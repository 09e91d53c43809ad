"""Terms: the vocabulary rule that turns a text into unigrams and bigrams, and term counts.

One vocabulary rule everywhere (:func:`text_terms`): the text is cut into chunks at punctuation
(``, ; : ! ? ( ) " [ ] { } — /``, a ``.`` closing a lower-case word, and newlines); each chunk is
tokenised by :func:`analysis.normalize.tokenize`; a token is lower-cased and a possessive ``'s``
is removed (``russia's`` -> ``russia``); tokens without a letter or of one character are dropped.
Unigrams are the tokens that are not stop words; bigrams are two adjacent tokens of a chunk,
neither of them a stop word (``foreign ministry``; ``department of justice`` gives no bigram).
The stop words are scikit-learn's English list with the changes listed in
``data/language/stop_words.txt`` (:func:`analysis.language.data.stop_words`).

:func:`term_counts` returns the counts as a sparse story x term matrix (:class:`TermCounts`); a
cached pipeline can store one :class:`~collections.Counter` per story (:func:`text_terms`) and
rebuild the matrix with :meth:`TermCounts.from_counters`.

TF-IDF (:func:`tfidf_weights`, used for TF-IDF top terms, topics and similarity) is
scikit-learn's ``TfidfTransformer`` with sublinear tf, ``1 + ln(tf)``, smoothed idf over
documents, ``idf = ln((1 + N) / (1 + df)) + 1``, and l2-normalised rows (scikit-learn user
guide, "Tf–idf term weighting").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.errors import ParameterError
from analysis.language.data import stop_words as packaged_stop_words
from analysis.language.memo import LastResult
from analysis.language.tables import check_stories
from analysis.normalize import tokenize

__all__ = [
    "TermCounts",
    "check_ngram_range",
    "document_frequencies",
    "ngram_sizes",
    "resolve_counts",
    "stop_word_set",
    "term_counts",
    "text_terms",
    "tfidf_transformer",
    "tfidf_weights",
    "top_term_rows",
]

_CHUNK_BREAK = re.compile(r"[,;:!?()\"\[\]{}\u2014/\n]|(?<![A-Z])\.(?=\s|$)")

#: Per stop-word set: raw token -> its term ("" when it is not one). Tokens repeat (Zipf), so
#: cleaning each distinct token once halves the cost of counting a corpus.
_TERM_MEMO: dict[frozenset[str], dict[str, str]] = {}
_TERM_MEMO_MAX = 500_000


def check_ngram_range(ngram_range: Sequence[int]) -> tuple[int, int]:
    """``ngram_range`` as ``(lo, hi)`` when it is ``(1, 1)``, ``(1, 2)`` or ``(2, 2)``.

    Raises:
        ParameterError: anything else (a string, not two integers, out of range).

    >>> check_ngram_range([1, 2])
    (1, 2)
    """
    if isinstance(ngram_range, str | bytes):
        raise ParameterError(
            f"ngram_range must be two integers like (1, 2), got the string {ngram_range!r}"
        )
    try:
        lo, hi = (int(v) for v in ngram_range)
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            f"ngram_range must be two integers like (1, 2), got {ngram_range!r}"
        ) from exc
    if not (1 <= lo <= hi <= 2):
        raise ParameterError(
            f"ngram_range must be (1, 1), (1, 2) or (2, 2) (unigrams and bigrams), "
            f"got {tuple(ngram_range)!r}"
        )
    return lo, hi


def stop_word_set(words: Iterable[str] | None) -> frozenset[str]:
    """The stop words to use: ``None`` gives the packaged list, ``()`` none, else ``words``
    lower-cased.

    Raises:
        ParameterError: ``words`` is one string.
    """
    if words is None:
        return packaged_stop_words()
    if isinstance(words, str):
        raise ParameterError("stop_words must be a collection of words, not one string")
    return frozenset(w.lower() for w in words)


def _term_of(token: str, stop: frozenset[str]) -> str:
    """The term a raw token counts as: lower-cased, possessive ``'s`` dropped; ``""`` for stop
    words, single characters and tokens without a letter."""
    term = token.lower()
    if term.endswith("'s"):
        term = term[:-2]
    if len(term) <= 1 or term in stop or not any(ch.isalpha() for ch in term):
        return ""
    return term


def _chunk_terms(text: str, stop: frozenset[str]) -> list[list[str]]:
    """The text cut at chunk breaks, each chunk as its tokens' terms (``""`` = not a term)."""
    memo = _TERM_MEMO.get(stop)
    if memo is None or len(memo) > _TERM_MEMO_MAX:
        if len(_TERM_MEMO) > 8:
            _TERM_MEMO.clear()
        memo = _TERM_MEMO[stop] = {}
    chunks = []
    for chunk in _CHUNK_BREAK.split(text):
        raw = tokenize(chunk, lower=False)
        if not raw:
            continue
        terms = []
        for tok in raw:
            term = memo.get(tok)
            if term is None:
                term = memo[tok] = _term_of(tok, stop)
            terms.append(term)
        chunks.append(terms)
    return chunks


def text_terms(
    text: str,
    *,
    ngram_range: Sequence[int] = (1, 2),
    stop_words: Iterable[str] | None = None,
) -> Counter[str]:
    """Term counts of any text (a story, paragraph or sentence) under the vocabulary rule.

    Args:
        text: normalised text.
        ngram_range: ``(1, 1)`` unigrams, ``(1, 2)`` unigrams and bigrams, ``(2, 2)`` bigrams.
        stop_words: words to leave out; ``None`` uses the packaged stop words, ``()`` keeps all.

    Returns:
        A ``Counter`` term -> count (bigrams are ``"word word"``).

    Raises:
        ParameterError: a bad ``ngram_range``, or ``stop_words`` given as one string.

    >>> text_terms("Russia's Foreign Ministry condemned the U.S. action.")
    Counter({'russia': 1, 'foreign': 1, 'ministry': 1, 'condemned': 1, 'u.s': 1, 'action': 1, \
'russia foreign': 1, 'foreign ministry': 1, 'ministry condemned': 1, 'u.s action': 1})
    """
    lo, hi = check_ngram_range(ngram_range)
    stop = stop_word_set(stop_words)
    counts: Counter[str] = Counter()
    for keep in _chunk_terms(text, stop):
        if lo == 1:
            counts.update(t for t in keep if t)
        if hi == 2:
            counts.update(f"{a} {b}" for a, b in zip(keep, keep[1:], strict=False) if a and b)
    return counts


@dataclass(frozen=True)
class TermCounts:
    """Term counts of a set of documents: a sparse ``documents x terms`` count matrix.

    Attributes:
        doc_ids: the row labels (story ids, or unit ids for topic units), in input order.
        terms: the column labels, sorted alphabetically.
        matrix: ``scipy.sparse.csr_matrix`` of int64 counts.
    """

    doc_ids: tuple[str, ...]
    terms: tuple[str, ...]
    matrix: sp.csr_matrix = field(repr=False)

    @classmethod
    def from_counters(cls, counters: Mapping[str, Mapping[str, int]]) -> TermCounts:
        """Build from one ``Counter`` per document (e.g. cached :func:`text_terms` results).

        >>> tc = TermCounts.from_counters({"a": {"oil": 2}, "b": {"gas": 1, "oil": 1}})
        >>> tc.terms, tc.matrix.toarray().tolist()
        (('gas', 'oil'), [[0, 2], [1, 1]])
        """
        doc_ids = tuple(str(k) for k in counters)
        terms = tuple(sorted({t for c in counters.values() for t in c}))
        index = {t: i for i, t in enumerate(terms)}
        indptr = [0]
        indices: list[int] = []
        data: list[int] = []
        for counter in counters.values():
            cols = sorted((index[t], int(n)) for t, n in counter.items() if n)
            indices.extend(c for c, _ in cols)
            data.extend(n for _, n in cols)
            indptr.append(len(indices))
        matrix = sp.csr_matrix(
            (np.array(data, dtype=np.int64), np.array(indices, dtype=np.int64), indptr),
            shape=(len(doc_ids), len(terms)),
        )
        return cls(doc_ids, terms, matrix)

    def to_frame(self) -> pd.DataFrame:
        """Long table ``doc_id, term, count`` (non-zero counts; document order, then term)."""
        coo = self.matrix.tocoo()
        frame = pd.DataFrame(
            {
                "doc_id": np.asarray(self.doc_ids, dtype=object)[coo.row],
                "term": np.asarray(self.terms, dtype=object)[coo.col],
                "count": coo.data.astype(np.int64),
                "_row": coo.row,
                "_col": coo.col,
            }
        )
        frame = frame.sort_values(["_row", "_col"], kind="stable").drop(columns=["_row", "_col"])
        return frame.reset_index(drop=True)


def term_counts(
    stories: pd.DataFrame,
    *,
    ngram_range: Sequence[int] = (1, 2),
    stop_words: Iterable[str] | None = None,
) -> TermCounts:
    """Per-story term counts (the input of distinctive terms, TF-IDF and similarity).

    Args:
        stories: the corpus' stories table (``story_id``, ``text``); not mutated.
        ngram_range, stop_words: see :func:`text_terms`.

    Returns:
        :class:`TermCounts` with one row per story, in the table's order.

    Raises:
        ParameterError: missing columns or a bad ``ngram_range``.
    """
    check_stories(stories)
    check_ngram_range(ngram_range)
    stop = stop_word_set(stop_words)
    counters = {
        sid: text_terms(text, ngram_range=ngram_range, stop_words=stop)
        for sid, text in zip(stories["story_id"], stories["text"], strict=True)
    }
    return TermCounts.from_counters(counters)


def resolve_counts(
    stories: pd.DataFrame, counts: TermCounts | None, ngram_range: Sequence[int]
) -> TermCounts:
    """``counts`` when they were built from ``stories``; :func:`term_counts` when ``None``.

    Raises:
        ParameterError: ``counts`` is not a :class:`TermCounts`, or its rows are not the stories.
    """
    if counts is None:
        return term_counts(stories, ngram_range=ngram_range)
    if not isinstance(counts, TermCounts):
        raise ParameterError(f"counts must be a TermCounts, got {type(counts).__name__}")
    if list(counts.doc_ids) != [str(s) for s in stories["story_id"]]:
        raise ParameterError(
            "counts do not match stories: build them with term_counts(stories) on the same "
            "table (same stories in the same order)"
        )
    return counts


def ngram_sizes(terms: np.ndarray) -> np.ndarray:
    """The number of words of each term (1 for a unigram, 2 for a bigram).

    >>> ngram_sizes(np.array(["oil", "oil price"], dtype=object)).tolist()
    [1, 2]
    """
    # counted term by term: a fixed-width copy (``astype(str)``) is as wide as the longest
    # term for every term (0.3 GB for the 0.4 million terms of 25,000 stories)
    return np.fromiter((str(t).count(" ") + 1 for t in terms), dtype=int, count=len(terms))


def top_term_rows(
    scores: np.ndarray, eligible: np.ndarray, terms: np.ndarray, ngram: np.ndarray, top_n: int
) -> np.ndarray:
    """Indices of the ``top_n`` eligible terms: score desc, then unigrams first, then term asc.

    Scores are compared rounded to 12 decimals, so float noise does not break ties.
    """
    idx = np.flatnonzero(eligible)
    if len(idx) == 0:
        return idx
    order = np.lexsort((terms[idx], ngram[idx], -np.round(scores[idx], 12)))
    return idx[order[:top_n]]


def tfidf_transformer() -> Any:
    """An unfitted scikit-learn ``TfidfTransformer`` with the package's TF-IDF settings."""
    from sklearn.feature_extraction.text import TfidfTransformer

    return TfidfTransformer(sublinear_tf=True, smooth_idf=True, norm="l2")


def tfidf_weights(matrix: sp.spmatrix) -> sp.csr_matrix:
    """Sublinear-tf, smoothed-idf, l2-normalised TF-IDF of a document x term count matrix.

    The weights of the last matrix are kept (read-only) and returned again for the same matrix
    object, so the similarity heatmap, the nearest neighbours and the near-duplicates of one
    report share one weights object (and :mod:`analysis.language.similarity` its products).
    """
    return _LAST_WEIGHTS.get(matrix, lambda: _read_only(tfidf_matrix(matrix)))


def _read_only(weights: sp.csr_matrix) -> sp.csr_matrix:
    for array in (weights.data, weights.indices, weights.indptr):
        array.flags.writeable = False
    return weights


def document_frequencies(matrix: sp.spmatrix) -> np.ndarray:
    """The number of rows with a positive count in each column: ``(matrix > 0).sum(axis=0)``,
    without the boolean copy of the matrix when every stored count is positive and stored once.

    >>> document_frequencies(sp.csr_matrix(np.array([[1, 0, 2], [3, 0, 0]]))).tolist()
    [2, 0, 1]
    """
    x = matrix.tocsr()
    if x.nnz and x.has_canonical_format and x.data.min() > 0:
        return np.bincount(x.indices, minlength=x.shape[1]).astype(np.int64)
    return np.asarray((x > 0).sum(axis=0)).ravel().astype(np.int64)


def tfidf_matrix(matrix: sp.spmatrix) -> sp.csr_matrix:
    """What ``tfidf_transformer().fit_transform(matrix)`` gives, bit for bit, without importing
    scikit-learn (1.5-2 s of a report kernel's start; a report whose topic model and clusters
    come from the cache needs nothing else from it). The same operations in the same order:

    - ``idf = ln((n + 1) / (df + 1)) + 1`` (smoothed: ``n`` documents, ``df`` documents with
      the term);
    - every count ``c`` becomes ``(ln c + 1) * idf`` (sublinear tf);
    - each row is divided by its l2 norm, the squares summed left to right as scikit-learn's
      ``inplace_csr_row_normalize_l2`` does (rows without terms are left as they are).

    ``tests/test_language_terms.py`` checks that the two are equal to the last bit. The
    weights are computed in place, :data:`TFIDF_BLOCK_ROWS` rows at a time, so no temporary
    array as long as the matrix is made (at 25,000 stories three of them took 0.4 GB).
    """
    x = sp.csr_matrix(matrix, dtype=np.float64, copy=True)
    del matrix  # a slice made for this call goes now
    n = x.shape[0]
    df = np.bincount(x.indices, minlength=x.shape[1]).astype(np.float64)
    idf = np.log((n + 1) / (df + 1.0)) + 1.0
    np.log(x.data, x.data)
    x.data += 1.0
    indptr = x.indptr
    sums = np.zeros(n)
    for first in range(0, n, TFIDF_BLOCK_ROWS):
        last = min(first + TFIDF_BLOCK_ROWS, n)
        block = x.data[indptr[first] : indptr[last]]
        block *= idf[x.indices[indptr[first] : indptr[last]]]
        squares = block * block
        starts = indptr[first:last] - indptr[first]
        for row in np.flatnonzero(np.diff(indptr[first : last + 1])):
            # add.accumulate sums in order (no pairing), as scikit-learn does
            sums[first + row] = np.add.accumulate(
                squares[starts[row] : indptr[first + row + 1] - indptr[first]]
            )[-1]
    norms = np.sqrt(sums)
    norms[norms == 0.0] = 1.0
    for first in range(0, n, TFIDF_BLOCK_ROWS):
        last = min(first + TFIDF_BLOCK_ROWS, n)
        block = x.data[indptr[first] : indptr[last]]
        block /= np.repeat(norms[first:last], np.diff(indptr[first : last + 1]))
    return x


#: Rows of the matrix :func:`tfidf_matrix` weighs at a time.
TFIDF_BLOCK_ROWS = 2048


#: The last :func:`tfidf_weights` result, for its count matrix.
_LAST_WEIGHTS = LastResult()
