"""Tests of analysis.language: terms, distinctive terms, topics, similarity, actors, quotes."""

from __future__ import annotations

import json
import math
from collections import Counter

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from analysis import language as L
from analysis.corpus import stories_from_texts
from analysis.errors import CodebookError, ParameterError
from analysis.figures import language as F
from tests.conftest import JAPAN, LOS_ANGELES, RUSSIA, WASHINGTON

# --------------------------------------------------------------------------- method data


@pytest.mark.parametrize(
    "name", ["stop_words", "not_names", "places", "organisations", "designators", "speech_verbs"]
)
def test_every_packaged_data_file_loads(name):
    data = L.language_data(name)
    assert len(data) > 0


def test_stop_words_follow_their_documented_source():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = L.stop_words()
    assert set(ENGLISH_STOP_WORDS) - words == {"bill", "fire", "interest", "system"}
    assert {"don't", "won't"} <= words


def test_unknown_data_name_is_a_parameter_error():
    with pytest.raises(ParameterError, match="unknown language data 'lexicon'"):
        L.language_data("lexicon")


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("places", "# c\nname,kind\nParis,city\n", "header is"),
        ("places", "name,kind,aliases,demonyms\nParis,city\n", "2 fields, expected 4"),
        ("places", "name,kind,aliases,demonyms\nParis,planet,,\n", "kind 'planet' is not one of"),
        ("organisations", "name,aliases\nNATO,\nNATO,\n", "'NATO' is listed twice"),
        ("organisations", "name,aliases\n,UN\n", "empty 'name'"),
        ("speech_verbs", "verb,kind\nsaid,shouting\n", "kind 'shouting'"),
        ("stop_words", "the\nof the\n", "contains a space"),
        ("stop_words", "the\nthe\n", "listed twice"),
        ("designators", "", "no header line"),
    ],
)
def test_malformed_data_files_raise_codebook_errors_naming_file_and_line(
    tmp_path, name, text, message
):
    path = tmp_path / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookError, match=message) as info:
        L.language_data(name, path=path)
    assert str(path.name) in str(info.value)


def test_missing_data_file_is_a_codebook_error(tmp_path):
    with pytest.raises(CodebookError, match="cannot read"):
        L.language_data("places", path=tmp_path / "absent.csv")


# --------------------------------------------------------------------------- terms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russia's army", {"russia": 1, "army": 1, "russia army": 1}),
        ("the U.S. action", {"u.s": 1, "action": 1, "u.s action": 1}),
        ("oil, gas", {"oil": 1, "gas": 1}),  # no bigram across punctuation
        ("Department of Justice", {"department": 1, "justice": 1}),  # stop word breaks bigram
        ("9 trillion yen in 2026", {"trillion": 1, "yen": 1, "trillion yen": 1}),
        ("a b c", {}),  # one-letter tokens dropped
        ("Oil. Gas", {"oil": 1, "gas": 1}),  # sentence end breaks a bigram
        ("", {}),
    ],
)
def test_story_terms_vocabulary_rule(text, expected):
    assert L.story_terms(text) == Counter(expected)


def test_story_terms_ngram_range_and_stop_words():
    text = "The Foreign Ministry condemned it"
    assert L.story_terms(text, ngram_range=(1, 1)) == Counter(
        {"foreign": 1, "ministry": 1, "condemned": 1}
    )
    assert L.story_terms(text, ngram_range=(2, 2)) == Counter(
        {"foreign ministry": 1, "ministry condemned": 1}
    )
    assert L.story_terms(text, ngram_range=(1, 1), stop_words=())["the"] == 1


@pytest.mark.parametrize("bad", [(0, 1), (1, 3), (2, 1), "12", (1,), None])
def test_story_terms_rejects_bad_ngram_range(bad):
    with pytest.raises(ParameterError, match="ngram_range"):
        L.story_terms("text", ngram_range=bad)


def test_stop_words_must_be_a_collection():
    with pytest.raises(ParameterError, match="not one string"):
        L.story_terms("text", stop_words="the")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200))
