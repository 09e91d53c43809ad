"""Tests of analysis.framing.coded_samples: the one-off split, the corpus, the held-out report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import ParameterError
from analysis.framing.calibration import calibrate
from analysis.framing.coded_samples import (
    NO_CODE,
    codes_from_coded,
    corpus_from_coded,
    first_code,
    held_out_agreement,
    split_coded,
)

FRAMES = ["conflict", "human_interest", "economic", "morality", "responsibility"]


def _coded(n: int = 200, seed: int = 0) -> pd.DataFrame:
    """A coded table shaped like a published corpus: id, text, frame_* columns."""
    rng = np.random.default_rng(seed)
    codes = {
        f"frame_{f}": (rng.random(n) < p).astype(int)
        for f, p in zip(FRAMES, (0.4, 0.3, 0.2, 0.1, 0.05), strict=True)
    }
    return pd.DataFrame(
        {"id": [f"h{i}" for i in range(n)], "text": [f"Text {i}." for i in range(n)], **codes}
    )


# --------------------------------------------------------------------------- first_code


def test_first_code_follows_column_order_and_labels_uncoded_units() -> None:
    table = pd.DataFrame(
        {"frame_b": [0, 1, 0, 1], "frame_a": [1, 1, 0, 0], "note": ["x", "y", "z", "w"]},
        index=[10, 11, 12, 13],
    )
    labels = first_code(table)
    assert labels.tolist() == ["frame_a", "frame_b", NO_CODE, "frame_b"]
    assert labels.index.tolist() == [10, 11, 12, 13]
    assert first_code(table, codes=["frame_a", "frame_b"]).tolist()[:2] == ["frame_a", "frame_a"]


def test_first_code_uses_every_column_of_a_read_back_sample() -> None:
    coded = pd.DataFrame({"conflict": [0, 1], "economic": [1, 1]}, dtype="int8")
    assert first_code(coded).tolist() == ["economic", "conflict"]


@pytest.mark.parametrize(
    ("table", "codes", "message"),
    [
        (pd.DataFrame({"frame_a": [0, 2]}), None, "row 1 holds 2"),
        (pd.DataFrame({"frame_a": [0, 1], "text": ["a", "b"]}), ["text"], "'text' must hold 0/1"),
        (pd.DataFrame({"frame_a": [0, 1]}), ["frame_z"], "lacks the column"),
        (pd.DataFrame(), None, "no code column"),
    ],
)
def test_first_code_names_a_bad_code_column(table, codes, message) -> None:
    with pytest.raises(ParameterError, match=message):
        first_code(table, codes=codes)


# --------------------------------------------------------------------------- split_coded


def test_split_sizes_are_the_rounded_fraction_and_partition_the_table() -> None:
    table = _coded(201)
    part, rest = split_coded(table, fraction=0.3, seed=0)
    assert (len(part), len(rest)) == (60, 141)
    assert sorted([*part["id"], *rest["id"]]) == sorted(table["id"])
    assert part.index.is_monotonic_increasing and rest.index.is_monotonic_increasing
    pd.testing.assert_frame_equal(pd.concat([part, rest]).sort_index(), table)


def test_split_is_stratified_by_the_first_code() -> None:
    table = _coded(1000, seed=3)
    part, _ = split_coded(table, fraction=0.3, seed=0)
    whole = first_code(table).value_counts()
    drawn = first_code(part).value_counts().reindex(whole.index, fill_value=0)
    # largest remainders: every stratum gets floor or ceil of its share
    assert ((drawn - 0.3 * whole).abs() < 1).all()


def test_split_is_deterministic_and_depends_on_the_seed() -> None:
    table = _coded(300)
    first, _ = split_coded(table, seed=0)
    again, _ = split_coded(table, seed=0)
    other, _ = split_coded(table, seed=1)
    pd.testing.assert_frame_equal(first, again)
    assert first["id"].tolist() != other["id"].tolist()


def test_split_does_not_mutate_its_input_and_returns_copies() -> None:
    table = _coded(50)
    before = table.copy()
    part, _ = split_coded(table)
    part.iloc[0, 0] = "changed"
    pd.testing.assert_frame_equal(table, before)


def test_simple_random_split_ignores_the_codes() -> None:
    table = pd.DataFrame({"id": list("abcdefghij"), "label": ["x"] * 10})
    part, rest = split_coded(table, fraction=0.5, stratify_by_first_code=False)
    assert (len(part), len(rest)) == (5, 5)


def test_split_of_an_empty_table_is_two_empty_tables() -> None:
    part, rest = split_coded(_coded(0))
    assert len(part) == 0 and len(rest) == 0


@pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.1, True, "0.3"])
def test_split_rejects_a_fraction_outside_zero_one(fraction) -> None:
    with pytest.raises(ParameterError, match="fraction must be a number between 0 and 1"):
        split_coded(_coded(10), fraction=fraction)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(0, 60),
    fraction=st.floats(0.01, 0.99),
    seed=st.integers(0, 2**16),
    data_seed=st.integers(0, 2**16),
)
def test_split_is_a_partition_of_the_rounded_size(n, fraction, seed, data_seed) -> None:
    table = _coded(n, seed=data_seed)
    part, rest = split_coded(table, fraction=fraction, seed=seed)
    assert len(part) == round(fraction * n)
    assert set(part.index).isdisjoint(rest.index)
    assert len(part) + len(rest) == n


# --------------------------------------------------------------------------- corpus and codes


def test_corpus_from_coded_keeps_the_ids_as_story_ids() -> None:
    table = pd.DataFrame(
        {"id": ["g-2", 7], "headline": ["Senate votes on gun bill", "Rally held"]}
    )
    corpus = corpus_from_coded(table, id_column="id", text_column="headline")
    assert corpus.stories["story_id"].tolist() == ["g-2", "7"]
    assert corpus.stories["n_sentences"].tolist() == [1, 1]


@pytest.mark.parametrize(
    ("ids", "message"),
    [(["a", "a"], "holds the id 'a' twice"), (["a", " "], "empty id at row 1")],
)
def test_corpus_from_coded_refuses_ids_that_cannot_match_codes(ids, message) -> None:
    table = pd.DataFrame({"id": ids, "text": ["One.", "Two."]})
    with pytest.raises(ParameterError, match=message):
        corpus_from_coded(table, id_column="id")


def test_codes_from_coded_has_the_read_coded_sample_shape() -> None:
    table = _coded(4)
    codes = codes_from_coded(table, id_column="id", codebook="generic")
    assert codes.index.name == "story_id" and codes.index.tolist() == ["h0", "h1", "h2", "h3"]
    assert codes.columns.tolist() == FRAMES
    assert (codes.dtypes == "int8").all()


def test_codes_from_coded_names_a_missing_frame_column() -> None:
    table = _coded(4).drop(columns="frame_morality")
    with pytest.raises(ParameterError, match="no column for frame 'morality'"):
        codes_from_coded(table, id_column="id", codebook="generic")


def test_codes_from_coded_lets_the_fallback_frame_go_uncoded() -> None:
    from analysis.framing import load_codebook

    book = load_codebook("policy")
    table = pd.DataFrame({"id": ["a"], **{f.id: [0] for f in book.frames if not f.fallback}})
    codes = codes_from_coded(table, id_column="id", codebook=book)
    assert book.fallback not in codes.columns


# --------------------------------------------------------------------------- held-out report


HELD_OUT_FRAMES = FRAMES[:2]


def _features(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Features of two frames where people code a frame present when its score reaches 3."""
    rng = np.random.default_rng(seed)
    ids = [f"s{i}" for i in range(n)]
    rows, codes = [], {}
    for frame in HELD_OUT_FRAMES:
        score = rng.integers(0, 7, n).astype(float)
        codes[frame] = (score >= 3).astype("int8")
        rows.append(
            pd.DataFrame(
                {
                    "story_id": ids,
                    "frame": frame,
                    "score": score,
                    "intensity": score,
                    "n_frame_sentences": score,
                }
            )
        )
    return pd.concat(rows, ignore_index=True), pd.DataFrame(
        codes, index=pd.Index(ids, name="story_id")
    )


