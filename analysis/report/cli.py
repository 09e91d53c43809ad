"""The command line, ``python -m analysis.report`` (behind ``make report`` and
``make notebooks``).

Exit codes: 0 built (reports with nothing to show are skipped, with the reason on the index),
1 a report failed (the others are still built and the index lists the failure), 2 a bad
argument (one line on stderr, nothing run or written), 130 / 143 interrupted by Ctrl-C /
SIGTERM (the output folder keeps the previous complete report set).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from analysis import config
from analysis.errors import AnalysisError, ParameterError
from analysis.report.arguments import STORIES_PER_FILE, check_encoding, check_notebooks
from analysis.report.build import build_reports
from analysis.report.catalog import MAX_STORY_REPORTS, STORY_NOTEBOOK
from analysis.report.execute import store_outputs
from analysis.report.outcome import ReportSet
from analysis.report.parameters import cli_parameters
from analysis.report.prepare import ENGINES
from analysis.report.signals import Terminated
from analysis.report.stories import story_reports_run

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """argparse, with errors on one line (no usage block) and exit code 2."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _encoding(text: str) -> str:
    try:
        return check_encoding(text)
    except ParameterError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--encoding ")) from None


def _one_line_error(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


SELF_CONTAINED_HELP = (
    "write each HTML report as one file with plotly.js inside (about 5 MB each), so it opens "
    "without the assets folder"
)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m analysis.report",
        description="Run the analysis notebooks and write HTML reports under reports/.",
    )
    parser.add_argument("corpus", nargs="?", help="corpus file or folder (default: seeds/)")
    parser.add_argument("--out", help="output folder (default: reports/)")
    parser.add_argument("--only", nargs="+", metavar="NOTEBOOK", help="run only these notebooks")
    parser.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="notebook parameter, read by the type its parameters cell declares "
        '(e.g. -p group=outlet, -p \'filters={"outlet": "AP"}\', -p date_from=2024-01-31)',
    )
    parser.add_argument("--show-code", action="store_true", help="keep code cells in the HTML")
    parser.add_argument("--self-contained", action="store_true", help=SELF_CONTAINED_HELP)
    parser.add_argument(
        "--stories",
        nargs="+",
        metavar="STORY_ID",
        help="per-story reports to build ('all', or ids; default: a typical and an extreme "
        f"story per group of -p group; with group=story_id the first {MAX_STORY_REPORTS})",
    )
    parser.add_argument(
        "--jobs",
        type=_positive_int,
        help="notebooks run at once (default: cores; 1 for a corpus of 20 MB or more)",
    )
    parser.add_argument(
        "--encoding",
        type=_encoding,
        default="utf-8",
        metavar="ENC",
        help="text encoding of the corpus files (default: utf-8)",
    )
    parser.add_argument(
        "--stories-per-file",
        choices=STORIES_PER_FILE,
        default="auto",
        help="how a text file is split into stories (default: auto)",
    )
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="local",
        help="where the analysis pass runs: this machine's cores, or a Dask cluster "
        "(default: local)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the scheduler of a running cluster, e.g. tcp://10.0.0.1:8786 "
        "(default: a local cluster)",
    )
    parser.add_argument(
        "--store", action="store_true", help="re-execute notebooks in place on the seeds"
    )
    return parser


def _build(args: argparse.Namespace, out: Path) -> ReportSet:
    """Check the ``-p`` values against the notebooks being run, then build the report set."""
    stories = "all" if args.stories == ["all"] else args.stories
    names = check_notebooks(args.only)
    if story_reports_run(args.only, names, stories):
        names = [*names, STORY_NOTEBOOK]
    extra = cli_parameters(args.param, names)
    return build_reports(
        args.corpus,
        out_dir=out,
        notebooks=args.only,
        parameters=extra,
        show_code=args.show_code,
        self_contained=args.self_contained,
        stories=stories,
        jobs=args.jobs,
        encoding=args.encoding,
        stories_per_file=args.stories_per_file,
        engine=args.engine,
        scheduler=args.scheduler,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit code (0 built, 1 a report failed, 2 bad arguments)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.scheduler is not None and args.engine != "dask":
        parser.error("--scheduler needs --engine dask")
    out = Path(args.out) if args.out else config.reports_dir()
    try:
        if args.store:
            store_outputs(args.only)
            return 0
        result = _build(args, out)
    except AnalysisError as exc:
        print(f"{parser.prog}: error: {_one_line_error(exc)}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, Terminated) as exc:
        code = exc.code if isinstance(exc, Terminated) else 130
        print(
            f"{parser.prog}: interrupted; {out} holds one complete report set, not half of one",
            file=sys.stderr,
        )
        return int(code or 143)
    print(f"index: {out / 'index.html'}")
    for outcome in result.skipped:
        print(f"skipped: {outcome.name}: {outcome.skipped}")
    if result.failed:
        print(f"failed: {', '.join(o.name for o in result.failed)}", file=sys.stderr)
        return 1
    return 0
