"""Explore a corpus sentence by sentence in JupyterLab: read, filter, click, compare.

An interactive view over the shared analysis pass (:func:`analysis.pipeline.analyze`): choose a
story or a group of stories; read its sentences coloured by tone (TextBlob/Pattern and VADER,
De Smedt & Daelemans 2012; Hutto & Gilbert 2014) with the frame triggers of a codebook marked
(dictionary content analysis, :mod:`analysis.framing`); filter the sentences by frame, tone or
target (:mod:`analysis.sentiment.targets`); click a sentence to see its scores, its triggers and
the words behind its scores (:func:`analysis.sentiment.sentiment_drivers`); put two stories or
groups side by side.

Everything a click needs is computed once, when the explorer is built, so it stays fast on
thousands of stories:

- :mod:`~analysis.explore.targets`: the targets and their mentions, cached on disk;
- :mod:`~analysis.explore.tables`: the per-sentence table, its indexes and the per-group
  summary (:func:`explore_tables`, :func:`filter_rows`, :func:`group_summary`);
- :mod:`~analysis.explore.render`: the HTML of sentences, details, summaries and the legend,
  every untrusted string escaped;
- :mod:`~analysis.explore.widget`: the ipywidgets UI (:class:`Explorer`,
  :func:`open_explorer`).

In a notebook (``notebooks/explore.ipynb``)::

    from analysis.explore import open_explorer
    explorer = open_explorer(None, group="story_id", codebook="generic")
    explorer
"""

from analysis.explore.tables import (
    TONES,
    ExploreTables,
    explore_tables,
    filter_rows,
    group_summary,
    selection_rows,
    selection_summary,
    sentence_mentions,
    sentence_triggers,
)
from analysis.explore.targets import explorer_targets
from analysis.explore.widget import PAGE_SIZE, Explorer, ExplorerPane, open_explorer

__all__ = [
    "PAGE_SIZE",
    "TONES",
    "ExploreTables",
    "Explorer",
    "ExplorerPane",
    "explore_tables",
    "explorer_targets",
    "filter_rows",
    "group_summary",
    "open_explorer",
    "selection_rows",
    "selection_summary",
    "sentence_mentions",
    "sentence_triggers",
]
