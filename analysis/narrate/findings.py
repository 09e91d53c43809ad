"""Key findings: the few generated sentences a report opens with, the rest one click away.

Method: an inverted pyramid (the news writer's rule of putting the answer first; Pöttker 2003,
*News and its communicative quality: the inverted pyramid*, Journalism Studies 4(4)) applied to
the prose the ``describe`` functions of :mod:`analysis.narrate` already generate from a report's
tables. Nothing is recomputed or reworded: :func:`key_findings` only selects and orders.

The input is the Markdown of a ``describe`` function: lead paragraphs, ``**Section**`` label
lines, and ``- `` bullets (a bullet may continue on indented lines). The selection keeps

1. the lead paragraphs (the headline sentences, at most two);
2. then bullets taken in turn from each section (first bullet of every section, then second …),
   so tone, frames and words each get their answer before any section gets a second one;

up to ``limit`` items, in that order. The source pointers at the end of a bullet
(``_(table cards, row …)_``) stay in the full text only. When items are left out, the full text
follows in a ``<details>`` block ("All findings"), so the page stays short and nothing is lost.
The text is already escaped by the ``describe`` functions; this module adds only fixed markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["key_findings", "split_findings"]

#: A bullet's source pointer, e.g. ``_(table cards, rows `a`, `b`, column `n_words`)_``.
_SOURCE = re.compile(r"\s*_\(table [^\n]*?\)_\s*$")
#: A section label line: the whole line is bold text.
_SECTION = re.compile(r"^\*\*[^*\n]+\*\*:?\s*$")


@dataclass
class Findings:
    """A ``describe`` text split into lead paragraphs and bullets by section."""

    lead: list[str] = field(default_factory=list)
    sections: list[list[str]] = field(default_factory=list)

    def bullets(self) -> int:
        return sum(len(s) for s in self.sections)


def _blocks(text: str) -> list[str]:
    """Paragraphs and bullets, a bullet's continuation lines joined to it."""
    items: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        starts = stripped.startswith("- ") or not stripped or _SECTION.match(stripped)
        if starts or (current and current[0].startswith("- ") and not line.startswith(" ")):
            if current:
                items.append(" ".join(current))
            current = []
            if stripped:
                current = [stripped]
        else:
            current.append(stripped)
    if current:
        items.append(" ".join(current))
    return [item for item in items if item]


def split_findings(text: str) -> Findings:
    """Lead paragraphs and bullets by section of a ``describe`` Markdown text."""
    out = Findings()
    section: list[str] | None = None
    for item in _blocks(text):
        if _SECTION.match(item):
            section = []
            out.sections.append(section)
        elif item.startswith("- "):
            if section is None:
                section = []
                out.sections.append(section)
            section.append(item)
        elif section is None:
            out.lead.append(item)
        else:  # a paragraph after the bullets: a closing remark of the section
            section.append("- " + item)
    return out


def key_findings(text: str, *, limit: int = 6, max_lead: int = 2) -> str:
    """The first ``limit`` findings of a ``describe`` text, then the full text folded away.

    Args:
        text: Markdown from a ``describe`` function of :mod:`analysis.narrate`.
        limit: findings shown (lead paragraphs count), at least 1.
        max_lead: lead paragraphs shown at most.

    >>> print(key_findings("Lead.\\n\\n- a\\n- b", limit=2))
    Lead.
    <BLANKLINE>
    - a
    <BLANKLINE>
    <details><summary>All findings (3)</summary>
    <BLANKLINE>
    Lead.
    <BLANKLINE>
    - a
    - b
    <BLANKLINE>
    </details>
    """
    limit = max(1, int(limit))
    parts = split_findings(text)
    lead = parts.lead[: min(max_lead, limit)]
    bullets: list[str] = []
    depth = 0
    while len(lead) + len(bullets) < limit and any(depth < len(s) for s in parts.sections):
        for section in parts.sections:
            if depth < len(section) and len(lead) + len(bullets) < limit:
                bullets.append(_SOURCE.sub("", section[depth]))
        depth += 1
    shown = "\n\n".join([*lead, "\n".join(bullets)] if bullets else lead)
    total = len(parts.lead) + parts.bullets()
    if total <= len(lead) + len(bullets):
        return text.strip()
    return (
        f"{shown}\n\n<details><summary>All findings ({total})</summary>\n\n"
        f"{text.strip()}\n\n</details>"
    )
