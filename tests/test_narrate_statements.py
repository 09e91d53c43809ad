"""Tests for analysis.narrate.statements (statement tables, their Markdown and formats)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import ParameterError
from analysis.narrate import statements as narrate_statements


@pytest.fixture()
def statements():
    rows = narrate_statements.Statements()
    rows.add("frames", "frame_only", "Only **A** uses it.", "frames", ["a"], "conflict", 17.4)
    rows.add("tone", "tone_low", "**A** is the most negative.", "cards", ["a", "b"], "mean_score")
    rows.add("extra", "custom", "An aspect of its own.", "cards", [], "")
    return rows.table(headline="Across the 2 stories, **A** stands out.", sources=["a", "a"])


def test_statement_table_puts_the_headline_first_then_aspects_in_order(statements):
    assert list(statements.columns) == narrate_statements.STATEMENT_COLUMNS
    assert statements["rule"].tolist() == ["headline", "tone_low", "frame_only", "custom"]
    assert statements["source_row"].tolist() == ["a", "a; b", "a", ""]
    assert math.isnan(statements["value"].iloc[1])
    assert statements["value"].iloc[2] == 17.4


def test_an_empty_statement_table_is_its_headline():
    table = narrate_statements.Statements().table(headline="Nothing to say.")
    assert table["rule"].tolist() == ["headline"]
    assert table["source_row"].tolist() == [""]


def test_statements_markdown(statements):
    markdown = narrate_statements.statements_markdown(statements)
    assert markdown.split("\n\n")[0] == "Across the 2 stories, **A** stands out."
    assert "**Tone**\n\n- **A** is the most negative. _(table cards, rows `a`, `b`, column " in (
        markdown
    )
    assert "**extra**" in markdown  # an aspect without a title is shown as it is
    assert markdown.endswith("- An aspect of its own. _(table cards)_\n")


def test_statements_markdown_rejects_a_table_without_the_columns(statements):
    with pytest.raises(ParameterError, match="statements lacks the column"):
        narrate_statements.statements_markdown(statements.drop(columns="source_row"))
    with pytest.raises(ParameterError, match="DataFrame"):
        narrate_statements.statements_markdown("headline")


@pytest.mark.parametrize(
    ("function", "args", "expected"),
    [
        (narrate_statements.tone_text, (-0.30015,), "-0.30"),
        (narrate_statements.tone_text, (0.054,), "+0.054"),
        (narrate_statements.tone_text, (0.1,), "+0.10"),
        (narrate_statements.count_text, (1, "story", "stories"), "1 story"),
        (narrate_statements.count_text, (2, "story", "stories"), "2 stories"),
        (narrate_statements.count_text, (1205, "word"), "1,205 words"),
        (narrate_statements.ordinal, (1,), "1st"),
        (narrate_statements.ordinal, (11,), "11th"),
        (narrate_statements.ordinal, (22,), "22nd"),
        (narrate_statements.ordinal, (1003,), "1,003rd"),
        (narrate_statements.top_share, (3, 60), " (top 5 %)"),
        (narrate_statements.top_share, (3, 20), ""),
        (narrate_statements.top_share, (1, 21, "; ", ""), "; top 5 %"),
        (narrate_statements.joined, (["a"],), "a"),
        (narrate_statements.joined, (["a", "b"],), "a and b"),
        (narrate_statements.joined, (["a", "b", "c"],), "a, b and c"),
        (narrate_statements.capitalised, ("**the lead**",), "**The lead**"),
        (narrate_statements.capitalised, ("\u201cthe title\u201d",), "\u201cThe title\u201d"),
        (narrate_statements.capitalised, ("3 stories",), "3 stories"),
        (narrate_statements.thin_note, (5, 5), ""),
        (
            narrate_statements.bold_name,
            ("<b>A</b> [x](y)",),
            "**&lt;b&gt;A&lt;/b&gt; \\[x\\]\\(y\\)**",
        ),
    ],
)
def test_formats(function, args, expected):
    assert function(*args) == expected


def test_thin_note_and_listed_terms_escape_nothing_unsafe():
    assert narrate_statements.thin_note(2, 5).startswith("; thin evidence: fewer than 5 sentences")
    terms = pd.DataFrame({"term": ["*war*", "tokyo"], "z": [1.234, 0.5]})
    assert narrate_statements.listed_terms(terms) == "*\\*war\\** (1.23), *tokyo* (0.50)"
