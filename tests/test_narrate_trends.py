"""Tests for analysis.narrate.trends (the reading of the time series)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import analyze, open_corpus, trends
from analysis.narrate.trends import describe_trends

ROWS = [
    ("a1", "*A*", "2024-01-05", "Troops attacked the city. The war is a disaster."),
    ("a2", "*A*", "2024-01-20", "The brutal attack left many dead. Rebels condemned the killing."),
    ("a3", "*A*", "2024-01-28", "Fighting raged in the town. Residents fled in terror."),
    ("b1", "B", "2024-02-03", "The budget brings great savings. The economy is growing nicely."),
    ("c1", "B", None, "A happy day for taxpayers. The tax cut was praised by everyone."),
]


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    path = tmp_path_factory.mktemp("dated") / "articles.csv"
    pd.DataFrame(ROWS, columns=["id", "outlet", "date", "text"]).to_csv(path, index=False)
    corpus = open_corpus(path)
    result = analyze(corpus, codebooks=["generic"])
    tone = trends.tone_over_time(result.sentiment, corpus.stories, group="outlet")
    frames = trends.frames_over_time(result.frame_hits["generic"], corpus.stories, group="outlet")
    return tone, frames, corpus.stories


def test_undated_corpus_has_no_series():
    stories = pd.DataFrame({"date": [pd.NaT, pd.NaT]})
    text = describe_trends(pd.DataFrame(), pd.DataFrame(), stories)
    assert text.startswith("No story has a publication date (2 undated), so there is no time")


def test_reading_of_a_dated_corpus(series):
    tone, frames, stories = series
    text = describe_trends(tone, frames, stories)
    paragraphs = text.split("\n\n")
    assert paragraphs[0] == (
        "Tone and frames over **2 periods** (2024\\-01 to 2024\\-02), from 4 dated stories; "
        "1 undated stories are left out."
    )
    # the only cell with 3 stories is both extremes; group names are escaped Markdown
    assert paragraphs[1].startswith(
        f"Most negative cell with at least {trends.MIN_STORIES} stories: \\*A\\* in 2024\\-01 ("
    )
    assert paragraphs[2] == (
        "1 of 2 period × group cells rest on fewer than 3 stories (dotted in the charts): "
        "read them as anecdotes, not trends."
    )
    top = frames.groupby("frame", observed=True)["n_hits"].sum().idxmax()
    assert paragraphs[3] == f"Most frequent frame over the whole period: {top}."


def test_all_thin_cells_make_no_extreme_claim(series):
    tone, frames, stories = series
    text = describe_trends(tone.assign(thin=True), frames, stories)
    assert "Most negative cell" not in text
    assert text.split("\n\n")[1].startswith("2 of 2 period × group cells")
