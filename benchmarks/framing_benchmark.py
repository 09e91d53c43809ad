"""Benchmark: frame the 2,505-article AllSides sample with both shipped codebooks.

Prints, per codebook: compile time; wall and CPU time of ``frame_hits`` and ``frame_summary``
(CPU time is the steadier figure on a busy machine); sentences per second; hits; the share of
stories where each frame is present; and the process' peak memory (``resource`` ``ru_maxrss``).
Skips with a message when ``../shared`` is absent.

Run: ``.venv/bin/python benchmarks/framing_benchmark.py``
"""

from __future__ import annotations

import resource
import sys
import time

from analysis import config, framing, load_corpus


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS)
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def main() -> int:
    path = config.allsides_csv()
    if not path.exists():
        print(f"skipped: the AllSides corpus is not at {path} (it lives in ../shared)")
        return 0
    start = time.perf_counter()
    corpus = load_corpus(path)
    n_sent = len(corpus.sentences)
    print(
        f"corpus: {len(corpus.stories):,} stories, {n_sent:,} sentences, "
        f"{int(corpus.stories['n_words'].sum()):,} words; "
        f"loaded in {time.perf_counter() - start:.1f} s; peak memory {_peak_mb():,.0f} MB"
    )
    for name in framing.list_codebooks():
        t0 = time.perf_counter()
        book = framing.load_codebook(name)
        t1, c1 = time.perf_counter(), time.process_time()
        hits = framing.frame_hits(corpus.sentences, codebook=book)
        t2, c2 = time.perf_counter(), time.process_time()
        summary = framing.frame_summary(hits, corpus.stories, codebook=book)
        t3, c3 = time.perf_counter(), time.process_time()
        print(
            f"\n[{name}] {len(book.frames)} frames, "
            f"{sum(len(f.detectors) for f in book.frames)} detectors; "
            f"compile {1000 * (t1 - t0):.0f} ms\n"
            f"  frame_hits:    wall {t2 - t1:6.2f} s ({n_sent / (t2 - t1):,.0f} sentences/s), "
            f"CPU {c2 - c1:6.2f} s ({n_sent / (c2 - c1):,.0f} sentences/s); {len(hits):,} hits\n"
            f"  frame_summary: wall {t3 - t2:6.2f} s, CPU {c3 - c2:6.2f} s "
            f"({len(summary):,} story x frame rows)\n"
            f"  peak memory so far: {_peak_mb():,.0f} MB"
        )
        present = summary.groupby("frame", observed=True)["present"].mean()
        print(
            "  share of stories where present: "
            + ", ".join(f"{f} {v:.0%}" for f, v in present.items())
        )
    print(f"\npeak memory (ru_maxrss): {_peak_mb():,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
