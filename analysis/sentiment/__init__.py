"""Sentence sentiment with TextBlob and VADER, side by side, and what to compare it by.

Every sentence is scored by **both** lexicon models: TextBlob's ``PatternAnalyzer``, the
sentiment of the Pattern library (De Smedt & Daelemans 2012, *Pattern for Python*, JMLR 13:
2063-2067), which averages the polarity of the lexicon adjectives of a sentence, and VADER
(Hutto & Gilbert 2014, *VADER: A Parsimonious Rule-based Model for Sentiment Analysis of Social
Media Text*, ICWSM), which sums the rule-adjusted valences of its lexicon words and normalises
the sum ``x`` as ``x / sqrt(x**2 + 15)``. The headline score :data:`DEFAULT_SCORE` is their
unweighted mean, chosen by agreement with human ratings
(:mod:`analysis.sentiment_validation`).

One module per step, each re-exported here:

- :mod:`~analysis.sentiment.lexicons`: the libraries' own analysers, loaded once per process;
- :mod:`~analysis.sentiment.fast`: the same scores at a lower cost per sentence;
- :mod:`~analysis.sentiment.scoring`: one row of scores per sentence (:func:`sentence_sentiment`,
  :func:`score_texts`, the in-process cache);
- :mod:`~analysis.sentiment.drivers`: the words behind a sentence's score;
- :mod:`~analysis.sentiment.aggregate`: length-aware means and shares per story or group
  (:func:`story_sentiment`), the arc over relative position (:func:`sentiment_arc`), and the
  neutral band rule (:func:`classify`: clearly positive at ``score >= band``, clearly negative
  at ``score <= -band``; VADER's convention, band 0.05);
- :mod:`~analysis.sentiment.targets`: the tone of the sentences that mention named targets;
- :mod:`~analysis.sentiment.evidence`: the most negative and positive sentences of each story;
- optional, with the ``embeddings`` extra (``pip install -e ".[embeddings]"``):
  :mod:`~analysis.sentiment.embedding` adds ``embedding_polarity`` (a ridge head on
  all-MiniLM-L6-v2 sentence embeddings, Reimers & Gurevych 2019, trained on the human ratings
  published with VADER) and ``embedding_vader`` (its equal-weight ensemble with VADER) to a
  scored table (:func:`with_embedding_scores`); :mod:`~analysis.sentiment.encoder` runs the
  model offline, :mod:`~analysis.sentiment.head` fits and loads the head
  (``python -m analysis.sentiment.train_head`` retrains it).

The plain-language reading of these tables for reports is :mod:`analysis.narrate.sentiment`.
"""

from analysis.sentiment.aggregate import (
    NEUTRAL_BAND,
    classify,
    resolve_score,
    sentiment_arc,
    story_sentiment,
)
from analysis.sentiment.drivers import sentiment_drivers
from analysis.sentiment.embedding import (
    EmbeddingUnavailableError,
    embedding_unavailable,
    score_embedding,
    sentence_embeddings,
    with_embedding_scores,
)
from analysis.sentiment.evidence import sentiment_evidence
from analysis.sentiment.scoring import (
    CACHE_SIZE,
    DEFAULT_SCORE,
    EMBEDDING_SCORES,
    METHOD_VERSION,
    POLARITY_SCORES,
    SCORE_COLUMNS,
    SCORED_COLUMNS,
    ScoreName,
    cache_info,
    clear_cache,
    score_texts,
    sentence_sentiment,
)
from analysis.sentiment.targets import (
    MIN_TARGET_MENTIONS,
    TARGET_TOP,
    TARGET_TYPES,
    corpus_targets,
    default_targets,
    target_mentions,
    target_sentiment,
)

__all__ = [
    "CACHE_SIZE",
    "DEFAULT_SCORE",
    "EMBEDDING_SCORES",
    "METHOD_VERSION",
    "MIN_TARGET_MENTIONS",
    "NEUTRAL_BAND",
    "POLARITY_SCORES",
    "SCORED_COLUMNS",
    "SCORE_COLUMNS",
    "TARGET_TOP",
    "TARGET_TYPES",
    "EmbeddingUnavailableError",
    "ScoreName",
    "cache_info",
    "classify",
    "clear_cache",
    "corpus_targets",
    "default_targets",
    "embedding_unavailable",
    "resolve_score",
    "score_embedding",
    "score_texts",
    "sentence_embeddings",
    "sentence_sentiment",
    "sentiment_arc",
    "sentiment_drivers",
    "sentiment_evidence",
    "story_sentiment",
    "target_mentions",
    "target_sentiment",
    "with_embedding_scores",
]
