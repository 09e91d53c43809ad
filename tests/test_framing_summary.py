"""Tests for analysis.framing.summary: the seed decisions, groups, the matrix and its export."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import framing, stories_from_texts
from analysis.errors import ParameterError
from analysis.narrate import framing as narrate_framing
from analysis.safe import escape_markdown
from tests.conftest import JAPAN, LOS_ANGELES, RUSSIA, WASHINGTON
from tests.framing_cases import summary_row, write_codebook


@pytest.fixture(scope="module")
def generic_hits(seed_corpus):
    return framing.frame_hits(seed_corpus.sentences, codebook="generic")


@pytest.fixture(scope="module")
def generic_summary(seed_corpus, generic_hits):
    return framing.frame_summary(generic_hits, seed_corpus.stories, codebook="generic")


@pytest.fixture(scope="module")
def policy_hits(seed_corpus):
    return framing.frame_hits(seed_corpus.sentences, codebook="policy")


# --------------------------------------------------------------------------- the seed checks


def test_russia_carries_conflict_with_several_evidence_sentences(
    generic_summary, generic_hits, seed_corpus
):
    row = summary_row(generic_summary, RUSSIA, "conflict")
    assert row["present"]
    assert row["dominant"]
    evidence = framing.frame_evidence(
        generic_hits, seed_corpus.sentences, story=RUSSIA, frame="conflict"
    )
    assert len(evidence) > 1
    assert evidence["sentence_id"].is_unique
    assert any("condemned" in t for t in evidence["triggers"])


def test_japan_lead_carries_the_economic_frame(generic_summary, generic_hits):
    row = summary_row(generic_summary, JAPAN, "economic")
    assert row["present"]
    assert row["dominant"]
    matches = set(generic_hits[generic_hits["story_id"] == JAPAN]["match"])
    assert {"9 trillion yen", "$58 billion", "budget"} <= matches


def test_los_angeles_lead_does_not_carry_the_economic_frame(generic_summary, generic_hits):
    row = summary_row(generic_summary, LOS_ANGELES, "economic")
    assert not row["present"]
    assert row["n_hits"] == 0  # "charged"/"charges" are criminal charges, not fees
    la = generic_hits[generic_hits["story_id"] == LOS_ANGELES]
    assert not la["match"].str.lower().str.startswith("charge").any()


def test_seed_decisions_are_the_documented_ones(generic_summary):
    present = generic_summary[generic_summary["present"]]
    got = {(s, str(f)) for s, f in zip(present["story_id"], present["frame"], strict=True)}
    assert got == {
        (RUSSIA, "conflict"),
        (RUSSIA, "economic"),
        (JAPAN, "economic"),
        (LOS_ANGELES, "human_interest"),
    }
    # the Washington lead has one piece of responsibility evidence ("DOJ failed to"): below 2
    washington = summary_row(generic_summary, WASHINGTON, "responsibility")
    assert (washington["score"], washington["present"]) == (1.0, False)


def test_policy_codebook_on_the_seeds(seed_corpus, policy_hits):
    summary = framing.frame_summary(policy_hits, seed_corpus.stories, codebook="policy")
    assert summary_row(summary, LOS_ANGELES, "crime_punishment")["dominant"]
    assert not summary_row(summary, LOS_ANGELES, "economic")["present"]
    assert summary_row(summary, JAPAN, "security_defense")["present"]
    assert summary_row(summary, JAPAN, "economic")["present"]
    assert summary_row(summary, RUSSIA, "external_regulation")["dominant"]
    assert not summary[summary["frame"] == "other"]["present"].any()


# --------------------------------------------------------------------------- summary + groups


def test_summary_columns_and_rows(generic_summary, seed_corpus):
    assert list(generic_summary.columns) == ["story_id", *framing.SUMMARY_COLUMNS]
    assert len(generic_summary) == 4 * 5
    assert generic_summary["story_id"].drop_duplicates().tolist() == [
        RUSSIA,
        JAPAN,
        WASHINGTON,
        LOS_ANGELES,
    ]
    japan = summary_row(generic_summary, JAPAN, "economic")
    assert japan["is_truncated"]
    assert japan["n_words"] == int(seed_corpus.stories.set_index("story_id").loc[JAPAN, "n_words"])
    assert japan["intensity"] == pytest.approx(4 / japan["n_words"] * 1000)
    assert japan["share"] == pytest.approx(1 / 2)


def test_threshold_and_min_sentences(seed_corpus, generic_hits):
    strict = framing.frame_summary(
        generic_hits, seed_corpus.stories, codebook="generic", threshold=3
    )
    assert not summary_row(strict, JAPAN, "economic")["present"]
    # an age and "his parents" (2); "son of acclaimed actor" is about a public figure's role
    assert not summary_row(strict, LOS_ANGELES, "human_interest")["present"]
    assert summary_row(strict, RUSSIA, "conflict")["present"]
    two = framing.frame_summary(
        generic_hits, seed_corpus.stories, codebook="generic", min_sentences=2
    )
    assert not summary_row(two, JAPAN, "economic")["present"]  # one sentence only
    assert summary_row(two, RUSSIA, "conflict")["present"]


def test_group_parameter(seed_corpus, generic_hits):
    stories = seed_corpus.stories.assign(desk=["world", "world", "national", "national"])
    summary = framing.frame_summary(generic_hits, stories, codebook="generic", group="desk")
    assert list(summary.columns) == ["desk", *framing.SUMMARY_COLUMNS]
    assert summary["desk"].drop_duplicates().tolist() == ["national", "world"]
    world = summary[(summary["desk"] == "world") & (summary["frame"] == "economic")].iloc[0]
    words = seed_corpus.stories.set_index("story_id")["n_words"]
    assert world["n_stories"] == 2
    assert world["n_words"] == words[RUSSIA] + words[JAPAN]
    assert world["n_present"] == 2
    assert world["share_present"] == 1.0
    assert world["present"]
    national = summary[(summary["desk"] == "national") & (summary["frame"] == "human_interest")]
    assert national.iloc[0]["share_present"] == 0.5  # LA yes, Washington no
    assert national.iloc[0]["present"]  # 0.5 >= min_story_share
    assert national.iloc[0]["n_truncated"] == 2
    assert "desk" not in seed_corpus.stories.columns


def test_missing_group_values_form_one_group(seed_corpus, generic_hits):
    stories = seed_corpus.stories.assign(desk=[None, "world", None, "national"])
    summary = framing.frame_summary(generic_hits, stories, codebook="generic", group="desk")
    assert summary["desk"].drop_duplicates().tolist() == ["(missing)", "national", "world"]
    missing = summary[(summary["desk"] == "(missing)") & (summary["frame"] == "conflict")]
    assert missing.iloc[0]["n_stories"] == 2
    assert len(framing.frame_matrix(summary, group="desk")) == 3
    # the group value is escaped for Markdown: "\(missing\)" renders as "(missing)"
    missing_md = escape_markdown("(missing)")
    assert missing_md == "\\(missing\\)"
    assert f"- **{missing_md}** (2 stories" in narrate_framing.describe(summary, group="desk")


def test_bad_parameters_raise_parameter_error(seed_corpus, generic_hits, policy_hits):
    stories = seed_corpus.stories
    with pytest.raises(ParameterError, match="group must be a column"):
        framing.frame_summary(generic_hits, stories, group="desk")
    with pytest.raises(ParameterError, match="threshold"):
        framing.frame_summary(generic_hits, stories, threshold=0)
    with pytest.raises(ParameterError, match="min_sentences"):
        framing.frame_summary(generic_hits, stories, min_sentences=0)
    with pytest.raises(ParameterError, match="does not have"):
        framing.frame_summary(policy_hits, stories, codebook="generic")
    with pytest.raises(ParameterError, match="lacks the column"):
        framing.frame_hits(seed_corpus.sentences.drop(columns="start"))
    with pytest.raises(ParameterError, match="value must be one of"):
        framing.frame_matrix(framing.frame_summary(generic_hits, stories), value="colour")
    with pytest.raises(ParameterError, match="top"):
        framing.frame_evidence(generic_hits, seed_corpus.sentences, top=0)


def test_fallback_frame_fires_when_nothing_else_does():
    corpus = stories_from_texts(
        [
            "The weather was mild on Sunday. Birds sang.",
            "Police arrested two suspects. They were charged with murder and jailed.",
        ]
    )
    hits = framing.frame_hits(corpus.sentences, codebook="policy")
    summary = framing.frame_summary(hits, corpus.stories, codebook="policy")
    calm, crime = corpus.stories["story_id"]
    assert summary_row(summary, calm, "other")["present"]
    assert summary_row(summary, calm, "other")["dominant"]
    assert summary_row(summary, calm, "other")["n_hits"] == 0
    assert not summary_row(summary, crime, "other")["present"]
    assert summary_row(summary, crime, "crime_punishment")["dominant"]


def test_ties_are_all_dominant(tmp_path):
    frames = """\
    - id: a
      label: A
      description: A.
      detectors:
        - id: a
          terms: [apple]
    - id: b
      label: B
      description: B.
      detectors:
        - id: b
          terms: [banana]
    """
    book = framing.load_codebook(write_codebook(tmp_path, frames))
    corpus = stories_from_texts(["An apple. A banana. An apple. A banana."])
    hits = framing.frame_hits(corpus.sentences, codebook=book)
    summary = framing.frame_summary(hits, corpus.stories, codebook=book)
    assert summary["dominant"].tolist() == [True, True]


def test_matrix_and_csv_export(tmp_path, generic_summary):
    wide = framing.frame_matrix(generic_summary, value="share")
    assert list(wide.columns) == framing.load_codebook("generic").frame_ids
    assert wide.loc[JAPAN, "economic"] == 0.5
    out = tmp_path / "out"
    path = framing.export_frame_matrix(generic_summary, out, codebook="generic")
    assert path == out.resolve() / "tables" / "framing-generic-story_id.csv"
    first = path.read_bytes()
    assert framing.export_frame_matrix(generic_summary, out, codebook="generic") == path
    assert path.read_bytes() == first
    table = pd.read_csv(path)
    assert list(table.columns[:5]) == [
        "story_id",
        "n_stories",
        "n_words",
        "n_sentences",
        "is_truncated",
    ]
    assert table.loc[1, "economic"] == round(4 / 58 * 1000, 4)


def _hostile_group_summary(seed_corpus, generic_hits, column: str, values: list[str]):
    stories = seed_corpus.stories.assign(**{column: values})
    return framing.frame_summary(generic_hits, stories, codebook="generic", group=column)


def test_export_with_a_hostile_group_column_stays_inside_out_dir(
    tmp_path, seed_corpus, generic_hits
):
    column = "../../../../x/y"
    summary = _hostile_group_summary(seed_corpus, generic_hits, column, ["a", "a", "b", "b"])
    out = tmp_path / "deep" / "out"
    path = framing.export_frame_matrix(summary, out, codebook="../generic", group=column)
    assert out.resolve() in path.parents
    assert path.parent == out.resolve() / "tables"
    assert path.name.startswith("framing-generic-") and path.name.endswith(".csv")
    assert "/" not in path.name and ".." not in path.name
    assert not (tmp_path / "x").exists() and not (tmp_path.parent / "x").exists()
    table = pd.read_csv(path)
    assert table.columns[0] == column
    assert table[column].tolist() == ["a", "b"]


def test_export_neutralises_spreadsheet_formulas(tmp_path, seed_corpus, generic_hits):
    formula = '=HYPERLINK("http://x")'
    summary = _hostile_group_summary(
        seed_corpus, generic_hits, "outlet", [formula, "AP", "@SUM(A1)", "AP"]
    )
    path = framing.export_frame_matrix(summary, tmp_path, codebook="generic", group="outlet")
    assert path.name == "framing-generic-outlet.csv"
    cells = pd.read_csv(path)["outlet"].tolist()
    assert "'" + formula in cells
    assert "'@SUM(A1)" in cells
    assert formula not in cells
    assert "\n=HYPERLINK" not in path.read_text()


def test_export_rejects_bad_arguments(tmp_path, generic_summary):
    with pytest.raises(ParameterError, match="codebook"):
        framing.export_frame_matrix(generic_summary, tmp_path, codebook="")
    with pytest.raises(ParameterError, match="decimals"):
        framing.export_frame_matrix(generic_summary, tmp_path, codebook="generic", decimals=-1)
    with pytest.raises(TypeError):
        framing.export_frame_matrix(generic_summary, tmp_path / "m.csv")  # codebook is required


# --------------------------------------------------------------------------- inputs, empty


def test_inputs_are_not_mutated(seed_corpus):
    sentences = seed_corpus.sentences.copy()
    stories = seed_corpus.stories.copy()
    hits = framing.frame_hits(sentences)
    framing.frame_summary(hits, stories, group="story_id")
    framing.frame_evidence(hits, sentences)
    pd.testing.assert_frame_equal(sentences, seed_corpus.sentences)
    pd.testing.assert_frame_equal(stories, seed_corpus.stories)


def test_empty_input(seed_corpus):
    hits = framing.frame_hits(seed_corpus.sentences.iloc[0:0])
    summary = framing.frame_summary(hits, seed_corpus.stories)
    assert len(summary) == 4 * 5
    assert not summary["present"].any() and not summary["dominant"].any()
    assert (summary["intensity"] == 0).all()
    no_stories = framing.frame_summary(hits, seed_corpus.stories.iloc[0:0])
    assert no_stories.empty and list(no_stories.columns) == ["story_id", *framing.SUMMARY_COLUMNS]


def test_presence_rates_flag_rules_that_fire_in_nearly_every_story() -> None:
    from analysis import analyze, load_corpus
    from analysis.framing import frame_summary, presence_rates

    corpus = load_corpus()
    hits = analyze(corpus, codebooks=["generic"], terms=False).frame_hits["generic"]
    rates = presence_rates(frame_summary(hits, corpus.stories, codebook="generic"))
    shares = dict(zip(rates["frame"], rates["share_present"], strict=True))
    assert shares["conflict"] == 0.25 and shares["morality"] == 0.0
    assert not rates["fires_nearly_always"].any()
    table = frame_summary(hits, corpus.stories, codebook="generic")
    assert presence_rates(table.assign(present=True))["fires_nearly_always"].all()
