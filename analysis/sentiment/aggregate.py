"""Length-aware sentiment per story or per group of stories, and the sentiment arc.

The scores aggregated are the sentence polarities of :mod:`analysis.sentiment.scoring`: VADER's
``vader_compound`` (Hutto & Gilbert 2014, *VADER: A Parsimonious Rule-based Model for Sentiment
Analysis of Social Media Text*, ICWSM), TextBlob's ``textblob_polarity`` (Pattern; De Smedt &
Daelemans 2012, *Pattern for Python*, JMLR 13: 2063-2067) and their mean (the default).

Rules:

- Every sentence weighs the same: results are means and shares over sentences (never sums), so a
  long story is not "more negative" because it has more words. Each row carries the number of
  sentences (and stories) behind it, the stories' word count and how many of them are truncated
  leads (``is_truncated`` in the stories table).
- A sentence is *clearly positive* when ``score >= neutral_band`` and *clearly negative* when
  ``score <= -neutral_band`` (:func:`classify`); VADER's documented convention for
  ``compound``, with the default band :data:`NEUTRAL_BAND` = 0.05.
- The arc puts stories of any length on one 0-1 axis: a sentence at ``position``
  ``(sentence_index + 0.5) / n_sentences`` falls in bin ``floor(position * bins)``.

The building blocks after the public functions (:func:`with_group`, :func:`aggregate_sentences`,
:func:`finish_table` ...) are shared with :mod:`analysis.sentiment.targets`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from analysis._checks import positive_int, require_columns, require_known_stories
from analysis.errors import ParameterError
from analysis.sentiment.scoring import (
    DEFAULT_SCORE,
    EMBEDDING_HINT,
    EMBEDDING_SCORES,
    POLARITY_SCORES,
    SCORED_COLUMNS,
    SCORED_HINT,
    SENTENCES_HINT,
    ScoreName,
)

__all__ = [
    "ARC_COLUMNS",
    "NEUTRAL_BAND",
    "STORY_COLUMNS",
    "TARGET_COLUMNS",
    "classify",
    "resolve_score",
    "sentiment_arc",
    "story_sentiment",
]

#: Default half-width of the neutral band (VADER's documented threshold for ``compound``).
NEUTRAL_BAND: Final = 0.05

#: Size columns shared by the story, arc and target tables.
_SIZE_COLUMNS = ("n_stories", "n_truncated", "is_truncated", "n_words", "n_sentences")
#: Columns of :func:`story_sentiment`'s table after the group column.
STORY_COLUMNS: Final[tuple[str, ...]] = (
    *_SIZE_COLUMNS,
    "mean_score",
    "std_score",
    "sem_score",
    "share_positive",
    "share_neutral",
    "share_negative",
    "mean_vader_compound",
    "mean_textblob_polarity",
    "mean_textblob_subjectivity",
)
#: Columns of :func:`sentiment_arc`'s table after the group column.
ARC_COLUMNS: Final[tuple[str, ...]] = (
    "bin",
    "bin_start",
    "bin_end",
    "position",
    *_SIZE_COLUMNS,
    "mean_score",
    "share_positive",
    "share_negative",
)
#: Columns of :func:`analysis.sentiment.targets.target_sentiment`'s table after the group and
#: ``target`` columns.
TARGET_COLUMNS: Final[tuple[str, ...]] = (
    *_SIZE_COLUMNS,
    "n_mentions",
    "mean_score",
    "std_score",
    "share_positive",
    "share_negative",
    "mean_vader_compound",
    "mean_textblob_polarity",
)
#: Column names a ``group`` cannot have: they are columns of the scored or result tables.
RESERVED_GROUPS: Final = frozenset(
    {*SCORED_COLUMNS, *STORY_COLUMNS, *ARC_COLUMNS, *TARGET_COLUMNS, "target"}
) - {"story_id"}
_STORY_REQUIRED = ("story_id", "is_truncated", "n_words")


# --------------------------------------------------------------------------- arguments


def resolve_score(score: str, scored: pd.DataFrame | None = None) -> str:
    """The score column a ``score`` argument names (``"default"`` is :data:`DEFAULT_SCORE`).

    The optional embedding scores (``embedding_vader``, ``embedding_polarity``) are accepted
    when ``scored`` holds them (added by :func:`analysis.sentiment.with_embedding_scores`).

    >>> resolve_score("default")
    'vader_textblob_mean'
    """
    if score == "default":
        return DEFAULT_SCORE
    known = (*POLARITY_SCORES, *EMBEDDING_SCORES)
    if not isinstance(score, str) or score not in known:
        raise ParameterError(f"score must be 'default' or one of {list(known)}, got {score!r}")
    if scored is not None and score in EMBEDDING_SCORES:
        require_columns(scored, (score,), "scored", hint=EMBEDDING_HINT)
    return score


def check_band(neutral_band: float) -> float:
    """``neutral_band`` as a float when it is a number in [0, 1).

    >>> check_band(0.1)
    0.1
    """
    if (
        isinstance(neutral_band, bool)
        or not isinstance(neutral_band, int | float)
        or not math.isfinite(neutral_band)
        or not 0 <= neutral_band < 1
    ):
        raise ParameterError(
            f"neutral_band must be a number in [0, 1), got {neutral_band!r} "
            f"(VADER's convention is {NEUTRAL_BAND})"
        )
    return float(neutral_band)


def classify(values: Sequence[float] | pd.Series | np.ndarray, band: float) -> np.ndarray:
    """-1 (clearly negative), 0 (neutral) or 1 (clearly positive) for each score.

    Positive when ``score >= band`` (and > 0), negative when ``score <= -band`` (and < 0),
    neutral in between: VADER's convention for ``compound`` with ``band=0.05``. NaN is neutral.

    >>> classify([0.3, 0.05, 0.0, -0.049, -0.2], 0.05).tolist()
    [1, 1, 0, 0, -1]
    """
    if isinstance(band, bool) or not isinstance(band, int | float) or not band >= 0:
        raise ParameterError(f"band must be a number >= 0, got {band!r}")
    arr = np.asarray(values, dtype="float64")
    positive = (arr >= band) & (arr > 0)
    negative = (arr <= -band) & (arr < 0)
    return np.where(positive, 1, np.where(negative, -1, 0)).astype("int64")


# --------------------------------------------------------------------------- aggregates


def story_sentiment(
    scored: pd.DataFrame,
    stories: pd.DataFrame,
    *,
    group: str = "story_id",
    score: ScoreName = "default",
    neutral_band: float = NEUTRAL_BAND,
) -> pd.DataFrame:
    """Length-aware sentiment per story, or per any column of the stories table.

    Every sentence weighs the same: the mean and the shares are over sentences, so a long story
    is not "more negative" because it has more words. Does not mutate its inputs.

    Args:
        scored: output of :func:`~analysis.sentiment.scoring.sentence_sentiment`.
        stories: the corpus' stories table (needs ``story_id``, ``is_truncated``, ``n_words`` and
            the ``group`` column).
        group: the stories column to compare by: ``story_id``, ``outlet``, ``bias_label``,
            ``topic``, a date period column...
        score: the score aggregated (``"default"`` is :data:`DEFAULT_SCORE`).
        neutral_band: a sentence is clearly positive when ``score >= neutral_band``, clearly
            negative when ``score <= -neutral_band`` (see :func:`classify`).

    Returns:
        One row per group value: ``<group>``; ``n_stories``; ``n_truncated`` (stories cut off
        mid-sentence: 0 < n_truncated < n_stories means the group mixes truncated and full
        stories); ``is_truncated`` (any story truncated); ``n_words`` (words of its stories);
        ``n_sentences`` (sentences behind every figure of the row); ``mean_score``;
        ``std_score`` (spread over sentences, NaN for one sentence); ``sem_score``
        (``std / sqrt(n)``); ``share_positive``/``share_neutral``/``share_negative``;
        ``mean_vader_compound``, ``mean_textblob_polarity``, ``mean_textblob_subjectivity``.
        Sorted in the stories table's order for ``story_id``, else by the group value (missing
        last). ``attrs`` records ``group``, ``score`` and ``neutral_band``. Groups without
        sentences have no row.

    Raises:
        ParameterError: an unknown ``group``/``score``, a ``neutral_band`` outside [0, 1), a
            missing column, or a ``story_id`` of ``scored`` missing from ``stories``.

    >>> from analysis.corpus import stories_from_texts
    >>> from analysis.sentiment.scoring import sentence_sentiment
    >>> corpus = stories_from_texts(["A wonderful day. A great win.", "A terrible loss."])
    >>> table = story_sentiment(sentence_sentiment(corpus.sentences), corpus.stories)
    >>> table["n_sentences"].tolist(), table["share_negative"].tolist()
    ([2, 1], [0.0, 1.0])
    """
    name = resolve_score(score, scored)
    band = check_band(neutral_band)
    frame = with_group(scored, stories, group)
    attrs = {"group": group, "score": name, "neutral_band": band}
    keys = [group]
    if frame.empty:
        return finish_table(
            pd.DataFrame({c: [] for c in [*keys, *STORY_COLUMNS]}),
            [],
            [*keys, *STORY_COLUMNS],
            attrs,
        )
    table = aggregate_sentences(frame, keys, name, band).join(story_counts(frame, keys))
    table = finish_table(table, keys, STORY_COLUMNS, attrs)
    order = group_order(table, stories, group)
    return table.iloc[np.argsort(order.to_numpy(), kind="stable")].reset_index(drop=True)


def sentiment_arc(
    scored: pd.DataFrame,
    stories: pd.DataFrame,
    *,
    group: str = "story_id",
    bins: int = 10,
    score: ScoreName = "default",
    neutral_band: float = NEUTRAL_BAND,
) -> pd.DataFrame:
    """The sentiment arc: mean score by relative position in the story, so long and short stories
    share one 0-1 axis.

    A sentence's ``position`` is ``(sentence_index + 0.5) / n_sentences`` (the corpus loader's
    definition); it falls in bin ``floor(position * bins)``. Per-sentence points are the scored
    table itself (``position`` and the score columns).

    Args:
        scored: output of :func:`~analysis.sentiment.scoring.sentence_sentiment`.
        stories: the corpus' stories table.
        group: stories column whose values get one arc each (``story_id`` by default; with
            another column, the sentences of all its stories are pooled by position).
        bins: number of equal-width position bins covering [0, 1].
        score: the score averaged (``"default"`` is :data:`DEFAULT_SCORE`).
        neutral_band: band for the positive/negative shares (see :func:`classify`).

    Returns:
        One row per group value and non-empty bin: ``<group>``, ``bin`` (0-based),
        ``bin_start``, ``bin_end``, ``position`` (bin middle), ``n_stories``, ``n_truncated``,
        ``is_truncated``, ``n_words`` (of the stories with a sentence in the bin),
        ``n_sentences``, ``mean_score``, ``share_positive``, ``share_negative``. Sorted by group
        (as :func:`story_sentiment`) then ``bin``. A two-sentence lead fills only two bins.

    Raises:
        ParameterError: bad ``bins``, ``group``, ``score`` or ``neutral_band``; missing columns.

    >>> from analysis.corpus import stories_from_texts
    >>> from analysis.sentiment.scoring import sentence_sentiment
    >>> corpus = stories_from_texts(["A wonderful day. It rained. A terrible loss."])
    >>> arc = sentiment_arc(sentence_sentiment(corpus.sentences), corpus.stories, bins=3)
    >>> arc["bin_end"].round(3).tolist(), arc["n_sentences"].tolist()
    ([0.333, 0.667, 1.0], [1, 1, 1])
    """
    name = resolve_score(score, scored)
    band = check_band(neutral_band)
    n_bins = positive_int(bins, "bins")
    frame = with_group(scored, stories, group)
    require_columns(frame, ("position",), "scored", hint=SCORED_HINT)
    attrs = {"group": group, "score": name, "neutral_band": band, "bins": n_bins}
    keys = [group, "bin"]
    if frame.empty:
        return finish_table(
            pd.DataFrame({c: [] for c in [group, *ARC_COLUMNS]}),
            [],
            [group, *ARC_COLUMNS],
            attrs,
        )
    position = frame["position"].to_numpy(dtype="float64")
    if np.isnan(position).any() or (position < 0).any() or (position > 1).any():
        raise ParameterError("scored has a position outside [0, 1]; positions are relative (0-1)")
    frame["bin"] = np.minimum(np.floor(position * n_bins), n_bins - 1).astype("int64")
    table = aggregate_sentences(frame, keys, name, band).join(story_counts(frame, keys))
    table = table.reset_index()
    table["bin_start"] = table["bin"] / n_bins
    table["bin_end"] = (table["bin"] + 1) / n_bins
    table["position"] = (table["bin"] + 0.5) / n_bins
    table = finish_table(table.set_index(keys), keys, ARC_COLUMNS[1:], attrs)
    table["bin"] = table["bin"].astype("int64")
    order = group_order(table, stories, group).to_numpy()
    index = np.lexsort((table["bin"].to_numpy(), order))
    return table.iloc[index].reset_index(drop=True)


# --------------------------------------------------------------------------- building blocks


def story_order(scored: pd.DataFrame) -> dict[str, int]:
    """Each ``story_id`` of ``scored`` -> its rank in order of first appearance."""
    return {sid: i for i, sid in enumerate(pd.unique(scored["story_id"]))}


def with_group(scored: pd.DataFrame, stories: pd.DataFrame, group: str) -> pd.DataFrame:
    """``scored`` with the story columns needed to aggregate by ``group`` (a new table).

    Raises:
        ParameterError: missing columns, an unknown or reserved ``group``
            (:data:`RESERVED_GROUPS`), a repeated ``story_id`` in ``stories``, or a story of
            ``scored`` that ``stories`` lacks.
    """
    # no "text": per-story and per-group figures need only the scores
    # (Analysis.sentence_scores reads them without the sentence texts)
    require_columns(
        scored, ("story_id", "sentence_id", *POLARITY_SCORES), "scored", hint=SCORED_HINT
    )
    require_columns(stories, _STORY_REQUIRED, "stories", hint=SENTENCES_HINT)
    if not isinstance(group, str) or group not in stories.columns:
        raise ParameterError(
            f"group {group!r} is not a column of the stories table; choose one of "
            f"{list(stories.columns)}"
        )
    if group in RESERVED_GROUPS:
        raise ParameterError(
            f"group {group!r} is also the name of a result column; copy it under another name "
            f"first, e.g. stories.assign(by_{group}=stories[{group!r}]) and group='by_{group}'"
        )
    if stories["story_id"].duplicated().any():
        raise ParameterError("the stories table repeats a story_id; pass one row per story")
    require_known_stories(scored["story_id"], stories, "scored")
    columns = ["story_id", "is_truncated", "n_words"]
    if group not in columns:
        columns.append(group)
    info = stories[columns].rename(columns={"n_words": "story_n_words"})
    merged = scored.merge(info, on="story_id", how="left", validate="m:1")
    merged["is_truncated"] = merged["is_truncated"].astype(bool)
    return merged


def group_order(frame: pd.DataFrame, stories: pd.DataFrame, group: str) -> pd.Series:
    """A sort key for group values: stories' order for ``story_id``, else the values sorted."""
    if group == "story_id":
        order = {sid: i for i, sid in enumerate(stories["story_id"])}
        return frame[group].map(order)
    codes, uniques = pd.factorize(frame[group])  # missing values: -1
    values = pd.Series(uniques)
    ranks = values.sort_values(na_position="last").reset_index(drop=True)
    key = {v: i for i, v in enumerate(ranks) if not pd.isna(v)}
    rank_of_code = np.array([*(key[v] for v in uniques), len(key)], dtype=np.int64)
    return pd.Series(rank_of_code[codes], index=frame.index, name=group)


