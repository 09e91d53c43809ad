"""Tests of analysis.sentiment.scoring: both models' scores of every seed sentence."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from textblob import TextBlob

from analysis import sentiment
from analysis.errors import ParameterError
from analysis.sentiment import SCORED_COLUMNS, cache_info, clear_cache, scoring, sentence_sentiment
from tests.conftest import LOS_ANGELES, RUSSIA, SEED_IDS
from tests.sentiment_cases import AGGRESSION


@pytest.fixture(scope="module")
def scored(seed_corpus):
    return sentence_sentiment(seed_corpus.sentences)


# --------------------------------------------------------------------------- per sentence


def test_scored_table_has_one_row_per_sentence_in_input_order(scored, seed_corpus):
    assert list(scored.columns) == list(SCORED_COLUMNS)
    assert scored["sentence_id"].tolist() == seed_corpus.sentences["sentence_id"].tolist()
    assert len(scored) == 55
    assert scored["text"].tolist() == seed_corpus.sentences["text"].tolist()


def test_scores_are_in_their_documented_ranges(scored):
    for col in ("textblob_polarity", "vader_compound", "vader_textblob_mean"):
        assert scored[col].between(-1, 1).all(), col
    for col in ("textblob_subjectivity", "vader_pos", "vader_neu", "vader_neg"):
        assert scored[col].between(0, 1).all(), col
    shares = scored[["vader_pos", "vader_neu", "vader_neg"]].sum(axis=1)
    assert np.allclose(shares, 1, atol=0.002)
    mean = (scored["vader_compound"] + scored["textblob_polarity"]) / 2
    assert np.allclose(scored["vader_textblob_mean"], mean)


def test_textblob_scores_equal_the_public_textblob_api(scored):
    for text, polarity, subjectivity in scored[
        ["text", "textblob_polarity", "textblob_subjectivity"]
    ].itertuples(index=False):
        expected = TextBlob(text).sentiment
        assert (polarity, subjectivity) == (expected.polarity, expected.subjectivity)


def test_armed_aggression_is_negative_for_vader_and_near_zero_for_textblob(scored):
    # TextBlob averages adjectives: only "foreign" (-0.125) and "action" (+0.1) are assessed,
    # while VADER's lexicon has "condemned", "aggression" and "unacceptable".
    row = scored[scored["text"].str.contains(AGGRESSION)].iloc[0]
    assert row["sentence_id"] == f"{RUSSIA}/8"
    assert row["vader_compound"] == pytest.approx(-0.7964)
    assert abs(row["textblob_polarity"]) < 0.01
    assert row["textblob_polarity"] == pytest.approx(-0.00625)


def test_los_angeles_lead_scores(scored):
    rows = scored[scored["story_id"] == LOS_ANGELES]
    assert rows["vader_compound"].tolist() == [-0.9274, -0.2732]
    assert rows["textblob_polarity"].tolist() == [0.0, 0.0]


def test_sentence_sentiment_does_not_mutate_and_is_deterministic(seed_corpus):
    before = seed_corpus.sentences.copy()
    first = sentence_sentiment(seed_corpus.sentences)
    second = sentence_sentiment(seed_corpus.sentences)
    pd.testing.assert_frame_equal(seed_corpus.sentences, before)
    pd.testing.assert_frame_equal(first, second)


def test_story_by_story_scoring_concatenates_to_the_whole(seed_corpus, scored):
    parts = [
        sentence_sentiment(seed_corpus.sentences[seed_corpus.sentences["story_id"] == story])
        for story in SEED_IDS
    ]
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), scored)


def test_minimal_input_derives_index_position_and_words():
    frame = pd.DataFrame(
        {
            "story_id": ["a", "a", "b"],
            "sentence_id": ["a/0", "a/1", "b/0"],
            "text": ["x y", "z", "w"],
        }
    )
    out = sentence_sentiment(frame)
    assert out["sentence_index"].tolist() == [0, 1, 0]
    assert out["position"].tolist() == [0.25, 0.75, 0.5]
    assert out["n_words"].tolist() == [2, 1, 1]


def test_in_process_cache_scores_each_text_once(seed_corpus, monkeypatch):
    calls = []
    original = scoring.pattern_sentiment

    def counting(text):
        calls.append(text)
        return original(text)

    monkeypatch.setattr(scoring, "pattern_sentiment", counting)
    clear_cache()
    n_unique = seed_corpus.sentences["text"].nunique()
    sentence_sentiment(seed_corpus.sentences)
    assert len(calls) == n_unique
    info = cache_info()
    assert info.misses == n_unique
    sentence_sentiment(seed_corpus.sentences)
    assert len(calls) == n_unique  # the models were not called again
    assert cache_info().misses == n_unique
    assert cache_info().hits == info.hits + len(seed_corpus.sentences)
    clear_cache()


# --------------------------------------------------------------------------- arguments


def test_score_texts_names_a_non_string():
    assert sentiment.score_texts([]).columns.tolist() == list(sentiment.SCORE_COLUMNS)
    with pytest.raises(ParameterError, match="text 1 is float nan"):
        sentiment.score_texts(["fine", float("nan")])


def test_input_table_errors(seed_corpus):
    with pytest.raises(ParameterError, match=r"lacks the column\(s\) \['text'\]"):
        sentence_sentiment(seed_corpus.sentences.drop(columns=["text"]))
    doubled = pd.concat([seed_corpus.sentences.iloc[:1]] * 2)
    with pytest.raises(ParameterError, match=re.escape(f"sentence_id '{RUSSIA}/0'")):
        sentence_sentiment(doubled)
    bad = seed_corpus.sentences.iloc[:1].astype({"text": object}).assign(text=[None])
    with pytest.raises(ParameterError, match="has text None"):
        sentence_sentiment(bad)
    with pytest.raises(ParameterError, match="must be a pandas DataFrame"):
        sentence_sentiment(["a sentence"])


def test_empty_input_gives_empty_output_with_columns(seed_corpus):
    scored = sentence_sentiment(seed_corpus.sentences.iloc[:0])
    assert list(scored.columns) == list(SCORED_COLUMNS) and scored.empty
