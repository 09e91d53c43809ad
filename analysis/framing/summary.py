"""Frames per story and per group of stories: intensity, share, present, dominant.

Method: the story and group decisions of a dictionary (lexical) frame analysis, on the sentence
scores of :func:`analysis.framing.sentence_frames`, for the generic news frames of Semetko &
Valkenburg (2000), *Framing European politics: A content analysis of press and television
news*, Journal of Communication 50(2), 93-109, or the policy frames of Boydstun, Card, Gross,
Resnik & Smith (2014), *Tracking the development of media frames within and across policy
issues* (or any codebook of :mod:`analysis.framing`).

Rules 5-6 of :mod:`analysis.framing`:

5. **Story decision** (:func:`frame_summary`): a frame is *present* in a story when its score
   summed over the story's sentences reaches ``threshold`` (default :data:`DEFAULT_THRESHOLD`:
   two detector-sentence pieces of evidence) in at least ``min_sentences`` sentences (default 1,
   so a two-sentence lead can carry a frame). A codebook's *fallback* frame (the policy
   codebook's ``other``) has no detectors and is present exactly when no other frame is.
6. **Groups** (``group=`` any column of the stories table): counts are summed over the group's
   stories; *intensity* = hits per 1,000 words, *share* = share of sentences carrying the frame,
   ``share_present`` = share of the group's stories where the frame is present, and the frame is
   present in the group when ``share_present >= min_story_share`` (default 0.5; for one story
   this is the story decision). The *dominant* frame(s) of a group are the present frames with
   the highest intensity (ties all dominant); with none present, the fallback frame if present.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis._checks import GROUP_SIZE_COLUMNS, MISSING_GROUP, require_columns
from analysis.errors import ParameterError
from analysis.framing.codebook import Codebook, load_codebook
from analysis.framing.matcher import HIT_COLUMNS, TABLE_HINT, sentence_frames
from analysis.safe import safe_filename, write_csv

__all__ = [
    "DEFAULT_THRESHOLD",
    "MATRIX_VALUES",
    "MISSING_GROUP",
    "SUMMARY_COLUMNS",
    "check_summary",
    "export_frame_matrix",
    "frame_matrix",
    "frame_summary",
    "presence_rates",
]

#: A rule that finds a frame in at least this share of stories hardly separates stories.
FIRES_NEARLY_ALWAYS = 0.9

#: Default story decision: summed sentence scores needed for a frame to be present.
DEFAULT_THRESHOLD = 2.0
#: Columns of :func:`frame_summary` after the group column: one row per (group, frame).
SUMMARY_COLUMNS = [
    "frame",
    "label",
    *GROUP_SIZE_COLUMNS,
    "n_hits",
    "n_frame_sentences",
    "score",
    "intensity",
    "share",
    "n_present",
    "share_present",
    "present",
    "dominant",
]
#: The summary columns :func:`frame_matrix` can spread over frames.
MATRIX_VALUES = ("intensity", "share", "score", "n_hits", "share_present", "present")


def frame_summary(
    hits: pd.DataFrame,
    stories: pd.DataFrame,
    *,
    codebook: Codebook | str | Path = "generic",
    group: str = "story_id",
    threshold: float = DEFAULT_THRESHOLD,
    min_sentences: int = 1,
    min_story_share: float = 0.5,
    decisions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Frames per story or per group of stories: intensity, share, present, dominant.

    Multi-label: every frame gets a row for every group. The decision rules are rules 5-6 of
    the module docstring. Does not mutate its inputs.

    Args:
        hits: :func:`frame_hits` output for these stories, with the same ``codebook``.
        stories: the corpus' stories table (``story_id``, ``n_words``, ``n_sentences``,
            ``is_truncated`` and the ``group`` column).
        codebook: the codebook the hits were computed with.
        group: the stories column to aggregate by (``story_id``, ``outlet``, ``bias_label``,
            ``topic`` …). Missing values form one group named ``"(missing)"`` (the column is
            then compared as text).
        threshold: summed sentence score a frame needs in a story to be present.
        min_sentences: sentences that must carry the frame for it to be present in a story.
        min_story_share: share of a group's stories that must carry a frame for it to be present
            in the group.
        decisions: calibrated story decisions (``story_id``, ``frame``, ``present``; from
            :func:`analysis.framing.calibration.apply_calibration`) that replace the threshold
            rule for the frames they cover; groups then aggregate them by rule 6.

    Returns:
        One row per (group, frame), sorted by group (story order for ``story_id``, else sorted
        values) and frame (codebook order). Columns: the ``group`` column, ``frame``, ``label``,
        ``n_stories``, ``n_words``, ``n_sentences``, ``n_truncated``, ``is_truncated`` (any
        story of the group stops mid-sentence), ``n_hits``, ``n_frame_sentences``, ``score``,
        ``intensity`` (hits per 1,000 words), ``share`` (share of sentences carrying the frame),
        ``n_present`` (stories where present), ``share_present``, ``present``, ``dominant``.

    Raises:
        ParameterError: a missing column, an unknown ``group``, a bad threshold, or hits with
            frames the codebook does not have.
    """
    book = load_codebook(codebook)
    require_columns(hits, HIT_COLUMNS, "hits", hint=TABLE_HINT)
    columns = ["story_id", "n_words", "n_sentences", "is_truncated"]
    require_columns(stories, columns, "stories", hint=TABLE_HINT)
    if not isinstance(group, str) or group not in stories.columns:
        raise ParameterError(
            f"group must be a column of the stories table, got {group!r}; "
            f"the columns are {list(stories.columns)}"
        )
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or threshold <= 0:
        raise ParameterError(f"threshold must be a number > 0, got {threshold!r}")
    if isinstance(min_sentences, bool) or not isinstance(min_sentences, int) or min_sentences < 1:
        raise ParameterError(f"min_sentences must be a whole number >= 1, got {min_sentences!r}")
    if not 0 < min_story_share <= 1:
        raise ParameterError(f"min_story_share must be in (0, 1], got {min_story_share!r}")
    unknown = sorted({str(f) for f in pd.unique(hits["frame"])} - set(book.frame_ids))
    if unknown:
        raise ParameterError(
            f"the hits have frames {unknown} that codebook {book.name!r} does not have; "
            "pass the codebook the hits were computed with."
        )
    per_story = _story_frames(hits, stories, book, threshold, min_sentences)
    if decisions is not None:
        per_story = _apply_decisions(per_story, decisions)
    return _group_frames(per_story, stories, book, group, min_story_share)


