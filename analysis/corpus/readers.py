r"""Records of every file kind the loader reads: text files, CSV and JSON Lines.

Each reader decodes its file by the one rule of :mod:`analysis.corpus.decoding` and returns
:class:`Record` objects (the raw story text, where it came from, its metadata) plus the
records it skipped, with the reason. The Dask engine's Parquet writer reuses the CSV and JSON
Lines readers and the cell rules here, so both read a file the same way.

Plain-text files (``.txt``, ``.md``) follow the seed file's convention: stories are separated by
blank lines and paragraphs inside a story by single newlines. A file whose blank-line-separated
blocks are all single paragraphs is ambiguous (one story with blank-line paragraphs, or several
one-paragraph stories); ``stories_per_file="auto"`` reads such a file as **one** story unless it
has single-newline paragraphs somewhere, and ``"one"``/``"many"`` force either reading. When
furniture removal is on, a block that is one headline-like line is read with the block after it
(``Headline\n\nPLACE – Body…`` is one story whose title is the headline).

A NUL character (U+0000) left in decoded text is damage: a ``.txt``/``.md`` file holding one is
refused; a CSV record or JSON line holding one is skipped with the reason. Escaped ``\u0000``
in a JSON string is a value, not damage: normalisation drops it like other control characters.

Lines are physical lines: ``\n``, ``\r\n`` and ``\r`` end one (Unicode line separators inside
a line do not); a CSV record's line is the line where it starts, counting the lines inside
quoted fields.

Tables (CSV, JSON Lines, :func:`~analysis.corpus.from_dataframe`): every record must have a
string ``text`` with a non-space character (:func:`text_value`, the usable-text rule), and
``title``, ``date``, ``outlet``, ``url`` must be strings (or missing); an ``id`` may be a string
or a whole number (``7`` becomes ``"7"``), and a missing or blank id gets the generated id
(:func:`meta_value`). A CSV row with more or fewer fields than the header (an unquoted comma)
is never read into shifted columns. A record that breaks a rule is skipped with the reason
(``"text in column 'text' is a number (42), expected a string"``, ``"the row has 4 fields but
the header has 3 …"``).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
import numbers
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.corpus.decoding import (
    decoded_lines,
    file_decoding,
    nul_position,
    nul_reason,
    read_text_file,
)
from analysis.corpus.schema import STORY_COLUMNS
from analysis.errors import CorpusError
from analysis.normalize import normalize_text

__all__ = [
    "DEFAULT_COLUMNS",
    "TABLE_SUFFIXES",
    "TEXT_SUFFIXES",
    "CsvRecord",
    "FileRead",
    "Record",
    "csv_header",
    "csv_records_of",
    "csv_row_problem",
    "display_name",
    "file_records",
    "has_text",
    "jsonl_objects_of",
    "meta_value",
    "pick_column",
    "require_text_column",
    "table_records",
    "table_roles",
    "text_value",
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
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: Largest CSV field accepted (the csv module's default, 128 KiB, is less than a long article).
_MAX_CSV_FIELD = 1 << 30
#: Roles of the optional story columns, in the order their problems are reported.
_META_ROLES = ("title", "date", "outlet", "url", "id")


# --------------------------------------------------------------------------- raw records


@dataclass
class Record:
    """One story as read: its raw text, file and 1-based line, and metadata from its columns."""

    raw_text: str
    source_file: str
    source_line: int
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class FileRead:
    """What one file gave: records, skipped rows and warnings about how it was read."""

    records: list[Record]
    skipped: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def display_name(path: Path, root: Path) -> str:
    """The file's name in tables and messages: relative to the corpus folder, or its name."""
    return path.relative_to(root).as_posix() if path != root else path.name


