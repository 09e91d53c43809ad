"""Topics of a Parquet dataset by online NMF on hashed TF-IDF, one partition at a time.

The hashing trick (Weinberger, Dasgupta, Langford, Smola & Attenberg 2009, *Feature Hashing for
Large Scale Multitask Learning*, ICML; scikit-learn ``FeatureHasher``, as in
``HashingVectorizer(alternate_sign=False)``) maps each article's unigram counts (the package's
vocabulary rule, :func:`analysis.language.text_terms`, stop words removed) to ``n_features``
columns without a vocabulary. Pass 1 counts document frequencies per hashed column (additive),
keeps a bounded term -> count table (pruned to the ``max_vocabulary`` most frequent terms) to
name columns, draws a uniform **reservoir sample** of articles (Vitter 1985, Algorithm R) and
spills each partition's hashed counts to disk. TF-IDF weighting is then the in-memory model's
(sublinear tf, smoothed idf ``ln((1 + N) / (1 + df)) + 1``, l2 norm; columns in fewer than 2 or
more than 95 % of articles dropped when there are 200 or more). Online NMF: scikit-learn
``MiniBatchNMF`` (Mairal, Bach, Ponce & Sapiro 2010, *Online Learning for Matrix Factorization
and Sparse Coding*, JMLR 11; with the beta-divergence updates of Lefevre, Bach & Fevotte 2011)
is initialised on the reservoir sample (``init="nndsvda"``) and updated with ``partial_fit`` on
mini-batches of the spilled matrices over ``n_epochs`` passes (partitions and rows shuffled with
``seed``). A last pass gives each article's topic shares (``transform``).

Memory: ``n_features x n_topics`` for the model, the df vector, the bounded vocabulary and the
reservoir sample; the result's share table is articles x topics. Not the same model as
:func:`analysis.language.topic_model` (no bigrams; hashed, not exact, columns; online, not
batch, optimisation; normalised text with any dateline kept, not the loader's text), so its
topics are close to, not equal to, the in-memory ones.
"""

from __future__ import annotations

import contextlib
import math
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.corpus.readers import has_text
from analysis.dask_engine.options import check_count, show_progress
from analysis.dask_engine.parquet import ID_COLUMN, DatasetLayout, dataset_layout, read_partition
from analysis.errors import CorpusError, ParameterError
from analysis.language import text_terms
from analysis.normalize import normalize_text

__all__ = [
    "MAX_DF",
    "MAX_VOCABULARY",
    "MIN_DF",
    "PRUNE_MIN_DOCUMENTS",
    "StreamingTopicModel",
    "streaming_topics",
]

#: Terms kept to name hashed columns in :func:`streaming_topics`.
MAX_VOCABULARY = 50_000
#: Like :func:`analysis.language.topic_model`: from this many articles on, rare and ubiquitous
#: terms are left out (document frequency below ``MIN_DF`` or above ``MAX_DF`` of articles).
PRUNE_MIN_DOCUMENTS = 200
MIN_DF = 2
MAX_DF = 0.95


@dataclass(frozen=True)
class StreamingTopicModel:
    """An online NMF topic model fitted partition by partition (see :func:`streaming_topics`).

    Attributes:
        n_topics: number of topics.
        topics: one row per topic: ``topic`` (1..k, by decreasing total weight), ``label``
            (three top terms joined by `` / ``), ``top_terms`` (comma-separated),
            ``weight_share`` (share of all topic weight), ``n_units`` (articles whose heaviest
            topic it is).
        terms: ``topic``, ``rank``, ``term``, ``weight`` (row of ``H``; a hashed column is named
            by the most frequent known term hashed to it, columns with no known term skipped).
        units: one row per article: ``story_id``, ``topic`` (heaviest; 0 for an article with
            no counted term), ``label``, ``share`` (of the article's total topic weight).
        shares: ``story_id``, ``topic``, ``label``, ``share`` (every article x topic; an
            article's shares sum to 1, or are all 0).
        n_documents: articles with text.
        n_steps: mini-batch updates (``partial_fit`` calls) run.
        vocabulary_size: distinct terms kept to name columns (at most ``max_vocabulary``).
    """

    n_topics: int
    topics: pd.DataFrame
    terms: pd.DataFrame
    units: pd.DataFrame
    shares: pd.DataFrame
    n_documents: int
    n_steps: int
    vocabulary_size: int


