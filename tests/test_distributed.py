"""Tests of analysis.distributed: the Dask engine equals the local one; streaming methods.

One 2-worker LocalCluster is shared by the module (start-up and worker imports cost seconds).
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from analysis import distributed
from analysis.corpus import from_dataframe
from analysis.distributed import (
    analyze_dask,
    parquet_partitions,
    streaming_group_terms,
    streaming_topics,
    write_parquet_corpus,
)
from analysis.errors import CorpusError, ParameterError
from analysis.language import distinctive_terms
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


@pytest.fixture(scope="module")
def cluster():
    """A 2-worker LocalCluster (processes, one thread each) and a client on it."""
    from distributed import Client, LocalCluster

    local = LocalCluster(n_workers=2, **distributed.LOCAL_CLUSTER_OPTIONS)
    client = Client(local)
    yield client
    client.close()
    local.close()


@pytest.fixture(scope="module")
def small_csv(seed_corpus, tmp_path_factory):
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
    path = tmp_path_factory.mktemp("small") / "articles.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def small_parquet(small_csv):
    """Nine articles in three partitions of three."""
    return write_parquet_corpus(small_csv, small_csv.parent / "articles", rows_per_partition=3)


def _local_reference(parquet_dir, **options):
    """The local engine on the same Parquet data loaded whole."""
    corpus = from_dataframe(
        pd.read_parquet(parquet_dir), id_column="id", name=parquet_dir.name, cache=False
    )
    result = analyze(corpus, cache=False, workers=1, progress=False, **options)
    return corpus, result


def _assert_same_analysis(got, corpus, result):
    assert_frame_equal(got.corpus.stories, corpus.stories)
    assert_frame_equal(got.corpus.sentences, corpus.sentences)
    assert_frame_equal(got.corpus.skipped, corpus.skipped)
    assert_frame_equal(got.sentiment, result.sentiment)
    assert sorted(got.frame_hits) == sorted(result.frame_hits)
    for name, hits in result.frame_hits.items():
        assert_frame_equal(got.frame_hits[name], hits)
        assert isinstance(got.frame_hits[name]["frame"].dtype, pd.CategoricalDtype)
    assert_frame_equal(got.term_counts, result.term_counts)


# --------------------------------------------------------------------------- writing


def test_write_parquet_corpus_partitions_and_keeps_ids(small_parquet):
    files = parquet_partitions(small_parquet)
    assert [f.name for f in files] == [
        "part-00000.parquet",
        "part-00001.parquet",
        "part-00002.parquet",
    ]
    assert [len(pd.read_parquet(f)) for f in files] == [3, 3, 3]
    whole = pd.read_parquet(small_parquet)
    assert whole["id"].tolist()[:5] == ["seed-0", "seed-1", "seed-2", "seed-3", "syn-0"]
    assert list(whole.columns) == ["id", "title", "text", "source", "bias_label", "date"]
    assert whole.loc[whole["id"] == "syn-3", "text"].isna().all()  # empty cell -> missing


def test_write_parquet_corpus_is_deterministic_and_numbers_rows(tmp_path):
    frame = pd.DataFrame(
        {"body": ["One story here.", "Another one.", "A third."], "source": ["A", None, "B"]}
    )
    frame.to_csv(tmp_path / "a.csv", index=False)
    first = write_parquet_corpus(tmp_path / "a.csv", tmp_path / "one", rows_per_partition=2)
    second = write_parquet_corpus(tmp_path / "a.csv", tmp_path / "two", rows_per_partition=2)
    for a, b in zip(parquet_partitions(first), parquet_partitions(second), strict=True):
        assert a.read_bytes() == b.read_bytes()
    table = pd.read_parquet(first)
    assert table["id"].tolist() == ["row-1", "row-2", "row-3"]
    assert list(table.columns) == ["id", "body", "source"]


def test_write_parquet_corpus_jsonl_unifies_types(tmp_path):
    lines = [
        {"text": "First.", "n": 1, "tags": ["a", "b"]},
        {"text": "Second.", "n": 2.5},
        {"text": "Third.", "n": None},
    ]
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    out = write_parquet_corpus(path, tmp_path / "pq", rows_per_partition=1)
    assert len(parquet_partitions(out)) == 3  # one schema for all three files
    table = pd.read_parquet(out)
    assert table["id"].tolist() == ["row-1", "row-2", "row-3"]
    assert table["n"].tolist()[:2] == [1.0, 2.5] and np.isnan(table["n"].iloc[2])
    assert table["tags"].iloc[0] == '["a", "b"]'  # nested values are stored as JSON text
    assert table["tags"].isna().tolist() == [False, True, True]


def test_write_parquet_corpus_rejects_bad_input(tmp_path):
    bad = tmp_path / "dup.csv"
    pd.DataFrame({"id": ["a", "b", "a"], "text": ["x.", "y.", "z."]}).to_csv(bad, index=False)
    with pytest.raises(CorpusError, match=r"dup\.csv:4.*'a' repeats the id on line 2"):
        write_parquet_corpus(bad, tmp_path / "out")
    notext = tmp_path / "notext.csv"
    pd.DataFrame({"id": ["a"], "headline": ["x"]}).to_csv(notext, index=False)
    with pytest.raises(CorpusError, match=r"notext\.csv: no text column"):
        write_parquet_corpus(notext, tmp_path / "out")
    (tmp_path / "header.csv").write_text("id,text\n")
    with pytest.raises(CorpusError, match=r"header\.csv: the file holds no articles"):
        write_parquet_corpus(tmp_path / "header.csv", tmp_path / "out")
    with pytest.raises(CorpusError, match=r"missing\.csv: no such file"):
        write_parquet_corpus(tmp_path / "missing.csv", tmp_path / "out")
    good = tmp_path / "good.csv"
    pd.DataFrame({"text": ["x."]}).to_csv(good, index=False)
    write_parquet_corpus(good, tmp_path / "out2")
    with pytest.raises(ParameterError, match="overwrite=True"):
        write_parquet_corpus(good, tmp_path / "out2")
    write_parquet_corpus(good, tmp_path / "out2", overwrite=True)
    with pytest.raises(ParameterError, match="rows_per_partition"):
        write_parquet_corpus(good, tmp_path / "out3", rows_per_partition=0)


def test_write_parquet_corpus_reads_files_as_the_loader(tmp_path):
    """Byte order marks, detected encodings, multi-line records: the loader's reading rules."""
    from analysis.corpus import CorpusWarning

    text = 'id,text\na,"Caf\u00e9 story.\nSecond paragraph."\nb,"Another story."\n'
    (tmp_path / "utf16.csv").write_bytes(text.encode("utf-16"))
    with pytest.warns(CorpusWarning, match=r"utf16\.csv: .*UTF-16 LE byte order mark"):
        out = write_parquet_corpus(tmp_path / "utf16.csv", tmp_path / "a")
    table = pd.read_parquet(out)
    assert table["text"].tolist() == ["Caf\u00e9 story.\nSecond paragraph.", "Another story."]
    (tmp_path / "cp1252.csv").write_bytes(text.encode("cp1252"))
    with pytest.warns(CorpusWarning, match=r"cp1252\.csv: not readable as utf-8.*cp1252"):
        out = write_parquet_corpus(tmp_path / "cp1252.csv", tmp_path / "b")
    assert pd.read_parquet(out)["text"].tolist() == table["text"].tolist()
    (tmp_path / "dup.csv").write_text(text + 'a,"Again."\n')  # lines 2-3, 4, 5
    with pytest.raises(CorpusError, match=r"dup\.csv:5 \(column 'id'\).*repeats the id on line 2"):
        write_parquet_corpus(tmp_path / "dup.csv", tmp_path / "c")
    (tmp_path / "image.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01")
    with pytest.raises(CorpusError, match=r"image\.csv: the file looks binary"):
        write_parquet_corpus(tmp_path / "image.csv", tmp_path / "d")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "shift.csv",
            "title,text\nFirst, extra,The first story.\nSecond,The second story.\n",
            r"shift\.csv:2: the row has 3 fields but the header has 2",
        ),
        (
            "short.csv",
            'id,title,text\na,One,"Multi\nline."\nb,Two\n',
            r"short\.csv:4: the row has 2 fields but the header has 3",
        ),
        (
            "nul.csv",
            'text,title\n"Fine.",A\n"Bad\x00 story.",B\n',
            r"nul\.csv:3: a NUL character \(U\+0000\) at line 3, column 5",
        ),
        (
            "nul.jsonl",
            '{"text": "Fine."}\n\n{"text": "Bad\x00 story."}\n',
            r"nul\.jsonl:3: a NUL character",
        ),
        (
            "number.jsonl",
            '{"text": "Fine."}\n\n{"text": 42}\n',
            r"number\.jsonl:3: text in column 'text' is a number \(42\), expected a string",
        ),
        (
            "title.jsonl",
            '{"text": "Fine.", "title": "T"}\n{"text": "Also fine.", "title": ["a"]}\n',
            r"title\.jsonl:2: title in column 'title' is a list",
        ),
        (
            "id.jsonl",
            '{"id": "a", "text": "Fine."}\n{"id": true, "text": "Also fine."}\n',
            r"id\.jsonl:2: id in column 'id' is a boolean",
        ),
    ],
)
def test_write_parquet_corpus_refuses_rows_the_loader_would_skip(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content.encode())
    with pytest.raises(CorpusError, match=message):
        write_parquet_corpus(path, tmp_path / "out")


