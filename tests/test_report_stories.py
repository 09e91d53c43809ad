"""Tests of analysis.report.stories: one page per story, whatever the ids."""

from __future__ import annotations

import shutil

import nbformat
import pandas as pd

from analysis import config, safe
from analysis.report import build_reports
from analysis.report.stories import story_stems
from tests.report_support import FIXTURES, hrefs

pytest_plugins = ["tests.report_fixtures"]


def test_story_stems_are_unique_and_never_nan():
    ids = ["a/b", "a_b", safe.safe_filename("a/b"), "L" * 80 + "1", "L" * 80 + "2", "Story-X"]
    ids += ["story-x", None, float("nan"), "", "nan"]
    stems = story_stems(ids, reserved=["overview"])
    assert len({s.casefold() for s in stems}) == len(ids)
    assert stems[:3] == [
        "story-" + safe.safe_filename("a/b"),
        "story-a_b",
        "story-" + safe.safe_filename("a/b") + "-2",
    ]
    assert stems[7:] == ["story-unnamed", "story-unnamed-2", "story-unnamed-3", "story-nan"]
    assert all(safe.safe_filename(s, max_length=128) == s for s in stems)
    assert story_stems(ids, reserved=["overview"]) == stems  # deterministic


def test_story_pages_do_not_overwrite_each_other(two_notebooks, fake_kernel, tmp_path):
    shutil.copy(FIXTURES / "story.ipynb", config.NOTEBOOKS_DIR)
    ids = ["a/b", "a_b", safe.safe_filename("a/b"), "L" * 80 + "1", "L" * 80 + "2"]
    articles = tmp_path / "ids.csv"
    pd.DataFrame(
        {"id": ids, "text": [f"Story number {i} is here. It ends." for i in range(len(ids))]}
    ).to_csv(articles, index=False)
    out = two_notebooks / "reports"
    result = build_reports(
        str(articles), out_dir=out, notebooks=["raises_error"], stories="all", progress=False
    )
    stories = [o for o in result.outcomes if o.kind == "story"]
    assert len({o.name for o in stories}) == len(ids)
    assert len(list(out.glob("story-*.html"))) == len(ids)
    links = [h for h in hrefs(out / "index.html") if h.startswith("story-")]
    assert len(set(links)) == len(ids)
    for sid, link in zip(ids, links, strict=True):
        executed = nbformat.read(out / link.replace(".html", ".ipynb"), as_version=4)
        assert repr(("story_id", sid)) in executed.cells[-1].outputs[1]["text"]
