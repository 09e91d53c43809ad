"""The shared analysis pass: per-article work done once, in parallel, and cached by content.

Every notebook and report reads the same pass instead of recomputing it. The work on one article
depends only on its normalised text, so it is

- **cached** (:mod:`analysis.cache`) under the SHA-256 of the text and the version of the method
  that produced it: a re-run on an unchanged corpus reads the cache, adding ten articles computes
  ten, a changed codebook invalidates frames only;
- **parallel**: articles are split into chunks and processed by worker processes
  (:func:`analysis.parallel.for_each_chunk`) when there are enough of them to repay the
  start-up; results are put back in input order, so they are identical to a single-process run;
- shown with a **progress bar** (tqdm) on long runs.

**Memory bounded by the chunk, not the corpus.** A worker receives only its chunk: each
article's content key, text and sentence offsets (it cuts the sentences itself), and chunks are
built only as workers need them. Results are written to the cache (one Parquet pack per
component) every :data:`FLUSH_ARTICLES` articles, not gathered. :func:`analyze` returns an
:class:`Analysis` whose tables (``sentiment``, ``frame_hits``, term counts) are read from the
cache when first used; :meth:`Analysis.sentence_scores` reads only the columns asked for. With
``cache=False`` nothing is written to disk and the results are kept in memory, as before.

The worker pool lives in :mod:`analysis.parallel`; cached segmentation of many texts in
:func:`analysis.segment.segment_texts`.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis import parallel
from analysis.cache import KEY_COLUMN, ArticleCache, content_key, release_memory, resolve_cache
from analysis.corpus import Corpus
from analysis.errors import ParameterError
from analysis.framing import TIMEOUT_COLUMNS, MatchTimeoutWarning, warn_match_timeouts
from analysis.parallel import for_each_chunk
from analysis.pass_tables import PassTables
from analysis.sentence_rows import CODE_COLUMN, KeyCodes, coded_rows, every_row, one_row_each

__all__ = [
    "FLUSH_ARTICLES",
    "Analysis",
    "analyze",
    "corpus_term_counts",
    "PassPlan",
    "PassTables",
    "pass_chunks",
    "plan_pass",
    "sentence_sentiment_types",
    "store_chunk",
]

#: Articles whose results are written to the cache together (one pack per component).
FLUSH_ARTICLES = 1024

# --------------------------------------------------------------------------- the result


class _LazyHits(Mapping[str, pd.DataFrame]):
    """Codebook name -> frame hits, each table assembled on first use."""

    def __init__(self, names: Sequence[str], build: Any) -> None:
        self._names = list(names)
        self._build = build
        self._tables: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._tables:
            self._tables[name] = self._build(name)
        return self._tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"<frame hits of {self._names}, read on first use>"


class Analysis:
    """The shared analysis pass over a corpus (see :func:`analyze`).

    The tables are read from the cache (or the rows kept in memory) the first time they are
    used and then kept; :meth:`sentence_scores` reads only the columns asked for.

    Attributes:
        corpus: the corpus analysed.
        sentiment: one row per sentence, as :func:`analysis.sentiment.sentence_sentiment`.
        frame_hits: codebook name -> one row per frame trigger, as
            :func:`analysis.framing.frame_hits`.
        codebooks: codebook name -> the :class:`analysis.framing.Codebook` used.
        term_counts: one row per (story, term): ``story_id``, ``term``, ``count``, as
            :func:`analysis.language.story_terms` (``None`` when not computed; built on first
            use). :meth:`term_matrix` gives them as a sparse matrix.
        keyed_terms: the term counts per content key (``_key``, ``term``, ``count``).
        story_keys: each story's content key, in corpus order.
    """

    def __init__(
        self,
        corpus: Corpus,
        sentiment: pd.DataFrame | None = None,
        frame_hits: Mapping[str, pd.DataFrame] | None = None,
        codebooks: dict[str, Any] | None = None,
        keyed_terms: pd.DataFrame | None = None,
        story_keys: Sequence[str] = (),
        *,
        tables: PassTables | None = None,
    ) -> None:
        self.corpus = corpus
        self.codebooks = dict(codebooks or {})
        self.story_keys = tuple(story_keys)
        self._tables = tables
        self._sentiment = sentiment
        self._embedding: tuple[ArticleCache, bool | None] | None = None
        self._keyed_terms = keyed_terms
        self._has_terms = keyed_terms is not None or (
            tables is not None and "terms" in tables.versions
        )
        if frame_hits is not None:
            self.frame_hits: Mapping[str, pd.DataFrame] = dict(frame_hits)
        else:
            self.frame_hits = _LazyHits(list(self.codebooks), self._frame_table)

    def __repr__(self) -> str:
        return (
            f"Analysis({len(self.corpus.stories)} stories, codebooks {list(self.codebooks)}, "
            f"terms {self._has_terms})"
        )

    @functools.cached_property
    def sentiment(self) -> pd.DataFrame:
        if self._sentiment is not None:
            table = self._sentiment
        else:
            table = _sentiment_table(self.corpus, self._codes, self._coded("sentiment", None))
            release_memory()  # the Parquet pages read
        if self._embedding is not None:
            from analysis.sentiment import with_embedding_scores

            store, progress = self._embedding
            table = with_embedding_scores(table, cache=store, progress=progress)
        return table

    def add_embedding_scores(self, store: ArticleCache, *, progress: bool | None = None) -> None:
        """Add the sentence-embedding scores to :attr:`sentiment` (computed on first use)."""
        self._embedding = (store, progress)
        self.__dict__.pop("sentiment", None)

    def sentence_scores(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Sentence scores without the sentence texts: ``story_id``, ``sentence_id``,
        ``sentence_index`` and the score ``columns`` (default: all of
        :data:`analysis.sentiment.SCORE_COLUMNS`), one row per sentence in corpus order.

        Reads only those columns, so per-story figures of a large corpus need not load every
        sentence's text (``sentiment`` has it).
        """
        from analysis.sentiment import SCORE_COLUMNS

        wanted = list(SCORE_COLUMNS if columns is None else columns)
        unknown = [c for c in wanted if c not in SCORE_COLUMNS]
        if unknown:
            raise ParameterError(f"unknown score column(s) {unknown}; choose from {SCORE_COLUMNS}")
        if self._tables is None or self._sentiment is not None or "sentiment" in self.__dict__:
            return self.sentiment[["story_id", "sentence_id", "sentence_index", *wanted]].copy()
        scores = self._coded("sentiment", ["sentence_index", *wanted])
        sentences = self.corpus.sentences
        table = pd.DataFrame(
            {c: sentences[c].array for c in ("story_id", "sentence_id", "sentence_index")}
        )
        rows = _rows_of(self._codes, sentences, scores)
        for column in wanted:
            table[column] = _taken(scores, column, rows)
        return table

    @functools.cached_property
    def keyed_terms(self) -> pd.DataFrame | None:
        if self._keyed_terms is not None or not self._has_terms:
            return self._keyed_terms
        return self._read("terms", None)

    def _read(self, name: str, columns: Sequence[str] | None) -> pd.DataFrame | None:
        if self._tables is None:
            return None
        return self._tables.read(name, columns)

    @functools.cached_property
    def _codes(self) -> KeyCodes:
        """The corpus' content keys as integer codes (see :mod:`analysis.sentence_rows`)."""
        stories = self.corpus.stories["story_id"].tolist()
        return KeyCodes(stories, self.story_keys, self.corpus.sentences["story_id"])

    def _coded(self, name: str, columns: Sequence[str] | None) -> pd.DataFrame | None:
        """The rows of component ``name`` with their key as a code, read part by part."""
        if self._tables is None:
            return None
        parts = self._tables.read_parts(name, columns, dictionary=[KEY_COLUMN])
        return coded_rows(parts, self._codes)

    def _frame_table(self, book_name: str) -> pd.DataFrame:
        book = self.codebooks[book_name]
        hits = _frame_table(
            self.corpus, self._codes, self._coded(f"frames-{book_name}", None), book
        )
        release_memory()  # the Parquet pages read
        return hits

    @functools.cached_property
    def term_counts(self) -> pd.DataFrame | None:
        matrix = self.term_matrix() if self._has_terms else None
        if matrix is None:
            return None
        return matrix.to_frame().rename(columns={"doc_id": "story_id"})

    def term_matrix(self) -> Any:
        """The term counts as an :class:`analysis.language.TermCounts` (stories in corpus order,
        terms sorted), ready for ``distinctive_terms(..., counts=...)``.

        Built from the cached pass, the matrix is kept in the analysis cache too (keyed by the
        stories' ids and content keys): the reports of one corpus each need it, and reading it
        is several times faster than building it from the per-article term rows.
        """
        if not self._has_terms:
            raise ParameterError("this analysis was run with terms=False")
        if self._tables is None or self._keyed_terms is not None or not self._tables.store.enabled:
            return self._built_term_matrix()
        from analysis.term_matrix import kept_term_matrix

        return kept_term_matrix(
            self.story_keys,
            tuple(self.corpus.stories["story_id"]),
            self._built_term_matrix,
            store=self._tables.store,
            version=self._tables.versions["terms"],
        )

    def _built_term_matrix(self) -> Any:
        from analysis.term_matrix import build_term_matrix

        if self._keyed_terms is not None or self._tables is None or "keyed_terms" in self.__dict__:
            parts: Any = [self.keyed_terms]
        else:  # a row group at a time: all the term rows of 25,000 articles take 1.3 GB
            parts = self._tables.read_parts(
                "terms", dictionary=[KEY_COLUMN, "term"], row_groups=True
            )
        return build_term_matrix(parts, self.story_keys, tuple(self.corpus.stories["story_id"]))


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
        from analysis.sentiment import score_texts

        scores = score_texts(sentences["text"].tolist())
        frame = pd.concat(
            [sentences[["story_id", "sentence_index"]].reset_index(drop=True), scores], axis=1
        )
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