def test_write_parquet_corpus_ids_follow_the_loader(tmp_path):
    path = tmp_path / "ids.jsonl"
    rows = [{"id": 7, "text": "First."}, {"id": 8.0, "text": "Second."}, {"id": "x", "text": "T."}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    out = write_parquet_corpus(path, tmp_path / "out")
    assert pd.read_parquet(out)["id"].tolist() == ["7", "8", "x"]
    blank = tmp_path / "blank.jsonl"
    blank.write_text('{"id": "a", "text": "First."}\n\n{"id": "", "text": "Second."}\n')
    with pytest.raises(CorpusError, match=r"blank\.jsonl:3 \(column 'id'\): the id is missing"):
        write_parquet_corpus(blank, tmp_path / "blank")


# --------------------------------------------------------------------------- the Dask pass


def test_analyze_dask_equals_local_engine(small_parquet, cluster):
    got = analyze_dask(small_parquet, scheduler=cluster.scheduler.address, progress=False)
    _assert_same_analysis(got, *_local_reference(small_parquet))
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
    _, result = _local_reference(small_parquet, codebooks=("generic",))
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
    _, result = _local_reference(small_parquet, codebooks=("generic",))
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
    _assert_same_analysis(got, *_local_reference(out))
    assert len(got.corpus.stories) == 200
    assert got.corpus.stories["topic"].nunique() == 10


def test_analyze_dask_partition_without_text(tmp_path, cluster):
    """Partitions without text only add to ``skipped``, listed in the loader's order."""
    texts = ["", "<p></p>", "A story. It has two sentences.", None, "Another story."]
    pd.DataFrame({"text": texts}).to_csv(tmp_path / "gaps.csv", index=False)
    out = write_parquet_corpus(tmp_path / "gaps.csv", tmp_path / "pq", rows_per_partition=1)
    got = analyze_dask(out, scheduler=cluster)
    _assert_same_analysis(got, *_local_reference(out))
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


# --------------------------------------------------------------------------- streaming


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
