"""Tests of analysis.dask_engine.engine: the Dask pass equals the local engine.

One 2-worker LocalCluster is shared by the module (start-up and worker imports cost seconds).
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from analysis.dask_engine import analyze_dask, parquet_partitions, write_parquet_corpus
from analysis.errors import CorpusError, ParameterError
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


def test_analyze_dask_equals_local_engine(small_parquet, cluster):
    got = analyze_dask(small_parquet, scheduler=cluster.scheduler.address, progress=False)
    dask_cases.assert_same_analysis(got, *dask_cases.local_reference(small_parquet))
    stories = got.corpus.stories.set_index("story_id")
    assert stories.loc["syn-2", "duplicate_of"] == "syn-0"  # across partitions
    assert stories.loc["syn-4", "source_line"] == 9  # global row number
    assert stories.loc["syn-1", "dateline"] == "WASHINGTON"
    assert got.corpus.skipped["source_line"].tolist() == [8]
    assert got.corpus.source == str(small_parquet)
    by_label = distinctive_terms(got.corpus.stories, group="bias_label", counts=got.term_matrix())
    assert_frame_equal(by_label, distinctive_terms(got.corpus.stories, group="bias_label"))


def test_analyze_dask_one_codebook_without_terms(small_parquet, cluster, capsys):
    got = analyze_dask(
        small_parquet, scheduler=cluster, codebooks=("generic",), terms=False, progress=True
    )
    assert "analysing partitions" in capsys.readouterr().err
    assert list(got.frame_hits) == ["generic"]
    assert got.term_counts is None
    _, result = dask_cases.local_reference(small_parquet, codebooks=("generic",))
    assert_frame_equal(got.frame_hits["generic"], result.frame_hits["generic"])


def test_analyze_dask_starts_and_closes_its_own_cluster(small_parquet, monkeypatch):
    import distributed as dask_distributed

    started = []

    class RecordingCluster(dask_distributed.LocalCluster):
        def __init__(self, *args, **kwargs):
            started.append(kwargs)
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(dask_distributed, "LocalCluster", RecordingCluster)
    got = analyze_dask(small_parquet, n_workers=1, codebooks=("generic",), terms=False)
    _, result = dask_cases.local_reference(small_parquet, codebooks=("generic",))
    assert_frame_equal(got.sentiment, result.sentiment)
    options, cluster = started
    assert options["n_workers"] == 1
    assert options["threads_per_worker"] == 1
    assert options["processes"] is True
    assert options["dashboard_address"] is None
    assert cluster.status.name == "closed"


def test_analyze_dask_allsides_slice(allsides_path, cluster, tmp_path):
    """200 articles of all ten topics (every 12th row), in three partitions."""
    frame = pd.read_csv(allsides_path, dtype=str, keep_default_na=False).iloc[::12]
    frame.iloc[:200].to_csv(tmp_path / "slice.csv", index=False)
    out = write_parquet_corpus(tmp_path / "slice.csv", tmp_path / "pq", rows_per_partition=70)
    assert len(parquet_partitions(out)) == 3
    got = analyze_dask(out, scheduler=cluster)
    dask_cases.assert_same_analysis(got, *dask_cases.local_reference(out))
    assert len(got.corpus.stories) == 200
    assert got.corpus.stories["topic"].nunique() == 10


def test_analyze_dask_partition_without_text(tmp_path, cluster):
    """Partitions without text only add to ``skipped``, listed in the loader's order."""
    texts = ["", "<p></p>", "A story. It has two sentences.", None, "Another story."]
    pd.DataFrame({"text": texts}).to_csv(tmp_path / "gaps.csv", index=False)
    out = write_parquet_corpus(tmp_path / "gaps.csv", tmp_path / "pq", rows_per_partition=1)
    got = analyze_dask(out, scheduler=cluster)
    dask_cases.assert_same_analysis(got, *dask_cases.local_reference(out))
    # empty cells first (rows 1 and 4), then the text that normalises to nothing (row 2)
    assert got.corpus.skipped["source_line"].tolist() == [1, 4, 2]
    assert got.corpus.stories["story_id"].tolist() == ["row-3", "row-5"]
    pd.DataFrame({"text": ["", None]}).to_csv(tmp_path / "none.csv", index=False)
    out = write_parquet_corpus(tmp_path / "none.csv", tmp_path / "none", rows_per_partition=1)
    with pytest.raises(CorpusError, match=r"none: no stories could be loaded \(empty text"):
        analyze_dask(out, scheduler=cluster)


def test_analyze_dask_errors_name_the_folder(tmp_path, small_parquet, cluster):
    with pytest.raises(CorpusError, match="missing-folder: no such Parquet folder"):
        analyze_dask(tmp_path / "missing-folder", scheduler=cluster)
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="empty: the folder holds no .parquet files"):
        analyze_dask(tmp_path / "empty", scheduler=cluster)
    notext = tmp_path / "notext"
    notext.mkdir()
    pd.DataFrame({"id": ["a"], "headline": ["x"]}).to_parquet(notext / "part-00000.parquet")
    with pytest.raises(CorpusError, match=r"notext: no text column found.*'headline'"):
        analyze_dask(notext, scheduler=cluster)
    noid = tmp_path / "noid"
    noid.mkdir()
    pd.DataFrame({"text": ["x."]}).to_parquet(noid / "part-00000.parquet")
    with pytest.raises(CorpusError, match="no 'id' column.*write_parquet_corpus"):
        analyze_dask(noid, scheduler=cluster)
    dup = tmp_path / "dup"
    shutil.copytree(small_parquet, dup)
    shutil.copy(dup / "part-00000.parquet", dup / "part-00003.parquet")
    with pytest.raises(CorpusError, match="'seed-0' .*repeats an id of part-00000.parquet"):
        analyze_dask(dup, scheduler=cluster)
    with pytest.raises(ParameterError, match="scheduler must be"):
        analyze_dask(small_parquet, scheduler=42)


def test_cluster_pass_writes_the_cache_and_gathers_nothing(cluster, seed_corpus, tmp_path):
    from analysis import pipeline
    from analysis.cache import ArticleCache
    from analysis.dask_engine import analyze_on_cluster
    from analysis.framing import frame_hits
    from analysis.sentiment import sentence_sentiment

    store = ArticleCache(tmp_path / "cache")
    result = analyze_on_cluster(seed_corpus, scheduler=cluster, cache=store, progress=False)
    # the workers wrote every component; the client found nothing left to compute
    plan = pipeline.plan_pass(seed_corpus, store=store)
    assert plan.todo == [] and len(list((tmp_path / "cache").rglob("pack-*.parquet"))) == 4
    pd.testing.assert_frame_equal(result.sentiment, sentence_sentiment(seed_corpus.sentences))
    pd.testing.assert_frame_equal(
        result.frame_hits["generic"], frame_hits(seed_corpus.sentences, codebook="generic")
    )
