"""Tests of analysis.report.render: code cells are hidden unless asked for.

(The shared offline plotly.js is checked on the seeds in ``test_report_build.py``.)
"""

from __future__ import annotations

from analysis.report import main

pytest_plugins = ["tests.report_fixtures"]


def test_show_code_option_keeps_code(two_notebooks):
    out = two_notebooks / "reports"
    assert main(["--out", str(out), "--only", "overview", "--show-code"]) == 0
    assert "open_corpus" in (out / "overview.html").read_text()


def test_rendered_report_loads_nothing_from_the_network_and_warns_without_assets():
    import re

    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from analysis.report.render import render_html

    nb = new_notebook(cells=[new_markdown_cell("# A title"), new_code_cell("1 + 1")])
    page = render_html(nbformat.from_dict(nb))
    remote = re.findall(r"""(?:src|href)=["']?(?:https?:)?//[^"'\s>]+""", page, flags=re.I)
    assert not remote
    assert "cdnjs" not in page and "x-mathjax-config" not in page
    assert 'src="assets/plotly.min.js"' in page
    assert "cannot be drawn: the folder 'assets'" in page
    assert "<title>A title</title>" in page
