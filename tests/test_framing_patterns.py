"""Tests for analysis.framing.patterns: regexes skipped on digit-free text, and the time limit
of ``re:`` patterns (hostile codebooks) as frame_hits reports it."""

from __future__ import annotations

import doctest
import json
import re
import textwrap

import pytest

from analysis import framing, stories_from_texts
from analysis.framing import patterns
from tests.framing_cases import finishes_within, write_codebook


@pytest.fixture(scope="module")
def generic_hits(seed_corpus):
    return framing.frame_hits(seed_corpus.sentences, codebook="generic")


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        (r"\b\d+ cents\b", True),
        (r"(?i)\b\d[\d,]*(?: ?million)? dollars\b", True),
        (r"(?:\d+)|x\d", True),
        (r"(?>\d)", True),
        (r"%", False),
        (r"\d?", False),
        (r"a|\d", False),
        (r"[0-9]", False),  # not recognised: never skipped, which is only slower
    ],
)
def test_a_regex_is_skipped_on_digit_free_text_only_when_every_match_has_a_digit(pattern, needs):
    assert patterns.needs_digit(re.compile(pattern)) is needs


# --------------------------------------------------------------------------- hostile input


HOSTILE_FRAMES = """\
- id: hostile
  label: Hostile
  description: Catastrophic regular expressions.
  detectors:
    - id: nested_plus
      terms: ['re:(a+)+$']
    - id: overlapping
      terms: ['re:(a|a)+$']
    - id: nested_star
      terms: ['re:(a*)*b']
    - id: words
      terms: ['re:(\\w+\\s?)+$']
- id: plain
  label: Plain
  description: A word.
  detectors:
    - id: war
      terms: [war]
"""


def test_catastrophic_regexes_do_not_hang_frame_hits_or_the_worker_pass(tmp_path):
    # before: re:(a+)+$ on 30 "a" and a "!" took 185 s (x4 per two more characters)
    path = write_codebook(tmp_path, HOSTILE_FRAMES)
    code = textwrap.dedent(
        f"""
        import json, warnings
        from analysis import analyze, framing, stories_from_texts
        book = framing.load_codebook({str(path)!r})
        texts = ["The cry was " + "a" * n + "!" for n in (30, 40)] + ["Then war broke out."]
        corpus = stories_from_texts(texts)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            hits = framing.frame_hits(corpus.sentences, codebook=book)
        in_workers = analyze(corpus, codebooks=[book], terms=False, cache=False, workers=2)
        print(json.dumps({{
            "ids": corpus.sentences[["story_id", "sentence_id"]].values.tolist(),
            "timeouts": [list(r) for r in hits.attrs.get("match_timeouts", ())],
            "warnings": [str(w.message) for w in caught],
            "hits": hits["detector"].tolist(),
            "worker_hits": in_workers.frame_hits[book.name]["detector"].tolist(),
        }}))
        """
    )
    # 40 "a" would take days without the time limit; 150 s leaves room for a loaded machine
    out = json.loads(finishes_within(code, 150))
    # (a*)*b finds the "b" of "broke"; the others find nothing, quickly or by timing out
    assert out["hits"] == out["worker_hits"] == ["nested_star", "war"]
    (story_1, sentence_1), (story_2, sentence_2), _ = out["ids"]
    pattern = "re:(a|a)+$"
    assert out["timeouts"] == [
        [story_1, sentence_1, "hostile", "overlapping", pattern, "timeout"],
        [story_2, sentence_2, "hostile", "overlapping", pattern, "timeout"],
    ]
    (message,) = out["warnings"]
    for part in (str(path), "frame 'hostile'", "detector 'overlapping'", story_1, sentence_1):
        assert part in message


@pytest.fixture
def slow_book(tmp_path, monkeypatch):
    monkeypatch.setattr(patterns, "REGEX_TIMEOUT", 0.02)
    frames = """\
    - id: hostile
      label: Hostile
      description: A catastrophic regular expression.
      detectors:
        - id: mixed
          terms: [war, 're:(a|a)+$']
        - id: slow
          terms: ['re:(a|a)+$']
    - id: plain
      label: Plain
      description: A word.
      detectors:
        - id: war_only
          terms: [war]
    """
    return framing.load_codebook(write_codebook(tmp_path, frames))


def test_a_timed_out_detector_is_skipped_for_that_sentence_and_reported(slow_book):
    corpus = stories_from_texts(["War cry " + "a" * 22 + "!", "War again."])
    (story_1, story_2) = corpus.stories["story_id"]
    first, second = corpus.sentences["sentence_id"]
    with pytest.warns(framing.MatchTimeoutWarning) as caught:
        hits = framing.frame_hits(corpus.sentences, codebook=slow_book)
    got = list(zip(hits["sentence_id"], hits["frame"].astype(str), hits["detector"], strict=True))
    assert got == [
        (first, "plain", "war_only"),  # the other frame still counts the sentence
        (second, "hostile", "mixed"),  # the skipped detector still fires elsewhere
        (second, "plain", "war_only"),
    ]
    timeouts = framing.match_timeouts(hits)
    assert list(timeouts.columns) == framing.TIMEOUT_COLUMNS
    assert timeouts.values.tolist() == [
        [story_1, first, "hostile", "mixed", "re:(a|a)+$", "timeout"],
        [story_1, first, "hostile", "slow", "re:(a|a)+$", "timeout"],
    ]
    message = str(caught[0].message)
    for part in (slow_book.path, "codebook 'test'", "frame 'hostile'", "detector 'mixed'"):
        assert part in message
    assert f"story {story_1!r}, sentence {first!r}" in message
    assert "detector 'slow'" in message and "skipped in 1 sentence(s)" in message


def test_a_regex_that_keeps_timing_out_is_switched_off(slow_book, monkeypatch):
    monkeypatch.setattr(patterns, "MAX_REGEX_TIMEOUTS", 2)
    corpus = stories_from_texts([f"Cry {i} " + "a" * 22 + "!" for i in range(4)])
    with pytest.warns(framing.MatchTimeoutWarning, match=r"skipped in 4 .*switched off"):
        hits = framing.frame_hits(corpus.sentences, codebook=slow_book)
    timeouts = framing.match_timeouts(hits)
    slow = timeouts[timeouts["detector"] == "slow"]
    assert slow["reason"].tolist() == ["timeout", "timeout", "switched off", "switched off"]
    assert slow["sentence_id"].tolist() == corpus.sentences["sentence_id"].tolist()


def test_no_timeouts_no_warning(generic_hits, recwarn):
    assert framing.match_timeouts(generic_hits).empty
    assert "match_timeouts" not in generic_hits.attrs
    framing.warn_match_timeouts([], "generic")
    assert not [w for w in recwarn if w.category is framing.MatchTimeoutWarning]


def test_doctests():
    result = doctest.testmod(patterns, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
