"""Loading articles into tidy tables: the seed file, folders of text files, CSV and JSON Lines.

:func:`load_corpus` is the one public entry point. It returns a :class:`Corpus` whose ``stories``
table has one row per story and whose ``sentences`` table has one row per sentence, with
character offsets into the story's analysed ``text``.

Plain-text files (``.txt``, ``.md``) follow the seed file's convention: stories are separated by
blank lines and paragraphs inside a story by single newlines. A file whose blank-line-separated
blocks are all single paragraphs is ambiguous (one story with blank-line paragraphs, or several
one-paragraph stories); ``stories_per_file="auto"`` reads such a file as **one** story unless it
has single-newline paragraphs somewhere, and ``"one"``/``"many"`` force either reading.

A story may open with a dateline (``TOKYO –``, ``LOS ANGELES, CA –``, ``WASHINGTON (AP) —``): the
place is moved to the ``dateline`` column and removed from the analysed text. A story whose last
paragraph does not end with sentence-final punctuation is flagged ``is_truncated`` (a lead cut
off mid-sentence): reports show the flag, because a 70-word lead and a 1,500-word analysis piece
are not comparable without saying so.

Bad input raises :class:`~analysis.errors.CorpusError` naming the file, line or column. When a
folder holds a bad file among good ones, the good stories load, the bad file is listed in
``Corpus.skipped`` and a warning is issued, unless ``strict=True``. Duplicate stories (same
normalised text) are flagged in ``duplicate_of``, never dropped.
"""

from __future__ import annotations

import json
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from analysis import config
from analysis.errors import CorpusError, ParameterError
from analysis.normalize import normalize_text, tokenize
from analysis.segment import Method

__all__ = [
    "Corpus",
    "CorpusWarning",
    "describe_corpus",
    "from_dataframe",
    "load_corpus",
    "open_corpus",
    "select_stories",
    "sentence_length_summary",
    "stories_from_texts",
    "story_overview",
]

TEXT_SUFFIXES = (".txt", ".md")
TABLE_SUFFIXES = (".csv", ".jsonl", ".ndjson")
DEFAULT_COLUMNS = {
    "text": ("text", "body", "content", "article"),
    "title": ("title", "headline"),
    "date": ("date", "published", "publish_date", "pub_date"),
    "outlet": ("outlet", "source", "publication", "publisher"),
    "url": ("url", "link"),
    "id": ("id", "story_id", "article_id"),
}
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

_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\- ]*[A-Z.](?:, ?[A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)*)?)"
    r"(?: ?\((?:AP|Reuters|AFP|UPI|CNN|Bloomberg|dpa)\))?"
    r" ?(?:\u2014|--|-) ?"
)
#: Capitalised openers that look like datelines but are captions or labels.
_NOT_DATELINES = frozenset({"FILE", "PHOTO", "UPDATE", "BREAKING", "WATCH", "EXCLUSIVE", "GOP"})
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")
_SLUG_WORD = re.compile(r"[a-z0-9]+")


class CorpusWarning(UserWarning):
    """A file or record was skipped while loading a corpus (see ``Corpus.skipped``)."""