@dataclass
class _Hashed:
    """What pass 1 keeps: document frequencies, vocabulary, sample and spilled partitions."""

    df: np.ndarray
    vocabulary: Counter[str] = field(default_factory=Counter)
    reservoir: list[sp.csr_matrix] = field(default_factory=list)
    n_docs: int = 0
    spilled: list[tuple[Path, list[str]]] = field(default_factory=list)  # (file, story ids)


def _prune(counter: Counter[str], size: int) -> Counter[str]:
    """The ``size`` most frequent terms (ties by term), deterministically."""
    if len(counter) <= size:
        return counter
    kept = sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:size]
    return Counter(dict(kept))


def _tfidf_rows(counts: sp.csr_matrix, idf: np.ndarray, active: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf x idf, l2-normalised rows (scikit-learn ``TfidfTransformer``'s weighting).

    Only the ``active`` hashed columns (those with a non-zero idf) are kept, in that order.
    """
    from sklearn.preprocessing import normalize

    x = counts.tocsr()[:, active].astype(np.float64)
    x.data = 1.0 + np.log(x.data)
    x = (x @ sp.diags(idf[active])).tocsr()
    return normalize(x, norm="l2", copy=False).tocsr()


def _progress_bar(show: bool, total: int, desc: str) -> Any:
    """A tqdm bar over partitions, or a context that gives ``None`` when not shown."""
    if not show:
        return contextlib.nullcontext(None)
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="partition")


def streaming_topics(
    parquet_dir: str | Path,
    *,
    n_topics: int = 10,
    n_features: int = 2**18,
    seed: int = 0,
    batch_size: int = 256,
    n_epochs: int = 5,
    init_size: int = 2048,
    top_terms: int = 10,
    max_vocabulary: int = MAX_VOCABULARY,
    text_column: str | None = None,
    spill_dir: str | Path | None = None,
    progress: bool | None = None,
) -> StreamingTopicModel:
    """Topics of a Parquet dataset by online NMF on hashed TF-IDF (see the module docstring).

    Reads one partition at a time: pass 1 hashes each article's unigram counts, counts document
    frequencies, keeps the ``max_vocabulary`` most frequent terms (to name columns) and a seeded
    reservoir sample of ``init_size`` articles, and spills the hashed counts to ``spill_dir``;
    then ``MiniBatchNMF`` is initialised on the sample and updated with ``partial_fit`` on
    mini-batches of ``batch_size`` articles for ``n_epochs`` passes; a last pass computes every
    article's topic shares. The same dataset (same partitioning) and ``seed`` give identical
    tables; the same articles partitioned differently are visited in another order and give a
    close but not identical model.

    Args:
        parquet_dir: a Parquet dataset (``id`` column for story ids, else ``row-<n>``).
        n_topics: number of topics ``k``.
        n_features: hashed columns (a power of two is usual; collisions merge terms).
        seed: seeds the reservoir sample, the shuffling and ``MiniBatchNMF(random_state=)``.
        batch_size: articles per ``partial_fit`` step.
        n_epochs: passes over the spilled matrices.
        init_size: articles in the reservoir sample the model is initialised on.
        top_terms: terms listed per topic.
        max_vocabulary: terms kept to name hashed columns.
        text_column: the column holding article text (``None``: ``text``/``body`` ...).
        spill_dir: folder for the hashed counts (``None``: a temporary folder, removed after).
        progress: show progress bars (``None``: in a terminal, from 4 partitions).

    Returns:
        A :class:`StreamingTopicModel`.

    Raises:
        CorpusError: missing or empty dataset, no text column, or no article with text.
        ParameterError: a bad option, or ``n_topics`` above the articles with terms.
    """
    from sklearn.feature_extraction import FeatureHasher

    n_topics = check_count(n_topics, "n_topics")
    n_features = check_count(n_features, "n_features", minimum=2)
    batch_size = check_count(batch_size, "batch_size")
    n_epochs = check_count(n_epochs, "n_epochs")
    init_size = check_count(init_size, "init_size", minimum=n_topics)
    top_terms = check_count(top_terms, "top_terms")
    max_vocabulary = check_count(max_vocabulary, "max_vocabulary")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ParameterError(f"seed must be an integer, got {seed!r}")
    layout = dataset_layout(parquet_dir, text_column, need_id=False)
    hasher = FeatureHasher(n_features=n_features, input_type="dict", alternate_sign=False)
    rng = np.random.default_rng(int(seed))
    show = show_progress(progress, len(layout.files))
    with contextlib.ExitStack() as stack:
        if spill_dir is None:
            spill = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="topics-")))
        else:
            spill = Path(spill_dir).expanduser()
            spill.mkdir(parents=True, exist_ok=True)
        hashed = _hash_partitions(layout, hasher, spill, rng, init_size, max_vocabulary, show)
        idf, active = _idf_weights(hashed, n_topics, layout.root)
        model, n_steps = _fit_online(
            hashed, idf, active, rng, n_topics, batch_size, n_epochs, int(seed), show
        )
        w, story_ids = _topic_weights(model, hashed.spilled, idf, active, show)
    return _topic_model(
        w, model.components_, story_ids, active, hashed, hasher, top_terms, n_steps
    )


def _hash_partitions(
    layout: DatasetLayout,
    hasher: Any,
    spill: Path,
    rng: np.random.Generator,
    init_size: int,
    max_vocabulary: int,
    show: bool,
) -> _Hashed:
    """Pass 1: hashed counts spilled to ``spill``, document frequencies, vocabulary, sample."""
    hashed = _Hashed(df=np.zeros(hasher.n_features, dtype=np.int64))
    with _progress_bar(show, len(layout.files), "hashing") as bar:
        for part, (file, offset) in enumerate(zip(layout.files, layout.offsets, strict=True)):
            ids, counters = _partition_terms(layout, file, offset)
            for counter in counters:
                hashed.vocabulary.update(counter)
            if len(hashed.vocabulary) > 2 * max_vocabulary:
                hashed.vocabulary = _prune(hashed.vocabulary, max_vocabulary)
            if counters:
                counts = hasher.transform(counters).tocsr()
                counts.sort_indices()
                hashed.df += np.bincount(counts.indices, minlength=hasher.n_features)
                path = spill / f"hashed-{part:05d}.npz"
                sp.save_npz(path, counts, compressed=False)
                hashed.spilled.append((path, ids))
                hashed.n_docs = _sample(hashed.reservoir, counts, hashed.n_docs, init_size, rng)
            if bar is not None:
                bar.update(1)
    hashed.vocabulary = _prune(hashed.vocabulary, max_vocabulary)
    return hashed


def _partition_terms(
    layout: DatasetLayout, file: Path, offset: int
) -> tuple[list[str], list[Counter[str]]]:
    """Story ids and unigram counts of one partition's articles with text."""
    columns = [layout.text_column]
    if ID_COLUMN in layout.columns and layout.text_column != ID_COLUMN:
        columns.append(ID_COLUMN)
    frame = read_partition(file, columns)
    ids: list[str] = []
    counters: list[Counter[str]] = []
    for row, value in enumerate(frame[layout.text_column]):
        if not has_text(value):
            continue
        story = frame[ID_COLUMN].iat[row] if ID_COLUMN in frame.columns else None
        missing = story is None or (isinstance(story, float) and math.isnan(story))
        ids.append(f"row-{offset + row + 1}" if missing else str(story))
        counters.append(text_terms(normalize_text(value), ngram_range=(1, 1)))
    return ids, counters


def _sample(
    reservoir: list[sp.csr_matrix],
    counts: sp.csr_matrix,
    n_seen: int,
    size: int,
    rng: np.random.Generator,
) -> int:
    """Reservoir sampling (Vitter 1985, Algorithm R) of ``counts``' rows; the rows seen now."""
    for i in range(counts.shape[0]):
        if n_seen < size:
            reservoir.append(counts[i])
        else:
            j = int(rng.integers(0, n_seen + 1))
            if j < size:
                reservoir[j] = counts[i]
        n_seen += 1
    return n_seen


def _idf_weights(hashed: _Hashed, n_topics: int, root: Path) -> tuple[np.ndarray, np.ndarray]:
    """Smoothed idf of every hashed column (0 for columns left out) and the columns kept."""
    n_docs, df = hashed.n_docs, hashed.df
    if n_docs == 0:
        raise CorpusError("no article has text.", path=root)
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    idf[df == 0] = 0.0
    if n_docs >= PRUNE_MIN_DOCUMENTS:
        idf[(df < MIN_DF) | (df > MAX_DF * n_docs)] = 0.0
    active = np.flatnonzero(idf > 0)
    if len(active) < n_topics:
        raise ParameterError(
            f"n_topics={n_topics} is more than the {len(active)} terms kept; choose fewer"
        )
    return idf, active


def _fit_online(
    hashed: _Hashed,
    idf: np.ndarray,
    active: np.ndarray,
    rng: np.random.Generator,
    n_topics: int,
    batch_size: int,
    n_epochs: int,
    seed: int,
    show: bool,
) -> tuple[Any, int]:
    """``MiniBatchNMF`` initialised on the sample, then updated on shuffled mini-batches."""
    from sklearn.decomposition import MiniBatchNMF

    sample = _tfidf_rows(sp.vstack(hashed.reservoir).tocsr(), idf, active)
    n_useful = int((sample.getnnz(axis=1) > 0).sum())
    if n_topics > n_useful:
        raise ParameterError(
            f"n_topics={n_topics} is more than the {n_useful} sampled articles with terms; "
            f"choose at most {n_useful}"
        )
    model = MiniBatchNMF(
        n_components=n_topics, init="nndsvda", batch_size=batch_size, random_state=seed
    )
    model.partial_fit(sample)
    n_steps = 1
    spilled = hashed.spilled
    with _progress_bar(show, n_epochs * len(spilled), "fitting") as bar:
        for _epoch in range(n_epochs):
            for p in rng.permutation(len(spilled)):
                x = _tfidf_rows(sp.load_npz(spilled[p][0]), idf, active)
                rows = rng.permutation(x.shape[0])
                for start in range(0, len(rows), batch_size):
                    model.partial_fit(x[rows[start : start + batch_size]])
                    n_steps += 1
                if bar is not None:
                    bar.update(1)
    return model, n_steps


def _topic_weights(
    model: Any,
    spilled: list[tuple[Path, list[str]]],
    idf: np.ndarray,
    active: np.ndarray,
    show: bool,
) -> tuple[np.ndarray, list[str]]:
    """The last pass: every article's topic weights (rows of ``W``) and its story id."""
    weights: list[np.ndarray] = []
    story_ids: list[str] = []
    with _progress_bar(show, len(spilled), "topic shares") as bar:
        for path, ids in spilled:
            weights.append(model.transform(_tfidf_rows(sp.load_npz(path), idf, active)))
            story_ids.extend(ids)
            if bar is not None:
                bar.update(1)
    return np.vstack(weights), story_ids


def _topic_model(
    w: np.ndarray,
    h: np.ndarray,
    story_ids: list[str],
    active: np.ndarray,
    hashed: _Hashed,
    hasher: Any,
    top_terms: int,
    n_steps: int,
) -> StreamingTopicModel:
    """The model's tables, topics numbered by decreasing total weight."""
    n_topics = w.shape[1]
    order = np.lexsort((np.arange(n_topics), -w.sum(axis=0)))
    w, h = w[:, order], h[order]
    column_terms = _column_terms(hashed.vocabulary, hasher)
    labels, terms = _topic_terms(h, active, column_terms, top_terms)
    topics, units, shares = _topic_tables(w, story_ids, labels, terms)
    return StreamingTopicModel(
        n_topics=n_topics,
        topics=topics,
        terms=terms,
        units=units,
        shares=shares,
        n_documents=hashed.n_docs,
        n_steps=n_steps,
        vocabulary_size=len(hashed.vocabulary),
    )


def _topic_terms(
    h: np.ndarray, active: np.ndarray, column_terms: dict[int, str], top_terms: int
) -> tuple[list[str], pd.DataFrame]:
    """Each topic's label and its heaviest named columns (``topic``, ``rank``, ``term``,
    ``weight``)."""
    term_rows: list[tuple[int, int, str, float]] = []
    labels: list[str] = []
    for t in range(h.shape[0]):
        named: list[int] = []  # compact columns, heaviest first, that a known term names
        for c in np.lexsort((np.arange(h.shape[1]), -h[t])):
            if h[t, c] <= 0 or len(named) == top_terms:
                break
            if int(active[c]) in column_terms:
                named.append(int(c))
        words = [column_terms[int(active[c])] for c in named]
        labels.append(" / ".join(words[:3]))
        term_rows.extend(
            (t + 1, r, word, float(h[t, c]))
            for r, (word, c) in enumerate(zip(words, named, strict=True), start=1)
        )
    terms = pd.DataFrame(term_rows, columns=["topic", "rank", "term", "weight"])
    terms[["topic", "rank"]] = terms[["topic", "rank"]].astype(np.int64)
    return labels, terms


def _topic_tables(
    w: np.ndarray, story_ids: list[str], labels: list[str], terms: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The ``topics``, ``units`` and ``shares`` tables of topic weights ``w``."""
    n_topics = w.shape[1]
    topic_ids = np.arange(1, n_topics + 1, dtype=np.int64)
    totals = w.sum(axis=1)
    best = np.where(totals > 0, w.argmax(axis=1) + 1, 0).astype(np.int64)
    share = np.divide(w, totals[:, None], out=np.zeros_like(w), where=totals[:, None] > 0)
    label_of = dict(zip(topic_ids.tolist(), labels, strict=True))
    units = pd.DataFrame(
        {
            "story_id": story_ids,
            "topic": best,
            "label": [label_of.get(int(b), "") for b in best],
            "share": [share[i, b - 1] if b else 0.0 for i, b in enumerate(best)],
        }
    )
    shares = pd.DataFrame(
        {
            "story_id": np.repeat(np.asarray(story_ids, dtype=object), n_topics),
            "topic": np.tile(topic_ids, len(story_ids)),
            "label": np.tile(np.asarray(labels, dtype=object), len(story_ids)),
            "share": share.ravel(),
        }
    )
    grand = w.sum()
    topics = pd.DataFrame(
        {
            "topic": topic_ids,
            "label": labels,
            "top_terms": [
                ", ".join(terms.loc[terms["topic"] == t, "term"]) for t in topic_ids.tolist()
            ],
            "weight_share": w.sum(axis=0) / grand if grand > 0 else np.zeros(n_topics),
            "n_units": [int((best == t).sum()) for t in topic_ids.tolist()],
        }
    )
    return topics, units, shares


def _column_terms(vocabulary: Counter[str], hasher: Any) -> dict[int, str]:
    """Hashed column -> its most frequent known term (ties: alphabetical)."""
    if not vocabulary:
        return {}
    ranked = sorted(vocabulary.items(), key=lambda item: (-item[1], item[0]))
    columns = hasher.transform([{term: 1} for term, _ in ranked]).tocsr().indices
    named: dict[int, str] = {}
    for (term, _n), column in zip(ranked, columns.tolist(), strict=True):
        named.setdefault(int(column), term)
    return named
