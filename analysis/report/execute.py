"""Executing notebooks with papermill: one report, a whole run in parallel, or in place.

:func:`execute_notebook` runs one notebook with papermill (nbclient underneath) in a kernel that
starts in the notebooks folder; :func:`run_notebook` turns that into a report (the executed
notebook and its HTML, written atomically); :func:`run_notebooks` runs a build's tasks in
threads and stops every kernel when the run is interrupted; :func:`store_outputs` re-executes
notebooks in place on the seeds so the outputs compared by nbval are regenerated. Execution
metadata (timings, timestamps) is stripped so the stored files are deterministic, and notebooks
are written in the form JupyterLab saves (:mod:`analysis.report.lab_form`), so opening and
saving one in Lab leaves the file as it was.
"""

from __future__ import annotations

import functools
import itertools
import os
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED as FIRST
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from pathlib import Path
from typing import Any

import nbformat

from analysis import config, safe
from analysis.errors import ParameterError
from analysis.report import catalog
from analysis.report.files import atomic_write
from analysis.report.kernels import (
    forget_kernels,
    kernel_manager_class,
    kernels_of_run,
    kill_kernels,
)
from analysis.report.lab_form import lab_form, write_stored
from analysis.report.outcome import ReportOutcome, ReportTask
from analysis.report.render import render_html
from analysis.report.summary import notebook_summary

__all__ = [
    "NotebookRun",
    "execute_notebook",
    "run_notebook",
    "run_notebooks",
    "start_notebooks",
    "store_outputs",
    "strip_execution_metadata",
]

#: Notebook metadata the kernel decides (what JupyterLab writes back on save).
_KERNEL_KEYS = ("kernelspec", "language_info")
_KERNEL_CONFIG = {"KernelManager": {"transport_encryption": "auto"}}
#: Longest report file stem (story stems are ``story-`` + at most 80 characters + ``-<n>``).
_MAX_STEM = 128


def _quiet_jupyter_env() -> None:
    """Keep Jupyter state out of the home folder and silence the kernel's TCP warning."""
    base = Path(tempfile.gettempdir()) / "analysis-jupyter"
    for var, sub in (
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
    ):
        os.environ.setdefault(var, str(base / sub))
        Path(os.environ[var]).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def execute_notebook(source: Path, target: Path, parameters: dict[str, Any], cwd: Path) -> None:
    """Execute ``source`` with ``parameters`` into ``target``, the kernel started in ``cwd``."""
    import papermill as pm
    from traitlets.config import Config

    _quiet_jupyter_env()
    # The kernel starts in ``cwd`` (nbclient's ``resources.metadata.path``). Papermill's own
    # ``cwd=`` would os.chdir the whole process for the run, which races when notebooks run in
    # parallel threads and can leave the process in another folder.
    pm.execute_notebook(
        str(source.resolve()),
        str(target.resolve()),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        config=Config(_KERNEL_CONFIG),
        shutdown_kernel="immediate",
        resources={"metadata": {"path": str(cwd.resolve())}},
        kernel_manager_class=kernel_manager_class(),
    )


def strip_execution_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove papermill's and nbclient's execution metadata (timings, timestamps), in place."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    nbformat.validator.normalize(nb)
    return nb


