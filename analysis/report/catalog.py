"""The report set: which notebooks are run, in which order, and which are kept with outputs.

Code that reads the report set looks it up here at call time (``catalog.NOTEBOOKS``), so a
caller may replace :data:`NOTEBOOKS` (tests run a smaller set) and every step sees the change.
"""

from __future__ import annotations

__all__ = ["EXTRA_STORED", "MAX_STORY_REPORTS", "NOTEBOOKS", "STORY_NOTEBOOK"]

#: The report set, in the order the index lists it: (notebook stem, one-line description).
NOTEBOOKS: list[tuple[str, str]] = [
    ("overview", "The corpus: stories, datelines, lengths, truncated leads, sentence lengths."),
    ("sentiment", "Tone per story with two models, the arc of each story, tone toward targets."),
    ("framing", "Generic news frames per story: intensity heatmap, profiles, marked evidence."),
    ("topics_language", "Distinctive words, topics, similarity, actors and quotes per story."),
    ("comparison", "The stories side by side, with their differences stated in words."),
    ("trends", "Tone and frames month by month, per outlet group, for dated corpora."),
    ("sentiment_validation", "How well each sentiment model agrees with human ratings."),
]
#: The per-story deep dive, run once per story with ``story_id`` as its parameter.
STORY_NOTEBOOK = "story"
#: Per-story reports built by default (the first stories of the corpus); ``--stories all`` for all.
MAX_STORY_REPORTS = 12
#: Notebooks kept with stored outputs besides the report set (the deep dive, first story).
EXTRA_STORED: tuple[str, ...] = (STORY_NOTEBOOK,)
