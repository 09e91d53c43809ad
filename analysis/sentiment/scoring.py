"""Sentence sentiment with TextBlob and VADER, side by side: one row of scores per sentence.

Every sentence is scored by **both** lexicon models from its own text only; neither needs NLTK
data or a download.

TextBlob (Loria, ``textblob`` 0.20) ``PatternAnalyzer``, the sentiment of the Pattern library
(De Smedt & Daelemans 2012, *Pattern for Python*, JMLR 13: 2063-2067):

- ``textblob_polarity`` in [-1, 1]: the average polarity of the adjectives (and a few adverbs
  and emoticons) of the sentence that are in Pattern's lexicon; ``not`` multiplies the next
  word's polarity by -0.5 ("not good" = 0.7 x -0.5 = -0.35) and intensifiers (``very``) boost
  it. Words outside the lexicon count for nothing, so a sentence without a lexicon adjective
  scores 0.
- ``textblob_subjectivity`` in [0, 1]: the same average over the words' subjectivity (0 factual,
  1 opinion).

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

A combined score, ``vader_textblob_mean`` in [-1, 1], is the unweighted mean of ``vader_compound``
and ``textblob_polarity`` (no fitted weight). :data:`DEFAULT_SCORE` is the score report headlines
use; it was chosen from the agreement with human ratings measured by
:func:`analysis.sentiment_validation.validate_sentiment`, by the rule of
:func:`analysis.sentiment_validation.choose_default_score` (figures in the comment at the
constant).

Two more polarities, :data:`EMBEDDING_SCORES` (``embedding_polarity`` from a sentence-embedding
model and ``embedding_vader``, its ensemble with VADER), come from the optional extra
``embeddings`` and are added to this module's table by
:func:`analysis.sentiment.embedding.with_embedding_scores`; nothing here needs them.

Both libraries are called through :mod:`analysis.sentiment.fast`, which gives their exact scores
at a lower cost per sentence. Scoring is cached in-process by sentence text (an LRU cache of
:data:`CACHE_SIZE` sentences, see :func:`cache_info`): scoring the same sentences again in one
process costs a dictionary look-up per sentence.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Final, Literal

import pandas as pd

from analysis._checks import require_columns
from analysis.errors import ParameterError
from analysis.normalize import tokenize
from analysis.sentiment.fast import pattern_sentiment, vader

__all__ = [
    "CACHE_SIZE",
    "DEFAULT_SCORE",
    "EMBEDDING_HINT",
    "EMBEDDING_SCORES",
    "INPUT_COLUMNS",
    "METHOD_VERSION",
    "POLARITY_SCORES",
    "SCORED_COLUMNS",
    "SCORED_HINT",
    "SCORE_COLUMNS",
    "SENTENCES_HINT",
    "ScoreName",
    "cache_info",
    "clear_cache",
    "score_texts",
    "sentence_sentiment",
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
#: Optional polarities in [-1, 1] from a sentence-embedding model, alone and ensembled with
#: VADER: computed only with the ``embeddings`` extra, by
#: :func:`analysis.sentiment.embedding.with_embedding_scores` (not part of
#: :func:`sentence_sentiment`'s table, which needs no model).
EMBEDDING_SCORES: Final[tuple[str, ...]] = ("embedding_polarity", "embedding_vader")
#: What to do, appended to the error about a scored table that lacks an embedding score.
EMBEDDING_HINT: Final = (
    "Add the embedding scores with analysis.sentiment.with_embedding_scores(scored) or "
    "analyze(corpus, embedding=True); they need the optional extra: "
    'pip install -e ".[embeddings]".'
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
#: Columns a sentences table needs (:func:`sentence_sentiment`, ``target_mentions``).
INPUT_COLUMNS: Final[tuple[str, ...]] = ("story_id", "sentence_id", "text")
#: What to pass instead, appended to the error about a sentences table that lacks a column.
SENTENCES_HINT: Final = "Pass the corpus' sentences table (load_corpus().sentences)."
#: What to pass instead, appended to the error about a scored table that lacks a column.
SCORED_HINT: Final = (
    "Pass the corpus' sentences table (load_corpus().sentences) or the output of "
    "sentence_sentiment()."
)

# Chosen by analysis.sentiment_validation.validate_sentiment() on the human ratings published
# with VADER (../shared/validation/sentiment; human neutral band |rating| < 0.5, model band
# |score| < 0.05). Measured with textblob 0.20 and vaderSentiment 3.3.2:
#                        Pearson r (tweets / movies / amazon; mean)   macro-F1 (same; mean)
#   vader_compound       0.872 / 0.427 / 0.590; 0.630                 0.702 / 0.422 / 0.560; 0.561
#   textblob_polarity    0.697 / 0.409 / 0.512; 0.540                 0.621 / 0.408 / 0.484; 0.504
#   vader_textblob_mean  0.865 / 0.485 / 0.625; 0.658                 0.695 / 0.432 / 0.546; 0.558
# Rule (analysis.sentiment_validation.choose_default_score): the highest mean r among the scores
# whose mean macro-F1 is within 0.01 of the best. The mean of both models has the highest r on
# movie and product snippets and on average; its F1 is 0.003 below VADER's. None of the sets is
# news prose.
DEFAULT_SCORE: Final = "vader_textblob_mean"
#: Version of the per-sentence scoring (part of the analysis cache key; bump when it changes).
METHOD_VERSION: Final = "sentiment-1"
#: Sentences kept in the in-process score cache (the 2,505-article AllSides sample has ~108,000
#: distinct sentences); beyond that the least recently used are scored again.
CACHE_SIZE: Final = 2**17

_INT_COLUMNS = ("sentence_index", "n_words")

ScoreName = Literal[
    "default",
    "vader_compound",
    "textblob_polarity",
    "vader_textblob_mean",
    "embedding_polarity",
    "embedding_vader",
]


@functools.lru_cache(maxsize=CACHE_SIZE)
def _scores(text: str) -> tuple[float, float, float, float, float, float, float]:
    """Both models' scores of one sentence, cached by its text (see :func:`cache_info`)."""
    # textblob.en.sentiment is what TextBlob(text).sentiment calls (PatternAnalyzer), without
    # building a TextBlob and a namedtuple class per call (half the cost).
    polarity, subjectivity = pattern_sentiment(text)
    scores = vader().polarity_scores(text)
    compound = float(scores["compound"])
    return (
        float(polarity),
        float(subjectivity),
        compound,
        float(scores["pos"]),
        float(scores["neu"]),
        float(scores["neg"]),
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
    require_columns(sentences, INPUT_COLUMNS, "sentences", hint=SENTENCES_HINT)
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
    out = _sentence_places(sentences, texts)
    out["text"] = pd.Series(texts, dtype="str")
    scores = score_texts(texts)
    out = pd.concat([out, scores], axis=1)
    return _typed_scored(out)


def _sentence_places(sentences: pd.DataFrame, texts: list[str]) -> pd.DataFrame:
    """``story_id``, ``sentence_id``, ``sentence_index``, ``position`` and ``n_words``: taken
    from ``sentences`` when present, else derived from the row order within each story."""
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
    return out


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