def run_notebook(
    name: str,
    description: str,
    parameters: dict[str, Any],
    out_dir: Path,
    *,
    show_code: bool = False,
    output_stem: str | None = None,
) -> ReportOutcome:
    """Execute one notebook into ``out_dir`` and render its HTML report (atomically).

    The files are ``<stem>.ipynb`` and ``<stem>.html``, the stem passed through
    :func:`analysis.safe.safe_filename` and the paths through :func:`analysis.safe.output_path`.
    A notebook that fails gives an outcome with ``ok=False`` and writes nothing.
    """
    source = config.NOTEBOOKS_DIR / f"{name}.ipynb"
    stem = safe.safe_filename(output_stem or name, max_length=_MAX_STEM)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = safe.output_path(out_dir, f"{stem}.html")
    notebook_path = safe.output_path(out_dir, f"{stem}.ipynb")
    started = time.perf_counter()
    outcome = functools.partial(
        ReportOutcome, name=stem, description=description, parameters=parameters
    )
    with tempfile.TemporaryDirectory(prefix="analysis-report-") as tmp:
        executed = Path(tmp) / f"{stem}.ipynb"
        try:
            execute_notebook(source, executed, parameters, config.NOTEBOOKS_DIR)
        except Exception as exc:  # noqa: BLE001 - any notebook failure is reported, not raised
            message = str(exc).strip().splitlines()
            short = next((m for m in reversed(message) if m.strip()), type(exc).__name__)
            error = f"{type(exc).__name__}: {short}"[:500]
            return outcome(ok=False, seconds=time.perf_counter() - started, error=error)
        nb = strip_execution_metadata(nbformat.read(executed, as_version=4))
        page = render_html(nb, show_code=show_code)
        atomic_write(notebook_path, nbformat.writes(lab_form(nb)) + "\n")
        atomic_write(html_path, page)
    return outcome(
        ok=True,
        seconds=time.perf_counter() - started,
        html_path=html_path,
        summary=notebook_summary(nb),
        size_bytes=html_path.stat().st_size,
    )


class NotebookRun:
    """Tasks executing in ``jobs`` threads (:func:`start_notebooks`); :meth:`outcomes` gives
    their outcomes in task order, :meth:`stop` cancels what has not started and kills the
    kernels of what has."""

    def __init__(
        self, tasks: list[ReportTask], build: Path, *, jobs: int, show_code: bool
    ) -> None:
        self.tasks = list(tasks)
        self.cancel = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=max(1, jobs))
        self.futures: list[Future[ReportOutcome]] = []

        def run(task: ReportTask) -> ReportOutcome:
            with kernels_of_run(self.cancel):
                return run_notebook(
                    task.notebook,
                    task.description,
                    task.parameters,
                    build,
                    show_code=show_code,
                    output_stem=task.stem,
                )

        rank = {name: i for i, name in enumerate(catalog.START_ORDER)}
        start = sorted(
            range(len(self.tasks)),
            key=lambda i: (rank.get(self.tasks[i].notebook, len(rank)), i),
        )
        futures: dict[int, Future[ReportOutcome]] = {}
        try:
            for i in start:  # the pool starts them in this order (catalog.START_ORDER)
                futures[i] = self._pool.submit(run, self.tasks[i])
        except BaseException:
            self.futures = list(futures.values())
            self.stop()
            raise
        self.futures = [futures[i] for i in range(len(self.tasks))]

    def outcomes(self) -> Iterator[tuple[ReportTask, ReportOutcome]]:
        """Each task with its outcome, in task order, as each is done (an exception here, a
        Ctrl-C in particular, stops the run)."""
        for i in self._finished(in_task_order=True):
            yield self.tasks[i], self._outcome(i)

    def as_finished(self) -> Iterator[tuple[int, ReportOutcome]]:
        """Each task's position and outcome, as they finish (an exception here stops the run)."""
        for i in self._finished(in_task_order=False):
            yield i, self._outcome(i)

    def _finished(self, *, in_task_order: bool) -> Iterator[int]:
        waiting = list(range(len(self.tasks)))
        try:
            while waiting:
                head = waiting[:1] if in_task_order else waiting
                # wake up often: Ctrl-C may land in another thread
                wait_for([self.futures[i] for i in head], timeout=0.25, return_when=FIRST)
                if in_task_order:
                    done = list(itertools.takewhile(lambda i: self.futures[i].done(), waiting))
                else:
                    done = [i for i in waiting if self.futures[i].done()]
                for i in done:
                    waiting.remove(i)
                    yield i
        except BaseException:
            self.stop()
            raise
        self._pool.shutdown(wait=True)
        forget_kernels(self.cancel)

    def _outcome(self, i: int) -> ReportOutcome:
        task, outcome = self.tasks[i], self.futures[i].result()
        outcome.kind = "story" if task.notebook == catalog.STORY_NOTEBOOK else "report"
        outcome.group, outcome.reason = task.group, task.reason
        return outcome

    def stop(self) -> None:
        """Cancel the tasks not started and kill the kernels of those running."""
        self.cancel.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
        _stop_kernels(self.cancel, self.futures)
        forget_kernels(self.cancel)


