"""Tests of analysis.corpus.load: files and folders, skipped files, strict loading, the corpus
cache, and the AllSides sample."""

from __future__ import annotations

import dataclasses
import warnings

import pandas as pd
import pyarrow.parquet as pq
import pytest

from analysis.cache import ArticleCache
from analysis.corpus import CorpusWarning, load_corpus
from analysis.corpus import load as load_module
from analysis.errors import CorpusError, ParameterError

# ----------------------------------------------------------------------------- files and folders


def test_folder_of_text_files_one_story_each(tmp_path):
    (tmp_path / "a.txt").write_text("First story. It has two sentences.\n\nSecond paragraph.")
    (tmp_path / "b.md").write_text("Another story here.")
    corpus = load_corpus(tmp_path)
    assert corpus.stories["source_file"].tolist() == ["a.txt", "b.md"]
    assert corpus.stories["n_paragraphs"].tolist() == [2, 1]


def test_allsides_corpus_loads_in_full(allsides_corpus):
    stories = allsides_corpus.stories
    assert len(stories) == 2505
    assert allsides_corpus.skipped.empty
    assert stories["outlet"].nunique() == 124
    assert stories["date"].min() == pd.Timestamp("2001-10-23")
    assert stories["date"].max() == pd.Timestamp("2020-07-21")
    assert set(stories["bias_label"]) == {"left", "center", "right"}
    assert stories["story_id"].is_unique


def test_missing_path(tmp_path):
    with pytest.raises(CorpusError, match="no such file or folder") as info:
        load_corpus(tmp_path / "nope.csv")
    assert info.value.path.endswith("nope.csv")


def test_empty_folder(tmp_path):
    with pytest.raises(CorpusError, match="holds no .txt"):
        load_corpus(tmp_path)


def test_folder_with_one_bad_file_loads_the_good_ones(tmp_path):
    (tmp_path / "good.txt").write_text("A good story. Two sentences.")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00\x00binary")
    (tmp_path / "also_good.md").write_text("Another good story.")
    with pytest.warns(CorpusWarning, match=r"bad\.txt"):
        corpus = load_corpus(tmp_path)
    assert corpus.stories["source_file"].tolist() == ["also_good.md", "good.txt"]
    assert corpus.skipped["source_file"].tolist() == ["bad.txt"]
    assert corpus.skipped["reason"].iloc[0].startswith("the file looks binary")  # no path
    with pytest.raises(CorpusError, match=r"bad\.txt"):
        load_corpus(tmp_path, strict=True)