def _story_frames(
    hits: pd.DataFrame, stories: pd.DataFrame, book: Codebook, threshold: float, min_sent: int
) -> pd.DataFrame:
    sf = sentence_frames(hits)
    agg = (
        sf.assign(frame=sf["frame"].astype("str"))
        .groupby(["story_id", "frame"], sort=False)
        .agg(
            n_hits=("n_hits", "sum"),
            n_frame_sentences=("sentence_id", "size"),
            score=("score", "sum"),
        )
    )
    ids = stories["story_id"].astype("str").tolist()
    frames = book.frame_ids
    grid = pd.MultiIndex.from_product([ids, frames], names=["story_id", "frame"])
    out = agg.reindex(grid).reset_index()
    out["n_hits"] = out["n_hits"].fillna(0).astype("int64")
    out["n_frame_sentences"] = out["n_frame_sentences"].fillna(0).astype("int64")
    out["score"] = out["score"].fillna(0.0).astype("float64")
    present = (out["score"] >= threshold) & (out["n_frame_sentences"] >= min_sent)
    fallback = book.fallback
    if fallback is not None:
        is_fb = out["frame"] == fallback
        any_other = (present & ~is_fb).groupby(out["story_id"], sort=False).transform("any")
        present = present.where(~is_fb, ~any_other)
    out["present"] = present.astype(bool)
    return out


