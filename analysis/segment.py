"""Sentence segmentation of news paragraphs, without NLTK data.

Method: pySBD, the rule-based *Pragmatic Sentence Boundary Disambiguation* segmenter
(Sadvilkar & Neumann 2020, NLP-OSS workshop, ACL), which ships its rules and needs no model
download. It handles news abbreviations (``U.S.``, ``Jan. 3``, ``Mr.``, ``D.C.``) that a naive
``[.!?]`` split breaks on.

pySBD costs about 0.3 ms per sentence, so :func:`split_sentences` uses it only where a boundary is
ambiguous (``method="hybrid"``, the default):

1. A paragraph is scanned for *candidate* boundaries: ``.``, ``!`` or ``?`` (optionally followed by
   closing quotes or brackets), then whitespace, then an upper-case letter, digit or opening quote.
2. A candidate is a *sure* boundary when it is outside double quotes and brackets (pySBD keeps
   a quotation of several sentences whole), is not followed by an opening quote or bracket, and
   is ``?`` or ``!``, or a period after a plain word of two or more letters
   (``[A-Za-z][a-z]+``) that is not a known abbreviation (:data:`ABBREVIATIONS`), or after a
   number of three or more digits, an amount or a percentage (``2020.``, ``1,200.``, ``5%.``;
   ``5.`` may number a list), or after an acronym, a hyphenated word, a closing bracket or a
   decade or ordinal (``CNN.``, ``re-enter.``, ``(Citigroup).``, ``1970s.``: the word kinds
   after which pySBD ends the sentence in at least 99 % of the AllSides cases). Initials,
   ``U.S.``, ``Jan.``, ``Mr.`` and the rest are not sure.
3. The paragraph is cut at sure boundaries. A chunk between two sure boundaries that still holds a
   mark followed by whitespace and more text (an unsure candidate, ``?`` before a lower-case word,
   an ellipsis) is given to pySBD; every other chunk is one sentence.

Step 3 is deliberately conservative: pySBD decides every boundary the rules of step 2 do not
settle. The agreement of the hybrid with pure pySBD on a real corpus is measured by
``benchmarks/segmentation_agreement.py``. ``method="pysbd"`` forces pySBD everywhere.

pySBD splits at every newline, so paragraphs are segmented one at a time (as the corpus loader
does) and the returned spans are character offsets into the paragraph passed in.

**Over-long sentences** (both methods). No text longer than :data:`MAX_SENTENCE_CHARS`
(2,000 characters) is given to pySBD or returned as a sentence, so the cost of every later
per-sentence step (pySBD itself is quadratic in its input; frame matching, sentiment) stays
bounded on hostile input such as a story without sentence punctuation:

4. A stretch longer than the limit is cut into pieces by :func:`split_long`: each piece ends at
   the last whitespace within the first :data:`MAX_SENTENCE_CHARS` characters of what remains
   (the whitespace itself belongs to no piece), so a word is never cut when the piece holds a
   space; a piece without whitespace is cut at the limit (moved back so that a combining mark
   stays with its base character).
5. A chunk that step 3 would give to pySBD, or a paragraph with ``method="pysbd"``, longer
   than the limit is first cut into pieces of at most :data:`MAX_SENTENCE_CHARS` characters,
   each ending after the last candidate mark within the limit (``.``, ``!`` or ``?``, closing
   quotes or brackets, whitespace, then anything but a lower-case letter) or, without one, by
   rule 4; pySBD sees each piece. Text within the limit is segmented exactly as before.

In the AllSides sample (2,505 stories, 60,524 paragraphs, 107,636 sentences) 4 sentences are
longer than 2,000 characters, all of them several sentences run together without a space
after the period; rules 4-5 change the sentences of 7 paragraphs (20 with ``method="pysbd"``).
The seed stories have no sentence near the limit. :func:`boundary_agreement` still compares
with pySBD on whole paragraphs.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from typing import Any, Literal

import pandas as pd

from analysis.cache import KEY_COLUMN, ArticleCache, content_key, resolve_cache
from analysis.errors import ParameterError
from analysis.normalize import tokenize
from analysis.parallel import map_chunks

__all__ = [
    "ABBREVIATIONS",
    "MAX_SENTENCE_CHARS",
    "SEGMENT_COLUMNS",
    "SEGMENT_VERSION",
    "boundary_agreement",
    "sentence_spans",
    "split_long",
    "segment_texts",
    "split_sentences",
]

#: Longest sentence returned, and longest text given to pySBD, in characters (rules 4-5 of the
#: module docstring). Longer stretches are cut at the last whitespace before the limit.
MAX_SENTENCE_CHARS = 2000

#: Words that end with a period without ending a sentence (lower-cased, without the period).
ABBREVIATIONS: frozenset[str] = frozenset(
    (
        "mr mrs ms dr prof sr jr st mt ft gen lt col maj capt sgt cpl adm cmdr gov sen rep reps "
        "sens pres supt det insp rev fr hon atty no nos vol vols art arts fig figs ch chap sec "
        "secs p pp jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur "
        "thurs fri sat sun inc corp co cos ltd llc plc bros dept univ assn est approx vs etc al "
        "ave blvd rd hwy ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass "
        "mich minn miss mo mont neb nebr nev okla ore pa penn tenn tex va vt wash wis wisc wyo "
        "a.m p.m e.g i.e u.s u.k u.n d.c u.s.a e.u n.y l.a"
    ).split()
)

# a terminal mark, optional closing quotes/brackets, then whitespace before more text
_MARK = re.compile(r"([.!?])[\"')\]]*(\s+)(?=\S)")
_NOT_IN_WORD = frozenset("\"'([")
_PLAIN_WORD = re.compile(r"[A-Za-z][a-z]+")
# Word kinds (not in ABBREVIATIONS) after which pySBD ends the sentence at ". " + capital or
# opening quote in >= 99 % of the otherwise unsettled AllSides cases (printed by
# ``benchmarks/segmentation_agreement.py --categories``): acronyms (410 marks, 99.8 %),
# hyphenated words (408, 99.5 %), a closing bracket (265, 99.2 %), decades and ordinals
# (55, 100 %). Left to pySBD: abbreviations (75 %), single digits (64 %), initials (0 %) and
# words with an inner capital (97.5 %).
SURE_END_KINDS: dict[str, str] = {
    "acronym": r"[A-Z][A-Z0-9]+",
    "hyphenated": r"[A-Za-z]+(?:-[A-Za-z0-9]+)+",
    "closing bracket": r"[^\s]*[)\]]",
    "decade/ordinal": r"\d+[a-z]+",
}
_SURE_END_WORD = re.compile("|".join([_PLAIN_WORD.pattern, *SURE_END_KINDS.values()]))
_NUMBER = re.compile(r"\$?\d{2}[\d,]*%?|\$?\d[\d,]*(?:%|,\d{3})")


#: Abbreviations that precede a name ("Mr. Smith"): a period after them does not end a sentence
#: when a capitalised word follows.
TITLES: frozenset[str] = frozenset(
    "mr mrs ms dr prof sen sens rep reps gov gen lt col maj capt sgt cpl adm cmdr st rev hon "
    "pres supt det insp atty fr".split()
)
#: Month abbreviations: "Jan. 3" does not end a sentence.
MONTHS: frozenset[str] = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec".split())

Method = Literal["hybrid", "pysbd"]


@functools.lru_cache(maxsize=1)
def _pysbd_segmenter():  # noqa: ANN202 - third-party type
    import pysbd

    # pySBD compiles a regex per abbreviation it meets; with the standard library's 512-entry
    # cache those compiles thrash. A larger cache makes it about 30 % faster, same output.
    re._MAXCACHE = max(getattr(re, "_MAXCACHE", 512), 8192)  # type: ignore[attr-defined]

    return pysbd.Segmenter(language="en", clean=False)


def _pysbd_spans(paragraph: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cursor = 0
    for segment in _pysbd_segmenter().segment(paragraph):
        piece = segment.strip()
        if not piece:
            continue
        start = paragraph.find(piece, cursor)
        if start < 0:  # pySBD never rewrites text with clean=False; be safe anyway
            start = cursor
        end = start + len(piece)
        spans.append((start, end))
        cursor = end
    return spans


def _quote_state_known(paragraph: str) -> bool:
    """Quotation parity is only trusted when the paragraph's double quotes are balanced."""
    return paragraph.count('"') % 2 == 0


