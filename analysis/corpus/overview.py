"""Overview tables of a loaded corpus: one row per story, and sentence lengths by group."""

from __future__ import annotations

import pandas as pd

from analysis.corpus.schema import Corpus
from analysis.errors import ParameterError

__all__ = ["OVERVIEW_COLUMNS", "sentence_length_summary", "story_overview"]

OVERVIEW_COLUMNS = [
    "story_id",
    "title",
    "dateline",
    "outlet",
    "date",
    "n_words",
    "n_sentences",
    "n_paragraphs",
    "is_truncated",
    "duplicate_of",
]


def story_overview(corpus: Corpus, *, max_rows: int | None = 200) -> pd.DataFrame:
    """One row per story with its dateline, lengths and flags (input order; no text columns).

    Does not mutate ``corpus``. ``max_rows`` caps the table for large corpora (``None``: all).

    >>> from analysis.corpus import load_corpus
    >>> story_overview(load_corpus())["n_sentences"].tolist()
    [48, 2, 3, 2]
    """
    table = corpus.stories[OVERVIEW_COLUMNS].copy()
    return table if max_rows is None else table.head(max_rows)


def sentence_length_summary(corpus: Corpus, *, group: str = "story_id") -> pd.DataFrame:
    """Words per sentence by ``group``: sentences, mean, median, min, max (sorted by group).

    ``group`` is any column of the stories table (``story_id``, ``outlet`` …). Does not mutate
    ``corpus``.
    """
    if group not in corpus.stories.columns:
        raise ParameterError(
            f"group {group!r} is not a story column; choose from {list(corpus.stories.columns)}"
        )
    frame = corpus.sentences_with(group) if group != "story_id" else corpus.sentences
    stats = (
        frame.groupby(group, sort=True, dropna=False)["n_words"]
        .agg(
            sentences="size",
            mean_words="mean",
            median_words="median",
            min_words="min",
            max_words="max",
        )
        .reset_index()
    )
    return stats.round({"mean_words": 1, "median_words": 1})
