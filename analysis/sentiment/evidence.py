"""The evidence behind a story's tone: its most negative and most positive sentences, with the
words that drove their scores.

Scores are the sentence polarities of :mod:`analysis.sentiment.scoring` (VADER: Hutto & Gilbert
2014, *VADER: A Parsimonious Rule-based Model for Sentiment Analysis of Social Media Text*,
ICWSM; TextBlob's Pattern analyser: De Smedt & Daelemans 2012, *Pattern for Python*, JMLR 13:
2063-2067; by default their mean).

Rule: per story, "most negative" lists up to ``n`` sentences scoring below 0 from the lowest up,
"most positive" up to ``n`` scoring above 0 from the highest down; ties go to the earlier
sentence, so no sentence is listed twice and a story without a positive sentence has no "most
positive" row. Each sentence shows its five strongest drivers per model by absolute valence
(:func:`analysis.sentiment.drivers.strongest_drivers`).

Drawn per group (``group=``: outlet, bias rating, topic …), each group gets a bounded number of
examples, so every group is shown and none crowds out the others: its ``per_group`` most
negative and most positive sentences (as above, but one sentence per story before a story's
second one, so the examples come from different stories; ties: story order, then sentence
order) and its ``typical`` sentence(s): the score closest to the mean of the group's sentences
(the group's ``mean_score`` of :func:`~analysis.sentiment.aggregate.story_sentiment`), from the
story whose tone (mean sentence score) is closest to that mean; ties: story order, sentence
order.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from analysis._checks import group_labels, positive_int, require_columns
from analysis.errors import ParameterError
from analysis.sentiment.aggregate import group_order, resolve_score, story_order, with_group
from analysis.sentiment.drivers import driver_rows, strongest_drivers
from analysis.sentiment.scoring import POLARITY_SCORES, SCORED_HINT, ScoreName

__all__ = ["EVIDENCE_COLUMNS", "GROUP_EVIDENCE_COLUMNS", "sentiment_evidence"]

#: Columns of :func:`sentiment_evidence`'s table.
EVIDENCE_COLUMNS: Final[tuple[str, ...]] = (
    "story_id",
    "direction",
    "rank",
    "sentence_id",
    "position",
    "score",
    "vader_compound",
    "textblob_polarity",
    "vader_words",
    "textblob_words",
    "text",
)
#: Columns of :func:`sentiment_evidence` drawn per group: the group value (as text,
#: ``(missing)`` for an empty one), then :data:`EVIDENCE_COLUMNS`.
GROUP_EVIDENCE_COLUMNS: Final[tuple[str, ...]] = ("group", *EVIDENCE_COLUMNS)
#: Sort order of the ``direction`` values.
_DIRECTIONS: Final = {"most negative": 0, "most positive": 1, "typical": 2}


def sentiment_evidence(
    scored: pd.DataFrame,
    *,
    n: int = 2,
    score: ScoreName = "default",
    group: str | None = None,
    stories: pd.DataFrame | None = None,
    per_group: int = 2,
    typical: int = 1,
) -> pd.DataFrame:
    """The most negative and most positive sentences of each story (or group), with the words
    behind them.

    "Most positive" lists up to ``n`` sentences with a score above 0, "most negative" up to
    ``n`` below 0: a story with no positive sentence has no "most positive" row, and no sentence
    is listed twice. Ties are broken by sentence order. With ``group``, the selection is made
    per group instead, with a typical sentence besides (rules in the module docstring). Does
    not mutate its inputs.

    Args:
        scored: output of :func:`~analysis.sentiment.scoring.sentence_sentiment`.
        n: sentences per story and direction (without ``group``).
        score: the score ranked by (``"default"`` is
            :data:`~analysis.sentiment.scoring.DEFAULT_SCORE`).
        group: draw the evidence per value of this stories column (``story_id``, ``outlet``,
            ``bias_label``, ``topic`` …); needs ``stories``.
        stories: the corpus' stories table (``story_id``, ``is_truncated``, ``n_words`` and the
            ``group`` column).
        per_group: with ``group``: sentences per group and direction.
        typical: with ``group``: typical sentences per group (0 for none).

    Returns:
        ``story_id``, ``direction`` (``"most negative"`` / ``"most positive"``), ``rank`` (1 =
        most extreme), ``sentence_id``, ``position``, ``score`` (the ranked score),
        ``vader_compound``, ``textblob_polarity``, ``vader_words`` and ``textblob_words`` (the
        strongest drivers, ``"word +valence"``; see
        :func:`~analysis.sentiment.drivers.sentiment_drivers`), ``text``. Sorted by story order in
        ``scored``, direction (negative first), rank. With ``group``: ``group`` first
        (:data:`GROUP_EVIDENCE_COLUMNS`), ``direction`` may also be ``"typical"``, sorted by
        group (story order for ``story_id``, else by value, missing last), direction (negative,
        positive, typical), rank.

    Raises:
        ParameterError: bad ``n``, ``per_group``, ``typical`` or ``score``; missing columns; a
            ``group`` that is not a column of ``stories``; a story that ``stories`` lacks.

    >>> from analysis.corpus import stories_from_texts
    >>> from analysis.sentiment.scoring import sentence_sentiment
    >>> corpus = stories_from_texts(["A terrible crash. The report was filed. A fine win."])
    >>> scored = sentence_sentiment(corpus.sentences)
    >>> evidence = sentiment_evidence(scored, group="story_id", stories=corpus.stories)
    >>> evidence[["direction", "text"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['most negative', 'A terrible crash.'], ['most positive', 'A fine win.'],
     ['typical', 'The report was filed.']]
    """
    name = resolve_score(score, scored)
    count = positive_int(n, "n")
    require_columns(
        scored,
        ("story_id", "sentence_id", "position", "text", *POLARITY_SCORES),
        "scored",
        hint=SCORED_HINT,
    )
    if group is not None:
        return _group_evidence(
            scored,
            stories,
            group,
            name,
            per_group=positive_int(per_group, "per_group"),
            typical=positive_int(typical, "typical", minimum=0),
        )
    frame = scored.assign(_order=np.arange(len(scored)), score=scored[name])
    out = _extremes(frame, count)
    story_rank = story_order(scored)
    out["_story"] = out["story_id"].map(story_rank)
    out["_dir"] = out["direction"].map(_DIRECTIONS).astype("int64")
    out = out.sort_values(["_story", "_dir", "rank"], kind="stable").reset_index(drop=True)
    out = _finish(out, EVIDENCE_COLUMNS)
    out.attrs.update({"score": name, "n": count})
    return out


def _finish(out: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """The chosen rows with their drivers, in ``columns`` with fixed dtypes."""
    drivers = [driver_rows(t) for t in out["text"]]
    out = out.assign(
        vader_words=[strongest_drivers(d, "vader") for d in drivers],
        textblob_words=[strongest_drivers(d, "textblob") for d in drivers],
    )
    out = out.loc[:, list(columns)]
    out["rank"] = out["rank"].astype("int64")
    for col in ("position", "score", "vader_compound", "textblob_polarity"):
        out[col] = out[col].astype("float64")
    text_columns = ("story_id", "direction", "sentence_id", "vader_words", "textblob_words")
    for col in (*text_columns, "text", *(("group",) if "group" in columns else ())):
        out[col] = out[col].astype("str")
    return out


def _group_evidence(
    scored: pd.DataFrame,
    stories: pd.DataFrame | None,
    group: str,
    name: str,
    *,
    per_group: int,
    typical: int,
) -> pd.DataFrame:
    """Per group: the strongest sentences each way and the typical one (module docstring)."""
    if stories is None:
        raise ParameterError(
            f"group={group!r} needs the stories table: pass stories=corpus.stories"
        )
    # the choice is made on a narrow key table; only the chosen rows are taken from ``scored``
    # with their texts (sorting every sentence's text took 0.75 GB at a million sentences)
    merged = with_group(scored[["story_id", "sentence_id", *POLARITY_SCORES]], stories, group)
    order = {sid: i for i, sid in enumerate(stories["story_id"])}
    frame = pd.DataFrame(
        {
            "_order": np.arange(len(scored)),
            "score": scored[name].to_numpy(),
            "group": group_labels(merged[group]).to_numpy(),
            "_g": group_order(merged, stories, group).to_numpy(),
            "_story": scored["story_id"].map(order).to_numpy(),
        }
    )
    del merged
    picks = []
    for direction, sign in (("most negative", -1), ("most positive", 1)):
        side = frame[np.sign(frame["score"]) == sign]
        side = side.assign(_key=-sign * side["score"])
        side = side.sort_values(["_g", "_key", "_story", "_order"], kind="stable")
        side["_within"] = side.groupby(["_g", "_story"], sort=False).cumcount()
        side = side.sort_values(["_g", "_within"], kind="stable")
        top = side.groupby("_g", sort=False).head(per_group)
        picks.append(top.assign(direction=direction))
    if typical:
        mean = frame.groupby("_g", sort=False)["score"].transform("mean")
        tone = frame.groupby("_story", sort=False)["score"].transform("mean")
        taken = pd.concat(picks).index
        rest = frame.assign(
            _off=(frame["score"] - mean).abs(), _story_off=(tone - mean).abs()
        ).drop(index=taken)
        rest = rest.sort_values(["_g", "_off", "_story_off", "_story", "_order"], kind="stable")
        picks.append(rest.groupby("_g", sort=False).head(typical).assign(direction="typical"))
    chosen = pd.concat(picks)  # never empty of tables: one per direction
    chosen["rank"] = chosen.groupby(["_g", "direction"], sort=False).cumcount() + 1
    chosen["_dir"] = chosen["direction"].map(_DIRECTIONS).astype("int64")
    chosen = chosen.sort_values(["_g", "_dir", "rank"], kind="stable")
    out = scored.iloc[chosen["_order"].to_numpy()].reset_index(drop=True)
    out = out.assign(**{c: chosen[c].to_numpy() for c in ("score", "group", "direction", "rank")})
    out = _finish(out, GROUP_EVIDENCE_COLUMNS)
    out.attrs.update({"score": name, "group": group, "per_group": per_group, "typical": typical})
    return out


def _extremes(frame: pd.DataFrame, count: int) -> pd.DataFrame:
    """Up to ``count`` rows per story and direction, most extreme first, with ``direction`` and
    ``rank`` (``frame`` has ``score`` and the input order ``_order``)."""
    picks = []
    for direction, sign in (("most negative", -1), ("most positive", 1)):
        side = frame[np.sign(frame["score"]) == sign]
        # most extreme first: ascending score for negative, descending for positive
        side = side.assign(_key=-sign * side["score"])
        side = side.sort_values(["story_id", "_key", "_order"], kind="stable")
        top = side.groupby("story_id", sort=False).head(count)
        top = top.assign(
            direction=direction, rank=top.groupby("story_id", sort=False).cumcount() + 1
        )
        picks.append(top)
    return pd.concat(picks, ignore_index=True) if picks else frame.iloc[:0]
