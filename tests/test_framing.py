"""Tests for analysis.framing (and its figures, analysis.figures.framing)."""

from __future__ import annotations

import bisect
import doctest
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import framing, stories_from_texts
from analysis.errors import CodebookError, ParameterError
from analysis.figures.framing import frame_heatmap, frame_profile
from analysis.safe import escape_markdown
from tests.conftest import JAPAN, LOS_ANGELES, RUSSIA, WASHINGTON

FIXTURES = Path(__file__).parent / "data" / "codebooks"
SHIPPED = framing.list_codebooks()


# --------------------------------------------------------------------------- fixtures + helpers


@pytest.fixture(scope="module")
def generic_hits(seed_corpus):
    return framing.frame_hits(seed_corpus.sentences, codebook="generic")


@pytest.fixture(scope="module")
def generic_summary(seed_corpus, generic_hits):
    return framing.frame_summary(generic_hits, seed_corpus.stories, codebook="generic")


@pytest.fixture(scope="module")
def policy_hits(seed_corpus):
    return framing.frame_hits(seed_corpus.sentences, codebook="policy")


def _row(summary: pd.DataFrame, story: str, frame: str) -> pd.Series:
    rows = summary[(summary["story_id"] == story) & (summary["frame"] == frame)]
    assert len(rows) == 1
    return rows.iloc[0]


def _write_codebook(tmp_path: Path, frames_yaml: str, *, lexicons: str = "") -> Path:
    text = 'name: test\nversion: "1"\ncitation: A test.\n'
    if lexicons:
        text += "lexicons:\n" + textwrap.indent(textwrap.dedent(lexicons), "  ")
    text += "frames:\n" + textwrap.indent(textwrap.dedent(frames_yaml), "  ")
    path = tmp_path / "test.yaml"
    path.write_text(text)
    return path


def _matches(book, text: str) -> list[tuple[str, str]]:
    sentences = stories_from_texts([text]).sentences
    hits = framing.frame_hits(sentences, codebook=book)
    return list(zip(hits["detector"], hits["match"], strict=True))


# --------------------------------------------------------------------------- the seed checks


def test_russia_carries_conflict_with_several_evidence_sentences(
    generic_summary, generic_hits, seed_corpus
):
    row = _row(generic_summary, RUSSIA, "conflict")
    assert row["present"]
    assert row["dominant"]
    evidence = framing.frame_evidence(
        generic_hits, seed_corpus.sentences, story=RUSSIA, frame="conflict"
    )
    assert len(evidence) > 1
    assert evidence["sentence_id"].is_unique
    assert any("condemned" in t for t in evidence["triggers"])


def test_japan_lead_carries_the_economic_frame(generic_summary, generic_hits):
    row = _row(generic_summary, JAPAN, "economic")
    assert row["present"]
    assert row["dominant"]
    matches = set(generic_hits[generic_hits["story_id"] == JAPAN]["match"])
    assert {"9 trillion yen", "$58 billion", "budget"} <= matches


def test_los_angeles_lead_does_not_carry_the_economic_frame(generic_summary, generic_hits):
    row = _row(generic_summary, LOS_ANGELES, "economic")
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
    washington = _row(generic_summary, WASHINGTON, "responsibility")
    assert (washington["score"], washington["present"]) == (1.0, False)


def test_policy_codebook_on_the_seeds(seed_corpus, policy_hits):
    summary = framing.frame_summary(policy_hits, seed_corpus.stories, codebook="policy")
    assert _row(summary, LOS_ANGELES, "crime_punishment")["dominant"]
    assert not _row(summary, LOS_ANGELES, "economic")["present"]
    assert _row(summary, JAPAN, "security_defense")["present"]
    assert _row(summary, JAPAN, "economic")["present"]
    assert _row(summary, RUSSIA, "external_regulation")["dominant"]
    assert not summary[summary["frame"] == "other"]["present"].any()


# --------------------------------------------------------------------------- shipped codebooks


def test_shipped_codebooks():
    assert SHIPPED == ["generic", "policy"]
    generic = framing.load_codebook("generic")
    assert generic.frame_ids == [
        "conflict",
        "human_interest",
        "economic",
        "morality",
        "responsibility",
    ]
    assert sum(len(f.questions) for f in generic.frames) == 20
    policy = framing.load_codebook("policy")
    assert len(policy.frames) == 15
    assert policy.frame_ids[-1] == "other"


@pytest.mark.parametrize("name", SHIPPED)
def test_every_frame_has_a_description_and_detectors(name):
    book = framing.load_codebook(name)
    assert book.citation and book.version
    for frame in book.frames:
        assert frame.description.strip(), frame.id
        assert frame.label.strip(), frame.id
        if frame.fallback:
            # the one documented exception: a fallback frame has no detectors by rule
            assert frame.detectors == ()
        else:
            assert frame.detectors, frame.id
            for det in frame.detectors:
                assert det.examples, f"{frame.id}/{det.id} has no example sentence"


