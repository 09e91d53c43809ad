"""Long tables in a report: a bounded number of rows in the page, the full table as CSV.

A report page stays readable when an evidence table has thousands of rows: the page shows at
most ``limit`` rows (taken in turn from each group when ``by`` is given, so every group is
shown), says how many were left out, and the full table is exported with
:func:`analysis.safe.write_csv` to ``tables/<name>`` in the run's folder (the ``output_dir`` the
report runner passes to notebooks that declare it).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analysis import config, safe
from analysis._checks import positive_int, require_columns
from analysis.errors import ParameterError

__all__ = ["DISPLAY_ROWS", "shown_rows"]

#: Rows of a long table shown in a report page by default.
DISPLAY_ROWS = 30


def shown_rows(
    table: pd.DataFrame,
    name: str,
    *,
    output_dir: str | Path | None = None,
    limit: int = DISPLAY_ROWS,
    by: str | None = None,
    export_drop: Sequence[str] = (),
) -> tuple[pd.DataFrame, str]:
    """At most ``limit`` rows of ``table`` to show, and a Markdown line saying what was left out.

    The full table (without the columns ``export_drop``) is written to ``tables/<name>`` under
    ``output_dir`` (default: :func:`analysis.config.reports_dir`). Does not mutate ``table``.

    Args:
        table: the table to show.
        name: the CSV file name (``"sentiment-evidence.csv"``).
        output_dir: the folder of the run.
        limit: rows shown at most.
        by: a column of ``table``: rows are taken in turn from each of its values (first row
            of each group, then the second …), so every group is shown when there are at most
            ``limit`` groups.
        export_drop: columns left out of the CSV (e.g. an ``html`` column).

    Returns:
        The rows shown (in the table's order, index reset) and the Markdown line.

    Raises:
        ParameterError: a bad ``limit``, ``name`` or ``by``.

    >>> import tempfile
    >>> table = pd.DataFrame({"group": ["a"] * 5 + ["b"] * 2, "n": range(7)})
    >>> with tempfile.TemporaryDirectory() as out:
    ...     shown, note = shown_rows(table, "t.csv", output_dir=out, limit=4, by="group")
    >>> shown["n"].tolist()
    [0, 1, 5, 6]
    >>> note
    'Showing 4 of 7 rows (3 left out); the full table is in `tables/t.csv`.'
    """
    count = positive_int(limit, "limit")
    if not isinstance(name, str) or not name.endswith(".csv") or "/" in name or "\\" in name:
        raise ParameterError(f"name must be a CSV file name such as 'evidence.csv', got {name!r}")
    require_columns(table, [by] if by is not None else [], "table")
    path = safe.write_csv(
        table.drop(columns=list(export_drop), errors="ignore"),
        config.reports_dir() if output_dir is None else output_dir,
        "tables",
        name,
    )
    where = safe.markdown_code(f"tables/{path.name}")
    if by is None:
        shown = table.head(count)
    else:
        turn = table.groupby(by, sort=False, dropna=False).cumcount().to_numpy()
        keys = pd.DataFrame({"turn": turn, "row": range(len(table))})
        rows = keys.sort_values(["turn", "row"], kind="stable").head(count)["row"].sort_values()
        shown = table.iloc[rows.to_numpy()]
    left = len(table) - len(shown)
    if left:
        note = (
            f"Showing {len(shown):,} of {len(table):,} rows ({left:,} left out); the full "
            f"table is in {where}."
        )
    else:
        note = f"All {len(table):,} rows; also in {where}."
    return shown.reset_index(drop=True), note
