"""Option checks and progress display shared by the Dask engine's functions."""

from __future__ import annotations

import numpy as np

from analysis.errors import ParameterError
from analysis.progress import wanted

__all__ = ["PROGRESS_MIN_PARTITIONS", "check_count", "show_progress"]

#: Show a progress bar by default from this many partitions on (in a terminal).
PROGRESS_MIN_PARTITIONS = 4


def check_count(value: object, name: str, *, minimum: int = 1) -> int:
    """``value`` as an ``int`` when it is an integer (not a bool) of at least ``minimum``.

    Like :func:`analysis._checks.positive_int`, but the message always says the minimum
    (``"n_topics must be an integer >= 1, got 0"``).

    >>> check_count(3, "n_topics")
    3
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ParameterError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def show_progress(progress: bool | None, n_items: int) -> bool:
    """``progress``, or for ``None``: from :data:`PROGRESS_MIN_PARTITIONS` on, in a terminal
    (or in a log, see :func:`analysis.progress.wanted`)."""
    return wanted(progress, n_items, PROGRESS_MIN_PARTITIONS)
