"""Tests for analysis.narrate.story_html (a story's marked-up text)."""

from __future__ import annotations

import re

import pytest

from analysis import ParameterError, analyze, stories_from_texts
from analysis.narrate import story_html
from tests.conftest import LOS_ANGELES


@pytest.fixture(scope="module")
def seed_analysis(seed_corpus):
    return analyze(seed_corpus, codebooks=["generic"])


def test_story_text_html_escapes_untrusted_text_and_marks_triggers():
    texts = [
        "Police said &lt;script&gt;alert(1)&lt;/script&gt; was typed during the war. "
        "The murder of two people horrified everyone.",
        "A calm day.",
    ]
    corpus = stories_from_texts(texts)
    assert "<script>" in corpus.stories["text"].iloc[0]  # the loader kept it as text
    result = analyze(corpus, codebooks=["generic"])
    story = corpus.stories["story_id"].iloc[0]
    page = story_html.story_text_html(result, story)
    assert "<script>" not in page and "</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert re.search(r'<mark class="frame-trigger"[^>]*title="Conflict \([^"]+\)">war<sup', page)
    assert 'war<sup style="font-size:0.65em;color:#555"> conflict</sup></mark>' in page
    assert page.count('<span class="sentence"') == 2
    assert "background-color:rgba(192,57,43," in page  # the murder sentence is negative


def test_story_text_html_on_a_seed(seed_analysis):
    page = story_html.story_text_html(seed_analysis, LOS_ANGELES)
    assert page.count('<span class="sentence"') == 2
    assert 'title="sentence 0: vader_textblob_mean -0.464; VADER -0.927; TextBlob +0.000' in page
    assert "frames: Human interest" in page
    assert ">his parents<sup" in page
    assert 'Nicholas "Nick" Reiner' not in page  # quotes are escaped too
    assert "Nicholas &quot;Nick&quot; " in page
    assert page.startswith('<div class="story-text"') and page.endswith("</p></div>")
    with pytest.raises(ParameterError, match="unknown story_id 'nope'"):
        story_html.story_text_html(seed_analysis, "nope")
    with pytest.raises(ParameterError, match="score"):
        story_html.story_text_html(seed_analysis, LOS_ANGELES, score="loudness")


def test_story_text_html_neutral_band_and_missing_codebook(seed_analysis):
    plain = story_html.story_text_html(seed_analysis, LOS_ANGELES, neutral_band=1.0)
    assert "background-color:rgba(" not in plain.split("</p>", 1)[1]  # no sentence coloured
    assert "within &plusmn;1)" in plain
    with pytest.raises(ParameterError, match="codebooks=\\['policy'\\]"):
        story_html.story_text_html(seed_analysis, LOS_ANGELES, codebook="policy")


def test_story_html_reads_the_scores_without_the_sentence_texts(seed_corpus, monkeypatch):
    """The deep dive's text reads the pass' scores (not every sentence's text); the HTML is the
    same as from the whole sentiment table."""
    from analysis import analyze
    from analysis.narrate import story_html

    result = analyze(seed_corpus, codebooks=["generic"])
    story = seed_corpus.stories["story_id"].iloc[1]
    html = story_html.story_text_html(result, story)
    monkeypatch.setattr(
        story_html,
        "_story_scores",
        lambda analysis, _story, _column: analysis.sentiment.set_index("sentence_id"),
    )
    assert story_html.story_text_html(result, story) == html
    monkeypatch.undo()
    fresh = analyze(seed_corpus, codebooks=["generic"])
    scores = story_html._story_scores(fresh, story, "vader_textblob_mean")
    assert "sentiment" not in fresh.__dict__  # the table with the texts was not loaded
    assert set(scores.columns) == {
        "story_id",
        "sentence_index",
        "vader_textblob_mean",
        "vader_compound",
        "textblob_polarity",
    }
    assert len(scores) == (seed_corpus.sentences["story_id"] == story).sum()
