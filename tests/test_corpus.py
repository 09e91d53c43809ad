"""Tests of analysis.corpus: the seed stories, every input format, and every bad input."""

from __future__ import annotations

import inspect
import io
import json
import random
import warnings
import zipfile

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import config
from analysis import corpus as corpus_module
from analysis.cache import ArticleCache
from analysis.corpus import (
    CorpusWarning,
    describe_corpus,
    from_dataframe,
    load_corpus,
    open_corpus,
    sentence_length_summary,
    stories_from_texts,
    story_overview,
)
from analysis.errors import CorpusError, ParameterError
from analysis.safe import escape_markdown
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


def test_undecodable_bytes_name_the_line_and_byte(tmp_path, monkeypatch):
    """Bytes no encoding reads: the error names the file, line and byte."""
    path = tmp_path / "garbled.txt"
    path.write_bytes(b"Story text.\n" + bytes(range(0xA0, 0x100)))
    with pytest.raises(CorpusError, match=r"garbled\.txt:2: byte 12 is not valid utf-8") as info:
        load_corpus(path)
    assert info.value.line == 2
    # the same when charset-normalizer finds nothing for bytes it would otherwise read
    monkeypatch.setattr(corpus_module, "_detect_encoding", lambda data: None)
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Line one.\nCaf\xe9 society.\n".encode("latin-1"))
    with pytest.raises(CorpusError, match=r"latin1\.txt:2: byte 13 is not valid utf-8"):
        load_corpus(latin)
    assert "Café" in load_corpus(latin, encoding="latin-1").stories["text"].iloc[0]


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
    with pytest.warns(CorpusWarning, match=r"skipped gaps\.csv:3: empty text in column 'text'"):
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


# ----------------------------------------------------------------------------- encodings

STORY = (
    "Caf\u00e9 owners na\u00efvely \u201cwelcomed\u201d the r\u00e9sum\u00e9 rules. Prices rose."
)


def _story_file(tmp_path, kind, text=STORY):
    """A one-story file of ``kind`` (txt, csv or jsonl) as text, and its path."""
    if kind == "txt":
        return tmp_path / "story.txt", text + "\n"
    if kind == "csv":
        return tmp_path / "story.csv", f'id,title,text\ns1,A title,"{text}"\n'
    return tmp_path / "story.jsonl", json.dumps({"id": "s1", "text": text}, ensure_ascii=False)


# (label, codec writing the file, byte order mark written by hand or None)
BOM_ENCODINGS = [
    ("utf-16 le", "utf-16-le", b"\xff\xfe"),
    ("utf-16 be", "utf-16-be", b"\xfe\xff"),
    ("utf-32 le", "utf-32-le", b"\xff\xfe\x00\x00"),
    ("utf-32 be", "utf-32-be", b"\x00\x00\xfe\xff"),
    ("utf-8-sig", "utf-8", b"\xef\xbb\xbf"),
]


@pytest.mark.parametrize("kind", ["txt", "csv", "jsonl"])
@pytest.mark.parametrize(
    ("label", "codec", "bom"), BOM_ENCODINGS, ids=[e[0] for e in BOM_ENCODINGS]
)
def test_files_with_a_byte_order_mark_load_in_every_format(tmp_path, kind, label, codec, bom):
    path, text = _story_file(tmp_path, kind)
    path.write_bytes(bom + text.encode(codec))
    family = codec.rsplit("-", 1)[0] if codec != "utf-8" else "utf-8"
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorpusWarning)  # the mark agrees with encoding=
        corpus = load_corpus(path, encoding=family, cache=False)
    assert corpus.stories["raw_text"].tolist() == [STORY]
    assert corpus.skipped.empty


