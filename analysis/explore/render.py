"""The explorer's HTML: sentences coloured by tone with frame triggers marked, the detail of one
sentence, the summary of a selection and the legend.

Colours follow the story text of the reports (:mod:`analysis.narrate.story_html`): a sentence
whose score is at least the neutral band in size gets a red (negative) or green (positive)
background of opacity ``min(0.12 + 0.6 * |score|, 0.6)``; frame triggers are ``<mark>``
elements coloured by frame (:data:`analysis.narrate.story_html.FRAME_COLOURS`, cycled in
codebook order), overlapping triggers merged with their frames listed together.

"The words behind" a score are the drivers of :func:`analysis.sentiment.sentiment_drivers`:
VADER's per-word valences after its rules (Hutto & Gilbert 2014) and Pattern's assessments
(De Smedt & Daelemans 2012), for the one sentence shown in the detail.

Everything from the corpus or a codebook (article text, ids, titles, outlet names, group values,
trigger words, target aliases) is untrusted: it passes through :func:`analysis.safe.escape_html`
before any tag is added.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final

from analysis.explore.tables import TONES, ExploreTables, mention_records, trigger_records
from analysis.narrate.story_html import FRAME_COLOURS, TONE_RGB
from analysis.safe import escape_html

__all__ = [
    "detail_html",
    "frame_colours",
    "legend_html",
    "selection_title",
    "sentence_html",
    "summary_html",
    "tone_style",
]

#: Colour of a neutral sentence's score and chips.
NEUTRAL_GREY: Final = "#777"
#: Style of the small grey notes (scores, story names) in the sentence list.
_NOTE: Final = "color:#666;font-size:0.8em"


def tone_style(value: float, band: float) -> str:
    """The CSS background of a sentence scored ``value`` (empty inside the neutral band).

    >>> tone_style(-0.5, 0.05)
    'background-color:rgba(192,57,43,0.42)'
    """
    if not math.isfinite(value) or abs(value) < band or value == 0:
        return ""
    r, g, b = TONE_RGB["negative" if value < 0 else "positive"]
    alpha = min(0.12 + 0.6 * abs(value), 0.6)
    return f"background-color:rgba({r},{g},{b},{alpha:.2f})"


def frame_colours(tables: ExploreTables) -> dict[str, str]:
    """Frame id -> mark colour, cycled in codebook order."""
    return {f: FRAME_COLOURS[i % len(FRAME_COLOURS)] for i, f in enumerate(tables.frame_ids)}


def _marked(text: str, spans: Sequence[tuple[int, int, str, str]], colours: dict[str, str]) -> str:
    """Escape ``text`` and wrap spans ``(start, end, frame, title)`` in coloured ``<mark>``s,
    each followed by its frame id in small type; overlapping spans are merged."""
    merged: list[list[Any]] = []
    for s, e, frame, title in sorted(spans, key=lambda m: (m[0], -m[1])):
        if merged and s < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], e)
            if frame not in last[2]:
                last[2].append(frame)
                last[3].append(title)
            continue
        merged.append([s, e, [frame], [title]])
    pieces: list[str] = []
    pos = 0
    for s, e, frames, titles in merged:
        pieces.append(escape_html(text[pos:s]))
        colour = colours.get(frames[0], FRAME_COLOURS[0])
        pieces.append(
            f'<mark class="frame-trigger" style="background:{colour};padding:0 1px" '
            f'title="{escape_html("; ".join(titles))}">{escape_html(text[s:e])}'
            f'<sup style="font-size:0.65em;color:#555"> {escape_html(" + ".join(frames))}</sup>'
            "</mark>"
        )
        pos = e
    pieces.append(escape_html(text[pos:]))
    return "".join(pieces)


def _sentence_marks(tables: ExploreTables, row: int) -> str:
    labels = tables.codebook.labels()
    spans = [
        (int(s), int(e), str(f), f"{labels.get(str(f), str(f))} ({d})")
        for f, d, _p, _m, s, e in trigger_records(tables, row)
    ]
    return _marked(str(tables.lookup["text"][row]), spans, frame_colours(tables))


def _signed(value: float) -> str:
    return "n/a" if not math.isfinite(value) else f"{value:+.2f}".replace("-", "\u2212")


def sentence_html(tables: ExploreTables, row: int, *, story_note: bool = False) -> str:
    """One sentence as a block: tone background, frame triggers marked, its score in grey after
    it; ``story_note`` puts the story's name above it (a group's list spans stories)."""
    lookup = tables.lookup
    value = float(lookup["score"][row])
    tone = str(lookup["tone"][row])
    note = ""
    if story_note:
        label = tables.story_info[lookup["story_id"][row]]["label"]
        note = f'<div style="{_NOTE};margin-top:0.4em">{escape_html(label)}</div>'
    title = escape_html(f"sentence {int(lookup['sentence_index'][row]) + 1}: {tone}")
    return (
        f'{note}<div class="explore-sentence explore-{tone}" title="{title}" '
        f'style="{tone_style(value, tables.neutral_band)};padding:2px 4px;border-radius:3px;'
        f'line-height:1.6">{_sentence_marks(tables, row)} '
        f'<span style="{_NOTE}">{_signed(value)}</span></div>'
    )


def selection_title(tables: ExploreTables, *, story: str | None, group_value: str | None) -> str:
    """HTML naming a selection: the story's label, outlet and date, or the group value."""
    if story is not None:
        info = tables.story_info[story]
        parts = [info[c] for c in ("outlet", "date") if info[c]]
        extra = f' <span style="{_NOTE}">{escape_html(" · ".join(parts))}</span>' if parts else ""
        return f"<b>{escape_html(info['label'])}</b>{extra}"
    if group_value is not None:
        return f"<b>{escape_html(tables.group)}: {escape_html(group_value)}</b>"
    return "<b>all stories</b>"


