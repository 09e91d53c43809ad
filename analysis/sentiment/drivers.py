"""The words that drove a sentence's score, in each model.

VADER (Hutto & Gilbert 2014, *VADER: A Parsimonious Rule-based Model for Sentiment Analysis of
Social Media Text*, ICWSM). Rule: a word drives the score when its valence after VADER's rules
(negation x -0.74, boosters +/-0.293, ALL-CAPS +0.733, ``but``) is not 0; the valences are on
VADER's lexicon scale -4..+4 and their sum ``x``, with punctuation emphasis, is normalised into
``vader_compound`` as ``x / sqrt(x**2 + 15)``. :func:`sentiment_drivers` re-runs
``polarity_scores`` (vaderSentiment 3.3.2) up to that sum and keeps the per-word valences.

TextBlob's ``PatternAnalyzer`` (De Smedt & Daelemans 2012, *Pattern for Python*, JMLR 13:
2063-2067). Rule: Pattern's assessments with a non-zero polarity, on -1..1; a negation or an
intensifier is listed with its word (``not good``). ``textblob_polarity`` is their mean.

Both models are called as :mod:`analysis.sentiment.scoring` calls them
(:mod:`analysis.sentiment.fast`).
"""

from __future__ import annotations

import pandas as pd
from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentiText

from analysis.errors import ParameterError
from analysis.sentiment.fast import pattern_sentiment, vader

__all__ = ["driver_rows", "sentiment_drivers", "strongest_drivers"]

#: A driver: (model, words, valence rounded to 4 decimals).
DriverRow = tuple[str, str, float]


def _vader_valences(text: str) -> list[tuple[str, float]]:
    """VADER's per-token valences after its rules, exactly as ``polarity_scores`` sums them.

    Mirrors ``SentimentIntensityAnalyzer.polarity_scores`` (vaderSentiment 3.3.2) up to the sum:
    emoji descriptions, booster words and "kind of" score 0, then ``sentiment_valence`` (lexicon,
    negation, caps, boosters, idioms) and the ``but`` rule. Punctuation emphasis is applied to the
    sum only, so it belongs to no word.
    """
    analyzer = vader()
    if analyzer._emoji_chars.isdisjoint(text):
        converted = text  # no emoji: the rebuilt text below would equal the input
    else:
        converted = ""
        prev_space = True
        for char in text:
            if char in analyzer.emojis:
                converted += ("" if prev_space else " ") + analyzer.emojis[char]
                prev_space = False
            else:
                converted += char
                prev_space = char == " "
    sentitext = SentiText(converted.strip())
    words = sentitext.words_and_emoticons
    sentiments: list[float] = []
    for i, item in enumerate(words):
        lowered = item.lower()
        if lowered in BOOSTER_DICT or (
            i < len(words) - 1 and lowered == "kind" and words[i + 1].lower() == "of"
        ):
            sentiments.append(0.0)
            continue
        sentiments = analyzer.sentiment_valence(0, sentitext, item, i, sentiments)
    sentiments = analyzer._but_check(words, sentiments)
    return [(w, float(v)) for w, v in zip(words, sentiments, strict=True) if v != 0]


def sentiment_drivers(text: str) -> pd.DataFrame:
    """The words that drove a sentence's score in each model.

    - ``vader``: every token with a non-zero valence after VADER's rules (negation, boosters,
      caps, ``but``), on VADER's lexicon scale -4..+4 (Hutto & Gilbert 2014); their sum, with
      punctuation emphasis, is normalised into ``vader_compound``.
    - ``textblob``: Pattern's assessments (``TextBlob(text).sentiment_assessments``) with a
      non-zero polarity, on -1..1; a negation or intensifier is listed with its word
      (``not good``). ``textblob_polarity`` is their mean.

    Args:
        text: one sentence.

    Returns:
        One row per driver: ``model`` (``"vader"`` then ``"textblob"``), ``words``, ``valence``;
        in order of appearance within each model. Empty when no word is in either lexicon.

    Raises:
        ParameterError: ``text`` is not a string.

    >>> sentiment_drivers("Not good, but a terrible loss.").to_dict("list")["words"]
    ['good', 'terrible', 'loss', 'not good', 'terrible']
    """
    if not isinstance(text, str):
        raise ParameterError(f"text must be a str, got {type(text).__name__} {text!r}")
    frame = pd.DataFrame(driver_rows(text), columns=["model", "words", "valence"])
    frame["model"] = frame["model"].astype("str")
    frame["words"] = frame["words"].astype("str")
    frame["valence"] = frame["valence"].astype("float64")
    return frame


def driver_rows(text: str) -> list[DriverRow]:
    """The rows of :func:`sentiment_drivers` as ``(model, words, valence)`` tuples.

    >>> driver_rows("A terrible loss.")
    [('vader', 'terrible', -2.1), ('vader', 'loss', -1.3), ('textblob', 'terrible', -1.0)]
    """
    rows = [("vader", w, round(v, 4)) for w, v in _vader_valences(text)]
    rows += [
        ("textblob", " ".join(words), round(float(polarity), 4))
        for words, polarity, _subjectivity, _label in pattern_sentiment(text).assessments
        if polarity != 0
    ]
    return rows


def strongest_drivers(rows: list[DriverRow], model: str, top: int = 5) -> str:
    """``"aggression -2.30, condemned -1.90"``: the ``top`` drivers of ``model`` among ``rows``
    (:func:`driver_rows`) by absolute valence, ties in order of appearance.

    >>> strongest_drivers(driver_rows("A terrible loss."), "vader")
    'terrible -2.10, loss -1.30'
    """
    own = [(words, valence) for name, words, valence in rows if name == model]
    ranked = sorted(enumerate(own), key=lambda item: (-abs(item[1][1]), item[0]))[:top]
    return ", ".join(f"{words} {valence:+.2f}" for _, (words, valence) in ranked)
