"""Summaries and titles of executed notebooks, as plain text for the index page.

A report's summary is the Markdown output of its cell tagged :data:`SUMMARY_TAG`; its title is
the first ``# `` heading of a Markdown cell. Both are reduced to plain text: backslash escapes
(CommonMark 0.31, section 2.4) and character references (2.5) decoded, emphasis and code-span
markup removed, whitespace collapsed - the inverse of :func:`analysis.safe.escape_markdown` for
one line of text. The result is plain text (``<`` is a character, not a tag): escape it for HTML.
"""

from __future__ import annotations

import html
import re

import nbformat

__all__ = ["SUMMARY_TAG", "notebook_summary", "notebook_title", "one_line", "plain_text"]

#: Cells tagged with this have their Markdown output copied to the index as the report summary.
SUMMARY_TAG = "report-summary"

# One token of Markdown at a time, left to right: a backslash escape (CommonMark 0.31, 2.4: any
# ASCII punctuation), an HTML character reference (2.5), or emphasis / code-span markup.
_MARKDOWN_TOKEN = re.compile(
    r"\\([!-/:-@\[-`{-~])"
    r"|(&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)"
    r"|(\*\*|\*|`)"
)


def plain_text(markdown: str) -> str:
    """Markdown inline text as plain text: escapes and entities decoded, ``**``/``*``/`` ` ``
    markup removed, whitespace collapsed. The inverse of :func:`analysis.safe.escape_markdown`
    for one line of text.

    >>> plain_text(r"**2 stories** from Fox\\_News &amp; \\*AP\\*")
    '2 stories from Fox_News & *AP*'
    """

    def token(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return match.group(1)
        if match.group(2) is not None:
            return html.unescape(match.group(2))
        return ""

    return " ".join(_MARKDOWN_TOKEN.sub(token, markdown).split())


def one_line(markdown: str, limit: int = 260) -> str:
    """A plain-text line for the index: the first paragraph (or first two bullets), no markup.

    The result is plain text (``<`` is a character, not a tag): escape it for HTML.

    >>> one_line("- **one** `a`\\n- two\\n- three")
    'one a two'
    """
    first = markdown.strip().split("\n\n")[0]
    lines = [ln.strip() for ln in first.splitlines() if ln.strip()]
    if lines and lines[0].startswith("- "):
        lines = [ln[2:] for ln in lines if ln.startswith("- ")][:2]
    text = plain_text(" ".join(lines))
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def notebook_summary(nb: nbformat.NotebookNode) -> str:
    """The one-line summary of an executed notebook ("" when it has none)."""
    for cell in nb.cells:
        if SUMMARY_TAG in cell.metadata.get("tags", []):
            for output in cell.get("outputs", []):
                text = output.get("data", {}).get("text/markdown")
                if text:
                    return one_line("".join(text))
    return ""


def notebook_title(nb: nbformat.NotebookNode, default: str) -> str:
    """The plain text of the notebook's first ``# `` heading, else ``default``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return plain_text(line[2:]) or default
    return default
