"""Tests of analysis.narrate.findings: the answer-first selection of generated findings."""

from __future__ import annotations

from analysis.narrate.findings import key_findings, split_findings

SECTIONED = """Across the 4 stories, **A** is the most negative (-0.30).

**Overview**

- Lengths differ: A has 1,205 words. _(table cards, rows `a`, column `n_words`)_
- 3 of 4 stories are truncated.

**Tone**

- **A** is the most negative (-0.30 over 2
  sentences). _(table cards, row `a`, column `mean_score`)_
- **B** is the most positive.

**Frames**

- Only **A** carries *Conflict*.
"""


def test_split_keeps_lead_sections_and_continued_bullets() -> None:
    parts = split_findings(SECTIONED)
    assert parts.lead == ["Across the 4 stories, **A** is the most negative (-0.30)."]
    assert [len(s) for s in parts.sections] == [2, 2, 1]
    assert parts.sections[1][0].startswith("- **A** is the most negative (-0.30 over 2 sentences)")


def test_key_findings_take_each_section_in_turn_and_fold_the_rest() -> None:
    text = key_findings(SECTIONED, limit=4)
    shown, folded = text.split("<details>")
    assert shown.splitlines()[0].startswith("Across the 4 stories")
    bullets = [line for line in shown.splitlines() if line.startswith("- ")]
    assert bullets == [
        "- Lengths differ: A has 1,205 words.",  # source pointer left to the full text
        "- **A** is the most negative (-0.30 over 2 sentences).",
        "- Only **A** carries *Conflict*.",
    ]
    assert "<summary>All findings (6)</summary>" in folded
    assert "_(table cards, row `a`, column `mean_score`)_" in folded


def test_short_texts_are_returned_whole() -> None:
    text = "**4 stories**, 55 sentences.\n\n3 stories open with a dateline."
    assert key_findings(text) == text
    assert "<details>" not in key_findings("- a\n- b", limit=2)
