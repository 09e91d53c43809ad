"""Benchmark of the optional embedding sentiment score on the AllSides sample (~108,000 sentences).

Method: :func:`analysis.sentiment.embedding.embedding_polarity` (all-MiniLM-L6-v2 embeddings,
Reimers & Gurevych 2019, with the ridge head of :mod:`analysis.sentiment.head`) over every
distinct sentence of ``../shared/corpora/allsides/articles.csv`` (skips with a message when it is
absent or the ``embeddings`` extra is not installed), with a fresh analysis cache in a temporary
folder:

1. **cold**: every sentence goes through the model (batched, dynamic padding) and its score is
   stored in the cache;
2. **warm**: the same call in a new process-level state reads every score back from the cache.

Prints, for each pass, wall time, CPU time of the process (with the machine's load average: on a
shared machine wall time depends on the neighbours, CPU time much less), sentences per second,
and the peak resident memory (``ru_maxrss``) with the memory before the model was loaded.

``--reference PATH`` also checks faithfulness against a float32 copy of the model (a folder
holding ``model.safetensors`` and ``tokenizer.json``, run by the numpy forward pass of
:class:`analysis.sentiment.encoder.NumpyBert`): the sentence-transformers quickstart's published
similarities (0.6660, 0.1046, 0.1411) under both, and the cosine between the int8 and float32
embeddings of ``--sample`` corpus sentences, and the correlation of their head scores.

Run: ``.venv/bin/python benchmarks/embedding_benchmark.py [--limit N] [--reference DIR]``.
Not a test: figures vary by machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time

import numpy as np

from analysis import config
from analysis.cache import ArticleCache
from analysis.corpus import open_corpus
from analysis.sentiment import embedding_unavailable
from analysis.sentiment.embedding import embedding_polarity
from analysis.sentiment.encoder import load_encoder
from analysis.sentiment.head import load_head

QUICKSTART = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
PUBLISHED = np.array([0.6660, 0.1046, 0.1411])


def _peak_mb() -> float:
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e6


def _current_mb() -> float:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / 1e6
    except (OSError, ValueError, IndexError):
        return float("nan")


def _load() -> str:
    try:
        return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


def _timed(label: str, texts: list[str], cache: ArticleCache, batch_size: int) -> np.ndarray:
    wall, cpu = time.perf_counter(), time.process_time()
    scores = embedding_polarity(texts, cache=cache, batch_size=batch_size, progress=True)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"{label}: {len(texts):,} sentences in {wall:.1f} s wall ({len(texts) / wall:,.0f}/s), "
        f"{cpu:.1f} s CPU ({len(texts) / cpu:,.0f}/s per CPU-second); "
        f"peak RSS {_peak_mb():.0f} MB, current {_current_mb():.0f} MB; {_load()}",
        flush=True,
    )
    return scores


def _pairs(vectors: np.ndarray) -> np.ndarray:
    sim = vectors @ vectors.T
    return np.array([sim[0, 1], sim[0, 2], sim[1, 2]])


def _faithfulness(reference: str, texts: list[str]) -> None:
    int8, fp32 = load_encoder(), load_encoder(reference)
    for name, enc in (("int8 ONNX", int8), ("float32 numpy", fp32)):
        pairs = _pairs(enc.encode(QUICKSTART))
        print(
            f"{name}: quickstart similarities {np.round(pairs, 4).tolist()} "
            f"(published {PUBLISHED.tolist()}; largest difference "
            f"{np.abs(pairs - PUBLISHED).max():.4f})"
        )
    wall = time.perf_counter()
    a = int8.encode(texts)
    t8 = time.perf_counter() - wall
    wall = time.perf_counter()
    b = fp32.encode(texts)
    t32 = time.perf_counter() - wall
    cosine = (a * b).sum(1)
    head = load_head()
    pa, pb = head.polarity(a), head.polarity(b)
    print(
        f"{len(texts):,} corpus sentences, int8 vs float32: cosine mean {cosine.mean():.4f}, "
        f"1st percentile {np.quantile(cosine, 0.01):.4f}, min {cosine.min():.4f}; "
        f"embedding_polarity r {np.corrcoef(pa, pb)[0, 1]:.4f}, largest difference "
        f"{np.abs(pa - pb).max():.3f}; time int8 {t8:.1f} s, numpy float32 {t32:.1f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=str(config.allsides_csv()))
    parser.add_argument("--limit", type=int, default=None, help="first N distinct sentences")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--reference", help="float32 model folder for the faithfulness check")
    parser.add_argument("--sample", type=int, default=500, help="sentences for --reference")
    args = parser.parse_args()
    wall = time.perf_counter()
    reason = embedding_unavailable()  # loads the model and the head once for the process
    loaded = time.perf_counter() - wall
    if reason is not None:
        print(f"skipped: {reason}")
        return 0
    if not os.path.exists(args.corpus):
        print(f"skipped: no corpus at {args.corpus}")
        return 0
    wall = time.perf_counter()
    sentences = open_corpus(args.corpus).sentences
    texts = list(dict.fromkeys(sentences["text"]))[: args.limit]
    print(
        f"corpus: {len(sentences):,} sentences, {len(texts):,} distinct, loaded in "
        f"{time.perf_counter() - wall:.1f} s; current {_current_mb():.0f} MB",
        flush=True,
    )
    print(f"model {load_encoder().model_id} and head loaded in {loaded:.2f} s")
    with tempfile.TemporaryDirectory() as folder:
        cache = ArticleCache(folder)
        cold = _timed("cold", texts, cache, args.batch_size)
        warm = _timed("warm", texts, cache, args.batch_size)
        assert np.array_equal(cold, warm)
    if args.reference:
        rng = np.random.default_rng(0)
        chosen = rng.choice(len(texts), size=min(args.sample, len(texts)), replace=False)
        _faithfulness(args.reference, [texts[i] for i in sorted(chosen)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
