r"""Loading articles into tidy tables: the seed file, folders of text files, CSV and JSON Lines.

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

Reading bytes as text (one rule for every file kind, :func:`_file_decoding`):

1. A byte order mark decides the encoding, whatever ``encoding`` says: UTF-32 LE/BE, UTF-8,
   UTF-16 LE/BE (the mark is dropped; a CorpusWarning says so when it is not ``encoding``).
2. Otherwise the bytes are decoded as ``encoding`` (``"utf-16"``/``"utf-32"`` without a mark do
   not say their byte order, so they go to step 3 first).
3. When that fails (a byte that is not valid ``encoding``, or text that is more than 10 %
   control characters, :data:`MAX_CONTROL_SHARE`), the encoding is detected with
   charset-normalizer (``from_bytes(data).best()``; windows-1252 when it ties with the best)
   and the file loads with a :class:`CorpusWarning` naming the file and the encoding used.
   Not for UTF-8 with a few bad bytes (at least as many valid multi-byte characters as bad
   bytes): that is damage, refused naming its line and byte, not a reason to read the whole
   file in another encoding.
4. When nothing reads the bytes: after a byte order mark, the error names the line and byte the
   mark's encoding cannot read (a cut-off file); a file with NUL bytes or mostly control bytes
   is refused as binary ("looks binary": a PNG, a zip); any other is refused naming the line
   and byte that is not valid ``encoding``.

A NUL character (U+0000) left in text that decoded is damage, wherever it is in the file: it is
reported with its line and column. A ``.txt``/``.md`` file holding one is refused (skipped in a
folder); a CSV record or JSON line holding one is skipped and listed in ``Corpus.skipped`` with
a warning (``strict=True``: raised). Escaped ``\u0000`` in a JSON string is a value, not damage:
normalisation drops it like other control characters.

Lines are physical lines: ``\n``, ``\r\n`` and ``\r`` end one (Unicode line separators inside
a line do not), so a reported line is the line an editor shows; a CSV record's line is the line
where it starts, counting the lines inside quoted fields.

Tables (CSV, JSON Lines, :func:`from_dataframe`): every record must have a string ``text`` with a
non-space character, and ``title``, ``date``, ``outlet``, ``url`` must be strings (or missing);
an ``id`` may be a string or a whole number (``7`` becomes ``"7"``), and a missing or blank id
gets the generated id. A CSV row with more or fewer fields than the header (an unquoted comma)
is never read into shifted columns. A record that breaks a rule is skipped and listed in
``Corpus.skipped`` with the reason (``"text in column 'text' is a number (42), expected a
string"``, ``"the row has 4 fields but the header has 3 …"``) and a warning, or raised as a
CorpusError with ``strict=True``.

Bad input raises :class:`~analysis.errors.CorpusError` naming the file, line or column. When a
folder holds a bad file among good ones, the good stories load, the bad file is listed in
``Corpus.skipped`` and a warning is issued, unless ``strict=True``. Duplicate stories (same
normalised text) are flagged in ``duplicate_of``, never dropped.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import itertools
import json
import math
import numbers
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from analysis import config
from analysis.errors import CorpusError, ParameterError
from analysis.normalize import normalize_text, tokenize
from analysis.safe import escape_markdown
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
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")
_SLUG_WORD = re.compile(r"[a-z0-9]+")


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
            - ``title_source`` (str): ``"input"`` or ``"derived from lead"``.
            - ``dateline`` (str or None): place of an opening dateline, removed from ``text``.
            - ``outlet`` (str or None): publisher/source column of tabular input.
            - ``date`` (datetime64 or NaT): parsed publication date.
            - ``url`` (str or None).
            - ``source_file`` (str): file name the story came from (relative to the corpus path).
            - ``source_line`` (int): 1-based line where the story starts (for CSV, the physical
              line where its record starts, lines inside quoted fields counted; for
              :func:`from_dataframe`, the row number).
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
        skipped: files or records that were not loaded: ``source_file``, ``source_line``
            (missing for a whole file), ``reason`` (without the file name, which is in
            ``source_file``). Empty when everything loaded.
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


# --------------------------------------------------------------------------- reading bytes as text

#: Byte order marks, the codec that reads (and drops) each, and its name in messages. A UTF-32 LE
#: mark begins with the UTF-16 LE one, so UTF-32 is tried first, then UTF-16.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32 LE"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32 BE"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 BE"),
)
#: Decoded text with more than this share of control characters (C0 except tab and line breaks,
#: DEL, C1) is binary data read as text (an image, a zip, a spreadsheet), not an article file.
MAX_CONTROL_SHARE = 0.10
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
#: Codecs whose name does not say the byte order: without a mark it must be detected.
_NO_BYTE_ORDER = frozenset({"utf-16", "utf-32"})
_READ_BLOCK = 1 << 20
#: Largest CSV field accepted (the csv module's default, 128 KiB, is less than a long article).
_MAX_CSV_FIELD = 1 << 30


@dataclass
class _Scan:
    """What decoding a file's bytes with one codec gave (see :func:`_scan`)."""

    codec: str
    chars: int = 0
    controls: int = 0
    has_text: bool = False
    error: str | None = None
    error_byte: int = 0
    error_line: int = 0
    text: str | None = None

    @property
    def binary(self) -> bool:
        return self.error is None and self.controls > MAX_CONTROL_SHARE * self.chars

    @property
    def usable(self) -> bool:
        return self.error is None and not self.binary


