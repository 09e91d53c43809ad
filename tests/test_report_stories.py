"""Tests of analysis.report.stories: which stories get a deep dive (a typical and an extreme one
per group, and why), one page per story whatever the ids."""

from __future__ import annotations

import shutil

import nbformat
import pandas as pd
import pytest

from analysis import config, safe
from analysis.errors import ParameterError
from analysis.report import build_reports, catalog
from analysis.report.stories import choose_stories, representative_stories, story_stems
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


# --- deep dives: a typical and an extreme story per group, and why -------------------------


def test_representative_stories_rules():
    stories = pd.DataFrame(
        {
            "story_id": ["a1", "a2", "a3", "a4", "b1", "b2", "c1", "m1"],
            "desk": ["A", "A", "A", "A", "B", "B", "C", None],
            "n_words": [300, 320, 500, 40, 200, 200, 90, 100],
            "n_sentences": [12, 12, 20, 2, 8, 8, 4, 5],
        }
    )
    tone = pd.Series(
        [-0.05, 0.02, -0.30, -0.90, 0.10, -0.10, 0.20, 0.0], index=stories["story_id"]
    )
    chosen, notes = representative_stories(stories, tone, group="desk")
    assert [(c.story_id, c.group) for c in chosen] == [
        ("a1", "desk=A"),  # of the others, tone closest to A's sentence-weighted mean (-0.177)
        ("a3", "desk=A"),  # largest |tone|; a4 (-0.90) has 2 sentences, fewer than MIN_SENTENCES
        ("b2", "desk=B"),
        ("b1", "desk=B"),  # a tie on |tone|: corpus order
        ("c1", "desk=C"),
        ("m1", "desk=(missing)"),
    ]
    assert chosen[0].reason == (
        "most typical of desk=A (4 stories): tone -0.050, closest to the group's mean -0.177 "
        "after the extreme story"
    )
    assert chosen[1].reason == (
        "most extreme of desk=A: tone -0.300, the most negative of its 3 stories with 3+ sentences"
    )
    assert chosen[4].reason == "the only story of desk=C"
    assert notes == []
    assert representative_stories(stories, tone, group="desk") == (chosen, notes)
    two, notes = representative_stories(stories, tone, group="desk", max_groups=2)
    assert {c.group for c in two} == {"desk=A", "desk=B"}  # the largest groups
    assert "4 groups of desk: the 2 largest get deep dives" in notes[0]
    with pytest.raises(ParameterError, match="'nope' is not a column"):
        representative_stories(stories, tone, group="nope")


def test_choose_stories_default_per_story_keeps_the_first_stories():
    ids = [f"s{i}" for i in range(20)]
    chosen, notes = choose_stories(None, ids, group="story_id")
    assert [c.story_id for c in chosen] == ids[: catalog.MAX_STORY_REPORTS]
    assert "the first 12 of 20 stories" in notes[0]
    assert [c.story_id for c in choose_stories("all", ids)[0]] == ids
    assert [c.story_id for c in choose_stories(["s3", "s1", "s3"], ids)[0]] == ["s3", "s1"]


def test_deep_dives_cover_every_group_and_the_index_says_why(two_notebooks, fake_kernel, tmp_path):
    shutil.copy(FIXTURES / "story.ipynb", config.NOTEBOOKS_DIR)
    texts = [
        "The plan passed. Officials met. The vote was calm. Nothing changed.",
        "A terrible, deadly attack shocked the city. Horrific killings caused grief. It hurt.",
        "The council met. The budget was read. Members left. The day ended.",
        "A brilliant, wonderful win delighted fans. The team was proud. Joy spread.",
        "The report was filed. Figures were listed. Staff agreed. Work went on.",
    ]
    articles = tmp_path / "desks.csv"
    # the first stories all come from one outlet: the old default showed only that one
    pd.DataFrame(
        {"id": ["a1", "a2", "a3", "b1", "b2"], "source": ["A", "A", "A", "B", "B"], "text": texts}
    ).to_csv(articles, index=False)
    out = two_notebooks / "reports"
    result = build_reports(
        str(articles), out_dir=out, parameters={"group": "outlet"}, progress=False
    )
    assert not result.failed
    dives = [o for o in result.outcomes if o.kind == "story"]
    # A: a2 is the most negative (-0.63), a3 (0.00) the closest to A's mean (-0.14);
    # B: b1 the most positive (+0.74), b2 the other one
    assert [(o.parameters["story_id"], o.group) for o in dives] == [
        ("a3", "outlet=A"),
        ("a2", "outlet=A"),
        ("b2", "outlet=B"),
        ("b1", "outlet=B"),
    ]
    assert dives[0].reason.startswith("most typical of outlet=A (3 stories): tone +0.000")
    assert dives[1].reason.startswith("most extreme of outlet=A: tone -0.633")
    index = (out / "index.html").read_text()
    assert "<th>represents</th>" in index
    assert index.count("most typical of outlet=") == 2 and index.count("most extreme of") == 2
