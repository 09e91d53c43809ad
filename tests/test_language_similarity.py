"""Tests of analysis.language.similarity: TF-IDF cosine, nearest neighbours, near-duplicates."""

from __future__ import annotations

import numpy as np
import pytest
from pandas.testing import assert_frame_equal

from analysis.corpus import stories_from_texts
from analysis.errors import ParameterError
from analysis.language.similarity import (
    RELATED_THRESHOLD,
    near_duplicates,
    nearest_neighbours,
    similarity_matrix,
)


def test_seed_stories_are_pairwise_dissimilar(seed_corpus):
    sim = similarity_matrix(seed_corpus.stories)
    values = sim.to_numpy()
    assert list(sim.index) == list(seed_corpus.stories["story_id"])
    assert np.allclose(np.diag(values), 1.0)
    assert np.allclose(values, values.T)
    off = values[~np.eye(len(values), dtype=bool)]
    assert off.max() < RELATED_THRESHOLD


def test_group_similarity_and_dense_limit(seed_corpus, monkeypatch):
    stories = seed_corpus.stories.assign(side=["x", "y", "y", "x"])
    sim = similarity_matrix(stories, group="side")
    assert sim.shape == (2, 2) and list(sim.index) == ["x", "y"] and sim.index.name == "side"
    monkeypatch.setattr("analysis.language.similarity.MAX_DENSE_SIMILARITY", 3)
    with pytest.raises(ParameterError, match="use nearest_neighbours"):
        similarity_matrix(seed_corpus.stories)


def test_near_duplicates_and_neighbours_find_a_republished_story(seed_corpus):
    texts = list(seed_corpus.stories["raw_text"])
    corpus = stories_from_texts(
        [*texts, texts[0].replace("dramatic", "dramatic, stunning"), texts[2]]
    )
    dups = near_duplicates(corpus.stories)
    ids = list(corpus.stories["story_id"])
    pairs = set(zip(dups["story_id"], dups["other_id"], strict=True))
    assert pairs == {(ids[0], ids[4]), (ids[2], ids[5])}
    nn = nearest_neighbours(corpus.stories, k=2)
    first = nn[nn["rank"] == 1].set_index("story_id")
    assert first.loc[ids[0], "neighbour_id"] == ids[4]
    assert bool(first.loc[ids[0], "near_duplicate"])
    assert (nn.groupby("story_id")["rank"].max() <= 2).all()


def test_blocks_and_the_kept_matrix_give_the_same_answer(seed_corpus, monkeypatch):
    """Neighbours and near-duplicates from the whole similarity matrix (kept between the two
    calls) equal those from one-row blocks computed afresh for each call."""
    texts = list(seed_corpus.stories["raw_text"])
    stories = stories_from_texts([*texts, texts[1].replace("the", "a"), texts[3]]).stories
    whole_nn = nearest_neighbours(stories, k=3)
    whole_nd = near_duplicates(stories, threshold=0.001)
    assert len(whole_nd) == 9 and len(whole_nn) == 16  # zero similarities are left out
    monkeypatch.setattr("analysis.language.similarity.KEPT_SIMILARITY_CELLS", 0)
    monkeypatch.setattr("analysis.language.similarity.SIMILARITY_BLOCK_CELLS", 4)  # 1 row each
    assert_frame_equal(nearest_neighbours(stories, k=3), whole_nn)
    assert_frame_equal(near_duplicates(stories, threshold=0.001), whole_nd)


def test_one_scan_of_a_large_corpus_serves_neighbours_and_near_duplicates(
    seed_corpus, monkeypatch
):
    """When the similarities are too many to keep, one pass over their blocks gives the
    neighbours (up to SCAN_NEIGHBOURS) and the near-duplicates (at the default threshold or
    above), equal to what each function computes on its own."""
    from analysis.language import similarity
    from analysis.language.terms import term_counts

    texts = list(seed_corpus.stories["raw_text"])
    extended = texts[0] + "\n\n" + texts[2][:800]  # similarity 0.971 to the first story
    copies = [texts[1].replace("the", "a"), texts[3], extended]
    stories = stories_from_texts([*texts, *copies]).stories
    counts = term_counts(stories)
    expected = {
        "nn": nearest_neighbours(stories, k=3, counts=counts),
        "nn5": nearest_neighbours(stories, k=5, counts=counts),
        "nd": near_duplicates(stories, counts=counts),
        "nd99": near_duplicates(stories, threshold=0.99, counts=counts),
        "nd_low": near_duplicates(stories, threshold=0.01, counts=counts),
    }
    assert len(expected["nd"]) == 3 and len(expected["nd99"]) == 2
    monkeypatch.setattr(similarity, "KEPT_SIMILARITY_CELLS", 0)
    monkeypatch.setattr(similarity, "SIMILARITY_BLOCK_CELLS", 12)  # 2 rows a block
    monkeypatch.setattr(similarity, "SCAN_NEIGHBOURS", 4)
    scans = []
    real_scan = similarity._scan
    monkeypatch.setattr(similarity, "_scan", lambda x: scans.append(1) or real_scan(x))
    assert_frame_equal(nearest_neighbours(stories, k=3, counts=counts), expected["nn"])
    assert_frame_equal(near_duplicates(stories, counts=counts), expected["nd"])
    assert_frame_equal(near_duplicates(stories, threshold=0.99, counts=counts), expected["nd99"])
    assert scans == [1]  # one scan served the three calls
    assert_frame_equal(nearest_neighbours(stories, k=5, counts=counts), expected["nn5"])
    assert_frame_equal(near_duplicates(stories, threshold=0.01, counts=counts), expected["nd_low"])
    assert scans == [1]  # more neighbours or a lower threshold than kept: blocks again


