"""Agreement statistics against published worked examples and the reference packages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from analysis.agreement import (
    agreement,
    agreement_table,
    baseline_codes,
    binary_statistics,
    krippendorff_alpha,
)
from analysis.errors import ParameterError

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C (4 observers,
# 12 units, missing values): alpha = 0.743 (nominal), 0.849 (interval).
EXAMPLE_C = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
        [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan],
    ]
)


def test_alpha_reproduces_krippendorffs_worked_example() -> None:
    assert round(krippendorff_alpha(EXAMPLE_C), 3) == 0.743
    assert round(krippendorff_alpha(EXAMPLE_C, level="interval"), 3) == 0.849


def test_kappa_reproduces_the_textbook_example() -> None:
    # 50 units: yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> p_o 0.70, p_e 0.50, kappa 0.40
    human = np.array([1] * 25 + [0] * 25)
    coder = np.array([1] * 20 + [0] * 5 + [1] * 10 + [0] * 15)
    stats = binary_statistics(human, coder)
    assert stats["kappa"] == pytest.approx(0.4)
    assert stats["precision"] == pytest.approx(20 / 30)
    assert stats["recall"] == pytest.approx(20 / 25)
    assert stats["f1"] == pytest.approx(2 * 20 / (2 * 20 + 5 + 10))


@pytest.mark.parametrize("seed", range(5))
def test_closed_forms_equal_the_reference_packages(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 300))
    human = rng.integers(0, 2, n)
    coder = np.where(rng.random(n) < 0.75, human, 1 - human)
    stats = binary_statistics(human, coder)
    assert stats["alpha"] == pytest.approx(krippendorff_alpha(np.vstack([human, coder])))
    assert stats["kappa"] == pytest.approx(cohen_kappa_score(human, coder))


def test_constant_codings_leave_alpha_and_kappa_undefined() -> None:
    stats = binary_statistics(np.ones(6), np.ones(6))
    assert np.isnan(stats["alpha"]) and np.isnan(stats["kappa"])
    assert stats["f1"] == 1.0


def test_bootstrap_interval_brackets_the_value_and_is_deterministic() -> None:
    rng = np.random.default_rng(3)
    human = rng.integers(0, 2, 150)
    coder = np.where(rng.random(150) < 0.8, human, 1 - human)
    first = agreement(human, coder, n_boot=400, seed=7)
    again = agreement(human, coder, n_boot=400, seed=7)
    pd.testing.assert_frame_equal(first, again)
    inside = (first["low"] <= first["value"]) & (first["value"] <= first["high"])
    assert inside.all()
    kappa = first.set_index("statistic").loc["kappa"]
    assert 0.05 < kappa["high"] - kappa["low"] < 0.4


@pytest.mark.parametrize(
    ("human", "coder", "match"),
    [([0, 1, 2], [0, 1, 1], "0/1 codes"), ([0, 1], [0, 1, 1], "same length"), (["a"], [1], "0/1")],
)
def test_bad_codes_are_named(human: list, coder: list, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        agreement(human, coder, n_boot=0)


def test_agreement_table_with_baselines_and_macro_row() -> None:
    human = pd.DataFrame({"conflict": [1, 1, 0, 0, 1], "economic": [0, 0, 1, 0, 0]})
    coders = {"rules": pd.DataFrame({"conflict": [1, 0, 0, 0, 1], "economic": [0, 0, 1, 1, 0]})}
    coders.update(baseline_codes(human))
    table = agreement_table(human, coders, n_boot=50)
    f1 = table[table["statistic"] == "f1"].set_index(["category", "coder"])["value"]
    assert f1[("conflict", "rules")] == pytest.approx(0.8)
    assert f1[("conflict", "always present")] == pytest.approx(2 * 3 / (2 * 3 + 2))
    assert f1[("economic", "never present")] == 0.0
    assert f1[("(macro)", "rules")] == pytest.approx((0.8 + 2 / 3) / 2)
    assert list(dict.fromkeys(table["coder"])) == ["rules", "always present", "never present"]
