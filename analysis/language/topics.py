"""Topics: non-negative matrix factorisation (NMF) of TF-IDF over stories, paragraphs or sentences.

Model
    ``X ~= W H``, with ``X`` the unit x term TF-IDF matrix (:mod:`analysis.language.terms`),
    fitted by scikit-learn's ``NMF`` (Frobenius loss, coordinate descent, ``init="nndsvda"``,
    ``random_state=seed``; Lee & Seung 1999, *Learning the parts of objects by non-negative
    matrix factorization*, Nature 401: 788-791; Cichocki & Phan 2009 for coordinate descent;
    Boutsidis & Gallopoulos 2008 for the NNDSVD start). With :data:`TERM_FILTER_UNITS` units or
    more, terms in fewer than 2 units or more than 95 % of units are left out of the model.
    Each unit's ``fit`` is ``1 - |x - wH|^2 / |x|^2``.

Units (``unit="auto"``, :func:`choose_unit`)
    Whole stories when there are at least :data:`MIN_TOPIC_UNITS` (2,505 AllSides articles),
    else paragraphs when there are at least :data:`MIN_PARAGRAPH_UNITS` (the seeds: 17), else
    sentences. On the seeds, sentence units let the 48 sentences of the long story absorb the
    leads (JAPAN's two sentences went 100 % to an "influence / u.s / russia" topic); paragraphs
    keep each lead's words together and give JAPAN and LOS_ANGELES topics of their own.

Number of topics (``n_topics=None``, :func:`auto_n_topics`)
    ``round(sqrt(n_units / 2))`` (the rule of thumb for a number of clusters given by Mardia,
    Kent & Bibby 1979, *Multivariate Analysis*), at least ``2 * n_stories`` when the units are
    passages of a handful of stories (each story can get a topic of its own and one shared),
    clipped to ``[2, MAX_AUTO_TOPICS]`` and to ``n_units - 1``; the cap of 10 is a readability
    limit for labels and charts, not a statistical choice. (Topic coherence - NPMI of the top
    terms over units - was tried as a criterion: on the seeds' 17 paragraphs it grows with k,
    from 0.47 at k = 4 to 0.80 at k = 10, as topics shrink to single paragraphs, so it cannot
    choose.)

Labels, shares and typical sentences
    A topic's label is its three heaviest terms in ``H`` (a term containing, or contained in, a
    term already chosen is skipped). A story's topic share is
    ``sum_u W[u, t] / sum_u sum_t W[u, t]`` over its units. The typical sentences of a topic are
    the sentences (of at least :data:`MIN_TYPICAL_WORDS` words) with the largest weight for the
    topic once projected on ``H`` (``NMF.transform``), searched in the :data:`TYPICAL_UNITS`
    units heaviest on the topic. Topics are numbered 1..k by decreasing total weight.

Cache
    A fitted model's tables are kept in the analysis cache (:mod:`analysis.language.memo`)
    under the SHA-256 of the stories, sentences and options, with the method's source files
    and the scikit-learn, NumPy and SciPy versions in the version: the language and comparison
    reports share one fit of a corpus instead of fitting it in every kernel.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis import parallel
from analysis._checks import positive_int
from analysis.errors import ParameterError
from analysis.language.data import stop_words
from analysis.language.memo import cached_tables, inputs_key, library_versions, method_hash
from analysis.language.tables import check_group, check_table, corpus_tables, group_values
from analysis.language.terms import (
    TermCounts,
    check_ngram_range,
    document_frequencies,
    ngram_sizes,
    resolve_counts,
    text_terms,
    tfidf_transformer,
    top_term_rows,
)
from analysis.normalize import tokenize

if TYPE_CHECKING:
    from analysis.corpus import Corpus

__all__ = [
    "MAX_AUTO_TOPICS",
    "MIN_PARAGRAPH_UNITS",
    "MIN_TOPIC_UNITS",
    "MIN_TYPICAL_WORDS",
    "TERM_FILTER_UNITS",
    "TYPICAL_UNITS",
    "TopicModel",
    "Unit",
    "auto_n_topics",
    "choose_unit",
    "topic_label",
    "topic_model",
]

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
#: From this many units on, rare and ubiquitous terms are left out of the model ...
TERM_FILTER_UNITS = 200
#: ... those in fewer units than this ...
MIN_TERM_UNITS = 2
#: ... or in more than this share of the units.
MAX_TERM_SHARE = 0.95

Unit = Literal["auto", "story", "paragraph", "sentence"]

_UNITS = ("auto", "story", "paragraph", "sentence")
_TYPICAL_COLUMNS = ["topic", "label", "rank", "story_id", "sentence_id", "weight", "text"]


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
    n_units = positive_int(n_units, "n_units")
    k = round(math.sqrt(n_units / 2))
    if n_stories is not None:
        k = max(k, 2 * positive_int(n_stories, "n_stories"))
    k = min(max(k, 2), MAX_AUTO_TOPICS)
    return max(1, min(k, n_units - 1))


def choose_unit(corpus: Corpus) -> Literal["story", "paragraph", "sentence"]:
    """The unit ``unit="auto"`` uses (see the module docstring).

    Stories when there are at least :data:`MIN_TOPIC_UNITS`; else paragraphs when there are at
    least :data:`MIN_PARAGRAPH_UNITS`; else sentences.

    >>> from analysis import load_corpus
    >>> choose_unit(load_corpus())
    'paragraph'
    """
    stories, sentences = corpus_tables(corpus)
    if len(stories) >= MIN_TOPIC_UNITS:
        return "story"
    n_paragraphs = len(sentences[["story_id", "paragraph_index"]].drop_duplicates())
    if n_paragraphs >= MIN_PARAGRAPH_UNITS:
        return "paragraph"
    return "sentence"


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
        check_table(stories, ["story_id"], "stories")
        check_group(stories, group)
        labels, index = group_values(stories, group)
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


@dataclass(frozen=True)
class _Fit:
    """An NMF fit, topics reordered by decreasing total weight (``order``: old -> new)."""

    transformer: Any  # the fitted TfidfTransformer
    model: Any  # the fitted NMF
    x: sp.csr_matrix  # unit x term TF-IDF
    w: np.ndarray  # unit x topic
    h: np.ndarray  # topic x term
    order: np.ndarray


def _check_options(
    unit: object,
    n_topics: int | None,
    seed: object,
    top_terms: int,
    n_sentences: int,
    max_iter: int,
    ngram_range: Sequence[int],
) -> tuple[int | None, int, int, int]:
    """The checked ``(n_topics, top_terms, n_sentences, max_iter)`` of :func:`topic_model`."""
    if unit not in _UNITS:
        raise ParameterError(
            f"unit must be 'auto', 'story', 'paragraph' or 'sentence', got {unit!r}"
        )
    if n_topics is not None:
        n_topics = positive_int(n_topics, "n_topics")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ParameterError(f"seed must be an integer, got {seed!r}")
    top_terms = positive_int(top_terms, "top_terms")
    n_sentences = positive_int(n_sentences, "n_sentences", minimum=0)
    max_iter = positive_int(max_iter, "max_iter")
    check_ngram_range(ngram_range)
    return n_topics, top_terms, n_sentences, max_iter


def _units(
    stories: pd.DataFrame, sentences: pd.DataFrame, unit: str, *, texts: bool = True
) -> tuple[list[str], list[str], list[str]]:
    """(unit ids, story ids, texts) for the chosen unit; the stories' texts are not read
    without ``texts`` (their term counts are given: at 25,000 stories the texts as Python
    strings took 0.2 GB)."""
    if unit == "story":
        ids = [str(s) for s in stories["story_id"]]
        return ids, ids, list(stories["text"]) if texts else []
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


def _unit_term_counts(
    unit_ids: list[str], texts: list[str], ngram_range: Sequence[int]
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Unit x term counts and their terms, rare and ubiquitous terms left out of many units.

    The units' terms are counted in worker processes on large corpora (a unit's counts depend
    on its own text only)."""
    ngrams = (int(ngram_range[0]), int(ngram_range[1]))
    counted: list[Any] = []
    parallel.for_each_chunk(
        _chunk_terms,
        ([(text, ngrams) for text in part] for part in parallel.chunked(texts)),
        counted.extend,
        n_items=len(texts),
        desc="counting topic terms",
    )
    tc = TermCounts.from_counters(dict(zip(unit_ids, counted, strict=True)))
    return _kept_terms(tc.matrix, np.asarray(tc.terms, dtype=object))


