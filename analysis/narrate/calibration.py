"""Prose for frame calibration: which rules the frame decisions use, and how well they agree
with human coders (:mod:`analysis.framing.calibration`).

Every number is read from the tables passed; codebook frame ids are escaped with
:mod:`analysis.safe`.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.framing.calibration import Calibration
from analysis.safe import escape_markdown

__all__ = ["describe_calibration", "rules_statement"]


def _value(table: pd.DataFrame, category: str, coder: str, statistic: str) -> float:
    rows = table[
        (table["category"] == category)
        & (table["coder"] == coder)
        & (table["statistic"] == statistic)
    ]
    return float(rows["value"].iloc[0]) if len(rows) else float("nan")


def _interval(table: pd.DataFrame, category: str, coder: str, statistic: str) -> str:
    rows = table[
        (table["category"] == category)
        & (table["coder"] == coder)
        & (table["statistic"] == statistic)
    ]
    if not len(rows) or not math.isfinite(float(rows["low"].iloc[0])):
        return ""
    return f", 95 % interval {rows['low'].iloc[0]:.2f}–{rows['high'].iloc[0]:.2f}"


def _frame_f1(table: pd.DataFrame, row: pd.Series) -> str:
    """``conflict (F1 0.62, 95 % interval 0.50–0.71)`` for one frame's calibrated F1."""
    interval = _interval(table, row["category"], "calibrated", "f1")
    return f"{escape_markdown(row['category'])} (F1 {row['value']:.2f}{interval})"


def describe_calibration(calibration: Calibration) -> str:
    """Markdown bullets: the sample, the macro agreement of the calibrated, blind and
    always-present rules, the best and worst frame, and a warning when the sample is small."""
    table = calibration.agreement
    n = calibration.n_coded
    lines = [
        f"- Calibrated on **{n:,} hand-coded stories**; agreement is measured out of fold "
        "(each story coded by rules fitted without it)."
    ]
    for coder in ("calibrated", "blind", "always present"):
        f1 = _value(table, "(macro)", coder, "f1")
        kappa = _value(table, "(macro)", coder, "kappa")
        alpha = _value(table, "(macro)", coder, "alpha")
        lines.append(
            f"- {coder.capitalize()} rule: macro F1 {f1:.2f}, macro kappa {kappa:.2f}, "
            f"macro alpha {alpha:.2f}."
        )
    per_frame = table[
        (table["coder"] == "calibrated")
        & (table["statistic"] == "f1")
        & (table["category"] != "(macro)")
    ].dropna(subset=["value"])
    if len(per_frame) >= 2:
        best, worst = (
            per_frame.loc[per_frame["value"].idxmax()],
            per_frame.loc[per_frame["value"].idxmin()],
        )
        best_text, worst_text = (_frame_f1(table, row) for row in (best, worst))
        lines.append(f"- Best frame: {best_text}; weakest: {worst_text}.")
    if n < 100:
        lines.append(
            f"- {n} coded stories are too few for stable rules or narrow intervals: read these "
            "figures as a demonstration and code at least 100 stories of your corpus."
        )
    return "\n".join(lines)


def rules_statement(calibration: Calibration | None, *, threshold: float) -> str:
    """One sentence saying which rules a report's frame decisions use."""
    if calibration is None:
        return (
            f"Frame decisions use the **blind rule** (evidence score >= {threshold:g} for every "
            "frame), not calibrated on hand-coded stories: treat presence as indicative. Code a "
            "sample and run the frame validation report to calibrate it."
        )
    f1 = _value(calibration.agreement, "(macro)", "calibrated", "f1")
    kappa = _value(calibration.agreement, "(macro)", "calibrated", "kappa")
    return (
        f"Frame decisions use **calibrated rules** fitted on {calibration.n_coded:,} hand-coded "
        f"stories (out-of-fold macro F1 {f1:.2f}, macro kappa {kappa:.2f})."
    )
