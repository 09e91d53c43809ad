"""Hand-coded samples that arrive as a table: split them once, code them, report held out.

A researcher who already holds stories coded by people (a published frame corpus, or their own
coding sheet) needs four things around :func:`analysis.framing.calibration.calibrate`:

- :func:`split_coded` splits the coded units **once**, deterministically, into a *calibration*
  part (to write detectors and fit the decision rules on) and an *evaluation* part (to report
  agreement on, and never to look at while writing). The split is stratified by each unit's
  **first code**: the first code column, in column order, holding a 1 (``"(none)"`` when no
  column does). Strata are taken in the sorted order of their labels; within each, the units
  are shuffled by one generator seeded by ``seed`` and the first ones go to calibration.
  Stratum sizes follow the largest-remainder rule: each stratum gets ``floor(fraction * size)``
  units, and the units left over to reach ``round(fraction * n)`` go to the strata with the
  largest remainders (ties: the label that sorts first).
  This is the held-out design of Krippendorff (2018, *Content Analysis*, ch. 12) and Grimmer &
  Stewart (2013, "validate, validate, validate"): agreement is measured on units the
  instrument was not written or tuned on.
- :func:`corpus_from_coded` builds a :class:`~analysis.corpus.Corpus` from the table's text
  column, keeping its ids as ``story_id`` (so codes and features line up).
- :func:`codes_from_coded` gives the codes in the shape :func:`calibrate` expects (the shape of
  :func:`~analysis.framing.calibration.read_coded_sample`): index ``story_id``, one 0/1 column
  per frame of a codebook.
- :func:`held_out_agreement` codes the evaluation units with the rules
  :func:`~analysis.framing.calibration.calibrate` fitted on the calibration units, and reports
  their agreement with the people (:func:`analysis.agreement.agreement_table`: alpha, kappa,
  precision, recall, F1 with bootstrap intervals) beside the blind rule at one or more
  thresholds (a frame is present when its evidence score reaches the threshold) and the
  "always present" rule. Nothing is fitted on the evaluation units.

None of these functions mutates its input.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from analysis._checks import require_columns
from analysis.agreement import agreement_table, baseline_codes
from analysis.corpus import Corpus, from_dataframe
from analysis.errors import ParameterError
from analysis.framing.calibration import Calibration, apply_calibration, frame_columns
from analysis.framing.codebook import Codebook, load_codebook
from analysis.framing.summary import DEFAULT_THRESHOLD

__all__ = [
    "NO_CODE",
    "codes_from_coded",
    "corpus_from_coded",
    "first_code",
    "held_out_agreement",
    "split_coded",
]

#: Stratum of a unit whose code columns are all 0.
NO_CODE: Final = "(none)"
#: Prefix of the code columns in a coding sheet (``frame_<id>``), as in the calibration module.
CODE_PREFIX: Final = "frame_"


def _code_columns(coded: pd.DataFrame, codes: Sequence[str] | None) -> list[str]:
    """The 0/1 code columns: ``codes``, else the ``frame_*`` columns, else every column."""
    require_columns(coded, list(codes or []), "coded")
    if codes is not None:
        columns = list(codes)
    else:
        columns = [c for c in coded.columns if str(c).startswith(CODE_PREFIX)]
        columns = columns or list(coded.columns)
    if not columns:
        raise ParameterError("coded has no code column; pass codes=[...] naming the 0/1 columns")
    for column in columns:
        values = coded[column]
        bad = ~values.isin([0, 1, True, False])
        if bad.any():
            position = int(np.argmax(bad.to_numpy()))
            raise ParameterError(
                f"coded column {column!r} must hold 0/1 codes; row {position} holds "
                f"{values.tolist()[position]!r} (pass codes=[...] naming the code columns only)"
            )
    return columns


def first_code(coded: pd.DataFrame, *, codes: Sequence[str] | None = None) -> pd.Series:
    """Each unit's first code: the name of its first code column holding a 1.

    Args:
        coded: one row per coded unit.
        codes: the 0/1 code columns, in the order that decides "first"; ``None``: the columns
            named ``frame_*`` when there are any, else every column.

    Returns:
        A Series aligned with ``coded`` (same index), :data:`NO_CODE` where no code is 1.

    Raises:
        ParameterError: a code column that is missing or holds something other than 0/1.

    >>> table = pd.DataFrame({"frame_a": [0, 1, 0], "frame_b": [1, 1, 0]})
    >>> first_code(table).tolist()
    ['frame_b', 'frame_a', '(none)']
    """
    columns = _code_columns(coded, codes)
    values = coded[columns].astype("int8").to_numpy()
    has_code = values.any(axis=1) if len(columns) else np.zeros(len(coded), bool)
    first = np.asarray(columns, dtype=object)[values.argmax(axis=1)] if len(coded) else []
    return pd.Series(
        np.where(has_code, first, NO_CODE), index=coded.index, dtype=object, name="first_code"
    )


def _quotas(sizes: pd.Series, fraction: float) -> dict[Any, int]:
    """Largest-remainder allocation of ``round(fraction * n)`` units over the strata."""
    wanted = {s: fraction * int(n) for s, n in sizes.items()}
    quota = {s: math.floor(w) for s, w in wanted.items()}
    left = round(fraction * int(sizes.sum())) - sum(quota.values())
    order = sorted(wanted, key=lambda s: -(wanted[s] - quota[s]))  # stable: ties keep order
    for stratum in order[: max(left, 0)]:
        quota[stratum] += 1
    return quota


def split_coded(
    coded: pd.DataFrame,
    *,
    fraction: float = 0.3,
    seed: int = 0,
    stratify_by_first_code: bool = True,
    codes: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split coded units into a calibration part and an evaluation part, once and for good.

    Args:
        coded: one row per coded unit (any other columns are carried along).
        fraction: share of the units put in the calibration part (0 < fraction < 1); the
            calibration part has ``round(fraction * len(coded))`` units.
        seed: seed of the shuffle (the same table and seed give the same split).
        stratify_by_first_code: keep each first code's share (see :func:`first_code`) the same
            in both parts; ``False``: a simple random split.
        codes: the 0/1 code columns (see :func:`first_code`); only used to stratify.

    Returns:
        ``(calibration, evaluation)``: two copies of rows of ``coded``, each in the input's row
        order; together they hold every row exactly once.

    Raises:
        ParameterError: ``fraction`` outside (0, 1), or bad code columns.

    >>> table = pd.DataFrame({"frame_a": [1, 1, 1, 0, 0, 0, 0, 0, 0, 0]})
    >>> calibration, evaluation = split_coded(table, fraction=0.3)
    >>> len(calibration), len(evaluation), int(calibration["frame_a"].sum())
    (3, 7, 1)
    """
    require_columns(coded, [], "coded")
    if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not 0 < fraction < 1:
        raise ParameterError(f"fraction must be a number between 0 and 1, got {fraction!r}")
    if stratify_by_first_code:
        strata = first_code(coded, codes=codes).to_numpy()
    else:
        strata = np.full(len(coded), "all", dtype=object)
    labels = pd.Series(strata)
    sizes = labels.value_counts(sort=False).sort_index()
    rng = np.random.default_rng(seed)
    chosen: list[int] = []
    for stratum, k in _quotas(sizes, float(fraction)).items():
        members = np.flatnonzero(strata == stratum)
        chosen.extend(rng.permutation(members)[:k].tolist())
    mask = np.zeros(len(coded), dtype=bool)
    mask[chosen] = True
    return coded.iloc[np.flatnonzero(mask)].copy(), coded.iloc[np.flatnonzero(~mask)].copy()


