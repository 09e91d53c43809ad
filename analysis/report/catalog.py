"""The report set: which notebooks are run, in which order, and which are kept with outputs.

Code that reads the report set looks it up here at call time (``catalog.NOTEBOOKS``), so a
caller may replace :data:`NOTEBOOKS` (tests run a smaller set) and every step sees the change.
"""

from __future__ import annotations

__all__ = [
    "CORPUS_FREE",
    "EXTRA_STORED",
    "MAX_STORY_GROUPS",
    "MAX_STORY_REPORTS",
    "NOTEBOOKS",
    "START_ORDER",
    "STORY_NOTEBOOK",
    "EXPLORE_NOTEBOOK",
]

#: The report set, in the order the index lists it: (notebook stem, one-line description).
NOTEBOOKS: list[tuple[str, str]] = [
    ("overview", "The corpus: stories, datelines, lengths, truncated leads, sentence lengths."),
    ("sentiment", "Tone per story with two models, the arc of each story, tone toward targets."),
    ("framing", "Generic news frames per story: intensity heatmap, profiles, marked evidence."),
    ("topics_language", "Distinctive words, topics, similarity, actors and quotes per story."),
    ("comparison", "The stories side by side, with their differences stated in words."),
    ("trends", "Tone and frames month by month, per outlet group, for dated corpora."),
    ("sentiment_validation", "How well each sentiment model agrees with human ratings."),
    (
        "frame_validation",
        "Frame rules calibrated on hand-coded stories, and their agreement with the coders.",
    ),
]
#: The order in which a run starts its notebooks (the index keeps the order of
#: :data:`NOTEBOOKS`), longest first so no core is left idle at the end: the sentiment
#: validation (embedding the rated texts takes minutes whatever the corpus; on a large corpus
#: run with more than one job it runs beside the analysis pass instead), then the language
#: report, the longest on a large corpus, which fits the topic model the comparison reads;
#: the comparison after the reports that read nothing of it, so its kernel does not wait for
#: that model while a core stands idle. Notebooks not listed (the deep dives) start after
#: these, in task order.
START_ORDER: tuple[str, ...] = (
    "sentiment_validation",
    "topics_language",
    "sentiment",
    "framing",
    "overview",
    "trends",
    "frame_validation",
    "comparison",
)
#: The per-story deep dive, run once per story with ``story_id`` as its parameter.
STORY_NOTEBOOK = "story"
#: The JupyterLab explorer: not a report; stored without its widget view (nbval compares the rest).
EXPLORE_NOTEBOOK = "explore"
#: Per-story reports built by default when each story is its own group (``group=story_id``):
#: the first stories of the corpus; ``--stories all`` for all.
MAX_STORY_REPORTS = 12
#: Groups that get deep dives by default (a typical and an extreme story each), the largest first.
MAX_STORY_GROUPS = 12
#: Reports that do not read the corpus: built once and reused while their inputs and the code
#: are unchanged (see :mod:`analysis.report.reuse`).
CORPUS_FREE: tuple[str, ...] = ("sentiment_validation",)
#: Notebooks kept with stored outputs besides the report set (the deep dive, first story; the
#: explorer).
EXTRA_STORED: tuple[str, ...] = (STORY_NOTEBOOK, EXPLORE_NOTEBOOK)
