"""Argument and table checks shared by every step, and the label of a missing group value.

Each check raises :class:`analysis.errors.ParameterError` with a message that names the bad
argument, its value and what is accepted (the house rule for errors).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import numpy as np
import pandas as pd

from analysis.errors import ParameterError

__all__ = [
    "MISSING_GROUP",
    "group_labels",
    "per_thousand",
    "positive_int",
    "require_columns",
    "require_known_stories",
]

#: The group of stories whose grouping column is empty.
MISSING_GROUP: Final = "(missing)"
#: Size columns of per-group tables (cards, frame summary), in their table order.
GROUP_SIZE_COLUMNS: Final = ("n_stories", "n_words", "n_sentences", "n_truncated", "is_truncated")


def positive_int(value: object, name: str, *, minimum: int = 1) -> int:
    """``value`` as an ``int`` when it is an integer (not a bool) of at least ``minimum``.

    >>> positive_int(3, "top")
    3
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        expected = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ParameterError(f"{name} must be {expected}, got {value!r}")
    return int(value)


def require_columns(frame: object, columns: Iterable[str], name: str, *, hint: str = "") -> None:
    """Raise unless ``frame`` is a DataFrame holding every column of ``columns``.

    Args:
        frame: the table passed by the caller.
        columns: the columns it must have.
        name: the argument's name, used in the message.
        hint: what to pass instead, appended to the message.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        message = f"{name} lacks the column(s) {missing}; it has {list(frame.columns)}."
        raise ParameterError(message + (f" {hint}" if hint else ""))


def require_known_stories(story_ids: pd.Series, stories: pd.DataFrame, name: str) -> None:
    """Raise unless every id of ``story_ids`` (the ``story_id`` column of the table ``name``)
    is a ``story_id`` of ``stories``; checked as columns, not id by id in Python."""
    outside = ~story_ids.isin(stories["story_id"])
    if outside.any():
        unknown = sorted(set(story_ids[outside]))
        raise ParameterError(
            f"{len(unknown)} story_id(s) of {name} are not in stories, e.g. {unknown[0]!r}; "
            "pass the stories table of the same corpus"
        )


def group_labels(values: pd.Series) -> pd.Series:
    """Group values as text, with missing values labelled :data:`MISSING_GROUP`.

    >>> group_labels(pd.Series(["AP", None, 3])).tolist()
    ['AP', '(missing)', '3']
    """
    codes, uniques = pd.factorize(values)  # each distinct value labelled once, missing: -1
    labels = np.array([*(str(v) for v in uniques), MISSING_GROUP], dtype=object)
    return pd.Series(labels[codes], index=values.index, name=values.name, dtype=object)


def per_thousand(hits: object, words: object) -> object:
    """Frame intensity: ``hits`` per 1,000 ``words``; 0 where there are no words.

    Works on numbers, arrays and Series alike.

    >>> per_thousand(3, 1500)
    2.0
    """
    hits_arr = np.asarray(hits, dtype="float64")
    words_arr = np.asarray(words, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(
            words_arr > 0, 1000.0 * hits_arr / np.where(words_arr > 0, words_arr, 1), 0.0
        )
    if isinstance(hits, pd.Series):
        return pd.Series(out, index=hits.index, name=hits.name)
    return float(out) if out.ndim == 0 else out