def _apply_decisions(per_story: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """``per_story`` with ``present`` taken from ``decisions`` where they code the frame."""
    require_columns(decisions, ["story_id", "frame", "present"], "decisions")
    keyed = decisions.assign(
        story_id=decisions["story_id"].astype("str"), frame=decisions["frame"].astype("str")
    ).set_index(["story_id", "frame"])["present"]
    keys = pd.MultiIndex.from_arrays([per_story["story_id"], per_story["frame"]])
    coded = keyed.reindex(keys).to_numpy()
    covered = pd.notna(coded)
    out = per_story.copy()
    out.loc[covered, "present"] = coded[covered].astype(bool)
    out["present"] = out["present"].astype(bool)
    return out


def _group_frames(
    per_story: pd.DataFrame, stories: pd.DataFrame, book: Codebook, group: str, min_share: float
) -> pd.DataFrame:
    meta = stories[["story_id", "n_words", "n_sentences", "is_truncated"]].copy()
    meta["story_id"] = meta["story_id"].astype("str")
    if group != "story_id":
        values = stories[group]
        # NaN keys do not compare equal: name them (only then: analysis._checks.group_labels
        # would turn every group value into text)
        if values.isna().any():
            values = values.astype(object).where(values.notna(), MISSING_GROUP).astype("str")
        meta[group] = values.to_numpy()
    data = per_story.merge(meta, on="story_id", how="left", validate="m:1")
    data["is_truncated"] = data["is_truncated"].astype(bool)
    grouped = data.groupby([group, "frame"], sort=False, dropna=False)
    out = grouped.agg(
        n_stories=("story_id", "size"),
        n_words=("n_words", "sum"),
        n_sentences=("n_sentences", "sum"),
        n_truncated=("is_truncated", "sum"),
        n_hits=("n_hits", "sum"),
        n_frame_sentences=("n_frame_sentences", "sum"),
        score=("score", "sum"),
        n_present=("present", "sum"),
    ).reset_index()
    for col in (
        "n_stories",
        "n_words",
        "n_sentences",
        "n_truncated",
        "n_hits",
        "n_frame_sentences",
        "n_present",
    ):
        out[col] = out[col].astype("int64")
    out["is_truncated"] = out["n_truncated"] > 0
    out["intensity"] = _intensity(out["n_hits"], out["n_words"])
    sents = out["n_sentences"].where(out["n_sentences"] > 0)
    out["share"] = (out["n_frame_sentences"] / sents).fillna(0.0).astype("float64")
    out["share_present"] = (out["n_present"] / out["n_stories"]).astype("float64")
    out["present"] = out["share_present"] >= min_share
    out["label"] = out["frame"].map(book.labels()).astype("str")
    out["dominant"] = _dominant(out, group, book)
    out["frame"] = pd.Categorical(out["frame"], dtype=book.frame_dtype())
    if group == "story_id":
        order = {sid: i for i, sid in enumerate(meta["story_id"])}
        out = out.assign(_g=out["story_id"].map(order)).sort_values(["_g", "frame"])
        out = out.drop(columns="_g")
    else:
        out = out.sort_values([group, "frame"], na_position="last", kind="stable")
    return out[[group, *SUMMARY_COLUMNS]].reset_index(drop=True)


def _intensity(n_hits: pd.Series, n_words: pd.Series) -> pd.Series:
    """Hits per 1,000 words, 0 where there are no words.

    Computed as ``hits / words * 1000``: :func:`analysis._checks.per_thousand` computes
    ``1000 * hits / words``, which differs in the last bit for some counts (4 hits in 58
    words), so it would change the tables.
    """
    words = n_words.where(n_words > 0)
    return (n_hits / words * 1000).fillna(0.0).astype("float64")


def _dominant(out: pd.DataFrame, group: str, book: Codebook) -> pd.Series:
    fb = book.fallback
    is_fb = out["frame"] == fb if fb is not None else pd.Series(False, index=out.index)
    candidate = out["present"] & ~is_fb
    best = out["intensity"].where(candidate)
    top = best.groupby(out[group], sort=False, dropna=False).transform("max")
    dominant = candidate & (out["intensity"] == top)
    if fb is not None:
        none_other = ~candidate.groupby(out[group], sort=False, dropna=False).transform("any")
        dominant = dominant | (is_fb & out["present"] & none_other)
    return dominant.astype(bool)


def frame_matrix(
    summary: pd.DataFrame, *, group: str = "story_id", value: str = "intensity"
) -> pd.DataFrame:
    """Groups × frames: one row per group, one column per frame id (codebook order).

    Args:
        summary: :func:`frame_summary` output.
        group: its group column.
        value: one of ``intensity``, ``share``, ``score``, ``n_hits``, ``share_present``,
            ``present``.

    Returns:
        A wide table indexed by the group values (same order as ``summary``).
    """
    check_summary(summary, group)
    if value not in MATRIX_VALUES:
        raise ParameterError(f"value must be one of {list(MATRIX_VALUES)}, got {value!r}")
    order = list(dict.fromkeys(summary[group].tolist()))
    frames = (
        list(summary["frame"].cat.categories)
        if isinstance(summary["frame"].dtype, pd.CategoricalDtype)
        else list(dict.fromkeys(summary["frame"]))
    )
    wide = summary.pivot(index=group, columns="frame", values=value)
    wide = wide.reindex(index=order, columns=[f for f in frames if f in wide.columns])
    wide.columns = pd.Index([str(c) for c in wide.columns], name="frame")
    return wide


def check_summary(summary: pd.DataFrame, group: str) -> None:
    """Raise a ParameterError unless ``summary`` is :func:`frame_summary` output grouped by
    ``group``."""
    require_columns(summary, ["frame", *SUMMARY_COLUMNS[1:]], "summary", hint=TABLE_HINT)
    if group not in summary.columns:
        raise ParameterError(
            f"group {group!r} is not a column of the summary; pass the group it was built with "
            f"(its columns are {list(summary.columns)})"
        )


def export_frame_matrix(
    summary: pd.DataFrame,
    out_dir: str | Path,
    *,
    codebook: str,
    group: str = "story_id",
    value: str = "intensity",
    decimals: int = 4,
) -> Path:
    """Write the groups × frames table as CSV: ``group``, ``n_stories``, ``n_words``,
    ``n_sentences``, ``is_truncated``, then one column per frame.

    The file is ``out_dir/tables/framing-<codebook>-<group>.csv``, both names passed through
    :func:`analysis.safe.safe_filename`, and it is written by :func:`analysis.safe.write_csv`:
    the path is refused if it resolves outside ``out_dir``, and text cells (group values,
    column names) that a spreadsheet would run as a formula are prefixed with ``'``. Floats are
    rounded to ``decimals``; the file is byte-identical for the same input.

    Args:
        summary: :func:`frame_summary` output.
        out_dir: the output folder (``tables/`` is created inside it).
        codebook: the codebook's name (``book.name``), used in the file name.
        group: the summary's group column.
        value: the matrix value (see :func:`frame_matrix`).
        decimals: decimals kept for float values.

    Returns:
        The path written.

    Raises:
        ParameterError: a bad ``summary``, ``group``, ``value`` or ``decimals``, or a path
            outside ``out_dir``.
    """
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise ParameterError(f"decimals must be a whole number >= 0, got {decimals!r}")
    if not isinstance(codebook, str) or not codebook.strip():
        raise ParameterError(
            f"codebook must be the codebook's name (e.g. book.name), got {codebook!r}"
        )
    wide = frame_matrix(summary, group=group, value=value)
    meta = (
        summary.drop_duplicates(group)
        .set_index(group)[["n_stories", "n_words", "n_sentences", "is_truncated"]]
        .reindex(wide.index)
    )
    table = meta.join(wide).reset_index()
    if value != "present":
        table[list(wide.columns)] = table[list(wide.columns)].astype("float64").round(decimals)
    name = f"framing-{safe_filename(codebook)}-{safe_filename(group)}.csv"
    return write_csv(table, out_dir, "tables", name)


def presence_rates(per_story: pd.DataFrame) -> pd.DataFrame:
    """How often each frame's rule fires: the share of stories in which it is present.

    Args:
        per_story: :func:`frame_summary` with ``group="story_id"``.

    Returns:
        One row per frame in codebook order: ``frame``, ``label``, ``n_stories``,
        ``n_present``, ``share_present`` and ``fires_nearly_always`` (share at least
        :data:`FIRES_NEARLY_ALWAYS`: the rule hardly tells stories apart).
    """
    check_summary(per_story, "story_id")
    table = (
        per_story.groupby("frame", observed=True, sort=False)
        .agg(
            label=("label", "first"), n_stories=("story_id", "size"), n_present=("present", "sum")
        )
        .reset_index()
    )
    table["frame"] = table["frame"].astype(str)
    table["n_present"] = table["n_present"].astype("int64")
    table["share_present"] = table["n_present"] / table["n_stories"]
    table["fires_nearly_always"] = table["share_present"] >= FIRES_NEARLY_ALWAYS
    return table
