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
from typing import Any

import pandas as pd

from analysis.cache import content_key
from analysis.corpus.furniture import (
    CleanedStory,
    furniture_table,
    remove_furniture,
    shared_text,
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
from analysis.parallel import map_chunks
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
) -> Corpus:
    """The corpus of ``records``: normalised stories, their sentences, and what was skipped.

    ``skipped`` (the rows the readers skipped) is extended with the records whose text is empty
    once normalised. ``method``, ``cache``, ``workers`` and ``progress`` are passed to the
    segmentation step; ``furniture`` removes page furniture
    (:mod:`analysis.corpus.furniture`).
    """

    normalised = map_chunks(
        _normalise_chunk,
        [rec.raw_text for rec in records],
        workers=workers,
        progress=progress,
        desc="normalising",
    )["text"].tolist()
    cleaned = _cleaned_stories(records, normalised, furniture)
    prepared = _prepare_chunk([story.text for story in cleaned])
    stories, kept = _story_table(records, prepared, cleaned, skipped, wire=furniture)
    removed = furniture_table(
        [cleaned[i] for i in kept], stories.get("story_id", []), stories.get("outlet", [])
    )
    spans = None
    if len(stories):
        unique_texts = list(dict.fromkeys(stories["text"]))  # same text, same content key
        spans = segment_texts(
            unique_texts, method=method, cache=cache, workers=workers, progress=progress
        )
    sentences = _sentences_table(stories, spans)
    stories = _typed_stories(stories, sentences)
    skipped_frame = pd.DataFrame(skipped, columns=SKIPPED_COLUMNS).astype({"source_line": "Int64"})
    return Corpus(
        stories=stories,
        sentences=sentences,
        skipped=skipped_frame,
        source=source,
        furniture=removed[FURNITURE_COLUMNS],
    )


def _normalise_chunk(raw_texts: list[str]) -> pd.DataFrame:
    """Normalised texts (run in worker processes)."""
    return pd.DataFrame({"text": [normalize_text(raw) for raw in raw_texts]}, dtype=object)


def _cleaned_stories(
    records: list[Record], texts: list[str], furniture: bool
) -> list[CleanedStory]:
    """Each text without its page furniture (or as it is, when ``furniture`` is false)."""
    if not furniture or not texts:
        return [CleanedStory(text) for text in texts]
    titles = []
    for rec in records:
        title = rec.meta.get("title")
        titles.append(normalize_text(title) if isinstance(title, str) and title.strip() else None)
    headline_lines = [
        title is None and rec.source_file.lower().endswith(TEXT_SUFFIXES)
        for rec, title in zip(records, titles, strict=True)
    ]
    return remove_furniture(
        texts,
        outlets=[rec.meta.get("outlet") for rec in records],
        titles=titles,
        headline_lines=headline_lines,
    )


def _prepare_chunk(texts: list[str]) -> pd.DataFrame:
    """Split off datelines and count words of normalised texts."""
    rows = []
    for text in texts:
        dateline, body = _split_dateline(text)
        rows.append((dateline, body, len(tokenize(body))))
    return pd.DataFrame(rows, columns=["dateline", "body", "n_words"]).astype(
        {"dateline": object, "body": object, "n_words": "int64"}
    )


def _story_table(
    records: list[Record],
    prepared: pd.DataFrame,
    cleaned: list[CleanedStory],
    skipped: list[dict[str, Any]],
    *,
    wire: bool = False,
) -> tuple[pd.DataFrame, list[int]]:
    """One row per record with text (with a ``_key`` column), and the indices of those
    records; the others go to ``skipped``."""
    rows: list[dict[str, Any]] = []
    kept: list[int] = []
    used_ids: set[str] = set()
    for index, (rec, dateline, body, n_words, story) in enumerate(
        zip(
            records,
            prepared["dateline"],
            prepared["body"],
            prepared["n_words"],
            cleaned,
            strict=True,
        )
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
        kept.append(index)
        rows.append(_story_row(rec, story_id, dateline, body, int(n_words), story.headline))
    if not rows:
        return pd.DataFrame(columns=[*STORY_COLUMNS, "_key"]), kept
    stories = pd.DataFrame(rows)
    stories["duplicate_of"] = mark_duplicates(stories)
    if wire:  # a whole-corpus comparison, made with furniture removal
        shared = shared_text(stories["text"].tolist(), stories["outlet"].tolist())
        ids = stories["story_id"].tolist()
        stories["shares_text_with"] = [None if i is None else ids[i] for i in shared]
    return stories, kept


def _story_row(
    rec: Record,
    story_id: str,
    dateline: str | None,
    body: str,
    n_words: int,
    headline: str | None = None,
) -> dict[str, Any]:
    """A story's row: its columns in :data:`STORY_COLUMNS` order, ``_key``, then extras."""
    meta = rec.meta
    title = meta.get("title")
    paragraphs = body.split("\n")
    has_title = isinstance(title, str) and title.strip()
    if has_title:
        title, title_source = normalize_text(title), "input"
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