def test_byte_order_mark_overrides_encoding_with_a_warning(tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes("text,title\nA story here.,One\n".encode("utf-16"))
    with pytest.warns(CorpusWarning, match=r"utf16\.csv: .*UTF-16 LE byte order mark.*not utf-8"):
        corpus = load_corpus(path, cache=False)
    assert corpus.stories["title"].tolist() == ["One"]


@pytest.mark.parametrize("kind", ["txt", "csv", "jsonl"])
def test_undecodable_file_loads_in_the_detected_encoding_with_a_warning(tmp_path, kind):
    path, text = _story_file(tmp_path, kind)
    path.write_bytes(text.encode("cp1252"))
    with pytest.warns(CorpusWarning, match=rf"{path.name}: not readable as utf-8.*read as cp1252"):
        corpus = load_corpus(path, cache=False)
    assert corpus.stories["raw_text"].tolist() == [STORY]
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorpusWarning)  # the right encoding= gives no warning
        assert load_corpus(path, encoding="cp1252", cache=False).stories["raw_text"].tolist() == [
            STORY
        ]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_detected(tmp_path, codec):
    path = tmp_path / "no_bom.csv"
    path.write_bytes(f'text,title\n"{STORY}",One\n'.encode(codec))
    with pytest.warns(CorpusWarning, match=r"no_bom\.csv: .*read as utf_16"):
        corpus = load_corpus(path, cache=False)
    assert corpus.stories["raw_text"].tolist() == [STORY]
    # encoding="utf-16" without a mark does not say the byte order: it is detected, silently
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorpusWarning)
        assert len(load_corpus(path, encoding="utf-16", cache=False)) == 1


def _zip_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("story.txt", STORY * 20)
    return buffer.getvalue()


BINARY_FILES = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06",
    "zip": _zip_bytes(),
    "random": random.Random(7).randbytes(4096),
    "utf-16 mark, then binary": b"\xff\xfe\x00\x00binary",
    "nuls": b"\x00" * 64,
}


@pytest.mark.parametrize("suffix", [".txt", ".csv", ".jsonl"])
@pytest.mark.parametrize("content", list(BINARY_FILES.values()), ids=list(BINARY_FILES))
def test_binary_files_are_refused_naming_the_file(tmp_path, suffix, content):
    path = tmp_path / f"data{suffix}"
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=rf"data\{suffix}: the file looks binary") as info:
        load_corpus(path, cache=False)
    assert info.value.path == str(path)


def test_damaged_utf8_is_not_read_as_another_encoding(tmp_path):
    """A stray byte in a UTF-8 file is damage: detection would garble every accented letter."""
    path = tmp_path / "mixed.txt"
    path.write_bytes(
        ("Caf\u00e9 na\u00efve r\u00e9sum\u00e9.\n" * 3).encode() + b"Bad \xe9t\xe9.\n"
    )
    with pytest.raises(CorpusError, match=r"mixed\.txt:4: byte 73 is not valid UTF-8 .* damage"):
        load_corpus(path, cache=False)


def test_byte_order_mark_then_bytes_it_cannot_read(tmp_path):
    path = tmp_path / "cut.txt"
    path.write_bytes("A story.\nCut off".encode("utf-16") + b"A")
    with pytest.raises(CorpusError, match=r"cut\.txt:2: .*UTF-16 LE byte order mark, but byte 34"):
        load_corpus(path, cache=False)


def test_unknown_encoding_is_a_parameter_error():
    with pytest.raises(ParameterError, match="unknown encoding 'utf-99'"):
        load_corpus(encoding="utf-99")


@settings(max_examples=40, deadline=None)
@given(
    text=st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"),
        min_size=1,
        max_size=200,
    ).filter(lambda t: corpus_module.normalize_text(t)),
    encoding=st.sampled_from(BOM_ENCODINGS),
)
def test_any_text_written_with_a_byte_order_mark_reads_back(tmp_path_factory, text, encoding):
    _label, codec, bom = encoding
    path = tmp_path_factory.mktemp("bom") / "story.txt"
    path.write_bytes(bom + text.encode(codec))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        corpus = load_corpus(path, stories_per_file="one", cache=False)
    assert corpus.stories["raw_text"].tolist() == [text]


# ----------------------------------------------------------------------------- ragged CSV rows


