"""Tests of analysis.report.build: the report set on the seeds, corpus and parameters reaching
the notebooks, per-story reports, exports into the run's folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from analysis import config
from analysis.errors import ParameterError
from analysis.report import build_reports, catalog, main
from tests.report_support import FIXTURES, builds_beside, run_cli, write_notebook

pytest_plugins = ["tests.report_fixtures"]


def test_report_set_on_the_seeds(two_notebooks):
    out = two_notebooks / "reports"
    result = build_reports(out_dir=out, progress=False)
    assert [o.name for o in result.outcomes] == ["overview", "raises_error"]
    assert [o.name for o in result.failed] == ["raises_error"]
    assert "RuntimeError" in result.failed[0].error
    page = (out / "overview.html").read_text()
    # one shared offline copy of plotly.js, loaded in <head>, never embedded; nothing from a CDN
    assert page.index('src="assets/plotly.min.js"') < page.index("</head>")
    assert "require.min.js" not in page and "cdnjs" not in page
    assert page.count("Plotly.newPlot") == 2
    assert 'id="fig-story-lengths"' in page
    assert (out / "overview.html").stat().st_size < 1_000_000
    assert (out / "assets" / "plotly.min.js").stat().st_size > 3_000_000
    # code hidden by default
    assert "open_corpus(" not in page
    index = (out / "index.html").read_text()
    assert '<a href="overview.html">overview</a>' in index
    assert "1 report failed: raises_error" in index
    assert "<th>stories</th><td>4</td>" in index
    assert "4 stories, 55 sentences and 1,418 words" in index  # the overview summary, as text
    assert not (out / "raises_error.html").exists()
    assert not list(out.glob(".*.tmp"))


def test_corpus_parameter_reaches_the_notebook(two_notebooks, tmp_path):
    articles = tmp_path / "mine.csv"
    articles.write_text('text,source\n"One story. Two.",A\n"Another story.",B\n')
    out = two_notebooks / "reports"
    assert main([str(articles), "--out", str(out), "--only", "overview"]) == 0
    executed = nbformat.read(out / "overview.ipynb", as_version=4)
    summary = next(c for c in executed.cells if "report-summary" in c.metadata.get("tags", []))
    assert "**2 stories**" in summary.outputs[0]["data"]["text/markdown"]


def test_unknown_notebook_is_rejected():
    with pytest.raises(ParameterError, match="unknown notebook"):
        build_reports(notebooks=["nope"])


def test_story_notebook_runs_once_per_story(two_notebooks):
    shutil.copy(FIXTURES / "story.ipynb", config.NOTEBOOKS_DIR)
    out = two_notebooks / "reports"
    result = build_reports(out_dir=out, notebooks=["overview"], stories="all", progress=False)
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
    with pytest.raises(ParameterError, match="unknown story id"):
        build_reports(out_dir=out, notebooks=["overview"], stories=["nope"], progress=False)


def test_group_and_filter_parameters_reach_the_notebooks(two_notebooks, tmp_path):
    articles = tmp_path / "outlets.csv"
    articles.write_text(
        "text,source,date\n"
        '"Prices rose sharply. Voters were angry.",Daily A,2024-01-03\n'
        '"The budget passed. Critics objected.",Daily B,2024-02-10\n'
        '"A calm day in the city.",Daily A,2024-02-11\n'
    )
    out = two_notebooks / "reports"
    code = main(
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


# --- item 2: notebooks write their exports into the run's output folder ----------------------


def test_notebooks_write_exports_into_the_run_output_folder(two_notebooks):
    write_notebook(
        config.NOTEBOOKS_DIR / "exports.ipynb",
        'corpus_path: "Optional[str]" = None\noutput_dir: "Optional[str]" = None',
        "import pandas as pd\nfrom analysis import safe\nprint(output_dir)\n"
        'safe.write_csv(pd.DataFrame({"n": [1]}), output_dir, "tables", "exports.csv")',
    )
    catalog.NOTEBOOKS.append(("exports", "Writes a table."))
    out = two_notebooks / "reports"
    result = build_reports(
        out_dir=out, notebooks=["exports", "raises_error"], stories=[], progress=False
    )
    assert [o.name for o in result.failed] == ["raises_error"], result.failed[0].error
    assert (out / "tables" / "exports.csv").read_text() == "n\n1\n"
    executed = nbformat.read(out / "exports.ipynb", as_version=4)
    used = Path(executed.cells[-1].outputs[0]["text"].strip())
    # the run's temporary build folder beside the output folder, moved into place at the end
    assert used.is_absolute() and used.parent == out.resolve().parent
    assert used.name.startswith(".reports.build-") and not used.exists()
    assert "output_dir" not in result.failed[0].parameters  # only to notebooks that declare it
    assert not builds_beside(out)


def test_encoding_and_stories_per_file_reach_the_loader_and_the_notebooks(
    two_notebooks, fake_kernel, tmp_path
):
    write_notebook(
        config.NOTEBOOKS_DIR / "reads.ipynb",
        'corpus_path: "Optional[str]" = None\nencoding: str = "utf-8"\n'
        'stories_per_file: str = "auto"',
    )
    catalog.NOTEBOOKS.append(("reads", "Reads the corpus."))
    articles = tmp_path / "latin1.txt"
    articles.write_bytes(
        "Café story one. It opened.\n\nSecond paragraph here. Still the same.\n".encode("latin-1")
    )
    out = two_notebooks / "reports"
    args = [str(articles), "--out", str(out), "--only", "reads", "raises_error"]
    assert run_cli([*args, "--encoding", "latin-1", "--stories-per-file", "many"]) == 0
    assert "<th>stories</th><td>2</td>" in (out / "index.html").read_text()
    passed = dict(fake_kernel)
    assert passed["reads"]["encoding"] == "latin-1"
    assert passed["reads"]["stories_per_file"] == "many"
    assert "encoding" not in passed["raises_error"]
    assert run_cli([*args, "--encoding", "latin-1", "--stories-per-file", "one"]) == 0
    assert "<th>stories</th><td>1</td>" in (out / "index.html").read_text()
