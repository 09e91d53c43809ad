"""Tables for people: interactive (sort, search, pages), offline, and escaped, in notebooks and
HTML reports.

Method: DataTables 2 (https://datatables.net), from the offline bundle that itables ships
(``itables.options.dt_bundle``: ``dt_bundle.js`` with its ``ITable`` class, and
``dt_bundle.css``; itables documents this as its offline mode, ``init_notebook_mode(
connected=False)``). itables' own offline mode embeds the bundle base64-encoded in one output and
every table waits for it; this module does the same with its own, smaller markup so that what
reaches the page is ours to check:

- **Once per notebook** (:func:`init_html`, displayed by :func:`init_tables` or automatically by
  the first :func:`show_table` of a kernel): one ``<script>`` holding the bundle gzip-compressed
  and base64-encoded (about a quarter of itables' uncompressed base64), unpacked in the browser
  (``DecompressionStream``, UTF-8 decoded), its CSS added to the page and its JavaScript imported
  from a ``blob:`` URL. Nothing is fetched from the network. The loaded module is kept on
  ``window`` under a name derived from the bundle's SHA-256, so two itables versions never mix.
- **Per table** (:func:`show_table`): one output with ``text/html`` and ``text/plain``. The HTML
  holds the caption, a static table of the first ``rows`` rows (shown where scripts do not run:
  untrusted notebooks, previews), a hidden ``<table>`` and a script that, once the bundle is
  there, draws the interactive table (``new ITable(table, options)``) and hides the static one.
  If DataTables fails, the static table stays. The plain text is a compact table of the first
  rows, so nbval compares content.

Untrusted text (OWASP XSS Prevention Cheat Sheet, rules 1 and 3.1): DataTables writes cell strings
into the page as HTML, so every header and cell passes :func:`analysis.safe.escape_html` here
(itables' ``allow_html`` is never involved: no itables formatting code runs). Columns named in
``markdown_columns`` are rendered by :func:`markdown_html` (CommonMark with mistune, raw HTML
escaped, images shown as their text, link targets restricted to mistune's safe protocols, and
the result checked against a tag allow-list). The options handed to the script are JSON in which
``<``, ``>``, ``&``, ``'`` and ``/`` are written as ``\\uXXXX`` escapes, so no value can end the
script or look like a URL to the report renderer.

Formatting: no index column (an index is shown only when it carries labels: named, or not
integers); floats rounded to ``digits`` decimals, integers shown whole; missing values
(``None``, ``NaN``, ``NaT``, ``pd.NA``) shown as :data:`MISSING`; booleans as ``yes``/``no``;
lists, tuples and sets joined with ``", "``; headers are the column names. Numbers sort as
numbers (the cell holds a ``[text, number]`` pair; missing values sort first). Wide tables
scroll sideways (DataTables ``scrollX``). Tables longer than ``max_rows`` show their first
rows with a note (with ``export``, :func:`analysis.report.tables.shown_rows` writes the full table
as CSV and supplies the note).

Determinism: the same table gives byte-identical outputs. A table's element id is a hash of its
content, with ``-2``, ``-3``... for repeats within one kernel; no time, random id or path is
written. The script finds its table from ``document.currentScript``, not by id.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import gzip
import hashlib
import json
import math
import re
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis._checks import positive_int
from analysis.errors import ParameterError
from analysis.safe import escape_html

__all__ = [
    "MAX_ROWS",
    "MISSING",
    "init_html",
    "init_tables",
    "markdown_html",
    "show_table",
    "table_html",
    "table_text",
]

#: How a missing value is shown.
MISSING = "\u2014"
#: Rows put into a page at most; longer tables show their first rows and a note.
MAX_ROWS = 2000
#: Longest cell in the plain-text version (longer cells end with an ellipsis).
TEXT_WIDTH = 40
#: Largest finite sort key (``float("inf")`` is not JSON).
_BIG = 1.7976931348623157e308
#: Characters written as ``\\uXXXX`` in the script's JSON.
_SCRIPT_UNSAFE = re.compile(r"[<>&'/]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: What markdown cells may contain after rendering: tag -> allowed attributes.
_ALLOWED_TAGS = {
    **dict.fromkeys(
        ("p", "strong", "em", "code", "pre", "br", "ul", "li", "blockquote", "hr"), frozenset()
    ),
    **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6"), frozenset()),
    "a": frozenset({"href", "title"}),
    "ol": frozenset({"start"}),
}
_TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)((?:\s+[a-z-]+="[^"<>]*")*)\s*/?>')
_ATTRIBUTE = re.compile(r'\s+([a-z-]+)="[^"<>]*"')
_CELL_STYLE = "border:1px solid #d0d0d0;padding:2px 6px;vertical-align:top;"
#: Kernel state: whether the bundle was displayed, and how often each table id was used.
_DISPLAYED: dict[str, bool] = {}
_SEEN_IDS: Counter[str] = Counter()


# ---------------------------------------------------------------- the bundle (once a notebook)


@functools.lru_cache(maxsize=1)
def _bundle() -> tuple[str, str, str]:
    """(window name, gzip+base64 JavaScript, gzip+base64 CSS) of itables' offline bundle."""
    import itables.options

    js = Path(itables.options.dt_bundle).read_bytes()
    css = Path(itables.options.dt_bundle).with_suffix(".css").read_bytes()
    name = "news_tables_" + hashlib.sha256(js + b"\0" + css).hexdigest()[:12]

    def pack(data: bytes) -> str:
        return base64.b64encode(gzip.compress(data, compresslevel=9, mtime=0)).decode("ascii")

    return name, pack(js), pack(css)