def test_only_policy_other_is_a_fallback():
    assert framing.load_codebook("generic").fallback is None
    assert framing.load_codebook("policy").fallback == "other"


def test_every_generic_question_has_a_detector():
    table = framing.question_table("generic")
    assert len(table) == 20
    assert (table["detectors"] != "").all(), table[table["detectors"] == ""]
    assert set(table["wording"]) <= {"quoted", "paraphrase"}


def _example_cases():
    cases = []
    for name in SHIPPED:
        for row in framing.check_examples(name).itertuples(index=False):
            label = f"{name}/{row.frame}/{row.detector or 'non'}/{row.sentence[:30]}"
            cases.append(
                pytest.param(name, row.frame, row.detector, row.kind, row.sentence, id=label)
            )
    return cases


@pytest.mark.parametrize(("name", "frame", "detector", "kind", "sentence"), _example_cases())
def test_each_detector_fires_on_its_example_and_frames_skip_non_examples(
    name, frame, detector, kind, sentence
):
    book = framing.load_codebook(name)
    sentences = stories_from_texts([sentence]).sentences
    hits = framing.frame_hits(sentences, codebook=book)
    fired = set(hits[hits["frame"] == frame]["detector"])
    if kind == "example":
        assert detector in fired, f"{detector!r} did not fire on {sentence!r}"
    else:
        assert not fired, f"{sorted(fired)} fired on the non-example {sentence!r}"


def test_readme_example_and_example_codebook_are_valid(tmp_path):
    readme = (framing.CODEBOOK_DIR / "README.md").read_text()
    block = re.search(r"```yaml\n(.*?)```", readme, re.S).group(1)
    path = tmp_path / "readme.yaml"
    path.write_text(block)
    for book in (path, framing.CODEBOOK_DIR / "examples" / "immigration.yaml"):
        result = framing.check_examples(book)
        assert len(result) > 0
        assert result["ok"].all(), result[~result["ok"]]


# --------------------------------------------------------------------------- validation errors

ERROR_CASES = {
    # fixture name: substrings the message must contain (besides the file name)
    "unknown_top_key": ["field 'colour'", "unknown key"],
    "unknown_frame_key": ["frame 'conflict'", "frames[0].labels", "unknown key"],
    "unknown_detector_key": ["frame 'conflict'", "frames[0].detectors[0].term'", "unknown key"],
    "missing_description": ["frame 'conflict'", "frames[0].description", "missing"],
    "missing_version": ["field 'version'", "missing"],
    "empty_frames": ["field 'frames'", "empty"],
    "frames_not_a_list": ["field 'frames'", "expected a list"],
    "duplicate_frame_ids": ["frame 'conflict'", "frames[1].id", "duplicate frame id"],
    "duplicate_detector_ids": ["frames[0].detectors[1].id", "duplicate detector id 'words'"],
    "duplicate_yaml_key": ["line 9", "duplicate key 'description'"],
    "bad_pattern_inner_wildcard": ["frames[0].detectors[0].terms[1]", "bad pattern 'con*flict'"],
    "bad_pattern_short_wildcard": ["frames[0].detectors[0].terms[1]", "bad pattern 'co*'"],
    "bad_pattern_symbol": ["frames[0].detectors[0].terms[1]", "bad pattern '$5 billion'", "re:"],
    "bad_regex": ["frames[0].detectors[0].terms[1]", "bad regex '(unclosed'"],
    "regex_matches_empty": ["bad regex 'a*'", "empty string"],
    "wrong_type_terms": ["frames[0].detectors[0].terms'", "expected a list, got str"],
    "empty_terms": ["frames[0].detectors[0].terms'", "empty"],
    "wrong_type_weight": ["frames[0].detectors[0].weight", "'heavy'"],
    "negative_weight": ["frames[0].detectors[0].weight", "> 0"],
    "wrong_type_examples": ["frames[0].detectors[0].examples", "expected a list"],
    "version_not_string": ["field 'version'", "expected a string, got float", "quote it"],
    "bad_window": ["frames[0].detectors[0].window", "got 0"],
    "window_without_near": ["frames[0].detectors[0].window", "needs 'near'"],
    "no_detectors": ["frame 'conflict'", "frames[0].detectors", "at least one detector"],
    "fallback_with_detectors": ["frame 'conflict'", "a fallback frame has no detectors"],
    "two_fallbacks": ["frame 'rest'", "frames[2].fallback", "only one frame"],
    "unknown_lexicon": ["frames[0].detectors[0].terms[1]", "unknown lexicon '@money'"],
    "unknown_question": ["frames[0].detectors[0].question", "no question 'reproach'"],
    "bad_wording": ["frames[0].questions[0].wording", "'verbatim'"],
    "bad_frame_id": ["frame 'Conflict Frame'", "frames[0].id", "not a valid id"],
    "invalid_yaml": ["invalid YAML", "line"],
    "not_a_mapping": ["top level", "expected a mapping, got list"],
    "empty_file": ["top level", "got null"],
}