RAGGED_CSV = (
    "id,title,text\n"
    'a,First, extra,"The first story."\n'  # line 2: one unquoted comma too many
    'b,Second,"The second story\n'
    'runs over two lines."\n'  # record of lines 3-4
    "c,Third\n"  # line 5: one field short
    'd,Fourth,"The fourth story."\n'  # line 6
)


def test_ragged_csv_rows_are_skipped_and_listed_never_shifted(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text(RAGGED_CSV)
    with pytest.warns(CorpusWarning) as caught:
        corpus = load_corpus(path, cache=False)
    stories = corpus.stories
    assert stories["story_id"].tolist() == ["b", "d"]
    assert stories["title"].tolist() == ["Second", "Fourth"]
    assert stories["raw_text"].tolist() == [
        "The second story\nruns over two lines.",
        "The fourth story.",
    ]
    assert stories["source_line"].tolist() == [3, 6]  # physical lines, quoted newline counted
    skipped = corpus.skipped
    assert skipped["source_file"].tolist() == ["ragged.csv", "ragged.csv"]
    assert skipped["source_line"].tolist() == [2, 5]
    assert skipped["reason"].iloc[0].startswith("the row has 4 fields but the header has 3")
    assert skipped["reason"].iloc[1].startswith("the row has 2 fields but the header has 3")
    messages = [str(w.message) for w in caught]
    assert any(m.startswith("skipped ragged.csv:2: the row has 4 fields") for m in messages)
    with pytest.raises(CorpusError, match=r"ragged\.csv:2: the row has 4 fields") as info:
        load_corpus(path, strict=True, cache=False)
    assert info.value.line == 2


def test_ragged_first_row_does_not_shift_the_other_rows(tmp_path):
    """The case pandas read as an index column: the first row's title became its text."""
    path = tmp_path / "shift.csv"
    path.write_text("title,text\nFirst, extra,The first story.\nSecond,The second story.\n")
    with pytest.warns(CorpusWarning, match=r"shift\.csv:2"):
        corpus = load_corpus(path, cache=False)
    assert corpus.stories[["title", "raw_text"]].values.tolist() == [
        ["Second", "The second story."]
    ]
    assert corpus.skipped["source_line"].tolist() == [2]


def test_csv_quote_never_closed_names_its_line(tmp_path):
    path = tmp_path / "open_quote.csv"
    path.write_text('text,title\n"Fine story.",One\n"Never closed,Two\nmore text\n')
    with pytest.raises(CorpusError, match=r"open_quote\.csv:3: a quoted field .* never closed"):
        load_corpus(path, cache=False)


# ----------------------------------------------------------------------------- NUL characters


@pytest.mark.parametrize("filler", [0, 600], ids=["first 8 KB", "after 8 KB"])
def test_nul_in_a_csv_field_skips_that_row_wherever_it_is(tmp_path, filler):
    path = tmp_path / "nul.csv"
    rows = "".join(f'"Story number {i}.",T{i}\n' for i in range(filler))
    path.write_bytes(b"text,title\n" + rows.encode() + b'"Bad\x00 story.",X\n"Last story.",Y\n')
    line = filler + 2
    with pytest.warns(CorpusWarning, match=rf"nul\.csv:{line}: a NUL character"):
        corpus = load_corpus(path, cache=False)
    assert len(corpus) == filler + 1 and "X" not in corpus.stories["title"].tolist()
    assert corpus.skipped.to_dict("records") == [
        {
            "source_file": "nul.csv",
            "source_line": line,
            "reason": f"a NUL character (U+0000) at line {line}, column 5: the text is damaged "
            "(a binary export or a wrong encoding); remove the character or re-export the file.",
        }
    ]
    with pytest.raises(CorpusError, match=rf"nul\.csv:{line}: a NUL character"):
        load_corpus(path, strict=True, cache=False)


def test_nul_in_a_text_file_names_line_and_column(tmp_path):
    path = tmp_path / "nul.txt"
    path.write_bytes(b"A first paragraph.\nA sec\x00ond one.\n")
    with pytest.raises(CorpusError, match=r"nul\.txt:2: a NUL character .* line 2, column 6"):
        load_corpus(path, cache=False)


def test_nul_in_a_json_line_skips_that_line(tmp_path):
    path = tmp_path / "nul.jsonl"
    path.write_bytes(b'{"text": "Fine story."}\n\n{"text": "Bad\x00 story."}\n')
    with pytest.warns(CorpusWarning, match=r"nul\.jsonl:3: a NUL character .* column 14"):
        corpus = load_corpus(path, cache=False)
    assert corpus.stories["raw_text"].tolist() == ["Fine story."]
    assert corpus.skipped["source_line"].tolist() == [3]


def test_json_strings_may_hold_unicode_line_separators(tmp_path):
    path = tmp_path / "separators.jsonl"
    path.write_text(
        json.dumps({"text": "One line\u2028and the next."}, ensure_ascii=False)
        + "\n"
        + json.dumps({"text": "Second story."})
        + "\n",
        encoding="utf-8",
    )
    corpus = load_corpus(path, cache=False)
    assert corpus.stories["source_line"].tolist() == [1, 2]
    assert corpus.stories["text"].iloc[0] == "One line\nand the next."


# ----------------------------------------------------------------------------- cell types


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"text": 42}, "text in column 'text' is a number (42), expected a string"),
        ({"text": None}, "text in column 'text' is null or missing; expected a string"),
        ({"title": "no text key"}, "text in column 'text' is null or missing"),
        ({"text": ["a", "b"]}, 'text in column \'text\' is a list (["a", "b"]), expected'),
        ({"text": {"a": 1}}, "text in column 'text' is an object ({\"a\": 1}), expected"),
        ({"text": True}, "text in column 'text' is a boolean (true), expected a string"),
        ({"text": "   "}, "empty text in column 'text'"),
        ({"text": "A story.", "title": 5}, "title in column 'title' is a number (5)"),
        ({"text": "A story.", "source": ["AP"]}, "outlet in column 'source' is a list"),
        ({"text": "A story.", "date": 20240105}, "date in column 'date' is a number (20240105)"),
        ({"text": "A story.", "id": True}, "id in column 'id' is a boolean (true)"),
        ({"text": "A story.", "id": 7.5}, "id in column 'id' is a number (7.5)"),
        ({"text": 1, "title": 2}, "text in column 'text' is a number (1), expected a string; "),
    ],
)
def test_json_cells_of_the_wrong_type_are_skipped_with_the_reason(tmp_path, row, reason):
    path = tmp_path / "types.jsonl"
    path.write_text(json.dumps({"text": "A good story."}) + "\n" + json.dumps(row) + "\n")
    with pytest.warns(CorpusWarning, match=r"skipped types\.jsonl:2: "):
        corpus = load_corpus(path, cache=False)
    assert corpus.stories["raw_text"].tolist() == ["A good story."]
    assert corpus.skipped["source_line"].tolist() == [2]
    assert corpus.skipped["reason"].iloc[0].startswith(reason)
    with pytest.raises(CorpusError, match=r"types\.jsonl:2: ") as info:
        load_corpus(path, strict=True, cache=False)
    assert str(info.value).endswith(corpus.skipped["reason"].iloc[0])


