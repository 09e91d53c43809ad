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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # UTF-8 read as Windows-1252, once and twice (AllSides titles and texts)
        (
            "Worth Drops to Level of Early \u00c3\u00a2\u00e2\u201a\u00ac\u00e2\u201e\u00a290s",
            "Worth Drops to Level of Early \u201990s",
        ),
        (
            "Juan Santamar\u00c3\u00ada International Airport",
            "Juan Santamar\u00eda International Airport",
        ),
        ("statement: \u00c3\u00a2\u00c2\u0080\u00c2\u009cWe find", "statement: \u201cWe find"),
        ("caf\u00c3\u00a9 \u00e2\u20ac\u201d ok", "caf\u00e9 \u2014 ok"),
    ],
)
def test_fix_mojibake_repairs_utf8_read_in_another_encoding(text, expected):
    from analysis.normalize import fix_mojibake

    assert fix_mojibake(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Caf\u00e9, na\u00efve, S\u00e3o Paulo, Z\u00fcrich, \u00c5ngstr\u00f6m",
        "caf\u00e9\u2019s menu",  # a real accent before a real apostrophe
        "Pe\u00f1a said \u201cno\u201d \u2014 twice",
        "\u00c9douard \u00e0 Montr\u00e9al",
    ],
)
def test_fix_mojibake_leaves_correct_text_alone(text):
    from analysis.normalize import fix_mojibake

    assert fix_mojibake(text) == text
