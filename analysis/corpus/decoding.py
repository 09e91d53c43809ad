r"""Reading bytes as text: the one decoding rule for every file kind the loader reads.

The rule (:func:`file_decoding`):

1. A byte order mark decides the encoding, whatever ``encoding`` says: UTF-32 LE/BE, UTF-8,
   UTF-16 LE/BE (the mark is dropped; a CorpusWarning says so when it is not ``encoding``).
2. Otherwise the bytes are decoded as ``encoding`` (``"utf-16"``/``"utf-32"`` without a mark do
   not say their byte order, so they go to step 3 first).
3. When that fails (a byte that is not valid ``encoding``, or text that is more than 10 %
   control characters, :data:`MAX_CONTROL_SHARE`), the encoding is detected with
   charset-normalizer (``from_bytes(data).best()``; windows-1252 when it ties with the best)
   and the file loads with a :class:`~analysis.corpus.CorpusWarning` naming the file and the
   encoding used. Not for UTF-8 with a few bad bytes (at least as many valid multi-byte
   characters as bad bytes): that is damage, refused naming its line and byte, not a reason to
   read the whole file in another encoding.
4. When nothing reads the bytes: after a byte order mark, the error names the line and byte the
   mark's encoding cannot read (a cut-off file); a file with NUL bytes or mostly control bytes
   is refused as binary ("looks binary": a PNG, a zip); any other is refused naming the line
   and byte that is not valid ``encoding``.

A NUL character (U+0000) left in text that decoded is damage, wherever it is in the file:
:func:`nul_position` finds its line and column and :func:`nul_reason` says so.

Lines are physical lines: ``\n``, ``\r\n`` and ``\r`` end one (Unicode line separators inside
a line do not), so a reported line is the line an editor shows.
"""

from __future__ import annotations

import codecs
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import CorpusError, ParameterError

__all__ = [
    "MAX_CONTROL_SHARE",
    "Decoding",
    "codec_name",
    "decoded_lines",
    "file_decoding",
    "nul_position",
    "nul_reason",
    "read_text_file",
]

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
_UTF8_ESCAPED = re.compile("[\udc80-\udcff]")
_UTF8_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")


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
class Decoding:
    """How a file is read: the codec (it drops a byte order mark) and a warning, if any.

    Attributes:
        codec: the codec to read the file with.
        note: the warning to give (the file was not read as the ``encoding`` asked for).
        text: the decoded text, when the caller passed the file's bytes.
    """

    codec: str
    note: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class _Bytes:
    """A file's bytes: already read (``data``), or read block by block from ``path``."""

    path: Path
    data: bytes | None

    @property
    def keep(self) -> bool:
        """Decoding returns the text too (the bytes were read whole anyway)."""
        return self.data is not None

    def head(self) -> bytes:
        if self.data is not None:
            return self.data[:4]
        try:
            with self.path.open("rb") as handle:
                return handle.read(4)
        except OSError as exc:
            raise CorpusError(f"cannot read the file ({exc.strerror}).", path=self.path) from exc

    def blocks(self) -> Iterable[bytes]:
        return [self.data] if self.data is not None else _file_blocks(self.path)

    def whole(self) -> bytes:
        return self.data if self.data is not None else b"".join(_file_blocks(self.path))


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


def codec_name(encoding: str) -> str:
    """The codec's canonical name, or a ParameterError for an unknown encoding.

    >>> codec_name("UTF8")
    'utf-8'
    """
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


def file_decoding(
    path: Path, encoding: str, data: bytes | None = None, *, name: str | None = None
) -> Decoding:
    """How to read ``path`` as text: the loader's one decoding rule (see the module docstring).

    ``data`` is the file's bytes when already read (the text is then decoded and returned too);
    otherwise the file is read block by block, and read whole only when its encoding has to be
    detected. ``name`` is the file's name in warnings (default: its file name).

    Raises:
        CorpusError: an empty file, a binary file, or bytes that no encoding reads (naming the
            line and byte).
    """
    expected = codec_name(encoding)
    name = path.name if name is None else name
    source = _Bytes(path, data)
    head = source.head()
    failures: list[_Scan] = []
    for mark, codec, label in _BOMS:
        if not head.startswith(mark):
            continue
        scan = _scan(source.blocks(), codec, keep=source.keep)
        if scan.usable:
            note = None
            if _family(codec) != _family(expected):
                note = (
                    f"{name}: the file starts with a {label} byte order mark, so it is read "
                    f"as {label}, not {encoding}."
                )
            return _checked(Decoding(codec, note, scan.text), scan, path)
        failures.append(scan)
    tried = None
    if expected not in _NO_BYTE_ORDER:
        tried = _scan(source.blocks(), expected, keep=source.keep)
        if tried.usable:
            return _checked(Decoding(expected, None, tried.text), tried, path)
    whole = source.whole()
    if not failures and _damaged_utf8(whole):
        raise _damage_error(tried, whole, path)
    detected = _detected_decoding(whole, tried, expected, encoding, name, source)
    if detected is not None:
        return detected
    if tried is None:  # utf-16/utf-32 without a mark and nothing detected: Python's default
        tried = _scan(source.blocks(), expected, keep=source.keep)
        if tried.usable:
            return _checked(Decoding(expected, None, tried.text), tried, path)
    raise _refusal(failures, tried, head, whole, encoding, path)


