"""Tests for analysis.compare and analysis.figures.compare, on the seed stories."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis import (
    ParameterError,
    analyze,
    framing,
    load_corpus,
    select_stories,
    stories_from_texts,
)
from analysis import compare as cmp
from analysis.figures import compare as figures
from tests.conftest import JAPAN, LOS_ANGELES, RUSSIA, SEED_IDS, WASHINGTON

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.fixture(scope="module")
def seed_analysis(seed_corpus):
    return analyze(seed_corpus, codebooks=["generic"])


@pytest.fixture(scope="module")
def comparison(seed_analysis):
    return cmp.compare(seed_analysis)


@pytest.fixture(scope="module")
def statements(comparison):
    return cmp.comparison_statements(comparison)


def _rule(statements: pd.DataFrame, rule: str, column: str | None = None) -> pd.DataFrame:
    rows = statements[statements["rule"] == rule]
    if column is not None:
        rows = rows[rows["source_column"] == column]
    return rows


# --------------------------------------------------------------------------- cards


def test_cards_one_row_per_seed_story_in_corpus_order(comparison):
    cards = comparison.cards
    assert list(cards.columns) == cmp.CARD_COLUMNS
    assert cards["group"].tolist() == SEED_IDS
    assert cards["n_words"].tolist() == [1205, 58, 92, 63]
    assert cards["n_sentences"].tolist() == [48, 2, 3, 2]
    assert cards["is_truncated"].tolist() == [False, True, True, True]
    assert cards["label"].tolist() == [
        "\u201cThe sudden and dramatic removal of\u2026\u201d",
        "the Tokyo lead",
        "the Washington lead",
        "the Los Angeles lead",
    ]
    assert not comparison.capped
    assert comparison.by_story


def test_cards_tone_matches_the_sentiment_step(comparison, seed_analysis, seed_corpus):
    from analysis.sentiment import story_sentiment

    expected = story_sentiment(seed_analysis.sentiment, seed_corpus.stories)
    cards = comparison.cards
    np.testing.assert_allclose(cards["mean_score"], expected["mean_score"])
    np.testing.assert_allclose(cards["std_score"], expected["std_score"])
    assert cards["mean_score"].round(3).tolist() == [0.054, 0.132, 0.016, -0.3]
    # one story per group: the standard error is std / sqrt(n) over its sentences
    np.testing.assert_allclose(cards["se_score"], expected["sem_score"])


def test_cards_frames_match_the_framing_step(comparison, seed_analysis, seed_corpus):
    summary = framing.frame_summary(seed_analysis.frame_hits["generic"], seed_corpus.stories)
    present = summary[summary["present"]]
    assert sorted(zip(present["story_id"], present["frame"].astype(str), strict=True)) == sorted(
        [
            (RUSSIA, "conflict"),
            (RUSSIA, "economic"),
            (JAPAN, "economic"),
            (LOS_ANGELES, "human_interest"),
        ]
    )
    cards = comparison.cards.set_index("group")
    assert cards.loc[RUSSIA, "dominant_frames"] == "Conflict"
    assert cards.loc[RUSSIA, "present_frames"] == "Conflict; Economic consequences"
    assert cards.loc[JAPAN, "dominant_frames"] == "Economic consequences"
    assert cards.loc[WASHINGTON, "present_frames"] == ""
    assert cards.loc[LOS_ANGELES, "dominant_frames"] == "Human interest"
    wide = comparison.frame_matrix("intensity").round(1)
    assert wide.loc[RUSSIA, "conflict"] == 17.4
    assert wide.loc[RUSSIA, "economic"] == 9.1
    assert wide.loc[JAPAN, "economic"] == 69.0
    assert wide.loc[LOS_ANGELES, "human_interest"] == 47.6
    assert wide.loc[WASHINGTON, "responsibility"] == 10.9
    # all frames together, per 1,000 words: (21 + 1 + 11) hits in 1,205 words
    assert cards.loc[RUSSIA, "frame_intensity"] == pytest.approx(33 / 1205 * 1000)


def test_cards_terms_actors_quotes(comparison):
    cards = comparison.cards.set_index("group")
    assert cards.loc[RUSSIA, "top_terms"] == "russia, maduro, military, venezuela, moscow"
    assert cards.loc[JAPAN, "top_terms"].startswith("japan, ")
    assert cards.loc[RUSSIA, "top_actors"] == (
        "Russia (25); United States (20); Nicol\u00e1s Maduro (15)"
    )
    assert cards.loc[WASHINGTON, "top_actors"].startswith("Department of Justice (2)")
    assert cards.loc[RUSSIA, "n_quotes"] == 7
    assert cards.loc[RUSSIA, "n_speech"] == 5
    assert cards.loc[[JAPAN, WASHINGTON], "n_quotes"].tolist() == [0, 0]
    terms = comparison.terms
    assert terms.loc[terms["group"] == LOS_ANGELES, "term"].iloc[0] == "reiner"
    assert not terms["significant"].any()
    topics = comparison.topics
    shares = topics.groupby("group")["share"].sum()
    np.testing.assert_allclose(shares.to_numpy(), 1.0)


# --------------------------------------------------------------------------- statements


def test_statement_columns_and_headline_first(statements):
    assert list(statements.columns) == cmp.STATEMENT_COLUMNS
    assert statements["rule"].iloc[0] == "headline"
    assert (statements["rule"] == "headline").sum() == 1


def test_los_angeles_is_the_most_negative_and_its_score_is_named(statements):
    row = _rule(statements, "tone_low").iloc[0]
    assert row["source_table"] == "cards"
    assert row["source_row"] == LOS_ANGELES
    assert row["value"] == pytest.approx(-0.30015, abs=1e-4)
    assert row["statement"].startswith("**The Los Angeles lead** is the most negative (-0.30")
    assert "over 2 sentences" in row["statement"]
    assert "thin evidence" in row["statement"]
    high = _rule(statements, "tone_high").iloc[0]
    assert high["source_row"] == JAPAN
    assert "**The Tokyo lead** is the most positive (+0.13 over 2 sentences" in high["statement"]
    gap = _rule(statements, "tone_gap").iloc[0]
    assert "0.43, 2.5 times its standard error: a clear difference" in gap["statement"]


def test_frame_statements_follow_the_framing_table(statements):
    economic = _rule(statements, "frame_most", "economic")
    assert len(economic) == 1
    text = economic["statement"].iloc[0]
    assert text.startswith("**The Tokyo lead** uses the *Economic consequences* frame most")
    assert "69.0 hits per 1,000 words" in text and "(9.1)" in text
    assert economic["source_row"].iloc[0] == f"{JAPAN}; {RUSSIA}"
    # RUSSIA also carries the economic frame: JAPAN is not "the only one" carrying it
    assert _rule(statements, "frame_only", "economic").empty
    only = _rule(statements, "frame_only").set_index("source_column")
    assert only.loc["conflict", "source_row"] == RUSSIA
    assert "(17.4 hits per 1,000 words)" in only.loc["conflict", "statement"]
    assert only.loc["human_interest", "source_row"] == LOS_ANGELES
    assert only.loc["human_interest", "statement"].startswith(
        "Only **the Los Angeles lead** carries the *Human interest* frame (47.6"
    )
    absent = _rule(statements, "frame_absent").iloc[0]
    assert absent["source_column"] == "morality, responsibility"
    none = _rule(statements, "frame_none").iloc[0]
    assert none["source_row"] == WASHINGTON
    assert "*Attribution of responsibility*, has 10.9 hits" in none["statement"]


def test_truncated_leads_are_named(statements):
    row = _rule(statements, "truncated").iloc[0]
    assert row["source_row"].split("; ") == [JAPAN, WASHINGTON, LOS_ANGELES]
    text = row["statement"]
    assert text.startswith("3 of 4 stories are truncated leads")
    for name in ("the Tokyo lead", "the Washington lead", "the Los Angeles lead"):
        assert f"**{name}**" in text


def test_every_statement_source_exists(comparison, statements):
    for row in statements.itertuples(index=False):
        table = getattr(comparison, row.source_table)
        assert isinstance(table, pd.DataFrame), row.source_table
        if row.source_row:
            for value in row.source_row.split("; "):
                assert value in set(table["group"]), (row.rule, value)
        if row.source_column and row.source_table == "frames":
            for frame in row.source_column.split(", "):
                assert frame in set(table["frame"].astype(str)) or frame == "present"
        elif row.source_column:
            assert row.source_column in table.columns, (row.rule, row.source_column)


def test_headline_is_one_sentence_and_the_first_paragraph(statements):
    headline = statements["statement"].iloc[0]
    assert headline == (
        "Across the 4 stories, **the Los Angeles lead** is the most negative (-0.30 over 2 "
        "sentences); **the Tokyo lead** uses the *Economic consequences* frame most intensely "
        "(69.0 hits per 1,000 words, against 9.1 in **\u201cThe sudden and dramatic removal "
        "of\u2026\u201d**)."
    )
    markdown = cmp.statements_markdown(statements)
    assert markdown.split("\n\n")[0] == headline
    assert "_(table cards, row `nicholas-nick-reiner-32-son-of`, column `mean_score`)_" in markdown
    assert "**Frames**" in markdown and "**Tone**" in markdown
    assert "(table" not in cmp.statements_markdown(statements, sources=False)


def test_statement_text_is_escaped(seed_corpus):
    texts = [
        "A *bold* claim & <b>tag</b> in the war. Officials condemned the strikes.",
        "A wonderful day for the budget. The cost of $5 billion was praised.",
    ]
    corpus = stories_from_texts(texts)
    stories = corpus.stories.assign(
        title=["Evil <img src=x> _title_", "Fine"], title_source="input"
    )
    corpus = corpus.__class__(stories=stories, sentences=corpus.sentences)
    result = analyze(corpus, codebooks=["generic"])
    statements = cmp.comparison_statements(cmp.compare(result, topics=False))
    markdown = cmp.statements_markdown(statements)
    assert "<img" not in markdown
    assert "&lt;img src=x&gt; \\_title\\_" in markdown


def test_min_sentences_controls_the_thin_evidence_note(comparison):
    relaxed = cmp.comparison_statements(comparison, min_sentences=2)
    assert "thin evidence" not in _rule(relaxed, "tone_low")["statement"].iloc[0]
    with pytest.raises(ParameterError, match="min_sentences"):
        cmp.comparison_statements(comparison, min_sentences=0)


# --------------------------------------------------------------------------- groups and caps


def test_group_by_dateline(seed_analysis):
    comparison = cmp.compare(seed_analysis, group="dateline", topics=False)
    cards = comparison.cards
    assert cards["group"].tolist() == ["LOS ANGELES, CA", "TOKYO", "WASHINGTON", "(missing)"]
    assert cards["label"].tolist() == cards["group"].tolist()
    statements = cmp.comparison_statements(comparison)
    assert (
        statements["statement"]
        .iloc[0]
        .startswith(
            "Across the 4 `dateline` groups (4 stories), **LOS ANGELES, CA** is the most negative"
        )
    )


@pytest.fixture(scope="module")
def outlet_analysis(tmp_path_factory):
    """Six stories from two outlets: A writes grim conflict stories, B upbeat economic ones."""
    rows = [
        ("a1", "A", "Troops attacked the city and killed dozens. The war is a disaster."),
        ("a2", "A", "The brutal attack left many dead. Rebels condemned the killing."),
        ("a3", "A", "Fighting raged as the army shelled the town. Residents fled in terror."),
        ("b1", "B", "The budget brings great savings. The economy is growing nicely."),
        ("b2", "B", "Investors cheered the wonderful profits. Costs fell by $2 billion."),
        ("b3", "B", "A happy day for taxpayers. The tax cut was praised by everyone."),
    ]
    path = tmp_path_factory.mktemp("outlets") / "articles.csv"
    pd.DataFrame(rows, columns=["id", "outlet", "text"]).to_csv(path, index=False)
    return analyze(load_corpus(path), codebooks=["generic"])


def test_group_by_outlet_from_a_csv(outlet_analysis):
    comparison = cmp.compare(outlet_analysis, group="outlet", topics=False)
    cards = comparison.cards.set_index("group")
    assert cards.index.tolist() == ["A", "B"]
    assert cards["n_stories"].tolist() == [3, 3]
    assert not comparison.by_story
    assert cards.loc["A", "mean_score"] < 0 < cards.loc["B", "mean_score"]
    statements = cmp.comparison_statements(comparison)
    low = _rule(statements, "tone_low").iloc[0]
    assert low["source_row"] == "A"
    assert low["statement"].startswith("**A** is the most negative")
    assert statements["statement"].iloc[0].startswith("Across the 2 `outlet` groups (6 stories)")


def test_group_standard_error_is_clustered_by_story(outlet_analysis):
    comparison = cmp.compare(outlet_analysis, group="outlet", topics=False)
    scored = outlet_analysis.sentiment.merge(
        outlet_analysis.corpus.stories[["story_id", "outlet"]], on="story_id"
    )
    part = scored[scored["outlet"] == "A"]
    y = part["vader_textblob_mean"]
    resid = (y - y.mean()).groupby(part["story_id"]).sum()
    g, n = len(resid), len(y)
    expected = math.sqrt(g / (g - 1) * (resid**2).sum()) / n
    se = comparison.cards.set_index("group").loc["A", "se_score"]
    assert se == pytest.approx(expected)


def test_cap_keeps_the_longest_stories_and_says_so(seed_analysis):
    comparison = cmp.compare(seed_analysis, max_groups=2, topics=False)
    assert comparison.capped
    assert comparison.cards["group"].tolist() == [RUSSIA, WASHINGTON]
    assert set(comparison.frames["group"]) == {RUSSIA, WASHINGTON}
    assert set(comparison.terms["group"]) == {RUSSIA, WASHINGTON}
    statements = cmp.comparison_statements(comparison)
    cap = _rule(statements, "cap").iloc[0]
    assert cap["statement"].startswith("Only the 2 longest of the 4 stories are compared")
    assert statements["statement"].iloc[0].startswith("Across the 2 longest of the 4 stories,")


def test_terms_against_the_rest_are_unchanged_by_the_cap(seed_analysis, comparison):
    capped = cmp.compare(seed_analysis, max_groups=2, topics=False)
    for story in (RUSSIA, WASHINGTON):
        full = comparison.terms[comparison.terms["group"] == story].reset_index(drop=True)
        part = capped.terms[capped.terms["group"] == story].reset_index(drop=True)
        pd.testing.assert_frame_equal(full, part)


def test_single_group_has_nothing_to_compare(seed_analysis):
    comparison = cmp.compare(seed_analysis, group="outlet", topics=False)  # all missing
    statements = cmp.comparison_statements(comparison)
    assert statements["rule"].tolist() == ["headline", "single"]
    assert "nothing to compare" in statements["statement"].iloc[0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"group": "no_such_column"}, "no_such_column"),
        ({"codebook": "policy"}, "analyze\\(corpus, codebooks=\\['policy'\\]\\)"),
        ({"max_groups": 0}, "max_groups"),
        ({"top_terms": True}, "top_terms"),
    ],
)
def test_compare_rejects_bad_arguments(seed_analysis, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        cmp.compare(seed_analysis, topics=False, **kwargs)


def test_compare_is_deterministic(seed_analysis, comparison, statements):
    again = cmp.compare(seed_analysis)
    for name in ("cards", "frames", "terms", "actors", "topics"):
        pd.testing.assert_frame_equal(getattr(comparison, name), getattr(again, name))
    pd.testing.assert_frame_equal(statements, cmp.comparison_statements(again))
    assert cmp.story_cards(seed_analysis).equals(
        comparison.cards
    )  # the cards alone, without the topic model


@pytest.mark.usefixtures("allsides_path")
def test_allsides_bias_groups_on_immigration(allsides_corpus):
    corpus = select_stories(allsides_corpus, filters={"topic": "immigration"})
    comparison = cmp.compare(analyze(corpus, codebooks=["generic"]), group="bias_label")
    cards = comparison.cards
    assert cards["group"].tolist() == ["center", "left", "right"]
    assert int(cards["n_stories"].sum()) == len(corpus.stories) == 252
    statements = cmp.comparison_statements(comparison)
    assert {"tone_low", "tone_high", "tone_gap", "frame_most", "terms"} <= set(statements["rule"])
    assert (
        statements["statement"]
        .iloc[0]
        .startswith("Across the 3 `bias_label` groups (252 stories),")
    )
    for row in statements.itertuples(index=False):
        table = getattr(comparison, row.source_table)
        for value in filter(None, row.source_row.split("; ")):
            assert value in set(table["group"])


# --------------------------------------------------------------------------- one story


def test_check_story_id(seed_corpus):
    assert cmp.check_story_id(seed_corpus, None) == RUSSIA
    assert cmp.check_story_id(seed_corpus, JAPAN) == JAPAN
    with pytest.raises(ParameterError) as info:
        cmp.check_story_id(seed_corpus, "nicholas-nick-reiner")
    message = str(info.value)
    assert "'nicholas-nick-reiner'" in message
    assert f"Did you mean '{LOS_ANGELES}'" in message
    assert f"'{RUSSIA}'" in message
    with pytest.raises(ParameterError, match="unknown story_id 42"):
        cmp.check_story_id(seed_corpus, 42)


def test_story_text_html_escapes_untrusted_text_and_marks_triggers():
    texts = [
        "Police said &lt;script&gt;alert(1)&lt;/script&gt; was typed during the war. "
        "The murder of two people horrified everyone.",
        "A calm day.",
    ]
    corpus = stories_from_texts(texts)
    assert "<script>" in corpus.stories["text"].iloc[0]  # the loader kept it as text
    result = analyze(corpus, codebooks=["generic"])
    story = corpus.stories["story_id"].iloc[0]
    page = cmp.story_text_html(result, story)
    assert "<script>" not in page and "</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert re.search(r'<mark class="frame-trigger"[^>]*title="Conflict \([^"]+\)">war<sup', page)
    assert 'war<sup style="font-size:0.65em;color:#555"> conflict</sup></mark>' in page
    assert page.count('<span class="sentence"') == 2
    assert "background-color:rgba(192,57,43," in page  # the murder sentence is negative


def test_story_text_html_on_a_seed(seed_analysis):
    page = cmp.story_text_html(seed_analysis, LOS_ANGELES)
    assert page.count('<span class="sentence"') == 2
    assert 'title="sentence 0: vader_textblob_mean -0.464; VADER -0.927; TextBlob +0.000' in page
    assert "frames: Human interest" in page
    assert ">parents<sup" in page
    assert 'Nicholas "Nick" Reiner' not in page  # quotes are escaped too
    assert "Nicholas &quot;Nick&quot; " in page
    assert page.startswith('<div class="story-text"') and page.endswith("</p></div>")
    with pytest.raises(ParameterError, match="unknown story_id 'nope'"):
        cmp.story_text_html(seed_analysis, "nope")
    with pytest.raises(ParameterError, match="score"):
        cmp.story_text_html(seed_analysis, LOS_ANGELES, score="loudness")


def test_story_differences_for_the_los_angeles_lead(seed_analysis):
    diff = cmp.story_differences(seed_analysis, LOS_ANGELES).set_index("measure")
    assert list(diff.reset_index().columns) == cmp.DIFFERENCE_COLUMNS
    assert diff.loc["tone", "rank"] == 1
    assert diff.loc["tone", "n_ranked"] == 4
    assert diff.loc["tone", "value"] == pytest.approx(-0.30015, abs=1e-4)
    assert diff.loc["words", "rank"] == 3
    assert diff.loc["frame:human_interest", "rank"] == 1
    assert bool(diff.loc["frame:human_interest", "present"])
    assert diff.loc["frame:human_interest", "n_present"] == 1
    assert pd.isna(diff.loc["frame:economic", "rank"])  # never triggered: no rank
    assert diff.loc["frame:economic", "n_present"] == 2
    japan = cmp.story_differences(seed_analysis, JAPAN).set_index("measure")
    assert japan.loc["frame:economic", "rank"] == 1
    assert japan.loc["frame:economic", "value"] == pytest.approx(4 / 58 * 1000)


def test_story_statements_for_the_los_angeles_lead(seed_analysis):
    statements = cmp.story_statements(seed_analysis, LOS_ANGELES)
    assert statements["statement"].iloc[0] == (
        "**The Los Angeles lead** (63 words, a truncated lead) is the most negative of 4 stories "
        "in tone (-0.30) and ranks 1st on the *Human interest* frame (47.6 hits per 1,000 words)."
    )
    length = _rule(statements, "story_length")["statement"].iloc[0]
    assert "it is a truncated lead" in length
    terms = _rule(statements, "story_terms").iloc[0]
    assert terms["source_table"] == "terms"
    assert terms["source_row"].split("; ")[0] == "reiner"
    diff = cmp.story_differences(seed_analysis, LOS_ANGELES)
    for row in statements.itertuples(index=False):
        if row.source_table == "differences":
            assert set(filter(None, row.source_row.split("; "))) <= set(diff["measure"])


def test_story_distinctive_terms(seed_analysis):
    terms = cmp.story_distinctive_terms(seed_analysis, JAPAN, top_n=3)
    assert terms["term"].tolist()[0] == "japan"
    assert terms["rank"].tolist() == [1, 2, 3]
    single = analyze(select_stories(load_corpus(), filters={"story_id": JAPAN}))
    assert cmp.story_distinctive_terms(single, JAPAN).empty


# --------------------------------------------------------------------------- figures


def test_tone_frame_scatter(comparison):
    fig = figures.tone_frame_scatter(comparison.cards, story=LOS_ANGELES)
    assert isinstance(fig, go.Figure)
    points = sum(len(trace.x) for trace in fig.data)
    assert points == 4
    symbols = {trace.name: trace.marker.symbol for trace in fig.data}
    assert symbols["Conflict"] == "circle"
    assert symbols["Human interest (truncated)"] == "diamond-open"
    assert symbols["no frame present (truncated)"] == "diamond-open"
    japan = next(t for t in fig.data if t.name == "Economic consequences (truncated)")
    assert japan.y == (0.1324,) and japan.x == (68.966,)
    with pytest.raises(ParameterError, match="story"):
        figures.tone_frame_scatter(comparison.cards, story="nope")
    with pytest.raises(ParameterError, match="lacks"):
        figures.tone_frame_scatter(comparison.cards.drop(columns="n_words"))


def test_frame_profile_chart(comparison):
    fig = figures.frame_profile_chart(comparison.frames, labels=comparison.labels())
    heat = fig.data[0]
    assert list(heat.y) == comparison.cards["label"].tolist()
    expected = comparison.frame_matrix("intensity").to_numpy().round(4)
    np.testing.assert_allclose(np.asarray(heat.z, dtype=float), expected)
    assert heat.text[1][2] == "69.0*"  # present frames are starred
    assert heat.text[2][4] == "10.9"
    with pytest.raises(ParameterError, match="value"):
        figures.frame_profile_chart(comparison.frames, value="n_words")


def test_topic_shares_chart(comparison):
    fig = figures.topic_shares_chart(comparison.topics, labels=comparison.labels())
    assert len(fig.data) == comparison.topics["topic"].nunique()
    totals = np.sum([np.asarray(trace.x, dtype=float) for trace in fig.data], axis=0)
    np.testing.assert_allclose(totals, 1.0, atol=1e-3)
    assert fig.data[0].y[-1] == "\u201cThe sudden and dramatic removal of\u2026\u201d"


def test_story_rank_chart(seed_analysis):
    diff = cmp.story_differences(seed_analysis, LOS_ANGELES)
    fig = figures.story_rank_chart(diff)
    dots = fig.data[2]
    assert dots.x[0] == 0.0  # the lowest tone of all stories
    assert dots.text[0] == "-0.30, 1st of 4 (most negative)"
    assert "no trigger" in dots.text[-1]


def test_figures_are_deterministic(comparison):
    one = figures.tone_frame_scatter(comparison.cards).to_json()
    two = figures.tone_frame_scatter(comparison.cards).to_json()
    assert one == two


# --------------------------------------------------------------------------- notebooks


@pytest.mark.parametrize("name", ["comparison", "story"])
def test_notebook_structure(name):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    lines = tagged[0].source.splitlines()
    for line in lines:  # papermill's parser: one "=" per line, quoted Optional annotations
        assert re.match(r'^\w+: ("Optional\[\w+\]"|\w+) = ', line), line
        assert line.count("=") == 1, line
    names = [line.split(":")[0] for line in lines]
    assert {"corpus_path", "filters", "date_from", "date_to", "codebook"} <= set(names)
    assert ("story_id" in names) == (name == "story")
    assert ("group" in names) == (name == "comparison")
    assert sum("report-summary" in c.metadata.get("tags", []) for c in nb.cells) == 1
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not re.search(r"^\s*(def|class|for|while) ", cell.source, re.M), cell.id
    assert json.dumps(nb.metadata.kernelspec["name"]) == '"python3"'
