"""Untrusted strings on their way out: HTML, Markdown, file names, output paths, spreadsheets.

Everything that comes from a corpus or a user file (article text, titles, ids, outlet names,
extra columns, codebook labels) is untrusted. Reports are HTML that people share, so every such
string passes through exactly one of the functions below on its way to an output:

- :func:`escape_html` for text put into HTML (attribute values included): ``& < > " '`` become
  character references (the OWASP XSS Prevention Cheat Sheet, rule 1 and 2).
- :func:`escape_markdown` for text put into generated Markdown: Markdown syntax characters are
  backslash-escaped (CommonMark 0.31, section 2.4 "Backslash escapes") so a value cannot open a
  link (``[x](javascript:…)``), emphasis, code span, heading, list, table cell or raw HTML block,
  and the HTML characters are also made character references; line breaks become spaces so a
  value stays inside its sentence.
- :func:`plot_text` for text put into plotly labels and hover text: plotly.js reads a small set
  of HTML-like tags in text (``<a href>``, ``<b>``, ``<br>``…), so a value is HTML-escaped and
  plotly shows the characters literally.
- :func:`safe_filename` and :func:`output_path` for file names built from data: one safe,
  collision-free stem, and a path that is refused when it resolves outside the output folder.
- :func:`neutralize_cell` / :func:`spreadsheet_safe` / :func:`write_csv` for exported tables: a
  text cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed with
  a single quote so spreadsheet programs do not run it as a formula (OWASP, "CSV Injection").
"""

from __future__ import annotations

import hashlib
import html
import math
import os
import re
import tempfile
import unicodedata
from pathlib import Path

import pandas as pd

from analysis.errors import ParameterError

__all__ = [
    "FORMULA_PREFIXES",
    "escape_html",
    "escape_markdown",
    "markdown_code",
    "neutralize_cell",
    "output_path",
    "plot_text",
    "safe_filename",
    "spreadsheet_safe",
    "write_csv",
]

#: First characters that make a spreadsheet cell a formula (OWASP CSV Injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# CommonMark punctuation that opens or closes inline syntax anywhere in a line (section 2.4):
# links and images, emphasis, code spans, tables, strike-through, headings, backslashes.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~])")
# What opens a block when a value starts a line: list items, block quotes, setext underlines.
_BLOCK_START = re.compile(r"^(\s*)(\d*)([-+=.)])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
#: Longest stem :func:`safe_filename` returns (a hash suffix included).
MAX_STEM = 80


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    try:
        if pd.isna(value) is True:
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def escape_html(value: object) -> str:
    """Text made safe to put into HTML, in element content or a quoted attribute.

    ``None`` and missing values become the empty string.

    >>> escape_html('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return html.escape(_CONTROL.sub("", _text(value)), quote=True)


def escape_markdown(value: object) -> str:
    """Text made safe to put into generated Markdown: shown literally, on one line.

    >>> escape_markdown("[click](javascript:alert(1))")
    '\\\\[click\\\\]\\\\(javascript:alert\\\\(1\\\\)\\\\)'
    >>> escape_markdown("<b>Fox</b> *news*")
    '&lt;b&gt;Fox&lt;/b&gt; \\\\*news\\\\*'
    """
    text = _LINE_BREAKS.sub(" ", _CONTROL.sub("", _text(value)))
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = _BLOCK_START.sub(r"\1\2\\\3", text, count=1)
    return html.escape(text, quote=True)


def markdown_code(value: object) -> str:
    """A value shown as an inline code span in generated Markdown.

    Inside a code span CommonMark reads no HTML, entity or link (section 6.1), so only the
    backticks matter: the fence is one backtick longer than the longest run in the value, and
    line breaks become spaces.

    >>> markdown_code("bias_label")
    '`bias_label`'
    >>> markdown_code("a`b")
    '``a`b``'
    """
    text = _LINE_BREAKS.sub(" ", _CONTROL.sub("", _text(value)))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def plot_text(value: object) -> str:
    """Text made safe for plotly labels, legend entries and hover text (shown literally).

    >>> plot_text("<a href='javascript:x'>AP</a>")
    '&lt;a href=&#x27;javascript:x&#x27;&gt;AP&lt;/a&gt;'
    """
    return escape_html(value)


def safe_filename(name: object, *, fallback: str = "unnamed", max_length: int = MAX_STEM) -> str:
    """A file-name stem made from any string: ASCII letters, digits, ``.``, ``-`` and ``_``.

    Different names never share a stem: when the name had to be changed (characters replaced,
    accents dropped, cut to ``max_length``) an 8-character hash of the original is appended, so
    ``"a/b"`` and ``"a_b"`` differ. Empty or missing names use ``fallback``.

    >>> safe_filename("story-1")
    'story-1'
    >>> safe_filename("a/b") != safe_filename("a_b")
    True
    >>> safe_filename("../../etc/passwd").startswith("etc_passwd-")
    True
    """
    if not isinstance(max_length, int) or max_length < 16:
        raise ParameterError(f"max_length must be an integer of at least 16, got {max_length!r}")
    raw = _text(name)
    if not raw.strip():
        raw = _text(fallback) or "unnamed"
    ascii_text = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode("ascii")
    stem = _FILENAME_UNSAFE.sub("_", ascii_text).strip("._-") or "x"
    if stem == raw and len(stem) <= max_length:
        return stem
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{stem[: max_length - 9].rstrip('._-') or 'x'}-{digest}"


def output_path(out_dir: str | Path, *parts: str) -> Path:
    """``out_dir/parts…``, refused unless it resolves inside ``out_dir``.

    Each part is used as given, so pass names built by :func:`safe_filename`; symbolic links
    and ``..`` that lead out of the folder are caught after resolving.

    Raises:
        ParameterError: the path would be outside ``out_dir``.

    >>> output_path("/tmp/out", "tables", "x.csv").as_posix()
    '/tmp/out/tables/x.csv'
    """
    root = Path(out_dir).expanduser().resolve()
    target = root.joinpath(*parts).resolve()
    if target != root and root not in target.parents:
        raise ParameterError(
            f"refusing to write {root.joinpath(*parts)}: it resolves to {target}, outside the "
            f"output folder {root}"
        )
    return target


def neutralize_cell(value: object) -> object:
    """A text value that a spreadsheet would read as a formula, prefixed with ``'``.

    Non-text values are returned unchanged.

    >>> neutralize_cell('=HYPERLINK("http://x")'), neutralize_cell("Fox"), neutralize_cell(-1.5)
    ('\\'=HYPERLINK("http://x")', 'Fox', -1.5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def spreadsheet_safe(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` with every text cell and column name passed through
    :func:`neutralize_cell`. Numbers, booleans and dates are unchanged; the input is not mutated.
    """
    out = table.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out[column] = series.map(neutralize_cell, na_action="ignore")
    out.columns = [neutralize_cell(str(c)) for c in out.columns]
    return out


def write_csv(table: pd.DataFrame, out_dir: str | Path, *parts: str) -> Path:
    """Write ``table`` as a spreadsheet-safe CSV at ``out_dir/parts…`` (atomically).

    The one export function: the path is checked by :func:`output_path`, text cells are
    neutralised by :func:`spreadsheet_safe`, and the file appears complete or not at all.

    Returns:
        The path written.
    """
    path = output_path(out_dir, *parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            spreadsheet_safe(table).to_csv(handle, index=False, lineterminator="\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
