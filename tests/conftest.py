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
def scored(seed_corpus):
    """The seed sentences scored by both sentiment models."""
    from analysis.sentiment import sentence_sentiment

    return sentence_sentiment(seed_corpus.sentences)


@pytest.fixture(scope="session")
def table(scored, seed_corpus):
    """Tone per seed story (``story_sentiment``)."""
    from analysis.sentiment import story_sentiment

    return story_sentiment(scored, seed_corpus.stories)


@pytest.fixture(scope="session")
def seed_analysis(seed_corpus):
    """The shared analysis pass over the seeds with the generic codebook."""
    from analysis import analyze

    return analyze(seed_corpus, codebooks=["generic"])


@pytest.fixture(scope="session")
def comparison(seed_analysis):
    """The seed stories compared (``analysis.compare.compare``)."""
    from analysis import compare

    return compare.compare(seed_analysis)


@pytest.fixture(scope="session")
def statements(comparison):
    """The comparison's generated statements."""
    from analysis.narrate import compare as narrate_compare

    return narrate_compare.comparison_statements(comparison)


def rule_rows(statements, rule: str, column: str | None = None):
    """The statements of one rule (and one source column)."""
    rows = statements[statements["rule"] == rule]
    if column is not None:
        rows = rows[rows["source_column"] == column]
    return rows


@pytest.fixture(scope="session")
def seed_terms(seed_corpus):
    """The seeds' 15 most distinctive terms per story."""
    from analysis.language import distinctive_terms

    return distinctive_terms(seed_corpus.stories, top_n=15)


@pytest.fixture(scope="session")
def seed_topics(seed_corpus):
    """The topic model of the seeds."""
    from analysis.language import topic_model

    return topic_model(seed_corpus)


@pytest.fixture(scope="session")
def seed_actors(seed_corpus):
    """The actors of the seeds."""
    from analysis.language import actors

    return actors(seed_corpus)


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
