"""Tests of analysis.language.actor_extraction: actor mentions and types."""

from __future__ import annotations

import pytest

from analysis.corpus import stories_from_texts
from analysis.errors import ParameterError
from analysis.language import actor_extraction
from analysis.language.actor_extraction import MENTION_COLUMNS, actor_mentions
from analysis.language.actor_table import actors
from tests.conftest import JAPAN, LOS_ANGELES, RUSSIA, WASHINGTON

#: Every actor the extractor finds in the seeds, hand-checked (see the module docstring):
#: (story, actor, type, mentions, correct entity?, correct type?).
SEED_ACTORS = [
    (RUSSIA, "Russia", "place", 25, True, True),
    (RUSSIA, "United States", "place", 20, True, True),
    (RUSSIA, "Nicolás Maduro", "person", 15, True, True),
    (RUSSIA, "Venezuela", "place", 15, True, True),
    (RUSSIA, "Moscow", "place", 11, True, True),
    (RUSSIA, "Kremlin", "org", 5, True, True),
    (RUSSIA, "Ukraine", "place", 4, True, True),
    (RUSSIA, "Latin America", "place", 3, True, True),
    (RUSSIA, "Chavista", "other", 2, False, False),
    (RUSSIA, "Delcy Rodríguez", "person", 2, True, True),
    (RUSSIA, "Operation Absolute Resolve", "other", 2, True, True),
    (RUSSIA, "Vladimir Putin", "person", 2, True, True),
    (RUSSIA, "Western Hemisphere", "place", 2, True, True),
    (RUSSIA, "Caracas", "place", 1, True, True),
    (RUSSIA, "Cilia Flores", "person", 1, True, True),
    (RUSSIA, "Eastern Europe", "place", 1, True, True),
    (RUSSIA, "Hugo Chávez", "person", 1, True, True),
    (RUSSIA, "New York", "place", 1, True, True),
    (RUSSIA, "PDVSA", "org", 1, True, True),
    (RUSSIA, "Rosneft", "other", 1, True, False),
    (RUSSIA, "Russian Foreign Ministry", "org", 1, True, True),
    (RUSSIA, "Trump", "other", 1, True, False),
    (RUSSIA, "Volodymyr Zelenskyy", "person", 1, True, True),
    (RUSSIA, "Washington", "place", 1, True, True),
    (JAPAN, "Japan", "place", 2, True, True),
    (JAPAN, "Cabinet", "org", 1, True, True),
    (JAPAN, "China", "place", 1, True, True),
    (JAPAN, "World War II", "other", 1, True, True),
    (WASHINGTON, "Department of Justice", "org", 2, True, True),
    (WASHINGTON, "Jeffrey Epstein", "person", 1, True, True),
    (WASHINGTON, "United States", "place", 1, True, True),
    (LOS_ANGELES, "Brentwood", "other", 1, True, False),
    (LOS_ANGELES, "Los Angeles County", "place", 1, True, True),
    (LOS_ANGELES, "Michele Singer Reiner", "person", 1, True, True),
    (LOS_ANGELES, "Nathan Hochman", "person", 1, True, True),
    (LOS_ANGELES, "Nicholas Reiner", "person", 1, True, True),
    (LOS_ANGELES, "Rob Reiner", "person", 1, True, True),
]


@pytest.fixture(scope="module")
def seed_actors(seed_corpus):
    return actors(seed_corpus)


def test_seed_actors_are_the_hand_checked_list(seed_actors):
    got = list(seed_actors[["group", "actor", "type", "mentions"]].itertuples(index=False))
    assert [tuple(r) for r in got] == [row[:4] for row in SEED_ACTORS]


def test_seed_actor_precision_stated_in_the_docstring():
    entities = sum(row[4] for row in SEED_ACTORS)
    typed = sum(row[5] for row in SEED_ACTORS)
    assert (len(SEED_ACTORS), entities, typed) == (37, 36, 33)
    assert "37 actors extracted, 36 are real named entities" in actor_extraction.__doc__
    assert "33 of 37 also have the right type" in actor_extraction.__doc__


def test_specific_seed_actors(seed_actors):
    a = seed_actors.set_index(["group", "actor"])
    maduro = a.loc[(RUSSIA, "Nicolás Maduro")]
    assert maduro["mentions"] == 15 and maduro["aliases"] == "Maduro"
    assert a.loc[(LOS_ANGELES, "Rob Reiner"), "type"] == "person"
    doj = a.loc[(WASHINGTON, "Department of Justice")]
    assert doj["mentions"] == 2 and doj["aliases"] == "DOJ"
    assert a.loc[(RUSSIA, "United States"), "aliases"] == "U.S."
    assert a.loc[(LOS_ANGELES, "Nicholas Reiner"), "aliases"] == 'Nicholas "Nick" Reiner'
    assert a.loc[(RUSSIA, "Vladimir Putin"), "aliases"] == "Putin"


def test_sentence_openers_months_and_nationalities_are_not_actors(seed_actors):
    names = set(seed_actors["actor"])
    for word in (
        "Despite",
        "Sources",
        "Economically",
        "Militarily",
        "Furthermore",
        "Tuesday",
        "December",
        "April",
        "Venezuelan",
        "Russian",
        "Soviet",
        "The",
        "Western",
    ):
        assert word not in names


