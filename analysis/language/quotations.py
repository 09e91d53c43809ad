"""Quotations: direct quotes, their kind, and for speech the speaker and the verb.

Direct quotations are the spans between ASCII double quotes of a paragraph (quotes are ASCII
after normalisation; an unclosed quote runs to the end of the paragraph, the news convention
for a quote continued in the next paragraph). Each is classified, in this order:

1. ``name`` - a nickname between two capitalised words (``Nicholas "Nick" Reiner``), a quote
   following a naming verb (``dubbed "Operation Absolute Resolve,"``), or a quote of two to
   six words that are all capitalised (small words like ``of`` aside): a name, not speech.
2. ``speech`` - attributed: *quote-verb-speaker* (``"...," said X`` / ``"...," X said``),
   *according to X*, or *speaker-verb-quote*: the nearest speech verb of
   ``speech_verbs.csv`` before the quote in the same sentence, at most
   :data:`MAX_VERB_DISTANCE` words before it and not passive (``was called``); the speaker is
   the actor mention or noun phrase just before the verb (adverbs skipped):
   ``The Russian Foreign Ministry vehemently condemned the U.S. action as "armed
   aggression"`` -> speaker Russian Foreign Ministry, verb condemned.
3. ``scare`` - an unattributed quote of at most :data:`MAX_SCARE_WORDS` words
   (``"shadow fleet"``); ``unattributed`` - a longer one.

Speakers (``speaker_kind``):

- ``named`` - the speaker is an actor mention (:mod:`analysis.language.actor_extraction`) and
  is given the actor's name merged across the corpus (``Trump`` -> Donald Trump where that
  surname is his). A party/state tag between the name and the verb is skipped (``Sen. John
  Cornyn, R-Texas, said`` -> John Cornyn; tags after ``party_codes.txt`` and
  ``state_abbreviations.txt``), and so is a place after ``of`` (``McCain of Arizona said`` ->
  McCain). A mention that only describes (person titles, ``person_descriptors.txt``: ``the
  President``, ``Officials``) is not a name.
- ``resolved`` - a ``he``/``she`` speaker attached to a person: only when the sentences of the
  same paragraph before the quote name exactly one person (mentions inside quotation marks
  aside), the safe case of the "most recent antecedent" heuristic for pronoun resolution
  (Hobbs 1978, *Resolving pronoun references*, Lingua 44: 311-338, discusses why recency
  alone errs); ``speaker`` is that person.
- ``unnamed`` - any other pronoun speaker (``pronouns.txt``); ``speaker`` is the pronoun.
- ``descriptive`` - a noun phrase ("Some analysts", "the report").

Only ``named`` and ``resolved`` speakers are counted by :func:`top_speakers`.

Attribution by reporting verbs follows the approach of Krestel, Bergler & Witte (2008),
*Minding the Source: Automatic Tagging of Reported Speech in Newspaper Articles*, LREC 2008 (the
source of ``speech_verbs.csv``), with the patterns above instead of a parser.

The quotation table of a set of sentences is kept in the analysis cache
(:mod:`analysis.language.memo`), keyed by the sentences and versioned by the method's files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from analysis import parallel
from analysis._checks import positive_int, require_columns
from analysis.language.actor_extraction import (
    is_description,
    is_party_tag,
    table_story_mentions,
)
from analysis.language.data import language_data
from analysis.language.memo import cached_tables, method_hash, table_key
from analysis.language.tables import (
    arrow_texts,
    check_group,
    check_table,
    group_values,
    story_parts,
    story_records,
)

__all__ = [
    "MAX_SCARE_WORDS",
    "MAX_VERB_DISTANCE",
    "QUOTE_COLUMNS",
    "SUMMARY_COLUMNS",
    "quote_summary",
    "quotes",
    "top_speakers",
]

#: A speech verb at most this many words before a quote attributes it.
MAX_VERB_DISTANCE = 12
#: An unattributed quote of at most this many words is a scare quote.
MAX_SCARE_WORDS = 4

QUOTE_COLUMNS = [
    "story_id",
    "sentence_id",
    "quote",
    "kind",
    "speaker",
    "speaker_kind",
    "verb",
    "pattern",
    "start",
    "end",
    "n_words",
]
SUMMARY_COLUMNS = [
    "group",
    "quotes",
    "speech",
    "attributed_share",
    "name",
    "scare",
    "unattributed",
    "top_speakers",
]
#: The sentence columns :func:`quotes` reads.
_SENTENCE_COLUMNS = [
    "story_id",
    "sentence_id",
    "paragraph_index",
    "sentence_index",
    "start",
    "text",
]
_PASSIVE = frozenset({"is", "was", "were", "are", "be", "been", "being"})
#: Auxiliaries and adverbs skipped between a speaker and a speech verb ("has also said").
_SKIP_BEFORE_VERB = frozenset(
    {
        "has",
        "have",
        "had",
        "will",
        "would",
        "could",
        "also",
        "even",
        "then",
        "still",
        "again",
        "not",
        "never",
        "just",
        "already",
        "later",
        "once",
        "previously",
        "repeatedly",
        "publicly",
    }
)
#: Words that open a clause: a speaker phrase starts after the last of them.
_CLAUSE_WORDS = frozenset(
    {
        "that",
        "which",
        "who",
        "while",
        "as",
        "because",
        "and",
        "but",
        "when",
        "if",
        "where",
        "since",
        "although",
        "though",
        "after",
        "before",
    }
)
#: The speaker kinds that name someone (:func:`top_speakers` counts these).
_NAMED_KINDS = ("named", "resolved")
_PHRASE_END = re.compile(r"[,.;:!?\"()]")
#: Initials ("J.", "U.S.", "H.W."): their periods end no phrase.
_INITIALS = re.compile(r"(?:[A-Z]\.)+")
#: Pronouns that refer to one person: the only ones attached to a named person.
_PERSONAL_PRONOUNS = frozenset({"he", "she"})
#: A party/state tag after a name, before the verb: ", R-Texas," or " (D-N.Y.)".
_TAG_TAIL = re.compile(r"\s*[,(]\s*([A-Z]-[^,()]{1,24}?)\s*[,)]?\s*$")
_SMALL_WORDS = frozenset({"of", "the", "and", "for", "a", "an", "in", "on", "to", "de", "at"})
_WORD = re.compile(r"[^\W_]+(?:[.'\-&][^\W_]+)*\.?")


@cache
def _pronouns() -> frozenset[str]:
    """The pronouns of ``pronouns.txt`` (lower-case)."""
    words = language_data("pronouns")
    assert isinstance(words, frozenset)
    return words


@cache
def _verbs() -> tuple[dict[str, str], re.Pattern[str]]:
    table = language_data("speech_verbs")
    assert isinstance(table, pd.DataFrame)
    kinds = dict(zip(table.verb, table.kind, strict=True))
    alternatives = "|".join(re.escape(v) for v in sorted(kinds, key=lambda v: (-len(v), v)))
    return kinds, re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.I)


def _paragraphs(sents: list) -> Iterable[tuple[int, str, list]]:
    """(story offset, text, sentences) of each paragraph, rebuilt from sentence offsets."""
    by_paragraph: dict[int, list] = {}
    for row in sents:
        by_paragraph.setdefault(int(row.paragraph_index), []).append(row)
    for p_index in sorted(by_paragraph):
        para = sorted(by_paragraph[p_index], key=lambda r: int(r.start))
        p_start = int(para[0].start)
        chars: list[str] = []
        length = 0
        for row in para:
            pad = max(0, int(row.start) - p_start - length)
            chars.append(" " * pad)
            chars.append(row.text)
            length += pad + len(row.text)
        yield p_start, "".join(chars), para


def _quote_spans(text: str) -> list[tuple[int, int]]:
    marks = []
    i = text.find('"')
    while i != -1:  # str.find: many times faster than testing every character
        marks.append(i)
        i = text.find('"', i + 1)
    spans = [(marks[i], marks[i + 1]) for i in range(0, len(marks) - 1, 2)]
    if len(marks) % 2:
        spans.append((marks[-1], len(text)))
    return spans


def _mask(text: str, spans: list[tuple[int, int]], keep: tuple[int, int]) -> str:
    chars = list(text)
    for a, b in spans:
        if (a, b) != keep:
            for i in range(a, min(b + 1, len(chars))):
                chars[i] = " "
    return "".join(chars)


def _speaker_phrase(pre: str, pre_offset: int, mentions: list[dict]) -> tuple[str, str]:
    """The speaker at the end of ``pre`` (text before a speech verb): (speaker, kind)."""
    tag = _TAG_TAIL.search(pre)
    if tag and is_party_tag(tag.group(1)):  # "Sen. John Cornyn, R-Texas, said"
        pre = pre[: tag.start()]
    pre = re.sub(r"\s*\([^()]*\)\s*$", "", pre)  # "the Department of Justice (DOJ) said"
    words = list(_WORD.finditer(pre))
    while words and (
        words[-1].group().lower() in _SKIP_BEFORE_VERB or words[-1].group().lower().endswith("ly")
    ):
        words.pop()
    if not words:
        return "", ""
    end = pre_offset + words[-1].end()
    for m in mentions:
        if (m["end"] == end or m["end"] == end - 1) and not is_description(m["actor"]):
            return _named(m, pre, pre_offset, mentions), "named"
    tail = pre[: words[-1].end()]
    cut = max(tail.rfind(c) for c in ',;:()\u2014"')
    phrase_words = [w for w in words if w.start() > cut]
    for i in range(len(phrase_words) - 1, -1, -1):
        if phrase_words[i].group().lower() in _CLAUSE_WORDS:
            phrase_words = phrase_words[i + 1 :]
            break
    phrase_words = phrase_words[-5:]
    while phrase_words and is_party_tag(phrase_words[0].group()):  # "D-N.H. She said"
        phrase_words = phrase_words[1:]
    if not phrase_words:
        return "", ""
    phrase = " ".join(w.group() for w in phrase_words)
    if len(phrase_words) == 1 and phrase.lower() in _pronouns():
        return phrase.lower(), "unnamed"
    return phrase, "descriptive"


def _named(m: dict, pre: str, pre_offset: int, mentions: list[dict]) -> str:
    """The speaker a mention ending before the verb names: the person before ``of`` when the
    mention is that person's place (``McCain of Arizona said``), else the mention's actor."""
    if m["type"] == "place":
        for p in mentions:
            between = pre[p["end"] - pre_offset : m["start"] - pre_offset]
            if p["type"] == "person" and p["end"] >= pre_offset and between == " of ":
                return p["actor"]
    return m["actor"]


def _phrase_end(text: str) -> int:
    """Where the phrase at the start of ``text`` ends: at punctuation, or at a period that does
    not end an abbreviation or initial ("Sen.", "J.", "U.S.")."""
    for m in _PHRASE_END.finditer(text):
        word = text[: m.start() + 1].rsplit(None, 1)[-1]
        if m.group() != "." or not (_INITIALS.fullmatch(word) or word in _abbreviations()):
            return m.start()
    return len(text)


@cache
def _abbreviations() -> frozenset[str]:
    """One-word titles ending in a period (``designators.csv``: "Sen.", "Gov.") and suffixes."""
    table = language_data("designators")
    assert isinstance(table, pd.DataFrame)
    titles = {p for p in table.phrase if p.endswith(".") and " " not in p}
    return frozenset(titles | {"Jr.", "Sr.", "St."})


def _speaker_after(after: str, after_offset: int, mentions: list[dict]) -> tuple[str, str]:
    """A speaker phrase at the start of ``after`` (text after a verb): (speaker, kind)."""
    stripped = after.lstrip()
    offset = after_offset + len(after) - len(stripped)
    head = stripped[: _phrase_end(stripped)]
    lead = _WORD.findall(head)
    for m in mentions:
        if offset <= m["start"] < offset + len(head) and not is_description(m["actor"]):
            before = _WORD.findall(stripped[: m["start"] - offset])
            if all(w[:1].isupper() or w.lower() == "the" for w in before) and len(before) <= 4:
                return m["actor"], "named"
    if lead and lead[0].lower() in _CLAUSE_WORDS:
        return "", ""
    words = []
    for w in _WORD.finditer(stripped):
        if stripped[: w.start()].strip(" ") != " ".join(x.group() for x in words):
            break
        if w.group().lower() in {"in", "on", "at", "during", "after", "who", "that", "to"}:
            break
        words.append(w)
        if len(words) == 5:
            break
    if not words:
        return "", ""
    phrase = " ".join(w.group() for w in words).rstrip(".")
    if len(words) == 1 and phrase.lower() in _pronouns():
        return phrase.lower(), "unnamed"
    if is_party_tag(phrase):
        return "", ""
    return phrase, "descriptive"


def _title_case(quote: str) -> bool:
    words = _WORD.findall(quote)
    if len(words) < 2 or len(words) > 6 or not words[0][:1].isupper():
        return False
    return all(w[:1].isupper() or w.lower() in _SMALL_WORDS for w in words)


@dataclass(frozen=True)
class _Quote:
    """One quote in its paragraph, with the text around it (other quotes masked)."""

    para: str
    p_offset: int  # offset of the paragraph in the story
    qs: int  # position of the opening mark in the paragraph
    qe: int  # position of the closing mark (the paragraph's length when unclosed)
    raw: str  # the text between the marks, stripped
    quote: str  # ``raw`` without a trailing , ; :
    masked: str  # the paragraph with the other quotes blanked out
    before: str  # masked text from the sentence start to the quote
    after: str  # masked text from the quote to the end of its last sentence
    sent_start: int  # start of the quote's first sentence in the paragraph
    sent_end: int  # end of the quote's last sentence in the paragraph
    mentions: list[dict]


def _speech(speaker: str, sk: str, verb: str, pattern: str) -> dict:
    return {
        "kind": "speech",
        "speaker": speaker,
        "speaker_kind": sk,
        "verb": verb,
        "pattern": pattern,
    }


def _as_name(q: _Quote) -> dict | None:
    """Rule 1: a nickname, a quote after a naming verb, or a title-case quote."""
    kinds, verb_re = _verbs()
    if re.search(r"[A-Z][\w'.-]*\s$", q.before) and re.match(r"\s[A-Z]", q.after):
        return {"kind": "name", "pattern": "nickname"}
    last_words = " ".join(_WORD.findall(q.before)[-3:])
    naming = [
        m.group() for m in verb_re.finditer(last_words) if kinds[m.group().lower()] == "naming"
    ]
    if naming:
        return {"kind": "name", "verb": naming[-1].lower(), "pattern": "naming verb"}
    if _title_case(q.quote):
        return {"kind": "name", "pattern": "title case"}
    return None


def _quote_then_speaker(q: _Quote) -> dict | None:
    """Rule 2a: ``"...," said X`` (quote-verb-speaker) or ``"...," X said``
    (quote-speaker-verb)."""
    kinds, verb_re = _verbs()
    closes_clause = q.raw[-1:] in ",!?" or q.para[q.qe + 1 : q.qe + 2] == ","
    if not (closes_clause and q.after.strip()):
        return None
    tail = q.after.lstrip(" ,")
    tail_offset = q.p_offset + q.qe + 1 + len(q.after) - len(tail)
    m = verb_re.match(tail)
    if m and kinds[m.group().lower()] == "speech":
        speaker, sk = _speaker_after(tail[m.end() :], tail_offset + m.end(), q.mentions)
        if speaker:
            return _speech(speaker, sk, m.group().lower(), "quote-verb-speaker")
    m = verb_re.search(tail[:80])
    lead = _WORD.findall(tail[:80])
    if (
        m
        and kinds[m.group().lower()] == "speech"
        and len(_WORD.findall(tail[: m.start()])) <= 6
        and lead
        and lead[0].lower() not in _CLAUSE_WORDS
    ):
        speaker, sk = _speaker_phrase(tail[: m.start()], tail_offset, q.mentions)
        if speaker:
            return _speech(speaker, sk, m.group().lower(), "quote-speaker-verb")
    return None


def _according_to(q: _Quote) -> dict | None:
    """Rule 2b: *according to X* in the quote's sentences."""
    sentence = q.masked[q.sent_start : q.sent_end]
    acc = re.search(r"\b[Aa]ccording to\s+(.+?)(?=[,.;:\"]|$)", sentence)
    if acc:
        offset = q.p_offset + q.sent_start + acc.start(1)
        speaker, sk = _speaker_after(acc.group(1), offset, q.mentions)
        if speaker:
            return _speech(speaker, sk, "according to", "according to")
    return None


