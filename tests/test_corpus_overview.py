"""Tests of analysis.corpus.overview: the story overview and sentence length tables."""

from __future__ import annotations

import pytest

from analysis.corpus import sentence_length_summary, story_overview
from analysis.errors import ParameterError
from tests.conftest import RUSSIA


def test_overview_tables(seed_corpus):
    overview = story_overview(seed_corpus)
    assert "text" not in overview.columns and len(overview) == 4
    summary = sentence_length_summary(seed_corpus)
    assert summary.set_index("story_id").loc[RUSSIA, "sentences"] == 48
    with pytest.raises(ParameterError, match="'colour'"):
        sentence_length_summary(seed_corpus, group="colour")


def test_story_overview_caps_rows(seed_corpus):
    assert len(story_overview(seed_corpus, max_rows=2)) == 2
    assert len(story_overview(seed_corpus, max_rows=None)) == 4