def _split_blocks(text: str) -> list[tuple[int, str]]:
    """Blocks separated by blank lines, with the 1-based line where each starts."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start_line = 1
    for lineno, line in enumerate(_LINE_BREAK.split(text), start=1):
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


def _join_headline_blocks(blocks: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join a block that is one headline-like line to the block after it (its story)."""
    from analysis.corpus.furniture import looks_like_headline  # (a cycle at import time)

    joined: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for line, block in blocks:
        if pending is not None:
            joined.append((pending[0], pending[1] + "\n" + block))
            pending = None
            continue
        if "\n" not in block and looks_like_headline(normalize_text(block)):
            pending = (line, block)
            continue
        joined.append((line, block))
    if pending is not None:
        joined.append(pending)
    return joined


def _text_file_records(
    path: Path, root: Path, encoding: str, stories_per_file: str, *, headlines: bool = False
) -> FileRead:
    name = display_name(path, root)
    text, note = read_text_file(path, encoding, name)
    text = text.lstrip("\ufeff")
    nul = nul_position(text)
    if nul is not None:
        raise CorpusError(nul_reason(*nul), path=path, line=nul[0])
    blocks = _split_blocks(text)
    if not blocks or not any(normalize_text(b) for _, b in blocks):
        raise CorpusError("the file holds no text (only whitespace or markup).", path=path)
    many = stories_per_file == "many" or (
        stories_per_file == "auto" and len(blocks) > 1 and any("\n" in b for _, b in blocks)
    )
    notes = [] if note is None else [note]
    if many and headlines:
        blocks = _join_headline_blocks(blocks)
    if many:
        return FileRead([Record(b, name, line) for line, b in blocks], notes=notes)
    return FileRead([Record(text.strip("\r\n"), name, blocks[0][0])], notes=notes)


def pick_column(available: Iterable[str], wanted: str | None, role: str, path: Path) -> str | None:
    """The column playing ``role``: ``wanted`` (which must exist), else a usual name, else None.

    >>> pick_column(["Headline", "Body"], None, "title", Path("a.csv"))
    'Headline'
    """
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


def require_text_column(available: Iterable[str], wanted: str | None, path: Path) -> str:
    """The text column (``wanted`` or a usual name), or a CorpusError listing the columns."""
    available = list(available)
    column = pick_column(available, wanted, "text", path)
    if column is None:
        raise CorpusError(
            f"no text column found (looked for {list(DEFAULT_COLUMNS['text'])}); the columns "
            f"are {available}. Pass the column holding article text as text_column=.",
            path=path,
        )
    return column


# --------------------------------------------------------------------------- field values


def _is_missing(value: object) -> bool:
    """``None``, NaN, ``pd.NA`` or ``NaT``: a missing cell (not a list or other container)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _kind(value: object) -> str:
    """What a value is, in a message: ``"a number"``, ``"a list"``, ``"null"`` …"""
    if _is_missing(value):
        return "null"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool | np.bool_):
        return "a boolean"
    if isinstance(value, numbers.Number):
        return "a number"
    if isinstance(value, list | tuple | np.ndarray):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def _shown(value: object, limit: int = 40) -> str:
    """A short rendering of a bad value for a message."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_value(value: object, column: str, *, json_values: bool = False) -> tuple[str, str]:
    """``(text, "")`` for usable article text, else ``("", reason)``: the usable-text rule.

    The rule: a string with a non-space character. An empty string, or a missing cell of a CSV
    or DataFrame, is ``"empty text in column 'text'"``; a JSON ``null`` or missing key is
    ``"… is null or missing"``; any other type is named (``"… is a number (42), expected a
    string"``).

    >>> text_value(42, "text")
    ('', "text in column 'text' is a number (42), expected a string")
    """
    if isinstance(value, str):
        return (value, "") if value.strip() else ("", f"empty text in column {column!r}")
    if _is_missing(value):
        if json_values:
            return "", f"text in column {column!r} is null or missing; expected a string"
        return "", f"empty text in column {column!r}"
    return "", f"text in column {column!r} is {_kind(value)} ({_shown(value)}), expected a string"


def has_text(value: object) -> bool:
    """Whether a text cell is usable article text (:func:`text_value` gives no reason).

    >>> has_text("A story."), has_text("  "), has_text(None)
    (True, False, False)
    """
    return not text_value(value, "text")[1]


