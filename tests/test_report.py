"""Tests of analysis.report: the report set, the index page, offline charts and failures."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
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


# --- helpers for the runner tests below -----------------------------------------------------


def _write_notebook(path: Path, parameters: str, *code: str) -> Path:
    """A fixture notebook: a title, one cell tagged ``parameters``, then code cells."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {path.stem}")]
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb.cells.append(cell)
    nb.cells.extend(nbformat.v4.new_code_cell(source) for source in code)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)
    return path


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
    from analysis import safe

    calls = FakeKernel()

    def execute(source, target, parameters, cwd):
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

    monkeypatch.setattr(report, "_execute", execute)
    return calls


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _hrefs(index: Path) -> list[str]:
    import re
    from urllib.parse import unquote

    return [unquote(h) for h in re.findall(r'href="([^"]+)"', index.read_text())]


def _builds_beside(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.build-*"))


# --- item 2: notebooks write their exports into the run's output folder ----------------------


def test_notebooks_write_exports_into_the_run_output_folder(two_notebooks):
    _write_notebook(
        config.NOTEBOOKS_DIR / "exports.ipynb",
        'corpus_path: "Optional[str]" = None\noutput_dir: "Optional[str]" = None',
        "import pandas as pd\nfrom analysis import safe\nprint(output_dir)\n"
        'safe.write_csv(pd.DataFrame({"n": [1]}), output_dir, "tables", "exports.csv")',
    )
    report.NOTEBOOKS.append(("exports", "Writes a table."))
    out = two_notebooks / "reports"
    result = report.build_reports(
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
    assert not _builds_beside(out)


# --- item 3: one page per story, whatever the ids --------------------------------------------


def test_story_stems_are_unique_and_never_nan():
    from analysis import safe

    ids = ["a/b", "a_b", safe.safe_filename("a/b"), "L" * 80 + "1", "L" * 80 + "2", "Story-X"]
    ids += ["story-x", None, float("nan"), "", "nan"]
    stems = report._story_stems(ids, reserved=["overview"])
    assert len({s.casefold() for s in stems}) == len(ids)
    assert stems[:3] == [
        "story-" + safe.safe_filename("a/b"),
        "story-a_b",
        "story-" + safe.safe_filename("a/b") + "-2",
    ]
    assert stems[7:] == ["story-unnamed", "story-unnamed-2", "story-unnamed-3", "story-nan"]
    assert all(safe.safe_filename(s, max_length=128) == s for s in stems)
    assert report._story_stems(ids, reserved=["overview"]) == stems  # deterministic


def test_story_pages_do_not_overwrite_each_other(two_notebooks, fake_kernel, tmp_path):
    from analysis import safe

    shutil.copy(FIXTURES / "story.ipynb", config.NOTEBOOKS_DIR)
    ids = ["a/b", "a_b", safe.safe_filename("a/b"), "L" * 80 + "1", "L" * 80 + "2"]
    articles = tmp_path / "ids.csv"
    pd.DataFrame(
        {"id": ids, "text": [f"Story number {i} is here. It ends." for i in range(len(ids))]}
    ).to_csv(articles, index=False)
    out = two_notebooks / "reports"
    result = report.build_reports(
        str(articles), out_dir=out, notebooks=["raises_error"], stories="all", progress=False
    )
    stories = [o for o in result.outcomes if o.kind == "story"]
    assert len({o.name for o in stories}) == len(ids)
    assert len(list(out.glob("story-*.html"))) == len(ids)
    links = [h for h in _hrefs(out / "index.html") if h.startswith("story-")]
    assert len(set(links)) == len(ids)
    for sid, link in zip(ids, links, strict=True):
        executed = nbformat.read(out / link.replace(".html", ".ipynb"), as_version=4)
        assert repr(("story_id", sid)) in executed.cells[-1].outputs[1]["text"]


# --- item 10: a run is built aside and moved into place when complete ------------------------


def test_killed_run_leaves_the_previous_report_set(two_notebooks, fake_kernel):
    shutil.copy(FIXTURES / "story.ipynb", config.NOTEBOOKS_DIR)
    out = two_notebooks / "reports"
    out.mkdir()
    (out / "README.md").write_text("not ours")
    report.build_reports(out_dir=out, notebooks=["overview"], stories="all", progress=False)
    before = _snapshot(out)
    assert "README.md" in before and "story-nicholas-nick-reiner-32-son-of.html" in before

    def interrupt(name, parameters):
        return KeyboardInterrupt() if name == "story" else None

    fake_kernel.fail = interrupt
    with pytest.raises(KeyboardInterrupt):
        report.build_reports(
            out_dir=out,
            notebooks=["overview"],
            parameters={"group": "outlet"},
            stories=["japans-cabinet-has-given-its-approval"],
            progress=False,
            jobs=1,
        )
    assert _snapshot(out) == before
    assert not _builds_beside(out)


def test_new_run_replaces_old_story_pages_and_keeps_other_files(two_notebooks, fake_kernel):
    shutil.copy(FIXTURES / "story.ipynb", config.NOTEBOOKS_DIR)
    out = two_notebooks / "reports"
    out.mkdir()
    (out / "README.md").write_text("not ours")
    (out / "story-notes.html").write_text("a user's page")
    report.build_reports(out_dir=out, notebooks=["overview"], stories="all", progress=False)
    assert len(list(out.glob("story-*.html"))) == 5
    report.build_reports(
        out_dir=out,
        notebooks=["overview"],
        stories=["japans-cabinet-has-given-its-approval"],
        progress=False,
    )
    assert sorted(p.name for p in out.glob("story-*.html")) == [
        "story-japans-cabinet-has-given-its-approval.html",
        "story-notes.html",
    ]
    assert (out / "README.md").read_text() == "not ours"
    assert (out / "story-notes.html").read_text() == "a user's page"
    manifest = json.loads((out / ".report-manifest.json").read_text())
    assert sorted(manifest["files"]) == sorted(
        p
        for p in _snapshot(out)
        if p not in {"README.md", "story-notes.html", ".report-manifest.json"}
    )
    assert all((out / h).is_file() for h in _hrefs(out / "index.html"))
    assert not _builds_beside(out)


def test_failed_report_keeps_its_previous_page_unlinked(two_notebooks, fake_kernel):
    out = two_notebooks / "reports"
    report.build_reports(out_dir=out, notebooks=["overview"], stories=[], progress=False)
    previous = (out / "overview.html").read_text()
    fake_kernel.fail = lambda name, parameters: RuntimeError("boom")
    result = report.build_reports(out_dir=out, notebooks=["overview"], stories=[], progress=False)
    assert [o.name for o in result.failed] == ["overview"]
    assert (out / "overview.html").read_text() == previous
    assert "overview.html" not in _hrefs(out / "index.html")


def test_sigterm_stops_the_run_kills_its_kernels_and_leaves_the_output(tmp_path):
    import signal
    import time

    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    marker = tmp_path / "kernel.pid"
    _write_notebook(
        nb_dir / "sleeps.ipynb",
        'corpus_path: "Optional[str]" = None',
        f"import os, pathlib, time\npathlib.Path({str(marker)!r}).write_text(str(os.getpid()))\n"
        "time.sleep(120)",
    )
    out = tmp_path / "reports"
    out.mkdir()
    (out / "index.html").write_text("previous run")
    script = (
        "import sys\nfrom pathlib import Path\nfrom analysis import config, report\n"
        "config.NOTEBOOKS_DIR = Path(sys.argv[1])\n"
        "report.NOTEBOOKS = [('sleeps', 'Sleeps.')]\n"
        "sys.exit(report.main(['--out', sys.argv[2]]))\n"
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
    assert _snapshot(out) == {"index.html": b"previous run"}
    assert not _builds_beside(out)
    time.sleep(1)
    status = Path(f"/proc/{kernel}/status")
    assert not status.exists() or "zombie" in status.read_text(), "the kernel is still running"


# --- item 12: bad parameters get one line, exit code 2, and nothing is written ---------------


def _cli(argv: list[str]) -> int:
    try:
        return report.main(argv)
    except SystemExit as exc:
        return exc.code


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
    code = _cli([*args, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    for fragment in expected:
        assert fragment in err, (fragment, err)
    assert _snapshot(out) == {"README.md": b"not ours"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]
    assert not fake_kernel


@pytest.mark.parametrize("kind", ["file", "below a file"])
def test_out_that_cannot_be_a_folder_is_refused(kind, tmp_path, capsys, fake_kernel):
    target = tmp_path / "taken"
    target.write_text("a file")
    out = target if kind == "file" else target / "reports"
    code = _cli(["--only", "overview", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert str(out) in err and "folder" in err
    assert target.read_text() == "a file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_cli_values_are_read_by_their_declared_type(tmp_path, fake_kernel):
    articles = tmp_path / "dated.csv"
    articles.write_text(
        'text,date\n"A dated story. It ends.",2024-01-03\n"Another one. It ends.",2024-02-10\n'
    )
    out = tmp_path / "reports"
    args = [str(articles), "--only", "framing", "topics_language", "trends", "--out", str(out)]
    args += ["--stories", "all", "-p", "threshold=2", "-p", "ngram_range=[1, 1]"]
    args += ["-p", "n_topics=null", "-p", 'codebook="policy"', "-p", "date_to=2024-01-31"]
    assert _cli(args) == 0
    passed = {name: params for name, params in fake_kernel}
    assert passed["framing"]["threshold"] == 2.0
    assert isinstance(passed["framing"]["threshold"], float)
    assert passed["framing"]["codebook"] == "policy"
    assert passed["topics_language"]["ngram_range"] == [1, 1]
    assert passed["topics_language"]["n_topics"] is None
    assert passed["story"]["date_to"] == passed["trends"]["date_to"] == "2024-01-31"
    assert [n for n, _ in fake_kernel].count("story") == 1  # one story before 2024-01-31
    assert _cli([*args, "-p", "group=123"]) == 0
    passed = {name: params for name, params in fake_kernel}
    assert passed["framing"]["group"] == passed["trends"]["group"] == "123"
    assert _cli([str(articles), "--only", "trends", "--out", str(out), "-p", "group=null"]) == 0
    assert {name: params for name, params in fake_kernel}["trends"]["group"] is None


def test_encoding_and_stories_per_file_reach_the_loader_and_the_notebooks(
    two_notebooks, fake_kernel, tmp_path
):
    _write_notebook(
        config.NOTEBOOKS_DIR / "reads.ipynb",
        'corpus_path: "Optional[str]" = None\nencoding: str = "utf-8"\n'
        'stories_per_file: str = "auto"',
    )
    report.NOTEBOOKS.append(("reads", "Reads the corpus."))
    articles = tmp_path / "latin1.txt"
    articles.write_bytes(
        "Café story one. It opened.\n\nSecond paragraph here. Still the same.\n".encode("latin-1")
    )
    out = two_notebooks / "reports"
    args = [str(articles), "--out", str(out), "--only", "reads", "raises_error"]
    assert _cli([*args, "--encoding", "latin-1", "--stories-per-file", "many"]) == 0
    assert "<th>stories</th><td>2</td>" in (out / "index.html").read_text()
    passed = dict(fake_kernel)
    assert passed["reads"]["encoding"] == "latin-1"
    assert passed["reads"]["stories_per_file"] == "many"
    assert "encoding" not in passed["raises_error"]
    assert _cli([*args, "--encoding", "latin-1", "--stories-per-file", "one"]) == 0
    assert "<th>stories</th><td>1</td>" in (out / "index.html").read_text()


# --- item 1: every corpus-derived string on the index is escaped, summaries are plain text ---


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        (
            "**4 stories**, 55 sentences and 1,418 words.",
            "4 stories, 55 sentences and 1,418 words.",
        ),
        ("- **one** `a`\n- two\n- three", "one a two"),
        ("Fox\\_News \\*not bold\\* \\\\ \\[x\\]\\(y\\)", "Fox_News *not bold* \\ [x](y)"),
        ("&lt;b&gt; &amp;lt; &#x27;q&#x27; \\&amp;", "<b> &lt; 'q' &amp;"),
        ("first paragraph\n\nsecond", "first paragraph"),
    ],
)
def test_summary_markdown_becomes_plain_text(markdown, plain):
    assert report._one_line(markdown) == plain


def test_escaped_values_round_trip_to_plain_text():
    from hypothesis import given
    from hypothesis import strategies as st

    from analysis import safe

    text = st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]), max_size=60)

    @given(text)
    def check(value):
        assert report._one_line(safe.escape_markdown(value), limit=10_000) == " ".join(
            value.split()
        )

    check()


def test_index_escapes_corpus_strings(two_notebooks, fake_kernel, tmp_path):
    shutil.copy(FIXTURES / "story.ipynb", config.NOTEBOOKS_DIR)
    evil = "<img src=x onerror=alert(1)> Fox_News & 'q'"
    articles = tmp_path / "evil <b>.csv"
    pd.DataFrame({"id": [evil], "text": ["An evil story. It ends."]}).to_csv(articles, index=False)
    out = two_notebooks / "reports"
    report.build_reports(
        str(articles), out_dir=out, notebooks=["raises_error"], stories="all", progress=False
    )
    index = (out / "index.html").read_text()
    escaped = "&lt;img src=x onerror=alert(1)&gt; Fox_News &amp; &#x27;q&#x27;"
    assert index.count(escaped) >= 3  # description, summary, parameters
    assert "evil &lt;b&gt;.csv" in index
    for raw in ("<img", "<b>", "\\_", "\\(", "&amp;lt;", "&amp;amp;"):
        assert raw not in index, raw
    assert all((out / h).is_file() for h in _hrefs(out / "index.html"))
