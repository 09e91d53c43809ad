"""Tests of analysis.term_matrix: the story x term matrix kept in the analysis cache equals the
one built from the pass's term rows, cell for cell."""

from __future__ import annotations

from analysis import pipeline
from analysis.cache import ArticleCache
from analysis.corpus import stories_from_texts


def test_term_matrix_kept_in_the_cache_equals_the_built_one(seed_corpus, tmp_path):
    store = ArticleCache(tmp_path)
    first = pipeline.analyze(seed_corpus, cache=store, workers=1, codebooks=())
    built = first._built_term_matrix()
    kept = first.term_matrix()  # built and stored
    assert (tmp_path / "term-matrix").is_dir()
    again = pipeline.analyze(seed_corpus, cache=store, workers=1, codebooks=()).term_matrix()
    for counts in (kept, again):
        assert counts.doc_ids == built.doc_ids == tuple(seed_corpus.stories["story_id"])
        assert counts.terms == built.terms and len(counts.terms) > 1000
        assert counts.matrix.dtype == built.matrix.dtype
        assert (counts.matrix != built.matrix).nnz == 0
    from analysis.term_matrix import _matrix_tables

    tables, scalars = _matrix_tables(built)  # what is stored: 32-bit cells, cells per row
    assert tables["cells"].dtypes.astype(str).tolist() == ["int32", "int32"]
    assert tables["rows"]["n_cells"].tolist() == built.matrix.getnnz(axis=1).tolist()
    assert scalars == {"n_columns": len(built.terms)}
    texts = list(seed_corpus.stories["raw_text"].iloc[[2, 0]])  # other stories: another entry
    corpus = stories_from_texts(texts)
    other = pipeline.analyze(corpus, cache=store, workers=1, codebooks=()).term_matrix()
    assert other.doc_ids == tuple(corpus.stories["story_id"]) and other.matrix.shape[0] == 2
    assert len(other.terms) < len(built.terms)


def test_term_matrix_built_from_parts_equals_the_one_from_all_rows(seed_corpus, tmp_path):
    """The rows given in parts (as categories or as strings, a key's rows split across parts,
    repeated (key, term) rows summed) give the matrix that all the rows at once give."""
    import numpy as np
    import pandas as pd

    from analysis.cache import KEY_COLUMN
    from analysis.term_matrix import build_term_matrix

    result = pipeline.analyze(seed_corpus, cache=False, workers=1, codebooks=())
    rows = result.keyed_terms
    whole = build_term_matrix([rows], result.story_keys, tuple(seed_corpus.stories["story_id"]))
    shuffled = rows.sample(frac=1.0, random_state=np.random.RandomState(0))
    cuts = np.linspace(0, len(shuffled), 6).astype(int)
    parts = [shuffled.iloc[a:b] for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
    parts[1] = parts[1].astype({KEY_COLUMN: "category", "term": "category"})
    twice = pd.concat([parts[4].assign(count=1), parts[4].assign(count=parts[4]["count"] - 1)])
    given = [None, *parts[:4], rows.iloc[:0], twice]
    split = build_term_matrix(given, result.story_keys, tuple(seed_corpus.stories["story_id"]))
    assert split.doc_ids == whole.doc_ids and split.terms == whole.terms
    assert split.terms == tuple(sorted(whole.terms))
    assert (split.matrix != whole.matrix).nnz == 0 and split.matrix.nnz == whole.matrix.nnz
    cells = int(whole.matrix.sum())
    assert cells == int(rows["count"].sum()) and cells > 1000
    empty = build_term_matrix([], ["a"], ("s",))
    assert empty.matrix.shape == (1, 0) and empty.terms == ()


def test_cached_rows_read_pack_by_pack_and_as_categories(seed_corpus, tmp_path):
    """load_packs gives the rows load gives, a pack at a time, the asked columns as
    categories, and leaves the keys it did not find in the set it was given."""
    import pandas as pd

    from analysis.cache import KEY_COLUMN

    store = ArticleCache(tmp_path)
    result = pipeline.analyze(seed_corpus, cache=store, workers=1, codebooks=())
    version = result._tables.versions["terms"]
    keys = set(result.story_keys)
    whole, missing = store.load("terms", version, keys | {"absent"})
    assert missing == {"absent"}
    wanted = keys | {"absent"}
    parts = list(store.load_packs("terms", version, wanted, dictionary=[KEY_COLUMN, "term"]))
    assert wanted == {"absent"} and parts
    assert all(isinstance(p[KEY_COLUMN].dtype, pd.CategoricalDtype) for p in parts)
    joined = pd.concat([p.astype({KEY_COLUMN: str, "term": str}) for p in parts])
    order = [KEY_COLUMN, "term"]
    pd.testing.assert_frame_equal(
        joined.sort_values(order).reset_index(drop=True),
        whole.astype({KEY_COLUMN: str, "term": str}).sort_values(order).reset_index(drop=True),
    )
    one = {sorted(keys)[0]}
    (part,) = store.load_packs("terms", version, set(one), dictionary=[KEY_COLUMN])
    assert set(part[KEY_COLUMN].astype(str)) == one
