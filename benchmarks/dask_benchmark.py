"""Benchmark of the Dask engine against the local engine on the 2,505-article AllSides sample.

Steps: convert the CSV to a partitioned Parquet dataset in a temporary folder and run
:func:`analysis.dask_engine.analyze_dask` on a new 2-worker ``LocalCluster`` (its time includes
starting and closing the cluster), with 500 and with 250 articles per file (2,505 articles make
five full files and a 5-article one at 500: two workers then wait on a third round of one file);
run the local engine on the same data loaded whole (``from_dataframe`` + ``analyze``, both
``cache=False``, ``workers=None`` = all cores); say whether every table is equal; then the
streaming methods: distinctive terms by ``bias_label`` (compared with
:func:`analysis.language.distinctive_terms`) and topics
(:func:`analysis.dask_engine.streaming_topics`, k = 10), with the normalized mutual information
(``sklearn.metrics.normalized_mutual_info_score``) of each article's argmax topic and the corpus'
``topic`` column, next to the in-memory NMF of :func:`analysis.language.topic_model` (one unit per
article, unigrams + bigrams as it is used, and unigrams only as the streaming model).

Memory is ``resource.getrusage(...).ru_maxrss``: the peak resident set of this process, and of
the largest child process reaped so far (the Dask workers, the local engine's pool). Both are
peaks since start, so a step's figure includes the steps before it.

Run: ``.venv/bin/python benchmarks/dask_benchmark.py [path/to/articles.csv]``.
Skips with a message when the corpus is absent (it lives in ``../shared`` beside a checkout).
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import normalized_mutual_info_score

from analysis import config, language
from analysis.corpus import from_dataframe
from analysis.dask_engine import (
    analyze_dask,
    parquet_partitions,
    streaming_group_terms,
    streaming_topics,
    write_parquet_corpus,
)
from analysis.pipeline import analyze

T = TypeVar("T")
SEED = 0
K = 10
ROWS_PER_PARTITION = (500, 250)


def peaks() -> str:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return f"peak RSS self {own:6.0f} MiB, children {children:6.0f} MiB"


def timed(label: str, step: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = step()
    elapsed = time.perf_counter() - start
    print(f"{label:<46} {elapsed:7.1f} s   {peaks()}", flush=True)
    return result, elapsed


def equal(a: pd.DataFrame | None, b: pd.DataFrame | None) -> bool:
    try:
        pd.testing.assert_frame_equal(a, b)
    except AssertionError as exc:
        print(f"    difference: {str(exc).splitlines()[0]}")
        return False
    return True


def nmi(units: pd.DataFrame, truth: pd.Series) -> float:
    return normalized_mutual_info_score(truth.loc[units["story_id"]].to_numpy(), units["topic"])


def main(path: Path) -> int:
    if not path.exists():
        print(f"SKIP: AllSides corpus not found at {path} (it lives in ../shared).")
        return 0
    print(f"corpus: {path.name}")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average at start (other work on this 2-core machine counts): {load}")
    print(f"{'step':<46} {'wall':>7}")
    dask_times: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="dask-benchmark-") as tmp:
        results = {}
        for rows in ROWS_PER_PARTITION:
            folder = Path(tmp) / f"allsides-{rows}"
            timed(
                f"write_parquet_corpus ({rows}/partition)",
                lambda folder=folder, rows=rows: write_parquet_corpus(
                    path, folder, rows_per_partition=rows
                ),
            )
            print(f"  {len(parquet_partitions(folder))} partitions")
            results[rows], dask_time = timed(
                "analyze_dask (2-worker LocalCluster, incl. start)",
                lambda folder=folder: analyze_dask(
                    folder, n_workers=2, name="allsides", progress=False
                ),
            )
            dask_times[rows] = dask_time
        corpus, load_time = timed(
            "local: from_dataframe (cache=False)",
            lambda: from_dataframe(
                pd.read_parquet(folder), id_column="id", name="allsides", cache=False
            ),
        )
        local, analyze_time = timed(
            "local: analyze (cache=False, all cores)", lambda: analyze(corpus, cache=False)
        )
        local_time = load_time + analyze_time
        print(
            f"  local {local_time:.1f} s; dask "
            + ", ".join(f"{t:.1f} s ({r} rows/partition)" for r, t in dask_times.items())
            + f"; {len(corpus.stories)} stories, {len(corpus.sentences)} sentences"
        )
        for rows, dask_result in results.items():
            checks = {
                "stories": equal(dask_result.corpus.stories, corpus.stories),
                "sentences": equal(dask_result.corpus.sentences, corpus.sentences),
                "skipped": equal(dask_result.corpus.skipped, corpus.skipped),
                "sentiment": equal(dask_result.sentiment, local.sentiment),
                "term_counts": equal(dask_result.term_counts, local.term_counts),
            }
            for name, hits in local.frame_hits.items():
                checks[f"frame_hits[{name}]"] = equal(dask_result.frame_hits[name], hits)
            print(
                f"  {rows} rows/partition, equal to the local engine: "
                + ", ".join(f"{k} {v}" for k, v in checks.items())
                + f"; ALL EQUAL: {all(checks.values())}"
            )
        del results

        streamed, _ = timed(
            "streaming_group_terms(bias_label)",
            lambda: streaming_group_terms(folder, group="bias_label", cache=False),
        )
        in_memory, _ = timed(
            "language.distinctive_terms(bias_label)",
            lambda: language.distinctive_terms(corpus.stories, group="bias_label"),
        )
        print(f"  streaming distinctive terms equal to in-memory: {equal(streamed, in_memory)}")
        for label, rows in streamed.groupby("group", sort=False):
            print(f"  {label:<6} " + ", ".join(rows["term"].head(8)))

        model, _ = timed(
            f"streaming_topics (k={K}, seed={SEED})",
            lambda: streaming_topics(folder, n_topics=K, seed=SEED, progress=False),
        )
    truth = corpus.stories.set_index("story_id")["topic"]
    print(
        f"  {model.n_documents} articles, {model.n_steps} partial_fit steps, "
        f"vocabulary {model.vocabulary_size} terms"
    )
    print(
        model.topics[["topic", "label", "weight_share", "n_units"]].round(3).to_string(index=False)
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        batch, _ = timed(
            f"language.topic_model (k={K}, story, 1-2grams)",
            lambda: language.topic_model(corpus, n_topics=K, unit="story", seed=SEED),
        )
        batch_uni, _ = timed(
            f"language.topic_model (k={K}, story, unigrams)",
            lambda: language.topic_model(
                corpus, n_topics=K, unit="story", seed=SEED, ngram_range=(1, 1)
            ),
        )
    if caught:
        print(f"  in-memory NMF warnings: {sorted({str(w.message)[:80] for w in caught})}")
    print(
        f"NMI(argmax topic, AllSides topic): streaming {nmi(model.units, truth):.3f}, "
        f"in-memory {nmi(batch.units, truth):.3f} (1-2grams), "
        f"{nmi(batch_uni.units, truth):.3f} (unigrams)"
    )
    return 0


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else config.allsides_csv()
    sys.exit(main(target))
