"""Tests of analysis.report.render.inline_assets: one HTML file that works copied alone.

The browser test opens the inlined page, copied alone into another folder, in headless Chromium
and counts the drawn charts; it is skipped with the reason where Chromium is absent.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat
import plotly.graph_objects as go
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.errors import AnalysisError
from analysis.figures import figure_html
from analysis.report.render import inline_assets, render_html, write_plotly_asset

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _report(folder: Path, charts: int = 2) -> Path:
    """A rendered report with ``charts`` bar charts and the shared assets folder beside it."""
    fig = go.Figure(go.Bar(x=["left", "right"], y=[3, 5]))
    outputs = [
        new_code_cell(
            "show(fig)",
            outputs=[new_output("display_data", data={"text/html": figure_html(fig, f"c{i}")})],
        )
        for i in range(charts)
    ]
    nb = new_notebook(cells=[new_markdown_cell("# Charts"), *outputs])
    folder.mkdir(parents=True, exist_ok=True)
    write_plotly_asset(folder)
    page = folder / "report.html"
    page.write_text(render_html(nbformat.from_dict(nb)), encoding="utf-8")
    return page


def _script_sources(html: str) -> list[str]:
    """The ``src`` of every ``<script>`` element (inline script text is skipped)."""
    return re.findall(r"""<script\b[^>]*\ssrc=["']([^"']*)""", html, flags=re.IGNORECASE)


def test_inlined_page_loads_no_file_and_embeds_plotly_once(tmp_path):
    page = _report(tmp_path / "build")
    before = page.read_text(encoding="utf-8")
    assert _script_sources(before) == ["assets/plotly.min.js"]
    inline_assets(page)
    html = page.read_text(encoding="utf-8")
    assert _script_sources(html) == []
    assert "assets/" not in html
    assert "cannot be drawn" not in html  # the missing-assets note is gone
    plotly_js = (tmp_path / "build" / "assets" / "plotly.min.js").read_text(encoding="utf-8")
    banner = plotly_js[:60]
    assert html.count(banner) == 1
    assert len(html) - len(before) > len(plotly_js) - 1000
    assert html.count('class="plotly-graph-div"') == 2


def test_inlining_twice_changes_nothing(tmp_path):
    page = inline_assets(_report(tmp_path / "build", charts=1))
    first = page.read_bytes()
    inline_assets(page)
    assert page.read_bytes() == first


def test_other_local_files_are_inlined_and_remote_ones_kept(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "a.js").write_text('var s = "</script><!-- x";', encoding="utf-8")
    (tmp_path / "assets" / "site.css").write_text("p { color: red }", encoding="utf-8")
    (tmp_path / "dot.png").write_bytes(b"\x89PNG\r\n")
    page = tmp_path / "p.html"
    page.write_text(
        '<html><head><script src="assets/a.js" charset="utf-8"></script>'
        '<script src="assets/a.js"></script>'
        '<link rel="stylesheet" href="assets/site.css">'
        '<script src="https://example.org/x.js"></script></head>'
        '<body><img alt="d" src="dot.png"><script>var t = "<img src=\'dot.png\'>";</script>'
        "</body></html>",
        encoding="utf-8",
    )
    html = inline_assets(page).read_text(encoding="utf-8")
    assert '<script>var s = "<\\/script><\\!-- x";</script>' in html
    assert html.count("var s =") == 1  # the second reference to the same file is dropped
    assert "<style>p { color: red }</style>" in html
    assert '<script src="https://example.org/x.js"></script>' in html
    assert '<img alt="d" src="data:image/png;base64,iVBORw0K"' in html
    assert "var t = \"<img src='dot.png'>\";" in html  # inline script text is not touched


def test_missing_or_outside_file_is_refused(tmp_path):
    page = tmp_path / "r" / "p.html"
    page.parent.mkdir()
    (tmp_path / "secret.js").write_text("x", encoding="utf-8")
    for address in ("assets/plotly.min.js", "../secret.js"):
        page.write_text(f'<script src="{address}"></script>', encoding="utf-8")
        with pytest.raises(AnalysisError, match=re.escape(repr(address))):
            inline_assets(page)
        assert page.read_text(encoding="utf-8") == f'<script src="{address}"></script>'


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed (apt-get install chromium); .ci/run installs it",
)
def test_inlined_page_copied_alone_draws_its_charts(tmp_path):
    page = inline_assets(_report(tmp_path / "build", charts=2))
    alone = tmp_path / "elsewhere"
    alone.mkdir()
    copy = Path(shutil.copy(page, alone / "report.html"))
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=5000",
                "--dump-dom",
                copy.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    # plotly draws three <svg class="main-svg"> layers per chart
    assert done.stdout.count('class="main-svg"') == 6
    assert "assets-missing" not in done.stdout
