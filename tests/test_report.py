"""Tests of analysis.report: the report set, the index page, offline charts and failures."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analysis import config, report

FIXTURES = Path(__file__).parent / "data" / "notebooks"
ALL_NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_has_one_parameters_cell_papermill_can_read(path, caplog):
    import papermill as pm

    declared = report.notebook_parameters(path.stem)
    assert "corpus_path" in declared or path.stem == "sentiment_validation"
    inferred = pm.inspect_notebook(str(path))
    assert "Unable to parse" not in caplog.text
    assert set(inferred) == set(declared)


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


@pytest.fixture()
def two_notebooks(tmp_path, monkeypatch):
    """A notebooks folder holding the overview and a notebook that always fails."""
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    shutil.copy(config.NOTEBOOKS_DIR / "overview.ipynb", nb_dir)
    shutil.copy(FIXTURES / "raises_error.ipynb", nb_dir)
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", nb_dir)
    monkeypatch.setattr(
        report,
        "NOTEBOOKS",
        [("overview", "The corpus."), ("raises_error", "Always fails.")],
    )
    return tmp_path


def test_report_set_on_the_seeds(two_notebooks):
    out = two_notebooks / "reports"
    result = report.build_reports(out_dir=out, progress=False)
    assert [o.name for o in result.outcomes] == ["overview", "raises_error"]
    assert [o.name for o in result.failed] == ["raises_error"]
    assert "RuntimeError" in result.failed[0].error
    page = (out / "overview.html").read_text()
    # one shared offline copy of plotly.js, loaded before require.js, never embedded
    assert page.index('src="assets/plotly.min.js"') < page.index("require.min.js")
    assert page.count("Plotly.newPlot") == 2
    assert 'id="fig-story-lengths"' in page
    assert (out / "overview.html").stat().st_size < 1_000_000
    assert (out / "assets" / "plotly.min.js").stat().st_size > 3_000_000
    # code hidden by default
    assert "open_corpus(" not in page
    index = (out / "index.html").read_text()
    assert '<a href="overview.html">overview</a>' in index
    assert "1 report(s) failed: raises_error" in index
    assert "<th>stories</th><td>4</td>" in index
    assert "4 stories, 55 sentences and 1,418 words" in index  # the overview summary, as text
    assert not (out / "raises_error.html").exists()
    assert not list(out.glob(".*.tmp"))


def test_failed_run_keeps_the_previous_complete_report(two_notebooks):
    out = two_notebooks / "reports"
    out.mkdir()
    (out / "raises_error.html").write_text("<html>complete earlier report</html>")
    code = report.main(["--out", str(out), "--only", "raises_error"])
    assert code == 1
    assert (out / "raises_error.html").read_text() == "<html>complete earlier report</html>"


def test_show_code_option_keeps_code(two_notebooks):
    out = two_notebooks / "reports"
    assert report.main(["--out", str(out), "--only", "overview", "--show-code"]) == 0
    assert "open_corpus" in (out / "overview.html").read_text()


def test_corpus_parameter_reaches_the_notebook(two_notebooks, tmp_path):
    articles = tmp_path / "mine.csv"
    articles.write_text('text,source\n"One story. Two.",A\n"Another story.",B\n')
    out = two_notebooks / "reports"
    assert report.main([str(articles), "--out", str(out), "--only", "overview"]) == 0
    executed = nbformat.read(out / "overview.ipynb", as_version=4)
    summary = next(c for c in executed.cells if "report-summary" in c.metadata.get("tags", []))
    assert "**2 stories**" in summary.outputs[0]["data"]["text/markdown"]


def test_unknown_notebook_is_rejected():
    with pytest.raises(report.ParameterError, match="unknown notebook"):
        report.build_reports(notebooks=["nope"])


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


def test_story_notebook_runs_once_per_story(two_notebooks):
    shutil.copy(FIXTURES / "story.ipynb", config.NOTEBOOKS_DIR)
    out = two_notebooks / "reports"
    result = report.build_reports(
        out_dir=out, notebooks=["overview"], stories="all", progress=False
    )
    stories = [o for o in result.outcomes if o.kind == "story"]
    assert [o.name for o in stories] == [
        "story-the-sudden-and-dramatic-removal-of",
        "story-japans-cabinet-has-given-its-approval",
        "story-the-complete-public-unveiling-of-documents",
        "story-nicholas-nick-reiner-32-son-of",
    ]
    assert stories[3].summary == "nicholas-nick-reiner-32-son-of: 63 words"
    index = (out / "index.html").read_text()
    assert "Per-story reports" in index
    assert '<a href="story-japans-cabinet-has-given-its-approval.html">' in index
    with pytest.raises(report.ParameterError, match="unknown story id"):
        report.build_reports(out_dir=out, notebooks=["overview"], stories=["nope"], progress=False)


def test_group_and_filter_parameters_reach_the_notebooks(two_notebooks, tmp_path):
    articles = tmp_path / "outlets.csv"
    articles.write_text(
        "text,source,date\n"
        '"Prices rose sharply. Voters were angry.",Daily A,2024-01-03\n'
        '"The budget passed. Critics objected.",Daily B,2024-02-10\n'
        '"A calm day in the city.",Daily A,2024-02-11\n'
    )
    out = two_notebooks / "reports"
    code = report.main(
        [
            str(articles),
            "--out",
            str(out),
            "--only",
            "overview",
            "-p",
            "group=outlet",
            "-p",
            'filters={"outlet": "Daily A"}',
        ]
    )
    assert code == 0
    executed = nbformat.read(out / "overview.ipynb", as_version=4)
    tables = [
        o["data"]["text/plain"]
        for c in executed.cells
        for o in c.get("outputs", [])
        if "text/plain" in o.get("data", {})
    ]
    assert any("Daily A" in t and "Daily B" not in t for t in tables)
    index = (out / "index.html").read_text()
    assert "<th>stories</th><td>2</td>" in index
    assert "filters={&#x27;outlet&#x27;: &#x27;Daily A&#x27;}" in index


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
        report, "NOTEBOOKS", [("overview", "The corpus."), ("where", "Prints its folder.")]
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
    result = report.build_reports(out_dir=out, progress=False, jobs=2)
    assert not result.failed
    assert moves == []
    assert os.getcwd() == start
    executed = nbformat.read(out / "where.ipynb", as_version=4)
    printed = executed.cells[-1].outputs[0]["text"].strip()
    assert Path(printed).resolve() == config.NOTEBOOKS_DIR.resolve()
