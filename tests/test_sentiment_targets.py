"""Tests of analysis.sentiment.targets: who is mentioned where, and in what tone."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.errors import ParameterError
from analysis.sentiment import (
    DEFAULT_SCORE,
    sentence_sentiment,
    target_mentions,
    target_sentiment,
)
from tests.conftest import RUSSIA, WASHINGTON
from tests.sentiment_cases import TARGETS


@pytest.fixture(scope="module")
def scored(seed_corpus):
    return sentence_sentiment(seed_corpus.sentences)


def test_russia_story_has_sentences_mentioning_both_targets(scored):
    mentions = target_mentions(scored, TARGETS)
    russia = mentions[mentions["story_id"] == RUSSIA]
    per_sentence = russia.groupby("sentence_id")["target"].nunique()
    both = sorted(int(sid.rsplit("/", 1)[1]) for sid in per_sentence[per_sentence == 2].index)
    assert both == [1, 9, 12, 19, 23, 24, 27, 28, 30, 33, 42, 45, 47]
    # "The Russian Foreign Ministry vehemently condemned the U.S. action": "Russian" is not an
    # alias of Russia, so only the United States is mentioned there
    eight = russia[russia["sentence_id"] == f"{RUSSIA}/8"]
    assert eight["target"].tolist() == ["United States"]


def test_target_sentiment_per_story(scored, seed_corpus):
    result = target_sentiment(scored, seed_corpus.stories, targets=TARGETS)
    assert list(zip(result["story_id"], result["target"], strict=True)) == [
        (RUSSIA, "Russia"),
        (RUSSIA, "United States"),
        (WASHINGTON, "United States"),
    ]
    assert result["n_sentences"].tolist() == [34, 21, 1]
    assert result["n_mentions"].tolist() == [43, 22, 1]
    assert (result["n_sentences"] > 0).all()
    russia = scored[scored["story_id"] == RUSSIA]
    mentioned = target_mentions(russia, {"Russia": TARGETS["Russia"]})["sentence_id"]
    expected = russia.loc[russia["sentence_id"].isin(mentioned), DEFAULT_SCORE].mean()
    assert result["mean_score"].iloc[0] == pytest.approx(expected)


def test_dateline_is_not_a_mention_but_a_cut_off_us_is(scored):
    washington = scored[scored["story_id"] == WASHINGTON]
    mentions = target_mentions(washington, TARGETS)
    # "WASHINGTON –" was removed by the loader; the lead is cut off after "by the U.S"
    assert mentions["matches"].tolist() == ["U.S"]
    assert mentions["sentence_id"].tolist() == [f"{WASHINGTON}/2"]


@pytest.mark.parametrize(
    ("text", "aliases", "ignore_case", "expected"),
    [
        ("rooted in shared anti-U.S. sentiment", ["U.S."], False, "U.S."),
        ("identified by the U.S", ["U.S."], False, "U.S"),
        ("U.S.-made jets and U.S-made tanks", ["U.S."], False, "U.S.; U.S"),
        ("close to the U.S.", ["U.S."], False, "U.S."),
        ("the U.S.A. and the USSR", ["U.S.", "US"], False, ""),
        ("Russian officials", ["Russia"], False, ""),
        ("Russia's role and Russia-aligned states", ["Russia"], False, "Russia; Russia"),
        ("pro-Kremlin bloggers", ["Kremlin"], False, "Kremlin"),
        ("a trump card", ["Trump"], False, ""),
        ("a trump card", ["Trump"], True, "trump"),
        ("tell us about the US", ["US"], True, "US"),
        (
            "the United States, not United",
            ["United", "United States"],
            False,
            "United States; United",
        ),
        ("Putinism spread", [re.compile(r"\bPutin\w*")], False, "Putinism"),
        ("Moscowitz said", ["Moscow"], False, ""),
        ("MOSCOW said", ["Moscow"], False, ""),
        ("MOSCOW said", ["Moscow"], True, "MOSCOW"),
    ],
)
def test_target_matching_edge_cases(text, aliases, ignore_case, expected):
    frame = pd.DataFrame({"story_id": ["s"], "sentence_id": ["s/0"], "text": [text]})
    found = target_mentions(frame, {"T": aliases}, ignore_case=ignore_case)
    assert (found["matches"].iloc[0] if len(found) else "") == expected


@pytest.mark.parametrize(
    ("targets", "fragment"),
    [
        ({}, "non-empty dict"),
        ([("Russia", ["Russia"])], "non-empty dict"),
        ({"Russia": []}, "'Russia' needs a non-empty list"),
        ({"Russia": ["Russia", " "]}, "alias ' '"),
        ({"Russia": [3]}, "alias 3"),
        ({"": ["x"]}, "target label ''"),
        ({"Any": [re.compile(r"x*")]}, "matches empty text"),
    ],
)
def test_bad_targets_are_named(scored, targets, fragment):
    with pytest.raises(ParameterError, match=re.escape(fragment)):
        target_mentions(scored, targets)


def test_empty_input_gives_empty_output_with_columns(seed_corpus):
    scored = sentence_sentiment(seed_corpus.sentences.iloc[:0])
    targets = target_sentiment(scored, seed_corpus.stories, targets=TARGETS)
    assert targets.empty and list(targets.columns[:2]) == ["story_id", "target"]
    assert target_mentions(scored, TARGETS).empty


def test_target_sentiment_is_deterministic(scored, seed_corpus):
    pd.testing.assert_frame_equal(
        target_sentiment(scored, seed_corpus.stories, targets=TARGETS),
        target_sentiment(scored, seed_corpus.stories, targets=TARGETS),
    )
