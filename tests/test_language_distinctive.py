"""Tests of analysis.language.distinctive: weighted log-odds distinctive terms and TF-IDF terms."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from analysis.errors import ParameterError
from analysis.language.distinctive import DISTINCTIVE_COLUMNS, distinctive_terms, tfidf_terms
from analysis.language.terms import term_counts
from tests.conftest import JAPAN, LOS_ANGELES, RUSSIA, WASHINGTON

SEED_EXPECTED = {
    RUSSIA: ({"russia", "venezuela", "maduro", "moscow", "kremlin"}, 2),
    JAPAN: ({"defense", "budget", "japan", "yen"}, 1),
    WASHINGTON: ({"epstein", "documents", "doj"}, 1),
    LOS_ANGELES: ({"reiner", "murder", "charged"}, 1),
}


@pytest.fixture(scope="module")
def seed_terms(seed_corpus):
    return distinctive_terms(seed_corpus.stories, top_n=15)


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
    full = distinctive_terms(seed_corpus.stories, top_n=10_000)
    japan = full[full["group"] == JAPAN].set_index("term")
    assert japan.loc["budget", "rank"] < japan.loc["bolstering", "rank"]
    weak = distinctive_terms(seed_corpus.stories, top_n=10_000, alpha0=61.0)
    japan_weak = weak[weak["group"] == JAPAN].set_index("term")
    assert japan_weak.loc["budget", "rank"] > japan_weak.loc["bolstering", "rank"]


def test_distinctive_terms_formula_on_a_toy_corpus():
    stories = pd.DataFrame({"story_id": ["a", "b"], "text": ["oil oil gas", "gas gas coal"]})
    out = distinctive_terms(stories, ngram_range=(1, 1), top_n=5)
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
    out = distinctive_terms(stories, group="side", top_n=5)
    assert list(dict.fromkeys(out["group"])) == ["x", "y", "(missing)"]
    assert list(out.columns) == DISTINCTIVE_COLUMNS


def test_distinctive_terms_accepts_precomputed_counts_and_rejects_mismatched(seed_corpus):
    tc = term_counts(seed_corpus.stories)
    assert_frame_equal(
        distinctive_terms(seed_corpus.stories, counts=tc),
        distinctive_terms(seed_corpus.stories),
    )
    with pytest.raises(ParameterError, match="counts do not match"):
        distinctive_terms(seed_corpus.stories.iloc[:2], counts=tc)
    with pytest.raises(ParameterError, match="TermCounts"):
        distinctive_terms(seed_corpus.stories, counts={"a": 1})


def test_distinctive_terms_min_count(seed_corpus):
    out = distinctive_terms(seed_corpus.stories, min_count=2)
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
    out = distinctive_terms(stories, group="side", ngram_range=(1, 1), top_n=5)
    left = out[out["group"] == "left"].set_index("term")
    assert left.loc["boilerplate", ["n_stories", "n_sources"]].tolist() == [2, 1]
    assert left.loc["tariffs", ["n_stories", "n_sources"]].tolist() == [3, 2]
    filtered = distinctive_terms(stories, group="side", ngram_range=(1, 1), min_sources=2)
    assert set(filtered.loc[filtered["group"] == "left", "term"]) == {"tariffs"}
    no_outlet = distinctive_terms(stories.drop(columns="outlet"), group="side", min_sources=3)
    assert set(no_outlet.loc[no_outlet["group"] == "left", "term"]) == {"tariffs"}
    with pytest.raises(ParameterError, match="min_sources"):
        distinctive_terms(stories, group="side", min_sources=0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"group": "colour"}, "group 'colour' is not a column"),
        ({"top_n": 0}, "top_n must be a positive integer"),
        ({"top_n": 2.5}, "top_n"),
        ({"min_count": 0}, "min_count"),
        ({"alpha0": 0}, "alpha0 must be a positive number"),
        ({"alpha0": "big"}, "alpha0"),
    ],
)
def test_distinctive_terms_parameter_errors(seed_corpus, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        distinctive_terms(seed_corpus.stories, **kwargs)


def test_distinctive_terms_rejects_a_table_without_text():
    with pytest.raises(ParameterError, match=r"lacks the column\(s\) \['text'\]"):
        distinctive_terms(pd.DataFrame({"story_id": ["a"]}))


def test_distinctive_terms_empty_and_single_group(seed_corpus):
    empty = seed_corpus.stories.iloc[:0]
    assert distinctive_terms(empty).empty
    assert distinctive_terms(seed_corpus.stories.iloc[:1]).empty
    assert list(distinctive_terms(empty).columns) == DISTINCTIVE_COLUMNS


def test_tfidf_terms_on_the_seeds(seed_corpus):
    out = tfidf_terms(seed_corpus.stories, top_n=15)
    top = out[out["rank"] == 1].set_index("group")["term"].to_dict()
    assert top[RUSSIA] == "russia" and top[JAPAN] == "japan" and top[LOS_ANGELES] == "reiner"
    assert (out.groupby("group")["tfidf"].apply(lambda s: s.is_monotonic_decreasing)).all()
    with pytest.raises(ParameterError, match="top_n"):
        tfidf_terms(seed_corpus.stories, top_n=-1)
    assert tfidf_terms(seed_corpus.stories.iloc[:0]).empty


def test_an_outlet_naming_itself_is_left_out_of_its_terms():
    import pandas as pd

    from analysis.corpus import stories_from_texts
    from analysis.language import distinctive_terms

    texts = [
        "A spokesman told Fox News the border wall plan was final. Fox News reported more.",
        "Officials told Fox News the tariff plan would go ahead. Read more on foxnews.com today.",
        "A spokesman told CNN the climate plan was final. CNN reported the vote.",
        "Officials told CNN the health plan would pass. The senators met again.",
    ]
    stories = stories_from_texts(texts).stories.assign(
        outlet=["Fox News", "Fox News", "CNN (Web News)", "CNN (Web News)"]
    )
    kept = distinctive_terms(stories, group="outlet", top_n=40)
    left = distinctive_terms(stories, group="outlet", top_n=40, own_names="outlet")
    fox = set(kept.loc[kept["group"] == "Fox News", "term"])
    assert {"fox", "fox news", "told fox"} <= fox
    fox_left = set(left.loc[left["group"] == "Fox News", "term"])
    assert not {t for t in fox_left if "fox" in t}
    cnn_left = set(left.loc[left["group"] == "CNN (Web News)", "term"])
    assert "cnn" not in cnn_left and "told cnn" not in cnn_left
    assert "climate" in cnn_left and "border" in fox_left
    assert isinstance(left, pd.DataFrame)
