"""Untrusted text as HTML with stretches of it wrapped in ``<mark>``: the triggers and contexts
of the frame evidence (:func:`analysis.framing.frame_evidence`).

Rule: the text is cut at the marked spans and every piece, and every title, goes through
:func:`analysis.safe.escape_html` before a tag is added; overlapping spans are merged into one
``<mark>`` whose title lists theirs (a merged span is a trigger if any of its spans is).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from analysis.safe import escape_html

__all__ = ["CONTEXT_STYLE", "mark_html"]

#: Inline style of a co-occurrence context mark (a light blue background).
CONTEXT_STYLE: Final = ' style="background:#cfe2ff"'


def mark_html(
    text: str,
    spans: Iterable[tuple[int, int, str]],
    *,
    context: Iterable[tuple[int, int, str]] = (),
) -> str:
    """Escape ``text`` for HTML and wrap the given spans in ``<mark>``.

    Args:
        text: untrusted text (every piece is passed through :func:`analysis.safe.escape_html`).
        spans: ``(start, end, title)`` trigger spans; overlapping spans are merged. Titles
            (frame and detector ids from a codebook) are escaped too.
        context: ``(start, end, title)`` co-occurrence context spans, marked with
            ``class="frame-context"`` and a light blue background.

    >>> mark_html("a <b> war", [(6, 9, "conflict/war")])
    'a &lt;b&gt; <mark class="frame-trigger" title="conflict/war">war</mark>'
    """
    marks = [(s, e, t, "frame-trigger") for s, e, t in spans]
    marks += [(s, e, t, "frame-context") for s, e, t in context]
    merged: list[list[Any]] = []
    for s, e, title, kind in sorted(marks, key=lambda m: (m[0], -m[1])):
        if merged and s < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], e)
            if title not in last[2]:
                last[2].append(title)
            if kind == "frame-trigger":
                last[3] = kind
            continue
        merged.append([s, e, [title], kind])
    pieces: list[str] = []
    pos = 0
    for s, e, titles, kind in merged:
        pieces.append(escape_html(text[pos:s]))
        title = escape_html("; ".join(str(t) for t in titles))
        style = CONTEXT_STYLE if kind == "frame-context" else ""
        pieces.append(
            f'<mark class="{kind}"{style} title="{title}">{escape_html(text[s:e])}</mark>'
        )
        pos = e
    pieces.append(escape_html(text[pos:]))
    return "".join(pieces)
