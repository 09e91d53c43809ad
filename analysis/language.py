"""Topics and language: distinctive terms, topics, similarity, actors and quotations.

Every function takes the corpus' tidy tables (``stories``, ``sentences`` or the whole
:class:`~analysis.corpus.Corpus`) first, keyword-only options after, and returns new tables sorted
on explicit keys; inputs are never mutated and the same input gives identical output.

Terms
    One vocabulary rule everywhere (:func:`story_terms`): the text is cut into chunks at
    punctuation (``, ; : ! ? ( ) " [ ] —``, a ``.`` closing a lower-case word, and newlines);
    each chunk is tokenised by :func:`analysis.normalize.tokenize` (lower case); a possessive
    ``'s`` is removed (``russia's`` -> ``russia``); tokens without a letter or of one character
    are dropped. Unigrams are the tokens that are not stop words; bigrams are two adjacent tokens
    of a chunk, neither of them a stop word (``foreign ministry``; ``department of justice``
    gives no bigram). The stop words are scikit-learn's English list with the changes listed in
    ``data/language/stop_words.txt``. :func:`term_counts` returns the counts as a sparse
    story x term matrix (:class:`TermCounts`); a cached pipeline can store one :class:`Counter`
    per story (:func:`story_terms`) and rebuild the matrix with :meth:`TermCounts.from_counters`.

Distinctive terms (:func:`distinctive_terms`)
    Weighted log-odds ratio with an informative Dirichlet prior, Monroe, Colaresi & Quinn (2008),
    *Fightin' Words: Lexical Feature Selection and Evaluation for Identifying the Content of
    Political Conflict*, Political Analysis 16(4): 372-403. Each group ``i`` (a
    story, or the stories sharing a value of ``group``) is compared with the rest of the corpus
    ``j``. With ``y_w`` the count of term ``w`` and ``n`` the total count of terms::

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
    ``idf = ln((1 + N) / (1 + df)) + 1``).

Topics (:func:`topic_model`)
    Non-negative matrix factorisation of the unit x term TF-IDF matrix, ``X ~= W H``
    (scikit-learn ``NMF``, Frobenius loss, coordinate descent, ``init="nndsvda"``,
    ``random_state=seed``). Units (``unit="auto"``, :func:`choose_unit`): whole stories when
    there are at least :data:`MIN_TOPIC_UNITS` (2,505 AllSides articles), else paragraphs when
    there are at least :data:`MIN_PARAGRAPH_UNITS` (the seeds: 17), else sentences. On the seeds,
    sentence units let the 48 sentences of the long story absorb the leads (JAPAN's two sentences
    went 100 % to an "influence / u.s / russia" topic); paragraphs keep each lead's words together
    and give JAPAN and LOS_ANGELES topics of their own. Number of topics (``n_topics=None``,
    :func:`auto_n_topics`): ``round(sqrt(n_units / 2))`` (the rule of thumb for a number of
    clusters given by Mardia, Kent & Bibby 1979, *Multivariate Analysis*), at least
    ``2 * n_stories`` when the units are passages of a handful of stories (each story can get a
    topic of its own and one shared), clipped to ``[2, MAX_AUTO_TOPICS]`` and to
    ``n_units - 1``; the cap of 10 is a readability limit for labels and charts, not a
    statistical choice. (Topic coherence - NPMI of the top terms over units - was tried as a
    criterion: on the seeds' 17 paragraphs it grows with k, from 0.47 at k = 4 to 0.80 at
    k = 10, as topics shrink to single paragraphs, so it cannot choose.) With 200 units or
    more, terms in fewer than 2 units or more than 95 % of units are left out of the model.
    Each unit's ``fit`` is ``1 - |x - wH|^2 / |x|^2``.
    A topic's label is its three heaviest terms in ``H`` (a term containing, or contained in, a
    term already chosen is skipped). A story's topic share is
    ``sum_u W[u, t] / sum_u sum_t W[u, t]`` over its units.
    The typical sentences of a topic are the sentences (of at least 6 words) with the largest
    weight for the topic once projected on ``H`` (``NMF.transform``), searched in the 20 units
    heaviest on the topic. Topics are numbered 1..k by decreasing total weight.

Similarity (:func:`similarity_matrix`, :func:`nearest_neighbours`, :func:`near_duplicates`)
    Cosine similarity of the stories' TF-IDF vectors (as above). ``similarity_matrix`` is dense
    (story x story, or group x group: cosine of the groups' mean vectors); for large corpora use
    ``nearest_neighbours``, computed in row blocks of at most :data:`SIMILARITY_BLOCK_CELLS`
    cells, so memory grows with ``n``, not ``n^2``. Pairs at or above
    :data:`NEAR_DUPLICATE_THRESHOLD` (0.8) are near-duplicates; pairs at or above
    :data:`RELATED_THRESHOLD` (0.2) are about the same event (see the constants for the
    AllSides distribution these were read from).

Actors (:func:`actor_mentions`, :func:`actors`)
    No statistical model (nothing is downloaded): capitalised sequences of each sentence
    (connectors ``of``, ``of the``, ``for``, ``and``, ``de`` ... allowed inside; a possessive
    ``'s``, punctuation or a lower-case word ends one), then rules with small data files:
    ``places.csv`` and ``organisations.csv`` (gazetteers with aliases: ``U.S.`` -> United States,
    ``DOJ`` -> Department of Justice), ``designators.csv`` (person titles split off a name,
    ``Venezuelan President Nicolás Maduro`` -> Nicolás Maduro; ``Ministry``/``Party`` make an
    organisation, ``County`` a place, ``Operation``/``War`` an event), ``not_names.txt`` (months,
    weekdays, sentence openers). A sequence opening a sentence (or a quotation) loses leading
    stop words, openers and ``-ly`` adverbs; a remaining single word is kept only if it is in a
    gazetteer or appears capitalised inside a sentence elsewhere in the story (``Sources suggest``
    is dropped, ``Moscow demanded`` kept). A word that only names a nationality (``Venezuelan``)
    is not an actor. Merging within a story: gazetteer aliases; ``Name (ACR)`` definitions; a
    one-word mention equal to the last word of a person's full name merges into the most recent
    full name before it (or, if none, the first after it); ``Nicholas "Nick" Reiner`` is one
    person. Type: gazetteer, then designators, then all-capital acronyms (org), then two to four
    name-like words (person), else ``other``.
    **Precision on the seeds** (hand-checked; the full list is a test in
    ``tests/test_language.py``): 37 actors extracted, 36 are real named entities with the right
    extent (97 %) - the error is ``Chavista``, an adjective; 33 of 37 also have the right type
    (89 %) - ``Rosneft`` (an oil company), ``Trump`` (in "Trump administration") and
    ``Brentwood`` (a district) are typed ``other``. Counts checked against the text: Russia 25,
    United States 20 (``U.S.`` 17 + "United States" 3), Nicolás Maduro 15. Missed on purpose:
    nationality adjectives (``Russian``, ``Soviet``). Recall was not measured (no gold
    annotation); on news with many unknown organisations expect more ``other`` types.

Quotations (:func:`quotes`)
    Direct quotations are the spans between ASCII double quotes of a paragraph (quotes are ASCII
    after normalisation; an unclosed quote runs to the end of the paragraph, the news convention
    for a quote continued in the next paragraph). Each is classified, in this order:

    1. ``name`` - a nickname between two capitalised words (``Nicholas "Nick" Reiner``), a quote
       following a naming verb (``dubbed "Operation Absolute Resolve,"``), or a quote of two to
       six words that are all capitalised (small words like ``of`` aside): a name, not speech.
    2. ``speech`` - attributed: *quote-verb-speaker* (``"...," said X`` / ``"...," X said``),
       *according to X*, or *speaker-verb-quote*: the nearest speech verb of
       ``speech_verbs.csv`` before the quote in the same sentence, at most
       :data:`MAX_VERB_DISTANCE` words before it and not passive (``was called``); the speaker is
       the actor mention or noun phrase just before the verb (adverbs skipped):
       ``The Russian Foreign Ministry vehemently condemned the U.S. action as "armed
       aggression"`` -> speaker Russian Foreign Ministry, verb condemned.
    3. ``scare`` - an unattributed quote of at most :data:`MAX_SCARE_WORDS` words
       (``"shadow fleet"``); ``unattributed`` - a longer one.

    Speakers that are an actor mention are given the actor's merged name (``speaker_kind``
    ``named``); otherwise the noun phrase (``descriptive``: "Some analysts") or pronoun.
"""

from __future__ import annotations

import csv
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis import config
from analysis.errors import CodebookError, ParameterError
from analysis.normalize import _TOKEN, tokenize
from analysis.safe import escape_markdown

__all__ = [
    "MAX_AUTO_TOPICS",
    "MIN_PARAGRAPH_UNITS",
    "MIN_TOPIC_UNITS",
    "NEAR_DUPLICATE_THRESHOLD",
    "RELATED_THRESHOLD",
    "TermCounts",
    "TopicModel",
    "actor_mentions",
    "actors",
    "auto_n_topics",
    "choose_unit",
    "describe",
    "distinctive_terms",
    "language_data",
    "near_duplicates",
    "nearest_neighbours",
    "quote_summary",
    "quotes",
    "similarity_matrix",
    "stop_words",
    "story_terms",
    "term_counts",
    "tfidf_terms",
    "topic_model",
]

LANGUAGE_DATA_DIR = config.DATA_DIR / "language"

#: Pairs of stories with TF-IDF cosine at or above this are flagged near-duplicates (one
#: article re-published or lightly edited). No pair of the 2,505 AllSides articles reaches it (the
#: maximum, 0.71, is two CNN pieces on one event that share page boilerplate).
NEAR_DUPLICATE_THRESHOLD = 0.8
#: Pairs at or above this are about the same event or narrow subject (on AllSides, 313 of 3.1
#: million pairs, 0.01 %: two outlets on one Supreme Court ruling at 0.26, two monthly jobs
#: reports at 0.21; pairs on the same AllSides topic have a median of 0.04 and a 99th percentile
#: of 0.13). The four seed stories are all below it.
RELATED_THRESHOLD = 0.2
#: ``unit="auto"`` models whole stories when there are at least this many.
MIN_TOPIC_UNITS = 40
#: ... else paragraphs when there are at least this many, else sentences.
MIN_PARAGRAPH_UNITS = 10
#: Upper limit of the automatic number of topics (a readability limit).
MAX_AUTO_TOPICS = 10
#: A typical sentence of a topic has at least this many words.
MIN_TYPICAL_WORDS = 6
#: Number of heaviest units per topic searched for typical sentences.
TYPICAL_UNITS = 20
#: A speech verb at most this many words before a quote attributes it.
MAX_VERB_DISTANCE = 12
#: An unattributed quote of at most this many words is a scare quote.
MAX_SCARE_WORDS = 4
#: Largest number of cells (rows x stories) of one dense block of similarities.
SIMILARITY_BLOCK_CELLS = 20_000_000
#: ``similarity_matrix`` refuses more rows than this (use ``nearest_neighbours``).
MAX_DENSE_SIMILARITY = 5_000
#: z above which a distinctive term is flagged significant (two-sided 5 %).
Z_SIGNIFICANT = 1.96

