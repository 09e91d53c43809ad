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
kept). A word that only names a nationality (``Venezuelan``) is not an actor. Merging within a
story: gazetteer aliases; ``Name (ACR)`` definitions; a one-word mention equal to the last word
of a person's full name merges into the most recent full name before it (or, if none, the first
after it); ``Nicholas "Nick" Reiner`` is one person. Type: gazetteer, then designators, then
all-capital acronyms (org), then two to four name-like words (person), else ``other``.

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
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis._checks import positive_int
from analysis.language.data import language_data, stop_words
from analysis.language.tables import (
    check_group,
    check_table,
    corpus_tables,
    group_values,
    sentences_by_story,
)

if TYPE_CHECKING:
    from analysis.corpus import Corpus

__all__ = ["ACTOR_COLUMNS", "MENTION_COLUMNS", "actor_mentions", "actors", "story_mentions"]

_ACTOR_TOKEN = re.compile(r"[^\W_]+(?:[.'&][^\W_]+)*\.?")
_CONNECTORS = frozenset({"of", "the", "for", "and", "de", "del", "da", "di", "du", "van", "von"})
_NAME_PARTICLES = frozenset({"de", "del", "da", "di", "du", "van", "von", "bin", "al", "la"})
_EXTRA_ABBREVIATIONS = frozenset({"St.", "Jr.", "Sr.", "Mt.", "Ft.", "No.", "Sen.", "Rep."})
_ARTICLES = frozenset({"The", "A", "An"})
_NICKNAME = re.compile(r"(\b[A-Z][\w'.-]*) \"([A-Z][\w'.-]*)\" (?=[A-Z])")
_ACRONYM_DEF = re.compile(r"\s*\(([A-Z][A-Z0-9&.]{1,9})\)")
_ALL_CAPS = re.compile(r"[A-Z][A-Z0-9&]+")
MENTION_COLUMNS = [
    "story_id",
    "sentence_id",
    "sentence_index",
    "start",
    "end",
    "surface",
    "actor",
    "type",
]
ACTOR_COLUMNS = ["story_id", "actor", "type", "mentions", "aliases", "first_sentence"]
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
    )


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
        initial = gap_start < 0 or '"' in gap or ":" in gap
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
        if word in gz.demonyms or len(word) == 1:  # "Venezuelan", the pronoun "I"
            return []
        if _ALL_CAPS.fullmatch(word) and len(word) >= 2:
            return [(toks, word, "org")]
        return [(toks, word, "other")]
    name_like = all(
        w in _NAME_PARTICLES or (w[:1].isupper() and not _ALL_CAPS.fullmatch(w)) or len(w) <= 2
        for w in words
    )
    if name_like and len(toks) <= 4:
        return [(toks, phrase, "person")]
    return [(toks, phrase, "other")]


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
                }
                mentions.append(mention)
                acr = _ACRONYM_DEF.match(masked, end)
                if acr and len(mtoks) > 1:
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


def _merge_surnames(mentions: list[dict], gz: _Gazetteer) -> None:
    """Merge a one-word mention into the full name of the person it ends (in place)."""
    persons = [m for m in mentions if m["type"] == "person" and m["n_words"] > 1]
    for m in mentions:
        if m["n_words"] != 1 or m["type"] not in ("other", "person"):
            continue
        if m["surface"] in gz.aliases:
            continue
        same = [p for p in persons if p["actor"].split()[-1] == m["surface"]]
        before = [p for p in same if p["start"] < m["start"]]
        target = before[-1] if before else (same[0] if same else None)
        if target is not None:
            m["actor"], m["type"] = target["actor"], "person"
        elif m["type"] == "other" and any(
            p["type"] == "person" and p["n_words"] == 1 and p["actor"] == m["surface"]
            for p in mentions
        ):
            m["type"] = "person"


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


def actor_mentions(sentences: pd.DataFrame) -> pd.DataFrame:
    """Every actor mention (person, organisation, place, other) of every sentence.

    Computable story by story (a cached pipeline can run it per article and concatenate).

    Args:
        sentences: the corpus' sentences table (``story_id``, ``sentence_id``,
            ``sentence_index``, ``start``, ``text``); not mutated.

    Returns:
        ``story_id``, ``sentence_id``, ``sentence_index``, ``start``/``end`` (character offsets
        into the story text), ``surface`` (the text as written, title and possessive removed),
        ``actor`` (merged name), ``type`` (``person``/``org``/``place``/``other``); story order,
        then ``start``.

    Raises:
        ParameterError: missing columns.

    >>> from analysis import load_corpus
    >>> m = actor_mentions(load_corpus().sentences)
    >>> m.loc[m["surface"] == "Maduro", "actor"].iloc[0]
    'Nicolás Maduro'
    """
    check_table(sentences, _SENTENCE_COLUMNS, "sentences")
    rows: list[dict] = []
    for story_id, sents in sentences_by_story(sentences, _SENTENCE_COLUMNS):
        rows.extend(story_mentions(story_id, sents))
    out = pd.DataFrame(rows, columns=[*MENTION_COLUMNS, "n_words"])
    out = out.astype({"sentence_index": np.int64, "start": np.int64, "end": np.int64})
    return out[MENTION_COLUMNS].reset_index(drop=True)


def _merge_surnames_in_groups(mentions: pd.DataFrame) -> pd.Series:
    """Actor names with a one-word person (or ``other``) actor merged into the only multi-word
    person of the same group whose last word it is ("Trump" -> "Donald Trump" when the group
    has no other "... Trump")."""
    persons = mentions.loc[
        (mentions["type"] == "person") & mentions["actor"].str.contains(" ", regex=False),
        ["group", "actor"],
    ].drop_duplicates()
    persons = persons.assign(last=persons["actor"].str.rsplit(" ", n=1).str[-1])
    unique = persons.groupby(["group", "last"]).filter(lambda f: len(f) == 1)
    target = {
        (g, last): actor
        for g, last, actor in unique[["group", "last", "actor"]].itertuples(index=False, name=None)
    }
    single = ~mentions["actor"].str.contains(" ", regex=False) & mentions["type"].isin(
        ["person", "other"]
    )
    return pd.Series(
        [
            target.get((g, a), a) if is_single else a
            for g, a, is_single in zip(mentions["group"], mentions["actor"], single, strict=True)
        ],
        index=mentions.index,
        dtype=object,
    )


def actors(corpus: Corpus, *, group: str = "story_id", top_n: int | None = None) -> pd.DataFrame:
    """Actors each story (or group of stories) mentions, with counts.

    Args:
        corpus: a :class:`~analysis.corpus.Corpus`; not mutated.
        group: ``story_id``, or a story column (``outlet``, ``bias_label`` ...) to sum over.
        top_n: keep the ``top_n`` most mentioned actors per group (``None`` = all).

    Within a group, a one-word actor that is the last word of exactly one multi-word person of
    the group is merged into it (across stories; within a story see the module docstring).

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
    mentions["actor"] = _merge_surnames_in_groups(mentions)
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
