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
- **Truncation.** A story whose last paragraph does not end with sentence-final punctuation is
  flagged ``is_truncated`` (a lead cut off mid-sentence): reports show the flag, because a
  70-word lead and a 1,500-word analysis piece are not comparable without saying so.
- **Duplicates.** Stories with the same analysed text (the same content key,
  :func:`analysis.cache.content_key`) are flagged in ``duplicate_of`` with the first one's id
  (:func:`mark_duplicates`), never dropped.

Sentences come from the segmentation step (:func:`analysis.segment.segment_texts`, cached by
content key) and carry character offsets into the story's analysed ``text``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

from analysis.cache import content_key
from analysis.corpus.readers import Record
from analysis.corpus.schema import SENTENCE_COLUMNS, SKIPPED_COLUMNS, STORY_COLUMNS, Corpus
from analysis.normalize import normalize_text, tokenize
from analysis.parallel import map_chunks
from analysis.segment import Method, segment_texts

__all__ = [
    "NO_TEXT_REASON",
    "OPTIONAL_TEXT_COLUMNS",
    "build_corpus",
    "mark_duplicates",
    "set_optional_text_columns",
]

#: ``skipped`` reason of a story whose text is empty once normalised (listed after the records).
NO_TEXT_REASON = "no text after normalisation"
#: Story columns holding a string or ``None`` (never NaN).
OPTIONAL_TEXT_COLUMNS = ("dateline", "outlet", "url", "duplicate_of")

_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\- ]*[A-Z.](?:, ?[A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)*)?)"
    r"(?: ?\((?:AP|Reuters|AFP|UPI|CNN|Bloomberg|dpa)\))?"
    r" ?(?:\u2014|--|-) ?"
)
#: Capitalised openers that look like datelines but are captions or labels.
_NOT_DATELINES = frozenset({"FILE", "PHOTO", "UPDATE", "BREAKING", "WATCH", "EXCLUSIVE", "GOP"})
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")
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
) -> Corpus:
    """The corpus of ``records``: normalised stories, their sentences, and what was skipped.

    ``skipped`` (the rows the readers skipped) is extended with the records whose text is empty
    once normalised. ``method``, ``cache``, ``workers`` and ``progress`` are passed to the
    segmentation step.
    """

    prepared = map_chunks(
        _prepare_chunk,
        [rec.raw_text for rec in records],
        workers=workers,
        progress=progress,
        desc="normalising",
    )
    stories = _story_table(records, prepared, skipped)
    spans = None
    if len(stories):
        unique_texts = list(dict.fromkeys(stories["text"]))  # same text, same content key
        spans = segment_texts(
            unique_texts, method=method, cache=cache, workers=workers, progress=progress
        )
    sentences = _sentences_table(stories, spans)
    stories = _typed_stories(stories, sentences)
    skipped_frame = pd.DataFrame(skipped, columns=SKIPPED_COLUMNS).astype({"source_line": "Int64"})
    return Corpus(stories=stories, sentences=sentences, skipped=skipped_frame, source=source)


def _prepare_chunk(raw_texts: list[str]) -> pd.DataFrame:
    """Normalise texts, split off datelines and count words (run in worker processes)."""
    rows = []
    for raw in raw_texts:
        dateline, body = _split_dateline(normalize_text(raw))
        rows.append((dateline, body, len(tokenize(body))))
    return pd.DataFrame(rows, columns=["dateline", "body", "n_words"]).astype(
        {"dateline": object, "body": object, "n_words": "int64"}
    )


def _story_table(
    records: list[Record], prepared: pd.DataFrame, skipped: list[dict[str, Any]]
) -> pd.DataFrame:
    """One row per record with text (with a ``_key`` column); the others go to ``skipped``."""
    rows: list[dict[str, Any]] = []
    used_ids: set[str] = set()
    for rec, dateline, body, n_words in zip(
        records,
        prepared["dateline"],
        prepared["body"],
        prepared["n_words"],
        strict=True,
    ):
        dateline = None if pd.isna(dateline) else dateline
        if not body.strip():
            skipped.append(
                {
                    "source_file": rec.source_file,
                    "source_line": rec.source_line,
                    "reason": NO_TEXT_REASON,
                }
            )
            continue
        base_id = rec.meta.get("id")  # a non-blank string, or None (see readers.meta_value)
        if not isinstance(base_id, str) or not base_id.strip():
            base_id = _slug(body)
        story_id = base_id
        k = 2
        while story_id in used_ids:
            story_id = f"{base_id}-{k}"
            k += 1
        used_ids.add(story_id)
        rows.append(_story_row(rec, story_id, dateline, body, int(n_words)))
    if not rows:
        return pd.DataFrame(columns=[*STORY_COLUMNS, "_key"])
    stories = pd.DataFrame(rows)
    stories["duplicate_of"] = mark_duplicates(stories)
    return stories


def _story_row(
    rec: Record, story_id: str, dateline: str | None, body: str, n_words: int
) -> dict[str, Any]:
    """A story's row: its columns in :data:`STORY_COLUMNS` order, ``_key``, then extras."""
    meta = rec.meta
    title = meta.get("title")
    paragraphs = body.split("\n")
    has_title = isinstance(title, str) and title.strip()
    return {
        "story_id": story_id,
        "title": normalize_text(title) if has_title else _derive_title(body),
        "title_source": "input" if has_title else "derived from lead",
        "dateline": dateline,
        "outlet": meta.get("outlet"),
        "date": meta.get("date"),
        "url": meta.get("url"),
        "source_file": rec.source_file,
        "source_line": rec.source_line,
        "n_words": n_words,
        "n_sentences": 0,
        "n_paragraphs": len(paragraphs),
        "is_truncated": _SENTENCE_END.search(paragraphs[-1]) is None,
        "duplicate_of": None,  # set over the whole table by mark_duplicates
        "text": body,
        "raw_text": rec.raw_text,
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
    """Join cached/computed spans to stories (in story order) and cut the sentence texts."""
    if spans is None or spans.empty:
        empty = pd.DataFrame({c: pd.Series(dtype="int64") for c in SENTENCE_COLUMNS})
        for col in ("story_id", "sentence_id", "text"):
            empty[col] = pd.Series(dtype="str")
        empty["position"] = pd.Series(dtype="float64")
        return empty[SENTENCE_COLUMNS]
    order = stories[["story_id", "_key"]].reset_index(names="_order")
    table = order.merge(spans, on="_key", how="inner", validate="m:m")
    table = table.sort_values(["_order", "sentence_index"], ignore_index=True)
    texts = dict(zip(stories["_key"], stories["text"], strict=True))
    table["text"] = [
        texts[k][s:e] for k, s, e in zip(table["_key"], table["start"], table["end"], strict=True)
    ]
    table["sentence_id"] = table["story_id"] + "/" + table["sentence_index"].astype(str)
    n = table.groupby("story_id", sort=False)["sentence_index"].transform("size")
    table["position"] = (table["sentence_index"] + 0.5) / n
    table = table[SENTENCE_COLUMNS].copy()
    for col in ("paragraph_index", "sentence_index", "start", "end", "n_words"):
        table[col] = table[col].astype("int64")
    table["position"] = table["position"].astype("float64")
    return table
