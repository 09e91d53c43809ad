"""Tests for analysis.framing.evidence: the marked evidence sentences and the codebook tables."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import framing, stories_from_texts
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
    assert evidence["score"].min() == full["score"].max()


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
