"""Tests of analysis.corpus.select: filters, date ranges, period columns and open_corpus."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.corpus import PERIODS, Corpus, CorpusWarning, open_corpus, select_stories
from analysis.errors import ParameterError
from tests.conftest import JAPAN, LOS_ANGELES, RUSSIA


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


def _dated(seed_corpus):
    """The seed corpus with a date per story (the seeds have none)."""
    dates = pd.to_datetime(["2016-01-15", "2016-03-02", None, "2017-07-30"])
    stories = seed_corpus.stories.assign(date=dates)
    return Corpus(stories, seed_corpus.sentences, seed_corpus.skipped)


def test_select_stories_filters_and_keeps_sentences(seed_corpus):
    selected = select_stories(seed_corpus, filters={"story_id": [RUSSIA, JAPAN]})
    assert selected.stories["story_id"].tolist() == [RUSSIA, JAPAN]
    assert set(selected.sentences["story_id"]) == {RUSSIA, JAPAN}
    assert len(seed_corpus) == 4  # not mutated
    single = select_stories(seed_corpus, filters={"story_id": JAPAN})  # one value, not a list
    assert single.stories["story_id"].tolist() == [JAPAN]


def test_select_stories_adds_period_columns_and_takes_a_date_range(seed_corpus):
    corpus = _dated(seed_corpus)
    selected = select_stories(corpus)
    assert list(PERIODS) == ["month", "quarter", "year"]
    assert selected.stories["month"].tolist() == ["2016-01", "2016-03", None, "2017-07"]
    assert selected.stories["quarter"].tolist() == ["2016Q1", "2016Q1", None, "2017Q3"]
    assert selected.stories["year"].tolist() == ["2016", "2016", None, "2017"]
    ranged = select_stories(corpus, date_from="2016-02-01", date_to="2017-12-31")
    assert ranged.stories["story_id"].tolist() == [JAPAN, LOS_ANGELES]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"filters": {"colour": "red"}}, "cannot filter on 'colour'"),
        ({"filters": {"story_id": "nope"}}, "no story matches"),
        ({"date_from": "not a date"}, "not a date: 'not a date'"),
    ],
)
def test_select_stories_errors_name_the_bad_value(seed_corpus, options, message):
    with pytest.raises(ParameterError, match=message):
        select_stories(seed_corpus, **options)


def test_selecting_every_story_shares_the_tables_and_leaves_the_corpus_as_it_was(seed_corpus):
    before = seed_corpus.stories.copy()
    selected = select_stories(seed_corpus)
    for table in ("stories", "sentences"):  # not copied
        ours, theirs = getattr(selected, table), getattr(seed_corpus, table)
        assert np.shares_memory(ours["n_words"].to_numpy(), theirs["n_words"].to_numpy())
    selected.stories.loc[0, "title"] = "changed"  # copy-on-write: the corpus keeps its title
    assert seed_corpus.stories.equals(before)
    assert "month" not in seed_corpus.stories and "month" in selected.stories
    assert list(selected.stories.columns[: len(before.columns)]) == list(before.columns)


def test_select_stories_keeps_the_furniture_of_the_selected_stories(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(
        "id,outlet,text\n"
        'a1,A,"One fact here.\nAdvertisement\nTwo facts here."\n'
        'b1,B,"One fact there.\nShare this story\nThree facts there."\n'
        "c1,C,Nothing removed from this one.\n",
        encoding="utf-8",
    )
    every = open_corpus(path, cache=False)
    assert every.furniture[["story_id", "kind"]].values.tolist() == [
        ["a1", "advertisement"],
        ["b1", "share"],
    ]
    some = open_corpus(path, filters={"outlet": ["B", "C"]}, cache=False)
    assert some.furniture[["story_id", "kind", "text"]].values.tolist() == [
        ["b1", "share", "Share this story"]
    ]