def test_every_fixture_has_an_error_case():
    assert {p.stem for p in FIXTURES.glob("*.yaml")} == set(ERROR_CASES)


@pytest.mark.parametrize(("case", "expected"), sorted(ERROR_CASES.items()))
def test_malformed_codebook_raises_codebook_error(case, expected):
    path = FIXTURES / f"{case}.yaml"
    with pytest.raises(CodebookError) as info:
        framing.load_codebook(path)
    message = str(info.value)
    assert str(path) in message
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


def test_missing_codebook_file_or_name():
    with pytest.raises(CodebookError, match="no such codebook file.*generic, policy"):
        framing.load_codebook("genric")
    with pytest.raises(CodebookError, match="nope.yaml"):
        framing.load_codebook("/no/such/dir/nope.yaml")
    with pytest.raises(ParameterError):
        framing.load_codebook(42)


def test_cache_key_changes_with_the_file(tmp_path):
    frames = """\
    - id: conflict
      label: Conflict
      description: Disagreement.
      detectors:
        - id: words
          terms: [dispute]
    """
    path = _write_codebook(tmp_path, frames)
    first = framing.load_codebook(path)
    assert framing.load_codebook(path) is first  # compiled once, then cached
    path.write_text(path.read_text().replace("[dispute]", "[dispute, feud]"))
    second = framing.load_codebook(path)
    assert second.cache_key != first.cache_key
    assert second.cache_key.startswith("test-1-")


# --------------------------------------------------------------------------- matching rules


@pytest.fixture
def rules_book(tmp_path):
    frames = """\
    - id: econ
      label: Economic
      description: Money.
      detectors:
        - id: wildcard
          terms: [condemn*, budget]
        - id: phrase
          terms: [first degree, White House]
        - id: fed
          terms: [Fed]
        - id: regex
          terms: ['re:\\$\\d+', 're:(?i)\\bpesos\\b']
        - id: cost_near_money
          terms: [cost]
          near: ["@money"]
          window: 3
        - id: tax_not_pay
          terms: [tax]
          not_near: [pay]
          window: 2
    """
    return framing.load_codebook(
        _write_codebook(tmp_path, frames, lexicons="money: ['re:\\$\\d+']\n")
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("They condemned it.", [("wildcard", "condemned")]),
        ("Condemnation followed.", [("wildcard", "Condemnation")]),
        ("Japan's budget's size grew.", [("wildcard", "budget's")]),
        ("A first-degree charge.", [("phrase", "first-degree")]),
        ("A first degree charge.", [("phrase", "first degree")]),
        ("First, degree matters.", []),  # a phrase does not cross punctuation
        ("The White House said no.", [("phrase", "White House")]),
        ("The white house on the hill.", []),  # capitals make a word case-sensitive
        ("The Fed raised rates.", [("fed", "Fed")]),
        ("They were fed up.", []),
        ("It sold for 500 PESOS.", [("regex", "PESOS")]),
        ("It will cost $5 today.", [("cost_near_money", "cost")]),
        ("The cost of it all, they said later, was $5.", []),  # more than 3 words apart
        ("A new tax was announced.", [("tax_not_pay", "tax")]),
        ("They will pay tax.", []),  # vetoed by not_near
    ],
)
def test_matching_rules(rules_book, text, expected):
    got = [(d, m) for d, m in _matches(rules_book, text) if d != "regex" or "$" not in m]
    assert got == expected


def test_hits_have_offsets_into_sentence_and_story(seed_corpus, generic_hits):
    texts = dict(zip(seed_corpus.stories["story_id"], seed_corpus.stories["text"], strict=True))
    sentences = dict(
        zip(seed_corpus.sentences["sentence_id"], seed_corpus.sentences["text"], strict=True)
    )
    for row in generic_hits.itertuples():
        assert texts[row.story_id][row.story_start : row.story_end] == row.match
        assert sentences[row.sentence_id][row.sentence_start : row.sentence_end] == row.match
    cost = generic_hits[generic_hits["detector"] == "government_responsible"].iloc[0]
    sentence = sentences[cost["sentence_id"]]
    assert sentence[cost["context_start"] : cost["context_end"]] == cost["context"] == "DOJ"


