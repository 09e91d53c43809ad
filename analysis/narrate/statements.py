"""Statement tables: the rows every generated statement fills, their Markdown, and the ways
numbers and names are written in them.

A statement is one sentence of Markdown generated from a table, with its source: the table, the
row(s) and the column it cites (:data:`STATEMENT_COLUMNS`). :class:`Statements` collects them
and returns the table (the headline first, then the statements by aspect);
:func:`statements_markdown` renders any such table. The formats below are shared by every
narration, so a number reads the same everywhere: tone with two decimals (three below 0.1 in
size), counts with thousands separators, names in bold. Every corpus string goes through
:func:`analysis.safe.escape_markdown` (or :func:`analysis.safe.markdown_code` for values shown
as code) on its way in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final

import pandas as pd

from analysis._checks import require_columns
from analysis.safe import escape_markdown, markdown_code

__all__ = [
    "ASPECT_TITLES",
    "MIN_SENTENCES",
    "STATEMENT_COLUMNS",
    "Statements",
    "bold_name",
    "capitalised",
    "count_text",
    "joined",
    "listed_terms",
    "ordinal",
    "statements_markdown",
    "thin_note",
    "tone_text",
    "top_share",
]

#: A claim resting on fewer sentences says that the evidence is thin.
MIN_SENTENCES: Final = 5
STATEMENT_COLUMNS: Final = [
    "aspect",
    "rule",
    "statement",
    "source_table",
    "source_row",
    "source_column",
    "value",
]
#: Statement aspects in report order, with their titles in :func:`statements_markdown`.
ASPECT_TITLES: Final = {
    "overview": "Overview",
    "tone": "Tone",
    "frames": "Frames",
    "words": "Words",
    "actors": "Actors",
    "quotes": "Quotations",
    "topics": "Topics",
}


# --------------------------------------------------------------------------- words and numbers


def bold_name(label: str) -> str:
    """A group's or story's label in bold, escaped.

    >>> bold_name("the *Tokyo* lead")
    '**the \\\\*Tokyo\\\\* lead**'
    """
    return f"**{escape_markdown(label)}**"


def tone_text(x: float) -> str:
    """A tone as the statements write it: two decimals, three below 0.1 in size.

    >>> tone_text(-0.30015), tone_text(0.054)
    ('-0.30', '+0.054')
    """
    return f"{x:+.2f}" if abs(x) >= 0.1 else f"{x:+.3f}"


def count_text(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and ``noun``, plural unless the count is one.

    >>> count_text(1, "story", "stories"), count_text(1205, "word")
    ('1 story', '1,205 words')
    """
    return f"{count:,} {noun if count == 1 else (plural or noun + 's')}"


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th`` …

    >>> ordinal(1), ordinal(12), ordinal(23)
    ('1st', '12th', '23rd')
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


def top_share(rank: int, n: int, sep: str = " (", end: str = ")") -> str:
    """`` (top 5 %)`` for ranks among more than 20 stories, else empty.

    >>> top_share(3, 60), top_share(3, 20)
    (' (top 5 %)', '')
    """
    if n <= 20:
        return ""
    return f"{sep}top {math.ceil(100 * rank / n)} %{end}"


def joined(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``.

    >>> joined(["a", "b", "c"])
    'a, b and c'
    """
    items = list(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def capitalised(text: str) -> str:
    """``text`` with its first letter upper-cased (after any leading ``*`` or quote mark).

    >>> capitalised("**the Tokyo lead**")
    '**The Tokyo lead**'
    """
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
        if ch not in "*_\u201c\"'":
            return text
    return text


def thin_note(n_sentences: int, min_sentences: int) -> str:
    """The note added to a claim resting on fewer than ``min_sentences`` sentences."""
    if n_sentences >= min_sentences:
        return ""
    return f"; thin evidence: fewer than {min_sentences} sentences, one can move the mean"


def listed_terms(rows: pd.DataFrame) -> str:
    """Distinctive terms (``term``, ``z`` columns) as ``*term* (z)``, comma-separated."""
    return ", ".join(
        f"*{escape_markdown(t)}* ({z:.2f})" for t, z in zip(rows["term"], rows["z"], strict=True)
    )


# --------------------------------------------------------------------------- statement tables


class Statements:
    """Collects statement rows (:data:`STATEMENT_COLUMNS`) and returns them as a table."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        aspect: str,
        rule: str,
        text: str,
        table: str,
        rows: Sequence[str],
        column: str,
        value: float = math.nan,
    ) -> None:
        """Add one statement: its aspect, the rule that made it, its Markdown text, and the
        table, rows (group values, ``"; "``-joined) and column it cites, with the main number."""
        self.rows.append(
            {
                "aspect": aspect,
                "rule": rule,
                "statement": text,
                "source_table": table,
                "source_row": "; ".join(str(r) for r in rows),
                "source_column": column,
                "value": float(value),
            }
        )

    def table(self, *, headline: str, sources: Sequence[str] = ()) -> pd.DataFrame:
        """The statements, ``headline`` first (citing the rows ``sources`` of the cards), then
        by aspect in :data:`ASPECT_TITLES` order."""
        table = pd.DataFrame(self.rows, columns=STATEMENT_COLUMNS)
        head = pd.DataFrame(
            [
                {
                    "aspect": "overview",
                    "rule": "headline",
                    "statement": headline,
                    "source_table": "cards",
                    "source_row": "; ".join(dict.fromkeys(sources)),
                    "source_column": "",
                    "value": math.nan,
                }
            ],
            columns=STATEMENT_COLUMNS,
        )
        if len(table):
            order = {a: i for i, a in enumerate(ASPECT_TITLES)}
            table = table.assign(_a=table["aspect"].map(order).fillna(len(order)))
            table = table.sort_values("_a", kind="stable").drop(columns="_a")
            table = pd.concat([head, table], ignore_index=True)
        else:
            table = head
        for col in STATEMENT_COLUMNS[:-1]:
            table[col] = table[col].astype(str)
        table["value"] = table["value"].astype("float64")
        return table


def statements_markdown(statements: pd.DataFrame, *, sources: bool = True) -> str:
    """The statements as Markdown: the headline as the first paragraph, then one bullet per
    statement, grouped by aspect, each followed by its source (table, rows, column).

    Args:
        statements: :func:`analysis.narrate.compare.comparison_statements` or
            :func:`analysis.narrate.story.story_statements` output.
        sources: write each statement's source after it.

    Raises:
        ParameterError: ``statements`` is not a table or lacks a column.
    """
    require_columns(statements, STATEMENT_COLUMNS, "statements")
    heads = statements[statements["rule"] == "headline"]
    lines: list[str] = []
    if not heads.empty:
        lines += [heads["statement"].iloc[0], ""]
    rest = statements[statements["rule"] != "headline"]
    for aspect in dict.fromkeys(rest["aspect"]):
        lines.append(f"**{ASPECT_TITLES.get(aspect, escape_markdown(aspect))}**")
        lines.append("")
        for row in rest[rest["aspect"] == aspect].itertuples(index=False):
            text = f"- {row.statement}"
            if sources:
                where = f"table {row.source_table}"
                if row.source_row:
                    rows = row.source_row.split("; ")
                    where += f", row{'s' if len(rows) > 1 else ''} "
                    where += ", ".join(markdown_code(r) for r in rows)
                if row.source_column:
                    where += f", column {markdown_code(row.source_column)}"
                text += f" _({where})_"
            lines.append(text)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
