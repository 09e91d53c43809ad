"""Tests of analysis.language.data: loading and validating the method data files."""

from __future__ import annotations

import pytest

from analysis.errors import CodebookError, ParameterError
from analysis.language.data import language_data, stop_words


@pytest.mark.parametrize(
    "name", ["stop_words", "not_names", "places", "organisations", "designators", "speech_verbs"]
)
def test_every_packaged_data_file_loads(name):
    data = language_data(name)
    assert len(data) > 0


def test_stop_words_follow_their_documented_source():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = stop_words()
    assert set(ENGLISH_STOP_WORDS) - words == {"bill", "fire", "interest", "system"}
    assert {"don't", "won't"} <= words


def test_unknown_data_name_is_a_parameter_error():
    with pytest.raises(ParameterError, match="unknown language data 'lexicon'"):
        language_data("lexicon")


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("places", "# c\nname,kind\nParis,city\n", "header is"),
        ("places", "name,kind,aliases,demonyms\nParis,city\n", "2 fields, expected 4"),
        ("places", "name,kind,aliases,demonyms\nParis,planet,,\n", "kind 'planet' is not one of"),
        ("organisations", "name,aliases\nNATO,\nNATO,\n", "'NATO' is listed twice"),
        ("organisations", "name,aliases\n,UN\n", "empty 'name'"),
        ("speech_verbs", "verb,kind\nsaid,shouting\n", "kind 'shouting'"),
        ("stop_words", "the\nof the\n", "contains a space"),
        ("stop_words", "the\nthe\n", "listed twice"),
        ("designators", "", "no header line"),
    ],
)
def test_malformed_data_files_raise_codebook_errors_naming_file_and_line(
    tmp_path, name, text, message
):
    path = tmp_path / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookError, match=message) as info:
        language_data(name, path=path)
    assert str(path.name) in str(info.value)


def test_missing_data_file_is_a_codebook_error(tmp_path):
    with pytest.raises(CodebookError, match="cannot read"):
        language_data("places", path=tmp_path / "absent.csv")
