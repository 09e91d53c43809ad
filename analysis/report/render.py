"""HTML reports from executed notebooks (nbconvert), with one shared offline plotly.js.

Charts are written by :func:`analysis.figures.show` without embedding plotly.js; every report
loads the one copy in ``assets/plotly.min.js`` (:func:`write_plotly_asset`), so reports stay
small and work offline. Code cells are hidden unless ``show_code``.

Nothing is fetched from the network: the template's require.js and MathJax scripts (loaded from
a public CDN, which fails offline and tells a third party who reads the report) are removed, as
is any other ``<script>``/``<link>`` pointing at an ``http(s)://`` address. A report opened without
its ``assets`` folder says so at the top of the page instead of showing blank chart areas.

A self-contained report (:func:`inline_assets`) is one HTML file that can be mailed or copied
alone: every script and stylesheet the page loads from a file beside it (``assets/plotly.min.js``)
is written into the page, once, and any other local file it shows (an image) becomes a ``data:``
address (RFC 2397). Inline script text is escaped as the HTML standard's "restrictions for
contents of script elements" require (``</script`` and ``<!--`` cannot appear in it).
"""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import nbformat

from analysis import safe
from analysis.errors import AnalysisError
from analysis.report.files import atomic_write
from analysis.report.summary import notebook_title

__all__ = ["inline_assets", "render_html", "write_plotly_asset"]

#: ``<script src=…>`` and ``<link href=…>`` elements that load from the network.
_REMOTE = re.compile(
    r"<script\b[^>]*\bsrc=[\"']?(?:https?:)?//[^>]*>\s*</script>|<link\b[^>]*\bhref=[\"']?(?:https?:)?//[^>]*>",
    re.IGNORECASE,
)
#: Inline scripts that fetch code from the network (the template's mermaid loader imports it from
#: a CDN) or configure the removed MathJax.
_INLINE = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)
_FETCHES = re.compile(r"""import\(\s*["'](?:https?:)?//|["'](?:https?:)?//cdn""", re.IGNORECASE)


def _offline_script(match: re.Match[str]) -> str:
    attributes, content = match.group(1), match.group(2)
    if "x-mathjax-config" in attributes.lower() or _FETCHES.search(content):
        return ""
    return match.group(0)


#: Shown at the top of a report whose plotly.js did not load (the assets folder is missing).
_MISSING_ASSETS = """<script>
window.addEventListener("DOMContentLoaded", function () {
  if (typeof window.Plotly === "undefined" && document.querySelector(".plotly-graph-div")) {
    var note = document.createElement("p");
    note.className = "assets-missing";
    note.style.cssText = "background:#fff3cd;border:1px solid #d6b656;padding:8px 12px;";
    note.textContent = "The charts of this report cannot be drawn: the folder 'assets' "
      + "(with plotly.min.js) must sit next to this file. Copy it along with the report.";
    document.body.insertBefore(note, document.body.firstChild);
  }
});
</script>"""


