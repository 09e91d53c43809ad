"""Per-story reports: whether they are built, for which stories, and under which file names.

The deep-dive notebook :data:`analysis.report.catalog.STORY_NOTEBOOK` runs once per chosen
story with ``story_id`` as its parameter; each page gets a file stem unique within the run
(:func:`story_stems`), made safe by :func:`analysis.safe.safe_filename`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Sequence
from typing import Any

from analysis import config, safe
from analysis.errors import ParameterError
from analysis.report.catalog import MAX_STORY_REPORTS, STORY_NOTEBOOK

__all__ = ["choose_stories", "story_id_text", "story_reports_run", "story_stems"]


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


def choose_stories(stories: Sequence[str] | str | None, story_ids: list[str]) -> list[str]:
    """The story ids to write a deep dive for.

    Args:
        stories: ``None`` for the first :data:`MAX_STORY_REPORTS` stories, ``"all"`` for every
            story, else the ids wanted (each once, in the order given).
        story_ids: the ids of the selected stories of the corpus.

    Raises:
        ParameterError: an id that is not among ``story_ids`` (with the closest one).
    """
    if stories is None:
        return story_ids[:MAX_STORY_REPORTS]
    if isinstance(stories, str):
        stories = [stories]
    stories = list(dict.fromkeys(stories))  # each story once, in the order given
    if stories == ["all"]:
        return list(story_ids)
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
    return stories


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