def story_counts(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """n_stories, n_truncated, is_truncated and n_words per ``keys`` from distinct stories."""
    ident = list(dict.fromkeys([*keys, "story_id"]))
    stories = frame.drop_duplicates(ident)[[*ident, "is_truncated", "story_n_words"]]
    counts = stories.groupby(keys, sort=False, dropna=False).agg(
        n_stories=("story_id", "size"),
        n_truncated=("is_truncated", "sum"),
        n_words=("story_n_words", "sum"),
    )
    counts["is_truncated"] = counts["n_truncated"] > 0
    return counts


def aggregate_sentences(
    frame: pd.DataFrame, keys: list[str], score: str, band: float
) -> pd.DataFrame:
    """Sentence count, mean/std/sem of ``score``, class shares and model means per ``keys``."""
    classes = classify(frame[score], band)
    work = frame.assign(
        _score=frame[score],
        _pos=(classes == 1).astype("float64"),
        _neu=(classes == 0).astype("float64"),
        _neg=(classes == -1).astype("float64"),
    )
    grouped = work.groupby(keys, sort=False, dropna=False)
    table = grouped.agg(
        n_sentences=("sentence_id", "size"),
        mean_score=("_score", "mean"),
        std_score=("_score", "std"),
        share_positive=("_pos", "mean"),
        share_neutral=("_neu", "mean"),
        share_negative=("_neg", "mean"),
        mean_vader_compound=("vader_compound", "mean"),
        mean_textblob_polarity=("textblob_polarity", "mean"),
        mean_textblob_subjectivity=("textblob_subjectivity", "mean"),
    )
    table["sem_score"] = table["std_score"] / np.sqrt(table["n_sentences"])
    return table


def finish_table(
    table: pd.DataFrame, keys: list[str], columns: Sequence[str], attrs: dict[str, object]
) -> pd.DataFrame:
    """``table`` with ``keys`` as columns, only ``keys`` + ``columns``, typed by column name
    (``n_*`` int64; means, spreads, shares and bin edges float64) and ``attrs`` recorded."""
    table = table.reset_index()
    table = table.loc[:, [*keys, *columns]]
    for col in table.columns:
        if col.startswith("n_"):
            table[col] = table[col].astype("int64")
        elif col.startswith(("mean_", "std_", "sem_", "share_")) or col in (
            "position",
            "bin_start",
            "bin_end",
        ):
            table[col] = table[col].astype("float64")
    if "is_truncated" in table.columns:
        table["is_truncated"] = table["is_truncated"].astype(bool)
    table.attrs.update(attrs)
    return table