@dataclass(frozen=True)
class Corpus:
    """A loaded corpus.

    Attributes:
        stories: one row per story, sorted by input order. Columns:

            - ``story_id`` (str): unique, stable id; the input's id column if it has one, else a
              slug of the lead's first six words (``-2``, ``-3`` … appended on collision).
            - ``title`` (str): the input's title, or the lead's first words when it has none.
            - ``title_source`` (str): ``"input"`` or ``"derived from lead"``.
            - ``dateline`` (str or None): place of an opening dateline, removed from ``text``.
            - ``outlet`` (str or None): publisher/source column of tabular input.
            - ``date`` (datetime64 or NaT): parsed publication date.
            - ``url`` (str or None).
            - ``source_file`` (str): file name the story came from (relative to the corpus path).
            - ``source_line`` (int): 1-based line (text/JSONL) or record number (CSV) of the story.
            - ``n_words``, ``n_sentences``, ``n_paragraphs`` (int): counts on the analysed text.
            - ``is_truncated`` (bool): the story stops mid-sentence (a cut-off lead).
            - ``duplicate_of`` (str or None): ``story_id`` of an earlier story with the same text.
            - ``text`` (str): analysed text: normalised, dateline removed, one paragraph a line.
            - ``raw_text`` (str): the story exactly as read, unchanged.
            - any further input columns (e.g. AllSides' ``topic``, ``bias_label``) are kept after
              these, unchanged.
        sentences: one row per sentence, sorted by story order then ``sentence_index``. Columns:
            ``story_id``; ``sentence_id`` (``"<story_id>/<sentence_index>"``);
            ``paragraph_index`` (0-based); ``sentence_index`` (0-based within the story);
            ``start``/``end`` (character offsets into the story's ``text``);
            ``position`` (relative position in the story, ``(sentence_index + 0.5) / n``, 0–1);
            ``n_words``; ``text``.
        skipped: files or records that were not loaded: ``source_file``, ``source_line``,
            ``reason``. Empty when everything loaded.
        source: the path the corpus was loaded from (``"seeds"`` for the default).
    """

    stories: pd.DataFrame
    sentences: pd.DataFrame
    skipped: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["source_file", "source_line", "reason"])
    )
    source: str = "seeds"

    def __len__(self) -> int:
        return len(self.stories)

    def sentences_with(self, *columns: str) -> pd.DataFrame:
        """The sentences table joined with story columns (e.g. ``"outlet"``, ``"is_truncated"``).

        Does not mutate the corpus.
        """
        cols = ["story_id", *[c for c in columns if c != "story_id"]]
        return self.sentences.merge(self.stories[cols], on="story_id", how="left", validate="m:1")


# --------------------------------------------------------------------------- raw records


@dataclass
class _Record:
    raw_text: str
    source_file: str
    source_line: int
    meta: dict[str, Any] = field(default_factory=dict)