def _speaker_then_quote(q: _Quote) -> dict | None:
    """Rule 2c: the nearest active speech verb at most :data:`MAX_VERB_DISTANCE` words before."""
    kinds, verb_re = _verbs()
    verbs = [m for m in verb_re.finditer(q.before) if kinds[m.group().lower()] == "speech"]
    if not verbs:
        return None
    m = verbs[-1]
    distance = len(_WORD.findall(q.before[m.end() :]))
    prev_words = _WORD.findall(q.before[: m.start()])
    passive = bool(prev_words) and prev_words[-1].lower() in _PASSIVE
    if distance <= MAX_VERB_DISTANCE and not passive:
        offset = q.p_offset + q.sent_start
        speaker, sk = _speaker_phrase(q.before[: m.start()], offset, q.mentions)
        if speaker:
            return _speech(speaker, sk, m.group().lower(), "speaker-verb-quote")
    return None


def _classify_quote(
    para: str,
    p_offset: int,
    span: tuple[int, int],
    sent_bounds: tuple[int, int],
    end_bounds: tuple[int, int],
    spans: list[tuple[int, int]],
    mentions: list[dict],
) -> dict:
    """``quote``, ``kind``, ``speaker``, ``speaker_kind``, ``verb`` and ``pattern`` of a quote."""
    qs, qe = span
    raw = para[qs + 1 : qe].strip()
    masked = _mask(para, spans, span)
    q = _Quote(
        para=para,
        p_offset=p_offset,
        qs=qs,
        qe=qe,
        raw=raw,
        quote=raw.rstrip(",;:").strip(),
        masked=masked,
        before=masked[sent_bounds[0] : qs],
        after=masked[qe + 1 : end_bounds[1]] if qe < len(para) else "",
        sent_start=sent_bounds[0],
        sent_end=end_bounds[1],
        mentions=mentions,
    )
    result = {
        "quote": q.quote,
        "kind": "",
        "speaker": "",
        "speaker_kind": "",
        "verb": "",
        "pattern": "",
    }
    for rule in (_as_name, _quote_then_speaker, _according_to, _speaker_then_quote):
        found = rule(q)
        if found is not None:
            return {**result, **found}
    n_words = len(_WORD.findall(q.quote))
    return {**result, "kind": "scare" if n_words <= MAX_SCARE_WORDS else "unattributed"}


