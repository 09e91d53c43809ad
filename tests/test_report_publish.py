"""Tests of analysis.report.publish: a run is built aside and moved into place when complete;
the manifest decides which old files go, a failed report keeps its previous page."""

from __future__ import annotations

import json
import shutil

import pytest

from analysis import config
from analysis.report import build_reports, main
from tests.report_support import FIXTURES, builds_beside, hrefs, snapshot

pytest_plugins = ["tests.report_fixtures"]


def test_failed_run_keeps_the_previous_complete_report(two_notebooks):
    out = two_notebooks / "reports"
    out.mkdir()
    (out / "raises_error.html").write_text("<html>complete earlier report</html>")
    code = main(["--out", str(out), "--only", "raises_error"])
    assert code == 1
    assert (out / "raises_error.html").read_text() == "<html>complete earlier report</html>"


# --- item 10: a run is built aside and moved into place when complete ------------------------


def test_killed_run_leaves_the_previous_report_set(two_notebooks, fake_kernel):
    shutil.copy(FIXTURES / "story.ipynb", config.NOTEBOOKS_DIR)
    out = two_notebooks / "reports"
    out.mkdir()
    (out / "README.md").write_text("not ours")
    build_reports(out_dir=out, notebooks=["overview"], stories="all", progress=False)
    before = snapshot(out)
    assert "README.md" in before and "story-nicholas-nick-reiner-32-son-of.html" in before

    def interrupt(name, parameters):
        return KeyboardInterrupt() if name == "story" else None

    fake_kernel.fail = interrupt
    with pytest.raises(KeyboardInterrupt):
        build_reports(
            out_dir=out,
            notebooks=["overview"],
            parameters={"group": "outlet"},
            stories=["japans-cabinet-has-given-its-approval"],
            progress=False,
            jobs=1,
        )
    assert snapshot(out) == before
    assert not builds_beside(out)


def test_new_run_replaces_old_story_pages_and_keeps_other_files(two_notebooks, fake_kernel):
    shutil.copy(FIXTURES / "story.ipynb", config.NOTEBOOKS_DIR)
    out = two_notebooks / "reports"
    out.mkdir()
    (out / "README.md").write_text("not ours")
    (out / "story-notes.html").write_text("a user's page")
    build_reports(out_dir=out, notebooks=["overview"], stories="all", progress=False)
    assert len(list(out.glob("story-*.html"))) == 5
    build_reports(
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
        for p in snapshot(out)
        if p not in {"README.md", "story-notes.html", ".report-manifest.json"}
    )
    assert all((out / h).is_file() for h in hrefs(out / "index.html"))
    assert not builds_beside(out)


def test_failed_report_keeps_its_previous_page_unlinked(two_notebooks, fake_kernel):
    out = two_notebooks / "reports"
    build_reports(out_dir=out, notebooks=["overview"], stories=[], progress=False)
    previous = (out / "overview.html").read_text()
    fake_kernel.fail = lambda name, parameters: RuntimeError("boom")
    result = build_reports(out_dir=out, notebooks=["overview"], stories=[], progress=False)
    assert [o.name for o in result.failed] == ["overview"]
    assert (out / "overview.html").read_text() == previous
    assert "overview.html" not in hrefs(out / "index.html")