def _chunk_sentences(items: Sequence[tuple[Any, ...]]) -> pd.DataFrame:
    """The keyed sentences of a chunk's articles, cut from each text by its offsets."""
    keys: list[str] = []
    index: list[np.ndarray] = []
    starts: list[np.ndarray] = []
    texts: list[str] = []
    for _components, key, text, sentence_index, start, end in items:
        keys.extend([key] * len(start))
        index.append(sentence_index)
        starts.append(start)
        texts.extend(text[s:e] for s, e in zip(start.tolist(), end.tolist(), strict=True))
    sentence_index = np.concatenate(index) if index else np.zeros(0, np.int64)
    frame = pd.DataFrame(
        {
            "story_id": pd.Series(keys, dtype="str"),
            "sentence_index": sentence_index.astype(np.int64),
            "start": (np.concatenate(starts) if starts else np.zeros(0)).astype(np.int64),
            "text": pd.Series(texts, dtype="str"),
        }
    )
    frame.insert(1, "sentence_id", frame["story_id"] + "/" + frame["sentence_index"].astype(str))
    return frame


def _analyze_chunk(items: Sequence[tuple[Any, ...]]) -> dict[str, Any]:
    """Compute the missing components of a chunk of articles (run in a worker process).

    Each item is ``(components, key, text, sentence_index, start, end)``: the ``(name, spec)``
    pairs to compute, the article's content key and text, and its sentences' indices and
    character offsets. Returns ``{"keys": [...], "tables": {name: rows}}``; frame components
    add a ``name + ":timeouts"`` table of the detectors skipped after a regex time-out.
    """
    wanted: dict[str, list[int]] = {}
    specs: dict[str, Any] = {}
    for position, (components, *_rest) in enumerate(items):
        for name, spec in components:
            wanted.setdefault(name, []).append(position)
            specs[name] = spec
    sentences = _chunk_sentences(items)
    out: dict[str, pd.DataFrame] = {}
    for name, positions in wanted.items():
        keys = [items[i][1] for i in positions]
        part = (
            sentences
            if len(positions) == len(items)
            else sentences[sentences["story_id"].isin(keys)]
        )
        texts = {items[i][1]: items[i][2] for i in positions}
        out[name] = _compute_component(name, specs[name], part.reset_index(drop=True), texts)
        if name.startswith("frames-"):
            rows = out[name].attrs.pop("match_timeouts", [])
            out[name + TIMEOUTS_SUFFIX] = pd.DataFrame(
                [tuple(map(str, r)) for r in rows], columns=list(TIMEOUT_COLUMNS)
            ).astype(str)
    return {"keys": [item[1] for item in items], "tables": out}