def _attach_pronoun(row: dict, before: str, para_mentions: list[dict], spans: list) -> None:
    """Give an unnamed ``he``/``she`` speaker the one person named before the quote's sentence in
    its paragraph (in place). ``before`` is that text, quotes blanked out; ``para_mentions`` are
    the paragraph's mentions with ``start``/``end`` relative to it. Any other person there - a
    second name, a bare one-word name of unknown type, or a person described in lower case
    ("the congressman") - makes the pronoun unsafe to attach."""
    if row["speaker_kind"] != "unnamed" or row["speaker"] not in _PERSONAL_PRONOUNS:
        return
    people = {
        m["actor"]
        for m in para_mentions
        if m["end"] <= len(before)
        and not any(a <= m["start"] < b for a, b in spans)
        and (m["type"] == "person" or (m["type"] == "other" and " " not in m["actor"]))
    }
    described = any(w.islower() and is_description(w) for w in _WORD.findall(before))
    if len(people) == 1 and not described:
        row["speaker"], row["speaker_kind"] = people.pop(), "resolved"


def _story_quotes(story_id: str, sents: list, mentions: list[dict]) -> list[dict]:
    """The quote rows of one story (its sentence records by ``sentence_index``, its merged actor
    mentions)."""
    rows = []
    for p_offset, para, psents in _paragraphs(sents):
        spans = _quote_spans(para)
        if not spans:
            continue
        bounds = [
            (int(r.start) - p_offset, int(r.start) - p_offset + len(r.text), r.sentence_id)
            for r in psents
        ]
        p_end = p_offset + len(para)
        para_mentions = [
            {**m, "start": m["start"] - p_offset, "end": m["end"] - p_offset}
            for m in mentions
            if p_offset <= m["start"] < p_end
        ]
        unquoted = _mask(para, spans, (-1, -1))
        for span in spans:
            first = next(b for b in reversed(bounds) if b[0] <= span[0])
            last = next(b for b in reversed(bounds) if b[0] <= max(span[1] - 1, span[0]))
            row = _classify_quote(para, p_offset, span, first[:2], last[:2], spans, mentions)
            if not row["quote"]:
                continue
            _attach_pronoun(row, unquoted[: first[0]], para_mentions, spans)
            rows.append(
                {
                    "story_id": str(story_id),
                    "sentence_id": first[2],
                    **row,
                    "start": p_offset + span[0],
                    "end": p_offset + min(span[1] + 1, len(para)),
                    "n_words": len(_WORD.findall(row["quote"])),
                }
            )
    return rows


