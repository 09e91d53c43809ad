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