def test_story_terms_never_keeps_stop_words_or_letterless_tokens(text):
    stop = L.stop_words()
    for term in L.story_terms(text):
        for word in term.split(" "):
            assert word not in stop
            assert any(ch.isalpha() for ch in word)
            assert word == word.lower()
            assert not word.endswith("'s")


def test_term_counts_matrix_matches_story_terms(seed_corpus):
    tc = L.term_counts(seed_corpus.stories)
    assert tc.doc_ids == tuple(seed_corpus.stories["story_id"])
    assert list(tc.terms) == sorted(tc.terms)
    row = tc.doc_ids.index(JAPAN)
    text = seed_corpus.stories.set_index("story_id").loc[JAPAN, "text"]
    expected = L.story_terms(text)
    got = {tc.terms[j]: int(tc.matrix[row, j]) for j in tc.matrix[row].indices}
    assert got == dict(expected)


def test_term_counts_from_counters_and_to_frame_round_trip():
    tc = L.TermCounts.from_counters({"a": Counter(oil=2), "b": Counter(gas=1, oil=1)})
    frame = tc.to_frame()
    assert frame.to_dict("records") == [
        {"doc_id": "a", "term": "oil", "count": 2},
        {"doc_id": "b", "term": "gas", "count": 1},
        {"doc_id": "b", "term": "oil", "count": 1},
    ]


# --------------------------------------------------------------------------- distinctive terms

SEED_EXPECTED = {
    RUSSIA: ({"russia", "venezuela", "maduro", "moscow", "kremlin"}, 2),
    JAPAN: ({"defense", "budget", "japan", "yen"}, 1),
    WASHINGTON: ({"epstein", "documents", "doj"}, 1),
    LOS_ANGELES: ({"reiner", "murder", "charged"}, 1),
}


@pytest.fixture(scope="module")
def seed_terms(seed_corpus):
    return L.distinctive_terms(seed_corpus.stories, top_n=15)


@pytest.mark.parametrize("story", list(SEED_EXPECTED))
def test_seed_top_15_distinctive_terms(seed_terms, story):
    expected, at_least = SEED_EXPECTED[story]
    top = set(seed_terms.loc[seed_terms["group"] == story, "term"])
    assert len(top) == 15
    assert len(top & expected) >= at_least, top


def test_seed_distinctive_terms_lead_with_the_story_names(seed_terms):
    first = seed_terms[seed_terms["rank"] == 1].set_index("group")["term"].to_dict()
    assert first == {
        RUSSIA: "russia",
        JAPAN: "japan",
        WASHINGTON: "documents",
        LOS_ANGELES: "reiner",
    }


def test_prior_ranks_a_word_unique_to_a_lead_above_a_shared_word(seed_corpus):
    # the reason for the default alpha0 (module docstring): budget (1 in JAPAN, 0 elsewhere)
    # must outrank bolstering (1 in JAPAN, 1 in RUSSIA)
    full = L.distinctive_terms(seed_corpus.stories, top_n=10_000)
    japan = full[full["group"] == JAPAN].set_index("term")
    assert japan.loc["budget", "rank"] < japan.loc["bolstering", "rank"]
    weak = L.distinctive_terms(seed_corpus.stories, top_n=10_000, alpha0=61.0)
    japan_weak = weak[weak["group"] == JAPAN].set_index("term")
    assert japan_weak.loc["budget", "rank"] > japan_weak.loc["bolstering", "rank"]


def test_distinctive_terms_formula_on_a_toy_corpus():
    stories = pd.DataFrame({"story_id": ["a", "b"], "text": ["oil oil gas", "gas gas coal"]})
    out = L.distinctive_terms(stories, ngram_range=(1, 1), top_n=5)
    row = out[(out["group"] == "a") & (out["term"] == "oil")].iloc[0]
    n, a0 = 6.0, 6.0
    alpha = a0 * 2 / n
    delta = math.log((2 + alpha) / (3 + a0 - 2 - alpha)) - math.log(alpha / (3 + a0 - alpha))
    z = delta / math.sqrt(1 / (2 + alpha) + 1 / alpha)
    assert row["delta"] == pytest.approx(delta)
    assert row["z"] == pytest.approx(z)
    assert (row["count"], row["count_rest"]) == (2, 0)
    assert row["per_1000"] == pytest.approx(1000 * 2 / 3)