def pass_chunks(
    corpus: Corpus,
    todo: Sequence[str],
    components: Mapping[str, tuple[tuple[str, Any], ...]],
    *,
    story_keys: Sequence[str] | None = None,
    chunk_size: int | None = None,
) -> Iterator[list[tuple[Any, ...]]]:
    """The work items of ``todo`` (content keys), ``chunk_size`` at a time, built lazily.

    Each item is ``(components, key, text, sentence_index, start, end)`` (see
    :func:`_analyze_chunk`), taken from the first story of the corpus with that key;
    ``components`` maps a key to the ``(name, spec)`` pairs still to compute for it;
    ``story_keys`` are the stories' content keys when already known; ``chunk_size`` defaults
    to :data:`analysis.parallel.CHUNK_SIZE`.
    """
    size = chunk_size or parallel.CHUNK_SIZE
    stories = corpus.stories
    if story_keys is None:
        story_keys = [content_key(text) for text in stories["text"]]
    first = {key: i for i, key in reversed(list(enumerate(story_keys)))}  # first story of a key
    sentences = corpus.sentences
    codes, ids = pd.factorize(sentences["story_id"])  # each story's rows: a slice of order
    order = np.argsort(codes, kind="stable")
    ends = np.cumsum(np.bincount(codes, minlength=len(ids))).tolist()
    rows = {s: order[a:b] for s, a, b in zip(ids, [0, *ends][:-1], ends, strict=True)}
    story_ids = stories["story_id"].to_numpy()
    columns = ("sentence_index", "start", "end")
    index, start, end = (sentences[c].to_numpy(np.int64) for c in columns)
    empty = np.zeros(0, np.int64)
    for at in range(0, len(todo), size):
        chunk = []
        keys = todo[at : at + size]
        texts = stories["text"].iloc[[first[key] for key in keys]].tolist()  # this chunk's only
        for key, text in zip(keys, texts, strict=True):
            where = rows.get(story_ids[first[key]], empty)
            chunk.append((components[key], key, text, index[where], start[where], end[where]))
        yield chunk


