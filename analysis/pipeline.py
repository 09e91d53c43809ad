"""The shared analysis pass: per-article work done once, in parallel, and cached by content.

Every notebook and report reads the same pass instead of recomputing it. The work on one article
depends only on its normalised text, so it is

- **cached** (:mod:`analysis.cache`) under the SHA-256 of the text and the version of the method
  that produced it: a re-run on an unchanged corpus reads the cache, adding ten articles computes
  ten, a changed codebook invalidates frames only;
- **parallel**: articles are split into chunks and processed by worker processes
  (:class:`concurrent.futures.ProcessPoolExecutor`) when there are enough of them to repay the
  start-up; results are put back in input order, so they are identical to a single-process run;
- shown with a **progress bar** (tqdm) on long runs.

The worker pool lives in :mod:`analysis.parallel`; cached segmentation of many texts in
:func:`analysis.segment.segment_texts`.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis.cache import KEY_COLUMN, ArticleCache, content_key, resolve_cache
from analysis.corpus import Corpus
from analysis.errors import ParameterError
from analysis.framing import TIMEOUT_COLUMNS, MatchTimeoutWarning, warn_match_timeouts
from analysis.parallel import map_chunks

__all__ = ["Analysis", "analyze", "corpus_term_counts", "sentence_sentiment_types"]

# --------------------------------------------------------------------------- the analysis pass


@dataclass(frozen=True)
class Analysis:
    """The shared analysis pass over a corpus (see :func:`analyze`).

    Attributes:
        corpus: the corpus analysed.
        sentiment: one row per sentence, as :func:`analysis.sentiment.sentence_sentiment`.
        frame_hits: codebook name -> one row per frame trigger, as
            :func:`analysis.framing.frame_hits`.
        codebooks: codebook name -> the :class:`analysis.framing.Codebook` used.
        term_counts: one row per (story, term): ``story_id``, ``term``, ``count``, as
            :func:`analysis.language.story_terms` (``None`` when not computed; built on first
            use). :meth:`term_matrix` gives them as a sparse matrix.
    """

    corpus: Corpus
    sentiment: pd.DataFrame
    frame_hits: dict[str, pd.DataFrame]
    codebooks: dict[str, Any]
    keyed_terms: pd.DataFrame | None = field(default=None, repr=False)
    story_keys: tuple[str, ...] = field(default=(), repr=False)

    @functools.cached_property
    def term_counts(self) -> pd.DataFrame | None:
        matrix = self.term_matrix() if self.keyed_terms is not None else None
        if matrix is None:
            return None
        frame = matrix.to_frame().rename(columns={"doc_id": "story_id"})
        return frame

    def term_matrix(self) -> Any:
        """The term counts as an :class:`analysis.language.TermCounts` (stories in corpus order,
        terms sorted), ready for ``distinctive_terms(..., counts=...)``."""
        import numpy as np
        import scipy.sparse as sp

        from analysis.language import TermCounts

        if self.keyed_terms is None:
            raise ParameterError("this analysis was run with terms=False")
        terms = self.keyed_terms
        key_codes, key_uniques = pd.factorize(terms[KEY_COLUMN])
        term_codes, term_uniques = pd.factorize(terms["term"], sort=True)
        by_key = sp.csr_matrix(
            (terms["count"].to_numpy(np.int64), (key_codes, term_codes)),
            shape=(len(key_uniques), len(term_uniques)),
        )
        position = {k: i for i, k in enumerate(key_uniques)}
        empty_row = by_key.shape[0]
        rows = [position.get(k, empty_row) for k in self.story_keys]
        padded = sp.vstack([by_key, sp.csr_matrix((1, by_key.shape[1]), dtype=np.int64)])
        matrix = padded.tocsr()[rows]
        used = np.unique(matrix.indices)
        matrix = matrix[:, used].tocsr()
        matrix.sort_indices()
        return TermCounts(
            tuple(self.corpus.stories["story_id"]),
            tuple(str(t) for t in np.asarray(term_uniques)[used]),
            matrix,
        )


def _library_version(name: str) -> str:
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:  # noqa: BLE001
        return "unknown"


def _components(codebooks: Sequence[Any], terms: bool) -> list[tuple[str, str, Any]]:
    """(cache component, version, spec) for every per-article result of the pass."""
    from analysis import framing, sentiment

    specs: list[tuple[str, str, Any]] = [
        (
            "sentiment",
            f"{sentiment.METHOD_VERSION}-textblob{_library_version('textblob')}"
            f"-vader{_library_version('vaderSentiment')}",
            None,
        )
    ]
    for book in codebooks:
        loaded = framing.load_codebook(book)
        specs.append((f"frames-{loaded.name}", f"{loaded.cache_key}-{FRAMES_VERSION}", loaded))
    if terms:
        specs.append(("terms", _terms_version(), None))
    return specs


#: Version of the frame matcher (bump when the same codebook can give other hits).
FRAMES_VERSION = "matcher-2"
#: Suffix of the chunk result that lists detectors skipped after a regex time-out.
TIMEOUTS_SUFFIX = ":timeouts"

#: Version of the per-story term counts (bump when analysis.language's vocabulary rule changes).
TERMS_VERSION = "terms-1"


def _terms_version() -> str:
    """Term counts depend on the vocabulary rule and the stop-word list: both are in the key."""
    import hashlib

    from analysis import language

    words = "\n".join(sorted(language.stop_words()))
    return f"{TERMS_VERSION}-ngram1-2-stop{hashlib.sha256(words.encode()).hexdigest()[:12]}"


def _compute_component(
    name: str, spec: Any, sentences: pd.DataFrame, texts: dict[str, str]
) -> pd.DataFrame:
    """One component on keyed sentences (``story_id`` holds the content key).

    Frame hits carry the detectors skipped after a regex time-out in
    ``attrs["match_timeouts"]`` (their warning is given once, in the calling process, by
    :func:`analyze`).
    """
    if name == "sentiment":
        from analysis.sentiment import SCORE_COLUMNS, sentence_sentiment

        frame = sentence_sentiment(sentences)[["story_id", "sentence_index", *SCORE_COLUMNS]]
    elif name.startswith("frames-"):
        from analysis.framing import frame_hits

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MatchTimeoutWarning)
            hits = frame_hits(sentences, codebook=spec)
        timeouts = list(hits.attrs.get("match_timeouts", ()))
        frame = hits.drop(columns=["sentence_id"])
        frame["frame"] = frame["frame"].astype(str)
        frame.attrs = {"match_timeouts": timeouts}
    elif name == "terms":
        from analysis.language import text_terms as story_terms

        rows = [
            (key, term, count)
            for key, text in texts.items()
            for term, count in sorted(story_terms(text).items())
        ]
        frame = pd.DataFrame(rows, columns=["story_id", "term", "count"])
        frame["count"] = frame["count"].astype("int64")
    else:  # pragma: no cover - guarded by _components
        raise ParameterError(f"unknown component {name!r}")
    return frame.rename(columns={"story_id": KEY_COLUMN})


def _analyze_chunk(
    items: Sequence[tuple[tuple[tuple[str, Any], ...], pd.DataFrame, str, str]],
) -> dict[str, pd.DataFrame]:
    """Compute the missing components of a chunk of articles (run in a worker process).

    Each item is ``(components, keyed sentences, key, text)``.
    """
    by_component: dict[str, list[tuple[pd.DataFrame, str, str]]] = {}
    for components, sentences, key, text in items:
        for name, _spec in components:
            by_component.setdefault(name, []).append((sentences, key, text))
    out: dict[str, pd.DataFrame] = {}
    specs = dict(c for components, *_ in items for c in components)
    for name, parts in by_component.items():
        sentences = pd.concat([p[0] for p in parts], ignore_index=True)
        texts = {key: text for _, key, text in parts}
        out[name] = _compute_component(name, specs[name], sentences, texts)
        if name.startswith("frames-"):
            rows = out[name].attrs.pop("match_timeouts", [])
            out[name + TIMEOUTS_SUFFIX] = pd.DataFrame(
                [tuple(map(str, r)) for r in rows], columns=list(TIMEOUT_COLUMNS)
            ).astype(str)
    return out


def analyze(
    corpus: Corpus,
    *,
    codebooks: Sequence[Any] = ("generic", "policy"),
    terms: bool = True,
    cache: bool | ArticleCache | None = True,
    workers: int | None = None,
    progress: bool | None = None,
) -> Analysis:
    """Run the shared analysis pass: sentiment, frames (each codebook) and term counts.

    Each article's results come from the cache when its text and the method versions are
    unchanged; the rest are computed (in parallel for large corpora) and stored. The result equals
    calling the step functions on the whole corpus directly.

    Args:
        corpus: a loaded corpus.
        codebooks: codebook names, paths or ``Codebook`` objects to detect frames with.
        terms: also count terms per story (for distinctive terms and topics).
        cache: ``True`` (default on-disk cache), ``False`` (compute everything) or an
            ``ArticleCache``.
        workers: worker processes (``None``: all cores on large corpora, one on small ones).
        progress: show a progress bar (``None``: on long runs in a terminal).

    Returns:
        An :class:`Analysis`.
    """
    store = resolve_cache(cache)
    stories = corpus.stories
    keys = [content_key(t) for t in stories["text"]]
    key_of = dict(zip(stories["story_id"], keys, strict=True))
    sentences = corpus.sentences
    keyed = sentences.assign(_key=sentences["story_id"].map(key_of))
    specs = _components(codebooks, terms)
    unique_keys = list(dict.fromkeys(keys))
    found: dict[str, pd.DataFrame | None] = {}
    missing: dict[str, set[str]] = {}
    for name, version, _spec in specs:
        found[name], missing[name] = store.load(name, version, unique_keys)
    todo_keys = [k for k in unique_keys if any(k in m for m in missing.values())]
    computed: dict[str, pd.DataFrame] = {}
    if todo_keys:
        first_story = keyed.drop_duplicates("_key")[["_key", "story_id"]]
        rep = keyed[
            keyed["story_id"].isin(first_story["story_id"]) & keyed["_key"].isin(todo_keys)
        ]
        rep = rep.assign(
            story_id=rep["_key"], sentence_id=rep["_key"] + "/" + rep["sentence_index"].astype(str)
        ).drop(columns="_key")
        groups = dict(tuple(rep.groupby("story_id", sort=False)))
        text_of = dict(zip(keys, stories["text"], strict=True))
        items = [
            (
                tuple((name, spec) for name, _v, spec in specs if k in missing[name]),
                groups.get(k, rep.iloc[:0]),
                k,
                text_of[k],
            )
            for k in todo_keys
        ]
        if missing.get("sentiment"):
            from analysis.sentiment.fast import warm_up

            warm_up()  # import TextBlob and load both lexicons once, before workers fork
        computed = map_chunks(
            _analyze_chunk, items, workers=workers, progress=progress, desc="analysing"
        )
        for name, version, spec in specs:
            if missing[name]:
                frame = computed.get(name)
                if frame is None:
                    frame = pd.DataFrame({KEY_COLUMN: pd.Series(dtype=str)})
                timed_out = _report_timeouts(computed.get(name + TIMEOUTS_SUFFIX), spec, keyed)
                keep = missing[name] - timed_out  # incomplete results are not cached
                store.store(name, version, frame[frame[KEY_COLUMN].isin(keep)], keys=keep)
    tables: dict[str, pd.DataFrame] = {}
    for name, _version, _spec in specs:
        parts = [f for f in (found[name], computed.get(name)) if f is not None and len(f)]
        if parts:
            tables[name] = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        else:
            tables[name] = computed.get(name, found[name])
    return _assemble(corpus, keyed, key_of, specs, tables)


def _report_timeouts(timeouts: pd.DataFrame | None, book: Any, keyed: pd.DataFrame) -> set[str]:
    """Warn once (in this process) about detectors skipped after a regex time-out, naming the
    corpus' story and sentence ids; return the content keys of the affected articles."""
    if timeouts is None or timeouts.empty:
        return set()
    first = keyed.drop_duplicates(KEY_COLUMN).set_index(KEY_COLUMN)["story_id"]
    stories = timeouts["story_id"].map(first).fillna(timeouts["story_id"])
    index = timeouts["sentence_id"].str.rsplit("/", n=1).str[-1]
    named = timeouts.assign(story_id=stories, sentence_id=stories + "/" + index)
    warn_match_timeouts(named, book)
    return set(timeouts["story_id"])


