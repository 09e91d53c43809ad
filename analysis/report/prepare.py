"""The corpus of a build: loaded once, analysed once, with what the runner decides from it.

:func:`prepare_corpus` loads the corpus and runs the shared analysis pass
(:func:`analysis.pipeline.analyze`), which fills the cache every notebook then reads. From the
same pass it keeps what the runner needs before anything is executed: the counts shown on the
index (:func:`corpus_facts`), the selected stories (the notebooks' filters applied) and each
story's tone, from which the deep dives are chosen (:mod:`analysis.report.stories`) and empty
reports are skipped (:mod:`analysis.report.skips`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import corpus as corpus_module
from analysis import pipeline
from analysis.cache import release_memory
from analysis.corpus.load import input_files
from analysis.errors import CorpusError, ParameterError
from analysis.parallel import call_in_child
from analysis.progress import lines_when_not_a_terminal
from analysis.sentiment import DEFAULT_SCORE

__all__ = [
    "APART_BYTES",
    "ENGINES",
    "PreparedCorpus",
    "corpus_bytes",
    "corpus_facts",
    "is_large",
    "prepare_corpus",
    "prepare_corpus_apart",
]

#: Where the analysis pass runs: this machine's worker processes, or a Dask cluster.
ENGINES = ("local", "dask")
#: Story columns the runner does not need (the texts; the notebooks read them themselves).
_TEXT_COLUMNS = ("text", "raw_text")
#: The codebook of the notebooks' ``codebook`` parameter when none is given.
DEFAULT_CODEBOOK = "generic"
#: Reports that read the corpus' actor mentions or quotations (:func:`warm_actor_tables`).
ACTOR_NOTEBOOKS = frozenset({"sentiment", "topics_language", "comparison"})


@dataclass(frozen=True)
class PreparedCorpus:
    """The selected stories of a build's corpus and their tone.

    Attributes:
        facts: the counts shown on the index page (:func:`corpus_facts`).
        story_ids: the ids of the selected stories, in corpus order.
        stories: the selected stories (the corpus' stories table without ``text`` and
            ``raw_text``).
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


def prepare_corpus_apart(corpus_path: str | None, **options: Any) -> PreparedCorpus:
    """:func:`prepare_corpus` in a child process when the corpus is large, else here.

    Loading a large corpus and running its pass leaves this process holding the corpus, the
    pass' tables and the allocator's free memory (about 1 GB at 25,000 articles, more after a
    cold pass) while the notebooks run in their kernels beside it; from a child, that memory
    goes back to the system before the first notebook starts, and only the small
    :class:`PreparedCorpus` comes back. Large: files of :data:`APART_BYTES` or more
    (:func:`corpus_bytes`); small corpora stay in this process, which saves the child's
    start-up (a second or two of imports).
    """
    if is_large(corpus_path):
        return call_in_child(_prepare_from_options, (corpus_path, options))
    return prepare_corpus(corpus_path, **options)


def is_large(corpus_path: str | None) -> bool:
    """Whether the corpus at ``corpus_path`` has :data:`APART_BYTES` or more on disk (its
    analysis pass then runs in a child process and takes minutes when cold)."""
    return corpus_path is not None and corpus_bytes(corpus_path) >= APART_BYTES


#: Corpora of at least this many bytes on disk are prepared in a child process
#: (:func:`prepare_corpus_apart`): the AllSides sample (15 MB) is not, the 25,000 articles built
#: from it (150 MB) are.
APART_BYTES = 20_000_000


def corpus_bytes(corpus_path: str | Path) -> int:
    """Bytes of the files :func:`analysis.corpus.load.input_files` would read from
    ``corpus_path`` (0 when there are none: loading it then says why)."""
    try:
        _root, files = input_files(corpus_path)
        return sum(f.stat().st_size for f in files)
    except (CorpusError, OSError):
        return 0


def _prepare_from_options(argument: tuple[str, dict[str, Any]]) -> PreparedCorpus:
    corpus_path, options = argument
    return prepare_corpus(corpus_path, **options)


