"""Overview tables of a loaded corpus: one row per story, sentence lengths by group, and the page
furniture removed by group (:func:`furniture_summary`)."""

from __future__ import annotations

import pandas as pd

from analysis.corpus.schema import STORY_COLUMNS, Corpus
from analysis.errors import ParameterError

__all__ = [
    "FURNITURE_SUMMARY_COLUMNS",
    "OVERVIEW_COLUMNS",
    "furniture_summary",
    "sentence_length_summary",
    "story_overview",
]

#: Provenance and text columns of :data:`~analysis.corpus.schema.STORY_COLUMNS` left out of the
#: overview.
_NOT_IN_OVERVIEW = frozenset(
    {"title_source", "url", "source_file", "source_line", "text", "raw_text"}
)
OVERVIEW_COLUMNS = [column for column in STORY_COLUMNS if column not in _NOT_IN_OVERVIEW]
#: Columns of :func:`furniture_summary` after the group column.
FURNITURE_SUMMARY_COLUMNS = ["kind", "stories", "lines", "characters", "examples"]
#: Longest example line shown by :func:`furniture_summary` (longer ones end in "…").
_EXAMPLE_CHARS = 80


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


def furniture_summary(corpus: Corpus, *, group: str = "outlet", examples: int = 3) -> pd.DataFrame:
    """Page furniture removed per ``group`` and kind (see :mod:`analysis.corpus.furniture`).

    Args:
        corpus: a loaded corpus; not mutated.
        group: a story column (``outlet``, ``bias_label``, ``story_id`` …); missing values form
            ``"(missing)"``.
        examples: how many of the most frequent removed lines to show per row.

    Returns:
        ``group``, then :data:`FURNITURE_SUMMARY_COLUMNS`: ``kind``; ``stories`` (stories with
        furniture of that kind); ``lines`` (paragraphs or caption spans removed);
        ``characters`` (their length); ``examples`` (the most frequent removed lines, ``" | "``
        joined, each cut to 80 characters). Sorted by group, then lines (desc), then kind.
        Empty when nothing was removed (or the corpus was loaded with ``furniture=False``).

    Raises:
        ParameterError: ``group`` is not a story column, or ``examples`` is negative.

    >>> from analysis.corpus import load_corpus
    >>> furniture_summary(load_corpus()).columns.tolist()
    ['outlet', 'kind', 'stories', 'lines', 'characters', 'examples']
    """
    if group not in corpus.stories.columns:
        raise ParameterError(
            f"group {group!r} is not a story column; choose from {list(corpus.stories.columns)}"
        )
    if isinstance(examples, bool) or not isinstance(examples, int) or examples < 0:
        raise ParameterError(f"examples must be a whole number >= 0, got {examples!r}")
    removed = corpus.furniture[["story_id", "kind", "text"]].merge(
        corpus.stories[["story_id", group]].drop_duplicates("story_id")
        if group != "story_id"
        else corpus.stories[["story_id"]],
        on="story_id",
        how="left",
    )
    columns = [group, *FURNITURE_SUMMARY_COLUMNS]
    if removed.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    removed[group] = removed[group].astype(object).where(removed[group].notna(), "(missing)")
    removed["characters"] = removed["text"].str.len()
    rows = []
    for (value, kind), part in removed.groupby([group, "kind"], sort=False):
        top = part["text"].value_counts(sort=True)
        top = top.reset_index().sort_values(["count", "text"], ascending=[False, True])
        shown = [_short(t) for t in top["text"].head(examples)]
        rows.append(
            {
                group: value,
                "kind": kind,
                "stories": int(part["story_id"].nunique()),
                "lines": len(part),
                "characters": int(part["characters"].sum()),
                "examples": " | ".join(shown),
            }
        )
    table = pd.DataFrame(rows, columns=columns)
    table = table.sort_values(
        [group, "lines", "kind"], ascending=[True, False, True], key=_sort_key
    )
    return table.reset_index(drop=True)


def _short(text: str) -> str:
    return text if len(text) <= _EXAMPLE_CHARS else text[: _EXAMPLE_CHARS - 1] + "\u2026"


def _sort_key(values: pd.Series) -> pd.Series:
    return values.astype(str) if values.dtype == object else values