class _Sink:
    """Chunk results, written to the cache every :data:`FLUSH_ARTICLES` articles."""

    def __init__(self, tables: PassTables, missing: dict[str, set[str]]) -> None:
        self.tables = tables
        self.missing = missing
        self.parts: dict[str, list[pd.DataFrame]] = {}
        self.keys: list[str] = []
        self.timeouts: dict[str, list[pd.DataFrame]] = {}
        self.timed_out: dict[str, set[str]] = {}

    def add(self, result: dict[str, Any]) -> None:
        for name, frame in result["tables"].items():
            if name.endswith(TIMEOUTS_SUFFIX):
                if len(frame):
                    component = name.removesuffix(TIMEOUTS_SUFFIX)
                    self.timeouts.setdefault(component, []).append(frame)
                    self.timed_out.setdefault(component, set()).update(frame["story_id"])
                continue
            self.parts.setdefault(name, []).append(frame)
        self.keys.extend(result["keys"])
        if len(self.keys) >= FLUSH_ARTICLES:
            self.flush()

    def flush(self) -> None:
        """Write the results gathered so far (one pack per component) and forget them."""
        batch = set(self.keys)
        store = self.tables.store
        for name, version in self.tables.versions.items():
            keys = batch & self.missing.get(name, set())
            if not keys:
                continue
            frames = [f for f in self.parts.pop(name, []) if len(f)]
            frame = (
                pd.concat(frames, ignore_index=True)
                if len(frames) > 1
                else (frames[0] if frames else pd.DataFrame({KEY_COLUMN: pd.Series(dtype=str)}))
            )
            timed_out = keys & self.timed_out.get(name, set())
            keep = keys - timed_out  # incomplete results are not cached
            if store.enabled and keep:
                rows = frame[KEY_COLUMN].isin(keep)
                store.store(name, version, frame if rows.all() else frame[rows], keys=keep)
                if store.enabled:
                    frame, keep = frame[~rows], set()
            self.tables.keep(name, frame, keep | timed_out)
            del frame, frames
        self.parts.clear()
        self.keys.clear()
        release_memory()