def test_hits_table_columns_and_types(generic_hits):
    assert list(generic_hits.columns) == framing.HIT_COLUMNS
    assert isinstance(generic_hits["frame"].dtype, pd.CategoricalDtype)
    assert list(generic_hits["frame"].cat.categories) == framing.load_codebook("generic").frame_ids


def test_sentence_score_counts_distinct_detectors(generic_hits):
    sf = framing.sentence_frames(generic_hits)
    japan = sf[(sf["story_id"] == JAPAN) & (sf["frame"] == "economic")].iloc[0]
    # budget + fiscal (one detector) and two money amounts (one detector): 4 hits, score 2
    assert (japan["n_hits"], japan["n_detectors"], japan["score"]) == (4, 2, 2.0)


def test_weights_enter_the_score(tmp_path):
    frames = """\
    - id: econ
      label: Economic
      description: Money.
      detectors:
        - id: heavy
          terms: [budget]
          weight: 2.5
    """
    book = framing.load_codebook(_write_codebook(tmp_path, frames))
    corpus = stories_from_texts(["The budget grew."])
    hits = framing.frame_hits(corpus.sentences, codebook=book)
    summary = framing.frame_summary(hits, corpus.stories, codebook=book)
    assert summary.loc[0, "score"] == 2.5
    assert summary.loc[0, "present"]  # 2.5 >= the default threshold of 2


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
    japan = _row(generic_summary, JAPAN, "economic")
    assert japan["is_truncated"]
    assert japan["n_words"] == int(seed_corpus.stories.set_index("story_id").loc[JAPAN, "n_words"])
    assert japan["intensity"] == pytest.approx(4 / japan["n_words"] * 1000)
    assert japan["share"] == pytest.approx(1 / 2)


def test_threshold_and_min_sentences(seed_corpus, generic_hits):
    strict = framing.frame_summary(
        generic_hits, seed_corpus.stories, codebook="generic", threshold=3
    )
    assert not _row(strict, JAPAN, "economic")["present"]
    assert _row(strict, LOS_ANGELES, "human_interest")["present"]
    two = framing.frame_summary(
        generic_hits, seed_corpus.stories, codebook="generic", min_sentences=2
    )
    assert not _row(two, JAPAN, "economic")["present"]  # one sentence only
    assert _row(two, RUSSIA, "conflict")["present"]


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
    assert f"- **{missing_md}** (2 stories" in framing.describe(summary, group="desk")


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
    assert _row(summary, calm, "other")["present"]
    assert _row(summary, calm, "other")["dominant"]
    assert _row(summary, calm, "other")["n_hits"] == 0
    assert not _row(summary, crime, "other")["present"]
    assert _row(summary, crime, "crime_punishment")["dominant"]


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
    book = framing.load_codebook(_write_codebook(tmp_path, frames))
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


# --------------------------------------------------------------------------- evidence + HTML


def test_evidence_escapes_untrusted_text():
    # entities decode to a literal <script> in the analysed text (markup itself is stripped)
    corpus = stories_from_texts(
        ["Critics condemned the &lt;script&gt;alert('x')&lt;/script&gt; budget plan."]
    )
    assert "<script>" in corpus.sentences.loc[0, "text"]
    hits = framing.frame_hits(corpus.sentences)
    evidence = framing.frame_evidence(hits, corpus.sentences)
    assert not evidence.empty
    for html_text in evidence["html"]:
        assert "<script>" not in html_text
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html_text
        assert "<mark" in html_text
    page = framing.evidence_html(evidence)
    assert "<script>" not in page


def test_evidence_escapes_hostile_sentence_table():
    sentences = pd.DataFrame(
        {
            "story_id": ['<img src=x onerror="alert(1)">'],
            "sentence_id": ["s/0"],
            "sentence_index": [0],
            "start": [0],
            "text": ['<b>war</b> & "peace" <script>alert(1)</script>'],
        }
    )
    hits = framing.frame_hits(sentences)
    evidence = framing.frame_evidence(hits, sentences)
    html_text = evidence.loc[0, "html"]
    assert html_text.startswith(
        '&lt;b&gt;<mark class="frame-trigger" title="conflict/war">war</mark>&lt;/b&gt;'
    )
    assert "&amp; &quot;peace&quot; &lt;script&gt;" in html_text
    page = framing.evidence_html(evidence)
    assert "<img" not in page and "<script>" not in page


