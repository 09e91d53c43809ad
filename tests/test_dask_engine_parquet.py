"""Tests of analysis.dask_engine.parquet: writing a partitioned Parquet dataset by the loader's
reading rules, and listing its partitions."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis.corpus import CorpusWarning
from analysis.dask_engine import parquet_partitions, write_parquet_corpus
from analysis.errors import CorpusError, ParameterError
from tests import dask_cases


@pytest.fixture(scope="module")
def small_parquet(seed_corpus, tmp_path_factory):
    """Nine articles in three partitions of three."""
    return dask_cases.small_parquet(seed_corpus, tmp_path_factory.mktemp("small"))


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
