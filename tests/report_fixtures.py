"""Fixtures shared by the ``tests/test_report_*.py`` modules, which load this file with
``pytest_plugins = ["tests.report_fixtures"]``."""

from __future__ import annotations

import shutil

import nbformat
import pandas as pd
import pytest

from analysis import config, safe
from analysis.report import catalog, execute
from tests.report_support import FIXTURES


@pytest.fixture()
def two_notebooks(tmp_path, monkeypatch):
    """A notebooks folder holding the overview and a notebook that always fails."""
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    shutil.copy(config.NOTEBOOKS_DIR / "overview.ipynb", nb_dir)
    shutil.copy(FIXTURES / "raises_error.ipynb", nb_dir)
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", nb_dir)
    monkeypatch.setattr(
        catalog,
        "NOTEBOOKS",
        [("overview", "The corpus."), ("raises_error", "Always fails.")],
    )
    return tmp_path


class FakeKernel(list):
    """Executions recorded as (notebook, parameters); ``fail`` may return an exception to raise."""

    @staticmethod
    def fail(name: str, parameters: dict) -> BaseException | None:
        return None


@pytest.fixture()
def fake_kernel(monkeypatch):
    """Notebook execution replaced by a copy with a summary naming the parameters (no kernel).

    The copy's last cell shows the summary (Markdown, values escaped as the notebooks do) and
    the parameters it got; a notebook declaring ``output_dir`` writes ``tables/<name>.csv``.
    """
    calls = FakeKernel()

    def execute_notebook(source, target, parameters, cwd):
        calls.append((source.stem, dict(parameters)))
        error = calls.fail(source.stem, parameters)
        if error is not None:
            raise error
        nb = nbformat.read(source, as_version=4)
        label = parameters.get("story_id", source.stem)
        text = f"**{safe.escape_markdown(label)}** ran with {len(parameters)} parameter(s)"
        summary = nbformat.v4.new_code_cell("summary")
        summary.metadata["tags"] = ["report-summary"]
        summary.outputs = [
            nbformat.v4.new_output("display_data", data={"text/markdown": text}),
            nbformat.v4.new_output("stream", text=repr(sorted(parameters.items()))),
        ]
        nb.cells = [c for c in nb.cells if "report-summary" not in c.metadata.get("tags", [])]
        nb.cells.append(summary)
        if parameters.get("output_dir"):
            table = pd.DataFrame({"notebook": [source.stem]})
            safe.write_csv(table, parameters["output_dir"], "tables", f"{source.stem}.csv")
        nbformat.write(nb, target)

    monkeypatch.setattr(execute, "execute_notebook", execute_notebook)
    return calls