def meta_value(role: str, value: object, column: str) -> tuple[Any, str]:
    """``(value, "")`` for a usable title/date/outlet/url/id cell, else ``(None, reason)``.

    Missing cells are ``None``. Strings are kept as they are; a blank id is missing (the story
    gets a generated id). An id may also be a whole number (``7`` or ``7.0`` becomes ``"7"``);
    a date may also be a date or timestamp. Any other type (a number title, a list, an object, a
    boolean …) is a reason to skip the record.

    >>> meta_value("id", 7.0, "id")
    ('7', '')
    """
    if _is_missing(value):
        return None, ""
    if isinstance(value, str):
        if role == "id":
            return (value, "") if value.strip() else (None, "")
        return value, ""
    if role == "id" and isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(int(value)), ""
    if (
        role == "id"
        and isinstance(value, float | np.floating)
        and math.isfinite(value)
        and float(value).is_integer()
    ):
        return str(int(value)), ""
    if role == "date" and isinstance(value, datetime.date | np.datetime64):
        return value, ""
    expected = "a string or a whole number" if role == "id" else "a string"
    if role == "date":
        expected = "a date string such as '2024-01-05'"
    return None, (
        f"{role} in column {column!r} is {_kind(value)} ({_shown(value)}), expected {expected}"
    )


def _row_problem(
    row: dict[str, Any],
    text_col: str,
    roles: dict[str, str | None],
    *,
    json_values: bool = False,
) -> tuple[str, dict[str, Any], str]:
    """``(text, meta, "")`` for a usable record, else ``("", {}, reasons joined by "; ")``."""
    text, problem = text_value(row[text_col], text_col, json_values=json_values)
    problems = [problem] if problem else []
    meta: dict[str, Any] = {}
    for role in _META_ROLES:
        column = roles.get(role)
        if column is None:
            continue
        value, problem = meta_value(role, row[column], column)
        if problem:
            problems.append(problem)
        meta[role] = value
    if problems:
        return "", {}, "; ".join(problems)
    return text, meta, ""


def table_roles(
    frame_columns: Iterable[str], path: Path, columns: dict[str, str | None]
) -> tuple[str, dict[str, str | None]]:
    """The text column and the column of each optional role (title, date, outlet, url, id)."""
    available = list(frame_columns)
    text_col = require_text_column(available, columns.get("text"), path)
    roles = {role: pick_column(available, columns.get(role), role, path) for role in _META_ROLES}
    return text_col, roles


def table_records(
    frame: pd.DataFrame,
    path: Path,
    root: Path,
    columns: dict[str, str | None],
    line_numbers: list[int],
    *,
    json_values: bool = False,
) -> tuple[list[Record], list[dict[str, Any]]]:
    """Records of a table's rows; rows whose cells break the rules are skipped with the reason.

    See :func:`text_value` and :func:`meta_value` for the rules. Does not mutate ``frame``.
    """
    return _row_records(
        list(frame.columns),
        frame.to_dict("records"),
        path,
        root,
        columns,
        line_numbers,
        json_values=json_values,
    )


def _row_records(
    names: list[str],
    rows: Iterable[dict[str, Any]],
    path: Path,
    root: Path,
    columns: dict[str, str | None],
    line_numbers: list[int],
    *,
    json_values: bool = False,
) -> tuple[list[Record], list[dict[str, Any]]]:
    """:func:`table_records` of rows given as dicts keyed by the column ``names``."""
    text_col, roles = table_roles(names, path, columns)
    name = display_name(path, root)
    used = {text_col, *(c for c in roles.values() if c is not None)}
    extra_cols = [c for c in names if c not in used and c not in STORY_COLUMNS]
    records: list[Record] = []
    skipped: list[dict[str, Any]] = []
    for row, line in zip(rows, line_numbers, strict=True):
        text, meta, problem = _row_problem(row, text_col, roles, json_values=json_values)
        if problem:
            skipped.append({"source_file": name, "source_line": line, "reason": problem})
            continue
        meta["extras"] = {c: row[c] for c in extra_cols}
        records.append(Record(text, name, line, meta))
    return records, skipped


