"""Tests of analysis.narrate.sentiment_validation: the reading of the validation table.

The reading of the full table needs the shared ratings and skips with a reason without them.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.narrate.sentiment_validation import describe_validation
from analysis.sentiment import DEFAULT_SCORE
from analysis.sentiment_validation import missing_validation_data, validate_sentiment


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    reason = missing_validation_data()
    if reason is not None:
        pytest.skip(reason)
    return validate_sentiment()


def test_describe_validation_reads_the_table(table):
    text = describe_validation(table)
    assert "18,513 texts" in text
    assert "VADER on the tweets: r = 0.872 (the VADER paper reports 0.881)" in text
    assert f"`{DEFAULT_SCORE}`, the same as the package default" in text


def test_skipped_validation_says_why(tmp_path):
    empty = validate_sentiment(tmp_path / "nothing-here", if_missing="empty")
    assert describe_validation(empty).startswith("- Validation skipped: the human sentiment")
