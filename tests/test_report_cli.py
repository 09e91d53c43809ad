"""Tests of analysis.report.cli: bad arguments get one line, exit code 2, and nothing is
written; ``python -m analysis.report`` runs the same command line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from analysis import config
from tests.report_support import run_cli, snapshot

pytest_plugins = ["tests.report_fixtures"]

# --- item 12: bad parameters get one line, exit code 2, and nothing is written ---------------

BAD_ARGUMENTS = [
    (["-p", "filters={outlet: x}"], ["filters", "{outlet: x}", "JSON object"]),
    (["-p", "grup=outlet"], ["grup", "outlet", "did you mean 'group'"]),
    (["-p", "foo=1"], ["foo", "'1'", "date_from"]),
    (["-p", "corpus_path=other.csv"], ["corpus_path", "other.csv", "positional"]),
    (["-p", "output_dir=/tmp/x"], ["output_dir", "/tmp/x", "--out"]),
    (["-p", "story_id=x"], ["story_id", "--stories"]),
    (["-p", "encoding=latin-1"], ["encoding", "--encoding"]),
    (["-p", "date_from=2024-13-01"], ["date_from", "2024-13-01", "YYYY-MM-DD"]),
    (["-p", "date_to=yesterday"], ["date_to", "yesterday", "YYYY-MM-DD"]),
    (["-p", "date_from=2024-03-01", "-p", "date_to=2024-01-01"], ["date_from", "date_to"]),
    (["-p", "group=a", "-p", "group=b"], ["group", "twice"]),
    (["-p", "group"], ["-p", "NAME=VALUE", "'group'"]),
    (["--only", "framing", "-p", "threshold=high"], ["threshold", "high", "number"]),
    (["--only", "framing", "-p", "threshold=NaN"], ["threshold", "NaN", "number"]),
    (["--only", "topics_language", "-p", "top_n=1.5"], ["top_n", "1.5", "integer"]),
    (["--only", "topics_language", "-p", "ngram_range=[1"], ["ngram_range", "[1", "list"]),
    (["--only", "nope"], ["nope", "overview"]),
    (["--jobs", "-1"], ["--jobs", "-1", "positive integer"]),
    (["--jobs", "0"], ["--jobs", "0", "positive integer"]),
    (["--jobs", "two"], ["--jobs", "two", "positive integer"]),
    (["--encoding", "utf9"], ["--encoding", "utf9", "utf-8"]),
    (["--encoding", "rot13"], ["--encoding", "rot13", "text encoding"]),
    (["--stories-per-file", "two"], ["--stories-per-file", "two", "auto"]),
    (["--stories", "all", "x"], ["--stories", "all"]),
    (["--stories", "nope"], ["nope", "story id"]),
    (["missing.csv"], ["missing.csv", "no such file"]),
    (["-p", 'filters={"nocolumn": 1}'], ["nocolumn"]),
    (["--scheduler", "tcp://127.0.0.1:1"], ["--scheduler", "--engine dask"]),
    (["--engine", "spark"], ["--engine", "spark", "dask"]),
]


@pytest.mark.parametrize(
    ("args", "expected"), BAD_ARGUMENTS, ids=[" ".join(a) for a, _ in BAD_ARGUMENTS]
)
def test_bad_arguments_get_one_line_and_exit_2_without_writing(
    args, expected, tmp_path, capsys, fake_kernel
):
    out = tmp_path / "reports"
    out.mkdir()
    (out / "README.md").write_text("not ours")
    if "--only" not in args and "--stories" not in args:
        args = [*args, "--only", "overview"]
    code = run_cli([*args, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    for fragment in expected:
        assert fragment in err, (fragment, err)
    assert snapshot(out) == {"README.md": b"not ours"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]
    assert not fake_kernel


@pytest.mark.parametrize("kind", ["file", "below a file"])
def test_out_that_cannot_be_a_folder_is_refused(kind, tmp_path, capsys, fake_kernel):
    target = tmp_path / "taken"
    target.write_text("a file")
    out = target if kind == "file" else target / "reports"
    code = run_cli(["--only", "overview", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert str(out) in err and "folder" in err
    assert target.read_text() == "a file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_python_m_analysis_report_runs_the_command_line(tmp_path):
    out = tmp_path / "reports"
    result = subprocess.run(
        [sys.executable, "-m", "analysis.report", "-p", "grup=x", "--out", str(out)],
        cwd=config.PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("python -m analysis.report: error: unknown notebook param")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "did you mean 'group'" in result.stderr
    assert not out.exists()
