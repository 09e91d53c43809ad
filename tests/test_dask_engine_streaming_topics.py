"""Tests of analysis.dask_engine.streaming_topics: online NMF topics are deterministic,
labelled, and refuse bad options."""

from __future__ import annotations

import numpy as np
import pytest
from pandas.testing import assert_frame_equal

from analysis.dask_engine import streaming_topics
from analysis.errors import CorpusError, ParameterError
from tests import dask_cases


@pytest.fixture(scope="module")
def small_parquet(seed_corpus, tmp_path_factory):
    """Nine articles in three partitions of three."""
    return dask_cases.small_parquet(seed_corpus, tmp_path_factory.mktemp("small"))


def test_streaming_topics_is_deterministic_and_labelled(small_parquet, tmp_path):
    options = {"n_topics": 3, "seed": 7, "batch_size": 4, "n_epochs": 3, "init_size": 4}
    first = streaming_topics(small_parquet, **options)
    second = streaming_topics(small_parquet, spill_dir=tmp_path / "spill", **options)
    for name in ("topics", "terms", "units", "shares"):
        assert_frame_equal(getattr(first, name), getattr(second, name))
    assert first.n_topics == 3
    assert first.topics["topic"].tolist() == [1, 2, 3]
    assert all(first.topics["label"].str.len() > 0)
    assert first.n_documents == 8  # the empty article is left out
    assert first.units["story_id"].tolist() == [
        "seed-0",
        "seed-1",
        "seed-2",
        "seed-3",
        "syn-0",
        "syn-1",
        "syn-2",
        "syn-4",
    ]
    sums = first.shares.groupby("story_id")["share"].sum()
    assert np.allclose(sums, 1.0)
    assert first.topics["n_units"].sum() == 8
    other_seed = streaming_topics(small_parquet, **{**options, "seed": 8})
    assert other_seed.n_steps == first.n_steps


def test_streaming_topics_errors(tmp_path, small_parquet):
    with pytest.raises(CorpusError, match="nowhere: no such Parquet folder"):
        streaming_topics(tmp_path / "nowhere")
    with pytest.raises(ParameterError, match="n_topics"):
        streaming_topics(small_parquet, n_topics=0)
    with pytest.raises(ParameterError, match="n_topics=50 is more than"):
        streaming_topics(small_parquet, n_topics=50, init_size=50)