Unit = Literal["auto", "story", "paragraph", "sentence"]

# --------------------------------------------------------------------------- method data

_DATA_FILES = {
    "stop_words": ("stop_words.txt", None),
    "not_names": ("not_names.txt", None),
    "places": ("places.csv", ("name", "kind", "aliases", "demonyms")),
    "organisations": ("organisations.csv", ("name", "aliases")),
    "designators": ("designators.csv", ("phrase", "role")),
    "speech_verbs": ("speech_verbs.csv", ("verb", "kind")),
}
_ALLOWED = {
    ("places", "kind"): {"country", "territory", "region", "state", "city"},
    ("designators", "role"): {"person_title", "org", "place", "event"},
    ("speech_verbs", "kind"): {"speech", "naming"},
}


def _data_lines(path: Path) -> list[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CodebookError(
            f"{path}: cannot read the method data file ({exc.strerror}); reinstall the package."
        ) from exc
    return [
        (n, line)
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


@cache
def _load_data(name: str, path: Path) -> pd.DataFrame | frozenset[str]:
    _, columns = _DATA_FILES[name]
    lines = _data_lines(path)
    if columns is None:
        words: set[str] = set()
        for n, line in lines:
            word = line.strip()
            if " " in word or word in words:
                problem = "contains a space" if " " in word else "is listed twice"
                raise CodebookError(f"{path}:{n}: {word!r} {problem}; one word per line.")
            words.add(word)
        return frozenset(words)
    if not lines:
        raise CodebookError(f"{path}: no header line; expected columns {list(columns)}.")
    rows = list(csv.reader(line for _, line in lines))
    header = [h.strip() for h in rows[0]]
    if tuple(header) != columns:
        raise CodebookError(f"{path}:{lines[0][0]}: header is {header}, expected {list(columns)}.")
    records = []
    seen: set[str] = set()
    for (n, _), row in zip(lines[1:], rows[1:], strict=True):
        if len(row) != len(columns):
            raise CodebookError(
                f"{path}:{n}: {len(row)} fields, expected {len(columns)} ({list(columns)}); "
                "quote a field that contains a comma."
            )
        record = dict(zip(columns, (v.strip() for v in row), strict=True))
        key = record[columns[0]]
        if not key:
            raise CodebookError(f"{path}:{n}: empty {columns[0]!r}.")
        if key in seen:
            raise CodebookError(f"{path}:{n}: {key!r} is listed twice.")
        seen.add(key)
        for col in columns[1:]:
            allowed = _ALLOWED.get((name, col))
            if allowed is not None and record[col] not in allowed:
                raise CodebookError(
                    f"{path}:{n}: {col} {record[col]!r} is not one of {sorted(allowed)}."
                )
        records.append(record)
    return pd.DataFrame(records, columns=list(columns))


def language_data(name: str, *, path: str | Path | None = None) -> pd.DataFrame | frozenset[str]:
    """Load and validate one method data file of ``analysis/data/language``.

    Args:
        name: ``"stop_words"`` or ``"not_names"`` (word lists, returned as a frozenset), or
            ``"places"``, ``"organisations"``, ``"designators"``, ``"speech_verbs"`` (CSV tables
            returned as DataFrames). Lines starting with ``#`` are comments (the source).
        path: read this file instead of the packaged one (same format).

    Returns:
        The word set or the table (a cached object: do not mutate it).

    Raises:
        ParameterError: unknown ``name``.
        CodebookError: unreadable file, wrong header, wrong number of fields, empty or
            duplicated key, or a value outside the allowed set; the message names file and line.

    >>> sorted(language_data("stop_words"))[:3]
    ['a', 'about', 'above']
    """
    if name not in _DATA_FILES:
        raise ParameterError(
            f"unknown language data {name!r}; choose one of {sorted(_DATA_FILES)}"
        )
    file_path = LANGUAGE_DATA_DIR / _DATA_FILES[name][0] if path is None else Path(path)
    return _load_data(name, file_path.resolve())


def stop_words() -> frozenset[str]:
    """The packaged stop words (scikit-learn's English list, see ``stop_words.txt``)."""
    words = language_data("stop_words")
    assert isinstance(words, frozenset)
    return words


# --------------------------------------------------------------------------- checks


def _check_ngram_range(ngram_range: Sequence[int]) -> tuple[int, int]:
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


def _check_positive_int(value: object, name: str, *, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ParameterError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(
            f"{what} lacks column(s) {missing}; its columns are {list(frame.columns)}. "
            f"Pass the corpus' {what} table (load_corpus(...).{what})."
        )


def _check_group(stories: pd.DataFrame, group: str) -> None:
    if group not in stories.columns:
        raise ParameterError(
            f"group {group!r} is not a column of stories; choose one of {list(stories.columns)}"
        )


def _group_values(stories: pd.DataFrame, group: str) -> tuple[list[str], np.ndarray]:
    """Group labels (order of first appearance) and the group index of each story."""
    values = stories[group].map(lambda v: "(missing)" if pd.isna(v) else str(v))
    labels = list(dict.fromkeys(values))
    index = {label: i for i, label in enumerate(labels)}
    return labels, np.array([index[v] for v in values], dtype=np.int64)


# --------------------------------------------------------------------------- terms

_CHUNK_BREAK = re.compile(r"[,;:!?()\"\[\]{}\u2014/\n]|(?<![A-Z])\.(?=\s|$)")


#: Per stop-word set: raw token -> its term ("" when it is not one). Tokens repeat (Zipf), so
#: cleaning each distinct token once halves the cost of counting a corpus.
_TERM_MEMO: dict[frozenset[str], dict[str, str]] = {}
_TERM_MEMO_MAX = 500_000


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
        raw = _TOKEN.findall(chunk)
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


def story_terms(
    text: str,
    *,
    ngram_range: Sequence[int] = (1, 2),
    stop_words: Iterable[str] | None = None,
) -> Counter[str]:
    """Term counts of one text under the package's vocabulary rule (see the module docstring).

    Args:
        text: normalised text (a story, paragraph or sentence).
        ngram_range: ``(1, 1)`` unigrams, ``(1, 2)`` unigrams and bigrams, ``(2, 2)`` bigrams.
        stop_words: words to leave out; ``None`` uses :func:`stop_words`, ``()`` keeps all.

    Returns:
        A ``Counter`` term -> count (bigrams are ``"word word"``).

    Raises:
        ParameterError: a bad ``ngram_range``.

    >>> story_terms("Russia's Foreign Ministry condemned the U.S. action.")
    Counter({'russia': 1, 'foreign': 1, 'ministry': 1, 'condemned': 1, 'u.s': 1, 'action': 1, \
'russia foreign': 1, 'foreign ministry': 1, 'ministry condemned': 1, 'u.s action': 1})
    """
    lo, hi = _check_ngram_range(ngram_range)
    stop = _stop_set(stop_words)
    counts: Counter[str] = Counter()
    for keep in _chunk_terms(text, stop):
        if lo == 1:
            counts.update(t for t in keep if t)
        if hi == 2:
            counts.update(f"{a} {b}" for a, b in zip(keep, keep[1:], strict=False) if a and b)
    return counts


def _stop_set(words: Iterable[str] | None) -> frozenset[str]:
    if words is None:
        return stop_words()
    if isinstance(words, str):
        raise ParameterError("stop_words must be a collection of words, not one string")
    return frozenset(w.lower() for w in words)


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
        """Build from one ``Counter`` per document (e.g. cached :func:`story_terms` results).

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
    """Per-story term counts (the input of :func:`distinctive_terms` and the TF-IDF steps).

    Args:
        stories: the corpus' stories table (``story_id``, ``text``); not mutated.
        ngram_range, stop_words: see :func:`story_terms`.

    Returns:
        :class:`TermCounts` with one row per story, in the table's order.

    Raises:
        ParameterError: missing columns or a bad ``ngram_range``.
    """
    _check_columns(stories, ["story_id", "text"], "stories")
    _check_ngram_range(ngram_range)
    stop = _stop_set(stop_words)
    counters = {
        sid: story_terms(text, ngram_range=ngram_range, stop_words=stop)
        for sid, text in zip(stories["story_id"], stories["text"], strict=True)
    }
    return TermCounts.from_counters(counters)


def _counts_for(
    stories: pd.DataFrame,
    counts: TermCounts | None,
    ngram_range: Sequence[int],
) -> TermCounts:
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


def _group_matrix(n_groups: int, index: np.ndarray) -> sp.csr_matrix:
    ones = np.ones(len(index), dtype=np.float64)
    return sp.csr_matrix((ones, (index, np.arange(len(index)))), shape=(n_groups, len(index)))


def _ngram(terms: np.ndarray) -> np.ndarray:
    return np.char.count(terms.astype(str), " ") + 1 if len(terms) else np.array([], dtype=int)


def _top_rows(
    scores: np.ndarray, eligible: np.ndarray, terms: np.ndarray, ngram: np.ndarray, top_n: int
) -> np.ndarray:
    """Indices of the ``top_n`` eligible terms: score desc, then unigrams first, then term asc."""
    idx = np.flatnonzero(eligible)
    if len(idx) == 0:
        return idx
    order = np.lexsort((terms[idx], ngram[idx], -np.round(scores[idx], 12)))
    return idx[order[:top_n]]


def _spread(
    stories: pd.DataFrame, tc: TermCounts, labels: list[str], index: np.ndarray, source: str
) -> tuple[np.ndarray, np.ndarray]:
    """Per group and term: number of stories, and of distinct sources, using the term."""
    used = (tc.matrix > 0).astype(np.float64)
    n_stories = np.asarray((_group_matrix(len(labels), index) @ used).todense())
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
    by_pair = (_group_matrix(len(pair_ids), pair_index) @ used) > 0
    pair_group = np.array([g for g, _ in pair_ids], dtype=np.int64)
    n_sources = _group_matrix(len(labels), pair_group) @ by_pair.astype(np.float64)
    return n_stories, np.asarray(n_sources.todense())


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
) -> pd.DataFrame:
    """Terms that distinguish each group from the rest (Monroe et al. 2008 weighted log-odds).

    Args:
        stories: the corpus' stories table; not mutated.
        group: the column whose values are compared one against the rest (``story_id``,
            ``outlet``, ``bias_label``, ``topic`` ...). Missing values form ``"(missing)"``.
        top_n: terms kept per group (highest z first; ties: unigrams first, then by term).
        ngram_range: see :func:`story_terms`.
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
        counts: precomputed :func:`term_counts` of ``stories`` (same rows, same order).

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
    _check_columns(stories, ["story_id", "text"], "stories")
    _check_group(stories, group)
    top_n = _check_positive_int(top_n, "top_n")
    min_count = _check_positive_int(min_count, "min_count")
    min_sources = _check_positive_int(min_sources, "min_sources")
    if alpha0 is not None and (
        isinstance(alpha0, bool) or not isinstance(alpha0, int | float) or not alpha0 > 0
    ):
        raise ParameterError(f"alpha0 must be a positive number or None, got {alpha0!r}")
    empty = pd.DataFrame(columns=DISTINCTIVE_COLUMNS)
    if stories.empty:
        return empty
    tc = _counts_for(stories, counts, ngram_range)
    labels, index = _group_values(stories, group)
    if len(labels) < 2 or not tc.terms:
        return empty
    grouped = (_group_matrix(len(labels), index) @ tc.matrix.astype(np.float64)).tocsr()
    total = np.asarray(grouped.sum(axis=0)).ravel()
    n_total = total.sum()
    terms = np.asarray(tc.terms, dtype=object)
    ngram = _ngram(terms)
    prior_share = total / n_total
    n_stories, n_sources = _spread(stories, tc, labels, index, source)
    frames = []
    for g, label in enumerate(labels):
        y_i = grouped.getrow(g).toarray().ravel()
        y_j = total - y_i
        n_i, n_j = y_i.sum(), y_j.sum()
        if n_i == 0 or n_j == 0:
            continue
        a0 = float(alpha0) if alpha0 is not None else float(n_total)
        a_w = a0 * prior_share
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = np.log((y_i + a_w) / (n_i + a0 - y_i - a_w)) - np.log(
                (y_j + a_w) / (n_j + a0 - y_j - a_w)
            )
            var = 1.0 / (y_i + a_w) + 1.0 / (y_j + a_w)
            z = delta / np.sqrt(var)
        eligible = (y_i >= min_count) & np.isfinite(z) & (n_sources[g] >= min_sources)
        top = _top_rows(z, eligible, terms, ngram, top_n)
        frames.append(
            pd.DataFrame(
                {
                    "group": label,
                    "rank": np.arange(1, len(top) + 1, dtype=np.int64),
                    "term": terms[top],
                    "ngram": ngram[top].astype(np.int64),
                    "z": z[top],
                    "delta": delta[top],
                    "count": y_i[top].astype(np.int64),
                    "count_rest": y_j[top].astype(np.int64),
                    "per_1000": 1000 * y_i[top] / n_i,
                    "per_1000_rest": 1000 * y_j[top] / n_j,
                    "n_stories": n_stories[g][top].astype(np.int64),
                    "n_sources": n_sources[g][top].astype(np.int64),
                    "significant": z[top] > Z_SIGNIFICANT,
                }
            )
        )
    if not frames:
        return empty
    out = pd.concat(frames, ignore_index=True)
    out["group"] = out["group"].astype(str)
    out["term"] = out["term"].astype(str)
    return out[DISTINCTIVE_COLUMNS]


def _tfidf(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Sublinear-tf, smoothed-idf, l2-normalised TF-IDF (scikit-learn's TfidfTransformer)."""
    from sklearn.feature_extraction.text import TfidfTransformer

    transformer = TfidfTransformer(sublinear_tf=True, smooth_idf=True, norm="l2")
    return transformer.fit_transform(matrix.astype(np.float64)).tocsr()


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
    _check_columns(stories, ["story_id", "text"], "stories")
    _check_group(stories, group)
    top_n = _check_positive_int(top_n, "top_n")
    columns = ["group", "rank", "term", "ngram", "tfidf", "count"]
    if stories.empty:
        return pd.DataFrame(columns=columns)
    tc = _counts_for(stories, counts, ngram_range)
    if not tc.terms:
        return pd.DataFrame(columns=columns)
    labels, index = _group_values(stories, group)
    weights = _tfidf(tc.matrix)
    membership = _group_matrix(len(labels), index)
    sizes = np.asarray(membership.sum(axis=1)).ravel()
    mean = sp.diags(1.0 / sizes) @ (membership @ weights)
    grouped_counts = (membership @ tc.matrix.astype(np.float64)).tocsr()
    terms = np.asarray(tc.terms, dtype=object)
    ngram = _ngram(terms)
    frames = []
    mean = sp.csr_matrix(mean)
    for g, label in enumerate(labels):
        score = mean.getrow(g).toarray().ravel()
        top = _top_rows(score, score > 0, terms, ngram, top_n)
        frames.append(
            pd.DataFrame(
                {
                    "group": label,
                    "rank": np.arange(1, len(top) + 1, dtype=np.int64),
                    "term": terms[top],
                    "ngram": ngram[top].astype(np.int64),
                    "tfidf": score[top],
                    "count": grouped_counts.getrow(g).toarray().ravel()[top].astype(np.int64),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["group"] = out["group"].astype(str)
    out["term"] = out["term"].astype(str)
    return out[columns]


# --------------------------------------------------------------------------- topics


def auto_n_topics(n_units: int, *, n_stories: int | None = None) -> int:
    """Automatic number of topics (see the module docstring).

    ``round(sqrt(n_units / 2))``; when the units are passages of a handful of stories
    (``n_stories`` given), at least ``2 * n_stories``, so every story can have a topic of its own
    and one shared with others. Clipped to ``[2, MAX_AUTO_TOPICS]`` and to ``n_units - 1``
    (at least 1).

    >>> [auto_n_topics(n) for n in (3, 55, 200, 2505)]
    [2, 5, 10, 10]
    >>> auto_n_topics(18, n_stories=4)
    8
    """
    n_units = _check_positive_int(n_units, "n_units")
    k = round(math.sqrt(n_units / 2))
    if n_stories is not None:
        k = max(k, 2 * _check_positive_int(n_stories, "n_stories"))
    k = min(max(k, 2), MAX_AUTO_TOPICS)
    return max(1, min(k, n_units - 1))


def choose_unit(corpus) -> Literal["story", "paragraph", "sentence"]:
    """The unit ``unit="auto"`` uses (see the module docstring).

    Stories when there are at least :data:`MIN_TOPIC_UNITS`; else paragraphs when there are at
    least :data:`MIN_PARAGRAPH_UNITS`; else sentences.

    >>> from analysis import load_corpus
    >>> choose_unit(load_corpus())
    'paragraph'
    """
    stories, sentences = _corpus_tables(corpus)
    if len(stories) >= MIN_TOPIC_UNITS:
        return "story"
    n_paragraphs = len(sentences[["story_id", "paragraph_index"]].drop_duplicates())
    if n_paragraphs >= MIN_PARAGRAPH_UNITS:
        return "paragraph"
    return "sentence"


def _corpus_tables(corpus) -> tuple[pd.DataFrame, pd.DataFrame]:
    stories = getattr(corpus, "stories", None)
    sentences = getattr(corpus, "sentences", None)
    if not isinstance(stories, pd.DataFrame) or not isinstance(sentences, pd.DataFrame):
        raise ParameterError(f"expected a Corpus (load_corpus(...)), got {type(corpus).__name__}")
    _check_columns(stories, ["story_id", "text"], "stories")
    _check_columns(
        sentences,
        ["story_id", "sentence_id", "paragraph_index", "sentence_index", "text"],
        "sentences",
    )
    return stories, sentences


@dataclass(frozen=True)
class TopicModel:
    """A fitted NMF topic model and its tables (see :func:`topic_model`).

    Attributes:
        unit: the documents the model was fitted on (``story``, ``paragraph``, ``sentence``).
        n_topics: number of topics.
        topics: one row per topic: ``topic`` (1..k, by decreasing weight), ``label``,
            ``top_terms`` (comma-separated), ``weight_share`` (share of all topic weight),
            ``n_units`` (units whose heaviest topic it is).
        terms: ``topic``, ``rank``, ``term``, ``weight`` (row of ``H``), top terms per topic.
        units: ``unit_id``, ``story_id``, ``topic`` (heaviest; 0 for a unit with no weight),
            ``label``, ``weight`` (its ``W`` entry), ``share`` (of the unit's total weight),
            ``fit`` (share of the unit's squared TF-IDF norm the topics reproduce, 0-1).
        shares: ``story_id``, ``topic``, ``label``, ``share`` (story x topic, every pair; shares
            of a story sum to 1, or are all 0 for a story without any counted term).
        typical: ``topic``, ``label``, ``rank``, ``story_id``, ``sentence_id``, ``weight``,
            ``text``: the sentences most typical of each topic.
        reconstruction_error: NMF's Frobenius reconstruction error.
        n_iter: NMF iterations run.
    """

    unit: str
    n_topics: int
    topics: pd.DataFrame
    terms: pd.DataFrame
    units: pd.DataFrame
    shares: pd.DataFrame
    typical: pd.DataFrame
    reconstruction_error: float
    n_iter: int

    def shares_by(self, stories: pd.DataFrame, *, group: str = "story_id") -> pd.DataFrame:
        """Mean topic share per group of stories (``group``, ``topic``, ``label``, ``share``).

        Groups in order of first appearance in ``stories``, then topic. Does not mutate input.
        """
        _check_columns(stories, ["story_id"], "stories")
        _check_group(stories, group)
        labels, index = _group_values(stories, group)
        story_group = dict(
            zip(stories["story_id"].astype(str), (labels[i] for i in index), strict=True)
        )
        frame = self.shares.assign(group=self.shares["story_id"].map(story_group))
        frame = frame.dropna(subset=["group"])
        out = frame.groupby(["group", "topic"], sort=False, as_index=False).agg(
            label=("label", "first"), share=("share", "mean")
        )
        out["_g"] = out["group"].map({g: i for i, g in enumerate(labels)})
        out = out.sort_values(["_g", "topic"], kind="stable").drop(columns="_g")
        return out.reset_index(drop=True)[["group", "topic", "label", "share"]]


def _units(
    stories: pd.DataFrame, sentences: pd.DataFrame, unit: str
) -> tuple[list[str], list[str], list[str]]:
    """(unit ids, story ids, texts) for the chosen unit."""
    if unit == "story":
        ids = [str(s) for s in stories["story_id"]]
        return ids, ids, list(stories["text"])
    if unit == "sentence":
        return (
            [str(s) for s in sentences["sentence_id"]],
            [str(s) for s in sentences["story_id"]],
            list(sentences["text"]),
        )
    grouped = sentences.groupby(["story_id", "paragraph_index"], sort=False)["text"]
    paragraphs = grouped.agg(" ".join)
    ids = [f"{sid}/p{p}" for sid, p in paragraphs.index]
    return ids, [str(sid) for sid, _ in paragraphs.index], list(paragraphs)


def _label(terms: list[str], n: int = 3) -> str:
    chosen: list[str] = []
    for term in terms:
        words = set(term.split())
        if any(words <= set(c.split()) or set(c.split()) <= words for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == n:
            break
    return " / ".join(chosen)


def topic_model(
    corpus,
    *,
    n_topics: int | None = None,
    unit: Unit = "auto",
    ngram_range: Sequence[int] = (1, 2),
    seed: int = 0,
    top_terms: int = 10,
    n_sentences: int = 3,
    max_iter: int = 2000,
) -> TopicModel:
    """NMF topics on TF-IDF over sentences, paragraphs or articles (see the module docstring).

    Args:
        corpus: a :class:`~analysis.corpus.Corpus`; not mutated.
        n_topics: number of topics; ``None`` = :func:`auto_n_topics` of the number of units.
        unit: ``"auto"`` (:func:`choose_unit`), ``"story"``, ``"paragraph"`` or ``"sentence"``.
        ngram_range: see :func:`story_terms`.
        seed: ``random_state`` of NMF (the ``nndsvda`` start is itself deterministic).
        top_terms: terms listed per topic.
        n_sentences: typical sentences listed per topic.
        max_iter: NMF iteration limit (a ``ConvergenceWarning`` is raised if reached).

    Returns:
        A :class:`TopicModel`. An empty corpus, or one with fewer than two units with counted
        terms, gives a model with ``n_topics == 0`` and empty tables.

    Raises:
        ParameterError: bad ``unit``, ``n_topics`` (< 1, or more than units or terms),
            ``seed``, ``top_terms``, ``n_sentences`` or ``max_iter``.
    """
    from sklearn.decomposition import NMF

    stories, sentences = _corpus_tables(corpus)
    if unit not in ("auto", "story", "paragraph", "sentence"):
        raise ParameterError(
            f"unit must be 'auto', 'story', 'paragraph' or 'sentence', got {unit!r}"
        )
    if n_topics is not None:
        n_topics = _check_positive_int(n_topics, "n_topics")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ParameterError(f"seed must be an integer, got {seed!r}")
    top_terms = _check_positive_int(top_terms, "top_terms")
    n_sentences = _check_positive_int(n_sentences, "n_sentences", minimum=0)
    max_iter = _check_positive_int(max_iter, "max_iter")
    _check_ngram_range(ngram_range)
    chosen = choose_unit(corpus) if unit == "auto" else unit
    unit_ids, unit_story, texts = _units(stories, sentences, chosen)
    stop = stop_words()
    counters = {
        uid: story_terms(text, ngram_range=ngram_range, stop_words=stop)
        for uid, text in zip(unit_ids, texts, strict=True)
    }
    tc = TermCounts.from_counters(counters)
    matrix = tc.matrix
    keep_terms = np.arange(len(tc.terms))
    if len(unit_ids) >= 200:
        df = np.asarray((matrix > 0).sum(axis=0)).ravel()
        keep_terms = np.flatnonzero((df >= 2) & (df <= 0.95 * len(unit_ids)))
        matrix = matrix[:, keep_terms]
    terms = np.asarray(tc.terms, dtype=object)[keep_terms]
    n_useful = int((np.asarray(matrix.sum(axis=1)).ravel() > 0).sum())
    if n_useful < 2 or len(terms) < 2:
        return _empty_topic_model(chosen)
    if n_topics is None:
        passages = None if chosen == "story" else len(set(unit_story))
        k = auto_n_topics(n_useful, n_stories=passages)
    else:
        k = n_topics
    if k > min(n_useful, len(terms)):
        raise ParameterError(
            f"n_topics={k} is more than the {n_useful} {chosen}s with terms "
            f"(or the {len(terms)} terms); choose at most {min(n_useful, len(terms))}"
        )
    from sklearn.feature_extraction.text import TfidfTransformer

    transformer = TfidfTransformer(sublinear_tf=True, smooth_idf=True, norm="l2")
    x = transformer.fit_transform(matrix.astype(np.float64))
    model = NMF(
        n_components=k, init="nndsvda", random_state=int(seed), max_iter=max_iter, tol=1e-4
    )
    w = model.fit_transform(x)
    h = model.components_
    order = np.lexsort((np.arange(k), -w.sum(axis=0)))
    w, h = w[:, order], h[order]
    topic_ids = np.arange(1, k + 1)
    ngram = _ngram(terms)
    term_rows, labels = [], []
    for t in range(k):
        top = _top_rows(h[t], h[t] > 0, terms, ngram, max(top_terms, 10))
        labels.append(_label([terms[i] for i in top]))
        for rank, i in enumerate(top[:top_terms], start=1):
            term_rows.append((t + 1, rank, terms[i], float(h[t, i])))
    terms_frame = pd.DataFrame(term_rows, columns=["topic", "rank", "term", "weight"])
    label_of = dict(zip(topic_ids, labels, strict=True))

    unit_total = w.sum(axis=1)
    # fit = 1 - |x - wH|^2 / |x|^2 per unit, in O(units x k) memory (no dense wH):
    # |x - wH|^2 = |x|^2 - 2 w.(x H^T) + w (H H^T) w^T
    x_norm2 = np.asarray(x.multiply(x).sum(axis=1)).ravel()
    cross = (np.asarray(x @ h.T) * w).sum(axis=1)
    recon_norm2 = ((w @ (h @ h.T)) * w).sum(axis=1)
    residual = x_norm2 - 2 * cross + recon_norm2
    fit = np.divide(x_norm2 - residual, x_norm2, out=np.zeros_like(x_norm2), where=x_norm2 > 0)
    best = np.where(unit_total > 0, w.argmax(axis=1) + 1, 0)
    units = pd.DataFrame(
        {
            "unit_id": unit_ids,
            "story_id": unit_story,
            "topic": best.astype(np.int64),
            "label": [label_of.get(b, "") for b in best],
            "weight": [w[i, b - 1] if b else 0.0 for i, b in enumerate(best)],
            "share": [w[i, b - 1] / unit_total[i] if b else 0.0 for i, b in enumerate(best)],
            "fit": np.clip(fit, 0.0, 1.0),
        }
    )
    story_ids = [str(s) for s in stories["story_id"]]
    story_pos = {s: i for i, s in enumerate(story_ids)}
    member = sp.csr_matrix(
        (
            np.ones(len(unit_story)),
            ([story_pos[s] for s in unit_story], np.arange(len(unit_story))),
        ),
        shape=(len(story_ids), len(unit_story)),
    )
    story_w = np.asarray(member @ w)
    totals = story_w.sum(axis=1, keepdims=True)
    story_share = np.divide(story_w, totals, out=np.zeros_like(story_w), where=totals > 0)
    shares = pd.DataFrame(
        {
            "story_id": np.repeat(story_ids, k),
            "topic": np.tile(topic_ids, len(story_ids)).astype(np.int64),
            "label": np.tile(labels, len(story_ids)),
            "share": story_share.ravel(),
        }
    )
    weight_share = w.sum(axis=0) / w.sum()
    topics = pd.DataFrame(
        {
            "topic": topic_ids.astype(np.int64),
            "label": labels,
            "top_terms": [
                ", ".join(terms_frame.loc[terms_frame["topic"] == t, "term"]) for t in topic_ids
            ],
            "weight_share": weight_share,
            "n_units": [int((best == t).sum()) for t in topic_ids],
        }
    )
    typical = _typical_sentences(
        sentences,
        chosen,
        unit_ids,
        w,
        labels,
        transformer,
        model,
        order,
        tc.terms,
        keep_terms,
        ngram_range,
        n_sentences,
    )
    return TopicModel(
        unit=chosen,
        n_topics=k,
        topics=topics,
        terms=terms_frame,
        units=units,
        shares=shares,
        typical=typical,
        reconstruction_error=float(model.reconstruction_err_),
        n_iter=int(model.n_iter_),
    )


_TYPICAL_COLUMNS = ["topic", "label", "rank", "story_id", "sentence_id", "weight", "text"]


def _empty_topic_model(unit: str) -> TopicModel:
    return TopicModel(
        unit=unit,
        n_topics=0,
        topics=pd.DataFrame(columns=["topic", "label", "top_terms", "weight_share", "n_units"]),
        terms=pd.DataFrame(columns=["topic", "rank", "term", "weight"]),
        units=pd.DataFrame(
            columns=["unit_id", "story_id", "topic", "label", "weight", "share", "fit"]
        ),
        shares=pd.DataFrame(columns=["story_id", "topic", "label", "share"]),
        typical=pd.DataFrame(columns=_TYPICAL_COLUMNS),
        reconstruction_error=0.0,
        n_iter=0,
    )


def _typical_sentences(
    sentences: pd.DataFrame,
    unit: str,
    unit_ids: list[str],
    w: np.ndarray,
    labels: list[str],
    transformer,
    model,
    order: np.ndarray,
    all_terms: tuple[str, ...],
    keep_terms: np.ndarray,
    ngram_range: Sequence[int],
    n_sentences: int,
) -> pd.DataFrame:
    if n_sentences == 0:
        return pd.DataFrame(columns=_TYPICAL_COLUMNS)
    sent = sentences[["story_id", "sentence_id", "paragraph_index", "text"]].copy()
    sent["story_id"] = sent["story_id"].astype(str)
    sent["sentence_id"] = sent["sentence_id"].astype(str)
    if unit == "sentence":
        sent["unit_id"] = sent["sentence_id"]
    elif unit == "paragraph":
        sent["unit_id"] = sent["story_id"] + "/p" + sent["paragraph_index"].astype(str)
    else:
        sent["unit_id"] = sent["story_id"]
    n_words = sent["text"].map(lambda t: len(tokenize(t)))
    sent = sent[n_words >= MIN_TYPICAL_WORDS]
    unit_pos = {u: i for i, u in enumerate(unit_ids)}
    candidates: set[str] = set()
    for t in range(w.shape[1]):
        heavy = np.lexsort((np.arange(len(unit_ids)), -w[:, t]))[:TYPICAL_UNITS]
        candidates.update(unit_ids[i] for i in heavy if w[i, t] > 0)
    sent = sent[sent["unit_id"].isin(candidates)].reset_index(drop=True)
    if sent.empty:
        return pd.DataFrame(columns=_TYPICAL_COLUMNS)
    if unit == "sentence":
        sw = w[[unit_pos[u] for u in sent["unit_id"]]]
    else:
        stop = stop_words()
        index = {t: i for i, t in enumerate(np.asarray(all_terms, dtype=object)[keep_terms])}
        rows, cols, vals = [], [], []
        for r, text in enumerate(sent["text"]):
            for term, n in story_terms(text, ngram_range=ngram_range, stop_words=stop).items():
                c = index.get(term)
                if c is not None:
                    rows.append(r)
                    cols.append(c)
                    vals.append(n)
        counts = sp.csr_matrix((vals, (rows, cols)), shape=(len(sent), len(index)), dtype=float)
        sw = model.transform(transformer.transform(counts))[:, order]
    frames = []
    for t in range(sw.shape[1]):
        idx = np.flatnonzero(sw[:, t] > 0)
        idx = idx[np.lexsort((sent["sentence_id"].to_numpy()[idx], -sw[idx, t]))][:n_sentences]
        frames.append(
            pd.DataFrame(
                {
                    "topic": t + 1,
                    "label": labels[t],
                    "rank": np.arange(1, len(idx) + 1, dtype=np.int64),
                    "story_id": sent["story_id"].to_numpy()[idx],
                    "sentence_id": sent["sentence_id"].to_numpy()[idx],
                    "weight": sw[idx, t],
                    "text": sent["text"].to_numpy()[idx],
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["topic"] = out["topic"].astype(np.int64)
    return out[_TYPICAL_COLUMNS]


# --------------------------------------------------------------------------- similarity


def _story_vectors(
    stories: pd.DataFrame, counts: TermCounts | None, ngram_range: Sequence[int]
) -> sp.csr_matrix:
    tc = _counts_for(stories, counts, ngram_range)
    if not tc.terms:
        return sp.csr_matrix((len(stories), 0))
    return _tfidf(tc.matrix)


def similarity_matrix(
    stories: pd.DataFrame,
    *,
    group: str = "story_id",
    ngram_range: Sequence[int] = (1, 2),
    counts: TermCounts | None = None,
) -> pd.DataFrame:
    """Cosine similarity of TF-IDF vectors, story x story (or group x group), as a square table.

    Args:
        stories: the stories table; not mutated.
        group: ``story_id`` for stories; another column compares the groups' mean vectors.
        ngram_range, counts: see :func:`term_counts`.

    Returns:
        A square DataFrame indexed and labelled by the stories (or groups) in order of first
        appearance; the diagonal is 1 (0 for a story without counted terms). Index and columns
        are named after ``group`` (``"story_id"``, ``"bias_label"`` ...).

    Raises:
        ParameterError: unknown ``group``; more than 5,000 rows (use :func:`nearest_neighbours`).
    """
    _check_columns(stories, ["story_id", "text"], "stories")
    _check_group(stories, group)
    labels, index = _group_values(stories, group) if len(stories) else ([], np.array([]))
    if len(labels) > MAX_DENSE_SIMILARITY:
        raise ParameterError(
            f"{len(labels)} rows are too many for a dense similarity matrix (limit "
            f"{MAX_DENSE_SIMILARITY}); use nearest_neighbours(stories, k=...) instead"
        )
    if not labels:
        return pd.DataFrame(index=pd.Index([], name=group), columns=pd.Index([], name=group))
    x = _story_vectors(stories, counts, ngram_range)
    if group != "story_id":
        membership = _group_matrix(len(labels), index)
        sizes = np.asarray(membership.sum(axis=1)).ravel()
        x = sp.csr_matrix(sp.diags(1.0 / sizes) @ (membership @ x))
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    gram = np.asarray((x @ x.T).todense())
    denom = np.outer(norms, norms)
    sim = np.divide(gram, denom, out=np.zeros_like(gram), where=denom > 0)
    sim = np.clip(sim, 0.0, 1.0)
    return pd.DataFrame(
        sim, index=pd.Index(labels, name=group), columns=pd.Index(labels, name=group)
    )


def _blocks(n: int) -> Iterable[tuple[int, int]]:
    size = max(1, SIMILARITY_BLOCK_CELLS // max(n, 1))
    for start in range(0, n, size):
        yield start, min(n, start + size)


NEIGHBOUR_COLUMNS = ["story_id", "rank", "neighbour_id", "similarity", "near_duplicate"]


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
    _check_columns(stories, ["story_id", "text"], "stories")
    k = _check_positive_int(k, "k")
    if len(stories) < 2:
        return pd.DataFrame(columns=NEIGHBOUR_COLUMNS)
    x = _story_vectors(stories, counts, ngram_range)
    ids = np.asarray([str(s) for s in stories["story_id"]], dtype=object)
    n = len(ids)
    kk = min(k, n - 1)
    rows = []
    for start, stop in _blocks(n):
        block = np.asarray((x[start:stop] @ x.T).todense())
        block[np.arange(stop - start), np.arange(start, stop)] = -1.0
        for r in range(stop - start):
            sims = block[r]
            cand = np.argpartition(-sims, kk - 1)[:kk] if kk < n else np.arange(n)
            # include every tie at the cut so the stable order below is deterministic
            cut = sims[cand].min()
            cand = np.flatnonzero(sims >= cut)
            cand = cand[np.lexsort((cand, -sims[cand]))][:kk]
            for rank, j in enumerate(cand, start=1):
                if sims[j] > 0:
                    rows.append((ids[start + r], rank, ids[j], float(min(sims[j], 1.0))))
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
    _check_columns(stories, ["story_id", "text"], "stories")
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise ParameterError(f"threshold must be a number in (0, 1], got {threshold!r}")
    if not 0 < threshold <= 1:
        raise ParameterError(f"threshold must be in (0, 1], got {threshold!r}")
    columns = ["story_id", "other_id", "similarity"]
    if len(stories) < 2:
        return pd.DataFrame(columns=columns)
    x = _story_vectors(stories, counts, ngram_range)
    ids = [str(s) for s in stories["story_id"]]
    rows = []
    for start, stop in _blocks(len(ids)):
        block = sp.triu(x[start:stop] @ x.T, k=start + 1, format="coo")
        for r, c, v in zip(block.row, block.col, block.data, strict=True):
            if v >= threshold - 1e-12:
                rows.append((start + r, c, float(min(v, 1.0))))
    rows.sort()
    return pd.DataFrame([(ids[r], ids[c], v) for r, c, v in rows], columns=columns).astype(
        {"similarity": float}
    )


# --------------------------------------------------------------------------- actors

_ACTOR_TOKEN = re.compile(r"[^\W_]+(?:[.'&][^\W_]+)*\.?")
_CONNECTORS = frozenset({"of", "the", "for", "and", "de", "del", "da", "di", "du", "van", "von"})
_NAME_PARTICLES = frozenset({"de", "del", "da", "di", "du", "van", "von", "bin", "al", "la"})
_EXTRA_ABBREVIATIONS = frozenset({"St.", "Jr.", "Sr.", "Mt.", "Ft.", "No.", "Sen.", "Rep."})
_ARTICLES = frozenset({"The", "A", "An"})
_NICKNAME = re.compile(r"(\b[A-Z][\w'.-]*) \"([A-Z][\w'.-]*)\" (?=[A-Z])")
_ACRONYM_DEF = re.compile(r"\s*\(([A-Z][A-Z0-9&.]{1,9})\)")
_ALL_CAPS = re.compile(r"[A-Z][A-Z0-9&]+")
MENTION_COLUMNS = [
    "story_id",
    "sentence_id",
    "sentence_index",
    "start",
    "end",
    "surface",
    "actor",
    "type",
]
ACTOR_COLUMNS = ["story_id", "actor", "type", "mentions", "aliases", "first_sentence"]


@dataclass(frozen=True)
class _Gazetteer:
    aliases: dict[str, tuple[str, str]]  # surface -> (canonical, type)
    demonyms: frozenset[str]
    places: frozenset[str]  # every place surface, for the hyphen rule
    designators: dict[tuple[str, ...], str]  # phrase tokens -> role
    max_designator: int
    not_names: frozenset[str]
    abbreviations: frozenset[str]
    stop: frozenset[str]


@cache
def _gazetteer() -> _Gazetteer:
    places = language_data("places")
    orgs = language_data("organisations")
    designators = language_data("designators")
    assert isinstance(places, pd.DataFrame) and isinstance(orgs, pd.DataFrame)
    assert isinstance(designators, pd.DataFrame)
    aliases: dict[str, tuple[str, str]] = {}
    demonyms: set[str] = set()
    place_names: set[str] = set()
    for row in places.itertuples(index=False):
        for surface in [row.name, *[a for a in row.aliases.split("|") if a]]:
            aliases.setdefault(surface, (row.name, "place"))
            place_names.add(surface)
        demonyms.update(d for d in row.demonyms.split("|") if d)
    for row in orgs.itertuples(index=False):
        for surface in [row.name, *[a for a in row.aliases.split("|") if a]]:
            aliases[surface] = (row.name, "org")
    phrases = {
        tuple(p.split()): r for p, r in zip(designators.phrase, designators.role, strict=True)
    }
    abbreviations = {p for p in designators.phrase if p.endswith(".") and " " not in p}
    not_names = language_data("not_names")
    assert isinstance(not_names, frozenset)
    return _Gazetteer(
        aliases=aliases,
        demonyms=frozenset(demonyms),
        places=frozenset(place_names | demonyms),
        designators=phrases,
        max_designator=max(len(p) for p in phrases),
        not_names=not_names,
        abbreviations=frozenset(abbreviations | _EXTRA_ABBREVIATIONS),
        stop=stop_words(),
    )


@dataclass
class _Tok:
    text: str
    start: int  # span of the name part (possessive and stray period excluded)
    end: int
    raw_end: int  # end of the regex match
    brk: bool  # a possessive or a sentence period ends a sequence after this token
    initial: bool = False

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()


def _keeps_period(tok: str, gz: _Gazetteer) -> bool:
    core = tok[:-1]
    return "." in core or (len(core) == 1 and core.isupper()) or tok in gz.abbreviations


def _actor_tokens(text: str, gz: _Gazetteer) -> list[_Tok]:
    """Capitalised tokens and connectors (other words only matter as gaps that break names)."""
    out: list[_Tok] = []
    prev_end = -1
    for m in _ACTOR_TOKEN.finditer(text):
        tok, start, end = m.group(), m.start(), m.end()
        gap_start, prev_end = prev_end, end
        if not (tok[0].isupper() or tok in _CONNECTORS):
            continue
        brk = False
        if tok.endswith(".") and not _keeps_period(tok, gz):
            tok, end, brk = tok[:-1], end - 1, True
        if len(tok) > 2 and tok[-2:] in ("'s", "'S"):
            tok, end, brk = tok[:-2], end - 2, True
        gap = text[gap_start:start] if gap_start >= 0 else ""
        initial = gap_start < 0 or '"' in gap or ":" in gap
        out.append(_Tok(tok, start, end, m.end(), brk, initial))
    return out


def _sequences(text: str, toks: list[_Tok], gz: _Gazetteer) -> list[list[_Tok]]:
    seqs: list[list[_Tok]] = []
    cur: list[_Tok] = []

    def close() -> None:
        while cur and not cur[-1].cap:
            cur.pop()
        if cur:
            seqs.append(list(cur))
        cur.clear()

    for i, t in enumerate(toks):
        prev = toks[i - 1] if i else None
        gap = text[prev.raw_end : t.start] if prev else ""
        cont = bool(cur) and prev is not None and not prev.brk and prev.raw_end == prev.end
        cont = cont and (gap == "-" or (gap != "" and gap.isspace()))
        if t.cap:
            if cont and gap == "-":
                last = cur[-1]
                if last.cap and not (last.text in gz.places and t.text in gz.places):
                    cur[-1] = _Tok(
                        f"{last.text}-{t.text}", last.start, t.end, t.raw_end, t.brk, last.initial
                    )
                    continue
                close()
                cur.append(t)
            elif cont:
                cur.append(t)
            else:
                close()
                cur.append(t)
        elif cont and gap != "-" and t.text in _CONNECTORS:
            cur.append(t)
        else:
            close()
    close()
    return seqs


def _match_designator(words: list[str], i: int, gz: _Gazetteer) -> tuple[int, str] | None:
    for n in range(min(gz.max_designator, len(words) - i), 0, -1):
        role = gz.designators.get(tuple(words[i : i + n]))
        if role is not None:
            return n, role
    return None


def _strip_edges(toks: list[_Tok]) -> list[_Tok]:
    while toks and not toks[0].cap:
        toks = toks[1:]
    while toks and not toks[-1].cap:
        toks = toks[:-1]
    return toks


def _type_of(toks: list[_Tok], gz: _Gazetteer) -> list[tuple[list[_Tok], str, str]]:
    """Split a capitalised sequence into (tokens, canonical, type) mentions."""
    toks = _strip_edges(toks)
    if not toks:
        return []
    words = [t.text for t in toks]
    phrase = " ".join(words)
    if phrase in gz.aliases:
        canonical, kind = gz.aliases[phrase]
        return [(toks, canonical, kind)]
    if words[0] in _ARTICLES:
        return _type_of(toks[1:], gz)
    if all(w in gz.not_names for w in words if w[:1].isupper()):
        return []
    if "and" in words:
        cut = words.index("and")
        return _type_of(toks[:cut], gz) + _type_of(toks[cut + 1 :], gz)
    # person title followed by a name: split (prefix resolved on its own)
    for i in range(len(words)):
        hit = _match_designator(words, i, gz)
        if hit and hit[1] == "person_title" and i + hit[0] < len(words):
            rest = _strip_edges(toks[i + hit[0] :])
            if rest and rest[0].text not in _CONNECTORS:
                person = _type_of(rest, gz)
                if len(rest) == 1 and person and person[0][2] == "other":
                    person = [(rest, rest[0].text, "person")]
                elif len(person) == 1 and person[0][2] in ("other", "person"):
                    person = [(person[0][0], person[0][1], "person")]
                return _type_of(toks[:i], gz) + person
    roles = []
    for i in range(len(words)):
        hit = _match_designator(words, i, gz)
        if hit:
            roles.append((i, hit[1]))
    role_set = {r for _, r in roles}
    if words[0] in gz.demonyms and "org" not in role_set:
        return _type_of(toks[1:], gz)
    if "of" in words and not role_set:
        cut = words.index("of")
        return _type_of(toks[:cut], gz) + _type_of(toks[cut + 1 :], gz)
    if roles and roles[0] == (0, "event"):
        return [(toks, phrase, "other")]
    if "org" in role_set:
        return [(toks, phrase, "org")]
    if "place" in role_set:
        return [(toks, phrase, "place")]
    if "event" in role_set:
        return [(toks, phrase, "other")]
    if len(toks) == 1:
        word = words[0]
        if word in gz.demonyms or len(word) == 1:  # "Venezuelan", the pronoun "I"
            return []
        if _ALL_CAPS.fullmatch(word) and len(word) >= 2:
            return [(toks, word, "org")]
        return [(toks, word, "other")]
    name_like = all(
        w in _NAME_PARTICLES or (w[:1].isupper() and not _ALL_CAPS.fullmatch(w)) or len(w) <= 2
        for w in words
    )
    if name_like and len(toks) <= 4:
        return [(toks, phrase, "person")]
    return [(toks, phrase, "other")]


def _resolve_sequence(
    seq: list[_Tok], story_caps: set[str], gz: _Gazetteer
) -> list[tuple[list[_Tok], str, str]]:
    if seq[0].initial:
        first = seq[0].text
        lowered = first.lower()
        opener = (
            lowered in gz.stop
            or first in gz.not_names
            or first in _ARTICLES
            or (lowered.endswith("ly") and first not in story_caps)
        )
        if opener:
            seq = _strip_edges(seq[1:])
        elif len(seq) == 1 and first not in gz.aliases and first not in story_caps:
            return []
        if not seq:
            return []
    return _type_of(seq, gz)


def _story_mentions(story_id: str, sents: list, gz: _Gazetteer) -> list[dict]:
    parsed = []
    story_caps: set[str] = set()
    for row in sents:
        text = row.text
        masked = text
        for m in _NICKNAME.finditer(text):
            masked = masked[: m.end(1)] + " " * (m.end() - m.end(1)) + masked[m.end() :]
        toks = _actor_tokens(masked, gz)
        story_caps.update(t.text for t in toks if t.cap and not t.initial)
        parsed.append((row, masked, toks))
    mentions: list[dict] = []
    acronyms: dict[str, str] = {}
    definition_spans: set[int] = set()
    for row, masked, toks in parsed:
        offset = int(row.start)
        for seq in _sequences(masked, toks, gz):
            for mtoks, canonical, kind in _resolve_sequence(seq, story_caps, gz):
                start, end = mtoks[0].start, mtoks[-1].end
                mention = {
                    "story_id": story_id,
                    "sentence_id": row.sentence_id,
                    "sentence_index": int(row.sentence_index),
                    "start": offset + start,
                    "end": offset + end,
                    "surface": row.text[start:end],
                    "actor": canonical,
                    "type": kind,
                    "n_words": len(mtoks),
                }
                mentions.append(mention)
                acr = _ACRONYM_DEF.match(masked, end)
                if acr and len(mtoks) > 1:
                    acronyms.setdefault(acr.group(1), canonical)
                    definition_spans.add(offset + acr.start(1))
    mentions = [m for m in mentions if m["start"] not in definition_spans]
    mentions.sort(key=lambda m: (m["start"], m["end"]))
    for m in mentions:
        if m["n_words"] == 1 and m["surface"] in acronyms:
            m["actor"] = acronyms[m["surface"]]
            m["type"] = next(
                (x["type"] for x in mentions if x["actor"] == m["actor"] and x["n_words"] > 1),
                "org",
            )
    persons = [m for m in mentions if m["type"] == "person" and m["n_words"] > 1]
    for m in mentions:
        if m["n_words"] != 1 or m["type"] not in ("other", "person"):
            continue
        if m["surface"] in gz.aliases:
            continue
        same = [p for p in persons if p["actor"].split()[-1] == m["surface"]]
        before = [p for p in same if p["start"] < m["start"]]
        target = before[-1] if before else (same[0] if same else None)
        if target is not None:
            m["actor"], m["type"] = target["actor"], "person"
        elif m["type"] == "other" and any(
            p["type"] == "person" and p["n_words"] == 1 and p["actor"] == m["surface"]
            for p in mentions
        ):
            m["type"] = "person"
    return mentions


def actor_mentions(sentences: pd.DataFrame) -> pd.DataFrame:
    """Every actor mention (person, organisation, place, other) of every sentence.

    Computable story by story (a cached pipeline can run it per article and concatenate).

    Args:
        sentences: the corpus' sentences table (``story_id``, ``sentence_id``,
            ``sentence_index``, ``start``, ``text``); not mutated.

    Returns:
        ``story_id``, ``sentence_id``, ``sentence_index``, ``start``/``end`` (character offsets
        into the story text), ``surface`` (the text as written, title and possessive removed),
        ``actor`` (merged name), ``type`` (``person``/``org``/``place``/``other``); story order,
        then ``start``.

    Raises:
        ParameterError: missing columns.

    >>> from analysis import load_corpus
    >>> m = actor_mentions(load_corpus().sentences)
    >>> m.loc[m["surface"] == "Maduro", "actor"].iloc[0]
    'Nicolás Maduro'
    """
    _check_columns(
        sentences, ["story_id", "sentence_id", "sentence_index", "start", "text"], "sentences"
    )
    gz = _gazetteer()
    rows: list[dict] = []
    columns = ["story_id", "sentence_id", "sentence_index", "start", "text"]
    for story_id, sents in _sentences_by_story(sentences, columns):
        rows.extend(_story_mentions(story_id, sents, gz))
    out = pd.DataFrame(rows, columns=[*MENTION_COLUMNS, "n_words"])
    out = out.astype({"sentence_index": np.int64, "start": np.int64, "end": np.int64})
    return out[MENTION_COLUMNS].reset_index(drop=True)


def _merge_surnames_in_groups(mentions: pd.DataFrame) -> pd.Series:
    """Actor names with a one-word person (or ``other``) actor merged into the only multi-word
    person of the same group whose last word it is ("Trump" -> "Donald Trump" when the group
    has no other "... Trump")."""
    persons = mentions.loc[
        (mentions["type"] == "person") & mentions["actor"].str.contains(" ", regex=False),
        ["group", "actor"],
    ].drop_duplicates()
    persons = persons.assign(last=persons["actor"].str.rsplit(" ", n=1).str[-1])
    unique = persons.groupby(["group", "last"]).filter(lambda f: len(f) == 1)
    target = {
        (g, last): actor
        for g, last, actor in unique[["group", "last", "actor"]].itertuples(index=False, name=None)
    }
    single = ~mentions["actor"].str.contains(" ", regex=False) & mentions["type"].isin(
        ["person", "other"]
    )
    return pd.Series(
        [
            target.get((g, a), a) if is_single else a
            for g, a, is_single in zip(mentions["group"], mentions["actor"], single, strict=True)
        ],
        index=mentions.index,
        dtype=object,
    )


def actors(corpus, *, group: str = "story_id", top_n: int | None = None) -> pd.DataFrame:
    """Actors each story (or group of stories) mentions, with counts.

    Args:
        corpus: a :class:`~analysis.corpus.Corpus`; not mutated.
        group: ``story_id``, or a story column (``outlet``, ``bias_label`` ...) to sum over.
        top_n: keep the ``top_n`` most mentioned actors per group (``None`` = all).

    Within a group, a one-word actor that is the last word of exactly one multi-word person of
    the group is merged into it (across stories; within a story see the module docstring).

    Returns:
        ``group`` (the story id or group value), ``actor``, ``type``, ``mentions``,
        ``n_stories`` (stories of the group mentioning it), ``aliases`` (other surface forms,
        ``"; "``-joined, sorted), ``first_sentence`` (``sentence_index`` of the first mention;
        for groups the smallest); groups in order of first appearance, then mentions (desc),
        then actor.

    Raises:
        ParameterError: not a corpus, unknown ``group``, bad ``top_n``.
    """
    stories, sentences = _corpus_tables(corpus)
    _check_group(stories, group)
    if top_n is not None:
        top_n = _check_positive_int(top_n, "top_n")
    columns = ["group", "actor", "type", "mentions", "n_stories", "aliases", "first_sentence"]
    mentions = actor_mentions(sentences)
    if mentions.empty:
        return pd.DataFrame(columns=columns)
    labels, index = _group_values(stories, group)
    group_of = dict(zip(stories["story_id"].astype(str), (labels[i] for i in index), strict=True))
    mentions = mentions.assign(group=mentions["story_id"].map(group_of))
    mentions["actor"] = _merge_surnames_in_groups(mentions)
    # the type of an actor is the type of its longest mention (first one on ties)
    mentions["_len"] = mentions["surface"].str.len()
    mentions["_pos"] = np.arange(len(mentions))
    ordered = mentions.sort_values(
        ["group", "actor", "_len", "_pos"], ascending=[True, True, False, True], kind="stable"
    )
    keys = ["group", "actor"]
    first = ordered.drop_duplicates(keys).set_index(keys)
    grouped = mentions.groupby(keys, sort=False)
    stats = grouped.agg(
        mentions=("surface", "size"),
        n_stories=("story_id", "nunique"),
        first_sentence=("sentence_index", "min"),
    )
    surfaces = mentions[["group", "actor", "surface"]].drop_duplicates()
    surfaces = surfaces[surfaces["surface"] != surfaces["actor"]].sort_values("surface")
    aliases = surfaces.groupby(keys, sort=False)["surface"].agg("; ".join)
    out = stats.join(first["type"]).join(aliases.rename("aliases")).reset_index()
    out["aliases"] = out["aliases"].fillna("")
    out = out[columns].copy()
    out["_g"] = out["group"].map({g: i for i, g in enumerate(labels)})
    out = out.sort_values(["_g", "mentions", "actor"], ascending=[True, False, True])
    if top_n is not None:
        out = out.groupby("_g", sort=False).head(top_n)
    out = out.drop(columns="_g").reset_index(drop=True)
    return out.astype({"mentions": np.int64, "n_stories": np.int64, "first_sentence": np.int64})


# --------------------------------------------------------------------------- quotes

QUOTE_COLUMNS = [
    "story_id",
    "sentence_id",
    "quote",
    "kind",
    "speaker",
    "speaker_kind",
    "verb",
    "pattern",
    "start",
    "end",
    "n_words",
]
_PASSIVE = frozenset({"is", "was", "were", "are", "be", "been", "being"})
#: Auxiliaries and adverbs skipped between a speaker and a speech verb ("has also said").
_SKIP_BEFORE_VERB = frozenset(
    {
        "has",
        "have",
        "had",
        "will",
        "would",
        "could",
        "also",
        "even",
        "then",
        "still",
        "again",
        "not",
        "never",
        "just",
        "already",
        "later",
        "once",
        "previously",
        "repeatedly",
        "publicly",
    }
)
#: Words that open a clause: a speaker phrase starts after the last of them.
_CLAUSE_WORDS = frozenset(
    {
        "that",
        "which",
        "who",
        "while",
        "as",
        "because",
        "and",
        "but",
        "when",
        "if",
        "where",
        "since",
        "although",
        "though",
        "after",
        "before",
    }
)
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "this", "that"})
_SMALL_WORDS = frozenset({"of", "the", "and", "for", "a", "an", "in", "on", "to", "de", "at"})
_WORD = re.compile(r"[^\W_]+(?:[.'\-&][^\W_]+)*\.?")


@cache
def _verbs() -> tuple[dict[str, str], re.Pattern[str]]:
    table = language_data("speech_verbs")
    assert isinstance(table, pd.DataFrame)
    kinds = dict(zip(table.verb, table.kind, strict=True))
    alternatives = "|".join(re.escape(v) for v in sorted(kinds, key=lambda v: (-len(v), v)))
    return kinds, re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.I)


def _sentences_by_story(sentences: pd.DataFrame, columns: list[str]) -> list[tuple[str, list]]:
    """Sentence records grouped by story (order of first appearance), by ``sentence_index``."""
    table = sentences[columns]
    order = {sid: i for i, sid in enumerate(dict.fromkeys(table["story_id"]))}
    records = sorted(
        table.itertuples(index=False, name="Sentence"),
        key=lambda r: (order[r.story_id], r.sentence_index),
    )
    return [
        (str(story_id), list(group))
        for story_id, group in itertools.groupby(records, key=lambda r: r.story_id)
    ]


def _paragraphs(sents: list) -> Iterable[tuple[int, str, list]]:
    """(story offset, text, sentences) of each paragraph, rebuilt from sentence offsets."""
    by_paragraph: dict[int, list] = {}
    for row in sents:
        by_paragraph.setdefault(int(row.paragraph_index), []).append(row)
    for p_index in sorted(by_paragraph):
        para = sorted(by_paragraph[p_index], key=lambda r: int(r.start))
        p_start = int(para[0].start)
        chars: list[str] = []
        length = 0
        for row in para:
            pad = max(0, int(row.start) - p_start - length)
            chars.append(" " * pad)
            chars.append(row.text)
            length += pad + len(row.text)
        yield p_start, "".join(chars), para


def _quote_spans(text: str) -> list[tuple[int, int]]:
    marks = [i for i, ch in enumerate(text) if ch == '"']
    spans = [(marks[i], marks[i + 1]) for i in range(0, len(marks) - 1, 2)]
    if len(marks) % 2:
        spans.append((marks[-1], len(text)))
    return spans


def _mask(text: str, spans: list[tuple[int, int]], keep: tuple[int, int]) -> str:
    chars = list(text)
    for a, b in spans:
        if (a, b) != keep:
            for i in range(a, min(b + 1, len(chars))):
                chars[i] = " "
    return "".join(chars)


def _speaker_phrase(pre: str, pre_offset: int, mentions: list[dict]) -> tuple[str, str]:
    """The speaker at the end of ``pre`` (text before a speech verb): (speaker, kind)."""
    pre = re.sub(r"\s*\([^()]*\)\s*$", "", pre)  # "the Department of Justice (DOJ) said"
    words = list(_WORD.finditer(pre))
    while words and (
        words[-1].group().lower() in _SKIP_BEFORE_VERB or words[-1].group().lower().endswith("ly")
    ):
        words.pop()
    if not words:
        return "", ""
    end = pre_offset + words[-1].end()
    for m in mentions:
        if m["end"] == end or m["end"] == end - 1:
            return m["actor"], "named"
    tail = pre[: words[-1].end()]
    cut = max(tail.rfind(c) for c in ',;:()\u2014"')
    phrase_words = [w for w in words if w.start() > cut]
    for i in range(len(phrase_words) - 1, -1, -1):
        if phrase_words[i].group().lower() in _CLAUSE_WORDS:
            phrase_words = phrase_words[i + 1 :]
            break
    phrase_words = phrase_words[-5:]
    if not phrase_words:
        return "", ""
    phrase = " ".join(w.group() for w in phrase_words)
    if len(phrase_words) == 1 and phrase.lower() in _PRONOUNS:
        return phrase.lower(), "pronoun"
    return phrase, "descriptive"


def _speaker_after(after: str, after_offset: int, mentions: list[dict]) -> tuple[str, str]:
    """A speaker phrase at the start of ``after`` (text after a verb): (speaker, kind)."""
    stripped = after.lstrip()
    offset = after_offset + len(after) - len(stripped)
    head = re.split(r"[,.;:!?\"()]", stripped, maxsplit=1)[0]
    lead = _WORD.findall(head)
    for m in mentions:
        if offset <= m["start"] < offset + len(head):
            before = _WORD.findall(stripped[: m["start"] - offset])
            if all(w[:1].isupper() or w.lower() == "the" for w in before) and len(before) <= 4:
                return m["actor"], "named"
    if lead and lead[0].lower() in _CLAUSE_WORDS:
        return "", ""
    words = []
    for w in _WORD.finditer(stripped):
        if stripped[: w.start()].strip(" ") != " ".join(x.group() for x in words):
            break
        if w.group().lower() in {"in", "on", "at", "during", "after", "who", "that", "to"}:
            break
        words.append(w)
        if len(words) == 5:
            break
    if not words:
        return "", ""
    phrase = " ".join(w.group() for w in words).rstrip(".")
    if len(words) == 1 and phrase.lower() in _PRONOUNS:
        return phrase.lower(), "pronoun"
    return phrase, "descriptive"


def _title_case(quote: str) -> bool:
    words = _WORD.findall(quote)
    if len(words) < 2 or len(words) > 6 or not words[0][:1].isupper():
        return False
    return all(w[:1].isupper() or w.lower() in _SMALL_WORDS for w in words)


def _classify_quote(
    para: str,
    p_offset: int,
    span: tuple[int, int],
    sent_bounds: tuple[int, int],
    end_bounds: tuple[int, int],
    spans: list[tuple[int, int]],
    mentions: list[dict],
) -> dict:
    kinds, verb_re = _verbs()
    qs, qe = span
    raw = para[qs + 1 : qe].strip()
    quote = raw.rstrip(",;:").strip()
    masked = _mask(para, spans, span)
    before = masked[sent_bounds[0] : qs]
    after = masked[qe + 1 : end_bounds[1]] if qe < len(para) else ""
    result = {
        "quote": quote,
        "kind": "",
        "speaker": "",
        "speaker_kind": "",
        "verb": "",
        "pattern": "",
    }
    # 1. names in quotes
    if re.search(r"[A-Z][\w'.-]*\s$", before) and re.match(r"\s[A-Z]", after):
        return {**result, "kind": "name", "pattern": "nickname"}
    last_words = " ".join(_WORD.findall(before)[-3:])
    naming = [
        m.group() for m in verb_re.finditer(last_words) if kinds[m.group().lower()] == "naming"
    ]
    if naming:
        return {**result, "kind": "name", "verb": naming[-1].lower(), "pattern": "naming verb"}
    if _title_case(quote):
        return {**result, "kind": "name", "pattern": "title case"}
    # 2a. quote-verb-speaker / quote-speaker-verb
    closes_clause = raw[-1:] in ",!?" or para[qe + 1 : qe + 2] == ","
    if closes_clause and after.strip():
        tail = after.lstrip(" ,")
        tail_offset = p_offset + qe + 1 + len(after) - len(tail)
        m = verb_re.match(tail)
        if m and kinds[m.group().lower()] == "speech":
            speaker, sk = _speaker_after(tail[m.end() :], tail_offset + m.end(), mentions)
            if speaker:
                return {
                    **result,
                    "kind": "speech",
                    "speaker": speaker,
                    "speaker_kind": sk,
                    "verb": m.group().lower(),
                    "pattern": "quote-verb-speaker",
                }
        m = verb_re.search(tail[:80])
        lead = _WORD.findall(tail[:80])
        if (
            m
            and kinds[m.group().lower()] == "speech"
            and len(_WORD.findall(tail[: m.start()])) <= 6
            and lead
            and lead[0].lower() not in _CLAUSE_WORDS
        ):
            speaker, sk = _speaker_phrase(tail[: m.start()], tail_offset, mentions)
            if speaker:
                return {
                    **result,
                    "kind": "speech",
                    "speaker": speaker,
                    "speaker_kind": sk,
                    "verb": m.group().lower(),
                    "pattern": "quote-speaker-verb",
                }
    # 2b. according to X
    sentence = masked[sent_bounds[0] : end_bounds[1]]
    acc = re.search(r"\b[Aa]ccording to\s+(.+?)(?=[,.;:\"]|$)", sentence)
    if acc:
        speaker, sk = _speaker_after(
            acc.group(1), p_offset + sent_bounds[0] + acc.start(1), mentions
        )
        if speaker:
            return {
                **result,
                "kind": "speech",
                "speaker": speaker,
                "speaker_kind": sk,
                "verb": "according to",
                "pattern": "according to",
            }
    # 2c. speaker-verb-quote
    verbs = [m for m in verb_re.finditer(before) if kinds[m.group().lower()] == "speech"]
    if verbs:
        m = verbs[-1]
        distance = len(_WORD.findall(before[m.end() :]))
        prev_words = _WORD.findall(before[: m.start()])
        passive = bool(prev_words) and prev_words[-1].lower() in _PASSIVE
        if distance <= MAX_VERB_DISTANCE and not passive:
            speaker, sk = _speaker_phrase(before[: m.start()], p_offset + sent_bounds[0], mentions)
            if speaker:
                return {
                    **result,
                    "kind": "speech",
                    "speaker": speaker,
                    "speaker_kind": sk,
                    "verb": m.group().lower(),
                    "pattern": "speaker-verb-quote",
                }
    # 3. unattributed
    n_words = len(_WORD.findall(quote))
    return {**result, "kind": "scare" if n_words <= MAX_SCARE_WORDS else "unattributed"}


def quotes(sentences: pd.DataFrame) -> pd.DataFrame:
    """Direct quotations, their kind and, for speech, speaker and verb (see module docstring).

    Computable story by story.

    Args:
        sentences: the corpus' sentences table (``story_id``, ``sentence_id``,
            ``paragraph_index``, ``sentence_index``, ``start``, ``text``); not mutated.

    Returns:
        ``story_id``, ``sentence_id`` (where the quote opens), ``quote`` (without the quotation
        marks and a trailing comma), ``kind`` (``speech``/``name``/``scare``/``unattributed``),
        ``speaker``, ``speaker_kind`` (``named``/``descriptive``/``pronoun``, empty when
        none), ``verb``, ``pattern`` (the rule that decided), ``start``/``end`` (offsets of the
        quote's marks in the story text), ``n_words``; story order, then ``start``.

    Raises:
        ParameterError: missing columns.

    >>> from analysis import load_corpus
    >>> q = quotes(load_corpus().sentences)
    >>> q.loc[q["quote"] == "armed aggression", ["speaker", "verb"]].values.tolist()
    [['Russian Foreign Ministry', 'condemned']]
    """
    _check_columns(
        sentences,
        ["story_id", "sentence_id", "paragraph_index", "sentence_index", "start", "text"],
        "sentences",
    )
    gz = _gazetteer()
    rows = []
    columns = ["story_id", "sentence_id", "paragraph_index", "sentence_index", "start", "text"]
    for story_id, sents in _sentences_by_story(sentences, columns):
        if not any('"' in row.text for row in sents):
            continue
        mentions = _story_mentions(story_id, sents, gz)
        for p_offset, para, psents in _paragraphs(sents):
            spans = _quote_spans(para)
            if not spans:
                continue
            bounds = [
                (int(r.start) - p_offset, int(r.start) - p_offset + len(r.text), r.sentence_id)
                for r in psents
            ]
            for span in spans:
                first = next(b for b in reversed(bounds) if b[0] <= span[0])
                last = next(b for b in reversed(bounds) if b[0] <= max(span[1] - 1, span[0]))
                row = _classify_quote(para, p_offset, span, first[:2], last[:2], spans, mentions)
                if not row["quote"]:
                    continue
                rows.append(
                    {
                        "story_id": str(story_id),
                        "sentence_id": first[2],
                        **row,
                        "start": p_offset + span[0],
                        "end": p_offset + min(span[1] + 1, len(para)),
                        "n_words": len(_WORD.findall(row["quote"])),
                    }
                )
    out = pd.DataFrame(rows, columns=QUOTE_COLUMNS)
    return out.astype({"start": np.int64, "end": np.int64, "n_words": np.int64})


def _quoted_speakers(table: pd.DataFrame) -> pd.Series:
    """Rows of attributed speech whose speaker is a name or noun phrase (not a pronoun)."""
    kind = table["speaker_kind"] if "speaker_kind" in table.columns else "named"
    return (table["kind"] == "speech") & (kind != "pronoun")


def quote_summary(
    quote_table: pd.DataFrame, stories: pd.DataFrame, *, group: str = "story_id", top: int = 3
) -> pd.DataFrame:
    """Quotations per story or group: counts by kind and the most quoted speakers.

    Args:
        quote_table: the output of :func:`quotes`; not mutated.
        stories: the stories table (for ``group`` and for groups without quotes).
        group: ``story_id`` or another story column.
        top: speakers listed per group.

    Returns:
        ``group``, ``quotes``, ``speech``, ``attributed_share`` (speech / all quotes, 0 when
        none), ``name``, ``scare``, ``unattributed``, ``top_speakers`` (``"speaker (n)"``,
        ``"; "``-joined, most quoted first, ties by name; pronoun speakers are left out);
        every group, in order of first appearance.

    Raises:
        ParameterError: missing columns, unknown ``group``, bad ``top``.
    """
    _check_columns(quote_table, ["story_id", "kind", "speaker"], "quotes")
    _check_columns(stories, ["story_id"], "stories")
    _check_group(stories, group)
    top = _check_positive_int(top, "top")
    labels, index = _group_values(stories, group) if len(stories) else ([], np.array([]))
    group_of = dict(zip(stories["story_id"].astype(str), (labels[i] for i in index), strict=True))
    q = quote_table.assign(group=quote_table["story_id"].astype(str).map(group_of))
    rows = []
    for label in labels:
        g = q[q["group"] == label]
        counts = g["kind"].value_counts()
        speakers = g.loc[_quoted_speakers(g), "speaker"].value_counts()
        ranked = sorted(speakers.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        rows.append(
            {
                "group": label,
                "quotes": len(g),
                "speech": int(counts.get("speech", 0)),
                "attributed_share": counts.get("speech", 0) / len(g) if len(g) else 0.0,
                "name": int(counts.get("name", 0)),
                "scare": int(counts.get("scare", 0)),
                "unattributed": int(counts.get("unattributed", 0)),
                "top_speakers": "; ".join(f"{s} ({n})" for s, n in ranked),
            }
        )
    columns = [
        "group",
        "quotes",
        "speech",
        "attributed_share",
        "name",
        "scare",
        "unattributed",
        "top_speakers",
    ]
    return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------- description


_UNIT_PLURAL = {"story": "stories", "paragraph": "paragraphs", "sentence": "sentences"}


def _fmt_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _short(label: str, width: int = 40) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def describe(
    *,
    distinctive: pd.DataFrame | None = None,
    topics: TopicModel | None = None,
    topic_shares: pd.DataFrame | None = None,
    similarity: pd.DataFrame | None = None,
    actor_table: pd.DataFrame | None = None,
    quote_table: pd.DataFrame | None = None,
    top: int = 3,
    max_groups: int = 10,
) -> str:
    """Plain-language sentences (markdown bullets) generated from the results' numbers.

    Args:
        distinctive: output of :func:`distinctive_terms`.
        topics: output of :func:`topic_model`.
        topic_shares: ``topics.shares_by(stories, group=...)``, to describe groups rather than
            stories.
        similarity: output of :func:`similarity_matrix` (story or group level, read from the
            index name).
        actor_table: output of :func:`actors`.
        quote_table: output of :func:`quotes`.
        top: items named per group.
        max_groups: groups described one by one (the rest are counted).

    Returns:
        Markdown text; an empty string when nothing is given.

    Raises:
        ParameterError: bad ``top`` or ``max_groups``.
    """
    top = _check_positive_int(top, "top")
    max_groups = _check_positive_int(max_groups, "max_groups")
    md = escape_markdown  # every name and term from the corpus is escaped
    lines: list[str] = []
    if distinctive is not None:
        groups = list(dict.fromkeys(distinctive["group"]))
        if not groups:
            lines.append("- No distinctive terms: the corpus has fewer than two groups.")
        for g in groups[:max_groups]:
            d = distinctive[distinctive["group"] == g].sort_values("rank")
            terms = [f"*{md(t)}* ({z:.1f})" for t, z in zip(d["term"], d["z"], strict=True)][:top]
            n_sig = int(d["significant"].sum())
            lines.append(
                f"- **{md(_short(str(g)))}** is set apart most by {_fmt_list(terms)} "
                "(z in brackets); "
                f"{n_sig} of its top {len(d)} terms reach z > {Z_SIGNIFICANT}."
            )
        if len(groups) > max_groups:
            lines.append(f"- … and {len(groups) - max_groups} more groups (see the table).")
        if groups and not distinctive["significant"].any():
            lines.append(
                "- No term reaches z > 1.96: the texts are short, so read the ranking, "
                "not the size of z."
            )
    if topics is not None:
        if topics.n_topics == 0:
            lines.append("- No topic model: fewer than two units with counted terms.")
        else:
            t = topics.topics.iloc[0]
            fit = float(topics.units["fit"].mean())
            lines.append(
                f"- {topics.n_topics} topics over {len(topics.units)} "
                f"{_UNIT_PLURAL[topics.unit]}; the "
                f"largest, *{md(t['label'])}*, carries {t['weight_share']:.0%} of the topic "
                "weight; "
                f"the topics reproduce on average {fit:.0%} of a {topics.unit}'s TF-IDF vector."
            )
            shares = topics.shares if topic_shares is None else topic_shares
            key = "story_id" if topic_shares is None else "group"
            names = list(dict.fromkeys(shares[key]))
            for name in names[:max_groups]:
                s = shares[shares[key] == name].sort_values(
                    ["share", "topic"], ascending=[False, True]
                )
                if s["share"].iloc[0] <= 0:
                    lines.append(
                        f"- **{md(_short(str(name)))}** has no counted terms for the topics."
                    )
                    continue
                lines.append(
                    f"- **{md(_short(str(name)))}** is mostly topic {s['topic'].iloc[0]} "
                    f"(*{md(s['label'].iloc[0])}*, {s['share'].iloc[0]:.0%})."
                )
            if len(names) > max_groups:
                lines.append(f"- … and {len(names) - max_groups} more.")
    if similarity is not None and len(similarity) >= 2:
        values = similarity.to_numpy()
        iu = np.triu_indices(len(values), k=1)
        pairs = sorted(
            zip(values[iu], iu[0], iu[1], strict=True), key=lambda p: (-p[0], p[1], p[2])
        )
        best, worst = pairs[0], pairs[-1]
        names = list(similarity.index)
        related = sum(v >= RELATED_THRESHOLD for v, _, _ in pairs)
        dup = sum(v >= NEAR_DUPLICATE_THRESHOLD for v, _, _ in pairs)
        text = (
            f"- The most similar pair is **{md(_short(names[best[1]]))}** and "
            f"**{md(_short(names[best[2]]))}** (cosine {best[0]:.2f}); the least similar "
            f"**{md(_short(names[worst[1]]))}** and **{md(_short(names[worst[2]]))}** "
            f"({worst[0]:.2f})."
        )
        if similarity.index.name in (None, "story_id"):
            text += (
                f" {related} of {len(pairs)} pairs reach {RELATED_THRESHOLD} (same event) and "
                f"{dup} reach {NEAR_DUPLICATE_THRESHOLD} (near-duplicates)."
            )
        else:
            text += (
                " These compare the groups' mean vectors, which are much closer than single "
                "stories; the story thresholds do not apply."
            )
        lines.append(text)
    if actor_table is not None:
        groups = list(dict.fromkeys(actor_table["group"]))
        for g in groups[:max_groups]:
            a = actor_table[actor_table["group"] == g].head(top)
            named = [f"{md(x)} ({n})" for x, n in zip(a["actor"], a["mentions"], strict=True)]
            lines.append(f"- **{md(_short(str(g)))}** mentions most {_fmt_list(named)}.")
        if len(groups) > max_groups:
            lines.append(f"- … and {len(groups) - max_groups} more groups.")
    if quote_table is not None:
        if quote_table.empty:
            lines.append("- No direct quotations.")
        else:
            counts = quote_table["kind"].value_counts()
            speakers = quote_table.loc[_quoted_speakers(quote_table), "speaker"].value_counts()
            ranked = sorted(speakers.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
            text = (
                f"- {len(quote_table)} quotations: {counts.get('speech', 0)} attributed speech, "
                f"{counts.get('name', 0)} names in quotes, {counts.get('scare', 0)} scare quotes, "
                f"{counts.get('unattributed', 0)} unattributed."
            )
            if ranked:
                text += " Most quoted: " + _fmt_list([f"{md(s)} ({n})" for s, n in ranked]) + "."
            lines.append(text)
    return "\n".join(lines)
