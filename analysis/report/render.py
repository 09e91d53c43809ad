"""HTML reports from executed notebooks (nbconvert), with one shared offline plotly.js.

Charts are written by :func:`analysis.figures.show` without embedding plotly.js; every report
loads the one copy in ``assets/plotly.min.js`` (:func:`write_plotly_asset`), so reports stay
small and work offline. Code cells are hidden unless ``show_code``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import nbformat

from analysis import safe
from analysis.report.files import atomic_write
from analysis.report.summary import notebook_title

__all__ = ["render_html", "write_plotly_asset"]


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
    script = f'<script src="{src}" charset="utf-8"></script>'
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
