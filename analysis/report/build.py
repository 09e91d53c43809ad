"""Building the report set: check the arguments, prepare the corpus, run, index, publish.

:func:`build_reports` checks every argument before anything is run or written, loads the corpus
and runs the shared analysis pass once (:func:`~analysis.report.prepare.prepare_corpus`, which
fills the cache every notebook then reads), chooses the deep dives from that pass
(:mod:`analysis.report.stories`), skips the reports with nothing to show
(:mod:`analysis.report.skips`), reuses the pages of reports that do not read the corpus
(:mod:`analysis.report.reuse`), executes the rest in a temporary build folder
(:mod:`analysis.report.execute`), writes the index page and moves the complete run into the
output folder (:mod:`analysis.report.publish`).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from analysis import config, safe
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
from analysis.report.outcome import ReportOutcome, ReportSet, ReportTask
from analysis.report.parameters import check_parameters, notebook_parameters
from analysis.report.prepare import (
    PreparedCorpus,
    corpus_facts,
    prepare_corpus,
    prepare_corpus_apart,
)
from analysis.report.publish import build_folder, publish
from analysis.report.render import inline_assets, write_plotly_asset
from analysis.report.reuse import lookup, reuse_key, store
from analysis.report.signals import sigterm_unwinds
from analysis.report.skips import skip_reason
from analysis.report.stories import (
    StoryChoice,
    choose_stories,
    story_id_text,
    story_reports_run,
    story_stems,
)

__all__ = ["build_reports", "corpus_facts", "prepare_corpus"]


def build_reports(
    corpus_path: str | None = None,
    *,
    out_dir: str | Path | None = None,
    notebooks: Sequence[str] | None = None,
    parameters: dict[str, Any] | None = None,
    show_code: bool = False,
    self_contained: bool = False,
    progress: bool = True,
    stories: Sequence[str] | str | None = None,
    jobs: int | None = None,
    encoding: str = "utf-8",
    stories_per_file: str = "auto",
    engine: str = "local",
    scheduler: str | None = None,
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
        self_contained: write each report as one HTML file with plotly.js (and any other
            asset) inside (:func:`~analysis.report.render.inline_assets`).
        progress: print one line per report as it finishes.
        stories: story ids to write a per-story report for; ``None`` for a typical and an
            extreme story per group of the ``group`` parameter (for ``group=story_id``, the
            default, the first :data:`~analysis.report.catalog.MAX_STORY_REPORTS` stories; see
            :mod:`analysis.report.stories`), ``"all"`` for every story, ``[]`` for none.
        jobs: notebooks executed at once (default: the number of cores).
        encoding: text encoding of the corpus files.
        stories_per_file: how text files are split into stories: auto, one or many.
        engine: where the analysis pass runs: ``"local"`` (worker processes of this machine)
            or ``"dask"`` (a Dask cluster; see :func:`analysis.dask_engine.analyze_on_cluster`).
        scheduler: the Dask scheduler's address (``tcp://host:8786``); ``None`` with
            ``engine="dask"`` starts a LocalCluster.

    Returns:
        A :class:`ReportSet`; ``.failed`` lists the reports that failed, ``.skipped`` those
        with nothing to show (trends without dates, the validation without its ratings).

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
    if progress:
        print(f"loading the corpus and running the analysis pass ({engine} engine)", flush=True)
    prepared = prepare_corpus_apart(
        corpus_path,
        progress=progress,
        extra=extra,
        engine=engine,
        scheduler=scheduler,
        notebooks=run_names,
        **load_options,
    )
    chosen: list[StoryChoice] = []
    notes: list[str] = []
    if run_stories:
        chosen, notes = choose_stories(
            stories,
            prepared.story_ids,
            table=prepared.stories,
            tone=prepared.tone,
            group=extra.get("group"),
        )
    report_set = ReportSet(corpus_facts=prepared.facts, notes=notes)
    if progress:
        print(f"analysis pass ready in {time.perf_counter() - started:.1f} s", flush=True)
    with sigterm_unwinds(), build_folder(out) as build:
        runner = {"output_dir": str(build), **load_options}
        tasks = _tasks(names, chosen, corpus_path, extra, runner=runner)
        write_plotly_asset(build)
        report_set.outcomes = _run_tasks(
            tasks, build, prepared, jobs=jobs, show_code=show_code, progress=progress
        )
        if self_contained:
            for outcome in report_set.outcomes:
                page = safe.output_path(build, f"{outcome.name}.html")
                if outcome.ok and page.exists():
                    outcome.size_bytes = inline_assets(page).stat().st_size
        built = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
        page = index_html(report_set, built, time.perf_counter() - started)
        atomic_write(safe.output_path(build, "index.html"), page)
        publish(build, out, {o.name for o in report_set.failed})
    for outcome in report_set.outcomes:
        if outcome.ok:
            outcome.html_path = safe.output_path(out, f"{outcome.name}.html")
    return report_set


def _run_tasks(
    tasks: list[ReportTask],
    build: Path,
    prepared: PreparedCorpus,
    *,
    jobs: int | None,
    show_code: bool,
    progress: bool,
) -> list[ReportOutcome]:
    """The outcomes of ``tasks`` in task order: skipped when they have nothing to show, copied
    when an earlier run built the same corpus-free page, else executed (and kept for reuse)."""
    done: dict[int, ReportOutcome] = {}
    keys: dict[int, str] = {}
    for i, task in enumerate(tasks):
        reason = skip_reason(task.notebook, task.parameters, prepared)
        key = None if reason else reuse_key(task, show_code=show_code)
        if reason:
            done[i] = ReportOutcome(
                task.stem,
                task.description,
                task.parameters,
                ok=False,
                seconds=0.0,
                skipped=reason,
            )
        elif key is not None and (reused := lookup(task, key, build)) is not None:
            done[i] = reused
        else:
            if key is not None:
                keys[i] = key
            continue
        done[i].kind = "story" if task.notebook == catalog.STORY_NOTEBOOK else "report"
        if progress:
            state = f"skipped ({reason})" if reason else "reused from an earlier run"
            print(f"[-] {task.stem}: {state}", flush=True)
    pending = [i for i in range(len(tasks)) if i not in done]
    if pending:
        n_jobs = jobs or max(1, min(os.cpu_count() or 1, len(pending)))
        ran = run_notebooks(
            [tasks[i] for i in pending],
            build,
            jobs=n_jobs,
            show_code=show_code,
            progress=progress,
        )
        for i, outcome in zip(pending, ran, strict=True):
            done[i] = outcome
            if i in keys:
                store(tasks[i], keys[i], outcome, build)
    return [done[i] for i in range(len(tasks))]


def _tasks(
    names: Sequence[str],
    chosen: Sequence[StoryChoice],
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
        ids = [choice.story_id for choice in chosen]
        stems = story_stems(ids, reserved=[*descriptions, "index", "assets"])
        for choice, stem in zip(chosen, stems, strict=True):
            text = story_id_text(choice.story_id)
            description = f"Deep dive: {text or '(story without an id)'}"
            params = {**base, "story_id": text}
            tasks.append(ReportTask(story, description, params, stem, choice.group, choice.reason))
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
