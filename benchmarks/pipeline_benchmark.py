"""Benchmark: the obvious pipeline against the project's cached, parallel analysis pass.

Runs, in one invocation (each stage in its own child process, so each peak memory is its own):

1. naive: for each article, split paragraphs into sentences with pySBD, score each sentence with
   TextBlob and with VADER (nothing else);
2. project, cold cache: ``load_corpus`` + ``analyze`` (segmentation, both sentiment models,
   frames with both shipped codebooks, per-article term counts) into an empty cache;
3. project, warm cache: the same again, reading the cache;
4. the README's report command on the seeds (``python -m analysis.report``), warm environment.

Prints wall time, sentences per second, peak memory (ru_maxrss of the stage's process and of its
worker processes) and the naive/project ratios. Usage::

    .venv/bin/python benchmarks/pipeline_benchmark.py [path/to/articles.csv]
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _peak_mb() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_mb": own, "workers_peak_mb": children}


def stage_naive(csv: str) -> dict:
    import pandas as pd
    import pysbd
    from textblob import TextBlob
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    started = time.perf_counter()
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    segmenter = pysbd.Segmenter(language="en", clean=False)
    vader = SentimentIntensityAnalyzer()
    n = 0
    for text in frame["text"]:
        for paragraph in text.split("\n"):
            if not paragraph.strip():
                continue
            for sentence in segmenter.segment(paragraph):
                sentence = sentence.strip()
                if not sentence:
                    continue
                TextBlob(sentence).sentiment  # noqa: B018 - the work being measured
                vader.polarity_scores(sentence)
                n += 1
    return {"seconds": time.perf_counter() - started, "sentences": n, **_peak_mb()}


def stage_project(csv: str) -> dict:
    import analysis

    started = time.perf_counter()
    corpus = analysis.load_corpus(csv, progress=False)
    result = analysis.analyze(corpus, progress=False)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "sentences": len(result.sentiment),
        "frame_hits": {k: len(v) for k, v in result.frame_hits.items()},
        "term_rows": len(result.term_counts),
        **_peak_mb(),
    }


def stage_report() -> dict:
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "analysis.report", "--out", out]
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)  # warm the cache
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        seconds = time.perf_counter() - started
        reports = len(list(Path(out).glob("*.html"))) - 1
    return {"seconds": seconds, "reports": reports, **_peak_mb()}


def _run_stage(name: str, csv: str, env: dict[str, str]) -> dict:
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, __file__, "--stage", name, csv],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - started
    return result


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--stage":
        name, csv = sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else ""
        result = {"naive": stage_naive, "project": stage_project}.get(name)
        print(json.dumps(result(csv) if result else stage_report()))
        return 0
    sys.path.insert(0, str(ROOT))
    from analysis import config

    csv = sys.argv[1] if len(sys.argv) > 1 else str(config.allsides_csv())
    if not Path(csv).exists():
        print(f"skipped: corpus not found at {csv} (it lives in ../shared beside a checkout)")
        return 0
    print(f"corpus: {csv}  (cores: {os.cpu_count()})")
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "ANALYSIS_CACHE_DIR": cache}
        naive = _run_stage("naive", csv, env)
        cold = _run_stage("project", csv, env)
        warm = _run_stage("project", csv, env)
    report = _run_stage("report", csv, dict(os.environ))

    def line(label: str, r: dict) -> str:
        rate = r["sentences"] / r["seconds"]
        return (
            f"{label:<22} wall {r['seconds']:7.1f} s (process {r['process_seconds']:5.1f} s)  "
            f"{r['sentences']:>8,} sentences  {rate:>10,.0f} sentences/s  "
            f"peak {r['peak_mb']:6.0f} MB (workers {r['workers_peak_mb']:5.0f} MB)"
        )

    print(line("naive pipeline", naive))
    print(line("project, cold cache", cold))
    print(line("project, warm cache", warm))
    print(
        f"project also computed: frame hits {cold['frame_hits']}, {cold['term_rows']:,} "
        "story-term counts"
    )
    print(f"ratio naive / project cold: {naive['seconds'] / cold['seconds']:.1f}x  (target >= 4x)")
    print(
        f"ratio naive / project warm: {naive['seconds'] / warm['seconds']:.1f}x  "
        f"(warm target <= 2 s: {warm['seconds']:.2f} s)"
    )
    peak = max(cold["peak_mb"], cold["workers_peak_mb"], warm["peak_mb"])
    print(f"peak memory of the project pass: {peak:.0f} MB (target <= 1,024 MB)")
    print(
        f"report command on the seeds, warm: {report['seconds']:.1f} s for "
        f"{report['reports']} reports (target <= 30 s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
