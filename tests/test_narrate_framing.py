"""Tests for analysis.narrate.framing (and analysis.narrate.marks): the reading of the frame
tables, the evidence HTML, and the framing notebook that shows them."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis import framing, stories_from_texts
from analysis.narrate import framing as narrate_framing
from analysis.narrate import marks
from analysis.safe import escape_markdown
from tests.conftest import RUSSIA, WASHINGTON
from tests.framing_cases import write_codebook


@pytest.fixture(scope="module")
def generic_hits(seed_corpus):
    return framing.frame_hits(seed_corpus.sentences, codebook="generic")


@pytest.fixture(scope="module")
def generic_summary(seed_corpus, generic_hits):
    return framing.frame_summary(generic_hits, seed_corpus.stories, codebook="generic")


# --------------------------------------------------------------------------- evidence HTML


def test_evidence_html_escapes_hostile_codebook_labels_and_story_ids(tmp_path):
    frames = """\
    - id: war
      label: '<img src=x onerror="alert(1)"> [x](javascript:alert(1))'
      description: War.
      detectors:
        - id: war
          terms: [war]
    """
    book = framing.load_codebook(write_codebook(tmp_path, frames))
    sentences = pd.DataFrame(
        {
            "story_id": ["<script>alert(1)</script>"],
            "sentence_id": ["s/0"],
            "sentence_index": [0],
            "start": [0],
            "text": ["The war\x07 went on."],
        }
    )
    hits = framing.frame_hits(sentences, codebook=book)
    evidence = framing.frame_evidence(hits, sentences)
    page = narrate_framing.evidence_html(evidence, labels=book.labels())
    assert "<img" not in page and "<script>" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\x07" not in page  # control characters are dropped, as analysis.safe does


def test_mark_html_merges_overlaps_and_marks_context():
    out = narrate_framing.mark_html("cost $5 now", [(0, 4, "a")], context=[(5, 7, "a (context)")])
    assert out == (
        '<mark class="frame-trigger" title="a">cost</mark> '
        '<mark class="frame-context" style="background:#cfe2ff" title="a (context)">$5</mark>'
        " now"
    )
    merged = narrate_framing.mark_html("abcdef", [(0, 3, "x"), (2, 5, "y")])
    assert merged == '<mark class="frame-trigger" title="x; y">abcde</mark>f'


# --------------------------------------------------------------------------- reading


def test_describe_states_the_numbers(generic_summary):
    text = narrate_framing.describe(generic_summary)
    assert f"**{RUSSIA}** (1,205 words): dominant: *Conflict* (17.4 per 1,000 words" in text
    assert f"**{WASHINGTON}** (92 words, a truncated lead): no frame reaches" in text
    assert "3 of 4 stories are truncated leads" in text
    assert "Limits of the method" in text


def test_describe_for_groups_names_the_majority_rule(seed_corpus, generic_hits):
    stories = seed_corpus.stories.assign(desk=["world", "world", "national", "national"])
    summary = framing.frame_summary(generic_hits, stories, codebook="generic", group="desk")
    text = narrate_framing.describe(summary, codebook="generic", group="desk")
    assert "in a group when it is present in at least half of the group's stories" in text
    assert "- **national** (2 stories, 155 words, 2 truncated): dominant: *Human interest*" in text
    assert "present in 50% of stories" in text
    assert "Present in no group (by the majority rule): Morality" in text


def test_describe_states_calibrated_rules_instead_of_the_threshold(generic_summary):
    rules = "Frame decisions use **calibrated rules** fitted on 120 hand-coded stories."
    text = narrate_framing.describe(generic_summary, rules=rules)
    assert rules + " *intensity* is hits per 1,000 words." in text
    assert "reach a score of" not in text


def test_describe_escapes_corpus_and_codebook_strings(tmp_path):
    frames = """\
    - id: war
      label: '<script>alert(1)</script> *War*'
      description: War.
      detectors:
        - id: war
          terms: [war]
    - id: peace
      label: '[Peace](javascript:alert(1))'
      description: Peace.
      detectors:
        - id: peace
          terms: [treaty]
    """
    path = write_codebook(tmp_path, frames)
    path.write_text(path.read_text().replace("name: test", "name: test\ntitle: '# <b>T</b>'"))
    book = framing.load_codebook(path)
    corpus = stories_from_texts(["War. War again. The war went on.", "Nothing happened."])
    hostile = "[click](javascript:alert(1)) <img src=x> **x**"
    stories = corpus.stories.assign(outlet=[hostile, "AP_News"], **{"a`b": ["x", "y"]})
    hits = framing.frame_hits(corpus.sentences, codebook=book)
    summary = framing.frame_summary(hits, stories, codebook=book, group="outlet")
    text = narrate_framing.describe(summary, codebook=book, group="outlet")
    for raw in (hostile, "<script>", "<b>", "[Peace](javascript", "<img"):
        assert raw not in text
    assert f"- **{escape_markdown(hostile)}** (1 stories" in text
    assert f"*{escape_markdown('<script>alert(1)</script> *War*')}*" in text
    assert escape_markdown("[Peace](javascript:alert(1))") in text  # "Never present: …"
    assert f"**{escape_markdown('# <b>T</b>')}** codebook" in text
    assert "by `outlet`" in text and f"- **{escape_markdown('AP_News')}**" in text
    odd = framing.frame_summary(hits, stories, codebook=book, group="a`b")
    assert "by ``a`b``" in narrate_framing.describe(odd, codebook=book, group="a`b")


def test_notebook_structure():
    import nbformat

    path = Path(__file__).parents[1] / "notebooks" / "framing.ipynb"
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    names = re.findall(r"^(\w+): ", tagged[0].source, re.M)
    assert names == [
        "corpus_path",
        "encoding",
        "stories_per_file",
        "codebook",
        "group",
        "threshold",
        "coded_sample",
        "frame_rules",
        "filters",
        "date_from",
        "date_to",
        "output_dir",
    ]
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not any(re.search(r"^\s*(def|class|for|while) ", c.source, re.M) for c in code)
    for cell in code:
        if "show(" in cell.source:
            assert "nbval-ignore-output" in cell.metadata.get("tags", [])
    assert all(cell.get("id") for cell in nb.cells)


def test_doctests():
    result = doctest.testmod(narrate_framing, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_doctests_of_the_marks():
    result = doctest.testmod(marks, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
