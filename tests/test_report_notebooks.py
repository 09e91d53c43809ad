"""The report notebooks themselves: thin, charts kept out of nbval, stored outputs compared."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analysis import config

ALL_NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_stay_thin(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not any(
                line.lstrip().startswith(("def ", "class ")) for line in cell.source.splitlines()
            ), f"{path.name}: move functions and classes into the analysis package"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_chart_cells_are_excluded_from_nbval(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "show(" in cell.source:
            assert "nbval-ignore-output" in cell.metadata.get("tags", []), cell.source


def _run_nbval(notebook: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    (cwd / "pytest.ini").write_text("[pytest]\n")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(config.PROJECT_ROOT / "tests" / "nbval_sanitize.cfg"),
            # its own temp root: a nested session must not prune this session's temp folders
            "--basetemp",
            str(cwd / "basetemp"),
            str(notebook),
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_nbval_fails_when_a_stored_number_changes(tmp_path):
    source = config.NOTEBOOKS_DIR / "overview.ipynb"
    good = tmp_path / "overview.ipynb"
    shutil.copy(source, good)
    assert _run_nbval(good, tmp_path).returncode == 0
    nb = nbformat.read(good, as_version=4)
    changed = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            plain = output.get("data", {}).get("text/plain", "")
            if "1205" in plain:
                output["data"]["text/plain"] = plain.replace("1205", "1204")
                changed += 1
    assert changed, "the stored story table should show the 1,205-word story"
    nbformat.write(nb, good)
    result = _run_nbval(good, tmp_path)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "1204" in result.stdout