def analyze(
    corpus: Corpus,
    *,
    codebooks: Sequence[Any] = ("generic", "policy"),
    terms: bool = True,
    cache: bool | ArticleCache | None = True,
    workers: int | None = None,
    progress: bool | None = None,
    embedding: bool = False,
) -> Analysis:
    """Run the shared analysis pass: sentiment, frames (each codebook) and term counts.

    Each article's results come from the cache when its text and the method versions are
    unchanged; the rest are computed (in parallel for large corpora), chunk by chunk, and written
    to the cache every :data:`FLUSH_ARTICLES` articles. The tables of the returned
    :class:`Analysis` are read when first used; they equal calling the step functions on the
    whole corpus directly.

    Args:
        corpus: a loaded corpus.
        codebooks: codebook names, paths or ``Codebook`` objects to detect frames with.
        terms: also count terms per story (for distinctive terms and topics).
        cache: ``True`` (default on-disk cache), ``False`` (compute everything, keep the results
            in memory) or an ``ArticleCache``.
        workers: worker processes (``None``: all cores on large corpora, one on small ones).
        progress: show a progress bar (``None``: on long runs in a terminal).
        embedding: also the sentence-embedding scores ``embedding_polarity`` and
            ``embedding_vader`` (:func:`analysis.sentiment.with_embedding_scores`; needs the
            ``embeddings`` extra; each sentence's score cached by its text and model).

    Returns:
        An :class:`Analysis`.

    Raises:
        EmbeddingUnavailableError: ``embedding=True`` without the extra (the message names it).
    """
    if embedding:
        from analysis.sentiment import EmbeddingUnavailableError, embedding_unavailable

        reason = embedding_unavailable()
        if reason is not None:  # fail before the long pass, not after it
            raise EmbeddingUnavailableError(reason)
    store = resolve_cache(cache)
    plan = plan_pass(corpus, codebooks=codebooks, terms=terms, store=store)
    tables = PassTables(store, plan.versions, plan.unique_keys)
    tables.recompute = functools.partial(_recompute, corpus, plan.specs)
    if plan.todo:
        sink = _Sink(tables, plan.missing)
        for_each_chunk(
            _analyze_chunk,
            pass_chunks(corpus, plan.todo, plan.components(), story_keys=plan.story_keys),
            sink.add,
            n_items=len(plan.todo),
            workers=workers,
            progress=progress,
            desc="analysing",
        )
        sink.flush()
        first_story = plan.first_story(corpus)
        for name, frames in sink.timeouts.items():
            _report_timeouts(pd.concat(frames, ignore_index=True), plan.specs[name], first_story)
    result = Analysis(corpus, codebooks=plan.books, story_keys=plan.story_keys, tables=tables)
    if embedding:
        result.add_embedding_scores(store, progress=progress)
    return result


