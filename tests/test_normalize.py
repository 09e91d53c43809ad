"""Tests of analysis.normalize: each normaliser on a parametrized table, plus properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.normalize import (
    collapse_whitespace,
    normalize_punctuation,
    normalize_text,
    normalize_unicode,
    remove_invisible,
    strip_html,
    tokenize,
)


@pytest.mark.parametrize(
    ("func", "text", "expected"),
    [
        (normalize_unicode, "Nicola\u0301s Maduro", "Nicolás Maduro"),
        (remove_invisible, "Mad\u200buro\u00ad\ufeff", "Maduro"),
        (remove_invisible, "a\x07b\tc\r\nd", "ab\tc\nd"),
        (normalize_punctuation, "Japan\u2019s", "Japan's"),
        (normalize_punctuation, "\u201carmed aggression\u201d", '"armed aggression"'),
        (normalize_punctuation, "TOKYO \u2013 Japan", "TOKYO \u2014 Japan"),
        (normalize_punctuation, "wait\u2026", "wait..."),
        (collapse_whitespace, "a  \u00a0 b\n\n\n  c ", "a b\nc"),
        (strip_html, "<p>Tom &amp; Jerry</p>", "Tom & Jerry"),
        (strip_html, "<script>alert(1)</script><p>Text</p>", "Text"),
        (strip_html, "5 < 6 > 4 and AT&T", "5 < 6 > 4 and AT&T"),
        (strip_html, "caf&eacute; &#8212; done", "café \u2014 done"),
    ],
)
def test_normalisers(func, text, expected):
    assert func(text) == expected


def test_typographic_and_ascii_apostrophes_tokenise_alike():
    seed_style = normalize_text("Japan\u2019s Cabinet and Russia's ministry")
    assert tokenize(seed_style) == ["japan's", "cabinet", "and", "russia's", "ministry"]


def test_html_paragraphs_become_lines():
    assert normalize_text("<div>One.</div><div>Two &lt;b&gt;</div>") == "One.\nTwo <b>"


@given(st.text())
def test_normalize_text_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(st.text())
def test_normalized_text_has_no_invisible_or_blank_lines(text):
    out = normalize_text(text)
    assert "\u200b" not in out and "\r" not in out and "\n\n" not in out
    assert out == out.strip()