# --------------------------------------------------------------------------- CSV


@dataclass(frozen=True)
class CsvRecord:
    """One CSV record: the physical line where it starts, its fields and its raw text."""

    line: int
    fields: list[str]
    raw: str


def csv_records_of(lines: Iterable[str], path: Path) -> Iterator[CsvRecord]:
    """The non-blank records of CSV text given as physical lines (endings kept).

    Quoted fields may span lines; each record's ``line`` counts those lines, so it is the line
    an editor shows. Parsing follows the csv module's default dialect (RFC 4180 quoting, as
    pandas reads it). A quote that is never closed is a CorpusError naming the line it opens on.
    """
    raw: list[str] = []

    def feed() -> Iterator[str]:
        for line in lines:
            raw.append(line)
            yield line

    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, _MAX_CSV_FIELD))
    try:
        reader = csv.reader(feed())
        start = 1
        last: CsvRecord | None = None
        for fields in reader:
            record = CsvRecord(start, fields, "".join(raw))
            raw.clear()
            start = reader.line_num + 1
            if record.raw.strip():
                if last is not None:
                    yield last
                last = record
        if last is not None:
            _check_closed(last, path)
            yield last
    except csv.Error as exc:
        raise CorpusError(
            f"malformed CSV in the record starting on line {start} ({exc}); check the quoting "
            "of that record.",
            path=path,
            line=start,
        ) from exc
    finally:
        csv.field_size_limit(limit)


def _check_closed(record: CsvRecord, path: Path) -> None:
    """The last record must not end inside a quoted field (it would swallow the file's end)."""
    try:
        list(csv.reader(io.StringIO(record.raw, newline=""), strict=True))
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise CorpusError(
                "a quoted field opened in the record starting on this line is never closed, so "
                'the rest of the file would be one field; close the quote (") or remove it.',
                path=path,
                line=record.line,
            ) from exc


def csv_header(record: CsvRecord | None, path: Path) -> list[str]:
    """Column names of the header record (repeated names get ``.1``, ``.2``; blank ones
    ``Unnamed: <i>``, as pandas names them)."""
    if record is None:
        raise CorpusError("the CSV is empty (no header).", path=path)
    nul = nul_position(record.raw, record.line)
    if nul is not None:
        raise CorpusError(nul_reason(*nul), path=path, line=nul[0])
    names: list[str] = []
    seen: set[str] = set()
    for i, field_name in enumerate(record.fields):
        name = field_name if field_name != "" else f"Unnamed: {i}"
        base, k = name, 1
        while name in seen:
            name = f"{base}.{k}"
            k += 1
        seen.add(name)
        names.append(name)
    return names


def csv_row_problem(record: CsvRecord, n_columns: int) -> str:
    """Why a CSV record cannot be used ("" if it can): a NUL character, or a ragged row."""
    nul = nul_position(record.raw, record.line)
    if nul is not None:
        return nul_reason(*nul)
    if len(record.fields) != n_columns:
        return (
            f"the row has {len(record.fields)} fields but the header has {n_columns}: an "
            "unquoted comma (or a missing one) would shift its values into the wrong columns; "
            'quote fields that hold commas ("like, this") and load the file again.'
        )
    return ""


def _streamed_lines(path: Path, encoding: str, name: str) -> tuple[Iterator[str], str | None]:
    """A table file's physical lines, decoded by the loader's rule and read lazily (the
    file's text is never held whole), and the decoding warning, if any."""
    decoding = file_decoding(path, encoding, name=name)
    return decoded_lines(path, decoding.codec), decoding.note