def quotes(sentences: pd.DataFrame) -> pd.DataFrame:
    """Direct quotations, their kind and, for speech, speaker and verb (see module docstring).

    Computable story by story.

    Args:
        sentences: the corpus' sentences table (``story_id``, ``sentence_id``,
            ``paragraph_index``, ``sentence_index``, ``start``, ``text``); not mutated.

    Returns:
        ``story_id``, ``sentence_id`` (where the quote opens), ``quote`` (without the quotation
        marks and a trailing comma), ``kind`` (``speech``/``name``/``scare``/``unattributed``),
        ``speaker``, ``speaker_kind`` (``named``/``resolved``/``descriptive``/``unnamed``, see
        the module docstring; empty when none), ``verb``, ``pattern`` (the rule that decided),
        ``start``/``end`` (offsets of the quote's marks in the story text), ``n_words``; story
        order, then ``start``.

    Raises:
        ParameterError: missing columns.

    >>> from analysis import load_corpus
    >>> q = quotes(load_corpus().sentences)
    >>> q.loc[q["quote"] == "armed aggression", ["speaker", "verb"]].values.tolist()
    [['Russian Foreign Ministry', 'condemned']]
    """
    check_table(sentences, _SENTENCE_COLUMNS, "sentences")
    tables, _ = cached_tables(
        "quotations",
        f"{_MEMO_NAME}-{method_hash(_METHOD_FILES)}",
        table_key(sentences, _SENTENCE_COLUMNS),
        lambda: ({"quotes": _computed_quotes(sentences)}, {}),
    )
    return tables["quotes"]


