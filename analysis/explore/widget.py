"""The explorer widget for JupyterLab: choose a story or group, read it coloured and marked,
filter its sentences, click one for its detail, and put two selections side by side.

Built with ipywidgets 8 (the Jupyter widgets protocol). An HTML widget cannot send a click back
to the kernel, so every sentence of the list has a small numbered button beside it; the list is
paginated (:data:`PAGE_SIZE` sentences a page) and its widgets are created once and re-filled,
so a page costs the same on four stories and on thousands.

Every interaction is a look-up in the tables :func:`analysis.explore.tables.explore_tables`
computed once: a filter is a few numpy operations over the selection's rows, a page re-fills
:data:`PAGE_SIZE` HTML widgets from a memo of sentence HTML, and the detail of a clicked
sentence reads its scores, triggers and mentions from those tables. Only "the words behind" a
score are worked out at the click, for that one sentence
(:func:`analysis.sentiment.drivers.driver_rows`, VADER's and Pattern's per-word valences), and
remembered; the lexicons this needs are loaded in a background thread while the explorer is
built and shown.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import ipywidgets as widgets
import numpy as np

from analysis.corpus import open_corpus
from analysis.errors import ParameterError
from analysis.explore.render import (
    detail_html,
    legend_html,
    selection_title,
    sentence_html,
    summary_html,
)
from analysis.explore.tables import (
    TONES,
    ExploreTables,
    explore_tables,
    filter_rows,
    group_summary,
    selection_rows,
    selection_summary,
)
from analysis.pipeline import analyze
from analysis.safe import escape_html
from analysis.sentiment.drivers import driver_rows
from analysis.sentiment.fast import warm_up

__all__ = ["PAGE_SIZE", "Explorer", "ExplorerPane", "load_lexicons", "open_explorer"]

#: Sentences shown on one page of a list.
PAGE_SIZE: Final = 50
#: What the detail shows before a sentence is clicked.
DETAIL_HINT: Final = (
    '<i style="color:#666">Click a sentence\'s number to see its scores, frame triggers and the '
    "words behind them.</i>"
)
_ALL: Final = ""


def _stories(n: int) -> str:
    return f"{n} story" if n == 1 else f"{n} stories"


_LEXICON_THREADS: list[threading.Thread] = []


def load_lexicons() -> threading.Thread:
    """Start loading, in a background thread, the lexicons "the words behind" a score need
    (about 4 s; once per process); join the thread returned to wait for them."""
    if not _LEXICON_THREADS:
        thread = threading.Thread(target=warm_up, name="explorer-lexicons", daemon=True)
        thread.start()
        _LEXICON_THREADS.append(thread)
    return _LEXICON_THREADS[0]


class ExplorerPane:
    """One side of the explorer: a selection (story or group), its summary, its filtered
    sentence list (paginated, each sentence with a button) and the detail of a clicked one."""

    def __init__(self, explorer: Explorer, index: int) -> None:
        self.explorer = explorer
        self.index = index
        tables = explorer.tables
        self.rows = np.zeros(0, dtype=np.int64)
        self.shown = np.zeros(0, dtype=np.int64)
        self.page = 0
        self.selected: int | None = None
        self._loading = False
        by_group = tables.group != "story_id"
        self.group_menu = widgets.Dropdown(
            options=[
                (f"{g} ({_stories(len(tables.group_stories[g]))})", g) for g in tables.groups
            ],
            description=tables.group if by_group else "group",
            layout=widgets.Layout(width="auto", display=None if by_group else "none"),
        )
        self.story_menu = widgets.Dropdown(
            description="story", layout=widgets.Layout(width="auto", max_width="100%")
        )
        self.summary = widgets.HTML()
        self.previous = widgets.Button(description="\u25c0 previous", layout={"width": "8em"})
        self.next = widgets.Button(description="next \u25b6", layout={"width": "8em"})
        self.position = widgets.HTML()
        self.list = self._sentence_list()
        self.detail = widgets.HTML(DETAIL_HINT, layout=widgets.Layout(flex="2 1 300px"))
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.group_menu, self.story_menu], layout={"flex_flow": "row wrap"}),
                self.summary,
                widgets.HBox([self.previous, self.position, self.next]),
                widgets.HBox([self.list, self.detail], layout={"flex_flow": "row wrap"}),
            ],
            layout=widgets.Layout(
                flex="1 1 420px", min_width="360px", border="1px solid #ddd", padding="4px"
            ),
        )
        self.widget.add_class("explore-pane")
        self.detail.add_class("explore-detail-pane")
        self.position.add_class("explore-position")
        self.story_menu.add_class("explore-story-menu")
        self.group_menu.add_class("explore-group-menu")
        self.previous.on_click(lambda _b: self.turn(-1))
        self.next.on_click(lambda _b: self.turn(1))
        self.group_menu.observe(self.reload_stories, names="value")
        self.story_menu.observe(self._story_changed, names="value")

    def _sentence_list(self) -> widgets.VBox:
        """The list's lines, made once: a numbered button and an HTML text each."""
        # one layout and one style shared by all buttons and by all texts: fewer widget models
        button_layout = widgets.Layout(width="3.6em", min_width="3.6em", height="auto")
        button_style = widgets.ButtonStyle()
        text_layout = widgets.Layout(flex="1 1 0%", min_width="0", width="auto")
        text_style = type(widgets.HTML().style)()  # HTMLStyle, not exported by ipywidgets
        self.buttons = [
            widgets.Button(layout=button_layout, style=button_style)
            for _ in range(self.explorer.page_size)
        ]
        self.texts = [
            widgets.HTML(layout=text_layout, style=text_style)
            for _ in range(self.explorer.page_size)
        ]
        self.lines = [
            widgets.HBox(  # no shrinking: the list scrolls instead
                [b, t], layout=widgets.Layout(align_items="flex-start", flex="0 0 auto")
            )
            for b, t in zip(self.buttons, self.texts, strict=True)
        ]
        for position, button in enumerate(self.buttons):
            button.on_click(lambda _b, p=position: self.click(p))
            button.add_class("explore-sentence-button")
        return widgets.VBox(
            self.lines,
            layout=widgets.Layout(
                flex="3 1 420px", max_height="34em", overflow="auto", min_width="300px"
            ),
        )

    # ----------------------------------------------------------------------- choosing

    def _story_changed(self, _change: Any) -> None:
        if not self._loading:
            self.refresh()

    def _story_options(self, group_value: str | None) -> list[tuple[str, str]]:
        tables = self.explorer.tables
        labels = self.explorer.story_labels
        if tables.group == "story_id":
            return [(labels[s], s) for s in tables.story_rows]
        ids = tables.group_stories[group_value] if group_value is not None else []
        everything = f"all {len(ids)} stories" if len(ids) > 1 else "its one story"
        return [(everything, _ALL)] + [(labels[s], s) for s in ids]

    def reload_stories(self, _change: Any = None) -> None:
        """Fill the story menu with the chosen group's stories and show the first entry."""
        options = self._story_options(self.group_menu.value)
        self._loading = True
        try:
            self.story_menu.options = options
            self.story_menu.index = 0 if options else None  # the page shows the first entry
        finally:
            self._loading = False
        self.refresh()

    def choose(self, *, group: str | None = None, story: str | None = None) -> None:
        """Select a group value (its stories become the menu) and/or one story.

        Raises:
            ParameterError: an unknown group value or story.
        """
        tables = self.explorer.tables
        if group is not None and tables.group != "story_id":
            if group not in tables.group_rows:
                raise ParameterError(
                    f"no {tables.group} {group!r}; choose one of {tables.groups[:10]}"
                )
            self.group_menu.value = group
        if story is not None:
            values = [v for _, v in self.story_menu.options]
            if story not in values:
                raise ParameterError(
                    f"no story {story!r} in the menu; choose one of {values[:10]}"
                )
            self.story_menu.value = story

    @property
    def story(self) -> str | None:
        """The chosen story id (``None`` when a whole group is chosen)."""
        value = self.story_menu.value
        return value if value else None

    @property
    def group_value(self) -> str | None:
        """The chosen group value (``None`` when grouping by story)."""
        return self.group_menu.value if self.explorer.tables.group != "story_id" else None

    # ----------------------------------------------------------------------- showing

    def refresh(self) -> None:
        """Re-read the selection and the filters; back to the first page."""
        tables = self.explorer.tables
        story, group_value = self.story, self.group_value
        self.rows = selection_rows(tables, story=story, group_value=None if story else group_value)
        self.shown = filter_rows(tables, self.rows, **self.explorer.filters)
        title = selection_title(tables, story=story, group_value=None if story else group_value)
        self.summary.value = summary_html(
            tables, title, selection_summary(tables, self.rows), len(self.shown)
        )
        self.page = 0
        if self.selected is not None and not (self.rows == self.selected).any():
            self.selected = None  # the clicked sentence left the selection
            self.detail.value = DETAIL_HINT
        self.show_page()

    def turn(self, step: int) -> None:
        """Go ``step`` pages forward (or back), within the list."""
        last = max(0, (len(self.shown) - 1) // self.explorer.page_size)
        self.page = min(max(self.page + step, 0), last)
        self.show_page()

    def show_page(self) -> None:
        """Fill the list's widgets with the current page of the filtered sentences."""
        size = self.explorer.page_size
        page = self.shown[self.page * size : (self.page + 1) * size]
        lookup = self.explorer.tables.lookup
        story_ids = lookup["story_id"]
        previous = None
        for i, (button, text, line) in enumerate(
            zip(self.buttons, self.texts, self.lines, strict=True)
        ):
            if i >= len(page):
                line.layout.display = "none"
                continue
            row = int(page[i])
            story = story_ids[row]
            note = self.story is None and self.group_value is not None and story != previous
            previous = story
            text.value = self.explorer.sentence_html(row, note)
            number = int(lookup["sentence_index"][row]) + 1
            button.description = str(number)
            button.tooltip = f"show the scores of sentence {number}"
            button.button_style = "info" if row == self.selected else ""
            line.layout.display = None
        n = len(self.shown)
        first = self.page * size + 1 if n else 0
        self.position.value = (
            f'<span style="padding:0 1em">{first}\u2013{min(n, (self.page + 1) * size)} of {n}'
            " sentences</span>"
        )
        self.previous.disabled = self.page == 0
        self.next.disabled = (self.page + 1) * size >= n

    def click(self, position: int) -> None:
        """Show the detail of the sentence at ``position`` on the current page."""
        size = self.explorer.page_size
        index = self.page * size + position
        if not 0 <= position < size or index >= len(self.shown):
            raise ParameterError(f"no sentence at position {position} of this page")
        self.select(int(self.shown[index]))

    def select(self, row: int) -> None:
        """Show the detail of sentence ``row`` (its position in the sentence table)."""
        self.selected = row
        self.detail.value = self.explorer.detail_html(row)
        size = self.explorer.page_size
        page = self.shown[self.page * size : (self.page + 1) * size]
        for button, shown_row in zip(self.buttons, page, strict=False):
            button.button_style = "info" if shown_row == row else ""


class Explorer:
    """The explorer: filters shared by one or two panes (side by side), over pre-computed tables.

    Display it in a notebook (it is shown as its ipywidgets box, :attr:`widget`). Every
    interaction reads ``tables``; nothing is analysed again.

    Args:
        tables: from :func:`analysis.explore.tables.explore_tables`.
        page_size: sentences per page of a list.
    """

    def __init__(self, tables: ExploreTables, *, page_size: int = PAGE_SIZE) -> None:
        if not isinstance(tables, ExploreTables):
            raise ParameterError(
                f"expected ExploreTables (explore_tables(analysis)), got {type(tables).__name__}"
            )
        if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
            raise ParameterError(f"page_size must be a positive integer, got {page_size!r}")
        self.tables = tables
        self.page_size = page_size
        self.story_labels = {s: info["label"] for s, info in tables.story_info.items()}
        self._holding = False
        self._sentence_memo: dict[tuple[int, bool], str] = {}
        self._drivers_memo: dict[int, list[tuple[str, str, float]]] = {}
        self._filter_widgets()
        # the second pane is made now (its widgets reach the page with the first) but hidden,
        # and filled when first shown
        self.panes = [ExplorerPane(self, 0), ExplorerPane(self, 1)]
        self.panes[1].widget.layout.display = "none"
        self._second_started = False
        self.pane_box = widgets.HBox(
            [p.widget for p in self.panes], layout={"flex_flow": "row wrap", "width": "100%"}
        )
        header = widgets.HTML(self._header_html())
        self.widget = widgets.VBox(
            [
                header,
                widgets.HTML(legend_html(tables)),
                widgets.HBox([self.mode], layout={"flex_flow": "row wrap"}),
                widgets.HBox(
                    [
                        self.frame_menu,
                        widgets.VBox([self.tone_menu, self.target_menu]),
                        self.clear,
                    ],
                    layout={"flex_flow": "row wrap", "align_items": "flex-start"},
                ),
                self.pane_box,
            ],
            layout={"width": "100%"},
        )
        self.widget.add_class("news-explorer")
        self.frame_menu.add_class("explore-frames")
        self.tone_menu.add_class("explore-tone")
        self.target_menu.add_class("explore-target")
        self.mode.add_class("explore-mode")
        for menu in (self.frame_menu, self.tone_menu, self.target_menu):
            menu.observe(lambda _c: self.refresh(), names="value")
        self.clear.on_click(lambda _b: self.set_filters(frames=(), tone=None, target=None))
        self.mode.observe(lambda c: self.side_by_side(bool(c["new"])), names="value")
        self._start(self.panes[0])
        self._lexicons = load_lexicons()

    def _filter_widgets(self) -> None:
        """The shared controls: frame, tone and target filters, "clear filters", the view."""
        tables = self.tables
        labels = tables.codebook.labels()
        self.frame_menu = widgets.SelectMultiple(
            options=[(labels.get(f, f), f) for f in tables.frame_ids],
            rows=min(len(tables.frame_ids), 6),
            description="frames",
            layout={"width": "auto"},
        )
        self.tone_menu = widgets.ToggleButtons(
            options=[("any tone", _ALL), *[(t, t) for t in TONES]],
            description="tone",
            style={"button_width": "6.5em"},
        )
        self.target_menu = widgets.Dropdown(
            options=[("any target", _ALL), *[(t, t) for t in tables.target_labels]],
            description="target",
            layout={"width": "auto"},
        )
        self.clear = widgets.Button(description="clear filters", layout={"width": "9em"})
        self.mode = widgets.ToggleButtons(
            options=[("one", False), ("side by side", True)],
            description="view",
            style={"button_width": "8em"},
        )

    def _start(self, pane: ExplorerPane) -> None:
        """Give a new pane its first selection: the pane's number-th story or group."""
        groups = self.tables.groups
        if self.tables.group != "story_id" and groups:
            pane.group_menu.value = groups[min(pane.index, len(groups) - 1)]
        pane.reload_stories()
        options = pane.story_menu.options
        if self.tables.group == "story_id" and len(options) > pane.index:
            pane.story_menu.value = options[pane.index][1]

    def _header_html(self) -> str:
        t = self.tables
        return (
            f"<b>{len(t.stories)} stories, {len(t.sentences)} sentences</b> · grouped by "
            f"<code>{escape_html(t.group)}</code> · codebook <code>{escape_html(t.codebook.name)}"
            f"</code> · {len(t.targets)} targets"
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # ----------------------------------------------------------------------- state

    @property
    def filters(self) -> dict[str, Any]:
        """The filters in force: ``frames`` (any of), ``tone``, ``target``."""
        return {
            "frames": tuple(self.frame_menu.value),
            "tone": self.tone_menu.value or None,  # "any" is "" (None would select nothing)
            "target": self.target_menu.value or None,
        }

    def set_filters(
        self,
        *,
        frames: Iterable[str] | None = None,
        tone: str | None = None,
        target: str | None = None,
    ) -> None:
        """Set the filters (as a click on the menus would) and refresh the panes once.

        ``frames=None`` leaves the frame filter as it is; ``tone`` and ``target`` ``None`` mean
        any.

        Raises:
            ParameterError: an unknown frame, tone or target.
        """
        filter_rows(
            self.tables, np.zeros(0, dtype=np.int64), frames=frames or (), tone=tone, target=target
        )
        self._holding = True
        try:
            if frames is not None:
                self.frame_menu.value = tuple(frames)
            self.tone_menu.value = tone or _ALL
            self.target_menu.value = target or _ALL
        finally:
            self._holding = False
        self.refresh()

    def refresh(self) -> None:
        """Re-filter the visible panes."""
        if self._holding:
            return
        for pane in self.panes:
            if pane.index == 0 or self.mode.value:
                pane.refresh()

    def side_by_side(self, on: bool = True) -> None:
        """Show the second pane beside the first (or hide it)."""
        if self.mode.value != on:
            self.mode.value = on  # observed: comes back here
            return
        second = self.panes[1]
        if on and not self._second_started:
            self._second_started = True
            self._start(second)
        elif on:
            second.refresh()
        second.widget.layout.display = None if on else "none"

    def sentence_html(self, row: int, story_note: bool = False) -> str:
        """A sentence's list HTML (memoised)."""
        key = (row, story_note)
        if key not in self._sentence_memo:
            self._sentence_memo[key] = sentence_html(self.tables, row, story_note=story_note)
        return self._sentence_memo[key]

    def wait_until_ready(self) -> None:
        """Wait until the lexicons the detail needs are loaded (a click waits anyway)."""
        self._lexicons.join()

    def drivers(self, row: int) -> list[tuple[str, str, float]]:
        """The words behind sentence ``row``'s scores (memoised)."""
        if row not in self._drivers_memo:
            self._lexicons.join()
            self._drivers_memo[row] = driver_rows(str(self.tables.lookup["text"][row]))
        return self._drivers_memo[row]

    def detail_html(self, row: int) -> str:
        """The detail HTML of sentence ``row``."""
        return detail_html(self.tables, row, self.drivers(row))

    def summary(self) -> Any:
        """One row per story or group: sentences per tone, mean score, sentences per frame."""
        return group_summary(self.tables)


def open_explorer(
    corpus_path: str | Path | None = None,
    *,
    group: str = "story_id",
    codebook: str | Path = "generic",
    targets: Mapping[str, Sequence[Any]] | None = None,
    page_size: int = PAGE_SIZE,
    **corpus_options: Any,
) -> Explorer:
    """Open a corpus, run (or read from the cache) the shared analysis pass, and build the
    explorer over it.

    Args:
        corpus_path: a corpus file or folder (``None``: the seed stories).
        group: the stories column to choose and compare by.
        codebook: the frame codebook.
        targets: label -> aliases, or ``None`` for the corpus' most mentioned actors.
        page_size: sentences per page.
        **corpus_options: passed to :func:`analysis.open_corpus` (``filters``, ``encoding`` ...).

    Returns:
        An :class:`Explorer`.
    """
    load_lexicons()  # while the corpus is opened and analysed
    corpus = open_corpus(corpus_path, **corpus_options)
    result = analyze(corpus, codebooks=[codebook], terms=False)
    tables = explore_tables(result, codebook=codebook, group=group, targets=targets)
    return Explorer(tables, page_size=page_size)