def _inside_quotes(paragraph: str, match: re.Match[str]) -> bool:
    before = paragraph[: match.start(2)]
    return before.count('"') % 2 == 1


def _inside_brackets(paragraph: str, match: re.Match[str]) -> bool:
    before = paragraph[: match.start(2)]
    return before.count("(") > before.count(")")


class _PrefixCounts:
    """Double quotes and round brackets before a position, counted incrementally.

    :func:`_inside_quotes` and :func:`_inside_brackets` count from the start of the paragraph
    for every mark, which is quadratic on a long paragraph with many marks; the marks of
    ``_MARK.finditer`` come in text order, so counting only the stretch since the previous mark
    gives the same answers in linear time.
    """

    def __init__(self, paragraph: str) -> None:
        self.paragraph = paragraph
        self.pos = 0
        self.quotes = 0
        self.opening = 0
        self.closing = 0

    def advance(self, match: re.Match[str]) -> tuple[bool, bool]:
        """``(inside quotes, inside brackets)`` at the whitespace after the mark of ``match``."""
        pos = match.start(2)
        text = self.paragraph
        self.quotes += text.count('"', self.pos, pos)
        self.opening += text.count("(", self.pos, pos)
        self.closing += text.count(")", self.pos, pos)
        self.pos = pos
        return self.quotes % 2 == 1, self.opening > self.closing


