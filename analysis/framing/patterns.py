"""Codebook patterns: their syntax, their parsing, and the time limit of regular expressions.

Method: the word and phrase patterns of a dictionary (lexical) content analysis, as used by the
shipped codebooks of :mod:`analysis.framing` (the generic news frames of Semetko & Valkenburg
2000, *Framing European politics: A content analysis of press and television news*, Journal of
Communication 50(2), 93-109; the Policy Frames Codebook of Boydstun, Card, Gross, Resnik & Smith
2014, *Tracking the development of media frames within and across policy issues*).

Rules (rule 1 of :mod:`analysis.framing`):

- A text is split into word tokens (:data:`WORD`: letters/digits with inner ``' . &``; hyphens
  separate words, so ``first-degree`` matches the pattern ``first degree``).
- A word pattern matches a whole token; ``word*`` matches any token starting with ``word``
  (at least :data:`MIN_WILDCARD_PREFIX` characters before the ``*``). A pattern word is
  case-insensitive unless it contains a capital letter (``Fed``, ``White House``: matched with
  that case).
- ``re:`` patterns are Python regular expressions, case-sensitive unless they start with
  ``(?i)``, compiled with the ``regex`` package (its default, ``re``-compatible syntax) because
  its matching takes a time limit: :data:`REGEX_TIMEOUT` seconds per pattern and sentence. A
  pattern that runs out of time (one that can match a text in exponentially many ways, such as
  ``(a|a)+$`` on a long run of ``a``) has its detectors skipped for that sentence, reported by a
  :class:`MatchTimeoutWarning`; after :data:`MAX_REGEX_TIMEOUTS` timeouts in one
  :func:`analysis.framing.frame_hits` call it is switched off for the rest of the call
  (:class:`RegexBudget`).

The limits are read from this module when a :class:`RegexBudget` is made: to change them, set
``analysis.framing.patterns.REGEX_TIMEOUT`` (the name re-exported by :mod:`analysis.framing` is
a copy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

import regex

from analysis.errors import CodebookError

__all__ = [
    "MAX_REGEX_TIMEOUTS",
    "MIN_WILDCARD_PREFIX",
    "REGEX_TIMEOUT",
    "WORD",
    "WORD_SPLIT",
    "MatchTimeoutWarning",
    "PatternError",
    "RegexBudget",
    "WordPattern",
    "needs_digit",
    "parse_pattern",
    "token_spans",
]

#: Fewest characters allowed before a ``*`` wildcard (``co*`` would match far too much).
MIN_WILDCARD_PREFIX = 3
#: Seconds a ``re:`` pattern may search one sentence before its detectors are skipped there.
#: A pattern that can match a text in exponentially many ways (``(a|a)*$``) would otherwise
#: run for hours; every shipped pattern takes well under a millisecond on a 2,000-character
#: sentence (the segmenter's longest, ``analysis.segment.MAX_SENTENCE_CHARS``).
REGEX_TIMEOUT = 0.25
#: Timeouts after which a pattern is switched off for the rest of a
#: :func:`analysis.framing.frame_hits` call (its detectors are skipped in every later sentence
#: it would search), so a pattern that times out on every sentence costs seconds, not hours.
MAX_REGEX_TIMEOUTS = 3

#: A word token: letters and digits, with inner ``'``, ``.`` or ``&`` (``U.S``, ``AT&T``).
WORD = re.compile(r"[^\W_]+(?:['.&][^\W_]+)*")
#: Splits a text into ``[gap, word, gap, word, ..., gap]`` (see :func:`token_spans`).
WORD_SPLIT = re.compile(f"({WORD.pattern})")
_PATTERN_SPLIT = re.compile(r"[\s\-]+")


class MatchTimeoutWarning(UserWarning):
    """A codebook regex ran out of time on a sentence and its detector was skipped there."""


class PatternError(CodebookError):
    """A pattern that breaks the syntax. :func:`analysis.framing.load_codebook` reports it as a
    :class:`~analysis.errors.CodebookError` naming the file, the frame and the field."""


@dataclass(frozen=True)
class WordPattern:
    """One word of a word or phrase pattern.

    Attributes:
        text: the word as compared: lower-cased unless case-sensitive.
        prefix: the pattern ended with ``*`` (matches any token starting with ``text``).
        case_sensitive: the word holds a capital letter.
    """

    text: str
    prefix: bool
    case_sensitive: bool


def parse_pattern(pattern: str) -> tuple[WordPattern, ...] | regex.Pattern:
    """A term pattern as word patterns, or a compiled ``re:`` pattern.

    ``re:`` patterns are compiled with the ``regex`` package (its default, ``re``-compatible
    syntax), whose matching takes a time limit (:data:`REGEX_TIMEOUT`).

    Raises:
        PatternError: the pattern breaks the syntax (the message says how).

    >>> parse_pattern("condemn*")
    (WordPattern(text='condemn', prefix=True, case_sensitive=False),)
    """
    if pattern.startswith("re:"):
        return _compile_regex(pattern[3:])
    words = [w for w in _PATTERN_SPLIT.split(pattern.strip()) if w]
    if not words:
        raise PatternError(f"bad pattern {pattern!r}: no words.")
    parsed: list[WordPattern] = []
    for word in words:
        prefix = word.endswith("*")
        body = word[:-1] if prefix else word
        if not prefix:
            body = body.rstrip(".")  # "U.S." is the token "U.S"
        if WORD.fullmatch(body) is None:
            raise PatternError(
                f"bad pattern {pattern!r}: {word!r} is not a word. Terms hold letters, digits, "
                "inner ' . & and may end with * (wildcards only at the end of a word); write "
                "other patterns as regular expressions, 're:...'."
            )
        if prefix and len(body) < MIN_WILDCARD_PREFIX:
            raise PatternError(
                f"bad pattern {pattern!r}: a wildcard needs at least {MIN_WILDCARD_PREFIX} "
                f"characters before the '*' ({word!r} would match too many words)."
            )
        cs = any(c.isupper() for c in body)
        parsed.append(WordPattern(body if cs else body.lower(), prefix, cs))
    return tuple(parsed)


def _compile_regex(source: str) -> regex.Pattern:
    """The ``re:`` pattern ``source`` compiled; PatternError if empty, invalid, or matching
    the empty string."""
    if not source:
        raise PatternError("bad regex: 're:' is followed by nothing.")
    try:
        compiled = regex.compile(source)
    except regex.error as exc:
        raise PatternError(f"bad regex {source!r}: {exc}.") from exc
    if compiled.match("") is not None:
        raise PatternError(f"bad regex {source!r}: it matches the empty string.")
    return compiled


class RegexBudget:
    """The time limit of ``re:`` patterns during one :func:`analysis.framing.frame_hits` call.

    Every regex gets :data:`REGEX_TIMEOUT` seconds per sentence; after
    :data:`MAX_REGEX_TIMEOUTS` timeouts in the call it is switched off for the rest of the call.
    ``skipped`` collects, per sentence, ``(detector, pattern, reason)`` for each detector
    skipped because one of its patterns timed out (``"timeout"``) or is switched off
    (``"switched off"``); the caller reads and clears it after each sentence.
    """

    def __init__(self) -> None:
        self.timeout = REGEX_TIMEOUT
        self.max_timeouts = MAX_REGEX_TIMEOUTS
        self.timeouts: dict[int, int] = {}
        self.skipped: list[tuple[int, str, str]] = []

    def switched_off(self, rid: int) -> bool:
        """Whether regex ``rid`` has timed out too often in this call to be tried again."""
        return self.timeouts.get(rid, 0) >= self.max_timeouts

    def timed_out(self, rid: int) -> None:
        """Count one timeout of regex ``rid``."""
        self.timeouts[rid] = self.timeouts.get(rid, 0) + 1


def needs_digit(pattern: re.Pattern[str] | regex.Pattern | str) -> bool:
    """Whether every match of ``pattern`` contains a ``\\d`` digit (decided from its parsed
    form: a ``\\d`` that is not optional, in a group, a repeat of at least one, or every branch
    of an alternation). ``False`` when in doubt (also for syntax only the ``regex`` package
    knows).

    >>> needs_digit(r"\\$\\d+"), needs_digit(r"\\d?")
    (True, False)
    """
    from re import _parser  # the standard library's regex parser (Python >= 3.11)

    source = pattern if isinstance(pattern, str) else pattern.pattern
    try:
        parsed = _parser.parse(source, 0)  # codebook regexes carry their flags inline
    except Exception:  # noqa: BLE001 - any doubt: never skip the pattern
        return False
    return _items_need_digit(list(parsed), _parser)


def _items_need_digit(items: list, c: Any) -> bool:
    """``c`` is ``re._parser``, which re-exports the opcode constants."""
    for op, av in items:
        if op is c.IN and list(av) == [(c.CATEGORY, c.CATEGORY_DIGIT)]:
            return True
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, _high, sub = av
            if low >= 1 and _items_need_digit(list(sub), c):
                return True
        elif op is c.SUBPATTERN:
            if _items_need_digit(list(av[-1]), c):
                return True
        elif op is c.ATOMIC_GROUP:
            if _items_need_digit(list(av), c):
                return True
        elif op is c.BRANCH and all(_items_need_digit(list(b), c) for b in av[1]):
            return True
    return False


def token_spans(parts: list[str]) -> tuple[list[int], list[int]]:
    """Token start and end offsets from a capturing split ``[gap, word, gap, ..., gap]``.

    >>> token_spans(WORD_SPLIT.split("The U.S. budget"))
    ([0, 4, 9], [3, 7, 15])
    """
    offsets = list(accumulate(map(len, parts)))
    return offsets[0:-1:2], offsets[1::2]
