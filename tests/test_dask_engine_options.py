"""Tests of analysis.dask_engine.options: count checks and the progress default."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.dask_engine.options import PROGRESS_MIN_PARTITIONS, check_count, show_progress
from analysis.errors import ParameterError


def test_check_count_accepts_integers_of_at_least_the_minimum():
    assert check_count(3, "n_topics") == 3
    assert check_count(np.int64(2), "n_features", minimum=2) == 2


@pytest.mark.parametrize("value", [0, -1, 1.0, "2", True, None])
def test_check_count_names_the_option_and_the_minimum(value):
    with pytest.raises(ParameterError, match=r"n_topics must be an integer >= 1, got "):
        check_count(value, "n_topics")


def test_show_progress_follows_the_option():
    assert show_progress(True, 1) is True
    assert show_progress(False, 100) is False
    assert show_progress(None, PROGRESS_MIN_PARTITIONS - 1) is False
