"""Tests of analysis.sentiment.targets: who is mentioned where, and in what tone."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from analysis.corpus import stories_from_texts
from analysis.errors import ParameterError
from analysis.language import actor_mentions, actors
from analysis.sentiment import (
    DEFAULT_SCORE,
    MIN_TARGET_MENTIONS,
    TARGET_TOP,
    TARGET_TYPES,
    corpus_targets,
    sentence_sentiment,
    target_mentions,
    target_sentiment,
)
from analysis.sentiment import targets as targets_module
from tests.conftest import RUSSIA, WASHINGTON
from tests.sentiment_cases import TARGETS


@pytest.fixture(scope="module")
def scored(seed_corpus):
    return sentence_sentiment(seed_corpus.sentences)


def test_russia_story_has_sentences_mentioning_both_targets(scored):
    mentions = target_mentions(scored, TARGETS)
    russia = mentions[mentions["story_id"] == RUSSIA]
    per_sentence = russia.groupby("sentence_id")["target"].nunique()
    both = sorted(int(sid.rsplit("/", 1)[1]) for sid in per_sentence[per_sentence == 2].index)
    assert both == [1, 9, 12, 19, 23, 24, 27, 28, 30, 33, 42, 45, 47]
    # "The Russian Foreign Ministry vehemently condemned the U.S. action": "Russian" is not an
    # alias of Russia, so only the United States is mentioned there
    eight = russia[russia["sentence_id"] == f"{RUSSIA}/8"]
    assert eight["target"].tolist() == ["United States"]


def test_target_sentiment_per_story(scored, seed_corpus):
    result = target_sentiment(scored, seed_corpus.stories, targets=TARGETS)
    assert list(zip(result["story_id"], result["target"], strict=True)) == [
        (RUSSIA, "Russia"),
        (RUSSIA, "United States"),
        (WASHINGTON, "United States"),
    ]
    assert result["n_sentences"].tolist() == [34, 21, 1]
    assert result["n_mentions"].tolist() == [43, 22, 1]
    assert (result["n_sentences"] > 0).all()
    russia = scored[scored["story_id"] == RUSSIA]
    mentioned = target_mentions(russia, {"Russia": TARGETS["Russia"]})["sentence_id"]
    expected = russia.loc[russia["sentence_id"].isin(mentioned), DEFAULT_SCORE].mean()
    assert result["mean_score"].iloc[0] == pytest.approx(expected)


def test_dateline_is_not_a_mention_but_a_cut_off_us_is(scored):
    washington = scored[scored["story_id"] == WASHINGTON]
    mentions = target_mentions(washington, TARGETS)
    # "WASHINGTON –" was removed by the loader; the lead is cut off after "by the U.S"
    assert mentions["matches"].tolist() == ["U.S"]
    assert mentions["sentence_id"].tolist() == [f"{WASHINGTON}/2"]


@pytest.mark.parametrize(
    ("text", "aliases", "ignore_case", "expected"),
    [
        ("rooted in shared anti-U.S. sentiment", ["U.S."], False, "U.S."),
        ("identified by the U.S", ["U.S."], False, "U.S"),
        ("U.S.-made jets and U.S-made tanks", ["U.S."], False, "U.S.; U.S"),
        ("close to the U.S.", ["U.S."], False, "U.S."),
        ("the U.S.A. and the USSR", ["U.S.", "US"], False, ""),
        ("Russian officials", ["Russia"], False, ""),
        ("Russia's role and Russia-aligned states", ["Russia"], False, "Russia; Russia"),
        ("pro-Kremlin bloggers", ["Kremlin"], False, "Kremlin"),
        ("a trump card", ["Trump"], False, ""),
        ("a trump card", ["Trump"], True, "trump"),
        ("tell us about the US", ["US"], True, "US"),
        (
            "the United States, not United",
            ["United", "United States"],
            False,
            "United States; United",
        ),
        ("Putinism spread", [re.compile(r"\bPutin\w*")], False, "Putinism"),
        ("Moscowitz said", ["Moscow"], False, ""),
        ("MOSCOW said", ["Moscow"], False, ""),
        ("MOSCOW said", ["Moscow"], True, "MOSCOW"),
    ],
)
def test_target_matching_edge_cases(text, aliases, ignore_case, expected):
    frame = pd.DataFrame({"story_id": ["s"], "sentence_id": ["s/0"], "text": [text]})
    found = target_mentions(frame, {"T": aliases}, ignore_case=ignore_case)
    assert (found["matches"].iloc[0] if len(found) else "") == expected


@pytest.mark.parametrize(
    ("targets", "fragment"),
    [
        ({}, "non-empty dict"),
        ([("Russia", ["Russia"])], "non-empty dict"),
        ({"Russia": []}, "'Russia' needs a non-empty list"),
        ({"Russia": ["Russia", " "]}, "alias ' '"),
        ({"Russia": [3]}, "alias 3"),
        ({"": ["x"]}, "target label ''"),
        ({"Any": [re.compile(r"x*")]}, "matches empty text"),
    ],
)
def test_bad_targets_are_named(scored, targets, fragment):
    with pytest.raises(ParameterError, match=re.escape(fragment)):
        target_mentions(scored, targets)


def test_empty_input_gives_empty_output_with_columns(seed_corpus):
    scored = sentence_sentiment(seed_corpus.sentences.iloc[:0])
    targets = target_sentiment(scored, seed_corpus.stories, targets=TARGETS)
    assert targets.empty and list(targets.columns[:2]) == ["story_id", "target"]
    assert target_mentions(scored, TARGETS).empty


def test_target_sentiment_is_deterministic(scored, seed_corpus):
    pd.testing.assert_frame_equal(
        target_sentiment(scored, seed_corpus.stories, targets=TARGETS),
        target_sentiment(scored, seed_corpus.stories, targets=TARGETS),
    )


# ------------------------------------------------------------------ targets from the corpus

#: The seeds' default targets: their people, organisations and places mentioned at least
#: MIN_TARGET_MENTIONS times, most mentioned first, each with its own aliases only.
SEED_TARGETS = {
    "Russia": ["Russia"],
    "United States": ["United States", "U.S."],
    "Nicolás Maduro": ["Nicolás Maduro", "Maduro"],
    "Venezuela": ["Venezuela"],
    "Moscow": ["Moscow"],
    "Kremlin": ["Kremlin"],
}


def test_corpus_targets_of_the_seeds(seed_corpus):
    assert (TARGET_TOP, MIN_TARGET_MENTIONS, TARGET_TYPES) == (8, 5, ("person", "org", "place"))
    assert corpus_targets(seed_corpus) == SEED_TARGETS
    # the same from an actor table of any grouping, or from the mention table
    stories = seed_corpus.stories.assign(side=["x", "x", "y", "y"])
    grouped = actors(
        type(seed_corpus)(stories=stories, sentences=seed_corpus.sentences), group="side"
    )
    assert corpus_targets(grouped) == SEED_TARGETS
    assert corpus_targets(actor_mentions(seed_corpus.sentences)) == SEED_TARGETS
    assert list(corpus_targets(seed_corpus, top=2, min_mentions=1)) == ["Russia", "United States"]


def test_default_targets_are_the_corpus_targets(scored, seed_corpus):
    default = target_sentiment(scored, seed_corpus.stories)
    explicit = target_sentiment(scored, seed_corpus.stories, targets=SEED_TARGETS)
    pd.testing.assert_frame_equal(default, explicit)
    assert default["target"].tolist()[:3] == ["Russia", "United States", "Nicolás Maduro"]
    assert default.attrs["targets"] == SEED_TARGETS  # the targets used are recorded
    one = target_sentiment(scored, seed_corpus.stories, targets={"Russia": "Russia"})
    assert one.attrs["targets"] == {"Russia": ["Russia"]}
    # the sentences table without offsets (as sentence_sentiment returns it) gives the same
    assert "start" not in scored.columns


def test_a_target_has_its_own_aliases_only():
    corpus = stories_from_texts(
        [
            "President George Washington met Sen. Jane Roe in Washington. Washington cheered.",
            "Roe and Washington spoke in Washington. Roe left Washington for Paris.",
            "Sen. Jane Roe arrived. Later, Roe and George Washington went to Washington.",
        ]
    )
    targets = corpus_targets(corpus, min_mentions=1)
    # "Washington" is a city (a gazetteer place): never an alias of the person
    assert targets["George Washington"] == ["George Washington"]
    assert targets["Jane Roe"] == ["Jane Roe", "Roe"]
    assert targets["Washington"] == ["Washington"]


def test_a_shared_surname_is_no_alias_and_no_target():
    texts = ["Sen. Hillary Clinton spoke in Paris."] * 2 + [
        "Bill Clinton spoke in Paris.",
        "Later, Clinton and Clinton spoke in Paris with Clinton.",
    ]
    targets = corpus_targets(stories_from_texts(texts), min_mentions=1)
    assert targets["Hillary Clinton"] == ["Hillary Clinton"]
    assert "Clinton" not in targets  # 3 bare mentions, ambiguous between two people
    assert list(targets) == ["Paris", "Hillary Clinton", "Bill Clinton"]


def test_an_alias_that_is_another_actor_is_dropped():
    # "U.S" is matched by "U.S."; DOJ is an acronym the Department of Justice defines
    text = "The Department of Justice (DOJ) and the U.S met. The DOJ left the U.S. and the U.S"
    targets = corpus_targets(stories_from_texts([text]), min_mentions=1)
    assert targets == {
        "United States": ["United States", "U.S."],
        "Department of Justice": ["Department of Justice", "DOJ"],
    }


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"top": 0}, "top"),
        ({"min_mentions": 0}, "min_mentions"),
        ({"source": "corpus.csv"}, "Corpus"),
        ({"source": pd.DataFrame({"actor": ["x"]})}, "actor table"),
    ],
)
def test_corpus_targets_bad_arguments_are_named(seed_corpus, kwargs, fragment):
    source = kwargs.pop("source", seed_corpus)
    with pytest.raises(ParameterError, match=fragment):
        corpus_targets(source, **kwargs)


def test_default_targets_of_a_corpus_without_actors_give_an_empty_table():
    corpus = stories_from_texts(["nothing here is named at all."])
    scored = sentence_sentiment(corpus.sentences)
    assert corpus_targets(corpus) == {}
    assert target_sentiment(scored, corpus.stories).empty
    with pytest.raises(ParameterError, match="non-empty dict"):  # given targets must be some
        target_sentiment(scored, corpus.stories, targets={})


def _brute_force_mentions(texts, targets, ignore_case):
    """(position, target, matches) of every text and target, each text searched on its own."""
    patterns = targets_module._target_patterns(targets, ignore_case=ignore_case)
    found = []
    for i, text in enumerate(texts):
        for label, (pattern, _, _) in patterns.items():
            hits = [m.group(0) for m in pattern.finditer(text)] if isinstance(text, str) else []
            if hits:
                found.append((f"s/{i}", label, "; ".join(hits)))
    return found


@pytest.mark.parametrize("ignore_case", [False, True])
@pytest.mark.parametrize("layout", ["arrow", "object", "sliced", "chunked"])
def test_mentions_searched_across_all_texts_equal_each_text_searched_alone(ignore_case, layout):
    # aliases that run across two neighbouring texts, overlapping ones, texts that are not
    # strings, characters of two to four bytes in UTF-8 and lower-casing that changes length
    pieces = ["the Uni", "ted States and Tr", "ump", "Trump", "United States", None, "",
              "aa", "aaa", "a", "ÉTATS-UNIS à Moscou 🙂", "İstanbul and ISTANBUL", 3.5,
              "Trumpet Trump's", "u", "nited states", "trump"]  # fmt: skip
    rng = np.random.default_rng(7)
    texts = [pieces[i] for i in rng.integers(0, len(pieces), 400)]
    targets = {
        "US": ["United States", "États-Unis"],
        "Trump": ["Trump"],
        "A": ["aa"],
        "Istanbul": ["İstanbul", "Istanbul"],
        "Moscow": ["Moscou"],
        "Smile": ["🙂"],
    }
    column = pd.Series(texts, dtype="object" if layout == "object" else "str")
    if layout == "sliced":
        column = pd.Series(["x"] * 5 + texts, dtype="str").iloc[5:].reset_index(drop=True)
    frame = pd.DataFrame({"story_id": "s", "sentence_id": [f"s/{i}" for i in range(400)]})
    frame["text"] = column
    if layout == "chunked":
        kept = [t if isinstance(t, str) else None for t in texts]
        chunks = pa.chunked_array([pa.array(kept[:150]), pa.array(kept[150:])])
        frame["text"] = pd.Series(pd.arrays.ArrowStringArray(chunks))
    texts_seen = [t if isinstance(t, str) else None for t in frame["text"]]
    expected = _brute_force_mentions(texts_seen, targets, ignore_case)
    found = target_mentions(frame, targets, ignore_case=ignore_case)
    assert (
        list(zip(found["sentence_id"], found["target"], found["matches"], strict=True)) == expected
    )
    assert len(expected) > 100  # the case is not empty