def _csv_records(
    path: Path, root: Path, encoding: str, columns: dict[str, str | None]
) -> FileRead:
    name = display_name(path, root)
    text, note = _streamed_lines(path, encoding, name)
    records = csv_records_of(text, path)
    header = csv_header(next(records, None), path)
    rows: list[list[str]] = []
    lines: list[int] = []
    bad: list[dict[str, Any]] = []
    for record in records:
        problem = csv_row_problem(record, len(header))
        if problem:
            bad.append({"source_file": name, "source_line": record.line, "reason": problem})
            continue
        rows.append(record.fields)
        lines.append(record.line)
    if not rows and not bad:
        raise CorpusError("the CSV has a header but no rows.", path=path)
    del text, records
    good, skipped = _row_records(header, _csv_dicts(header, rows), path, root, columns, lines)
    skipped = sorted(bad + skipped, key=lambda s: s["source_line"])
    return FileRead(good, skipped, [] if note is None else [note])


def _csv_dicts(header: list[str], rows: list[list[str]]) -> Iterator[dict[str, Any]]:
    """Each CSV row as a dict, an empty field missing, as a pandas table of the rows gives them
    (``NaN`` in a column with a value, ``None`` in a column without any); ``rows`` is emptied
    as it is read."""
    filled = [False] * len(header)
    for fields in rows:
        for i, value in enumerate(fields):
            if value != "":
                filled[i] = True
    empty = [math.nan if f else None for f in filled]
    for index, fields in enumerate(rows):
        rows[index] = []
        yield {
            name: value if value != "" else missing
            for name, value, missing in zip(header, fields, empty, strict=True)
        }


# --------------------------------------------------------------------------- JSON Lines


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


def jsonl_objects_of(
    lines: Iterable[str], path: Path
) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """``(line, object, "")`` per non-blank JSON line, or ``(line, None, reason)`` for a line
    holding a NUL character. Lines end at ``\\n``, ``\\r\\n`` or ``\\r`` only (a JSON string may
    hold U+2028). Malformed JSON is a CorpusError naming the line and column."""
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        nul = nul_position(line, lineno)
        if nul is not None:
            yield lineno, None, nul_reason(*nul)
            continue
        yield lineno, _parse_json_line(line, path, lineno), ""


def _jsonl_records(
    path: Path, root: Path, encoding: str, columns: dict[str, str | None]
) -> FileRead:
    name = display_name(path, root)
    text, note = _streamed_lines(path, encoding, name)
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    bad: list[dict[str, Any]] = []
    for lineno, obj, problem in jsonl_objects_of(text, path):
        if obj is None:
            bad.append({"source_file": name, "source_line": lineno, "reason": problem})
            continue
        rows.append(obj)
        lines.append(lineno)
    notes = [] if note is None else [note]
    if not rows:  # every line held a NUL character (blank files are refused as empty)
        return FileRead([], bad, notes)
    frame = pd.DataFrame(rows, dtype=object)
    good, skipped = table_records(frame, path, root, columns, lines, json_values=True)
    skipped = sorted(bad + skipped, key=lambda s: s["source_line"])
    return FileRead(good, skipped, notes)


def file_records(
    path: Path,
    root: Path,
    encoding: str,
    stories_per_file: str,
    columns: dict[str, str | None],
    *,
    headlines: bool = False,
) -> FileRead:
    """The records of one ``.txt``/``.md``/``.csv``/``.jsonl``/``.ndjson`` file.

    With ``headlines`` (the loader's ``furniture`` option), a plain-text block that is a single
    headline-like line (:func:`analysis.corpus.furniture.looks_like_headline`) followed by
    another block starts that block's story instead of being a story of its own.

    Raises:
        CorpusError: an unsupported file type, or a file its reader refuses.
    """
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return _text_file_records(path, root, encoding, stories_per_file, headlines=headlines)
    if suffix == ".csv":
        return _csv_records(path, root, encoding, columns)
    if suffix in (".jsonl", ".ndjson"):
        return _jsonl_records(path, root, encoding, columns)
    raise CorpusError(
        f"unsupported file type {suffix!r}; use {', '.join(TEXT_SUFFIXES + TABLE_SUFFIXES)}.",
        path=path,
    )
