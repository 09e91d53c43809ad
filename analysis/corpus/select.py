"""Choosing stories: filters on story columns, a date range, and the period columns.

:func:`select_stories` keeps the stories that match every filter and adds ``month``,
``quarter`` and ``year`` columns (:data:`PERIODS`) so any notebook can group by period;
:func:`open_corpus` is :func:`~analysis.corpus.load_corpus` followed by it, what every notebook
calls with its parameters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import pandas as pd

from analysis.corpus.load import load_corpus
from analysis.corpus.schema import Corpus
from analysis.errors import ParameterError

__all__ = ["PERIODS", "open_corpus", "select_stories"]

#: Period columns :func:`select_stories` adds from ``date`` (pandas period aliases).
PERIODS = {"month": "M", "quarter": "Q", "year": "Y"}


def select_stories(
    corpus: Corpus,
    *,
    filters: dict[str, Any] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> Corpus:
    """Keep the stories that match every filter, and add ``month``/``quarter``/``year`` columns.

    Does not mutate ``corpus``. The period columns (``"2016-03"``, ``"2016Q1"``, ``"2016"``) are
    strings made from ``date`` (missing when the story has no date), so they can be used as a
    ``group`` in every notebook.

    Args:
        corpus: a loaded corpus.
        filters: story column -> a value or a list of accepted values, e.g.
            ``{"topic": "immigration", "bias_label": ["left", "right"]}``.
        date_from, date_to: inclusive ISO dates (``"2016-01-01"``); stories without a date are
            dropped when either is given.

    Returns:
        A new :class:`Corpus` with the selected stories, their sentences and the furniture
        removed from them.

    Raises:
        ParameterError: an unknown column, a filter that matches nothing, or a bad date.

    >>> select_stories(load_corpus(), filters={"dateline": ["TOKYO"]}).stories["story_id"].tolist()
    ['japans-cabinet-has-given-its-approval']
    """
    stories = corpus.stories
    keep = _matching(stories, filters, date_from, date_to)
    if not keep.any():
        raise ParameterError(
            f"no story matches filters={filters!r}, date_from={date_from!r}, date_to={date_to!r}"
        )
    every = bool(keep.all())  # then a shallow copy (copy-on-write), not a copy of every text
    selected = stories.copy(deep=False) if every else stories.loc[keep].copy()
    for name, freq in PERIODS.items():
        if name not in selected.columns:
            periods = selected["date"].dt.to_period(freq)
            selected[name] = pd.Series(
                [None if pd.isna(p) else str(p) for p in periods],
                index=selected.index,
                dtype=object,
            )
    selected = selected.reset_index(drop=True)
    sentences, furniture = corpus.sentences, corpus.furniture
    if not every:
        sentences = sentences[sentences["story_id"].isin(selected["story_id"])]
        furniture = furniture[furniture["story_id"].isin(selected["story_id"])]
    return Corpus(
        stories=selected,
        sentences=sentences.reset_index(drop=True),
        skipped=corpus.skipped,
        source=corpus.source,
        furniture=furniture.reset_index(drop=True),
    )


def _matching(
    stories: pd.DataFrame,
    filters: dict[str, Any] | None,
    date_from: str | None,
    date_to: str | None,
) -> pd.Series:
    """Which stories match every filter and fall in the date range (a boolean Series)."""
    keep = pd.Series(True, index=stories.index)
    for column, wanted in (filters or {}).items():
        if column not in stories.columns:
            raise ParameterError(
                f"cannot filter on {column!r}: not a story column; choose from "
                f"{list(stories.columns)}"
            )
        values = wanted if isinstance(wanted, list | tuple | set) else [wanted]
        keep &= stories[column].isin(list(values))
    for bound, op in ((date_from, "ge"), (date_to, "le")):
        if bound is None:
            continue
        try:
            when = pd.Timestamp(bound)
        except (ValueError, TypeError) as exc:
            raise ParameterError(f"not a date: {bound!r} (use YYYY-MM-DD)") from exc
        keep &= getattr(stories["date"], op)(when).fillna(False).astype(bool)
    return keep


def open_corpus(
    path: str | Path | None = None,
    *,
    filters: dict[str, Any] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    stories_per_file: Literal["auto", "one", "many"] = "auto",
    encoding: str = "utf-8",
    **load_options: Any,
) -> Corpus:
    """Load a corpus and select stories: what every notebook calls with its parameters.

    ``load_corpus(path, stories_per_file=..., encoding=..., **load_options)`` then
    :func:`select_stories`. ``stories_per_file`` and ``encoding`` are named here so a report
    runner passes the same reading options to the analysis pass and to every notebook; both are
    part of the corpus cache key (see :func:`~analysis.corpus.load_corpus`). The reports that
    never show the text as read pass ``raw_text=False``, and those that show per-story figures
    only also ``sentence_text=False`` (less memory on a large corpus).

    >>> open_corpus().stories.columns[-3:].tolist()
    ['month', 'quarter', 'year']
    """
    corpus = load_corpus(
        path, stories_per_file=stories_per_file, encoding=encoding, **load_options
    )
    return select_stories(corpus, filters=filters, date_from=date_from, date_to=date_to)
