"""Fixtures of the explorer tests: the seed explorer tables and a hostile corpus."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import analyze
from analysis.cache import ArticleCache
from analysis.corpus import from_dataframe
from tests.explore_cases import HOSTILE, HOSTILE_ENCODED


@pytest.fixture(scope="session")
def explore_cache(tmp_path_factory) -> ArticleCache:
    """A cache of the explorer's own (target) tables, private to this test session."""
    return ArticleCache(tmp_path_factory.mktemp("explore-cache"))


@pytest.fixture(scope="session")
def seed_tables(seed_analysis, explore_cache):
    from analysis.explore import explore_tables

    return explore_tables(seed_analysis, cache=explore_cache)


@pytest.fixture(scope="session")
def hostile_analysis():
    """Three stories from two outlets; an outlet name, a title and a sentence carry HTML."""
    frame = pd.DataFrame(
        {
            "text": [
                f"The minister condemned the attack. A {HOSTILE_ENCODED} sign was held up.",
                "The economy grew and jobs were created. Families were happy.",
                "Critics blamed the council for the terrible crisis.",
            ],
            "title": [f"Protest {HOSTILE_ENCODED}", "Good news", "Blame"],
            "source": [HOSTILE, "Daily <b>Bold</b>", HOSTILE],
        }
    )
    corpus = from_dataframe(frame, cache=False)
    return analyze(corpus, codebooks=["generic"], terms=False, cache=False)
