"""The framing step in words and HTML: a reading of the frame tables, the codebook's header and
the evidence table.

Nothing is computed here: every number comes from :func:`analysis.framing.frame_summary` (the
story and group rules 5-6 of :mod:`analysis.framing`: a dictionary content analysis with the
generic news frames of Semetko & Valkenburg 2000, *Framing European politics: A content
analysis of press and television news*, Journal of Communication 50(2), 93-109, or the policy
frames of Boydstun, Card, Gross, Resnik & Smith 2014, *Tracking the development of media frames
within and across policy issues*) and every evidence sentence from
:func:`analysis.framing.frame_evidence`. Codebooks and corpora are untrusted text: every string
from them goes through :func:`analysis.safe.escape_markdown` (Markdown) or
:func:`analysis.safe.escape_html` (HTML); the evidence's ``html`` column was escaped by
:func:`mark_html` (re-exported from :mod:`analysis.narrate.marks`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import pandas as pd

from analysis._checks import require_columns
from analysis.framing import (
    DEFAULT_THRESHOLD,
    EVIDENCE_COLUMNS,
    Codebook,
    load_codebook,
)
from analysis.framing.matcher import TABLE_HINT
from analysis.framing.summary import check_summary
from analysis.narrate.marks import mark_html
from analysis.safe import escape_html, escape_markdown, markdown_code

__all__ = ["LIMITS", "codebook_header", "describe", "evidence_html", "mark_html"]

#: The closing paragraph of :func:`describe`: what a dictionary method cannot see.
LIMITS: Final = (
    "**Limits of the method.** A dictionary method sees only its keywords: it misses frames "
    "carried without them (through quotation, irony, story structure or images) and counts "
    "keywords used in another sense. A lexical trigger is not a coder's judgement; read the "
    "evidence sentences before trusting a number, and validate the codebook against "
    "hand-coded stories before drawing conclusions."
)


def describe(
    summary: pd.DataFrame,
    *,
    codebook: Codebook | str | Path = "generic",
    group: str = "story_id",
    threshold: float = DEFAULT_THRESHOLD,
    max_groups: int = 8,
    rules: str | None = None,
) -> str:
    """A short markdown reading of :func:`analysis.framing.frame_summary` output, every number
    from the table.

    Every string from the corpus or the codebook (group values, frame labels, the codebook's
    title and version) passes through :func:`analysis.safe.escape_markdown`, and the group
    column's name through :func:`analysis.safe.markdown_code`, so each is shown literally.

    Args:
        summary: :func:`analysis.framing.frame_summary` output.
        codebook: the codebook used.
        group: the summary's group column.
        threshold: the threshold the summary was built with (quoted in the text).
        max_groups: describe at most this many groups one by one (then only totals).
        rules: the sentence saying which decision rules were used
            (:func:`analysis.narrate.calibration.rules_statement`); replaces the blind rule's
            definition in the opening when the decisions are calibrated.

    Raises:
        ParameterError: ``summary`` is not a frame summary grouped by ``group``.
    """
    book = load_codebook(codebook)
    check_summary(summary, group)
    groups = list(dict.fromkeys(summary[group].tolist()))
    n_stories = int(summary.drop_duplicates(group)["n_stories"].sum())
    by_story = group == "story_id"
    lines = [_opening(book, group, threshold, n_stories, rules), ""]
    for g in groups[:max_groups]:
        rows = summary[summary[group] == g]
        lines.append(
            f"- **{escape_markdown(g)}** ({_size(rows, by_story)}): "
            f"{_reading(rows, book, by_story)}."
        )
    if len(groups) > max_groups:
        lines.append(f"- … and {len(groups) - max_groups:,} more (see the table).")
    lines.append("")
    lines += _presence_lines(summary, book, group, len(groups))
    n_trunc = int(summary.drop_duplicates(group)["n_truncated"].sum())
    if n_trunc:
        lines.append(
            f"{n_trunc:,} of {n_stories:,} stories are truncated leads: their frames rest on a "
            "few sentences, so intensities and shares swing with one word."
        )
    lines += ["", LIMITS]
    return "\n".join(lines)


def _opening(
    book: Codebook, group: str, threshold: float, n_stories: int, rules: str | None = None
) -> str:
    """The first paragraph of :func:`describe`: the codebook, the stories and the rules."""
    head = (
        f"Frames of the **{escape_markdown(book.title)}** codebook (version "
        f"{escape_markdown(book.version)}) in {n_stories:,} "
        f"{'story' if n_stories == 1 else 'stories'}, by {markdown_code(group)}. "
    )
    in_groups = (
        ""
        if group == "story_id"
        else ", and in a group when it is present in at least half of the group's stories"
    )
    if rules:
        groups = f" A frame is *present*{in_groups[5:]};" if in_groups else ""
        return f"{head}{rules}{groups} *intensity* is hits per 1,000 words."
    return (
        f"{head}A frame is *present* in a story when its detectors reach a score of "
        f"{threshold:g} (one point per detector firing in a sentence){in_groups}; *intensity* is "
        "hits per 1,000 words."
    )


def _presence_lines(summary: pd.DataFrame, book: Codebook, group: str, n_groups: int) -> list[str]:
    """The frames present most often, and those never present (the fallback frame aside)."""
    labels = _markdown_labels(book)
    by_story = group == "story_id"
    counts = (
        summary[summary["present"]]
        .groupby("frame", observed=False)[group]
        .size()
        .reindex(book.frame_ids, fill_value=0)
    )
    unit = "stories" if by_story else "groups"
    lines = []
    if counts.max() > 0:
        top = [f for f in book.frame_ids if counts[f] == counts.max()]
        lines.append(
            "Most often present: "
            + ", ".join(f"*{labels[f]}*" for f in top)
            + f" ({int(counts.max())} of {n_groups} {unit})."
        )
    never = [labels[f] for f in book.frame_ids if counts[f] == 0 and f != book.fallback]
    if never:
        lines.append(
            ("Never present: " if by_story else "Present in no group (by the majority rule): ")
            + ", ".join(never)
            + "."
        )
    return lines


def _size(rows: pd.DataFrame, by_story: bool) -> str:
    """The size of one group for :func:`describe`: words (and stories), truncated leads."""
    first = rows.iloc[0]
    size = f"{int(first['n_words']):,} words"
    if by_story:
        return size + (", a truncated lead" if bool(first["is_truncated"]) else "")
    size = f"{int(first['n_stories']):,} stories, " + size
    n_trunc = int(first["n_truncated"])
    return size + (f", {n_trunc} truncated" if n_trunc else "")


def _markdown_labels(book: Codebook) -> dict[str, str]:
    """Frame id -> label escaped for Markdown (a user's codebook is untrusted text)."""
    return {fid: escape_markdown(label) for fid, label in book.labels().items()}


def _reading(rows: pd.DataFrame, book: Codebook, by_story: bool) -> str:
    """One group's sentence for :func:`describe` (labels escaped for Markdown)."""
    labels = _markdown_labels(book)

    def numbers(r: Any) -> str:
        if str(r.frame) == book.fallback:
            return ""
        if by_story:
            return f" ({r.intensity:.1f} per 1,000 words, {r.share:.0%} of sentences)"
        return f" ({r.intensity:.1f} per 1,000 words, present in {r.share_present:.0%} of stories)"

    dom = rows[rows["dominant"]]
    if dom.empty:
        text = "no frame reaches the threshold"
    else:
        text = "dominant: " + " and ".join(
            f"*{labels[str(r.frame)]}*{numbers(r)}" for r in dom.itertuples()
        )
        others = rows[rows["present"] & ~rows["dominant"]]
        if not others.empty:
            text += "; also present: " + ", ".join(labels[str(f)] for f in others["frame"])
    if not by_story:
        real = rows[rows["frame"].astype("str") != (book.fallback or "")]
        top = real[real["intensity"] == real["intensity"].max()]
        if real["intensity"].max() > 0 and not top["dominant"].any():
            text += "; most intense: " + " and ".join(
                f"*{labels[str(r.frame)]}*{numbers(r)}" for r in top.itertuples()
            )
    return text


def codebook_header(codebook: Codebook | str | Path = "generic") -> str:
    """The codebook's title, version, citation and source as Markdown (every field escaped:
    a user's codebook is untrusted text).

    >>> print(codebook_header("generic").split("\\n\\n")[0])
    **Generic news frames \\(Semetko &amp; Valkenburg 2000\\)**, version 1\\.0.0.
    """
    book = load_codebook(codebook)
    parts = [
        f"**{escape_markdown(book.title)}**, version {escape_markdown(book.version)}.",
        escape_markdown(book.citation),
    ]
    if book.source:
        parts.append(escape_markdown(book.source))
    return "\n\n".join(parts)


def evidence_html(
    evidence: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    group: str | None = None,
) -> str:
    """An HTML table of :func:`analysis.framing.frame_evidence` rows.

    Every cell is escaped with :func:`analysis.safe.escape_html` (story ids, frame labels and
    ids, group values, scores) except the ``html`` column, which
    :func:`analysis.framing.frame_evidence` built escaped with :func:`mark_html`. Evidence drawn
    per group (with a ``group`` column) gets a heading row per group and says why each row was
    picked (``strongest 1``, ``typical 1`` …).

    Args:
        evidence: :func:`analysis.framing.frame_evidence` output.
        labels: frame id -> label to show instead of ids (e.g. ``codebook.labels()``).
        group: the name of the group column, shown in the heading rows (``bias_label: left``).
    """
    require_columns(evidence, EVIDENCE_COLUMNS, "evidence", hint=TABLE_HINT)
    labels = labels or {}
    grouped = {"group", "pick", "rank"} <= set(evidence.columns)
    columns = ("story", "frame", "sentence", "score", *(("picked as",) if grouped else ()))
    head = "".join(f"<th>{h}</th>" for h in columns)
    head += '<th style="text-align:left">evidence</th>'
    width = len(columns) + 1
    rows = []
    current: object = None
    for r in evidence.itertuples(index=False):
        if grouped and (not rows or r.group != current):
            current = r.group
            title = f"{group}: {r.group}" if group else str(r.group)
            rows.append(
                f'<tr class="evidence-group"><th colspan="{width}" style="text-align:left">'
                f"{escape_html(title)}</th></tr>"
            )
        frame = labels.get(str(r.frame), str(r.frame))
        picked = f"<td>{escape_html(f'{r.pick} {r.rank}')}</td>" if grouped else ""
        rows.append(
            "<tr>"
            f"<td>{escape_html(r.story_id)}</td>"
            f"<td>{escape_html(frame)}</td>"
            f"<td>{int(r.sentence_index)}</td>"
            f"<td>{escape_html(f'{r.score:g}')}</td>"
            f"{picked}"
            f'<td style="text-align:left">{r.html}</td>'
            "</tr>"
        )
    if not rows:
        rows.append(f'<tr><td colspan="{width}">no sentence carries a frame</td></tr>')
    return (
        '<table class="frame-evidence"><thead><tr>'
        + head
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