def test_evidence_html_escapes_hostile_codebook_labels_and_story_ids(tmp_path):
    frames = """\
    - id: war
      label: '<img src=x onerror="alert(1)"> [x](javascript:alert(1))'
      description: War.
      detectors:
        - id: war
          terms: [war]
    """
    book = framing.load_codebook(_write_codebook(tmp_path, frames))
    sentences = pd.DataFrame(
        {
            "story_id": ["<script>alert(1)</script>"],
            "sentence_id": ["s/0"],
            "sentence_index": [0],
            "start": [0],
            "text": ["The war\x07 went on."],
        }
    )
    hits = framing.frame_hits(sentences, codebook=book)
    evidence = framing.frame_evidence(hits, sentences)
    page = framing.evidence_html(evidence, labels=book.labels())
    assert "<img" not in page and "<script>" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\x07" not in page  # control characters are dropped, as analysis.safe does


def test_mark_html_merges_overlaps_and_marks_context():
    out = framing.mark_html("cost $5 now", [(0, 4, "a")], context=[(5, 7, "a (context)")])
    assert out == (
        '<mark class="frame-trigger" title="a">cost</mark> '
        '<mark class="frame-context" style="background:#cfe2ff" title="a (context)">$5</mark>'
        " now"
    )
    merged = framing.mark_html("abcdef", [(0, 3, "x"), (2, 5, "y")])
    assert merged == '<mark class="frame-trigger" title="x; y">abcde</mark>f'


def test_evidence_top_keeps_best_sentences(generic_hits, seed_corpus):
    evidence = framing.frame_evidence(
        generic_hits, seed_corpus.sentences, story=RUSSIA, frame="conflict", top=2
    )
    assert len(evidence) == 2
    assert evidence["sentence_index"].is_monotonic_increasing
    full = framing.frame_evidence(
        generic_hits, seed_corpus.sentences, story=RUSSIA, frame="conflict"
    )
    assert evidence["score"].min() == full["score"].max()


# --------------------------------------------------------------------------- determinism, empty


def test_determinism_and_story_by_story(seed_corpus, generic_hits):
    again = framing.frame_hits(seed_corpus.sentences.copy(), codebook="generic")
    pd.testing.assert_frame_equal(generic_hits, again)
    parts = [
        framing.frame_hits(group, codebook="generic")
        for _, group in seed_corpus.sentences.groupby("story_id", sort=False)
    ]
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), generic_hits)


def test_inputs_are_not_mutated(seed_corpus):
    sentences = seed_corpus.sentences.copy()
    stories = seed_corpus.stories.copy()
    hits = framing.frame_hits(sentences)
    framing.frame_summary(hits, stories, group="story_id")
    framing.frame_evidence(hits, sentences)
    pd.testing.assert_frame_equal(sentences, seed_corpus.sentences)
    pd.testing.assert_frame_equal(stories, seed_corpus.stories)


def test_empty_input(seed_corpus):
    empty = seed_corpus.sentences.iloc[0:0]
    hits = framing.frame_hits(empty)
    assert hits.empty and list(hits.columns) == framing.HIT_COLUMNS
    assert framing.sentence_frames(hits).empty
    summary = framing.frame_summary(hits, seed_corpus.stories)
    assert len(summary) == 4 * 5
    assert not summary["present"].any() and not summary["dominant"].any()
    assert (summary["intensity"] == 0).all()
    no_stories = framing.frame_summary(hits, seed_corpus.stories.iloc[0:0])
    assert no_stories.empty and list(no_stories.columns) == ["story_id", *framing.SUMMARY_COLUMNS]
    evidence = framing.frame_evidence(hits, empty)
    assert evidence.empty and list(evidence.columns) == framing.EVIDENCE_COLUMNS
    assert "no sentence carries a frame" in framing.evidence_html(evidence)


# --------------------------------------------------------------------------- reading + tables


def test_describe_states_the_numbers(generic_summary):
    text = framing.describe(generic_summary)
    assert f"**{RUSSIA}** (1,205 words): dominant: *Conflict* (17.4 per 1,000 words" in text
    assert f"**{WASHINGTON}** (92 words, a truncated lead): no frame reaches" in text
    assert "3 of 4 stories are truncated leads" in text
    assert "Limits of the method" in text


def test_describe_for_groups_names_the_majority_rule(seed_corpus, generic_hits):
    stories = seed_corpus.stories.assign(desk=["world", "world", "national", "national"])
    summary = framing.frame_summary(generic_hits, stories, codebook="generic", group="desk")
    text = framing.describe(summary, codebook="generic", group="desk")
    assert "in a group when it is present in at least half of the group's stories" in text
    assert "- **national** (2 stories, 155 words, 2 truncated): dominant: *Human interest*" in text
    assert "present in 50% of stories" in text
    assert "Present in no group (by the majority rule): Morality" in text