#: The loader: unpack, add the CSS, import the module once; announce it with an event.
_LOADER = """<script>
(() => {
  const name = "%(name)s";
  if (window[name]) return;
  const unpack = (b64) => new Response(
    new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))])
      .stream().pipeThrough(new DecompressionStream("gzip"))
  ).text();
  const BUNDLE_JS = "%(js)s";
  const BUNDLE_CSS = "%(css)s";
  window[name] = Promise.all([unpack(BUNDLE_JS), unpack(BUNDLE_CSS)]).then(([js, css]) => {
    const style = document.createElement("style");
    style.textContent = css + "%(extra_css)s";
    document.head.appendChild(style);
    const url = URL.createObjectURL(new Blob([js], { type: "text/javascript" }));
    return import(url).finally(() => URL.revokeObjectURL(url));
  }).then((lib) => {
    lib.set_or_remove_dark_class();
    window.dispatchEvent(new Event(name));
    return lib;
  });
})();
</script>"""
#: Our few rules on top of DataTables' CSS: cells start at the top, long text wraps.
_EXTRA_CSS = (
    ".news-table-box table.news-table th, .news-table-box table.news-table td"
    " { text-align: left; vertical-align: top; }"
    " .news-table-box table.news-table th.dt-type-numeric,"
    " .news-table-box table.news-table td.dt-type-numeric { text-align: right; }"
    " .news-table-box table.news-table td.news-wrap"
    " { white-space: normal; min-width: 16em; max-width: 48em; }"
)
#: Text columns with a cell longer than this wrap their lines (the others do not).
WRAP_AFTER = 24


def init_html() -> str:
    """The one-time HTML that loads DataTables (offline) for every later table of the page.

    Deterministic: the same itables bundle gives the same string.

    >>> html = init_html()
    >>> html.startswith("<script>") and "http" not in html
    True
    """
    name, js, css = _bundle()
    return _LOADER % {"name": name, "js": js, "css": css, "extra_css": _EXTRA_CSS}


def init_tables() -> None:
    """Display :func:`init_html` (once per kernel; later calls do nothing).

    Call it in a notebook's imports cell so the bundle lives in a fixed place; otherwise the
    first :func:`show_table` displays it.
    """
    if _DISPLAYED.get("bundle"):
        return
    from IPython.display import display

    plain_package_warnings()

    display(
        {"text/html": init_html(), "text/plain": "Interactive tables: DataTables (offline)."},
        raw=True,
    )
    _DISPLAYED["bundle"] = True