def _ids(table: pd.DataFrame, id_column: str) -> pd.Series:
    require_columns(table, [id_column], "table")
    ids = table[id_column]
    blank = ids.isna() | ids.astype(str).str.strip().eq("")
    if blank.any():
        raise ParameterError(
            f"table column {id_column!r} has an empty id at row {int(np.argmax(blank))}; give "
            "every coded unit an id"
        )
    ids = ids.astype(str).str.strip()
    duplicated = ids[ids.duplicated()]
    if len(duplicated):
        raise ParameterError(
            f"table column {id_column!r} holds the id {duplicated.iloc[0]!r} twice; ids must be "
            "unique to match codes with stories"
        )
    return ids


def corpus_from_coded(
    table: pd.DataFrame,
    *,
    id_column: str = "story_id",
    text_column: str = "text",
    cache: Any = False,
) -> Corpus:
    """A corpus of the coded units' texts, one story per row, with the table's ids as story ids.

    A headline becomes a one-story corpus entry of one sentence (two if it holds two).

    Args:
        table: one row per coded unit.
        id_column: the column of unique ids (kept as ``story_id``).
        text_column: the column of texts.
        cache: the corpus loader's segmentation cache (``False``: none).

    Raises:
        ParameterError: a missing column, or an empty or duplicate id.
        CorpusError: no row with text (rows without text are skipped with a warning and
            listed in ``Corpus.skipped``).

    >>> table = pd.DataFrame({"id": ["h1", "h2"], "headline": ["Guns sold out", "Rally held"]})
    >>> corpus = corpus_from_coded(table, id_column="id", text_column="headline")
    >>> corpus.stories["story_id"].tolist()
    ['h1', 'h2']
    """
    ids = _ids(table, id_column)
    require_columns(table, [text_column], "table")
    frame = pd.DataFrame({"id": ids.to_numpy(), "text": table[text_column].to_numpy()})
    return from_dataframe(frame, text_column="text", id_column="id", name="<coded>", cache=cache)


