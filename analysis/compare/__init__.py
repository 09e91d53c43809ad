"""Cross-story comparison: one card per story (or group of stories), and the per-story deep dive.

Everything here reads the shared analysis pass (:func:`analysis.pipeline.analyze`); nothing of
the sentiment, framing or term counting is recomputed.

- :mod:`analysis.compare.cards`: :func:`compare` puts groups side by side (tone with a
  cluster-robust standard error, CR1 of Cameron & Miller 2015; frame intensity and presence by
  :func:`analysis.framing.frame_summary`; distinctive terms by Monroe et al. 2008 weighted
  log-odds; actors, quotations and NMF topic shares by :mod:`analysis.language`).
- :mod:`analysis.compare.story`: :func:`story_differences` ranks one story among all stories of
  the selection; :func:`story_distinctive_terms` sets it against the rest.

The statements generated from these tables are in :mod:`analysis.narrate.compare`, the story's
marked-up text in :mod:`analysis.narrate.story_html`, the charts in
:mod:`analysis.figures.compare`.
"""

from analysis.compare.cards import (
    CARD_COLUMNS,
    FRAME_COLUMNS,
    MAX_GROUPS,
    MIN_TERM_STORIES,
    Comparison,
    compare,
    story_cards,
    story_labels,
)
from analysis.compare.story import (
    DIFFERENCE_COLUMNS,
    check_story_id,
    story_differences,
    story_distinctive_terms,
)

__all__ = [
    "CARD_COLUMNS",
    "DIFFERENCE_COLUMNS",
    "FRAME_COLUMNS",
    "MAX_GROUPS",
    "MIN_TERM_STORIES",
    "Comparison",
    "check_story_id",
    "compare",
    "story_cards",
    "story_differences",
    "story_distinctive_terms",
    "story_labels",
]
