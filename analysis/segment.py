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
"""

from __future__ import annotations

import functools
import re
from typing import Literal

from analysis.errors import ParameterError

__all__ = ["ABBREVIATIONS", "boundary_agreement", "split_sentences", "sentence_spans"]

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


def _classify(paragraph: str, match: re.Match[str], balanced: bool) -> str:
    """``"cut"`` (sure boundary), ``"keep"`` (sure non-boundary) or ``"unsure"``."""
    mark = match.group(1)
    following = paragraph[match.end(2) : match.end(2) + 1]
    token = _word_before(paragraph, match)
    lowered = token.lower()
    if balanced and _inside_quotes(paragraph, match):
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
    opens_quote = following == '"' and balanced and not _inside_quotes(paragraph, match)
    if following.isupper() or following.isdigit() or opens_quote:
        if _inside_brackets(paragraph, match) or not balanced:
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
    start = 0
    unsure = "..." in paragraph
    for match in _MARK.finditer(paragraph):
        decision = _classify(paragraph, match, balanced)
        if decision == "cut" and not unsure:
            spans.append((start, match.start(2)))
            start = match.end(2)
        elif decision == "cut":
            spans.extend(_pysbd_chunk(paragraph, start, match.start(2)))
            start = match.end(2)
            unsure = "..." in paragraph[start:]
        elif decision == "unsure":
            unsure = True
    end = len(paragraph.rstrip())
    if start < end:
        if unsure:
            spans.extend(_pysbd_chunk(paragraph, start, end))
        else:
            spans.append((start, end))
    return [(s, e) for s, e in spans if e > s]


def _pysbd_chunk(paragraph: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(start + s, start + e) for s, e in _pysbd_spans(paragraph[start:end])]


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
