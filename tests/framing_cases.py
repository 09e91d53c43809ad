"""Cases and helpers shared by the framing tests (``tests/test_framing_*.py``,
``test_narrate_framing.py``, ``test_figures_framing.py``)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from analysis import framing, stories_from_texts

#: Malformed codebooks, one per error case (``tests/data/codebooks/<case>.yaml``).
FIXTURES = Path(__file__).parent / "data" / "codebooks"
#: The shipped codebooks' names.
SHIPPED = framing.list_codebooks()


def summary_row(summary: pd.DataFrame, story: str, frame: str) -> pd.Series:
    """The one summary row of ``story`` and ``frame``."""
    rows = summary[(summary["story_id"] == story) & (summary["frame"] == frame)]
    assert len(rows) == 1
    return rows.iloc[0]


def write_codebook(tmp_path: Path, frames_yaml: str, *, lexicons: str = "") -> Path:
    """A codebook file ``test.yaml`` in ``tmp_path`` with these frames (and lexicons)."""
    text = 'name: test\nversion: "1"\ncitation: A test.\n'
    if lexicons:
        text += "lexicons:\n" + textwrap.indent(textwrap.dedent(lexicons), "  ")
    text += "frames:\n" + textwrap.indent(textwrap.dedent(frames_yaml), "  ")
    path = tmp_path / "test.yaml"
    path.write_text(text)
    return path


def matches(book, text: str) -> list[tuple[str, str]]:
    """``(detector, matched text)`` of every hit of ``book`` in ``text``."""
    sentences = stories_from_texts([text]).sentences
    hits = framing.frame_hits(sentences, codebook=book)
    return list(zip(hits["detector"], hits["match"], strict=True))


def finishes_within(code: str, seconds: float) -> str:
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
