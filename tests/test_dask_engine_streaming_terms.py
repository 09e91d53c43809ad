"""Tests of analysis.dask_engine.streaming_terms: streamed distinctive terms equal the
in-memory ones, here and on a cluster."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from analysis.corpus import from_dataframe
from analysis.dask_engine import streaming_group_terms
from analysis.errors import ParameterError
from analysis.language import distinctive_terms
from tests import dask_cases


@pytest.fixture(scope="module")
def cluster():
    """A 2-worker LocalCluster (processes, one thread each) and a client on it."""
    with dask_cases.local_client() as client:
        yield client


@pytest.fixture(scope="module")
def small_parquet(seed_corpus, tmp_path_factory):
    """Nine articles in three partitions of three."""
    return dask_cases.small_parquet(seed_corpus, tmp_path_factory.mktemp("small"))


@pytest.mark.parametrize(
    "options",
    [
        {"group": "bias_label"},
        {"group": "outlet", "top_n": 5},
        {"group": "bias_label", "min_sources": 2},
        {"group": "story_id", "top_n": 3, "ngram_range": (1, 1)},
        {"group": "bias_label", "alpha0": 10.0, "min_count": 2},
    ],
)
def test_streaming_group_terms_equals_in_memory(small_parquet, options):
    stories = from_dataframe(pd.read_parquet(small_parquet), id_column="id", cache=False).stories
    got = streaming_group_terms(small_parquet, cache=False, **options)
    assert len(got)
    assert_frame_equal(got, distinctive_terms(stories, **options))


def test_streaming_group_terms_on_the_cluster(small_parquet, cluster):
    stories = from_dataframe(pd.read_parquet(small_parquet), id_column="id", cache=False).stories
    got = streaming_group_terms(small_parquet, group="bias_label", scheduler=cluster)
    assert_frame_equal(got, distinctive_terms(stories, group="bias_label"))
    with pytest.raises(ParameterError, match="group 'nope' is not a story column"):
        streaming_group_terms(small_parquet, group="nope")
