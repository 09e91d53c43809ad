"""The input tables of the language step: their checks, and stories grouped by a column.

The language functions take the corpus' tidy tables (``stories``, ``sentences`` or the whole
:class:`~analysis.corpus.Corpus`). A ``group`` argument names a story column whose values are
compared (``story_id``, ``outlet``, ``bias_label`` ...); groups are listed in order of first
appearance and a missing value forms the group :data:`analysis._checks.MISSING_GROUP`.
"""

from __future__ import annotations

import collections
import functools
import itertools
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import scipy.sparse as sp

from analysis._checks import group_labels, require_columns
from analysis.errors import ParameterError

__all__ = [
    "SENTENCE_COLUMNS",
    "STORY_COLUMNS",
    "arrow_texts",
    "check_group",
    "check_stories",
    "check_table",
    "corpus_tables",
    "group_matrix",
    "group_values",
    "plain_stories",
    "sentences_by_story",
    "story_count",
    "story_parts",
    "story_records",
]

#: Columns every stories table given to the language functions has.
STORY_COLUMNS = ("story_id", "text")
#: Columns of the sentences table :func:`corpus_tables` checks.
SENTENCE_COLUMNS = ("story_id", "sentence_id", "paragraph_index", "sentence_index", "text")


def check_table(frame: object, columns: list[str] | tuple[str, ...], name: str) -> None:
    """Raise unless ``frame`` is a DataFrame with ``columns``; the hint names the corpus table.

    Args:
        frame: the table passed by the caller.
        columns: the columns it must have.
        name: ``"stories"`` or ``"sentences"`` (the argument and the corpus attribute).
    """
    hint = f"Pass the corpus' {name} table (load_corpus(...).{name})."
    require_columns(frame, columns, name, hint=hint)


def check_stories(stories: object, *, counts: object = None) -> None:
    """Raise unless ``stories`` is a stories table (``story_id``, ``text``; no ``text`` needed
    when the stories' term ``counts`` are given: nothing then reads it)."""
    check_table(stories, STORY_COLUMNS if counts is None else STORY_COLUMNS[:1], "stories")


def check_group(stories: pd.DataFrame, group: str) -> None:
    """Raise unless ``group`` is a column of ``stories``."""
    if group not in stories.columns:
        raise ParameterError(
            f"group {group!r} is not a column of stories; choose one of {list(stories.columns)}"
        )


def group_values(stories: pd.DataFrame, group: str) -> tuple[list[str], np.ndarray]:
    """Group labels (order of first appearance) and the group index of each story.

    >>> group_values(pd.DataFrame({"side": ["b", None, "b", "a"]}), "side")
    (['b', '(missing)', 'a'], array([0, 1, 0, 2]))
    """
    values = group_labels(stories[group])
    labels = list(dict.fromkeys(values))
    index = {label: i for i, label in enumerate(labels)}
    return labels, np.array([index[v] for v in values], dtype=np.int64)


def group_matrix(n_groups: int, index: np.ndarray) -> sp.csr_matrix:
    """Sparse ``groups x items`` membership matrix (1 where item ``j`` is in group ``index[j]``).

    >>> group_matrix(2, np.array([0, 1, 0])).toarray().tolist()
    [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    ones = np.ones(len(index), dtype=np.float64)
    return sp.csr_matrix((ones, (index, np.arange(len(index)))), shape=(n_groups, len(index)))


def corpus_tables(corpus: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The checked ``stories`` and ``sentences`` tables of a corpus.

    Raises:
        ParameterError: not a corpus, or a table without its columns.
    """
    stories = getattr(corpus, "stories", None)
    sentences = getattr(corpus, "sentences", None)
    if not isinstance(stories, pd.DataFrame) or not isinstance(sentences, pd.DataFrame):
        raise ParameterError(f"expected a Corpus (load_corpus(...)), got {type(corpus).__name__}")
    check_stories(stories)
    check_table(sentences, SENTENCE_COLUMNS, "sentences")
    return stories, sentences


