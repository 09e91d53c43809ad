"""Tests of analysis.framing.calibration: coding sheets, coded samples, calibrated rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.errors import CorpusError, ParameterError
from analysis.framing.calibration import (
    apply_calibration,
    calibrate,
    coding_sheet,
    load_calibration,
    read_coded_sample,
    story_features,
    write_coding_sheet,
)

FRAMES = ["conflict", "human_interest", "economic", "morality", "responsibility"]


def _synthetic(n: int = 120, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Features where people code a frame present exactly when its score reaches 3."""
    rng = np.random.default_rng(seed)
    ids = [f"s{i}" for i in range(n)]
    rows, codes = [], {}
    for frame in FRAMES:
        score = rng.integers(0, 7, n).astype(float)
        codes[frame] = (score >= 3).astype("int8")
        rows.append(
            pd.DataFrame(
                {
                    "story_id": ids,
                    "frame": frame,
                    "score": score,
                    "intensity": score * 2.0,
                    "n_frame_sentences": score,
                }
            )
        )
    coded = pd.DataFrame(codes, index=pd.Index(ids, name="story_id"))
    return pd.concat(rows, ignore_index=True), coded


def test_calibration_recovers_the_coders_threshold_and_beats_the_blind_rule() -> None:
    features, coded = _synthetic()
    cal = calibrate(features, coded, codebook="generic", n_boot=100)
    rules = cal.describe_rules().set_index("frame")
    assert (rules["rule"] == "threshold").all()
    assert (rules["threshold"] == 3.0).all()
    assert rules["f1"].min() == pytest.approx(1.0)
    macro = cal.agreement[cal.agreement["category"] == "(macro)"]
    f1 = macro[macro["statistic"] == "f1"].set_index("coder")["value"]
    assert f1["calibrated"] > f1["blind"] and f1["calibrated"] > f1["always present"]
    applied = apply_calibration(cal, features)
    assert applied["present"].sum() == int(coded.to_numpy().sum())


def test_calibration_is_deterministic_and_round_trips_as_json(tmp_path) -> None:
    features, coded = _synthetic(seed=2)
    coded.iloc[::7, 0] = 1 - coded.iloc[::7, 0]  # some disagreement
    first = calibrate(features, coded, n_boot=50, seed=3)
    again = calibrate(features, coded, n_boot=50, seed=3)
    pd.testing.assert_frame_equal(first.agreement, again.agreement)
    loaded = load_calibration(first.to_json(tmp_path / "cal.json"))
    assert loaded.rules == first.rules and loaded.n_coded == 120
    pd.testing.assert_frame_equal(
        apply_calibration(loaded, features), apply_calibration(first, features)
    )


def test_coding_sheet_is_stratified_deterministic_and_spreadsheet_safe(tmp_path) -> None:
    stories = pd.DataFrame(
        {
            "story_id": [f"s{i}" for i in range(40)],
            "text": ['=HYPERLINK("x") text'] + [f"Story {i}." for i in range(1, 40)],
            "title": [f"T{i}" for i in range(40)],
            "bias": ["left"] * 30 + ["right"] * 8 + [None] * 2,
        }
    )
    sheet = coding_sheet(stories, n=10, group="bias", seed=4)
    assert len(sheet) == 10
    counts = sheet["group"].value_counts().to_dict()
    assert counts["left"] >= 6 and counts["right"] >= 1 and counts["(missing)"] >= 1
    pd.testing.assert_frame_equal(sheet, coding_sheet(stories, n=10, group="bias", seed=4))
    assert [c for c in sheet.columns if c.startswith("frame_")] == [f"frame_{f}" for f in FRAMES]
    full = coding_sheet(stories, n=40, group="bias", seed=4)
    path = write_coding_sheet(full, tmp_path, "../sheet")
    assert path.parent == tmp_path.resolve()
    assert "'=HYPERLINK" in path.read_text(encoding="utf-8")


