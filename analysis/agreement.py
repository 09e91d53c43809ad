"""Agreement of an automatic coder with human coders, per category, with bootstrap intervals.

A frame decision is a measurement, and content analysts accept an automatic coder only with its
agreement with people beside it. For each category (a frame) this module compares two binary
codings of the same units (stories or headlines) and reports:

- **Krippendorff's alpha**, nominal level: ``alpha = 1 - D_o / D_e``, observed over expected
  disagreement, computed by the `krippendorff` package (Castro 2017), which reproduces the worked
  example of Krippendorff (2011, "Computing Krippendorff's Alpha-Reliability", example C:
  alpha = 0.743 nominal) - a test checks it;
- **Cohen's kappa**: ``(p_o - p_e) / (1 - p_e)`` (Cohen 1960), scikit-learn's implementation;
- **precision, recall and F1** of the "present" class, taking the human code as the truth;
- the **share** of units each coder calls present;

each with a **percentile bootstrap interval** (Efron & Tibshirani 1993): units are resampled with
replacement ``n_boot`` times with a fixed ``seed``, the statistic is recomputed, and the 2.5th and
97.5th percentiles are reported (95 % by default). A statistic that is undefined on a resample
(e.g. kappa when both codings are constant) is left out of that resample's percentiles.

:func:`baseline_codes` gives the trivial coders every measured coder should beat: "always
present" and "never present".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import numpy as np
import pandas as pd

from analysis._checks import positive_int, require_columns
from analysis.errors import ParameterError

__all__ = [
    "AGREEMENT_COLUMNS",
    "STATISTICS",
    "agreement",
    "agreement_table",
    "baseline_codes",
    "binary_statistics",
    "krippendorff_alpha",
]

#: The statistics :func:`agreement` reports, in order.
STATISTICS: Final = ("alpha", "kappa", "precision", "recall", "f1", "share_human", "share_coder")
#: Columns of :func:`agreement_table`.
AGREEMENT_COLUMNS: Final = [
    "category",
    "coder",
    "n_units",
    "statistic",
    "value",
    "low",
    "high",
]


def krippendorff_alpha(codes: np.ndarray, *, level: str = "nominal") -> float:
    """Krippendorff's alpha of a coders × units array (``nan`` for a missing code).

    Returns ``nan`` when there is no variation at all (alpha is undefined).

    >>> round(krippendorff_alpha(np.array([[1, 0, 1, 1], [1, 0, 0, 1]])), 3)
    0.533
    """
    import krippendorff

    data = np.asarray(codes, dtype="float64")
    values = data[~np.isnan(data)]
    if values.size == 0 or np.unique(values).size < 2:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))


def _binary(values: object, name: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype == bool:
        return arr.astype("int8")
    try:
        numbers = arr.astype("float64")
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name} must hold 0/1 codes, got {arr[:5].tolist()}") from exc
    bad = ~np.isin(numbers, (0.0, 1.0))
    if bad.any():
        raise ParameterError(
            f"{name} must hold 0/1 codes; position {int(np.argmax(bad))} holds "
            f"{arr[int(np.argmax(bad))]!r}"
        )
    return numbers.astype("int8")


def _from_counts(n11: np.ndarray, n10: np.ndarray, n01: np.ndarray, n00: np.ndarray) -> dict:
    """Every statistic from the 2 x 2 counts (human code first), vectorised over resamples.

    For two coders with no missing code, nominal alpha is
    ``1 - (N - 1) (n10 + n01) / (n_1 n_0)`` with ``N = 2n`` pairable values and ``n_1``/``n_0``
    the values coded 1/0 by either coder (Krippendorff 2011, coincidence matrix); kappa is
    ``(p_o - p_e) / (1 - p_e)``. Tests check both against the packages.
    """
    n11, n10, n01, n00 = (np.asarray(x, dtype="float64") for x in (n11, n10, n01, n00))
    n = n11 + n10 + n01 + n00
    with np.errstate(divide="ignore", invalid="ignore"):
        ones = 2 * n11 + n10 + n01
        zeros = 2 * n00 + n10 + n01
        alpha = np.where(ones * zeros > 0, 1 - (2 * n - 1) * (n10 + n01) / (ones * zeros), np.nan)
        h1, c1 = (n11 + n10) / n, (n11 + n01) / n
        p_o = (n11 + n00) / n
        p_e = h1 * c1 + (1 - h1) * (1 - c1)
        kappa = np.where(p_e < 1, (p_o - p_e) / (1 - p_e), np.nan)
        precision = np.where(n11 + n01 > 0, n11 / (n11 + n01), np.nan)
        recall = np.where(n11 + n10 > 0, n11 / (n11 + n10), np.nan)
        f1 = np.where(2 * n11 + n10 + n01 > 0, 2 * n11 / (2 * n11 + n10 + n01), np.nan)
    return {
        "alpha": alpha,
        "kappa": kappa,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "share_human": h1,
        "share_coder": c1,
    }


def _counts(h: np.ndarray, c: np.ndarray, axis: int = -1) -> tuple[np.ndarray, ...]:
    return (
        ((h == 1) & (c == 1)).sum(axis=axis),
        ((h == 1) & (c == 0)).sum(axis=axis),
        ((h == 0) & (c == 1)).sum(axis=axis),
        ((h == 0) & (c == 0)).sum(axis=axis),
    )


def binary_statistics(human: np.ndarray, coder: np.ndarray) -> dict[str, float]:
    """Every statistic of :data:`STATISTICS` for two 0/1 codings of the same units.

    >>> stats = binary_statistics(np.array([1, 1, 0, 0]), np.array([1, 0, 0, 0]))
    >>> stats["precision"], stats["recall"], round(stats["f1"], 3), round(stats["alpha"], 3)
    (1.0, 0.5, 0.667, 0.533)
    """
    h = np.asarray(human, dtype="int8")
    c = np.asarray(coder, dtype="int8")
    return {k: float(v) for k, v in _from_counts(*_counts(h, c)).items()}


def agreement(
    human: object,
    coder: object,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """Agreement of one coder with the human codes on one category, with bootstrap intervals.

    Args:
        human: the human 0/1 codes (booleans allowed), one per unit.
        coder: the coder's 0/1 codes for the same units, in the same order.
        n_boot: bootstrap resamples (0: no intervals).
        seed: seed of the resampling (the same seed gives the same intervals).
        level: coverage of the interval.

    Returns:
        One row per statistic: ``statistic``, ``value``, ``low``, ``high``.

    Raises:
        ParameterError: codes that are not 0/1, codings of different lengths, bad ``n_boot``
            or ``level``.
    """
    h = _binary(human, "human")
    c = _binary(coder, "coder")
    if h.shape != c.shape or h.ndim != 1:
        raise ParameterError(
            f"human and coder codes must be two lists of the same length, got {h.shape} and "
            f"{c.shape}"
        )
    if n_boot != 0:
        n_boot = positive_int(n_boot, "n_boot")
    if not 0 < level < 1:
        raise ParameterError(f"level must be between 0 and 1, got {level!r}")
    point = binary_statistics(h, c)
    low = dict.fromkeys(point, float("nan"))
    high = dict.fromkeys(point, float("nan"))
    if n_boot and h.size:
        idx = np.random.default_rng(seed).integers(0, h.size, (n_boot, h.size))
        draws = _from_counts(*_counts(h[idx], c[idx], axis=1))
        tail = 100 * (1 - level) / 2
        for key, values in draws.items():
            finite = values[np.isfinite(values)]
            if finite.size >= max(10, n_boot // 10):
                low[key], high[key] = (float(v) for v in np.percentile(finite, [tail, 100 - tail]))
    return pd.DataFrame(
        {
            "statistic": list(point),
            "value": [point[k] for k in point],
            "low": [low[k] for k in point],
            "high": [high[k] for k in point],
        }
    )


def baseline_codes(human: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The trivial coders: ``"always present"`` and ``"never present"``, shaped like ``human``."""
    return {
        "always present": human.copy().astype("int8").clip(lower=1),
        "never present": human.copy().astype("int8").clip(upper=0),
    }