def _assemble(
    corpus: Corpus,
    keyed: pd.DataFrame,
    key_of: dict[str, str],
    specs: list[tuple[str, str, Any]],
    tables: dict[str, pd.DataFrame | None],
) -> Analysis:
    """Map keyed results back onto the corpus' story and sentence ids, in corpus order."""
    from analysis.framing import HIT_COLUMNS, frame_hits
    from analysis.sentiment import SCORE_COLUMNS, SCORED_COLUMNS, sentence_sentiment

    base = keyed[["story_id", "sentence_id", "sentence_index", KEY_COLUMN]].reset_index(drop=True)
    base["_order"] = range(len(base))
    scores = tables["sentiment"]
    if scores is None or scores.empty:
        sentiment_table = sentence_sentiment(corpus.sentences.iloc[:0])
    else:
        merged = base.merge(
            scores[[KEY_COLUMN, "sentence_index", *SCORE_COLUMNS]],
            on=[KEY_COLUMN, "sentence_index"],
            how="left",
            validate="m:1",
        ).sort_values("_order", kind="stable", ignore_index=True)
        sentences = corpus.sentences.reset_index(drop=True)
        for column in ("position", "n_words", "text"):
            merged[column] = sentences[column].to_numpy()  # same rows, same order
        sentiment_table = sentence_sentiment_types(merged[list(SCORED_COLUMNS)])
    hits: dict[str, pd.DataFrame] = {}
    books: dict[str, Any] = {}
    for name, _version, spec in specs:
        if not name.startswith("frames-"):
            continue
        book = spec
        books[book.name] = book
        frame = tables[name]
        if frame is None or frame.empty or "sentence_index" not in frame.columns:
            hits[book.name] = frame_hits(corpus.sentences.iloc[:0], codebook=book)
            continue
        frame = frame.reset_index(drop=True)
        frame["_row"] = range(len(frame))
        merged = base.drop(columns=["story_id", "sentence_id"]).merge(
            frame, on=[KEY_COLUMN, "sentence_index"], how="inner", validate="m:m"
        )
        merged = merged.sort_values(["_order", "_row"], kind="stable", ignore_index=True)
        ids = base[["story_id", "sentence_id"]].to_numpy()[merged["_order"].to_numpy()]
        merged["story_id"] = ids[:, 0]
        merged["sentence_id"] = ids[:, 1]
        merged["frame"] = pd.Categorical(
            merged["frame"], categories=[f.id for f in book.frames], ordered=True
        )
        hits[book.name] = _hit_types(merged[HIT_COLUMNS], book)
    terms = tables.get("terms")
    return Analysis(
        corpus=corpus,
        sentiment=sentiment_table,
        frame_hits=hits,
        codebooks=books,
        keyed_terms=terms,
        story_keys=tuple(key_of[s] for s in corpus.stories["story_id"]),
    )


