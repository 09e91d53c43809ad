"""Shared fixtures: the seed corpus is loaded once per test session."""

from __future__ import annotations

import pytest

from analysis import config
from analysis.corpus import Corpus, load_corpus

SEED_IDS = [
    "the-sudden-and-dramatic-removal-of",
    "japans-cabinet-has-given-its-approval",
    "the-complete-public-unveiling-of-documents",
    "nicholas-nick-reiner-32-son-of",
]
RUSSIA, JAPAN, WASHINGTON, LOS_ANGELES = SEED_IDS


@pytest.fixture(scope="session")
def seed_corpus() -> Corpus:
    return load_corpus()


@pytest.fixture(scope="session")
def allsides_path():
    path = config.allsides_csv()
    if not path.exists():
        pytest.skip(
            f"AllSides corpus not found at {path} (it lives in ../shared beside a checkout)"
        )
    return path


@pytest.fixture(scope="session")
def allsides_corpus(allsides_path) -> Corpus:
    """The 2,505-article AllSides sample, loaded once per test session."""
    return load_corpus(allsides_path)


@pytest.fixture(scope="session", autouse=True)
def _isolated_state(tmp_path_factory):
    """Every test session starts with an empty analysis cache and Jupyter state of its own."""
    import os

    names = {
        "ANALYSIS_CACHE_DIR": "analysis-cache",
        "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
        "IPYTHONDIR": "ipython",
    }
    previous = {var: os.environ.get(var) for var in names}
    for var, name in names.items():
        os.environ[var] = str(tmp_path_factory.mktemp(name))
    yield
    for var, value in previous.items():
        if value is None:
            os.environ.pop(var, None)
        else:
            os.environ[var] = value
