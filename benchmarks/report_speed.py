"""Benchmark: the time of the report set on a corpus, per notebook, with a warm cache.

Builds the report set (``analysis.report.build_reports``, the same call as ``python -m
analysis.report``) into a temporary folder ``--runs`` times in a row (default 2: the first run
fills the analysis cache and the corpus-free page reuse, the later ones are warm) and prints,
for each run, the wall time of the whole set (analysis pass, execution, index, publishing) and
each report's own time (kernel start to HTML written; reports run ``--jobs`` at a time, so their
sum exceeds the wall time). Reports over ``--slow`` seconds in the last run are flagged.
Usage::

    .venv/bin/python benchmarks/report_speed.py                       # AllSides by bias_label
    .venv/bin/python benchmarks/report_speed.py path/to/corpus -p group=outlet --runs 3
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from analysis import config
from analysis.report import build_reports, catalog
from analysis.report.parameters import cli_parameters


def _one_run(corpus: str, parameters: dict, jobs: int | None) -> tuple[float, list[tuple]]:
    with tempfile.TemporaryDirectory(prefix="report-speed-") as tmp:
        started = time.perf_counter()
        result = build_reports(
            corpus, out_dir=Path(tmp) / "reports", parameters=parameters, jobs=jobs, progress=False
        )
        wall = time.perf_counter() - started
    rows = []
    for outcome in result.outcomes:
        if outcome.skipped:
            state = "skipped"
        elif not outcome.ok:
            state = "FAILED"
        else:
            state = "ok"
        rows.append((outcome.name, state, outcome.seconds))
    return wall, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(config.allsides_csv().parent))
    parser.add_argument("-p", "--param", action="append", default=None, metavar="NAME=VALUE")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--slow", type=float, default=10.0, help="flag reports over this (s)")
    args = parser.parse_args(argv)
    names = [n for n, _ in catalog.NOTEBOOKS] + [catalog.STORY_NOTEBOOK]
    params = cli_parameters(args.param or ["group=bias_label"], names)
    print(f"corpus: {args.corpus}; parameters: {params}; runs: {args.runs}", flush=True)
    last: list[tuple] = []
    for run in range(1, args.runs + 1):
        wall, last = _one_run(args.corpus, params, args.jobs)
        label = "first: warms a cold cache" if run == 1 else "warm"
        print(f"\nrun {run} ({label}): report set in {wall:.1f} s")
        for name, state, seconds in last:
            print(f"  {name:<32} {state:<8} {seconds:6.1f} s")
        total = sum(seconds for _, _, seconds in last)
        print(f"  {'sum of report times':<32} {'':<8} {total:6.1f} s", flush=True)
    slow = [(n, s) for n, state, s in last if state == "ok" and s > args.slow]
    if slow:
        print(
            f"\nover {args.slow:.0f} s in the last run: "
            + ", ".join(f"{n} {s:.1f} s" for n, s in slow)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
