"""Tests of analysis.sentiment.evidence: the most negative and positive sentences, per story and
per group."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import stories_from_texts
from analysis.errors import ParameterError
from analysis.sentiment import sentence_sentiment, sentiment_evidence
from analysis.sentiment.evidence import GROUP_EVIDENCE_COLUMNS
from tests.conftest import LOS_ANGELES, RUSSIA, SEED_IDS


@pytest.fixture(scope="module")
def scored(seed_corpus):
    return sentence_sentiment(seed_corpus.sentences)


def test_evidence_for_the_los_angeles_lead(scored):
    evidence = sentiment_evidence(scored, n=2)
    la = evidence[evidence["story_id"] == LOS_ANGELES]
    assert la["direction"].tolist() == ["most negative", "most negative"]  # nothing positive
    assert la["sentence_id"].tolist() == [f"{LOS_ANGELES}/0", f"{LOS_ANGELES}/1"]
    assert la["rank"].tolist() == [1, 2]
    assert la["vader_words"].iloc[0] == "murder -3.70, Rob -2.60, fatal -2.50, charged -0.80"
    assert la["textblob_words"].iloc[0] == ""


def test_evidence_for_the_russia_story(scored):
    evidence = sentiment_evidence(scored, n=2)
    russia = evidence[evidence["story_id"] == RUSSIA]
    assert russia["direction"].tolist() == ["most negative"] * 2 + ["most positive"] * 2
    first = russia.iloc[0]
    assert "humiliation for Russia" in first["text"]
    assert first["vader_words"] == "disaster -3.10, humiliation -2.70"
    assert russia.iloc[1]["vader_words"] == "unacceptable -2.00, condemned -1.90, aggression -1.20"
    assert (russia.iloc[:2]["score"] < 0).all() and (russia.iloc[2:]["score"] > 0).all()


def test_evidence_lists_no_sentence_twice_and_respects_n(scored):
    evidence = sentiment_evidence(scored, n=1)
    assert not evidence["sentence_id"].duplicated().any()
    assert evidence.groupby(["story_id", "direction"]).size().max() == 1
    assert evidence["story_id"].drop_duplicates().tolist() == SEED_IDS


@pytest.mark.parametrize("n", [0, 1.5, None])
def test_bad_evidence_n(scored, n):
    with pytest.raises(ParameterError, match="n must be a positive integer"):
        sentiment_evidence(scored, n=n)


def test_empty_input_gives_empty_output_with_columns(seed_corpus):
    scored = sentence_sentiment(seed_corpus.sentences.iloc[:0])
    evidence = sentiment_evidence(scored)
    assert evidence.empty and "vader_words" in evidence.columns


def test_evidence_is_deterministic(scored):
    pd.testing.assert_frame_equal(sentiment_evidence(scored), sentiment_evidence(scored))


# --------------------------------------------------------------------------- evidence per group

GROUPED_TEXTS = [
    "A terrible, deadly attack shocked the city. The horrific killings caused terrible grief. "
    "The council met on Monday.",
    "The sad news came late. The road reopened later.",
    "The mayor opened a new library. Residents were happy with the wonderful building.",
    "The vote was held on Tuesday. Turnout was low.",
    "The team won a brilliant victory. Fans were delighted. The coach was proud.",
    "The report was published. It listed the figures.",
]


@pytest.fixture(scope="module")
def outlets():
    """Six stories, the first three from outlet A: evidence from the first rows shows only A."""
    corpus = stories_from_texts(GROUPED_TEXTS)
    stories = corpus.stories.assign(outlet=["A", "A", "A", "B", "B", "B"])
    return sentence_sentiment(corpus.sentences), stories


def test_evidence_per_group_covers_every_group(outlets):
    scored, stories = outlets
    before = (scored.copy(), stories.copy())
    evidence = sentiment_evidence(scored, group="outlet", stories=stories)
    assert list(evidence.columns) == list(GROUP_EVIDENCE_COLUMNS)
    assert evidence["group"].tolist() == ["A"] * 5 + ["B"] * 4
    a = evidence[evidence["group"] == "A"]
    assert a["direction"].tolist() == ["most negative"] * 2 + ["most positive"] * 2 + ["typical"]
    # one sentence per story first: "The sad news" (-0.44) before the attack story's second
    # sentence (-0.73), though less negative
    assert a["text"].tolist()[:2] == [
        "The horrific killings caused terrible grief.",
        "The sad news came late.",
    ]
    # A's only positive story gives both positive rows
    assert a.iloc[2:4]["story_id"].nunique() == 1
    # typical: score closest to A's mean (-0.17); of the two 0.0 sentences, the one from the
    # story whose tone (-0.22) is closer to that mean than the attack story's (-0.55)
    assert a.iloc[4]["text"] == "The road reopened later."
    b = evidence[evidence["group"] == "B"]
    assert b["direction"].tolist() == [
        "most negative",
        "most positive",
        "most positive",
        "typical",
    ]
    assert b.iloc[3]["text"] == "The report was published."
    pd.testing.assert_frame_equal(
        evidence, sentiment_evidence(scored, group="outlet", stories=stories)
    )
    pd.testing.assert_frame_equal(before[0], scored)
    pd.testing.assert_frame_equal(before[1], stories)


def test_evidence_per_group_is_bounded(outlets):
    scored, stories = outlets
    evidence = sentiment_evidence(scored, group="outlet", stories=stories, per_group=1, typical=0)
    assert evidence.groupby(["group", "direction"]).size().max() == 1
    assert "typical" not in set(evidence["direction"])
    by_story = sentiment_evidence(scored, group="story_id", stories=stories, per_group=1)
    assert by_story["group"].drop_duplicates().tolist() == stories["story_id"].tolist()
    assert by_story.groupby("group").size().max() <= 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"group": "outlet"}, "needs the stories table"),
        ({"group": "desk", "stories": "table"}, "not a column of the stories table"),
        ({"group": "outlet", "stories": "table", "per_group": 0}, "per_group"),
        ({"group": "outlet", "stories": "table", "typical": 1.5}, "typical"),
    ],
)
def test_evidence_per_group_bad_arguments(outlets, kwargs, message):
    scored, stories = outlets
    if kwargs.get("stories") == "table":
        kwargs = {**kwargs, "stories": stories}
    with pytest.raises(ParameterError, match=message):
        sentiment_evidence(scored, **kwargs)
