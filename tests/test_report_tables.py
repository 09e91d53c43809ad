"""Tests of analysis.report.tables: a long table shows a bounded number of rows in the page,
every group among them, and is exported in full as CSV."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import ParameterError
from analysis.report.tables import shown_rows


def test_long_table_is_capped_in_turn_per_group_and_exported_in_full(tmp_path):
    table = pd.DataFrame(
        {
            "group": ["left"] * 50 + ["center"] * 40 + ["right"] * 3,
            "n": range(93),
            "html": ["<mark>x</mark>"] * 93,
        }
    )
    shown, note = shown_rows(
        table, "evidence.csv", output_dir=tmp_path, by="group", export_drop=["html"]
    )
    assert len(shown) == 30
    assert shown["group"].value_counts().to_dict() == {"left": 14, "center": 13, "right": 3}
    assert shown["n"].is_monotonic_increasing  # the table's own order
    assert note == (
        "Showing 30 of 93 rows (63 left out); the full table is in `tables/evidence.csv`."
    )
    exported = pd.read_csv(tmp_path / "tables" / "evidence.csv")
    assert exported.columns.tolist() == ["group", "n"] and len(exported) == 93
    short, note = shown_rows(table.head(5), "short.csv", output_dir=tmp_path, limit=30)
    assert len(short) == 5 and note == "All 5 rows; also in `tables/short.csv`."
    first, _ = shown_rows(table, "first.csv", output_dir=tmp_path, limit=4)
    assert first["n"].tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "../escape.csv"}, "CSV file name"),
        ({"name": "table.txt"}, "CSV file name"),
        ({"limit": 0}, "limit"),
        ({"by": "nope"}, "nope"),
    ],
)
def test_bad_arguments(tmp_path, kwargs, message):
    table = pd.DataFrame({"group": ["a"], "n": [1]})
    with pytest.raises(ParameterError, match=message):
        shown_rows(table, **{"name": "t.csv", "output_dir": tmp_path, **kwargs})
