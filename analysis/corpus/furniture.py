"""Page furniture: the captions, share bars, footers and bylines a scraper keeps with a story.

Scraped articles carry text that belongs to the page, not to the story ("Enlarge this image
toggle caption", "Copyright © 2019 The Washington Times, LLC.", "This article tagged under:
Abortion"). Left in, it dominates word counts (NPR's "toggle caption" becomes a distinctive term
of the centre), becomes an actor ("Hide Caption", 1,284 mentions in AllSides) and makes complete
articles look cut off (a story ending in a tag list has no final full stop). The loader removes
it by default (``load_corpus(..., furniture=True)``), as boilerplate removal does for web
corpora (Pomikálek 2011, *Removing Boilerplate and Duplicate Content from Web Corpora*; the
CleanEval task, Baroni et al. 2008). The rules, in the order they run on each story's
normalised text (one paragraph a line):

1. **Kinds of furniture** (:func:`furniture_patterns`, data file
   ``analysis/data/furniture/patterns.yaml``, with its sources): captions and photo credits,
   share bars, newsletter prompts, advertisement markers, copyright lines, tag and related-link
   footers, bylines and reporting credits. A rule removes a **whole paragraph** that it matches
   entirely (``line``; a footer rule also takes the short lines of the list after it), or cuts a
   **clearly delimited caption span** (``span``: "(AP Photo/…)", "hide caption") — never a word
   inside a sentence.
2. **Headline lines.** In plain-text files (``.txt``, ``.md``) a story without a title column
   whose first remaining line looks like a headline (:func:`looks_like_headline`: 2 to
   :data:`HEADLINE_MAX_WORDS` words, starts with a capital or digit, no final ``. , ; :`` or
   ellipsis, one sentence, followed by more text) becomes the title (``title_source`` =
   ``"headline line"``) and leaves the analysed text, so a dateline after it is still found. In
   tables, a first line equal to the title column is removed the same way.
3. **Repeated lines.** A paragraph whose key (case-folded, whitespace collapsed, digits masked)
   occurs in at least ``K = max(REPEAT_MIN_STORIES, ceil(REPEAT_MIN_SHARE × n))`` distinct
   stories of the same outlet (``n`` = the outlet's distinct stories; stories without an outlet
   form one group) is the outlet's template, **if** it sits among the first or last
   :data:`EDGE_PARAGRAPHS` paragraphs or is short (fewer than :data:`SHORT_LINE_WORDS` words), so
   a sentence the outlet quotes in several bodies survives.
4. **Wire copy is not furniture.** A paragraph of at least :data:`WIRE_MIN_WORDS` words found in
   stories of two or more outlets is shared reporting (agency copy, a shared press release): it
   is never removed by rule 3, and :func:`shared_text` names, per story, the first story of
   another outlet that shares such a paragraph (the ``shares_text_with`` column).

Rules 1 and 2 need only the story (:func:`mark_story`, run in the loader's worker processes);
rules 3 and 4 compare the whole corpus in two steps (:class:`RepeatedLines` tallies every
story, then cleans each; :class:`SharedText`), keeping a 16-byte digest of each line key
(:func:`key_digest`) instead of its text, so a large corpus is not held twice.

Furniture never empties a story: when every paragraph would go, the story is kept as it is.
What was removed is listed in ``Corpus.furniture`` (:data:`FURNITURE_COLUMNS`), and
``raw_text`` keeps the story as read, so the removal can be checked and undone;
``furniture=False`` gives the text of loader version ``corpus-2``.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analysis import config
from analysis.corpus.schema import FURNITURE_COLUMNS
from analysis.errors import CorpusError

__all__ = [
    "EDGE_PARAGRAPHS",
    "FOOTER_ITEM_MAX_WORDS",
    "FURNITURE_COLUMNS",
    "FURNITURE_FILE",
    "HEADLINE_KIND",
    "HEADLINE_MAX_WORDS",
    "REPEATED_KIND",
    "REPEAT_MIN_SHARE",
    "REPEAT_MIN_STORIES",
    "SHORT_LINE_WORDS",
    "WIRE_MIN_WORDS",
    "CleanedStory",
    "FurnitureRule",
    "MarkedStory",
    "RepeatedLines",
    "SharedText",
    "furniture_patterns",
    "furniture_table",
    "key_digest",
    "line_key",
    "looks_like_headline",
    "mark_story",
    "remove_furniture",
    "shared_text",
]

#: The kinds-of-furniture rules (see the file's header for its format and sources).
FURNITURE_FILE = config.DATA_DIR / "furniture" / "patterns.yaml"
#: A line is an outlet's template when it is in at least this many of its stories …
REPEAT_MIN_STORIES = 3
#: … and in at least this share of them (2 %: 5 of an outlet's 225 stories).
REPEAT_MIN_SHARE = 0.02
#: Repeated paragraphs are removed only among the first or last this many paragraphs …
EDGE_PARAGRAPHS = 3
#: … or when shorter than this many words (a template line, not a quoted sentence).
SHORT_LINE_WORDS = 25
#: A paragraph this long found in two outlets' stories is shared copy, never furniture.
WIRE_MIN_WORDS = 15
#: After a footer line (tags, related links), following lines shorter than this and without
#: sentence-final punctuation (tag names, link titles) go with it.
FOOTER_ITEM_MAX_WORDS = 12
#: A headline line has at most this many words.
HEADLINE_MAX_WORDS = 20
#: ``kind`` of a removed headline line and of a repeated outlet line in ``Corpus.furniture``.
HEADLINE_KIND = "headline"
REPEATED_KIND = "repeated line"

_SCOPES = ("line", "footer", "span")
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")
_HEADLINE_END = re.compile(r"(?:[.,;:\u2026]|\.\.\.)[\"')\]]*$")
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")
_SECOND_SENTENCE = re.compile(r"[.!?][\"')\]]* [A-Z]")


@dataclass(frozen=True)
class FurnitureRule:
    """One rule of the furniture file: a kind, a scope, a compiled pattern, a word limit."""

    kind: str
    scope: str
    pattern: re.Pattern[str]
    max_words: int | None = None
    example: str = ""

    def removes_line(self, paragraph: str, n_words: int) -> bool:
        """Whether a ``line`` or ``footer`` rule removes the whole ``paragraph``."""
        if self.max_words is not None and n_words > self.max_words:
            return False
        return self.pattern.fullmatch(paragraph) is not None


@dataclass
class CleanedStory:
    """A story's text once furniture is removed, its headline line, and what was removed.

    ``removed`` holds ``(paragraph_index, kind, text)`` with the index into the normalised text
    before removal.
    """

    text: str
    headline: str | None = None
    removed: list[tuple[int, str, str]] = field(default_factory=list)


def furniture_patterns(path: str | Path | None = None) -> tuple[FurnitureRule, ...]:
    """The kinds-of-furniture rules of ``path`` (default :data:`FURNITURE_FILE`), in file order.

    Raises:
        CorpusError: the file is missing or malformed (names the kind, rule and field).

    >>> sorted({rule.kind for rule in furniture_patterns()})[:3]
    ['advertisement', 'caption', 'copyright']
    """
    return _load_patterns(str(FURNITURE_FILE if path is None else Path(path)))


@lru_cache(maxsize=8)
def _load_patterns(path: str) -> tuple[FurnitureRule, ...]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CorpusError(f"cannot read the furniture rules ({exc}).", path=path) from exc
    kinds = data.get("kinds") if isinstance(data, dict) else None
    if not isinstance(kinds, dict) or not kinds:
        raise CorpusError("expected a mapping 'kinds:' of kind names to rules.", path=path)
    rules: list[FurnitureRule] = []
    for kind, spec in kinds.items():
        entries = spec.get("rules") if isinstance(spec, dict) else None
        if not isinstance(entries, list) or not entries:
            raise CorpusError(f"kind {kind!r} needs a non-empty list 'rules:'.", path=path)
        for number, entry in enumerate(entries, start=1):
            rules.append(_rule(str(kind), number, entry, path))
    return tuple(rules)


def _rule(kind: str, number: int, entry: Any, path: str) -> FurnitureRule:
    where = f"kind {kind!r}, rule {number}"
    if not isinstance(entry, dict) or not isinstance(entry.get("pattern"), str):
        raise CorpusError(f"{where}: expected a mapping with a string 'pattern'.", path=path)
    scope = entry.get("scope", "line")
    if scope not in _SCOPES:
        raise CorpusError(f"{where}: scope {scope!r} is not one of {list(_SCOPES)}.", path=path)
    case = entry.get("case", "ignore")
    if case not in ("ignore", "exact"):
        raise CorpusError(f"{where}: case {case!r} must be 'ignore' or 'exact'.", path=path)
    max_words = entry.get("max_words")
    if max_words is not None and (
        not isinstance(max_words, int) or isinstance(max_words, bool) or max_words < 1
    ):
        raise CorpusError(f"{where}: max_words must be a positive integer.", path=path)
    try:
        pattern = re.compile(entry["pattern"], re.IGNORECASE if case == "ignore" else 0)
    except re.error as exc:
        raise CorpusError(f"{where}: bad pattern ({exc}).", path=path) from exc
    return FurnitureRule(kind, scope, pattern, max_words, str(entry.get("example", "")))


def line_key(paragraph: str) -> str:
    """The key repeated lines are compared by: case-folded, single-spaced, digits masked.

    >>> line_key("Copyright © 2019  The Washington Times")
    'copyright © 0000 the washington times'
    """
    return _DIGIT.sub("0", " ".join(paragraph.casefold().split()))


def looks_like_headline(line: str) -> bool:
    """Whether a line reads as a headline: 2 to :data:`HEADLINE_MAX_WORDS` words, starting with
    a capital letter, digit or quote, one sentence, not ending in ``. , ; :`` or an ellipsis.

    >>> looks_like_headline("Ayotte Backs Bill on Opioids"), looks_like_headline("He said so.")
    (True, False)
    """
    words = line.split()
    if not 2 <= len(words) <= HEADLINE_MAX_WORDS:
        return False
    if not (line[0].isupper() or line[0].isdigit() or line[0] in "\"'"):
        return False
    return _HEADLINE_END.search(line) is None and _SECOND_SENTENCE.search(line) is None


def remove_furniture(
    texts: Sequence[str],
    *,
    outlets: Sequence[str | None],
    titles: Sequence[str | None] | None = None,
    headline_lines: Sequence[bool] | None = None,
    rules: Sequence[FurnitureRule] | None = None,
) -> list[CleanedStory]:
    """Remove page furniture from normalised story texts (rules 1–3 of the module docstring).

    Args:
        texts: normalised texts (one paragraph a line), one per story; not mutated.
        outlets: each story's outlet (``None`` when unknown), the group of rule 3.
        titles: each story's input title or ``None``; a first line equal to it is removed.
        headline_lines: per story, whether a first headline line becomes the title (plain-text
            input without a title); ``None``: never.
        rules: the kinds-of-furniture rules (default :func:`furniture_patterns`).

    Returns:
        One :class:`CleanedStory` per text, in order.

    >>> texts = ["A storm hit the coast.\\nAdvertisement\\nPower was cut."]
    >>> remove_furniture(texts, outlets=[None])[0].text
    'A storm hit the coast.\\nPower was cut.'
    """
    if len(outlets) != len(texts):
        raise ValueError("texts and outlets must have the same length")
    rules = furniture_patterns() if rules is None else rules
    titles = [None] * len(texts) if titles is None else titles
    headline_lines = [False] * len(texts) if headline_lines is None else headline_lines
    marked = [
        mark_story(text, title=title, headline_line=headline_ok, rules=rules)
        for text, title, headline_ok in zip(texts, titles, headline_lines, strict=True)
    ]
    repeated = RepeatedLines()
    for story, outlet in zip(marked, outlets, strict=True):
        repeated.add(story, outlet)
    return [repeated.clean(story, outlet) for story, outlet in zip(marked, outlets, strict=True)]


@dataclass
class MarkedStory:
    """A story's paragraphs while rules run: current text, removal kind (or None), spans cut,
    headline line, the digest of each paragraph's :func:`line_key` and of the whole text."""

    paragraphs: list[str]
    kinds: list[str | None]
    spans: list[tuple[int, str, str]] = field(default_factory=list)
    headline: str | None = None
    keys: list[bytes] = field(default_factory=list)
    whole: bytes = b""


