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
``Nicholas "Nick" Reiner`` is one person; a bare surname merges into the one full name of the
story that ends with it. Merging across the corpus (:func:`actor_mentions`,
:func:`merged_story_mentions`): spellings of one person's full name take the one written in the
most stories, and a bare surname its story left takes the full name that owns the surname in the
corpus, if any. The surname rules are stated in :mod:`analysis.language.actor_merging`. A
mention that is still one person title or describing word after merging, and not a person (a
lone ``President`` or ``Senators``, a ``Mr.`` left at the end of a cut-off lead), is dropped:
it describes someone without naming them.

**Precision on the seeds** (hand-checked; the full list is a test in
``tests/test_language_actor_extraction.py``): 37 actors extracted, 36 are real named entities
with the right extent (97 %) - the error is ``Chavista``, an adjective;
33 of 37 also have the right type (89 %) - ``Rosneft`` (an oil company), ``Trump`` (in "Trump
administration") and ``Brentwood`` (a district) are typed ``other``. Counts checked against
the text: Russia 25, United States 20 (``U.S.`` 17 + "United States" 3), Nicolás Maduro 15.
Missed on purpose: nationality adjectives (``Russian``, ``Soviet``). Recall was not measured (no
gold annotation); on news with many unknown organisations expect more ``other`` types.

The merged mentions of a set of sentences are kept in the analysis cache
(:mod:`analysis.language.memo`; keyed by the sentences, versioned by this module, the merging
rules and the data files): actors, quotations and sentiment targets read them in each report.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from analysis import parallel
from analysis.cache import release_memory
from analysis.language.actor_merging import (
    MENTION_COLUMNS,
    merge_across_stories,
    merge_story_surnames,
    name_words,
)
from analysis.language.data import ActorGazetteer, actor_gazetteer
from analysis.language.memo import cached_tables, method_hash, records_key, table_key
from analysis.language.tables import (
    PlainStory,
    check_table,
    plain_stories,
    story_count,
    story_parts,
    story_records,
)

__all__ = [
    "ACTOR_COLUMNS",
    "MENTION_COLUMNS",
    "actor_mentions",
    "gazetteer_type",
    "is_description",
    "is_party_tag",
    "mentions_key",
    "merged_story_mentions",
    "table_story_mentions",
    "story_mentions",
]


_ACTOR_TOKEN = re.compile(r"[^\W_]+(?:[.'&][^\W_]+)*\.?")
_CONNECTORS = frozenset({"of", "the", "for", "and", "de", "del", "da", "di", "du", "van", "von"})
_NAME_PARTICLES = frozenset({"de", "del", "da", "di", "du", "van", "von", "bin", "al", "la"})
_ARTICLES = frozenset({"The", "A", "An"})
_NICKNAME = re.compile(r"(\b[A-Z][\w'.-]*) \"([A-Z][\w'.-]*)\" (?=[A-Z])")
_ACRONYM_DEF = re.compile(r"\s*\(([A-Z][A-Z0-9&.]{1,9})\)")
_ALL_CAPS = re.compile(r"[A-Z][A-Z0-9&]+")
_PARTY_TAG = re.compile(r"([A-Z])-(\S.*)")
ACTOR_COLUMNS = ["story_id", "actor", "type", "mentions", "aliases", "first_sentence"]
#: The sentence columns the extraction reads.
_SENTENCE_COLUMNS = ["story_id", "sentence_id", "sentence_index", "start", "text"]

#: (tokens, canonical name, type) of one mention.
_Typed = tuple[list["_Tok"], str, str]


def _party_tag(phrase: str, gz: ActorGazetteer) -> bool:
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
    found = actor_gazetteer().aliases.get(name)
    return None if found is None else found[1]


def is_party_tag(text: str) -> bool:
    """Whether ``text`` is a U.S. party/state tag (``R-Texas``, ``D-N.Y.``, ``I-Vt``): a code of
    ``party_codes.txt``, a hyphen and a place of ``places.csv`` or an abbreviation of
    ``state_abbreviations.txt``. Such a tag labels the name before it; it is never an actor.

    >>> is_party_tag("R-Ariz."), is_party_tag("D-New Jersey"), is_party_tag("D-Day")
    (True, True, False)
    """
    return _party_tag(text, actor_gazetteer())


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


def _keeps_period(tok: str, gz: ActorGazetteer) -> bool:
    core = tok[:-1]
    return "." in core or (len(core) == 1 and core.isupper()) or tok in gz.abbreviations


def _actor_tokens(text: str, gz: ActorGazetteer) -> list[_Tok]:
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


def _sequences(text: str, toks: list[_Tok], gz: ActorGazetteer) -> list[list[_Tok]]:
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


def _match_designator(words: list[str], i: int, gz: ActorGazetteer) -> tuple[int, str] | None:
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


def _type_of(toks: list[_Tok], gz: ActorGazetteer) -> list[_Typed]:
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


def _split_person_title(
    toks: list[_Tok], words: list[str], gz: ActorGazetteer
) -> list[_Typed] | None:
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
    toks: list[_Tok], words: list[str], phrase: str, gz: ActorGazetteer
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
    toks: list[_Tok], words: list[str], phrase: str, gz: ActorGazetteer
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


def _name_prefix(words: list[str], gz: ActorGazetteer) -> int:
    """How many leading words of a name-like sequence are not part of the person's name.

    A describing word (``person_descriptors.txt``: "Democrat Hillary Clinton", "Republican
    Trump") is never a name; a place or organisation of the gazetteers, a nationality, a stop
    word or a sentence opener ("Texas Ted Cruz", "And Donald Trump") is cut only where two name
    words (suffix aside) are left, since such words also begin names ("Chad Wolf", "April Ryan",
    "Will Hurd")."""
    n_name = len(name_words(" ".join(words))[0])
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


def _resolve_sequence(seq: list[_Tok], story_caps: set[str], gz: ActorGazetteer) -> list[_Typed]:
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


def _parse_story(sents: list, gz: ActorGazetteer) -> tuple[list, set[str]]:
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


def _after_title(seq: list[_Tok], first: _Tok, gz: ActorGazetteer) -> bool:
    """Whether a person title (``designators.csv``) comes right before ``first`` in ``seq``."""
    words = tuple(t.text for t in seq if t.start < first.start)
    return any(
        gz.designators.get(words[-n:]) == "person_title"
        for n in range(1, min(gz.max_designator, len(words)) + 1)
    )


def _raw_mentions(
    story_id: str, parsed: list, story_caps: set[str], gz: ActorGazetteer
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


def story_mentions(story_id: str, sents: list) -> list[dict]:
    """The actor mentions of one story, merged within the story, in text order.

    Args:
        story_id: the story's id.
        sents: its sentence records (``sentence_id``, ``sentence_index``, ``start``, ``text``),
            by ``sentence_index``, as :func:`analysis.language.tables.sentences_by_story` gives.

    Returns:
        One dict per mention with the :data:`MENTION_COLUMNS` and ``n_words``.
    """
    gz = actor_gazetteer()
    parsed, story_caps = _parse_story(sents, gz)
    mentions, acronyms, definition_spans = _raw_mentions(story_id, parsed, story_caps, gz)
    mentions = [m for m in mentions if m["start"] not in definition_spans]
    mentions.sort(key=lambda m: (m["start"], m["end"]))
    _merge_acronyms(mentions, acronyms)
    merge_story_surnames(mentions, gz)
    return mentions


def merged_story_mentions(stories: Iterable[tuple[str, list]]) -> list[list[dict]]:
    """:func:`story_mentions` of each story, then person names merged across the stories
    (:func:`analysis.language.actor_merging.merge_across_stories` states the rules: spellings of
    one person take the most written one; a bare surname its story left takes the full name that
    owns it in the corpus, if any; two people who share a surname are never merged).

    Args:
        stories: ``(story_id, sentence records)`` pairs, as
            :func:`analysis.language.tables.sentences_by_story` gives.

    Returns:
        The mention dicts of each story, in the order given (fresh copies: the last result is
        kept for the next call on the same sentences).
    """
    stories = list(stories)
    return _mentions_lists(_mentions_frame(stories), len(stories))


def _mentions_frame(stories: list[tuple[str, list]]) -> pd.DataFrame:
    """The merged mentions of the stories as one table (:func:`_computed_mentions`): kept for the
    next call on the same sentences, and in the analysis cache for the next process."""
    return _kept_mentions(
        _mentions_key(stories),
        lambda: (len(stories), (plain_stories(part) for part in parallel.chunked(stories))),
    )


#: The stories to find mentions in: their number, and their chunks as workers need them.
_Chunks = tuple[int, Iterable[list[PlainStory]]]


def _kept_mentions(key: str, chunks: Callable[[], _Chunks]) -> pd.DataFrame:
    """The mentions of ``key`` from this process, the analysis cache, or computed from
    ``chunks()`` (called only then)."""
    if key not in _MENTIONS_MEMO:
        tables, _ = cached_tables(
            "actor-mentions",
            f"{_MEMO_NAME}-{method_hash(_METHOD_FILES)}",
            key,
            lambda: ({"mentions": _computed_mentions(*chunks())}, {}),
        )
        _MENTIONS_MEMO.clear()
        _MENTIONS_MEMO[key] = tables["mentions"]
    return _MENTIONS_MEMO[key]


def _computed_mentions(n_stories: int, chunks: Iterable[list[PlainStory]]) -> pd.DataFrame:
    """:func:`story_mentions` of every story as one table (:func:`_mentions_table`; found in
    worker processes on large corpora: a story's mentions depend on its own sentences only),
    then merged across the stories (:func:`_merge_table_across_stories`). Each chunk comes
    back as a table, not as mention dicts: at 25,000 stories (1.6 million mentions) the dicts
    took 0.8 GB, the table 0.2 GB."""
    parts: list[pd.DataFrame] = []
    done = [0]

    def collect(part: tuple[int, pd.DataFrame]) -> None:
        n, frame = part
        if len(frame):
            frame["_story"] += done[0]
            parts.append(frame)
        done[0] += n

    parallel.for_each_chunk(
        _chunk_mentions, chunks, collect, n_items=n_stories, desc="finding actors"
    )
    frame = pd.concat(parts, ignore_index=True) if parts else _mentions_table([])
    parts.clear()
    release_memory()
    _merge_table_across_stories(frame, n_stories)
    return _without_descriptions(frame)


def _without_descriptions(frame: pd.DataFrame) -> pd.DataFrame:
    """The mentions whose actor, once merged, names someone: not those whose actor is one
    person title (``designators.csv``) or describing word (``person_descriptors.txt``) and
    not a person (a lone ``President`` or ``Senators``, a ``Mr.`` left at the end of a cut-off
    lead). A bare title that merged into a full name (``King`` -> Steve King in the same story)
    is kept under that name."""
    lone = _lone_descriptions()
    drop = frame["actor"].isin(lone).to_numpy() & (frame["type"] != "person").to_numpy()
    if not drop.any():
        return frame
    rows = np.flatnonzero(~drop)
    kept = pd.DataFrame(index=pd.RangeIndex(len(rows)))
    for column in list(frame.columns):  # a column at a time: one copy of the table, not two
        kept[column] = frame[column].array.take(rows)
        del frame[column]
    return kept


@cache
def _lone_descriptions() -> list[str]:
    """One-word person titles and describing words, as written in the data files."""
    gz = actor_gazetteer()
    titles = {
        phrase[0]
        for phrase, role in gz.designators.items()
        if role == "person_title" and len(phrase) == 1
    }
    return sorted(titles | set(gz.descriptors))


def _chunk_mentions(chunk: list[PlainStory]) -> tuple[int, pd.DataFrame]:
    """The number of stories of a chunk and the :func:`story_mentions` of each as one table
    (run in a worker process)."""
    found = [story_mentions(sid, story_records(fields, rows)) for sid, fields, rows in chunk]
    return len(chunk), _mentions_table(found)


#: The fields of a mention that :func:`merge_across_stories` reads.
_MERGE_FIELDS = ["actor", "type", "surface", "titled"]


def _merge_table_across_stories(frame: pd.DataFrame, n_stories: int) -> None:
    """:func:`merge_across_stories` on a table of mentions (``_story``: the story's position),
    in place. The merge reads only person and other mentions and only their
    :data:`_MERGE_FIELDS`, and what it makes of a mention depends on those and on its story
    alone (sets and counts of names per story), so it runs on one record per story and
    distinct fields (0.58 of the 1.57 million mentions at 25,000 stories), and each mention takes
    its record's result."""
    rows = np.flatnonzero(frame["type"].isin(("person", "other")).to_numpy())
    if not len(rows):
        return
    keys = frame.iloc[rows][["_story", *_MERGE_FIELDS]]
    groups = keys.groupby(list(keys.columns), sort=False, dropna=False).ngroup().to_numpy()
    _, first = np.unique(groups, return_index=True)  # groups are numbered as first met
    distinct = keys.iloc[first]
    del keys
    release_memory()  # the grouping's buffers (0.25 GB at 25,000 stories)
    records = [
        dict(zip(_MERGE_FIELDS, values, strict=True))
        for values in zip(*(distinct[f].tolist() for f in _MERGE_FIELDS), strict=True)
    ]
    stories: list[list[dict]] = [[] for _ in range(n_stories)]
    for story, record in zip(distinct["_story"].tolist(), records, strict=True):
        stories[story].append(record)
    merge_across_stories(stories, actor_gazetteer())
    for field in ("actor", "type"):
        merged = np.array([r[field] for r in records], dtype=object)
        changed = merged != distinct[field].to_numpy(dtype=object)
        at = np.flatnonzero(changed[groups])  # few: the renamed mentions
        column = frame[field].copy()
        column.iloc[rows[at]] = merged[groups[at]]
        frame[field] = column


#: Name of the cached mentions (bump when the table's layout changes) and the source files
#: whose content decides them (with the language data files, :func:`method_hash`).
_MEMO_NAME = "mentions-1"
_METHOD_FILES = ("language/actor_extraction.py", "language/actor_merging.py", "language/data.py")
_MENTION_FIELDS = [*MENTION_COLUMNS, "n_words"]


def _mentions_table(stories: list[list[dict]]) -> pd.DataFrame:
    """The mentions of each story as one table (``_story``: the story's position), made column
    by column (a tuple per mention takes more memory)."""
    sizes = [len(ms) for ms in stories]
    columns: dict[str, Any] = {"_story": np.repeat(np.arange(len(stories)), sizes)}
    for field in _MENTION_FIELDS:
        values = [m[field] for ms in stories for m in ms]
        # no mention at all: object columns, as a table of no rows has (not float)
        columns[field] = values if len(values) else pd.Series(values, dtype=object)
    frame = pd.DataFrame(columns)
    types = {"_story": np.int64, "sentence_index": np.int64, "start": np.int64}
    types.update({"end": np.int64, "n_words": np.int64, "titled": bool})
    return frame.astype(types)


def _mentions_lists(frame: pd.DataFrame, n_stories: int) -> list[list[dict]]:
    """The inverse of :func:`_mentions_table`: one list of mention dicts per story."""
    out: list[list[dict]] = [[] for _ in range(n_stories)]
    columns = [frame[f].tolist() for f in ["_story", *_MENTION_FIELDS]]
    for story, *values in zip(*columns, strict=True):
        out[story].append(dict(zip(_MENTION_FIELDS, values, strict=True)))
    return out


#: The last result of :func:`_mentions_frame`, by :func:`_mentions_key`: a report asks for
#: the mentions of the same sentences twice (actors, then quotations), and they are the slowest
#: step of the language report. One entry; callers get copies, so they may change them.
_MENTIONS_MEMO: dict[str, pd.DataFrame] = {}


def _mentions_key(stories: list[tuple[str, list]]) -> str:
    """SHA-256 of what the mentions are computed from: each story's id and its sentences'
    ``sentence_id``, ``sentence_index``, ``start`` and ``text`` (the only fields read)."""
    return records_key(stories, ("sentence_id", "sentence_index", "start", "text"))


def is_description(text: str) -> bool:
    """Whether ``text`` describes a person or source instead of naming one: at least one of its
    words is a person title (``designators.csv``) or a describing word
    (``person_descriptors.txt``) and the others are stop words, compared case-insensitively.

    >>> [is_description(t) for t in ("the President", "These figures", "Cruz", "the")]
    [True, True, False, False]
    """
    gz = actor_gazetteer()
    words = [w.lower().rstrip(".") for w in _ACTOR_TOKEN.findall(text)]
    described = [w in _lower_descriptions() for w in words]
    return any(described) and all(d or w in gz.stop for w, d in zip(words, described, strict=True))


@cache
def _lower_descriptions() -> frozenset[str]:
    """Person titles (single words of ``designators.csv``) and describing words, lower-case and
    without a final period."""
    gz = actor_gazetteer()
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
    return _table_mentions(sentences)[MENTION_COLUMNS].reset_index(drop=True)


def table_story_mentions(
    sentences: pd.DataFrame, positions: Sequence[Sequence[int]]
) -> Iterator[list[list[dict]]]:
    """For each part of ``positions`` (stories by their position in the order of
    :func:`~analysis.language.tables.sentences_by_story`, ascending), the
    :func:`merged_story_mentions` of those stories, from the same kept result as
    :func:`actor_mentions`: the quotations of a corpus reuse its actor mentions instead of
    finding them again, and make the mention records of a part only when they read it.

    Raises:
        ParameterError: missing columns.
    """
    check_table(sentences, _SENTENCE_COLUMNS, "sentences")
    frame = _table_mentions(sentences)
    story = frame["_story"].to_numpy()
    for part in positions:
        part = np.asarray(part, dtype=np.int64)
        lo, hi = np.searchsorted(story, [part.min(), part.max() + 1]) if len(part) else (0, 0)
        rows = frame.iloc[lo:hi]
        rows = rows[np.isin(rows["_story"].to_numpy(), part)]
        local = np.searchsorted(part, rows["_story"].to_numpy())
        yield _mentions_lists(rows.assign(_story=local), len(part))


def _table_mentions(sentences: pd.DataFrame) -> pd.DataFrame:
    """The merged mentions of a sentences table, keyed by the table: its records are built
    only when the mentions are computed."""
    return _kept_mentions(mentions_key(sentences), lambda: _table_chunks(sentences))


def mentions_key(sentences: pd.DataFrame) -> str:
    """The key of the mentions of a sentences table in the analysis cache: the columns the
    extraction reads (:func:`~analysis.language.memo.table_key`). A result computed from the
    mentions (the actor table of a grouping) is kept under a key made from it."""
    return "table:" + table_key(sentences, _SENTENCE_COLUMNS)


def _table_chunks(sentences: pd.DataFrame) -> _Chunks:
    """The stories of a sentences table in chunks, each made when a worker needs it."""
    n_stories = story_count(sentences)
    positions = parallel.chunked(np.arange(n_stories))
    return n_stories, story_parts(sentences, _SENTENCE_COLUMNS, positions)
