"""Data and helpers shared by the Dask engine tests (``tests/test_dask_engine_*.py``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
from pandas.testing import assert_frame_equal

from analysis.corpus import Corpus, from_dataframe
from analysis.dask_engine import LOCAL_CLUSTER_OPTIONS, write_parquet_corpus
from analysis.pipeline import analyze

SYNTHETIC = [
    (
        "syn-0",
        "The council approved the budget on Monday. Critics said the plan would raise "
        "taxes for families.",
        "A",
        "left",
    ),
    (
        "syn-1",
        "WASHINGTON - Senators debated the border bill for hours. The vote failed, and "
        "protesters gathered outside the Capitol.",
        None,
        "center",
    ),
    # same text as syn-0 in another partition: duplicate_of must be found across partitions
    (
        "syn-2",
        "The council approved the budget on Monday. Critics said the plan would raise "
        "taxes for families.",
        "C",
        "right",
    ),
    ("syn-3", "", "A", "left"),  # skipped: empty text
    (
        "syn-4",
        "Hospitals reported more flu cases this week. Doctors urged people to get "
        "vaccinated before the holidays.",
        "B",
        "center",
    ),
]


@contextlib.contextmanager
def local_client() -> Iterator[Any]:
    """A 2-worker LocalCluster (processes, one thread each) and a client on it."""
    from distributed import Client, LocalCluster

    local = LocalCluster(n_workers=2, **LOCAL_CLUSTER_OPTIONS)
    client = Client(local)
    yield client
    client.close()
    local.close()


def small_csv(seed_corpus: Corpus, folder: Path) -> Path:
    """The four seed stories (raw text, datelines included) and five synthetic articles."""
    rows = [
        {
            "id": f"seed-{i}",
            "title": None if i == 0 else f"Seed story {i}",
            "text": text,
            "source": ["A", "B"][i % 2],
            "bias_label": ["left", "right"][i % 2],
            "date": f"2024-01-0{i + 1}",
        }
        for i, text in enumerate(seed_corpus.stories["raw_text"])
    ]
    rows += [
        {"id": i, "title": None, "text": t, "source": s, "bias_label": b, "date": None}
        for i, t, s, b in SYNTHETIC
    ]
    path = folder / "articles.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def small_parquet(seed_corpus: Corpus, folder: Path) -> Path:
    """Nine articles in three partitions of three."""
    csv_path = small_csv(seed_corpus, folder)
    return write_parquet_corpus(csv_path, csv_path.parent / "articles", rows_per_partition=3)


def local_reference(parquet_dir: Path, **options: Any) -> tuple[Corpus, Any]:
    """The local engine on the same Parquet data loaded whole."""
    corpus = from_dataframe(
        pd.read_parquet(parquet_dir), id_column="id", name=parquet_dir.name, cache=False
    )
    result = analyze(corpus, cache=False, workers=1, progress=False, **options)
    return corpus, result


def assert_same_analysis(got: Any, corpus: Corpus, result: Any) -> None:
    assert_frame_equal(got.corpus.stories, corpus.stories)
    assert_frame_equal(got.corpus.sentences, corpus.sentences)
    assert_frame_equal(got.corpus.skipped, corpus.skipped)
    assert_frame_equal(got.sentiment, result.sentiment)
    assert sorted(got.frame_hits) == sorted(result.frame_hits)
    for name, hits in result.frame_hits.items():
        assert_frame_equal(got.frame_hits[name], hits)
        assert isinstance(got.frame_hits[name]["frame"].dtype, pd.CategoricalDtype)
    assert_frame_equal(got.term_counts, result.term_counts)
