"""Distinctive terms: weighted log-odds with an informative Dirichlet prior, and TF-IDF top terms.

:func:`distinctive_terms` is the weighted log-odds ratio with an informative Dirichlet prior of
Monroe, Colaresi & Quinn (2008), *Fightin' Words: Lexical Feature Selection and Evaluation for
Identifying the Content of Political Conflict*, Political Analysis 16(4): 372-403. Each group
``i`` (a story, or the stories sharing a value of ``group``) is compared with the rest of the
corpus ``j``. With ``y_w`` the count of term ``w`` and ``n`` the total count of terms::

    alpha_w   = alpha0 * y_w(corpus) / n(corpus)               (informative prior)
    delta_w   = log((y_w^i + alpha_w) / (n^i + alpha0 - y_w^i - alpha_w))
              - log((y_w^j + alpha_w) / (n^j + alpha0 - y_w^j - alpha_w))
    var(delta_w) ~= 1 / (y_w^i + alpha_w) + 1 / (y_w^j + alpha_w)
    z_w       = delta_w / sqrt(var(delta_w))

The prior is Monroe et al.'s informative prior estimated from the corpus itself: by default
``alpha0 = n(corpus)``, so ``alpha_w`` is the corpus count of ``w``. Checked on the seeds (one
1,164-term analysis, three 58-81-term leads), where the prior outweighs a lead's own counts
about 20 to 1: the ranking still makes sense (JAPAN: ``japan`` first, then words found only
in that lead; RUSSIA: ``russia``, ``maduro``, ``military``, ``venezuela``, ``moscow``), but
z is shrunk (``russia``, 23 times in RUSSIA and never elsewhere, gets z = 0.85). A weaker
prior, ``alpha0 = min(n^i, n^j)``, raises z but mis-ranks the leads: a zero count in the rest
gets a huge variance ``1 / alpha_w``, so ``bolstering`` (once in JAPAN, once in RUSSIA)
outranks ``budget`` (once in JAPAN, never elsewhere), the reverse of Fisher's exact test
(p = 0.09 against 0.045). On 2,505 AllSides articles (each rating vs the rest) both give
nearly the same top terms. Read the ranking; on short texts |z| is small and ``z > 1.96``
(flagged ``significant``: two-sided 5 % per term, no multiple-test correction) is rarely
reached.

:func:`tfidf_terms` gives plain TF-IDF top terms for comparison (mean of the l2-normalised,
sublinear-tf TF-IDF vectors of the group's stories; idf over stories, scikit-learn's smoothed
``idf = ln((1 + N) / (1 + df)) + 1``, see :mod:`analysis.language.terms`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis._checks import positive_int
from analysis.errors import ParameterError
from analysis.language.data import stop_words
from analysis.language.tables import check_group, check_stories, group_matrix, group_values
from analysis.language.terms import (
    TermCounts,
    ngram_sizes,
    resolve_counts,
    tfidf_weights,
    top_term_rows,
)

__all__ = [
    "DISTINCTIVE_COLUMNS",
    "TFIDF_COLUMNS",
    "Z_SIGNIFICANT",
    "distinctive_terms",
    "tfidf_terms",
]

#: z above which a distinctive term is flagged significant (two-sided 5 %).
Z_SIGNIFICANT = 1.96

DISTINCTIVE_COLUMNS = [
    "group",
    "rank",
    "term",
    "ngram",
    "z",
    "delta",
    "count",
    "count_rest",
    "per_1000",
    "per_1000_rest",
    "n_stories",
    "n_sources",
    "significant",
]
TFIDF_COLUMNS = ["group", "rank", "term", "ngram", "tfidf", "count"]


def _spread(
    stories: pd.DataFrame, tc: TermCounts, labels: list[str], index: np.ndarray, source: str
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Per group and term: number of stories, and of distinct sources, using the term (sparse:
    groups x terms is 25,000 x 400,000 for the stories of a large corpus)."""
    used = (tc.matrix > 0).astype(np.float64)
    n_stories = sp.csr_matrix(group_matrix(len(labels), index) @ used)
    if source in stories.columns:
        values = [
            f"story:{sid}" if pd.isna(v) else f"source:{v}"
            for sid, v in zip(stories["story_id"], stories[source], strict=True)
        ]
    else:
        values = [f"story:{sid}" for sid in stories["story_id"]]
    pairs = list(zip(index.tolist(), values, strict=True))
    pair_ids = {p: i for i, p in enumerate(dict.fromkeys(pairs))}
    pair_index = np.array([pair_ids[p] for p in pairs], dtype=np.int64)
    by_pair = (group_matrix(len(pair_ids), pair_index) @ used) > 0
    pair_group = np.array([g for g, _ in pair_ids], dtype=np.int64)
    n_sources = group_matrix(len(labels), pair_group) @ by_pair.astype(np.float64)
    return n_stories, sp.csr_matrix(n_sources)