@pytest.mark.parametrize("bad", [0, 1.5, -0.1, "high", True])
def test_near_duplicate_threshold_errors(seed_corpus, bad):
    with pytest.raises(ParameterError, match="threshold"):
        near_duplicates(seed_corpus.stories, threshold=bad)


def test_similarity_empty_inputs(seed_corpus):
    empty = seed_corpus.stories.iloc[:0]
    assert similarity_matrix(empty).empty
    assert nearest_neighbours(empty).empty
    assert near_duplicates(seed_corpus.stories.iloc[:1]).empty
    with pytest.raises(ParameterError, match="k must be"):
        nearest_neighbours(seed_corpus.stories, k=0)


def test_similarity_matrix_keeps_the_first_rows_when_asked() -> None:
    from analysis import load_corpus
    from analysis.figures.language import similarity_heatmap
    from analysis.language import similarity_matrix

    stories = load_corpus().stories
    whole = similarity_matrix(stories)
    first = similarity_matrix(stories, max_rows=2)
    assert first.attrs["n_total"] == 4
    assert list(first.index) == list(whole.index[:2])
    assert first.to_numpy().tolist() == whole.iloc[:2, :2].to_numpy().tolist()
    assert "n_total" not in similarity_matrix(stories, max_rows=4).attrs
    by_outlet = stories.assign(outlet=["a", "b", "a", "c"])
    groups = similarity_matrix(by_outlet, group="outlet", max_rows=2)
    assert list(groups.index) == ["a", "b"] and groups.attrs["n_total"] == 3
    assert (
        (groups.round(12) == similarity_matrix(by_outlet, group="outlet").iloc[:2, :2].round(12))
        .all()
        .all()
    )
    assert "first 2 of 4" in similarity_heatmap(first).layout.title.text


def test_frequent_terms_split_reproduces_the_sparse_products(monkeypatch):
    """The dense (frequent terms) + sparse (the rest) split of the similarity blocks gives the
    sparse product: the dense part holds the most frequent terms, at most DENSE_TERM_CELLS / n
    of them, never a term of one story."""
    import scipy.sparse as sp

    from analysis.language import similarity

    rng = np.random.default_rng(0)
    frequent = rng.random((300, 40)) * (rng.random((300, 40)) < 0.6)
    x = sp.csr_matrix(sp.hstack([frequent, sp.random(300, 2000, density=0.01, random_state=1)]))
    monkeypatch.setattr(similarity, "DENSE_TERM_CELLS", 300 * 30)
    dense, rest = similarity._split_frequent_terms(x)
    assert dense.shape == (300, 30)
    in_rest = np.bincount(rest.indices, minlength=x.shape[1])
    assert (in_rest[:40] == 0).sum() == 30 and (in_rest[40:] > 0).sum() > 1500
    expected = (x @ x.T).toarray()
    np.testing.assert_allclose(dense @ dense.T + (rest @ rest.T).toarray(), expected, atol=1e-12)
    monkeypatch.setattr(similarity, "KEPT_SIMILARITY_CELLS", 0)
    monkeypatch.setattr(similarity, "SIMILARITY_BLOCK_CELLS", 300 * 64)
    blocks = list(similarity._similarity_blocks(x))
    assert [b[:2] for b in blocks[:2]] == [(0, 64), (64, 128)]
    np.testing.assert_allclose(np.vstack([b[2] for b in blocks]), expected, atol=1e-12)
    one_story = sp.csr_matrix(np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [0.0, 1.0, 0.0]]))
    monkeypatch.setattr(similarity, "DENSE_TERM_CELLS", 10**6)
    dense, rest = similarity._split_frequent_terms(one_story)
    assert dense.tolist() == [[1.0], [1.0], [1.0]]  # the terms of one story stay sparse
    assert rest.toarray().tolist() == [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]


@pytest.mark.parametrize("block_cells", [60 * 60, 60 * 7, 60 * 2])
def test_scan_in_any_blocks_equals_the_whole_matrix(monkeypatch, block_cells):
    """The scan that computes each pair once gives the neighbours (order: similarity, then
    position) and the near-duplicate pairs of the whole similarity matrix, whatever the block
    size; copies of a story tie and the first comes first, rows with fewer than k non-zero
    similarities included."""
    import scipy.sparse as sp

    from analysis.language import similarity

    x = sp.random(48, 300, density=0.04, random_state=3, format="csr")
    x = sp.vstack([x, x[[0, 5, 5]], sp.csr_matrix((2, 300)), x[[9]] * 2.0]).tocsr()  # copies
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1))).ravel()
    x = sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ x
    x = sp.csr_matrix(x)
    n = x.shape[0]
    whole = np.round((x @ x.T).toarray(), similarity.RANK_DECIMALS)
    np.fill_diagonal(whole, -1.0)
    kk = 4
    monkeypatch.setattr(similarity, "SCAN_NEIGHBOURS", kk)
    monkeypatch.setattr(similarity, "SIMILARITY_BLOCK_CELLS", block_cells)
    monkeypatch.setattr(similarity, "DENSE_TERM_CELLS", n * 20)
    scan = similarity._scan(x)
    for r, (positions, values) in enumerate(scan.neighbours):
        expected = similarity._row_neighbours(whole[r], kk)
        assert positions.tolist() == expected.tolist(), r
        np.testing.assert_allclose(values, whole[r, expected], atol=1e-12)
        # ranked as rounded: a similarity read from two blocks can differ in its last bits
        assert np.array_equal(values, np.round(values, similarity.RANK_DECIMALS))
    first, second = np.nonzero(np.triu(whole >= similarity.NEAR_DUPLICATE_THRESHOLD, k=1))
    assert scan.pairs[0].tolist() == first.tolist()
    assert scan.pairs[1].tolist() == second.tolist()
    assert len(first) >= 4  # the copies