def _hit_types(table: pd.DataFrame, book: Any) -> pd.DataFrame:
    """Give re-assembled frame hits the dtypes ``frame_hits`` returns."""
    from analysis.framing import frame_hits

    reference = frame_hits(
        pd.DataFrame(
            {
                "story_id": pd.Series(dtype=str),
                "sentence_id": pd.Series(dtype=str),
                "sentence_index": pd.Series(dtype="int64"),
                "start": pd.Series(dtype="int64"),
                "text": pd.Series(dtype=str),
            }
        ),
        codebook=book,
    )
    return table.astype(reference.dtypes.to_dict())


def sentence_sentiment_types(table: pd.DataFrame) -> pd.DataFrame:
    """Give a re-assembled sentiment table the dtypes ``sentence_sentiment`` returns."""
    from analysis.sentiment import sentence_sentiment

    reference = sentence_sentiment(table.iloc[:0][["story_id", "sentence_id", "text"]])
    return table.astype(reference.dtypes.to_dict())


def corpus_term_counts(
    corpus: Corpus, *, ngram_range: Sequence[int] = (1, 2), cache: bool | ArticleCache = True
) -> Any:
    """Per-story term counts as ``TermCounts``: from the cached pass for the default n-gram range,
    computed directly for any other range."""
    from analysis.language import term_counts

    if tuple(ngram_range) == (1, 2):
        return analyze(corpus, codebooks=(), cache=cache).term_matrix()
    return term_counts(corpus.stories, ngram_range=ngram_range)
