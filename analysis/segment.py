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
   ``5.`` may number a list). Initials, ``U.S.``, ``Jan.``, ``Mr.`` and the rest are not sure.
3. The paragraph is cut at sure boundaries. A chunk between two sure boundaries that still holds a
   mark followed by whitespace and more text (an unsure candidate, ``?`` before a lower-case word,
   an ellipsis) is given to pySBD; every other chunk is one sentence.

Step 3 is deliberately conservative: pySBD decides every boundary the rules of step 2 do not
settle. The agreement of the hybrid with pure pySBD on a real corpus is measured by
``benchmarks/segmentation_agreement.py``. ``method="pysbd"`` forces pySBD everywhere.

pySBD splits at every newline, so paragraphs are segmented one at a time (as the corpus loader
does) and the returned spans are character offsets into the paragraph passed in.
"""

from __future__ import annotations

import functools
import re
from typing import Literal

from analysis.errors import ParameterError

__all__ = ["ABBREVIATIONS", "split_sentences", "sentence_spans"]

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

_CANDIDATE = re.compile(r"([.!?])[\"')\]]*(\s+)(?=[\"'(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([^\s\"'(\[]+)$")
_PLAIN_WORD = re.compile(r"[A-Za-z][a-z]+")
_NUMBER = re.compile(r"\$?\d{3}[\d,]*%?|\$?\d[\d,]*(?:%|,\d{3})")
# a mark that may or may not end a sentence: . ! ? followed (after closing quotes) by whitespace
# and more text, or an ellipsis anywhere
_AMBIGUOUS = re.compile(r"[.!?][\"')\]]*\s+\S|\.\.\.")

Method = Literal["hybrid", "pysbd"]


@functools.lru_cache(maxsize=1)
def _pysbd_segmenter():  # noqa: ANN202 - third-party type
    import pysbd

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


def _is_sure_boundary(paragraph: str, match: re.Match[str]) -> bool:
    """A candidate is sure when ``?``/``!`` ends it, or a plain non-abbreviation word or number."""
    before = paragraph[: match.start(2)]
    if before.count('"') % 2 or before.count("(") > before.count(")"):
        return False  # inside a quotation or brackets: pySBD keeps those whole
    if paragraph[match.end(2) : match.end(2) + 1] in "\"'(":
        return False  # a quotation or bracket opens next: pySBD may attach it either way
    if match.group(1) != ".":
        return True
    word = _WORD_BEFORE.search(paragraph, 0, match.start(1))
    if word is None:
        return False
    token = word.group(1)
    if _NUMBER.fullmatch(token):
        return True
    return _PLAIN_WORD.fullmatch(token) is not None and token.lower() not in ABBREVIATIONS


def _hybrid_spans(paragraph: str) -> list[tuple[int, int]]:
    """Cut at sure boundaries; send only the chunks that hold an ambiguous mark to pySBD."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _CANDIDATE.finditer(paragraph):
        if _is_sure_boundary(paragraph, match):
            spans.extend(_chunk_spans(paragraph, start, match.start(2)))
            start = match.end(2)
    spans.extend(_chunk_spans(paragraph, start, len(paragraph)))
    return spans


def _chunk_spans(paragraph: str, start: int, end: int) -> list[tuple[int, int]]:
    chunk = paragraph[start:end]
    stripped = chunk.rstrip()
    if not stripped:
        return []
    if _AMBIGUOUS.search(stripped) is None:
        return [(start, start + len(stripped))]
    return [(start + s, start + e) for s, e in _pysbd_spans(chunk)]


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
    return _pysbd_spans(paragraph)


def split_sentences(paragraph: str, *, method: Method = "hybrid") -> list[str]:
    """The sentences of one paragraph, as strings (see :func:`sentence_spans`).

    >>> split_sentences("Prices rose. Voters noticed!")
    ['Prices rose.', 'Voters noticed!']
    """
    return [paragraph[s:e] for s, e in sentence_spans(paragraph, method=method)]
