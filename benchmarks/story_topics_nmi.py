"""Benchmark of the per-story topic on the 2,505-article AllSides sample: NMF argmax vs clusters.

AllSides files each article under one of 10 topics (its ``topic`` column). The normalized mutual
information (``sklearn.metrics.normalized_mutual_info_score``, arithmetic mean) and the adjusted
mutual information (AMI, corrected for chance, fair across different numbers of clusters; Vinh,
Epps & Bailey 2010) between those labels and

(a) the argmax of the NMF topic shares with k = 10 (the number of AllSides topics), one unit per
    article: ``topic_model(corpus, n_topics=10, seed=0)``, as ``benchmarks/language_benchmark.py``
    measures it (the project's method before story clusters);
(b) :func:`analysis.language.story_clusters` with k = 10;
(c) :func:`analysis.language.story_clusters` with its automatic k;

then the stability of (c) over 5 seeds (mean pairwise NMI, :func:`cluster_stability`), the
sensitivity to ``n_components``, ``n_init`` and k (settings are chosen by principle in
``analysis/language/clusters.py``, not here: these figures show how much they matter), the
silhouette (cosine, in the latent space) over k, and, on the same random subsets of 50-500
articles, NMF argmax vs clusters (both with their automatic settings), for the corpus size from
which :func:`story_topics` uses clusters. Wall and CPU times of each step.

Run: ``.venv/bin/python benchmarks/story_topics_nmi.py [path/to/articles.csv] [--quick]``
(``--quick`` skips the sensitivity and subset parts). Skips with a message when the corpus is
absent (it lives in ``../shared`` beside a checkout). On a busy machine, ``OMP_NUM_THREADS=1``
avoids k-means' OpenMP threads waiting on each other.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

from analysis import config, language, load_corpus
from analysis.corpus import select_stories

T = TypeVar("T")
SEED = 0
SEEDS = (0, 1, 2, 3, 4)
SUBSET_SIZES = (50, 100, 200, 500)
SUBSET_DRAWS = 5


def timed(label: str, step: Callable[[], T]) -> T:
    wall, cpu = time.perf_counter(), time.process_time()
    result = step()
    print(
        f"  [{label}: {time.perf_counter() - wall:.1f} s wall, "
        f"{time.process_time() - cpu:.1f} s CPU]",
        flush=True,
    )
    return result


def agreement(truth: pd.Series, found: pd.Series) -> str:
    nmi = normalized_mutual_info_score(truth, found)
    ami = adjusted_mutual_info_score(truth, found)
    return f"NMI {nmi:.3f}  AMI {ami:.3f}"


def labelled(table: pd.DataFrame, stories: pd.DataFrame, column: str) -> tuple[pd.Series, ...]:
    merged = table[["story_id", column]].merge(
        stories[["story_id", "topic"]].rename(columns={"topic": "_truth"}),
        on="story_id",
        validate="1:1",
    )
    return merged["_truth"], merged[column]


def headline(corpus, counts) -> None:
    stories = corpus.stories
    k = stories["topic"].nunique()
    print(f"\n(a) NMF argmax, k = {k} (AllSides topics), unit = story, seed {SEED}")
    model = timed("topic_model", lambda: language.topic_model(corpus, n_topics=k, seed=SEED))
    print(f"    unit={model.unit}, {agreement(*labelled(model.units, stories, 'topic'))}")
    print(f"\n(b) story_clusters, k = {k}, seed {SEED}")
    fixed = timed("story_clusters", lambda: language.story_clusters(stories, k, counts=counts))
    print(f"    {agreement(*labelled(fixed.stories, stories, 'cluster'))}")
    print(f"    explained variance of the latent space {fixed.explained_variance:.3f}")
    auto = timed("story_clusters", lambda: language.story_clusters(stories, counts=counts))
    print(f"\n(c) story_clusters, automatic k = {auto.n_clusters} ({auto.reason})")
    print(f"    {agreement(*labelled(auto.stories, stories, 'cluster'))}")
    print("\nClusters of (c):")
    print(auto.clusters[["cluster", "label", "n_stories", "mean_similarity"]].round(3).to_string())
    truth, found = labelled(auto.stories, stories, "cluster")
    print("\nArticles per (AllSides topic x cluster):")
    print(pd.crosstab(truth, found).to_string())


def stability(stories, counts) -> None:
    print(f"\nStability of (c) over seeds {list(SEEDS)}")
    pairs = timed(
        "cluster_stability",
        lambda: language.cluster_stability(stories, seeds=SEEDS, counts=counts),
    )
    print(
        f"    mean pairwise NMI {pairs['nmi'].mean():.3f} "
        f"(min {pairs['nmi'].min():.3f}, max {pairs['nmi'].max():.3f})"
    )
    scores = []
    for s in SEEDS:
        run = language.story_clusters(stories, seed=s, counts=counts)
        scores.append(normalized_mutual_info_score(*labelled(run.stories, stories, "cluster")))
    print(
        "    NMI with AllSides per seed: "
        + ", ".join(f"{v:.3f}" for v in scores)
        + f" (mean {np.mean(scores):.3f})"
    )


def sensitivity(stories, counts) -> None:
    print("\nSensitivity (NMI with AllSides topics; mean over seeds 0-2):")
    for label, options in [
        *((f"n_components={n}", {"n_components": n}) for n in (10, 20, 50, 100, 200)),
        ("n_init=1", {"n_init": 1}),
        ("n_init=10 (default)", {}),
    ]:
        values = []
        wall = time.perf_counter()
        for s in (0, 1, 2):
            run = language.story_clusters(stories, 10, seed=s, counts=counts, **options)
            values.append(normalized_mutual_info_score(*labelled(run.stories, stories, "cluster")))
        print(
            f"    {label:<22} NMI {np.mean(values):.3f} (range {min(values):.3f}-"
            f"{max(values):.3f}); {(time.perf_counter() - wall) / 3:.1f} s per run"
        )
    silhouettes(stories, counts)


def silhouettes(stories, counts) -> None:
    """NMI, AMI and the silhouette of the latent vectors for several k (seed 0)."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import normalize

    from analysis.language.terms import tfidf_weights
    from analysis.language.topics import MAX_TERM_SHARE, MIN_TERM_UNITS

    df = np.asarray((counts.matrix > 0).sum(axis=0)).ravel()  # the term filter of the model
    keep = (df >= MIN_TERM_UNITS) & (df <= MAX_TERM_SHARE * len(stories))
    x = tfidf_weights(counts.matrix[:, np.flatnonzero(keep)])
    z = normalize(TruncatedSVD(language.N_COMPONENTS, random_state=SEED).fit_transform(x))
    print("    k   NMI    AMI    silhouette (cosine, latent space)")
    for k in (2, 4, 6, 8, 10, 12, 15, 20):
        run = language.story_clusters(stories, k, seed=SEED, counts=counts)
        truth, found = labelled(run.stories, stories, "cluster")
        sil = silhouette_score(z, run.stories["cluster"], metric="cosine")
        print(
            f"    {k:<3} {normalized_mutual_info_score(truth, found):.3f}  "
            f"{adjusted_mutual_info_score(truth, found):.3f}  {sil:.3f}"
        )


