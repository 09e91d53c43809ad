"""Tests for analysis.compare.cards (the comparison tables), on the seed stories."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from analysis import (
    ParameterError,
    analyze,
    framing,
    load_corpus,
    select_stories,
)
from analysis import compare as cmp
from analysis._checks import MISSING_GROUP
from analysis.narrate import compare as narrate_compare
from tests.conftest import JAPAN, LOS_ANGELES, RUSSIA, SEED_IDS, WASHINGTON
from tests.conftest import rule_rows as _rule

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


# --------------------------------------------------------------------------- cards


def test_cards_one_row_per_seed_story_in_corpus_order(comparison):
    cards = comparison.cards
    assert list(cards.columns) == cmp.CARD_COLUMNS
    assert cards["group"].tolist() == SEED_IDS
    assert cards["n_words"].tolist() == [1205, 58, 92, 63]
    assert cards["n_sentences"].tolist() == [48, 2, 3, 2]
    assert cards["is_truncated"].tolist() == [False, True, True, True]
    assert cards["label"].tolist() == [
        "\u201cThe sudden and dramatic removal of\u2026\u201d",
        "the Tokyo lead",
        "the Washington lead",
        "the Los Angeles lead",
    ]
    assert not comparison.capped
    assert comparison.by_story


def test_cards_tone_matches_the_sentiment_step(comparison, seed_analysis, seed_corpus):
    from analysis.sentiment import story_sentiment

    expected = story_sentiment(seed_analysis.sentiment, seed_corpus.stories)
    cards = comparison.cards
    np.testing.assert_allclose(cards["mean_score"], expected["mean_score"])
    np.testing.assert_allclose(cards["std_score"], expected["std_score"])
    assert cards["mean_score"].round(3).tolist() == [0.054, 0.132, 0.016, -0.3]
    # one story per group: the standard error is std / sqrt(n) over its sentences
    np.testing.assert_allclose(cards["se_score"], expected["sem_score"])


def test_cards_frames_match_the_framing_step(comparison, seed_analysis, seed_corpus):
    summary = framing.frame_summary(seed_analysis.frame_hits["generic"], seed_corpus.stories)
    present = summary[summary["present"]]
    assert sorted(zip(present["story_id"], present["frame"].astype(str), strict=True)) == sorted(
        [
            (RUSSIA, "conflict"),
            (RUSSIA, "economic"),
            (JAPAN, "economic"),
            (LOS_ANGELES, "human_interest"),
        ]
    )
    cards = comparison.cards.set_index("group")
    assert cards.loc[RUSSIA, "dominant_frames"] == "Conflict"
    assert cards.loc[RUSSIA, "present_frames"] == "Conflict; Economic consequences"
    assert cards.loc[JAPAN, "dominant_frames"] == "Economic consequences"
    assert cards.loc[WASHINGTON, "present_frames"] == ""
    assert cards.loc[LOS_ANGELES, "dominant_frames"] == "Human interest"
    wide = comparison.frame_matrix("intensity").round(1)
    assert wide.loc[RUSSIA, "conflict"] == 17.4
    assert wide.loc[RUSSIA, "economic"] == 9.1
    assert wide.loc[JAPAN, "economic"] == 69.0
    assert wide.loc[LOS_ANGELES, "human_interest"] == 31.7
    assert wide.loc[WASHINGTON, "responsibility"] == 10.9
    # all frames together, per 1,000 words: (21 + 1 + 11) hits in 1,205 words
    assert cards.loc[RUSSIA, "frame_intensity"] == pytest.approx(33 / 1205 * 1000)


def test_cards_terms_actors_quotes(comparison):
    cards = comparison.cards.set_index("group")
    assert cards.loc[RUSSIA, "top_terms"] == "russia, maduro, military, venezuela, moscow"
    assert cards.loc[JAPAN, "top_terms"].startswith("japan, ")
    assert cards.loc[RUSSIA, "top_actors"] == (
        "Russia (25); United States (20); Nicol\u00e1s Maduro (15)"
    )
    assert cards.loc[WASHINGTON, "top_actors"].startswith("Department of Justice (2)")
    assert cards.loc[RUSSIA, "n_quotes"] == 7
    assert cards.loc[RUSSIA, "n_speech"] == 5
    assert cards.loc[[JAPAN, WASHINGTON], "n_quotes"].tolist() == [0, 0]
    terms = comparison.terms
    assert terms.loc[terms["group"] == LOS_ANGELES, "term"].iloc[0] == "reiner"
    assert not terms["significant"].any()
    topics = comparison.topics
    shares = topics.groupby("group")["share"].sum()
    np.testing.assert_allclose(shares.to_numpy(), 1.0)


def test_cards_flag_mostly_truncated_groups_and_name_the_dominant_frame(comparison, seed_corpus):
    cards = comparison.cards.set_index("group")
    # one story per card: mostly truncated is truncated
    assert cards["mostly_truncated"].tolist() == cards["is_truncated"].tolist()
    assert cards["dominant_frame"].tolist() == [
        "Conflict",
        "Economic consequences",
        "",
        "Human interest",
    ]
    stories = seed_corpus.stories.assign(pair=["a", "a", "b", "b"])
    paired = seed_corpus.__class__(stories=stories, sentences=seed_corpus.sentences)
    pairs = cmp.compare(analyze(paired, codebooks=["generic"]), group="pair", topics=False)
    columns = ["n_truncated", "n_stories", "is_truncated", "mostly_truncated"]
    # a: the Russia story and the Tokyo lead (1 of 2 truncated); b: two truncated leads
    assert pairs.cards[columns].values.tolist() == [[1, 2, True, False], [2, 2, True, True]]
    assert pairs.cards["mostly_truncated"].dtype == bool


def test_missing_group_values_form_one_group(seed_analysis):
    cards = cmp.compare(seed_analysis, group="outlet", topics=False).cards
    assert cards["group"].tolist() == [MISSING_GROUP]
    assert cards[["n_truncated", "n_stories", "mostly_truncated"]].values.tolist() == [
        [3, 4, True]
    ]


def test_compare_rejects_what_is_not_an_analysis(seed_corpus):
    with pytest.raises(ParameterError, match="analysis.analyze"):
        cmp.compare(seed_corpus)


def test_story_labels_name_leads_by_place_and_stories_by_title(seed_corpus):
    labels = cmp.story_labels(seed_corpus.stories)
    assert labels[LOS_ANGELES] == "the Los Angeles lead"
    assert labels[RUSSIA] == "\u201cThe sudden and dramatic removal of\u2026\u201d"
    twins = seed_corpus.stories.iloc[[1, 1]].assign(story_id=["x", "y"])
    assert cmp.story_labels(twins) == {"x": "the Tokyo lead [x]", "y": "the Tokyo lead [y]"}


# --------------------------------------------------------------------------- groups and caps


def test_group_by_dateline(seed_analysis):
    comparison = cmp.compare(seed_analysis, group="dateline", topics=False)
    cards = comparison.cards
    assert cards["group"].tolist() == ["LOS ANGELES, CA", "TOKYO", "WASHINGTON", "(missing)"]
    assert cards["label"].tolist() == cards["group"].tolist()
    statements = narrate_compare.comparison_statements(comparison)
    assert (
        statements["statement"]
        .iloc[0]
        .startswith(
            "Across the 4 `dateline` groups (4 stories), **LOS ANGELES, CA** is the most negative"
        )
    )


@pytest.fixture(scope="module")
def outlet_analysis(tmp_path_factory):
    """Six stories from two outlets: A writes grim conflict stories, B upbeat economic ones."""
    rows = [
        ("a1", "A", "Troops attacked the city and killed dozens. The war is a disaster."),
        ("a2", "A", "The brutal attack left many dead. Rebels condemned the killing."),
        ("a3", "A", "Fighting raged as the army shelled the town. Residents fled in terror."),
        ("b1", "B", "The budget brings great savings. The economy is growing nicely."),
        ("b2", "B", "Investors cheered the wonderful profits. Costs fell by $2 billion."),
        ("b3", "B", "A happy day for taxpayers. The tax cut was praised by everyone."),
    ]
    path = tmp_path_factory.mktemp("outlets") / "articles.csv"
    pd.DataFrame(rows, columns=["id", "outlet", "text"]).to_csv(path, index=False)
    return analyze(load_corpus(path), codebooks=["generic"])


def test_group_by_outlet_from_a_csv(outlet_analysis):
    comparison = cmp.compare(outlet_analysis, group="outlet", topics=False)
    cards = comparison.cards.set_index("group")
    assert cards.index.tolist() == ["A", "B"]
    assert cards["n_stories"].tolist() == [3, 3]
    assert not comparison.by_story
    assert cards.loc["A", "mean_score"] < 0 < cards.loc["B", "mean_score"]
    statements = narrate_compare.comparison_statements(comparison)
    low = _rule(statements, "tone_low").iloc[0]
    assert low["source_row"] == "A"
    assert low["statement"].startswith("**A** is the most negative")
    assert statements["statement"].iloc[0].startswith("Across the 2 `outlet` groups (6 stories)")


def test_group_standard_error_is_clustered_by_story(outlet_analysis):
    comparison = cmp.compare(outlet_analysis, group="outlet", topics=False)
    scored = outlet_analysis.sentiment.merge(
        outlet_analysis.corpus.stories[["story_id", "outlet"]], on="story_id"
    )
    part = scored[scored["outlet"] == "A"]
    y = part["vader_textblob_mean"]
    resid = (y - y.mean()).groupby(part["story_id"]).sum()
    g, n = len(resid), len(y)
    expected = math.sqrt(g / (g - 1) * (resid**2).sum()) / n
    se = comparison.cards.set_index("group").loc["A", "se_score"]
    assert se == pytest.approx(expected)


def test_cap_keeps_the_longest_stories_and_says_so(seed_analysis):
    comparison = cmp.compare(seed_analysis, max_groups=2, topics=False)
    assert comparison.capped
    assert comparison.cards["group"].tolist() == [RUSSIA, WASHINGTON]
    assert set(comparison.frames["group"]) == {RUSSIA, WASHINGTON}
    assert set(comparison.terms["group"]) == {RUSSIA, WASHINGTON}
    statements = narrate_compare.comparison_statements(comparison)
    cap = _rule(statements, "cap").iloc[0]
    assert cap["statement"].startswith("Only the 2 longest of the 4 stories are compared")
    assert statements["statement"].iloc[0].startswith("Across the 2 longest of the 4 stories,")


def test_terms_against_the_rest_are_unchanged_by_the_cap(seed_analysis, comparison):
    capped = cmp.compare(seed_analysis, max_groups=2, topics=False)
    for story in (RUSSIA, WASHINGTON):
        full = comparison.terms[comparison.terms["group"] == story].reset_index(drop=True)
        part = capped.terms[capped.terms["group"] == story].reset_index(drop=True)
        pd.testing.assert_frame_equal(full, part)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"group": "no_such_column"}, "no_such_column"),
        ({"codebook": "policy"}, "analyze\\(corpus, codebooks=\\['policy'\\]\\)"),
        ({"max_groups": 0}, "max_groups"),
        ({"top_terms": True}, "top_terms"),
    ],
)
def test_compare_rejects_bad_arguments(seed_analysis, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        cmp.compare(seed_analysis, topics=False, **kwargs)


def test_compare_is_deterministic(seed_analysis, comparison, statements):
    again = cmp.compare(seed_analysis)
    for name in ("cards", "frames", "terms", "actors", "topics"):
        pd.testing.assert_frame_equal(getattr(comparison, name), getattr(again, name))
    pd.testing.assert_frame_equal(statements, narrate_compare.comparison_statements(again))
    assert cmp.story_cards(seed_analysis).equals(
        comparison.cards
    )  # the cards alone, without the topic model


@pytest.mark.usefixtures("allsides_path")
def test_allsides_bias_groups_on_immigration(allsides_corpus):
    corpus = select_stories(allsides_corpus, filters={"topic": "immigration"})
    comparison = cmp.compare(analyze(corpus, codebooks=["generic"]), group="bias_label")
    cards = comparison.cards
    assert cards["group"].tolist() == ["center", "left", "right"]
    assert int(cards["n_stories"].sum()) == len(corpus.stories) == 252
    statements = narrate_compare.comparison_statements(comparison)
    assert {"tone_low", "tone_high", "tone_gap", "frame_most", "terms"} <= set(statements["rule"])
    assert (
        statements["statement"]
        .iloc[0]
        .startswith("Across the 3 `bias_label` groups (252 stories),")
    )
    for row in statements.itertuples(index=False):
        table = getattr(comparison, row.source_table)
        for value in filter(None, row.source_row.split("; ")):
            assert value in set(table["group"])


# --------------------------------------------------------------------------- notebooks


@pytest.mark.parametrize("name", ["comparison", "story"])
def test_notebook_structure(name):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    lines = tagged[0].source.splitlines()
    for line in lines:  # papermill's parser: one "=" per line, quoted Optional annotations
        assert re.match(r'^\w+: ("Optional\[\w+\]"|\w+) = ', line), line
        assert line.count("=") == 1, line
    names = [line.split(":")[0] for line in lines]
    assert {"corpus_path", "filters", "date_from", "date_to", "codebook"} <= set(names)
    assert ("story_id" in names) == (name == "story")
    assert ("group" in names) == (name == "comparison")
    assert sum("report-summary" in c.metadata.get("tags", []) for c in nb.cells) == 1
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not re.search(r"^\s*(def|class|for|while) ", cell.source, re.M), cell.id
    assert json.dumps(nb.metadata.kernelspec["name"]) == '"python3"'


def test_cards_follow_calibrated_decisions(seed_analysis):
    from analysis import compare
    from tests.conftest import RUSSIA

    decisions = pd.DataFrame({"story_id": [RUSSIA], "frame": ["conflict"], "present": [False]})
    calibrated = compare.compare(seed_analysis, topics=False, decisions=decisions)
    cards = calibrated.cards.set_index("group")
    assert cards.loc[RUSSIA, "present_frames"] == "Economic consequences"
    assert not calibrated.frame_matrix("present").loc[RUSSIA, "conflict"]
