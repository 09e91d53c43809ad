"""The two sentiment libraries, called so that a sentence costs less and scores the same.

Scoring every sentence with TextBlob and VADER is about half of the analysis pass
(:mod:`analysis.pipeline`). Both are pure-Python lexicon models; this module changes how they are
*called*, never what they compute, and only for the library versions it was checked against
(:data:`CHECKED_VERSIONS`; any other version gets the plain library calls).

TextBlob (Pattern's sentiment; De Smedt & Daelemans 2012)
    ``textblob.en.sentiment(text)`` tokenises the text with Pattern's ``find_tokens`` and then
    assesses the lower-cased tokens. ``find_tokens`` first separates contractions, quotes and
    apostrophes with spaces, then treats each whitespace-separated chunk on its own (punctuation
    split off, abbreviations kept), and finally re-joins emoticons and ``(!)`` split across
    tokens. :func:`pattern_tokens` does the first step the same way, tokenises each distinct chunk
    once with Pattern's own tokenizer (memoised: news prose repeats its chunks), and gives up
    (``None``) when the text has a line break or the joined tokens hold an emoticon or ``(!)``
    (Pattern's own regular expressions decide). :func:`pattern_sentiment` then passes the token
    list to the analyser, which accepts a list of words; otherwise it passes the text. The
    analyser used for token lists is a copy of TextBlob's whose lexicon look-ups are plain dict
    look-ups (:func:`_loaded_analyser`); Pattern's lazy-loading dict otherwise sends every
    look-up through its loader check.

VADER (Hutto & Gilbert 2014)
    :class:`Vader` is ``SentimentIntensityAnalyzer`` with two costs removed. ``polarity_scores``
    rebuilds the text character by character to replace emojis; when the text holds no emoji the
    rebuilt text equals the input, so the input is handed over as one piece. The negation and
    idiom checks lower-case the whole sentence for every lexicon word but read at most three words
    before and two after it; they are given that window, with the position shifted to match.
    :func:`vader` is the one analyser of the process.

The libraries' own objects come from :mod:`analysis.sentiment.lexicons`.
``tests/test_sentiment_fast.py`` compares both with the unmodified libraries on the seeds, on
generated texts and, when ``../shared`` is present, on AllSides sentences and VADER's rated
tweets; ``benchmarks/scorer_equality.py`` does so on every distinct AllSides sentence and prints
the speed-up.
"""

from __future__ import annotations

import functools
from typing import Any

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis.sentiment.lexicons import installed_version, pattern_library

__all__ = [
    "CHECKED_VERSIONS",
    "Vader",
    "fast_paths",
    "pattern_sentiment",
    "pattern_tokens",
    "vader",
    "warm_up",
]

#: Library versions whose internals the shortcuts were checked against.
CHECKED_VERSIONS: dict[str, tuple[str, ...]] = {
    "textblob": ("0.20.1",),
    "vaderSentiment": ("3.3.2",),
}
#: Distinct chunks (words with their punctuation) remembered per process before the memo is
#: emptied: every worker of the pass holds one; 50,000 take about 15 MB, and the frequent words
#: are back in it soon after it is emptied.
CHUNK_MEMO_SIZE = 50_000


@functools.cache
def fast_paths() -> dict[str, bool]:
    """Which library is called through its shortcut (its installed version was checked)."""
    return {name: installed_version(name) in CHECKED_VERSIONS[name] for name in CHECKED_VERSIONS}


def warm_up() -> None:
    """Import TextBlob and load both lexicons now (e.g. before worker processes fork)."""
    vader()
    if fast_paths()["textblob"]:
        _loaded_analyser()
    else:
        len(pattern_library().analyser)


# --------------------------------------------------------------------------- TextBlob / Pattern


@functools.cache
def _loaded_analyser() -> Any:
    """A copy of TextBlob's analyser, lexicon loaded, whose ``in`` and ``[]`` are plain dict
    look-ups. Pattern's ``lazydict`` loads the lexicon on first use and then means to hand these
    calls to ``dict``, but it rebinds them on the instance, where Python does not look up ``in``
    and ``[]``; every look-up keeps going through its loader check. Same data, same methods."""
    analyser = pattern_library().analyser
    len(analyser)  # loads the lexicon
    loaded_class = type(
        "LoadedSentiment",
        (type(analyser),),
        {"__contains__": dict.__contains__, "__getitem__": dict.__getitem__},
    )
    loaded = loaded_class.__new__(loaded_class)
    dict.update(loaded, dict.items(analyser))
    loaded.__dict__.update({k: v for k, v in analyser.__dict__.items() if not k.startswith("__")})
    return loaded


