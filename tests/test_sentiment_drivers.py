"""Tests of analysis.sentiment.drivers: the words behind a sentence's scores."""

from __future__ import annotations

import math

import pytest

from analysis.sentiment import sentence_sentiment, sentiment_drivers
from tests.sentiment_cases import AGGRESSION


@pytest.fixture(scope="module")
def scored(seed_corpus):
    return sentence_sentiment(seed_corpus.sentences)


def test_drivers_of_the_armed_aggression_sentence(scored):
    text = scored.loc[scored["text"].str.contains(AGGRESSION), "text"].iloc[0]
    drivers = sentiment_drivers(text)
    vader = drivers[drivers["model"] == "vader"]
    assert dict(zip(vader["words"], vader["valence"], strict=True)) == {
        "condemned": -1.9,
        "aggression": -1.2,
        "unacceptable": -2.0,
    }
    total = vader["valence"].sum()  # VADER's normalisation of the summed valences
    assert total / math.sqrt(total**2 + 15) == pytest.approx(-0.7964, abs=1e-4)
    textblob = drivers[drivers["model"] == "textblob"]
    assert textblob["words"].tolist() == ["foreign", "action"]
    assert textblob["valence"].mean() == pytest.approx(-0.0125)


def test_drivers_apply_negation():
    drivers = sentiment_drivers("The plan is not good.")
    assert drivers[drivers["model"] == "vader"]["valence"].iloc[0] < 0
    assert drivers[drivers["model"] == "textblob"]["words"].tolist() == ["not good"]
    assert sentiment_drivers("The meeting is on Tuesday.").empty
