"""Tests of analysis.safe: escaping, file names, output paths and spreadsheet-safe exports."""

from __future__ import annotations

import csv
import html
import os
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.errors import ParameterError
from analysis.safe import (
    escape_html,
    escape_markdown,
    markdown_code,
    neutralize_cell,
    output_path,
    plot_text,
    safe_filename,
    spreadsheet_safe,
    write_csv,
)

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "<svg onload=alert(1)>",
    "[click](javascript:alert(1))",
    "![x](javascript:alert(1))",
    '"><img src=x onerror=alert(1)>',
    "<a href='javascript:alert(1)'>x</a>",
    "&lt;script&gt;",
    "line\n# heading\n<script>x</script>",
    "`code` **bold** _em_ | a | b |",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escape_html_leaves_no_tag_or_quote(payload: str) -> None:
    out = escape_html(payload)
    assert "<" not in out and ">" not in out and '"' not in out and "'" not in out
    assert html.unescape(out) == payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escape_markdown_leaves_no_markup(payload: str) -> None:
    out = escape_markdown(payload)
    assert "<" not in out and ">" not in out and "\n" not in out
    # every bracket, parenthesis, star, underscore, backtick and pipe is backslash-escaped
    assert not re.search(r"(?<!\\)[\[\]()*_`|]", out)
    plain = html.unescape(re.sub(r"\\(.)", r"\1", out))
    assert plain == payload.replace("\n", " ")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Fox News", "Fox News"),
        ("story-1", "story-1"),
        ("- a list", "\\- a list"),
        ("12. an ordered list", "12\\. an ordered list"),
        ("# heading", "\\# heading"),
        ("A & B", "A &amp; B"),
        (None, ""),
        (float("nan"), ""),
        (3, "3"),
    ],
)
def test_escape_markdown_examples(value: object, expected: str) -> None:
    assert escape_markdown(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("outlet", "`outlet`"), ("a`b", "``a`b``"), ("`x", "`` `x ``"), ("a\nb", "`a b`")],
)
def test_markdown_code_fences(value: str, expected: str) -> None:
    assert markdown_code(value) == expected


def test_plot_text_is_html_escaped() -> None:
    assert plot_text("<b>AP</b>") == "&lt;b&gt;AP&lt;/b&gt;"


@pytest.mark.parametrize(
    ("name", "expected_start"),
    [
        ("story-1", "story-1"),
        ("a/b", "a_b-"),
        ("../../etc/passwd", "etc_passwd-"),
        ("", "unnamed"),
    ],
)
def test_safe_filename_examples(name: str, expected_start: str) -> None:
    stem = safe_filename(name)
    assert stem.startswith(expected_start)
    assert re.fullmatch(r"[A-Za-z0-9._-]+", stem)
    assert ".." not in stem and not stem.startswith(".")


def test_safe_filename_keeps_different_names_apart() -> None:
    names = ["a/b", "a_b", "a b", "a:b", "x" * 100 + "1", "x" * 100 + "2", "É", "E"]
    stems = [safe_filename(n) for n in names]
    assert len(set(stems)) == len(names)
    assert all(len(s) <= 80 for s in stems)


def test_safe_filename_fallback_for_missing_names() -> None:
    assert safe_filename(None, fallback="story-3") == "story-3"
    assert safe_filename("   ", fallback="s") == "s"


@given(st.text(max_size=200))
def test_safe_filename_is_always_a_plain_file_name(name: str) -> None:
    stem = safe_filename(name)
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", stem)
    assert len(stem) <= 80


@given(st.lists(st.text(max_size=30), min_size=2, max_size=6, unique=True))
def test_safe_filename_is_injective(names: list[str]) -> None:
    nonblank = [n for n in names if n.strip()]
    assert len({safe_filename(n) for n in nonblank}) == len(nonblank)


def test_output_path_refuses_escapes(tmp_path) -> None:
    assert output_path(tmp_path, "tables", "x.csv") == (tmp_path / "tables" / "x.csv").resolve()
    with pytest.raises(ParameterError, match="outside the output folder"):
        output_path(tmp_path, "..", "x.csv")
    with pytest.raises(ParameterError, match="outside the output folder"):
        output_path(tmp_path, "tables/../../../../x/y.csv")
    with pytest.raises(ParameterError, match="outside the output folder"):
        output_path(tmp_path, "/etc/passwd")


def test_output_path_refuses_symlinks_out(tmp_path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(outside, out / "tables")
    with pytest.raises(ParameterError, match="outside the output folder"):
        output_path(out, "tables", "x.csv")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("Fox News", "Fox News"),
        (-1.5, -1.5),
        (None, None),
    ],
)
def test_neutralize_cell(value: object, expected: object) -> None:
    assert neutralize_cell(value) == expected


def test_spreadsheet_safe_does_not_mutate_and_keeps_numbers() -> None:
    table = pd.DataFrame({"=name": ["=cmd|' /C calc'!A0", "ok"], "score": [-0.5, 1.0]})
    out = spreadsheet_safe(table)
    assert table.iloc[0, 0] == "=cmd|' /C calc'!A0"
    assert out.iloc[0, 0] == "'=cmd|' /C calc'!A0"
    assert out["score"].tolist() == [-0.5, 1.0]
    assert list(out.columns) == ["'=name", "score"]


def test_write_csv_is_safe_and_stays_inside(tmp_path) -> None:
    table = pd.DataFrame({"outlet": ['=HYPERLINK("http://x","y")', "AP"], "n": [1, -2]})
    path = write_csv(table, tmp_path, "tables", "x.csv")
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows == [["outlet", "n"], ['\'=HYPERLINK("http://x","y")', "1"], ["AP", "-2"]]
    with pytest.raises(ParameterError):
        write_csv(table, tmp_path, "..", "y.csv")
    assert not (tmp_path.parent / "y.csv").exists()
    assert not list(tmp_path.glob("tables/.*.tmp"))
