"""Tests for analysis.trends (tone and frames per period), on a small dated corpus."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import ParameterError, analyze, open_corpus, trends
from analysis._checks import MISSING_GROUP

ROWS = [
    ("a1", "A", "2024-01-05", "Troops attacked the city. The war is a disaster."),
    ("a2", "A", "2024-01-20", "The brutal attack left many dead. Rebels condemned the killing."),
    ("a3", "A", "2024-01-28", "Fighting raged in the town. Residents fled in terror."),
    ("b1", "B", "2024-02-03", "The budget brings great savings. The economy is growing nicely."),
    ("b2", None, "2024-02-11", "Investors cheered the profits. Costs fell by $2 billion."),
    ("c1", "B", None, "A happy day for taxpayers. The tax cut was praised by everyone."),
]


@pytest.fixture(scope="module")
def dated(tmp_path_factory):
    path = tmp_path_factory.mktemp("dated") / "articles.csv"
    pd.DataFrame(ROWS, columns=["id", "outlet", "date", "text"]).to_csv(path, index=False)
    corpus = open_corpus(path)
    return corpus, analyze(corpus, codebooks=["generic"])


def test_tone_over_time_one_series(dated):
    corpus, result = dated
    tone = trends.tone_over_time(result.sentiment, corpus.stories)
    assert list(tone.columns) == [
        "period",
        "group",
        "mean_score",
        "n_sentences",
        "n_stories",
        "thin",
    ]
    assert tone["period"].astype(str).tolist() == ["2024-01", "2024-02"]
    assert tone["group"].tolist() == [trends.ALL, trends.ALL]
    assert tone["n_stories"].tolist() == [3, 2]  # the undated story is left out
    assert tone["thin"].tolist() == [False, True]
    january = result.sentiment[result.sentiment["story_id"].isin(["a1", "a2", "a3"])]
    assert tone["mean_score"].iloc[0] == pytest.approx(january["vader_textblob_mean"].mean())


def test_tone_over_time_by_group_names_the_missing_group(dated):
    corpus, result = dated
    tone = trends.tone_over_time(
        result.sentiment, corpus.stories, period="quarter", group="outlet", min_stories=1
    )
    assert tone["group"].tolist() == [MISSING_GROUP, "A", "B"]  # sorted within the period
    assert not tone["thin"].any()


def test_frames_over_time_keeps_every_frame_in_every_cell(dated):
    corpus, result = dated
    frames = trends.frames_over_time(result.frame_hits["generic"], corpus.stories)
    assert len(frames) == 2 * 5  # two months, five generic frames
    cell = frames[frames["period"].astype(str) == "2024-01"]
    assert cell["n_words"].nunique() == 1
    expected = 1000 * cell["n_hits"] / cell["n_words"]
    pd.testing.assert_series_equal(cell["intensity"], expected, check_names=False)
    assert (frames.loc[frames["period"].astype(str) == "2024-02", "thin"]).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"period": "week"}, "period must be one of"),
        ({"group": "nope"}, "group 'nope' is not a story column"),
        ({"score": "loudness"}, "score 'loudness'"),
    ],
)
def test_tone_over_time_rejects_bad_arguments(dated, kwargs, message):
    corpus, result = dated
    with pytest.raises(ParameterError, match=message):
        trends.tone_over_time(result.sentiment, corpus.stories, **kwargs)


def test_stories_without_period_columns_are_refused(dated, seed_corpus):
    _, result = dated
    with pytest.raises(ParameterError, match="open_corpus"):
        trends.frames_over_time(result.frame_hits["generic"], seed_corpus.stories)
