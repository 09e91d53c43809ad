"""Tests for analysis.framing.codebook: the shipped codebooks, loading and validation errors."""

from __future__ import annotations

import doctest
import re

import pytest

from analysis import framing, stories_from_texts
from analysis.errors import CodebookError, ParameterError
from analysis.framing import codebook
from tests.framing_cases import FIXTURES, SHIPPED, write_codebook

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
    path = write_codebook(tmp_path, frames)
    first = framing.load_codebook(path)
    assert framing.load_codebook(path) is first  # compiled once, then cached
    path.write_text(path.read_text().replace("[dispute]", "[dispute, feud]"))
    second = framing.load_codebook(path)
    assert second.cache_key != first.cache_key
    assert second.cache_key.startswith("test-1-")


def test_doctests():
    result = doctest.testmod(codebook, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