@dataclass(frozen=True)
class PassPlan:
    """What a pass over a corpus has to compute (see :func:`plan_pass`).

    Attributes:
        story_keys: each story's content key, in corpus order.
        unique_keys: the distinct keys, in order of first appearance.
        versions: component name -> method version (the cache folder).
        specs: component name -> its spec (the ``Codebook`` of a frame component, else None).
        missing: component name -> the keys the cache does not hold.
        todo: the keys with at least one component missing, in corpus order.
    """

    story_keys: list[str]
    unique_keys: list[str]
    versions: dict[str, str]
    specs: dict[str, Any]
    missing: dict[str, set[str]]
    todo: list[str]

    @property
    def books(self) -> dict[str, Any]:
        """Codebook name -> ``Codebook``, in the order given."""
        return {s.name: s for n, s in self.specs.items() if n.startswith("frames-")}

    def components(self) -> dict[str, tuple[tuple[str, Any], ...]]:
        """Key -> the ``(name, spec)`` pairs still to compute for it."""
        return {
            key: tuple((n, self.specs[n]) for n in self.versions if key in self.missing[n])
            for key in self.todo
        }

    def first_story(self, corpus: Corpus) -> dict[str, str]:
        """Key -> the id of the first story with that text."""
        ids = corpus.stories["story_id"].tolist()
        return dict(zip(reversed(self.story_keys), reversed(ids), strict=True))


def plan_pass(
    corpus: Corpus,
    *,
    codebooks: Sequence[Any] = ("generic", "policy"),
    terms: bool = True,
    store: ArticleCache,
) -> PassPlan:
    """The components of the pass and the articles the cache ``store`` lacks for each (read
    from the packs' manifests, whose bytes are checked; no rows are read)."""
    story_keys = [content_key(t) for t in corpus.stories["text"]]
    unique_keys = list(dict.fromkeys(story_keys))
    components = _components(codebooks, terms)
    missing = {n: store.missing(n, version, unique_keys) for n, version, _ in components}
    return PassPlan(
        story_keys=story_keys,
        unique_keys=unique_keys,
        versions={n: version for n, version, _ in components},
        specs={n: spec for n, _, spec in components},
        missing=missing,
        todo=[k for k in unique_keys if any(k in m for m in missing.values())],
    )


def _recompute(corpus: Corpus, specs: dict[str, Any], name: str, keys: set[str]) -> pd.DataFrame:
    """Component ``name`` of the articles ``keys``, computed here (rows lost from the cache)."""
    todo = [k for k in dict.fromkeys(content_key(t) for t in corpus.stories["text"]) if k in keys]
    components = {key: ((name, specs[name]),) for key in todo}
    frames = [
        _analyze_chunk(chunk)["tables"][name] for chunk in pass_chunks(corpus, todo, components)
    ]
    kept = [f for f in frames if len(f)] or frames[:1]
    if not kept:
        return pd.DataFrame({KEY_COLUMN: pd.Series(dtype=str)})
    return pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0]


def store_chunk(
    items: Sequence[tuple[Any, ...]], cache_root: str, versions: dict[str, str]
) -> dict[str, Any]:
    """Compute a chunk (:func:`_analyze_chunk`) and write its results to the cache at
    ``cache_root`` (run on a cluster worker); returns only the keys and the regex time-outs.

    Articles with a time-out are not cached (their frames are incomplete); the caller computes
    them again where it reads the pass.
    """
    tables = PassTables(ArticleCache(cache_root), versions, [])
    missing = {name: set() for name in versions}
    for components, key, *_rest in items:
        for name, _spec in components:
            missing[name].add(key)
    sink = _Sink(tables, missing)
    sink.add(_analyze_chunk(items))
    sink.flush()
    timeouts = {n: pd.concat(f, ignore_index=True) for n, f in sink.timeouts.items()}
    return {"keys": [item[1] for item in items], "timeouts": timeouts}


