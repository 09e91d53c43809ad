"""Tests of analysis.narrate.calibration: the sentences state the agreement tables' numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.framing.calibration import calibrate
from analysis.narrate.calibration import describe_calibration, rules_statement


def _calibration():
    rng = np.random.default_rng(1)
    ids = [f"s{i}" for i in range(60)]
    score = rng.integers(0, 6, 60).astype(float)
    features = pd.DataFrame(
        {
            "story_id": ids,
            "frame": "conflict",
            "score": score,
            "intensity": score,
            "n_frame_sentences": score,
        }
    )
    coded = pd.DataFrame({"conflict": (score >= 2).astype("int8")}, index=ids)
    return calibrate(features, coded, n_boot=100)


def test_describe_states_the_macro_figures_and_warns_on_small_samples() -> None:
    text = describe_calibration(_calibration())
    assert "**60 hand-coded stories**" in text
    assert "- Calibrated rule: macro F1 1.00, macro kappa 1.00, macro alpha 1.00." in text
    assert "too few for stable rules" in text


def test_rules_statement_blind_and_calibrated() -> None:
    assert "blind rule** (evidence score >= 2 for every frame)" in rules_statement(
        None, threshold=2.0
    )
    assert "calibrated rules** fitted on 60 hand-coded stories" in rules_statement(
        _calibration(), threshold=2.0
    )
