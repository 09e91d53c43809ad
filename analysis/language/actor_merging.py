"""Merging actor names: a bare surname into its full name, spellings of one person into one.

Works on the mention dicts of :mod:`analysis.language.actor_extraction` (the
:data:`MENTION_COLUMNS` and ``n_words``), which calls :func:`merge_story_surnames` for each
story and :func:`merge_across_stories` for the corpus.

Merging within a story (:func:`merge_story_surnames`): a bare surname (``Trump``, or
``Mr./Ms./Mrs./Dr./President/Sen./Rep. Trump``, whose title is split off) merges into the one
full name of the story that ends with it (generational suffixes kept apart: ``Trump Jr.`` is
Donald Trump Jr.). With two or more such names (``Hillary Clinton`` and ``Bill Clinton``) it
stays as written. (Gazetteer aliases, nicknames and ``Name (ACR)`` definitions are merged by the
extraction itself.)

Merging across the corpus (:func:`merge_across_stories`, through
:func:`~analysis.language.actor_extraction.merged_story_mentions`): spellings of one person's
full name (``Donald J. Trump``, ``Donald Trump``: initials or middle names added, no rival
middle) take the one written in the most stories; a bare surname its story left takes the full
name that owns the surname in the corpus (:func:`surname_owner`: the only one, or one written in
at least :data:`DOMINANT_SHARE` of the stories writing such a name; also written in at least
:data:`OWNER_SUPPORT` times as many stories as the surname stands alone in, and introduced with
a person title somewhere). Two people who share a surname are never merged; an ambiguous surname
stays as written and is listed by :func:`ambiguous_surnames`. On AllSides (2,505 articles) this
leaves one ``Donald Trump`` row (6,630 mentions, aliases ``Donald J. Trump; Trump``) and a
``Trump`` row of 100 mentions in the 4 stories that write two other "... Trump" names;
``Clinton`` (Hillary 211 stories, Bill 79: share 0.67) stays ambiguous.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.language.data import ActorGazetteer, actor_gazetteer
from analysis.language.tables import check_table

__all__ = [
    "AMBIGUOUS_COLUMNS",
    "DOMINANT_SHARE",
    "MENTION_COLUMNS",
    "NAME_SUFFIXES",
    "OWNER_SUPPORT",
    "ambiguous_surnames",
    "merge_across_stories",
    "merge_story_surnames",
    "name_words",
    "surname_owner",
]

#: A bare surname that no full name of its own story explains merges, across the corpus, into
#: the full name written in at least this share of the stories that write a full name with that
#: surname ("the large majority"; on AllSides, Donald Trump 0.89 of the "... Trump" stories,
#: Hillary Clinton 0.67 of the "... Clinton" ones, which therefore stay "Clinton").
DOMINANT_SHARE = 0.8
#: ... and only when that full name is written in at least this many times as many stories as
#: the surname is left alone in (after the story rule), and is introduced with a person title
#: somewhere in the corpus. Both guard against capitalised phrases that are names only by their
#: shape. On AllSides: Barack Obama, written in 405 stories against "Obama" alone in 700, ratio
#: 0.58, merges (195 surnames merge); "Winning Hispanic", written once against "Hispanic" alone
#: in 61 stories (0.02), and "Privacy Policy" (ratio 20.9, never titled) do not.
OWNER_SUPPORT = 0.25
#: Generational suffixes: part of a full name, not its surname ("Donald Trump Jr.": Trump).
NAME_SUFFIXES = frozenset({"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"})
#: One to three initials ("J.", "H.W.", "W"): a middle part of a name, spelt in several ways.
_INITIALS = re.compile(r"(?:[A-Z]\.){1,3}|[A-Z]")
MENTION_COLUMNS = [
    "story_id",
    "sentence_id",
    "sentence_index",
    "start",
    "end",
    "surface",
    "actor",
    "type",
    "titled",
]
AMBIGUOUS_COLUMNS = ["surname", "mentions", "n_stories", "candidates", "top_share"]


def name_words(name: str) -> tuple[list[str], str]:
    """The words of a person's name without its generational suffix, and the suffix (without
    its period)."""
    words = name.split()
    if len(words) > 1 and words[-1] in NAME_SUFFIXES:
        return words[:-1], words[-1].rstrip(".")
    return words, ""


def _surname_key(name: str) -> tuple[str, str]:
    """(surname, suffix) of a name: ``Donald Trump Jr.`` -> ``("Trump", "Jr")``."""
    words, suffix = name_words(name)
    return words[-1], suffix


def _is_full_name(m: dict) -> bool:
    return m["type"] == "person" and len(name_words(m["actor"])[0]) >= 2


def _is_bare_surname(m: dict, gz: ActorGazetteer) -> bool:
    """A one-word name (``Trump``, ``Trump Jr.``; ``President Trump`` has lost its title) that
    may be the surname of a full name."""
    return (
        m["type"] in ("person", "other")
        and len(name_words(m["actor"])[0]) == 1
        and m["actor"] not in gz.aliases
        and m["actor"] not in gz.descriptors
    )


def _normal_form(name: str) -> tuple[tuple[str, ...], str]:
    """A name's words with initials split into letters (``H.W.``, ``H. W.`` and ``H W`` alike)
    and its suffix."""
    words, suffix = name_words(name)
    out: list[str] = []
    for w in words:
        if _INITIALS.fullmatch(w):
            out.extend(c for c in w if c.isalpha())
        else:
            out.append(w)
    return tuple(out), suffix


def _person_variants(weights: Mapping[str, int]) -> dict[str, str]:
    """Full name -> the canonical spelling of the same person.

    Two full names are one person when they are spelt the same up to the periods and spaces of
    initials (``George W Bush``/``George W. Bush``), or when one adds middle names or initials to
    the other (``Donald J. Trump``/``Donald Trump``, ``Hillary Rodham Clinton``/``Hillary
    Clinton``) and no other name adds a different middle to it (``George W. Bush`` and ``George
    H.W. Bush`` both shorten to ``George Bush``: none is merged). The canonical name is the
    heaviest (``weights``: mentions or stories), then the shortest, then alphabetically first.
    """
    forms: dict[tuple[tuple[str, ...], str], list[str]] = defaultdict(list)
    for name in weights:
        forms[_normal_form(name)].append(name)
    middles: dict[tuple[tuple[str, ...], str], set[tuple[str, ...]]] = defaultdict(set)
    for words, suffix in forms:
        if len(words) >= 3:
            middles[((words[0], words[-1]), suffix)].add(words[1:-1])
    parent = {form: form for form in forms}
    for (short, suffix), extra in middles.items():
        if (short, suffix) in forms and len(extra) == 1:
            (middle,) = extra
            parent[((short[0], *middle, short[1]), suffix)] = (short, suffix)
    groups: dict[tuple, list[str]] = defaultdict(list)
    for form, names in forms.items():
        groups[parent[form]].extend(names)
    canonical = {}
    for names in groups.values():
        best = min(names, key=lambda n: (-weights[n], len(n.split()), n))
        canonical.update(dict.fromkeys(names, best))
    return canonical


def _dominant(candidates: Mapping[str, int]) -> str | None:
    """The only candidate, or the one with at least :data:`DOMINANT_SHARE` of the weight."""
    ranked = sorted(candidates.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ranked:
        return None
    if len(ranked) == 1:
        return ranked[0][0]
    total = sum(n for _, n in ranked)
    top, n_top = ranked[0]
    return top if n_top > ranked[1][1] and n_top >= DOMINANT_SHARE * total else None


def surname_owner(surname: str, full_names: Mapping[str, int]) -> str | None:
    """The full name a bare surname stands for across a corpus.

    Args:
        surname: a one-word name, possibly with a suffix (``Trump``, ``Trump Jr.``).
        full_names: the corpus' full names of people -> how many stories write each.

    Returns:
        The only full name with that surname (and suffix; a surname without one also looks at
        suffixed names when no plain one exists), or the one written in at least
        :data:`DOMINANT_SHARE` of the stories that write any of them; ``None`` when there is
        none or the surname is ambiguous.

    >>> names = {"Donald Trump": 57, "Ivanka Trump": 8, "Hillary Clinton": 20, "Bill Clinton": 7}
    >>> surname_owner("Trump", names), surname_owner("Clinton", names)
    ('Donald Trump', None)
    """
    found = _candidates(_by_surname(full_names), surname)
    return _dominant({n: full_names[n] for n in found})


def _by_surname(names: Iterable[str]) -> dict[str, dict[str, set[str]]]:
    """surname -> suffix -> the full names with that surname and suffix."""
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for name in names:
        surname, suffix = _surname_key(name)
        out[surname][suffix].add(name)
    return out


def _candidates(index: dict[str, dict[str, set[str]]], bare: str) -> set[str]:
    """The full names a bare surname may stand for: those with its surname and suffix; for a
    surname without a suffix and no such name, the suffixed ones (``Trump`` -> ``Donald Trump
    Jr.`` when no plain ``... Trump`` is written)."""
    surname, suffix = _surname_key(bare)
    by_suffix = index.get(surname, {})
    if suffix or by_suffix.get(""):
        return set(by_suffix.get(suffix, ()))
    return set().union(*by_suffix.values()) if by_suffix else set()


def merge_story_surnames(mentions: list[dict], gz: ActorGazetteer) -> None:
    """Merge a bare surname into the one person of the story with that surname (in place); with
    two or more (``Hillary Clinton`` and ``Bill Clinton``) it stays as written."""
    counts = Counter(m["actor"] for m in mentions if _is_full_name(m))
    canonical = _person_variants(counts)
    index = _by_surname(set(canonical.values()))
    single_persons = {m["actor"] for m in mentions if m["type"] == "person" and m["n_words"] == 1}
    for m in mentions:
        if not _is_bare_surname(m, gz):
            continue
        found = _candidates(index, m["actor"])
        if len(found) == 1:
            m["actor"], m["type"] = found.pop(), "person"
        elif not found and m["type"] == "other" and m["actor"] in single_persons:
            m["type"] = "person"


def _written_full_names(stories: list[list[dict]]) -> list[set[str]]:
    """The full names each story writes in full (not only as a merged surname)."""
    return [
        {m["actor"] for m in mentions if _is_full_name(m) and len(name_words(m["surface"])[0]) > 1}
        for mentions in stories
    ]


def _story_counts(
    names_by_story: list[set[str]], rename: Mapping[str, str] | None = None
) -> Counter[str]:
    """Name -> the number of stories that write it (after ``rename``)."""
    counts: Counter[str] = Counter()
    for names in names_by_story:
        counts.update({rename[n] for n in names} if rename else names)
    return counts


def _titled_people(stories: list[list[dict]], canonical: Mapping[str, str]) -> set[str]:
    """The people (canonical full names) the corpus introduces with a person title at least
    once ("President Donald Trump", or "President Trump" merged into him in its story)."""
    return {
        canonical.get(m["actor"], m["actor"])
        for mentions in stories
        for m in mentions
        if m.get("titled") and _is_full_name(m)
    }


def merge_across_stories(stories: list[list[dict]], gz: ActorGazetteer) -> None:
    """Merge person names across stories: the mention dicts of each story, already merged
    within it (:func:`merge_story_surnames`), are changed in place.

    1. Full names of one person take its canonical name, the one written in the most stories:
       spellings that differ only in initials, or that add middle names or initials to a
       shorter one when no other spelling adds a different middle (``George W. Bush`` and
       ``George H.W. Bush`` both shorten to ``George Bush``: none is merged).
    2. A bare surname (``Trump``, also from ``Mr. Trump`` or ``President Trump``) that its
       story did not merge - no full name with that surname there, or two or more - takes the
       full name that owns the surname in the corpus, if any. The owner is the only full name
       with that surname, or one written in at least :data:`DOMINANT_SHARE` of the stories that
       write one (:func:`surname_owner`); it must also be written in at least
       :data:`OWNER_SUPPORT` times as many stories as the surname is left alone in, and be
       introduced with a person title somewhere (it is a person, not a capitalised phrase). In
       a story that writes two or more full names with the surname, only the owner, if it is
       one of them, takes it. Otherwise the surname stays as written (reported by
       :func:`ambiguous_surnames`): two people who share a surname are never merged.

    Args:
        stories: the mention dicts of each story.
        gz: the actor gazetteer (:func:`~analysis.language.data.actor_gazetteer`).
    """
    written = _written_full_names(stories)
    canonical = _person_variants(_story_counts(written))
    weight = _story_counts(written, canonical)
    index = _by_surname(weight)
    titled = _titled_people(stories, canonical)
    for mentions in stories:
        for m in mentions:
            if _is_full_name(m) and m["actor"] in canonical:
                m["actor"] = canonical[m["actor"]]
    # the bare surnames each story leaves: no full name with the surname, or two or more
    left: list[list[tuple[dict, set[str]]]] = []
    alone: Counter[str] = Counter()
    for mentions in stories:
        story_index = _by_surname({m["actor"] for m in mentions if _is_full_name(m)})
        bare = [
            (m, _candidates(story_index, m["actor"])) for m in mentions if _is_bare_surname(m, gz)
        ]
        left.append(bare)
        alone.update({m["actor"] for m, found in bare if len(found) != 1})
    owners: dict[str, str | None] = {}
    for bare in left:
        for m, found in bare:
            surname = m["actor"]
            if surname not in owners:
                owner = _dominant({n: weight[n] for n in _candidates(index, surname)})
                supported = owner is not None and weight[owner] >= OWNER_SUPPORT * alone[surname]
                owners[surname] = owner if supported and owner in titled else None
            if len(found) == 1:
                target = found.pop()
            elif not found or owners[surname] in found:
                target = owners[surname]
            else:
                target = None
            if target is not None:
                m["actor"], m["type"] = target, "person"


def _listing(names: list[str], counts: Mapping[str, int], most: int = 10) -> str:
    """``"name (n); ..."`` of the first ``most`` names, then how many more."""
    shown = "; ".join(f"{n} ({counts[n]})" for n in names[:most])
    return shown if len(names) <= most else f"{shown}; ... {len(names) - most} more"


def ambiguous_surnames(mentions: pd.DataFrame) -> pd.DataFrame:
    """Bare surnames left unmerged although two or more full names of the table have them, one
    of them a person introduced with a title somewhere (so the word is someone's surname, not a
    capitalised phrase's last word: "Americans" is not reported).

    Args:
        mentions: the output of :func:`~analysis.language.actor_extraction.actor_mentions`;
            not mutated.

    Returns:
        ``surname`` (as written, e.g. ``Clinton``), ``mentions`` and ``n_stories`` (of the bare
        surname left), ``candidates`` (the full names, ``"name (stories writing it)"``,
        ``"; "``-joined, most written first, the first ten), ``top_share`` (the most written
        one's share of those stories: below :data:`DOMINANT_SHARE` the surname is ambiguous in
        the corpus; at or above it, it is left only where :func:`merge_across_stories` does
        not let the owner take it, e.g. in stories that write two other full names with it).
        Sorted by mentions (desc), then surname.

    Raises:
        ParameterError: missing columns.

    >>> from analysis.corpus import stories_from_texts
    >>> from analysis.language.actor_extraction import actor_mentions
    >>> corpus = stories_from_texts(["President Bill Clinton met Hillary Clinton. Clinton left."])
    >>> ambiguous_surnames(actor_mentions(corpus.sentences))["candidates"].tolist()
    ['Bill Clinton (1); Hillary Clinton (1)']
    """
    check_table(mentions, MENTION_COLUMNS, "mentions")
    gz = actor_gazetteer()
    records = mentions[MENTION_COLUMNS].to_dict("records")
    by_story: dict[str, list[dict]] = defaultdict(list)
    for m in records:
        by_story[m["story_id"]].append(m)
    written = _story_counts(_written_full_names(list(by_story.values())))
    index = _by_surname(written)
    titled = _titled_people(list(by_story.values()), {})
    left: dict[str, list[dict]] = defaultdict(list)
    for m in records:
        if _is_bare_surname(m, gz):
            left[m["actor"]].append(m)
    rows = []
    for surname, ms in left.items():
        names = sorted(_candidates(index, surname), key=lambda n: (-written[n], n))
        if len(names) < 2 or not titled.intersection(names):
            continue
        total = sum(written[n] for n in names)
        rows.append(
            {
                "surname": surname,
                "mentions": len(ms),
                "n_stories": len({m["story_id"] for m in ms}),
                "candidates": _listing(names, written),
                "top_share": written[names[0]] / total,
            }
        )
    out = pd.DataFrame(rows, columns=AMBIGUOUS_COLUMNS)
    out = out.sort_values(["mentions", "surname"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True).astype(
        {"mentions": np.int64, "n_stories": np.int64, "top_share": float}
    )
