"""Benchmark: the analysis pass at 2,500 / 10,000 / 25,000 articles (throughput and memory).

The corpus is built from the AllSides sample (Baly et al. 2020, ``../shared/corpora/allsides``;
2,505 articles): copy 0 is the sample as it is, copy ``c`` (1, 2, ...) varies every article
deterministically so that no content key repeats and the cache cannot serve it:

- the sentences of each paragraph are rotated by ``c`` positions (a paragraph of one sentence
  keeps its order);
- copy ``c`` replaces the words of its own slice of :data:`SUBSTITUTIONS` (neutral synonyms,
  case kept), and a paragraph still unchanged gets two neighbouring words swapped at a position
  set by ``c``, so each paragraph differs from every other copy's (the loader's repeated-line
  rule, :mod:`analysis.corpus.furniture`, then does not see copies as an outlet's template);
- ids get a ``-c`` suffix, titles a `` (c)`` suffix.

Each size runs in a child process with an empty cache folder (``ANALYSIS_CACHE_DIR``): cold
``load_corpus`` (normalising, furniture, segmentation) then ``analyze`` (sentiment, frames with
both shipped codebooks, term counts). A thread of this process samples the resident memory of
the child and all its descendants (``psutil``, every :data:`SAMPLE_SECONDS`) and keeps the peak
of the sum (RSS counts copy-on-write pages shared by forked workers once per process, so it is
an upper bound), the peak of the sum of proportional set sizes (PSS: a page shared by k
processes, such as the modules a forkserver imported once for its workers, counts 1/k in
each; Linux) and the peak of the child alone. ``--warm`` repeats the smallest size on its
warm cache. CPU seconds (user + system of every process of the tree, sampled with the memory:
forkserver workers are not children the measured process reaps) are printed beside wall time:
on a shared machine they vary less; so is the 1-minute load average before and after each run
(``os.getloadavg``), since another job on the machine slows the run. ``--report N`` also
runs the report command on the N-article corpus (cold cache) and prints its wall time and
peak memory (RSS and PSS of the whole tree).
``--engine dask`` runs the pass with :func:`analysis.dask_engine.analyze_on_cluster` on a
LocalCluster (as ``python -m analysis.report --engine dask`` does).

Usage::

    .venv/bin/python benchmarks/scale_benchmark.py [--sizes 2500 10000 25000] [--warm]
        [--report 25000] [--engine local|dask] [--csv path/to/articles.csv]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
#: Seconds between two samples of the process tree's memory.
SAMPLE_SECONDS = 0.1
#: Neutral word pairs; copy ``c`` uses pairs ``c-1, c-1+k, c-1+2k ...`` (k = copies - 1).
SUBSTITUTIONS = (
    ("said", "stated"),
    ("says", "states"),
    ("told", "informed"),
    ("also", "too"),
    ("people", "persons"),
    ("government", "administration"),
    ("percent", "per cent"),
    ("year", "twelvemonth"),
    ("week", "sennight"),
    ("about", "around"),
    ("because", "since"),
    ("however", "yet"),
    ("including", "among them"),
    ("after", "following"),
    ("before", "prior to"),
    ("new", "fresh"),
    ("big", "large"),
    ("many", "numerous"),
    ("officials", "functionaries"),
    ("state", "commonwealth"),
)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def _substitute(paragraph: str, pairs: list[tuple[str, str]]) -> str:
    for word, other in pairs:
        pattern = re.compile(rf"\b{word}\b", re.IGNORECASE)
        paragraph = pattern.sub(
            lambda m, other=other: other.capitalize() if m.group(0)[0].isupper() else other,
            paragraph,
        )
    return paragraph


def vary(text: str, copy: int, n_copies: int) -> str:
    """Copy ``copy`` of an article's text (copy 0 is the text itself)."""
    if copy == 0:
        return text
    step = max(1, n_copies - 1)
    pairs = [SUBSTITUTIONS[i] for i in range(copy - 1, len(SUBSTITUTIONS), step)]
    out = []
    for paragraph in text.split("\n"):
        sentences = _SENTENCE_BREAK.split(paragraph)
        shift = copy % len(sentences)
        varied = " ".join(sentences[shift:] + sentences[:shift])
        varied = _substitute(varied, pairs)
        words = varied.split(" ")
        if varied == paragraph and len(words) > 2:
            i = (copy - 1) % (len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
            varied = " ".join(words)
        out.append(varied)
    return "\n".join(out)


def build_csv(source: Path, n: int, target: Path) -> None:
    """Write an ``n``-article corpus built from ``source`` (see the module docstring)."""
    import pandas as pd

    base = pd.read_csv(source, dtype=str, keep_default_na=False)
    n_copies = -(-n // len(base))
    parts = []
    for copy in range(n_copies):
        part = base.head(n - copy * len(base)).copy()
        if copy:
            part["id"] = part["id"] + f"-{copy}"
            part["title"] = part["title"] + f" ({copy})"
            part["text"] = [vary(t, copy, n_copies) for t in part["text"]]
        parts.append(part)
    pd.concat(parts, ignore_index=True).to_csv(target, index=False)


# --------------------------------------------------------------------------- memory sampling


class TreeMemory:
    """Peak RSS of a process and of it with all its descendants, and the CPU seconds of the
    whole tree, sampled in a thread.

    CPU: the last user + system seconds sampled of every process seen in the tree (the child,
    its forkserver and its workers: forkserver workers are not reaped by the child, so the
    child's ``RUSAGE_CHILDREN`` misses them); a process' last fraction of a sample interval
    before it exits is not counted.
    """

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak_tree = 0
        self.peak_main = 0
        self.peak_pss = 0
        self.cpu: dict[tuple[int, float], float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def cpu_seconds(self) -> float:
        """User + system CPU seconds of every process of the tree."""
        return sum(self.cpu.values())

    def _sample_cpu(self, process: psutil.Process) -> None:
        times = process.cpu_times()
        self.cpu[(process.pid, process.create_time())] = times.user + times.system

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                main = self.process.memory_info().rss
                self._sample_cpu(self.process)
                total = main
                pss = _pss(self.process)
                for child in self.process.children(recursive=True):
                    try:
                        total += child.memory_info().rss
                        pss += _pss(child)
                        self._sample_cpu(child)
                    except psutil.Error:
                        continue
            except psutil.Error:
                break
            self.peak_main = max(self.peak_main, main)
            self.peak_tree = max(self.peak_tree, total)
            self.peak_pss = max(self.peak_pss, pss)
            self._stop.wait(SAMPLE_SECONDS)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _pss(process: psutil.Process) -> int:
    """Proportional set size (a page shared by k processes counts 1/k in each; Linux), or 0."""
    return getattr(process.memory_full_info(), "pss", 0)


def run_measured(command: list[str], env: dict[str, str]) -> tuple[str, float, TreeMemory]:
    """Run ``command``; its stdout, wall seconds, and the :class:`TreeMemory` of its tree."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    with TreeMemory(process.pid) as memory:
        out, err = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode:
        sys.stderr.write(err[-4000:])
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}")
    return out, seconds, memory


# --------------------------------------------------------------------------- the measured pass


def stage_pass(csv: str, engine: str) -> dict:
    """Cold load + analysis pass in this process (run as a child of :func:`main`)."""
    import analysis

    started = time.perf_counter()
    corpus = analysis.load_corpus(csv, progress=False)
    loaded = time.perf_counter()
    if engine == "dask":
        from analysis.dask_engine import analyze_on_cluster

        result = analyze_on_cluster(corpus, progress=False)
    else:
        result = analysis.analyze(corpus, progress=False)
    n_stories = len(corpus.stories)
    done = time.perf_counter()
    return {
        "stories": n_stories,
        "sentences": int(result.corpus.stories["n_sentences"].sum()),
        "load_seconds": loaded - started,
        "analyze_seconds": done - loaded,
    }


def _mb(n_bytes: int) -> float:
    return n_bytes / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--sizes", nargs="+", type=int, default=[2500, 10000, 25000])
    parser.add_argument("--warm", action="store_true", help="repeat the smallest size warm")
    parser.add_argument("--report", type=int, help="also run the report set on N articles")
    parser.add_argument("--engine", choices=("local", "dask"), default="local")
    parser.add_argument("--csv", help="AllSides articles.csv (default: the shared copy)")
    parser.add_argument("corpus", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(stage_pass(args.corpus, args.engine)))
        return 0
    sys.path.insert(0, str(ROOT))
    from analysis import config

    source = Path(args.csv) if args.csv else config.allsides_csv()
    if not source.exists():
        print(f"skipped: corpus not found at {source} (it lives in ../shared beside a checkout)")
        return 0
    print(f"source: {source}  engine: {args.engine}  cores: {os.cpu_count()}")
    print(
        f"{'articles':>9} {'sentences':>10} {'load s':>7} {'analyze s':>9} {'wall s':>7} "
        f"{'articles/s':>10} {'cpu s':>7} {'peak main MB':>12} {'peak tree MB':>12} "
        f"{'tree PSS MB':>11} {'load avg':>14}"
    )
    with tempfile.TemporaryDirectory(prefix="scale-benchmark-") as tmp:
        sizes = sorted(set(args.sizes) | ({args.report} if args.report else set()))
        for n in sizes:
            csv = Path(tmp) / f"articles-{n}.csv"
            build_csv(source, n, csv)
            if n not in args.sizes:
                continue
            cache = Path(tmp) / f"cache-{n}"
            env = {**os.environ, "ANALYSIS_CACHE_DIR": str(cache)}
            runs = ["cold", "warm"] if args.warm and n == min(args.sizes) else ["cold"]
            for run in runs:
                command = [sys.executable, __file__, "--stage", "pass", str(csv)]
                before = os.getloadavg()[0]
                out, wall, memory = run_measured([*command, "--engine", args.engine], env)
                r = json.loads(out.strip().splitlines()[-1])
                seconds = r["load_seconds"] + r["analyze_seconds"]
                print(
                    f"{r['stories']:>9,} {r['sentences']:>10,} {r['load_seconds']:>7.1f} "
                    f"{r['analyze_seconds']:>9.1f} {seconds:>7.1f} "
                    f"{r['stories'] / seconds:>10.1f} {memory.cpu_seconds:>7.0f} "
                    f"{_mb(memory.peak_main):>12,.0f} {_mb(memory.peak_tree):>12,.0f} "
                    f"{_mb(memory.peak_pss):>11,.0f} {before:>6.2f} → {os.getloadavg()[0]:<5.2f}"
                    + ("  (warm)" if run == "warm" else ""),
                    flush=True,
                )
        if args.report:
            csv = Path(tmp) / f"articles-{args.report}.csv"
            env = {**os.environ, "ANALYSIS_CACHE_DIR": str(Path(tmp) / "cache-report")}
            command = [sys.executable, "-m", "analysis.report", str(csv), "--out"]
            command += [str(Path(tmp) / "reports"), "-p", "group=bias_label"]
            out, wall, memory = run_measured(command, env)
            print(out.strip())
            print(
                f"report set on {args.report:,} articles (cold cache): wall {wall:.1f} s, "
                f"cpu {memory.cpu_seconds:.0f} s, peak main {_mb(memory.peak_main):,.0f} MB, "
                f"peak tree {_mb(memory.peak_tree):,.0f} MB RSS, "
                f"{_mb(memory.peak_pss):,.0f} MB PSS, load average "
                f"{os.getloadavg()[0]:.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
