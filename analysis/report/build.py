"""Building the report set: check the arguments, prepare the corpus, run, index, publish.

:func:`build_reports` checks every argument before anything is run or written, loads the corpus
and runs the shared analysis pass once (:func:`prepare_corpus`, which fills the cache every
notebook then reads), executes the notebooks and the per-story deep dives in a temporary build
folder (:mod:`analysis.report.execute`), writes the index page and moves the complete run into
the output folder (:mod:`analysis.report.publish`).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from analysis import config, pipeline, safe
from analysis import corpus as corpus_module
from analysis.report import catalog
from analysis.report.arguments import (
    check_encoding,
    check_jobs,
    check_notebooks,
    check_out_dir,
    check_stories_per_file,
)
from analysis.report.execute import run_notebooks
from analysis.report.files import atomic_write
from analysis.report.index_page import index_html
from analysis.report.outcome import ReportSet, ReportTask
from analysis.report.parameters import check_parameters, notebook_parameters
from analysis.report.publish import build_folder, publish
from analysis.report.render import write_plotly_asset
from analysis.report.signals import sigterm_unwinds
from analysis.report.stories import (
    choose_stories,
    story_id_text,
    story_reports_run,
    story_stems,
)

__all__ = ["build_reports", "corpus_facts", "prepare_corpus"]


def prepare_corpus(
    corpus_path: str | None,
    *,
    progress: bool = True,
    extra: dict[str, Any] | None = None,
    encoding: str = "utf-8",
    stories_per_file: str = "auto",
) -> tuple[dict[str, Any], list[str]]:
    """Load the corpus and run the shared analysis pass once, filling the cache.

    Every notebook then reads the pass from the cache instead of recomputing it. Returns the
    counts shown on the index page and the ids of the selected stories (the notebooks' filter
    parameters in ``extra`` are applied). ``encoding`` and ``stories_per_file`` are passed to
    :func:`analysis.corpus.load_corpus`.
    """
    show = None if progress else False  # a bar on long runs in a terminal only
    corpus = corpus_module.load_corpus(
        corpus_path, progress=show, encoding=encoding, stories_per_file=stories_per_file
    )
    pipeline.analyze(corpus, progress=show)
    extra = extra or {}
    selected = corpus_module.select_stories(
        corpus,
        filters=extra.get("filters"),
        date_from=extra.get("date_from"),
        date_to=extra.get("date_to"),
    )
    facts = corpus_facts(selected, corpus_path)
    if extra.get("filters") or extra.get("date_from") or extra.get("date_to"):
        facts["selection"] = ", ".join(
            f"{k}={extra[k]!r}" for k in ("filters", "date_from", "date_to") if extra.get(k)
        )
    return facts, selected.stories["story_id"].tolist()


def corpus_facts(corpus: Any, corpus_path: str | None) -> dict[str, Any]:
    """Counts shown on the index page: stories, sentences, words, outlets, date range."""
    stories = corpus.stories
    dates = stories["date"].dropna()
    return {
        "corpus": "seeds/ (the project's seed stories)" if corpus_path is None else corpus_path,
        "stories": len(stories),
        "sentences": len(corpus.sentences),
        "words": int(stories["n_words"].sum()),
        "truncated stories": int(stories["is_truncated"].sum()),
        "outlets": int(stories["outlet"].dropna().nunique()),
        "date range": (
            f"{dates.min():%Y-%m-%d} – {dates.max():%Y-%m-%d}" if len(dates) else "no dates"
        ),
        "skipped inputs": len(corpus.skipped),
    }


def build_reports(
    corpus_path: str | None = None,
    *,
    out_dir: str | Path | None = None,
    notebooks: Sequence[str] | None = None,
    parameters: dict[str, Any] | None = None,
    show_code: bool = False,
    progress: bool = True,
    stories: Sequence[str] | str | None = None,
    jobs: int | None = None,
    encoding: str = "utf-8",
    stories_per_file: str = "auto",
) -> ReportSet:
    """Execute the report notebooks on a corpus and write the HTML reports and the index.

    The run is built in a temporary folder beside ``out_dir`` and moved into place when
    complete (see :mod:`analysis.report.publish`); an exception or interruption leaves
    ``out_dir`` as it was.

    Args:
        corpus_path: corpus file or folder; ``None`` for the seeds.
        out_dir: output folder (default ``reports/``).
        notebooks: names of the notebooks to run (default: all of
            :data:`analysis.report.catalog.NOTEBOOKS`).
        parameters: extra notebook parameters (e.g. ``{"group": "bias_label"}``), passed to
            every notebook that declares them; each must be declared by a notebook being run
            and match its annotation.
        show_code: keep code cells in the HTML.
        progress: print one line per report as it finishes.
        stories: story ids to write a per-story report for; ``None`` for the first
            :data:`~analysis.report.catalog.MAX_STORY_REPORTS` stories, ``"all"`` for every
            story, ``[]`` for none.
        jobs: notebooks executed at once (default: the number of cores).
        encoding: text encoding of the corpus files.
        stories_per_file: how text files are split into stories: auto, one or many.

    Returns:
        A :class:`ReportSet`; ``.failed`` lists the reports that failed.

    Raises:
        ParameterError: a bad argument (checked before anything is run or written).
        AnalysisError: the corpus cannot be read (nothing is written).
    """
    names = check_notebooks(notebooks)
    check_jobs(jobs)
    check_encoding(encoding)
    check_stories_per_file(stories_per_file)
    given = out_dir if out_dir is not None else config.reports_dir()
    out = Path(given).expanduser().resolve()
    check_out_dir(out, given)
    run_stories = story_reports_run(notebooks, names, stories)
    run_names = [*names, catalog.STORY_NOTEBOOK] if run_stories else names
    extra = check_parameters(run_names, parameters or {})
    if corpus_path is not None:
        corpus_path = str(Path(corpus_path).expanduser().resolve())
    load_options = {"encoding": encoding, "stories_per_file": stories_per_file}
    started = time.perf_counter()
    facts, story_ids = prepare_corpus(corpus_path, progress=progress, extra=extra, **load_options)
    chosen = choose_stories(stories, story_ids) if run_stories else []
    report_set = ReportSet(corpus_facts=facts)
    if progress:
        print(f"analysis pass ready in {time.perf_counter() - started:.1f} s", flush=True)
    with sigterm_unwinds(), build_folder(out) as build:
        runner = {"output_dir": str(build), **load_options}
        tasks = _tasks(names, chosen, corpus_path, extra, runner=runner)
        write_plotly_asset(build)
        n_jobs = jobs or max(1, min(os.cpu_count() or 1, len(tasks)))
        report_set.outcomes = run_notebooks(
            tasks, build, jobs=n_jobs, show_code=show_code, progress=progress
        )
        built = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
        page = index_html(report_set, built, time.perf_counter() - started)
        atomic_write(safe.output_path(build, "index.html"), page)
        publish(build, out, {o.name for o in report_set.failed})
    for outcome in report_set.outcomes:
        if outcome.ok:
            outcome.html_path = safe.output_path(out, f"{outcome.name}.html")
    return report_set


def _tasks(
    names: Sequence[str],
    chosen: Sequence[str],
    corpus_path: str | None,
    extra: dict[str, Any],
    *,
    runner: dict[str, Any],
) -> list[ReportTask]:
    """The notebooks ``names``, then one deep dive per story of ``chosen``, in that order."""
    descriptions = dict(catalog.NOTEBOOKS)
    tasks = []
    for name in names:
        params = _parameters_for(name, corpus_path, extra, runner=runner)
        tasks.append(ReportTask(name, descriptions[name], params, name))
    if chosen:
        story = catalog.STORY_NOTEBOOK
        base = _parameters_for(story, corpus_path, extra, runner=runner)
        stems = story_stems(chosen, reserved=[*descriptions, "index", "assets"])
        for sid, stem in zip(chosen, stems, strict=True):
            text = story_id_text(sid)
            description = f"Deep dive: {text or '(story without an id)'}"
            tasks.append(ReportTask(story, description, {**base, "story_id": text}, stem))
    return tasks


def _parameters_for(
    name: str,
    corpus_path: str | None,
    extra: dict[str, Any],
    *,
    runner: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The parameters notebook ``name`` gets: the corpus, the runner's own values (``output_dir``,
    ``encoding``, ``stories_per_file``) and ``extra``, each only when the notebook declares it."""
    declared = notebook_parameters(name)
    params: dict[str, Any] = {}
    if corpus_path is not None and "corpus_path" in declared:
        params["corpus_path"] = corpus_path
    params.update({k: v for k, v in (runner or {}).items() if k in declared and v is not None})
    params.update({k: v for k, v in extra.items() if k in declared})
    return params
