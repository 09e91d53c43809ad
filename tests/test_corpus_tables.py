"""Tests of analysis.corpus.tables: stories and sentences of the seeds, datelines, titles,
truncation, duplicates, and the loader's invariants on arbitrary text."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import config
from analysis.corpus import load_corpus, stories_from_texts
from analysis.corpus.readers import Record
from analysis.corpus.tables import build_corpus, mark_duplicates
from tests.conftest import JAPAN, LOS_ANGELES, RUSSIA, SEED_IDS, WASHINGTON

# ----------------------------------------------------------------------------- the seeds


def test_seed_file_gives_four_stories_with_stable_ids(seed_corpus):
    assert seed_corpus.stories["story_id"].tolist() == SEED_IDS
    assert load_corpus().stories["story_id"].tolist() == SEED_IDS  # same ids on every run


def test_seed_datelines_are_columns_not_text(seed_corpus):
    stories = seed_corpus.stories.set_index("story_id")
    assert stories["dateline"].tolist() == [None, "TOKYO", "WASHINGTON", "LOS ANGELES, CA"]
    assert stories.loc[JAPAN, "text"].startswith("Japan's Cabinet has given")
    assert stories.loc[LOS_ANGELES, "text"].startswith('Nicholas "Nick" Reiner, 32')
    assert stories.loc[WASHINGTON, "raw_text"].startswith("WASHINGTON \u2013 The complete")


def test_seed_truncation_flags(seed_corpus):
    assert seed_corpus.stories["is_truncated"].tolist() == [False, True, True, True]


def test_seed_counts(seed_corpus):
    stories = seed_corpus.stories
    assert stories["n_paragraphs"].tolist() == [13, 1, 2, 1]
    assert stories["n_sentences"].tolist() == [48, 2, 3, 2]
    assert stories["n_words"].tolist() == [1205, 58, 92, 63]
    assert len(seed_corpus.sentences) == 55


def test_seed_titles_are_derived_and_say_so(seed_corpus):
    stories = seed_corpus.stories
    assert set(stories["title_source"]) == {"derived from lead"}
    assert stories["title"].iloc[1] == (
        "Japan's Cabinet has given its approval to a record-setting defense …"
    )


def test_raw_text_is_kept_unchanged(seed_corpus):
    raw = seed_corpus.stories["raw_text"].tolist()
    original = (config.SEEDS_DIR / "000_74f4c5d8c300aa72.txt").read_text(encoding="utf-8")
    for story in raw:
        assert story in original
    assert "Japan\u2019s Cabinet" in raw[1]  # the typographic apostrophe survives in raw_text


def test_sentence_offsets_point_into_story_text(seed_corpus):
    texts = seed_corpus.stories.set_index("story_id")["text"]
    for row in seed_corpus.sentences.itertuples():
        assert texts[row.story_id][row.start : row.end] == row.text
    russia = seed_corpus.sentences[seed_corpus.sentences["story_id"] == RUSSIA]
    assert russia["paragraph_index"].max() == 12
    assert russia["sentence_index"].tolist() == list(range(48))
    assert russia["position"].between(0, 1).all()


def test_seed_sentences_split_on_news_abbreviations(seed_corpus):
    texts = seed_corpus.sentences["text"].tolist()
    assert (
        "The early hours of January 3, 2026, witnessed a large-scale U.S. military operation, "
        'dubbed "Operation Absolute Resolve," in Caracas.'
    ) in texts
    assert (
        'The Russian Foreign Ministry vehemently condemned the U.S. action as "armed aggression" '
        'and an "unacceptable encroachment on the sovereignty of an independent state."'
    ) in texts
    assert texts[-1].endswith("in their Brentwood home")


def test_normalised_apostrophes_in_analysed_text(seed_corpus):
    assert "\u2019" not in "".join(seed_corpus.stories["text"])


# ----------------------------------------------------------------------------- duplicates


def test_html_markup_is_stripped(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("<p>Prices &amp; wages rose.</p><p>Voters <b>noticed</b>.</p>")
    corpus = load_corpus(path)
    assert corpus.stories["text"].iloc[0] == "Prices & wages rose.\nVoters noticed."


def test_duplicates_are_flagged_not_dropped():
    corpus = stories_from_texts(["Same story here.", "Other story.", "Same  story here."])
    assert len(corpus) == 3
    assert corpus.stories["duplicate_of"].tolist() == [None, None, "same-story-here"]
    assert corpus.stories["story_id"].tolist()[2] == "same-story-here-2"


def test_mark_duplicates_names_the_first_story_with_the_same_text():
    stories = pd.DataFrame(
        {"story_id": ["a", "b", "c", "d"], "text": ["Same.", "Other.", "Same.", "Same."]},
        index=[10, 11, 12, 13],
    )
    marked = mark_duplicates(stories)
    assert marked.tolist() == [None, None, "a", "a"]
    assert marked.index.tolist() == [10, 11, 12, 13] and marked.dtype == object
    assert mark_duplicates(stories.iloc[:0]).empty
    with pytest.raises(KeyError):
        mark_duplicates(stories.drop(columns="text"))


# ----------------------------------------------------------------------------- properties


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=300), min_size=1, max_size=5))
def test_loader_invariants_on_arbitrary_text(texts):
    texts = [t for t in texts if t.strip()]
    try:
        corpus = stories_from_texts(texts)
    except Exception:  # noqa: BLE001
        # only "no text" input may fail, and it must fail as ParameterError (no texts at all)
        assert not texts
        return
    stories = corpus.stories.set_index("story_id")
    assert stories.index.is_unique
    for row in corpus.sentences.itertuples():
        assert stories.loc[row.story_id, "text"][row.start : row.end] == row.text
    assert (
        stories["n_sentences"]
        == corpus.sentences.groupby("story_id").size().reindex(stories.index, fill_value=0)
    ).all()


def test_build_corpus_moves_raw_texts_into_arrow_columns():
    raw = ["BERLIN \u2013 First \u201cstory\u201d. It ends.", "Second story.", "<b></b>"]
    records = [Record(text, "<memory>", i + 1) for i, text in enumerate(raw)]
    skipped: list = []
    corpus = build_corpus(records, skipped, "hybrid", "<memory>", cache=False)
    assert [rec.raw_text for rec in records] == ["", "", ""]  # consumed
    assert corpus.stories["raw_text"].tolist() == raw[:2]
    assert corpus.stories["text"].tolist() == ['First "story". It ends.', "Second story."]
    assert str(corpus.stories["text"].dtype) == "str"
    assert corpus.sentences["text"].tolist() == ['First "story".', "It ends.", "Second story."]
    assert corpus.sentences["sentence_id"].tolist() == [
        "first-story-it-ends/0",
        "first-story-it-ends/1",
        "second-story/0",
    ]
    assert corpus.sentences["position"].tolist() == [0.25, 0.75, 0.5]
    assert [s["source_line"] for s in skipped] == [3]


def test_text_columns_of_a_corpus_built_in_chunks_are_one_arrow_chunk(tmp_path, monkeypatch):
    """The corpus is built BUILD_CHUNK stories at a time, but its string columns end as one
    contiguous Arrow chunk each (taking rows by position from many chunks is 25x slower),
    with the same values as a corpus built in one piece."""
    from analysis.corpus import tables

    lines = ["id,outlet,text"] + [
        f'{i},Outlet {i % 3},"Story {i} begins here. It has a second sentence about item {i}."'
        for i in range(9)
    ]
    (tmp_path / "a.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = load_corpus(tmp_path / "a.csv", cache=False, furniture=False)
    monkeypatch.setattr(tables, "BUILD_CHUNK", 2)
    chunked = load_corpus(tmp_path / "a.csv", cache=False, furniture=False)
    for name in ("stories", "sentences"):
        frame = getattr(chunked, name)
        for column in ("story_id", "text", "raw_text", "sentence_id"):
            if column in frame:
                assert frame[column].array._pa_array.num_chunks == 1, (name, column)
                assert frame[column].tolist() == getattr(whole, name)[column].tolist()
    assert len(chunked.sentences) == 18
    assert chunked.stories["text"].iloc[[7, 2]].tolist()[0].startswith("Story 7 begins")