def _chip(text: str, colour: str) -> str:
    return (
        f'<span style="background:{colour};border-radius:3px;padding:0 4px;margin-right:4px;'
        f'white-space:nowrap">{text}</span>'
    )


def summary_html(tables: ExploreTables, title: str, summary: dict[str, Any], n_shown: int) -> str:
    """The header of a selection: its title (already HTML), sentence counts, mean tone, the
    tone shares and the sentences per frame and per target (counts are of the unfiltered
    selection; ``n_shown`` is what the filters keep)."""
    n = summary["n_sentences"]
    stories = f"{summary['n_stories']} stories · " if summary["n_stories"] > 1 else ""
    tones = " ".join(
        _chip(f"{summary[f'n_{t}']} {t}", c)
        for t, c in zip(
            TONES, ("rgba(192,57,43,0.35)", "#eee", "rgba(39,134,74,0.35)"), strict=True
        )
    )
    colours = frame_colours(tables)
    labels = tables.codebook.labels()
    frames = " ".join(
        _chip(f"{escape_html(labels.get(f, f))} {k}", colours[f])
        for f, k in summary["frames"].items()
        if k
    )
    targets = ", ".join(f"{escape_html(t)} {k}" for t, k in summary["targets"].items() if k)
    return (
        f'<div class="explore-summary" style="line-height:1.7">{title}<br>'
        f"{stories}{n} sentences, {n_shown} shown · mean tone {_signed(summary['mean_score'])}"
        f"<br>{tones}<br>{frames or '<i>no frame triggers</i>'}"
        + (f'<br><span style="{_NOTE}">targets: {targets}</span>' if targets else "")
        + "</div>"
    )


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f'<th style="text-align:left;padding:1px 6px">{h}</th>' for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td style="padding:1px 6px">{c}</td>' for c in row) + "</tr>"
        for row in rows
    )
    return f'<table style="border-collapse:collapse;font-size:0.9em"><tr>{head}</tr>{body}</table>'


def _valence(value: float, scale: float) -> str:
    colour = TONE_RGB["negative" if value < 0 else "positive"]
    return (
        f'<span style="color:rgb{colour}">{_signed(value)}</span>'
        f'<span style="{_NOTE}"> / {scale:g}</span>'
    )