def _sorted_row(matrix: sp.csr_matrix, row: int) -> tuple[np.ndarray, np.ndarray]:
    """The stored columns of ``matrix``'s row ``row`` in increasing order, and their values."""
    line = matrix.getrow(row)
    order = np.argsort(line.indices, kind="stable")
    return line.indices[order], line.data[order]


def _row_values(matrix: sp.csr_matrix, row: int, columns: np.ndarray) -> np.ndarray:
    """``matrix[row, columns]`` as a dense vector (``columns`` sorted)."""
    where, values = _sorted_row(matrix, row)
    if len(where) == 0:
        return np.zeros(len(columns))
    at = np.minimum(np.searchsorted(where, columns), len(where) - 1)
    return np.where(where[at] == columns, values[at], 0.0)


#: Words that describe a kind of outlet rather than name it ("NPR Online News" is named "npr").
OUTLET_WORDS = frozenset(
    "news online web blog opinion media daily weekly magazine network radio tv channel".split()
)


def source_names(stories: pd.DataFrame, index: np.ndarray, n_groups: int, source: str) -> list:
    """Per group, the word sequences naming its stories' sources (``"CNN (Web News)"`` ->
    ``("cnn",)``, ``"Washington Times"`` -> ``("washington", "times")``, ``"Fox News"`` ->
    ``("fox", "news")`` and ``("fox",)`` and the web address word ``("foxnews",)``): the value
    with any bracketed part and any `` - suffix`` cut off, lower-cased, stop words left out, and
    again without trailing :data:`OUTLET_WORDS`."""
    names: list[set[tuple[str, ...]]] = [set() for _ in range(n_groups)]
    if source not in stories.columns:
        return names
    stop = stop_words()
    for g, value in zip(index.tolist(), stories[source], strict=True):
        if pd.isna(value):
            continue
        core = re.sub(r"\([^)]*\)", " ", str(value).lower()).split(" - ")[0]
        words = tuple(w for w in re.findall(r"[a-z0-9]+", core) if w not in stop)
        short = words
        while len(short) > 1 and short[-1] in OUTLET_WORDS:
            short = short[:-1]
        for name in {words, short, ("".join(words),)}:
            if name and name != ("",):
                names[g].add(name)
    return names


def _term_words(terms: np.ndarray, wanted: set[str]) -> dict[str, list[int]]:
    """Word -> indices of the terms containing it (for :func:`_names_source`), for the words
    of ``wanted`` (the first words of the names) and the words with a period (web addresses,
    :func:`_word_addresses`) only."""
    index: dict[str, list[int]] = {}
    if not len(terms):
        return index
    # the few candidate terms first, in one vectorised search (pyarrow's RE2)
    words = "|".join(re.escape(w) for w in sorted(wanted, key=len, reverse=True))
    pattern = r"\." if not words else rf"\.|(?:^| )(?:{words})(?: |$)"
    found = pd.Series(terms, dtype="string[pyarrow]").str.contains(pattern, regex=True)
    for i in np.flatnonzero(found.to_numpy(dtype=bool, na_value=False)).tolist():
        for word in set(terms[i].split()):
            if word in wanted or "." in word:
                index.setdefault(word, []).append(i)
    return index


