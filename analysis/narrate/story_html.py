"""One story's text as HTML: each sentence coloured by its tone, each frame trigger marked.

Nothing is computed here: the sentence scores and the frame triggers come from the shared
analysis pass (:func:`analysis.pipeline.analyze`). The colouring rule: a sentence whose chosen
score (:func:`analysis.sentiment.resolve_score`) is at least ``neutral_band`` in size
(:data:`analysis.sentiment.NEUTRAL_BAND` by default) gets a red (negative) or green (positive)
background of opacity ``min(0.12 + 0.6 * |score|, 0.6)``; weaker sentences stay uncoloured.
Frame triggers are ``<mark>`` elements coloured by frame (:data:`FRAME_COLOURS`, cycled in
codebook order); overlapping triggers are merged and their frames listed together.

Article text is untrusted: every piece of it, and every label, goes through
:func:`analysis.safe.escape_html` before any tag is added.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Final

import pandas as pd

from analysis import framing, sentiment
from analysis.compare import check_story_id
from analysis.compare.cards import check_analysis, codebook_hits
from analysis.safe import escape_html

__all__ = ["FRAME_COLOURS", "TONE_RGB", "story_text_html"]

#: Background colours of the story text: clearly negative and clearly positive sentences.
TONE_RGB: Final = {"negative": (192, 57, 43), "positive": (39, 134, 74)}
#: Colours of frame marks, cycled in codebook order.
FRAME_COLOURS: Final = (
    "#ffe08a",
    "#b9e3ff",
    "#ffc9a8",
    "#d9c6ff",
    "#c6f0c2",
    "#ffc2dc",
    "#e6e6a8",
    "#a8e6e0",
)
#: A trigger span: start and end in the sentence, frame id, title (label and detector), colour.
_Span = tuple[int, int, str, str, str]


def _tone_style(value: float, band: float) -> str:
    """The CSS background of a sentence scored ``value`` (empty inside the neutral band)."""
    if not math.isfinite(value) or abs(value) < band or value == 0:
        return ""
    r, g, b = TONE_RGB["negative" if value < 0 else "positive"]
    alpha = min(0.12 + 0.6 * abs(value), 0.6)
    return f"background-color:rgba({r},{g},{b},{alpha:.2f})"


def _marked(text: str, spans: list[_Span]) -> str:
    """Escape ``text`` and wrap spans ``(start, end, frame id, title, colour)`` in ``<mark>``
    followed by the frame id in small type (overlapping spans are merged; their frames are
    listed together)."""
    merged: list[list[Any]] = []
    for s, e, frame, title, colour in sorted(spans, key=lambda m: (m[0], -m[1])):
        if merged and s < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], e)
            if frame not in last[2]:
                last[2].append(frame)
                last[3].append(title)
            continue
        merged.append([s, e, [frame], [title], colour])
    pieces: list[str] = []
    pos = 0
    for s, e, frames, titles, colour in merged:
        pieces.append(escape_html(text[pos:s]))
        title = escape_html("; ".join(titles))
        tag = escape_html(" + ".join(frames))
        pieces.append(
            f'<mark class="frame-trigger" style="background:{colour};padding:0 1px" '
            f'title="{title}">{escape_html(text[s:e])}'
            f'<sup style="font-size:0.65em;color:#555"> {tag}</sup></mark>'
        )
        pos = e
    pieces.append(escape_html(text[pos:]))
    return "".join(pieces)


def _spans_by_sentence(
    hits: pd.DataFrame, book: framing.Codebook, colours: dict[str, str]
) -> dict[str, list[_Span]]:
    """The trigger spans of each sentence (sentence id -> spans)."""
    labels = book.labels()
    by_sentence: dict[str, list[_Span]] = {}
    for row in hits.itertuples(index=False):
        frame = str(row.frame)
        by_sentence.setdefault(row.sentence_id, []).append(
            (
                int(row.sentence_start),
                int(row.sentence_end),
                frame,
                f"{labels.get(frame, frame)} ({row.detector})",
                colours.get(frame, FRAME_COLOURS[0]),
            )
        )
    return by_sentence


def _sentence_html(
    index: int,
    row: Any,
    text: str,
    scores: pd.DataFrame,
    column: str,
    spans: list[_Span],
    labels: dict[str, str],
    neutral_band: float,
) -> str:
    """One sentence as a ``<span>``: tone background, scores and frames in its title."""
    start, end = int(row.start), int(row.end)
    value = (
        float(scores.loc[row.sentence_id, column]) if row.sentence_id in scores.index else math.nan
    )
    frames_here = list(dict.fromkeys(labels.get(s[2], s[2]) for s in spans))
    title = (
        f"sentence {index}: {column} {value:+.3f}; VADER "
        f"{float(scores.loc[row.sentence_id, 'vader_compound']):+.3f}; TextBlob "
        f"{float(scores.loc[row.sentence_id, 'textblob_polarity']):+.3f}"
        if math.isfinite(value)
        else f"sentence {index}: not scored"
    )
    if frames_here:
        title += "; frames: " + ", ".join(frames_here)
    style = _tone_style(value, neutral_band)
    return (
        f'<span class="sentence" data-score="{value:.3f}" '
        f'title="{escape_html(title)}"'
        + (f' style="{style}"' if style else "")
        + f">{_marked(text[start:end], spans)}</span>"
    )


def _legend(
    book: framing.Codebook, used: list[str], colours: dict[str, str], column: str, band: float
) -> str:
    """The paragraph above the text: what the colours and marks mean."""
    labels = book.labels()
    neg = _tone_style(-0.5, band)
    posi = _tone_style(0.5, band)
    frame_keys = "".join(
        f'<mark style="background:{colours[f]};margin-right:0.6em">{escape_html(labels[f])}'
        f'<sup style="font-size:0.65em;color:#555"> {escape_html(f)}</sup></mark>'
        for f in used
    )
    return (
        '<p style="font-size:0.85em;color:#444">'
        f'Sentence tone ({escape_html(column)}): <span style="{neg}">clearly negative</span> '
        f'<span style="{posi}">clearly positive</span> (stronger colour: stronger score; '
        f"uncoloured: within &plusmn;{band:g}). "
        + (
            f"Frame triggers ({escape_html(book.title)}): {frame_keys}"
            if used
            else f"No trigger of the {escape_html(book.title)} codebook."
        )
        + " Hover a sentence for its scores, a mark for its detector.</p>"
    )


def _story_scores(analysis: Any, story: str, column: str) -> pd.DataFrame:
    """The story's sentence scores that its HTML shows, indexed by ``sentence_id``; read without
    the other stories' sentence texts when they are pass scores (a deep dive of a corpus of
    25,000 stories needs its own few dozen sentences, not a million)."""
    wanted = list(dict.fromkeys([column, "vader_compound", "textblob_polarity"]))
    if all(c in sentiment.SCORE_COLUMNS for c in wanted):
        table = analysis.sentence_scores(wanted)
    else:  # an embedding score: computed with the sentences' texts
        table = analysis.sentiment
    return table[table["story_id"] == story].set_index("sentence_id")


def story_text_html(
    analysis: Any,
    story_id: str | None,
    *,
    codebook: framing.Codebook | str | Path = "generic",
    score: str = "default",
    neutral_band: float = sentiment.NEUTRAL_BAND,
) -> str:
    """The story's text as HTML: every sentence a ``<span>`` coloured by its tone, every frame
    trigger a ``<mark>`` with the frame's name.

    Each sentence's ``title`` attribute (shown on hover) gives its index and scores (the chosen
    score, VADER compound, TextBlob polarity) and the frames it carries. The background is red
    for clearly negative and green for clearly positive sentences (``|score| >= neutral_band``),
    more opaque the stronger the score. All article text is escaped with
    :func:`analysis.safe.escape_html` before any tag is added.

    Args:
        analysis: the shared pass, ``analyze(corpus, codebooks=[codebook])``.
        story_id: the story (``None``: the first one).
        codebook: the frame codebook whose triggers are marked.
        score: the score that colours the sentences (``"default"``: the validated default).
        neutral_band: sentences with ``|score|`` below it are not coloured.

    Returns:
        An HTML fragment (a ``<div>``: a legend, then one ``<p>`` per paragraph).

    Raises:
        ParameterError: an unknown story or score, or a codebook missing from the analysis.
    """
    check_analysis(analysis)
    story = check_story_id(analysis.corpus, story_id)
    column = sentiment.resolve_score(score)
    book, hits = codebook_hits(analysis, codebook)
    stories = analysis.corpus.stories
    text = str(stories.loc[stories["story_id"] == story, "text"].iloc[0])
    sentences = analysis.corpus.sentences
    sentences = sentences[sentences["story_id"] == story][["sentence_id", "start", "end", "text"]]
    scores = _story_scores(analysis, story, column)
    colours = {f: FRAME_COLOURS[i % len(FRAME_COLOURS)] for i, f in enumerate(book.frame_ids)}
    by_sentence = _spans_by_sentence(hits[hits["story_id"] == story], book, colours)
    labels = book.labels()
    body: list[str] = ["<p>"]
    pos = 0
    for i, row in enumerate(sentences.sort_values("start", kind="stable").itertuples(index=False)):
        body.append(escape_html(text[pos : int(row.start)]).replace("\n", "</p>\n<p>"))
        spans = by_sentence.get(row.sentence_id, [])
        body.append(_sentence_html(i, row, text, scores, column, spans, labels, neutral_band))
        pos = int(row.end)
    body.append(escape_html(text[pos:]).replace("\n", "</p>\n<p>"))
    body.append("</p>")
    found = {s[2] for spans in by_sentence.values() for s in spans}
    used = [f for f in book.frame_ids if f in found]
    legend = _legend(book, used, colours, column, neutral_band)
    return (
        '<div class="story-text" style="line-height:1.8;max-width:52em">'
        + legend
        + "".join(body)
        + "</div>"
    )
