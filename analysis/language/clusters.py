"""Story topics: k-means clusters of whole stories in the latent semantic space of their TF-IDF.

Each story is filed under one topic, as an editor files it under one section. NMF topic shares
(:mod:`analysis.language.topics`) describe the mixture of topics within a story; their argmax is
a weaker single label on a large corpus, because NMF spreads a story over parts of several
topics. Clustering the stories themselves gives the single label directly.

Method (the latent semantic analysis + k-means pipeline of scikit-learn's documented example
"Clustering text documents using k-means"; Deerwester et al. 1990, *Indexing by latent semantic
analysis*, JASIS 41: 391-407; MacQueen 1967 and Arthur & Vassilvitskii 2007 for k-means++)
    1. ``X``: the story x term TF-IDF of the NMF topic model with story units: the same
       vocabulary rule, stop words, term filter (with :data:`TERM_FILTER_UNITS` stories or more,
       terms in fewer than 2 stories or in more than 95 % of them are left out) and weights
       (:func:`analysis.language.terms.tfidf_matrix`: scikit-learn's ``TfidfTransformer``).
    2. ``Z``: the truncated SVD of ``X`` (``U_d S_d``, what ``TruncatedSVD.fit_transform``
       gives), each row then L2-normalised (``Normalizer``), so Euclidean k-means on ``Z``
       groups stories by the cosine of their reduced vectors. The SVD is computed exactly, by
       the Lanczos method (ARPACK's implicitly restarted Lanczos, Lehoucq, Sorensen & Yang
       1998, through ``scipy.sparse.linalg.eigsh``) on the smaller of ``X Xᵀ`` and ``Xᵀ X``,
       given as products with ``X`` (:func:`analysis.language.latent.latent_vectors`); a
       dense eigendecomposition of that Gram matrix when it is small. Its workspace grows with
       the stories, not the vocabulary. The randomized SVD used before (Halko, Martinsson &
       Tropp 2011, scikit-learn's default) held arrays of terms x (dimensions + 10): +0.9 GB
       at 25,000 AllSides stories, against +0.2 GB; it took 32 s, against 13 s; and its
       trailing singular values there were up to 6 % off. The clusters barely move (adjusted
       Rand index between the two .991 on the 2,505 AllSides articles and .997 at 25,000
       articles; NMI with the editors' topics .787 -> .788 and .788 -> .789). Dimensions
       (:func:`latent_dimensions`):
       ``min(100, max(k, n_stories // 10))``: 100 is the example's choice and the order of
       magnitude Deerwester et al. recommend; at least ten stories per dimension (the usual
       ten-observations-per-variable rule of thumb), so that a small corpus is not clustered in
       a space of nearly as many dimensions as stories; never fewer than ``k`` (the k-means
       centroids lie in the span of the first ``k - 1`` principal components; Ding & He 2004,
       *K-means clustering via principal component analysis*, ICML). On random 200-article
       subsets of the AllSides sample 100 dimensions gave NMI .62 with its topics, 20 gave .78
       (with the randomized SVD); on all 2,505 articles 50, 100 and 200 give .786, .788 and
       .784 (``benchmarks/story_topics_nmi.py``).
    3. ``KMeans(n_clusters, init="k-means++", n_init=N_INIT, random_state=seed)`` on ``Z``:
       the best of :data:`N_INIT` restarts (lowest inertia; one restart costs .05 NMI on
       AllSides, .731-.753 over three seeds, against .788).

Number of clusters (``n_clusters=None``)
    With at least :data:`~analysis.language.topics.MIN_TOPIC_UNITS` stories with terms,
    :func:`analysis.language.topics.auto_n_topics` of that number: the number of topics the NMF
    model picks when it models whole stories (``round(sqrt(n / 2))``, Mardia, Kent & Bibby 1979,
    clipped to [2, 10]), so clusters and topics of one corpus can be read side by side. A
    silhouette scan was not used: on the AllSides sample the silhouette (cosine, in ``Z``) rises
    slowly with k (.07 at k = 2, .19 at 10, .196 at 15, .19 at 20) and would pick 15 clusters
    for 10 editors' topics (NMI .72 instead of .79). With fewer stories each story is its own
    cluster (``method="one per story"``), as the topic model then models passages, not stories:
    on the seeds (four unrelated stories, pairwise TF-IDF cosine below .03) any grouping would be
    arbitrary.

Labels, distances and typical stories
    A cluster's terms are ranked by the mean TF-IDF of its stories (the centroid in TF-IDF
    space, not in SVD space, so weights are readable); its label is its three heaviest terms, a
    term containing, or contained in, a term already chosen being skipped (the rule of the topic
    labels). Per story: ``distance`` to its centroid in ``Z`` (what k-means minimises),
    ``similarity`` (cosine of ``Z`` row and centroid) and ``margin`` (distance to the nearest
    other centroid minus ``distance``; near 0, the story lies between two clusters). A cluster's
    typical stories are those most similar to its centroid. Clusters are numbered 1..k by
    decreasing size, ties by first story.

Per-story topic (:func:`story_topics`)
    The story's cluster when the corpus has at least :data:`MIN_CLUSTER_STORIES` stories, else
    the argmax of its NMF topic shares, with a ``method`` column saying which. The threshold is
    measured: on the same random subsets of the AllSides sample (5 per size), the NMF argmax
    agrees better with the editors' topics on 50 stories (NMI .635 vs .626), the two are
    close on 100 (.646 vs .660 for clusters; .632 with the randomized SVD used before),
    clusters agree better from 200 on (.813 vs .804; 500: .790 vs .762), and on all 2,505
    articles clusters reach NMI .788 against .753 for the NMF argmax (k = 10 for both). Keep
    the NMF shares (:attr:`TopicModel.shares`) for the mixture of topics within a story.

Stability (:func:`cluster_stability`)
    Normalized mutual information (``sklearn.metrics.normalized_mutual_info_score``, arithmetic
    mean; Strehl & Ghosh 2002, *Cluster ensembles*, JMLR 3: 583-617) between the clusterings of
    every pair of seeds: .998 on average over 5 seeds on the AllSides sample (.992 with the
    randomized SVD).
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis._checks import positive_int
from analysis.errors import ParameterError
from analysis.language.latent import latent_vectors, total_variance
from analysis.language.memo import cached_tables, inputs_key, library_versions, method_hash
from analysis.language.tables import (
    check_group,
    check_stories,
    corpus_tables,
    group_matrix,
    group_values,
)
from analysis.language.terms import (
    TermCounts,
    check_ngram_range,
    document_frequencies,
    ngram_sizes,
    resolve_counts,
    tfidf_matrix,
    top_term_rows,
)
from analysis.language.topics import (
    MAX_TERM_SHARE,
    MIN_TERM_UNITS,
    MIN_TOPIC_UNITS,
    TERM_FILTER_UNITS,
    TopicModel,
    auto_n_topics,
    topic_label,
    topic_model,
)

if TYPE_CHECKING:
    from analysis.corpus import Corpus

__all__ = [
    "CLUSTER_COLUMNS",
    "CLUSTER_STORY_COLUMNS",
    "MIN_CLUSTER_STORIES",
    "N_COMPONENTS",
    "N_INIT",
    "STORIES_PER_COMPONENT",
    "STORY_TOPIC_COLUMNS",
    "StoryClusters",
    "cluster_stability",
    "latent_dimensions",
    "story_clusters",
    "story_topic_shares",
    "story_topics",
]

#: Stories from which :func:`story_topics` files each story under its cluster.
MIN_CLUSTER_STORIES = 200
#: Most dimensions of the latent semantic space (scikit-learn's example; Deerwester et al. 1990).
N_COMPONENTS = 100
#: At least this many stories per dimension of the latent space.
STORIES_PER_COMPONENT = 10
#: k-means restarts (k-means++ starts); the run with the lowest inertia is kept.
N_INIT = 10

#: Columns of :attr:`StoryClusters.stories`.
CLUSTER_STORY_COLUMNS = [
    "story_id",
    "cluster",
    "label",
    "n_stories",
    "distance",
    "similarity",
    "margin",
]
#: Columns of :attr:`StoryClusters.clusters`.
CLUSTER_COLUMNS = [
    "cluster",
    "label",
    "top_terms",
    "n_stories",
    "share",
    "mean_similarity",
    "typical_titles",
]
#: Columns of :func:`story_topics`.
STORY_TOPIC_COLUMNS = ["story_id", "title", "topic", "label", "method", "strength"]

_TERM_COLUMNS = ["cluster", "rank", "term", "weight"]
_TYPICAL_COLUMNS = ["cluster", "label", "rank", "story_id", "title", "similarity"]
_LABEL_TERMS = 3


@dataclass(frozen=True)
class StoryClusters:
    """Stories clustered by topic (see :func:`story_clusters`).

    Attributes:
        n_clusters: number of clusters (0 when no story has a counted term).
        method: ``"k-means"``, ``"one per story"`` or ``"none"`` (no story with terms).
        reason: why this method and number of clusters, in a sentence.
        n_components: dimensions of the latent space (0 without k-means).
        explained_variance: share of the TF-IDF variance the latent space keeps (0-1).
        inertia: k-means' sum of squared distances to the centroids (0 without k-means).
        stories: one row per story, in input order (:data:`CLUSTER_STORY_COLUMNS`):
            ``cluster`` (1..k; 0 and an empty label for a story without counted terms),
            ``label``, ``n_stories`` (size of its cluster), ``distance``, ``similarity``,
            ``margin`` (see the module docstring; NaN where not defined).
        clusters: one row per cluster (:data:`CLUSTER_COLUMNS`): ``label``, ``top_terms``
            (comma-separated), ``n_stories``, ``share`` (of the clustered stories),
            ``mean_similarity``, ``typical_titles`` (the typical stories' titles, ``"; "``).
        terms: ``cluster``, ``rank``, ``term``, ``weight`` (mean TF-IDF in the cluster).
        typical: ``cluster``, ``label``, ``rank``, ``story_id``, ``title``, ``similarity``:
            the stories most similar to each centroid.
    """

    n_clusters: int
    method: str
    reason: str
    n_components: int
    explained_variance: float
    inertia: float
    stories: pd.DataFrame
    clusters: pd.DataFrame
    terms: pd.DataFrame
    typical: pd.DataFrame


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ParameterError(f"seed must be an integer, got {seed!r}")
    return int(seed)


def _stories_of(corpus_or_stories: object) -> pd.DataFrame:
    """The stories table of a corpus, or the table itself."""
    if isinstance(corpus_or_stories, pd.DataFrame):
        check_stories(corpus_or_stories)
        return corpus_or_stories
    if isinstance(getattr(corpus_or_stories, "stories", None), pd.DataFrame):
        stories = corpus_or_stories.stories  # type: ignore[attr-defined]
        check_stories(stories)
        return stories
    raise ParameterError(
        "expected a Corpus (load_corpus(...)) or its stories table, "
        f"got {type(corpus_or_stories).__name__}"
    )


def _titles(stories: pd.DataFrame) -> np.ndarray:
    """The stories' titles (``""`` where missing or without a ``title`` column)."""
    if "title" not in stories.columns:
        return np.full(len(stories), "", dtype=object)
    return stories["title"].fillna("").astype(str).to_numpy(dtype=object)


def _story_tfidf(
    stories: pd.DataFrame, counts: TermCounts | None, ngram_range: Sequence[int]
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Story x term TF-IDF and its terms, as the NMF topic model builds them for story units."""
    tc = resolve_counts(stories, counts, ngram_range)
    matrix = tc.matrix
    keep = np.arange(len(tc.terms))
    if len(stories) >= TERM_FILTER_UNITS:
        df = document_frequencies(matrix)
        keep = np.flatnonzero((df >= MIN_TERM_UNITS) & (df <= MAX_TERM_SHARE * len(stories)))
        terms = np.asarray(tc.terms, dtype=object)[keep]
        if len(keep) == 0:
            return sp.csr_matrix((matrix.shape[0], 0), dtype=np.float64), terms
        return tfidf_matrix(matrix[:, keep]), terms  # the slice goes inside, once weighed
    terms = np.asarray(tc.terms, dtype=object)[keep]
    if matrix.shape[1] == 0:
        return sp.csr_matrix(matrix.shape, dtype=np.float64), terms
    return tfidf_matrix(matrix), terms


def _number_of_clusters(n_clusters: int | None, n_useful: int) -> tuple[int, str, str]:
    """``(k, method, reason)`` for ``n_useful`` stories with terms."""
    if n_clusters is None:
        if n_useful >= MIN_TOPIC_UNITS:
            k = auto_n_topics(n_useful)
            reason = (
                f"k-means with k = {k}, the number of topics the NMF model picks for "
                f"{n_useful} stories"
            )
            return k, "k-means", reason
        reason = (
            f"{n_useful} stories with terms, fewer than {MIN_TOPIC_UNITS}: too few to "
            "estimate clusters, so each story is its own cluster"
        )
        return n_useful, "one per story", reason
    k = positive_int(n_clusters, "n_clusters")
    if k > n_useful:
        raise ParameterError(
            f"n_clusters={k} is more than the {n_useful} stories with counted terms; "
            f"choose at most {n_useful}"
        )
    if k == n_useful:
        return k, "one per story", f"n_clusters = {k}, the number of stories with terms"
    return k, "k-means", f"k-means with k = {k} (given)"


@dataclass(frozen=True)
class _Assignment:
    """Cluster of each story with terms (1..k by decreasing size) and its geometry."""

    labels: np.ndarray
    distance: np.ndarray
    similarity: np.ndarray
    margin: np.ndarray
    n_components: int
    explained_variance: float
    inertia: float


def latent_dimensions(n_stories: int, n_clusters: int) -> int:
    """The automatic number of LSA dimensions (see the module docstring).

    ``min(N_COMPONENTS, max(n_clusters, n_stories // STORIES_PER_COMPONENT))``.

    >>> [latent_dimensions(n, 10) for n in (60, 200, 500, 2505)]
    [10, 20, 50, 100]
    """
    n_stories = positive_int(n_stories, "n_stories")
    n_clusters = positive_int(n_clusters, "n_clusters")
    return min(N_COMPONENTS, max(n_clusters, n_stories // STORIES_PER_COMPONENT))


def _kmeans(
    x: sp.csr_matrix, k: int, seed: int, n_init: int, n_components: int | None
) -> _Assignment:
    """LSA (TruncatedSVD + L2 normalisation) of ``x``, then k-means; clusters renumbered."""
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import normalize

    if n_components is None:
        n_components = latent_dimensions(x.shape[0], k)
    dims = max(1, min(n_components, x.shape[0] - 1, x.shape[1] - 1))
    latent = latent_vectors(x, dims, seed)
    explained = float(latent.var(axis=0).sum() / total_variance(x))
    z = normalize(latent)
    del latent
    model = KMeans(n_clusters=k, init="k-means++", n_init=n_init, random_state=seed)
    raw = model.fit_predict(z)
    sizes = np.bincount(raw, minlength=k)
    first = np.array([np.flatnonzero(raw == c).min() if sizes[c] else len(raw) for c in range(k)])
    order = np.lexsort((first, -sizes))  # new position -> old cluster
    new_of_old = np.empty(k, dtype=np.int64)
    new_of_old[order] = np.arange(k)
    dist = model.transform(z)[:, order]
    labels = new_of_old[raw]
    rows = np.arange(len(labels))
    own = dist[rows, labels]
    other = np.where(np.arange(k)[None, :] == labels[:, None], np.inf, dist).min(axis=1)
    centres = normalize(model.cluster_centers_[order])
    return _Assignment(
        labels=labels + 1,
        distance=own,
        similarity=(z * centres[labels]).sum(axis=1),
        margin=np.where(np.isfinite(other), other - own, np.nan),
        n_components=dims,
        explained_variance=explained,
        inertia=float(model.inertia_),
    )


#: Name of the cached k-means fits (bump when their layout changes), the source files that
#: decide them and the libraries whose numerics they depend on (:mod:`analysis.language.memo`).
_MEMO_NAME = "story-kmeans-1"
_METHOD_FILES = ("language/clusters.py", "language/latent.py")
_LIBRARIES = ("scikit-learn", "numpy", "scipy")
_FIT_COLUMNS = ("labels", "distance", "similarity", "margin")


def _cached_kmeans(
    x: sp.csr_matrix, k: int, seed: int, n_init: int, n_components: int | None
) -> _Assignment:
    """:func:`_kmeans` of ``x``, kept in the analysis cache under the SHA-256 of the matrix
    (shape, structure and values) and the options, so the next report on the same corpus reads
    the fit instead of repeating the SVD and the k-means restarts (seconds on 2,500 stories)."""
    digest = hashlib.sha256()
    for part in (np.asarray(x.shape, dtype=np.int64), x.indptr, x.indices, x.data):
        # the array's own buffer, not a bytes copy (0.12 GB of TF-IDF at 25,000 stories)
        digest.update(memoryview(np.ascontiguousarray(part)).cast("B"))
        digest.update(b"|")
    key = inputs_key(digest.hexdigest(), repr((k, seed, n_init, n_components)))
    version = f"{_MEMO_NAME}-{method_hash(_METHOD_FILES)}-{library_versions(_LIBRARIES)}"

    def compute() -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
        fit = _kmeans(x, k, seed, n_init, n_components)
        table = pd.DataFrame({name: getattr(fit, name) for name in _FIT_COLUMNS})
        scalars = {
            "n_components": fit.n_components,
            "explained_variance": fit.explained_variance,
            "inertia": fit.inertia,
        }
        return {"fit": table}, scalars

    tables, scalars = cached_tables("story-kmeans", version, key, compute)
    table = tables["fit"]
    return _Assignment(
        labels=table["labels"].to_numpy(dtype=np.int64),
        distance=table["distance"].to_numpy(dtype=np.float64),
        similarity=table["similarity"].to_numpy(dtype=np.float64),
        margin=table["margin"].to_numpy(dtype=np.float64),
        n_components=int(scalars["n_components"]),
        explained_variance=float(scalars["explained_variance"]),
        inertia=float(scalars["inertia"]),
    )


def _one_per_story(n_useful: int) -> _Assignment:
    ones = np.ones(n_useful)
    return _Assignment(np.arange(1, n_useful + 1), ones * 0.0, ones, ones * np.nan, 0, 0.0, 0.0)


def _cluster_terms(
    x: sp.csr_matrix, labels: np.ndarray, k: int, terms: np.ndarray, top_terms: int
) -> tuple[pd.DataFrame, list[str]]:
    """The ``terms`` table (mean TF-IDF per cluster) and the clusters' labels."""
    member = group_matrix(k, labels - 1)
    sizes = np.asarray(member.sum(axis=1)).ravel()
    centroids = sp.diags(1.0 / np.maximum(sizes, 1)) @ (member @ x)
    centroids = np.asarray(centroids.todense()) if sp.issparse(centroids) else centroids
    ngram = ngram_sizes(terms)
    rows, labels_out = [], []
    for c in range(k):
        top = top_term_rows(centroids[c], centroids[c] > 0, terms, ngram, max(top_terms, 10))
        labels_out.append(topic_label([terms[i] for i in top], n=_LABEL_TERMS))
        rows.extend(
            (c + 1, rank, terms[i], float(centroids[c, i]))
            for rank, i in enumerate(top[:top_terms], start=1)
        )
    frame = pd.DataFrame(rows, columns=_TERM_COLUMNS)
    return frame.astype({"cluster": "int64", "rank": "int64"}), labels_out


def _typical_stories(
    story_ids: np.ndarray, titles: np.ndarray, fit: _Assignment, labels: list[str], n: int
) -> pd.DataFrame:
    """The ``n`` stories most similar to each centroid (ties: input order)."""
    order = np.lexsort((np.arange(len(fit.labels)), -np.round(fit.similarity, 12), fit.labels))
    frame = pd.DataFrame(
        {
            "cluster": fit.labels[order].astype(np.int64),
            "story_id": story_ids[order],
            "title": titles[order],
            "similarity": fit.similarity[order],
        }
    )
    frame["rank"] = (frame.groupby("cluster", sort=False).cumcount() + 1).astype(np.int64)
    frame = frame[frame["rank"] <= n].reset_index(drop=True)
    frame["label"] = [labels[c - 1] for c in frame["cluster"]]
    return frame[_TYPICAL_COLUMNS]


def _empty_clusters(reason: str) -> StoryClusters:
    return StoryClusters(
        n_clusters=0,
        method="none",
        reason=reason,
        n_components=0,
        explained_variance=0.0,
        inertia=0.0,
        stories=pd.DataFrame(columns=CLUSTER_STORY_COLUMNS),
        clusters=pd.DataFrame(columns=CLUSTER_COLUMNS),
        terms=pd.DataFrame(columns=_TERM_COLUMNS),
        typical=pd.DataFrame(columns=_TYPICAL_COLUMNS),
    )


def _story_table(
    story_ids: list[str], useful: np.ndarray, fit: _Assignment, labels: list[str], k: int
) -> pd.DataFrame:
    """The ``stories`` table: every story, cluster 0 for those without counted terms."""
    n = len(story_ids)
    cluster = np.zeros(n, dtype=np.int64)
    cluster[useful] = fit.labels
    sizes = np.bincount(fit.labels, minlength=k + 1)
    columns = {}
    for name in ("distance", "similarity", "margin"):
        values = np.full(n, np.nan)
        values[useful] = getattr(fit, name)
        columns[name] = values
    return pd.DataFrame(
        {
            "story_id": story_ids,
            "cluster": cluster,
            "label": ["" if c == 0 else labels[c - 1] for c in cluster],
            "n_stories": np.where(cluster > 0, sizes[cluster], 0).astype(np.int64),
            **columns,
        }
    )[CLUSTER_STORY_COLUMNS]


def _cluster_table(
    fit: _Assignment, labels: list[str], terms: pd.DataFrame, typical: pd.DataFrame
) -> pd.DataFrame:
    """The ``clusters`` table."""
    k = len(labels)
    ids = np.arange(1, k + 1)
    sizes = np.bincount(fit.labels, minlength=k + 1)[1:]
    similarity = pd.Series(fit.similarity).groupby(fit.labels).mean()
    return pd.DataFrame(
        {
            "cluster": ids.astype(np.int64),
            "label": labels,
            "top_terms": [", ".join(terms.loc[terms["cluster"] == c, "term"]) for c in ids],
            "n_stories": sizes.astype(np.int64),
            "share": sizes / max(sizes.sum(), 1),
            "mean_similarity": [float(similarity.get(c, np.nan)) for c in ids],
            "typical_titles": [
                "; ".join(t for t in typical.loc[typical["cluster"] == c, "title"] if t)
                for c in ids
            ],
        }
    )


def story_clusters(
    corpus_or_stories: Corpus | pd.DataFrame,
    n_clusters: int | None = None,
    *,
    seed: int = 0,
    n_init: int = N_INIT,
    n_components: int | None = None,
    counts: TermCounts | None = None,
    ngram_range: Sequence[int] = (1, 2),
    top_terms: int = 10,
    n_typical: int = 3,
) -> StoryClusters:
    """Cluster whole stories by topic: LSA of their TF-IDF, then k-means (module docstring).

    Args:
        corpus_or_stories: a :class:`~analysis.corpus.Corpus` or its ``stories`` table
            (``story_id``, ``text``, optionally ``title``); not mutated.
        n_clusters: number of clusters; ``None`` chooses it (see the module docstring).
        seed: ``random_state`` of the SVD and of k-means.
        n_init: k-means restarts.
        n_components: dimensions of the latent space; ``None``: :func:`latent_dimensions`
            (at most ``stories - 1`` and ``terms - 1`` in any case).
        counts: the stories' term counts (``term_counts(stories)`` or
            :func:`analysis.pipeline.corpus_term_counts`), to avoid counting again.
        ngram_range: see :func:`~analysis.language.terms.text_terms` (when ``counts`` is None).
        top_terms: terms listed per cluster.
        n_typical: typical stories listed per cluster.

    Returns:
        A :class:`StoryClusters`; same input and seed, identical tables.

    Raises:
        ParameterError: not a corpus or stories table, ``counts`` not built from these
            stories, ``n_clusters`` < 1 or more than the stories with terms, or a bad ``seed``,
            ``n_init``, ``n_components``, ``ngram_range``, ``top_terms`` or ``n_typical``.

    >>> from analysis import load_corpus
    >>> seeds = story_clusters(load_corpus())
    >>> seeds.method, seeds.n_clusters
    ('one per story', 4)
    """
    stories = _stories_of(corpus_or_stories)
    seed = _check_seed(seed)
    n_init = positive_int(n_init, "n_init")
    if n_components is not None:
        n_components = positive_int(n_components, "n_components")
    top_terms = positive_int(top_terms, "top_terms")
    n_typical = positive_int(n_typical, "n_typical", minimum=0)
    check_ngram_range(ngram_range)
    x, terms = _story_tfidf(stories, counts, ngram_range)
    useful = np.asarray(x.getnnz(axis=1)) > 0
    n_useful = int(useful.sum())
    if n_useful == 0:
        if n_clusters is not None:
            positive_int(n_clusters, "n_clusters")
        return _empty_clusters("no story has a counted term")
    k, method, reason = _number_of_clusters(n_clusters, n_useful)
    xu = x if useful.all() else x[useful]  # (a copy of every row took 0.2 GB at 25,000)
    del x
    if method == "k-means":
        fit = _cached_kmeans(xu, k, seed, n_init, n_components)
    else:
        fit = _one_per_story(k)
    terms_frame, labels = _cluster_terms(xu, fit.labels, k, terms, top_terms)
    story_ids = np.asarray([str(s) for s in stories["story_id"]], dtype=object)
    typical = _typical_stories(story_ids[useful], _titles(stories)[useful], fit, labels, n_typical)
    return StoryClusters(
        n_clusters=k,
        method=method,
        reason=reason,
        n_components=fit.n_components,
        explained_variance=fit.explained_variance,
        inertia=fit.inertia,
        stories=_story_table(list(story_ids), useful, fit, labels, k),
        clusters=_cluster_table(fit, labels, terms_frame, typical)[CLUSTER_COLUMNS],
        terms=terms_frame,
        typical=typical,
    )


def _nmf_story_topics(model: TopicModel, story_ids: list[str]) -> pd.DataFrame:
    """Each story's heaviest NMF topic (topic 0 for a story without weight); ties: lowest."""
    shares = model.shares
    if shares.empty:
        return pd.DataFrame(
            {"story_id": story_ids, "topic": 0, "label": "", "strength": np.nan}
        ).astype({"topic": "int64", "strength": "float64"})
    shares = shares.assign(story_id=shares["story_id"].astype(str))
    best = shares.sort_values(["story_id", "share", "topic"], ascending=[True, False, True])
    best = best.drop_duplicates("story_id").set_index("story_id")
    best = best.reindex(story_ids)
    weighted = best["share"].fillna(0.0) > 0
    return pd.DataFrame(
        {
            "story_id": story_ids,
            "topic": np.where(weighted, best["topic"].fillna(0), 0).astype(np.int64),
            "label": np.where(weighted, best["label"].fillna(""), ""),
            "strength": np.where(weighted, best["share"], np.nan).astype(np.float64),
        }
    )


def _same_stories(table: pd.DataFrame, story_ids: list[str], name: str) -> None:
    if set(table["story_id"].astype(str)) != set(story_ids):
        raise ParameterError(
            f"{name} was not built from this corpus' stories; build it with the same corpus"
        )


def story_topics(
    corpus: Corpus,
    *,
    min_stories: int = MIN_CLUSTER_STORIES,
    seed: int = 0,
    model: TopicModel | None = None,
    clusters: StoryClusters | None = None,
    counts: TermCounts | None = None,
    ngram_range: Sequence[int] = (1, 2),
) -> pd.DataFrame:
    """The topic each story is filed under: its cluster in a large corpus, else its NMF topic.

    With at least ``min_stories`` stories the topic is the story's cluster
    (:func:`story_clusters` with the automatic number of clusters), ``method="clusters"``,
    ``strength`` its ``similarity`` to the centroid; with fewer it is the heaviest topic of
    the story's NMF shares (:func:`~analysis.language.topics.topic_model`), ``method="nmf"``,
    ``strength`` that topic's share. Topic 0 with an empty label: no counted term.

    Args:
        corpus: a :class:`~analysis.corpus.Corpus`; not mutated.
        min_stories: the corpus size from which clusters are used.
        seed: ``random_state`` of the clustering or the topic model.
        model: an NMF model of this corpus, reused instead of fitted (small corpora).
        clusters: story clusters of this corpus, reused instead of fitted (large corpora).
        counts, ngram_range: see :func:`story_clusters` and
            :func:`~analysis.language.topics.topic_model`.

    Returns:
        One row per story, in corpus order: :data:`STORY_TOPIC_COLUMNS`.

    Raises:
        ParameterError: not a corpus, ``model`` or ``clusters`` of other stories, or bad
            options.

    >>> from analysis import load_corpus
    >>> sorted(set(story_topics(load_corpus())["method"]))
    ['nmf']
    """
    stories, _ = corpus_tables(corpus)
    min_stories = positive_int(min_stories, "min_stories")
    seed = _check_seed(seed)
    story_ids = [str(s) for s in stories["story_id"]]
    if len(stories) >= min_stories:
        if clusters is None:
            clusters = story_clusters(stories, seed=seed, counts=counts, ngram_range=ngram_range)
        _same_stories(clusters.stories, story_ids, "clusters")
        table = clusters.stories.set_index("story_id").reindex(story_ids).reset_index()
        table = table.rename(columns={"cluster": "topic", "similarity": "strength"})
        method = "clusters"
    else:
        if model is None:
            model = topic_model(
                corpus, seed=seed, ngram_range=ngram_range, n_sentences=0, counts=counts
            )
        if not model.shares.empty:
            _same_stories(model.shares, story_ids, "model")
        table = _nmf_story_topics(model, story_ids)
        method = "nmf"
    out = pd.DataFrame(
        {
            "story_id": story_ids,
            "title": _titles(stories),
            "topic": table["topic"].fillna(0).astype(np.int64).to_numpy(),
            "label": table["label"].fillna("").astype(str).to_numpy(),
            "method": method,
            "strength": table["strength"].astype(np.float64).to_numpy(),
        }
    )
    return out[STORY_TOPIC_COLUMNS]


def story_topic_shares(
    topics: pd.DataFrame, stories: pd.DataFrame, *, group: str = "story_id"
) -> pd.DataFrame:
    """Share of each group's stories filed under each topic (from :func:`story_topics`).

    Every (group, topic) pair; groups in order of first appearance in ``stories``, then topic.
    Columns ``group``, ``topic``, ``label``, ``n_stories`` (the group's stories), ``n_topic``
    (those filed under the topic), ``share`` (their ratio): the shape
    :func:`analysis.figures.language.topic_shares_chart` draws. Does not mutate its inputs.

    Raises:
        ParameterError: missing columns or an unknown ``group``.

    >>> topics = pd.DataFrame({"story_id": ["a", "b", "c"], "topic": [1, 1, 2],
    ...                        "label": ["oil", "oil", "war"]})
    >>> stories = pd.DataFrame({"story_id": ["a", "b", "c"], "side": ["L", "R", "R"]})
    >>> story_topic_shares(topics, stories, group="side")[["group", "topic", "share"]]
      group  topic  share
    0     L      1    1.0
    1     L      2    0.0
    2     R      1    0.5
    3     R      2    0.5
    """
    for name, frame, columns in (
        ("topics", topics, ["story_id", "topic", "label"]),
        ("stories", stories, ["story_id"]),
    ):
        if not isinstance(frame, pd.DataFrame) or not set(columns) <= set(frame.columns):
            raise ParameterError(f"{name} must be a DataFrame with the columns {columns}")
    check_group(stories, group)
    labels, index = group_values(stories, group)
    story_group = dict(zip(stories["story_id"].astype(str), index, strict=True))
    keyed = topics.assign(_g=topics["story_id"].astype(str).map(story_group)).dropna(subset="_g")
    label_of = dict(zip(topics["topic"], topics["label"], strict=True))
    topic_ids = sorted(label_of)
    counts = pd.crosstab(keyed["_g"].astype(np.int64), keyed["topic"])
    counts = counts.reindex(index=range(len(labels)), columns=topic_ids, fill_value=0)
    totals = np.bincount(index, minlength=len(labels))
    grid = counts.to_numpy()
    return pd.DataFrame(
        {
            "group": np.repeat(np.asarray(labels, dtype=object), len(topic_ids)),
            "topic": np.tile(np.asarray(topic_ids, dtype=np.int64), len(labels)),
            "label": np.tile(
                np.asarray([label_of[t] for t in topic_ids], dtype=object), len(labels)
            ),
            "n_stories": np.repeat(totals, len(topic_ids)).astype(np.int64),
            "n_topic": grid.ravel().astype(np.int64),
            "share": (grid / np.maximum(totals, 1)[:, None]).ravel(),
        }
    )


def cluster_stability(
    corpus_or_stories: Corpus | pd.DataFrame,
    *,
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    n_clusters: int | None = None,
    counts: TermCounts | None = None,
    **options: Any,
) -> pd.DataFrame:
    """NMI between the clusterings of every pair of seeds (1.0: the seed does not matter).

    Args:
        corpus_or_stories: as for :func:`story_clusters`.
        seeds: at least two distinct seeds.
        n_clusters, counts, options: passed to :func:`story_clusters`.

    Returns:
        ``seed_a``, ``seed_b``, ``nmi`` (stories with counted terms), one row per pair, in
        the order of ``seeds``; ``table["nmi"].mean()`` is the mean pairwise NMI.

    Raises:
        ParameterError: fewer than two distinct seeds, or as :func:`story_clusters`.
    """
    from sklearn.metrics import normalized_mutual_info_score

    seeds = [_check_seed(s) for s in dict.fromkeys(seeds)]
    if len(seeds) < 2:
        raise ParameterError(f"seeds must hold at least two distinct seeds, got {seeds!r}")
    stories = _stories_of(corpus_or_stories)
    if counts is None:
        counts = resolve_counts(stories, None, options.get("ngram_range", (1, 2)))
    runs = {
        s: story_clusters(stories, n_clusters, seed=s, counts=counts, **options).stories
        for s in seeds
    }
    rows = []
    for a, b in itertools.combinations(seeds, 2):
        la, lb = runs[a]["cluster"].to_numpy(), runs[b]["cluster"].to_numpy()
        kept = (la > 0) & (lb > 0)
        rows.append((a, b, float(normalized_mutual_info_score(la[kept], lb[kept]))))
    return pd.DataFrame(rows, columns=["seed_a", "seed_b", "nmi"]).astype(
        {"seed_a": "int64", "seed_b": "int64"}
    )
