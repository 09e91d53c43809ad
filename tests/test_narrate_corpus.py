"""Tests of analysis.narrate.corpus: the corpus summary in words, and its escaping."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.corpus import CorpusWarning, load_corpus
from analysis.narrate.corpus import describe_corpus
from analysis.safe import escape_markdown


def test_describe_corpus_counts_the_seeds(seed_corpus):
    text = describe_corpus(seed_corpus)
    assert "**4 stories**, 55 sentences and 1,418 words" in text
    assert "3 of 4 stories stop mid-sentence" in text


def test_describe_corpus_escapes_every_corpus_value(tmp_path):
    hostile = "[x](javascript:alert(1))"
    pd.DataFrame(
        {"id": [hostile, "<script>alert(2)</script>"], "text": ["A lead cut off", "Fine."]}
    ).to_csv(tmp_path / "a.csv", index=False)
    (tmp_path / "<img src=x onerror=alert(3)>.txt").write_bytes(b"\x00" * 16)
    (tmp_path / "b.jsonl").write_text(json.dumps({"text": ["<script>alert(4)</script>"]}) + "\n")
    with pytest.warns(CorpusWarning):
        corpus = load_corpus(tmp_path, cache=False)
    text = describe_corpus(corpus)
    assert "<script" not in text and "<img" not in text and "](javascript" not in text
    assert escape_markdown(hostile) in text  # the stopped story's id, shown as text
    assert escape_markdown("<img src=x onerror=alert(3)>.txt") in text  # the skipped file
    assert escape_markdown("<script>alert(4)</script>") in text  # the skipped line's reason
    assert str(tmp_path) not in text and str(tmp_path) not in "".join(corpus.skipped["reason"])


def test_describe_furniture_counts_and_escapes(tmp_path):
    from analysis.narrate.corpus import describe_furniture

    rows = [
        {"outlet": "*Bugle*", "text": "One fact here.\nAdvertisement\nTwo facts here."},
        {"outlet": "B", "text": "One fact there.\nThree facts there."},
    ]
    pd.DataFrame(rows).to_csv(tmp_path / "a.csv", index=False)
    corpus = load_corpus(tmp_path / "a.csv", cache=False)
    text = describe_furniture(corpus)
    assert text.startswith(
        "Page furniture was removed from 1 of 2 stories: 1 line or caption span"
    )
    assert "advertisement 1" in text and escape_markdown("*Bugle*") in text
    assert "*Bugle*" not in text.replace(escape_markdown("*Bugle*"), "")
    assert describe_furniture(load_corpus(tmp_path / "a.csv", cache=False, furniture=False)) == ""
    assert text in describe_corpus(corpus)


def test_one_dateline_and_one_repeat_are_said_in_the_singular():
    from analysis.corpus import stories_from_texts

    corpus = stories_from_texts(
        [
            "WASHINGTON (AP) — A thing happened. More text here.",
            "Same story. Yes.",
            "Same story. Yes.",
        ]
    )
    text = describe_corpus(corpus)
    assert "1 story opens with a dateline (WASHINGTON)" in text
    assert "1 story repeats an earlier story's text" in text


def test_skipped_inputs_are_counted_in_the_singular_and_plural():
    from analysis.narrate.corpus import _skipped_sentence

    one = pd.DataFrame([{"source_file": "a.csv", "source_line": 3, "reason": "empty text"}])
    assert _skipped_sentence(one).startswith("1 input was skipped (see the skipped table): ")
    assert "a.csv line 3: empty text." in _skipped_sentence(one)
    many = pd.concat([one] * 1200, ignore_index=True)
    assert _skipped_sentence(many).startswith("1,200 inputs were skipped")
