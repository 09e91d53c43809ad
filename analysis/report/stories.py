"""Per-story reports: whether they are built, for which stories, and under which file names.

The deep-dive notebook :data:`analysis.report.catalog.STORY_NOTEBOOK` runs once per chosen
story with ``story_id`` as its parameter; each page gets a file stem unique within the run
(:func:`story_stems`), made safe by :func:`analysis.safe.safe_filename`.

Which stories (:func:`choose_stories`): the ids given with ``--stories``, every story for
``--stories all``, else the representatives of the run's ``group``
(:func:`representative_stories`): per group its most typical story and its most extreme one,
by tone (the mean default sentence score of the story, as in the sentiment report,
:func:`analysis.sentiment.story_sentiment`):

- *extreme*: the largest ``|tone|`` of the group (ties: corpus order);
- *typical*: another story, the tone closest to the group's mean (the mean over the group's
  sentences, the ``mean_score`` of the sentiment report); ties: length closest to the group's
  median length, then corpus order;

candidates are the stories with at least :data:`MIN_SENTENCES` sentences when the group has
any (a two-sentence lead is extreme by chance). At most
:data:`~analysis.report.catalog.MAX_STORY_GROUPS` groups get deep dives, the largest first.
When each story is its own group (``group=story_id``, the default) the first
:data:`~analysis.report.catalog.MAX_STORY_REPORTS` stories get one.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Sequence
from typing import Any, Final, NamedTuple

import pandas as pd

from analysis import config, safe
from analysis._checks import group_labels
from analysis.errors import ParameterError
from analysis.report import catalog
from analysis.report.catalog import STORY_NOTEBOOK

__all__ = [
    "MIN_SENTENCES",
    "StoryChoice",
    "choose_stories",
    "representative_stories",
    "story_id_text",
    "story_reports_run",
    "story_stems",
]

#: A story needs this many sentences to represent its group (unless the group has none).
MIN_SENTENCES: Final = 3


class StoryChoice(NamedTuple):
    """A story that gets a deep dive: which group it represents (``"column=value"``, empty when
    it stands for itself) and why it was chosen, as plain text for the index."""

    story_id: Any
    group: str = ""
    reason: str = ""


def story_stems(story_ids: Sequence[object], *, reserved: Iterable[str] = ()) -> list[str]:
    """One file stem per story, unique within the run (also on case-insensitive file systems).

    ``"story-" + safe_filename(id)``; a stem already taken (by an earlier story or a name in
    ``reserved``) gets ``-2``, ``-3`` … in story order. Missing or empty ids become
    ``story-unnamed``.

    >>> story_stems(["a/b", "a_b", "", None])[1:]
    ['story-a_b', 'story-unnamed', 'story-unnamed-2']
    """
    used = {name.casefold() for name in reserved}
    stems = []
    for story_id in story_ids:
        base = "story-" + safe.safe_filename(story_id, fallback="unnamed")
        stem, k = base, 2
        while stem.casefold() in used:
            stem, k = f"{base}-{k}", k + 1
        used.add(stem.casefold())
        stems.append(stem)
    return stems


def story_id_text(story_id: object) -> str:
    """A story id as text: missing values (``None``, NaN) become the empty string.

    >>> story_id_text(float("nan")), story_id_text(7)
    ('', '7')
    """
    if story_id is None or (isinstance(story_id, float) and math.isnan(story_id)):
        return ""
    return str(story_id)


def choose_stories(
    stories: Sequence[str] | str | None,
    story_ids: list[str],
    *,
    table: pd.DataFrame | None = None,
    tone: pd.Series | None = None,
    group: str | None = None,
) -> tuple[list[StoryChoice], list[str]]:
    """The stories to write a deep dive for, and notes for the index.

    Args:
        stories: ``None`` for the representatives of ``group`` (see
            :func:`representative_stories`), ``"all"`` for every story, else the ids wanted
            (each once, in the order given).
        story_ids: the ids of the selected stories of the corpus.
        table: the selected stories (``story_id``, ``n_words``, ``n_sentences`` and the
            ``group`` column) and
        tone: their tone, indexed by ``story_id`` (both needed when ``stories`` is ``None``).
        group: the run's ``group`` parameter (``None`` or ``story_id``: each story stands for
            itself).

    Raises:
        ParameterError: an id that is not among ``story_ids`` (with the closest one), or a
            ``group`` that is not a column of the stories table.
    """
    if stories is None:
        if group in (None, "story_id") or table is None or tone is None:
            first = story_ids[: catalog.MAX_STORY_REPORTS]
            chosen = [
                StoryChoice(sid, "", f"story {i} of {len(story_ids):,} in corpus order")
                for i, sid in enumerate(first, 1)
            ]
            notes = []
            if len(story_ids) > len(first):
                notes.append(
                    f"Each story is its own group (group=story_id): the first {len(first)} of "
                    f"{len(story_ids):,} stories get a deep dive. --stories all builds one for "
                    "every story; -p group=<column> one typical and one extreme story per group."
                )
            return chosen, notes
        return representative_stories(table, tone, group=group)
    if isinstance(stories, str):
        stories = [stories]
    stories = list(dict.fromkeys(stories))  # each story once, in the order given
    if stories == ["all"]:
        return [StoryChoice(s, "", "--stories all") for s in story_ids], []
    known = set(story_ids)
    missing = [s for s in stories if s not in known]
    if missing:
        hint = difflib.get_close_matches(str(missing[0]), [str(s) for s in story_ids], n=1)
        raise ParameterError(
            f"--stories: unknown story id(s) {missing} (not in the selected stories of the "
            f"corpus)"
            + (f"; did you mean {hint[0]!r}?" if hint else "")
            + f"; e.g. {story_ids[:3]}"
        )
    return [StoryChoice(s, "", "asked for with --stories") for s in stories], []


def representative_stories(
    stories: pd.DataFrame, tone: pd.Series, *, group: str, max_groups: int | None = None
) -> tuple[list[StoryChoice], list[str]]:
    """Per group of ``group``, its most typical and its most extreme story (module docstring).

    Does not mutate its inputs.

    Args:
        stories: one row per story, in corpus order: ``story_id``, ``n_words``,
            ``n_sentences`` and the ``group`` column.
        tone: each story's tone (mean sentence score), indexed by ``story_id``; stories
            without one (no sentences) are not chosen.
        group: the stories column whose values are the groups.
        max_groups: groups that get deep dives, the largest first (default
            :data:`analysis.report.catalog.MAX_STORY_GROUPS`).

    Returns:
        The choices, by group (sorted by value, missing last) then typical before extreme, and
        notes for the index (groups left out).

    Raises:
        ParameterError: ``group`` is not a column of ``stories``.

    >>> stories = pd.DataFrame({
    ...     "story_id": ["a", "b", "c", "d"], "side": ["L", "L", "L", "R"],
    ...     "n_words": [300, 320, 280, 500], "n_sentences": [10, 12, 9, 20]})
    >>> tone = pd.Series([-0.02, -0.30, 0.01, 0.05], index=["a", "b", "c", "d"])
    >>> [(c.story_id, c.group) for c in representative_stories(stories, tone, group="side")[0]]
    [('a', 'side=L'), ('b', 'side=L'), ('d', 'side=R')]
    """
    if not isinstance(group, str) or group not in stories.columns:
        raise ParameterError(
            f"group {group!r} is not a column of the stories table; choose one of "
            f"{list(stories.columns)}"
        )
    limit = catalog.MAX_STORY_GROUPS if max_groups is None else max_groups
    data = pd.DataFrame(
        {
            "story_id": stories["story_id"].to_numpy(),
            "_label": group_labels(stories[group]).to_numpy(),
            "_order": range(len(stories)),
            "_tone": stories["story_id"].map(tone).to_numpy(dtype="float64"),
            "_words": stories["n_words"].to_numpy(dtype="float64"),
            "_sentences": stories["n_sentences"].to_numpy(dtype="float64"),
        }
    ).dropna(subset=["_tone"])
    values = pd.Series(pd.unique(stories[group])).sort_values(na_position="last")
    labels = list(dict.fromkeys(group_labels(values)))
    sizes = data.groupby("_label", sort=False).size()
    labels = [label for label in labels if label in sizes.index]
    kept = sorted(labels, key=lambda label: (-sizes[label], labels.index(label)))[:limit]
    chosen: list[StoryChoice] = []
    for label in labels:
        if label in kept:
            chosen.extend(_group_choices(data[data["_label"] == label], f"{group}={label}"))
    notes = []
    if len(kept) < len(labels):
        notes.append(
            f"{len(labels):,} groups of {group}: the {len(kept)} largest get deep dives (a "
            f"typical and an extreme story each); {len(labels) - len(kept):,} smaller groups "
            "have none. Ask for stories by id with --stories."
        )
    return chosen, notes


def _group_choices(rows: pd.DataFrame, name: str) -> list[StoryChoice]:
    """The typical and the extreme story of one group's rows (at least one row)."""
    n = len(rows)
    long_enough = rows[rows["_sentences"] >= MIN_SENTENCES]
    candidates = long_enough if len(long_enough) else rows
    weights = rows["_sentences"]
    mean = float((rows["_tone"] * weights).sum() / weights.sum()) if weights.sum() else 0.0
    closest = candidates.assign(
        _off=(candidates["_tone"] - mean).abs(),
        _len=(candidates["_words"] - rows["_words"].median()).abs(),
    ).sort_values(["_off", "_len", "_order"], kind="stable")
    if n == 1:
        only = closest.iloc[0]
        return [StoryChoice(only["story_id"], name, f"the only story of {name}")]
    extreme = candidates.assign(_abs=-candidates["_tone"].abs())
    extreme = extreme.sort_values(["_abs", "_order"], kind="stable").iloc[0]
    side = "negative" if extreme["_tone"] < 0 else "positive"
    among = f"{len(candidates):,} stories"
    if len(candidates) < n:
        among += f" with {MIN_SENTENCES}+ sentences"
    extreme_choice = StoryChoice(
        extreme["story_id"],
        name,
        f"most extreme of {name}: tone {extreme['_tone']:+.3f}, the most {side} of its {among}",
    )
    rest = closest[closest["_order"] != extreme["_order"]]
    if rest.empty:
        return [extreme_choice]
    typical = rest.iloc[0]
    after = " after the extreme story" if closest.iloc[0]["_order"] == extreme["_order"] else ""
    typical_choice = StoryChoice(
        typical["story_id"],
        name,
        f"most typical of {name} ({n:,} stories): tone {typical['_tone']:+.3f}, closest to the "
        f"group's mean {mean:+.3f}{after}",
    )
    return [typical_choice, extreme_choice]


def story_reports_run(notebooks: Sequence[str] | None, names: Sequence[str], stories: Any) -> bool:
    """Whether per-story reports are built; raises ParameterError for a bad ``stories``."""
    has_story_notebook = (config.NOTEBOOKS_DIR / f"{STORY_NOTEBOOK}.ipynb").exists()
    if stories is not None and not isinstance(stories, str | list | tuple):
        raise ParameterError(f"stories: expected 'all' or a list of story ids, got {stories!r}")
    if isinstance(stories, list | tuple) and "all" in stories and len(set(stories)) > 1:
        raise ParameterError(
            f"--stories {' '.join(map(str, stories))}: give 'all' alone, or story ids"
        )
    wanted = bool(stories)
    if wanted and not has_story_notebook:
        raise ParameterError(
            f"--stories: there is no per-story notebook "
            f"{config.NOTEBOOKS_DIR / (STORY_NOTEBOOK + '.ipynb')}"
        )
    return has_story_notebook and (notebooks is None or STORY_NOTEBOOK in names or wanted)