def _report_timeouts(timeouts: pd.DataFrame, book: Any, first_story: dict[str, str]) -> None:
    """Warn once (in this process) about detectors skipped after a regex time-out, naming the
    corpus' story and sentence ids."""
    if timeouts is None or timeouts.empty:
        return
    stories = timeouts["story_id"].map(first_story).fillna(timeouts["story_id"])
    index = timeouts["sentence_id"].str.rsplit("/", n=1).str[-1]
    named = timeouts.assign(story_id=stories, sentence_id=stories + "/" + index)
    warn_match_timeouts(named, book)


# --------------------------------------------------------------------------- assembling tables


def _no_sentences(corpus: Corpus) -> pd.DataFrame:
    """The corpus' sentences table without rows, with a ``text`` column."""
    empty = corpus.sentences.iloc[:0]
    return empty if "text" in empty.columns else empty.assign(text=pd.Series(dtype="str"))


def _rows_of(codes: KeyCodes, sentences: pd.DataFrame, scores: pd.DataFrame | None) -> np.ndarray:
    """The row of ``scores`` of every corpus sentence (-1: none)."""
    if scores is None:
        return np.full(len(sentences), -1, dtype=np.int64)
    return one_row_each(codes, sentences["sentence_index"].to_numpy(np.int64), scores)


def _taken(scores: pd.DataFrame | None, column: str, rows: np.ndarray) -> np.ndarray:
    """``scores[column]`` at ``rows`` as floats, missing (NaN) where the row is -1."""
    values = np.zeros(0) if scores is None else scores[column].to_numpy(np.float64)
    return pd.api.extensions.take(values, rows, allow_fill=True)


def _sentiment_table(corpus: Corpus, codes: KeyCodes, scores: pd.DataFrame | None) -> pd.DataFrame:
    """The sentiment table of the corpus from coded scores, in corpus order."""
    from analysis.sentiment import SCORE_COLUMNS, SCORED_COLUMNS, sentence_sentiment

    if scores is None or scores.empty:
        return sentence_sentiment(_no_sentences(corpus))
    sentences = corpus.with_sentence_text().sentences
    rows = _rows_of(codes, sentences, scores)
    columns = ("story_id", "sentence_id", "sentence_index", "position", "n_words", "text")
    table = pd.DataFrame({c: sentences[c].array for c in columns})  # no copy of the text
    for column in SCORE_COLUMNS:
        table[column] = _taken(scores, column, rows)
    return sentence_sentiment_types(table[list(SCORED_COLUMNS)])


def _frame_table(
    corpus: Corpus, codes: KeyCodes, frame: pd.DataFrame | None, book: Any
) -> pd.DataFrame:
    """One codebook's frame hits on the corpus from coded hits, in corpus order (a story's
    hits in the order the pass found them)."""
    from analysis.framing import HIT_COLUMNS, frame_hits

    if frame is None or frame.empty or "sentence_index" not in frame.columns:
        return frame_hits(_no_sentences(corpus), codebook=book)
    sentences = corpus.sentences
    at, rows = every_row(codes, sentences["sentence_index"].to_numpy(np.int64), frame)
    own = [c for c in frame.columns if c not in ("story_id", "sentence_id", CODE_COLUMN)]
    hits = frame[own].take(rows).reset_index(drop=True)
    del frame
    for column in ("story_id", "sentence_id"):  # the corpus' ids, one column at a time
        hits[column] = sentences[column].array.take(at)
    hits["frame"] = pd.Categorical(
        hits["frame"], categories=[f.id for f in book.frames], ordered=True
    )
    return _hit_types(hits[HIT_COLUMNS], book)


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