@dataclass(frozen=True)
class _Decoding:
    """How a file is read: the codec (it drops a byte order mark) and a warning, if any."""

    codec: str
    note: str | None = None
    text: str | None = None


def _count_breaks(text: str, after_cr: bool) -> int:
    """Line breaks in ``text`` (``\\r\\n``, ``\\r`` and ``\\n`` count one each)."""
    n = text.count("\n") + text.count("\r") - text.count("\r\n")
    return n - 1 if after_cr and text.startswith("\n") else n


def _scan(blocks: Iterable[bytes], codec: str, *, keep: bool = False) -> _Scan:
    """Decode ``blocks`` with ``codec``: characters, control characters, the first bad byte.

    Reads block by block (bounded memory); ``keep`` also returns the text.
    """
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    scan = _Scan(codec)
    pieces: list[str] = []
    consumed = breaks = 0
    after_cr = False
    for block in itertools.chain(blocks, [None]):
        final = block is None
        data = b"" if block is None else block
        state = decoder.getstate()
        try:
            piece = decoder.decode(data, final=final)
        except UnicodeDecodeError as exc:
            buffered = len(state[0])
            good = max(exc.start - buffered, 0)
            before = codecs.getincrementaldecoder(codec)(errors="replace")
            before.setstate(state)
            head = before.decode(data[:good])
            scan.error = str(exc.reason)
            scan.error_byte = consumed - buffered + exc.start
            scan.error_line = breaks + _count_breaks(head, after_cr) + 1
            return scan
        consumed += len(data)
        if not piece:
            continue
        scan.chars += len(piece)
        scan.controls += len(_CONTROL_CHARS.findall(piece))
        scan.has_text = scan.has_text or bool(piece.strip())
        breaks += _count_breaks(piece, after_cr)
        after_cr = piece.endswith("\r")
        if keep:
            pieces.append(piece)
    if keep:
        scan.text = "".join(pieces)
    return scan


def _family(codec: str) -> str:
    """``utf-16-le`` -> ``utf-16``, ``utf-8-sig`` -> ``utf-8``; other codecs by their own name."""
    name = codecs.lookup(codec).name
    for suffix in ("-sig", "-le", "-be"):
        name = name.removesuffix(suffix)
    return name


def _codec(encoding: str) -> str:
    """The codec's canonical name, or a ParameterError for an unknown encoding."""
    try:
        return codecs.lookup(encoding).name
    except (LookupError, TypeError) as exc:
        raise ParameterError(
            f"unknown encoding {encoding!r}; pass a Python codec name such as 'utf-8', "
            "'utf-16' or 'cp1252'"
        ) from exc


def _detect_encoding(data: bytes) -> str | None:
    """charset-normalizer's best guess (``from_bytes(data).best()``), or ``None``.

    Short texts often fit several 8-bit code pages equally well (cp1250 and cp1252 read
    ``caf\\xe9`` alike); when a match ties with the best one (same chaos and coherence) and can
    be windows-1252, windows-1252 is chosen: the WHATWG Encoding Standard's default for legacy
    Western text, and the usual encoding of news exported from Windows tools.
    """
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    for match in matches:
        tied = match.chaos == best.chaos and match.coherence == best.coherence
        if tied and "cp1252" in match.could_be_from_charset:
            return "cp1252"
    return str(best.encoding)


