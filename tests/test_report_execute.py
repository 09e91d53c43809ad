"""Tests of analysis.report.execute: kernels start in the notebooks folder, the process never
moves, and a terminated run kills its kernels."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat

from analysis import config
from analysis.report import build_reports, catalog
from tests.report_support import builds_beside, snapshot, write_notebook

pytest_plugins = ["tests.report_fixtures"]


def test_notebooks_run_in_their_folder_without_moving_the_process(two_notebooks, monkeypatch):
    """Each kernel starts in the notebooks folder; the runner (parallel threads) never changes
    the working directory of its own process, which would race between threads."""
    nb = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell('corpus_path: "Optional[str]" = None')
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [parameters, nbformat.v4.new_code_cell("import os\nprint(os.getcwd())")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, config.NOTEBOOKS_DIR / "where.ipynb")
    monkeypatch.setattr(
        catalog, "NOTEBOOKS", [("overview", "The corpus."), ("where", "Prints its folder.")]
    )
    import os

    start = os.getcwd()
    moves: list[str] = []
    real_chdir = os.chdir

    def chdir(path):
        if os.path.realpath(path) != os.path.realpath(os.getcwd()):
            moves.append(str(path))
        real_chdir(path)

    monkeypatch.setattr(os, "chdir", chdir)
    out = two_notebooks / "reports"
    result = build_reports(out_dir=out, progress=False, jobs=2)
    assert not result.failed
    assert moves == []
    assert os.getcwd() == start
    executed = nbformat.read(out / "where.ipynb", as_version=4)
    printed = executed.cells[-1].outputs[0]["text"].strip()
    assert Path(printed).resolve() == config.NOTEBOOKS_DIR.resolve()


def test_sigterm_stops_the_run_kills_its_kernels_and_leaves_the_output(tmp_path):
    import signal
    import time

    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    marker = tmp_path / "kernel.pid"
    write_notebook(
        nb_dir / "sleeps.ipynb",
        'corpus_path: "Optional[str]" = None',
        f"import os, pathlib, time\npathlib.Path({str(marker)!r}).write_text(str(os.getpid()))\n"
        "time.sleep(120)",
    )
    out = tmp_path / "reports"
    out.mkdir()
    (out / "index.html").write_text("previous run")
    script = (
        "import sys\nfrom pathlib import Path\nfrom analysis import config\n"
        "from analysis.report import catalog, main\n"
        "config.NOTEBOOKS_DIR = Path(sys.argv[1])\n"
        "catalog.NOTEBOOKS = [('sleeps', 'Sleeps.')]\n"
        "sys.exit(main(['--out', sys.argv[2]]))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(nb_dir), str(out)],
        cwd=config.PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() or not marker.read_text():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the notebook never started"
            time.sleep(0.2)
        kernel = int(marker.read_text())
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode != 0
    assert "Traceback" not in err
    assert snapshot(out) == {"index.html": b"previous run"}
    assert not builds_beside(out)
    time.sleep(1)
    status = Path(f"/proc/{kernel}/status")
    assert not status.exists() or "zombie" in status.read_text(), "the kernel is still running"


def test_notebooks_start_in_start_order_and_report_as_they_finish(
    two_notebooks, fake_kernel, monkeypatch, tmp_path, capsys
):
    """The pool starts the notebooks of catalog.START_ORDER first (the longest report, so no
    core waits for it at the end); outcomes come back in task order, progress as they finish."""
    from analysis.report.execute import run_notebooks
    from analysis.report.outcome import ReportTask

    monkeypatch.setattr(catalog, "START_ORDER", ("raises_error",))
    tasks = [
        ReportTask("overview", "first", {}, "a"),
        ReportTask("raises_error", "second", {}, "b"),
        ReportTask("overview", "third", {}, "c"),
    ]
    outcomes = run_notebooks(tasks, tmp_path / "build", jobs=1, show_code=False, progress=True)
    assert [name for name, _ in fake_kernel] == ["raises_error", "overview", "overview"]
    assert [o.name for o in outcomes] == ["a", "b", "c"]
    lines = [line.split(":")[0] for line in capsys.readouterr().out.splitlines()]
    assert lines == ["[1/3] b", "[2/3] a", "[3/3] c"]
