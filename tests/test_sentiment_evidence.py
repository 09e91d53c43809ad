"""Tests of analysis.sentiment.evidence: the most negative and positive seed sentences."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import ParameterError
from analysis.sentiment import sentence_sentiment, sentiment_evidence
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
