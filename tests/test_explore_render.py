"""Tests of analysis.explore.render: tone colours, trigger marks, details, and escaping."""

from __future__ import annotations

import re

import pytest

from analysis.explore import explore_tables, selection_rows, selection_summary
from analysis.explore.render import (
    detail_html,
    legend_html,
    selection_title,
    sentence_html,
    summary_html,
    tone_style,
)
from analysis.sentiment.drivers import driver_rows
from tests.conftest import JAPAN, RUSSIA
from tests.explore_cases import CONDEMNED, HOSTILE

pytest_plugins = ["tests.explore_fixtures"]


def _row(tables, text):
    return int(tables.sentences.index[tables.sentences["text"] == text][0])


@pytest.mark.parametrize(
    ("score", "style"),
    [
        (-0.5, "background-color:rgba(192,57,43,0.42)"),
        (0.3, "background-color:rgba(39,134,74,0.30)"),
        (0.049, ""),
        (-1.0, "background-color:rgba(192,57,43,0.60)"),
        (float("nan"), ""),
    ],
)
def test_tone_style_follows_the_story_text_rule(score, style):
    assert tone_style(score, 0.05) == style


def test_a_negative_sentence_is_red_with_its_triggers_marked(seed_tables):
    row = _row(seed_tables, CONDEMNED)
    html = sentence_html(seed_tables, row)
    assert "background-color:rgba(192,57,43,0.36)" in html  # -0.40 -> 0.12 + 0.6 * 0.40
    assert re.search(
        r'<mark class="frame-trigger"[^>]*>condemned<sup[^>]*> conflict</sup></mark>', html
    )
    assert "\u22120.40</span></div>" in html  # the score, with a real minus sign
    assert "the U.S. action as &quot;" in html  # the quotes of the text, escaped
    assert "<" not in re.sub(r"</?(div|mark|sup|span)\b[^>]*>", "", html)  # no other tag


def test_the_detail_lists_scores_triggers_drivers_and_targets(seed_tables):
    row = _row(seed_tables, CONDEMNED)
    html = detail_html(seed_tables, row, driver_rows(CONDEMNED))
    assert "<b>Sentence 9</b>" in html
    assert "VADER compound</td><td" in html
    assert re.search(r"Conflict</span></td><td[^>]*>[^<]+</td><td[^>]*><code[^>]*>condemn", html)
    assert re.search(r"<b>aggression</b> <span[^>]*>\u22121\.20</span>", html)  # VADER lexicon
    assert re.search(r"<b>foreign</b> <span[^>]*>\u22120\.12</span>", html)  # Pattern
    assert "United States (<i>U.S.</i>)" in html


def test_the_summary_counts_the_selection(seed_tables):
    rows = selection_rows(seed_tables, story=RUSSIA)
    title = selection_title(seed_tables, story=RUSSIA, group_value=None)
    html = summary_html(seed_tables, title, selection_summary(seed_tables, rows), 14)
    assert "48 sentences, 14 shown" in html
    assert "14 negative" in html and "5 neutral" in html and "29 positive" in html
    assert "mean tone +0.05" in html
    assert selection_title(seed_tables, story=JAPAN, group_value=None) == "<b>the Tokyo lead</b>"


def test_corpus_text_titles_and_outlets_are_escaped(hostile_analysis, explore_cache):
    tables = explore_tables(hostile_analysis, group="outlet", cache=explore_cache)
    hostile_row = int(tables.sentences.index[tables.sentences["text"].str.contains("<img")][0])
    story = tables.sentences.at[hostile_row, "story_id"]
    pieces = [
        sentence_html(tables, hostile_row, story_note=True),
        detail_html(tables, hostile_row, driver_rows(tables.sentences.at[hostile_row, "text"])),
        selection_title(tables, story=story, group_value=None),
        selection_title(tables, story=None, group_value=HOSTILE),
        summary_html(tables, "t", selection_summary(tables, selection_rows(tables)), 1),
        legend_html(tables),
    ]
    for html in pieces:
        assert "<img" not in html and "<b>Bold" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in pieces[0]  # the sentence
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in pieces[2]  # outlet of the story
    assert "&lt;img" in pieces[3]