def sentences_by_story(sentences: pd.DataFrame, columns: list[str]) -> list[tuple[str, list]]:
    """Sentence records (``columns``) grouped by story (order of first appearance), each story's
    sentences by ``sentence_index``."""
    table = sentences[columns]
    # what DataFrame.itertuples(index=False, name="Sentence") gives, from whole columns
    # (iterating a pyarrow-backed string column value by value is many times slower)
    record = _record_type(tuple(str(c) for c in table.columns))
    values = [table[c].tolist() for c in table.columns]
    records = list(itertools.starmap(record, zip(*values, strict=True)))
    index = table["sentence_index"]
    if isinstance(index.dtype, np.dtype) and index.dtype.kind in "iu":
        # stories by first appearance, then sentence_index; stable like sorted()
        story = pd.factorize(table["story_id"], use_na_sentinel=False)[0]
        records = [records[i] for i in np.lexsort((index.to_numpy(), story))]
    else:
        order = {sid: i for i, sid in enumerate(dict.fromkeys(table["story_id"].tolist()))}
        records.sort(key=lambda r: (order[r.story_id], r.sentence_index))
    return [
        (str(story_id), list(group))
        for story_id, group in itertools.groupby(records, key=lambda r: r.story_id)
    ]


#: A story of :func:`sentences_by_story` that can be sent to a worker process:
#: ``(story_id, field names, sentence rows as plain tuples)``.
PlainStory = tuple[str, tuple[str, ...], list[tuple]]


def plain_stories(stories: list[tuple[str, list]]) -> list[PlainStory]:
    """Stories of :func:`sentences_by_story` with their records as plain tuples and the field
    names: the records' named-tuple class is made at run time, so it cannot be pickled to a
    worker process (:func:`story_records` makes the records again there)."""
    return [
        (sid, tuple(sents[0]._fields) if sents else (), [tuple(r) for r in sents])
        for sid, sents in stories
    ]


def story_parts(
    sentences: pd.DataFrame, columns: list[str], parts: Iterable[Sequence[int]]
) -> Iterator[list[PlainStory]]:
    """For each part of ``parts`` (stories by their position in order of first appearance,
    ascending), the :func:`plain_stories` of :func:`sentences_by_story` for those stories, made
    one part at a time: the records of every sentence of a large corpus are never held at once.
    """
    table = sentences[columns]
    story = pd.factorize(table["story_id"], use_na_sentinel=False)[0]
    order = np.argsort(story, kind="stable")  # the sentences of each story together
    bounds = np.r_[0, np.cumsum(np.bincount(story))]  # story s: order[bounds[s] : bounds[s + 1]]
    for part in parts:
        rows = [order[bounds[s] : bounds[s + 1]] for s in part]
        kept = np.sort(np.concatenate(rows)) if rows else np.zeros(0, dtype=np.int64)
        yield plain_stories(sentences_by_story(table.iloc[kept], columns))


def story_count(sentences: pd.DataFrame) -> int:
    """The number of distinct ``story_id`` values of a sentences table (missing counted once)."""
    return len(pd.unique(sentences["story_id"]))


def story_records(fields: tuple[str, ...], rows: list[tuple]) -> list:
    """The sentence records of a :func:`plain_stories` story."""
    record = _record_type(fields)
    return [record._make(r) for r in rows]


@functools.cache
def _record_type(fields: tuple[str, ...]) -> type:
    return collections.namedtuple("Sentence", fields, rename=True)


def arrow_texts(column: pd.Series) -> pa.ChunkedArray:
    """A text column as Arrow large strings (zero-copy from an Arrow-backed column), anything
    but a string as null: what is searched for substrings without a Python string per row."""
    try:
        return pa.chunked_array([pa.array(column.array, type=pa.large_string(), from_pandas=True)])
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        values = [t if isinstance(t, str) else None for t in column]
        return pa.chunked_array([pa.array(values, type=pa.large_string())])