def _file_blocks(path: Path) -> Iterator[bytes]:
    try:
        with path.open("rb") as handle:
            while block := handle.read(_READ_BLOCK):
                yield block
    except OSError as exc:
        raise CorpusError(f"cannot read the file ({exc.strerror}).", path=path) from exc


def _file_decoding(
    path: Path, encoding: str, data: bytes | None = None, *, name: str | None = None
) -> _Decoding:
    """How to read ``path`` as text: the loader's one decoding rule (see the module docstring).

    ``data`` is the file's bytes when already read (the text is then decoded and returned too);
    otherwise the file is read block by block, and read whole only when its encoding has to be
    detected. ``name`` is the file's name in warnings (default: its file name).

    Raises:
        CorpusError: an empty file, a binary file, or bytes that no encoding reads (naming the
            line and byte).
    """
    expected = _codec(encoding)
    keep = data is not None
    name = path.name if name is None else name

    def blocks() -> Iterable[bytes]:
        return [data] if data is not None else _file_blocks(path)

    if data is not None:
        head = data[:4]
    else:
        try:
            with path.open("rb") as handle:
                head = handle.read(4)
        except OSError as exc:
            raise CorpusError(f"cannot read the file ({exc.strerror}).", path=path) from exc
    failures: list[_Scan] = []
    for mark, codec, label in _BOMS:
        if not head.startswith(mark):
            continue
        scan = _scan(blocks(), codec, keep=keep)
        if scan.usable:
            note = None
            if _family(codec) != _family(expected):
                note = (
                    f"{name}: the file starts with a {label} byte order mark, so it is read "
                    f"as {label}, not {encoding}."
                )
            return _checked(_Decoding(codec, note, scan.text), scan, path)
        failures.append(scan)
    tried = None
    if expected not in _NO_BYTE_ORDER:
        tried = _scan(blocks(), expected, keep=keep)
        if tried.usable:
            return _checked(_Decoding(expected, None, tried.text), tried, path)
    whole = data if data is not None else b"".join(_file_blocks(path))
    if not failures and _damaged_utf8(whole):
        usable = tried is not None and tried.codec == "utf-8" and tried.error is not None
        bad = tried if usable and tried is not None else _scan([whole], "utf-8")
        raise CorpusError(
            f"byte {bad.error_byte} is not valid UTF-8 ({bad.error}), but the rest of the file "
            "is UTF-8: the byte is damage, not another encoding. Fix or remove it on this "
            "line, or pass encoding= if the file really is in another encoding.",
            path=path,
            line=bad.error_line,
        )
    detected = _detect_encoding(whole)
    if detected is not None:
        found = _scan([whole], detected, keep=keep)
        if found.usable:
            note = None
            if _family(detected) != _family(expected):
                why = (
                    "byte order unknown without a byte order mark"
                    if tried is None
                    else f"line {tried.error_line}, byte {tried.error_byte}: {tried.error}"
                    if tried.error is not None
                    else f"{tried.controls:,} of {tried.chars:,} characters are control codes"
                )
                note = (
                    f"{name}: not readable as {encoding} ({why}); read as {detected}, "
                    "the encoding charset-normalizer detects. Check the loaded text, or pass "
                    "encoding= with the file's encoding."
                )
            return _checked(_Decoding(detected, note, found.text), found, path)
    if tried is None:  # utf-16/utf-32 without a mark and nothing detected: Python's default
        tried = _scan(blocks(), expected, keep=keep)
        if tried.usable:
            return _checked(_Decoding(expected, None, tried.text), tried, path)
    if failures and not any(s.binary for s in failures):  # a mark, then bytes it cannot read
        bad = failures[0]
        label = next(
            lb for mark, codec, lb in _BOMS if codec == bad.codec and head.startswith(mark)
        )
        raise CorpusError(
            f"the file starts with a {label} byte order mark, but byte {bad.error_byte} is not "
            f"valid {label} ({bad.error}); the file is cut off or damaged: re-save or re-export "
            "it.",
            path=path,
            line=bad.error_line,
        )
    if any(s.binary for s in [*failures, tried]) or b"\x00" in whole or _latin1_binary(whole):
        raise CorpusError(
            "the file looks binary (it contains NUL bytes or control codes and no text "
            "encoding reads it), not text; export the articles as UTF-8 .txt, .csv or .jsonl.",
            path=path,
        )
    raise CorpusError(
        f"byte {tried.error_byte} is not valid {encoding} ({tried.error}) and no other encoding "
        "was detected; re-save the file as UTF-8 or pass encoding= (for example 'cp1252').",
        path=path,
        line=tried.error_line,
    )