def codes_from_coded(
    table: pd.DataFrame,
    *,
    id_column: str = "story_id",
    codebook: Codebook | str | Path = "generic",
) -> pd.DataFrame:
    """The codes of a coded table shaped for :func:`~analysis.framing.calibration.calibrate`.

    Args:
        table: one row per coded unit, with an id column and, per frame of ``codebook``, a
            0/1 column named ``frame_<id>`` or ``<id>`` (optional for the fallback frame).
        id_column: the column of unique ids.
        codebook: the codebook whose frames are coded.

    Returns:
        Index ``story_id``; one ``int8`` column per coded frame, named by frame id, in codebook
        order.

    Raises:
        ParameterError: a missing frame column, a code other than 0/1, an empty or duplicate id.

    >>> table = pd.DataFrame({"id": ["h1"], **{f"frame_{f}": [0] for f in
    ...     ["conflict", "human_interest", "economic", "morality", "responsibility"]}})
    >>> codes_from_coded(table, id_column="id").columns.tolist()[:2]
    ['conflict', 'human_interest']
    """
    book = load_codebook(codebook)
    ids = _ids(table, id_column)
    columns = frame_columns(table.columns, book)
    for frame in book.frames:
        if frame.id not in columns and not frame.fallback:
            raise ParameterError(
                f"table has no column for frame {frame.id!r} of codebook {book.name!r} "
                f"(expected {CODE_PREFIX + frame.id!r}); its columns are {list(table.columns)}"
            )
    _code_columns(table, list(columns.values()))
    return pd.DataFrame(
        {frame: table[name].astype("int8").to_numpy() for frame, name in columns.items()},
        index=pd.Index(ids.to_numpy(), name="story_id"),
    )


def held_out_agreement(
    calibration: Calibration,
    features: pd.DataFrame,
    coded: pd.DataFrame,
    *,
    blind_thresholds: Sequence[float] = (DEFAULT_THRESHOLD,),
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Agreement on held-out coded units of the calibrated rules, the blind rule and "always".

    Args:
        calibration: rules fitted by :func:`~analysis.framing.calibration.calibrate` on other
            units (the calibration part of :func:`split_coded`).
        features: :func:`~analysis.framing.calibration.story_features` of a corpus holding the
            held-out units.
        coded: the held-out units' codes (:func:`codes_from_coded`: index ``story_id``, one 0/1
            column per frame); only the frames the calibration has a rule for are scored.
        blind_thresholds: thresholds of the blind rule to report, each as the coder
            ``"blind (threshold <t>)"``.
        n_boot: bootstrap resamples of each interval.
        seed: seed of the bootstrap.

    Returns:
        :func:`analysis.agreement.agreement_table` with the coders ``"calibrated"``, each blind
        rule in the order given, and ``"always present"``; categories in the calibration's
        frame order, then ``"(macro)"``.

    Raises:
        ParameterError: no frame in common, or a held-out unit without features.
    """
    require_columns(features, ["story_id", "frame", "score"], "features")
    frames = [f for f in calibration.rules if f in coded.columns]
    if not frames:
        raise ParameterError(
            f"coded has no column for the calibrated frames {list(calibration.rules)}; its "
            f"columns are {list(coded.columns)}"
        )
    ids = pd.Index(coded.index.astype(str), name="story_id")
    rows = features[features["story_id"].astype(str).isin(ids)]
    missing = ids.difference(pd.Index(rows["story_id"].astype(str).unique()))
    if len(missing):
        raise ParameterError(
            f"no features for coded units {missing[:5].tolist()}; compute the features on a "
            "corpus holding every held-out unit"
        )
    human = coded[frames].set_axis(ids).astype("int8")
    applied = apply_calibration(calibration, rows).astype({"story_id": str})
    calibrated = applied.pivot(index="story_id", columns="frame", values="present")
    coders = {"calibrated": calibrated.reindex(index=ids, columns=frames).astype("int8")}
    score = rows.astype({"story_id": str}).pivot(index="story_id", columns="frame", values="score")
    score = score.reindex(index=ids, columns=frames)
    for threshold in blind_thresholds:
        coders[f"blind (threshold {threshold:g})"] = (score >= threshold).astype("int8")
    coders["always present"] = baseline_codes(human)["always present"]
    return agreement_table(human, coders, n_boot=n_boot, seed=seed)