def test_actor_mentions_offsets_point_into_the_story_text(seed_corpus):
    mentions = actor_mentions(seed_corpus.sentences)
    text = seed_corpus.stories.set_index("story_id")["text"]
    for row in mentions.itertuples(index=False):
        assert text[row.story_id][row.start : row.end] == row.surface
    assert list(mentions.columns) == MENTION_COLUMNS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Officials met Secretary of State Marco Rubio in Paris.",
            {("Marco Rubio", "person"), ("Paris", "place")},
        ),
        (
            "In Moscow, the U.N. Security Council met the Chinese Communist Party.",
            {
                ("Moscow", "place"),
                ("UN Security Council", "org"),
                ("Chinese Communist Party", "org"),
            },
        ),
        (
            "Jane Doe spoke. Later, Doe left for Bosnia and Herzegovina.",
            {("Jane Doe", "person"), ("Bosnia and Herzegovina", "place")},
        ),
        (
            "Talks between Russia and Ukraine stalled, said Gen. Mark Milley.",
            {("Russia", "place"), ("Ukraine", "place"), ("Mark Milley", "person")},
        ),
        (
            "The Federal Bureau of Investigation (FBI) said the FBI would act.",
            {("Federal Bureau of Investigation", "org")},
        ),
    ],
)
def test_actor_rules_on_constructed_sentences(text, expected):
    corpus = stories_from_texts([text])
    got = set(actors(corpus)[["actor", "type"]].itertuples(index=False, name=None))
    assert got == expected


def test_actors_by_group_and_top_n(seed_corpus):
    stories = seed_corpus.stories.assign(side=["x", "x", "y", "y"])
    corpus = type(seed_corpus)(stories=stories, sentences=seed_corpus.sentences)
    out = actors(corpus, group="side", top_n=3)
    assert list(out["group"]) == ["x"] * 3 + ["y"] * 3
    assert out.iloc[0]["actor"] == "Russia"
    with pytest.raises(ParameterError, match="top_n"):
        actors(seed_corpus, top_n=0)
    with pytest.raises(ParameterError, match="group 'side'"):
        actors(seed_corpus, group="side")


def test_actors_empty_corpus(seed_corpus):
    empty = type(seed_corpus)(
        stories=seed_corpus.stories.iloc[:0], sentences=seed_corpus.sentences.iloc[:0]
    )
    assert actors(empty).empty
    assert actor_mentions(empty.sentences).empty


# --------------------------------------------------------------------------- what is not a name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Sen. John Cornyn, R-Texas, and Rep. Nancy Pelosi (D-Calif.) spoke.",
            {("John Cornyn", "person"), ("Nancy Pelosi", "person")},
        ),
        ("Rep. Ann Kuster, D-N.H., spoke.", {("Ann Kuster", "person")}),
        # the sentence end is hidden in "N.H.": the tag still ends the name before it
        ("Sen. Jeanne Shaheen, D-N.H. She spoke.", {("Jeanne Shaheen", "person")}),
        (
            "Rallies where Democrat Hillary Clinton met Texas Ted Cruz and Chad Wolf.",
            {
                ("Hillary Clinton", "person"),
                ("Texas", "place"),
                ("Ted Cruz", "person"),
                ("Chad Wolf", "person"),
            },
        ),
        ("Crowds cheered Republican Trump and Republican leaders.", {("Trump", "other")}),
        ("Photos show Syria Photos in Paris.", {("Syria Photos", "other"), ("Paris", "place")}),
        ("In New York (CNN) officials met.", {("New York", "place"), ("CNN", "org")}),
    ],
)
def test_tags_descriptions_and_datelines_are_not_names(text, expected):
    got = set(actors(stories_from_texts([text]))[["actor", "type"]].itertuples(index=False))
    assert got == expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        # a title left alone at the end of a cut-off lead, or where the name is elsewhere
        (["Critics of the plan were answered by Mr.", "Reports said Dr."], set()),
        (["The President said the Senators and Gov. were wrong."], set()),
        # a bare title that is the surname of the story's full name merges, and stays
        (
            ["Rep. Steve King spoke on Monday. Later, King said he would stay."],
            {("Steve King", "person")},
        ),
    ],
)
def test_titles_alone_are_not_actors(texts, expected):
    got = set(actors(stories_from_texts(texts))[["actor", "type"]].itertuples(index=False))
    assert got == expected


def test_pronouns_and_stop_words_are_not_actors():
    text = 'Voters said "It matters." Then It and We and I\'m were printed: We won.'
    assert actors(stories_from_texts([text])).empty


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("R-Texas", True),
        ("D-N.Y.", True),
        ("I-Vt", True),
        ("R-New Jersey", True),
        ("D-Calif.", True),
        ("D-Day", False),
        ("X-Texas", False),
        ("R-Smith", False),
    ],
)
def test_is_party_tag(tag, expected):
    assert actor_extraction.is_party_tag(tag) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the President", True),
        ("These figures", True),
        ("Officials", True),
        ("the", False),
        ("Ted Cruz", False),
        ("President Obama", False),
    ],
)
def test_is_description(text, expected):
    assert actor_extraction.is_description(text) is expected
