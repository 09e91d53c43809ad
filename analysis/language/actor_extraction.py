"""Actors: people, organisations and places named in the stories, found by rules.

No statistical model (nothing is downloaded): capitalised sequences of each sentence
(connectors ``of``, ``of the``, ``for``, ``and``, ``de`` ... allowed inside; a possessive
``'s``, punctuation or a lower-case word ends one), then rules with small data files
(:mod:`analysis.language.data`): ``places.csv`` and ``organisations.csv`` (gazetteers with
aliases: ``U.S.`` -> United States, ``DOJ`` -> Department of Justice), ``designators.csv``
(person titles split off a name, ``Venezuelan President Nicolás Maduro`` -> Nicolás Maduro;
``Ministry``/``Party`` make an organisation, ``County`` a place, ``Operation``/``War`` an
event), ``not_names.txt`` (months, weekdays, sentence openers). This is the gazetteer-and-rules
approach to named-entity recognition that precedes statistical taggers (Nadeau & Sekine 2007,
*A survey of named entity recognition and classification*, Lingvisticae Investigationes 30(1):
3-26, section 2).

A sequence opening a sentence (or a quotation) loses leading stop words, openers and ``-ly``
adverbs; a remaining single word is kept only if it is in a gazetteer or appears capitalised
inside a sentence elsewhere in the story (``Sources suggest`` is dropped, ``Moscow demanded``
kept). Not actors: a word that only names a nationality (``Venezuelan``) or describes a person
(``person_descriptors.txt``: ``Republican``, ``Officials``), a lone stop word (``It``,
``I'm``), a party/state tag (``R-Texas``, ``D-N.Y.``: :func:`is_party_tag`). Before a full name,
describing words, places, nationalities and openers are split off it (``Democrat Hillary
Clinton``, ``Texas Ted Cruz``), the last three only where two name words remain (``Chad Wolf``
is a name). Type: gazetteer, then designators, then all-capital acronyms (org), then two to
four name-like words not ending in a describing word (person), else ``other``.

Merging within a story: gazetteer aliases; ``Name (ACR)`` definitions where the acronym can
abbreviate the name - its letters found in order in the name, the first one starting a word
(Schwartz & Hearst 2003, *A simple algorithm for identifying abbreviation definitions in
biomedical text*, PSB 2003: 451-462): ``New York (CNN)`` is a dateline, not a definition;
``Nicholas "Nick" Reiner`` is one person; a bare surname (``Trump``, or
``Mr./Ms./Mrs./Dr./President/Sen./Rep. Trump``, whose title is split off) merges into the one
full name of the story that ends with it (generational suffixes kept apart: ``Trump Jr.`` is
Donald Trump Jr.). With two or more such names (``Hillary Clinton`` and ``Bill Clinton``) it
stays as written.

Merging across the corpus (:func:`actor_mentions`, :func:`merged_story_mentions`): spellings of
one person's full name (``Donald J. Trump``, ``Donald Trump``: initials or middle names added,
no rival middle) take the one written in the most stories; a bare surname its story left takes
the full name that owns the surname in the corpus (:func:`surname_owner`: the only one, or one
written in at least :data:`DOMINANT_SHARE` of the stories writing such a name; also written in
at least :data:`OWNER_SUPPORT` times as many stories as the surname stands alone in, and
introduced with a person title somewhere). Two people who share a surname are never merged; an
ambiguous surname stays as written and is listed by :func:`ambiguous_surnames`. On AllSides
(2,505 articles) this leaves one ``Donald Trump`` row (6,630 mentions, aliases ``Donald J.
Trump; Trump``) and a ``Trump`` row of 100 mentions in the 4 stories that write two other
"... Trump" names; ``Clinton`` (Hillary 211 stories, Bill 79: share 0.67) stays ambiguous.

**Precision on the seeds** (hand-checked; the full list is a test in
``tests/test_language_actor_extraction.py``): 37 actors extracted, 36 are real named entities
with the right extent (97 %) - the error is ``Chavista``, an adjective;
33 of 37 also have the right type (89 %) - ``Rosneft`` (an oil company), ``Trump`` (in "Trump
administration") and ``Brentwood`` (a district) are typed ``other``. Counts checked against
the text: Russia 25, United States 20 (``U.S.`` 17 + "United States" 3), Nicolás Maduro 15.
Missed on purpose: nationality adjectives (``Russian``, ``Soviet``). Recall was not measured (no
gold annotation); on news with many unknown organisations expect more ``other`` types.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis._checks import positive_int
from analysis.language.data import LANGUAGE_DATA_DIR, language_data, stop_words
from analysis.language.tables import (
    check_group,
    check_table,
    corpus_tables,
    group_values,
    sentences_by_story,
)

if TYPE_CHECKING:
    from analysis.corpus import Corpus

__all__ = [
    "ACTOR_COLUMNS",
    "AMBIGUOUS_COLUMNS",
    "DOMINANT_SHARE",
    "MENTION_COLUMNS",
    "NAME_SUFFIXES",
    "OWNER_SUPPORT",
    "actor_mentions",
    "actors",
    "ambiguous_surnames",
    "gazetteer_type",
    "is_description",
    "is_party_tag",
    "merged_story_mentions",
    "story_mentions",
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

_ACTOR_TOKEN = re.compile(r"[^\W_]+(?:[.'&][^\W_]+)*\.?")
_CONNECTORS = frozenset({"of", "the", "for", "and", "de", "del", "da", "di", "du", "van", "von"})
_NAME_PARTICLES = frozenset({"de", "del", "da", "di", "du", "van", "von", "bin", "al", "la"})
_EXTRA_ABBREVIATIONS = frozenset({"St.", "Jr.", "Sr.", "Mt.", "Ft.", "No.", "Sen.", "Rep."})
_ARTICLES = frozenset({"The", "A", "An"})
_NICKNAME = re.compile(r"(\b[A-Z][\w'.-]*) \"([A-Z][\w'.-]*)\" (?=[A-Z])")
_ACRONYM_DEF = re.compile(r"\s*\(([A-Z][A-Z0-9&.]{1,9})\)")
_ALL_CAPS = re.compile(r"[A-Z][A-Z0-9&]+")
#: One to three initials ("J.", "H.W.", "W"): a middle part of a name, spelt in several ways.
_INITIALS = re.compile(r"(?:[A-Z]\.){1,3}|[A-Z]")
_PARTY_TAG = re.compile(r"([A-Z])-(\S.*)")
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
ACTOR_COLUMNS = ["story_id", "actor", "type", "mentions", "aliases", "first_sentence"]
AMBIGUOUS_COLUMNS = ["surname", "mentions", "n_stories", "candidates", "top_share"]
#: The sentence columns the extraction reads.
_SENTENCE_COLUMNS = ["story_id", "sentence_id", "sentence_index", "start", "text"]

#: (tokens, canonical name, type) of one mention.
_Typed = tuple[list["_Tok"], str, str]


@dataclass(frozen=True)
class _Gazetteer:
    aliases: dict[str, tuple[str, str]]  # surface -> (canonical, type)
    demonyms: frozenset[str]
    places: frozenset[str]  # every place surface, for the hyphen rule
    designators: dict[tuple[str, ...], str]  # phrase tokens -> role
    max_designator: int
    not_names: frozenset[str]
    abbreviations: frozenset[str]
    stop: frozenset[str]
    descriptors: frozenset[str]  # words describing a person, not a name
    party_codes: frozenset[str]
    state_abbreviations: frozenset[str]  # without their final period


def _word_list(file_name: str) -> frozenset[str]:
    """A word list of ``analysis/data/language`` in the format of ``not_names.txt`` (one word a
    line, ``#`` comments), loaded and validated by :func:`~analysis.language.data.language_data`.
    """
    words = language_data("not_names", path=LANGUAGE_DATA_DIR / file_name)
    assert isinstance(words, frozenset)
    return words


@cache
def _gazetteer() -> _Gazetteer:
    places = language_data("places")
    orgs = language_data("organisations")
    designators = language_data("designators")
    assert isinstance(places, pd.DataFrame) and isinstance(orgs, pd.DataFrame)
    assert isinstance(designators, pd.DataFrame)
    aliases: dict[str, tuple[str, str]] = {}
    demonyms: set[str] = set()
    place_names: set[str] = set()
    for row in places.itertuples(index=False):
        for surface in [row.name, *[a for a in row.aliases.split("|") if a]]:
            aliases.setdefault(surface, (row.name, "place"))
            place_names.add(surface)
        demonyms.update(d for d in row.demonyms.split("|") if d)
    for row in orgs.itertuples(index=False):
        for surface in [row.name, *[a for a in row.aliases.split("|") if a]]:
            aliases[surface] = (row.name, "org")
    phrases = {
        tuple(p.split()): r for p, r in zip(designators.phrase, designators.role, strict=True)
    }
    abbreviations = {p for p in designators.phrase if p.endswith(".") and " " not in p}
    not_names = language_data("not_names")
    assert isinstance(not_names, frozenset)
    return _Gazetteer(
        aliases=aliases,
        demonyms=frozenset(demonyms),
        places=frozenset(place_names | demonyms),
        designators=phrases,
        max_designator=max(len(p) for p in phrases),
        not_names=not_names,
        abbreviations=frozenset(abbreviations | _EXTRA_ABBREVIATIONS),
        stop=stop_words(),
        descriptors=_word_list("person_descriptors.txt"),
        party_codes=_word_list("party_codes.txt"),
        state_abbreviations=frozenset(
            w.rstrip(".") for w in _word_list("state_abbreviations.txt")
        ),
    )


def _party_tag(phrase: str, gz: _Gazetteer) -> bool:
    m = _PARTY_TAG.fullmatch(phrase.strip())
    if m is None or m.group(1) not in gz.party_codes:
        return False
    state = m.group(2).strip()
    return state in gz.places or state.rstrip(".") in gz.state_abbreviations


def gazetteer_type(name: str) -> str | None:
    """``"place"`` or ``"org"`` when ``name`` is a name or alias of ``places.csv`` or
    ``organisations.csv``, else ``None``.

    >>> gazetteer_type("Washington"), gazetteer_type("DOJ"), gazetteer_type("Trump")
    ('place', 'org', None)
    """
    found = _gazetteer().aliases.get(name)
    return None if found is None else found[1]


def is_party_tag(text: str) -> bool:
    """Whether ``text`` is a U.S. party/state tag (``R-Texas``, ``D-N.Y.``, ``I-Vt``): a code of
    ``party_codes.txt``, a hyphen and a place of ``places.csv`` or an abbreviation of
    ``state_abbreviations.txt``. Such a tag labels the name before it; it is never an actor.

    >>> is_party_tag("R-Ariz."), is_party_tag("D-New Jersey"), is_party_tag("D-Day")
    (True, True, False)
    """
    return _party_tag(text, _gazetteer())


@dataclass
class _Tok:
    text: str
    start: int  # span of the name part (possessive and stray period excluded)
    end: int
    raw_end: int  # end of the regex match
    brk: bool  # a possessive or a sentence period ends a sequence after this token
    initial: bool = False

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()


def _keeps_period(tok: str, gz: _Gazetteer) -> bool:
    core = tok[:-1]
    return "." in core or (len(core) == 1 and core.isupper()) or tok in gz.abbreviations


def _actor_tokens(text: str, gz: _Gazetteer) -> list[_Tok]:
    """Capitalised tokens and connectors (other words only matter as gaps that break names)."""
    out: list[_Tok] = []
    prev_end = -1
    for m in _ACTOR_TOKEN.finditer(text):
        tok, start, end = m.group(), m.start(), m.end()
        gap_start, prev_end = prev_end, end
        if not (tok[0].isupper() or tok in _CONNECTORS):
            continue
        brk = False
        if tok.endswith(".") and not _keeps_period(tok, gz):
            tok, end, brk = tok[:-1], end - 1, True
        if len(tok) > 2 and tok[-2:] in ("'s", "'S"):
            tok, end, brk = tok[:-2], end - 2, True
        gap = text[gap_start:start] if gap_start >= 0 else ""
        # a sentence, an opening quotation mark or a colon starts here ('"," Roe said' does not)
        initial = gap_start < 0 or gap.endswith('"') or ":" in gap
        out.append(_Tok(tok, start, end, m.end(), brk, initial))
    return out


def _sequences(text: str, toks: list[_Tok], gz: _Gazetteer) -> list[list[_Tok]]:
    """The capitalised sequences of a sentence (hyphenated names joined, places kept apart)."""
    seqs: list[list[_Tok]] = []
    cur: list[_Tok] = []

    def close() -> None:
        while cur and not cur[-1].cap:
            cur.pop()
        if cur:
            seqs.append(list(cur))
        cur.clear()

    for i, t in enumerate(toks):
        prev = toks[i - 1] if i else None
        gap = text[prev.raw_end : t.start] if prev else ""
        cont = bool(cur) and prev is not None and not prev.brk and prev.raw_end == prev.end
        cont = cont and (gap == "-" or (gap != "" and gap.isspace()))
        if t.cap:
            if cont and gap == "-":
                last = cur[-1]
                if last.cap and not (last.text in gz.places and t.text in gz.places):
                    cur[-1] = _Tok(
                        f"{last.text}-{t.text}", last.start, t.end, t.raw_end, t.brk, last.initial
                    )
                    continue
                close()
                cur.append(t)
            elif cont:
                cur.append(t)
            else:
                close()
                cur.append(t)
        elif cont and gap != "-" and t.text in _CONNECTORS:
            cur.append(t)
        else:
            close()
    close()
    return seqs


def _match_designator(words: list[str], i: int, gz: _Gazetteer) -> tuple[int, str] | None:
    for n in range(min(gz.max_designator, len(words) - i), 0, -1):
        role = gz.designators.get(tuple(words[i : i + n]))
        if role is not None:
            return n, role
    return None


def _strip_edges(toks: list[_Tok]) -> list[_Tok]:
    while toks and not toks[0].cap:
        toks = toks[1:]
    while toks and not toks[-1].cap:
        toks = toks[:-1]
    return toks


def _type_of(toks: list[_Tok], gz: _Gazetteer) -> list[_Typed]:
    """Split a capitalised sequence into (tokens, canonical, type) mentions."""
    toks = _strip_edges(toks)
    if not toks:
        return []
    words = [t.text for t in toks]
    phrase = " ".join(words)
    if phrase in gz.aliases:
        canonical, kind = gz.aliases[phrase]
        return [(toks, canonical, kind)]
    if _party_tag(phrase, gz):
        return []
    if _party_tag(words[0], gz):  # "D-N.H. She said", a sentence end inside abbreviations
        return _type_of(toks[1:], gz)
    if words[0] in _ARTICLES:
        return _type_of(toks[1:], gz)
    if all(w in gz.not_names for w in words if w[:1].isupper()):
        return []
    if "and" in words:
        cut = words.index("and")
        return _type_of(toks[:cut], gz) + _type_of(toks[cut + 1 :], gz)
    titled = _split_person_title(toks, words, gz)
    if titled is not None:
        return titled
    return _type_by_designators(toks, words, phrase, gz)


def _split_person_title(toks: list[_Tok], words: list[str], gz: _Gazetteer) -> list[_Typed] | None:
    """A person title followed by a name: the prefix resolved on its own, then the person;
    ``None`` when the sequence has no such title."""
    for i in range(len(words)):
        hit = _match_designator(words, i, gz)
        if hit and hit[1] == "person_title" and i + hit[0] < len(words):
            rest = _strip_edges(toks[i + hit[0] :])
            if rest and rest[0].text not in _CONNECTORS:
                person = _type_of(rest, gz)
                if len(rest) == 1 and person and person[0][2] == "other":
                    person = [(rest, rest[0].text, "person")]
                elif len(person) == 1 and person[0][2] in ("other", "person"):
                    person = [(person[0][0], person[0][1], "person")]
                return _type_of(toks[:i], gz) + person
    return None


def _type_by_designators(
    toks: list[_Tok], words: list[str], phrase: str, gz: _Gazetteer
) -> list[_Typed]:
    """Type a sequence by its designator words (org, place, event), else by its shape."""
    roles = []
    for i in range(len(words)):
        hit = _match_designator(words, i, gz)
        if hit:
            roles.append((i, hit[1]))
    role_set = {r for _, r in roles}
    if words[0] in gz.demonyms and "org" not in role_set:
        return _type_of(toks[1:], gz)
    if "of" in words and not role_set:
        cut = words.index("of")
        return _type_of(toks[:cut], gz) + _type_of(toks[cut + 1 :], gz)
    if roles and roles[0] == (0, "event"):
        return [(toks, phrase, "other")]
    if "org" in role_set:
        return [(toks, phrase, "org")]
    if "place" in role_set:
        return [(toks, phrase, "place")]
    if "event" in role_set:
        return [(toks, phrase, "other")]
    return _type_by_shape(toks, words, phrase, gz)


def _type_by_shape(
    toks: list[_Tok], words: list[str], phrase: str, gz: _Gazetteer
) -> list[_Typed]:
    """Acronyms are organisations, two to four name-like words a person, the rest ``other``."""
    if len(toks) == 1:
        word = words[0]
        # "Venezuelan", "Republican" (person_descriptors.txt), "It", "I'm" (stop words), "I"
        if (
            word in gz.demonyms
            or word in gz.descriptors
            or word.lower() in gz.stop
            or len(word) == 1
        ):
            return []
        if _ALL_CAPS.fullmatch(word) and len(word) >= 2:
            return [(toks, word, "org")]
        return [(toks, word, "other")]
    name_like = all(
        w in _NAME_PARTICLES or (w[:1].isupper() and not _ALL_CAPS.fullmatch(w)) or len(w) <= 2
        for w in words
    )
    if name_like:
        cut = _name_prefix(words, gz)
        if cut:
            prefix = _type_of(toks[:cut], gz) if " ".join(words[:cut]) in gz.aliases else []
            return prefix + _type_of(toks[cut:], gz)
    if name_like and len(toks) <= 4 and words[-1] not in gz.descriptors:
        return [(toks, phrase, "person")]
    return [(toks, phrase, "other")]


def _name_prefix(words: list[str], gz: _Gazetteer) -> int:
    """How many leading words of a name-like sequence are not part of the person's name.

    A describing word (``person_descriptors.txt``: "Democrat Hillary Clinton", "Republican
    Trump") is never a name; a place or organisation of the gazetteers, a nationality, a stop
    word or a sentence opener ("Texas Ted Cruz", "And Donald Trump") is cut only where two name
    words (suffix aside) are left, since such words also begin names ("Chad Wolf", "April Ryan",
    "Will Hurd")."""
    n_name = len(_name_words(" ".join(words))[0])
    cut = 0
    while n_name - cut > 1:
        word = words[cut]
        if word in gz.descriptors:
            cut += 1
            continue
        if n_name - cut == 2:
            break
        gazetteer = next(
            (
                n
                for n in range(n_name - cut - 2, 0, -1)
                if " ".join(words[cut : cut + n]) in gz.aliases
            ),
            0,
        )
        if gazetteer:
            cut += gazetteer
        elif word in gz.demonyms or word in gz.not_names or word.lower() in gz.stop:
            cut += 1
        else:
            break
    return cut


def _resolve_sequence(seq: list[_Tok], story_caps: set[str], gz: _Gazetteer) -> list[_Typed]:
    """Mentions of a sequence, after the sentence-opener rules."""
    if seq[0].initial:
        first = seq[0].text
        lowered = first.lower()
        opener = (
            lowered in gz.stop
            or first in gz.not_names
            or first in _ARTICLES
            or (lowered.endswith("ly") and first not in story_caps)
        )
        if opener:
            seq = _strip_edges(seq[1:])
        elif len(seq) == 1 and first not in gz.aliases and first not in story_caps:
            return []
        if not seq:
            return []
    return _type_of(seq, gz)


def _parse_story(sents: list, gz: _Gazetteer) -> tuple[list, set[str]]:
    """(sentence, masked text, tokens) per sentence, nicknames masked, and the words the story
    capitalises inside a sentence."""
    parsed = []
    story_caps: set[str] = set()
    for row in sents:
        text = row.text
        masked = text
        for m in _NICKNAME.finditer(text):
            masked = masked[: m.end(1)] + " " * (m.end() - m.end(1)) + masked[m.end() :]
        toks = _actor_tokens(masked, gz)
        story_caps.update(t.text for t in toks if t.cap and not t.initial)
        parsed.append((row, masked, toks))
    return parsed, story_caps


def _abbreviates(short: str, long: str) -> bool:
    """Whether ``short`` can abbreviate ``long`` (Schwartz & Hearst 2003, *A simple algorithm for
    identifying abbreviation definitions in biomedical text*, PSB 2003: 451-462): every letter
    or digit of ``short``, right to left, is found in ``long`` in that order, and the first one
    begins a word of ``long``. ``Department of Justice (DOJ)`` defines DOJ; ``New York (CNN)``,
    a dateline before a credit, defines nothing."""
    s_chars = [c for c in short.lower() if c.isalnum()]
    text = long.lower()
    j = len(text) - 1
    for i in range(len(s_chars) - 1, -1, -1):
        c = s_chars[i]
        while j >= 0 and (text[j] != c or (i == 0 and j > 0 and text[j - 1].isalnum())):
            j -= 1
        if j < 0:
            return False
        j -= 1
    return bool(s_chars)


def _after_title(seq: list[_Tok], first: _Tok, gz: _Gazetteer) -> bool:
    """Whether a person title (``designators.csv``) comes right before ``first`` in ``seq``."""
    words = tuple(t.text for t in seq if t.start < first.start)
    return any(
        gz.designators.get(words[-n:]) == "person_title"
        for n in range(1, min(gz.max_designator, len(words)) + 1)
    )


def _raw_mentions(
    story_id: str, parsed: list, story_caps: set[str], gz: _Gazetteer
) -> tuple[list[dict], dict[str, str], set[int]]:
    """Every mention of a story, its ``Name (ACR)`` acronyms and the offsets of their
    definitions."""
    mentions: list[dict] = []
    acronyms: dict[str, str] = {}
    definition_spans: set[int] = set()
    for row, masked, toks in parsed:
        offset = int(row.start)
        for seq in _sequences(masked, toks, gz):
            for mtoks, canonical, kind in _resolve_sequence(seq, story_caps, gz):
                start, end = mtoks[0].start, mtoks[-1].end
                mention = {
                    "story_id": story_id,
                    "sentence_id": row.sentence_id,
                    "sentence_index": int(row.sentence_index),
                    "start": offset + start,
                    "end": offset + end,
                    "surface": row.text[start:end],
                    "actor": canonical,
                    "type": kind,
                    "n_words": len(mtoks),
                    "titled": kind == "person" and _after_title(seq, mtoks[0], gz),
                }
                mentions.append(mention)
                acr = _ACRONYM_DEF.match(masked, end)
                if (
                    acr
                    and len(mtoks) > 1
                    and (
                        _abbreviates(acr.group(1), canonical)
                        or _abbreviates(acr.group(1), mention["surface"])
                    )
                ):
                    acronyms.setdefault(acr.group(1), canonical)
                    definition_spans.add(offset + acr.start(1))
    return mentions, acronyms, definition_spans


def _merge_acronyms(mentions: list[dict], acronyms: dict[str, str]) -> None:
    """Give a defined acronym the actor it stands for (in place)."""
    for m in mentions:
        if m["n_words"] == 1 and m["surface"] in acronyms:
            m["actor"] = acronyms[m["surface"]]
            m["type"] = next(
                (x["type"] for x in mentions if x["actor"] == m["actor"] and x["n_words"] > 1),
                "org",
            )


def _name_words(name: str) -> tuple[list[str], str]:
    """The words of a person's name without its generational suffix, and the suffix (without
    its period)."""
    words = name.split()
    if len(words) > 1 and words[-1] in NAME_SUFFIXES:
        return words[:-1], words[-1].rstrip(".")
    return words, ""


def _surname_key(name: str) -> tuple[str, str]:
    """(surname, suffix) of a name: ``Donald Trump Jr.`` -> ``("Trump", "Jr")``."""
    words, suffix = _name_words(name)
    return words[-1], suffix


def _is_full_name(m: dict) -> bool:
    return m["type"] == "person" and len(_name_words(m["actor"])[0]) >= 2


def _is_bare_surname(m: dict, gz: _Gazetteer) -> bool:
    """A one-word name (``Trump``, ``Trump Jr.``; ``President Trump`` has lost its title) that
    may be the surname of a full name."""
    return (
        m["type"] in ("person", "other")
        and len(_name_words(m["actor"])[0]) == 1
        and m["actor"] not in gz.aliases
        and m["actor"] not in gz.descriptors
    )


def _normal_form(name: str) -> tuple[tuple[str, ...], str]:
    """A name's words with initials split into letters (``H.W.``, ``H. W.`` and ``H W`` alike)
    and its suffix."""
    words, suffix = _name_words(name)
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


def _merge_surnames(mentions: list[dict], gz: _Gazetteer) -> None:
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
        {
            m["actor"]
            for m in mentions
            if _is_full_name(m) and len(_name_words(m["surface"])[0]) > 1
        }
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


def _merge_stories(stories: list[list[dict]], gz: _Gazetteer) -> None:
    """Merge the mention dicts of all stories across them (in place), as
    :func:`merged_story_mentions` states."""
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
        mentions: the output of :func:`actor_mentions`; not mutated.

    Returns:
        ``surname`` (as written, e.g. ``Clinton``), ``mentions`` and ``n_stories`` (of the bare
        surname left), ``candidates`` (the full names, ``"name (stories writing it)"``,
        ``"; "``-joined, most written first, the first ten), ``top_share`` (the most written
        one's share of those stories: below :data:`DOMINANT_SHARE` the surname is ambiguous in
        the corpus; at or above it, it is left only where :func:`merged_story_mentions` does
        not let the owner take it, e.g. in stories that write two other full names with it).
        Sorted by mentions (desc), then surname.

    Raises:
        ParameterError: missing columns.

    >>> from analysis.corpus import stories_from_texts
    >>> corpus = stories_from_texts(["President Bill Clinton met Hillary Clinton. Clinton left."])
    >>> ambiguous_surnames(actor_mentions(corpus.sentences))["candidates"].tolist()
    ['Bill Clinton (1); Hillary Clinton (1)']
    """
    check_table(mentions, MENTION_COLUMNS, "mentions")
    gz = _gazetteer()
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


def story_mentions(story_id: str, sents: list) -> list[dict]:
    """The actor mentions of one story, merged within the story, in text order.

    Args:
        story_id: the story's id.
        sents: its sentence records (``sentence_id``, ``sentence_index``, ``start``, ``text``),
            by ``sentence_index``, as :func:`analysis.language.tables.sentences_by_story` gives.

    Returns:
        One dict per mention with the :data:`MENTION_COLUMNS` and ``n_words``.
    """
    gz = _gazetteer()
    parsed, story_caps = _parse_story(sents, gz)
    mentions, acronyms, definition_spans = _raw_mentions(story_id, parsed, story_caps, gz)
    mentions = [m for m in mentions if m["start"] not in definition_spans]
    mentions.sort(key=lambda m: (m["start"], m["end"]))
    _merge_acronyms(mentions, acronyms)
    _merge_surnames(mentions, gz)
    return mentions


def merged_story_mentions(stories: Iterable[tuple[str, list]]) -> list[list[dict]]:
    """:func:`story_mentions` of each story, then person names merged across the stories.

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
        stories: ``(story_id, sentence records)`` pairs, as
            :func:`analysis.language.tables.sentences_by_story` gives.

    Returns:
        The mention dicts of each story, in the order given.
    """
    out = [story_mentions(story_id, sents) for story_id, sents in stories]
    _merge_stories(out, _gazetteer())
    return out


def is_description(text: str) -> bool:
    """Whether ``text`` describes a person or source instead of naming one: at least one of its
    words is a person title (``designators.csv``) or a describing word
    (``person_descriptors.txt``) and the others are stop words, compared case-insensitively.

    >>> [is_description(t) for t in ("the President", "These figures", "Cruz", "the")]
    [True, True, False, False]
    """
    gz = _gazetteer()
    words = [w.lower().rstrip(".") for w in _ACTOR_TOKEN.findall(text)]
    described = [w in _lower_descriptions() for w in words]
    return any(described) and all(d or w in gz.stop for w, d in zip(words, described, strict=True))


@cache
def _lower_descriptions() -> frozenset[str]:
    """Person titles (single words of ``designators.csv``) and describing words, lower-case and
    without a final period."""
    gz = _gazetteer()
    titles = {
        w for phrase, role in gz.designators.items() if role == "person_title" for w in phrase
    }
    return frozenset(w.lower().rstrip(".") for w in titles | gz.descriptors)


def actor_mentions(sentences: pd.DataFrame) -> pd.DataFrame:
    """Every actor mention (person, organisation, place, other) of every sentence, with names
    merged within each story and across the stories of ``sentences`` (module docstring,
    :func:`merged_story_mentions`): the actor of a mention depends on the other stories, so
    per-story results are merged with :func:`merged_story_mentions`, not concatenated.

    Args:
        sentences: the corpus' sentences table (``story_id``, ``sentence_id``,
            ``sentence_index``, ``start``, ``text``); not mutated.

    Returns:
        ``story_id``, ``sentence_id``, ``sentence_index``, ``start``/``end`` (character offsets
        into the story text), ``surface`` (the text as written, title and possessive removed),
        ``actor`` (merged name), ``type`` (``person``/``org``/``place``/``other``), ``titled``
        (a person mention right after a person title: ``President Trump``); story order, then
        ``start``.

    Raises:
        ParameterError: missing columns.

    >>> from analysis import load_corpus
    >>> m = actor_mentions(load_corpus().sentences)
    >>> m.loc[m["surface"] == "Maduro", "actor"].iloc[0]
    'Nicolás Maduro'
    """
    check_table(sentences, _SENTENCE_COLUMNS, "sentences")
    stories = merged_story_mentions(sentences_by_story(sentences, _SENTENCE_COLUMNS))
    rows = [m for mentions in stories for m in mentions]
    out = pd.DataFrame(rows, columns=[*MENTION_COLUMNS, "n_words"])
    out = out.astype(
        {"sentence_index": np.int64, "start": np.int64, "end": np.int64, "titled": bool}
    )
    return out[MENTION_COLUMNS].reset_index(drop=True)


def actors(corpus: Corpus, *, group: str = "story_id", top_n: int | None = None) -> pd.DataFrame:
    """Actors each story (or group of stories) mentions, with counts.

    Args:
        corpus: a :class:`~analysis.corpus.Corpus`; not mutated.
        group: ``story_id``, or a story column (``outlet``, ``bias_label`` ...) to sum over.
        top_n: keep the ``top_n`` most mentioned actors per group (``None`` = all).

    Names are merged within each story and across the whole corpus (module docstring), never
    within a group only: an actor has the same name in every grouping.

    Returns:
        ``group`` (the story id or group value), ``actor``, ``type``, ``mentions``,
        ``n_stories`` (stories of the group mentioning it), ``aliases`` (other surface forms,
        ``"; "``-joined, sorted), ``first_sentence`` (``sentence_index`` of the first mention;
        for groups the smallest); groups in order of first appearance, then mentions (desc),
        then actor.

    Raises:
        ParameterError: not a corpus, unknown ``group``, bad ``top_n``.
    """
    stories, sentences = corpus_tables(corpus)
    check_group(stories, group)
    if top_n is not None:
        top_n = positive_int(top_n, "top_n")
    columns = ["group", "actor", "type", "mentions", "n_stories", "aliases", "first_sentence"]
    mentions = actor_mentions(sentences)
    if mentions.empty:
        return pd.DataFrame(columns=columns)
    labels, index = group_values(stories, group)
    group_of = dict(zip(stories["story_id"].astype(str), (labels[i] for i in index), strict=True))
    mentions = mentions.assign(group=mentions["story_id"].map(group_of))
    # the type of an actor is the type of its longest mention (first one on ties)
    mentions["_len"] = mentions["surface"].str.len()
    mentions["_pos"] = np.arange(len(mentions))
    ordered = mentions.sort_values(
        ["group", "actor", "_len", "_pos"], ascending=[True, True, False, True], kind="stable"
    )
    keys = ["group", "actor"]
    first = ordered.drop_duplicates(keys).set_index(keys)
    grouped = mentions.groupby(keys, sort=False)
    stats = grouped.agg(
        mentions=("surface", "size"),
        n_stories=("story_id", "nunique"),
        first_sentence=("sentence_index", "min"),
    )
    surfaces = mentions[["group", "actor", "surface"]].drop_duplicates()
    surfaces = surfaces[surfaces["surface"] != surfaces["actor"]].sort_values("surface")
    aliases = surfaces.groupby(keys, sort=False)["surface"].agg("; ".join)
    out = stats.join(first["type"]).join(aliases.rename("aliases")).reset_index()
    out["aliases"] = out["aliases"].fillna("")
    out = out[columns].copy()
    out["_g"] = out["group"].map({g: i for i, g in enumerate(labels)})
    out = out.sort_values(["_g", "mentions", "actor"], ascending=[True, False, True])
    if top_n is not None:
        out = out.groupby("_g", sort=False).head(top_n)
    out = out.drop(columns="_g").reset_index(drop=True)
    return out.astype({"mentions": np.int64, "n_stories": np.int64, "first_sentence": np.int64})