#: Name of the cached quotation tables (bump when their layout changes) and the source files
#: whose content decides them (with the language data files, :func:`method_hash`).
_MEMO_NAME = "quotes-1"
_METHOD_FILES = (
    "language/quotations.py",
    "language/actor_extraction.py",
    "language/actor_merging.py",
    "language/data.py",
)


def _computed_quotes(sentences: pd.DataFrame) -> pd.DataFrame:
    """The quotations of the stories of ``sentences``; the stories with a quotation mark are read
    in worker processes on large corpora (a story's quotations depend on its own sentences and
    mentions only), their sentence and mention records made chunk by chunk as the workers need
    them (:func:`_quote_chunks`), not for the whole corpus at once."""
    table = sentences[_SENTENCE_COLUMNS]
    story = pd.factorize(table["story_id"], use_na_sentinel=False)[0]  # first appearance
    marked = pc.fill_null(pc.match_substring(arrow_texts(table["text"]), '"'), False)
    quoted = np.unique(story[marked.to_numpy(zero_copy_only=False)])
    rows: list[dict] = []
    parallel.for_each_chunk(
        _chunk_quotes,
        _quote_chunks(sentences, quoted),
        rows.extend,
        n_items=len(quoted),
        desc="finding quotations",
    )
    out = pd.DataFrame(rows, columns=QUOTE_COLUMNS)
    return out.astype({"start": np.int64, "end": np.int64, "n_words": np.int64})


