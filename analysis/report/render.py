"""HTML reports from executed notebooks (nbconvert), with one shared offline plotly.js.

Charts are written by :func:`analysis.figures.show` without embedding plotly.js; every report
loads the one copy in ``assets/plotly.min.js`` (:func:`write_plotly_asset`), so reports stay
small and work offline. Code cells are hidden unless ``show_code``.

Nothing is fetched from the network: the template's require.js and MathJax scripts (loaded from
a public CDN, which fails offline and tells a third party who reads the report) are removed, as
is any other ``<script>``/``<link>`` pointing at an ``http(s)://`` address. A report opened without
its ``assets`` folder says so at the top of the page instead of showing blank chart areas.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import nbformat

from analysis import safe
from analysis.report.files import atomic_write
from analysis.report.summary import notebook_title

__all__ = ["render_html", "write_plotly_asset"]

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
