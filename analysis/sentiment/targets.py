"""How each named target (a country, a party, a person) is talked about: the sentiment of the
sentences that mention it.

Scores are the sentence polarities of :mod:`analysis.sentiment.scoring`: VADER (Hutto & Gilbert
2014, *VADER: A Parsimonious Rule-based Model for Sentiment Analysis of Social Media Text*,
ICWSM), TextBlob's Pattern analyser (De Smedt & Daelemans 2012, *Pattern for Python*, JMLR 13:
2063-2067) and their mean (the default).

Rule: a sentence belongs to a target when one of the target's aliases matches it
(:func:`target_mentions` states the matching rules); the target's row is the length-aware
aggregate of those sentences, every sentence weighing the same, as in
:func:`analysis.sentiment.aggregate.story_sentiment`. A sentence that mentions two targets counts
for both: lexicon scores cannot tell which one the words are about.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis._checks import require_columns
from analysis.errors import ParameterError
from analysis.sentiment.aggregate import (
    NEUTRAL_BAND,
    TARGET_COLUMNS,
    aggregate_sentences,
    check_band,
    finish_table,
    group_order,
    resolve_score,
    story_counts,
    with_group,
)
from analysis.sentiment.scoring import INPUT_COLUMNS, SENTENCES_HINT, ScoreName

__all__ = ["target_mentions", "target_sentiment"]

#: Aliases of one target: literal strings or compiled patterns.
Aliases = Sequence[str | re.Pattern[str]]


def _alias_pattern(alias: str | re.Pattern[str], *, ignore_case: bool) -> str:
    if isinstance(alias, re.Pattern):
        return f"(?:{alias.pattern})"
    body = alias
    if body.endswith("."):
        # "U.S." also matches "U.S" where a lead is cut off or before "-made"; not "U.S.A".
        core = re.escape(body[:-1])
        pattern = rf"{core}(?:\.(?![^\W_])|(?![\w.]))"
    else:
        pattern = rf"{re.escape(body)}(?!\w)"
    # A hyphen is a boundary on purpose: "anti-U.S.", "pro-Kremlin", "Russia-aligned" mention the
    # target, and the sentence's tone is about it.
    pattern = rf"(?<!\w){pattern}"
    if ignore_case and any(c.islower() for c in alias):
        return f"(?i:{pattern})"
    return f"(?:{pattern})"


def _checked_aliases(label: object, aliases: object) -> list[str | re.Pattern[str]]:
    """The aliases of one target, after checking the label and each alias."""
    if not isinstance(label, str) or not label.strip():
        raise ParameterError(f"target label {label!r} must be a non-empty string")
    if isinstance(aliases, str | re.Pattern):
        aliases = [aliases]
    if not isinstance(aliases, Sequence) or not aliases:
        raise ParameterError(
            f"target {label!r} needs a non-empty list of aliases, got {aliases!r}"
        )
    checked: list[str | re.Pattern[str]] = []
    for alias in aliases:
        if isinstance(alias, re.Pattern):
            if alias.pattern == "" or alias.search("") is not None:
                raise ParameterError(
                    f"target {label!r}: the pattern {alias.pattern!r} matches empty text"
                )
        elif not isinstance(alias, str) or not alias.strip():
            raise ParameterError(
                f"target {label!r}: alias {alias!r} must be a non-empty string or re.Pattern"
            )
        checked.append(alias)
    return checked


def _target_patterns(
    targets: Mapping[str, Aliases], *, ignore_case: bool
) -> dict[str, tuple[re.Pattern[str], tuple[str, ...] | None]]:
    """label -> (compiled pattern, lower-cased substrings one of which any match contains, or
    ``None`` when a regex alias makes such a quick pre-check impossible)."""
    if not isinstance(targets, Mapping) or not targets:
        raise ParameterError(
            "targets must be a non-empty dict of label -> list of aliases, e.g. "
            f"{{'Russia': ['Russia', 'Moscow', 'Kremlin']}}; got {targets!r}"
        )
    patterns: dict[str, tuple[re.Pattern[str], tuple[str, ...] | None]] = {}
    for label, aliases in targets.items():
        checked = _checked_aliases(label, aliases)
        # longest literal aliases first, so "United States" is matched whole, not as "United";
        # patterns after them, in the order given
        literals = sorted((a for a in checked if isinstance(a, str)), key=len, reverse=True)
        regexes = [a for a in checked if isinstance(a, re.Pattern)]
        parts = [_alias_pattern(a, ignore_case=ignore_case) for a in [*literals, *regexes]]
        needles = None if regexes else tuple(a.removesuffix(".").lower() for a in literals)
        patterns[label] = (re.compile("|".join(parts)), needles)
    return patterns


def target_mentions(
    sentences: pd.DataFrame,
    targets: Mapping[str, Aliases],
    *,
    ignore_case: bool = False,
) -> pd.DataFrame:
    """The sentences that mention each named target.

    Matching rules (decided for news text):

    - A string alias is literal text matched on word boundaries: ``Russia`` matches
      ``Russia's`` but not ``Russian``; list ``Russian`` to count it. A hyphen counts as a
      boundary, so ``anti-U.S.``, ``pro-Kremlin`` and ``Russia-aligned`` mention their target
      (the tone of such a sentence is about it).
    - An alias ending in ``.`` (``U.S.``) also matches without its final period when no word
      character or period follows: ``U.S`` at the cut-off end of a truncated lead, ``U.S-made``.
      ``U.S.A.`` does not match ``U.S.``.
    - Case-sensitive by default (names are capitalised in news; ``Trump`` is not ``trump``).
      With ``ignore_case=True`` aliases that have a lower-case letter match any case, while
      acronyms (``U.S.``, ``US``, ``UN``) stay case-sensitive, so ``us`` never matches ``US``.
    - An ``re.Pattern`` alias is used as given (its own flags and boundaries).
    - Datelines (``WASHINGTON —``) are removed from the text by the loader, so a place alias does
      not match a dateline.

    Args:
        sentences: a table with ``story_id``, ``sentence_id`` and ``text`` (the sentences or the
            scored table).
        targets: label -> aliases, e.g. ``{"Russia": ["Russia", "Moscow", "Kremlin", "Putin"]}``.
        ignore_case: see above.

    Returns:
        One row per (sentence, target) with at least one match: ``story_id``, ``sentence_id``,
        ``target``, ``n_mentions``, ``matches`` (the matched strings, ``"; "``-joined in order).
        Sorted by input order, then the order of ``targets``.

    Raises:
        ParameterError: malformed ``targets`` (empty, a blank alias, a pattern matching empty
            text) or missing columns.

    >>> frame = pd.DataFrame({"story_id": ["s"], "sentence_id": ["s/0"],
    ...                       "text": ["Moscow rebuffed anti-U.S. calls; the U.S"]})
    >>> target_mentions(frame, {"United States": ["U.S."]})["matches"].tolist()
    ['U.S.; U.S']
    """
    patterns = _target_patterns(targets, ignore_case=ignore_case)
    require_columns(sentences, INPUT_COLUMNS, "sentences", hint=SENTENCES_HINT)
    rows = []
    for story_id, sentence_id, text in zip(
        sentences["story_id"], sentences["sentence_id"], sentences["text"], strict=True
    ):
        if not isinstance(text, str):
            continue
        lowered = text.lower()
        for label, (pattern, needles) in patterns.items():
            # a substring test is ~50x cheaper than the boundary regex: run it first
            if needles is not None and not any(n in lowered for n in needles):
                continue
            found = [m.group(0) for m in pattern.finditer(text)]
            if found:
                rows.append((story_id, sentence_id, label, len(found), "; ".join(found)))
    frame = pd.DataFrame(
        rows, columns=["story_id", "sentence_id", "target", "n_mentions", "matches"]
    )
    for col in ("story_id", "sentence_id", "target", "matches"):
        frame[col] = frame[col].astype("str")
    frame["n_mentions"] = frame["n_mentions"].astype("int64")
    return frame


def target_sentiment(
    scored: pd.DataFrame,
    stories: pd.DataFrame,
    *,
    targets: Mapping[str, Aliases],
    group: str = "story_id",
    score: ScoreName = "default",
    neutral_band: float = NEUTRAL_BAND,
    ignore_case: bool = False,
) -> pd.DataFrame:
    """How each named target is talked about: the sentiment of the sentences that mention it.

    A sentence that mentions two targets counts for both (lexicon scores cannot tell which one
    the words are about). Matching rules: :func:`target_mentions`.

    Args:
        scored: output of :func:`~analysis.sentiment.scoring.sentence_sentiment`.
        stories: the corpus' stories table.
        targets: label -> aliases (strings matched literally on word boundaries, or
            ``re.Pattern``), e.g. ``{"United States": ["United States", "U.S.", "Trump"]}``.
        group: stories column to compare by.
        score: the score averaged (``"default"`` is
            :data:`~analysis.sentiment.scoring.DEFAULT_SCORE`).
        neutral_band: band for the positive/negative shares (see
            :func:`~analysis.sentiment.aggregate.classify`).
        ignore_case: see :func:`target_mentions`.

    Returns:
        One row per (group value, target) mentioned at least once: ``<group>``, ``target``,
        ``n_stories``, ``n_truncated``, ``is_truncated``, ``n_words`` (of the stories that
        mention it), ``n_sentences`` (sentences mentioning the target),
        ``n_mentions``, ``mean_score``, ``std_score``, ``share_positive``, ``share_negative``,
        ``mean_vader_compound``, ``mean_textblob_polarity``. Sorted by group (as
        :func:`~analysis.sentiment.aggregate.story_sentiment`) then the order of ``targets``.

    Raises:
        ParameterError: malformed ``targets``; bad ``group``, ``score`` or ``neutral_band``.
    """
    name = resolve_score(score)
    band = check_band(neutral_band)
    frame = with_group(scored, stories, group)
    mentions = target_mentions(scored, targets, ignore_case=ignore_case)
    attrs = {"group": group, "score": name, "neutral_band": band}
    keys = [group, "target"]
    if mentions.empty:
        return finish_table(
            pd.DataFrame({c: [] for c in [*keys, *TARGET_COLUMNS]}),
            [],
            [*keys, *TARGET_COLUMNS],
            attrs,
        )
    joined = mentions.drop(columns=["story_id"]).merge(
        frame, on="sentence_id", how="left", validate="m:1"
    )
    table = aggregate_sentences(joined, keys, name, band).join(story_counts(joined, keys))
    table = table.join(joined.groupby(keys, sort=False, dropna=False)["n_mentions"].sum())
    table = finish_table(table, keys, TARGET_COLUMNS, attrs)
    target_rank = {label: i for i, label in enumerate(targets)}
    group_rank = group_order(table, stories, group).to_numpy()
    index = np.lexsort((table["target"].map(target_rank).to_numpy(), group_rank))
    return table.iloc[index].reset_index(drop=True)
