"""Tests of analysis.figures.rules: many groups, small groups and honest axes."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest

from analysis.errors import ParameterError
from analysis.figures import rules
from analysis.figures.rules import (
    MAX_GROUPS,
    MIN_TONE_SPAN,
    choose_groups,
    keep_only,
    pool,
    se_note,
    tone_range,
    value_range,
    zero_range,
)
from tests.figure_cases import GROUPS, LARGEST, N_GROUPS, SMALLEST, story_sentiment_table


def test_doctests():
    result = doctest.testmod(rules)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(
    ("values", "errors", "expected"),
    [
        ([0.0, 0.045], None, [-0.1, 0.1]),  # the AllSides zoom (0 to 0.045) becomes -0.1..0.1
        ([0.2, -0.05], [0.02, 0.01], [-0.231, 0.231]),  # |0.2| + 0.02, 5 % margin
        ([0.9, -1.0], [0.3, 0.0], [-1.05, 1.05]),  # never beyond the scale
        ([], None, [-0.1, 0.1]),
        ([np.nan, 0.03], [np.nan, 0.01], [-0.1, 0.1]),
    ],
)
def test_tone_range(values, errors, expected):
    low, high = tone_range(values, errors)
    assert [low, high] == pytest.approx(expected)
    assert low <= 0 <= high and high - low >= MIN_TONE_SPAN - 1e-12


def test_zero_and_value_ranges():
    assert zero_range([14.2, 15.8]) == [0.0, pytest.approx(16.59)]
    assert zero_range([0, 0]) == [0.0, 1.0]
    assert value_range("mean_score", [0.01, 0.02]) == [-0.1, 0.1]
    assert value_range("intensity", [3.0, 4.0])[0] == 0.0
    assert value_range("mean_textblob_subjectivity", [0.4, 0.5])[0] == 0.0
    assert value_range("delta", [-1.0, 2.0]) is None


def test_choose_groups_keeps_the_largest_in_table_order():
    table = story_sentiment_table()
    chosen = choose_groups(table, "outlet", MAX_GROUPS, agg={"n_stories": "sum"})
    assert chosen.kept == [g for g in GROUPS if g in LARGEST]
    assert len(chosen.dropped) == N_GROUPS - MAX_GROUPS
    assert chosen.other == "other (18 groups)"
    assert chosen.note(pooled=False) == " (12 of 30 groups with most stories)"
    assert chosen.note(pooled=True).endswith("; the other 18 pooled)")
    assert chosen.size(chosen.other, "n_stories") == table["n_stories"].sum() - sum(
        chosen.size(g, "n_stories") for g in chosen.kept
    )
    with_small = choose_groups(table, "outlet", 12, agg={"n_stories": "sum"}, highlight=SMALLEST)
    assert SMALLEST in with_small.kept and len(with_small.kept) == 12
    assert with_small.small("n_stories", 2) == {SMALLEST}
    ties = pd.DataFrame({"g": ["b", "a", "c"], "n_stories": 1})
    assert choose_groups(ties, "g", 2, agg={"n_stories": "sum"}).note(pooled=False) == (
        " (first 2 of 3 groups)"
    )
    with pytest.raises(ParameterError, match="max_groups"):
        choose_groups(table, "outlet", 0, agg={})


def test_pool_weights_means_and_pools_the_spread():
    rng = np.random.default_rng(0)
    parts = [rng.normal(m, s, n) for m, s, n in [(0.1, 0.2, 5), (-0.2, 0.3, 40), (0.0, 0.1, 1)]]
    rows = pd.DataFrame(
        {
            "g": ["a", "b", "c"],
            "n_sentences": [len(p) for p in parts],
            "mean_score": [p.mean() for p in parts],
            "std_score": [p.std(ddof=1) if len(p) > 1 else np.nan for p in parts],
        }
    )
    out = pool(
        rows,
        group="g",
        label="other (3 groups)",
        sums=["n_sentences"],
        means={"mean_score": "n_sentences"},
        spread=("mean_score", "std_score", "n_sentences"),
    )
    everything = np.concatenate(parts)
    assert out["g"].item() == "other (3 groups)"
    assert out["n_sentences"].item() == len(everything)
    assert out["mean_score"].item() == pytest.approx(everything.mean())
    assert out["std_score"].item() == pytest.approx(everything.std(ddof=1))


def test_se_note():
    assert se_note([0.1, 0.5], [0.01, 0.01]) == ""
    assert se_note([0.1, 0.11], [0.01, 0.01]).startswith("the two groups differ by less")
    assert se_note([0.1, 0.11, 0.5], [0.01, 0.01, np.nan]).startswith("the two groups")
    within = se_note([0.1, 0.11, 0.1, 0.9], [0.01] * 4, within=["a", "b", "b", "a"])
    assert within.startswith("1 of 2 pairs")


def test_keep_only():
    table = pd.DataFrame({"g": ["a", "b", None]})
    assert keep_only(table, "g", None, "t") is table
    assert keep_only(table, "g", ["b", "(missing)"], "t")["g"].tolist()[0] == "b"
    with pytest.raises(ParameterError, match="only 'z' not found in the 'g' column of t"):
        keep_only(table, "g", "z", "t")
    with pytest.raises(ParameterError, match=r"only \['y', 'z'\]"):
        keep_only(table, "g", ["a", "y", "z"], "t")