def _word_addresses(words: dict[str, list[int]]) -> dict[str, list[list[int]]]:
    """A one-word name also matches its web address ("foxnews.com"): every word that starts
    with the name and a period, found by the word's parts before each of its periods (built
    once per call of :func:`distinctive_terms`, not once per group)."""
    addresses: dict[str, list[list[int]]] = {}
    for word, ids in words.items():
        cut = word.find(".")
        while cut != -1:
            addresses.setdefault(word[:cut], []).append(ids)
            cut = word.find(".", cut + 1)
    return addresses


def _names_source(
    terms: np.ndarray,
    names: set[tuple[str, ...]],
    words: dict[str, list[int]],
    addresses: dict[str, list[list[int]]],
) -> np.ndarray:
    """Whether each term contains one of ``names`` as consecutive words (or, for a one-word
    name, its web address: ``addresses`` from :func:`_word_addresses`)."""
    out = np.zeros(len(terms), dtype=bool)
    for name in names:
        if len(name) == 1:
            for ids in addresses.get(name[0], ()):
                out[ids] = True
        for i in words.get(name[0], ()):
            parts = tuple(terms[i].split())
            n = len(name)
            out[i] |= any(parts[j : j + n] == name for j in range(len(parts) - n + 1))
    return out


def _log_odds(
    y_i: np.ndarray, y_j: np.ndarray, a0: float, a_w: np.ndarray, n: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """``(delta, z)`` of terms with group counts ``y_i`` against the rest ``y_j``, the totals
    of the group and of the rest being ``n``."""
    n_i, n_j = n
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log((y_i + a_w) / (n_i + a0 - y_i - a_w)) - np.log(
            (y_j + a_w) / (n_j + a0 - y_j - a_w)
        )
        var = 1.0 / (y_i + a_w) + 1.0 / (y_j + a_w)
        z = delta / np.sqrt(var)
    return delta, z


def _check_alpha0(alpha0: float | None) -> None:
    if alpha0 is not None and (
        isinstance(alpha0, bool) or not isinstance(alpha0, int | float) or not alpha0 > 0
    ):
        raise ParameterError(f"alpha0 must be a positive number or None, got {alpha0!r}")


def _group_table(
    label: str,
    top: np.ndarray,
    terms: np.ndarray,
    ngram: np.ndarray,
    scores: tuple[np.ndarray, np.ndarray],
    counts: tuple[np.ndarray, np.ndarray],
    spread: tuple[np.ndarray, np.ndarray],
    n: tuple[float, float],
) -> pd.DataFrame:
    """The rows of one group's ``top`` terms; ``scores`` are ``(delta, z)``, ``counts`` are
    ``(y_i, y_j)``, ``spread`` the group's ``(n_stories, n_sources)`` per term and ``n`` the
    total counts of the group and of the rest."""
    (delta, z), (y_i, y_j), (n_stories, n_sources) = scores, counts, spread
    return pd.DataFrame(
        {
            "group": label,
            "rank": np.arange(1, len(top) + 1, dtype=np.int64),
            "term": terms[top],
            "ngram": ngram[top].astype(np.int64),
            "z": z[top],
            "delta": delta[top],
            "count": y_i[top].astype(np.int64),
            "count_rest": y_j[top].astype(np.int64),
            "per_1000": 1000 * y_i[top] / n[0],
            "per_1000_rest": 1000 * y_j[top] / n[1],
            "n_stories": n_stories[top].astype(np.int64),
            "n_sources": n_sources[top].astype(np.int64),
            "significant": z[top] > Z_SIGNIFICANT,
        }
    )


def distinctive_terms(
    stories: pd.DataFrame,
    *,
    group: str = "story_id",
    top_n: int = 15,
    ngram_range: Sequence[int] = (1, 2),
    alpha0: float | None = None,
    min_count: int = 1,
    min_sources: int = 1,
    source: str = "outlet",
    counts: TermCounts | None = None,
    own_names: str | None = None,
) -> pd.DataFrame:
    """Terms that distinguish each group from the rest (Monroe et al. 2008 weighted log-odds).

    Args:
        stories: the corpus' stories table; not mutated.
        group: the column whose values are compared one against the rest (``story_id``,
            ``outlet``, ``bias_label``, ``topic`` ...). Missing values form ``"(missing)"``.
        top_n: terms kept per group (highest z first; ties: unigrams first, then by term).
        ngram_range: see :func:`~analysis.language.terms.text_terms`.
        alpha0: prior strength in pseudo-counts; ``None`` = the corpus' total term count, so
            the prior count of a term is its corpus count (see the module docstring for why).
        min_count: a term must occur at least this often in the group.
        min_sources: a term must be used by stories of at least this many different
            ``source`` values within the group (1 = no filter). Drops one outlet's habits and
            page furniture (AllSides, left vs right, ``min_sources=3``: "hide caption", "daily
            newsletters"), not furniture several outlets share ("photos", "copyright"): remove
            that from the text before the analysis.
        source: the story column naming a story's source (a missing value, or a missing
            column, counts each story as its own source).
        counts: precomputed :func:`~analysis.language.terms.term_counts` of ``stories`` (same
            rows, same order).
        own_names: a story column naming sources (``"outlet"``): a group's terms that contain
            the name of one of its own stories' values are left out (an outlet naming itself,
            "washington times", "told cnn", is not a difference in how it tells a story; see
            :func:`source_names`). ``None`` keeps every term.

    Returns:
        One row per (group, term): ``group`` (str), ``rank`` (1..top_n), ``term``, ``ngram``
        (1 or 2), ``z``, ``delta`` (log-odds ratio), ``count`` and ``count_rest``, ``per_1000``
        and ``per_1000_rest`` (per 1,000 counted terms), ``n_stories`` and ``n_sources`` (of the
        group using the term), ``significant`` (``z > 1.96``).
        Groups in order of first appearance, then rank. A corpus with one group, or no terms,
        gives an empty table.

    Raises:
        ParameterError: unknown ``group``, bad ``top_n``/``min_count``/``alpha0``, counts that
            do not match the stories.

    >>> from analysis import load_corpus
    >>> t = distinctive_terms(load_corpus().stories, top_n=3)
    >>> t.loc[t["group"].str.startswith("the-sudden"), "term"].tolist()
    ['russia', 'maduro', 'military']
    """
    check_stories(stories, counts=counts)
    check_group(stories, group)
    top_n = positive_int(top_n, "top_n")
    min_count = positive_int(min_count, "min_count")
    min_sources = positive_int(min_sources, "min_sources")
    _check_alpha0(alpha0)
    empty = pd.DataFrame(columns=DISTINCTIVE_COLUMNS)
    if stories.empty:
        return empty
    tc = resolve_counts(stories, counts, ngram_range)
    labels, index = group_values(stories, group)
    if len(labels) < 2 or not tc.terms:
        return empty
    grouped = (group_matrix(len(labels), index) @ tc.matrix.astype(np.float64)).tocsr()
    total = np.asarray(grouped.sum(axis=0)).ravel()
    n_total = total.sum()
    terms = np.asarray(tc.terms, dtype=object)
    ngram = ngram_sizes(terms)
    prior_share = total / n_total
    n_stories, n_sources = _spread(stories, tc, labels, index, source)
    a0 = float(alpha0) if alpha0 is not None else float(n_total)
    a_w = a0 * prior_share
    names = source_names(stories, index, len(labels), own_names) if own_names else None
    words = _term_words(terms, {n[0] for group in names for n in group}) if names else {}
    addresses = _word_addresses(words)
    frames = []
    for g, label in enumerate(labels):
        # Only the terms the group uses can qualify (min_count >= 1), so each group is scored
        # on its own terms: the same numbers as on the whole vocabulary, at the cost of the
        # group's terms, not of the vocabulary (25,000 stories x 400,000 terms otherwise).
        cols, y_i = _sorted_row(grouped, g)
        n_i = y_i.sum()
        n_j = n_total - n_i
        if n_i == 0 or n_j == 0:
            continue
        y_j = total[cols] - y_i
        delta, z = _log_odds(y_i, y_j, a0, a_w[cols], (n_i, n_j))
        spread = (_row_values(n_stories, g, cols), _row_values(n_sources, g, cols))
        eligible = (y_i >= min_count) & np.isfinite(z) & (spread[1] >= min_sources)
        if names is not None:
            eligible &= ~_names_source(terms, names[g], words, addresses)[cols]
        top = top_term_rows(z, eligible, terms[cols], ngram[cols], top_n)
        frames.append(
            _group_table(
                label,
                top,
                terms[cols],
                ngram[cols],
                (delta, z),
                (y_i, y_j),
                spread,
                (n_i, n_j),
            )
        )
    return _concat_terms(frames, DISTINCTIVE_COLUMNS)


def _concat_terms(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """One table of the groups' term frames (``group`` and ``term`` as str); empty if none."""
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    out["group"] = out["group"].astype(str)
    out["term"] = out["term"].astype(str)
    return out[columns]


def tfidf_terms(
    stories: pd.DataFrame,
    *,
    group: str = "story_id",
    top_n: int = 15,
    ngram_range: Sequence[int] = (1, 2),
    counts: TermCounts | None = None,
) -> pd.DataFrame:
    """Top TF-IDF terms of each group, for comparison with :func:`distinctive_terms`.

    The score of a term for a group is the mean TF-IDF weight over the group's stories
    (documents are stories; sublinear tf, smoothed idf, l2 norm).

    Returns:
        ``group``, ``rank``, ``term``, ``ngram``, ``tfidf``, ``count`` (in the group); groups in
        order of first appearance, then rank (ties by term).

    Raises:
        ParameterError: unknown ``group``, bad ``top_n``, mismatched ``counts``.
    """
    check_stories(stories, counts=counts)
    check_group(stories, group)
    top_n = positive_int(top_n, "top_n")
    if stories.empty:
        return pd.DataFrame(columns=TFIDF_COLUMNS)
    tc = resolve_counts(stories, counts, ngram_range)
    if not tc.terms:
        return pd.DataFrame(columns=TFIDF_COLUMNS)
    labels, index = group_values(stories, group)
    weights = tfidf_weights(tc.matrix)
    membership = group_matrix(len(labels), index)
    sizes = np.asarray(membership.sum(axis=1)).ravel()
    mean = sp.csr_matrix(sp.diags(1.0 / sizes) @ (membership @ weights))
    grouped_counts = (membership @ tc.matrix.astype(np.float64)).tocsr()
    terms = np.asarray(tc.terms, dtype=object)
    ngram = ngram_sizes(terms)
    frames = []
    for g, label in enumerate(labels):
        cols, score = _sorted_row(mean, g)  # only the group's own terms can score above 0
        top = top_term_rows(score, score > 0, terms[cols], ngram[cols], top_n)
        frames.append(
            pd.DataFrame(
                {
                    "group": label,
                    "rank": np.arange(1, len(top) + 1, dtype=np.int64),
                    "term": terms[cols][top],
                    "ngram": ngram[cols][top].astype(np.int64),
                    "tfidf": score[top],
                    "count": _row_values(grouped_counts, g, cols)[top].astype(np.int64),
                }
            )
        )
    return _concat_terms(frames, TFIDF_COLUMNS)