def _read_text_file(path: Path, encoding: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read the file ({exc.strerror}).", path=path) from exc
    if not data.strip():
        raise CorpusError("the file is empty; add article text or remove the file.", path=path)
    if b"\x00" in data[:8192]:
        raise CorpusError(
            "the file looks binary (it contains NUL bytes), not text; "
            "export the articles as UTF-8 .txt, .csv or .jsonl.",
            path=path,
        )
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CorpusError(
            f"byte {exc.start} is not valid {encoding} ({exc.reason}); "
            f"re-save the file as UTF-8 or pass encoding= (for example 'cp1252').",
            path=path,
            line=line,
        ) from exc


def _split_blocks(text: str) -> list[tuple[int, str]]:
    """Blocks separated by blank lines, with the 1-based line where each starts."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start_line = 1
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not current:
                start_line = lineno
            current.append(line)
        elif current:
            blocks.append((start_line, "\n".join(current)))
            current = []
    if current:
        blocks.append((start_line, "\n".join(current)))
    return blocks


def _text_file_records(
    path: Path, root: Path, encoding: str, stories_per_file: str
) -> list[_Record]:
    text = _read_text_file(path, encoding)
    text = text.lstrip("\ufeff")
    blocks = _split_blocks(text)
    if not blocks or not any(normalize_text(b) for _, b in blocks):
        raise CorpusError("the file holds no text (only whitespace or markup).", path=path)
    name = path.relative_to(root).as_posix() if path != root else path.name
    many = stories_per_file == "many" or (
        stories_per_file == "auto" and len(blocks) > 1 and any("\n" in b for _, b in blocks)
    )
    if many:
        return [_Record(b, name, line) for line, b in blocks]
    return [_Record(text.strip("\n"), name, blocks[0][0])]


def _pick_column(
    available: Iterable[str], wanted: str | None, role: str, path: Path
) -> str | None:
    available = list(available)
    if wanted is not None:
        if wanted not in available:
            raise CorpusError(
                f"there is no {role} column {wanted!r}; the columns are {available}. "
                f"Pass the right name as {role}_column=.",
                path=path,
                column=wanted,
            )
        return wanted
    lowered = {c.lower(): c for c in available}
    for candidate in DEFAULT_COLUMNS[role]:
        if candidate in lowered:
            return lowered[candidate]
    return None


def _require_text_column(available: Iterable[str], wanted: str | None, path: Path) -> str:
    """The text column (``wanted`` or a usual name), or a CorpusError listing the columns."""
    available = list(available)
    column = _pick_column(available, wanted, "text", path)
    if column is None:
        raise CorpusError(
            f"no text column found (looked for {list(DEFAULT_COLUMNS['text'])}); the columns "
            f"are {available}. Pass the column holding article text as text_column=.",
            path=path,
        )
    return column


def _table_records(
    frame: pd.DataFrame,
    path: Path,
    root: Path,
    columns: dict[str, str | None],
    line_numbers: list[int],
) -> tuple[list[_Record], list[dict[str, Any]]]:
    text_col = _require_text_column(frame.columns, columns.get("text"), path)
    roles = {
        role: _pick_column(frame.columns, columns.get(role), role, path)
        for role in ("title", "date", "outlet", "url", "id")
    }
    name = path.relative_to(root).as_posix() if path != root else path.name
    records: list[_Record] = []
    skipped: list[dict[str, Any]] = []
    for row, line in zip(frame.to_dict("records"), line_numbers, strict=True):
        value = row[text_col]
        if not isinstance(value, str) or not value.strip():
            skipped.append(
                {
                    "source_file": name,
                    "source_line": line,
                    "reason": f"empty text in column {text_col!r}",
                }
            )
            continue
        meta = {role: row[col] for role, col in roles.items() if col is not None}
        extras = {
            c: row[c]
            for c in frame.columns
            if c != text_col and c not in roles.values() and c not in STORY_COLUMNS
        }
        meta["extras"] = extras
        records.append(_Record(value, name, line, meta))
    return records, skipped


def _malformed_csv(exc: pd.errors.ParserError, path: Path) -> CorpusError:
    """The error for a CSV pandas cannot parse, with the line pandas names."""
    match = re.search(r"line (\d+)", str(exc))
    return CorpusError(
        f"malformed CSV ({exc}); check quoting around that line.",
        path=path,
        line=int(match.group(1)) if match else None,
    )


def _csv_records(
    path: Path, root: Path, encoding: str, columns: dict[str, str | None]
) -> tuple[list[_Record], list[dict[str, Any]]]:
    text = _read_text_file(path, encoding)
    import io

    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise _malformed_csv(exc, path) from exc
    if frame.empty:
        raise CorpusError("the CSV has a header but no rows.", path=path)
    frame = frame.replace("", None)
    # record number: header is record 1, the first article record 2
    return _table_records(frame, path, root, columns, list(range(2, len(frame) + 2)))


def _parse_json_line(line: str, path: Path, lineno: int) -> dict[str, Any]:
    """One JSON Lines record, or a CorpusError naming the file, line and column."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CorpusError(
            f"malformed JSON at column {exc.colno} ({exc.msg}); each line must be one "
            "JSON object.",
            path=path,
            line=lineno,
        ) from exc
    if not isinstance(obj, dict):
        raise CorpusError(
            f"expected a JSON object, got {type(obj).__name__}.", path=path, line=lineno
        )
    return obj


def _jsonl_records(
    path: Path, root: Path, encoding: str, columns: dict[str, str | None]
) -> tuple[list[_Record], list[dict[str, Any]]]:
    text = _read_text_file(path, encoding)
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        rows.append(_parse_json_line(line, path, lineno))
        lines.append(lineno)
    frame = pd.DataFrame(rows)
    return _table_records(frame, path, root, columns, lines)


def _file_records(
    path: Path, root: Path, encoding: str, stories_per_file: str, columns: dict[str, str | None]
) -> tuple[list[_Record], list[dict[str, Any]]]:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return _text_file_records(path, root, encoding, stories_per_file), []
    if suffix == ".csv":
        return _csv_records(path, root, encoding, columns)
    if suffix in (".jsonl", ".ndjson"):
        return _jsonl_records(path, root, encoding, columns)
    raise CorpusError(
        f"unsupported file type {suffix!r}; use {', '.join(TEXT_SUFFIXES + TABLE_SUFFIXES)}.",
        path=path,
    )


# --------------------------------------------------------------------------- building tables


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


