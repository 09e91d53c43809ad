"""Tests of analysis.language.clusters: story clusters, the per-story topic and its stability."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from analysis.corpus import stories_from_texts
from analysis.errors import ParameterError
from analysis.language import clusters as clusters_module
from analysis.language import latent as latent_module
from analysis.language import term_counts, topic_model
from analysis.language.clusters import (
    CLUSTER_COLUMNS,
    CLUSTER_STORY_COLUMNS,
    MIN_CLUSTER_STORIES,
    N_COMPONENTS,
    STORY_TOPIC_COLUMNS,
    cluster_stability,
    latent_dimensions,
    story_clusters,
    story_topic_shares,
    story_topics,
)
from tests.conftest import JAPAN, LOS_ANGELES, RUSSIA, SEED_IDS, WASHINGTON

THEMES = {
    "oil": ["oil", "barrel", "refinery", "crude", "pipeline", "opec", "drilling", "tanker"],
    "football": ["goal", "striker", "referee", "stadium", "league", "penalty", "coach", "fans"],
    "election": ["ballot", "voters", "candidate", "campaign", "polling", "senate", "turnout"],
    "weather": ["storm", "rainfall", "hurricane", "forecast", "flooding", "winds", "tornado"],
    "space": ["telescope", "galaxy", "astronomers", "orbit", "planet", "comet", "spacecraft"],
}
SHARED = ["city", "report", "tuesday", "local", "week"]


def themed_text(theme: str, i: int) -> str:
    """A short story: five consecutive theme words (from word ``i``) and two shared words."""
    words = THEMES[theme]
    a, b, c, d, e = (words[(i + j) % len(words)] for j in range(5))
    one, two = SHARED[i % len(SHARED)], SHARED[(i + 2) % len(SHARED)]
    return f"The {a} and {b}. {c}, {one}; {d}: {e}, {two}."


def themed_stories(n_per_theme: int, themes: list[str]) -> pd.DataFrame:
    """Stories cycling through ``themes`` (story ``i`` is about ``themes[i % len(themes)]``)."""
    rows = []
    for i in range(n_per_theme * len(themes)):
        theme = themes[i % len(themes)]
        rows.append((f"s{i:03d}", f"{theme.title()} story {i}", themed_text(theme, i // 5)))
    return pd.DataFrame(rows, columns=["story_id", "title", "text"])


@pytest.fixture(scope="module")
def sixty() -> pd.DataFrame:
    return themed_stories(12, list(THEMES)).assign(side=lambda f: ["L", "R", "R"] * 20)


@pytest.fixture(scope="module")
def sixty_clusters(sixty):
    return story_clusters(sixty)


def test_seed_stories_are_one_cluster_each(seed_corpus):
    c = story_clusters(seed_corpus)
    assert (c.method, c.n_clusters, c.n_components, c.inertia) == ("one per story", 4, 0, 0.0)
    assert c.reason.startswith("4 stories with terms, fewer than 40: too few")
    assert list(c.stories.columns) == CLUSTER_STORY_COLUMNS
    assert list(c.clusters.columns) == CLUSTER_COLUMNS
    assert c.stories["story_id"].tolist() == SEED_IDS
    assert c.stories["cluster"].tolist() == [1, 2, 3, 4]
    label = dict(zip(c.stories["story_id"], c.stories["label"], strict=True))
    assert label[RUSSIA] == "russia / maduro / military"
    assert label[JAPAN].startswith("japan / ")
    assert label[LOS_ANGELES].startswith("reiner / ")
    assert c.stories["n_stories"].tolist() == [1, 1, 1, 1]
    assert c.stories["margin"].isna().all()
    assert c.clusters["share"].tolist() == [0.25] * 4
    assert c.typical["story_id"].tolist() == SEED_IDS
    assert c.clusters.loc[1, "typical_titles"].startswith("Japan's Cabinet")


def test_seed_stories_in_two_clusters(seed_corpus):
    c = story_clusters(seed_corpus, 2)
    assert (c.method, c.n_clusters, c.n_components) == ("k-means", 2, 2)
    assert c.reason == "k-means with k = 2 (given)"
    assert c.stories["cluster"].tolist() == [1, 1, 2, 2]
    assert c.clusters["n_stories"].tolist() == [2, 2]
    assert c.clusters.loc[0, "label"].startswith("japan / ")
    assert ((c.stories["similarity"] > 0.7) & (c.stories["similarity"] <= 1 + 1e-9)).all()
    assert (c.stories["margin"] > 0).all()
    assert 0 < c.explained_variance < 1 and c.inertia > 0


def test_obvious_clusters_with_the_automatic_k(sixty, sixty_clusters):
    c = sixty_clusters
    assert (c.method, c.n_clusters, c.n_components) == ("k-means", 5, 6)
    assert (
        c.reason == "k-means with k = 5, the number of topics the NMF model picks for 60 stories"
    )
    assert c.stories["cluster"].tolist() == [i % 5 + 1 for i in range(60)]
    for cluster, theme in enumerate(THEMES, start=1):
        row = c.clusters.loc[cluster - 1]
        assert row["n_stories"] == 12 and row["share"] == pytest.approx(0.2)
        assert all(term in THEMES[theme] for term in row["label"].split(" / "))
        assert len(row["label"].split(" / ")) == 3
        assert row["typical_titles"].count(theme.title()) == 3
        terms = c.terms[c.terms["cluster"] == cluster]
        assert terms["rank"].tolist() == list(range(1, 11))
        assert (terms["weight"].diff().dropna() <= 1e-12).all()  # ties: unigrams, then a-z
    assert (c.stories["margin"] > 0.3).all()
    typical = c.typical
    assert typical.groupby("cluster").size().tolist() == [3] * 5
    steps = typical.groupby("cluster")["similarity"].diff().dropna()
    assert (steps <= 1e-12).all()  # most similar first


def test_obvious_clusters_with_a_given_k():
    stories = themed_stories(5, ["oil", "football", "space"])
    c = story_clusters(stories, 3, n_components=10)
    assert c.n_components == 10
    assert c.stories["cluster"].tolist() == [1, 2, 3] * 5
    assert (
        c.clusters["label"]
        .map(lambda lab: lab.split(" / ")[0])
        .isin(THEMES["oil"] + THEMES["football"] + THEMES["space"])
        .all()
    )


def test_clusters_are_deterministic_and_inputs_unchanged(sixty, sixty_clusters):
    before = sixty.copy()
    again = story_clusters(sixty, counts=term_counts(sixty))
    for name in ("stories", "clusters", "terms", "typical"):
        assert_frame_equal(getattr(again, name), getattr(sixty_clusters, name))
    assert again.inertia == sixty_clusters.inertia
    assert_frame_equal(sixty, before)


def test_story_without_terms_gets_cluster_zero():
    stories = pd.concat(
        [themed_stories(3, ["oil", "space"]), pd.DataFrame({"story_id": ["x"], "text": ["The."]})],
        ignore_index=True,
    )
    c = story_clusters(stories, 2)
    assert c.stories["cluster"].tolist() == [1, 2] * 3 + [0]
    last = c.stories.iloc[-1]
    assert (last["label"], last["n_stories"]) == ("", 0) and np.isnan(last["distance"])
    assert c.clusters["n_stories"].tolist() == [3, 3]
    nothing = story_clusters(pd.DataFrame({"story_id": ["a"], "text": ["It is."]}))
    assert (nothing.method, nothing.n_clusters, len(nothing.stories)) == ("none", 0, 0)
    assert nothing.reason == "no story has a counted term"


@pytest.mark.parametrize(
    ("n_stories", "k", "dims"),
    [(4, 2, 2), (60, 5, 6), (200, 10, 20), (500, 10, 50), (2505, 10, N_COMPONENTS), (100, 20, 20)],
)
def test_latent_dimensions(n_stories, k, dims):
    assert latent_dimensions(n_stories, k) == dims


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_clusters": 0}, "n_clusters must be a positive integer"),
        ({"n_clusters": 61}, "n_clusters=61 is more than the 60 stories"),
        ({"seed": 1.5}, "seed must be an integer"),
        ({"n_init": 0}, "n_init must be"),
        ({"n_components": 0}, "n_components must be"),
        ({"ngram_range": (1, 3)}, "ngram_range"),
        ({"n_typical": -1}, "n_typical must be"),
    ],
)
def test_story_clusters_rejects_bad_options(sixty, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        story_clusters(sixty, **kwargs)


def test_story_clusters_rejects_bad_input(sixty, seed_corpus):
    with pytest.raises(ParameterError, match="expected a Corpus"):
        story_clusters(["a text"])
    with pytest.raises(ParameterError, match="lacks the column"):
        story_clusters(sixty[["story_id"]])
    with pytest.raises(ParameterError, match="counts do not match stories"):
        story_clusters(sixty, counts=term_counts(seed_corpus.stories))


def test_story_topics_of_the_seeds_use_nmf(seed_corpus):
    topics = story_topics(seed_corpus)
    assert list(topics.columns) == STORY_TOPIC_COLUMNS
    assert topics["story_id"].tolist() == SEED_IDS
    assert set(topics["method"]) == {"nmf"}
    by_id = topics.set_index("story_id")
    assert "japan" in by_id.loc[JAPAN, "label"] and by_id.loc[JAPAN, "strength"] > 0.9
    assert "reiner" in by_id.loc[LOS_ANGELES, "label"]
    assert by_id.loc[WASHINGTON, "title"].startswith("The complete public unveiling")
    model = topic_model(seed_corpus)
    assert_frame_equal(story_topics(seed_corpus, model=model), topics)
    shares = model.shares
    best = shares.loc[shares.groupby("story_id")["share"].idxmax()].set_index("story_id")
    assert by_id["topic"].to_dict() == best["topic"].to_dict()


@pytest.fixture(scope="module")
def sixty_corpus(sixty):
    corpus = stories_from_texts(sixty["text"])
    stories = corpus.stories.assign(side=sixty["side"].to_numpy())
    return type(corpus)(stories, corpus.sentences, corpus.skipped, corpus.source)


def test_story_topics_of_a_large_corpus_use_clusters(sixty_corpus):
    assert MIN_CLUSTER_STORIES == 200
    topics = story_topics(sixty_corpus, min_stories=60)
    assert set(topics["method"]) == {"clusters"}
    assert topics["topic"].tolist() == [i % 5 + 1 for i in range(60)]
    assert (topics["strength"] > 0.5).all()
    clusters = story_clusters(sixty_corpus)
    assert_frame_equal(story_topics(sixty_corpus, min_stories=60, clusters=clusters), topics)
    nmf = story_topics(sixty_corpus)  # 60 stories: fewer than MIN_CLUSTER_STORIES
    assert set(nmf["method"]) == {"nmf"}
    assert nmf["topic"].nunique() == 5


def test_story_topics_rejects_models_of_other_stories(seed_corpus, sixty_corpus, sixty_clusters):
    with pytest.raises(ParameterError, match="clusters was not built from this corpus"):
        story_topics(sixty_corpus, min_stories=2, clusters=story_clusters(seed_corpus))
    with pytest.raises(ParameterError, match="model was not built from this corpus"):
        story_topics(seed_corpus, model=topic_model(sixty_corpus, n_sentences=0))
    with pytest.raises(ParameterError, match="expected a Corpus"):
        story_topics(seed_corpus.stories)
    with pytest.raises(ParameterError, match="min_stories"):
        story_topics(seed_corpus, min_stories=0)


def test_story_topic_shares(sixty_corpus):
    topics = story_topics(sixty_corpus, min_stories=60)
    shares = story_topic_shares(topics, sixty_corpus.stories, group="side")
    assert shares["group"].tolist() == ["L"] * 5 + ["R"] * 5
    assert shares["topic"].tolist() == [1, 2, 3, 4, 5] * 2
    assert shares["n_stories"].tolist() == [20] * 5 + [40] * 5
    # story i is on theme i % 5 and side "L" when i % 3 == 0: 4 of every 15 stories per theme
    assert shares["n_topic"].tolist() == [4] * 5 + [8] * 5
    assert np.allclose(shares.groupby("group")["share"].sum(), 1.0)
    per_story = story_topic_shares(topics, sixty_corpus.stories)
    assert len(per_story) == 60 * 5 and per_story["share"].sum() == 60
    with pytest.raises(ParameterError, match="group 'nope' is not a column"):
        story_topic_shares(topics, sixty_corpus.stories, group="nope")
    with pytest.raises(ParameterError, match="topics must be a DataFrame"):
        story_topic_shares(topics.drop(columns="label"), sixty_corpus.stories)


def test_cluster_stability(sixty):
    table = cluster_stability(sixty, seeds=(0, 1, 2))
    assert table[["seed_a", "seed_b"]].values.tolist() == [[0, 1], [0, 2], [1, 2]]
    assert table["nmi"].tolist() == pytest.approx([1.0, 1.0, 1.0])
    words = [w for theme in THEMES.values() for w in theme]
    rng = np.random.default_rng(7)
    noise = pd.DataFrame(
        {
            "story_id": [f"n{i}" for i in range(60)],
            "text": [". ".join(rng.choice(words, 8, replace=False)) for _ in range(60)],
        }
    )
    arbitrary = cluster_stability(noise, n_clusters=5)
    assert len(arbitrary) == 10
    assert arbitrary["nmi"].mean() < 0.8  # no structure: the partition depends on the seed
    with pytest.raises(ParameterError, match="at least two distinct seeds"):
        cluster_stability(sixty, seeds=(3, 3))


@pytest.mark.parametrize("shape", [(40, 300), (300, 40)])
@pytest.mark.parametrize("dense_gram", [10_000, 5])
def test_latent_vectors_are_the_truncated_svd(shape, dense_gram, monkeypatch):
    """U_d S_d of the exact SVD, signs fixed (largest entry positive), from the stories' side
    or the terms' side, by a dense eigendecomposition or by Lanczos iteration."""
    import scipy.sparse as sp

    monkeypatch.setattr(latent_module, "DENSE_GRAM", dense_gram)
    x = sp.random(*shape, density=0.1, random_state=np.random.default_rng(3), format="csr")
    dims = 8
    got = latent_module.latent_vectors(x, dims, seed=0)
    u, s, _ = np.linalg.svd(x.toarray(), full_matrices=False)
    want = u[:, :dims] * s[:dims]
    want = want * np.sign(want[np.argmax(np.abs(want), axis=0), np.arange(dims)])
    assert got.shape == (shape[0], dims)
    np.testing.assert_allclose(got, want, atol=1e-8)
    assert latent_module.latent_vectors(x, dims, seed=0).tobytes() == got.tobytes()


def test_explained_variance_is_that_of_the_svd():
    """The k-means fit reports the share of the TF-IDF's total variance its dimensions keep,
    as scikit-learn's TruncatedSVD computes it."""
    from sklearn.decomposition import TruncatedSVD

    stories = themed_stories(12, list(THEMES))
    x, _ = clusters_module._story_tfidf(stories, None, (1, 2))
    fit = clusters_module._kmeans(x, 5, seed=0, n_init=2, n_components=20)
    svd = TruncatedSVD(n_components=20, algorithm="arpack", random_state=0).fit(x)
    assert fit.explained_variance == pytest.approx(svd.explained_variance_ratio_.sum(), rel=1e-9)
