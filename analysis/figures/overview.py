"""Corpus overview charts: story lengths and sentence lengths.

Vocabulary and rules as in :mod:`analysis.figures.rules`: ``group`` (the column naming a bar or
box), ``value`` (the number plotted, ``n_words``), ``only``, ``max_groups`` and ``min_n``.

- :func:`story_lengths` draws one bar per story up to ``max_groups`` stories (default
  :data:`~analysis.figures.rules.MAX_GROUPS`) and a histogram of all stories beyond; its word
  axis starts at 0.
- :func:`sentence_lengths` draws one box per group, at most ``max_groups`` (the groups with most
  stories, then sentences); the sentences of the rest are pooled into one dark grey box
  ``"other (N groups)"``. Each box's label gives its sentences (``n``); boxes of groups with
  fewer than ``min_n`` sentences (default :data:`~analysis.figures.rules.MIN_SENTENCES`) are grey.
  The word axis starts at 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from analysis._checks import group_labels, positive_int, require_columns
from analysis.figures.rules import (
    MAX_GROUPS,
    MIN_SENTENCES,
    SERIES_COLOURS,
    check_min_n,
    choose_groups,
    keep_only,
    muted_note,
    zero_range,
)
from analysis.safe import plot_text

__all__ = ["MAX_BOX_POINTS", "box_stats", "sentence_lengths", "story_lengths"]

#: From this many sentences a box gives its five numbers (:func:`box_stats`), not every point.
MAX_BOX_POINTS = 500

TRUNCATION_COLORS = {"complete": "#1f77b4", "truncated lead": "#ff7f0e"}
_TEMPLATE = "plotly_white"


def story_lengths(
    stories: pd.DataFrame,
    *,
    group: str = "story_id",
    value: str = "n_words",
    max_groups: int = MAX_GROUPS,
) -> go.Figure:
    """Words per story, coloured by truncation; a histogram when there are more than
    ``max_groups`` stories.

    Does not mutate ``stories``.

    Args:
        stories: the corpus' stories table.
        group: the column naming a bar (``story_id``).
        value: the length column (``n_words``).
        max_groups: most bars; more stories are drawn as a histogram.

    Raises:
        ParameterError: missing columns or a bad ``max_groups``.
    """
    require_columns(stories, [group, value, "is_truncated"], "stories")
    max_groups = positive_int(max_groups, "max_groups")
    frame = stories[[group, value, "is_truncated"]].copy()
    frame["length"] = frame["is_truncated"].map({True: "truncated lead", False: "complete"})
    if len(frame) > max_groups:
        fig = px.histogram(
            frame,
            x=value,
            color="length",
            nbins=50,
            color_discrete_map=TRUNCATION_COLORS,
            labels={value: "words per story"},
        )
        fig.update_layout(title=f"Story lengths ({len(frame):,} stories)", yaxis_title="stories")
    else:
        fig = px.bar(
            frame,
            x=value,
            y=group,
            color="length",
            orientation="h",
            color_discrete_map=TRUNCATION_COLORS,
            text=value,
            labels={value: "words", group: ""},
        )
        fig.update_yaxes(autorange="reversed")
        fig.update_layout(title="Words per story (orange: lead cut off mid-sentence)")
    fig.update_xaxes(range=zero_range(frame[value]) if len(frame) <= max_groups else None)
    fig.update_layout(template=_TEMPLATE, height=max(320, 40 * min(len(frame), 20) + 160))
    return fig


def box_stats(values: pd.Series) -> dict[str, list[float]]:
    """The five numbers plotly.js draws for a box of ``values`` without points, computed here
    so that a chart of a million sentences carries five numbers per box, not every value.

    As plotly.js computes them (``quartilemethod="linear"``, the default): quartiles by linear
    interpolation at rank ``n * p + 0.5`` (numpy's ``"hazen"`` method); the whiskers end at the
    most extreme values within 1.5 interquartile ranges of the box (Tukey's fences), never
    inside the box. ``tests/test_figures_overview.py`` checks them against plotly.js.
    """
    data = np.sort(values.to_numpy(dtype="float64"))
    if not len(data):
        return {"q1": [], "median": [], "q3": [], "lowerfence": [], "upperfence": []}
    q1, median, q3 = np.percentile(data, [25, 50, 75], method="hazen")
    low, high = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
    lower = min(q1, data[np.searchsorted(data, low, side="left")])
    upper = max(q3, data[np.searchsorted(data, high, side="right") - 1])
    return {
        "q1": [float(q1)],
        "median": [float(median)],
        "q3": [float(q3)],
        "lowerfence": [float(lower)],
        "upperfence": [float(upper)],
    }


def sentence_lengths(
    sentences: pd.DataFrame,
    *,
    group: str = "story_id",
    value: str = "n_words",
    only: str | list[str] | None = None,
    max_groups: int = MAX_GROUPS,
    min_n: int = MIN_SENTENCES,
) -> go.Figure:
    """Distribution of words per sentence, one box per group (see the module docstring).

    Args:
        sentences: a sentences table with the ``group`` column (``Corpus.sentences_with``).
        group: the column naming a box.
        value: the length column (``n_words``).
        only: the group value(s) to draw.
        max_groups: at most this many boxes (groups with most stories); the rest pooled.
        min_n: boxes of groups with fewer sentences are grey.

    Raises:
        ParameterError: missing columns, an unknown ``only``, a bad ``max_groups`` or ``min_n``.
    """
    require_columns(sentences, [group, value], "sentences")
    min_n = check_min_n(min_n)
    frame = keep_only(sentences, group, only, "the sentences")
    frame = frame.assign(_g=group_labels(frame[group]).to_numpy())
    counts = {"n_sentences": (value, "size")}
    if "story_id" in frame.columns:
        counts = {"n_stories": ("story_id", "nunique"), **counts}
    sizes = frame.groupby("_g", sort=False).agg(**counts).reset_index()
    chosen = choose_groups(sizes, "_g", max_groups, agg=dict.fromkeys(counts, "sum"))
    if chosen.dropped:
        frame = frame.assign(_g=frame["_g"].where(frame["_g"].isin(chosen.kept), chosen.other))
    faded = chosen.small("n_sentences", min_n)
    fig = go.Figure()
    points = len(frame) < MAX_BOX_POINTS
    reach = []  # what each box draws: every length, or its box and whiskers
    for label in [*chosen.kept, *([chosen.other] if chosen.dropped else [])]:
        values = frame.loc[frame["_g"] == label, value]
        name = f"{label} (n={len(values):,})"
        # few sentences: every one drawn; else the box's five numbers, not every length
        data = {"x": values.tolist()} if points else {"y": [name], **box_stats(values)}
        reach.extend(data.get("x") or data["upperfence"])
        fig.add_trace(
            go.Box(
                **data,
                name=name,
                orientation="h",
                marker_color=chosen.colour(label, faded, SERIES_COLOURS[0]),
                boxpoints="all" if points else False,
                showlegend=False,
            )
        )
    notes = ["n = sentences"] + ([muted_note("sentences", min_n)] if faded else [])
    if not points:  # the axis ends at the longest whisker, not at the longest sentence
        notes.append("whiskers at 1.5 IQR; longer sentences are not drawn")
    fig.update_layout(
        template=_TEMPLATE,
        title=f"Sentence length by {plot_text(group)}{plot_text(chosen.note(pooled=True))}"
        f"<br><sup>{'; '.join(notes)}</sup>",
        xaxis={"title": {"text": "words per sentence"}, "range": zero_range(reach)},
        yaxis={"autorange": "reversed", "automargin": True},
        height=max(320, 40 * len(fig.data) + 160),
    )
    return fig
