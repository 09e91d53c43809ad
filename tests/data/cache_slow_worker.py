"""Picklable chunk functions for the worker-pool tests of :func:`analysis.pipeline.map_chunks`.

The tests start a child Python that imports this module (its folder is put on ``sys.path``), runs
``map_chunks`` with two workers and gets killed while the workers are busy. Each item is
``(folder, seconds)``: the function records the worker's pid as an empty file
``<folder>/pid-<pid>`` (so the test knows which processes to watch), then sleeps.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd


def slow_chunk(items: Sequence[tuple[str, float]]) -> pd.DataFrame:
    """Record this worker's pid in the items' folder, sleep the items' seconds, count the items."""
    for folder, seconds in items:
        Path(folder, f"pid-{os.getpid()}").touch()
        time.sleep(seconds)
    return pd.DataFrame({"n": [len(items)]})


def fail_fast_chunk(items: Sequence[tuple[str, float]]) -> pd.DataFrame:
    """Like :func:`slow_chunk`, but an item with ``seconds < 0`` raises ``ValueError`` at once."""
    for folder, seconds in items:
        if seconds < 0:
            raise ValueError(f"chunk failed on purpose (seconds={seconds!r})")
        Path(folder, f"pid-{os.getpid()}").touch()
        time.sleep(seconds)
    return pd.DataFrame({"n": [len(items)]})
