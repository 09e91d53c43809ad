"""Tests of analysis.explore.widget: the explorer's choices, filters, clicks and side by side,
read from pre-computed tables (no analysis per interaction)."""

from __future__ import annotations

import pytest

from analysis.errors import ParameterError
from analysis.explore import Explorer, explore_tables
from tests.conftest import JAPAN, LOS_ANGELES, RUSSIA
from tests.explore_cases import HOSTILE

pytest_plugins = ["tests.explore_fixtures"]


def _shown(pane):
    return [
        t.value
        for t, line in zip(pane.texts, pane.lines, strict=True)
        if line.layout.display != "none"
    ]


@pytest.fixture
def explorer(seed_tables):
    return Explorer(seed_tables)


def test_the_first_story_is_shown_on_opening(explorer):
    pane = explorer.panes[0]
    assert pane.story == RUSSIA
    assert explorer.panes[1].widget.layout.display == "none"  # until side by side
    assert "1\u201348 of 48 sentences" in pane.position.value
    assert len(_shown(pane)) == 48
    assert _shown(pane)[0].count("The sudden and dramatic removal") == 1
    assert pane.buttons[0].description == "1"
    assert "Click a sentence" in pane.detail.value


def test_filters_change_the_list(explorer):
    pane = explorer.panes[0]
    explorer.set_filters(tone="negative")
    assert len(pane.shown) == 14 and len(_shown(pane)) == 14
    assert any("The Russian Foreign Ministry vehemently <mark" in html for html in _shown(pane))
    assert "48 sentences, 14 shown" in pane.summary.value
    explorer.tone_menu.value = ""  # as a click on "any tone"
    assert len(pane.shown) == 48
    explorer.target_menu.value = "Nicolás Maduro"
    assert all("Maduro" in html for html in _shown(pane))
    explorer.clear.click()
    assert explorer.filters == {"frames": (), "tone": None, "target": None}
    assert explorer.tone_menu.index == 0 and explorer.target_menu.index == 0  # "any" shown
    with pytest.raises(ParameterError, match="unknown target"):
        explorer.set_filters(target="Mars")


def test_clicking_a_sentence_shows_its_detail(explorer):
    pane = explorer.panes[0]
    explorer.set_filters(frames=["conflict"], tone="negative")
    position = [int(r) for r in pane.shown].index(8)  # the Foreign Ministry sentence
    pane.buttons[position].click()
    assert pane.selected == 8
    assert pane.buttons[position].button_style == "info"
    detail = pane.detail.value
    assert "<b>Sentence 9</b>" in detail and "<b>condemned</b>" in detail
    assert "Words behind the scores" in detail and "<b>aggression</b>" in detail
    with pytest.raises(ParameterError, match="no sentence at position 40"):
        pane.click(40)


def test_pages_hold_page_size_sentences(seed_tables):
    explorer = Explorer(seed_tables, page_size=10)
    pane = explorer.panes[0]
    assert len(_shown(pane)) == 10 and pane.previous.disabled
    pane.next.click()
    assert "11\u201320 of 48" in pane.position.value
    assert pane.buttons[0].description == "11"
    pane.turn(10)
    assert "41\u201348 of 48" in pane.position.value and pane.next.disabled
    assert len(_shown(pane)) == 8


def test_side_by_side_puts_a_second_story_beside_the_first(explorer):
    explorer.mode.value = True  # as a click on "side by side"
    left, right = explorer.panes
    assert right.story == JAPAN and "the Tokyo lead" in right.summary.value
    explorer.set_filters(tone="negative")
    assert len(left.shown) == 14 and len(right.shown) == 0
    right.choose(story=LOS_ANGELES)
    assert len(right.shown) == 2
    explorer.side_by_side(False)
    assert right.widget.layout.display == "none"


def test_interactions_do_not_analyse_again(explorer, monkeypatch):
    import analysis.explore.targets as targets
    import analysis.explore.widget as widget
    import analysis.pipeline as pipeline

    def refuse(*_args, **_kwargs):
        raise AssertionError("analysis run during an interaction")

    for module, name in [
        (pipeline, "analyze"),
        (widget, "analyze"),
        (widget, "explore_tables"),
        (targets, "corpus_targets"),
        (targets, "target_mentions"),
    ]:
        monkeypatch.setattr(module, name, refuse)
    pane = explorer.panes[0]
    explorer.set_filters(frames=["conflict", "economic"], tone="negative", target="United States")
    pane.click(0)
    explorer.side_by_side(True)
    explorer.panes[1].choose(story=LOS_ANGELES)
    explorer.set_filters(frames=(), tone=None, target=None)
    pane.turn(1)
    assert len(pane.shown) == 48


def test_groups_list_their_stories_and_escape_names(hostile_analysis, explore_cache):
    explorer = Explorer(explore_tables(hostile_analysis, group="outlet", cache=explore_cache))
    pane = explorer.panes[0]
    assert pane.group_value == HOSTILE
    assert pane.story_menu.options[0] == ("all 2 stories", "")
    assert pane.story_menu.index == 0  # the page shows the entry
    assert [label for label, _ in pane.group_menu.options][1] == "Daily <b>Bold</b> (1 story)"
    assert len(pane.shown) == 3
    html = pane.summary.value + "".join(_shown(pane)) + explorer.widget.children[0].value
    assert "<img" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    pane.click(1)
    assert "<img" not in pane.detail.value
    explorer.side_by_side(True)
    assert explorer.panes[1].group_value == "Daily <b>Bold</b>"
    assert "Daily &lt;b&gt;Bold&lt;/b&gt;" in explorer.panes[1].summary.value


def test_explorer_needs_tables():
    with pytest.raises(ParameterError, match="expected ExploreTables"):
        Explorer("tables")
