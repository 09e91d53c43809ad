"""Tests of analysis.explore.tables: the explorer's pre-computed tables and its filters."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.errors import ParameterError
from analysis.explore import (
    explore_tables,
    filter_rows,
    group_summary,
    selection_rows,
    selection_summary,
    sentence_mentions,
    sentence_triggers,
)
from tests.conftest import JAPAN, LOS_ANGELES, RUSSIA, WASHINGTON
from tests.explore_cases import CONDEMNED

pytest_plugins = ["tests.explore_fixtures"]


def _texts(tables, rows):
    return tables.sentences.loc[rows, "text"].tolist()


def test_one_row_per_sentence_in_corpus_order(seed_tables, seed_analysis):
    sentences = seed_tables.sentences
    assert len(sentences) == 55
    assert sentences["sentence_id"].tolist() == seed_analysis.sentiment["sentence_id"].tolist()
    assert {s: len(r) for s, r in seed_tables.story_rows.items()} == {
        RUSSIA: 48,
        JAPAN: 2,
        WASHINGTON: 3,
        LOS_ANGELES: 2,
    }
    assert seed_tables.score == "vader_textblob_mean"
    assert seed_tables.frame_mask.shape == (55, 5)
    assert seed_tables.groups == [RUSSIA, JAPAN, WASHINGTON, LOS_ANGELES]


def test_a_known_negative_sentence_has_its_scores_frames_and_targets(seed_tables):
    row = seed_tables.sentences.index[seed_tables.sentences["text"] == CONDEMNED][0]
    sentence = seed_tables.sentences.loc[row]
    assert sentence["sentence_id"] == f"{RUSSIA}/8"
    assert sentence["tone"] == "negative"
    assert sentence["score"] == pytest.approx(-0.401325, abs=1e-6)
    assert "conflict" in sentence["frames"].split(", ")
    assert sentence["targets"] == "United States"
    triggers = sentence_triggers(seed_tables, row)
    assert "condemned" in triggers["match"].tolist()
    assert sentence["n_triggers"] == len(triggers)
    assert sentence_mentions(seed_tables, row)["matches"].tolist() == ["U.S."]


def test_tone_filter_keeps_the_negative_sentences(seed_tables):
    rows = filter_rows(seed_tables, selection_rows(seed_tables, story=RUSSIA), tone="negative")
    assert len(rows) == 14
    assert CONDEMNED in _texts(seed_tables, rows)
    assert (seed_tables.sentences.loc[rows, "score"] <= -0.05).all()
    rows = filter_rows(
        seed_tables, selection_rows(seed_tables, story=LOS_ANGELES), tone="negative"
    )
    assert len(rows) == 2
    assert (
        filter_rows(seed_tables, selection_rows(seed_tables, story=JAPAN), tone="negative").size
        == 0
    )


def test_frame_filter_keeps_sentences_with_any_chosen_frame(seed_tables):
    story = selection_rows(seed_tables, story=RUSSIA)
    conflict = filter_rows(seed_tables, story, frames=["conflict"])
    economic = filter_rows(seed_tables, story, frames=["economic"])
    either = filter_rows(seed_tables, story, frames=["conflict", "economic"])
    assert CONDEMNED in _texts(seed_tables, conflict)
    assert all("conflict" in f for f in seed_tables.sentences.loc[conflict, "frames"])
    assert set(either) == set(conflict) | set(economic)
    both = filter_rows(seed_tables, story, frames=["conflict"], tone="negative")
    assert set(both) == set(conflict) & set(filter_rows(seed_tables, story, tone="negative"))


def test_target_filter_keeps_sentences_naming_the_target(seed_tables):
    rows = filter_rows(seed_tables, selection_rows(seed_tables), target="Nicolás Maduro")
    texts = _texts(seed_tables, rows)
    assert texts and all("Maduro" in t for t in texts)
    others = np.setdiff1d(np.arange(55), rows)
    assert not any("Maduro" in t for t in _texts(seed_tables, others))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"frames": ["war"]}, "unknown frame"),
        ({"tone": "angry"}, "tone must be one of"),
        ({"target": "Mars"}, "unknown target"),
    ],
)
def test_unknown_filter_values_are_named(seed_tables, options, message):
    with pytest.raises(ParameterError, match=message):
        filter_rows(seed_tables, selection_rows(seed_tables), **options)


def test_unknown_story_or_group_is_named(seed_tables):
    with pytest.raises(ParameterError, match="no story 'nope'"):
        selection_rows(seed_tables, story="nope")
    with pytest.raises(ParameterError, match="no story_id 'nope'"):
        selection_rows(seed_tables, group_value="nope")


def test_bad_inputs_are_refused(seed_analysis, explore_cache):
    with pytest.raises(ParameterError, match="expected the result of analysis.analyze"):
        explore_tables("not an analysis")
    with pytest.raises(ParameterError, match="no frames for codebook 'policy'"):
        explore_tables(seed_analysis, codebook="policy", cache=explore_cache)
    with pytest.raises(ParameterError, match="group 'party' is not a column"):
        explore_tables(seed_analysis, group="party", cache=explore_cache)


def test_summaries_count_sentences_per_tone_and_frame(seed_tables):
    summary = selection_summary(seed_tables, selection_rows(seed_tables, story=RUSSIA))
    assert (summary["n_negative"], summary["n_neutral"], summary["n_positive"]) == (14, 5, 29)
    assert summary["n_sentences"] == 48 and summary["n_stories"] == 1
    assert summary["mean_score"] == pytest.approx(0.054, abs=5e-4)
    table = group_summary(seed_tables)
    assert table["story_id"].tolist() == [RUSSIA, JAPAN, WASHINGTON, LOS_ANGELES]
    assert table["n_sentences"].tolist() == [48, 2, 3, 2]
    assert table["n_negative"].tolist() == [14, 0, 1, 2]
    assert table["mean_score"].tolist() == [0.054, 0.132, 0.016, -0.3]
    assert table["frame_conflict"].iloc[0] == summary["frames"]["conflict"]


def test_groups_gather_their_stories(hostile_analysis, explore_cache):
    tables = explore_tables(hostile_analysis, group="outlet", cache=explore_cache)
    assert tables.groups == ['<img src=x onerror="alert(1)">', "Daily <b>Bold</b>"]
    rows = selection_rows(tables, group_value=tables.groups[0])
    assert tables.sentences.loc[rows, "story_id"].nunique() == 2
    assert len(rows) == 3
    assert group_summary(tables)["n_stories"].tolist() == [2, 1]
