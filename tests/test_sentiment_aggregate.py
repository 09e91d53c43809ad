"""Tests of analysis.sentiment.aggregate: story, group and arc tables of the seed stories."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from analysis.errors import ParameterError
from analysis.sentiment import (
    DEFAULT_SCORE,
    classify,
    sentence_sentiment,
    sentiment_arc,
    story_sentiment,
)
from tests.conftest import JAPAN, LOS_ANGELES, RUSSIA, SEED_IDS, WASHINGTON


def _row(frame: pd.DataFrame, story: str) -> pd.Series:
    rows = frame[frame["story_id"] == story]
    assert len(rows) == 1
    return rows.iloc[0]


# --------------------------------------------------------------------------- per story


def test_los_angeles_is_the_most_negative_story_by_the_default_score(table):
    assert table.attrs["score"] == DEFAULT_SCORE
    assert table.loc[table["mean_score"].idxmin(), "story_id"] == LOS_ANGELES
    assert _row(table, LOS_ANGELES)["mean_score"] == pytest.approx(-0.30015)
    assert _row(table, LOS_ANGELES)["share_negative"] == 1.0


@pytest.mark.parametrize("score", ["vader_compound", "vader_textblob_mean"])
def test_los_angeles_is_most_negative_for_vader_and_the_mean(scored, seed_corpus, score):
    by = story_sentiment(scored, seed_corpus.stories, score=score)
    assert by.loc[by["mean_score"].idxmin(), "story_id"] == LOS_ANGELES


def test_story_table_rows_columns_and_order(table, seed_corpus):
    assert table["story_id"].tolist() == SEED_IDS
    assert table["n_sentences"].tolist() == [48, 2, 3, 2]
    assert table["n_sentences"].tolist() == seed_corpus.stories["n_sentences"].tolist()
    assert table["n_words"].tolist() == seed_corpus.stories["n_words"].tolist()
    assert table["is_truncated"].tolist() == [False, True, True, True]
    assert table["n_truncated"].tolist() == [0, 1, 1, 1]
    assert (table["n_stories"] == 1).all()


def test_every_number_is_backed_by_sentences(table):
    assert (table["n_sentences"] > 0).all()
    numbers = table.drop(columns=["std_score", "sem_score"]).select_dtypes("number")
    assert not numbers.isna().any().any()
    # a spread needs two sentences: every seed story has at least two
    assert not table["std_score"].isna().any()


def test_story_means_and_shares_follow_from_the_sentences(table, scored):
    for story in SEED_IDS:
        values = scored.loc[scored["story_id"] == story, DEFAULT_SCORE]
        row = _row(table, story)
        assert row["mean_score"] == pytest.approx(values.mean())
        assert row["std_score"] == pytest.approx(values.std())
        assert row["share_positive"] == pytest.approx((values >= 0.05).mean())
        assert row["share_negative"] == pytest.approx((values <= -0.05).mean())
        assert row["share_positive"] + row["share_neutral"] + row["share_negative"] == 1.0


def test_russia_story_is_mostly_positive_sentences_by_the_default(table):
    row = _row(table, RUSSIA)
    assert row["share_positive"] == pytest.approx(29 / 48)
    assert row["share_negative"] == pytest.approx(14 / 48)


def test_neutral_band_changes_the_shares(scored, seed_corpus):
    wide = story_sentiment(scored, seed_corpus.stories, neutral_band=0.99)
    assert (wide["share_neutral"] == 1.0).all()


def test_group_by_another_stories_column_pools_sentences(scored, seed_corpus):
    desk = {RUSSIA: "world", JAPAN: "world", WASHINGTON: "us", LOS_ANGELES: "us"}
    stories = seed_corpus.stories.assign(desk=seed_corpus.stories["story_id"].map(desk))
    by_desk = story_sentiment(scored, stories, group="desk")
    assert by_desk["desk"].tolist() == ["us", "world"]
    assert by_desk["n_stories"].tolist() == [2, 2]
    assert by_desk["n_sentences"].tolist() == [5, 50]
    assert by_desk["n_truncated"].tolist() == [2, 1]  # "world" mixes a lead and a full story
    assert by_desk["n_words"].tolist() == [92 + 63, 1205 + 58]
    us = scored.loc[scored["story_id"].isin([WASHINGTON, LOS_ANGELES]), DEFAULT_SCORE]
    assert by_desk["mean_score"].iloc[0] == pytest.approx(us.mean())


def test_group_by_a_date_period(scored, seed_corpus):
    dates = pd.to_datetime(["2026-01-05", "2025-12-20", None, "2025-12-17"])
    stories = seed_corpus.stories.assign(month=pd.Series(dates).dt.to_period("M"))
    by_month = story_sentiment(scored, stories, group="month")
    assert by_month["month"].iloc[:2].astype(str).tolist() == ["2025-12", "2026-01"]
    assert pd.isna(by_month["month"].iloc[2])  # missing dates last
    assert by_month["n_stories"].tolist() == [2, 1, 1]
    assert by_month["n_sentences"].tolist() == [4, 48, 3]


def test_group_named_like_a_result_column_is_refused(scored, seed_corpus):
    with pytest.raises(ParameterError, match="group 'is_truncated' is also the name"):
        story_sentiment(scored, seed_corpus.stories, group="is_truncated")
    stories = seed_corpus.stories.assign(by_is_truncated=seed_corpus.stories["is_truncated"])
    by_lead = story_sentiment(scored, stories, group="by_is_truncated")
    assert by_lead["n_stories"].tolist() == [1, 3] and by_lead["n_sentences"].tolist() == [48, 7]


def test_story_sentiment_does_not_mutate_inputs(scored, seed_corpus):
    before_scored, before_stories = scored.copy(), seed_corpus.stories.copy()
    story_sentiment(scored, seed_corpus.stories, group="dateline")
    pd.testing.assert_frame_equal(scored, before_scored)
    pd.testing.assert_frame_equal(seed_corpus.stories, before_stories)


def test_missing_group_values_are_kept_last(scored, seed_corpus):
    by_dateline = story_sentiment(scored, seed_corpus.stories, group="dateline")
    assert by_dateline["dateline"].tolist()[:3] == ["LOS ANGELES, CA", "TOKYO", "WASHINGTON"]
    assert pd.isna(by_dateline["dateline"].iloc[3])
    assert by_dateline["n_sentences"].tolist() == [2, 2, 3, 48]


# --------------------------------------------------------------------------- arc


def test_arc_bins_cover_zero_to_one(scored, seed_corpus):
    arc = sentiment_arc(scored, seed_corpus.stories, bins=10)
    russia = arc[arc["story_id"] == RUSSIA]
    assert russia["bin"].tolist() == list(range(10))
    assert russia["bin_start"].iloc[0] == 0.0
    assert russia["bin_end"].iloc[-1] == 1.0
    assert np.allclose(russia["bin_start"].iloc[1:], russia["bin_end"].iloc[:-1])
    assert russia["n_sentences"].sum() == 48
    assert np.allclose(russia["position"], np.arange(10) / 10 + 0.05)


def test_arc_of_a_two_sentence_lead_fills_two_bins(scored, seed_corpus):
    arc = sentiment_arc(scored, seed_corpus.stories, bins=10)
    la = arc[arc["story_id"] == LOS_ANGELES]
    assert la["bin"].tolist() == [2, 7]  # positions 0.25 and 0.75
    assert la["mean_score"].tolist() == pytest.approx([-0.4637, -0.1366])
    assert la["is_truncated"].all()
    assert (arc["n_sentences"] > 0).all()


def test_one_bin_arc_equals_the_story_mean(scored, seed_corpus, table):
    arc = sentiment_arc(scored, seed_corpus.stories, bins=1)
    assert arc["story_id"].tolist() == SEED_IDS
    assert np.allclose(arc["mean_score"], table["mean_score"])
    assert (arc["bin_start"] == 0).all() and (arc["bin_end"] == 1).all()


def test_arc_by_another_group_pools_positions(scored, seed_corpus):
    stories = seed_corpus.stories.assign(all="all")
    arc = sentiment_arc(scored, stories, group="all", bins=2)
    assert arc["n_sentences"].sum() == 55
    assert arc["n_stories"].tolist() == [4, 4]


# --------------------------------------------------------------------------- arguments


def test_classify_uses_vaders_convention():
    assert classify([0.05, 0.0499, -0.05, 0.0, float("nan")], 0.05).tolist() == [1, 0, -1, 0, 0]
    assert classify([0.0, 0.1, -0.1], 0).tolist() == [0, 1, -1]
    with pytest.raises(ParameterError, match="got -1"):
        classify([0.1], -1)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"group": "no_such_column"}, "group 'no_such_column'"),
        ({"score": "vader_pos"}, "got 'vader_pos'"),
        ({"neutral_band": -0.1}, "got -0.1"),
        ({"neutral_band": 1.0}, "got 1.0"),
        ({"neutral_band": True}, "got True"),
        ({"neutral_band": float("nan")}, "got nan"),
    ],
)
def test_story_sentiment_parameter_errors(scored, seed_corpus, kwargs, fragment):
    with pytest.raises(ParameterError, match=re.escape(fragment)):
        story_sentiment(scored, seed_corpus.stories, **kwargs)


@pytest.mark.parametrize("bins", [0, -1, 2.5, True, "10"])
def test_bad_bins(scored, seed_corpus, bins):
    with pytest.raises(ParameterError, match=re.escape(f"got {bins!r}")):
        sentiment_arc(scored, seed_corpus.stories, bins=bins)


def test_input_table_errors(seed_corpus, scored):
    with pytest.raises(ParameterError, match=re.escape(f"e.g. '{RUSSIA}'")):
        story_sentiment(scored, seed_corpus.stories.iloc[1:])


def test_empty_input_gives_empty_output_with_columns(seed_corpus):
    scored = sentence_sentiment(seed_corpus.sentences.iloc[:0])
    table = story_sentiment(scored, seed_corpus.stories, group="outlet")
    assert table.empty and table.columns[0] == "outlet" and "n_sentences" in table.columns
    arc = sentiment_arc(scored, seed_corpus.stories)
    assert arc.empty and {"bin", "bin_start", "mean_score"} <= set(arc.columns)


def test_aggregates_are_deterministic(scored, seed_corpus):
    for make in (
        lambda: story_sentiment(scored, seed_corpus.stories),
        lambda: sentiment_arc(scored, seed_corpus.stories),
    ):
        pd.testing.assert_frame_equal(make(), make())


_GROUP_VALUES = [
    pd.Series(["AP", None, "CNN", "AP", float("nan")], name="outlet"),
    pd.Series(["b", "a", None, "b"], dtype="string[pyarrow]", name="outlet"),
    pd.Series([3, "3", None, 2.5, True], dtype=object, index=[9, 7, 5, 3, 1]),
    pd.Series(pd.Categorical(["x", None, "y", "x"]), name="cat"),
    pd.Series(pd.to_datetime(["2020-01-02", None, "2020-01-01"])),
    pd.Series([], dtype=object),
]


@pytest.mark.parametrize("values", _GROUP_VALUES)
def test_group_labels_and_order_read_each_distinct_value_once(values):
    """Group labels and the group sort key are computed per distinct value (a corpus has a few
    groups and a million sentences): the same as labelling and ranking every row."""
    from analysis._checks import MISSING_GROUP, group_labels
    from analysis.sentiment.aggregate import group_order

    labels = group_labels(values)
    expected = values.map(lambda v: MISSING_GROUP if pd.isna(v) else str(v)).astype(object)
    pd.testing.assert_series_equal(labels, expected)
    if values.dropna().map(type).nunique() > 1:
        return  # mixed types: not sortable, in either way
    frame = pd.DataFrame({"g": values})
    ranks = pd.Series(pd.unique(values)).sort_values(na_position="last").reset_index(drop=True)
    key = {v: i for i, v in enumerate(ranks) if not pd.isna(v)}
    expected_order = frame["g"].map(lambda v: len(key) if pd.isna(v) else key[v])
    got = group_order(frame, pd.DataFrame({"story_id": []}), "g")
    assert got.tolist() == expected_order.tolist() and got.index.equals(frame.index)


def test_scores_of_stories_missing_from_the_stories_table_are_named(seed_corpus):
    """with_group and frame_evidence name the unknown story ids (one check for both)."""
    from analysis.framing import frame_evidence, frame_hits
    from analysis.sentiment.aggregate import with_group
    from analysis.sentiment.scoring import sentence_sentiment

    scored = sentence_sentiment(seed_corpus.sentences)
    stories = seed_corpus.stories[seed_corpus.stories["story_id"] != SEED_IDS[0]]
    with pytest.raises(ParameterError, match=rf"1 story_id\(s\) of scored .*'{SEED_IDS[0]}'"):
        with_group(scored, stories, "story_id")
    hits = frame_hits(seed_corpus.sentences)
    with pytest.raises(ParameterError, match=r"story_id\(s\) of hits are not in stories"):
        frame_evidence(hits, seed_corpus.sentences, group="outlet", stories=stories)
