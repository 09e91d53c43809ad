"""Tests of analysis.segment on sentences taken from the seed stories."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import ParameterError
from analysis.segment import sentence_spans, split_sentences

SEED_PARAGRAPH = (
    "The early hours of January 3, 2026, witnessed a large-scale U.S. military operation, dubbed "
    '"Operation Absolute Resolve," in Caracas. U.S. special forces targeted and apprehended '
    "Nicolás Maduro and his wife, Cilia Flores, subsequently flying them to New York to face "
    "charges of narcoterrorism and other offenses."
)


@pytest.mark.parametrize("method", ["hybrid", "pysbd"])
def test_seed_paragraph_with_us_abbreviation(method):
    sentences = split_sentences(SEED_PARAGRAPH, method=method)
    assert len(sentences) == 2
    assert sentences[0].endswith("in Caracas.")
    assert sentences[1].startswith("U.S. special forces")


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "Mr. Smith arrived on Jan. 3 in Washington. He met Dr. Jones.",
            ["Mr. Smith arrived on Jan. 3 in Washington.", "He met Dr. Jones."],
        ),
        (
            "Officials in Washington, D.C. said so. The U.S. disagreed.",
            ["Officials in Washington, D.C. said so.", "The U.S. disagreed."],
        ),
        (
            'He called it "armed aggression." Moscow demanded his release.',
            ['He called it "armed aggression."', "Moscow demanded his release."],
        ),
        ("Why now? Nobody knows!", ["Why now?", "Nobody knows!"]),
        (
            "The budget grew 3.5 percent in 2025. Analysts agreed.",
            ["The budget grew 3.5 percent in 2025.", "Analysts agreed."],
        ),
        ("identified by the U.S", ["identified by the U.S"]),
        ("", []),
    ],
)
def test_news_abbreviations(paragraph, expected):
    assert split_sentences(paragraph) == expected


def test_spans_index_into_the_paragraph():
    spans = sentence_spans(SEED_PARAGRAPH)
    assert [SEED_PARAGRAPH[s:e] for s, e in spans] == split_sentences(SEED_PARAGRAPH)
    assert spans[0][0] == 0 and spans[-1][1] == len(SEED_PARAGRAPH)


def test_quoted_multi_sentence_speech_is_left_to_pysbd():
    paragraph = '"We knew it. So the numbers are not news," she said. Markets fell.'
    assert split_sentences(paragraph) == split_sentences(paragraph, method="pysbd")


def test_unknown_method_is_rejected():
    with pytest.raises(ParameterError, match="'regex'"):
        split_sentences("A. B.", method="regex")


_WORD_BEFORE = re.compile(r"([^\s\"'(\[]+)$")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab.U S\"'([)]?! \t\u00a0\u2003")), max_size=40))
def test_word_before_a_mark_is_the_non_delimiter_run_ending_there(paragraph):
    from analysis.segment import _MARK, _word_before

    for match in _MARK.finditer(paragraph):
        found = _WORD_BEFORE.search(paragraph, 0, match.start(1))
        assert _word_before(paragraph, match) == ("" if found is None else found.group(1))