def start_notebooks(
    tasks: list[ReportTask], build: Path, *, jobs: int, show_code: bool
) -> NotebookRun:
    """Start executing ``tasks`` into ``build`` in ``jobs`` threads (see :class:`NotebookRun`)."""
    # Import the executor here, not first in a worker thread: importing it sets warning
    # filters (requests silences urllib3's), and ``warnings.catch_warnings`` in a thread
    # running beside it (the analysis pass) can undo them, printing a stray warning.
    import papermill  # noqa: F401

    return NotebookRun(tasks, build, jobs=jobs, show_code=show_code)


def run_notebooks(
    tasks: list[ReportTask],
    build: Path,
    *,
    jobs: int,
    show_code: bool,
    progress: bool,
) -> list[ReportOutcome]:
    """Run the tasks in ``jobs`` threads (started in :data:`~analysis.report.catalog.START_ORDER`),
    the outcomes in task order, a progress line as each finishes; on any exception (Ctrl-C,
    SIGTERM) stop the run: cancel what has not started and kill the kernels of what has."""
    run = start_notebooks(tasks, build, jobs=jobs, show_code=show_code)
    outcomes: dict[int, ReportOutcome] = {}
    for i, outcome in run.as_finished():  # a progress line as each finishes
        outcomes[i] = outcome
        if progress:
            _print_progress(outcome, len(outcomes), len(tasks))
    return [outcomes[i] for i in range(len(tasks))]


def _print_progress(outcome: ReportOutcome, done: int, total: int) -> None:
    state = "ok" if outcome.ok else f"FAILED ({outcome.error})"
    print(f"[{done}/{total}] {outcome.name}: {state} in {outcome.seconds:.1f} s", flush=True)


def _stop_kernels(cancel: threading.Event, futures: list[Future[ReportOutcome]]) -> None:
    """Kill the kernels of a cancelled run until its threads are done (at most 30 s)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # kernels started late are killed on the next pass
        kill_kernels(cancel)
        running = [f for f in futures if not f.done()]  # done() counts cancelled ones
        if not running:
            break
        wait_for(running, timeout=0.2)


def _drop_widget_views(nb: nbformat.NotebookNode) -> None:
    """Drop widget views and state (random model ids that need a live kernel) from ``nb``."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if "nbval-ignore-output" in cell.metadata.get("tags", []):
            cell.outputs = []


def store_outputs(names: Sequence[str] | None = None) -> None:
    """Re-execute notebooks in place on the seeds (the outputs nbval compares against)."""
    known = [n for n, _ in catalog.NOTEBOOKS] + list(catalog.EXTRA_STORED)
    unknown = [n for n in names or () if n not in known]
    if unknown:
        raise ParameterError(f"unknown notebook(s) {unknown}; choose from {known}")
    kernel_metadata: dict[str, Any] = {}
    for name in names or known:
        if name == "sentiment_validation":
            continue  # needs ../shared; not compared by nbval
        path = config.NOTEBOOKS_DIR / f"{name}.ipynb"
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / path.name
            execute_notebook(path, target, {}, config.NOTEBOOKS_DIR)
            nb = strip_execution_metadata(nbformat.read(target, as_version=4))
        if name == catalog.EXPLORE_NOTEBOOK:
            _drop_widget_views(nb)
        write_stored(nb, path)
        kernel_metadata = {k: nb.metadata[k] for k in _KERNEL_KEYS if k in nb.metadata}
        print(f"stored outputs of {path.name}", flush=True)
    if kernel_metadata and "sentiment_validation" in (names or known):
        # Stored without outputs, but with the kernel's metadata as JupyterLab writes it on
        # its first save, so opening and saving it in Lab changes nothing.
        path = config.NOTEBOOKS_DIR / "sentiment_validation.ipynb"
        nb = nbformat.read(path, as_version=4)
        nb.metadata.update(kernel_metadata)
        write_stored(nb, path)
