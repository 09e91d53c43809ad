"""The evidence behind the frame tables, and the codebook as tables.

Method: a dictionary (lexical) content analysis counts keywords; its numbers are only as good as
its triggers. Each sentence that carries a frame is shown with its triggers marked, so a reader
can check every number (the generic frames of Semetko & Valkenburg 2000, *Framing European
politics: A content analysis of press and television news*, Journal of Communication 50(2),
93-109; the policy frames of Boydstun, Card, Gross, Resnik & Smith 2014, *Tracking the
development of media frames within and across policy issues*). The sentence scores are rule 4
of :mod:`analysis.framing`; the marking is :func:`analysis.narrate.marks.mark_html`.

The codebook tables list its frames and questions, and :func:`check_examples` runs every
detector on its own example sentences: each example must fire its detector, each non-example
of a frame none of the frame's detectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analysis._checks import require_columns
from analysis.errors import ParameterError
from analysis.framing.codebook import Codebook, load_codebook
from analysis.framing.matcher import (
    HIT_COLUMNS,
    TABLE_HINT,
    codebook_matcher,
    sentence_frames,
    sentence_hits,
)
from analysis.narrate.marks import mark_html

__all__ = [
    "EVIDENCE_COLUMNS",
    "check_examples",
    "codebook_table",
    "frame_evidence",
    "question_table",
]

#: Columns of :func:`frame_evidence`: one row per (story, frame, sentence).
EVIDENCE_COLUMNS = [
    "story_id",
    "frame",
    "sentence_id",
    "sentence_index",
    "score",
    "n_hits",
    "triggers",
    "text",
    "html",
]


def frame_evidence(
    hits: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    story: str | Sequence[str] | None = None,
    frame: str | Sequence[str] | None = None,
    top: int | None = None,
) -> pd.DataFrame:
    """The sentences that carry each frame in each story, with the triggers marked as HTML.

    Args:
        hits: :func:`frame_hits` output.
        sentences: the sentences table the hits were computed from.
        story: keep only this story id (or these ids).
        frame: keep only this frame id (or these ids).
        top: keep the ``top`` highest-scoring sentences per (story, frame) (ties: earlier first).

    Returns:
        One row per (story, frame, sentence): ``story_id``, ``frame``, ``sentence_id``,
        ``sentence_index``, ``score``, ``n_hits``, ``triggers``, ``text`` (plain) and ``html``
        (the sentence escaped with :func:`analysis.safe.escape_html`, triggers in ``<mark>``,
        see :func:`analysis.narrate.marks.mark_html`), sorted by story order, frame (codebook
        order) and sentence index.
    """
    require_columns(hits, HIT_COLUMNS, "hits", hint=TABLE_HINT)
    require_columns(sentences, ["story_id", "sentence_id", "text"], "sentences", hint=TABLE_HINT)
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ParameterError(f"top must be a whole number >= 1 or None, got {top!r}")
    chosen = hits
    if story is not None:
        chosen = chosen[chosen["story_id"].isin([story] if isinstance(story, str) else story)]
    if frame is not None:
        wanted = [frame] if isinstance(frame, str) else list(frame)
        chosen = chosen[chosen["frame"].astype("str").isin(wanted)]
    sf = sentence_frames(chosen)
    if top is not None and not sf.empty:
        sf = (
            sf.sort_values(["score", "sentence_index"], ascending=[False, True], kind="stable")
            .groupby(["story_id", "frame"], sort=False, observed=True)
            .head(top)
        )
    story_order = {sid: i for i, sid in enumerate(dict.fromkeys(sentences["story_id"]))}
    sf = sf.assign(_s=sf["story_id"].map(story_order)).sort_values(
        ["_s", "frame", "sentence_index"], kind="stable"
    )
    texts = dict(zip(sentences["sentence_id"], sentences["text"], strict=True))
    spans: dict[tuple[str, str], tuple[list, list]] = {}
    for row in chosen.itertuples(index=False):
        key = (row.sentence_id, str(row.frame))
        trig, ctx = spans.setdefault(key, ([], []))
        title = f"{row.frame}/{row.detector}"
        trig.append((row.sentence_start, row.sentence_end, title))
        if not pd.isna(row.context_start):
            ctx.append((int(row.context_start), int(row.context_end), title + " (context)"))
    text_col, html_col = [], []
    for sid, fr in zip(sf["sentence_id"], sf["frame"].astype("str"), strict=True):
        text = texts.get(sid, "")
        trig, ctx = spans.get((sid, fr), ([], []))
        text_col.append(text)
        html_col.append(mark_html(text, trig, context=ctx))
    out = sf.drop(columns=["_s", "n_detectors"]).assign(
        text=pd.Series(text_col, index=sf.index, dtype="str"),
        html=pd.Series(html_col, index=sf.index, dtype="str"),
    )
    return out[EVIDENCE_COLUMNS].reset_index(drop=True)


def codebook_table(codebook: Codebook | str | Path = "generic") -> pd.DataFrame:
    """One row per frame: ``frame``, ``label``, ``description``, ``n_questions``,
    ``n_detectors``, ``n_patterns`` (trigger patterns as written), ``fallback``."""
    book = load_codebook(codebook)
    return pd.DataFrame(
        {
            "frame": [f.id for f in book.frames],
            "label": [f.label for f in book.frames],
            "description": [f.description for f in book.frames],
            "n_questions": [len(f.questions) for f in book.frames],
            "n_detectors": [len(f.detectors) for f in book.frames],
            "n_patterns": [sum(len(d.terms) for d in f.detectors) for f in book.frames],
            "fallback": [f.fallback for f in book.frames],
        }
    )


def question_table(codebook: Codebook | str | Path = "generic") -> pd.DataFrame:
    """One row per question: ``frame``, ``question``, ``text``, ``wording``, ``detectors``
    (ids of the detectors that operationalise it, ``", "``-joined)."""
    book = load_codebook(codebook)
    rows = []
    for f in book.frames:
        for q in f.questions:
            dets = ", ".join(d.id for d in f.detectors if d.question == q.id)
            rows.append((f.id, q.id, q.text, q.wording, dets))
    return pd.DataFrame(rows, columns=["frame", "question", "text", "wording", "detectors"])


def check_examples(codebook: Codebook | str | Path = "generic") -> pd.DataFrame:
    """Run every detector on its own ``examples`` and every frame on its ``non_examples``.

    Use it while writing a codebook: each example must fire its detector, each non-example must
    fire no detector of its frame.

    Returns:
        ``frame``, ``detector`` (empty for non-examples), ``kind`` (``"example"`` or
        ``"non_example"``), ``sentence``, ``fired`` (the detectors of the frame that fired,
        ``", "``-joined), ``ok``.
    """
    book = load_codebook(codebook)
    m = codebook_matcher(book)
    rows = []
    for f in book.frames:
        cases = [(d.id, "example", s) for d in f.detectors for s in d.examples]
        cases += [("", "non_example", s) for s in f.non_examples]
        for det_id, kind, sentence in cases:
            fired = list(
                dict.fromkeys(
                    m.detectors[h[0]].id
                    for h in sentence_hits(m, sentence)
                    if m.detectors[h[0]].frame == f.id
                )
            )
            ok = det_id in fired if kind == "example" else not fired
            rows.append((f.id, det_id, kind, sentence, ", ".join(fired), ok))
    return pd.DataFrame(rows, columns=["frame", "detector", "kind", "sentence", "fired", "ok"])
