"""Tests of analysis.report.skips: a report with nothing to show is skipped with the reason on
the index (not failed, exit code 0), decided before anything is executed."""

from __future__ import annotations

import shutil
import subprocess
import sys

from analysis import config
from analysis.report import catalog
from tests.report_support import run_cli

pytest_plugins = ["tests.report_fixtures"]


def test_trends_without_dates_and_validation_without_ratings_are_skipped(
    two_notebooks, fake_kernel, tmp_path, monkeypatch, capsys
):
    for name in ("trends", "sentiment_validation"):
        shutil.copy(config.PROJECT_ROOT / "notebooks" / f"{name}.ipynb", config.NOTEBOOKS_DIR)
        catalog.NOTEBOOKS.append((name, name))
    monkeypatch.setenv("ANALYSIS_SHARED_DIR", str(tmp_path / "fresh-clone-has-no-shared"))
    dated = tmp_path / "dated.csv"
    dated.write_text('text,date\n"One story. Two.",2024-01-03\n"Another story.",2024-02-10\n')
    undated = tmp_path / "undated.csv"
    undated.write_text('text\n"One story. Two."\n"Another story."\n')
    out = tmp_path / "reports"
    args = ["--out", str(out), "--only", "overview", "trends", "sentiment_validation"]

    assert run_cli([str(dated), *args]) == 0
    assert sorted(name for name, _ in fake_kernel) == ["overview", "trends"]
    assert (out / "trends.html").is_file()
    fake_kernel.clear()

    assert run_cli([str(undated), *args]) == 0
    assert [name for name, _ in fake_kernel] == ["overview"]  # neither was executed
    assert not (out / "trends.html").exists()  # the dated corpus' page is not left behind
    assert not (out / "sentiment_validation.html").exists()
    index = (out / "index.html").read_text()
    assert "2 reports skipped, with nothing to show: trends, sentiment_validation" in index
    assert "skipped: no selected story has a date" in index
    assert "skipped: the human sentiment ratings are not available" in index
    assert "No report failed." in index and "FAILED" not in index
    printed = capsys.readouterr().out
    assert "skipped: trends: no selected story has a date" in printed


def test_checking_for_the_ratings_does_not_import_scikit_learn():
    # the report command asks whether the ratings are there; scipy.stats and scikit-learn
    # (70 MB of its memory while every kernel runs) load only when agreement is computed
    code = (
        "import sys\n"
        "from analysis.report import build, skips\n"
        "from analysis.sentiment_validation import missing_validation_data\n"
        "missing_validation_data()\n"
        "print(sorted(m for m in ('sklearn', 'scipy.stats') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"