def _build(
    records: list[_Record],
    skipped: list[dict[str, Any]],
    method: Method,
    source: str,
    *,
    cache: Any = True,
    workers: int | None = None,
    progress: bool | None = None,
) -> Corpus:
    from analysis.cache import content_key
    from analysis.pipeline import map_chunks, segment_texts

    prepared = map_chunks(
        _prepare_chunk,
        [rec.raw_text for rec in records],
        workers=workers,
        progress=progress,
        desc="normalising",
    )
    story_rows: list[dict[str, Any]] = []
    used_ids: set[str] = set()
    seen_text: dict[str, str] = {}
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
                    "reason": "no text after normalisation",
                }
            )
            continue
        meta = rec.meta
        base_id = meta.get("id")
        base_id = str(base_id) if base_id not in (None, "") else _slug(body)
        story_id = base_id
        k = 2
        while story_id in used_ids:
            story_id = f"{base_id}-{k}"
            k += 1
        used_ids.add(story_id)
        title = meta.get("title")
        key = content_key(body)
        paragraphs = body.split("\n")
        has_title = isinstance(title, str) and title.strip()
        story_rows.append(
            {
                "story_id": story_id,
                "title": normalize_text(title) if has_title else _derive_title(body),
                "title_source": "input" if has_title else "derived from lead",
                "dateline": dateline,
                "outlet": meta.get("outlet"),
                "date": meta.get("date"),
                "url": meta.get("url"),
                "source_file": rec.source_file,
                "source_line": rec.source_line,
                "n_words": int(n_words),
                "n_sentences": 0,
                "n_paragraphs": len(paragraphs),
                "is_truncated": _SENTENCE_END.search(paragraphs[-1]) is None,
                "duplicate_of": seen_text.get(key),
                "text": body,
                "raw_text": rec.raw_text,
                "_key": key,
                **{k: v for k, v in meta.get("extras", {}).items() if k not in STORY_COLUMNS},
            }
        )
        seen_text.setdefault(key, story_id)
    stories = pd.DataFrame(story_rows)
    if stories.empty:
        stories = pd.DataFrame(columns=[*STORY_COLUMNS, "_key"])
    spans = None
    if len(stories):
        unique_texts = list(dict.fromkeys(stories["text"]))  # same text, same content key
        spans = segment_texts(
            unique_texts, method=method, cache=cache, workers=workers, progress=progress
        )
    sentences = _sentences_table(stories, spans)
    counts = sentences.groupby("story_id", sort=False).size()
    stories["n_sentences"] = stories["story_id"].map(counts).fillna(0)
    extra_cols = [c for c in stories.columns if c not in STORY_COLUMNS and c != "_key"]
    stories = stories[STORY_COLUMNS + extra_cols]
    stories["date"] = _parse_dates(stories["date"])
    for col in ("n_words", "n_sentences", "n_paragraphs", "source_line"):
        stories[col] = stories[col].astype("int64")
    stories["is_truncated"] = stories["is_truncated"].astype(bool)
    for col in ("dateline", "outlet", "url", "duplicate_of"):
        stories[col] = pd.Series(
            [None if pd.isna(v) else str(v) for v in stories[col]],
            index=stories.index,
            dtype=object,
        )
    skipped_frame = pd.DataFrame(skipped, columns=["source_file", "source_line", "reason"]).astype(
        {"source_line": "Int64"}
    )
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


def _iter_folder(path: Path) -> Iterator[Path]:
    for child in sorted(path.rglob("*")):
        hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
        if (
            child.is_file()
            and child.suffix.lower() in TEXT_SUFFIXES + TABLE_SUFFIXES
            and not hidden
        ):
            yield child