def key_digest(text: str) -> bytes:
    """A 16-byte BLAKE2b digest standing for a string in whole-corpus tallies (repeated lines,
    shared copy): the tallies compare digests instead of holding every paragraph's text."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def mark_story(
    text: str,
    *,
    title: str | None = None,
    headline_line: bool = False,
    rules: Sequence[FurnitureRule] | None = None,
) -> MarkedStory:
    """Rules 1 and 2 on one normalised text (they need no other story): the
    :class:`MarkedStory` that :class:`RepeatedLines` tallies and then cleans (rule 3)."""
    rules = furniture_patterns() if rules is None else rules
    story = _pattern_pass(text.split("\n"), rules)
    _headline_pass(story, title, headline_line)
    story.keys = [key_digest(line_key(p)) for p in story.paragraphs]
    story.whole = key_digest("\n".join(story.paragraphs))
    return story


class RepeatedLines:
    """Rule 3 in two steps: :meth:`add` tallies every story's line keys per outlet, then
    :meth:`clean` removes each outlet's template lines from a story (never wire copy, never a
    whole story). Keys are :func:`key_digest` digests, so the tally holds no text."""

    def __init__(self) -> None:
        self.seen: dict[str | None, set[bytes]] = defaultdict(set)
        self.counts: dict[str | None, dict[bytes, int]] = defaultdict(lambda: defaultdict(int))
        self.outlet_of: dict[bytes, object] = {}  # the first outlet, or _MANY_OUTLETS

    def add(self, story: MarkedStory, outlet: str | None) -> None:
        """Tally a marked story (an exact duplicate of a story of its outlet counts once)."""
        if story.whole in self.seen[outlet]:
            return
        self.seen[outlet].add(story.whole)
        counts = self.counts[outlet]
        for key in set(story.keys):
            counts[key] += 1
            if outlet is not None:
                first = self.outlet_of.setdefault(key, outlet)
                if first != outlet:
                    self.outlet_of[key] = _MANY_OUTLETS

    def clean(self, story: MarkedStory, outlet: str | None) -> CleanedStory:
        """The story without its furniture, once every story was added."""
        need = max(REPEAT_MIN_STORIES, math.ceil(REPEAT_MIN_SHARE * len(self.seen[outlet])))
        counts = self.counts[outlet]
        n = len(story.keys)
        for i, key in enumerate(story.keys):
            if story.kinds[i] is not None or counts.get(key, 0) < need:
                continue
            n_words = len(story.paragraphs[i].split())
            if n_words >= WIRE_MIN_WORDS and self.outlet_of.get(key) is _MANY_OUTLETS:
                continue  # shared copy, not the outlet's template
            if i < EDGE_PARAGRAPHS or i >= n - EDGE_PARAGRAPHS or n_words < SHORT_LINE_WORDS:
                story.kinds[i] = REPEATED_KIND
        return _cleaned(story)


#: ``RepeatedLines.outlet_of`` value of a key found in stories of two or more outlets.
_MANY_OUTLETS = object()


def _pattern_pass(paragraphs: list[str], rules: Sequence[FurnitureRule]) -> MarkedStory:
    story = MarkedStory(list(paragraphs), [None] * len(paragraphs))
    line_rules = [r for r in rules if r.scope != "span"]
    span_rules = [r for r in rules if r.scope == "span"]
    footer_from: str | None = None
    for i, paragraph in enumerate(paragraphs):
        n_words = len(paragraph.split())
        if (
            footer_from is not None
            and n_words < FOOTER_ITEM_MAX_WORDS
            and not _SENTENCE_END.search(paragraph)
        ):
            story.kinds[i] = footer_from
            continue
        footer_from = None
        rule = next((r for r in line_rules if r.removes_line(paragraph, n_words)), None)
        if rule is not None:
            story.kinds[i] = rule.kind
            footer_from = rule.kind if rule.scope == "footer" else None
            continue
        for span_rule in span_rules:
            paragraph = _cut_spans(story, i, paragraph, span_rule)
        story.paragraphs[i] = paragraph
        if paragraph != paragraphs[i] and not _LETTER.search(paragraph):
            story.kinds[i] = next(kind for j, kind, _ in reversed(story.spans) if j == i)
    return story


def _cut_spans(story: MarkedStory, index: int, paragraph: str, rule: FurnitureRule) -> str:
    pieces = []
    last = 0
    for match in rule.pattern.finditer(paragraph):
        if not match.group().strip():
            continue
        story.spans.append((index, rule.kind, match.group().strip()))
        pieces.append(paragraph[last : match.start()])
        last = match.end()
    if not pieces:
        return paragraph
    pieces.append(paragraph[last:])
    joined = "".join(pieces)
    joined = re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"\s{2,}", " ", joined))
    return joined.strip()


def _headline_pass(story: MarkedStory, title: str | None, headline_ok: bool) -> None:
    first = next((i for i, kind in enumerate(story.kinds) if kind is None), None)
    if first is None or not any(kind is None for kind in story.kinds[first + 1 :]):
        return
    line = story.paragraphs[first]
    if title is not None:
        if line_key(line.rstrip(" .")) == line_key(str(title).strip().rstrip(" .")):
            story.kinds[first] = HEADLINE_KIND
        return
    if headline_ok and looks_like_headline(line):
        story.kinds[first] = HEADLINE_KIND
        story.headline = line


def _cleaned(story: MarkedStory) -> CleanedStory:
    kept = [p for p, kind in zip(story.paragraphs, story.kinds, strict=True) if kind is None]
    if not any(p.strip() for p in kept):  # furniture never empties a story
        return CleanedStory("\n".join(p for p in story.paragraphs))
    removed = [
        (i, kind, p)
        for i, (p, kind) in enumerate(zip(story.paragraphs, story.kinds, strict=True))
        if kind is not None
    ]
    removed.extend(story.spans)
    removed.sort(key=lambda row: row[0])
    return CleanedStory("\n".join(p for p in kept if p), story.headline, removed)


def shared_text(texts: Sequence[str], outlets: Sequence[str | None]) -> list[int | None]:
    """Per story, the index of the first story of another outlet sharing a paragraph of at
    least :data:`WIRE_MIN_WORDS` words (``None`` when there is none or the outlet is unknown).

    >>> para = "The committee voted 12 to 9 on Tuesday to send the bill to the full Senate floor."
    >>> shared_text([para, "Other text.", para], ["A", "A", "B"])
    [2, None, 0]
    """
    shared = SharedText()
    for text, outlet in zip(texts, outlets, strict=True):
        shared.add(text, outlet)
    return shared.result()


class SharedText:
    """:func:`shared_text` story by story: :meth:`add` each story in corpus order, then
    :meth:`result`. Paragraph keys are kept as :func:`key_digest` digests in flat arrays (24
    bytes a paragraph), not as text."""

    def __init__(self) -> None:
        self._stories: list[int] = []
        self._outlets: list[int] = []
        self._digests = bytearray()
        self._codes: dict[str, int] = {}
        self._n = 0

    def add(self, text: str, outlet: str | None) -> None:
        """Add the next story's analysed text and outlet."""
        keys = {line_key(p) for p in text.split("\n") if len(p.split()) >= WIRE_MIN_WORDS}
        if outlet is not None:  # a story without outlet shares nothing, and is never named
            code = self._codes.setdefault(outlet, len(self._codes))
            for key in keys:
                self._stories.append(self._n)
                self._outlets.append(code)
                self._digests += key_digest(key)
        self._n += 1

    def result(self) -> list[int | None]:
        """Per story added, the index of the first story of another outlet sharing a long
        paragraph, or ``None``."""
        result: list[int | None] = [None] * self._n
        if not self._stories:
            return result
        digests = np.frombuffer(bytes(self._digests), dtype=np.uint64).reshape(-1, 2)
        rows = pd.DataFrame(
            {
                "story": np.asarray(self._stories, np.int64),
                "outlet": np.asarray(self._outlets, np.int64),
                "k1": digests[:, 0],
                "k2": digests[:, 1],
            }
        )
        first = rows.groupby(["k1", "k2", "outlet"], as_index=False)["story"].min()
        pairs = rows.merge(first, on=["k1", "k2"], suffixes=("", "_first"))
        pairs = pairs[pairs["outlet"] != pairs["outlet_first"]]
        for story, index in pairs.groupby("story")["story_first"].min().items():
            result[int(story)] = int(index)
        return result


def furniture_table(
    cleaned: Sequence[CleanedStory], story_ids: Sequence[str], outlets: Sequence[str | None]
) -> pd.DataFrame:
    """``Corpus.furniture`` rows (:data:`FURNITURE_COLUMNS`) of the stories kept, in order."""
    rows = [
        (story_id, outlet, index, kind, text)
        for story, story_id, outlet in zip(cleaned, story_ids, outlets, strict=True)
        for index, kind, text in story.removed
    ]
    table = pd.DataFrame(rows, columns=FURNITURE_COLUMNS)
    return table.astype({"paragraph_index": "int64"})
