"""Calibrate a codebook's frame decisions on a hand-coded sample and measure them honestly.

The blind rule (a frame is present when its evidence score reaches a threshold, 2 by default)
is the same for every frame and every corpus. Content analysts instead fit the decision on a
sample they coded by hand and report agreement on stories the fit did not see (Krippendorff 2018,
ch. 12; Grimmer & Stewart 2013, "validate, validate, validate"). The workflow:

1. :func:`coding_sheet` draws a sample stratified by group (proportional allocation, at least one
   story per group, a fixed ``seed``) and lays it out for coders: story id, group, title, URL,
   text, one empty 0/1 column per frame; :func:`write_coding_sheet` writes it spreadsheet-safe.
2. :func:`read_coded_sample` reads the coded sheet back, naming the file, line and column of any
   cell that is not 0/1.
3. :func:`calibrate` fits, per frame, a decision rule on the coded stories' features
   (:func:`story_features`: evidence score, hits per 1,000 words, sentences carrying the frame,
   hits per detector). Two candidates: a **threshold** on the evidence score chosen to maximise
   F1, and an L2-regularised **logistic regression** (scikit-learn, balanced class weights) on
   the standardised features. The candidate is chosen per frame by cross-validated F1 on the
   sample only.
4. Agreement is measured **out of fold** with nested cross-validation: in each of ``folds`` outer
   folds the choice and the fit above are made on the other folds only, and the held-out stories
   are coded by that rule. Alpha, kappa, precision, recall and F1 with bootstrap intervals
   (:mod:`analysis.agreement`) are reported beside the blind rule and the "always present" rule.
5. :func:`apply_calibration` codes every story of the corpus with the rules fitted on the whole
   sample; :meth:`Calibration.describe_rules` says which rule each frame uses, on how many coded
   stories, with what out-of-fold agreement. Calibrations are saved and loaded as JSON
   (:meth:`Calibration.to_json`, :func:`load_calibration`) so every later report can state them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from analysis._checks import positive_int, require_columns
from analysis.agreement import agreement_table, baseline_codes
from analysis.errors import CorpusError, ParameterError
from analysis.framing.codebook import Codebook, load_codebook
from analysis.framing.summary import DEFAULT_THRESHOLD, frame_summary
from analysis.safe import output_path, safe_filename, write_csv

__all__ = [
    "Calibration",
    "FrameRule",
    "apply_calibration",
    "calibrate",
    "coding_sheet",
    "frame_columns",
    "load_calibration",
    "read_coded_sample",
    "report_rules",
    "save_calibration",
    "story_decisions",
    "story_features",
    "write_coding_sheet",
]

#: Column prefix of the 0/1 frame columns in a coding sheet.
CODE_PREFIX: Final = "frame_"
#: Characters of article text put in a coding sheet (the full text is one click away via URL).
SHEET_TEXT_CHARS: Final = 4000
#: Inverse regularisation strength of the logistic candidate (scikit-learn's ``C``).
LOGISTIC_C: Final = 1.0
#: Inner folds used to choose between the threshold and the logistic rule.
INNER_FOLDS: Final = 3
_BASE_FEATURES: Final = ("score", "intensity", "n_frame_sentences")


# --------------------------------------------------------------------------- features


def story_features(
    hits: pd.DataFrame, stories: pd.DataFrame, *, codebook: Codebook | str | Path = "generic"
) -> pd.DataFrame:
    """Per (story, frame) the features a rule may use, one row each.

    Returns:
        Columns ``story_id``, ``frame``, ``score``, ``intensity``, ``n_frame_sentences`` and one
        ``det_<detector>`` column per detector of the frame (hits of that detector in the
        story); sorted by story order then codebook frame order.
    """
    book = load_codebook(codebook)
    summary = frame_summary(hits, stories, codebook=book, group="story_id")
    base = summary[["story_id", "frame", *_BASE_FEATURES]].copy()
    base["frame"] = base["frame"].astype(str)
    if len(hits):
        counts = (
            hits.assign(frame=hits["frame"].astype(str), det="det_" + hits["detector"].astype(str))
            .groupby(["story_id", "frame", "det"], observed=True)
            .size()
            .unstack("det", fill_value=0)
            .reset_index()
        )
        base = base.merge(counts, on=["story_id", "frame"], how="left")
    det_cols = [c for c in base.columns if c.startswith("det_")]
    base[det_cols] = base[det_cols].fillna(0).astype("int64")
    return base.reset_index(drop=True)


def _frame_matrix(features: pd.DataFrame, frame: str, ids: pd.Index) -> pd.DataFrame:
    rows = features[features["frame"] == frame].set_index("story_id")
    rows = rows.reindex(ids)
    if rows["score"].isna().any():
        missing = rows.index[rows["score"].isna()].tolist()[:5]
        raise ParameterError(
            f"no features for coded stories {missing} (frame {frame!r}); code stories of the "
            "corpus you analysed"
        )
    used = [*_BASE_FEATURES, *[c for c in rows.columns if c.startswith("det_")]]
    return rows[used].fillna(0).astype("float64")


# --------------------------------------------------------------------------- the coding sheet


def coding_sheet(
    stories: pd.DataFrame,
    *,
    codebook: Codebook | str | Path = "generic",
    n: int = 100,
    group: str | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """A stratified random sample of stories laid out for hand coding.

    Args:
        stories: the corpus' stories table.
        codebook: the frames to code (one empty column ``frame_<id>`` each).
        n: stories to draw (all when the corpus has fewer).
        group: stories column to stratify by (proportional allocation, at least one story per
            group when ``n`` allows); ``None`` for a simple random sample.
        seed: seed of the draw.

    Returns:
        ``story_id``, ``group``, ``title``, ``url``, ``text`` (cut to
        :data:`SHEET_TEXT_CHARS`), one empty column per frame, ``notes``; in draw order.
    """
    book = load_codebook(codebook)
    n = positive_int(n, "n")
    require_columns(stories, ["story_id", "text"], "stories")
    rng = np.random.default_rng(seed)
    if group is None:
        labels = pd.Series("all", index=stories.index)
    else:
        require_columns(stories, [group], "stories")
        labels = stories[group].astype(object).where(stories[group].notna(), "(missing)")
    chosen: list[int] = []
    sizes = labels.value_counts(sort=False)
    quota = _allocate(sizes, min(n, len(stories)))
    for value, k in quota.items():
        members = np.flatnonzero((labels == value).to_numpy())
        chosen.extend(rng.choice(members, size=k, replace=False).tolist())
    picked = stories.iloc[sorted(chosen)]
    sheet = pd.DataFrame(
        {
            "story_id": picked["story_id"].astype(str).to_numpy(),
            "group": labels.iloc[sorted(chosen)].astype(str).to_numpy(),
            "title": picked.get("title", pd.Series("", index=picked.index)).fillna("").to_numpy(),
            "url": picked.get("url", pd.Series("", index=picked.index)).fillna("").to_numpy(),
            "text": picked["text"].str.slice(0, SHEET_TEXT_CHARS).to_numpy(),
        }
    )
    for frame in book.frames:
        sheet[CODE_PREFIX + frame.id] = ""
    sheet["notes"] = ""
    return sheet


def _allocate(sizes: pd.Series, n: int) -> dict[Any, int]:
    """Proportional allocation with at least one per group (largest remainders)."""
    total = int(sizes.sum())
    base = {g: min(int(s), max(1, int(n * s / total))) for g, s in sizes.items()}
    while sum(base.values()) > n:
        g = max(base, key=lambda k: (base[k], str(k)))
        base[g] -= 1
    remainders = sorted(sizes.items(), key=lambda kv: (-(n * kv[1] / total) % 1, str(kv[0])))
    i = 0
    while sum(base.values()) < n and i < 10 * len(sizes) + n:
        g, s = remainders[i % len(remainders)]
        if base[g] < s:
            base[g] += 1
        i += 1
    return {g: k for g, k in base.items() if k > 0}


def frame_columns(columns: Iterable[str], book: Codebook) -> dict[str, str]:
    """Frame id -> the column of a coded table holding its codes (``frame_<id>`` or ``<id>``);
    frames without a column are left out."""
    present = set(columns)
    found = {}
    for frame in book.frames:
        name = next((n for n in (CODE_PREFIX + frame.id, frame.id) if n in present), None)
        if name is not None:
            found[frame.id] = name
    return found


def write_coding_sheet(sheet: pd.DataFrame, out_dir: str | Path, name: str) -> Path:
    """Write a coding sheet as a spreadsheet-safe CSV inside ``out_dir`` (see
    :func:`analysis.safe.write_csv`)."""
    return write_csv(sheet, out_dir, safe_filename(name) + ".csv")


def read_coded_sample(
    path: str | Path, *, codebook: Codebook | str | Path = "generic"
) -> pd.DataFrame:
    """A coded sheet read back: index ``story_id``, one 0/1 column per frame id.

    Columns may be named ``frame_<id>`` or ``<id>``; other columns are ignored. Rows whose frame
    cells are all empty are left out (not coded yet).

    Raises:
        CorpusError: a missing file or column, a duplicate story id, or a cell that is not 0/1
            (naming the file, line and column).
    """
    book = load_codebook(codebook)
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise CorpusError(f"cannot read the coded sample: {exc}", path=path) from exc
    if "story_id" not in table.columns:
        raise CorpusError(
            f"the coded sample has no story_id column; its columns are {list(table.columns)}",
            path=path,
        )
    columns = frame_columns(table.columns, book)
    absent = [f.id for f in book.frames if f.id not in columns]
    if absent:
        raise CorpusError(
            f"no column for frame {absent[0]!r} (expected {CODE_PREFIX + absent[0]!r})",
            path=path,
        )
    codes = table[list(columns.values())].apply(lambda s: s.str.strip())
    coded = codes.ne("").any(axis=1)
    out = {}
    for frame_id, column in columns.items():
        values = codes.loc[coded, column]
        bad = ~values.isin({"0", "1", "0.0", "1.0"})
        if bad.any():
            row = int(values.index[bad.to_numpy()][0])
            raise CorpusError(
                f"line {row + 2}, column {column!r}: {values[row]!r} is not a 0/1 code; write 1 "
                "when the frame is present, 0 when it is not",
                path=path,
            )
        out[frame_id] = values.astype(float).astype("int8").to_numpy()
    ids = table.loc[coded, "story_id"].str.strip()
    duplicated = ids[ids.duplicated()]
    if len(duplicated):
        raise CorpusError(
            f"story_id {duplicated.iloc[0]!r} is coded twice "
            f"(line {int(duplicated.index[0]) + 2})",
            path=path,
        )
    return pd.DataFrame(out, index=pd.Index(ids.to_numpy(), name="story_id"))


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class FrameRule:
    """The decision rule of one frame: a threshold on the score, or a logistic model."""

    frame: str
    kind: str  # "threshold" | "logistic" | "constant"
    threshold: float = DEFAULT_THRESHOLD
    features: tuple[str, ...] = ()
    mean: tuple[float, ...] = ()
    scale: tuple[float, ...] = ()
    coef: tuple[float, ...] = ()
    intercept: float = 0.0

    def decide(self, x: pd.DataFrame) -> np.ndarray:
        """0/1 codes for the rows of a feature table."""
        if self.kind == "threshold":
            return (x["score"].to_numpy() >= self.threshold).astype("int8")
        if self.kind == "constant":
            return np.full(len(x), int(self.threshold), dtype="int8")
        cols = x.reindex(columns=list(self.features), fill_value=0.0).to_numpy("float64")
        z = (cols - np.asarray(self.mean)) / np.asarray(self.scale)
        return (z @ np.asarray(self.coef) + self.intercept > 0).astype("int8")


def _f1(y: np.ndarray, p: np.ndarray) -> float:
    tp = int(((y == 1) & (p == 1)).sum())
    denom = int((y == 1).sum() + (p == 1).sum())
    return 2 * tp / denom if denom else 1.0


def _fit_threshold(frame: str, x: pd.DataFrame, y: np.ndarray) -> FrameRule:
    scores = np.unique(np.concatenate([x["score"].to_numpy(), [np.inf]]))
    best = max(
        scores, key=lambda t: (_f1(y, (x["score"].to_numpy() >= t).astype("int8")), -abs(t - 2))
    )
    return FrameRule(frame, "threshold", threshold=float(best))


def _fit_logistic(frame: str, x: pd.DataFrame, y: np.ndarray, seed: int) -> FrameRule:
    from sklearn.linear_model import LogisticRegression

    if np.unique(y).size < 2:
        return FrameRule(frame, "constant", threshold=float(y[0]) if len(y) else 0.0)
    mean = x.mean().to_numpy()
    scale = x.std(ddof=0).replace(0, 1.0).to_numpy()
    model = LogisticRegression(
        C=LOGISTIC_C, class_weight="balanced", max_iter=1000, random_state=seed
    )
    model.fit((x.to_numpy() - mean) / scale, y)
    return FrameRule(
        frame,
        "logistic",
        features=tuple(x.columns),
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        coef=tuple(float(v) for v in model.coef_[0]),
        intercept=float(model.intercept_[0]),
    )


def _folds(y: np.ndarray, k: int, seed: int) -> list[np.ndarray]:
    """Stratified fold labels (each class dealt round-robin after a seeded shuffle)."""
    rng = np.random.default_rng(seed)
    labels = np.empty(len(y), dtype=int)
    for value in (0, 1):
        idx = np.flatnonzero(y == value)
        rng.shuffle(idx)
        labels[idx] = np.arange(len(idx)) % k
    return [np.flatnonzero(labels == f) for f in range(k)]


def _choose_rule(frame: str, x: pd.DataFrame, y: np.ndarray, seed: int) -> FrameRule:
    """Threshold or logistic, whichever has the better inner cross-validated F1."""
    k = min(INNER_FOLDS, max(2, int(min((y == 1).sum(), (y == 0).sum()))))
    if min((y == 1).sum(), (y == 0).sum()) < 2:
        return _fit_threshold(frame, x, y)
    preds = {"threshold": np.zeros(len(y), "int8"), "logistic": np.zeros(len(y), "int8")}
    for test in _folds(y, k, seed):
        train = np.setdiff1d(np.arange(len(y)), test)
        xt, yt = x.iloc[train], y[train]
        preds["threshold"][test] = _fit_threshold(frame, xt, yt).decide(x.iloc[test])
        preds["logistic"][test] = _fit_logistic(frame, xt, yt, seed).decide(x.iloc[test])
    if _f1(y, preds["logistic"]) > _f1(y, preds["threshold"]):
        return _fit_logistic(frame, x, y, seed)
    return _fit_threshold(frame, x, y)


# --------------------------------------------------------------------------- calibration


@dataclass
class Calibration:
    """Rules fitted on a coded sample, with their out-of-fold agreement."""

    codebook: str
    rules: dict[str, FrameRule]
    n_coded: int
    agreement: pd.DataFrame = field(repr=False)
    out_of_fold: pd.DataFrame = field(repr=False)

    def describe_rules(self) -> pd.DataFrame:
        """One row per frame: rule kind, threshold, coded stories, out-of-fold F1 and kappa."""
        table = self.agreement
        calibrated = table[table["coder"] == "calibrated"]
        stat = calibrated.pivot_table(index="category", columns="statistic", values="value")
        rows = []
        for frame, rule in self.rules.items():
            rows.append(
                {
                    "frame": frame,
                    "rule": rule.kind,
                    "threshold": rule.threshold if rule.kind == "threshold" else np.nan,
                    "n_coded": self.n_coded,
                    "f1": float(stat.loc[frame, "f1"]) if frame in stat.index else np.nan,
                    "kappa": float(stat.loc[frame, "kappa"]) if frame in stat.index else np.nan,
                }
            )
        return pd.DataFrame(rows)

    def to_json(self, path: str | Path) -> Path:
        """Save the rules (not the sample) as JSON."""
        data = {
            "codebook": self.codebook,
            "n_coded": self.n_coded,
            "rules": [rule.__dict__ for rule in self.rules.values()],
            "agreement": json.loads(self.agreement.to_json(orient="records")),
        }
        path = Path(path)
        path.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        return path


def save_calibration(calibration: Calibration, out_dir: str | Path, name: str) -> Path:
    """Write the calibration as ``out_dir/tables/calibration-<name>.json`` (the path checked by
    :func:`analysis.safe.output_path`)."""
    path = output_path(out_dir, "tables", f"calibration-{safe_filename(name)}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    return calibration.to_json(path)


def load_calibration(path: str | Path) -> Calibration:
    """A calibration saved by :meth:`Calibration.to_json`."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        rules = {
            r["frame"]: FrameRule(
                **{k: tuple(v) if isinstance(v, list) else v for k, v in r.items()}
            )
            for r in data["rules"]
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ParameterError(f"{path}: not a calibration file ({exc})") from exc
    return Calibration(
        codebook=data["codebook"],
        rules=rules,
        n_coded=int(data["n_coded"]),
        agreement=pd.DataFrame(data.get("agreement", [])),
        out_of_fold=pd.DataFrame(),
    )