def test_distinctive_terms_by_another_column_and_missing_values(seed_corpus):
    stories = seed_corpus.stories.assign(side=["x", "y", "y", None])
    out = L.distinctive_terms(stories, group="side", top_n=5)
    assert list(dict.fromkeys(out["group"])) == ["x", "y", "(missing)"]
    assert list(out.columns) == L.DISTINCTIVE_COLUMNS


def test_distinctive_terms_accepts_precomputed_counts_and_rejects_mismatched(seed_corpus):
    tc = L.term_counts(seed_corpus.stories)
    assert_frame_equal(
        L.distinctive_terms(seed_corpus.stories, counts=tc),
        L.distinctive_terms(seed_corpus.stories),
    )
    with pytest.raises(ParameterError, match="counts do not match"):
        L.distinctive_terms(seed_corpus.stories.iloc[:2], counts=tc)
    with pytest.raises(ParameterError, match="TermCounts"):
        L.distinctive_terms(seed_corpus.stories, counts={"a": 1})


def test_distinctive_terms_min_count(seed_corpus):
    out = L.distinctive_terms(seed_corpus.stories, min_count=2)
    assert (out["count"] >= 2).all()


def test_distinctive_terms_min_sources_counts_distinct_outlets():
    stories = pd.DataFrame(
        {
            "story_id": ["a", "b", "c", "d"],
            "text": ["boilerplate tariffs", "boilerplate tariffs", "tariffs", "weather report"],
            "outlet": ["X", "X", "Y", "Z"],
            "side": ["left", "left", "left", "right"],
        }
    )
    out = L.distinctive_terms(stories, group="side", ngram_range=(1, 1), top_n=5)
    left = out[out["group"] == "left"].set_index("term")
    assert left.loc["boilerplate", ["n_stories", "n_sources"]].tolist() == [2, 1]
    assert left.loc["tariffs", ["n_stories", "n_sources"]].tolist() == [3, 2]
    filtered = L.distinctive_terms(stories, group="side", ngram_range=(1, 1), min_sources=2)
    assert set(filtered.loc[filtered["group"] == "left", "term"]) == {"tariffs"}
    no_outlet = L.distinctive_terms(stories.drop(columns="outlet"), group="side", min_sources=3)
    assert set(no_outlet.loc[no_outlet["group"] == "left", "term"]) == {"tariffs"}
    with pytest.raises(ParameterError, match="min_sources"):
        L.distinctive_terms(stories, group="side", min_sources=0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"group": "colour"}, "group 'colour' is not a column"),
        ({"top_n": 0}, "top_n must be an integer >= 1"),
        ({"top_n": 2.5}, "top_n"),
        ({"min_count": 0}, "min_count"),
        ({"alpha0": 0}, "alpha0 must be a positive number"),
        ({"alpha0": "big"}, "alpha0"),
    ],
)
def test_distinctive_terms_parameter_errors(seed_corpus, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        L.distinctive_terms(seed_corpus.stories, **kwargs)


def test_distinctive_terms_rejects_a_table_without_text():
    with pytest.raises(ParameterError, match=r"lacks column\(s\) \['text'\]"):
        L.distinctive_terms(pd.DataFrame({"story_id": ["a"]}))


def test_distinctive_terms_empty_and_single_group(seed_corpus):
    empty = seed_corpus.stories.iloc[:0]
    assert L.distinctive_terms(empty).empty
    assert L.distinctive_terms(seed_corpus.stories.iloc[:1]).empty
    assert list(L.distinctive_terms(empty).columns) == L.DISTINCTIVE_COLUMNS


def test_tfidf_terms_on_the_seeds(seed_corpus):
    out = L.tfidf_terms(seed_corpus.stories, top_n=15)
    top = out[out["rank"] == 1].set_index("group")["term"].to_dict()
    assert top[RUSSIA] == "russia" and top[JAPAN] == "japan" and top[LOS_ANGELES] == "reiner"
    assert (out.groupby("group")["tfidf"].apply(lambda s: s.is_monotonic_decreasing)).all()
    with pytest.raises(ParameterError, match="top_n"):
        L.tfidf_terms(seed_corpus.stories, top_n=-1)
    assert L.tfidf_terms(seed_corpus.stories.iloc[:0]).empty


# --------------------------------------------------------------------------- similarity


def test_seed_stories_are_pairwise_dissimilar(seed_corpus):
    sim = L.similarity_matrix(seed_corpus.stories)
    values = sim.to_numpy()
    assert list(sim.index) == list(seed_corpus.stories["story_id"])
    assert np.allclose(np.diag(values), 1.0)
    assert np.allclose(values, values.T)
    off = values[~np.eye(len(values), dtype=bool)]
    assert off.max() < L.RELATED_THRESHOLD


def test_group_similarity_and_dense_limit(seed_corpus, monkeypatch):
    stories = seed_corpus.stories.assign(side=["x", "y", "y", "x"])
    sim = L.similarity_matrix(stories, group="side")
    assert sim.shape == (2, 2) and list(sim.index) == ["x", "y"] and sim.index.name == "side"
    monkeypatch.setattr(L, "MAX_DENSE_SIMILARITY", 3)
    with pytest.raises(ParameterError, match="use nearest_neighbours"):
        L.similarity_matrix(seed_corpus.stories)


def test_near_duplicates_and_neighbours_find_a_republished_story(seed_corpus):
    texts = list(seed_corpus.stories["raw_text"])
    corpus = stories_from_texts(
        [*texts, texts[0].replace("dramatic", "dramatic, stunning"), texts[2]]
    )
    dups = L.near_duplicates(corpus.stories)
    ids = list(corpus.stories["story_id"])
    pairs = set(zip(dups["story_id"], dups["other_id"], strict=True))
    assert pairs == {(ids[0], ids[4]), (ids[2], ids[5])}
    nn = L.nearest_neighbours(corpus.stories, k=2)
    first = nn[nn["rank"] == 1].set_index("story_id")
    assert first.loc[ids[0], "neighbour_id"] == ids[4]
    assert bool(first.loc[ids[0], "near_duplicate"])
    assert (nn.groupby("story_id")["rank"].max() <= 2).all()


def test_nearest_neighbours_blocks_give_the_same_answer(seed_corpus, monkeypatch):
    whole = L.nearest_neighbours(seed_corpus.stories, k=3)
    monkeypatch.setattr(L, "SIMILARITY_BLOCK_CELLS", 4)  # one row per block
    assert_frame_equal(L.nearest_neighbours(seed_corpus.stories, k=3), whole)
    assert_frame_equal(
        L.near_duplicates(seed_corpus.stories, threshold=0.001),
        L.near_duplicates(seed_corpus.stories, threshold=0.001).copy(),
    )


@pytest.mark.parametrize("bad", [0, 1.5, -0.1, "high", True])
def test_near_duplicate_threshold_errors(seed_corpus, bad):
    with pytest.raises(ParameterError, match="threshold"):
        L.near_duplicates(seed_corpus.stories, threshold=bad)


def test_similarity_empty_inputs(seed_corpus):
    empty = seed_corpus.stories.iloc[:0]
    assert L.similarity_matrix(empty).empty
    assert L.nearest_neighbours(empty).empty
    assert L.near_duplicates(seed_corpus.stories.iloc[:1]).empty
    with pytest.raises(ParameterError, match="k must be"):
        L.nearest_neighbours(seed_corpus.stories, k=0)


# --------------------------------------------------------------------------- topics


@pytest.mark.parametrize(
    ("n_units", "n_stories", "k"),
    [
        (1, None, 1),
        (2, None, 1),
        (3, None, 2),
        (55, None, 5),
        (200, None, 10),
        (2505, None, 10),
        (17, 4, 8),
        (17, 1, 3),
        (12, 9, 10),
        (5, 4, 4),
    ],
)
def test_auto_n_topics(n_units, n_stories, k):
    assert L.auto_n_topics(n_units, n_stories=n_stories) == k


def test_auto_n_topics_rejects_nonsense():
    with pytest.raises(ParameterError, match="n_units"):
        L.auto_n_topics(0)


def test_choose_unit(seed_corpus):
    assert L.choose_unit(seed_corpus) == "paragraph"
    one = stories_from_texts(["A short story. It has two sentences."])
    assert L.choose_unit(one) == "sentence"
    with pytest.raises(ParameterError, match="expected a Corpus"):
        L.choose_unit(seed_corpus.stories)


@pytest.fixture(scope="module")
def seed_topics(seed_corpus):
    return L.topic_model(seed_corpus)


def test_seed_topic_model(seed_topics, seed_corpus):
    m = seed_topics
    assert (m.unit, m.n_topics) == ("paragraph", 8)
    assert list(m.topics["topic"]) == list(range(1, 9))
    assert m.topics["weight_share"].is_monotonic_decreasing
    assert m.topics["weight_share"].sum() == pytest.approx(1.0)
    sums = m.shares.groupby("story_id")["share"].sum()
    assert np.allclose(sums, 1.0)
    assert len(m.shares) == 4 * 8
    japan = m.shares[m.shares["story_id"] == JAPAN].sort_values("share").iloc[-1]
    assert japan["share"] > 0.9 and "japan" in japan["label"]
    la = m.shares[m.shares["story_id"] == LOS_ANGELES].sort_values("share").iloc[-1]
    assert "reiner" in la["label"]
    assert ((m.units["fit"] >= 0) & (m.units["fit"] <= 1)).all()
    assert (m.typical.groupby("topic")["rank"].max() <= 3).all()
    assert m.typical["text"].map(lambda t: len(t.split()) >= L.MIN_TYPICAL_WORDS).all()


def test_topic_model_is_deterministic(seed_corpus, seed_topics):
    again = L.topic_model(seed_corpus)
    for name in ("topics", "terms", "units", "shares", "typical"):
        assert_frame_equal(getattr(again, name), getattr(seed_topics, name))


def test_topic_model_units_and_shares_by(seed_corpus):
    m = L.topic_model(seed_corpus, unit="sentence", n_topics=3, n_sentences=2)
    assert m.unit == "sentence" and m.n_topics == 3
    assert len(m.units) == len(seed_corpus.sentences)
    stories = seed_corpus.stories.assign(side=["x", "y", "y", "x"])
    by = m.shares_by(stories, group="side")
    assert list(by.columns) == ["group", "topic", "label", "share"]
    assert list(dict.fromkeys(by["group"])) == ["x", "y"]
    assert np.allclose(by.groupby("group")["share"].sum(), 1.0)
    story_level = L.topic_model(seed_corpus, unit="story", n_topics=2)
    assert story_level.unit == "story" and len(story_level.units) == 4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"unit": "word"}, "unit must be"),
        ({"n_topics": 0}, "n_topics"),
        ({"n_topics": 500}, "n_topics=500 is more than"),
        ({"seed": "zero"}, "seed must be an integer"),
        ({"top_terms": 0}, "top_terms"),
        ({"max_iter": 0}, "max_iter"),
        ({"ngram_range": (3, 3)}, "ngram_range"),
    ],
)
def test_topic_model_parameter_errors(seed_corpus, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        L.topic_model(seed_corpus, **kwargs)


def test_topic_model_with_too_little_text_is_empty():
    m = L.topic_model(stories_from_texts(["The and of."]))
    assert m.n_topics == 0 and m.topics.empty and m.shares.empty


# --------------------------------------------------------------------------- actors

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
    return L.actors(seed_corpus)


def test_seed_actors_are_the_hand_checked_list(seed_actors):
    got = list(seed_actors[["group", "actor", "type", "mentions"]].itertuples(index=False))
    assert [tuple(r) for r in got] == [row[:4] for row in SEED_ACTORS]


def test_seed_actor_precision_stated_in_the_docstring():
    entities = sum(row[4] for row in SEED_ACTORS)
    typed = sum(row[5] for row in SEED_ACTORS)
    assert (len(SEED_ACTORS), entities, typed) == (37, 36, 33)
    assert "37 actors extracted, 36 are real named entities" in L.__doc__
    assert "33 of 37 also have the right type" in L.__doc__


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
    mentions = L.actor_mentions(seed_corpus.sentences)
    text = seed_corpus.stories.set_index("story_id")["text"]
    for row in mentions.itertuples(index=False):
        assert text[row.story_id][row.start : row.end] == row.surface
    assert list(mentions.columns) == L.MENTION_COLUMNS


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
    got = set(L.actors(corpus)[["actor", "type"]].itertuples(index=False, name=None))
    assert got == expected


def test_actors_by_group_and_top_n(seed_corpus):
    stories = seed_corpus.stories.assign(side=["x", "x", "y", "y"])
    corpus = type(seed_corpus)(stories=stories, sentences=seed_corpus.sentences)
    out = L.actors(corpus, group="side", top_n=3)
    assert list(out["group"]) == ["x"] * 3 + ["y"] * 3
    assert out.iloc[0]["actor"] == "Russia"
    with pytest.raises(ParameterError, match="top_n"):
        L.actors(seed_corpus, top_n=0)
    with pytest.raises(ParameterError, match="group 'side'"):
        L.actors(seed_corpus, group="side")


def test_actors_empty_corpus(seed_corpus):
    empty = type(seed_corpus)(
        stories=seed_corpus.stories.iloc[:0], sentences=seed_corpus.sentences.iloc[:0]
    )
    assert L.actors(empty).empty
    assert L.actor_mentions(empty.sentences).empty


# --------------------------------------------------------------------------- quotes


@pytest.fixture(scope="module")
def seed_quotes(seed_corpus):
    return L.quotes(seed_corpus.sentences)


def test_armed_aggression_is_attributed_to_the_russian_foreign_ministry(seed_quotes):
    q = seed_quotes.set_index("quote")
    row = q.loc["armed aggression"]
    assert (row["kind"], row["speaker"], row["verb"], row["speaker_kind"]) == (
        "speech",
        "Russian Foreign Ministry",
        "condemned",
        "named",
    )
    assert row["sentence_id"] == f"{RUSSIA}/8"
    second = q.loc["unacceptable encroachment on the sovereignty of an independent state."]
    assert second["speaker"] == "Russian Foreign Ministry"


def test_seed_quotes_kinds(seed_quotes):
    kinds = dict(zip(seed_quotes["quote"], seed_quotes["kind"], strict=True))
    assert kinds["Operation Absolute Resolve"] == "name"
    assert kinds["Nick"] == "name"
    assert kinds["shadow fleet"] == "scare"
    assert kinds["gain more than lose"] == "speech"
    assert len(seed_quotes) == 8
    assert seed_quotes.loc[seed_quotes["quote"] == "gain more than lose", "speaker"].item() == (
        "Some analysts"
    )


def test_quote_offsets_cover_the_quote(seed_corpus, seed_quotes):
    text = seed_corpus.stories.set_index("story_id")["text"]
    for row in seed_quotes.itertuples(index=False):
        span = text[row.story_id][row.start : row.end]
        assert span.startswith('"') and row.quote.rstrip(".") in span


@pytest.mark.parametrize(
    ("text", "quote", "kind", "speaker", "verb", "pattern"),
    [
        (
            '"We will not back down," said Senator Jane Doe.',
            "We will not back down",
            "speech",
            "Jane Doe",
            "said",
            "quote-verb-speaker",
        ),
        (
            'Jane Doe arrived. "This is a fight," Doe told reporters.',
            "This is a fight",
            "speech",
            "Jane Doe",
            "told",
            "quote-speaker-verb",
        ),
        ('"It was chaos," he said.', "It was chaos", "speech", "he", "said", "quote-speaker-verb"),
        (
            'According to the White House, the plan is "dead on arrival."',
            "dead on arrival.",
            "speech",
            "White House",
            "according to",
            "according to",
        ),
        (
            'Mr. Smith later said: "I never agreed to that deal."',
            "I never agreed to that deal.",
            "speech",
            "Smith",
            "said",
            "speaker-verb-quote",
        ),
        ('The plan was described as "a disaster" in a memo.', "a disaster", "scare", "", "", ""),
        (
            'The so-called "Freedom Plan" failed.',
            "Freedom Plan",
            "name",
            "",
            "so-called",
            "naming verb",
        ),
        (
            'The group, known as "Team Blue Sky," met.',
            "Team Blue Sky",
            "name",
            "",
            "known as",
            "naming verb",
        ),
        ('They held a "Day of Action" rally.', "Day of Action", "name", "", "", "title case"),
        (
            'Critics wrote that the bill was "a slow, expensive and deeply unpopular mess."',
            "a slow, expensive and deeply unpopular mess.",
            "speech",
            "Critics",
            "wrote",
            "speaker-verb-quote",
        ),
        (
            '"The quote opens here and never closes',
            "The quote opens here and never closes",
            "unattributed",
            "",
            "",
            "",
        ),
    ],
)
def test_quote_patterns(text, quote, kind, speaker, verb, pattern):
    q = L.quotes(stories_from_texts([text]).sentences)
    assert len(q) == 1
    row = q.iloc[0]
    assert (row["quote"], row["kind"], row["speaker"], row["verb"], row["pattern"]) == (
        quote,
        kind,
        speaker,
        verb,
        pattern,
    )


def test_quote_after_and_is_not_given_the_next_clause_speaker():
    text = (
        "Officials with the Department of Homeland Security (DHS) said the policy was "
        '"working as intended," and spokesman Tom Lee added that "more changes are coming."'
    )
    q = L.quotes(stories_from_texts([text]).sentences).set_index("quote")
    assert q.loc["working as intended", "speaker"] == "Department of Homeland Security"
    assert q.loc["more changes are coming.", "speaker"] == "Tom Lee"


def test_quotes_without_quotation_marks_and_summary(seed_corpus, seed_quotes):
    assert L.quotes(seed_corpus.sentences.iloc[48:53]).empty  # JAPAN and WASHINGTON
    assert list(L.quotes(seed_corpus.sentences.iloc[:0]).columns) == L.QUOTE_COLUMNS
    summary = L.quote_summary(seed_quotes, seed_corpus.stories).set_index("group")
    assert summary.loc[RUSSIA, "quotes"] == 7 and summary.loc[RUSSIA, "speech"] == 5
    assert summary.loc[RUSSIA, "top_speakers"].startswith("Russian Foreign Ministry (2)")
    assert summary.loc[JAPAN, "quotes"] == 0 and summary.loc[JAPAN, "attributed_share"] == 0
    with pytest.raises(ParameterError, match="top"):
        L.quote_summary(seed_quotes, seed_corpus.stories, top=0)


# --------------------------------------------------------------------------- determinism


def test_every_table_is_identical_across_two_runs(seed_corpus):
    def run():
        return [
            L.distinctive_terms(seed_corpus.stories),
            L.tfidf_terms(seed_corpus.stories),
            L.similarity_matrix(seed_corpus.stories),
            L.nearest_neighbours(seed_corpus.stories, k=2),
            L.actors(seed_corpus),
            L.actor_mentions(seed_corpus.sentences),
            L.quotes(seed_corpus.sentences),
            L.topic_model(seed_corpus, seed=3).shares,
        ]

    for first, second in zip(run(), run(), strict=True):
        assert_frame_equal(first, second)


def test_inputs_are_not_mutated(seed_corpus):
    stories = seed_corpus.stories.copy()
    sentences = seed_corpus.sentences.copy()
    L.distinctive_terms(seed_corpus.stories)
    L.similarity_matrix(seed_corpus.stories)
    L.topic_model(seed_corpus)
    L.actors(seed_corpus)
    L.quotes(seed_corpus.sentences)
    assert_frame_equal(seed_corpus.stories, stories)
    assert_frame_equal(seed_corpus.sentences, sentences)


# --------------------------------------------------------------------------- describe


def test_describe_generates_sentences_from_numbers(
    seed_corpus, seed_terms, seed_topics, seed_actors, seed_quotes
):
    text = L.describe(
        distinctive=seed_terms,
        topics=seed_topics,
        similarity=L.similarity_matrix(seed_corpus.stories),
        actor_table=seed_actors,
        quote_table=seed_quotes,
    )
    assert "*russia* (0.8)" in text
    assert "No term reaches z > 1.96" in text
    assert "8 topics over 17 paragraphs" in text
    assert "0 of 6 pairs reach 0.2 (same event)" in text
    assert "Russia (25), United States (20) and Nicolás Maduro (15)" in text
    assert "8 quotations: 5 attributed speech, 2 names in quotes, 1 scare quotes" in text
    assert L.describe() == ""
    stories = seed_corpus.stories.assign(side=["x", "y", "y", "x"])
    grouped = L.describe(
        topics=seed_topics,
        topic_shares=seed_topics.shares_by(stories, group="side"),
        similarity=L.similarity_matrix(stories, group="side"),
    )
    assert "- **x** is mostly topic" in grouped and "the story thresholds do not apply" in grouped
    with pytest.raises(ParameterError, match="top"):
        L.describe(top=0)


# --------------------------------------------------------------------------- figures


def test_figures_return_deterministic_plotly_figures(
    seed_corpus, seed_terms, seed_topics, seed_actors
):
    figures = [
        lambda: F.distinctive_terms_chart(seed_terms),
        lambda: F.distinctive_terms_chart(L.tfidf_terms(seed_corpus.stories), value="tfidf"),
        lambda: F.topic_shares_chart(seed_topics.shares_by(seed_corpus.stories)),
        lambda: F.topic_shares_chart(seed_topics.shares, group="story_id"),
        lambda: F.similarity_heatmap(L.similarity_matrix(seed_corpus.stories)),
        lambda: F.actors_chart(seed_actors),
    ]
    for make in figures:
        fig = make()
        assert isinstance(fig, go.Figure)
        assert json.loads(fig.to_json()) == json.loads(make().to_json())
    assert len(F.distinctive_terms_chart(seed_terms).data) == 4
    assert len(F.topic_shares_chart(seed_topics.shares_by(seed_corpus.stories)).data) == 8
    one = F.actors_chart(seed_actors, story=LOS_ANGELES, top_n=3)
    assert len(one.data) == 1 and len(one.data[0].y) == 3
    heat = F.similarity_heatmap(L.similarity_matrix(seed_corpus.stories))
    assert heat.data[0].text[0][0] == "1.00"
    small = F.similarity_heatmap(L.similarity_matrix(seed_corpus.stories), max_labels=2)
    assert len(small.data[0].z) == 2 and "first 2 of 4" in small.layout.title.text


def test_figure_parameter_errors(seed_terms, seed_actors):
    with pytest.raises(ParameterError, match="lacks column"):
        F.distinctive_terms_chart(seed_terms, value="score")
    with pytest.raises(ParameterError, match="story 'nope'"):
        F.actors_chart(seed_actors, story="nope")
    with pytest.raises(ParameterError, match="top_n"):
        F.actors_chart(seed_actors, top_n=0)
    with pytest.raises(ParameterError, match="square"):
        F.similarity_heatmap(pd.DataFrame({"a": [1.0, 0.5]}))
    empty = F.distinctive_terms_chart(seed_terms.iloc[:0])
    assert isinstance(empty, go.Figure) and len(empty.data) == 0
