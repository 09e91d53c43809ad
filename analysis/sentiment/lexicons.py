"""The two lexicon models as their libraries ship them, loaded once per process.

TextBlob's ``PatternAnalyzer`` is the sentiment of the Pattern library (De Smedt & Daelemans
2012, *Pattern for Python*, JMLR 13: 2063-2067). Rule: tokenise the text, look every lower-cased
token up in Pattern's lexicon of adjectives (and a few adverbs and emoticons), and average the
polarity (-1..1) and subjectivity (0..1) of the words found; ``not`` multiplies the next word's
polarity by -0.5 and intensifiers (``very``) boost it.

VADER (Hutto & Gilbert 2014, *VADER: A Parsimonious Rule-based Model for Sentiment Analysis of
Social Media Text*, ICWSM). Rule: every token in VADER's human-rated lexicon gets its valence
(-4..+4), changed by the rules for negation, boosters, capitals and ``but``; the sum ``x`` is
normalised as ``x / sqrt(x**2 + 15)``. Its analyser class is
``vaderSentiment.vaderSentiment.SentimentIntensityAnalyzer``, which
:class:`analysis.sentiment.fast.Vader` extends.

This module only hands out the libraries' own objects (:func:`pattern_library`) and says which
version of a library is installed (:func:`installed_version`). :mod:`analysis.sentiment.fast`
calls them at a lower cost for the same scores, and :mod:`analysis.sentiment.scoring` scores
sentences with both. TextBlob's sentiment modules are imported on first use, without the rest
of TextBlob and NLTK (:func:`_pattern_modules`).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import sys
from importlib.metadata import PackageNotFoundError, version
from types import ModuleType
from typing import Any, NamedTuple

__all__ = ["PatternLibrary", "installed_version", "pattern_library"]


class PatternLibrary(NamedTuple):
    """TextBlob's Pattern sentiment as the library ships it."""

    #: ``textblob.en.sentiment``: the analyser ``TextBlob(text).sentiment`` calls.
    analyser: Any
    #: ``textblob._text``: Pattern's tokenizer constants and emoticon expressions.
    text_module: Any
    #: The contraction replacements Pattern's ``find_tokens`` applies first, in order.
    replacements: tuple[tuple[str, str], ...]


@functools.cache
def pattern_library() -> PatternLibrary:
    """TextBlob's analyser, Pattern's text module and its contraction replacements (imported on
    first use; the lexicon itself loads on the analyser's first look-up)."""
    pattern_text, english = _pattern_modules()
    return PatternLibrary(
        english.sentiment, pattern_text, tuple(pattern_text.replacements.items())
    )


def _pattern_modules() -> tuple[ModuleType, ModuleType]:
    """TextBlob's modules ``textblob._text`` and ``textblob.en``, imported without running
    ``textblob/__init__.py`` when TextBlob is not imported yet.

    The package's ``__init__`` imports ``TextBlob``, hence NLTK and with it ``scipy.stats``
    (about 1-2 s of every report kernel's start); the two modules the sentiment needs import
    neither. They are loaded under a bare package object that is removed again afterwards, with
    them, so a later ``import textblob`` (a user's, a test's) runs the real package and gets its
    own copies; this module keeps its references. The analyser and lexicon files are the same.
    """
    if "textblob" in sys.modules:
        return importlib.import_module("textblob._text"), importlib.import_module("textblob.en")
    spec = importlib.util.find_spec("textblob")
    if spec is None:
        raise ModuleNotFoundError("No module named 'textblob'", name="textblob")
    before = set(sys.modules)
    sys.modules["textblob"] = importlib.util.module_from_spec(spec)  # not executed
    try:
        return importlib.import_module("textblob._text"), importlib.import_module("textblob.en")
    finally:
        for name in set(sys.modules) - before:
            if name == "textblob" or name.startswith("textblob."):
                del sys.modules[name]


def installed_version(name: str) -> str | None:
    """The installed version of the distribution ``name``, or ``None`` when it is absent.

    >>> installed_version("no-such-distribution") is None
    True
    """
    try:
        return version(name)
    except PackageNotFoundError:
        return None
