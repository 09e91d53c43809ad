"""The drawing rules every figure helper shares: many groups, small groups, honest axes.

Vocabulary of arguments (as in plotly express, one meaning everywhere):

- ``group``: the column naming a bar, line, row, point, box or panel;
- ``value``: the column holding the number plotted;
- ``highlight``: one group value drawn emphasised (the other groups are still drawn);
- ``only``: the group value(s) to keep (a value or a list); the others are not drawn;
- ``max_groups``: draw at most this many groups (default ``MAX_GROUPS = 12``);
- ``min_n``: groups (or bars) resting on fewer units than this are drawn muted.

Rules (the constants are the defaults):

1. **Many groups.** At most ``max_groups`` groups are drawn: those with the most stories (the
   table's ``n_stories``; ``n_sentences`` or ``n_words`` when it has no story counts), ties in
   the table's order; the drawn groups keep the table's order. When there are more, lines, bars
   and boxes pool the rest into one series named ``"other (N groups)"``: counts are summed,
   means are weighted by the count behind them (tone by sentences, frame intensity by words,
   shares of stories by stories) and the spread of tone is pooled from the groups' means and
   standard deviations. Scatters, heatmaps and panels cannot pool (a pooled point or row would
   be compared as if it were a group): they drop the rest and say so in the title, e.g.
   ``"(12 of 124 groups with most stories)"``, or ``"(first 2 of 4 groups)"`` when every group
   is the same size.
2. **Small groups.** ``n`` is shown (in the label, bar text or hover). A group resting on fewer
   than ``min_n`` units is drawn muted, and the legend or subtitle says so: tone rests on
   sentences (``MIN_SENTENCES = 10``), frame intensity on words (``MIN_WORDS = 250``, about ten
   sentences), trends and topic shares of groups on stories (``MIN_STORIES = 3``, the threshold
   of thin cells in :mod:`analysis.trends`). Muted marks whose colour only names the group take
   ``MUTED_COLOUR`` (light grey); marks whose colour means something else (the target of a bar,
   the dominant frame of a point, a topic) keep it at ``MUTED_OPACITY = 0.35``; heatmap rows are
   covered by a translucent band (:func:`fade_row`). The pooled series is ``OTHER_COLOUR``
   (dark grey).
3. **Honest axes.** A tone axis (sentiment scores, -1 to 1) is symmetric around 0 and reaches at
   least the largest ``|value|`` plus its standard error (5 % margin), never spans less than
   ``MIN_TONE_SPAN = 0.2`` (-0.1 to 0.1) and never more than -1.05 to 1.05
   (``MAX_TONE_REACH``; :func:`tone_range`). Counts, intensities (hits per 1,000 words) and
   shares start at 0 (:func:`zero_range`). Error bars are the table's standard errors where it
   has them; when two drawn groups differ by less than the standard error of their difference
   (``sqrt(se1² + se2²)``) the subtitle says how many pairs do (:func:`se_note`): such a
   difference is within noise, not a difference the data show.
4. **Scatters** label every drawn point with text (there are at most ``max_groups``).
5. **Layout at any width** (:func:`fit_layout`, applied to every chart on its way out). Charts
   follow the width of the page (``autosize``, no fixed width) and must read at 900 px
   (JupyterLab's default notebook width) as at 1300 px. A legend never lies over the plot, its
   axes or their titles: it stands in one column to the right of the plot, top-aligned, where
   plotly.js measures its entries and widens the right margin to fit them ("legend automargin";
   entries that do not fit the plot's height scroll). A chart with a colour bar or labels
   (``n=…``) right of the plot keeps its legend above the plot instead, under the title, with
   the top margin reserved for the rows the entries need at the narrowest width
   (:data:`FIT_WIDTH`, text at :data:`CHAR_WIDTH` px a character). Titles are wrapped at words
   to fit :data:`FIT_WIDTH` less the toolbar plotly.js shows at the top right
   (:data:`MODEBAR_WIDTH`), so the two never overlap, and pinned to the top; the top margin
   grows by the lines added (and the chart's height with it, so the plot keeps its size),
   above subplot titles when there are any. Text labels of points and bars are drawn even
   where they pass the edge of the plot (``cliponaxis`` off), so a label at the end of an axis
   is never cut.

The rules read counts from the tables; they never recompute a measure the analysis step owns.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis._checks import group_labels, positive_int
from analysis.errors import ParameterError

__all__ = [
    "MAX_GROUPS",
    "MAX_TONE_REACH",
    "MIN_SENTENCES",
    "MIN_STORIES",
    "MIN_TONE_SPAN",
    "MIN_WORDS",
    "MUTED_COLOUR",
    "MUTED_OPACITY",
    "OTHER_COLOUR",
    "SERIES_COLOURS",
    "Groups",
    "CHAR_WIDTH",
    "FIT_WIDTH",
    "check_highlight",
    "check_min_n",
    "choose_groups",
    "fade_row",
    "fit_layout",
    "group_sizes",
    "is_tone",
    "keep_only",
    "muted_note",
    "pool",
    "se_note",
    "series_colour",
    "short",
    "tone_range",
    "value_range",
    "zero_range",
]

#: Most groups drawn as separate series, bars, rows, points or panels.
MAX_GROUPS: Final = 12
#: Tone (a mean of sentence scores) resting on fewer sentences is drawn muted.
MIN_SENTENCES: Final = 10
#: Frame intensity (hits per 1,000 words) resting on fewer words is drawn muted.
MIN_WORDS: Final = 250
#: Trend lines and topic shares of groups resting on fewer stories are drawn muted.
MIN_STORIES: Final = 3
#: A tone axis never spans less than this (-0.1 to 0.1 at the least).
MIN_TONE_SPAN: Final = 0.2
#: Largest reach of a tone axis (scores lie in -1..1; the margin keeps markers whole).
MAX_TONE_REACH: Final = 1.05
#: Colour of muted groups whose colour only names the group.
MUTED_COLOUR: Final = "#c7c7c7"
#: Opacity of muted marks whose colour means something else (target, frame, topic).
MUTED_OPACITY: Final = 0.35
#: Colour of the pooled "other (N groups)" series.
OTHER_COLOUR: Final = "#555555"
#: Colours of series (groups, targets, dominant frames): twelve distinct, none grey (grey is
#: muted or pooled). D3's category10 without grey, then two of category20b.
SERIES_COLOURS: tuple[str, ...] = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#393b79",
    "#637939",
    "#ad494a",
)
#: Margin added beyond the data on value axes.
_MARGIN = 1.05
#: Sentence score columns (tone) that do not start with ``mean_``.
_SENTENCE_SCORES = frozenset(
    {"score", "vader_compound", "textblob_polarity", "vader_textblob_mean"}
)
#: Size columns by which groups are ranked, in order of preference.
_RANKS = ("n_stories", "n_sentences", "n_words")
_UNITS = {"n_stories": "stories", "n_sentences": "sentences", "n_words": "words"}


def series_colour(index: int) -> str:
    """The ``index``-th colour of :data:`SERIES_COLOURS` (cycled).

    >>> series_colour(12) == SERIES_COLOURS[0]
    True
    """
    return SERIES_COLOURS[index % len(SERIES_COLOURS)]


def short(text: object, width: int = 40) -> str:
    """``text`` cut to ``width`` characters with an ellipsis.

    >>> short("a long outlet name", 8)
    'a long …'
    """
    value = str(text)
    return value if len(value) <= width else value[: width - 1] + "\u2026"


def _wanted(values: object) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        return [str(values)]
    return [str(v) for v in values]


def keep_only(
    table: pd.DataFrame, group: str, only: object, what: str = "the table"
) -> pd.DataFrame:
    """The rows of ``table`` whose ``group`` value (as text) is one of ``only``.

    Args:
        table: a tidy table with the ``group`` column.
        group: the column naming a group.
        only: a group value, a list of them, or ``None`` (keep every row).
        what: the table's name in the error message.

    Raises:
        ParameterError: a value of ``only`` that is not in the column.

    >>> keep_only(pd.DataFrame({"g": ["a", "b"]}), "g", "b")["g"].tolist()
    ['b']
    """
    if only is None:
        return table
    wanted = _wanted(only)
    labels = group_labels(table[group])
    present = set(labels)
    missing = [w for w in wanted if w not in present]
    if missing:
        shown = repr(missing[0]) if len(missing) == 1 else repr(missing)
        values = list(dict.fromkeys(labels))
        more = " …" if len(values) > 10 else ""
        raise ParameterError(
            f"only {shown} not found in the {group!r} column of {what}; it has {values[:10]}{more}"
        )
    return table[labels.isin(wanted).to_numpy()]


def check_highlight(table: pd.DataFrame, group: str, highlight: object, what: str) -> str | None:
    """``highlight`` as text, after checking it is a ``group`` value of ``table``.

    Raises:
        ParameterError: ``highlight`` is not in the column.
    """
    if highlight is None:
        return None
    if str(highlight) not in set(group_labels(table[group])):
        raise ParameterError(
            f"highlight {highlight!r} not found in the {group!r} column of {what}"
        )
    return str(highlight)


def group_sizes(table: pd.DataFrame, group: str, agg: Mapping[str, str]) -> pd.DataFrame:
    """Size columns per group (indexed by the group value as text, in first-appearance order).

    Args:
        table: the table drawn.
        group: its group column.
        agg: size column -> how rows add up (``"sum"`` when rows are disjoint parts of the
            group, ``"max"`` when every row repeats the group's count); absent columns are
            skipped.
    """
    present = {column: how for column, how in agg.items() if column in table.columns}
    keyed = table[list(present)].assign(_g=group_labels(table[group]).to_numpy())
    sizes = keyed.groupby("_g", sort=False).agg(present) if present else None
    if sizes is None:
        sizes = pd.DataFrame(index=pd.Index(list(dict.fromkeys(keyed["_g"]))))
    sizes.index.name = None
    return sizes.fillna(0).astype("int64")


@dataclass(frozen=True)
class Groups:
    """The groups a figure draws: ``kept`` (table order), ``dropped`` (pooled or left out),
    ``sizes`` of every group, and the size column they were ranked by (``rank``)."""

    kept: list[str]
    dropped: list[str]
    sizes: pd.DataFrame
    rank: str | None

    @property
    def other(self) -> str:
        """The label of the pooled series."""
        return f"other ({len(self.dropped)} groups)"

    def note(self, *, pooled: bool) -> str:
        """The title note saying which groups are drawn, ``""`` when all are."""
        if not self.dropped:
            return ""
        k, n = len(self.kept), len(self.kept) + len(self.dropped)
        if self.rank is None or self.sizes[self.rank].nunique() <= 1:
            head = f"first {k} of {n} groups"
        else:
            head = f"{k} of {n} groups with most {_UNITS[self.rank]}"
        tail = f"; the other {len(self.dropped)} pooled" if pooled else ""
        return f" ({head}{tail})"

    def rows(self, table: pd.DataFrame, group: str) -> pd.DataFrame:
        """The rows of ``table`` that belong to the kept groups."""
        return table[group_labels(table[group]).isin(self.kept).to_numpy()]

    def dropped_rows(self, table: pd.DataFrame, group: str) -> pd.DataFrame:
        """The rows of ``table`` that belong to the dropped groups."""
        return table[group_labels(table[group]).isin(self.dropped).to_numpy()]

    def size(self, label: str, column: str) -> int:
        """The ``column`` size of a kept group or of the pooled series (``other``)."""
        if label == self.other and self.dropped:
            return int(self.sizes.loc[self.dropped, column].sum())
        return int(self.sizes.loc[label, column])

    def describe(self, label: str) -> str:
        """The counts behind a group, for hover text: ``"3 stories, 1,205 words"``."""
        return ", ".join(
            f"{self.size(label, column):,} {unit}"
            for column, unit in _UNITS.items()
            if column in self.sizes.columns
        )

    def colour(self, label: str, faded: set[str], base: str) -> str:
        """The colour of a series whose colour only names its group: :data:`MUTED_COLOUR` when
        ``faded``, :data:`OTHER_COLOUR` for the pooled series, else ``base``."""
        if label in faded:
            return MUTED_COLOUR
        if self.dropped and label == self.other:
            return OTHER_COLOUR
        return base

    def small(self, column: str, min_n: int) -> set[str]:
        """Kept groups (and the pooled series) resting on fewer than ``min_n`` ``column``."""
        if column not in self.sizes.columns:
            return set()
        labels = [*self.kept, *([self.other] if self.dropped else [])]
        return {label for label in labels if self.size(label, column) < min_n}


def choose_groups(
    table: pd.DataFrame,
    group: str,
    max_groups: object,
    *,
    agg: Mapping[str, str],
    highlight: str | None = None,
) -> Groups:
    """The ``max_groups`` groups with most stories (see the module's rule 1).

    Args:
        table: the table drawn.
        group: its group column.
        max_groups: how many groups at most.
        agg: how the size columns add up over a group's rows (:func:`group_sizes`).
        highlight: a group that is kept in any case (in place of the smallest kept one).

    Raises:
        ParameterError: a ``max_groups`` that is not a positive integer.

    >>> table = pd.DataFrame({"g": list("abc"), "n_stories": [1, 5, 3]})
    >>> chosen = choose_groups(table, "g", 2, agg={"n_stories": "sum"})
    >>> chosen.kept, chosen.dropped, chosen.note(pooled=True)
    (['b', 'c'], ['a'], ' (2 of 3 groups with most stories; the other 1 pooled)')
    """
    max_groups = positive_int(max_groups, "max_groups")
    sizes = group_sizes(table, group, agg)
    rank = next((c for c in _RANKS if c in sizes.columns), None)
    order = list(sizes.index)
    if rank is not None:
        order = list(sizes[rank].sort_values(ascending=False, kind="stable").index)
    keep = order[:max_groups]
    if highlight is not None and highlight not in keep:
        keep = [*keep[: max_groups - 1], highlight]
    kept = [g for g in sizes.index if g in set(keep)]
    dropped = [g for g in sizes.index if g not in set(keep)]
    return Groups(kept=kept, dropped=dropped, sizes=sizes, rank=rank)


def pool(
    rows: pd.DataFrame,
    *,
    group: str,
    label: str,
    keys: Sequence[str] = (),
    sums: Sequence[str] = (),
    means: Mapping[str, str] | None = None,
    spread: tuple[str, str, str] | None = None,
) -> pd.DataFrame:
    """The pooled series of ``rows`` (the dropped groups): one row per value of ``keys``.

    Args:
        rows: the rows of the groups pooled.
        group: the group column (set to ``label`` in the output).
        label: the pooled series' name, ``"other (N groups)"``.
        keys: columns that stay apart (``period``, ``position``, ``target``, ``frame`` …).
        sums: count columns summed.
        means: mean column -> the count column weighting it (NaN means are left out).
        spread: ``(mean, std, n)`` columns: the pooled standard deviation of the units is
            written to ``std`` (``sqrt((sum((n-1) s²) + sum(n m²) - N M²) / (N - 1))``).

    Returns:
        ``group``, ``keys``, ``sums``, ``means`` (and the ``std`` of ``spread``), in the order
        of first appearance of ``keys``. Absent columns are skipped.

    >>> rows = pd.DataFrame({"g": ["a", "b"], "n": [1, 3], "m": [0.4, 0.0]})
    >>> pool(rows, group="g", label="other (2 groups)", sums=["n"], means={"m": "n"}).m.item()
    0.1
    """
    means = {c: w for c, w in (means or {}).items() if c in rows.columns and w in rows.columns}
    work = pd.DataFrame({"_k": 0}, index=rows.index)
    for key in keys:
        work[key] = rows[key]
    columns: dict[str, tuple[str, str]] = {}
    for column in [c for c in sums if c in rows.columns]:
        work[column] = rows[column]
        columns[column] = (column, "sum")
    for column, weight in means.items():
        known = rows[column].notna()
        work[f"_wx_{column}"] = (rows[column] * rows[weight]).where(known, 0.0)
        work[f"_w_{column}"] = rows[weight].where(known, 0)
        columns[f"_wx_{column}"] = (f"_wx_{column}", "sum")
        columns[f"_w_{column}"] = (f"_w_{column}", "sum")
    if spread is not None and all(c in rows.columns for c in spread):
        mean, std, n = spread
        count = rows[n].astype("float64")
        work["_ss"] = ((count - 1).clip(lower=0) * rows[std].fillna(0.0) ** 2) + count * rows[
            mean
        ].astype("float64") ** 2
        work["_sm"] = count * rows[mean].astype("float64")
        work["_sn"] = count
        for part in ("_ss", "_sm", "_sn"):
            columns[part] = (part, "sum")
    out = work.groupby(["_k", *keys], sort=False).agg(**columns).reset_index()
    for column in means:
        weights = out[f"_w_{column}"].where(out[f"_w_{column}"] > 0)
        out[column] = out[f"_wx_{column}"] / weights
    if "_sn" in out.columns:
        total = out["_sn"]
        centred = out["_ss"] - out["_sm"] ** 2 / total.where(total > 0)
        out[spread[1]] = np.sqrt((centred / (total - 1).where(total > 1)).clip(lower=0))
    out[group] = label
    kept = [group, *keys, *[c for c in sums if c in rows.columns], *means]
    if spread is not None and spread[1] in out.columns:
        kept.append(spread[1])
    return out[kept].reset_index(drop=True)


def is_tone(column: str) -> bool:
    """Whether ``column`` holds tone (sentiment scores, -1 to 1): ``mean_*`` columns other than
    subjectivity, and the sentence scores.

    >>> is_tone("mean_score"), is_tone("mean_textblob_subjectivity"), is_tone("intensity")
    (True, False, False)
    """
    if column in _SENTENCE_SCORES:
        return True
    return column.startswith("mean_") and "subjectivity" not in column


def _reach(values: object, errors: object = None) -> float:
    v = np.abs(np.asarray(values, dtype="float64").ravel())
    if errors is not None:
        e = np.nan_to_num(np.asarray(errors, dtype="float64").ravel(), nan=0.0)
        v = v + np.abs(e)
    v = v[np.isfinite(v)]
    return float(v.max()) if v.size else 0.0


def tone_range(
    values: object, errors: object = None, *, min_span: float = MIN_TONE_SPAN
) -> list[float]:
    """A tone axis: symmetric around 0, reaching the largest ``|value| + error`` (5 % margin),
    spanning at least ``min_span`` and at most -1.05..1.05.

    >>> tone_range([0.01, 0.045])
    [-0.1, 0.1]
    >>> tone_range([-0.3, 0.1], [0.05, 0.0])
    [-0.3675, 0.3675]
    """
    reach = max(_reach(values, errors) * _MARGIN, min_span / 2)
    reach = min(reach, MAX_TONE_REACH)
    return [-round(reach, 4), round(reach, 4)]


def zero_range(values: object, errors: object = None) -> list[float]:
    """An axis from 0 to the largest ``value + error`` (5 % margin; 0..1 when all are 0).

    >>> zero_range([14.2, 15.8])
    [0.0, 16.59]
    """
    top = _reach(values, errors) * _MARGIN
    return [0.0, round(top, 4) if top > 0 else 1.0]


def value_range(column: str, values: object, errors: object = None) -> list[float] | None:
    """The axis range of ``column``: :func:`tone_range` for tone, :func:`zero_range` for
    columns whose values are all >= 0, else ``None`` (plotly's autorange)."""
    if is_tone(column):
        return tone_range(values, errors)
    array = np.asarray(values, dtype="float64")
    if array.size and np.all(array[np.isfinite(array)] >= 0):
        return zero_range(values, errors)
    return None


def se_note(
    means: Sequence[float],
    errors: Sequence[float],
    *,
    within: Sequence[object] | None = None,
    what: str = "groups",
) -> str:
    """Say how many pairs of ``means`` differ by less than the standard error of their
    difference (``sqrt(se1² + se2²)``); ``""`` when none do or no standard error is known.

    Args:
        means: the plotted means.
        errors: their standard errors (NaN: unknown, the mean is left out).
        within: a key per mean; only means with the same key are compared (e.g. the target).
        what: what a mean stands for, in the sentence.

    >>> se_note([0.10, 0.12, 0.5], [0.03, 0.03, 0.01])
    '1 of 3 pairs of groups differ by less than their standard error (within noise)'
    """
    keys = [0] * len(means) if within is None else list(within)
    points: dict[object, list[tuple[float, float]]] = {}
    for key, m, e in zip(keys, means, errors, strict=True):
        if math.isfinite(float(m)) and math.isfinite(float(e)):
            points.setdefault(key, []).append((float(m), float(e)))
    pairs = close = 0
    for block in points.values():
        for i, (m1, e1) in enumerate(block):
            for m2, e2 in block[i + 1 :]:
                pairs += 1
                close += abs(m1 - m2) < math.hypot(e1, e2)
    if not close:
        return ""
    head = f"the two {what} differ" if pairs == 1 else f"{close} of {pairs} pairs of {what} differ"
    return head + " by less than their standard error (within noise)"


def muted_note(unit: str, min_n: int, *, faded: bool = False) -> str:
    """The legend note of muted groups."""
    return f"{'faded' if faded else 'grey'}: fewer than {min_n:,} {unit}"


def fade_row(index: int) -> dict[str, object]:
    """A translucent white band over heatmap row ``index``: how heatmaps mute a small group."""
    return {
        "type": "rect",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "yref": "y",
        "y0": index - 0.5,
        "y1": index + 0.5,
        "fillcolor": "white",
        "opacity": 1 - MUTED_OPACITY,
        "line": {"width": 0},
        "layer": "above",
    }


def check_min_n(min_n: object) -> int:
    """``min_n`` as an int >= 0 (0 mutes nothing)."""
    return positive_int(min_n, "min_n", minimum=0)


#: Narrowest chart width (px) a layout is fitted for: a report or notebook read at 900 px, less
#: the page's padding and the output area's prompt column.
FIT_WIDTH: Final = 760
#: Width (px) kept free of title text at the top right, where plotly.js shows the chart's
#: toolbar (:data:`analysis.figures.MODEBAR_REMOVE` leaves it five buttons, 24 px each).
MODEBAR_WIDTH: Final = 140
#: Widest average character of 12 px text (DejaVu Sans, the widest of the fonts browsers fall
#: back to for plotly's "Open Sans"), in px; other sizes scale with the font.
CHAR_WIDTH: Final = 7.2
#: Default font sizes of plotly: text and the chart title (px), and the height of a line.
_FONT, _TITLE_FONT, _LINE = 12, 17, 1.3
#: Space (px) kept above the title, under it, and above a row of subplot titles.
_TITLE_TOP, _GAP, _SUBPLOT_TITLES = 9, 14, 24
#: Legend entry: the symbol and the gaps around the text (px); one row's height.
_ENTRY_EXTRA, _LEGEND_ROW = 48, 20
_TAG = re.compile(r"<[^>]*>")
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_SUP = re.compile(r"^\s*<sup>(.*)</sup>\s*$", re.IGNORECASE | re.DOTALL)


def _visible(text: str) -> str:
    """The characters of plotly label ``text`` that are drawn (tags dropped, entities read)."""
    return html.unescape(_TAG.sub("", text))


def _wrap_line(line: str, limit: int) -> list[str]:
    """``line`` (plotly text, tags closed within it) broken at spaces into parts of at most
    ``limit`` drawn characters; a word longer than ``limit`` stays whole."""
    words = re.split(r" (?![^<]*>)", line)  # spaces outside tags
    parts: list[str] = []
    current: list[str] = []
    for word in words:
        trial = " ".join([*current, word])
        if current and len(_visible(trial)) > limit:
            parts.append(" ".join(current))
            current = [word]
        else:
            current.append(word)
    parts.append(" ".join(current))
    return parts


def _wrapped_title(text: str, width: float, size: float) -> tuple[str, int]:
    """``text`` wrapped to ``width`` px, and its number of lines (``<sup>`` text is 70 % of
    ``size`` wide, but plotly.js gives every line of a title the full line height)."""
    lines: list[str] = []
    for line in _LINE_BREAK.split(text):
        sup = _SUP.match(line)
        scale = 0.7 if sup else 1.0
        limit = max(10, int(width / (CHAR_WIDTH * size * scale / _FONT)))
        parts = _wrap_line(sup.group(1) if sup else line, limit)
        lines.extend(f"<sup>{p}</sup>" for p in parts) if sup else lines.extend(parts)
    return "<br>".join(lines), len(lines)


def _legend_entries(fig: go.Figure) -> list[str]:
    """The names shown in the legend (one per legend group), ``[]`` when there is no legend."""
    if fig.layout.showlegend is False:
        return []
    shown = [t for t in fig.data if t.showlegend is not False and t.name]
    if fig.layout.showlegend is not True and len(shown) < 2:
        return []
    names: list[str] = []
    groups: set[str] = set()
    for trace in shown:
        group = trace.legendgroup
        if group and group in groups:
            continue
        groups.add(group or "")
        names.append(str(trace.name))
    return names


def _legend_rows(names: Sequence[str], width: float) -> int:
    """Rows of a horizontal legend of ``names`` in ``width`` px (plotly.js: one row when all
    fit, else columns as wide as the widest entry)."""
    widths = [len(_visible(n)) * CHAR_WIDTH + _ENTRY_EXTRA for n in names]
    if sum(widths) <= width:
        return 1
    per_row = max(1, int(width // max(widths)))
    return math.ceil(len(names) / per_row)


def _right_side_taken(fig: go.Figure) -> bool:
    """Whether a colour bar or an annotation (``n=…`` labels) stands right of the plot."""
    scaled = {"heatmap", "histogram2d", "contour", "histogram2dcontour"}
    for trace in fig.data:
        marker_bar = getattr(getattr(trace, "marker", None), "showscale", None)
        if marker_bar is True or (trace.type in scaled and trace.showscale is not False):
            return True
    axis = fig.layout.coloraxis
    if axis.colorscale is not None and axis.showscale is not False:
        return True
    return any(
        (a.xref == "paper" or str(a.xref or "").endswith("domain"))
        and a.x is not None
        and a.x >= 1
        for a in fig.layout.annotations
    )


def fit_layout(fig: go.Figure, *, width: float = FIT_WIDTH) -> go.Figure:
    """A copy of ``fig`` laid out to read at any page width (the module's rule 5).

    Args:
        fig: a figure from one of the helpers (not mutated).
        width: the narrowest width (px) the title and a top legend are fitted for.

    Returns:
        The copy: ``autosize`` on and no fixed width; the title wrapped and pinned to the top;
        the legend to the right of the plot (above it when the right is taken); the
        top margin and the height grown by what the title, a top legend and subplot titles
        need.

    >>> fig = go.Figure([go.Scatter(name=n, y=[1]) for n in "ab"])
    >>> out = fit_layout(fig.update_layout(width=500, legend={"orientation": "h", "y": -0.2}))
    >>> out.layout.width, out.layout.autosize, out.layout.legend.orientation, out.layout.legend.x
    (None, True, 'v', 1.02)
    """
    out = go.Figure(fig)
    out.update_traces(
        cliponaxis=False, selector=lambda t: hasattr(t, "cliponaxis") and t.text is not None
    )
    layout = out.layout
    title = layout.title.text or ""
    size = (layout.title.font.size if layout.title.font else None) or _TITLE_FONT
    room = width * 0.95 - MODEBAR_WIDTH
    text, n_lines = _wrapped_title(title, room, size) if title else ("", 0)
    subplot_titles = any(
        a.yref == "paper" and a.y is not None and a.y >= 1 and a.yanchor == "bottom"
        for a in layout.annotations
    )
    top = (_TITLE_TOP + n_lines * size * _LINE + _GAP) if title else 0.0
    names = _legend_entries(out)
    legend_top = top
    on_top = bool(names) and _right_side_taken(out)
    if on_top:
        # the legend spans the plot's width: the chart's less the default side margins
        top += _legend_rows(names, width - 160) * _LEGEND_ROW + _GAP
    top += _SUBPLOT_TITLES if subplot_titles else 0.0
    given = layout.margin.t if layout.margin.t is not None else 100
    needed = math.ceil(max(given, top))
    height = (layout.height or 450) + needed - given
    layout.update(autosize=True, width=None, height=height, margin={"t": needed})
    if title:
        # plotly.js lifts a title of several lines by about one line less the first's ascent
        pad = _TITLE_TOP + (0.9 * size if n_lines > 1 else 0.2 * size)
        layout.title.update(text=text, yref="container", y=1, yanchor="top", pad={"t": pad})
    if on_top:
        layout.legend.update(
            orientation="h",
            xref="paper",
            x=0,
            xanchor="left",
            yref="container",
            y=1 - legend_top / height,
            yanchor="top",
        )
    elif names:
        layout.legend.update(
            orientation="v", xref="paper", x=1.02, xanchor="left", yref="paper", y=1, yanchor="top"
        )
    return out
