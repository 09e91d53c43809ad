"""The corpus of a build: loaded once, analysed once, with what the runner decides from it.

:func:`prepare_corpus` loads the corpus and runs the shared analysis pass
(:func:`analysis.pipeline.analyze`), which fills the cache every notebook then reads. From the
same pass it keeps what the runner needs before anything is executed: the counts shown on the
index (:func:`corpus_facts`), the selected stories (the notebooks' filters applied) and each
story's tone, from which the deep dives are chosen (:mod:`analysis.report.stories`) and empty
reports are skipped (:mod:`analysis.report.skips`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis import corpus as corpus_module
from analysis import pipeline
from analysis.sentiment import story_sentiment

__all__ = ["PreparedCorpus", "corpus_facts", "prepare_corpus"]


@dataclass(frozen=True)
class PreparedCorpus:
    """The selected stories of a build's corpus and their tone.

    Attributes:
        facts: the counts shown on the index page (:func:`corpus_facts`).
        story_ids: the ids of the selected stories, in corpus order.
        stories: the selected stories (the corpus' stories table).
        tone: each selected story's tone, indexed by ``story_id``: the mean default sentence
            score (``mean_score`` of :func:`analysis.sentiment.story_sentiment`); stories
            without sentences are absent.
    """

    facts: dict[str, Any]
    story_ids: list[Any]
    stories: pd.DataFrame = field(repr=False)
    tone: pd.Series = field(repr=False)

    @property
    def n_dated(self) -> int:
        """Selected stories that have a date."""
        if "date" not in self.stories.columns:
            return 0
        return int(self.stories["date"].notna().sum())


def prepare_corpus(
    corpus_path: str | None,
    *,
    progress: bool = True,
    extra: dict[str, Any] | None = None,
    encoding: str = "utf-8",
    stories_per_file: str = "auto",
) -> PreparedCorpus:
    """Load the corpus and run the shared analysis pass once, filling the cache.

    Every notebook then reads the pass from the cache instead of recomputing it. The
    notebooks' filter parameters in ``extra`` are applied; ``encoding`` and
    ``stories_per_file`` are passed to :func:`analysis.corpus.load_corpus`.
    """
    show = None if progress else False  # a bar on long runs in a terminal only
    corpus = corpus_module.load_corpus(
        corpus_path, progress=show, encoding=encoding, stories_per_file=stories_per_file
    )
    result = pipeline.analyze(corpus, progress=show)
    extra = extra or {}
    selected = corpus_module.select_stories(
        corpus,
        filters=extra.get("filters"),
        date_from=extra.get("date_from"),
        date_to=extra.get("date_to"),
    )
    facts = corpus_facts(selected, corpus_path)
    if extra.get("filters") or extra.get("date_from") or extra.get("date_to"):
        facts["selection"] = ", ".join(
            f"{k}={extra[k]!r}" for k in ("filters", "date_from", "date_to") if extra.get(k)
        )
    return PreparedCorpus(
        facts,
        selected.stories["story_id"].tolist(),
        selected.stories,
        _story_tone(selected.stories, result),
    )


def _story_tone(stories: pd.DataFrame, result: pipeline.Analysis) -> pd.Series:
    """The tone of each story of ``stories`` that has sentences, indexed by ``story_id``."""
    scored = result.sentiment[result.sentiment["story_id"].isin(set(stories["story_id"]))]
    if scored.empty:
        return pd.Series(dtype="float64", name="tone")
    table = story_sentiment(scored, stories, group="story_id")
    return pd.Series(
        table["mean_score"].to_numpy(dtype="float64"), index=table["story_id"], name="tone"
    )


def corpus_facts(corpus: Any, corpus_path: str | None) -> dict[str, Any]:
    """Counts shown on the index page: stories, sentences, words, outlets, date range."""
    stories = corpus.stories
    dates = stories["date"].dropna()
    return {
        "corpus": "seeds/ (the project's seed stories)" if corpus_path is None else corpus_path,
        "stories": len(stories),
        "sentences": len(corpus.sentences),
        "words": int(stories["n_words"].sum()),
        "truncated stories": int(stories["is_truncated"].sum()),
        "outlets": int(stories["outlet"].dropna().nunique()),
        "date range": (
            f"{dates.min():%Y-%m-%d} – {dates.max():%Y-%m-%d}" if len(dates) else "no dates"
        ),
        "skipped inputs": len(corpus.skipped),
    }
