"""Records to tables: the ``stories`` and ``sentences`` tables of a :class:`Corpus`.

Each record's text is normalised (:func:`analysis.normalize.normalize_text`) and its words
counted; the rules applied on the way:

- **Usable text.** A record whose text is empty once normalised (only markup or whitespace) is
  not a story: it is listed in ``skipped`` with :data:`NO_TEXT_REASON`, after the records the
  readers skipped. (The cell rule, a string with a non-space character, is
  :func:`analysis.corpus.readers.text_value`.)
- **Datelines.** A story may open with a dateline (``TOKYO –``, ``LOS ANGELES, CA –``,
  ``WASHINGTON (AP) —``): the place (two or more capital letters; captions such as ``FILE`` or
  ``PHOTO`` are not places) is moved to the ``dateline`` column and removed from the text.
- **Ids and titles.** A story without an id gets a slug of its lead's first six words (``-2``,
  ``-3`` … on collision); a story without a title gets its lead's first ten words.
- **Page furniture** (captions, share bars, footers, bylines, each outlet's template lines) is
  removed before anything else is read from the text, and a plain-text headline line becomes
  the title; see :mod:`analysis.corpus.furniture` (``furniture=False`` keeps the text whole).
- **Truncation** (:func:`is_truncated`), judged on the text without furniture: a story is a
  lead cut off mid-sentence when its last paragraph ends in a bare ellipsis (``...`` not closing
  a quotation), or ends without sentence-final punctuation **and** either is shorter than
  :data:`TRUNCATION_MAX_WORDS` words or stops on a comma, semicolon or dash. A long article
  whose last line is a caption or tag the rules missed, or that ends in a colon introducing an
  embedded tweet or video the scraper dropped, is complete and not flagged. Reports show the
  flag, because a 70-word lead and a 1,500-word analysis piece are not comparable without
  saying so.
- **Shared copy.** ``shares_text_with`` names the first story of another outlet with a
  paragraph of at least :data:`~analysis.corpus.furniture.WIRE_MIN_WORDS` words in common
  (agency copy run by several outlets; :func:`analysis.corpus.furniture.shared_text`); the text
  is kept. Computed with furniture removal (``furniture=False`` leaves the column empty, as
  does :func:`~analysis.corpus.from_dataframe` by default: one Dask partition cannot see the
  others).
- **Duplicates.** Stories with the same analysed text (the same content key,
  :func:`analysis.cache.content_key`) are flagged in ``duplicate_of`` with the first one's id
  (:func:`mark_duplicates`), never dropped.

Sentences come from the segmentation step (:func:`analysis.segment.segment_texts`, cached by
content key) and carry character offsets into the story's analysed ``text``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.cache import KEY_COLUMN, content_key, release_memory
from analysis.corpus.furniture import (
    CleanedStory,
    RepeatedLines,
    SharedText,
    furniture_table,
    mark_story,
)
from analysis.corpus.readers import TEXT_SUFFIXES, Record
from analysis.corpus.schema import (
    FURNITURE_COLUMNS,
    SENTENCE_COLUMNS,
    SKIPPED_COLUMNS,
    STORY_COLUMNS,
    Corpus,
)
from analysis.normalize import normalize_text, tokenize
from analysis.parallel import CHUNK_SIZE, for_each_chunk
from analysis.segment import Method, segment_texts

__all__ = [
    "NO_TEXT_REASON",
    "OPTIONAL_TEXT_COLUMNS",
    "TRUNCATION_MAX_WORDS",
    "build_corpus",
    "is_truncated",
    "mark_duplicates",
    "set_optional_text_columns",
]

#: ``skipped`` reason of a story whose text is empty once normalised (listed after the records).
NO_TEXT_REASON = "no text after normalisation"
#: Story columns holding a string or ``None`` (never NaN).
OPTIONAL_TEXT_COLUMNS = ("dateline", "outlet", "url", "duplicate_of", "shares_text_with")
#: A story ending without sentence-final punctuation is a cut-off lead below this many words
#: (the seeds' cut leads have 58-92 words; AllSides' complete articles ending in a footer,
#: 311-8,219).
TRUNCATION_MAX_WORDS = 250

_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\- ]*[A-Z.](?:, ?[A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)*)?)"
    r"(?: ?\((?:AP|Reuters|AFP|UPI|CNN|Bloomberg|dpa)\))?"
    r" ?(?:\u2014|--|-) ?"
)
#: Capitalised openers that look like datelines but are captions or labels.
_NOT_DATELINES = frozenset({"FILE", "PHOTO", "UPDATE", "BREAKING", "WATCH", "EXCLUSIVE", "GOP"})
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")
_ELLIPSIS_END = re.compile(r"(?:\.\.\.|\u2026)$")
_CUT_END = re.compile(r"[,;\-\u2013\u2014]$")
_SLUG_WORD = re.compile(r"[a-z0-9]+")


def _slug(text: str, n_words: int = 6) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    ascii_text = ascii_text.replace("'", "")
    words = _SLUG_WORD.findall(ascii_text)[:n_words]
    return "-".join(words) or "story"


def _split_dateline(text: str) -> tuple[str | None, str]:
    match = _DATELINE.match(text)
    if match is None:
        return None, text
    place = match.group("place").strip()
    if place.split(",")[0].strip(" .") in _NOT_DATELINES:
        return None, text
    letters = re.sub(r"[^A-Za-z]", "", place.split(",")[0])
    if len(letters) < 2 or not letters.isupper():
        return None, text
    return place, text[match.end() :]


def _derive_title(text: str, n_words: int = 10) -> str:
    first_line = text.split("\n", 1)[0]
    words = first_line.split()
    title = " ".join(words[:n_words]).rstrip(",;:")
    return title + (" …" if len(words) > n_words else "")


def _parse_dates(values: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(values, errors="coerce", format="mixed", utc=True)
    return parsed.dt.tz_localize(None).astype("datetime64[ns]")


def mark_duplicates(stories: pd.DataFrame) -> pd.Series:
    """``duplicate_of`` for each story: the ``story_id`` of the first story with the same text.

    Stories are compared by the content key of their analysed ``text``; the first of a kind
    gets ``None``. Does not mutate ``stories``.

    >>> frame = pd.DataFrame({"story_id": ["a", "b", "c"], "text": ["Same.", "Other.", "Same."]})
    >>> mark_duplicates(frame).tolist()
    [None, None, 'a']
    """
    first: dict[str, str] = {}
    values: list[str | None] = []
    for story_id, text in zip(stories["story_id"], stories["text"], strict=True):
        key = content_key(text)
        values.append(first.get(key))
        first.setdefault(key, story_id)
    return pd.Series(values, index=stories.index, dtype=object)


def is_truncated(text: str, n_words: int) -> bool:
    """Whether a story's analysed text is a lead cut off mid-sentence (module docstring rule).

    >>> is_truncated("The vote was set for", 5), is_truncated("It passed.", 2)
    (True, False)
    >>> is_truncated("Long article ending in a tag line\\nAbortion", 900)
    False
    """
    last = text.rsplit("\n", 1)[-1].rstrip()
    if _ELLIPSIS_END.search(last):
        return True
    if _SENTENCE_END.search(last):
        return False
    return n_words < TRUNCATION_MAX_WORDS or _CUT_END.search(last) is not None


def set_optional_text_columns(stories: pd.DataFrame) -> pd.DataFrame:
    """Make :data:`OPTIONAL_TEXT_COLUMNS` strings or ``None`` (never NaN), in place.

    For a stories table the caller owns (it is changed, and returned).
    """
    for col in OPTIONAL_TEXT_COLUMNS:
        stories[col] = pd.Series(
            [None if pd.isna(v) else str(v) for v in stories[col]],
            index=stories.index,
            dtype=object,
        )
    return stories


def build_corpus(
    records: list[Record],
    skipped: list[dict[str, Any]],
    method: Method,
    source: str,
    *,
    cache: Any = True,
    workers: int | None = None,
    progress: bool | None = None,
    furniture: bool = False,
    sentence_text: bool = True,
) -> Corpus:
    """The corpus of ``records``: normalised stories, their sentences, and what was skipped.

    ``skipped`` (the rows the readers skipped) is extended with the records whose text is empty
    once normalised. ``method``, ``cache``, ``workers`` and ``progress`` are passed to the
    segmentation step; ``furniture`` removes page furniture
    (:mod:`analysis.corpus.furniture`); ``sentence_text=False`` leaves the sentences' ``text``
    out (:meth:`Corpus.with_sentence_text` cuts it back).

    Memory: the corpus is built in a stream. Worker processes normalise the records and run the
    per-story furniture rules chunk by chunk (:func:`_mark_chunk`); the whole-corpus rules
    (repeated lines, shared copy, duplicates) keep digests, not texts; texts are moved into
    Arrow string columns :data:`BUILD_CHUNK` stories at a time, so no second full copy of the
    corpus' texts is held as Python strings. ``records`` are consumed: each one's ``raw_text``
    is moved into the table and replaced by ``""``.
    """
    marked, titles, raw = _marked_stories(records, workers, progress, furniture)
    built = _StoryBuilder(skipped, furniture)
    repeated = marked.pop()
    for index, rec in enumerate(records):
        story = marked[index]
        marked[index] = None  # released as the stories are built
        cleaned = repeated.clean(story, rec.meta.get("outlet")) if furniture else story
        built.add(index, rec, cleaned, titles[index])
    del marked, titles, repeated
    release_memory()  # the marked paragraphs and the repeated-line tally
    stories, texts = built.table(raw)
    del raw
    removed = furniture_table(built.removed, built.ids, built.outlets)
    spans = None
    if len(stories):
        unique: dict[str, int] = {}  # same text, same content key: segmented once
        for position, key in enumerate(stories["_key"]):
            unique.setdefault(key, position)
        spans = segment_texts(
            TextsAt(texts, list(unique.values())),
            keys=list(unique),
            method=method,
            cache=cache,
            workers=workers,
            progress=progress,
        )
    sentences = _sentences_table(stories, spans)
    del spans, texts
    release_memory()
    stories = _typed_stories(stories, sentences)
    skipped_frame = pd.DataFrame(skipped, columns=SKIPPED_COLUMNS).astype({"source_line": "Int64"})
    corpus = Corpus(
        stories=stories,
        sentences=sentences,
        skipped=skipped_frame,
        source=source,
        furniture=removed[FURNITURE_COLUMNS],
    )
    return corpus.with_sentence_text() if sentence_text else corpus


#: Stories whose texts are moved into one Arrow chunk together while the corpus is built.
BUILD_CHUNK = 1024


def one_chunk(arrays: list[pa.Array]) -> pa.ChunkedArray:
    """``arrays`` (large strings, built a chunk at a time) as one contiguous Arrow column.

    Taking rows by position (``iloc`` with a list, as the analysis pass does for each chunk of
    articles) from a column of many chunks was 25 times slower: 27 ms against 1.1 ms for 64 of
    25,000 stories. The copy is made once, when the corpus is built.
    """
    if not arrays:
        return pa.chunked_array([], pa.large_string())
    return pa.chunked_array([pa.concat_arrays(arrays)], pa.large_string())


class TextsAt(Sequence[str]):
    """The strings at ``positions`` of an Arrow string array, made Python strings only when
    read (so a list of a whole corpus' texts is never built)."""

    def __init__(self, array: pa.ChunkedArray, positions: Sequence[int]) -> None:
        self.array = array
        self.positions = positions

    def __len__(self) -> int:
        return len(self.positions)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            wanted = pa.array(self.positions[index], pa.int64())
            return self.array.take(wanted).to_pylist()
        return self.array[self.positions[index]].as_py()


def _mark_chunk(items: Sequence[tuple[str, Any, bool, bool]]) -> list[tuple[Any, str | None]]:
    """Per ``(raw_text, title, headline_line, furniture)`` item: the normalised text (or, with
    ``furniture``, its :class:`~analysis.corpus.furniture.MarkedStory`) and the normalised
    title (run in worker processes)."""
    out = []
    for raw, title, headline_line, furniture in items:
        title = normalize_text(title) if isinstance(title, str) and title.strip() else None
        text = normalize_text(raw)
        if furniture:
            out.append((mark_story(text, title=title, headline_line=headline_line), title))
        else:
            out.append((CleanedStory(text), title))
    return out


def _marked_stories(
    records: list[Record], workers: int | None, progress: bool | None, furniture: bool
) -> tuple[list[Any], list[str | None], pa.ChunkedArray]:
    """Phase one of :func:`build_corpus`: every record normalised and marked (in workers), the
    repeated-line tally (appended last to the first list), the normalised titles, and the raw
    texts as an Arrow column (the records' ``raw_text`` is released)."""
    marked: list[Any] = []
    titles: list[str | None] = []
    raw_chunks: list[pa.Array] = []
    repeated = RepeatedLines()

    def chunks() -> Iterator[list[tuple[str, Any, bool, bool]]]:
        for at in range(0, len(records), CHUNK_SIZE):
            yield [
                (
                    rec.raw_text,
                    rec.meta.get("title"),
                    furniture
                    and not _has_title(rec.meta.get("title"))
                    and rec.source_file.lower().endswith(TEXT_SUFFIXES),
                    furniture,
                )
                for rec in records[at : at + CHUNK_SIZE]
            ]

    def consume(result: list[tuple[Any, str | None]]) -> None:
        at = len(marked)
        for story, title in result:
            if furniture:
                repeated.add(story, records[len(marked)].meta.get("outlet"))
            marked.append(story)
            titles.append(title)
        part = records[at : len(marked)]
        raw_chunks.append(pa.array([rec.raw_text for rec in part], pa.large_string()))
        for rec in part:
            rec.raw_text = ""

    for_each_chunk(
        _mark_chunk,
        chunks(),
        consume,
        n_items=len(records),
        workers=workers,
        progress=progress,
        desc="normalising",
    )
    marked.append(repeated)
    release_memory()  # the records' raw texts, now in Arrow
    return marked, titles, one_chunk(raw_chunks)


def _has_title(title: Any) -> bool:
    return isinstance(title, str) and bool(title.strip())


class _StoryBuilder:
    """Phase two of :func:`build_corpus`: story rows (texts gathered into Arrow chunks), the
    furniture removed, the duplicate and shared-copy tallies."""

    def __init__(self, skipped: list[dict[str, Any]], wire: bool) -> None:
        self.skipped = skipped
        self.rows: list[dict[str, Any]] = []
        self.kept: list[int] = []
        self.used_ids: set[str] = set()
        self.texts: list[str] = []
        self.text_chunks: list[pa.Array] = []
        self.removed: list[CleanedStory] = []
        self.ids: list[str] = []
        self.outlets: list[Any] = []
        self.first_of_key: dict[str, str] = {}
        self.shared = SharedText() if wire else None

    def add(self, index: int, rec: Record, story: CleanedStory, title: str | None) -> None:
        """Add record ``index`` (its cleaned text ``story``) or list it as skipped."""
        dateline, body = _split_dateline(story.text)
        if not body.strip():
            self.skipped.append(
                {
                    "source_file": rec.source_file,
                    "source_line": rec.source_line,
                    "reason": NO_TEXT_REASON,
                }
            )
            return
        base_id = rec.meta.get("id")  # a non-blank string, or None (see readers.meta_value)
        if not isinstance(base_id, str) or not base_id.strip():
            base_id = _slug(body)
        story_id = base_id
        k = 2
        while story_id in self.used_ids:
            story_id = f"{base_id}-{k}"
            k += 1
        self.used_ids.add(story_id)
        self.kept.append(index)
        n_words = len(tokenize(body, lower=False))
        row = _story_row(rec, story_id, dateline, body, n_words, story.headline, title)
        row["duplicate_of"] = self.first_of_key.get(row["_key"])
        self.first_of_key.setdefault(row["_key"], story_id)
        self.rows.append(row)
        self.removed.append(CleanedStory("", story.headline, story.removed))
        self.ids.append(story_id)
        self.outlets.append(rec.meta.get("outlet"))
        if self.shared is not None:
            self.shared.add(body, rec.meta.get("outlet"))
        self.texts.append(body)
        if len(self.texts) >= BUILD_CHUNK:
            self._flush_texts()

    def _flush_texts(self) -> None:
        self.text_chunks.append(pa.array(self.texts, pa.large_string()))
        self.texts = []

    def table(self, raw: pa.ChunkedArray) -> tuple[pd.DataFrame, pa.ChunkedArray]:
        """The stories table (with a ``_key`` column) and its texts as an Arrow column."""
        self._flush_texts()
        texts = one_chunk(self.text_chunks)
        self.text_chunks = []
        if not self.rows:
            return pd.DataFrame(columns=[*STORY_COLUMNS, "_key"]), texts
        stories = pd.DataFrame(self.rows)
        self.rows = []
        stories["duplicate_of"] = pd.Series(
            stories["duplicate_of"].tolist(), index=stories.index, dtype=object
        )
        if self.shared is not None:  # a whole-corpus comparison, made with furniture removal
            shared = self.shared.result()
            stories["shares_text_with"] = [None if i is None else self.ids[i] for i in shared]
        stories["text"] = pd.Series(texts, dtype="str")
        if len(self.kept) < len(raw):  # (a take copies the column)
            raw = raw.take(pa.array(self.kept, pa.int64()))
        stories["raw_text"] = pd.Series(raw, dtype="str")
        return stories, texts


def _story_row(
    rec: Record,
    story_id: str,
    dateline: str | None,
    body: str,
    n_words: int,
    headline: str | None = None,
    title: str | None = None,
) -> dict[str, Any]:
    """A story's row: its columns in :data:`STORY_COLUMNS` order, ``_key``, then extras.

    ``title`` is the record's title normalised (when it has one); ``text`` and ``raw_text`` are
    left ``None`` (the table gets them as Arrow columns).
    """
    meta = rec.meta
    paragraphs = body.split("\n")
    if _has_title(meta.get("title")):
        title_source = "input"
    elif headline is not None:
        title, title_source = headline, "headline line"
    else:
        title, title_source = _derive_title(body), "derived from lead"
    return {
        "story_id": story_id,
        "title": title,
        "title_source": title_source,
        "dateline": dateline,
        "outlet": meta.get("outlet"),
        "date": meta.get("date"),
        "url": meta.get("url"),
        "source_file": rec.source_file,
        "source_line": rec.source_line,
        "n_words": n_words,
        "n_sentences": 0,
        "n_paragraphs": len(paragraphs),
        "is_truncated": is_truncated(body, n_words),
        "duplicate_of": None,  # set over the whole table by mark_duplicates
        "shares_text_with": None,  # set over the whole table by shared_text
        "text": None,
        "raw_text": None,
        "_key": content_key(body),
        **{k: v for k, v in meta.get("extras", {}).items() if k not in STORY_COLUMNS},
    }


def _typed_stories(stories: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Sentence counts, column order (extras last, no ``_key``) and column types."""
    counts = sentences.groupby("story_id", sort=False).size()
    stories["n_sentences"] = stories["story_id"].map(counts).fillna(0)
    extra_cols = [c for c in stories.columns if c not in STORY_COLUMNS and c != "_key"]
    stories = stories[STORY_COLUMNS + extra_cols]
    stories["date"] = _parse_dates(stories["date"])
    for col in ("n_words", "n_sentences", "n_paragraphs", "source_line"):
        stories[col] = stories[col].astype("int64")
    stories["is_truncated"] = stories["is_truncated"].astype(bool)
    return set_optional_text_columns(stories)


def _sentences_table(stories: pd.DataFrame, spans: pd.DataFrame | None) -> pd.DataFrame:
    """Join cached/computed spans to stories (in story order), :data:`BUILD_CHUNK` stories at a
    time: every sentences column but ``text`` (cut from the stories' text when wanted,
    :meth:`Corpus.with_sentence_text`)."""
    columns = [c for c in SENTENCE_COLUMNS if c != "text"]
    if spans is None or spans.empty:
        return _empty_sentences()[columns]
    codes, uniques = pd.factorize(spans[KEY_COLUMN])  # spans are sorted by key
    bounds = np.flatnonzero(np.diff(codes)) + 1
    lows = np.concatenate([[0], bounds])
    highs = np.concatenate([bounds, [len(codes)]])
    where = {key: (int(lo), int(hi)) for key, lo, hi in zip(uniques, lows, highs, strict=True)}
    numbers = {c: spans[c].to_numpy(np.int64) for c in _SPAN_INTS}
    parts: dict[str, list[Any]] = {c: [] for c in columns}
    ids = stories["story_id"].tolist()
    keys = stories["_key"].tolist()
    for at in range(0, len(ids), BUILD_CHUNK):
        chunk = zip(ids[at : at + BUILD_CHUNK], keys[at : at + BUILD_CHUNK], strict=True)
        for column, part in _sentence_chunk(chunk, where, numbers).items():
            parts[column].append(part)
    if not parts["story_id"]:
        return _empty_sentences()[columns]
    strings = ("story_id", "sentence_id")
    return pd.DataFrame(
        {
            c: pd.Series(one_chunk(parts.pop(c)), dtype="str")
            if c in strings
            else np.concatenate(parts[c]).astype("float64" if c == "position" else "int64")
            for c in columns
        }
    )


def _sentence_chunk(
    stories: Iterable[tuple[str, str]],
    where: dict[str, tuple[int, int]],
    numbers: dict[str, np.ndarray],
) -> dict[str, Any]:
    """The sentences columns but ``text`` of some ``(story_id, key)`` stories (empty if none
    has sentences): spans rows ``where[key]`` of the ``numbers`` columns."""
    rows: list[np.ndarray] = []
    story_ids: list[str] = []
    counts: list[int] = []
    for story_id, key in stories:
        low, high = where.get(key, (0, 0))
        if high == low:
            continue
        rows.append(np.arange(low, high))
        story_ids.extend([story_id] * (high - low))
        counts.extend([high - low] * (high - low))
    if not rows:
        return {}
    taken = np.concatenate(rows)
    out: dict[str, Any] = {col: numbers[col][taken] for col in _SPAN_INTS}
    index = out["sentence_index"]
    out["position"] = (index + 0.5) / np.asarray(counts, np.int64)
    out["story_id"] = pa.array(story_ids, pa.large_string())
    sentence_ids = [f"{i}/{n}" for i, n in zip(story_ids, index.tolist(), strict=True)]
    out["sentence_id"] = pa.array(sentence_ids, pa.large_string())
    return out


def _empty_sentences() -> pd.DataFrame:
    """A sentences table without rows, with the columns' types."""
    empty = pd.DataFrame({c: pd.Series(dtype="int64") for c in SENTENCE_COLUMNS})
    for col in ("story_id", "sentence_id", "text"):
        empty[col] = pd.Series(dtype="str")
    empty["position"] = pd.Series(dtype="float64")
    return empty[SENTENCE_COLUMNS]


#: Integer columns of the segmentation spans copied to the sentences table.
_SPAN_INTS = ("paragraph_index", "sentence_index", "start", "end", "n_words")