def load_corpus(
    path: str | Path | None = None,
    *,
    text_column: str | None = None,
    title_column: str | None = None,
    date_column: str | None = None,
    outlet_column: str | None = None,
    url_column: str | None = None,
    id_column: str | None = None,
    stories_per_file: Literal["auto", "one", "many"] = "auto",
    encoding: str = "utf-8",
    strict: bool = False,
    segmenter: Method = "hybrid",
    cache: Any = True,
    workers: int | None = None,
    progress: bool | None = None,
) -> Corpus:
    """Load articles from the seeds, a text file, a folder, a CSV or a JSON Lines file.

    Args:
        path: a ``.txt``/``.md``/``.csv``/``.jsonl`` file or a folder of them; ``None`` loads the
            project's ``seeds/`` folder.
        text_column, title_column, date_column, outlet_column, url_column, id_column: column
            names in tabular input. When ``None`` the usual names are tried (``text``/``body``;
            ``title``/``headline``; ``date``/``published``; ``outlet``/``source``; ``url``;
            ``id``); a column that is named but missing is an error.
        stories_per_file: how to read a text file: ``"auto"`` (blank lines separate stories when
            the file also has single-newline paragraphs, as in the seeds), ``"one"`` or ``"many"``.
        encoding: text encoding of the input files.
        strict: raise on the first bad file or record instead of skipping it with a warning.
        segmenter: sentence segmentation method (see :mod:`analysis.segment`).
        cache: ``True`` (default) reads and writes sentence spans in the on-disk cache
            (:mod:`analysis.cache`), ``False`` computes everything, or an ``ArticleCache``.
        workers: worker processes for segmentation (``None``: all cores on large corpora).
        progress: show a progress bar (``None``: only on large corpora).

    Returns:
        A :class:`Corpus` (see its attributes for every column).

    Raises:
        CorpusError: missing path, empty or binary file, undecodable bytes, a table without the
            text column, a malformed JSON line, or nothing loadable at all.
        ParameterError: an unknown ``stories_per_file`` value.

    >>> corpus = load_corpus()
    >>> corpus.stories["dateline"].tolist()
    [None, 'TOKYO', 'WASHINGTON', 'LOS ANGELES, CA']
    """
    if stories_per_file not in ("auto", "one", "many"):
        raise ParameterError(
            f"stories_per_file must be 'auto', 'one' or 'many', got {stories_per_file!r}"
        )
    source = "seeds" if path is None else str(path)
    root = config.SEEDS_DIR if path is None else Path(path).expanduser()
    if not root.exists():
        raise CorpusError(
            "no such file or folder; check the path (relative paths are taken from the "
            f"current folder, {Path.cwd()}).",
            path=root,
        )
    columns = {
        "text": text_column,
        "title": title_column,
        "date": date_column,
        "outlet": outlet_column,
        "url": url_column,
        "id": id_column,
    }
    files = [root] if root.is_file() else list(_iter_folder(root))
    if not files:
        raise CorpusError("the folder holds no .txt, .md, .csv or .jsonl files.", path=root)
    options = {
        "columns": columns,
        "stories_per_file": stories_per_file,
        "encoding": encoding,
        "strict": strict,
        "segmenter": segmenter,
    }
    cached = _cached_corpus(files, root, options, cache, source)
    if cached is not None:
        return cached
    records: list[_Record] = []
    skipped: list[dict[str, Any]] = []
    for file in files:
        try:
            recs, skips = _file_records(file, root, encoding, stories_per_file, columns)
        except CorpusError as exc:
            if strict or root.is_file():
                raise
            name = file.relative_to(root).as_posix()
            skipped.append({"source_file": name, "source_line": exc.line, "reason": str(exc)})
            warnings.warn(f"skipped {exc}", CorpusWarning, stacklevel=2)
            continue
        if skips and strict:
            first = skips[0]
            raise CorpusError(first["reason"], path=file, line=first["source_line"])
        records.extend(recs)
        skipped.extend(skips)
    if not records:
        reasons = "; ".join(s["reason"] for s in skipped[:3])
        raise CorpusError(f"no stories could be loaded ({reasons}).", path=root)
    corpus = _build(
        records, skipped, segmenter, source, cache=cache, workers=workers, progress=progress
    )
    _store_corpus(corpus, files, root, options, cache)
    return corpus


#: Bump when loading or normalisation can change a loaded corpus (part of the corpus cache key).
LOADER_VERSION = "corpus-1"
_OBJECT_COLUMNS = ("dateline", "outlet", "url", "duplicate_of")