_UTF8_ESCAPED = re.compile("[\udc80-\udcff]")
_UTF8_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")


def _damaged_utf8(data: bytes) -> bool:
    """UTF-8 with a few bad bytes: at least as many valid multi-byte characters as bad bytes.

    Such a file is UTF-8 with damage (a stray cp1252 byte pasted in), not a file in another
    encoding: reading it all as, say, ISO 8859-10 would garble every accented letter.
    """
    text = data.decode("utf-8", errors="surrogateescape")
    bad = len(_UTF8_ESCAPED.findall(text))
    return 0 < bad <= len(_UTF8_NON_ASCII.findall(text))


def _latin1_binary(data: bytes) -> bool:
    """The bytes have more than ``MAX_CONTROL_SHARE`` control codes when read one per byte."""
    return len(_CONTROL_CHARS.findall(data.decode("latin-1"))) > MAX_CONTROL_SHARE * len(data)


def _checked(decoding: _Decoding, scan: _Scan, path: Path) -> _Decoding:
    if not scan.has_text:
        raise CorpusError("the file is empty; add article text or remove the file.", path=path)
    return decoding


def _read_text_file(path: Path, encoding: str, name: str) -> tuple[str, str | None]:
    """The file's text (decoded by :func:`_file_decoding`) and the warning to give, if any."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read the file ({exc.strerror}).", path=path) from exc
    decoding = _file_decoding(path, encoding, data, name=name)
    assert decoding.text is not None
    return decoding.text, decoding.note


def _decoded_lines(path: Path, codec: str) -> Iterator[str]:
    """The file's physical lines (endings kept; ``\\r\\n``, ``\\r``, ``\\n``), read lazily."""
    try:
        with path.open(encoding=codec, newline="") as handle:
            yield from handle
    except OSError as exc:
        raise CorpusError(f"cannot read the file ({exc.strerror}).", path=path) from exc


def _nul_position(text: str, first_line: int = 1) -> tuple[int, int] | None:
    """(line, column) of the first NUL character in ``text`` (1-based), or ``None``."""
    index = text.find("\x00")
    if index < 0:
        return None
    before = text[:index]
    line = first_line + _count_breaks(before, False)
    start = max(before.rfind("\n"), before.rfind("\r")) + 1
    return line, index - start + 1


def _nul_reason(line: int, column: int) -> str:
    return (
        f"a NUL character (U+0000) at line {line}, column {column}: the text is damaged (a "
        "binary export or a wrong encoding); remove the character or re-export the file."
    )


# --------------------------------------------------------------------------- raw records


@dataclass
class _Record:
    raw_text: str
    source_file: str
    source_line: int
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class _FileRead:
    """What one file gave: records, skipped rows and warnings about how it was read."""

    records: list[_Record]
    skipped: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _display_name(path: Path, root: Path) -> str:
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


def _text_file_records(path: Path, root: Path, encoding: str, stories_per_file: str) -> _FileRead:
    name = _display_name(path, root)
    text, note = _read_text_file(path, encoding, name)
    text = text.lstrip("\ufeff")
    nul = _nul_position(text)
    if nul is not None:
        raise CorpusError(_nul_reason(*nul), path=path, line=nul[0])
    blocks = _split_blocks(text)
    if not blocks or not any(normalize_text(b) for _, b in blocks):
        raise CorpusError("the file holds no text (only whitespace or markup).", path=path)
    many = stories_per_file == "many" or (
        stories_per_file == "auto" and len(blocks) > 1 and any("\n" in b for _, b in blocks)
    )
    notes = [] if note is None else [note]
    if many:
        return _FileRead([_Record(b, name, line) for line, b in blocks], notes=notes)
    return _FileRead([_Record(text.strip("\r\n"), name, blocks[0][0])], notes=notes)


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


# --------------------------------------------------------------------------- field values

#: Roles of the optional story columns, in the order their problems are reported.
_META_ROLES = ("title", "date", "outlet", "url", "id")
#: ``skipped`` reason of a story whose text is empty once normalised (listed after the records).
NO_TEXT_REASON = "no text after normalisation"


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


