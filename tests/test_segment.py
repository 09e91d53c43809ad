"""Tests of analysis.segment on sentences taken from the seed stories."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import segment
from analysis.errors import ParameterError
from analysis.segment import MAX_SENTENCE_CHARS, sentence_spans, split_long, split_sentences

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


# --------------------------------------------------------------------------- over-long input


def _finishes_within(code: str, seconds: float) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter; fail the test (instead of hanging) past ``seconds``."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=seconds,
            cwd=Path(__file__).parents[1],
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"did not finish in {seconds:g} s (quadratic or worse):\n{code}")
    assert done.returncode == 0, done.stderr
    return done


def test_a_long_paragraph_with_many_marks_is_segmented_in_linear_time():
    # 1 MB, one paragraph, 77,000 sentences: counting quotes from the paragraph's start at each
    # mark took 45 s for half of it (quadratic); the counts are now carried along
    code = textwrap.dedent(
        """
        from analysis.segment import sentence_spans
        paragraph = ("Prices rose. " * 77_000).strip()
        spans = sentence_spans(paragraph)
        assert len(spans) == 77_000, len(spans)
        assert spans[1] == (13, 25), spans[:2]
        """
    )
    _finishes_within(code, 30)


_WORDS = st.lists(
    st.text(alphabet=st.sampled_from(list("abcdeé")), min_size=1, max_size=12), min_size=1
)


def test_an_unpunctuated_paragraph_is_cut_at_whitespace_before_the_limit():
    words = [f"word{i % 97}" for i in range(5_000)]  # about 34,000 characters, no mark
    paragraph = " ".join(words)
    spans = sentence_spans(paragraph)
    assert len(spans) > 1
    assert all(0 < e - s <= MAX_SENTENCE_CHARS for s, e in spans)
    # every piece ends at a word's end and the pieces hold every word, in order
    assert all(e == len(paragraph) or paragraph[e] == " " for _, e in spans)
    assert " ".join(paragraph[s:e] for s, e in spans) == paragraph
    # each piece is as long as the rule allows: the next word would not have fitted
    for (s, _), (next_s, _) in zip(spans, spans[1:], strict=False):
        next_word_end = paragraph.find(" ", next_s)
        assert next_word_end - s > MAX_SENTENCE_CHARS
    assert split_sentences(paragraph, method="pysbd") == [paragraph[s:e] for s, e in spans]


def test_a_long_sentence_among_short_ones_is_the_only_one_cut():
    long_sentence = "Then " + " ".join(["and then"] * 300) + " it ended."  # 2,714 characters
    paragraph = f"Prices rose. {long_sentence} Voters noticed."
    sentences = split_sentences(paragraph)
    assert sentences[0] == "Prices rose."
    assert sentences[-1] == "Voters noticed."
    assert len(sentences) == 4
    assert " ".join(sentences[1:3]) == long_sentence
    assert all(len(s) <= MAX_SENTENCE_CHARS for s in sentences)


@pytest.mark.parametrize("method", ["hybrid", "pysbd"])
def test_pysbd_never_sees_more_than_the_limit(monkeypatch, method):
    # pySBD is quadratic: a 20 MB paragraph with an ellipsis would run for days
    seen: list[int] = []
    real = segment._pysbd_spans

    def recording(paragraph: str) -> list[tuple[int, int]]:
        seen.append(len(paragraph))
        return real(paragraph)

    monkeypatch.setattr(segment, "_pysbd_spans", recording)
    paragraph = " ".join(["it went on and on..."] * 500)  # 10,499 characters
    spans = sentence_spans(paragraph, method=method)
    assert seen and max(seen) <= MAX_SENTENCE_CHARS
    assert all(e - s <= MAX_SENTENCE_CHARS for s, e in spans)
    assert "".join(paragraph[s:e] for s, e in spans).replace(" ", "") == paragraph.replace(" ", "")


def test_pysbd_pieces_end_after_a_sentence_mark_when_there_is_one():
    sentence = "Mr. Jones said it went on and on... and on. "  # unsure: left to pySBD
    paragraph = (sentence * 60).strip()  # 2,639 characters
    spans = sentence_spans(paragraph)
    assert all(e - s <= MAX_SENTENCE_CHARS for s, e in spans)
    assert all(paragraph[e - 1] in ".!?" for _, e in spans)


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("one two three four", 9, ["one two", "three", "four"]),
        ("one two three four", 7, ["one two", "three", "four"]),  # a space just after the limit
        ("one two", 7, ["one two"]),  # fits: returned as it is
        ("  one  two  ", 12, ["  one  two  "]),  # fits: not even stripped
        ("  one  two  ", 5, ["one", "two"]),
        ("abcdefgh", 3, ["abc", "def", "gh"]),  # no whitespace: cut at the limit
        ("ab cdefgh", 3, ["ab", "cde", "fgh"]),
        ("e\u0301e\u0301e\u0301", 3, ["e\u0301", "e\u0301", "e\u0301"]),  # marks stay on
        ("a\tb\u00a0c\u2003d", 3, ["a\tb", "c\u2003d"]),  # any whitespace is a break
        ("", 5, []),
        ("     ", 2, []),
    ],
)
def test_split_long(text, limit, expected):
    assert [text[s:e] for s, e in split_long(text, limit=limit)] == expected


@settings(max_examples=200, deadline=None)
@given(_WORDS, st.integers(min_value=1, max_value=40), st.sampled_from([" ", "  ", "\t", " \n "]))
def test_split_long_keeps_every_word_and_the_limit(words, limit, sep):
    text = sep.join(words)
    spans = split_long(text, limit=limit)
    assert all(0 < e - s <= limit for s, e in spans)
    assert all(s < e <= next_s for (s, e), (next_s, _) in zip(spans, spans[1:], strict=False))
    pieces = [text[s:e] for s, e in spans]
    assert "".join("".join(pieces).split()) == "".join(text.split())  # only whitespace lost
    if all(len(w) <= limit for w in words):
        assert sep.join(words).split() == " ".join(pieces).split()  # no word is cut


def test_split_long_rejects_a_bad_limit():
    with pytest.raises(ParameterError, match="limit"):
        split_long("a b", limit=0)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab.U S"()?! A1')), max_size=60))
def test_carried_quote_and_bracket_counts_decide_as_counting_from_the_start(paragraph):
    from analysis.segment import _MARK, _classify, _PrefixCounts, _quote_state_known

    balanced = _quote_state_known(paragraph)
    counts = _PrefixCounts(paragraph)
    for match in _MARK.finditer(paragraph):
        assert _classify(paragraph, match, balanced, counts) == _classify(
            paragraph, match, balanced
        )


class _CountingTexts(list):
    """A list of texts that counts the slices read from it."""

    slices = 0

    def __getitem__(self, index):
        if isinstance(index, slice):
            type(self).slices += 1
        return super().__getitem__(index)


def test_segment_texts_with_known_keys_reads_texts_by_chunk():
    from analysis.cache import content_key

    texts = [f"Story {i} opens. It ends here." for i in range(150)]
    plain = segment.segment_texts(texts, cache=False, workers=1)
    lazy = _CountingTexts(texts)
    keyed = segment.segment_texts(
        lazy, keys=[content_key(t) for t in texts], cache=False, workers=1
    )
    pd.testing.assert_frame_equal(plain, keyed)
    assert len(keyed) == 300
    assert _CountingTexts.slices == 0  # keys given: texts read one chunk at a time, not sliced
