"""Tests of analysis.report.lab_form: stored notebooks in the form JupyterLab saves.

Numbers are checked against a table and, where node is installed, against the browser's own
``JSON.parse``/``JSON.stringify`` (the real JupyterLab round trip is run by
``benchmarks/lab_roundtrip.py``).
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from analysis.report import lab_form as lab_form_module
from analysis.report.lab_form import js_number, lab_form, write_stored

NODE = shutil.which("node")
BIG = 12345678901234567890


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.0, 1),
        (-3.0, -3),
        (-0.0, 0),
        (0.5, 0.5),
        (1e-05, 1e-05),
        (0.1 + 0.2, 0.30000000000000004),
        (1e20, 100000000000000000000),
        (1e21, 1e21),
        (2**53, 2**53),
        (2**53 + 1, 2**53),
        (BIG, 12345678901234567000),
        (10**22 + 1, 1e22),
        (7, 7),
        (True, True),
    ],
)
def test_numbers_as_the_browser_writes_them(value, expected):
    out = js_number(value)
    assert out == expected and type(out) is type(expected)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_become_null(value):
    assert js_number(value) is None


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_same_as_json_parse_then_stringify_in_node():
    values = [1.0, -0.0, 0.5, 1e20, 1e21, 1.5e-07, 2**53 + 1, BIG, -(2**60), 123.0, 3.14159]
    text = json.dumps(values)
    done = subprocess.run(
        [NODE, "-e", "process.stdout.write(JSON.stringify(JSON.parse(process.argv[1])))", text],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    browser = json.loads(done.stdout)
    ours = [js_number(v) for v in values]
    assert json.dumps(ours) == json.dumps(browser)


def _notebook() -> nbformat.NotebookNode:
    figure = {"data": [{"x": [0.0, 1.0, 2.5], "y": [-0.0, 3.0, float("nan")]}], "layout": {}}
    out = new_output(
        "display_data", data={"application/vnd.plotly.v1+json": figure, "text/plain": "Figure"}
    )
    nb = new_notebook(cells=[new_code_cell("show(fig)", outputs=[out], execution_count=1)])
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "py"}
    return nbformat.from_dict(nb)


def test_lab_form_converts_outputs_and_does_not_mutate(monkeypatch):
    monkeypatch.setattr(lab_form_module, "kernel_description", lambda name: None)
    nb = _notebook()
    out = lab_form(nb)
    trace = out.cells[0].outputs[0].data["application/vnd.plotly.v1+json"]["data"][0]
    assert trace["x"] == [0, 1, 2.5] and [type(v) for v in trace["x"]] == [int, int, float]
    assert trace["y"] == [0, 3, None]
    assert out.cells[0].execution_count == 1
    original = nb.cells[0].outputs[0].data["application/vnd.plotly.v1+json"]["data"][0]
    assert original["x"] == [0.0, 1.0, 2.5] and type(original["x"][0]) is float


def test_kernelspec_is_the_installed_one(monkeypatch):
    installed = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "py"}
    monkeypatch.setattr(lab_form_module, "kernel_description", lambda name: installed)
    assert lab_form(_notebook()).metadata["kernelspec"] == installed
    kept = lab_form(_notebook(), kernelspec=False).metadata["kernelspec"]
    assert kept["display_name"] == "Python 3"


def test_write_stored_writes_what_lab_writes_and_is_stable(tmp_path, monkeypatch):
    monkeypatch.setattr(lab_form_module, "kernel_description", lambda name: None)
    path = tmp_path / "n.ipynb"
    write_stored(_notebook(), path)
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert '"x": [\n          0,\n          1,\n          2.5\n         ],' in text
    assert "NaN" not in text and "1.0" not in text
    # nbformat's server-side form: indent 1, keys sorted
    assert text == nbformat.writes(nbformat.read(path, as_version=4)) + "\n"
    write_stored(nbformat.read(path, as_version=4), path)
    assert path.read_text(encoding="utf-8") == text


def test_store_outputs_writes_the_lab_form(tmp_path, monkeypatch):
    from analysis import config
    from analysis.report import execute

    monkeypatch.setattr(lab_form_module, "kernel_description", lambda name: None)
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", tmp_path)
    nbformat.write(_notebook(), tmp_path / "overview.ipynb")
    assert "1.0" in (tmp_path / "overview.ipynb").read_text(encoding="utf-8")

    def executed(source, target, parameters, cwd):  # stands in for papermill
        nb = nbformat.read(source, as_version=4)
        nb.metadata["papermill"] = {"duration": 1.5}
        nbformat.write(nb, target)

    monkeypatch.setattr(execute, "execute_notebook", executed)
    execute.store_outputs(["overview"])
    text = (tmp_path / "overview.ipynb").read_text(encoding="utf-8")
    assert "1.0" not in text and "papermill" not in text
    assert text == nbformat.writes(lab_form(nbformat.read(tmp_path / "overview.ipynb", 4))) + "\n"