def prepare_corpus(
    corpus_path: str | None,
    *,
    progress: bool = True,
    extra: dict[str, Any] | None = None,
    encoding: str = "utf-8",
    stories_per_file: str = "auto",
    engine: str = "local",
    scheduler: str | None = None,
    notebooks: Sequence[str] = (),
) -> PreparedCorpus:
    """Load the corpus and run the shared analysis pass once, filling the cache.

    Every notebook then reads the pass from the cache instead of recomputing it. The
    notebooks' filter parameters in ``extra`` are applied; ``encoding`` and
    ``stories_per_file`` are passed to :func:`analysis.corpus.load_corpus`. ``engine="dask"``
    runs the pass on a Dask cluster (:func:`analysis.dask_engine.analyze_on_cluster`): a
    LocalCluster, or the running scheduler at ``scheduler`` (``tcp://host:8786``). When
    ``notebooks`` (the names of the reports to build) read the corpus' actors or quotations,
    those are found here once, with all cores (:func:`warm_actor_tables`).

    Raises:
        ParameterError: an unknown ``engine``, or a ``scheduler`` with the local engine.
    """
    if engine not in ENGINES:
        raise ParameterError(f"--engine {engine!r}: expected one of {', '.join(ENGINES)}")
    if scheduler is not None and engine != "dask":
        raise ParameterError("--scheduler needs --engine dask")
    show = None if progress else False  # on long runs: a bar in a terminal, lines in a log
    extra = extra or {}
    # the frames of the codebook the reports use (its parameter, else the notebooks' default),
    # not of every shipped codebook: another codebook is found when a notebook first asks
    codebooks = [extra.get("codebook", DEFAULT_CODEBOOK)]
    with lines_when_not_a_terminal():
        corpus = corpus_module.load_corpus(  # without the text as read: nothing here reads it
            corpus_path,
            progress=show,
            encoding=encoding,
            stories_per_file=stories_per_file,
            raw_text=False,
            sentence_text=False,  # the pass cuts sentences from the story text itself
        )
        if engine == "dask":
            from analysis.dask_engine import analyze_on_cluster

            result = analyze_on_cluster(
                corpus, codebooks=codebooks, scheduler=scheduler, progress=show
            )
        else:
            result = pipeline.analyze(corpus, codebooks=codebooks, progress=show)
    selected = corpus_module.select_stories(
        corpus,
        filters=extra.get("filters"),
        date_from=extra.get("date_from"),
        date_to=extra.get("date_to"),
    )
    del corpus
    facts = corpus_facts(selected, corpus_path)
    if extra.get("filters") or extra.get("date_from") or extra.get("date_to"):
        facts["selection"] = ", ".join(
            f"{k}={extra[k]!r}" for k in ("filters", "date_from", "date_to") if extra.get(k)
        )
    stories = selected.stories.drop(columns=[c for c in _TEXT_COLUMNS if c in selected.stories])
    prepared = PreparedCorpus(
        facts, stories["story_id"].tolist(), stories, _story_tone(stories, result)
    )
    del result
    if ACTOR_NOTEBOOKS.intersection(notebooks):
        release_memory()
        with lines_when_not_a_terminal():
            warm_actor_tables(selected, group=str(extra.get("group", "story_id")))
    return prepared


def _story_tone(stories: pd.DataFrame, result: pipeline.Analysis) -> pd.Series:
    """The tone of each story of ``stories`` that has sentences, indexed by ``story_id``: the
    mean default score of its sentences (``mean_score`` of
    :func:`analysis.sentiment.story_sentiment`), read without the sentence texts."""
    scores = result.sentence_scores([DEFAULT_SCORE])
    scored = scores[scores["story_id"].isin(set(stories["story_id"]))]
    if scored.empty:
        return pd.Series(dtype="float64", name="tone")
    tone = scored.groupby("story_id", sort=False)[DEFAULT_SCORE].mean()
    order = [s for s in stories["story_id"] if s in tone.index]
    return pd.Series(
        tone.loc[order].to_numpy(dtype="float64"),
        index=pd.Index(order, name="story_id"),
        name="tone",
    )


def warm_actor_tables(corpus: Any, group: str = "story_id") -> None:
    """Find the actor mentions and quotations of ``corpus`` once, before the notebooks run.

    Several reports read them (sentiment's targets, the actors and quotations of the language
    and comparison reports) and each runs in its own kernel: without this, the first of them to
    ask computes them on one core, and reports running beside it compute them again at the same
    time. Here the per-story work runs in worker processes and the result goes to the analysis
    cache, where every kernel reads it (:mod:`analysis.language.memo`). So are the sentiment
    report's default targets and the actor table of the reports' ``group`` (when it is a story
    column): a kernel that reads them does not load every mention.
    """
    from analysis import language
    from analysis.sentiment import default_targets

    corpus = corpus.with_sentence_text()  # cut from the stories' text if loaded without it
    release_memory()  # the blocks the texts were cut in
    language.actor_mentions(corpus.sentences)
    language.quotes(corpus.sentences)
    default_targets(corpus.sentences)
    if group in corpus.stories.columns:
        language.actors(corpus, group=group)


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
