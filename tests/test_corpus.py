"""Tests of analysis.corpus: the seed stories, every input format, and every bad input."""

from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import config
from analysis.corpus import (
    CorpusWarning,
    describe_corpus,
    load_corpus,
    sentence_length_summary,
    stories_from_texts,
    story_overview,
)
from analysis.errors import CorpusError, ParameterError
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


def test_overview_tables(seed_corpus):
    overview = story_overview(seed_corpus)
    assert "text" not in overview.columns and len(overview) == 4
    summary = sentence_length_summary(seed_corpus)
    assert summary.set_index("story_id").loc[RUSSIA, "sentences"] == 48
    text = describe_corpus(seed_corpus)
    assert "**4 stories**, 55 sentences and 1,418 words" in text
    assert "3 of 4 stories stop mid-sentence" in text
    with pytest.raises(ParameterError, match="'colour'"):
        sentence_length_summary(seed_corpus, group="colour")


# ----------------------------------------------------------------------------- other inputs


def test_folder_of_text_files_one_story_each(tmp_path):
    (tmp_path / "a.txt").write_text("First story. It has two sentences.\n\nSecond paragraph.")
    (tmp_path / "b.md").write_text("Another story here.")
    corpus = load_corpus(tmp_path)
    assert corpus.stories["source_file"].tolist() == ["a.txt", "b.md"]
    assert corpus.stories["n_paragraphs"].tolist() == [2, 1]


def test_file_with_several_stories_split_as_the_seeds(tmp_path):
    (tmp_path / "many.txt").write_text("A one.\nA two.\n\nB one.\n\nC one.\nC two.\n")
    corpus = load_corpus(tmp_path / "many.txt")
    assert len(corpus) == 3
    assert corpus.stories["source_line"].tolist() == [1, 4, 6]
    forced = load_corpus(tmp_path / "many.txt", stories_per_file="one")
    assert len(forced) == 1


def test_csv_with_outlet_and_date_columns(tmp_path):
    frame = pd.DataFrame(
        {
            "headline": ["Budget up", "Budget down"],
            "body": ["The budget rose. Critics objected.", "The budget fell."],
            "published": ["2024-01-05", "5 March 2024"],
            "source": ["Daily A", "Daily B"],
            "topic": ["economy", "economy"],
        }
    )
    path = tmp_path / "articles.csv"
    frame.to_csv(path, index=False)
    corpus = load_corpus(path)
    stories = corpus.stories
    assert stories["title"].tolist() == ["Budget up", "Budget down"]
    assert stories["title_source"].tolist() == ["input", "input"]
    assert stories["outlet"].tolist() == ["Daily A", "Daily B"]
    assert stories["date"].tolist() == [pd.Timestamp("2024-01-05"), pd.Timestamp("2024-03-05")]
    assert stories["topic"].tolist() == ["economy", "economy"]  # extra columns kept
    assert stories["source_line"].tolist() == [2, 3]