def _word_before(paragraph: str, match: re.Match[str]) -> str:
    """The run of characters other than whitespace, quotes and opening brackets that ends at the
    mark (the regex ``[^\\s"'(\\[]+$`` on the text before it), found by walking backwards."""
    end = start = match.start(1)
    while start > 0:
        char = paragraph[start - 1]
        if char.isspace() or char in _NOT_IN_WORD:
            break
        start -= 1
    return paragraph[start:end]


def _classify(
    paragraph: str,
    match: re.Match[str],
    balanced: bool,
    counts: _PrefixCounts | None = None,
) -> str:
    """``"cut"`` (sure boundary), ``"keep"`` (sure non-boundary) or ``"unsure"``.

    ``counts`` (advanced to this mark) replaces counting the quotes and brackets from the start
    of the paragraph; the decision is the same.
    """
    if counts is None:
        in_quotes = _inside_quotes(paragraph, match)
        in_brackets = _inside_brackets(paragraph, match)
    else:
        in_quotes, in_brackets = counts.advance(match)
    mark = match.group(1)
    following = paragraph[match.end(2) : match.end(2) + 1]
    token = _word_before(paragraph, match)
    lowered = token.lower()
    if balanced and in_quotes:
        return "keep"  # pySBD keeps a quotation of several sentences whole
    if mark == "." and following.islower():
        return "keep"  # "U.S. officials", "Jan. the"
    if mark == "." and (
        (lowered in TITLES and following.isupper())
        or (lowered in MONTHS and following.isdigit())
        or (lowered in ("no", "nos") and following.isdigit())
        or lowered in ("v", "vs")
        or (len(token) == 1 and token.isupper() and following.isupper())
    ):
        return "keep"  # "Mr. Smith", "Jan. 3", "No. 5", "Roe v. Wade", "John F. Kennedy"
    if mark == "." and token in ("U.S", "U.S.") and following.isupper():
        return "keep"  # "U.S. District Judge": pySBD keeps 97 % of these on AllSides
    opens_quote = following == '"' and balanced and not in_quotes
    if following.isupper() or following.isdigit() or opens_quote:
        if in_brackets or not balanced:
            return "unsure"
        if mark != "." or _NUMBER.fullmatch(token):
            return "cut"
        if _SURE_END_WORD.fullmatch(token) and lowered not in ABBREVIATIONS:
            return "cut"  # "said.", "CNN.", "re-enter.", "(Citigroup).", "1970s."
    return "unsure"


