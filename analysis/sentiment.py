"""Sentence sentiment with TextBlob and VADER, side by side, and what to compare it by.

Every sentence is scored by **both** lexicon models; neither needs NLTK data or a download.

TextBlob (Loria, ``textblob`` 0.20) ``PatternAnalyzer``, the sentiment of the Pattern library
(De Smedt & Daelemans 2012, *Pattern for Python*, JMLR 13: 2063-2067):

- ``textblob_polarity`` in [-1, 1]: the average polarity of the adjectives (and a few adverbs
  and emoticons) of the sentence that are in Pattern's lexicon; ``not`` multiplies the next
  word's polarity by -0.5 ("not good" = 0.7 x -0.5 = -0.35) and intensifiers (``very``) boost
  it. Words outside the lexicon count for nothing, so a sentence without a lexicon adjective
  scores 0.
- ``textblob_subjectivity`` in [0, 1]: the same average over the words' subjectivity (0 factual,
  1 opinion).

TextBlob is weak on news prose: it scores adjectives, not events. "The Russian Foreign Ministry
vehemently condemned the U.S. action as "armed aggression" ..." scores about -0.006 (its only
assessed words are ``foreign`` -0.125 and ``action`` +0.1), and "exceeding 9 trillion yen
(approximately $58 billion)" scores -0.4 because ``approximately`` is in its lexicon.

VADER (Hutto & Gilbert 2014, *VADER: A Parsimonious Rule-based Model for Sentiment Analysis of
Social Media Text*, ICWSM; ``vaderSentiment`` 3.3.2):

- every token found in VADER's human-rated lexicon gets its valence (-4..+4), modified by rules
  for negation (x -0.74), boosters and dampeners (+/-0.293), ALL-CAPS emphasis (+0.733), ``but``
  (x0.5 before, x1.5 after) and ``!``/``?`` emphasis;
- ``vader_compound`` in [-1, 1]: the sum of those valences ``x`` normalised as
  ``x / sqrt(x**2 + 15)``; VADER's documented thresholds call >= 0.05 positive and <= -0.05
  negative;
- ``vader_pos``, ``vader_neu``, ``vader_neg`` in [0, 1], summing to about 1: the shares of the
  sentence's (valence-weighted) tokens that are positive, neutral and negative.

The condemnation sentence above gets ``vader_compound`` about -0.80: ``condemned``,
``aggression`` and ``unacceptable`` are all in VADER's lexicon.

A combined score, ``vader_textblob_mean`` in [-1, 1], is the unweighted mean of ``vader_compound``
and ``textblob_polarity`` (no fitted weight). :data:`DEFAULT_SCORE` is the score report headlines
use; it was chosen from the agreement with human ratings measured by
:func:`analysis.validation.validate_sentiment`, by the rule of
:func:`analysis.validation.choose_default_score` (figures in the comment at the constant).

Aggregates (:func:`story_sentiment`, :func:`sentiment_arc`, :func:`target_sentiment`) are
length-aware: every sentence weighs the same, results are means and shares over sentences (never
sums), and each row carries the number of sentences (and stories) behind it, the stories' word
count and how many of them are truncated leads (``is_truncated`` in the stories table). A
sentence is *clearly positive* when ``score >= neutral_band`` and *clearly negative* when
``score <= -neutral_band`` (:func:`classify`; VADER's convention, default band 0.05).

:func:`describe` turns the tables into plain-language Markdown whose every figure comes from
them, for reports.

Both libraries are called through :mod:`analysis.scorers`, which gives their exact scores at a
lower cost per sentence. Scoring is cached in-process by sentence text (an LRU cache of
:data:`CACHE_SIZE` sentences, see :func:`cache_info`): scoring the same sentences again in one
process costs a dictionary look-up per sentence.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Final, Literal

import numpy as np
import pandas as pd
from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentimentIntensityAnalyzer, SentiText

from analysis.errors import ParameterError
from analysis.normalize import tokenize
from analysis.safe import escape_markdown, markdown_code

__all__ = [
    "CACHE_SIZE",
    "DEFAULT_SCORE",
    "NEUTRAL_BAND",
    "POLARITY_SCORES",
    "SCORE_COLUMNS",
    "SCORED_COLUMNS",
    "cache_info",
    "classify",
    "clear_cache",
    "describe",
    "resolve_score",
    "score_texts",
    "sentence_sentiment",
    "sentiment_arc",
    "sentiment_drivers",
    "sentiment_evidence",
    "story_sentiment",
    "target_mentions",
    "target_sentiment",
]

#: Per-sentence score columns, in the order they appear in the scored table.
SCORE_COLUMNS: Final[tuple[str, ...]] = (
    "textblob_polarity",
    "textblob_subjectivity",
    "vader_compound",
    "vader_pos",
    "vader_neu",
    "vader_neg",
    "vader_textblob_mean",
)
#: The scores that are polarities in [-1, 1] and can be aggregated as "the" sentiment.
POLARITY_SCORES: Final[tuple[str, ...]] = (
    "vader_compound",
    "textblob_polarity",
    "vader_textblob_mean",
)
#: Columns of :func:`sentence_sentiment`'s table.
SCORED_COLUMNS: Final[tuple[str, ...]] = (
    "story_id",
    "sentence_id",
    "sentence_index",
    "position",
    "n_words",
    "text",
    *SCORE_COLUMNS,
)

# Chosen by analysis.validation.validate_sentiment() on the human ratings published with VADER
# (../shared/validation/sentiment; human neutral band |rating| < 0.5, model band |score| < 0.05).
# Measured with textblob 0.20 and vaderSentiment 3.3.2:
#                        Pearson r (tweets / movies / amazon; mean)   macro-F1 (same; mean)
#   vader_compound       0.872 / 0.427 / 0.590; 0.630                 0.702 / 0.422 / 0.560; 0.561
#   textblob_polarity    0.697 / 0.409 / 0.512; 0.540                 0.621 / 0.408 / 0.484; 0.504
#   vader_textblob_mean  0.865 / 0.485 / 0.625; 0.658                 0.695 / 0.432 / 0.546; 0.558
# Rule (analysis.validation.choose_default_score): the highest mean r among the scores whose mean
# macro-F1 is within 0.01 of the best. The mean of both models has the highest r on movie and
# product snippets and on average; its F1 is 0.003 below VADER's. None of the sets is news prose.
DEFAULT_SCORE: Final = "vader_textblob_mean"
#: Version of the per-sentence scoring (part of the analysis cache key; bump when it changes).
METHOD_VERSION: Final = "sentiment-1"
#: Default half-width of the neutral band (VADER's documented threshold for ``compound``).
NEUTRAL_BAND: Final = 0.05
#: Sentences kept in the in-process score cache (the 2,505-article AllSides sample has ~108,000
#: distinct sentences); beyond that the least recently used are scored again.
CACHE_SIZE: Final = 2**17

_REQUIRED = ("story_id", "sentence_id", "text")
_STORY_REQUIRED = ("story_id", "is_truncated", "n_words")
_INT_COLUMNS = ("sentence_index", "n_words")

ScoreName = Literal["default", "vader_compound", "textblob_polarity", "vader_textblob_mean"]


# --------------------------------------------------------------------------- scoring


@functools.lru_cache(maxsize=1)
def _vader() -> SentimentIntensityAnalyzer:
    """One analyzer per process (loading VADER's lexicon costs about 0.1 s); VADER's own scores
    at a lower cost (:class:`analysis.scorers.Vader`)."""
    from analysis.scorers import Vader

    return Vader()


def _pattern_sentiment(text: str):  # noqa: ANN202 - textblob's Sentiment result
    """``TextBlob(text).sentiment`` without building a TextBlob (same analyser, same result; see
    :func:`analysis.scorers.pattern_sentiment`)."""
    from analysis.scorers import pattern_sentiment

    return pattern_sentiment(text)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _scores(text: str) -> tuple[float, float, float, float, float, float, float]:
    """Both models' scores of one sentence, cached by its text (see :func:`cache_info`)."""
    # textblob.en.sentiment is what TextBlob(text).sentiment calls (PatternAnalyzer), without
    # building a TextBlob and a namedtuple class per call (half the cost).
    polarity, subjectivity = _pattern_sentiment(text)
    vader = _vader().polarity_scores(text)
    compound = float(vader["compound"])
    return (
        float(polarity),
        float(subjectivity),
        compound,
        float(vader["pos"]),
        float(vader["neu"]),
        float(vader["neg"]),
        (compound + float(polarity)) / 2.0,
    )


def cache_info() -> functools._CacheInfo:
    """Hits, misses and size of the in-process score cache (``misses`` = model evaluations)."""
    return _scores.cache_info()


def clear_cache() -> None:
    """Empty the in-process score cache."""
    _scores.cache_clear()


def score_texts(texts: Iterable[str]) -> pd.DataFrame:
    """Score any texts with both models (one row per text, columns :data:`SCORE_COLUMNS`).

    Args:
        texts: strings (sentences, tweets, review snippets...).

    Returns:
        A table with a 0-based ``RangeIndex`` in input order and the columns
        :data:`SCORE_COLUMNS`.

    Raises:
        ParameterError: an item is not a string.

    >>> score_texts(["A wonderful, happy day."])["vader_compound"].round(3).tolist()
    [0.813]
    """
    rows = []
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise ParameterError(f"text {i} is {type(text).__name__} {text!r}, expected a str")
        rows.append(_scores(text))
    return pd.DataFrame(rows, columns=list(SCORE_COLUMNS), dtype="float64")


def _check_table(table: pd.DataFrame, required: Sequence[str], name: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"{name} must be a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise ParameterError(
            f"{name} lacks the column(s) {missing}; it has {list(table.columns)}. "
            "Pass the corpus' sentences table (load_corpus().sentences)"
            + (" or the output of sentence_sentiment()." if name == "scored" else ".")
        )


def sentence_sentiment(sentences: pd.DataFrame) -> pd.DataFrame:
    """TextBlob and VADER scores of every sentence (both models, side by side).

    Methods: TextBlob's ``PatternAnalyzer`` (De Smedt & Daelemans 2012) and VADER (Hutto &
    Gilbert 2014); see the module docstring for what each number means. Does not mutate
    ``sentences``. Each sentence is scored from its own text only, so the table can be computed
    story by story and concatenated.

    Args:
        sentences: the corpus' sentences table; needs ``story_id``, ``sentence_id`` and ``text``.
            ``sentence_index``, ``position`` (0-1) and ``n_words`` are taken when present, else
            derived from the row order within each story and :func:`~analysis.normalize.tokenize`.

    Returns:
        One row per input sentence, in input order, with the columns :data:`SCORED_COLUMNS`:
        ``story_id``, ``sentence_id``, ``sentence_index``, ``position``, ``n_words``, ``text``,
        ``textblob_polarity`` [-1, 1], ``textblob_subjectivity`` [0, 1], ``vader_compound``
        [-1, 1], ``vader_pos``/``vader_neu``/``vader_neg`` [0, 1] and ``vader_textblob_mean``
        [-1, 1].

    Raises:
        ParameterError: a required column is missing, a ``sentence_id`` repeats or a text is not
            a string.

    >>> from analysis.corpus import stories_from_texts
    >>> corpus = stories_from_texts(["The deal is a great success. Critics condemned it."])
    >>> scored = sentence_sentiment(corpus.sentences)
    >>> scored["vader_compound"].tolist(), scored["textblob_polarity"].tolist()
    ([0.8316, -0.6249], [0.55, 0.0])
    """
    _check_table(sentences, _REQUIRED, "sentences")
    if sentences.empty:
        return _empty_scored()
    duplicated = sentences["sentence_id"][sentences["sentence_id"].duplicated()]
    if not duplicated.empty:
        raise ParameterError(
            f"sentence_id {duplicated.iloc[0]!r} appears more than once; each sentence needs a "
            "unique sentence_id"
        )
    texts = sentences["text"].tolist()
    for sid, text in zip(sentences["sentence_id"], texts, strict=True):
        if not isinstance(text, str):
            raise ParameterError(
                f"sentence {sid!r} has text {text!r} ({type(text).__name__}), expected a str"
            )
    out = pd.DataFrame(
        {
            "story_id": sentences["story_id"].to_numpy(),
            "sentence_id": sentences["sentence_id"].to_numpy(),
        }
    )
    story = out["story_id"]
    if "sentence_index" in sentences.columns:
        out["sentence_index"] = sentences["sentence_index"].to_numpy()
    else:
        out["sentence_index"] = story.groupby(story, sort=False).cumcount()
    if "position" in sentences.columns:
        out["position"] = sentences["position"].to_numpy()
    else:
        size = story.groupby(story, sort=False).transform("size")
        out["position"] = (story.groupby(story, sort=False).cumcount() + 0.5) / size
    if "n_words" in sentences.columns:
        out["n_words"] = sentences["n_words"].to_numpy()
    else:
        out["n_words"] = [len(tokenize(t)) for t in texts]
    out["text"] = pd.Series(texts, dtype="str")
    scores = score_texts(texts)
    out = pd.concat([out, scores], axis=1)
    return _typed_scored(out)


def _typed_scored(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.loc[:, list(SCORED_COLUMNS)]
    for col in ("story_id", "sentence_id", "text"):
        frame[col] = frame[col].astype("str")
    for col in _INT_COLUMNS:
        frame[col] = frame[col].astype("int64")
    for col in ("position", *SCORE_COLUMNS):
        frame[col] = frame[col].astype("float64")
    return frame.reset_index(drop=True)


def _empty_scored() -> pd.DataFrame:
    return _typed_scored(pd.DataFrame({c: [] for c in SCORED_COLUMNS}))


# --------------------------------------------------------------------------- drivers


def _vader_valences(text: str) -> list[tuple[str, float]]:
    """VADER's per-token valences after its rules, exactly as ``polarity_scores`` sums them.

    Mirrors ``SentimentIntensityAnalyzer.polarity_scores`` (vaderSentiment 3.3.2) up to the sum:
    emoji descriptions, booster words and "kind of" score 0, then ``sentiment_valence`` (lexicon,
    negation, caps, boosters, idioms) and the ``but`` rule. Punctuation emphasis is applied to the
    sum only, so it belongs to no word.
    """
    analyzer = _vader()
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
    frame = pd.DataFrame(_driver_rows(text), columns=["model", "words", "valence"])
    frame["model"] = frame["model"].astype("str")
    frame["words"] = frame["words"].astype("str")
    frame["valence"] = frame["valence"].astype("float64")
    return frame


def _driver_rows(text: str) -> list[tuple[str, str, float]]:
    rows = [("vader", w, round(v, 4)) for w, v in _vader_valences(text)]
    rows += [
        ("textblob", " ".join(words), round(float(polarity), 4))
        for words, polarity, _subjectivity, _label in _pattern_sentiment(text).assessments
        if polarity != 0
    ]
    return rows


def _drivers_text(rows: list[tuple[str, str, float]], model: str, top: int = 5) -> str:
    """``"aggression -2.30, condemned -1.90"``: the ``top`` drivers by absolute valence, ties in
    order of appearance."""
    own = [(words, valence) for name, words, valence in rows if name == model]
    ranked = sorted(enumerate(own), key=lambda item: (-abs(item[1][1]), item[0]))[:top]
    return ", ".join(f"{words} {valence:+.2f}" for _, (words, valence) in ranked)


# --------------------------------------------------------------------------- arguments


def resolve_score(score: str) -> str:
    """The score column a ``score`` argument names (``"default"`` is :data:`DEFAULT_SCORE`).

    >>> resolve_score("default")
    'vader_textblob_mean'
    """
    if score == "default":
        return DEFAULT_SCORE
    if not isinstance(score, str) or score not in POLARITY_SCORES:
        raise ParameterError(
            f"score must be 'default' or one of {list(POLARITY_SCORES)}, got {score!r}"
        )
    return score


def _check_band(neutral_band: float) -> float:
    if (
        isinstance(neutral_band, bool)
        or not isinstance(neutral_band, int | float)
        or not math.isfinite(neutral_band)
        or not 0 <= neutral_band < 1
    ):
        raise ParameterError(
            f"neutral_band must be a number in [0, 1), got {neutral_band!r} "
            f"(VADER's convention is {NEUTRAL_BAND})"
        )
    return float(neutral_band)


def _check_positive_int(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ParameterError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def classify(values: Sequence[float] | pd.Series | np.ndarray, band: float) -> np.ndarray:
    """-1 (clearly negative), 0 (neutral) or 1 (clearly positive) for each score.

    Positive when ``score >= band`` (and > 0), negative when ``score <= -band`` (and < 0),
    neutral in between: VADER's convention for ``compound`` with ``band=0.05``. NaN is neutral.

    >>> classify([0.3, 0.05, 0.0, -0.049, -0.2], 0.05).tolist()
    [1, 1, 0, 0, -1]
    """
    if isinstance(band, bool) or not isinstance(band, int | float) or not band >= 0:
        raise ParameterError(f"band must be a number >= 0, got {band!r}")
    arr = np.asarray(values, dtype="float64")
    positive = (arr >= band) & (arr > 0)
    negative = (arr <= -band) & (arr < 0)
    return np.where(positive, 1, np.where(negative, -1, 0)).astype("int64")


def _story_order(scored: pd.DataFrame) -> dict[str, int]:
    return {sid: i for i, sid in enumerate(pd.unique(scored["story_id"]))}


def _with_group(scored: pd.DataFrame, stories: pd.DataFrame, group: str) -> pd.DataFrame:
    """``scored`` with the story columns needed to aggregate by ``group``."""
    _check_table(scored, ("story_id", "sentence_id", "text", *POLARITY_SCORES), "scored")
    _check_table(stories, _STORY_REQUIRED, "stories")
    if not isinstance(group, str) or group not in stories.columns:
        raise ParameterError(
            f"group {group!r} is not a column of the stories table; choose one of "
            f"{list(stories.columns)}"
        )
    if group in _RESERVED:
        raise ParameterError(
            f"group {group!r} is also the name of a result column; copy it under another name "
            f"first, e.g. stories.assign(by_{group}=stories[{group!r}]) and group='by_{group}'"
        )
    if stories["story_id"].duplicated().any():
        raise ParameterError("the stories table repeats a story_id; pass one row per story")
    unknown = sorted(set(scored["story_id"]) - set(stories["story_id"]))
    if unknown:
        raise ParameterError(
            f"{len(unknown)} story_id(s) of scored are not in stories, e.g. {unknown[0]!r}; pass "
            "the stories table of the same corpus"
        )
    columns = ["story_id", "is_truncated", "n_words"]
    if group not in columns:
        columns.append(group)
    info = stories[columns].rename(columns={"n_words": "story_n_words"})
    merged = scored.merge(info, on="story_id", how="left", validate="m:1")
    merged["is_truncated"] = merged["is_truncated"].astype(bool)
    return merged


def _group_order(frame: pd.DataFrame, stories: pd.DataFrame, group: str) -> pd.Series:
    """A sort key for group values: stories' order for ``story_id``, else the values sorted."""
    if group == "story_id":
        order = {sid: i for i, sid in enumerate(stories["story_id"])}
        return frame[group].map(order)
    values = pd.Series(pd.unique(frame[group]))
    ranks = values.sort_values(na_position="last").reset_index(drop=True)
    key = {v: i for i, v in enumerate(ranks) if not pd.isna(v)}
    return frame[group].map(lambda v: len(key) if pd.isna(v) else key[v])


def _story_counts(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """n_stories, n_truncated, is_truncated and n_words per ``keys`` from distinct stories."""
    ident = list(dict.fromkeys([*keys, "story_id"]))
    stories = frame.drop_duplicates(ident)[[*ident, "is_truncated", "story_n_words"]]
    counts = stories.groupby(keys, sort=False, dropna=False).agg(
        n_stories=("story_id", "size"),
        n_truncated=("is_truncated", "sum"),
        n_words=("story_n_words", "sum"),
    )
    counts["is_truncated"] = counts["n_truncated"] > 0
    return counts


# --------------------------------------------------------------------------- aggregates

_STORY_TABLE_COLUMNS = (
    "n_stories",
    "n_truncated",
    "is_truncated",
    "n_words",
    "n_sentences",
    "mean_score",
    "std_score",
    "sem_score",
    "share_positive",
    "share_neutral",
    "share_negative",
    "mean_vader_compound",
    "mean_textblob_polarity",
    "mean_textblob_subjectivity",
)


def _aggregate(frame: pd.DataFrame, keys: list[str], score: str, band: float) -> pd.DataFrame:
    classes = classify(frame[score], band)
    work = frame.assign(
        _score=frame[score],
        _pos=(classes == 1).astype("float64"),
        _neu=(classes == 0).astype("float64"),
        _neg=(classes == -1).astype("float64"),
    )
    grouped = work.groupby(keys, sort=False, dropna=False)
    table = grouped.agg(
        n_sentences=("sentence_id", "size"),
        mean_score=("_score", "mean"),
        std_score=("_score", "std"),
        share_positive=("_pos", "mean"),
        share_neutral=("_neu", "mean"),
        share_negative=("_neg", "mean"),
        mean_vader_compound=("vader_compound", "mean"),
        mean_textblob_polarity=("textblob_polarity", "mean"),
        mean_textblob_subjectivity=("textblob_subjectivity", "mean"),
    )
    table["sem_score"] = table["std_score"] / np.sqrt(table["n_sentences"])
    return table


def _finish(
    table: pd.DataFrame, keys: list[str], columns: Sequence[str], attrs: dict[str, object]
) -> pd.DataFrame:
    table = table.reset_index()
    table = table.loc[:, [*keys, *columns]]
    for col in table.columns:
        if col.startswith("n_"):
            table[col] = table[col].astype("int64")
        elif col.startswith(("mean_", "std_", "sem_", "share_")) or col in (
            "position",
            "bin_start",
            "bin_end",
        ):
            table[col] = table[col].astype("float64")
    if "is_truncated" in table.columns:
        table["is_truncated"] = table["is_truncated"].astype(bool)
    table.attrs.update(attrs)
    return table


def story_sentiment(
    scored: pd.DataFrame,
    stories: pd.DataFrame,
    *,
    group: str = "story_id",
    score: ScoreName = "default",
    neutral_band: float = NEUTRAL_BAND,
) -> pd.DataFrame:
    """Length-aware sentiment per story, or per any column of the stories table.

    Every sentence weighs the same: the mean and the shares are over sentences, so a long story
    is not "more negative" because it has more words. Does not mutate its inputs.

    Args:
        scored: output of :func:`sentence_sentiment`.
        stories: the corpus' stories table (needs ``story_id``, ``is_truncated``, ``n_words`` and
            the ``group`` column).
        group: the stories column to compare by: ``story_id``, ``outlet``, ``bias_label``,
            ``topic``, a date period column...
        score: the score aggregated (``"default"`` is :data:`DEFAULT_SCORE`).
        neutral_band: a sentence is clearly positive when ``score >= neutral_band``, clearly
            negative when ``score <= -neutral_band`` (see :func:`classify`).

    Returns:
        One row per group value: ``<group>``; ``n_stories``; ``n_truncated`` (stories cut off
        mid-sentence: 0 < n_truncated < n_stories means the group mixes truncated and full
        stories); ``is_truncated`` (any story truncated); ``n_words`` (words of its stories);
        ``n_sentences`` (sentences behind every figure of the row); ``mean_score``;
        ``std_score`` (spread over sentences, NaN for one sentence); ``sem_score``
        (``std / sqrt(n)``); ``share_positive``/``share_neutral``/``share_negative``;
        ``mean_vader_compound``, ``mean_textblob_polarity``, ``mean_textblob_subjectivity``.
        Sorted in the stories table's order for ``story_id``, else by the group value (missing
        last). ``attrs`` records ``group``, ``score`` and ``neutral_band``. Groups without
        sentences have no row.

    Raises:
        ParameterError: an unknown ``group``/``score``, a ``neutral_band`` outside [0, 1), a
            missing column, or a ``story_id`` of ``scored`` missing from ``stories``.

    >>> from analysis.corpus import stories_from_texts
    >>> corpus = stories_from_texts(["A wonderful day. A great win.", "A terrible loss."])
    >>> table = story_sentiment(sentence_sentiment(corpus.sentences), corpus.stories)
    >>> table["n_sentences"].tolist(), table["share_negative"].tolist()
    ([2, 1], [0.0, 1.0])
    """
    name = resolve_score(score)
    band = _check_band(neutral_band)
    frame = _with_group(scored, stories, group)
    attrs = {"group": group, "score": name, "neutral_band": band}
    keys = [group]
    if frame.empty:
        return _finish(
            pd.DataFrame({c: [] for c in [*keys, *_STORY_TABLE_COLUMNS]}),
            [],
            [*keys, *_STORY_TABLE_COLUMNS],
            attrs,
        )
    table = _aggregate(frame, keys, name, band).join(_story_counts(frame, keys))
    table = _finish(table, keys, _STORY_TABLE_COLUMNS, attrs)
    order = _group_order(table, stories, group)
    return table.iloc[np.argsort(order.to_numpy(), kind="stable")].reset_index(drop=True)


_ARC_COLUMNS = (
    "bin",
    "bin_start",
    "bin_end",
    "position",
    "n_stories",
    "n_truncated",
    "is_truncated",
    "n_words",
    "n_sentences",
    "mean_score",
    "share_positive",
    "share_negative",
)


def sentiment_arc(
    scored: pd.DataFrame,
    stories: pd.DataFrame,
    *,
    group: str = "story_id",
    bins: int = 10,
    score: ScoreName = "default",
    neutral_band: float = NEUTRAL_BAND,
) -> pd.DataFrame:
    """The sentiment arc: mean score by relative position in the story, so long and short stories
    share one 0-1 axis.

    A sentence's ``position`` is ``(sentence_index + 0.5) / n_sentences`` (the corpus loader's
    definition); it falls in bin ``floor(position * bins)``. Per-sentence points are the scored
    table itself (``position`` and the score columns).

    Args:
        scored: output of :func:`sentence_sentiment`.
        stories: the corpus' stories table.
        group: stories column whose values get one arc each (``story_id`` by default; with
            another column, the sentences of all its stories are pooled by position).
        bins: number of equal-width position bins covering [0, 1].
        score: the score averaged (``"default"`` is :data:`DEFAULT_SCORE`).
        neutral_band: band for the positive/negative shares (see :func:`classify`).

    Returns:
        One row per group value and non-empty bin: ``<group>``, ``bin`` (0-based),
        ``bin_start``, ``bin_end``, ``position`` (bin middle), ``n_stories``, ``n_truncated``,
        ``is_truncated``, ``n_words`` (of the stories with a sentence in the bin),
        ``n_sentences``, ``mean_score``, ``share_positive``, ``share_negative``. Sorted by group
        (as :func:`story_sentiment`) then ``bin``. A two-sentence lead fills only two bins.

    Raises:
        ParameterError: bad ``bins``, ``group``, ``score`` or ``neutral_band``; missing columns.

    >>> from analysis.corpus import stories_from_texts
    >>> corpus = stories_from_texts(["A wonderful day. It rained. A terrible loss."])
    >>> arc = sentiment_arc(sentence_sentiment(corpus.sentences), corpus.stories, bins=3)
    >>> arc["bin_end"].round(3).tolist(), arc["n_sentences"].tolist()
    ([0.333, 0.667, 1.0], [1, 1, 1])
    """
    name = resolve_score(score)
    band = _check_band(neutral_band)
    n_bins = _check_positive_int(bins, "bins")
    frame = _with_group(scored, stories, group)
    _check_table(frame, ("position",), "scored")
    attrs = {"group": group, "score": name, "neutral_band": band, "bins": n_bins}
    keys = [group, "bin"]
    if frame.empty:
        return _finish(
            pd.DataFrame({c: [] for c in [group, *_ARC_COLUMNS]}),
            [],
            [group, *_ARC_COLUMNS],
            attrs,
        )
    position = frame["position"].to_numpy(dtype="float64")
    if np.isnan(position).any() or (position < 0).any() or (position > 1).any():
        raise ParameterError("scored has a position outside [0, 1]; positions are relative (0-1)")
    frame["bin"] = np.minimum(np.floor(position * n_bins), n_bins - 1).astype("int64")
    table = _aggregate(frame, keys, name, band).join(_story_counts(frame, keys))
    table = table.reset_index()
    table["bin_start"] = table["bin"] / n_bins
    table["bin_end"] = (table["bin"] + 1) / n_bins
    table["position"] = (table["bin"] + 0.5) / n_bins
    table = _finish(table.set_index(keys), keys, _ARC_COLUMNS[1:], attrs)
    table["bin"] = table["bin"].astype("int64")
    order = _group_order(table, stories, group).to_numpy()
    index = np.lexsort((table["bin"].to_numpy(), order))
    return table.iloc[index].reset_index(drop=True)


# --------------------------------------------------------------------------- targets


def _alias_pattern(alias: str | re.Pattern[str], *, ignore_case: bool) -> str:
    if isinstance(alias, re.Pattern):
        return f"(?:{alias.pattern})"
    body = alias
    if body.endswith("."):
        # "U.S." also matches "U.S" where a lead is cut off or before "-made"; not "U.S.A".
        core = re.escape(body[:-1])
        pattern = rf"{core}(?:\.(?![^\W_])|(?![\w.]))"
    else:
        pattern = rf"{re.escape(body)}(?!\w)"
    # A hyphen is a boundary on purpose: "anti-U.S.", "pro-Kremlin", "Russia-aligned" mention the
    # target, and the sentence's tone is about it.
    pattern = rf"(?<!\w){pattern}"
    if ignore_case and any(c.islower() for c in alias):
        return f"(?i:{pattern})"
    return f"(?:{pattern})"


def _target_patterns(
    targets: Mapping[str, Sequence[str | re.Pattern[str]]], *, ignore_case: bool
) -> dict[str, tuple[re.Pattern[str], tuple[str, ...] | None]]:
    """label -> (compiled pattern, lower-cased substrings one of which any match contains, or
    ``None`` when a regex alias makes such a quick pre-check impossible)."""
    if not isinstance(targets, Mapping) or not targets:
        raise ParameterError(
            "targets must be a non-empty dict of label -> list of aliases, e.g. "
            f"{{'Russia': ['Russia', 'Moscow', 'Kremlin']}}; got {targets!r}"
        )
    patterns: dict[str, tuple[re.Pattern[str], tuple[str, ...] | None]] = {}
    for label, aliases in targets.items():
        if not isinstance(label, str) or not label.strip():
            raise ParameterError(f"target label {label!r} must be a non-empty string")
        if isinstance(aliases, str | re.Pattern):
            aliases = [aliases]
        if not isinstance(aliases, Sequence) or not aliases:
            raise ParameterError(
                f"target {label!r} needs a non-empty list of aliases, got {aliases!r}"
            )
        checked: list[str | re.Pattern[str]] = []
        for alias in aliases:
            if isinstance(alias, re.Pattern):
                if alias.pattern == "" or alias.search("") is not None:
                    raise ParameterError(
                        f"target {label!r}: the pattern {alias.pattern!r} matches empty text"
                    )
            elif not isinstance(alias, str) or not alias.strip():
                raise ParameterError(
                    f"target {label!r}: alias {alias!r} must be a non-empty string or re.Pattern"
                )
            checked.append(alias)
        # longest literal aliases first, so "United States" is matched whole, not as "United";
        # patterns after them, in the order given
        literals = sorted((a for a in checked if isinstance(a, str)), key=len, reverse=True)
        regexes = [a for a in checked if isinstance(a, re.Pattern)]
        parts = [_alias_pattern(a, ignore_case=ignore_case) for a in [*literals, *regexes]]
        needles = None if regexes else tuple(a.removesuffix(".").lower() for a in literals)
        patterns[label] = (re.compile("|".join(parts)), needles)
    return patterns


def target_mentions(
    sentences: pd.DataFrame,
    targets: Mapping[str, Sequence[str | re.Pattern[str]]],
    *,
    ignore_case: bool = False,
) -> pd.DataFrame:
    """The sentences that mention each named target.

    Matching rules (decided for news text):

    - A string alias is literal text matched on word boundaries: ``Russia`` matches
      ``Russia's`` but not ``Russian``; list ``Russian`` to count it. A hyphen counts as a
      boundary, so ``anti-U.S.``, ``pro-Kremlin`` and ``Russia-aligned`` mention their target
      (the tone of such a sentence is about it).
    - An alias ending in ``.`` (``U.S.``) also matches without its final period when no word
      character or period follows: ``U.S`` at the cut-off end of a truncated lead, ``U.S-made``.
      ``U.S.A.`` does not match ``U.S.``.
    - Case-sensitive by default (names are capitalised in news; ``Trump`` is not ``trump``).
      With ``ignore_case=True`` aliases that have a lower-case letter match any case, while
      acronyms (``U.S.``, ``US``, ``UN``) stay case-sensitive, so ``us`` never matches ``US``.
    - An ``re.Pattern`` alias is used as given (its own flags and boundaries).
    - Datelines (``WASHINGTON —``) are removed from the text by the loader, so a place alias does
      not match a dateline.

    Args:
        sentences: a table with ``story_id``, ``sentence_id`` and ``text`` (the sentences or the
            scored table).
        targets: label -> aliases, e.g. ``{"Russia": ["Russia", "Moscow", "Kremlin", "Putin"]}``.
        ignore_case: see above.

    Returns:
        One row per (sentence, target) with at least one match: ``story_id``, ``sentence_id``,
        ``target``, ``n_mentions``, ``matches`` (the matched strings, ``"; "``-joined in order).
        Sorted by input order, then the order of ``targets``.

    Raises:
        ParameterError: malformed ``targets`` (empty, a blank alias, a pattern matching empty
            text) or missing columns.

    >>> frame = pd.DataFrame({"story_id": ["s"], "sentence_id": ["s/0"],
    ...                       "text": ["Moscow rebuffed anti-U.S. calls; the U.S"]})
    >>> target_mentions(frame, {"United States": ["U.S."]})["matches"].tolist()
    ['U.S.; U.S']
    """
    patterns = _target_patterns(targets, ignore_case=ignore_case)
    _check_table(sentences, _REQUIRED, "sentences")
    rows = []
    for story_id, sentence_id, text in zip(
        sentences["story_id"], sentences["sentence_id"], sentences["text"], strict=True
    ):
        if not isinstance(text, str):
            continue
        lowered = text.lower()
        for label, (pattern, needles) in patterns.items():
            # a substring test is ~50x cheaper than the boundary regex: run it first
            if needles is not None and not any(n in lowered for n in needles):
                continue
            found = [m.group(0) for m in pattern.finditer(text)]
            if found:
                rows.append((story_id, sentence_id, label, len(found), "; ".join(found)))
    frame = pd.DataFrame(
        rows, columns=["story_id", "sentence_id", "target", "n_mentions", "matches"]
    )
    for col in ("story_id", "sentence_id", "target", "matches"):
        frame[col] = frame[col].astype("str")
    frame["n_mentions"] = frame["n_mentions"].astype("int64")
    return frame


_TARGET_COLUMNS = (
    "n_stories",
    "n_truncated",
    "is_truncated",
    "n_words",
    "n_sentences",
    "n_mentions",
    "mean_score",
    "std_score",
    "share_positive",
    "share_negative",
    "mean_vader_compound",
    "mean_textblob_polarity",
)
#: Column names a ``group`` cannot have: they are columns of the scored or result tables.
_RESERVED = frozenset(
    {*SCORED_COLUMNS, *_STORY_TABLE_COLUMNS, *_ARC_COLUMNS, *_TARGET_COLUMNS, "target"}
) - {"story_id"}


def target_sentiment(
    scored: pd.DataFrame,
    stories: pd.DataFrame,
    *,
    targets: Mapping[str, Sequence[str | re.Pattern[str]]],
    group: str = "story_id",
    score: ScoreName = "default",
    neutral_band: float = NEUTRAL_BAND,
    ignore_case: bool = False,
) -> pd.DataFrame:
    """How each named target is talked about: the sentiment of the sentences that mention it.

    A sentence that mentions two targets counts for both (lexicon scores cannot tell which one
    the words are about). Matching rules: :func:`target_mentions`.

    Args:
        scored: output of :func:`sentence_sentiment`.
        stories: the corpus' stories table.
        targets: label -> aliases (strings matched literally on word boundaries, or
            ``re.Pattern``), e.g. ``{"United States": ["United States", "U.S.", "Trump"]}``.
        group: stories column to compare by.
        score: the score averaged (``"default"`` is :data:`DEFAULT_SCORE`).
        neutral_band: band for the positive/negative shares (see :func:`classify`).
        ignore_case: see :func:`target_mentions`.

    Returns:
        One row per (group value, target) mentioned at least once: ``<group>``, ``target``,
        ``n_stories``, ``n_truncated``, ``is_truncated``, ``n_words`` (of the stories that
        mention it), ``n_sentences`` (sentences mentioning the target),
        ``n_mentions``, ``mean_score``, ``std_score``, ``share_positive``, ``share_negative``,
        ``mean_vader_compound``, ``mean_textblob_polarity``. Sorted by group (as
        :func:`story_sentiment`) then the order of ``targets``.

    Raises:
        ParameterError: malformed ``targets``; bad ``group``, ``score`` or ``neutral_band``.
    """
    name = resolve_score(score)
    band = _check_band(neutral_band)
    frame = _with_group(scored, stories, group)
    mentions = target_mentions(scored, targets, ignore_case=ignore_case)
    attrs = {"group": group, "score": name, "neutral_band": band}
    keys = [group, "target"]
    if mentions.empty:
        return _finish(
            pd.DataFrame({c: [] for c in [*keys, *_TARGET_COLUMNS]}),
            [],
            [*keys, *_TARGET_COLUMNS],
            attrs,
        )
    joined = mentions.drop(columns=["story_id"]).merge(
        frame, on="sentence_id", how="left", validate="m:1"
    )
    table = _aggregate(joined, keys, name, band).join(_story_counts(joined, keys))
    table = table.join(joined.groupby(keys, sort=False, dropna=False)["n_mentions"].sum())
    table = _finish(table, keys, _TARGET_COLUMNS, attrs)
    target_rank = {label: i for i, label in enumerate(targets)}
    group_rank = _group_order(table, stories, group).to_numpy()
    index = np.lexsort((table["target"].map(target_rank).to_numpy(), group_rank))
    return table.iloc[index].reset_index(drop=True)


# --------------------------------------------------------------------------- evidence


def sentiment_evidence(
    scored: pd.DataFrame, *, n: int = 2, score: ScoreName = "default"
) -> pd.DataFrame:
    """The most negative and most positive sentences of each story, with the words behind them.

    "Most positive" lists up to ``n`` sentences with a score above 0, "most negative" up to
    ``n`` below 0: a story with no positive sentence has no "most positive" row, and no sentence
    is listed twice. Ties are broken by sentence order.

    Args:
        scored: output of :func:`sentence_sentiment`.
        n: sentences per story and direction.
        score: the score ranked by (``"default"`` is :data:`DEFAULT_SCORE`).

    Returns:
        ``story_id``, ``direction`` (``"most negative"`` / ``"most positive"``), ``rank`` (1 =
        most extreme), ``sentence_id``, ``position``, ``score`` (the ranked score),
        ``vader_compound``, ``textblob_polarity``, ``vader_words`` and ``textblob_words`` (the
        strongest drivers, ``"word +valence"``; see :func:`sentiment_drivers`), ``text``. Sorted by
        story order in ``scored``, direction (negative first), rank.

    Raises:
        ParameterError: bad ``n`` or ``score``; missing columns.
    """
    name = resolve_score(score)
    count = _check_positive_int(n, "n")
    _check_table(
        scored, ("story_id", "sentence_id", "position", "text", *POLARITY_SCORES), "scored"
    )
    columns = [
        "story_id",
        "direction",
        "rank",
        "sentence_id",
        "position",
        "score",
        "vader_compound",
        "textblob_polarity",
        "vader_words",
        "textblob_words",
        "text",
    ]
    frame = scored.assign(_order=np.arange(len(scored)), score=scored[name])
    picks = []
    for direction, sign in (("most negative", -1), ("most positive", 1)):
        side = frame[np.sign(frame["score"]) == sign]
        # most extreme first: ascending score for negative, descending for positive
        side = side.assign(_key=-sign * side["score"])
        side = side.sort_values(["story_id", "_key", "_order"], kind="stable")
        top = side.groupby("story_id", sort=False).head(count)
        top = top.assign(
            direction=direction, rank=top.groupby("story_id", sort=False).cumcount() + 1
        )
        picks.append(top)
    out = pd.concat(picks, ignore_index=True) if picks else frame.iloc[:0]
    story_rank = _story_order(scored)
    drivers = [_driver_rows(t) for t in out["text"]]
    out["vader_words"] = [_drivers_text(d, "vader") for d in drivers]
    out["textblob_words"] = [_drivers_text(d, "textblob") for d in drivers]
    out["_story"] = out["story_id"].map(story_rank)
    out["_dir"] = (out["direction"] == "most positive").astype("int64")
    out = out.sort_values(["_story", "_dir", "rank"], kind="stable").reset_index(drop=True)
    out = out.loc[:, columns]
    out["rank"] = out["rank"].astype("int64")
    for col in ("position", "score", "vader_compound", "textblob_polarity"):
        out[col] = out[col].astype("float64")
    for col in ("story_id", "direction", "sentence_id", "vader_words", "textblob_words", "text"):
        out[col] = out[col].astype("str")
    out.attrs.update({"score": name, "n": count})
    return out


# --------------------------------------------------------------------------- reading

_SCORE_LABELS = {
    "vader_compound": "VADER compound",
    "textblob_polarity": "TextBlob polarity",
    "vader_textblob_mean": "the mean of VADER compound and TextBlob polarity",
}
#: An arc is described only for groups with at least this many sentences.
_ARC_MIN_SENTENCES = 10


def _pct(x: float) -> str:
    return f"{round(100 * x):d} %"


def _num(x: float) -> str:
    return f"{x:+.3f}"


def _n(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else (plural or noun + 's')}"


def _listed(values: Sequence[object], limit: int) -> str:
    shown = ", ".join(escape_markdown(v) for v in list(values)[:limit])
    return shown + ("" if len(values) <= limit else f" and {len(values) - limit} more")


def describe(
    table: pd.DataFrame,
    *,
    arc: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    max_groups: int = 5,
) -> str:
    """A plain-language reading of :func:`story_sentiment` (and optionally of the arc and target
    tables) as Markdown bullet points; every figure in it is taken from the tables passed.

    Args:
        table: output of :func:`story_sentiment` (its ``attrs`` name the group, score and band).
        arc: output of :func:`sentiment_arc` with the same ``group``; the arc is described for
            the ``max_groups`` groups with most sentences that have at least 10.
        targets: output of :func:`target_sentiment` with the same ``group``.
        max_groups: at most this many groups are named in a list.

    Returns:
        Markdown (one line saying so when the table is empty).

    Raises:
        ParameterError: ``table``, ``arc`` or ``targets`` lacks its columns, or a bad
            ``max_groups``.

    >>> from analysis.corpus import stories_from_texts
    >>> corpus = stories_from_texts(["A wonderful day. A great win.", "A terrible loss."])
    >>> scored = sentence_sentiment(corpus.sentences)
    >>> print(describe(story_sentiment(scored, corpus.stories)).splitlines()[1][:68])
    - Most negative story: **a\\-terrible\\-loss** (-0.830 over 1 sentence
    """
    _check_table(table, _STORY_TABLE_COLUMNS, "table")
    limit = _check_positive_int(max_groups, "max_groups")
    group = table.attrs.get("group", table.columns[0])
    score = table.attrs.get("score", DEFAULT_SCORE)
    band = table.attrs.get("neutral_band", NEUTRAL_BAND)
    noun, nouns = ("story", "stories") if group == "story_id" else (markdown_code(group), "groups")
    if table.empty:
        return f"- No sentences to describe (grouped by {markdown_code(group)})."
    lines = [
        f"- Score: {escape_markdown(_SCORE_LABELS.get(score, score))} ({markdown_code(score)}), "
        "averaged over sentences; a "
        f"sentence is clearly positive at >= {band:g} and clearly negative at <= {-band:g}.",
    ]
    ordered = table.sort_values(
        ["mean_score", "n_sentences"], ascending=[True, False], kind="stable"
    )
    low, high = ordered.iloc[0], ordered.iloc[-1]

    def summary(row: pd.Series, first: str, second: str) -> str:
        return (
            f"**{escape_markdown(row[group])}** ({_num(row['mean_score'])} over "
            f"{_n(int(row['n_sentences']), 'sentence')}; {_pct(row['share_' + first])} clearly "
            f"{first}, {_pct(row['share_' + second])} clearly {second})"
        )

    if len(table) == 1:
        lines.append(f"- One {noun}: {summary(low, 'negative', 'positive')}.")
    else:
        lowest = "Most negative" if low["mean_score"] < 0 else "Least positive"
        highest = "Most positive" if high["mean_score"] > 0 else "Least negative"
        lines.append(f"- {lowest} {noun}: {summary(low, 'negative', 'positive')}.")
        lines.append(f"- {highest} {noun}: {summary(high, 'positive', 'negative')}.")
        gap = high["mean_score"] - low["mean_score"]
        spread = float(table["std_score"].mean())
        if math.isfinite(spread) and spread > 0:
            lines.append(
                f"- The gap between them is {gap:.3f}, {gap / spread:.2f} times the typical "
                f"spread of sentence scores within a {noun} (std {spread:.3f})."
            )
        v_low = table.loc[table["mean_vader_compound"].idxmin(), group]
        t_low = table.loc[table["mean_textblob_polarity"].idxmin(), group]
        verdict = "agree" if v_low == t_low else "disagree"
        lines.append(
            f"- The two models {verdict} on the lowest {noun}: VADER alone says "
            f"{escape_markdown(v_low)}, TextBlob alone says {escape_markdown(t_low)}."
        )
        few = table[table["n_sentences"] < 5]
        if not few.empty:
            lines.append(
                f"- {len(few)} of {_n(len(table), noun, nouns)} rest on fewer than 5 sentences "
                f"({_listed(few[group].tolist(), limit)}): one sentence can move their mean."
            )
    truncated = table[table["n_truncated"] > 0]
    if not truncated.empty and group == "story_id":
        lines.append(
            f"- {len(truncated)} of {_n(len(table), 'story', 'stories')} are truncated leads (cut "
            f"off mid-sentence): {_listed(truncated[group].tolist(), limit)}. Their tone is the "
            "tone of an opening, not of a whole story."
        )
    elif not truncated.empty:
        mixed = truncated[truncated["n_truncated"] < truncated["n_stories"]]
        lines.append(
            f"- {len(truncated)} of {_n(len(table), noun, nouns)} include truncated stories "
            f"({int(truncated['n_truncated'].sum()):,} of {int(table['n_stories'].sum()):,} "
            f"stories in all); {len(mixed)} of them mix truncated and full stories."
        )
    if arc is not None and not arc.empty:
        _check_table(arc, (group, "bin_start", "bin_end", "mean_score", "n_sentences"), "arc")
        busiest = table[table["n_sentences"] >= _ARC_MIN_SENTENCES].sort_values(
            "n_sentences", ascending=False, kind="stable"
        )
        for value in busiest[group].head(limit):
            rows = arc[arc[group] == value]
            lo = rows.loc[rows["mean_score"].idxmin()]
            hi = rows.loc[rows["mean_score"].idxmax()]
            lines.append(
                f"- Arc of {escape_markdown(value)}: lowest at {round(100 * lo['bin_start'])}-"
                f"{_pct(lo['bin_end'])} of the way through ({_num(lo['mean_score'])}, "
                f"{_n(int(lo['n_sentences']), 'sentence')}), highest at "
                f"{round(100 * hi['bin_start'])}-{_pct(hi['bin_end'])} "
                f"({_num(hi['mean_score'])}, {_n(int(hi['n_sentences']), 'sentence')})."
            )
    if targets is not None and not targets.empty:
        _check_table(
            targets, (group, "target", "mean_score", "n_sentences", "n_mentions"), "targets"
        )
        for target in pd.unique(targets["target"]):
            rows = targets[targets["target"] == target]
            lo = rows.loc[rows["mean_score"].idxmin()]
            text = (
                f"- {escape_markdown(target)}: {_n(int(rows['n_mentions'].sum()), 'mention')} in "
                f"{_n(int(rows['n_sentences'].sum()), 'sentence')} of "
                f"{_n(len(rows), noun, nouns)}"
            )
            if len(rows) == 1:
                text += f" ({escape_markdown(lo[group])}: {_num(lo['mean_score'])})."
            else:
                hi = rows.loc[rows["mean_score"].idxmax()]
                text += (
                    f"; lowest mean in {escape_markdown(lo[group])} ({_num(lo['mean_score'])}, "
                    f"{_n(int(lo['n_sentences']), 'sentence')}), highest in "
                    f"{escape_markdown(hi[group])} "
                    f"({_num(hi['mean_score'])}, {_n(int(hi['n_sentences']), 'sentence')})."
                )
            lines.append(text)
    return "\n".join(lines)
