"""Tests for analysis.narrate.compare (the comparison in words), on the seed stories."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import ParameterError, analyze, stories_from_texts
from analysis import compare as cmp
from analysis.narrate import compare as narrate_compare
from analysis.narrate import statements as narrate_statements
from tests.conftest import JAPAN, LOS_ANGELES, RUSSIA, WASHINGTON
from tests.conftest import rule_rows as _rule

# --------------------------------------------------------------------------- statements


def test_statement_columns_and_headline_first(statements):
    assert list(statements.columns) == narrate_statements.STATEMENT_COLUMNS
    assert statements["rule"].iloc[0] == "headline"
    assert (statements["rule"] == "headline").sum() == 1


def test_los_angeles_is_the_most_negative_and_its_score_is_named(statements):
    row = _rule(statements, "tone_low").iloc[0]
    assert row["source_table"] == "cards"
    assert row["source_row"] == LOS_ANGELES
    assert row["value"] == pytest.approx(-0.30015, abs=1e-4)
    assert row["statement"].startswith("**The Los Angeles lead** is the most negative (-0.30")
    assert "over 2 sentences" in row["statement"]
    assert "thin evidence" in row["statement"]
    high = _rule(statements, "tone_high").iloc[0]
    assert high["source_row"] == JAPAN
    assert "**The Tokyo lead** is the most positive (+0.13 over 2 sentences" in high["statement"]
    gap = _rule(statements, "tone_gap").iloc[0]
    assert "0.43, 2.5 times its standard error: a clear difference" in gap["statement"]


def test_frame_statements_follow_the_framing_table(statements):
    economic = _rule(statements, "frame_most", "economic")
    assert len(economic) == 1
    text = economic["statement"].iloc[0]
    assert text.startswith("**The Tokyo lead** uses the *Economic consequences* frame most")
    assert "69.0 hits per 1,000 words" in text and "(9.1)" in text
    assert economic["source_row"].iloc[0] == f"{JAPAN}; {RUSSIA}"
    # RUSSIA also carries the economic frame: JAPAN is not "the only one" carrying it
    assert _rule(statements, "frame_only", "economic").empty
    only = _rule(statements, "frame_only").set_index("source_column")
    assert only.loc["conflict", "source_row"] == RUSSIA
    assert "(17.4 hits per 1,000 words)" in only.loc["conflict", "statement"]
    assert only.loc["human_interest", "source_row"] == LOS_ANGELES
    assert only.loc["human_interest", "statement"].startswith(
        "Only **the Los Angeles lead** carries the *Human interest* frame (31.7"
    )
    absent = _rule(statements, "frame_absent").iloc[0]
    assert absent["source_column"] == "morality, responsibility"
    none = _rule(statements, "frame_none").iloc[0]
    assert none["source_row"] == WASHINGTON
    assert "*Attribution of responsibility*, has 10.9 hits" in none["statement"]


def test_truncated_leads_are_named(statements):
    row = _rule(statements, "truncated").iloc[0]
    assert row["source_row"].split("; ") == [JAPAN, WASHINGTON, LOS_ANGELES]
    text = row["statement"]
    assert text.startswith("3 of 4 stories are truncated leads")
    for name in ("the Tokyo lead", "the Washington lead", "the Los Angeles lead"):
        assert f"**{name}**" in text


def test_every_statement_source_exists(comparison, statements):
    for row in statements.itertuples(index=False):
        table = getattr(comparison, row.source_table)
        assert isinstance(table, pd.DataFrame), row.source_table
        if row.source_row:
            for value in row.source_row.split("; "):
                assert value in set(table["group"]), (row.rule, value)
        if row.source_column and row.source_table == "frames":
            for frame in row.source_column.split(", "):
                assert frame in set(table["frame"].astype(str)) or frame == "present"
        elif row.source_column:
            assert row.source_column in table.columns, (row.rule, row.source_column)


def test_headline_is_one_sentence_and_the_first_paragraph(statements):
    headline = statements["statement"].iloc[0]
    assert headline == (
        "Across the 4 stories, **the Los Angeles lead** is the most negative (-0.30 over 2 "
        "sentences); **the Tokyo lead** uses the *Economic consequences* frame most intensely "
        "(69.0 hits per 1,000 words, against 9.1 in **\u201cThe sudden and dramatic removal "
        "of\u2026\u201d**)."
    )
    markdown = narrate_statements.statements_markdown(statements)
    assert markdown.split("\n\n")[0] == headline
    assert "_(table cards, row `nicholas-nick-reiner-32-son-of`, column `mean_score`)_" in markdown
    assert "**Frames**" in markdown and "**Tone**" in markdown
    assert "(table" not in narrate_statements.statements_markdown(statements, sources=False)


def test_statement_text_is_escaped(seed_corpus):
    texts = [
        "A *bold* claim & <b>tag</b> in the war. Officials condemned the strikes.",
        "A wonderful day for the budget. The cost of $5 billion was praised.",
    ]
    corpus = stories_from_texts(texts)
    stories = corpus.stories.assign(
        title=["Evil <img src=x> _title_", "Fine"], title_source="input"
    )
    corpus = corpus.__class__(stories=stories, sentences=corpus.sentences)
    result = analyze(corpus, codebooks=["generic"])
    statements = narrate_compare.comparison_statements(cmp.compare(result, topics=False))
    markdown = narrate_statements.statements_markdown(statements)
    assert "<img" not in markdown
    assert "&lt;img src=x&gt; \\_title\\_" in markdown


def test_min_sentences_controls_the_thin_evidence_note(comparison):
    relaxed = narrate_compare.comparison_statements(comparison, min_sentences=2)
    assert "thin evidence" not in _rule(relaxed, "tone_low")["statement"].iloc[0]
    with pytest.raises(ParameterError, match="min_sentences"):
        narrate_compare.comparison_statements(comparison, min_sentences=0)


def test_single_group_has_nothing_to_compare(seed_analysis):
    comparison = cmp.compare(seed_analysis, group="outlet", topics=False)  # all missing
    statements = narrate_compare.comparison_statements(comparison)
    assert statements["rule"].tolist() == ["headline", "single"]
    assert "nothing to compare" in statements["statement"].iloc[0]


def test_scope_says_what_the_cards_cover(comparison, seed_analysis):
    assert narrate_compare.comparison_scope(comparison) == (
        "All 4 stories of the selection are compared, one card per story."
    )
    groups = cmp.compare(seed_analysis, group="dateline", max_groups=2, topics=False)
    text = narrate_compare.comparison_scope(groups)
    assert text.startswith("Only the 2 of 4 `dateline` groups with most stories are compared")
    statements = narrate_compare.comparison_statements(groups)
    assert _rule(statements, "cap")["statement"].iloc[0] == text


def test_max_named_is_checked(comparison):
    with pytest.raises(ParameterError, match="max_named"):
        narrate_compare.comparison_statements(comparison, max_named=0)
    one = narrate_compare.comparison_statements(comparison, max_named=1)
    assert len(_rule(one, "terms")) == 1


def test_statements_only_read_the_tables(comparison):
    before = {name: getattr(comparison, name).copy() for name in ("cards", "frames", "terms")}
    narrate_compare.comparison_statements(comparison)
    for name, table in before.items():
        pd.testing.assert_frame_equal(getattr(comparison, name), table)