def calibrate(
    features: pd.DataFrame,
    coded: pd.DataFrame,
    *,
    codebook: Codebook | str | Path = "generic",
    folds: int = 5,
    seed: int = 0,
    n_boot: int = 1000,
    blind_threshold: float = DEFAULT_THRESHOLD,
) -> Calibration:
    """Fit one rule per frame on the coded stories and measure it out of fold.

    Args:
        features: :func:`story_features` of the corpus the coded stories come from.
        coded: :func:`read_coded_sample` (index ``story_id``, one 0/1 column per frame).
        codebook: the codebook the features were computed with.
        folds: outer cross-validation folds for the out-of-fold agreement.
        seed: seed of the folds, the bootstrap and the logistic solver.
        n_boot: bootstrap resamples of each agreement interval.
        blind_threshold: the uncalibrated rule's threshold, reported for comparison.
    """
    book = load_codebook(codebook)
    folds = positive_int(folds, "folds", minimum=2)
    frames = [f.id for f in book.frames if f.id in coded.columns]
    if not frames:
        raise ParameterError(f"the coded sample has no column of codebook {book.name!r}")
    ids = coded.index
    oof = pd.DataFrame(index=ids, columns=frames, dtype="int8")
    blind = pd.DataFrame(index=ids, columns=frames, dtype="int8")
    rules = {}
    for frame in frames:
        x = _frame_matrix(features, frame, ids)
        y = coded[frame].to_numpy("int8")
        blind[frame] = (x["score"].to_numpy() >= blind_threshold).astype("int8")
        for test in _folds(y, min(folds, len(y)), seed):
            train = np.setdiff1d(np.arange(len(y)), test)
            rule = _choose_rule(frame, x.iloc[train], y[train], seed)
            oof.iloc[test, oof.columns.get_loc(frame)] = rule.decide(x.iloc[test])
        rules[frame] = _choose_rule(frame, x, y, seed)
    human = coded[frames].astype("int8")
    coders = {"calibrated": oof.astype("int8"), "blind": blind.astype("int8")}
    coders["always present"] = baseline_codes(human)["always present"]
    table = agreement_table(human, coders, n_boot=n_boot, seed=seed)
    return Calibration(book.name, rules, len(ids), table, oof.astype("int8"))