@functools.cache
def _pattern_punctuation() -> tuple[frozenset[str], frozenset[str]]:
    """The characters find_tokens strips from the start of a chunk and from its end."""
    punctuation = pattern_library().text_module.PUNCTUATION
    lead = frozenset(punctuation.replace(".", ""))
    return lead, lead | {"."}


_QUOTES = ("\u201c", "\u201d", "\u2018", "\u2019", "'", '"')
_chunk_memo: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _chunk_tokens(chunk: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Pattern's tokens of one whitespace-free chunk, as written and lower-cased (memoised)."""
    found = _chunk_memo.get(chunk)
    if found is None:
        lead, trail = _pattern_punctuation()
        if chunk[0] not in lead and chunk[-1] not in trail:
            tokens: tuple[str, ...] = (chunk,)  # find_tokens' stripping loops do not start
        else:
            tokens = tuple(" ".join(pattern_library().analyser.tokenizer(chunk)).split())
        found = (tokens, tuple(t.lower() for t in tokens))
        if len(_chunk_memo) >= CHUNK_MEMO_SIZE:
            _chunk_memo.clear()
        _chunk_memo[chunk] = found
    return found


def pattern_tokens(text: str) -> list[str] | None:
    """The lower-cased tokens Pattern's sentiment assesses in ``text``, or ``None`` when only
    Pattern's full tokenizer can tell (a line break, an emoticon, ``(!)``).

    >>> pattern_tokens("It wasn't good.")
    ['it', 'was', 'n', "'", 't', 'good', '.']
    """
    if "\n" in text or "\r" in text:
        return None
    _, pattern_text, replacements = pattern_library()
    for old, new in replacements:  # find_tokens: re.sub of these literal strings
        if old in text:
            text = text.replace(old, new)
    for quote in _QUOTES:  # find_tokens: every quote and apostrophe becomes a token
        if quote in text:
            text = text.replace(quote, f" {quote} ")
    written: list[str] = []
    lowered: list[str] = []
    for chunk in text.split():
        tokens, lower = _chunk_tokens(chunk)
        written.extend(tokens)
        lowered.extend(lower)
    joined = " ".join(written)
    if pattern_text.RE_EMOTICONS.search(joined) or pattern_text.RE_SARCASM.search(joined):
        return None
    return lowered


def pattern_sentiment(text: str) -> Any:
    """``textblob.en.sentiment(text)``: Pattern's ``(polarity, subjectivity)`` score with its
    ``assessments``."""
    if fast_paths()["textblob"]:
        tokens = pattern_tokens(text)
        if tokens is not None:
            return _loaded_analyser()(tokens)
    return pattern_library().analyser(text)


# --------------------------------------------------------------------------- VADER


class _Whole(str):
    """A string that iterates as one piece: VADER's emoji loop then copies it in one step."""

    __slots__ = ()

    def __iter__(self):  # noqa: ANN204 - iterator of one str
        yield str(self)


class Vader(SentimentIntensityAnalyzer):
    """VADER with the same scores at a lower cost (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self._fast = fast_paths()["vaderSentiment"]
        self._emoji_chars = frozenset("".join(self.emojis))

    def polarity_scores(self, text: str) -> dict[str, float]:
        if (
            self._fast
            and type(text) is str
            and self._emoji_chars.isdisjoint(text)
            and text not in self.emojis
        ):
            text = _Whole(text)
        return super().polarity_scores(text)

    def _negation_check(self, valence: float, words: list[str], start_i: int, i: int) -> float:
        # reads words i-1 .. i-3 (VADER calls it only with i > start_i)
        if not self._fast or i <= start_i:
            return SentimentIntensityAnalyzer._negation_check(valence, words, start_i, i)
        low = max(0, i - 3)
        return SentimentIntensityAnalyzer._negation_check(
            valence, words[low : i + 1], start_i, i - low
        )

    def _special_idioms_check(self, valence: float, words: list[str], i: int) -> float:
        # reads words i-3 .. i+2 and whether words i+1 and i+2 exist
        if not self._fast or i < 3:
            return SentimentIntensityAnalyzer._special_idioms_check(valence, words, i)
        return SentimentIntensityAnalyzer._special_idioms_check(valence, words[i - 3 : i + 3], 3)


@functools.lru_cache(maxsize=1)
def vader() -> Vader:
    """The process's VADER analyser (loading its lexicon costs about 0.1 s): VADER's own scores at
    a lower cost (:class:`Vader`).

    >>> vader().polarity_scores("A wonderful, happy day.")["compound"]
    0.8126
    """
    return Vader()