def test_whole_number_ids_become_strings(tmp_path):
    path = tmp_path / "ids.jsonl"
    rows = [{"id": 7, "text": "First story."}, {"id": 8.0, "text": "Second story."}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    assert load_corpus(path, cache=False).stories["story_id"].tolist() == ["7", "8"]


def test_missing_or_blank_ids_get_the_generated_id(tmp_path):
    csv_path = tmp_path / "ids.csv"
    csv_path.write_text('id,text\n,"First story."\n"  ","Second story."\nc,"Third story."\n')
    assert load_corpus(csv_path, cache=False).stories["story_id"].tolist() == [
        "first-story",
        "second-story",
        "c",
    ]
    jsonl_path = tmp_path / "ids.jsonl"
    rows = [{"id": "", "text": "First story."}, {"id": None, "text": "Second story."}]
    rows.append({"text": "Third story."})  # no id key at all
    jsonl_path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    assert load_corpus(jsonl_path, cache=False).stories["story_id"].tolist() == [
        "first-story",
        "second-story",
        "third-story",
    ]
    frame = pd.DataFrame(
        {"id": [None, float("nan"), "", "x"], "text": ["A one.", "B two.", "C three.", "D four."]}
    )
    assert from_dataframe(frame, cache=False).stories["story_id"].tolist() == [
        "a-one",
        "b-two",
        "c-three",
        "x",
    ]


# ----------------------------------------------------------------------------- options and cache


def test_open_corpus_passes_stories_per_file_and_encoding(tmp_path):
    parameters = inspect.signature(open_corpus).parameters
    assert parameters["stories_per_file"].default == "auto"
    assert parameters["encoding"].default == "utf-8"
    path = tmp_path / "many.txt"
    path.write_bytes("Caf\u00e9 one.\nA two.\n\nB one.\n\nC one.\nC two.\n".encode("cp1252"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorpusWarning)
        many = open_corpus(path, encoding="cp1252", cache=False)
        one = open_corpus(path, encoding="cp1252", stories_per_file="one", cache=False)
    assert len(many) == 3 and len(one) == 1
    assert one.stories["raw_text"].iloc[0].startswith("Caf\u00e9 one.")


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

    monkeypatch.setattr(corpus_module, "_file_records", no_reading)
    assert load_corpus(path, encoding="latin-1", cache=store).stories.equals(latin.stories)
    with pytest.warns(CorpusWarning, match=r"euro\.txt: not readable as utf-8"):
        again = load_corpus(path, cache=store)  # a cache hit repeats the first load's warning
    assert again.stories.equals(detected.stories)


# ----------------------------------------------------------------------------- reports


def test_describe_corpus_escapes_every_corpus_value(tmp_path):
    hostile = "[x](javascript:alert(1))"
    pd.DataFrame(
        {"id": [hostile, "<script>alert(2)</script>"], "text": ["A lead cut off", "Fine."]}
    ).to_csv(tmp_path / "a.csv", index=False)
    (tmp_path / "<img src=x onerror=alert(3)>.txt").write_bytes(b"\x00" * 16)
    (tmp_path / "b.jsonl").write_text(json.dumps({"text": ["<script>alert(4)</script>"]}) + "\n")
    with pytest.warns(CorpusWarning):
        corpus = load_corpus(tmp_path, cache=False)
    text = describe_corpus(corpus)
    assert "<script" not in text and "<img" not in text and "](javascript" not in text
    assert escape_markdown(hostile) in text  # the stopped story's id, shown as text
    assert escape_markdown("<img src=x onerror=alert(3)>.txt") in text  # the skipped file
    assert escape_markdown("<script>alert(4)</script>") in text  # the skipped line's reason
    assert str(tmp_path) not in text and str(tmp_path) not in "".join(corpus.skipped["reason"])


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


# no lone "\r": pandas writes it unquoted, and every CSV reader takes it for a line break
CELL = st.text(alphabet=st.sampled_from(list("ab ,\"\n;'\u00e9\u2019")), max_size=12)


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(CELL, CELL.filter(lambda t: corpus_module.normalize_text(t))),
        min_size=1,
        max_size=6,
    )
)
def test_csv_cells_read_back_in_their_columns(tmp_path_factory, rows):
    """Commas, quotes and line breaks in cells never shift a value into another column."""
    path = tmp_path_factory.mktemp("csv") / "cells.csv"
    frame = pd.DataFrame(
        {"n": [str(i) for i in range(len(rows))], "title": [r[0] for r in rows]}
    ).assign(text=[r[1] for r in rows])
    frame.to_csv(path, index=False)
    corpus = load_corpus(path, cache=False)
    assert corpus.skipped.empty
    assert corpus.stories["n"].tolist() == frame["n"].tolist()
    assert corpus.stories["raw_text"].tolist() == frame["text"].tolist()
    starts = [line for line in corpus.stories["source_line"]]
    physical = path.read_text().replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert starts == sorted(starts) and starts[0] == 2 and starts[-1] <= len(physical)