def detail_html(tables: ExploreTables, row: int, drivers: Sequence[tuple[str, str, float]]) -> str:
    """Everything about one sentence: its text marked, its scores, its frame triggers (frame,
    detector, pattern, matched words), the words behind its scores (``drivers``, as
    :func:`analysis.sentiment.drivers.driver_rows` of its text) and the targets it mentions."""
    s = tables.sentences.loc[row]
    label = tables.story_info[str(s["story_id"])]["label"]
    head = (
        f"<b>Sentence {int(s['sentence_index']) + 1}</b> of {escape_html(label)} "
        f'<span style="{_NOTE}">({escape_html(s["sentence_id"])})</span>'
    )
    text = (
        f'<div style="{tone_style(float(s["score"]), tables.neutral_band)};padding:4px;'
        f'border-radius:3px;line-height:1.6">{_sentence_marks(tables, row)}</div>'
    )
    scores = _table(
        ["score", "value"],
        [
            [f"tone ({escape_html(tables.score)})", f"{_signed(float(s['score']))} {s['tone']}"],
            ["VADER compound", _signed(float(s["vader_compound"]))],
            [
                "VADER neg / neu / pos",
                f"{s['vader_neg']:.2f} / {s['vader_neu']:.2f} / {s['vader_pos']:.2f}",
            ],
            ["TextBlob polarity", _signed(float(s["textblob_polarity"]))],
            ["TextBlob subjectivity", f"{s['textblob_subjectivity']:.2f}"],
        ],
    )
    labels = tables.codebook.labels()
    colours = frame_colours(tables)
    hits = trigger_records(tables, row)
    triggers = (
        _table(
            ["frame", "detector", "pattern", "words"],
            [
                [
                    _chip(escape_html(labels.get(f, f)), colours.get(f, FRAME_COLOURS[0])),
                    escape_html(d),
                    _pattern(p),
                    f"<b>{escape_html(m)}</b>",
                ]
                for f, d, p, m, _s, _e in hits
            ],
        )
        if hits
        else "<i>no frame trigger</i>"
    )
    words = _drivers_html(drivers)
    targets = (
        ", ".join(
            f"{escape_html(t)} (<i>{escape_html(m)}</i>)" for t, m in mention_records(tables, row)
        )
        or "<i>none</i>"
    )
    return (
        f'<div class="explore-detail" style="overflow-wrap:anywhere">{head}{text}'
        f'<h4 style="margin:0.5em 0 0.2em">Scores</h4>'
        f'{scores}<h4 style="margin:0.5em 0 0.2em">Frame triggers</h4>{triggers}'
        f'<h4 style="margin:0.5em 0 0.2em">Words behind the scores</h4>{words}'
        f'<h4 style="margin:0.5em 0 0.2em">Targets</h4>{targets}</div>'
    )


def _pattern(pattern: str, limit: int = 40) -> str:
    """A detector's pattern as code, long ones (regular expressions) cut with the whole in the
    title."""
    shown = pattern if len(pattern) <= limit else pattern[: limit - 1] + "\u2026"
    return (
        f'<code title="{escape_html(pattern)}" style="word-break:break-all">'
        f"{escape_html(shown)}</code>"
    )


def _drivers_html(drivers: Sequence[tuple[str, str, float]]) -> str:
    rows = []
    for model, name, scale in (("vader", "VADER", 4), ("textblob", "TextBlob", 1)):
        own = [(w, v) for m, w, v in drivers if m == model]
        listed = ", ".join(f"<b>{escape_html(w)}</b> {_valence(v, scale)}" for w, v in own)
        rows.append([name, listed or "<i>no lexicon word</i>"])
    return _table(["model", "words (valence / scale)"], rows)


def legend_html(tables: ExploreTables) -> str:
    """Tone colours, the neutral band and the frame mark colours."""
    band = tables.neutral_band
    tones = (
        f'<span style="{tone_style(-0.5, band)};padding:0 4px">negative</span> '
        '<span style="padding:0 4px;border:1px solid #ddd">'
        f"neutral (|score| &lt; {band:g})</span> "
        f'<span style="{tone_style(0.5, band)};padding:0 4px">positive</span>'
    )
    labels = tables.codebook.labels()
    colours = frame_colours(tables)
    frames = " ".join(_chip(escape_html(labels.get(f, f)), colours[f]) for f in tables.frame_ids)
    return (
        f'<div class="explore-legend" style="{_NOTE};line-height:1.8">'
        f"Tone ({escape_html(tables.score)}): "
        f"{tones} · frame triggers ({escape_html(tables.codebook.name)}): {frames}</div>"
    )
