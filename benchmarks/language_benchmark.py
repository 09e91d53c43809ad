"""Benchmark of the topics-and-language step on the 2,505-article AllSides sample.

Prints, for every step, the wall time and the process' peak resident memory so far
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``, KiB on Linux), then the results that say
whether the step works at scale: distinctive terms of left vs right outlets, the topic model's
labels and the normalized mutual information (``sklearn.metrics.normalized_mutual_info_score``)
between its argmax clusters (k = 10, one unit per article) and the corpus' own ``topic`` column.

Run: ``.venv/bin/python benchmarks/language_benchmark.py [path/to/articles.csv]``.
Skips with a message when the corpus is absent (it lives in ``../shared`` beside a checkout).
"""

from __future__ import annotations

import resource
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import normalized_mutual_info_score

from analysis import config, language, load_corpus

T = TypeVar("T")
SEED = 0
K = 10


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, step: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = step()
    elapsed = time.perf_counter() - start
    print(f"{label:<44} {elapsed:8.1f} s   peak RSS {peak_mib():7.0f} MiB", flush=True)
    return result


def main(path: Path) -> int:
    if not path.exists():
        print(f"SKIP: AllSides corpus not found at {path} (it lives in ../shared).")
        return 0
    warnings.simplefilter("error", category=ConvergenceWarning)  # NMF must converge
    print(f"corpus: {path.name}")
    print(f"{'step':<44} {'wall':>8}     {'peak memory so far':>18}")
    corpus = timed("load_corpus", lambda: load_corpus(path))
    stories = corpus.stories
    print(f"  {len(stories)} stories, {len(corpus.sentences)} sentences")
    counts = timed("term_counts (unigrams + bigrams)", lambda: language.term_counts(stories))
    print(f"  {len(counts.terms)} terms, {int(counts.matrix.sum())} counted tokens")
    lr = stories[stories["bias_label"].isin(["left", "right"])].reset_index(drop=True)
    lr_counts = timed("term_counts, left + right only", lambda: language.term_counts(lr))
    lr_terms = timed(
        "distinctive_terms left vs right",
        lambda: language.distinctive_terms(lr, group="bias_label", counts=lr_counts, top_n=15),
    )
    lr_spread = timed(
        "distinctive_terms left vs right, min_sources=5",
        lambda: language.distinctive_terms(
            lr, group="bias_label", counts=lr_counts, top_n=15, min_sources=5
        ),
    )
    all_terms = timed(
        "distinctive_terms bias_label vs rest",
        lambda: language.distinctive_terms(stories, group="bias_label", counts=counts, top_n=15),
    )
    tfidf = timed(
        "tfidf_terms by bias_label",
        lambda: language.tfidf_terms(stories, group="bias_label", counts=counts, top_n=10),
    )
    model = timed(
        f"topic_model (k={K}, unit=auto)",
        lambda: language.topic_model(corpus, n_topics=K, seed=SEED),
    )
    auto_k = language.auto_n_topics(len(stories))
    neighbours = timed(
        "nearest_neighbours (k=5)",
        lambda: language.nearest_neighbours(stories, k=5, counts=counts),
    )
    duplicates = timed("near_duplicates", lambda: language.near_duplicates(stories, counts=counts))
    actors = timed(
        "actors (group=bias_label)", lambda: language.actors(corpus, group="bias_label")
    )
    quotes = timed("quotes", lambda: language.quotes(corpus.sentences))

    print()
    print("Distinctive terms, left vs right outlets (weighted log-odds, z):")
    for label, rows in lr_terms.groupby("group", sort=False):
        print(
            f"  {label:<6} "
            + ", ".join(f"{t} ({z:.1f})" for t, z in zip(rows.term, rows.z, strict=True))
        )
    print("Same, terms used by at least 5 outlets of the side (min_sources=5):")
    for label, rows in lr_spread.groupby("group", sort=False):
        print(
            f"  {label:<6} "
            + ", ".join(f"{t} ({z:.1f})" for t, z in zip(rows.term, rows.z, strict=True))
        )
    print("Distinctive terms, each rating vs the two others (top 8):")
    for label, rows in all_terms.groupby("group", sort=False):
        rows = rows.head(8)
        print(
            f"  {label:<6} "
            + ", ".join(f"{t} ({z:.1f})" for t, z in zip(rows.term, rows.z, strict=True))
        )
    print("TF-IDF top terms by rating (top 8):")
    for label, rows in tfidf.groupby("group", sort=False):
        print(f"  {label:<6} " + ", ".join(rows.term.head(8)))
    print()
    print(
        f"Topic model: unit={model.unit}, k={model.n_topics} (automatic k would be {auto_k}), "
        f"{model.n_iter} iterations, reconstruction error {model.reconstruction_error:.2f}, "
        f"mean unit fit {model.units['fit'].mean():.3f}"
    )
    print(
        model.topics[["topic", "label", "weight_share", "n_units"]].round(3).to_string(index=False)
    )
    units = model.units.merge(stories[["story_id", "topic"]], on="story_id", validate="1:1")
    nmi = normalized_mutual_info_score(units["topic_y"], units["topic_x"])
    print(f"NMI(argmax topic, AllSides topic) = {nmi:.3f}")
    crosstab = pd.crosstab(units["topic_y"], units["topic_x"])
    print("Articles per (AllSides topic x model topic):")
    print(crosstab.to_string())
    print()
    print(
        f"Similarity: {len(neighbours)} neighbour rows; median nearest-neighbour cosine "
        f"{neighbours.loc[neighbours['rank'] == 1, 'similarity'].median():.3f}; "
        f"{len(duplicates)} near-duplicate pairs (>= {language.NEAR_DUPLICATE_THRESHOLD})"
    )
    print(f"Actors: {len(actors)} (group, actor) rows; top 5 per rating:")
    for label, rows in actors.groupby("group", sort=False):
        rows = rows.head(5)
        print(
            f"  {label:<6} "
            + ", ".join(f"{a} ({n})" for a, n in zip(rows.actor, rows.mentions, strict=True))
        )
    summary = language.quote_summary(quotes, stories, group="bias_label")
    print(f"Quotes: {len(quotes)}; by kind {quotes['kind'].value_counts().to_dict()}")
    print(summary.round(3).to_string(index=False))
    return 0


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else config.allsides_csv()
    sys.exit(main(target))