def _kept_terms(matrix: sp.csr_matrix, terms: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    """The unit x term counts without the rare and the ubiquitous terms when there are many
    units (:data:`TERM_FILTER_UNITS`), and their terms."""
    n_units = matrix.shape[0]
    if n_units < TERM_FILTER_UNITS:
        return matrix, terms
    df = document_frequencies(matrix)
    keep_terms = np.flatnonzero((df >= MIN_TERM_UNITS) & (df <= MAX_TERM_SHARE * n_units))
    return matrix[:, keep_terms], terms[keep_terms]


def _chunk_terms(chunk: list[tuple[str, tuple[int, int]]]) -> list[Any]:
    """:func:`~analysis.language.terms.text_terms` of each text of a chunk (run in a worker)."""
    stop = stop_words()
    return [text_terms(text, ngram_range=ngrams, stop_words=stop) for text, ngrams in chunk]


def _number_of_topics(
    n_topics: int | None, n_useful: int, n_terms: int, unit: str, unit_story: list[str]
) -> int:
    """``n_topics``, or :func:`auto_n_topics` when ``None``; at most the units and terms."""
    if n_topics is None:
        passages = None if unit == "story" else len(set(unit_story))
        k = auto_n_topics(n_useful, n_stories=passages)
    else:
        k = n_topics
    if k > min(n_useful, n_terms):
        raise ParameterError(
            f"n_topics={k} is more than the {n_useful} {unit}s with terms "
            f"(or the {n_terms} terms); choose at most {min(n_useful, n_terms)}"
        )
    return k


def _fit(matrix: sp.csr_matrix, k: int, seed: int, max_iter: int) -> _Fit:
    """TF-IDF of the counts, NMF with ``k`` topics, topics ordered by decreasing weight."""
    from sklearn.decomposition import NMF

    transformer = tfidf_transformer()
    x = transformer.fit_transform(matrix.astype(np.float64))
    model = NMF(
        n_components=k, init="nndsvda", random_state=int(seed), max_iter=max_iter, tol=1e-4
    )
    w = model.fit_transform(x)
    h = model.components_
    order = np.lexsort((np.arange(k), -w.sum(axis=0)))
    return _Fit(transformer, model, x, w[:, order], h[order], order)


def topic_label(terms: list[str], n: int = 3) -> str:
    """The first ``n`` terms, skipping a term containing, or contained in, one already chosen."""
    chosen: list[str] = []
    for term in terms:
        words = set(term.split())
        if any(words <= set(c.split()) or set(c.split()) <= words for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == n:
            break
    return " / ".join(chosen)


def _topic_terms(h: np.ndarray, terms: np.ndarray, top_terms: int) -> tuple[pd.DataFrame, list]:
    """The ``terms`` table of the model and the topics' labels."""
    ngram = ngram_sizes(terms)
    term_rows, labels = [], []
    for t in range(h.shape[0]):
        top = top_term_rows(h[t], h[t] > 0, terms, ngram, max(top_terms, 10))
        labels.append(topic_label([terms[i] for i in top]))
        for rank, i in enumerate(top[:top_terms], start=1):
            term_rows.append((t + 1, rank, terms[i], float(h[t, i])))
    return pd.DataFrame(term_rows, columns=["topic", "rank", "term", "weight"]), labels


def _unit_fit(x: sp.csr_matrix, w: np.ndarray, h: np.ndarray) -> np.ndarray:
    """``1 - |x - wH|^2 / |x|^2`` per unit, in O(units x k) memory (no dense ``wH``).

    ``|x - wH|^2 = |x|^2 - 2 w.(x H^T) + w (H H^T) w^T``; 0 for a unit without terms.
    """
    # the squares share x's indices (x.multiply(x) copied them: 0.1 GB at 25,000 stories)
    squares = sp.csr_matrix((x.data * x.data, x.indices, x.indptr), shape=x.shape)
    x_norm2 = np.asarray(squares.sum(axis=1)).ravel()
    del squares
    cross = (np.asarray(x @ h.T) * w).sum(axis=1)
    recon_norm2 = ((w @ (h @ h.T)) * w).sum(axis=1)
    residual = x_norm2 - 2 * cross + recon_norm2
    return np.divide(x_norm2 - residual, x_norm2, out=np.zeros_like(x_norm2), where=x_norm2 > 0)


def _unit_table(
    fit: _Fit, unit_ids: list[str], unit_story: list[str], labels: list
) -> pd.DataFrame:
    """The ``units`` table: each unit's heaviest topic, its weight and share, and the fit."""
    w = fit.w
    label_of = dict(zip(np.arange(1, w.shape[1] + 1), labels, strict=True))
    unit_total = w.sum(axis=1)
    best = np.where(unit_total > 0, w.argmax(axis=1) + 1, 0)
    return pd.DataFrame(
        {
            "unit_id": unit_ids,
            "story_id": unit_story,
            "topic": best.astype(np.int64),
            "label": [label_of.get(b, "") for b in best],
            "weight": [w[i, b - 1] if b else 0.0 for i, b in enumerate(best)],
            "share": [w[i, b - 1] / unit_total[i] if b else 0.0 for i, b in enumerate(best)],
            "fit": np.clip(_unit_fit(fit.x, w, fit.h), 0.0, 1.0),
        }
    )


def _story_shares(
    stories: pd.DataFrame, unit_story: list[str], w: np.ndarray, labels: list
) -> pd.DataFrame:
    """The ``shares`` table: every (story, topic) pair, a story's shares summing to 1 (or 0)."""
    k = w.shape[1]
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
    return pd.DataFrame(
        {
            "story_id": np.repeat(story_ids, k),
            "topic": np.tile(np.arange(1, k + 1), len(story_ids)).astype(np.int64),
            "label": np.tile(labels, len(story_ids)),
            "share": story_share.ravel(),
        }
    )


def _topic_table(
    w: np.ndarray, labels: list, terms: pd.DataFrame, units: pd.DataFrame
) -> pd.DataFrame:
    """The ``topics`` table: label, top terms, share of all weight and units per topic."""
    topic_ids = np.arange(1, w.shape[1] + 1)
    best = units["topic"].to_numpy()
    return pd.DataFrame(
        {
            "topic": topic_ids.astype(np.int64),
            "label": labels,
            "top_terms": [", ".join(terms.loc[terms["topic"] == t, "term"]) for t in topic_ids],
            "weight_share": w.sum(axis=0) / w.sum(),
            "n_units": [int((best == t).sum()) for t in topic_ids],
        }
    )


def _typical_candidates(
    sentences: pd.DataFrame, unit: str, unit_ids: list[str], w: np.ndarray
) -> pd.DataFrame:
    """Sentences of at least :data:`MIN_TYPICAL_WORDS` words in the units heaviest on a topic,
    with the ``unit_id`` of their unit."""
    sent = sentences[["story_id", "sentence_id", "paragraph_index", "text"]].copy()
    sent["story_id"] = sent["story_id"].astype(str)
    sent["sentence_id"] = sent["sentence_id"].astype(str)
    if unit == "sentence":
        sent["unit_id"] = sent["sentence_id"]
    elif unit == "paragraph":
        sent["unit_id"] = sent["story_id"] + "/p" + sent["paragraph_index"].astype(str)
    else:
        sent["unit_id"] = sent["story_id"]
    candidates: set[str] = set()
    for t in range(w.shape[1]):
        heavy = np.lexsort((np.arange(len(unit_ids)), -w[:, t]))[:TYPICAL_UNITS]
        candidates.update(unit_ids[i] for i in heavy if w[i, t] > 0)
    sent = sent[sent["unit_id"].isin(candidates)]
    n_words = sent["text"].map(lambda t: len(tokenize(t)))
    return sent[n_words >= MIN_TYPICAL_WORDS].reset_index(drop=True)


def _sentence_weights(
    sent: pd.DataFrame,
    unit: str,
    unit_ids: list[str],
    fit: _Fit,
    terms: np.ndarray,
    ngram_range: Sequence[int],
) -> np.ndarray:
    """Sentence x topic weights: the unit's own for sentence units, else the sentences' TF-IDF
    projected on ``H``."""
    if unit == "sentence":
        unit_pos = {u: i for i, u in enumerate(unit_ids)}
        return fit.w[[unit_pos[u] for u in sent["unit_id"]]]
    stop = stop_words()
    index = {t: i for i, t in enumerate(terms)}
    rows, cols, vals = [], [], []
    for r, text in enumerate(sent["text"]):
        for term, n in text_terms(text, ngram_range=ngram_range, stop_words=stop).items():
            c = index.get(term)
            if c is not None:
                rows.append(r)
                cols.append(c)
                vals.append(n)
    counts = sp.csr_matrix((vals, (rows, cols)), shape=(len(sent), len(index)), dtype=float)
    return fit.model.transform(fit.transformer.transform(counts))[:, fit.order]


def _typical_sentences(
    sentences: pd.DataFrame,
    unit: str,
    unit_ids: list[str],
    fit: _Fit,
    labels: list,
    terms: np.ndarray,
    ngram_range: Sequence[int],
    n_sentences: int,
) -> pd.DataFrame:
    """The ``typical`` table: the ``n_sentences`` heaviest sentences of each topic."""
    if n_sentences == 0:
        return pd.DataFrame(columns=_TYPICAL_COLUMNS)
    sent = _typical_candidates(sentences, unit, unit_ids, fit.w)
    if sent.empty:
        return pd.DataFrame(columns=_TYPICAL_COLUMNS)
    sw = _sentence_weights(sent, unit, unit_ids, fit, terms, ngram_range)
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


def topic_model(
    corpus: Corpus,
    *,
    n_topics: int | None = None,
    unit: Unit = "auto",
    ngram_range: Sequence[int] = (1, 2),
    seed: int = 0,
    top_terms: int = 10,
    n_sentences: int = 3,
    max_iter: int = 2000,
    counts: TermCounts | None = None,
) -> TopicModel:
    """NMF topics on TF-IDF over sentences, paragraphs or articles (see the module docstring).

    Args:
        corpus: a :class:`~analysis.corpus.Corpus`; not mutated.
        n_topics: number of topics; ``None`` = :func:`auto_n_topics` of the number of units.
        unit: ``"auto"`` (:func:`choose_unit`), ``"story"``, ``"paragraph"`` or ``"sentence"``.
        ngram_range: see :func:`~analysis.language.terms.text_terms`.
        seed: ``random_state`` of NMF (the ``nndsvda`` start is itself deterministic).
        top_terms: terms listed per topic.
        n_sentences: typical sentences listed per topic.
        max_iter: NMF iteration limit (a ``ConvergenceWarning`` is raised if reached).
        counts: the stories' term counts for ``ngram_range``
            (:func:`analysis.pipeline.corpus_term_counts` or
            :func:`~analysis.language.terms.term_counts` of the stories); when the unit is the
            story they are the units' counts, which are then not counted again (the same
            numbers: one vocabulary rule). Other units count their own terms.

    Returns:
        A :class:`TopicModel`. An empty corpus, or one with fewer than two units with counted
        terms, gives a model with ``n_topics == 0`` and empty tables.

    Raises:
        ParameterError: bad ``unit``, ``n_topics`` (< 1, or more than units or terms),
            ``seed``, ``top_terms``, ``n_sentences`` or ``max_iter``.
    """
    stories, sentences = corpus_tables(corpus)
    n_topics, top_terms, n_sentences, max_iter = _check_options(
        unit, n_topics, seed, top_terms, n_sentences, max_iter, ngram_range
    )
    chosen = choose_unit(corpus) if unit == "auto" else unit
    story_counts = None
    if counts is not None:
        story_counts = resolve_counts(stories, counts, ngram_range)
    options = (n_topics, chosen, tuple(int(n) for n in ngram_range), int(seed))
    options += (top_terms, n_sentences, max_iter)
    tables, scalars = cached_tables(
        "topic-model",
        f"{_MEMO_NAME}-{method_hash(_METHOD_FILES)}-{library_versions(_LIBRARIES)}",
        _inputs_key(stories, sentences, options),
        lambda: _model_tables(_topic_model(stories, sentences, *options, story_counts)),
    )
    return TopicModel(**scalars, **tables)


#: Name of the cached models (bump when their layout changes), the source files whose content
#: decides them (with the language data files, :func:`method_hash`) and the libraries whose
#: numerics they depend on.
_MEMO_NAME = "topics-1"
_METHOD_FILES = (
    "language/topics.py",
    "language/terms.py",
    "language/tables.py",
    "language/data.py",
    "normalize.py",
)
_LIBRARIES = ("scikit-learn", "numpy", "scipy")
_MODEL_TABLES = ("topics", "terms", "units", "shares", "typical")


def _inputs_key(stories: pd.DataFrame, sentences: pd.DataFrame, options: tuple) -> str:
    """SHA-256 of what a topic model is computed from: the stories' ids and texts, the
    sentences' ids, paragraphs and texts, in order, and the options."""
    story_columns = [stories[c] for c in ("story_id", "text")]
    sentence_columns = [sentences[c] for c in ("story_id", "sentence_id", "paragraph_index")]
    return inputs_key(repr(options), *story_columns, *sentence_columns, sentences["text"])


def _model_tables(model: TopicModel) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """A model as tables and scalars (for the cache)."""
    tables = {name: getattr(model, name) for name in _MODEL_TABLES}
    scalars = {
        "unit": model.unit,
        "n_topics": model.n_topics,
        "reconstruction_error": model.reconstruction_error,
        "n_iter": model.n_iter,
    }
    return tables, scalars


def _topic_model(
    stories: pd.DataFrame,
    sentences: pd.DataFrame,
    n_topics: int | None,
    chosen: str,
    ngram_range: Sequence[int],
    seed: int,
    top_terms: int,
    n_sentences: int,
    max_iter: int,
    story_counts: TermCounts | None = None,
) -> TopicModel:
    """:func:`topic_model` with checked options and the unit chosen, computed."""
    given = chosen == "story" and story_counts is not None
    unit_ids, unit_story, texts = _units(stories, sentences, chosen, texts=not given)
    if given:
        matrix, terms = _kept_terms(story_counts.matrix, np.asarray(story_counts.terms, object))
    else:
        matrix, terms = _unit_term_counts(unit_ids, texts, ngram_range)
    del texts
    n_useful = int((np.asarray(matrix.sum(axis=1)).ravel() > 0).sum())
    if n_useful < 2 or len(terms) < 2:
        return _empty_topic_model(chosen)
    k = _number_of_topics(n_topics, n_useful, len(terms), chosen, unit_story)
    fit = _fit(matrix, k, seed, max_iter)
    del matrix  # the fit keeps its TF-IDF
    terms_frame, labels = _topic_terms(fit.h, terms, top_terms)
    units = _unit_table(fit, unit_ids, unit_story, labels)
    return TopicModel(
        unit=chosen,
        n_topics=k,
        topics=_topic_table(fit.w, labels, terms_frame, units),
        terms=terms_frame,
        units=units,
        shares=_story_shares(stories, unit_story, fit.w, labels),
        typical=_typical_sentences(
            sentences, chosen, unit_ids, fit, labels, terms, ngram_range, n_sentences
        ),
        reconstruction_error=float(fit.model.reconstruction_err_),
        n_iter=int(fit.model.n_iter_),
    )