def test_read_coded_sample_names_the_bad_cell(tmp_path) -> None:
    header = "story_id,title," + ",".join(f"frame_{f}" for f in FRAMES) + "\n"
    good = tmp_path / "good.csv"
    good.write_text(header + "a,T,1,0,0,0,1\nb,T,,,,,\nc,T,0,1,1,0,0\n", encoding="utf-8")
    coded = read_coded_sample(good)
    assert coded.index.tolist() == ["a", "c"]  # b is not coded yet
    assert coded.loc["a"].tolist() == [1, 0, 0, 0, 1]
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "a,T,1,0,0,0,1\nc,T,0,yes,1,0,0\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"line 3, column 'frame_human_interest': 'yes'"):
        read_coded_sample(bad)
    twice = tmp_path / "twice.csv"
    twice.write_text(header + "a,T,1,0,0,0,1\na,T,0,0,1,0,0\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="coded twice"):
        read_coded_sample(twice)
    missing = tmp_path / "missing.csv"
    missing.write_text("story_id,frame_conflict\na,1\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="no column for frame 'human_interest'"):
        read_coded_sample(missing)


def test_story_features_on_the_seeds(seed_corpus) -> None:
    from analysis import analyze

    result = analyze(seed_corpus, codebooks=["generic"], terms=False)
    features = story_features(result.frame_hits["generic"], seed_corpus.stories)
    assert len(features) == 4 * len(FRAMES)
    russia = features[features["story_id"] == seed_corpus.stories["story_id"][0]]
    conflict = russia.set_index("frame").loc["conflict"]
    assert conflict["score"] == 29.0 and round(conflict["intensity"], 1) == 17.4
    assert any(c.startswith("det_") for c in features.columns)


def test_calibrating_on_uncoded_stories_is_refused() -> None:
    features, coded = _synthetic()
    coded.index = [f"x{i}" for i in range(len(coded))]
    with pytest.raises(ParameterError, match="no features for coded stories"):
        calibrate(features, coded, n_boot=0)


def test_reports_apply_calibrated_rules_from_a_sheet_or_saved_rules(seed_corpus, tmp_path) -> None:
    from analysis import analyze, config
    from analysis.framing import frame_summary
    from analysis.framing.calibration import report_rules, save_calibration, story_decisions

    hits = analyze(seed_corpus, codebooks=["generic"], terms=False).frame_hits["generic"]
    stories = seed_corpus.stories
    assert report_rules(hits, stories) is None  # the blind rule
    assert story_decisions(None, hits, stories) is None
    sheet = config.seeds_coded_sample()
    cal = report_rules(hits, stories, coded_sample=sheet)
    assert cal is not None and cal.n_coded == 4
    decisions = story_decisions(cal, hits, stories)
    table = frame_summary(hits, stories, decisions=decisions)
    merged = table.merge(decisions, on=["story_id", "frame"], suffixes=("", "_rule"))
    assert len(merged) == 4 * len(FRAMES)
    assert (merged["present"] == merged["present_rule"]).all()
    assert sorted(cal.rules) == sorted(FRAMES)
    saved = save_calibration(cal, tmp_path, "generic")
    again = story_decisions(report_rules(hits, stories, frame_rules=saved), hits, stories)
    pd.testing.assert_frame_equal(again, decisions)
    with pytest.raises(ParameterError, match="not both"):
        report_rules(hits, stories, coded_sample=sheet, frame_rules=saved)
    with pytest.raises(ParameterError, match="rules of codebook 'generic'"):
        report_rules(hits, stories, codebook="policy", frame_rules=saved)


def test_decisions_override_only_the_frames_they_code(seed_corpus) -> None:
    from analysis import analyze
    from analysis.framing import frame_summary

    hits = analyze(seed_corpus, codebooks=["generic"], terms=False).frame_hits["generic"]
    stories = seed_corpus.stories
    first = str(stories["story_id"].iloc[0])
    decisions = pd.DataFrame({"story_id": [first], "frame": ["conflict"], "present": [False]})
    blind = frame_summary(hits, stories)
    table = frame_summary(hits, stories, decisions=decisions)
    changed = blind["present"] != table["present"]
    assert changed.sum() == 1  # conflict was present in the Russia story by the blind rule
    row = table[changed].iloc[0]
    assert (row["story_id"], str(row["frame"])) == (first, "conflict")
