"""The explorer's tables: everything a click needs, computed once from the shared analysis pass.

Nothing is re-analysed here or later: sentence scores come from
:func:`analysis.pipeline.analyze` (TextBlob/Pattern, De Smedt & Daelemans 2012, and VADER,
Hutto & Gilbert 2014; the default score is their mean), frame triggers from the same pass
(dictionary matching of a codebook, :mod:`analysis.framing.matcher`) and target mentions from
:mod:`analysis.explore.targets`. :func:`explore_tables` lays them out for look-ups:

- one row per sentence (corpus order) with its scores, tone class, group, the frames it hits and
  the targets it mentions; the tone rule is :func:`analysis.sentiment.classify` (clearly
  negative at ``score <= -band``, clearly positive at ``score >= band``, VADER's convention with
  band 0.05);
- boolean matrices (sentence x frame, sentence x target), the tone codes, and the row positions
  of every story and every group, so a filter is a few numpy operations over the chosen rows
  (:func:`filter_rows`) and a summary a few sums (:func:`selection_summary`);
- the triggers and mentions sorted by sentence with offsets, so a sentence's own rows are one
  slice (:func:`sentence_triggers`, :func:`sentence_mentions`);
- one row per story or group (:func:`group_summary`): counts per tone, mean score, sentences per
  frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from analysis._checks import group_labels
from analysis.compare import story_labels
from analysis.compare.cards import check_analysis
from analysis.errors import ParameterError
from analysis.explore.targets import explorer_targets
from analysis.framing import Codebook, load_codebook
from analysis.sentiment import NEUTRAL_BAND, classify, resolve_score

__all__ = [
    "TONES",
    "ExploreTables",
    "explore_tables",
    "filter_rows",
    "group_summary",
    "mention_records",
    "selection_rows",
    "selection_summary",
    "sentence_mentions",
    "sentence_triggers",
    "trigger_records",
]

#: Tone classes, in the order of their codes -1, 0, 1.
TONES: Final = ("negative", "neutral", "positive")
#: Score columns of the sentence table, as the shared pass names them.
SCORE_COLUMNS: Final = (
    "vader_compound",
    "vader_pos",
    "vader_neu",
    "vader_neg",
    "textblob_polarity",
    "textblob_subjectivity",
    "vader_textblob_mean",
)
#: Columns of the trigger table.
TRIGGER_COLUMNS: Final = (
    "row",
    "frame",
    "detector",
    "pattern",
    "match",
    "sentence_start",
    "sentence_end",
    "weight",
)


@dataclass(frozen=True, eq=False)
class ExploreTables:
    """Pre-computed tables and indexes of one explorer (see :func:`explore_tables`).

    Attributes:
        sentences: one row per sentence, corpus order: ``story_id``, ``sentence_id``,
            ``sentence_index``, ``group``, ``text``, the score columns, ``score`` (the chosen
            one), ``tone`` (``negative``/``neutral``/``positive``), ``frames`` and ``targets``
            (``", "``-joined ids and labels), ``n_triggers``.
        triggers: one row per frame trigger, sorted by ``row`` (the sentence's position).
        mentions: one row per (sentence, target), sorted by ``row``.
        stories: the corpus' stories with ``group`` and ``label`` (how the menus name them).
        codebook: the frame codebook.
        group: the stories column the explorer groups by.
        targets: label -> aliases of the targets.
        score: the score column that sets the tone.
        neutral_band: half-width of the neutral band.
        frame_mask: ``(n_sentences, n_frames)`` booleans, frames in codebook order.
        target_mask: ``(n_sentences, n_targets)`` booleans, targets in order.
        tone_code: -1, 0 or 1 per sentence.
        story_rows: story id -> its sentence rows.
        group_rows: group value -> its sentence rows (in story order).
        group_stories: group value -> its story ids (in corpus order).
        trigger_offsets: sentence ``row`` has the triggers ``[offsets[row], offsets[row + 1])``.
        mention_offsets: the same for the mentions.
        lookup: plain numpy arrays for the look-ups of every click (reading a pandas text column
            costs tens of milliseconds on 100,000 rows): sentence columns ``story_id``,
            ``story_code`` (position in ``stories``), ``sentence_index``, ``text``, ``score``,
            ``tone``; trigger columns prefixed ``trigger_``; mention columns ``mention_target``
            and ``mention_matches``.
        story_info: story id -> ``label``, ``group``, ``outlet`` and ``date`` (text, may be
            empty).
    """

    sentences: pd.DataFrame
    triggers: pd.DataFrame
    mentions: pd.DataFrame
    stories: pd.DataFrame
    codebook: Codebook
    group: str
    targets: dict[str, list[Any]]
    score: str
    neutral_band: float
    frame_mask: np.ndarray = field(repr=False)
    target_mask: np.ndarray = field(repr=False)
    tone_code: np.ndarray = field(repr=False)
    story_rows: dict[str, np.ndarray] = field(repr=False)
    group_rows: dict[str, np.ndarray] = field(repr=False)
    group_stories: dict[str, list[str]] = field(repr=False)
    trigger_offsets: np.ndarray = field(repr=False)
    mention_offsets: np.ndarray = field(repr=False)
    lookup: dict[str, np.ndarray] = field(repr=False)
    story_info: dict[str, dict[str, str]] = field(repr=False)

    @property
    def frame_ids(self) -> list[str]:
        """Frame ids in codebook order."""
        return list(self.codebook.frame_ids)

    @property
    def target_labels(self) -> list[str]:
        """Target labels in order."""
        return list(self.targets)

    @property
    def groups(self) -> list[str]:
        """Group values in menu order (story order for ``story_id``, else sorted)."""
        return list(self.group_rows)


def _positions(keys: pd.Series, order: Sequence[str]) -> dict[str, np.ndarray]:
    """key -> the positions of its rows, for the keys of ``order`` (in that order)."""
    codes, uniques = pd.factorize(keys)
    ranked = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[ranked], np.arange(len(uniques) + 1))
    found = {
        str(u): ranked[bounds[i] : bounds[i + 1]].astype(np.int64) for i, u in enumerate(uniques)
    }
    empty = np.zeros(0, dtype=np.int64)
    return {key: found.get(key, empty) for key in order}


def _group_order(stories: pd.DataFrame, group: str) -> list[str]:
    if group == "story_id":
        return stories["story_id"].astype(str).tolist()
    values = stories["group"]
    present = sorted(v for v in pd.unique(values) if v != "(missing)")
    return present + (["(missing)"] if (values == "(missing)").any() else [])


def _offsets(rows: np.ndarray, n: int) -> np.ndarray:
    return np.searchsorted(rows, np.arange(n + 1)).astype(np.int64)


def _trigger_table(hits: pd.DataFrame, row_of: pd.Index) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "row": row_of.get_indexer(hits["sentence_id"]).astype(np.int64),
            "frame": hits["frame"].astype(str).to_numpy(),
            "detector": hits["detector"].astype(str).to_numpy(),
            "pattern": hits["pattern"].astype(str).to_numpy(),
            "match": hits["match"].astype(str).to_numpy(),
            "sentence_start": hits["sentence_start"].astype(np.int64).to_numpy(),
            "sentence_end": hits["sentence_end"].astype(np.int64).to_numpy(),
            "weight": hits["weight"].astype(float).to_numpy(),
        }
    )
    frame = frame[frame["row"] >= 0]
    return frame.sort_values(["row", "sentence_start"], kind="stable", ignore_index=True)


def _masks(
    n: int, triggers: pd.DataFrame, mentions: pd.DataFrame, frames: list[str], targets: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    frame_mask = np.zeros((n, len(frames)), dtype=bool)
    codes = pd.Categorical(triggers["frame"], categories=frames).codes
    keep = codes >= 0
    frame_mask[triggers["row"].to_numpy()[keep], codes[keep]] = True
    target_mask = np.zeros((n, len(targets)), dtype=bool)
    codes = pd.Categorical(mentions["target"], categories=targets).codes
    keep = codes >= 0
    target_mask[mentions["row"].to_numpy()[keep], codes[keep]] = True
    return frame_mask, target_mask


def _lookup(
    sentences: pd.DataFrame, story_ids: list[str], triggers: pd.DataFrame, mentions: pd.DataFrame
) -> dict[str, np.ndarray]:
    position = {s: i for i, s in enumerate(story_ids)}
    out = {
        "story_id": sentences["story_id"].astype(str).to_numpy(dtype=object),
        "sentence_index": sentences["sentence_index"].to_numpy(dtype=np.int64),
        "text": sentences["text"].astype(str).to_numpy(dtype=object),
        "score": sentences["score"].to_numpy(dtype=np.float64),
        "tone": sentences["tone"].to_numpy(dtype=object),
    }
    out["story_code"] = np.array([position[s] for s in out["story_id"]], dtype=np.int64)
    for column in ("frame", "detector", "pattern", "match"):
        out[f"trigger_{column}"] = triggers[column].to_numpy(dtype=object)
    for column in ("sentence_start", "sentence_end"):
        out[f"trigger_{column}"] = triggers[column].to_numpy(dtype=np.int64)
    out["mention_target"] = mentions["target"].astype(str).to_numpy(dtype=object)
    out["mention_matches"] = mentions["matches"].astype(str).to_numpy(dtype=object)
    return out


def _story_info(stories: pd.DataFrame) -> dict[str, dict[str, str]]:
    def texts(column: str) -> list[str]:
        if column not in stories.columns:
            return [""] * len(stories)
        return ["" if pd.isna(v) else str(v) for v in stories[column].to_numpy(dtype=object)]

    columns = ("label", "group", "outlet", "date")
    values = [texts(c) for c in columns]
    return {
        story_id: dict(zip(columns, row, strict=True))
        for story_id, *row in zip(stories["story_id"].astype(str), *values, strict=True)
    }


def _joined(mask: np.ndarray, names: list[str]) -> np.ndarray:
    """The names of each row's true columns, ``", "``-joined (one join per distinct row)."""
    if not names:
        return np.full(len(mask), "", dtype=object)
    if len(names) > 62:  # no int64 code: one join per row
        return np.asarray([", ".join(n for n, h in zip(names, r, strict=True) if h) for r in mask])
    codes = mask.astype(np.int64) @ (np.int64(1) << np.arange(len(names), dtype=np.int64))
    distinct, inverse = np.unique(codes, return_inverse=True)
    texts = [", ".join(n for i, n in enumerate(names) if code >> i & 1) for code in distinct]
    return np.asarray(texts, dtype=object)[inverse.reshape(-1)]


def _checked(
    analysis: Any, codebook: Codebook | str | Path, group: str, score: str, neutral_band: float
) -> tuple[Codebook, str, float]:
    """The codebook, score column and band, after checking every argument."""
    check_analysis(analysis)
    book = load_codebook(codebook)
    if book.name not in analysis.frame_hits:
        raise ParameterError(
            f"the analysis has no frames for codebook {book.name!r} (it has "
            f"{sorted(analysis.frame_hits)}); run analyze(corpus, codebooks=[{book.name!r}])"
        )
    columns = analysis.corpus.stories.columns
    if not isinstance(group, str) or group not in columns:
        raise ParameterError(
            f"group {group!r} is not a column of the stories table; choose one of {list(columns)}"
        )
    band = float(neutral_band)
    classify([0.0], band)  # checks the band
    return book, resolve_score(score), band


def _mention_table(sentences: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """The mentions with the ``row`` of their sentence, sorted by it."""
    rows = pd.MultiIndex.from_frame(
        sentences[["story_id", "sentence_index"]].astype({"story_id": str})
    )
    keys = pd.MultiIndex.from_frame(found[["story_id", "sentence_index"]])
    mentions = found.assign(row=rows.get_indexer(keys).astype(np.int64))
    return mentions[mentions["row"] >= 0].sort_values("row", kind="stable", ignore_index=True)


def _groups(
    stories: pd.DataFrame, group: str, story_rows: dict[str, np.ndarray]
) -> tuple[dict[str, list[str]], dict[str, np.ndarray]]:
    """Group value -> its story ids, and -> its sentence rows (menu order)."""
    group_stories: dict[str, list[str]] = {g: [] for g in _group_order(stories, group)}
    for story_id, value in zip(stories["story_id"], stories["group"], strict=True):
        group_stories[value].append(str(story_id))
    group_rows = {
        g: np.concatenate([story_rows[s] for s in ids]) if ids else np.zeros(0, np.int64)
        for g, ids in group_stories.items()
    }
    return group_stories, group_rows


def explore_tables(
    analysis: Any,
    *,
    codebook: Codebook | str | Path = "generic",
    group: str = "story_id",
    targets: Mapping[str, Sequence[Any]] | None = None,
    score: str = "default",
    neutral_band: float = NEUTRAL_BAND,
    cache: Any = True,
) -> ExploreTables:
    """Lay the shared analysis pass out for the explorer's look-ups (computed once).

    Args:
        analysis: the result of :func:`analysis.analyze` run with ``codebook``; not mutated.
        codebook: the frame codebook whose triggers are shown and filtered.
        group: the stories column to choose and compare by (``story_id``, ``outlet``,
            ``bias_label``, ``topic`` ...).
        targets: label -> aliases, or ``None`` for the corpus' most mentioned actors
            (:func:`analysis.explore.targets.explorer_targets`).
        score: the score that sets the tone colour and class (``"default"``: the mean of VADER
            and TextBlob).
        neutral_band: a sentence is clearly negative at ``score <= -band``, clearly positive at
            ``score >= band``.
        cache: passed to :func:`~analysis.explore.targets.explorer_targets`.

    Returns:
        An :class:`ExploreTables`.

    Raises:
        ParameterError: not an analysis; the analysis lacks the codebook; ``group`` is not a
            stories column; bad ``score`` or ``neutral_band``; malformed ``targets``.
    """
    book, column, band = _checked(analysis, codebook, group, score, neutral_band)
    stories = analysis.corpus.stories
    stories = stories.assign(
        group=group_labels(stories[group]).to_numpy(),
        label=stories["story_id"].map(story_labels(stories)),
    )
    scored = analysis.sentiment
    sentences = scored[["story_id", "sentence_id", "sentence_index", "text", *SCORE_COLUMNS]]
    sentences = sentences.reset_index(drop=True).assign(score=scored[column].to_numpy())
    sentences["group"] = sentences["story_id"].map(
        dict(zip(stories["story_id"], stories["group"], strict=True))
    )
    tone_code = classify(sentences["score"].to_numpy(), band).astype(np.int8)
    sentences["tone"] = np.asarray(TONES, dtype=object)[tone_code + 1]
    triggers = _trigger_table(analysis.frame_hits[book.name], pd.Index(sentences["sentence_id"]))
    chosen, found = explorer_targets(analysis.corpus, targets=targets, cache=cache)
    mentions = _mention_table(sentences, found)
    n = len(sentences)
    frame_mask, target_mask = _masks(n, triggers, mentions, book.frame_ids, list(chosen))
    sentences["frames"] = _joined(frame_mask, list(book.frame_ids))
    sentences["targets"] = _joined(target_mask, list(chosen))
    sentences["n_triggers"] = np.bincount(triggers["row"], minlength=n).astype(np.int64)
    story_rows = _positions(
        sentences["story_id"].astype(str), stories["story_id"].astype(str).tolist()
    )
    group_stories, group_rows = _groups(stories, group, story_rows)
    return ExploreTables(
        sentences=sentences,
        triggers=triggers,
        mentions=mentions,
        stories=stories,
        codebook=book,
        group=group,
        targets=chosen,
        score=column,
        neutral_band=band,
        frame_mask=frame_mask,
        target_mask=target_mask,
        tone_code=tone_code,
        story_rows=story_rows,
        group_rows=group_rows,
        group_stories=group_stories,
        trigger_offsets=_offsets(triggers["row"].to_numpy(), n),
        mention_offsets=_offsets(mentions["row"].to_numpy(), n),
        lookup=_lookup(sentences, list(story_rows), triggers, mentions),
        story_info=_story_info(stories),
    )


def selection_rows(
    tables: ExploreTables, *, story: str | None = None, group_value: str | None = None
) -> np.ndarray:
    """The sentence rows of one story, or of one group (all its stories), in reading order.

    Raises:
        ParameterError: an unknown story or group value.
    """
    if story is not None:
        if story not in tables.story_rows:
            raise ParameterError(f"no story {story!r} in this corpus")
        return tables.story_rows[story]
    if group_value is not None:
        if group_value not in tables.group_rows:
            raise ParameterError(
                f"no {tables.group} {group_value!r}; choose one of {tables.groups[:10]}"
            )
        return tables.group_rows[group_value]
    return np.arange(len(tables.sentences), dtype=np.int64)


def filter_rows(
    tables: ExploreTables,
    rows: np.ndarray,
    *,
    frames: Iterable[str] = (),
    tone: str | None = None,
    target: str | None = None,
) -> np.ndarray:
    """The ``rows`` whose sentence hits any of ``frames``, has ``tone`` and mentions ``target``.

    An empty ``frames`` and ``None`` for ``tone`` or ``target`` do not filter.

    Raises:
        ParameterError: an unknown frame, tone or target.
    """
    keep = np.ones(len(rows), dtype=bool)
    frames = list(frames)
    if frames:
        unknown = [f for f in frames if f not in tables.frame_ids]
        if unknown:
            raise ParameterError(f"unknown frame(s) {unknown}; choose from {tables.frame_ids}")
        columns = [tables.frame_ids.index(f) for f in frames]
        keep &= tables.frame_mask[rows][:, columns].any(axis=1)
    if tone is not None:
        if tone not in TONES:
            raise ParameterError(f"tone must be one of {TONES} or None, got {tone!r}")
        keep &= tables.tone_code[rows] == TONES.index(tone) - 1
    if target is not None:
        if target not in tables.targets:
            raise ParameterError(f"unknown target {target!r}; choose from {tables.target_labels}")
        keep &= tables.target_mask[rows, tables.target_labels.index(target)]
    return rows[keep]


def selection_summary(tables: ExploreTables, rows: np.ndarray) -> dict[str, Any]:
    """Counts of a set of sentence rows: stories, sentences, per tone, mean score, sentences per
    frame and per target (every sentence weighs the same)."""
    tones = np.bincount(tables.tone_code[rows] + 1, minlength=3)
    scores = tables.lookup["score"][rows]
    return {
        "n_stories": len(np.unique(tables.lookup["story_code"][rows])),
        "n_sentences": len(rows),
        **{f"n_{t}": int(tones[i]) for i, t in enumerate(TONES)},
        "mean_score": float(np.nanmean(scores)) if len(rows) else float("nan"),
        "frames": dict(
            zip(tables.frame_ids, tables.frame_mask[rows].sum(axis=0).tolist(), strict=True)
        ),
        "targets": dict(
            zip(tables.target_labels, tables.target_mask[rows].sum(axis=0).tolist(), strict=True)
        ),
    }


def group_summary(tables: ExploreTables) -> pd.DataFrame:
    """One row per story or group (menu order): ``group``, ``n_stories``, ``n_sentences``,
    ``n_negative``, ``n_neutral``, ``n_positive``, ``mean_score`` (rounded to 3 decimals), then
    the number of sentences hitting each frame (``frame_<id>``)."""
    rows = []
    for value, positions in tables.group_rows.items():
        summary = selection_summary(tables, positions)
        rows.append(
            {
                "group": value,
                "n_stories": len(tables.group_stories[value]),
                **{
                    k: summary[k] for k in ("n_sentences", "n_negative", "n_neutral", "n_positive")
                },
                "mean_score": round(summary["mean_score"], 3),
                **{f"frame_{f}": n for f, n in summary["frames"].items()},
            }
        )
    return pd.DataFrame(rows).rename(columns={"group": tables.group})


def sentence_triggers(tables: ExploreTables, row: int) -> pd.DataFrame:
    """The frame triggers of sentence ``row`` (a slice of ``tables.triggers``)."""
    start, end = tables.trigger_offsets[row], tables.trigger_offsets[row + 1]
    return tables.triggers.iloc[start:end]


def trigger_records(tables: ExploreTables, row: int) -> list[tuple[str, str, str, str, int, int]]:
    """The triggers of sentence ``row`` as ``(frame, detector, pattern, match, start, end)``."""
    columns = ("frame", "detector", "pattern", "match", "sentence_start", "sentence_end")
    start, end = tables.trigger_offsets[row], tables.trigger_offsets[row + 1]
    arrays = [tables.lookup[f"trigger_{c}"][start:end] for c in columns]
    return list(zip(*arrays, strict=True))


def mention_records(tables: ExploreTables, row: int) -> list[tuple[str, str]]:
    """The targets sentence ``row`` mentions as ``(target, matched text)``."""
    start, end = tables.mention_offsets[row], tables.mention_offsets[row + 1]
    lookup = tables.lookup
    return list(
        zip(lookup["mention_target"][start:end], lookup["mention_matches"][start:end], strict=True)
    )


def sentence_mentions(tables: ExploreTables, row: int) -> pd.DataFrame:
    """The targets sentence ``row`` mentions (a slice of ``tables.mentions``)."""
    start, end = tables.mention_offsets[row], tables.mention_offsets[row + 1]
    return tables.mentions.iloc[start:end]
