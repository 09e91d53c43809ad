"""Tests of analysis.sentiment_validation: agreement of the sentiment scores with human ratings.

Tests that need the shared ratings skip with a reason when ``../shared`` is absent; the error
paths run on small files written to a temporary folder.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.errors import CorpusError, ParameterError
from analysis.figures.sentiment import validation_chart
from analysis.sentiment import DEFAULT_SCORE, POLARITY_SCORES
from analysis.sentiment_validation import (
    VALIDATION_FILES,
    choose_default_score,
    load_sentiment_ratings,
    missing_validation_data,
    validate_sentiment,
)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    reason = missing_validation_data()
    if reason is not None:
        pytest.skip(reason)
    return validate_sentiment()


def _write(folder, lines_by_dataset: dict[str, list[str]]):
    for dataset, name in VALIDATION_FILES.items():
        lines = lines_by_dataset.get(dataset, ["1\t2.5\tWhat a great day.", "2\t-3.0\tAwful."])
        (folder / name).write_bytes("\r\n".join(lines).encode("utf-8"))
    return folder


# --------------------------------------------------------------------------- shared data


def test_table_shape_and_counts(table):
    assert list(table.columns) == ["dataset", "model", "n", "r", "macro_f1"]
    assert table["dataset"].drop_duplicates().tolist() == list(VALIDATION_FILES)
    assert table["model"].drop_duplicates().tolist() == list(POLARITY_SCORES)
    counts = table.drop_duplicates("dataset").set_index("dataset")["n"].to_dict()
    assert counts == {"tweets": 4200, "movie_reviews": 10605, "amazon_reviews": 3708}


def _cell(table, dataset, model, metric):
    row = table[(table["dataset"] == dataset) & (table["model"] == model)]
    return float(row[metric].iloc[0])


def test_vader_reproduces_the_papers_correlation_on_tweets(table):
    # Hutto & Gilbert (2014) report r = 0.881; vaderSentiment 3.3.2 measures 0.872 here.
    r = _cell(table, "tweets", "vader_compound", "r")
    assert r > 0.8
    assert r == pytest.approx(0.872, abs=0.005)


@pytest.mark.parametrize(
    ("dataset", "model", "r", "f1"),
    [
        ("tweets", "textblob_polarity", 0.697, 0.621),
        ("tweets", "vader_textblob_mean", 0.865, 0.695),
        ("movie_reviews", "vader_compound", 0.427, 0.422),
        ("movie_reviews", "vader_textblob_mean", 0.485, 0.432),
        ("amazon_reviews", "vader_compound", 0.590, 0.560),
        ("amazon_reviews", "textblob_polarity", 0.512, 0.484),
    ],
)
def test_measured_agreement(table, dataset, model, r, f1):
    assert _cell(table, dataset, model, "r") == pytest.approx(r, abs=0.005)
    assert _cell(table, dataset, model, "macro_f1") == pytest.approx(f1, abs=0.005)


def test_textblob_agrees_least_everywhere(table):
    for _dataset, rows in table.groupby("dataset"):
        assert rows.set_index("model")["r"].idxmin() == "textblob_polarity"


def test_the_package_default_is_the_measured_choice(table):
    assert choose_default_score(table) == DEFAULT_SCORE


def test_ratings_table(table):
    ratings = load_sentiment_ratings()
    assert len(ratings) == 18513
    assert ratings["rating"].between(-4, 4).all()
    first = ratings.iloc[0]
    assert (first["dataset"], first["id"], first["rating"]) == ("tweets", "1", 2.7263157890)
    assert not ratings["text"].str.contains("\r").any()


# --------------------------------------------------------------------------- without shared data


def test_missing_folder_raises_or_gives_an_empty_table(tmp_path):
    folder = tmp_path / "nothing-here"
    reason = missing_validation_data(folder)
    assert reason is not None and "not available" in reason
    with pytest.raises(CorpusError, match="not available"):
        validate_sentiment(folder)
    empty = validate_sentiment(folder, if_missing="empty")
    assert empty.empty and list(empty.columns) == ["dataset", "model", "n", "r", "macro_f1"]
    assert "skipped" in validation_chart(empty).layout.title.text
    with pytest.raises(ParameterError, match="no default can be chosen"):
        choose_default_score(empty)


def test_incomplete_folder_names_the_missing_file(tmp_path):
    _write(tmp_path, {})
    (tmp_path / VALIDATION_FILES["tweets"]).unlink()
    assert "tweets_GroundTruth.txt" in missing_validation_data(tmp_path)


def test_small_folder_is_validated(tmp_path):
    _write(tmp_path, {})
    result = validate_sentiment(tmp_path)
    assert len(result) == 9
    assert (result["n"] == 2).all()
    assert result["r"].tolist() == pytest.approx([1.0] * 9)  # two points correlate perfectly
    assert result["macro_f1"].tolist() == pytest.approx([2 / 3] * 9)  # no neutral class


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("2\tnot-a-number\ttext", "expected 'id<TAB>mean rating<TAB>text'"),
        ("2\t1.0", "expected 'id<TAB>mean rating<TAB>text'"),
        ("2\t7.5\ttext", "rating '7.5' is outside -4..4"),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path, line, fragment):
    _write(tmp_path, {"movie_reviews": ["1\t0.5\tfine", line]})
    with pytest.raises(CorpusError, match=fragment) as info:
        load_sentiment_ratings(tmp_path)
    assert info.value.line == 2
    assert info.value.path.endswith("movieReviewSnippets_GroundTruth.txt")


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"human_band": 5}, "human_band must be a number in [0, 4), got 5"),
        ({"model_band": 1.2}, "model_band must be a number in [0, 1), got 1.2"),
        ({"model_band": True}, "got True"),
        ({"if_missing": "skip"}, "got 'skip'"),
    ],
)
def test_parameter_errors(tmp_path, kwargs, fragment):
    with pytest.raises(ParameterError, match=re.escape(fragment)):
        validate_sentiment(tmp_path, **kwargs)


def test_choose_default_score_rule():
    rows = [
        ("a", "vader_compound", 10, 0.60, 0.60),
        ("a", "textblob_polarity", 10, 0.50, 0.50),
        ("a", "vader_textblob_mean", 10, 0.70, 0.595),
    ]
    table = pd.DataFrame(rows, columns=["dataset", "model", "n", "r", "macro_f1"])
    assert choose_default_score(table) == "vader_textblob_mean"  # F1 within 0.01, higher r
    assert choose_default_score(table, f1_tolerance=0.001) == "vader_compound"
