"""Page furniture removal (analysis.corpus.furniture) on small corpora written for each rule."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus import furniture_summary, load_corpus
from analysis.corpus.furniture import (
    HEADLINE_KIND,
    REPEATED_KIND,
    RepeatedLines,
    SharedText,
    furniture_patterns,
    line_key,
    looks_like_headline,
    mark_story,
    remove_furniture,
    shared_text,
)
from analysis.corpus.tables import is_truncated
from analysis.errors import CorpusError, ParameterError

BODY = (
    "The state senate voted on Tuesday to expand the program, which covers {n} counties, "
    "after a debate that ran late into the night."
)
WIRE = (
    "The measure, which passed 61 to 38, sends more money to rural hospitals and ends a "
    "dispute that had stalled the budget for three months."
)


TOPICS = ["roads", "schools", "water", "taxes", "parks", "courts", "bridges", "farms", "ports"]


def _story(n: int, *extra: str) -> str:
    """A distinct multi-paragraph story (its words differ with ``n``) with ``extra`` lines."""
    topic = TOPICS[n % len(TOPICS)]
    body = [
        f"This story opens with a full sentence about {topic}.",
        BODY.format(n=topic),
        f"Officials said the plan for {topic} would cost more than expected.",
    ]
    return "\n".join([*body, *extra])


def _write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _load(path: Path, **options) -> object:
    return load_corpus(path, cache=False, **options)


# --------------------------------------------------------------------------- repeated lines


def test_repeated_outlet_lines_are_removed(tmp_path):
    footer = "Read the Daily Bugle every morning for the news that matters to you"
    rows = [{"id": f"b{n}", "outlet": "Bugle", "text": _story(n, footer)} for n in range(1, 5)] + [
        {"id": "o1", "outlet": "Other", "text": _story(9, footer)}
    ]
    corpus = _load(_write_csv(tmp_path / "a.csv", rows))
    bugle = corpus.stories[corpus.stories["outlet"] == "Bugle"]
    assert not bugle["text"].str.contains("Daily Bugle").any()
    # the other outlet ran the line once: not its template, kept
    assert "Daily Bugle" in corpus.stories.set_index("story_id").loc["o1", "text"]
    removed = corpus.furniture[corpus.furniture["kind"] == REPEATED_KIND]
    assert sorted(removed["story_id"]) == ["b1", "b2", "b3", "b4"]
    assert set(removed["text"]) == {footer}


def test_repeated_sentence_in_the_middle_of_long_bodies_is_kept(tmp_path):
    quote = (
        "The governor said in a statement that the state would appeal the ruling to the "
        "supreme court and expected to win there."
    )
    rows = []
    for n in range(1, 5):
        paragraphs = [
            f"Paragraph {k} of story {n} says something new about item {k}." for k in range(8)
        ]
        paragraphs.insert(4, quote)
        rows.append({"id": f"s{n}", "outlet": "Bugle", "text": "\n".join(paragraphs)})
    corpus = _load(_write_csv(tmp_path / "a.csv", rows))
    assert corpus.stories["text"].str.contains("appeal the ruling").all()
    assert corpus.furniture.empty


def test_wire_copy_shared_by_outlets_is_kept_and_flagged(tmp_path):
    rows = [
        {"id": f"{outlet}{n}", "outlet": outlet, "text": _story(n + k, WIRE)}
        for k, outlet in enumerate(["A", "B", "C"])
        for n in range(1, 5)
    ]
    corpus = _load(_write_csv(tmp_path / "a.csv", rows))
    stories = corpus.stories.set_index("story_id")
    assert stories["text"].str.contains("rural hospitals").all()
    assert stories.loc["B1", "shares_text_with"] == "A1"
    assert stories.loc["A1", "shares_text_with"] == "B1"
    assert stories["shares_text_with"].notna().all()
    assert corpus.furniture.empty


def test_no_shared_text_within_one_outlet():
    assert shared_text([WIRE, WIRE], ["A", "A"]) == [None, None]
    assert shared_text([WIRE, WIRE], [None, "A"]) == [None, None]


def test_shared_text_names_the_first_story_of_another_outlet_story_by_story():
    other = (
        "Another paragraph, well over fifteen words long, about the budget vote that was held "
        "in the state senate."
    )
    texts = [f"Lead.\n{other}", WIRE, f"{WIRE}\n{other}", WIRE, other]
    outlets = ["A", "A", "B", None, "C"]
    shared = SharedText()
    for text, outlet in zip(texts, outlets, strict=True):
        shared.add(text, outlet)
    assert shared.result() == [2, 2, 0, None, 0]
    assert shared_text(texts, outlets) == [2, 2, 0, None, 0]


def test_repeated_lines_tallied_then_cleaned_story_by_story():
    footer = "Follow us for more news from the county"
    texts = [
        f"Story {w} opens here.\nIt goes on about {w}, as stories do.\n{footer}"
        for w in ("alpha", "beta", "gamma", "delta")
    ]
    marked = [mark_story(text) for text in texts]
    repeated = RepeatedLines()
    for story in marked:
        repeated.add(story, "A")
    cleaned = [repeated.clean(story, "A") for story in marked]
    assert [story.text for story in cleaned] == [t.rsplit("\n", 1)[0] for t in texts]
    assert cleaned[0].removed == [(2, REPEATED_KIND, footer)]
    assert [c.text for c in remove_furniture(texts, outlets=["A"] * 4)] == [
        c.text for c in cleaned
    ]


# --------------------------------------------------------------------------- kinds


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Enlarge this image toggle caption Evan Vucci/AP Evan Vucci/AP", "caption"),
        ("Photo: Senators leave the chamber", "caption"),
        ("Spencer Platt/Getty Images", "caption"),
        ("Share this Tweet Email", "share"),
        ("Sign up for our morning newsletter and get the news in your inbox", "newsletter"),
        ("Advertisement", "advertisement"),
        ("Story continues below", "advertisement"),
        ("© 2019 The Daily Bugle Company", "copyright"),
        ("Copyright 2021 Bugle Media. All rights reserved.", "copyright"),
        ("This article tagged under: Abortion", "footer"),
        ("Related: Senate passes the budget", "footer"),
        ("Read more: How the vote unfolded", "footer"),
        ("By JANE DOE, Associated Press", "credit"),
        ("Reporting by Jane Doe; Editing by John Roe", "credit"),
        ("The Associated Press contributed to this report.", "credit"),
    ],
)
def test_each_kind_of_furniture_line_is_removed(line, kind):
    text = f"The council met on Monday.\n{line}\nIt adjourned at noon after a long session."
    story = remove_furniture([text], outlets=["A"])[0]
    assert story.text == "The council met on Monday.\nIt adjourned at noon after a long session."
    assert [(index, k) for index, k, _ in story.removed] == [(1, kind)]


def test_every_example_in_the_data_file_is_removed():
    for rule in furniture_patterns():
        text = f"The council met on Monday.\n{rule.example}\nIt adjourned at noon."
        story = remove_furniture([text], outlets=["A"])[0]
        assert story.removed, (rule.kind, rule.example)
        assert "It adjourned at noon." in story.text


def test_caption_spans_are_cut_but_the_sentence_is_kept():
    text = "Senators leave the chamber (AP Photo/J. Scott Applewhite) after the vote.\nMore."
    story = remove_furniture([text], outlets=["A"])[0]
    assert story.text == "Senators leave the chamber after the vote.\nMore."
    assert story.removed == [(0, "caption", "(AP Photo/J. Scott Applewhite)")]


@pytest.mark.parametrize(
    "sentence",
    [
        "By Tuesday the senators had agreed on most of the bill and went home for the week.",
        "Share prices fell sharply on Monday after the announcement.",
        "She said the newsletter she founded in 2010 reached thousands of readers each week.",
        "The copyright case, filed in 2019, reached the court this week.",
        "Video of the arrest, which spread online, shows officers pinning him down.",
        "Related lawsuits have been filed in three other states, lawyers said.",
    ],
)
def test_sentences_that_start_like_furniture_are_kept(sentence):
    text = f"The council met on Monday.\n{sentence}\nIt adjourned at noon."
    assert remove_furniture([text], outlets=["A"])[0].removed == []


def test_footer_takes_the_tag_list_after_it():
    text = "A long story ends here.\nThis article tagged under: Abortion\nTexas\nPolitics"
    story = remove_furniture([text], outlets=["A"])[0]
    assert story.text == "A long story ends here."
    assert [k for _, k, _ in story.removed] == ["footer"] * 3


def test_furniture_never_empties_a_story():
    story = remove_furniture(["Advertisement\nShare"], outlets=["A"])[0]
    assert story.text == "Advertisement\nShare" and story.removed == []


# --------------------------------------------------------------------------- truncation


def test_long_article_ending_in_a_tag_footer_is_not_truncated(tmp_path):
    body = "\n".join(
        f"Paragraph {k} reports one more fact about the long debate in the state senate."
        for k in range(40)
    )
    text = body + "\nThis article tagged under: Abortion\nMississippi"
    corpus = _load(_write_csv(tmp_path / "a.csv", [{"outlet": "A", "text": text}]))
    story = corpus.stories.iloc[0]
    assert not story["is_truncated"]
    assert story["text"].endswith("state senate.")
    assert (
        _load(tmp_path / "a.csv", furniture=False).stories["text"].iloc[0].endswith("Mississippi")
    )


def test_short_lead_cut_mid_sentence_is_truncated(tmp_path):
    lead = "The state senate voted on Tuesday to expand the program after a debate that ran"
    corpus = _load(_write_csv(tmp_path / "a.csv", [{"outlet": "A", "text": lead}]))
    assert corpus.stories["is_truncated"].tolist() == [True]


@pytest.mark.parametrize(
    ("text", "n_words", "expected"),
    [
        ("It passed.", 2, False),
        ('He said, "It passed."', 4, False),
        ("The vote was set for", 5, True),
        ("A long complete article that ends in a label", 900, False),
        ("A long article cut off after a comma,", 900, True),
        ("A long article cut off with an ellipsis ...", 900, True),
        ("A long article cut off with an ellipsis\u2026", 900, True),
    ],
)
def test_truncation_rule(text, n_words, expected):
    assert is_truncated(text, n_words) is expected


def test_seed_truncation_flags(seed_corpus):
    assert seed_corpus.stories["is_truncated"].tolist() == [False, True, True, True]


# --------------------------------------------------------------------------- headline lines


def test_headline_line_becomes_the_title_and_the_dateline_is_found(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(
        "Ayotte Backs Bill to Fight Opioid Crisis\n\n"
        "PORTSMOUTH \u2013 Sen. Kelly Ayotte on Monday backed a bill to fight the crisis.\n"
        "The bill passed the committee last week.\n",
        encoding="utf-8",
    )
    story = _load(path).stories.iloc[0]
    assert story["title"] == "Ayotte Backs Bill to Fight Opioid Crisis"
    assert story["title_source"] == "headline line"
    assert story["dateline"] == "PORTSMOUTH"
    assert story["text"].startswith("Sen. Kelly Ayotte on Monday")
    old = _load(path, furniture=False).stories.iloc[0]
    assert old["dateline"] is None and old["title_source"] == "derived from lead"


def test_first_line_equal_to_the_title_column_is_removed(tmp_path):
    text = "Senate Passes Budget\nThe senate passed the budget on Friday.\nIt goes to the house."
    rows = [{"title": "Senate Passes Budget", "outlet": "A", "text": text}]
    corpus = _load(_write_csv(tmp_path / "a.csv", rows))
    assert corpus.stories["text"].iloc[0].startswith("The senate passed")
    assert corpus.furniture["kind"].tolist() == [HEADLINE_KIND]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Ayotte Backs Bill to Fight Opioid Crisis", True),
        ("Is the Filibuster Dead?", True),
        ("The senate voted on Tuesday.", False),
        ("Obama", False),
        ("the senate voted on Tuesday", False),
        ("Senators met. They agreed", False),
        (" ".join(["Word"] * 21), False),
    ],
)
def test_looks_like_headline(line, expected):
    assert looks_like_headline(line) is expected


# --------------------------------------------------------------------------- options, seeds


def test_furniture_false_gives_the_normalised_text(tmp_path):
    text = "The council met on Monday.\nAdvertisement\nIt adjourned at noon."
    path = _write_csv(tmp_path / "a.csv", [{"outlet": "A", "text": text}])
    assert _load(path, furniture=False).stories["text"].iloc[0] == text
    kept = _load(path)
    assert kept.stories["text"].iloc[0] == "The council met on Monday.\nIt adjourned at noon."
    assert kept.stories["raw_text"].iloc[0] == text


def test_furniture_option_is_part_of_the_cache_key(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    text = "The council met on Monday.\nAdvertisement\nIt adjourned at noon."
    path = _write_csv(tmp_path / "a.csv", [{"outlet": "A", "text": text}])
    first = load_corpus(path)
    assert load_corpus(path, furniture=False).stories["text"].iloc[0] == text
    again = load_corpus(path)
    pd.testing.assert_frame_equal(again.stories, first.stories)
    pd.testing.assert_frame_equal(again.furniture, first.furniture)


def test_seeds_have_no_furniture(seed_corpus):
    assert seed_corpus.furniture.empty
    plain = load_corpus(cache=False, furniture=False)
    pd.testing.assert_frame_equal(
        seed_corpus.stories.drop(columns="shares_text_with"),
        plain.stories.drop(columns="shares_text_with"),
    )
    pd.testing.assert_frame_equal(seed_corpus.sentences, plain.sentences)


def test_line_key_masks_digits_and_case():
    assert line_key("Copyright 2019  BUGLE") == line_key("copyright 2020 bugle")


def test_bad_rules_file_names_the_rule(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("kinds:\n  caption:\n    rules:\n      - pattern: '(unclosed'\n")
    with pytest.raises(CorpusError, match=re.escape("kind 'caption', rule 1: bad pattern")):
        furniture_patterns(path)
    path.write_text("kinds:\n  caption:\n    rules:\n      - pattern: 'x'\n        scope: page\n")
    with pytest.raises(CorpusError, match="scope 'page'"):
        furniture_patterns(path)


# --------------------------------------------------------------------------- summary


def test_furniture_summary_by_outlet(tmp_path):
    rows = [
        {"id": "a1", "outlet": "A", "text": "One fact here.\nAdvertisement\nTwo facts here."},
        {"id": "b1", "outlet": "B", "text": "One fact here.\nThree facts there."},
    ]
    corpus = _load(_write_csv(tmp_path / "a.csv", rows))
    table = furniture_summary(corpus, group="outlet")
    assert table.to_dict("records") == [
        {
            "outlet": "A",
            "kind": "advertisement",
            "stories": 1,
            "lines": 1,
            "characters": len("Advertisement"),
            "examples": "Advertisement",
        }
    ]
    with pytest.raises(ParameterError, match="group 'nope'"):
        furniture_summary(corpus, group="nope")
