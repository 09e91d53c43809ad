"""Tests for analysis.framing.evidence: the marked evidence sentences (per story and per group)
and the codebook tables."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import framing, stories_from_texts
from analysis.errors import ParameterError
from analysis.framing.evidence import GROUP_EVIDENCE_COLUMNS, frame_evidence
from analysis.narrate import framing as narrate_framing
from tests.conftest import RUSSIA


@pytest.fixture(scope="module")
def generic_hits(seed_corpus):
    return framing.frame_hits(seed_corpus.sentences, codebook="generic")


# --------------------------------------------------------------------------- evidence


def test_evidence_escapes_untrusted_text():
    # entities decode to a literal <script> in the analysed text (markup itself is stripped)
    corpus = stories_from_texts(
        ["Critics condemned the &lt;script&gt;alert('x')&lt;/script&gt; budget plan."]
    )
    assert "<script>" in corpus.sentences.loc[0, "text"]
    hits = framing.frame_hits(corpus.sentences)
    evidence = framing.frame_evidence(hits, corpus.sentences)
    assert not evidence.empty
    for html_text in evidence["html"]:
        assert "<script>" not in html_text
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html_text
        assert "<mark" in html_text
    page = narrate_framing.evidence_html(evidence)
    assert "<script>" not in page


def test_evidence_escapes_hostile_sentence_table():
    sentences = pd.DataFrame(
        {
            "story_id": ['<img src=x onerror="alert(1)">'],
            "sentence_id": ["s/0"],
            "sentence_index": [0],
            "start": [0],
            "text": ['<b>war</b> & "peace" <script>alert(1)</script>'],
        }
    )
    hits = framing.frame_hits(sentences)
    evidence = framing.frame_evidence(hits, sentences)
    html_text = evidence.loc[0, "html"]
    assert html_text.startswith(
        '&lt;b&gt;<mark class="frame-trigger" title="conflict/war">war</mark>&lt;/b&gt;'
    )
    assert "&amp; &quot;peace&quot; &lt;script&gt;" in html_text
    page = narrate_framing.evidence_html(evidence)
    assert "<img" not in page and "<script>" not in page


def test_evidence_top_keeps_best_sentences(generic_hits, seed_corpus):
    evidence = framing.frame_evidence(
        generic_hits, seed_corpus.sentences, story=RUSSIA, frame="conflict", top=2
    )
    assert len(evidence) == 2
    assert evidence["sentence_index"].is_monotonic_increasing
    full = framing.frame_evidence(
        generic_hits, seed_corpus.sentences, story=RUSSIA, frame="conflict"
    )
    top = evidence["score"].sort_values(ascending=False).tolist()
    assert top == full["score"].nlargest(2).tolist() == [4.0, 3.0]


def test_empty_input(seed_corpus):
    empty = seed_corpus.sentences.iloc[0:0]
    hits = framing.frame_hits(empty)
    evidence = framing.frame_evidence(hits, empty)
    assert evidence.empty and list(evidence.columns) == framing.EVIDENCE_COLUMNS
    assert "no sentence carries a frame" in narrate_framing.evidence_html(evidence)


# --------------------------------------------------------------------------- codebook tables


def test_codebook_tables():
    frames = framing.codebook_table("policy")
    assert len(frames) == 15
    assert frames.loc[frames["frame"] == "other", "n_detectors"].item() == 0
    assert frames["description"].str.len().gt(20).all()
    questions = framing.question_table("generic")
    assert questions.loc[0, "text"].startswith("Does the story reflect disagreement")


# --------------------------------------------------------------------------- evidence per group

GROUPED_TEXTS = [
    "Critics attacked the plan and condemned the war. The rivals clashed. A calm day followed.",
    "The dispute went on. Critics attacked the deal.",
    "Rivals attacked each other in a bitter war of words and critics condemned it.",
    "The budget will cost taxpayers $5 billion. Critics attacked the cost.",
    "The conflict deepened. Opponents accused the mayor.",
    "A quiet afternoon in the park.",
]


@pytest.fixture(scope="module")
def outlets():
    """Six stories, the first three from outlet A: evidence from the first rows shows only A."""
    corpus = stories_from_texts(GROUPED_TEXTS)
    stories = corpus.stories.assign(outlet=["A", "A", "A", "B", "B", "B"])
    return corpus.sentences, stories, framing.frame_hits(corpus.sentences)


def test_evidence_per_group_covers_every_group_with_its_strongest_and_typical(outlets):
    sentences, stories, hits = outlets
    before = (sentences.copy(), stories.copy(), hits.copy())
    evidence = frame_evidence(hits, sentences, group="outlet", stories=stories)
    assert list(evidence.columns) == GROUP_EVIDENCE_COLUMNS
    conflict = evidence[evidence["frame"] == "conflict"]
    assert conflict["group"].tolist() == ["A", "A", "A", "B", "B", "B"]
    assert conflict["pick"].tolist() == ["strongest", "strongest", "typical"] * 2
    assert conflict["rank"].tolist() == [1, 2, 1] * 2
    a = conflict[conflict["group"] == "A"]
    # the two strongest come from two different stories (a verb of reproach weighs 2)
    assert a["score"].tolist()[:2] == [7.0, 5.0] and a["story_id"].iloc[:2].nunique() == 2
    assert a["n_hits"].tolist()[:2] == [5, 4]
    # typical: the score closest to A's mean conflict score (3.8)
    assert a.iloc[2]["triggers"] == "rivals, clashed" and a.iloc[2]["score"] == 3.0
    b = conflict[conflict["group"] == "B"]
    # a tie on score and hits goes to the story where the frame is denser (3 hits in 7 words)
    assert b.iloc[0]["story_id"].startswith("the-conflict-deepened")
    assert b.iloc[1]["story_id"].startswith("the-budget-will-cost")
    assert evidence.groupby(["group", "frame"], observed=True).size().max() <= 3
    assert (evidence.loc[evidence["frame"] == "economic", "group"] == "B").all()
    again = frame_evidence(hits, sentences, group="outlet", stories=stories)
    pd.testing.assert_frame_equal(evidence, again)
    for original, now in zip(before, (sentences, stories, hits), strict=True):
        pd.testing.assert_frame_equal(original, now)


def test_evidence_per_group_is_bounded_by_per_group_and_typical(outlets):
    sentences, stories, hits = outlets
    one = frame_evidence(hits, sentences, group="outlet", stories=stories, per_group=1, typical=0)
    assert one["pick"].eq("strongest").all()
    assert one.groupby(["group", "frame"], observed=True).size().max() == 1
    # the old behaviour is still the default: every frame-carrying sentence, no group column
    every = frame_evidence(hits, sentences)
    assert list(every.columns) == framing.EVIDENCE_COLUMNS and len(every) == 9


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"group": "outlet"}, "needs the stories table"),
        ({"group": "desk", "stories": "table"}, "not a column of the stories table"),
        ({"group": "outlet", "stories": "table", "per_group": 0}, "per_group"),
        ({"group": "outlet", "stories": "table", "typical": -1}, "typical"),
    ],
)
def test_evidence_per_group_bad_arguments(outlets, kwargs, message):
    sentences, stories, hits = outlets
    if kwargs.get("stories") == "table":
        kwargs = {**kwargs, "stories": stories}
    with pytest.raises(ParameterError, match=message):
        frame_evidence(hits, sentences, **kwargs)


def test_evidence_html_heads_each_group(outlets):
    sentences, stories, hits = outlets
    stories = stories.assign(outlet=["<b>A</b>"] * 3 + ["B"] * 3)
    evidence = frame_evidence(hits, sentences, group="outlet", stories=stories)
    page = narrate_framing.evidence_html(evidence, group="outlet")
    assert page.count('class="evidence-group"') == 2
    assert "outlet: &lt;b&gt;A&lt;/b&gt;" in page and "<b>A" not in page
    assert page.count("<td>typical 1</td>") == 2