def _hybrid_spans(paragraph: str) -> list[tuple[int, int]]:
    """Cut at sure boundaries; send only the chunks that hold an unsure mark to pySBD."""
    spans: list[tuple[int, int]] = []
    balanced = _quote_state_known(paragraph)
    counts = _PrefixCounts(paragraph)
    last_ellipsis = paragraph.rfind("...")  # "..." in paragraph[start:] <=> last_ellipsis >= start
    start = 0
    unsure = last_ellipsis >= 0
    for match in _MARK.finditer(paragraph):
        decision = _classify(paragraph, match, balanced, counts)
        if decision == "cut" and not unsure:
            spans.extend(_split_span(paragraph, start, match.start(2)))
            start = match.end(2)
        elif decision == "cut":
            spans.extend(_pysbd_chunk(paragraph, start, match.start(2)))
            start = match.end(2)
            unsure = last_ellipsis >= start
        elif decision == "unsure":
            unsure = True
    end = len(paragraph.rstrip())
    if start < end:
        if unsure:
            spans.extend(_pysbd_chunk(paragraph, start, end))
        else:
            spans.extend(_split_span(paragraph, start, end))
    return [(s, e) for s, e in spans if e > s]


def _pysbd_chunk(paragraph: str, start: int, end: int) -> list[tuple[int, int]]:
    """pySBD's sentences of ``paragraph[start:end]``, which is first cut by rule 4 of the module
    docstring when it is longer than :data:`MAX_SENTENCE_CHARS` (pySBD is quadratic)."""
    spans: list[tuple[int, int]] = []
    for p_start, p_end in _split_span(paragraph, start, end, prefer_marks=True):
        for s, e in _pysbd_spans(paragraph[p_start:p_end]):
            spans.extend(_split_span(paragraph, p_start + s, p_start + e))
    return spans


_NOT_SPACE = re.compile(r"\S")
# the last whitespace of a window (searched with pos/endpos: "\Z" is the window's end)
_LAST_SPACE = re.compile(r"\s(?=\S*\Z)")


def _split_span(
    text: str,
    start: int,
    end: int,
    limit: int = MAX_SENTENCE_CHARS,
    *,
    prefer_marks: bool = False,
) -> list[tuple[int, int]]:
    """``text[start:end]`` cut into stripped pieces of at most ``limit`` characters (rule 4 of
    the module docstring). A span that fits is returned as it is (an empty one as no span).

    With ``prefer_marks`` (text on its way to pySBD, rule 5) a piece ends after the last
    candidate mark of the window (``.``, ``!`` or ``?`` and closing quotes or brackets, then
    whitespace, not followed by a lower-case letter) when there is one, so that a piece ends
    where a sentence probably does. Linear in the span's length (each character is scanned at
    most twice).
    """
    if end - start <= limit:
        return [(start, end)] if end > start else []
    first = _NOT_SPACE.search(text, start, end)
    if first is None:
        return []
    pos = first.start()
    while end > pos and text[end - 1].isspace():
        end -= 1
    pieces: list[tuple[int, int]] = []
    while end - pos > limit:
        if prefer_marks:
            mark_end = None
            for match in _MARK.finditer(text, pos, min(end, pos + limit + 2)):
                if match.start(2) > pos + limit:
                    break
                if not text[match.end(2) : match.end(2) + 1].islower():
                    mark_end = match.start(2)
            if mark_end is not None:
                pieces.append((pos, mark_end))
                pos = _NOT_SPACE.search(text, mark_end, end).start()
                continue
        # the whitespace may sit just after a full-length piece: search up to pos + limit
        space = _LAST_SPACE.search(text, pos + 1, pos + limit + 1)
        if space is None:
            cut = pos + limit
            while cut > pos + 1 and unicodedata.combining(text[cut]):
                cut -= 1  # keep a combining mark with its base character
            pieces.append((pos, cut))
            pos = cut
            continue
        cut = space.start()
        piece_end = cut
        while text[piece_end - 1].isspace():
            piece_end -= 1
        pieces.append((pos, piece_end))
        following = _NOT_SPACE.search(text, cut, end)
        pos = end if following is None else following.start()
    if pos < end:
        pieces.append((pos, end))
    return pieces


