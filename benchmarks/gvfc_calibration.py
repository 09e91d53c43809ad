"""Worked example: calibrate a user codebook on hand-coded headlines, report on held-out ones.

Data: the Gun Violence Frame Corpus headlines (Liu, Guo, Mays, Betke & Wijaya 2019, CoNLL),
1,301 U.S. news headlines coded by people for nine issue-specific frames, read from
``<shared>/validation/framing/gvfc_headlines.csv`` (never copied into the project; the script
stops with a message when it is absent). Codebook: ``analysis/data/codebooks/examples/gvfc.yaml``,
written from the frame definitions and the calibration headlines only.

Workflow (the one a researcher follows with their own coded sample):

1. every headline becomes a one-sentence story whose ``story_id`` is its GVFC id
   (:func:`analysis.framing.coded_samples.corpus_from_coded`), analysed with
   ``analysis.analyze(corpus, codebooks=[gvfc.yaml])``; :func:`story_features` per headline;
2. the headlines are split once (:func:`split_coded`: seed 0, stratified by the first coded
   frame) into 30 % calibration and 70 % evaluation;
3. :func:`calibrate` fits one rule per frame on the 30 % and reports its own nested
   out-of-fold agreement there;
4. the fitted rules code the 70 %, and :func:`held_out_agreement` reports Krippendorff's alpha,
   Cohen's kappa, precision, recall and F1 with bootstrap 95 % intervals, per frame and macro
   (the mean over frames), beside the blind rule at thresholds 2 and 1 and "always present".

Run: ``.venv/bin/python benchmarks/gvfc_calibration.py``. Deterministic: the same data give the
same output, byte for byte (no timings are printed).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402

from analysis import analyze, config  # noqa: E402
from analysis.framing import load_codebook  # noqa: E402
from analysis.framing.calibration import Calibration, calibrate, story_features  # noqa: E402
from analysis.framing.codebook import CODEBOOK_DIR  # noqa: E402
from analysis.framing.coded_samples import (  # noqa: E402
    codes_from_coded,
    corpus_from_coded,
    held_out_agreement,
    split_coded,
)

#: The codebook of the worked example.
CODEBOOK = CODEBOOK_DIR / "examples" / "gvfc.yaml"
#: Share of the headlines used to calibrate; the rest is the evaluation part.
CALIBRATION_FRACTION = 0.3
#: Seed of the split, the folds and the bootstrap.
SEED = 0
#: Thresholds of the blind rule shown beside the calibrated rules (headlines are short, so 1 too).
BLIND_THRESHOLDS = (2.0, 1.0)
_STATS = ("alpha", "kappa", "precision", "recall", "f1")


def gvfc_csv() -> Path:
    """Where the GVFC headlines live: ``<shared>/validation/framing/gvfc_headlines.csv``."""
    return config.shared_dir() / "validation" / "framing" / "gvfc_headlines.csv"


def missing_data() -> str | None:
    """Why the worked example cannot run here, or ``None`` when the headlines are present."""
    path = gvfc_csv()
    if not path.is_file():
        return (
            f"GVFC headlines not found at {path} (they live in the shared folder beside a "
            "checkout; set ANALYSIS_SHARED_DIR to point elsewhere)"
        )
    return None


@dataclass(frozen=True)
class GvfcResult:
    """What the worked example measures."""

    n_calibration: int
    n_evaluation: int
    calibration: Calibration
    held_out: pd.DataFrame


def run(*, n_boot: int = 1000, seed: int = SEED) -> GvfcResult:
    """The 30/70 workflow on the GVFC headlines (see the module docstring)."""
    book = load_codebook(CODEBOOK)
    table = pd.read_csv(gvfc_csv(), dtype={"id": str, "headline": str}, keep_default_na=False)
    corpus = corpus_from_coded(table, id_column="id", text_column="headline")
    result = analyze(corpus, codebooks=[book], terms=False, cache=False, workers=1, progress=False)
    features = story_features(result.frame_hits[book.name], corpus.stories, codebook=book)
    part, rest = split_coded(table, fraction=CALIBRATION_FRACTION, seed=SEED)
    coded_part = codes_from_coded(part, id_column="id", codebook=book)
    coded_rest = codes_from_coded(rest, id_column="id", codebook=book)
    calibration = calibrate(features, coded_part, codebook=book, n_boot=n_boot, seed=seed)
    held_out = held_out_agreement(
        calibration,
        features,
        coded_rest,
        blind_thresholds=BLIND_THRESHOLDS,
        n_boot=n_boot,
        seed=seed,
    )
    return GvfcResult(len(part), len(rest), calibration, held_out)


def _cell(row: pd.Series) -> str:
    if pd.isna(row["low"]):
        return f"{row['value']:.2f}"
    return f"{row['value']:.2f} [{row['low']:.2f}, {row['high']:.2f}]"


def interval_table(table: pd.DataFrame, coder: str = "calibrated") -> pd.DataFrame:
    """One coder's statistics per frame as ``value [low, high]`` text (frames in table order)."""
    rows = table[(table["coder"] == coder) & table["statistic"].isin(_STATS)]
    cells = rows.assign(cell=rows.apply(_cell, axis=1))
    out = cells.pivot(index="category", columns="statistic", values="cell")
    return out.reindex(index=list(dict.fromkeys(rows["category"])), columns=list(_STATS))


def comparison_table(
    table: pd.DataFrame, statistics: tuple[str, ...] = ("kappa", "f1")
) -> pd.DataFrame:
    """Point values of ``statistics`` per frame (rows) and coder (columns), rounded to 2."""
    rows = table[table["statistic"].isin(statistics)]
    out = rows.pivot_table(
        index="category", columns=["statistic", "coder"], values="value", sort=False
    )
    return out.reindex(columns=list(statistics), level=0).round(2)


def main() -> int:
    reason = missing_data()
    if reason is not None:
        print(reason)
        return 1
    result = run()
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 20)
    cal = result.calibration
    print(
        f"GVFC headlines: {result.n_calibration} calibration (30 %), "
        f"{result.n_evaluation} evaluation (70 %); codebook {CODEBOOK.name}\n"
    )
    print("Rules fitted on the calibration headlines (nested out-of-fold F1 and kappa there):")
    print(cal.describe_rules().round(3).to_string(index=False))
    print("\nCalibration part, nested out of fold:")
    print(comparison_table(cal.agreement).to_string())
    print(
        f"\nHeld-out evaluation ({result.n_evaluation} headlines), calibrated rules, "
        "value [95 % bootstrap interval]:"
    )
    print(interval_table(result.held_out).to_string())
    print("\nHeld-out evaluation, every coder:")
    print(comparison_table(result.held_out).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