def plain_package_warnings() -> None:
    """Show the package's own warnings (:class:`~analysis.corpus.CorpusWarning` …) as
    ``CorpusWarning: message``, without the path and source line of the package's file that
    raised them, which tell a reader of a report nothing (and name the install folder).
    Other warnings keep Python's format. Called by :func:`init_tables`."""
    original = warnings.formatwarning
    if getattr(original, "plain_package_warnings", False):
        return

    def formatwarning(
        message: Warning | str, category: type[Warning], filename: str, lineno: int, line=None
    ) -> str:
        if category.__module__.split(".")[0] == "analysis":
            return f"{category.__name__}: {message}\n"
        return original(message, category, filename, lineno, line)

    formatwarning.plain_package_warnings = True  # type: ignore[attr-defined]
    warnings.formatwarning = formatwarning


# ---------------------------------------------------------------- Markdown cells


@functools.lru_cache(maxsize=1)
def _markdown():  # noqa: ANN202 - mistune's Markdown object
    import mistune
    from mistune.util import safe_entity, striptags

    class SafeRenderer(mistune.HTMLRenderer):
        """Raw HTML escaped; entities kept (``&lt;`` shows ``<``); images as their text."""

        def text(self, text: str) -> str:
            return safe_entity(text)

        def image(self, text: str, url: str, title: str | None = None) -> str:
            return safe_entity(striptags(text))

    return mistune.create_markdown(escape=True, renderer=SafeRenderer(escape=True))


def _allowed(html: str) -> bool:
    """Whether every ``<`` in ``html`` opens a tag of :data:`_ALLOWED_TAGS` with allowed
    attributes (``href`` values already passed mistune's protocol check)."""
    for start in (m.start() for m in re.finditer("<", html)):
        tag = _TAG.match(html, start)
        if tag is None or tag.group(2) not in _ALLOWED_TAGS:
            return False
        names = {a.group(1) for a in _ATTRIBUTE.finditer(tag.group(3))}
        if tag.group(1) and names or not names <= _ALLOWED_TAGS[tag.group(2)]:
            return False
    return True


