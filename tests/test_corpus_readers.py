"""Tests of analysis.corpus.readers: text, CSV and JSON Lines records, ragged rows, NUL
characters and the cell rules, through load_corpus and from_dataframe."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.corpus import CorpusWarning, from_dataframe, load_corpus
from analysis.errors import CorpusError
from analysis.normalize import normalize_text

# ----------------------------------------------------------------------------- text files


def test_file_with_several_stories_split_as_the_seeds(tmp_path):
    (tmp_path / "many.txt").write_text("A one.\nA two.\n\nB one.\n\nC one.\nC two.\n")
    corpus = load_corpus(tmp_path / "many.txt")
    assert len(corpus) == 3
    assert corpus.stories["source_line"].tolist() == [1, 4, 6]
    forced = load_corpus(tmp_path / "many.txt", stories_per_file="one")
    assert len(forced) == 1


def test_file_with_no_text(tmp_path):
    (tmp_path / "tags.txt").write_text("<div></div>\n<p> </p>")
    with pytest.raises(CorpusError, match=r"tags\.txt: the file holds no text"):
        load_corpus(tmp_path / "tags.txt")


def test_unsupported_file_type(tmp_path):
    (tmp_path / "doc.pdf").write_bytes(b"%PDF")
    with pytest.raises(CorpusError, match="unsupported file type '.pdf'"):
        load_corpus(tmp_path / "doc.pdf")


# ----------------------------------------------------------------------------- tables


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


# ----------------------------------------------------------------------------- properties


# no lone "\r": pandas writes it unquoted, and every CSV reader takes it for a line break
CELL = st.text(alphabet=st.sampled_from(list("ab ,\"\n;'\u00e9\u2019")), max_size=12)


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(CELL, CELL.filter(lambda t: normalize_text(t))),
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


def test_csv_empty_cells_missing_as_a_table_gives_them(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(
        'text,note,tag\n"One story. It ends.",,x\n"Two story. It ends too.",,\n',
        encoding="utf-8",
    )
    stories = load_corpus(path, cache=False).stories
    assert stories["note"].tolist() == [None, None]  # a column without any value
    assert stories["note"].dtype == object
    assert stories["tag"].iloc[0] == "x" and pd.isna(stories["tag"].iloc[1])
    assert str(stories["tag"].dtype) == "str"