def _text_value(value: object, column: str, *, json_values: bool = False) -> tuple[str, str]:
    """``(text, "")`` for usable article text, else ``("", reason)``.

    The rule: a string with a non-space character. An empty string, or a missing cell of a CSV
    or DataFrame, is ``"empty text in column 'text'"``; a JSON ``null`` or missing key is
    ``"… is null or missing"``; any other type is named (``"… is a number (42), expected a
    string"``).
    """
    if isinstance(value, str):
        return (value, "") if value.strip() else ("", f"empty text in column {column!r}")
    if _is_missing(value):
        if json_values:
            return "", f"text in column {column!r} is null or missing; expected a string"
        return "", f"empty text in column {column!r}"
    return "", f"text in column {column!r} is {_kind(value)} ({_shown(value)}), expected a string"


def _meta_value(role: str, value: object, column: str) -> tuple[Any, str]:
    """``(value, "")`` for a usable title/date/outlet/url/id cell, else ``(None, reason)``.

    Missing cells are ``None``. Strings are kept as they are; a blank id is missing (the story
    gets a generated id). An id may also be a whole number (``7`` or ``7.0`` becomes ``"7"``);
    a date may also be a date or timestamp. Any other type (a number title, a list, an object, a
    boolean …) is a reason to skip the record.
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
    text, problem = _text_value(row[text_col], text_col, json_values=json_values)
    problems = [problem] if problem else []
    meta: dict[str, Any] = {}
    for role in _META_ROLES:
        column = roles.get(role)
        if column is None:
            continue
        value, problem = _meta_value(role, row[column], column)
        if problem:
            problems.append(problem)
        meta[role] = value
    if problems:
        return "", {}, "; ".join(problems)
    return text, meta, ""


def _table_roles(
    frame_columns: Iterable[str], path: Path, columns: dict[str, str | None]
) -> tuple[str, dict[str, str | None]]:
    available = list(frame_columns)
    text_col = _require_text_column(available, columns.get("text"), path)
    roles = {role: _pick_column(available, columns.get(role), role, path) for role in _META_ROLES}
    return text_col, roles


def _table_records(
    frame: pd.DataFrame,
    path: Path,
    root: Path,
    columns: dict[str, str | None],
    line_numbers: list[int],
    *,
    json_values: bool = False,
) -> tuple[list[_Record], list[dict[str, Any]]]:
    """Records of a table's rows; rows whose cells break the rules are skipped with the reason.

    See :func:`_text_value` and :func:`_meta_value` for the rules.
    """
    text_col, roles = _table_roles(frame.columns, path, columns)
    name = _display_name(path, root)
    used = {text_col, *(c for c in roles.values() if c is not None)}
    extra_cols = [c for c in frame.columns if c not in used and c not in STORY_COLUMNS]
    records: list[_Record] = []
    skipped: list[dict[str, Any]] = []
    for row, line in zip(frame.to_dict("records"), line_numbers, strict=True):
        text, meta, problem = _row_problem(row, text_col, roles, json_values=json_values)
        if problem:
            skipped.append({"source_file": name, "source_line": line, "reason": problem})
            continue
        meta["extras"] = {c: row[c] for c in extra_cols}
        records.append(_Record(text, name, line, meta))
    return records, skipped


# --------------------------------------------------------------------------- CSV


@dataclass(frozen=True)
class _CsvRecord:
    """One CSV record: the physical line where it starts, its fields and its raw text."""

    line: int
    fields: list[str]
    raw: str


def _csv_records_of(lines: Iterable[str], path: Path) -> Iterator[_CsvRecord]:
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
        last: _CsvRecord | None = None
        for fields in reader:
            record = _CsvRecord(start, fields, "".join(raw))
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


def _check_closed(record: _CsvRecord, path: Path) -> None:
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


def _csv_header(record: _CsvRecord | None, path: Path) -> list[str]:
    """Column names of the header record (repeated names get ``.1``, ``.2``; blank ones
    ``Unnamed: <i>``, as pandas names them)."""
    if record is None:
        raise CorpusError("the CSV is empty (no header).", path=path)
    nul = _nul_position(record.raw, record.line)
    if nul is not None:
        raise CorpusError(_nul_reason(*nul), path=path, line=nul[0])
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


def _csv_row_problem(record: _CsvRecord, n_columns: int) -> str:
    """Why a CSV record cannot be used ("" if it can): a NUL character, or a ragged row."""
    nul = _nul_position(record.raw, record.line)
    if nul is not None:
        return _nul_reason(*nul)
    if len(record.fields) != n_columns:
        return (
            f"the row has {len(record.fields)} fields but the header has {n_columns}: an "
            "unquoted comma (or a missing one) would shift its values into the wrong columns; "
            'quote fields that hold commas ("like, this") and load the file again.'
        )
    return ""


def _csv_records(
    path: Path, root: Path, encoding: str, columns: dict[str, str | None]
) -> _FileRead:
    name = _display_name(path, root)
    text, note = _read_text_file(path, encoding, name)
    records = _csv_records_of(io.StringIO(text, newline=""), path)
    header = _csv_header(next(records, None), path)
    rows: list[list[str]] = []
    lines: list[int] = []
    bad: list[dict[str, Any]] = []
    for record in records:
        problem = _csv_row_problem(record, len(header))
        if problem:
            bad.append({"source_file": name, "source_line": record.line, "reason": problem})
            continue
        rows.append(record.fields)
        lines.append(record.line)
    if not rows and not bad:
        raise CorpusError("the CSV has a header but no rows.", path=path)
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame = frame.map(lambda v: None if v == "" else v)
    good, skipped = _table_records(frame, path, root, columns, lines)
    skipped = sorted(bad + skipped, key=lambda s: s["source_line"])
    return _FileRead(good, skipped, [] if note is None else [note])


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


def _jsonl_objects_of(
    lines: Iterable[str], path: Path
) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """``(line, object, "")`` per non-blank JSON line, or ``(line, None, reason)`` for a line
    holding a NUL character. Lines end at ``\\n``, ``\\r\\n`` or ``\\r`` only (a JSON string may
    hold U+2028). Malformed JSON is a CorpusError naming the line and column."""
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        nul = _nul_position(line, lineno)
        if nul is not None:
            yield lineno, None, _nul_reason(*nul)
            continue
        yield lineno, _parse_json_line(line, path, lineno), ""


def _jsonl_records(
    path: Path, root: Path, encoding: str, columns: dict[str, str | None]
) -> _FileRead:
    name = _display_name(path, root)
    text, note = _read_text_file(path, encoding, name)
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    bad: list[dict[str, Any]] = []
    for lineno, obj, problem in _jsonl_objects_of(io.StringIO(text, newline=""), path):
        if obj is None:
            bad.append({"source_file": name, "source_line": lineno, "reason": problem})
            continue
        rows.append(obj)
        lines.append(lineno)
    notes = [] if note is None else [note]
    if not rows:  # every line held a NUL character (blank files are refused as empty)
        return _FileRead([], bad, notes)
    frame = pd.DataFrame(rows, dtype=object)
    good, skipped = _table_records(frame, path, root, columns, lines, json_values=True)
    skipped = sorted(bad + skipped, key=lambda s: s["source_line"])
    return _FileRead(good, skipped, notes)


def _file_records(
    path: Path, root: Path, encoding: str, stories_per_file: str, columns: dict[str, str | None]
) -> _FileRead:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return _text_file_records(path, root, encoding, stories_per_file)
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
                    "reason": NO_TEXT_REASON,
                }
            )
            continue
        meta = rec.meta
        base_id = meta.get("id")  # a non-blank string, or None (see _meta_value)
        if not isinstance(base_id, str) or not base_id.strip():
            base_id = _slug(body)
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
        encoding: the encoding the input files are expected in (a Python codec name). A byte
            order mark overrides it; a file it cannot read is read in the encoding
            charset-normalizer detects, with a :class:`CorpusWarning` (see the module docstring).
            Part of the corpus cache key, like ``stories_per_file``.
        strict: raise on the first bad file or record instead of skipping it with a warning.
        segmenter: sentence segmentation method (see :mod:`analysis.segment`).
        cache: ``True`` (default) reads and writes sentence spans in the on-disk cache
            (:mod:`analysis.cache`), ``False`` computes everything, or an ``ArticleCache``.
        workers: worker processes for segmentation (``None``: all cores on large corpora).
        progress: show a progress bar (``None``: only on large corpora).

    Returns:
        A :class:`Corpus` (see its attributes for every column).

    Raises:
        CorpusError: missing path, empty or binary file, undecodable bytes, a NUL character in a
            text file, a table without the text column, malformed CSV quoting, a malformed JSON
            line, nothing loadable at all; with ``strict=True`` also the first bad record (a
            ragged CSV row, a NUL character, a cell of the wrong type, empty text).
        ParameterError: an unknown ``stories_per_file`` value or ``encoding``.

    Warns:
        CorpusWarning: for each skipped file or record, and for each file read in another
            encoding than ``encoding``.

    >>> corpus = load_corpus()
    >>> corpus.stories["dateline"].tolist()
    [None, 'TOKYO', 'WASHINGTON', 'LOS ANGELES, CA']
    """
    if stories_per_file not in ("auto", "one", "many"):
        raise ParameterError(
            f"stories_per_file must be 'auto', 'one' or 'many', got {stories_per_file!r}"
        )
    _codec(encoding)
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
    notes: list[str] = []
    for file in files:
        try:
            read = _file_records(file, root, encoding, stories_per_file, columns)
        except CorpusError as exc:
            if strict or root.is_file():
                raise
            skip = {
                "source_file": _display_name(file, root),
                "source_line": exc.line,
                "reason": _reason(exc),
            }
            skipped.append(skip)
            warnings.warn(_skip_message(skip), CorpusWarning, stacklevel=2)
            continue
        for note in read.notes:
            warnings.warn(note, CorpusWarning, stacklevel=2)
        if read.skipped and strict:
            first = read.skipped[0]
            raise CorpusError(first["reason"], path=file, line=first["source_line"])
        for skip in read.skipped:
            warnings.warn(_skip_message(skip), CorpusWarning, stacklevel=2)
        records.extend(read.records)
        skipped.extend(read.skipped)
        notes.extend(read.notes)
    if not records:
        reasons = "; ".join(s["reason"] for s in skipped[:3])
        raise CorpusError(f"no stories could be loaded ({reasons}).", path=root)
    corpus = _build(
        records, skipped, segmenter, source, cache=cache, workers=workers, progress=progress
    )
    _store_corpus(corpus, files, root, options, cache, notes)
    return corpus


