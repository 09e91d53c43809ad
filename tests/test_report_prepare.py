"""Tests of analysis.report.prepare: the corpus of a build, prepared here or, when it is large,
in a child process whose memory goes back to the system before the notebooks run."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal

from analysis import load_corpus, parallel
from analysis.errors import CorpusError
from analysis.report import prepare


@pytest.fixture
def seed_csv(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    stories = load_corpus(None, cache=False).stories
    rows = {"id": stories["story_id"], "outlet": ["A", "B", "A", "B"], "text": stories["text"]}
    path = tmp_path / "articles.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_corpus_bytes_of_a_file_a_folder_and_a_missing_path(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_bytes(b"x" * 10)
    (tmp_path / "sub" / "b.txt").write_bytes(b"y" * 5)
    assert prepare.corpus_bytes(tmp_path / "a.txt") == 10
    assert prepare.corpus_bytes(tmp_path) == 15
    assert prepare.corpus_bytes(tmp_path / "missing") == 0
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "broken").symlink_to(tmp_path / "nowhere")
    assert prepare.corpus_bytes(tmp_path) == 15  # the loop is not followed
    (tmp_path / "photo.png").write_bytes(b"z" * 100)
    assert prepare.corpus_bytes(tmp_path) == 15  # only the files the loader reads


def test_a_large_corpus_is_prepared_in_a_child_process_with_the_same_result(seed_csv, monkeypatch):
    here = prepare.prepare_corpus(str(seed_csv), progress=False, extra={"group": "outlet"})
    calls = []
    real = prepare.call_in_child

    def spy(func, argument):
        calls.append(os.getpid())
        return real(func, argument)

    monkeypatch.setattr(prepare, "call_in_child", spy)
    small = prepare.prepare_corpus_apart(str(seed_csv), progress=False, extra={"group": "outlet"})
    assert calls == []  # a small corpus stays in this process
    monkeypatch.setattr(prepare, "APART_BYTES", 1)
    methods = []
    pool = parallel._map_in_pool

    def map_in_pool(*args, **kwargs):
        methods.append(kwargs.get("method"))
        return pool(*args, **kwargs)

    monkeypatch.setattr(parallel, "_map_in_pool", map_in_pool)
    apart = prepare.prepare_corpus_apart(str(seed_csv), progress=False, extra={"group": "outlet"})
    assert calls == [os.getpid()]
    assert methods == ["spawn"]  # no forkserver is started here to stay beside the child
    for other in (small, apart):
        assert other.facts == here.facts and other.story_ids == here.story_ids
        assert_frame_equal(other.stories, here.stories)
        assert_series_equal(other.tone, here.tone)
    assert here.facts["stories"] == 4 and len(here.tone) == 4


def test_an_error_in_the_child_keeps_its_file_and_line(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(prepare, "APART_BYTES", 1)
    path = tmp_path / "open_quote.csv"
    path.write_text('id,text\n1,fine\n2,"never closed\n', encoding="utf-8")
    with pytest.raises(CorpusError, match="never closed") as caught:
        prepare.prepare_corpus_apart(str(path), progress=False)
    assert (caught.value.path, caught.value.line) == (str(path), 3)
    assert str(caught.value).startswith(f"{path}:3: a quoted field")


def test_the_actor_tables_the_reports_read_are_found_before_they_run(seed_csv, monkeypatch):
    """The sentiment report's default targets and the actor table of the reports' group are in
    the cache once the corpus is prepared: the kernels read them without the mentions."""
    from analysis.language import actor_table
    from analysis.sentiment import targets

    prepare.prepare_corpus(
        str(seed_csv), progress=False, extra={"group": "outlet"}, notebooks=["topics_language"]
    )

    def no_mentions(*args, **kwargs):
        raise AssertionError("the mentions were loaded")

    monkeypatch.setattr(actor_table, "actor_mentions", no_mentions)
    monkeypatch.setattr(targets, "actor_mentions", no_mentions)
    corpus = load_corpus(str(seed_csv))
    table = actor_table.actors(corpus, group="outlet")
    assert set(table["group"]) == {"A", "B"}
    assert list(targets.default_targets(corpus.sentences))[:2] == ["Russia", "United States"]