def test_describe_escapes_corpus_and_codebook_strings(tmp_path):
    frames = """\
    - id: war
      label: '<script>alert(1)</script> *War*'
      description: War.
      detectors:
        - id: war
          terms: [war]
    - id: peace
      label: '[Peace](javascript:alert(1))'
      description: Peace.
      detectors:
        - id: peace
          terms: [treaty]
    """
    path = _write_codebook(tmp_path, frames)
    path.write_text(path.read_text().replace("name: test", "name: test\ntitle: '# <b>T</b>'"))
    book = framing.load_codebook(path)
    corpus = stories_from_texts(["War. War again. The war went on.", "Nothing happened."])
    hostile = "[click](javascript:alert(1)) <img src=x> **x**"
    stories = corpus.stories.assign(outlet=[hostile, "AP_News"], **{"a`b": ["x", "y"]})
    hits = framing.frame_hits(corpus.sentences, codebook=book)
    summary = framing.frame_summary(hits, stories, codebook=book, group="outlet")
    text = framing.describe(summary, codebook=book, group="outlet")
    for raw in (hostile, "<script>", "<b>", "[Peace](javascript", "<img"):
        assert raw not in text
    assert f"- **{escape_markdown(hostile)}** (1 stories" in text
    assert f"*{escape_markdown('<script>alert(1)</script> *War*')}*" in text
    assert escape_markdown("[Peace](javascript:alert(1))") in text  # "Never present: …"
    assert f"**{escape_markdown('# <b>T</b>')}** codebook" in text
    assert "by `outlet`" in text and f"- **{escape_markdown('AP_News')}**" in text
    odd = framing.frame_summary(hits, stories, codebook=book, group="a`b")
    assert "by ``a`b``" in framing.describe(odd, codebook=book, group="a`b")


def test_notebook_structure():
    import nbformat

    path = Path(__file__).parents[1] / "notebooks" / "framing.ipynb"
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    names = re.findall(r"^(\w+): ", tagged[0].source, re.M)
    assert names == [
        "corpus_path",
        "codebook",
        "group",
        "threshold",
        "filters",
        "date_from",
        "date_to",
    ]
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not any(re.search(r"^\s*(def|class|for|while) ", c.source, re.M) for c in code)
    for cell in code:
        if "show(" in cell.source:
            assert "nbval-ignore-output" in cell.metadata.get("tags", [])
    assert all(cell.get("id") for cell in nb.cells)


def test_codebook_tables():
    frames = framing.codebook_table("policy")
    assert len(frames) == 15
    assert frames.loc[frames["frame"] == "other", "n_detectors"].item() == 0
    assert frames["description"].str.len().gt(20).all()
    questions = framing.question_table("generic")
    assert questions.loc[0, "text"].startswith("Does the story reflect disagreement")


def test_doctests():
    result = doctest.testmod(framing, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


# --------------------------------------------------------------------------- figures


def test_heatmap(generic_summary):
    fig = frame_heatmap(generic_summary, value="intensity")
    assert isinstance(fig, go.Figure)
    heat = fig.data[0]
    assert list(heat.y) == [RUSSIA, JAPAN, WASHINGTON, LOS_ANGELES]
    assert heat.x[0] == "Conflict"
    assert round(heat.z[1][2], 1) == 69.0
    assert heat.texttemplate == "%{z:.1f}"
    small = frame_heatmap(generic_summary, max_groups=2, annotate=False)
    assert len(small.data[0].y) == 2 and "first 2 of 4" in small.layout.title.text


def test_profiles(generic_summary):
    bars = frame_profile(generic_summary, value="share")
    assert [t.name for t in bars.data] == [RUSSIA, JAPAN, WASHINGTON, LOS_ANGELES]
    one = frame_profile(generic_summary, story=JAPAN, kind="radar")
    assert len(one.data) == 1 and one.data[0].type == "scatterpolar"
    with pytest.raises(ParameterError, match="not found"):
        frame_profile(generic_summary, story="no-such-story")
    with pytest.raises(ParameterError, match="kind"):
        frame_profile(generic_summary, kind="pie")
    with pytest.raises(ParameterError, match="value"):
        frame_heatmap(generic_summary, value="present")


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        (r"\b\d+ cents\b", True),
        (r"(?i)\b\d[\d,]*(?: ?million)? dollars\b", True),
        (r"(?:\d+)|x\d", True),
        (r"(?>\d)", True),
        (r"%", False),
        (r"\d?", False),
        (r"a|\d", False),
        (r"[0-9]", False),  # not recognised: never skipped, which is only slower
    ],
)
def test_a_regex_is_skipped_on_digit_free_text_only_when_every_match_has_a_digit(pattern, needs):
    import re

    from analysis.framing import _needs_digit

    assert _needs_digit(re.compile(pattern)) is needs


# --------------------------------------------------------------------------- hostile input


