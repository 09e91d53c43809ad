"""Tests of analysis.narrate.sentiment: the reading of the seed stories' sentiment tables."""

from __future__ import annotations

from analysis.narrate.sentiment import describe
from analysis.sentiment import (
    sentiment_arc,
    story_sentiment,
    target_sentiment,
)
from tests.conftest import JAPAN, LOS_ANGELES, RUSSIA
from tests.sentiment_cases import TARGETS


def test_describe_states_the_results_from_the_tables(scored, seed_corpus, table):
    arc = sentiment_arc(scored, seed_corpus.stories)
    targets = target_sentiment(scored, seed_corpus.stories, targets=TARGETS)
    text = describe(table, arc=arc, targets=targets)
    assert f"Most negative story: **{LOS_ANGELES}** (-0.300 over 2 sentences" in text
    assert f"Most positive story: **{JAPAN}** (+0.132 over 2 sentences" in text
    assert "3 of 4 stories are truncated leads" in text
    assert "Russia: 43 mentions in 34 sentences of 1 story" in text
    assert f"Arc of {RUSSIA}: lowest at 60-70 %" in text
    assert f"Arc of {LOS_ANGELES}" not in text  # too few sentences for an arc


def test_describe_empty_table(scored, seed_corpus):
    empty = story_sentiment(scored.iloc[:0], seed_corpus.stories)
    assert describe(empty) == "- No sentences to describe (grouped by `story_id`)."


def test_describe_names_a_missing_group_value_and_its_arc():
    import analysis
    from analysis.narrate.sentiment import describe
    from analysis.sentiment import sentiment_arc, story_sentiment, target_sentiment

    corpus = analysis.load_corpus()
    scored = analysis.analyze(corpus, codebooks=(), terms=False).sentiment
    table = story_sentiment(scored, corpus.stories, group="dateline")
    arc = sentiment_arc(scored, corpus.stories, group="dateline")
    targets = target_sentiment(
        scored, corpus.stories, group="dateline", targets={"Russia": ["Russia", "Moscow"]}
    )
    text = describe(table, arc=arc, targets=targets)
    assert "- Arc of (missing): lowest at" in text.replace("\\(", "(").replace("\\)", ")")
    assert "lowest mean in  (" not in text
