"""Tests of analysis.report.index_page: every corpus-derived string on the index is escaped."""

from __future__ import annotations

import shutil

import pandas as pd

from analysis import config
from analysis.report import build_reports
from tests.report_support import FIXTURES, hrefs

pytest_plugins = ["tests.report_fixtures"]


def test_index_escapes_corpus_strings(two_notebooks, fake_kernel, tmp_path):
    shutil.copy(FIXTURES / "story.ipynb", config.NOTEBOOKS_DIR)
    evil = "<img src=x onerror=alert(1)> Fox_News & 'q'"
    articles = tmp_path / "evil <b>.csv"
    pd.DataFrame({"id": [evil], "text": ["An evil story. It ends."]}).to_csv(articles, index=False)
    out = two_notebooks / "reports"
    build_reports(
        str(articles), out_dir=out, notebooks=["raises_error"], stories="all", progress=False
    )
    index = (out / "index.html").read_text()
    escaped = "&lt;img src=x onerror=alert(1)&gt; Fox_News &amp; &#x27;q&#x27;"
    assert index.count(escaped) >= 3  # description, summary, parameters
    assert "evil &lt;b&gt;.csv" in index
    for raw in ("<img", "<b>", "\\_", "\\(", "&amp;lt;", "&amp;amp;"):
        assert raw not in index, raw
    assert all((out / h).is_file() for h in hrefs(out / "index.html"))


def test_index_counts_have_thousands_separators_and_singular_reports():
    from analysis.report.index_page import index_html
    from analysis.report.outcome import ReportOutcome, ReportSet

    facts = {"corpus": "<b>x</b>.csv", "stories": 25000, "sentences": 1022906, "skipped inputs": 0}
    failed = ReportOutcome("overview", "The corpus", {}, ok=False, seconds=1.0, error="boom")
    page = index_html(ReportSet([failed], facts), "2026-12-01 10:00 UTC", 12.0)
    assert "<th>stories</th><td>25,000</td>" in page
    assert "<th>sentences</th><td>1,022,906</td>" in page
    assert "<th>skipped inputs</th><td>0</td>" in page
    assert "&lt;b&gt;x&lt;/b&gt;.csv" in page and "<b>x</b>" not in page
    assert "1 report failed: overview" in page and "report(s)" not in page
