"""Tests for analysis.compare.story (one story against the selection), on the seed stories."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import ParameterError, analyze, load_corpus, select_stories
from analysis import compare as cmp
from tests.conftest import JAPAN, LOS_ANGELES, RUSSIA


@pytest.fixture(scope="module")
def seed_analysis(seed_corpus):
    return analyze(seed_corpus, codebooks=["generic"])


def test_check_story_id(seed_corpus):
    assert cmp.check_story_id(seed_corpus, None) == RUSSIA
    assert cmp.check_story_id(seed_corpus, JAPAN) == JAPAN
    with pytest.raises(ParameterError) as info:
        cmp.check_story_id(seed_corpus, "nicholas-nick-reiner")
    message = str(info.value)
    assert "'nicholas-nick-reiner'" in message
    assert f"Did you mean '{LOS_ANGELES}'" in message
    assert f"'{RUSSIA}'" in message
    with pytest.raises(ParameterError, match="unknown story_id 42"):
        cmp.check_story_id(seed_corpus, 42)


def test_story_differences_for_the_los_angeles_lead(seed_analysis):
    diff = cmp.story_differences(seed_analysis, LOS_ANGELES).set_index("measure")
    assert list(diff.reset_index().columns) == cmp.DIFFERENCE_COLUMNS
    assert diff.loc["tone", "rank"] == 1
    assert diff.loc["tone", "n_ranked"] == 4
    assert diff.loc["tone", "value"] == pytest.approx(-0.30015, abs=1e-4)
    assert diff.loc["words", "rank"] == 3
    assert diff.loc["frame:human_interest", "rank"] == 1
    assert bool(diff.loc["frame:human_interest", "present"])
    assert diff.loc["frame:human_interest", "n_present"] == 1
    assert pd.isna(diff.loc["frame:economic", "rank"])  # never triggered: no rank
    assert diff.loc["frame:economic", "n_present"] == 2
    japan = cmp.story_differences(seed_analysis, JAPAN).set_index("measure")
    assert japan.loc["frame:economic", "rank"] == 1
    assert japan.loc["frame:economic", "value"] == pytest.approx(4 / 58 * 1000)


def test_story_distinctive_terms(seed_analysis):
    terms = cmp.story_distinctive_terms(seed_analysis, JAPAN, top_n=3)
    assert terms["term"].tolist()[0] == "japan"
    assert terms["rank"].tolist() == [1, 2, 3]
    single = analyze(select_stories(load_corpus(), filters={"story_id": JAPAN}))
    assert cmp.story_distinctive_terms(single, JAPAN).empty


def test_story_functions_reject_bad_input(seed_analysis, seed_corpus):
    with pytest.raises(ParameterError, match="expected a Corpus"):
        cmp.check_story_id(seed_analysis.sentiment, None)
    with pytest.raises(ParameterError, match="no stories"):
        cmp.check_story_id(
            seed_corpus.__class__(
                stories=seed_corpus.stories.iloc[:0], sentences=seed_corpus.sentences.iloc[:0]
            ),
            None,
        )
    with pytest.raises(ParameterError, match="top_n"):
        cmp.story_distinctive_terms(seed_analysis, JAPAN, top_n=0)
    with pytest.raises(ParameterError, match="codebooks=\\['policy'\\]"):
        cmp.story_differences(seed_analysis, JAPAN, codebook="policy")
    with pytest.raises(ParameterError, match="analysis.analyze"):
        cmp.story_differences(seed_corpus, JAPAN)


def test_story_differences_frame_intensity_is_hits_per_thousand_words(seed_analysis):
    diff = cmp.story_differences(seed_analysis, RUSSIA).set_index("measure")
    # all frames together: (21 + 1 + 11) hits in 1,205 words, as on the cards
    assert diff.loc["frame_intensity", "value"] == pytest.approx(33 / 1205 * 1000)
    assert diff.attrs == {"story_id": RUSSIA, "codebook": "generic"}
    assert pd.isna(diff.loc["tone", "present"])