def _damage_error(tried: _Scan | None, whole: bytes, path: Path) -> CorpusError:
    """The error for UTF-8 with a few bad bytes (see :func:`_damaged_utf8`)."""
    usable = tried is not None and tried.codec == "utf-8" and tried.error is not None
    bad = tried if usable and tried is not None else _scan([whole], "utf-8")
    return CorpusError(
        f"byte {bad.error_byte} is not valid UTF-8 ({bad.error}), but the rest of the file "
        "is UTF-8: the byte is damage, not another encoding. Fix or remove it on this "
        "line, or pass encoding= if the file really is in another encoding.",
        path=path,
        line=bad.error_line,
    )


def _detected_decoding(
    whole: bytes, tried: _Scan | None, expected: str, encoding: str, name: str, source: _Bytes
) -> Decoding | None:
    """The decoding in the encoding charset-normalizer detects, with its warning, if it reads."""
    detected = _detect_encoding(whole)
    if detected is None:
        return None
    found = _scan([whole], detected, keep=source.keep)
    if not found.usable:
        return None
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
    return _checked(Decoding(detected, note, found.text), found, source.path)


def _refusal(
    failures: list[_Scan], tried: _Scan, head: bytes, whole: bytes, encoding: str, path: Path
) -> CorpusError:
    """Why no encoding reads the file: a mark then bad bytes, binary data, or a bad byte."""
    if failures and not any(s.binary for s in failures):  # a mark, then bytes it cannot read
        bad = failures[0]
        label = next(
            lb for mark, codec, lb in _BOMS if codec == bad.codec and head.startswith(mark)
        )
        return CorpusError(
            f"the file starts with a {label} byte order mark, but byte {bad.error_byte} is not "
            f"valid {label} ({bad.error}); the file is cut off or damaged: re-save or re-export "
            "it.",
            path=path,
            line=bad.error_line,
        )
    if any(s.binary for s in [*failures, tried]) or b"\x00" in whole or _latin1_binary(whole):
        return CorpusError(
            "the file looks binary (it contains NUL bytes or control codes and no text "
            "encoding reads it), not text; export the articles as UTF-8 .txt, .csv or .jsonl.",
            path=path,
        )
    return CorpusError(
        f"byte {tried.error_byte} is not valid {encoding} ({tried.error}) and no other encoding "
        "was detected; re-save the file as UTF-8 or pass encoding= (for example 'cp1252').",
        path=path,
        line=tried.error_line,
    )


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


def _checked(decoding: Decoding, scan: _Scan, path: Path) -> Decoding:
    if not scan.has_text:
        raise CorpusError("the file is empty; add article text or remove the file.", path=path)
    return decoding


def read_text_file(path: Path, encoding: str, name: str) -> tuple[str, str | None]:
    """The file's text (decoded by :func:`file_decoding`) and the warning to give, if any."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read the file ({exc.strerror}).", path=path) from exc
    decoding = file_decoding(path, encoding, data, name=name)
    assert decoding.text is not None
    return decoding.text, decoding.note


def decoded_lines(path: Path, codec: str) -> Iterator[str]:
    """The file's physical lines (endings kept; ``\\r\\n``, ``\\r``, ``\\n``), read lazily."""
    try:
        with path.open(encoding=codec, newline="") as handle:
            yield from handle
    except OSError as exc:
        raise CorpusError(f"cannot read the file ({exc.strerror}).", path=path) from exc


def nul_position(text: str, first_line: int = 1) -> tuple[int, int] | None:
    """(line, column) of the first NUL character in ``text`` (1-based), or ``None``.

    >>> nul_position("ab\\ncd\\x00e", 10)
    (11, 3)
    """
    index = text.find("\x00")
    if index < 0:
        return None
    before = text[:index]
    line = first_line + _count_breaks(before, False)
    start = max(before.rfind("\n"), before.rfind("\r")) + 1
    return line, index - start + 1


def nul_reason(line: int, column: int) -> str:
    """The reason given for a NUL character at ``line``, ``column``."""
    return (
        f"a NUL character (U+0000) at line {line}, column {column}: the text is damaged (a "
        "binary export or a wrong encoding); remove the character or re-export the file."
    )