def _finishes_within(code: str, seconds: float) -> str:
    """Run ``code`` in a fresh interpreter and return its output; fail the test (instead of
    hanging the suite) when it takes longer than ``seconds``."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=seconds,
            cwd=Path(__file__).parents[1],
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"did not finish in {seconds:g} s:\n{code}")
    assert done.returncode == 0, done.stderr
    return done.stdout


HOSTILE_FRAMES = """\
- id: hostile
  label: Hostile
  description: Catastrophic regular expressions.
  detectors:
    - id: nested_plus
      terms: ['re:(a+)+$']
    - id: overlapping
      terms: ['re:(a|a)+$']
    - id: nested_star
      terms: ['re:(a*)*b']
    - id: words
      terms: ['re:(\\w+\\s?)+$']
- id: plain
  label: Plain
  description: A word.
  detectors:
    - id: war
      terms: [war]
"""


def test_catastrophic_regexes_do_not_hang_frame_hits_or_the_worker_pass(tmp_path):
    # before: re:(a+)+$ on 30 "a" and a "!" took 185 s (x4 per two more characters)
    path = _write_codebook(tmp_path, HOSTILE_FRAMES)
    code = textwrap.dedent(
        f"""
        import json, warnings
        from analysis import analyze, framing, stories_from_texts
        book = framing.load_codebook({str(path)!r})
        texts = ["The cry was " + "a" * n + "!" for n in (30, 40)] + ["Then war broke out."]
        corpus = stories_from_texts(texts)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            hits = framing.frame_hits(corpus.sentences, codebook=book)
        in_workers = analyze(corpus, codebooks=[book], terms=False, cache=False, workers=2)
        print(json.dumps({{
            "ids": corpus.sentences[["story_id", "sentence_id"]].values.tolist(),
            "timeouts": [list(r) for r in hits.attrs.get("match_timeouts", ())],
            "warnings": [str(w.message) for w in caught],
            "hits": hits["detector"].tolist(),
            "worker_hits": in_workers.frame_hits[book.name]["detector"].tolist(),
        }}))
        """
    )
    out = json.loads(_finishes_within(code, 60))
    # (a*)*b finds the "b" of "broke"; the others find nothing, quickly or by timing out
    assert out["hits"] == out["worker_hits"] == ["nested_star", "war"]
    (story_1, sentence_1), (story_2, sentence_2), _ = out["ids"]
    pattern = "re:(a|a)+$"
    assert out["timeouts"] == [
        [story_1, sentence_1, "hostile", "overlapping", pattern, "timeout"],
        [story_2, sentence_2, "hostile", "overlapping", pattern, "timeout"],
    ]
    (message,) = out["warnings"]
    for part in (str(path), "frame 'hostile'", "detector 'overlapping'", story_1, sentence_1):
        assert part in message


@pytest.fixture
def slow_book(tmp_path, monkeypatch):
    monkeypatch.setattr(framing, "REGEX_TIMEOUT", 0.02)
    frames = """\
    - id: hostile
      label: Hostile
      description: A catastrophic regular expression.
      detectors:
        - id: mixed
          terms: [war, 're:(a|a)+$']
        - id: slow
          terms: ['re:(a|a)+$']
    - id: plain
      label: Plain
      description: A word.
      detectors:
        - id: war_only
          terms: [war]
    """
    return framing.load_codebook(_write_codebook(tmp_path, frames))


def test_a_timed_out_detector_is_skipped_for_that_sentence_and_reported(slow_book):
    corpus = stories_from_texts(["War cry " + "a" * 22 + "!", "War again."])
    (story_1, story_2) = corpus.stories["story_id"]
    first, second = corpus.sentences["sentence_id"]
    with pytest.warns(framing.MatchTimeoutWarning) as caught:
        hits = framing.frame_hits(corpus.sentences, codebook=slow_book)
    got = list(zip(hits["sentence_id"], hits["frame"].astype(str), hits["detector"], strict=True))
    assert got == [
        (first, "plain", "war_only"),  # the other frame still counts the sentence
        (second, "hostile", "mixed"),  # the skipped detector still fires elsewhere
        (second, "plain", "war_only"),
    ]
    timeouts = framing.match_timeouts(hits)
    assert list(timeouts.columns) == framing.TIMEOUT_COLUMNS
    assert timeouts.values.tolist() == [
        [story_1, first, "hostile", "mixed", "re:(a|a)+$", "timeout"],
        [story_1, first, "hostile", "slow", "re:(a|a)+$", "timeout"],
    ]
    message = str(caught[0].message)
    for part in (slow_book.path, "codebook 'test'", "frame 'hostile'", "detector 'mixed'"):
        assert part in message
    assert f"story {story_1!r}, sentence {first!r}" in message
    assert "detector 'slow'" in message and "skipped in 1 sentence(s)" in message


def test_a_regex_that_keeps_timing_out_is_switched_off(slow_book, monkeypatch):
    monkeypatch.setattr(framing, "MAX_REGEX_TIMEOUTS", 2)
    corpus = stories_from_texts([f"Cry {i} " + "a" * 22 + "!" for i in range(4)])
    with pytest.warns(framing.MatchTimeoutWarning, match=r"skipped in 4 .*switched off"):
        hits = framing.frame_hits(corpus.sentences, codebook=slow_book)
    timeouts = framing.match_timeouts(hits)
    slow = timeouts[timeouts["detector"] == "slow"]
    assert slow["reason"].tolist() == ["timeout", "timeout", "switched off", "switched off"]
    assert slow["sentence_id"].tolist() == corpus.sentences["sentence_id"].tolist()


def test_no_timeouts_no_warning(generic_hits, recwarn):
    assert framing.match_timeouts(generic_hits).empty
    assert "match_timeouts" not in generic_hits.attrs
    framing.warn_match_timeouts([], "generic")
    assert not [w for w in recwarn if w.category is framing.MatchTimeoutWarning]


def test_matching_is_linear_in_sentence_length(rules_book):
    # before: every trigger was compared with every context and every kept hit, so a
    # one-megabyte story without sentence punctuation took minutes
    unit = "They condemned the cost of $5 and the first degree tax they pay. "
    small = pd.DataFrame(
        {
            "story_id": ["s"],
            "sentence_id": ["s/0"],
            "sentence_index": [0],
            "start": [0],
            "text": [unit * 3],
        }
    )
    per_unit = len(framing.frame_hits(small, codebook=rules_book)) / 3
    assert per_unit == 4  # condemned, cost (near $5), $5, first degree; "pay" vetoes "tax"
    code = textwrap.dedent(
        f"""
        import pandas as pd
        from analysis import framing
        text = {unit!r} * 15_000
        sentences = pd.DataFrame({{"story_id": ["s"], "sentence_id": ["s/0"],
            "sentence_index": [0], "start": [0], "text": [text]}})
        hits = framing.frame_hits(sentences, codebook={rules_book.path!r})
        print(len(text), len(hits))
        """
    )
    n_chars, n_hits = map(int, _finishes_within(code, 60).split())
    assert n_chars > 900_000
    assert n_hits == 15_000 * per_unit


def _reference_nearest(triggers, contexts, window):
    """The pairwise rule the matcher used to apply: every trigger against every context."""

    def distance(t0, t1, c):
        return max(0, c[2] - t1, t0 - c[3])

    def close(s, e, t0, t1, c):
        if c[0] < e and s < c[1]:
            return False
        return window is None or distance(t0, t1, c) <= window

    return [
        min(
            (c for c in contexts if close(s, e, t0, t1, c)),
            key=lambda c, t0=t0, t1=t1: (distance(t0, t1, c), c[0]),
            default=None,
        )
        for s, e, t0, t1, _ in triggers
    ]


@st.composite
def _spans_in_text(draw):
    text = draw(st.text(alphabet=st.sampled_from(list("ab $-.")), min_size=1, max_size=40))
    starts, ends = framing._token_spans(framing._WORD_SPLIT.split(text))

    def span(label):
        if starts and draw(st.booleans()):  # a phrase: whole tokens
            i = draw(st.integers(0, len(starts) - 1))
            j = draw(st.integers(i, min(i + 2, len(starts) - 1)))
            return (starts[i], ends[j], i, j, label)
        s = draw(st.integers(0, len(text) - 1))  # a regex match: any stretch
        e = draw(st.integers(s + 1, len(text)))
        t0 = max(bisect.bisect_right(starts, s) - 1, 0)
        return (s, e, t0, max(bisect.bisect_left(starts, e) - 1, t0), label)

    triggers = [span(f"t{k}") for k in range(draw(st.integers(0, 6)))]
    contexts = [span(f"c{k}") for k in range(draw(st.integers(0, 8)))]
    window = draw(st.one_of(st.none(), st.integers(1, 4)))
    return framing._drop_contained(triggers), contexts, window


@settings(max_examples=500, deadline=None)
@given(_spans_in_text())
def test_nearest_context_is_the_pairwise_rule(case):
    triggers, contexts, window = case
    assert framing._nearest_contexts(triggers, contexts, window) == _reference_nearest(
        triggers, contexts, window
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(1, 8), st.sampled_from("abc")).map(
            lambda t: (t[0], t[0] + t[1], 0, 0, t[2])
        ),
        max_size=12,
    )
)
def test_drop_contained_is_the_pairwise_rule(spans):
    kept = []
    for span in sorted(spans, key=lambda x: (x[0], -x[1])):
        if not any(k[0] <= span[0] and span[1] <= k[1] for k in kept):
            kept.append(span)
    assert framing._drop_contained(spans) == kept