def test_configurable_column_names_in_jsonl(tmp_path):
    path = tmp_path / "articles.jsonl"
    rows = [
        {"story": "Moscow condemned it. Washington replied.", "paper": "X", "when": "2026-01-04"},
        {"story": "A second article.", "paper": "Y", "when": "2026-01-05"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    corpus = load_corpus(path, text_column="story", outlet_column="paper", date_column="when")
    assert corpus.stories["outlet"].tolist() == ["X", "Y"]
    assert corpus.stories["n_sentences"].tolist() == [2, 1]
    assert corpus.stories["date"].iloc[0] == pd.Timestamp("2026-01-04")


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


def test_allsides_corpus_loads_in_full(allsides_corpus):
    stories = allsides_corpus.stories
    assert len(stories) == 2505
    assert allsides_corpus.skipped.empty
    assert stories["outlet"].nunique() == 124
    assert stories["date"].min() == pd.Timestamp("2001-10-23")
    assert stories["date"].max() == pd.Timestamp("2020-07-21")
    assert set(stories["bias_label"]) == {"left", "center", "right"}
    assert stories["story_id"].is_unique


# ----------------------------------------------------------------------------- bad input


def test_missing_path(tmp_path):
    with pytest.raises(CorpusError, match="no such file or folder") as info:
        load_corpus(tmp_path / "nope.csv")
    assert info.value.path.endswith("nope.csv")


def test_empty_file(tmp_path):
    (tmp_path / "empty.txt").write_text("  \n\n")
    with pytest.raises(CorpusError, match=r"empty\.txt: the file is empty"):
        load_corpus(tmp_path / "empty.txt")


def test_file_with_no_text(tmp_path):
    (tmp_path / "tags.txt").write_text("<div></div>\n<p> </p>")
    with pytest.raises(CorpusError, match=r"tags\.txt: the file holds no text"):
        load_corpus(tmp_path / "tags.txt")


def test_binary_file(tmp_path):
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(CorpusError, match="looks binary"):
        load_corpus(tmp_path / "image.txt")


def test_undecodable_bytes_name_the_line(tmp_path):
    (tmp_path / "latin1.txt").write_bytes("Line one.\nCaf\xe9 society.\n".encode("latin-1"))
    with pytest.raises(CorpusError, match=r"latin1\.txt:2: byte 13 is not valid utf-8") as info:
        load_corpus(tmp_path / "latin1.txt")
    assert info.value.line == 2
    corpus = load_corpus(tmp_path / "latin1.txt", encoding="latin-1")
    assert "Café" in corpus.stories["text"].iloc[0]


def test_csv_without_text_column(tmp_path):
    path = tmp_path / "no_text.csv"
    path.write_text("title,outlet\nA,B\n")
    with pytest.raises(CorpusError, match=r"no text column found.*text_column="):
        load_corpus(path)
    with pytest.raises(CorpusError, match="column 'story'") as info:
        load_corpus(path, text_column="story")
    assert info.value.column == "story"


def test_malformed_json_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "fine story"}\n{"text": "broken\n')
    with pytest.raises(CorpusError, match=r"bad\.jsonl:2: malformed JSON") as info:
        load_corpus(path)
    assert info.value.line == 2


def test_json_line_that_is_not_an_object(tmp_path):
    path = tmp_path / "list.jsonl"
    path.write_text('["not", "an", "object"]\n')
    with pytest.raises(CorpusError, match=r"list\.jsonl:1: expected a JSON object"):
        load_corpus(path)


def test_unsupported_file_type(tmp_path):
    (tmp_path / "doc.pdf").write_bytes(b"%PDF")
    with pytest.raises(CorpusError, match="unsupported file type '.pdf'"):
        load_corpus(tmp_path / "doc.pdf")


def test_empty_folder(tmp_path):
    with pytest.raises(CorpusError, match="holds no .txt"):
        load_corpus(tmp_path)


def test_csv_rows_with_empty_text_are_skipped_and_listed(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text('text,title\n"A story.",One\n"",Two\n"Another.",Three\n')
    corpus = load_corpus(path)
    assert len(corpus) == 2
    assert corpus.skipped.to_dict("records") == [
        {"source_file": "gaps.csv", "source_line": 3, "reason": "empty text in column 'text'"}
    ]
    with pytest.raises(CorpusError, match=r"gaps\.csv:3: empty text"):
        load_corpus(path, strict=True)


def test_folder_with_one_bad_file_loads_the_good_ones(tmp_path):
    (tmp_path / "good.txt").write_text("A good story. Two sentences.")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00\x00binary")
    (tmp_path / "also_good.md").write_text("Another good story.")
    with pytest.warns(CorpusWarning, match=r"bad\.txt"):
        corpus = load_corpus(tmp_path)
    assert corpus.stories["source_file"].tolist() == ["also_good.md", "good.txt"]
    assert corpus.skipped["source_file"].tolist() == ["bad.txt"]
    assert "binary" in corpus.skipped["reason"].iloc[0]
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