def test_folder_of_only_bad_files(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        with pytest.raises(CorpusError, match="no stories could be loaded"):
            load_corpus(tmp_path)


def test_bad_stories_per_file_value():
    with pytest.raises(ParameterError, match="'some'"):
        load_corpus(stories_per_file="some")


# ----------------------------------------------------------------------------- the corpus cache


def test_corpus_cache_key_holds_encoding_and_stories_per_file(tmp_path, monkeypatch):
    store = ArticleCache(tmp_path / "cache")
    path = tmp_path / "euro.txt"
    path.write_bytes(b"Prices rose 5 \x80.\nWages did not.\n\nSecond story.\n")
    first = load_corpus(path, encoding="cp1252", cache=store)
    assert first.stories["raw_text"].iloc[0].startswith("Prices rose 5 \u20ac.")
    latin = load_corpus(path, encoding="latin-1", cache=store)
    assert latin.stories["raw_text"].iloc[0].startswith("Prices rose 5 \x80.")
    assert len(latin) == 2
    assert len(load_corpus(path, encoding="latin-1", stories_per_file="one", cache=store)) == 1
    with pytest.warns(CorpusWarning, match=r"euro\.txt: not readable as utf-8"):
        detected = load_corpus(path, cache=store)

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was read again: the corpus cache missed")

    monkeypatch.setattr(load_module, "file_records", no_reading)
    assert load_corpus(path, encoding="latin-1", cache=store).stories.equals(latin.stories)
    with pytest.warns(CorpusWarning, match=r"euro\.txt: not readable as utf-8"):
        again = load_corpus(path, cache=store)  # a cache hit repeats the first load's warning
    assert again.stories.equals(detected.stories)


def test_a_folders_readme_and_licence_are_not_articles(tmp_path):
    import warnings

    from analysis import load_corpus

    (tmp_path / "a.txt").write_text("Rain fell on the city all day long.\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# Columns\n\nThe CSV has a text column.\n", "utf-8")
    (tmp_path / "LICENSE.txt").write_text("Permission is granted to copy.\n", encoding="utf-8")
    (tmp_path / "readme_notes.txt").write_text("Not documentation by name.\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        corpus = load_corpus(tmp_path, cache=False)
    assert sorted(corpus.stories["source_file"]) == ["a.txt", "readme_notes.txt"]
    assert sorted(corpus.skipped["source_file"]) == ["LICENSE.txt", "README.md"]
    assert corpus.skipped["reason"].str.startswith("documentation of the folder").all()
    assert sum("skipped README.md" in str(w.message) for w in caught) == 1
    # a README given as the file to load is read: the user asked for it
    assert len(load_corpus(tmp_path / "README.md", cache=False).stories) == 1


def test_raw_text_false_leaves_the_text_as_read_out_cold_and_cached(tmp_path):
    store = ArticleCache(tmp_path / "cache")
    path = tmp_path / "two.txt"
    path.write_text("Rain fell all day.\nShare this story\n\nThe sun came out.\n", "utf-8")
    cold = load_corpus(path, cache=store, raw_text=False)
    full = load_corpus(path, cache=store)  # from the cache, with the text as read
    cached = load_corpus(path, cache=store, raw_text=False)
    assert "raw_text" not in cold.stories and "raw_text" not in cached.stories
    assert full.stories["raw_text"].tolist()[0] == "Rain fell all day.\nShare this story"
    assert cold.stories.equals(full.stories.drop(columns="raw_text"))
    assert cached.stories.equals(cold.stories)
    assert cached.sentences.equals(full.sentences)
    assert full.stories["text"].tolist() == ["Rain fell all day.", "The sun came out."]


def test_sentence_text_false_leaves_the_sentences_text_out_and_cuts_it_back(tmp_path):
    store = ArticleCache(tmp_path / "cache")
    path = tmp_path / "two.txt"
    path.write_text(
        "Rain fell all day. Roads closed at noon.\n\nThe sun came out. Crowds returned.\n", "utf-8"
    )
    cold = load_corpus(path, cache=store, sentence_text=False)
    full = load_corpus(path, cache=store)  # from the cache, with the sentences' text
    cached = load_corpus(path, cache=store, sentence_text=False)
    assert "text" not in cold.sentences and "text" not in cached.sentences
    assert full.sentences["text"].tolist() == [
        "Rain fell all day.",
        "Roads closed at noon.",
        "The sun came out.",
        "Crowds returned.",
    ]
    assert cold.sentences.equals(full.sentences.drop(columns="text"))
    assert cached.sentences.equals(cold.sentences)
    assert cached.stories.equals(full.stories)
    pd.testing.assert_frame_equal(cached.with_sentence_text().sentences, full.sentences)
    assert full.with_sentence_text() is full  # nothing to cut
    # the cache keeps the sentences' offsets, not their text (it is cut from the stories')
    stored = list((tmp_path / "cache").rglob("*.parquet"))
    sentence_files = [f for f in stored if "corpus-sentences" in f.as_posix()]
    assert sentence_files
    for file in sentence_files:
        assert "text" not in pq.read_schema(file).names


def test_sentence_text_cut_back_equals_the_loaded_text_on_the_seeds(seed_corpus):
    without = dataclasses.replace(
        seed_corpus, sentences=seed_corpus.sentences.drop(columns="text")
    )
    pd.testing.assert_frame_equal(without.with_sentence_text().sentences, seed_corpus.sentences)
    assert "text" not in without.sentences  # not mutated


def test_cut_sentence_texts_in_blocks_any_order_and_any_script(monkeypatch):
    from analysis.corpus import schema

    stories = pd.DataFrame(
        {
            "story_id": ["a", "b"],
            "text": ["Caf\u00e9 \u2014 ok. Zw\u00f6lf \U0001f600 Boxen.", "Short one."],
        }
    )
    spans = pd.DataFrame({"story_id": ["b", "a", "a"], "start": [0, 11, 0], "end": [10, 26, 10]})
    expected = ["Short one.", "Zw\u00f6lf \U0001f600 Boxen.", "Caf\u00e9 \u2014 ok."]
    for rows in (1, 2, 65_536):
        monkeypatch.setattr(schema, "CUT_ROWS", rows)
        assert schema.cut_sentence_texts(stories, spans).to_pylist() == expected
    with pytest.raises(ValueError, match="story_id"):
        schema.cut_sentence_texts(stories, spans.assign(story_id=["x", "a", "a"]))
