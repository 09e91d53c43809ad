"""Tests of analysis.language.actor_merging: surnames merged within a story and across stories."""

from __future__ import annotations

import pytest

from analysis.corpus import stories_from_texts
from analysis.errors import ParameterError
from analysis.language import actor_merging
from analysis.language.actor_extraction import actor_mentions
from analysis.language.actor_merging import (
    AMBIGUOUS_COLUMNS,
    DOMINANT_SHARE,
    ambiguous_surnames,
    surname_owner,
)
from analysis.language.actor_table import actors


def _story_actors(*texts: str) -> list[list[tuple[str, str]]]:
    """(surface, actor) of every person-like mention, per story."""
    mentions = actor_mentions(stories_from_texts(list(texts)).sentences)
    return [
        list(zip(g["surface"], g["actor"], strict=True))
        for _, g in mentions.groupby("story_id", sort=False)
    ]


@pytest.mark.parametrize("title", ["Mr.", "Ms.", "Mrs.", "Dr.", "President", "Sen.", "Rep."])
def test_titled_surname_merges_with_the_full_name_of_its_story(title):
    (story,) = _story_actors(f"Jane Roe arrived. Later, {title} Roe spoke and Roe left.")
    assert story == [("Jane Roe", "Jane Roe"), ("Roe", "Jane Roe"), ("Roe", "Jane Roe")]


def test_surname_of_two_people_in_one_story_stays_as_written():
    (both,) = _story_actors("Hillary Clinton met Bill Clinton. Later, Clinton spoke.")
    assert both[-1] == ("Clinton", "Clinton")
    (one,) = _story_actors("Bill Clinton arrived. Later, Clinton spoke.")
    assert one[-1] == ("Clinton", "Bill Clinton")


def test_surname_merges_across_the_corpus_with_its_only_titled_full_name():
    stories = _story_actors("Sen. Jane Roe arrived in Paris.", "Voters cheered when Roe spoke.")
    assert stories[1] == [("Roe", "Jane Roe")]


def test_a_full_name_without_a_person_title_does_not_own_a_surname_across_the_corpus():
    # "Acme Widget" looks like a name but is never introduced as a person
    stories = _story_actors("Buyers liked Acme Widget.", "Buyers liked Widget.")
    assert stories[1] == [("Widget", "Widget")]


def test_a_surname_left_alone_far_more_often_than_its_full_name_is_written_is_not_merged():
    texts = ["Sen. Jane Roe spoke."] + [f"Voters in story {i} cheered Roe." for i in range(5)]
    stories = _story_actors(*texts)
    assert actor_merging.OWNER_SUPPORT * 5 > 1  # 1 story writes the name, 5 leave "Roe"
    assert {actor for story in stories[1:] for _, actor in story} == {"Roe"}


def test_dominant_full_name_owns_the_surname_and_an_ambiguous_one_is_reported():
    trump = ["President Donald Trump spoke."] * 5 + ["Ivanka Trump spoke.", "Later, Trump spoke."]
    stories = _story_actors(*trump)
    assert stories[-1] == [("Trump", "Donald Trump")]  # 5 of 6 stories: 0.83 >= 0.8
    clinton = ["Sen. Hillary Clinton spoke."] * 2 + ["Bill Clinton spoke.", "Later, Clinton left."]
    mentions = actor_mentions(stories_from_texts(clinton).sentences)
    assert mentions["actor"].iloc[-1] == "Clinton"  # 2 of 3 stories: 0.67 < 0.8
    report = ambiguous_surnames(mentions)
    assert list(report.columns) == AMBIGUOUS_COLUMNS
    assert report.iloc[0][["surname", "mentions", "candidates"]].tolist() == [
        "Clinton",
        1,
        "Hillary Clinton (2); Bill Clinton (1)",
    ]
    assert report.iloc[0]["top_share"] == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        ({"Jane Roe": 1}, "Jane Roe"),
        ({"Jane Roe": 4, "John Roe": 1}, "Jane Roe"),  # exactly DOMINANT_SHARE
        ({"Jane Roe": 3, "John Roe": 1}, None),
        ({"Jane Roe": 1, "John Roe": 1}, None),
        ({"Jane Doe": 9}, None),
        ({"Jane Roe Jr.": 2}, "Jane Roe Jr."),  # a plain surname falls back on suffixed names
        ({"Jane Roe Jr.": 2, "Jane Roe": 1}, "Jane Roe"),
    ],
)
def test_surname_owner(weights, expected):
    assert DOMINANT_SHARE == 0.8
    assert surname_owner("Roe", weights) == expected


def test_spellings_of_one_name_take_the_most_written_one_and_other_people_stay_apart():
    texts = [
        "President Donald Trump spoke.",
        "President Donald Trump left.",
        "Donald J. Trump signed.",
        "George W. Bush and George H.W. Bush met George Bush.",
    ]
    a = actors(stories_from_texts(texts))
    names = set(a["actor"])
    assert "Donald J. Trump" not in names and "Donald Trump" in names
    assert a.loc[a["actor"] == "Donald Trump", "aliases"].tolist()[-1] == "Donald J. Trump"
    assert {"George W. Bush", "George H.W. Bush", "George Bush"} <= names


def test_generational_suffix_keeps_father_and_son_apart():
    (story,) = _story_actors(
        "Donald Trump met Donald Trump Jr. in Paris. Later, Trump and Trump Jr. left."
    )
    assert story[-2:] == [("Trump", "Donald Trump"), ("Trump Jr.", "Donald Trump Jr.")]


def test_ambiguous_surnames_needs_a_mention_table(seed_corpus):
    with pytest.raises(ParameterError, match="surface"):
        ambiguous_surnames(seed_corpus.sentences)
    report = ambiguous_surnames(actor_mentions(seed_corpus.sentences))
    assert report.empty and list(report.columns) == AMBIGUOUS_COLUMNS