def split_long(text: str, *, limit: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of ``text`` cut into pieces of at most ``limit`` characters.

    The rule applied to over-long sentences (rule 4 of the module docstring): each piece ends at
    the last whitespace within the first ``limit`` characters of what remains; a piece without
    whitespace is cut at the limit. Pieces are stripped; text that fits is one piece.

    Raises:
        ParameterError: ``limit`` is not a whole number >= 1.

    >>> text = "one two three four"
    >>> [text[s:e] for s, e in split_long(text, limit=9)]
    ['one two', 'three', 'four']
    >>> word = "abcdefgh"
    >>> [word[s:e] for s, e in split_long(word, limit=3)]
    ['abc', 'def', 'gh']
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ParameterError(f"limit must be a whole number of characters >= 1, got {limit!r}")
    return _split_span(text, 0, len(text), limit)


def sentence_spans(paragraph: str, *, method: Method = "hybrid") -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of one paragraph.

    Args:
        paragraph: one paragraph of normalised text (no newlines; see ``analysis.normalize``).
        method: ``"hybrid"`` (pySBD only where a boundary is ambiguous) or ``"pysbd"``.

    Returns:
        Spans in text order; ``paragraph[start:end]`` is a stripped sentence. Empty input gives
        an empty list.

    Raises:
        ParameterError: for an unknown ``method``.

    >>> p = "Mr. Smith flew to Washington, D.C. on Jan. 3. He met U.S. officials."
    >>> [p[s:e] for s, e in sentence_spans(p)]
    ['Mr. Smith flew to Washington, D.C. on Jan. 3.', 'He met U.S. officials.']
    """
    if method not in ("hybrid", "pysbd"):
        raise ParameterError(f"method must be 'hybrid' or 'pysbd', got {method!r}")
    if not paragraph.strip():
        return []
    if method == "hybrid":
        return _hybrid_spans(paragraph)
    return _pysbd_chunk(paragraph, 0, len(paragraph))


def split_sentences(paragraph: str, *, method: Method = "hybrid") -> list[str]:
    """The sentences of one paragraph, as strings (see :func:`sentence_spans`).

    >>> split_sentences("Prices rose. Voters noticed!")
    ['Prices rose.', 'Voters noticed!']
    """
    return [paragraph[s:e] for s, e in sentence_spans(paragraph, method=method)]


_BROKEN_START = re.compile(r"^[,;:)\]]|^[a-z]")


def _pysbd_looks_broken(paragraph: str, spans: list[tuple[int, int]]) -> bool:
    """pySBD output that is wrong on its face: text lost or reordered, a sentence that is only
    punctuation, or one that starts with a comma or a lower-case word."""
    covered = "".join(paragraph[s:e] for s, e in spans).replace(" ", "")
    if covered != paragraph.replace(" ", ""):
        return True
    for s, e in spans:
        piece = paragraph[s:e]
        if not any(ch.isalnum() for ch in piece) or _BROKEN_START.match(piece):
            return True
    return False


def boundary_agreement(paragraphs: list[str]) -> dict[str, float]:
    """Agreement of the hybrid splitter with pure pySBD on paragraphs.

    Boundaries are sentence end offsets; agreement is shared / all (Jaccard) boundaries. The
    second figure leaves out paragraphs where pySBD's own output is wrong on its face (text lost
    or reordered, a punctuation-only sentence, a sentence starting with a comma or lower-case).

    Returns:
        ``agreement``, ``agreement_excluding_pysbd_errors``, ``paragraphs``,
        ``paragraphs_differing``, ``paragraphs_pysbd_broken``, ``boundaries``.

    >>> boundary_agreement(["Mr. Smith left. He came back."])["agreement"]
    1.0
    """
    shared = total = shared_ok = total_ok = 0
    differing = broken = 0
    for paragraph in paragraphs:
        hybrid = {e for _, e in sentence_spans(paragraph)}
        reference_spans = _pysbd_spans(paragraph)
        reference = {e for _, e in reference_spans}
        both, either = len(hybrid & reference), len(hybrid | reference)
        shared += both
        total += either
        differing += hybrid != reference
        if _pysbd_looks_broken(paragraph, reference_spans):
            broken += 1
        else:
            shared_ok += both
            total_ok += either
    return {
        "agreement": shared / total if total else 1.0,
        "agreement_excluding_pysbd_errors": shared_ok / total_ok if total_ok else 1.0,
        "paragraphs": float(len(paragraphs)),
        "paragraphs_differing": float(differing),
        "paragraphs_pysbd_broken": float(broken),
        "boundaries": float(total),
    }


# --------------------------------------------------------------------------- many texts, cached

#: Bump when segmentation output can change (pySBD version is part of the key too).
SEGMENT_VERSION = "segment-3"
SEGMENT_COLUMNS = [KEY_COLUMN, "paragraph_index", "sentence_index", "start", "end", "n_words"]


def _segment_chunk(items: Sequence[tuple[str, str, str]]) -> pd.DataFrame:
    """Segment ``(key, text, method)`` items; offsets are into the text."""
    rows: list[tuple[str, int, int, int, int, int]] = []
    for key, text, method in items:
        offset = 0
        n = 0
        for p_index, paragraph in enumerate(text.split("\n")):
            for s, e in sentence_spans(paragraph, method=method):
                rows.append(
                    (key, p_index, n, offset + s, offset + e, len(tokenize(paragraph[s:e])))
                )
                n += 1
            offset += len(paragraph) + 1
    return pd.DataFrame(rows, columns=SEGMENT_COLUMNS)


def pysbd_version() -> str:
    try:
        from importlib.metadata import version

        return version("pysbd")
    except Exception:  # noqa: BLE001 - unknown version: still a valid key part
        return "unknown"


def segment_texts(
    texts: Sequence[str],
    *,
    keys: Sequence[str] | None = None,
    method: Method = "hybrid",
    cache: bool | ArticleCache | None = True,
    workers: int | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Sentence spans of many normalised texts, from the cache where possible.

    ``keys`` are the texts' content keys when the caller knows them. ``texts`` is read one
    chunk at a time (any sequence whose slices are lists of strings, e.g. one that makes Python
    strings from an Arrow column only when read), so the texts to segment are not gathered.

    Returns:
        One row per sentence: ``_key`` (content key of the text), ``paragraph_index``,
        ``sentence_index``, ``start``/``end`` (offsets into the text), ``n_words``; sorted by
        key then sentence index. Texts with the same content share a key.
    """
    store = resolve_cache(cache)
    version = f"{SEGMENT_VERSION}-{method}-pysbd{pysbd_version()}"
    if keys is None:
        keys = [content_key(t) for t in texts]
    position = dict(zip(keys, range(len(keys)), strict=True))
    found, missing = store.load("segment", version, position)
    frames = [found] if found is not None else []
    if missing:
        todo = sorted(missing)
        computed = map_chunks(
            _segment_chunk,
            _Todo(todo, [position[k] for k in todo], texts, method),
            workers=workers,
            progress=progress,
            desc="segmenting",
        )
        store.store("segment", version, computed, keys=missing)
        frames.append(computed)
    result = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    for col in SEGMENT_COLUMNS[1:]:
        result[col] = result[col].astype("int64")
    return result.sort_values([KEY_COLUMN, "sentence_index"], ignore_index=True)


class _Todo(Sequence[tuple[str, str, str]]):
    """``(key, text, method)`` items to segment; a slice reads its texts only then."""

    def __init__(
        self, keys: list[str], positions: list[int], texts: Sequence[str], method: str
    ) -> None:
        self.keys = keys
        self.positions = positions
        self.texts = texts
        self.method = method

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, index: Any) -> Any:
        if not isinstance(index, slice):
            return (self.keys[index], self.texts[self.positions[index]], self.method)
        positions = self.positions[index]
        if positions and positions == list(range(positions[0], positions[-1] + 1)):
            texts = list(self.texts[positions[0] : positions[-1] + 1])
        else:
            texts = [self.texts[p] for p in positions]
        return [(k, t, self.method) for k, t in zip(self.keys[index], texts, strict=True)]