def _corpus_key(files: list[Path], root: Path, options: dict[str, Any]) -> str:
    """SHA-256 of every input file's name and bytes and of the load options."""
    import hashlib

    from analysis.pipeline import SEGMENT_VERSION, _pysbd_version

    digest = hashlib.sha256(
        json.dumps(
            [LOADER_VERSION, SEGMENT_VERSION, _pysbd_version(), options], sort_keys=True
        ).encode()
    )
    for file in files:
        name = file.name if file == root else file.relative_to(root).as_posix()
        digest.update(name.encode() + b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()


def _restore_types(stories: pd.DataFrame) -> pd.DataFrame:
    for col in _OBJECT_COLUMNS:
        stories[col] = pd.Series(
            [None if pd.isna(v) else str(v) for v in stories[col]],
            index=stories.index,
            dtype=object,
        )
    return stories


def _cached_corpus(
    files: list[Path], root: Path, options: dict[str, Any], cache: Any, source: str
) -> Corpus | None:
    """The corpus as loaded before from the same bytes with the same options, if cached."""
    from analysis.cache import KEY_COLUMN
    from analysis.pipeline import resolve_cache

    store = resolve_cache(cache)
    if not store.enabled:
        return None
    try:
        key = _corpus_key(files, root, options)
    except OSError:
        return None
    parts = {}
    for part in ("stories", "sentences", "skipped"):
        frame, missing = store.load(f"corpus-{part}", LOADER_VERSION, [key])
        if missing:
            return None
        parts[part] = (
            frame.drop(columns=KEY_COLUMN) if frame is not None else pd.DataFrame()
        ).reset_index(drop=True)
    skipped = parts["skipped"]
    if skipped.empty:
        skipped = pd.DataFrame(columns=["source_file", "source_line", "reason"])
    skipped = skipped.astype({"source_line": "Int64"})
    for reason in skipped.get("reason", []):
        warnings.warn(f"skipped {reason}", CorpusWarning, stacklevel=3)
    return Corpus(
        stories=_restore_types(parts["stories"]),
        sentences=parts["sentences"],
        skipped=skipped,
        source=source,
    )


def _store_corpus(
    corpus: Corpus, files: list[Path], root: Path, options: dict[str, Any], cache: Any
) -> None:
    from analysis.cache import KEY_COLUMN
    from analysis.pipeline import resolve_cache

    store = resolve_cache(cache)
    if not store.enabled:
        return
    key = _corpus_key(files, root, options)
    skipped = corpus.skipped
    for part, frame in (
        ("stories", corpus.stories),
        ("sentences", corpus.sentences),
        ("skipped", skipped),
    ):
        store.store(
            f"corpus-{part}", LOADER_VERSION, frame.assign(**{KEY_COLUMN: key}), keys=[key]
        )


def from_dataframe(
    frame: pd.DataFrame,
    *,
    text_column: str | None = None,
    title_column: str | None = None,
    date_column: str | None = None,
    outlet_column: str | None = None,
    url_column: str | None = None,
    id_column: str | None = None,
    name: str = "<dataframe>",
    segmenter: Method = "hybrid",
    cache: Any = True,
    workers: int | None = None,
    progress: bool | None = None,
) -> Corpus:
    """Build a corpus from an in-memory table of articles (same columns rules as a CSV).

    Used by the Dask engine on each Parquet partition; ``name`` stands in for the file name in
    ``source_file`` and error messages. Rows with empty text are skipped and listed.

    >>> frame = pd.DataFrame({"text": ["One. Two.", "Three."], "source": ["A", "B"]})
    >>> from_dataframe(frame, cache=False).stories["outlet"].tolist()
    ['A', 'B']
    """
    columns = {
        "text": text_column,
        "title": title_column,
        "date": date_column,
        "outlet": outlet_column,
        "url": url_column,
        "id": id_column,
    }
    path = Path(name)
    records, skipped = _table_records(
        frame.reset_index(drop=True), path, path, columns, list(range(1, len(frame) + 1))
    )
    if not records:
        raise CorpusError("no rows with text.", path=name)
    return _build(
        records, skipped, segmenter, name, cache=cache, workers=workers, progress=progress
    )


def stories_from_texts(
    texts: Iterable[str], *, segmenter: Method = "hybrid", cache: Any = False
) -> Corpus:
    """Build a corpus from in-memory strings, one story each (handy in tests and notebooks).

    >>> stories_from_texts(["One sentence. Two sentences."]).stories["n_sentences"].tolist()
    [2]
    """
    records = [_Record(t, "<memory>", i + 1) for i, t in enumerate(texts)]
    if not records:
        raise ParameterError("stories_from_texts needs at least one text")
    return _build(records, [], segmenter, "<memory>", cache=cache)


# --------------------------------------------------------------------------- overview tables

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

    >>> story_overview(load_corpus())["n_sentences"].tolist()
    [48, 2, 3, 2]
    """
    table = corpus.stories[OVERVIEW_COLUMNS].copy()
    return table if max_rows is None else table.head(max_rows)


def sentence_length_summary(corpus: Corpus, *, group: str = "story_id") -> pd.DataFrame:
    """Words per sentence by ``group``: sentences, mean, median, min, max (sorted by group).

    ``group`` is any column of the stories table (``story_id``, ``outlet`` …).
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


def describe_corpus(corpus: Corpus) -> str:
    """A plain-language Markdown summary of the corpus, generated from its tables."""
    stories = corpus.stories
    n = len(stories)
    truncated = stories.loc[stories["is_truncated"], "story_id"].tolist()
    lengths = stories["n_words"]
    parts = [
        f"**{n:,} stories**, {len(corpus.sentences):,} sentences and {int(lengths.sum()):,} "
        f"words; stories run from {int(lengths.min()):,} to {int(lengths.max()):,} words "
        f"(median {lengths.median():,.0f})."
    ]
    if truncated:
        shown = ", ".join(f"`{s}`" for s in truncated[:5])
        more = f" and {len(truncated) - 5:,} more" if len(truncated) > 5 else ""
        parts.append(
            f"**{len(truncated):,} of {n:,} stories stop mid-sentence** (cut-off leads: "
            f"{shown}{more}). Their scores describe the opening only; compare them with full "
            "stories with care."
        )
    datelines = stories["dateline"].dropna()
    if len(datelines):
        parts.append(
            f"{len(datelines):,} stories open with a dateline "
            f"({', '.join(sorted(set(datelines))[:6])}); it is kept as a column and removed from "
            "the analysed text."
        )
    duplicates = int(stories["duplicate_of"].notna().sum())
    if duplicates:
        parts.append(f"{duplicates:,} stories repeat an earlier story's text (`duplicate_of`).")
    if len(corpus.skipped):
        parts.append(f"{len(corpus.skipped):,} inputs were skipped (see the skipped table).")
    return "\n\n".join(parts)


# --------------------------------------------------------------------------- selection

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
        A new :class:`Corpus` with the selected stories and their sentences.

    Raises:
        ParameterError: an unknown column, a filter that matches nothing, or a bad date.

    >>> select_stories(load_corpus(), filters={"dateline": ["TOKYO"]}).stories["story_id"].tolist()
    ['japans-cabinet-has-given-its-approval']
    """
    stories = corpus.stories
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
    if not keep.any():
        raise ParameterError(
            f"no story matches filters={filters!r}, date_from={date_from!r}, date_to={date_to!r}"
        )
    selected = stories.loc[keep].copy()
    for name, freq in PERIODS.items():
        if name not in selected.columns:
            periods = selected["date"].dt.to_period(freq)
            selected[name] = pd.Series(
                [None if pd.isna(p) else str(p) for p in periods],
                index=selected.index,
                dtype=object,
            )
    selected = selected.reset_index(drop=True)
    sentences = corpus.sentences[corpus.sentences["story_id"].isin(selected["story_id"])]
    return Corpus(
        stories=selected,
        sentences=sentences.reset_index(drop=True),
        skipped=corpus.skipped,
        source=corpus.source,
    )


def open_corpus(
    path: str | Path | None = None,
    *,
    filters: dict[str, Any] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    **load_options: Any,
) -> Corpus:
    """Load a corpus and select stories: what every notebook calls with its parameters.

    ``load_corpus(path, **load_options)`` then :func:`select_stories`.

    >>> open_corpus().stories.columns[-3:].tolist()
    ['month', 'quarter', 'year']
    """
    corpus = load_corpus(path, **load_options)
    return select_stories(corpus, filters=filters, date_from=date_from, date_to=date_to)