def _reason(exc: CorpusError) -> str:
    """A CorpusError's message without the ``path:line: `` prefix (the skipped table has both
    columns, and a path in it would differ from machine to machine)."""
    text = str(exc)
    if exc.path is None:
        return text
    rest = text.removeprefix(exc.path + (f":{exc.line}" if exc.line is not None else ""))
    if rest.startswith(": "):
        return rest[2:]
    if exc.column is not None and rest.startswith(" (column "):
        return rest[2:].replace("): ", ": ", 1)
    return text


def _skip_message(skip: dict[str, Any]) -> str:
    """The warning for one ``skipped`` row: ``"skipped <file>:<line>: <reason>"``."""
    line = skip.get("source_line")
    where = skip["source_file"] + ("" if line is None or pd.isna(line) else f":{int(line)}")
    return f"skipped {where}: {skip['reason']}"


#: Bump when loading or normalisation can change a loaded corpus (part of the corpus cache key).
LOADER_VERSION = "corpus-2"
_OBJECT_COLUMNS = ("dateline", "outlet", "url", "duplicate_of")


def _corpus_key(files: list[Path], root: Path, options: dict[str, Any]) -> str:
    """SHA-256 of every input file's name and bytes and of the load options."""
    import hashlib

    from analysis.pipeline import SEGMENT_VERSION, _pysbd_version

    detector = _package_version("charset-normalizer")  # it decides undeclared encodings
    digest = hashlib.sha256(
        json.dumps(
            [LOADER_VERSION, SEGMENT_VERSION, _pysbd_version(), detector, options],
            sort_keys=True,
        ).encode()
    )
    for file in files:
        name = file.name if file == root else file.relative_to(root).as_posix()
        digest.update(name.encode() + b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()


def _package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _restore_types(stories: pd.DataFrame) -> pd.DataFrame:
    for col in _OBJECT_COLUMNS:
        stories[col] = pd.Series(
            [None if pd.isna(v) else str(v) for v in stories[col]],
            index=stories.index,
            dtype=object,
        )
    return stories


#: Cached parts a corpus needs; ``skipped`` and ``notes`` are stored only when not empty (the
#: cache names packs by their bytes, and empty tables of different corpora have the same bytes).
_REQUIRED_PARTS = ("stories", "sentences")


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
    for part in ("stories", "sentences", "skipped", "notes"):
        frame, missing = store.load(f"corpus-{part}", LOADER_VERSION, [key])
        if missing and part in _REQUIRED_PARTS:
            return None
        parts[part] = (
            frame.drop(columns=KEY_COLUMN) if frame is not None else pd.DataFrame()
        ).reset_index(drop=True)
    skipped = parts["skipped"]
    if skipped.empty:
        skipped = pd.DataFrame(columns=["source_file", "source_line", "reason"])
    skipped = skipped.astype({"source_line": "Int64"})
    for note in parts["notes"].get("message", []):  # the same warnings as the first load
        warnings.warn(str(note), CorpusWarning, stacklevel=3)
    for skip in skipped.to_dict("records"):
        warnings.warn(_skip_message(skip), CorpusWarning, stacklevel=3)
    return Corpus(
        stories=_restore_types(parts["stories"]),
        sentences=parts["sentences"],
        skipped=skipped,
        source=source,
    )


def _store_corpus(
    corpus: Corpus,
    files: list[Path],
    root: Path,
    options: dict[str, Any],
    cache: Any,
    notes: list[str],
) -> None:
    from analysis.cache import KEY_COLUMN
    from analysis.pipeline import resolve_cache

    store = resolve_cache(cache)
    if not store.enabled:
        return
    key = _corpus_key(files, root, options)
    for part, frame in (  # stories last: once they are stored, every other part is too
        ("notes", pd.DataFrame({"message": pd.Series(notes, dtype=object)})),
        ("skipped", corpus.skipped),
        ("sentences", corpus.sentences),
        ("stories", corpus.stories),
    ):
        if frame.empty and part not in _REQUIRED_PARTS:
            continue  # an empty part is known from the stories being there
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
    ``source_file`` and error messages, and ``source_line`` is the 1-based row number. Rows are
    checked by the loader's cell rules (see :func:`load_corpus`): a row without usable text, or
    with a title/date/outlet/url/id of the wrong type, is skipped and listed in ``skipped``
    (missing cells, ``None`` or NaN, are empty).

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


#: Skipped inputs listed by :func:`describe_corpus` (the rest are counted).
DESCRIBED_SKIPS = 5


def describe_corpus(corpus: Corpus) -> str:
    """A plain-language Markdown summary of the corpus, generated from its tables.

    Every value taken from the corpus (story ids, datelines, file names, skip reasons) passes
    through :func:`analysis.safe.escape_markdown`, so a hostile input file cannot put a link,
    markup or raw HTML into a report; values are shown as plain text, not code spans (a code span
    cannot escape a backtick).

    >>> text = describe_corpus(load_corpus())
    >>> text.startswith("**4 stories**"), "`" in text
    (True, False)
    """
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
        shown = ", ".join(escape_markdown(s) for s in truncated[:5])
        more = f" and {len(truncated) - 5:,} more" if len(truncated) > 5 else ""
        parts.append(
            f"**{len(truncated):,} of {n:,} stories stop mid-sentence** (cut-off leads: "
            f"{shown}{more}). Their scores describe the opening only; compare them with full "
            "stories with care."
        )
    datelines = stories["dateline"].dropna()
    if len(datelines):
        places = ", ".join(escape_markdown(d) for d in sorted(set(datelines))[:6])
        parts.append(
            f"{len(datelines):,} stories open with a dateline ({places}); it is kept as a column "
            "and removed from the analysed text."
        )
    duplicates = int(stories["duplicate_of"].notna().sum())
    if duplicates:
        parts.append(f"{duplicates:,} stories repeat an earlier story's text (`duplicate_of`).")
    skipped = corpus.skipped
    if len(skipped):
        listed = []
        for row in skipped.head(DESCRIBED_SKIPS).to_dict("records"):
            line = row.get("source_line")
            where = escape_markdown(row.get("source_file"))
            if line is not None and not pd.isna(line):
                where += f" line {int(line)}"
            listed.append(f"{where}: {escape_markdown(row.get('reason'))}")
        more = len(skipped) - len(listed)
        parts.append(
            f"{len(skipped):,} inputs were skipped (see the skipped table): "
            + "; ".join(listed)
            + (f"; and {more:,} more." if more > 0 else ".")
        )
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
    stories_per_file: Literal["auto", "one", "many"] = "auto",
    encoding: str = "utf-8",
    **load_options: Any,
) -> Corpus:
    """Load a corpus and select stories: what every notebook calls with its parameters.

    ``load_corpus(path, stories_per_file=..., encoding=..., **load_options)`` then
    :func:`select_stories`. ``stories_per_file`` and ``encoding`` are named here so a report
    runner passes the same reading options to the analysis pass and to every notebook; both are
    part of the corpus cache key (see :func:`load_corpus`).

    >>> open_corpus().stories.columns[-3:].tolist()
    ['month', 'quarter', 'year']
    """
    corpus = load_corpus(
        path, stories_per_file=stories_per_file, encoding=encoding, **load_options
    )
    return select_stories(corpus, filters=filters, date_from=date_from, date_to=date_to)
