"""Building the report set: check the arguments, prepare the corpus, run, index, publish.

:func:`build_reports` checks every argument before anything is run or written, loads the corpus
and runs the shared analysis pass once (:func:`~analysis.report.prepare.prepare_corpus`, which
fills the cache every notebook then reads), chooses the deep dives from that pass
(:mod:`analysis.report.stories`), skips the reports with nothing to show
(:mod:`analysis.report.skips`), reuses the pages of reports that do not read the corpus
(:mod:`analysis.report.reuse`) or, on a large corpus run with ``jobs`` above one, starts them
before the pass so they run beside it (:class:`_CorpusFree`), executes the rest in a temporary
build folder (:mod:`analysis.report.execute`), writes the index page and moves the complete run
into the output folder (:mod:`analysis.report.publish`).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
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
from analysis.report.execute import NotebookRun, run_notebooks, start_notebooks
from analysis.report.files import atomic_write
from analysis.report.index_page import index_html
from analysis.report.outcome import ReportOutcome, ReportSet, ReportTask
from analysis.report.parameters import check_parameters, notebook_parameters
from analysis.report.prepare import (
    PreparedCorpus,
    corpus_facts,
    is_large,
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
        jobs: notebooks executed at once (default: the number of cores; one for a large
            corpus, see :func:`~analysis.report.prepare.is_large`: each kernel then holds the
            corpus, 0.9-1.6 GB at 25,000 articles). With more than one on a large corpus,
            the reports that do not read the corpus run beside the analysis pass.
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
    with sigterm_unwinds(), build_folder(out) as build:
        runner = {"output_dir": str(build), **load_options}
        write_plotly_asset(build)
        everything = _tasks(names, [], corpus_path, extra, runner=runner)
        large = is_large(corpus_path)
        jobs = jobs if jobs is not None else (1 if large else None)
        free = [t for t in everything if t.notebook in catalog.CORPUS_FREE]
        free = free if large and jobs is not None and jobs > 1 else []
        with _CorpusFree(free, build, show_code=show_code) as early:
            if progress:
                print(f"loading the corpus and running the analysis pass ({engine} engine)")
                if early.run is not None:
                    print(f"running beside it: {', '.join(t.stem for t in early.run.tasks)}")
                sys.stdout.flush()
            prepared = prepare_corpus_apart(
                corpus_path,
                progress=progress,
                extra=extra,
                engine=engine,
                scheduler=scheduler,
                notebooks=run_names,
                **load_options,
            )
            chosen, notes = _choose(stories, prepared, extra) if run_stories else ([], [])
            report_set = ReportSet(corpus_facts=prepared.facts, notes=notes)
            if progress:
                print(f"analysis pass ready in {time.perf_counter() - started:.1f} s", flush=True)
            tasks = _tasks(names, chosen, corpus_path, extra, runner=runner)
            report_set.outcomes = _run_tasks(
                tasks,
                build,
                prepared,
                jobs=jobs,
                show_code=show_code,
                progress=progress,
                early=early,
            )
        _finish(build, out, report_set, started=started, self_contained=self_contained)
    for outcome in report_set.outcomes:
        if outcome.ok:
            outcome.html_path = safe.output_path(out, f"{outcome.name}.html")
    return report_set


def _choose(
    stories: Sequence[str] | str | None, prepared: PreparedCorpus, extra: dict[str, Any]
) -> tuple[list[StoryChoice], list[str]]:
    """The deep dives of ``prepared`` (:func:`~analysis.report.stories.choose_stories`)."""
    return choose_stories(
        stories,
        prepared.story_ids,
        table=prepared.stories,
        tone=prepared.tone,
        group=extra.get("group"),
    )


def _finish(
    build: Path, out: Path, report_set: ReportSet, *, started: float, self_contained: bool
) -> None:
    """Inline the assets (``self_contained``), write the index page and publish the build."""
    if self_contained:
        for outcome in report_set.outcomes:
            page = safe.output_path(build, f"{outcome.name}.html")
            if outcome.ok and page.exists():
                outcome.size_bytes = inline_assets(page).stat().st_size
    built = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    page = index_html(report_set, built, time.perf_counter() - started)
    atomic_write(safe.output_path(build, "index.html"), page)
    publish(build, out, {o.name for o in report_set.failed})


def _settle(
    task: ReportTask, build: Path, prepared: PreparedCorpus | None, *, show_code: bool
) -> tuple[ReportOutcome | None, str | None]:
    """The outcome of ``task`` without executing it, when it has one: skipped (nothing to show)
    or reused (an earlier run's page, copied into ``build``), with ``None``; else ``None`` and
    the key to keep its page under for reuse (``None`` when it is not reusable)."""
    reason = skip_reason(task.notebook, task.parameters, prepared)
    key = None if reason else reuse_key(task, show_code=show_code)
    if reason:
        outcome: ReportOutcome | None = ReportOutcome(
            task.stem,
            task.description,
            task.parameters,
            ok=False,
            seconds=0.0,
            skipped=reason,
        )
    elif key is not None:
        outcome = lookup(task, key, build)
    else:
        outcome = None
    if outcome is None:
        return None, key
    outcome.kind = "story" if task.notebook == catalog.STORY_NOTEBOOK else "report"
    return outcome, None


def _settled_state(outcome: ReportOutcome) -> str:
    return f"skipped ({outcome.skipped})" if outcome.skipped else "reused from an earlier run"


class _CorpusFree:
    """The reports of a build that do not read the corpus
    (:data:`~analysis.report.catalog.CORPUS_FREE`), started before the analysis pass so they
    run beside it: their cores would otherwise wait for the pass, and they are among the
    longest reports (the sentiment validation embeds 18,513 rated texts). Those with nothing
    to show or with a page to reuse are settled at once, without a kernel; the others run in
    one kernel. Leaving the block by an exception (a corpus that cannot be read, Ctrl-C)
    stops their kernel."""

    def __init__(self, tasks: list[ReportTask], build: Path, *, show_code: bool) -> None:
        self.tasks = tasks
        self.build = build
        self.settled: dict[str, ReportOutcome] = {}
        self.keys: dict[str, str] = {}
        to_run = []
        for task in tasks:
            outcome, key = _settle(task, build, None, show_code=show_code)
            if outcome is not None:
                self.settled[task.stem] = outcome
            else:
                if key is not None:
                    self.keys[task.stem] = key
                to_run.append(task)
        self.run: NotebookRun | None = None
        if to_run:
            self.run = start_notebooks(to_run, build, jobs=1, show_code=show_code)
        self._outcomes: dict[str, ReportOutcome] | None = None

    def __enter__(self) -> _CorpusFree:
        return self

    def __exit__(self, kind: Any, *_: Any) -> None:
        if kind is not None and self.run is not None:
            self.run.stop()

    def stems(self) -> set[str]:
        return {t.stem for t in self.tasks}

    def outcomes(self) -> dict[str, ReportOutcome]:
        """The outcome of each corpus-free report (waiting for those still running); the
        pages run here are kept for reuse."""
        if self._outcomes is None:
            done = dict(self.settled)
            for task, outcome in self.run.outcomes() if self.run is not None else ():
                done[task.stem] = outcome
                if task.stem in self.keys:
                    store(task, self.keys[task.stem], outcome, self.build)
            self._outcomes = done
        return self._outcomes


def _run_tasks(
    tasks: list[ReportTask],
    build: Path,
    prepared: PreparedCorpus,
    *,
    jobs: int | None,
    show_code: bool,
    progress: bool,
    early: _CorpusFree | None = None,
) -> list[ReportOutcome]:
    """The outcomes of ``tasks`` in task order: skipped when they have nothing to show, copied
    when an earlier run built the same corpus-free page, taken from ``early`` when it ran them
    beside the analysis pass, else executed (and kept for reuse)."""
    done: dict[int, ReportOutcome] = {}
    keys: dict[int, str] = {}
    beside = early.stems() if early is not None else set()
    for i, task in enumerate(tasks):
        if task.stem in beside:
            continue
        outcome, key = _settle(task, build, prepared, show_code=show_code)
        if outcome is None:
            if key is not None:
                keys[i] = key
            continue
        done[i] = outcome
        if progress:
            print(f"[-] {task.stem}: {_settled_state(outcome)}", flush=True)
    pending = [i for i in range(len(tasks)) if i not in done and tasks[i].stem not in beside]
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
    if beside and early is not None:
        settled = early.outcomes()
        for i, task in enumerate(tasks):
            if task.stem not in settled:
                continue
            done[i] = outcome = settled[task.stem]
            if progress and task.stem in early.settled:
                print(f"[-] {task.stem}: {_settled_state(outcome)}", flush=True)
            elif progress:
                state = "ok" if outcome.ok else f"FAILED ({outcome.error})"
                print(
                    f"[-] {task.stem}: {state} in {outcome.seconds:.1f} s "
                    "(run beside the analysis pass)",
                    flush=True,
                )
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
