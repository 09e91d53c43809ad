"""The :class:`Corpus` a loader returns, the columns of its tables, and the loader's warning."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = [
    "FURNITURE_COLUMNS",
    "SENTENCE_COLUMNS",
    "SKIPPED_COLUMNS",
    "STORY_COLUMNS",
    "Corpus",
    "CorpusWarning",
    "cut_sentence_texts",
]

STORY_COLUMNS = [
    "story_id",
    "title",
    "title_source",
    "dateline",
    "outlet",
    "date",
    "url",
    "source_file",
    "source_line",
    "n_words",
    "n_sentences",
    "n_paragraphs",
    "is_truncated",
    "duplicate_of",
    "shares_text_with",
    "text",
    "raw_text",
]
SENTENCE_COLUMNS = [
    "story_id",
    "sentence_id",
    "paragraph_index",
    "sentence_index",
    "start",
    "end",
    "position",
    "n_words",
    "text",
]
#: Columns of ``Corpus.skipped``.
SKIPPED_COLUMNS = ["source_file", "source_line", "reason"]
#: Columns of ``Corpus.furniture`` (see :mod:`analysis.corpus.furniture`).
FURNITURE_COLUMNS = ["story_id", "outlet", "paragraph_index", "kind", "text"]


def empty_furniture() -> pd.DataFrame:
    """An empty ``Corpus.furniture`` table."""
    table = pd.DataFrame({c: pd.Series(dtype=object) for c in FURNITURE_COLUMNS})
    return table.astype({"paragraph_index": "int64"})


class CorpusWarning(UserWarning):
    """A file or record was skipped while loading a corpus (see ``Corpus.skipped``), or a file
    was read in another encoding than the one asked for (the message names the file and the
    encoding used)."""


@dataclass(frozen=True)
class Corpus:
    """A loaded corpus.

    Attributes:
        stories: one row per story, sorted by input order. Columns:

            - ``story_id`` (str): unique, stable id; the input's id column if it has one, else a
              slug of the lead's first six words (``-2``, ``-3`` … appended on collision).
            - ``title`` (str): the input's title, or the lead's first words when it has none.
            - ``title_source`` (str): ``"input"``, ``"headline line"`` (the first line of a
              plain-text story, see :mod:`analysis.corpus.furniture`) or
              ``"derived from lead"``.
            - ``dateline`` (str or None): place of an opening dateline, removed from ``text``.
            - ``outlet`` (str or None): publisher/source column of tabular input.
            - ``date`` (datetime64 or NaT): parsed publication date.
            - ``url`` (str or None).
            - ``source_file`` (str): file name the story came from (relative to the corpus path).
            - ``source_line`` (int): 1-based line where the story starts (for CSV, the physical
              line where its record starts, lines inside quoted fields counted; for
              :func:`~analysis.corpus.from_dataframe`, the row number).
            - ``n_words``, ``n_sentences``, ``n_paragraphs`` (int): counts on the analysed text.
            - ``is_truncated`` (bool): the story stops mid-sentence (a cut-off lead; rule in
              :func:`analysis.corpus.tables.is_truncated`).
            - ``duplicate_of`` (str or None): ``story_id`` of an earlier story with the same text.
            - ``shares_text_with`` (str or None): ``story_id`` of the first story of another
              outlet sharing a paragraph with it (wire copy; the text is kept); ``None`` for
              every story when loaded with ``furniture=False``.
            - ``text`` (str): analysed text: normalised, page furniture and headline line
              removed (unless loaded with ``furniture=False``), dateline removed, one paragraph a
              line.
            - ``raw_text`` (str): the story exactly as read, unchanged (furniture included).
            - any further input columns (e.g. AllSides' ``topic``, ``bias_label``) are kept after
              these, unchanged.
        sentences: one row per sentence, sorted by story order then ``sentence_index``. Columns:
            ``story_id``; ``sentence_id`` (``"<story_id>/<sentence_index>"``);
            ``paragraph_index`` (0-based); ``sentence_index`` (0-based within the story);
            ``start``/``end`` (character offsets into the story's ``text``);
            ``position`` (relative position in the story, ``(sentence_index + 0.5) / n``, 0–1);
            ``n_words``; ``text`` (left out when loaded with ``sentence_text=False``:
            :meth:`with_sentence_text` cuts it back from the stories' ``text``).
        skipped: files or records that were not loaded: ``source_file``, ``source_line``
            (missing for a whole file), ``reason`` (without the file name, which is in
            ``source_file``). Empty when everything loaded.
        source: the path the corpus was loaded from (``"seeds"`` for the default).
        furniture: what furniture removal took out, one row per paragraph or caption span:
            ``story_id``, ``outlet``, ``paragraph_index`` (0-based, in the normalised text
            before removal), ``kind`` (``caption``, ``share``, ``newsletter``,
            ``advertisement``, ``copyright``, ``footer``, ``credit``, ``repeated line``,
            ``headline``), ``text``; story order. Empty with ``furniture=False``.
    """

    stories: pd.DataFrame
    sentences: pd.DataFrame
    skipped: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SKIPPED_COLUMNS))
    source: str = "seeds"
    furniture: pd.DataFrame = field(default_factory=empty_furniture)

    def __len__(self) -> int:
        return len(self.stories)

    def sentences_with(self, *columns: str) -> pd.DataFrame:
        """The sentences table joined with story columns (e.g. ``"outlet"``, ``"is_truncated"``).

        Does not mutate the corpus.
        """
        cols = ["story_id", *[c for c in columns if c != "story_id"]]
        return self.sentences.merge(self.stories[cols], on="story_id", how="left", validate="m:1")

    def with_sentence_text(self) -> Corpus:
        """This corpus with the sentences' ``text``: the corpus itself when it has the column,
        else a copy whose sentences take their text from their story's ``text[start:end]``
        (how the loader makes it; for a corpus loaded with ``sentence_text=False``). The texts
        are cut :data:`CUT_ROWS` sentences at a time into one Arrow column, so no Python string
        of every sentence is held at once.

        Does not mutate the corpus.
        """
        sentences = self.sentences
        if "text" in sentences.columns:
            return self
        cut = cut_sentence_texts(self.stories, sentences)
        with_text = sentences.assign(text=pd.Series(cut, index=sentences.index, dtype="str"))
        return replace(self, sentences=with_text)


#: Sentences whose texts :func:`cut_sentence_texts` cuts at a time.
CUT_ROWS = 65_536


def cut_sentence_texts(stories: pd.DataFrame, sentences: pd.DataFrame) -> pa.ChunkedArray:
    """Each sentence's text, ``text[start:end]`` of its story's ``text``, as one Arrow column
    (``large_string``) in the order of ``sentences``.

    >>> stories = pd.DataFrame({"story_id": ["a"], "text": ["Rain fell. Roads shut."]})
    >>> spans = pd.DataFrame({"story_id": ["a", "a"], "start": [0, 11], "end": [10, 22]})
    >>> cut_sentence_texts(stories, spans).to_pylist()
    ['Rain fell.', 'Roads shut.']
    """
    texts = _arrow_texts(stories["text"])
    story_of = pd.Index(stories["story_id"]).get_indexer(sentences["story_id"])
    if (story_of < 0).any():
        raise ValueError("a sentence's story_id is not in the stories table")
    starts = sentences["start"].to_numpy(np.int64)
    ends = sentences["end"].to_numpy(np.int64)
    parts = []
    for low in range(0, len(story_of), CUT_ROWS):
        block = story_of[low : low + CUT_ROWS]
        unique, local = np.unique(block, return_inverse=True)
        own = texts.take(pa.array(unique)).to_pylist()  # the block's stories only
        cut = [
            own[i][start:end]
            for i, start, end in zip(
                local.tolist(),
                starts[low : low + CUT_ROWS].tolist(),
                ends[low : low + CUT_ROWS].tolist(),
                strict=True,
            )
        ]
        parts.append(pa.array(cut, pa.large_string()))
    if not parts:
        return pa.chunked_array([], pa.large_string())
    return pa.chunked_array([pa.concat_arrays(parts)], pa.large_string())


def _arrow_texts(column: pd.Series) -> pa.ChunkedArray:
    """A column of texts as Arrow strings: its own buffers when it is Arrow-backed."""
    try:
        return pa.chunked_array(column.array.__arrow_array__())
    except (AttributeError, TypeError, pa.ArrowException):
        return pa.chunked_array([pa.array(column.astype(object).tolist(), pa.large_string())])
