"""Tests of analysis.report.summary: summaries on the index are plain text."""

from __future__ import annotations

import pytest

from analysis.report.summary import one_line


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        (
            "**4 stories**, 55 sentences and 1,418 words.",
            "4 stories, 55 sentences and 1,418 words.",
        ),
        ("- **one** `a`\n- two\n- three", "one a two"),
        ("Fox\\_News \\*not bold\\* \\\\ \\[x\\]\\(y\\)", "Fox_News *not bold* \\ [x](y)"),
        ("&lt;b&gt; &amp;lt; &#x27;q&#x27; \\&amp;", "<b> &lt; 'q' &amp;"),
        ("first paragraph\n\nsecond", "first paragraph"),
    ],
)
def test_summary_markdown_becomes_plain_text(markdown, plain):
    assert one_line(markdown) == plain


def test_escaped_values_round_trip_to_plain_text():
    from hypothesis import given
    from hypothesis import strategies as st

    from analysis import safe

    text = st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]), max_size=60)

    @given(text)
    def check(value):
        assert one_line(safe.escape_markdown(value), limit=10_000) == " ".join(value.split())

    check()