def test_held_out_agreement_scores_rules_fitted_elsewhere() -> None:
    features, coded = _features(120, seed=1)
    part, rest = split_coded(coded, fraction=0.3)
    calibration = calibrate(features, part, codebook="generic", folds=3, n_boot=20)
    table = held_out_agreement(
        calibration, features, rest, blind_thresholds=(2, 1), n_boot=50, seed=0
    )
    assert list(dict.fromkeys(table["coder"])) == [
        "calibrated",
        "blind (threshold 2)",
        "blind (threshold 1)",
        "always present",
    ]
    assert set(table["n_units"]) == {len(rest)}
    assert list(dict.fromkeys(table["category"])) == [*HELD_OUT_FRAMES, "(macro)"]
    f1 = table[(table["category"] == "(macro)") & (table["statistic"] == "f1")]
    f1 = f1.set_index("coder")["value"]
    assert f1["calibrated"] == pytest.approx(1.0)
    assert f1["calibrated"] > f1["blind (threshold 2)"] > f1["always present"]
    again = held_out_agreement(
        calibration, features, rest, blind_thresholds=(2, 1), n_boot=50, seed=0
    )
    pd.testing.assert_frame_equal(table, again)


def test_held_out_agreement_needs_features_for_every_unit() -> None:
    features, coded = _features(40, seed=2)
    part, rest = split_coded(coded, fraction=0.5)
    calibration = calibrate(features, part, codebook="generic", folds=2, n_boot=10)
    fewer = features[features["story_id"] != rest.index[0]]
    with pytest.raises(ParameterError, match=f"no features for coded units \\['{rest.index[0]}"):
        held_out_agreement(calibration, fewer, rest, n_boot=10)
    with pytest.raises(ParameterError, match="no column for the calibrated frames"):
        held_out_agreement(calibration, features, rest.rename(columns=str.upper), n_boot=10)
