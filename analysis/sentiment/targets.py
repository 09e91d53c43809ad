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

Targets are given (label -> aliases) or, by default, read from the corpus
(:func:`corpus_targets`): the most mentioned people, organisations and places of the rule-based
actor extraction (:mod:`analysis.language.actor_extraction`), each with its own names only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis._checks import positive_int, require_columns
from analysis.errors import ParameterError
from analysis.language.actor_extraction import actor_mentions, gazetteer_type, mentions_key
from analysis.language.actor_merging import NAME_SUFFIXES, surname_owner
from analysis.language.memo import cached_tables, method_hash, table_key
from analysis.language.tables import arrow_texts, corpus_tables
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

if TYPE_CHECKING:
    from analysis.corpus import Corpus

__all__ = [
    "MIN_TARGET_MENTIONS",
    "TARGET_TOP",
    "TARGET_TYPES",
    "corpus_targets",
    "default_targets",
    "target_mentions",
    "target_sentiment",
]

#: Aliases of one target: literal strings or compiled patterns.
Aliases = Sequence[str | re.Pattern[str]]

#: Actor types that can be a target (``other`` - events, adjectives, unknown names - cannot).
TARGET_TYPES = ("person", "org", "place")
#: How many targets :func:`corpus_targets` picks by default (a chart stays readable).
TARGET_TOP = 8
#: An actor mentioned fewer times is not a default target: the tone of fewer sentences is one
#: or two sentences' tone, not a pattern.
MIN_TARGET_MENTIONS = 5
#: Columns of the actor table :func:`corpus_targets` reads (:func:`analysis.language.actors`).
_ACTOR_TABLE_COLUMNS = ["actor", "type", "mentions", "aliases"]
#: Columns that make a table a mention table (:func:`analysis.language.actor_mentions`).
_MENTION_TABLE_COLUMNS = ["story_id", "surface", "actor", "type"]


def _name_word_count(name: str) -> int:
    words = name.split()
    return len(words) - (len(words) > 1 and words[-1] in NAME_SUFFIXES)