def render_html(
    nb: nbformat.NotebookNode, *, show_code: bool = False, assets: str = "assets"
) -> str:
    """Render an executed notebook to an offline HTML report that loads the shared plotly.js.

    The ``<script>`` for plotly.js is put first in ``<head>``, before the template's require.js,
    so plotly registers ``window.Plotly`` whether or not require.js loads.
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=not show_code,
        exclude_input_prompt=not show_code,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(nb)
    title = safe.escape_html(notebook_title(nb, "Report"))
    body = body.replace("<title>Notebook</title>", f"<title>{title}</title>", 1)
    src = safe.escape_html(quote(f"{assets}/plotly.min.js"))
    script = f'<script src="{src}" charset="utf-8"></script>\n{_MISSING_ASSETS}'
    body = _INLINE.sub(_offline_script, _REMOTE.sub("", body))
    return body.replace("<head>", "<head>\n" + script, 1)


def write_plotly_asset(out_dir: Path) -> Path:
    """Write the one shared copy of plotly.js (only if missing or from another plotly version)."""
    from plotly.offline import get_plotlyjs

    target = safe.output_path(out_dir, "assets", "plotly.min.js")
    target.parent.mkdir(parents=True, exist_ok=True)
    js = get_plotlyjs()
    if not target.exists() or target.stat().st_size != len(js.encode()):
        atomic_write(target, js)
    return target


#: The page split into raw-text elements (``<script>``, ``<style>``; their text is never searched
#: for addresses) and the markup between them.
_RAW_TEXT = re.compile(
    r"(<script\b[^>]*>.*?</script\s*>|<style\b[^>]*>.*?</style\s*>)", re.IGNORECASE | re.DOTALL
)
#: A ``<script>`` element that loads its code from ``src`` (its body is empty).
_SCRIPT_SRC = re.compile(
    r"""<script\b(?P<before>[^>]*?)\s+src=(?P<q>["'])(?P<src>[^"']*)(?P=q)(?P<after>[^>]*)>"""
    r"""\s*</script\s*>""",
    re.IGNORECASE,
)
#: ``<link … rel="stylesheet" … href="…">``.
_STYLESHEET = re.compile(r"<link\b[^>]*\brel=[\"']?stylesheet\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"""\bhref=(?P<q>["'])(?P<src>[^"']*)(?P=q)""", re.IGNORECASE)
#: ``src="…"`` of any other element (images, media).
_OTHER_SRC = re.compile(
    r"""(?P<head><[a-z][a-z0-9-]*\b[^>]*?\ssrc=)(?P<q>["'])(?P<src>[^"']*)(?P=q)""",
    re.IGNORECASE,
)
_CHARSET = re.compile(r"""\s+charset=(["'])[^"']*\1""", re.IGNORECASE)


def _local_file(page: Path, address: str) -> Path | None:
    """The file beside ``page`` that ``address`` names, ``None`` for a remote/inline address.

    Raises:
        AnalysisError: the address is local but names no file inside the page's folder.
    """
    parts = urlsplit(address)
    if not address or parts.scheme or parts.netloc or address.startswith(("#", "//")):
        return None
    folder = page.parent.resolve()
    target = (folder / unquote(parts.path)).resolve()
    if not target.is_relative_to(folder) or not target.is_file():
        raise AnalysisError(
            f"{page}: the page loads {address!r}, which is not a file inside {folder}; "
            "build the report set again (it writes assets/) before inlining"
        )
    return target


def _raw_text(text: str, element: str) -> str:
    """``text`` safe as the body of ``<element>`` (script or style): the HTML parser ends the
    element at ``</element``, and ``<!--`` in a script changes how it is parsed."""
    text = re.sub(rf"</({element})", r"<\\/\1", text, flags=re.IGNORECASE)
    return text.replace("<!--", "<\\!--") if element == "script" else text


class _Inliner:
    """Replaces the local addresses of one page by the files' contents, each file once."""

    def __init__(self, page: Path) -> None:
        self.page = page
        self.seen: set[Path] = set()

    def _first(self, address: str) -> tuple[Path | None, bool]:
        target = _local_file(self.page, address)
        first = target is not None and target not in self.seen
        if target is not None:
            self.seen.add(target)
        return target, first

    def script(self, element: str) -> str:
        match = _SCRIPT_SRC.fullmatch(element)
        if match is None:
            return element
        target, first = self._first(match.group("src"))
        if target is None:
            return element
        if not first:
            return ""
        attributes = _CHARSET.sub("", match.group("before") + match.group("after"))
        text = _raw_text(target.read_text(encoding="utf-8"), "script")
        return f"<script{attributes}>{text}</script>"

    def stylesheet(self, match: re.Match[str]) -> str:
        href = _HREF.search(match.group(0))
        target, first = (None, False) if href is None else self._first(href.group("src"))
        if target is None:
            return match.group(0)
        if not first:
            return ""
        return f"<style>{_raw_text(target.read_text(encoding='utf-8'), 'style')}</style>"

    def media(self, match: re.Match[str]) -> str:
        target = _local_file(self.page, match.group("src"))
        if target is None:
            return match.group(0)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        data = base64.b64encode(target.read_bytes()).decode("ascii")
        quote_mark = match.group("q")
        return f"{match.group('head')}{quote_mark}data:{kind};base64,{data}{quote_mark}"


def inline_assets(page: Path) -> Path:
    """Make the HTML report ``page`` self-contained, in place; returns ``page``.

    Every ``<script src>`` and stylesheet ``<link>`` that loads a file beside the page is
    replaced by the file's text (each file once: a second reference to the same file is
    dropped), every other local ``src`` (an image) becomes a ``data:`` address, and the
    "assets folder missing" note is removed (the page no longer has an assets folder to miss).
    Remote and ``data:`` addresses are left alone, and the text of inline scripts and styles is
    never searched. A page that is already self-contained is not changed, so the call can be
    repeated; the page is rewritten atomically.

    Raises:
        AnalysisError: the page loads a local file that does not exist (or lies outside the
            page's folder).
    """
    page = Path(page)
    html = page.read_text(encoding="utf-8")
    inliner = _Inliner(page)
    parts = _RAW_TEXT.split(html)
    for i, part in enumerate(parts):
        if i % 2:  # a script or style element
            parts[i] = "" if part == _MISSING_ASSETS else inliner.script(part)
        else:
            part = _STYLESHEET.sub(inliner.stylesheet, part)
            parts[i] = _OTHER_SRC.sub(inliner.media, part)
    inlined = "".join(parts)
    if inlined != html:
        atomic_write(page, inlined)
    return page