def _quote_chunks(
    sentences: pd.DataFrame, quoted: np.ndarray
) -> Iterator[list[tuple[str, tuple[str, ...], list[tuple], list[dict]]]]:
    """Chunks of ``(story_id, fields, rows, mentions)`` of the ``quoted`` stories (positions in
    order of first appearance), made one chunk at a time."""
    parts = list(parallel.chunked(quoted))
    plain = story_parts(sentences, _SENTENCE_COLUMNS, parts)
    for stories, mentions in zip(plain, table_story_mentions(sentences, parts), strict=True):
        yield [(*p, m) for p, m in zip(stories, mentions, strict=True)]


def _chunk_quotes(chunk: list[tuple[str, tuple[str, ...], list[tuple], list[dict]]]) -> list[dict]:
    """The quote rows of the stories of a chunk (run in a worker process)."""
    rows: list[dict] = []
    for story_id, fields, records, story_mentions in chunk:
        rows.extend(_story_quotes(story_id, story_records(fields, records), story_mentions))
    return rows


def top_speakers(quote_table: pd.DataFrame, *, top: int) -> list[tuple[str, int]]:
    """The ``top`` most quoted named speakers of attributed speech, ``(speaker, quotes)``, most
    quoted first, ties by name: speakers of kind ``named`` or ``resolved`` (a table without
    ``speaker_kind`` counts every speaker).

    >>> table = pd.DataFrame({"kind": ["speech"] * 4 + ["scare"], "speaker": list("bbac") + [""],
    ...                       "speaker_kind": ["named", "resolved", "unnamed", "descriptive", ""]})
    >>> top_speakers(table, top=3)
    [('b', 2)]
    """
    speech = quote_table["kind"] == "speech"
    if "speaker_kind" in quote_table.columns:
        speech &= quote_table["speaker_kind"].isin(_NAMED_KINDS)
    speakers = quote_table.loc[speech, "speaker"].value_counts()
    ranked = sorted(speakers.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return [(speaker, int(n)) for speaker, n in ranked]


def quote_summary(
    quote_table: pd.DataFrame, stories: pd.DataFrame, *, group: str = "story_id", top: int = 3
) -> pd.DataFrame:
    """Quotations per story or group: counts by kind and the most quoted speakers.

    Args:
        quote_table: the output of :func:`quotes`; not mutated.
        stories: the stories table (for ``group`` and for groups without quotes).
        group: ``story_id`` or another story column.
        top: speakers listed per group.

    Returns:
        ``group``, ``quotes``, ``speech``, ``attributed_share`` (speech / all quotes, 0 when
        none), ``name``, ``scare``, ``unattributed``, ``top_speakers`` (``"speaker (n)"``,
        ``"; "``-joined, most quoted first, ties by name; named and resolved speakers only);
        every group, in order of first appearance.

    Raises:
        ParameterError: missing columns, unknown ``group``, bad ``top``.
    """
    require_columns(
        quote_table,
        ["story_id", "kind", "speaker"],
        "quotes",
        hint="Pass the table quotes(corpus.sentences) returns.",
    )
    check_table(stories, ["story_id"], "stories")
    check_group(stories, group)
    top = positive_int(top, "top")
    labels, index = group_values(stories, group) if len(stories) else ([], np.array([]))
    group_of = dict(zip(stories["story_id"].astype(str), (labels[i] for i in index), strict=True))
    q = quote_table.assign(group=quote_table["story_id"].astype(str).map(group_of))
    # counted once for all groups (a loop over 25,000 stories filtering the table each time
    # takes minutes); the same numbers as :func:`top_speakers` per group
    sizes = q.groupby("group", sort=False).size().to_dict()
    kinds = q.groupby(["group", "kind"], sort=False, observed=True).size().to_dict()
    speech = q["kind"] == "speech"
    if "speaker_kind" in q.columns:
        speech &= q["speaker_kind"].isin(_NAMED_KINDS)
    said = q.loc[speech & q["speaker"].notna(), ["group", "speaker"]]
    per_speaker = said.groupby(["group", "speaker"], sort=False).size().reset_index(name="n")
    per_speaker = per_speaker.sort_values(["n", "speaker"], ascending=[False, True], kind="stable")
    ranked: dict[Any, list[str]] = {}
    for label, speaker, n in per_speaker.itertuples(index=False):
        listed = ranked.setdefault(label, [])
        if len(listed) < top:
            listed.append(f"{speaker} ({int(n)})")
    rows = []
    for label in labels:
        n_quotes = int(sizes.get(label, 0))
        n_speech = int(kinds.get((label, "speech"), 0))
        rows.append(
            {
                "group": label,
                "quotes": n_quotes,
                "speech": n_speech,
                "attributed_share": n_speech / n_quotes if n_quotes else 0.0,
                "name": int(kinds.get((label, "name"), 0)),
                "scare": int(kinds.get((label, "scare"), 0)),
                "unattributed": int(kinds.get((label, "unattributed"), 0)),
                "top_speakers": "; ".join(ranked.get(label, [])),
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