def _totals_from_mentions(mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per actor of a mention table: ``actor``, ``type`` (of its longest mention, as
    :func:`analysis.language.actors`), ``mentions``, ``n_stories``, ``aliases`` (a set)."""
    ordered = mentions.assign(_len=mentions["surface"].str.len(), _pos=np.arange(len(mentions)))
    ordered = ordered.sort_values(["actor", "_len", "_pos"], ascending=[True, False, True])
    grouped = mentions.groupby("actor", sort=True)
    size = grouped.size()
    # the set of surfaces per actor (as ``grouped["surface"].agg(set)``, many times faster)
    pairs = mentions[["actor", "surface"]].dropna(subset=["actor"]).drop_duplicates()
    surfaces: dict[object, set] = {}
    for actor, surface in zip(pairs["actor"].tolist(), pairs["surface"].tolist(), strict=True):
        surfaces.setdefault(actor, set()).add(surface)
    return (
        pd.DataFrame(
            {
                "type": ordered.drop_duplicates("actor").set_index("actor")["type"],
                "mentions": size,
                "n_stories": grouped["story_id"].nunique(),
                "aliases": pd.Series([surfaces[a] for a in size.index], index=size.index),
            }
        )
        .rename_axis("actor")
        .reset_index()
    )


def _totals_from_actor_table(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of an actor table (any ``group``) summed per actor; the type is the one of the
    row with the most mentions."""
    table = table.assign(
        n_stories=table["n_stories"] if "n_stories" in table.columns else 1,
        _aliases=table["aliases"].fillna("").map(lambda a: {x for x in a.split("; ") if x}),
    )
    ordered = table.sort_values(["actor", "mentions"], ascending=[True, False], kind="stable")
    grouped = table.groupby("actor", sort=True)
    return (
        pd.DataFrame(
            {
                "type": ordered.drop_duplicates("actor").set_index("actor")["type"],
                "mentions": grouped["mentions"].sum(),
                "n_stories": grouped["n_stories"].sum(),
                "aliases": grouped["_aliases"].agg(lambda sets: set().union(*sets)),
            }
        )
        .rename_axis("actor")
        .reset_index()
    )


def _actor_totals(source: object) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        if set(_MENTION_TABLE_COLUMNS) <= set(source.columns):
            return _totals_from_mentions(source)
        require_columns(
            source,
            _ACTOR_TABLE_COLUMNS,
            "actor table",
            hint="Pass a Corpus, analysis.language.actors(corpus) or actor_mentions(sentences).",
        )
        return _totals_from_actor_table(source)
    _, sentences = corpus_tables(source)
    return _totals_from_mentions(actor_mentions(sentences))


def _own_aliases(
    actor: str, kind: str, aliases: set[str], others: set[str], full_names: Mapping[str, int]
) -> list[str]:
    """A target's aliases: its name, then the surface forms merged into it that name nothing
    else (see :func:`corpus_targets`), sorted. ``others`` are the other actors' names,
    ``full_names`` the people's full names -> stories mentioning them."""
    kept = []
    for alias in sorted(aliases - {actor}):
        surname = kind == "person" and _name_word_count(alias) == 1
        owned = surname and surname_owner(alias, full_names) == actor
        if surname and not owned:
            continue  # a bare surname that is not this person's alone
        if kind == "person" and gazetteer_type(alias) is not None:
            continue  # "Washington" is a city, never a person
        if alias in others and not owned:
            continue
        if f"{alias}." in aliases or f"{alias}." == actor:
            continue  # "U.S" is matched by "U.S." (see target_mentions)
        kept.append(alias)
    return [actor, *kept]


def corpus_targets(
    source: Corpus | pd.DataFrame,
    *,
    top: int = TARGET_TOP,
    min_mentions: int = MIN_TARGET_MENTIONS,
) -> dict[str, list[str]]:
    """Default sentiment targets: the corpus' most mentioned actors, each with its own aliases.

    Actors are those of :func:`analysis.language.actor_mentions`, merged across the corpus
    (``Trump`` -> Donald Trump where the surname is his). Rule:

    - candidates are people, organisations and places (:data:`TARGET_TYPES`) mentioned at least
      ``min_mentions`` times, except bare surnames of people (``Trump``, ``Clinton``: what is
      left of them unmerged belongs to a person or is ambiguous); the ``top`` most mentioned
      are taken, ties by name;
    - the label is the actor's canonical name; its aliases are that name and the forms merged
      into it: gazetteer aliases (``U.S.``), acronyms it defines (``DOJ``), other spellings of a
      person's full name (``Donald J. Trump``) and the person's surname when the surname is
      theirs across the corpus (:func:`analysis.language.actor_extraction.surname_owner`; as a
      literal alias it also matches "Mr. Trump" and "President Trump");
    - an alias that names something else is dropped: one that is itself the canonical name of
      another actor, a place or organisation of the gazetteers given to a person
      ("Washington" is never a person's alias), a surname shared by several people; so is one
      that another alias already matches (``U.S`` by ``U.S.``).

    A surname alias also matches other full names with that surname ("Ivanka Trump"): list the
    targets yourself where that matters.

    Args:
        source: a :class:`~analysis.corpus.Corpus`, the table of
            :func:`analysis.language.actors` (any ``group``: rows are summed per actor) or of
            :func:`analysis.language.actor_mentions`; not mutated.
        top: how many targets at most.
        min_mentions: fewest mentions of a target.

    Returns:
        ``{label: [aliases]}``, most mentioned first; deterministic. Empty when no actor
        qualifies.

    Raises:
        ParameterError: not a corpus or an actor table; bad ``top`` or ``min_mentions``.

    >>> from analysis import load_corpus
    >>> corpus_targets(load_corpus(), top=3)
    {'Russia': ['Russia'], 'United States': ['United States', 'U.S.'], \
'Nicolás Maduro': ['Nicolás Maduro', 'Maduro']}
    """
    top = positive_int(top, "top")
    min_mentions = positive_int(min_mentions, "min_mentions")
    totals = _actor_totals(source)
    if totals.empty:
        return {}
    is_person = totals["type"] == "person"
    words = totals["actor"].map(_name_word_count)
    full = totals[is_person & (words >= 2)]
    full_names = dict(zip(full["actor"], full["n_stories"].astype(int), strict=True))
    surnames = {a.split()[-1] for a in full["actor"] if a.split()[-1] not in NAME_SUFFIXES}
    surnames |= {" ".join(a.split()[-2:]) for a in full["actor"] if a.split()[-1] in NAME_SUFFIXES}
    bare_surname = (
        (words == 1) & totals["type"].isin(["person", "other"]) & totals["actor"].isin(surnames)
    )
    eligible = totals[
        totals["type"].isin(TARGET_TYPES) & ~bare_surname & (totals["mentions"] >= min_mentions)
    ]
    chosen = eligible.sort_values(["mentions", "actor"], ascending=[False, True]).head(top)
    names = set(totals["actor"])
    return {
        actor: _own_aliases(actor, kind, aliases, names - {actor}, full_names)
        for actor, kind, aliases in zip(
            chosen["actor"], chosen["type"], chosen["aliases"], strict=True
        )
    }


def default_targets(sentences: pd.DataFrame) -> dict[str, list[str]]:
    """:func:`corpus_targets` of the actor mentions of a sentences table, with its defaults:
    kept in the analysis cache (keyed by the mentions' sentences), so a report that only needs
    the targets does not load every mention of the corpus (1.5 million at 25,000 stories)."""

    def compute() -> tuple[dict, dict[str, Any]]:
        return {}, {"targets": list(corpus_targets(actor_mentions(sentences)).items())}

    version = f"{_DEFAULT_MEMO_NAME}-{method_hash(_DEFAULT_METHOD_FILES)}"
    _, scalars = cached_tables("default-targets", version, mentions_key(sentences), compute)
    return {str(label): [str(a) for a in aliases] for label, aliases in scalars["targets"]}


#: Name of the cached default targets and the source files whose content decides them.
_DEFAULT_MEMO_NAME = "default-targets-1"
_DEFAULT_METHOD_FILES = (
    "sentiment/targets.py",
    "language/actor_extraction.py",
    "language/actor_merging.py",
    "language/data.py",
)


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


#: A target's compiled pattern, the lower-cased substrings one of which any match contains
#: (``None`` when a regex alias makes such a quick pre-check impossible) and, for case-sensitive
#: literal aliases, the substrings as written one of which any match contains (else ``None``).
_Compiled = tuple[re.Pattern[str], tuple[str, ...] | None, tuple[str, ...] | None]


def _target_patterns(targets: Mapping[str, Aliases], *, ignore_case: bool) -> dict[str, _Compiled]:
    """label -> :data:`_Compiled` of the target."""
    if not isinstance(targets, Mapping) or not targets:
        raise ParameterError(
            "targets must be a non-empty dict of label -> list of aliases, e.g. "
            f"{{'Russia': ['Russia', 'Moscow', 'Kremlin']}}; got {targets!r}"
        )
    patterns: dict[str, _Compiled] = {}
    for label, aliases in targets.items():
        checked = _checked_aliases(label, aliases)
        # longest literal aliases first, so "United States" is matched whole, not as "United";
        # patterns after them, in the order given
        literals = sorted((a for a in checked if isinstance(a, str)), key=len, reverse=True)
        regexes = [a for a in checked if isinstance(a, re.Pattern)]
        parts = [_alias_pattern(a, ignore_case=ignore_case) for a in [*literals, *regexes]]
        needles = None if regexes else tuple(a.removesuffix(".").lower() for a in literals)
        cores = None if regexes or ignore_case else tuple(a.removesuffix(".") for a in literals)
        patterns[label] = (re.compile("|".join(parts)), needles, cores)
    return patterns


def _candidate_sentences(
    texts: pa.ChunkedArray, patterns: Mapping[str, _Compiled]
) -> dict[str, np.ndarray]:
    """label -> positions (sorted) of the texts that may mention the target: whose text contains
    one of its aliases (without a final period) as written, for case-sensitive literal aliases;
    whose lower-cased text contains one of its lower-cased aliases, for case-insensitive ones;
    every text when the target has a regex alias. Only these texts can match the target's
    pattern (a few more may be listed, see :func:`_containing`).

    ``texts`` is an Arrow string column (a null is not a text). Lower-casing maps each
    character on its own, so a text that contains an alias still contains it once both are
    lower-cased.
    """
    is_text = pc.fill_null(pc.is_valid(texts), False).to_numpy(zero_copy_only=False)
    lowered = None  # computed once, when a target needs it
    out: dict[str, np.ndarray] = {}
    for label, (_, needles, cores) in patterns.items():
        if needles is None:
            mask = is_text
        elif cores is not None:  # case-sensitive: an alias as written is in every match
            mask = _containing(texts, cores)
        else:
            if lowered is None:
                lowered = pc.utf8_lower(texts)
            subs = pc.utf8_lower(pa.array(needles, pa.string())).to_pylist()
            mask = _containing(lowered, subs)
        out[label] = np.flatnonzero(mask & is_text)
    return out


def _containing(texts: pa.ChunkedArray, subs: Sequence[str]) -> np.ndarray:
    """Which texts contain one of ``subs`` (a boolean mask), found in the UTF-8 bytes of each
    Arrow chunk, all its texts at once, without a Python string per text (UTF-8 is
    self-synchronising: a match of encoded text starts on a character).

    A match across the end of one text and the start of the next marks both, so a few texts
    that do not contain a substring may be marked; none that does is missed (a match that runs
    into the next text could hide one starting there).
    """
    mask = np.zeros(len(texts), dtype=bool)
    if "" in subs:
        mask[:] = True
        return mask
    compiled = [re.compile(re.escape(sub.encode("utf-8"))) for sub in subs]
    base = 0
    for chunk in texts.chunks:
        chunk = chunk.cast(pa.large_string())
        n = len(chunk)
        bounds = np.frombuffer(chunk.buffers()[1], dtype=np.int64)[
            chunk.offset : chunk.offset + n + 1
        ]
        data = chunk.buffers()[2]
        if n and data is not None and bounds[-1] > bounds[0]:
            view = memoryview(data)[bounds[0] : bounds[-1]]
            rel = bounds - bounds[0]
            for sub, pattern in zip(subs, compiled, strict=True):
                at = np.fromiter((m.start() for m in pattern.finditer(view)), dtype=np.int64)
                first = np.searchsorted(rel, at, side="right") - 1
                last = np.searchsorted(rel, at + len(sub.encode("utf-8")) - 1, side="right") - 1
                mask[base + first] = True
                for a, b in zip(
                    first[last > first].tolist(), last[last > first].tolist(), strict=True
                ):
                    mask[base + a : base + b + 1] = True
        base += n
    return mask


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
    # the result depends only on these columns and the compiled patterns: kept in the analysis
    # cache, so the reports that look for the same targets in one corpus search it once
    compiled = [(label, p.pattern, p.flags) for label, (p, _, _) in patterns.items()]
    tables, _ = cached_tables(
        "target-mentions",
        f"{_MEMO_NAME}-{method_hash(_METHOD_FILES)}",
        table_key(sentences, ["story_id", "sentence_id", "text"], repr(compiled)),
        lambda: ({"mentions": _target_mentions(sentences, patterns)}, {}),
    )
    return tables["mentions"]


#: Name of the cached target mentions (bump when the table's layout changes) and the source
#: files whose content decides them (:func:`analysis.language.memo.method_hash`).
_MEMO_NAME = "target-mentions-1"
_METHOD_FILES = ("sentiment/targets.py",)


def _target_mentions(sentences: pd.DataFrame, patterns: dict[str, _Compiled]) -> pd.DataFrame:
    texts = arrow_texts(sentences["text"])
    # a substring test is ~50x cheaper than the boundary regex: run it first
    candidates = _candidate_sentences(texts, patterns)
    positions = np.unique(np.concatenate([np.zeros(0, np.int64), *candidates.values()]))
    text_of = dict(zip(positions.tolist(), texts.take(positions).to_pylist(), strict=True))
    found_at, rows = [], []
    for label, (pattern, _, _) in patterns.items():  # the regex on the candidates only
        for i in candidates[label].tolist():
            found = [m.group(0) for m in pattern.finditer(text_of[i])]
            if found:
                found_at.append(i)
                rows.append((label, len(found), "; ".join(found)))
    # input order, then the order of the targets (a stable sort of rows made target by target)
    order = np.argsort(np.asarray(found_at, dtype=np.int64), kind="stable")
    at = np.asarray(found_at, dtype=np.int64)[order]
    frame = pd.DataFrame(
        {
            "story_id": sentences["story_id"].iloc[at].to_numpy(),
            "sentence_id": sentences["sentence_id"].iloc[at].to_numpy(),
            "target": [rows[k][0] for k in order],
            "n_mentions": [rows[k][1] for k in order],
            "matches": [rows[k][2] for k in order],
        },
        columns=["story_id", "sentence_id", "target", "n_mentions", "matches"],
    )
    for col in ("story_id", "sentence_id", "target", "matches"):
        frame[col] = frame[col].astype("str")
    frame["n_mentions"] = frame["n_mentions"].astype("int64")
    return frame


def _extraction_sentences(scored: pd.DataFrame) -> pd.DataFrame:
    """The sentence columns the actor extraction reads, from a scored table: a missing
    ``sentence_index`` is the order within the story; a missing ``start`` is the offset of the
    sentence in its story's sentences joined by one space (offsets only order mentions)."""
    require_columns(scored, INPUT_COLUMNS, "sentences", hint=SENTENCES_HINT)
    out = scored[list(INPUT_COLUMNS)].copy()
    out["text"] = out["text"].where(out["text"].map(lambda t: isinstance(t, str)), "")
    by_story = out.groupby("story_id", sort=False)
    out["sentence_index"] = (
        scored["sentence_index"] if "sentence_index" in scored.columns else by_story.cumcount()
    )
    if "start" in scored.columns:
        out["start"] = scored["start"]
    else:
        length = out["text"].str.len() + 1
        out["start"] = length.groupby(out["story_id"], sort=False).cumsum() - length
    return out


def target_sentiment(
    scored: pd.DataFrame,
    stories: pd.DataFrame,
    *,
    targets: Mapping[str, Aliases] | None = None,
    group: str = "story_id",
    score: ScoreName = "default",
    neutral_band: float = NEUTRAL_BAND,
    ignore_case: bool = False,
    sentences: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """How each named target is talked about: the sentiment of the sentences that mention it.

    A sentence that mentions two targets counts for both (lexicon scores cannot tell which one
    the words are about). Matching rules: :func:`target_mentions`.

    Args:
        scored: output of :func:`~analysis.sentiment.scoring.sentence_sentiment`.
        stories: the corpus' stories table.
        targets: label -> aliases (strings matched literally on word boundaries, or
            ``re.Pattern``), e.g. ``{"Russia": ["Russia", "Moscow", "Kremlin"]}``; ``None``
            (default): :func:`corpus_targets` of the sentences of ``scored``, with its defaults
            (the table is then empty when no actor qualifies).
        group: stories column to compare by.
        score: the score averaged (``"default"`` is
            :data:`~analysis.sentiment.scoring.DEFAULT_SCORE`).
        neutral_band: band for the positive/negative shares (see
            :func:`~analysis.sentiment.aggregate.classify`).
        ignore_case: see :func:`target_mentions`.
        sentences: with ``targets=None``, the corpus' sentences table
            (``load_corpus().sentences``) whose actors name the targets. Give it in a report:
            the actor mentions other reports found for the same table are then read from the
            cache (:mod:`analysis.language.memo`) instead of found again. Without it the
            sentences of ``scored`` are used, with offsets rebuilt (a table of its own).

    Returns:
        One row per (group value, target) mentioned at least once: ``<group>``, ``target``,
        ``n_stories``, ``n_truncated``, ``is_truncated``, ``n_words`` (of the stories that
        mention it), ``n_sentences`` (sentences mentioning the target),
        ``n_mentions``, ``mean_score``, ``std_score``, ``share_positive``, ``share_negative``,
        ``mean_vader_compound``, ``mean_textblob_polarity``; ``attrs["targets"]`` holds the
        targets used (label -> aliases). Sorted by group (as
        :func:`~analysis.sentiment.aggregate.story_sentiment`) then the order of ``targets``.

    Raises:
        ParameterError: malformed ``targets``; bad ``group``, ``score`` or ``neutral_band``.
    """
    name = resolve_score(score, scored)
    band = check_band(neutral_band)
    frame = with_group(scored, stories, group)
    keys = [group, "target"]
    if targets is None:
        source = _extraction_sentences(scored) if sentences is None else sentences
        targets = default_targets(source)
        # no actor qualifies: an empty table (an explicit empty dict is an error)
        mentions = target_mentions(scored, targets, ignore_case=ignore_case) if targets else None
    else:
        mentions = target_mentions(scored, targets, ignore_case=ignore_case)
    attrs = {
        "group": group,
        "score": name,
        "neutral_band": band,
        "targets": {
            label: [aliases] if isinstance(aliases, str | re.Pattern) else list(aliases)
            for label, aliases in targets.items()
        },
    }
    if mentions is None or mentions.empty:
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