def subsets(corpus) -> None:
    """NMF argmax vs clusters, both with their automatic settings, on the same random subsets."""
    print(
        f"\nRandom subsets ({SUBSET_DRAWS} draws each; mean NMI / AMI with AllSides topics):"
        "\n    n     NMF argmax (unit, k)        clusters (k)"
    )
    rng = np.random.default_rng(SEED)
    ids = corpus.stories["story_id"].to_numpy()
    for n in SUBSET_SIZES:
        nmf, clu, units, ks = [], [], set(), set()
        for _ in range(SUBSET_DRAWS):
            sub = select_stories(corpus, filters={"story_id": list(rng.choice(ids, n, False))})
            model = language.topic_model(sub, seed=SEED, n_sentences=0)
            topics = language.story_topics(sub, min_stories=10**9, model=model)
            nmf.append(_both(*labelled(topics, sub.stories, "topic")))
            run = language.story_clusters(sub, seed=SEED)
            clu.append(_both(*labelled(run.stories, sub.stories, "cluster")))
            units.add(f"{model.unit}, {model.n_topics}")
            ks.add(f"{run.n_clusters}, {run.n_components} dims")
        a, b = np.mean(nmf, axis=0), np.mean(clu, axis=0)
        print(
            f"    {n:<5} {a[0]:.3f} / {a[1]:.3f} ({'; '.join(sorted(units))})"
            f"{'':<4} {b[0]:.3f} / {b[1]:.3f} ({', '.join(map(str, sorted(ks)))})",
            flush=True,
        )


def _both(truth: pd.Series, found: pd.Series) -> tuple[float, float]:
    return (
        normalized_mutual_info_score(truth, found),
        adjusted_mutual_info_score(truth, found),
    )


def main(path: Path, *, quick: bool = False) -> int:
    if not path.exists():
        print(f"SKIP: AllSides corpus not found at {path} (it lives in ../shared).")
        return 0
    warnings.simplefilter("error", category=ConvergenceWarning)  # NMF must converge
    corpus = timed("load_corpus", lambda: load_corpus(path))
    stories = corpus.stories
    print(f"corpus: {path.name}, {len(stories)} stories, {stories['topic'].nunique()} topics")
    counts = timed("term_counts", lambda: language.term_counts(stories))
    headline(corpus, counts)
    stability(stories, counts)
    if not quick:
        sensitivity(stories, counts)
        subsets(corpus)
    return 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--quick"]
    target = Path(args[0]) if args else config.allsides_csv()
    sys.exit(main(target, quick="--quick" in sys.argv[1:]))