def markdown_html(text: object) -> str:
    """Markdown text as safe HTML: CommonMark (mistune) with every raw HTML tag escaped.

    ``javascript:`` and other unsafe link targets become ``#harmful-link``, images are shown as
    their alternative text (nothing is loaded), a text of one paragraph is not wrapped in
    ``<p>``. Output holding anything but plain formatting tags is refused and the text shown
    escaped instead. Missing values give :data:`MISSING`.

    >>> markdown_html("**Fox** uses `z` <img src=x onerror=alert(1)>")
    '<strong>Fox</strong> uses <code>z</code> &lt;img src=x onerror=alert(1)&gt;'
    >>> markdown_html("[x](javascript:alert(1))")
    '<a href="#harmful-link">x</a>'
    """
    plain = _plain(text, 3)
    if plain is None:
        return MISSING
    source = _CONTROL.sub("", plain)
    html = str(_markdown()(source)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html if _allowed(html) else escape_html(source)


# ---------------------------------------------------------------- values as text


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return pd.api.types.is_scalar(value) and bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _number(value: float, digits: int) -> str:
    """A float rounded to ``digits`` decimals, ``-0.000`` shown as ``0.000``."""
    if math.isinf(value):
        return "\u221e" if value > 0 else "-\u221e"
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def _plain(value: object, digits: int) -> str | None:
    """One value as display text (``None`` when missing)."""
    if isinstance(value, str):
        return value
    if _missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return _number(float(value), digits)
    if isinstance(value, (set, frozenset)):
        value = sorted(value, key=str)
    if isinstance(value, (list, tuple, np.ndarray, pd.Series, pd.Index)):
        return ", ".join(MISSING if (t := _plain(v, digits)) is None else t for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{_plain(k, digits)}: {_plain(v, digits)}" for k, v in value.items())
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return str(value)


def _sort_key(value: float) -> float | None:
    """A number's sort key: rounded to :data:`SORT_DIGITS` significant digits, so that a table
    has the same bytes (and id) on machines whose floating-point results differ in the last
    bits (another CPU's BLAS kernels give a topic weight of 0.15180703707886778 for
    0.15180703707886806)."""
    if math.isnan(value):
        return None
    return max(-_BIG, min(_BIG, float(f"{value:.{SORT_DIGITS}g}")))


#: Significant digits of a number's sort key (:func:`_sort_key`); the text shown has fewer.
SORT_DIGITS = 12


@dataclass(frozen=True)
class _Column:
    """One column ready to show: header, plain texts, HTML texts, numeric sort keys or None."""

    header: str
    texts: list[str]
    cells: list[str]
    keys: list[float | None] | None

    @property
    def wraps(self) -> bool:
        """Whether the column's lines wrap (text with a cell over :data:`WRAP_AFTER`)."""
        return self.keys is None and any(len(t) > WRAP_AFTER for t in self.texts)


def _numeric_column(values: pd.Series, digits: int) -> tuple[list[str], list[float | None]]:
    if pd.api.types.is_integer_dtype(values.dtype):
        texts = [MISSING if _missing(v) else str(int(v)) for v in values]
        return texts, [None if _missing(v) else float(v) for v in values]
    numbers = pd.to_numeric(values.astype(object), errors="coerce")
    array = numbers.to_numpy(dtype=float, na_value=np.nan)
    texts = [MISSING if math.isnan(v) else _number(v, digits) for v in array]
    return texts, [_sort_key(v) for v in array]


def _column(name: str, values: pd.Series, digits: int, markdown: bool) -> _Column:
    if markdown:
        texts = [MISSING if (t := _plain(v, digits)) is None else t for v in values]
        return _Column(name, texts, [markdown_html(v) for v in values], None)
    dtype = values.dtype
    numeric = pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype)
    if not numeric and pd.api.types.is_object_dtype(dtype):
        present = [v for v in values if not _missing(v)]
        numeric = bool(present) and all(
            isinstance(v, (int, float, np.integer, np.floating))
            and not isinstance(v, (bool, np.bool_))
            for v in present
        )
    if numeric:
        texts, keys = _numeric_column(values, digits)
        return _Column(name, texts, texts, keys)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        stamps = values.dropna()
        dates = stamps.empty or bool((stamps == stamps.dt.normalize()).all())
        texts = [
            MISSING if _missing(v) else (v.date().isoformat() if dates else v.isoformat(sep=" "))
            for v in values
        ]
    else:
        texts = [MISSING if (t := _plain(v, digits)) is None else t for v in values]
    return _Column(name, texts, [escape_html(t) for t in texts], None)


def _header(name: object) -> str:
    if isinstance(name, tuple):
        return " / ".join(str(part) for part in name if not _missing(part) and str(part) != "")
    return "" if _missing(name) else str(name)


# ---------------------------------------------------------------- the table


@dataclass(frozen=True)
class _View:
    """A table ready to show: its columns (the rows put into the page), the row count of the
    whole table, the caption, the note on rows left out, and the rows a page."""

    columns: list[_Column]
    n_rows: int
    caption: str | None
    note: str | None
    page: int


def _as_frame(table: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """``table`` with its index as columns when it carries labels, dropped otherwise."""
    if isinstance(table, pd.Series):
        table = table.to_frame(name="value" if table.name is None else table.name)
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"table must be a pandas DataFrame or Series, got {type(table)!r}")
    index = table.index
    labelled = any(n is not None for n in index.names) or not (
        pd.api.types.is_integer_dtype(index.dtype) or len(index) == 0
    )
    if not labelled:
        return table.reset_index(drop=True)
    names = [f"level_{i}" if n is None else n for i, n in enumerate(index.names)]
    if len(names) == 1 and index.names[0] is None:
        names = [""]
    return table.rename_axis(index=names).reset_index(allow_duplicates=True)


def _view(
    table: pd.DataFrame | pd.Series,
    *,
    rows: int,
    digits: int,
    markdown_columns: Sequence[str] | str,
    caption: str | None,
    max_rows: int,
    export: str | None,
    output_dir: str | Path | None,
) -> _View:
    page = positive_int(rows, "rows")
    limit = positive_int(max_rows, "max_rows")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 15:
        raise ParameterError(f"digits must be an integer from 0 to 15, got {digits!r}")
    if caption is not None and not isinstance(caption, str):
        raise ParameterError(f"caption must be a string or None, got {caption!r}")
    frame = _as_frame(table)
    wanted = [markdown_columns] if isinstance(markdown_columns, str) else list(markdown_columns)
    unknown = [c for c in wanted if c not in frame.columns]
    if unknown:
        raise ParameterError(
            f"markdown_columns {unknown!r} are not columns of the table; it has "
            f"{[str(c) for c in frame.columns]!r}"
        )
    n_rows, note = len(frame), None
    if export is not None:
        from analysis.report.tables import shown_rows

        frame, note = shown_rows(frame, export, output_dir=output_dir, limit=limit)
    elif n_rows > limit:
        frame = frame.head(limit)
        note = f"Showing the first {limit:,} of {n_rows:,} rows."
    columns = [
        _column(_header(name), frame.iloc[:, i], digits, name in wanted)
        for i, name in enumerate(frame.columns)
    ]
    return _View(columns, n_rows, caption, note, page)


def _options(view: _View) -> dict[str, object]:
    """The options of ``new ITable(table, options)``; ``pairs`` lists the numeric columns."""
    shown = len(view.columns[0].cells) if view.columns else 0
    one_page = shown <= view.page
    lengths = sorted({view.page, *(n for n in (25, 50, 100) if n > view.page)})
    head = "".join(f"<th>{escape_html(c.header)}</th>" for c in view.columns)
    wrap = [i for i, c in enumerate(view.columns) if c.wraps]
    return {
        "table_html": f"<thead><tr>{head}</tr></thead>",
        "rows": [
            [c.cells[r] if c.keys is None else [c.cells[r], c.keys[r]] for c in view.columns]
            for r in range(shown)
        ],
        "pairs": [i for i, c in enumerate(view.columns) if c.keys is not None],
        "classes": ["display", "compact", "nowrap", "news-table"],
        "columnDefs": [{"className": "news-wrap", "targets": wrap}] if wrap else [],
        "pageLength": view.page,
        "lengthMenu": [[*lengths, -1], [*lengths, "All"]],
        "order": [],
        "scrollX": True,
        "autoWidth": True,
        "layout": dict.fromkeys(("topStart", "topEnd", "bottomStart", "bottomEnd"))
        if one_page
        else {
            "topStart": "pageLength",
            "topEnd": "search",
            "bottomStart": "info",
            "bottomEnd": "paging",
        },
    }


def _script_json(value: object) -> str:
    """JSON safe inside a ``<script>``: ``< > & ' /`` written as ``\\uXXXX`` escapes."""
    text = json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return _SCRIPT_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


#: Draws the table above it once the bundle has loaded; keeps the static table on failure.
_DRAW = """<script>
((script) => {
  const name = "%(name)s";
  const box = script.parentElement;
  const live = box.querySelector(":scope > table.news-table-live");
  const fallback = box.querySelector(":scope > .news-table-static");
  const ready = window[name] || new Promise((resolve) =>
    window.addEventListener(name, () => resolve(window[name]), { once: true }));
  Promise.resolve(ready).then((lib) => {
    if (live.classList.contains("dataTable")) return;
    const { rows, pairs, ...options } = %(options)s;
    options.data_json = JSON.stringify(rows);
    if (pairs.length) options.columnDefs.push({ targets: pairs,
      render: (d, type) => (type === "sort" || type === "type" ? d[1] : d[0]) });
    live.removeAttribute("hidden");
    try {
      const table = new lib.ITable(live, options);
      fallback.setAttribute("hidden", "hidden");
      requestAnimationFrame(() => table.dt.columns.adjust());
    } catch (error) {
      live.setAttribute("hidden", "hidden");
      console.error("interactive table not drawn:", error);
    }
  }).catch((error) => console.error("interactive tables unavailable:", error));
})(document.currentScript);
</script>"""


def _static_table(view: _View) -> str:
    """The first page as a plain table (shown where scripts do not run)."""
    shown = len(view.columns[0].cells) if view.columns else 0
    head = "".join(
        f'<th style="{_CELL_STYLE}text-align:left">{escape_html(c.header)}</th>'
        for c in view.columns
    )
    styles = [
        _CELL_STYLE
        + ("text-align:right;" if c.keys is not None else "text-align:left;")
        + ("min-width:16em" if c.wraps else "white-space:nowrap")
        for c in view.columns
    ]
    body = "".join(
        "<tr>"
        + "".join(
            f'<td style="{style}">{c.cells[r]}</td>'
            for c, style in zip(view.columns, styles, strict=True)
        )
        + "</tr>\n"
        for r in range(min(shown, view.page))
    )
    more = ""
    if shown > view.page:
        more = (
            f'<p style="font-size:small;color:#666">First {view.page:,} of {shown:,} rows. '
            "Sorting, search and pages need the page's scripts to run (in JupyterLab: run the "
            "cell, or trust the notebook).</p>"
        )
    return (
        '<div class="news-table-static" style="overflow-x:auto">'
        '<table style="border-collapse:collapse;font-size:small">'
        f"<thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>{more}</div>"
    )


def _captions(view: _View) -> str:
    parts = []
    if view.caption:
        parts.append(
            f'<p class="news-table-caption"><strong>{markdown_html(view.caption)}</strong></p>'
        )
    if view.note:
        parts.append(f'<p class="news-table-note"><em>{markdown_html(view.note)}</em></p>')
    return "".join(parts)


def _content_id(view: _View) -> str:
    """An element id made from the table's content (the same table, the same id)."""
    content = _captions(view) + (_script_json(_options(view)) if view.columns else "")
    return "news-table-" + hashlib.sha256(content.encode()).hexdigest()[:12]


def _html(view: _View, table_id: str | None) -> str:
    ident = escape_html(table_id or _content_id(view))
    if not view.columns:
        return f'<div class="news-table-box" id="{ident}-box">{_captions(view)}(no columns)</div>'
    if view.n_rows == 0:  # a header over "no data" says less, in more space, than a line
        names = ", ".join(escape_html(c.header) for c in view.columns)
        return (
            f'<div class="news-table-box" id="{ident}-box">{_captions(view)}'
            f'<p class="news-table-empty"><em>No rows</em> (columns: {names}).</p></div>'
        )
    return (
        f'<div class="news-table-box" id="{ident}-box">{_captions(view)}{_static_table(view)}'
        f'<table id="{ident}" class="news-table-live" hidden="hidden"></table>\n'
        + _DRAW % {"name": _bundle()[0], "options": _script_json(_options(view))}
        + "</div>"
    )


def _text(view: _View) -> str:
    """The first page as fixed-width plain text."""
    shown = len(view.columns[0].cells) if view.columns else 0

    def cut(text: str) -> str:
        text = re.sub(r"\s+", " ", _CONTROL.sub("", text)).strip()
        return text if len(text) <= TEXT_WIDTH else text[: TEXT_WIDTH - 1] + "\u2026"

    lines = [cut(view.caption)] if view.caption else []
    if view.note:
        lines.append(re.sub(r"\s+", " ", view.note))
    grid = [[cut(c.header) for c in view.columns]] if view.columns else []
    grid += [[cut(c.texts[r]) for c in view.columns] for r in range(min(shown, view.page))]
    widths = [max(len(row[i]) for row in grid) for i in range(len(view.columns))]
    for row in grid:
        cells = [
            t.rjust(w) if c.keys is not None else t.ljust(w)
            for t, w, c in zip(row, widths, view.columns, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    n_rows, n_columns = view.n_rows, len(view.columns)
    size = f"{n_rows:,} row{'s' * (n_rows != 1)} x {n_columns} column{'s' * (n_columns != 1)}"
    lines.append(f"[{size}; first {view.page:,} shown]" if shown > view.page else f"[{size}]")
    return "\n".join(lines)


# ---------------------------------------------------------------- public functions


def table_html(
    table: pd.DataFrame | pd.Series,
    *,
    rows: int = 10,
    digits: int = 3,
    markdown_columns: Sequence[str] | str = (),
    caption: str | None = None,
    max_rows: int = MAX_ROWS,
    export: str | None = None,
    output_dir: str | Path | None = None,
    table_id: str | None = None,
) -> str:
    """The ``text/html`` of :func:`show_table` (without the one-time bundle of
    :func:`init_html`). Same arguments; ``table_id`` replaces the content-derived id.

    >>> html = table_html(pd.DataFrame({"outlet": ["<b>AP</b>"], "score": [0.12345]}))
    >>> "&lt;b&gt;AP&lt;/b&gt;" in html and "<b>" not in html and "0.123" in html
    True
    """
    view = _view(
        table,
        rows=rows,
        digits=digits,
        markdown_columns=markdown_columns,
        caption=caption,
        max_rows=max_rows,
        export=export,
        output_dir=output_dir,
    )
    return _html(view, table_id)


def table_text(
    table: pd.DataFrame | pd.Series,
    *,
    rows: int = 10,
    digits: int = 3,
    markdown_columns: Sequence[str] | str = (),
    caption: str | None = None,
    max_rows: int = MAX_ROWS,
) -> str:
    """The ``text/plain`` of :func:`show_table`: the first ``rows`` rows as fixed-width text.

    >>> table = pd.DataFrame({"outlet": ["AP", None], "n": [3, 12], "ok": [True, False]})
    >>> print(table_text(table))
    outlet   n  ok
    AP       3  yes
    —       12  no
    [2 rows x 3 columns]
    """
    view = _view(
        table,
        rows=rows,
        digits=digits,
        markdown_columns=markdown_columns,
        caption=caption,
        max_rows=max_rows,
        export=None,
        output_dir=None,
    )
    return _text(view)


def show_table(
    table: pd.DataFrame | pd.Series,
    *,
    rows: int = 10,
    digits: int = 3,
    markdown_columns: Sequence[str] | str = (),
    caption: str | None = None,
    max_rows: int = MAX_ROWS,
    export: str | None = None,
    output_dir: str | Path | None = None,
) -> None:
    """Display ``table`` in a notebook: sortable, searchable, ``rows`` rows a page, offline.

    Does not mutate ``table``. The first call in a kernel also displays :func:`init_html`
    (unless :func:`init_tables` ran).

    Args:
        table: the table (a Series is shown as one column). Its index is shown only when it
            carries labels (named, or not integers).
        rows: rows a page (and in the static and plain-text versions).
        digits: decimals of non-integer numbers.
        markdown_columns: columns whose text is Markdown (``**bold**``, ```code```), rendered
            safely by :func:`markdown_html`; other text is shown literally.
        caption: a line above the table (Markdown, rendered safely).
        max_rows: rows put into the page at most; beyond, the first ones and a note.
        export: a CSV file name (``"evidence.csv"``): the full table is written to
            ``tables/<export>`` under ``output_dir`` by
            :func:`analysis.report.tables.shown_rows`, whose note is shown.
        output_dir: the run's folder for ``export`` (default: the reports folder).

    Raises:
        ParameterError: a bad ``rows``, ``digits``, ``max_rows``, ``caption`` or ``export``, or a
            ``markdown_columns`` name that is not a column.
    """
    from IPython import get_ipython
    from IPython.display import display

    view = _view(
        table,
        rows=rows,
        digits=digits,
        markdown_columns=markdown_columns,
        caption=caption,
        max_rows=max_rows,
        export=export,
        output_dir=output_dir,
    )
    if get_ipython() is None:  # a plain Python session: the text only
        print(_text(view))
        return
    ident = _content_id(view)
    _SEEN_IDS[ident] += 1
    if _SEEN_IDS[ident] > 1:
        ident = f"{ident}-{_SEEN_IDS[ident]}"
    init_tables()
    display({"text/html": _html(view, ident), "text/plain": _text(view)}, raw=True)
