"""Benchmark of the sentiment step on the AllSides sample (2,505 articles).

Loads ``../shared/corpora/allsides/articles.csv`` (skips with a message when it is absent), scores
every sentence with TextBlob and VADER (:func:`analysis.sentiment.sentence_sentiment`), then
scores the same corpus again in the same process (served by the in-process cache), and prints:
sentences per second for the first pass, the cost of the second pass, the time of the aggregates
(story table by ``bias_label``, arc, targets), the whole-process wall time, the peak memory
(``ru_maxrss``) and, on Linux, the resident memory before and after scoring.

Run: ``.venv/bin/python benchmarks/sentiment_benchmark.py``. Not a test: figures vary by machine.
"""

from __future__ import annotations

import resource
import sys
import time

_PROCESS_START = time.perf_counter()

from analysis import config  # noqa: E402
from analysis.corpus import load_corpus  # noqa: E402
from analysis.sentiment import (  # noqa: E402
    CACHE_SIZE,
    cache_info,
    clear_cache,
    sentence_sentiment,
    sentiment_arc,
    story_sentiment,
    target_sentiment,
)

TARGETS = {
    "Democrats": ["Democrats", "Democratic", "Obama", "Biden", "Clinton", "Pelosi"],
    "Republicans": ["Republicans", "Republican", "GOP", "Trump", "McConnell"],
}


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS)
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e6


def _current_mb() -> float | None:
    """Resident memory now (Linux only): the peak alone would hide the scoring step behind the
    loader's peak."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * resource.getpagesize() / 1e6


def _memory() -> str:
    now = _current_mb()
    return f"peak RSS {_peak_mb():.0f} MB" + ("" if now is None else f", current {now:.0f} MB")


def main() -> int:
    path = config.allsides_csv()
    if not path.exists():
        print(f"skipped: the AllSides sample is not at {path} (it lives in ../shared)")
        return 0
    started = time.perf_counter()
    corpus = load_corpus(path)
    load_s = time.perf_counter() - started
    sentences = corpus.sentences
    n, unique = len(sentences), sentences["text"].nunique()
    print(f"corpus: {len(corpus.stories):,} stories, {n:,} sentences ({unique:,} distinct)")
    print(f"load_corpus: {load_s:.1f} s (not part of the sentiment step)")
    print(f"memory after loading: {_memory()}")

    clear_cache()
    started = time.perf_counter()
    scored = sentence_sentiment(sentences)
    first_s = time.perf_counter() - started
    info = cache_info()
    print(
        f"first pass (TextBlob + VADER): {first_s:.1f} s, {n / first_s:,.0f} sentences/s, "
        f"{1e6 * first_s / n:.0f} us/sentence; model calls {info.misses:,} "
        f"(cache {info.currsize:,} of {CACHE_SIZE:,})"
    )
    print(f"memory after scoring (cache filled): {_memory()}")
    started = time.perf_counter()
    again = sentence_sentiment(sentences)
    second_s = time.perf_counter() - started
    info2 = cache_info()
    print(
        f"second pass, same process: {second_s:.2f} s ({100 * second_s / first_s:.1f} % of the "
        f"first, {n / second_s:,.0f} sentences/s); new model calls {info2.misses - info.misses}"
    )
    assert again.equals(scored), "the cached pass must give the same table"

    started = time.perf_counter()
    story_sentiment(scored, corpus.stories)
    by_bias = story_sentiment(scored, corpus.stories, group="bias_label")
    sentiment_arc(scored, corpus.stories, group="bias_label")
    target_sentiment(scored, corpus.stories, targets=TARGETS, group="bias_label")
    print(
        f"aggregates (story table, bias_label table, arc, targets): "
        f"{time.perf_counter() - started:.1f} s"
    )
    print(
        by_bias[["bias_label", "n_stories", "n_truncated", "n_sentences", "mean_score"]]
        .round(3)
        .to_string(index=False)
    )
    print(f"whole process: {time.perf_counter() - _PROCESS_START:.1f} s wall")
    print(f"memory at the end: {_memory()} (peak = ru_maxrss)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