def agreement_table(
    human: pd.DataFrame,
    coders: Mapping[str, pd.DataFrame],
    *,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Agreement of several coders with the human codes, per category, with intervals.

    Args:
        human: one row per unit (the index identifies it), one 0/1 column per category.
        coders: coder name -> a table with the same index and columns (e.g. the blind rules,
            the calibrated rules, :func:`baseline_codes`).
        n_boot: bootstrap resamples per (category, coder).
        seed: seed of the resampling.

    Returns:
        Tidy table (:data:`AGREEMENT_COLUMNS`), one row per (category, coder, statistic),
        sorted by category (the human table's column order), coder (the mapping's order) and
        statistic (:data:`STATISTICS` order); plus one ``"(macro)"`` category per coder
        holding the mean of each statistic over the categories.
    """
    require_columns(human, [], "human")
    rows = []
    for name, table in coders.items():
        require_columns(table, list(human.columns), f"coders[{name!r}]")
        aligned = table.reindex(human.index)
        if aligned[list(human.columns)].isna().any().any():
            raise ParameterError(
                f"coders[{name!r}] has no code for some units of the human table; pass codes for "
                f"the same units (index) as the human codes"
            )
        for category in human.columns:
            stats = agreement(human[category], aligned[category], n_boot=n_boot, seed=seed)
            stats.insert(0, "n_units", len(human))
            stats.insert(0, "coder", name)
            stats.insert(0, "category", str(category))
            rows.append(stats)
    if not rows:
        return pd.DataFrame(columns=AGREEMENT_COLUMNS)
    table = pd.concat(rows, ignore_index=True)
    macro = (
        table.groupby(["coder", "statistic"], sort=False)[["value", "low", "high"]]
        .mean()
        .reset_index()
        .assign(category="(macro)", n_units=len(human))
    )
    macro[["low", "high"]] = np.nan  # a mean of intervals is not an interval
    return pd.concat([table, macro[AGREEMENT_COLUMNS]], ignore_index=True)[AGREEMENT_COLUMNS]
