"""Tests for analysis.narrate.story (one story in words), on the seed stories."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import ParameterError, analyze
from analysis import compare as cmp
from analysis.narrate import story as narrate_story
from tests.conftest import JAPAN, LOS_ANGELES


@pytest.fixture(scope="module")
def seed_analysis(seed_corpus):
    return analyze(seed_corpus, codebooks=["generic"])


def _rule(statements: pd.DataFrame, rule: str, column: str | None = None) -> pd.DataFrame:
    rows = statements[statements["rule"] == rule]
    if column is not None:
        rows = rows[rows["source_column"] == column]
    return rows


def test_story_statements_for_the_los_angeles_lead(seed_analysis):
    statements = narrate_story.story_statements(seed_analysis, LOS_ANGELES)
    assert statements["statement"].iloc[0] == (
        "**The Los Angeles lead** (63 words, a truncated lead) is the most negative of 4 stories "
        "in tone (-0.30) and ranks 1st on the *Human interest* frame (31.7 hits per 1,000 words)."
    )
    length = _rule(statements, "story_length")["statement"].iloc[0]
    assert "it is a truncated lead" in length
    terms = _rule(statements, "story_terms").iloc[0]
    assert terms["source_table"] == "terms"
    assert terms["source_row"].split("; ")[0] == "reiner"
    diff = cmp.story_differences(seed_analysis, LOS_ANGELES)
    for row in statements.itertuples(index=False):
        if row.source_table == "differences":
            assert set(filter(None, row.source_row.split("; "))) <= set(diff["measure"])


def test_story_statements_use_the_tables_given(seed_analysis):
    diff = cmp.story_differences(seed_analysis, JAPAN)
    terms = cmp.story_distinctive_terms(seed_analysis, JAPAN, top_n=2)
    given = narrate_story.story_statements(seed_analysis, JAPAN, differences=diff, terms=terms)
    words = _rule(given, "story_terms")
    assert words["source_row"].iloc[0] == "; ".join(terms["term"])
    assert given["statement"].iloc[0].startswith("**The Tokyo lead** (58 words, a truncated lead)")
    with pytest.raises(ParameterError, match="min_sentences"):
        narrate_story.story_statements(seed_analysis, JAPAN, min_sentences=0)
