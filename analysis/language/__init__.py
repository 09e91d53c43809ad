"""Topics and language: distinctive terms, topics, similarity, actors and quotations.

Every function takes the corpus' tidy tables (``stories``, ``sentences`` or the whole
:class:`~analysis.corpus.Corpus`) first, keyword-only options after, and returns new tables sorted
on explicit keys; inputs are never mutated and the same input gives identical output.

One module per method; each module's docstring states the rule or formula and its source:

- :mod:`~analysis.language.data` - the method data files of ``analysis/data/language`` (stop
  words, not-names, place and organisation gazetteers, designators, speech verbs), loaded and
  validated by :func:`language_data`.
- :mod:`~analysis.language.tables` - checks of the input tables; stories grouped by a column.
- :mod:`~analysis.language.terms` - the vocabulary rule (:func:`text_terms`: any text to
  unigrams and bigrams), :class:`TermCounts` and :func:`term_counts`, TF-IDF weights.
- :mod:`~analysis.language.distinctive` - :func:`distinctive_terms`, the weighted log-odds ratio
  with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008), and :func:`tfidf_terms`.
- :mod:`~analysis.language.topics` - :func:`topic_model`, NMF of TF-IDF over stories, paragraphs
  or sentences (:func:`choose_unit`), :func:`auto_n_topics` (Mardia, Kent & Bibby 1979), labels,
  shares and typical sentences (:class:`TopicModel`).
- :mod:`~analysis.language.similarity` - cosine similarity of TF-IDF vectors
  (:func:`similarity_matrix`, :func:`nearest_neighbours`, :func:`near_duplicates`).
- :mod:`~analysis.language.actor_extraction` - rule-based actor mentions
  (:func:`actor_mentions`), with the precision measured on the seeds;
  :mod:`~analysis.language.actor_table` - the actors of each story or group (:func:`actors`).
- :mod:`~analysis.language.actor_merging` - surnames merged into full names within a story and
  across the corpus (:func:`surname_owner`, :func:`ambiguous_surnames`).
- :mod:`~analysis.language.quotations` - direct quotations, their kind, speaker and verb
  (:func:`quotes`, :func:`quote_summary`).

The plain-language reading of these tables is :func:`analysis.narrate.language.describe`.
"""

from analysis.language.actor_extraction import ACTOR_COLUMNS, MENTION_COLUMNS, actor_mentions
from analysis.language.actor_merging import (
    AMBIGUOUS_COLUMNS,
    DOMINANT_SHARE,
    OWNER_SUPPORT,
    ambiguous_surnames,
    surname_owner,
)
from analysis.language.actor_table import actors
from analysis.language.clusters import (
    CLUSTER_COLUMNS,
    CLUSTER_STORY_COLUMNS,
    MIN_CLUSTER_STORIES,
    N_COMPONENTS,
    N_INIT,
    STORIES_PER_COMPONENT,
    STORY_TOPIC_COLUMNS,
    StoryClusters,
    cluster_stability,
    latent_dimensions,
    story_clusters,
    story_topic_shares,
    story_topics,
)
from analysis.language.data import LANGUAGE_DATA_DIR, language_data, stop_words
from analysis.language.distinctive import (
    DISTINCTIVE_COLUMNS,
    Z_SIGNIFICANT,
    distinctive_terms,
    tfidf_terms,
)
from analysis.language.quotations import (
    MAX_SCARE_WORDS,
    MAX_VERB_DISTANCE,
    QUOTE_COLUMNS,
    quote_summary,
    quotes,
    top_speakers,
)
from analysis.language.similarity import (
    MAX_DENSE_SIMILARITY,
    NEAR_DUPLICATE_THRESHOLD,
    NEIGHBOUR_COLUMNS,
    RELATED_THRESHOLD,
    SIMILARITY_BLOCK_CELLS,
    near_duplicates,
    nearest_neighbours,
    ranked_pairs,
    similarity_matrix,
)
from analysis.language.tables import group_values
from analysis.language.terms import TermCounts, check_ngram_range, term_counts, text_terms
from analysis.language.topics import (
    MAX_AUTO_TOPICS,
    MIN_PARAGRAPH_UNITS,
    MIN_TOPIC_UNITS,
    MIN_TYPICAL_WORDS,
    TYPICAL_UNITS,
    TopicModel,
    Unit,
    auto_n_topics,
    choose_unit,
    topic_model,
)

__all__ = [
    "ACTOR_COLUMNS",
    "AMBIGUOUS_COLUMNS",
    "CLUSTER_COLUMNS",
    "CLUSTER_STORY_COLUMNS",
    "DISTINCTIVE_COLUMNS",
    "DOMINANT_SHARE",
    "LANGUAGE_DATA_DIR",
    "MAX_AUTO_TOPICS",
    "MAX_DENSE_SIMILARITY",
    "MAX_SCARE_WORDS",
    "MAX_VERB_DISTANCE",
    "MENTION_COLUMNS",
    "MIN_CLUSTER_STORIES",
    "MIN_PARAGRAPH_UNITS",
    "MIN_TOPIC_UNITS",
    "MIN_TYPICAL_WORDS",
    "NEAR_DUPLICATE_THRESHOLD",
    "NEIGHBOUR_COLUMNS",
    "N_COMPONENTS",
    "N_INIT",
    "OWNER_SUPPORT",
    "QUOTE_COLUMNS",
    "RELATED_THRESHOLD",
    "SIMILARITY_BLOCK_CELLS",
    "STORIES_PER_COMPONENT",
    "STORY_TOPIC_COLUMNS",
    "TYPICAL_UNITS",
    "Z_SIGNIFICANT",
    "StoryClusters",
    "TermCounts",
    "TopicModel",
    "Unit",
    "actor_mentions",
    "actors",
    "ambiguous_surnames",
    "auto_n_topics",
    "check_ngram_range",
    "cluster_stability",
    "choose_unit",
    "distinctive_terms",
    "group_values",
    "language_data",
    "latent_dimensions",
    "near_duplicates",
    "nearest_neighbours",
    "quote_summary",
    "quotes",
    "ranked_pairs",
    "similarity_matrix",
    "stop_words",
    "story_clusters",
    "story_topic_shares",
    "story_topics",
    "surname_owner",
    "term_counts",
    "text_terms",
    "tfidf_terms",
    "top_speakers",
    "topic_model",
]