def apply_calibration(calibration: Calibration, features: pd.DataFrame) -> pd.DataFrame:
    """Code every story with the calibrated rules: ``story_id``, ``frame``, ``present``."""
    require_columns(features, ["story_id", "frame", "score"], "features")
    parts = []
    for frame, rule in calibration.rules.items():
        rows = features[features["frame"] == frame]
        ids = pd.Index(rows["story_id"])
        x = _frame_matrix(features, frame, ids)
        parts.append(
            pd.DataFrame({"story_id": ids, "frame": frame, "present": rule.decide(x).astype(bool)})
        )
    if not parts:
        return pd.DataFrame(columns=["story_id", "frame", "present"])
    return pd.concat(parts, ignore_index=True)


def report_rules(
    hits: pd.DataFrame,
    stories: pd.DataFrame,
    *,
    codebook: Codebook | str | Path = "generic",
    coded_sample: str | Path | None = None,
    frame_rules: str | Path | None = None,
    seed: int = 0,
) -> Calibration | None:
    """The rules a report's frame decisions use: ``None`` for the blind rule.

    ``frame_rules`` is a calibration saved by the frame validation report
    (``tables/calibration-<codebook>.json``); ``coded_sample`` a coded sheet, calibrated here
    exactly as the frame validation report does (same folds and seed, so the same rules; the
    point estimates of agreement do not depend on the bootstrap, which is kept small here).

    Raises:
        ParameterError: both given, or saved rules of another codebook.
    """
    book = load_codebook(codebook)
    if coded_sample and frame_rules:
        raise ParameterError("give coded_sample or frame_rules, not both")
    if frame_rules:
        calibration = load_calibration(frame_rules)
        if calibration.codebook != book.name:
            raise ParameterError(
                f"{frame_rules}: rules of codebook {calibration.codebook!r}, but the report "
                f"uses {book.name!r}"
            )
        return calibration
    if not coded_sample:
        return None
    features = story_features(hits, stories, codebook=book)
    coded = read_coded_sample(coded_sample, codebook=book)
    return calibrate(features, coded, codebook=book, seed=seed, n_boot=100)


def story_decisions(
    calibration: Calibration | None,
    hits: pd.DataFrame,
    stories: pd.DataFrame,
    *,
    codebook: Codebook | str | Path = "generic",
) -> pd.DataFrame | None:
    """Per (story, frame) decisions of ``calibration`` for ``frame_summary(decisions=…)``;
    ``None`` for the blind rule."""
    if calibration is None:
        return None
    return apply_calibration(calibration, story_features(hits, stories, codebook=codebook))
