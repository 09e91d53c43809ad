"""Tests of analysis.sentiment (and its figures) on the four seed stories."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from textblob import TextBlob

from analysis import sentiment
from analysis.errors import ParameterError
from analysis.figures import sentiment as figures
from analysis.sentiment import (
    DEFAULT_SCORE,
    SCORED_COLUMNS,
    cache_info,
    classify,
    clear_cache,
    describe,
    sentence_sentiment,
    sentiment_arc,
    sentiment_drivers,
    sentiment_evidence,
    story_sentiment,
    target_mentions,
    target_sentiment,
)
from tests.conftest import JAPAN, LOS_ANGELES, RUSSIA, SEED_IDS, WASHINGTON

TARGETS = {
    "Russia": ["Russia", "Moscow", "Kremlin", "Putin"],
    "United States": ["United States", "U.S.", "Washington", "Trump"],
}
AGGRESSION = "armed aggression"


@pytest.fixture(scope="module")
def scored(seed_corpus):
    return sentence_sentiment(seed_corpus.sentences)


@pytest.fixture(scope="module")
def table(scored, seed_corpus):
    return story_sentiment(scored, seed_corpus.stories)


def _row(frame: pd.DataFrame, story: str) -> pd.Series:
    rows = frame[frame["story_id"] == story]
    assert len(rows) == 1
    return rows.iloc[0]


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
    original = sentiment._pattern_sentiment

    def counting(text):
        calls.append(text)
        return original(text)

    monkeypatch.setattr(sentiment, "_pattern_sentiment", counting)
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


# --------------------------------------------------------------------------- targets


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


# --------------------------------------------------------------------------- evidence


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


# --------------------------------------------------------------------------- reading


def test_describe_states_the_results_from_the_tables(scored, seed_corpus, table):
    arc = sentiment_arc(scored, seed_corpus.stories)
    targets = target_sentiment(scored, seed_corpus.stories, targets=TARGETS)
    text = describe(table, arc=arc, targets=targets)
    assert f"Most negative story: **{LOS_ANGELES}** (-0.300 over 2 sentences" in text
    assert f"Most positive story: **{JAPAN}** (+0.132 over 2 sentences" in text
    assert "3 of 4 stories are truncated leads" in text
    assert "Russia: 43 mentions in 34 sentences of 1 story" in text
    assert f"Arc of {RUSSIA}: lowest at 60-70 %" in text
    assert f"Arc of {LOS_ANGELES}" not in text  # too few sentences for an arc


def test_describe_empty_table(scored, seed_corpus):
    empty = story_sentiment(scored.iloc[:0], seed_corpus.stories)
    assert describe(empty) == "- No sentences to describe (grouped by `story_id`)."


# --------------------------------------------------------------------------- arguments


def test_classify_uses_vaders_convention():
    assert classify([0.05, 0.0499, -0.05, 0.0, float("nan")], 0.05).tolist() == [1, 0, -1, 0, 0]
    assert classify([0.0, 0.1, -0.1], 0).tolist() == [0, 1, -1]
    with pytest.raises(ParameterError, match="got -1"):
        classify([0.1], -1)


def test_score_texts_names_a_non_string():
    assert sentiment.score_texts([]).columns.tolist() == list(sentiment.SCORE_COLUMNS)
    with pytest.raises(ParameterError, match="text 1 is float nan"):
        sentiment.score_texts(["fine", float("nan")])


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


@pytest.mark.parametrize("n", [0, 1.5, None])
def test_bad_evidence_n(scored, n):
    with pytest.raises(ParameterError, match="n must be a positive integer"):
        sentiment_evidence(scored, n=n)


def test_input_table_errors(seed_corpus, scored):
    with pytest.raises(ParameterError, match=r"lacks the column\(s\) \['text'\]"):
        sentence_sentiment(seed_corpus.sentences.drop(columns=["text"]))
    doubled = pd.concat([seed_corpus.sentences.iloc[:1]] * 2)
    with pytest.raises(ParameterError, match=re.escape(f"sentence_id '{RUSSIA}/0'")):
        sentence_sentiment(doubled)
    bad = seed_corpus.sentences.iloc[:1].astype({"text": object}).assign(text=[None])
    with pytest.raises(ParameterError, match="has text None"):
        sentence_sentiment(bad)
    with pytest.raises(ParameterError, match=re.escape(f"e.g. '{RUSSIA}'")):
        story_sentiment(scored, seed_corpus.stories.iloc[1:])
    with pytest.raises(ParameterError, match="must be a pandas DataFrame"):
        sentence_sentiment(["a sentence"])


def test_empty_input_gives_empty_output_with_columns(seed_corpus):
    scored = sentence_sentiment(seed_corpus.sentences.iloc[:0])
    assert list(scored.columns) == list(SCORED_COLUMNS) and scored.empty
    table = story_sentiment(scored, seed_corpus.stories, group="outlet")
    assert table.empty and table.columns[0] == "outlet" and "n_sentences" in table.columns
    arc = sentiment_arc(scored, seed_corpus.stories)
    assert arc.empty and {"bin", "bin_start", "mean_score"} <= set(arc.columns)
    targets = target_sentiment(scored, seed_corpus.stories, targets=TARGETS)
    assert targets.empty and list(targets.columns[:2]) == ["story_id", "target"]
    evidence = sentiment_evidence(scored)
    assert evidence.empty and "vader_words" in evidence.columns
    assert target_mentions(scored, TARGETS).empty


def test_aggregates_are_deterministic(scored, seed_corpus):
    for make in (
        lambda: story_sentiment(scored, seed_corpus.stories),
        lambda: sentiment_arc(scored, seed_corpus.stories),
        lambda: target_sentiment(scored, seed_corpus.stories, targets=TARGETS),
        lambda: sentiment_evidence(scored),
    ):
        pd.testing.assert_frame_equal(make(), make())


# --------------------------------------------------------------------------- figures


def test_comparison_chart_marks_truncated_stories(table):
    fig = figures.story_comparison_chart(table)
    assert isinstance(fig, go.Figure)
    bars = fig.data[0]
    assert list(bars.x) == pytest.approx(table["mean_score"].tolist())
    assert bars.y[0] == RUSSIA and bars.y[3] == f"{LOS_ANGELES} (truncated)"
    assert list(bars.marker.pattern.shape) == ["", "/", "/", "/"]
    assert [trace.name for trace in fig.data[1:]] == ["negative", "neutral", "positive"]
    assert fig.to_json() == figures.story_comparison_chart(table).to_json()


def test_arc_and_target_charts(scored, seed_corpus):
    arc = sentiment_arc(scored, seed_corpus.stories)
    fig = figures.arc_chart(arc, sentences=scored)
    lines = [trace for trace in fig.data if trace.mode == "lines+markers"]
    assert len(lines) == 4 and lines[0].line.dash == "solid" and lines[3].line.dash == "dot"
    assert len(figures.arc_chart(arc, story=RUSSIA).data) == 1
    with pytest.raises(ParameterError, match="story 'nope'"):
        figures.arc_chart(arc, story="nope")
    targets = target_sentiment(scored, seed_corpus.stories, targets=TARGETS)
    fig = figures.target_chart(targets)
    assert [trace.name for trace in fig.data] == ["Russia", "United States"]
    assert list(fig.data[1].text) == ["n=21", "n=1"]
