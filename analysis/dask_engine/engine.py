"""The analysis pass on a Dask cluster (:func:`analyze_dask`), one task per Parquet partition.

A distributed map over partitions with Dask (``dask.distributed``: one task per Parquet file,
submitted to a ``LocalCluster`` or to a running scheduler). Each task builds the partition's
corpus (:func:`analysis.corpus.from_dataframe`) and runs the local engine on it
(:func:`analysis.pipeline.analyze`: sentiment, frames, term counts); the client gathers the
tables in partition order and concatenates them. Every result of the pass is computed story by
story, so the concatenation equals the local engine on the whole dataset; what is *not* per
story is made global on the client: ``source_line`` (the rows of earlier partitions are
added), ``duplicate_of`` (recomputed over all stories by the loader's rule,
:func:`analysis.corpus.tables.mark_duplicates`), the order of ``skipped`` (records the loader
cannot use first, then texts empty after normalisation, as the loader lists them), term counts
of a text found in several partitions (kept once), and ids (checked present and unique over the
dataset before anything runs). **Not streaming**: the tables of the result (every sentence's
scores, every frame hit) are gathered into the client's memory, like the local engine's; what
the cluster spreads is the compute, not the result.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis.cache import KEY_COLUMN
from analysis.corpus import SKIPPED_COLUMNS, Corpus, from_dataframe
from analysis.corpus.readers import table_records
from analysis.corpus.tables import NO_TEXT_REASON, mark_duplicates
from analysis.dask_engine.options import check_count, show_progress
from analysis.dask_engine.parquet import (
    ID_COLUMN,
    DatasetLayout,
    check_unique_ids,
    dataset_layout,
    read_partition,
)
from analysis.errors import CorpusError, ParameterError
from analysis.framing import load_codebook
from analysis.pipeline import Analysis, analyze

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["LOCAL_CLUSTER_OPTIONS", "analyze_dask", "dask_client", "run_tasks"]

#: How :func:`analyze_dask` starts a LocalCluster: worker processes of one thread, no dashboard;
#: the scheduler's small HTTP server (health and metrics routes, started even without a
#: dashboard) listens on a free local port instead of 8787, which may be taken.
LOCAL_CLUSTER_OPTIONS: dict[str, Any] = {
    "threads_per_worker": 1,
    "processes": True,
    "dashboard_address": None,
    "scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"},
}

# --------------------------------------------------------------------------- the cluster


@contextlib.contextmanager
def dask_client(scheduler: str | Client | None, n_workers: int) -> Iterator[Client]:
    """A ``Client``: the one given, one connected to an address, or one on a new LocalCluster.

    Closes only what it opened.
    """
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        yield scheduler
        return
    if scheduler is None:
        n_workers = check_count(n_workers, "n_workers")
        cluster = LocalCluster(**LOCAL_CLUSTER_OPTIONS, n_workers=n_workers)
        try:
            client = Client(cluster)
            try:
                yield client
            finally:
                client.close()
        finally:
            cluster.close()
        return
    if not isinstance(scheduler, str):
        raise ParameterError(
            "scheduler must be None (start a LocalCluster), a scheduler address like "
            f"'tcp://10.0.0.1:8786' or a distributed.Client, got {type(scheduler).__name__}"
        )
    try:
        client = Client(scheduler, timeout="10s")
    except OSError as exc:
        raise ParameterError(f"cannot reach the Dask scheduler at {scheduler!r} ({exc})") from exc
    try:
        yield client
    finally:
        client.close()


def run_tasks(
    client: Client,
    func: Callable[..., Any],
    tasks: Sequence[dict[str, Any]],
    *,
    progress: bool,
    desc: str,
    on_result: Callable[[int, Any], None],
) -> None:
    """Submit ``func(**task)`` per task; call ``on_result(index, result)`` as each completes."""
    from distributed import as_completed

    futures = [client.submit(func, **task, pure=False) for task in tasks]
    index = {f.key: i for i, f in enumerate(futures)}
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(futures), desc=desc, unit="partition")
    try:
        for future in as_completed(futures):
            result = future.result()
            on_result(index[future.key], result)
            future.release()
            if bar is not None:
                bar.update(1)
    except BaseException:
        client.cancel(futures)
        raise
    finally:
        if bar is not None:
            bar.close()


# --------------------------------------------------------------------------- the analysis pass


def _analyze_partition(
    *,
    file: str,
    name: str,
    row_offset: int,
    text_column: str,
    codebooks: Sequence[Any],
    terms: bool,
    cache: bool,
) -> dict[str, Any]:
    """One partition's tables (run on a worker): from_dataframe + analyze."""
    frame = read_partition(Path(file))
    columns = {"text": text_column, "id": ID_COLUMN}
    lines = list(range(1 + row_offset, len(frame) + 1 + row_offset))
    records, skips = table_records(frame, Path(name), Path(name), columns, lines)
    if not records:  # the loader's reasons, without building an empty corpus
        skipped = pd.DataFrame(skips, columns=SKIPPED_COLUMNS)
        return {"skipped": skipped.astype({"source_line": np.int64})}
    corpus = from_dataframe(
        frame,
        text_column=text_column,
        id_column=ID_COLUMN,
        name=name,
        cache=cache,
        workers=1,
        progress=False,
    )
    result = analyze(
        corpus, codebooks=codebooks, terms=terms, cache=cache, workers=1, progress=False
    )
    stories = corpus.stories.copy()
    stories["source_line"] = stories["source_line"] + row_offset
    skipped = corpus.skipped.copy()
    skipped["source_line"] = skipped["source_line"] + row_offset
    return {
        "stories": stories,
        "sentences": corpus.sentences,
        "skipped": skipped,
        "sentiment": result.sentiment,
        "frame_hits": result.frame_hits,
        # term counts per distinct text (content key); Analysis maps them onto stories
        "keyed_terms": result.keyed_terms,
        "story_keys": result.story_keys,
    }


def _concat(frames: Sequence[pd.DataFrame | None], *, keep_dtypes: bool = True) -> pd.DataFrame:
    """Concatenate partition tables in order; empty ones only lend their columns."""
    present = [f for f in frames if f is not None]
    if not present:
        return pd.DataFrame()
    kept = [f for f in present if len(f)] or present[:1]
    out = pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0].reset_index(drop=True)
    if keep_dtypes and len(kept) > 1:
        out = out.astype(kept[0].dtypes.to_dict())
    return out


def _skipped_dtypes() -> dict[str, Any]:
    """The dtypes the loader gives a non-empty ``skipped`` table (asked of the loader itself)."""
    probe = from_dataframe(pd.DataFrame({"text": ["", "Text."]}), cache=False, progress=False)
    return probe.skipped.dtypes.to_dict()


def analyze_dask(
    parquet_dir: str | Path,
    *,
    scheduler: str | Client | None = None,
    n_workers: int = 2,
    codebooks: Sequence[Any] = ("generic", "policy"),
    terms: bool = True,
    text_column: str | None = None,
    name: str | None = None,
    cache: bool = False,
    progress: bool | None = None,
) -> Analysis:
    """The shared analysis pass on a Dask cluster, one task per Parquet partition.

    Equals ``analyze(from_dataframe(pd.read_parquet(parquet_dir), id_column="id",
    name=name), codebooks=codebooks, terms=terms)``: the same ``stories``, ``sentences``,
    ``skipped``, ``sentiment``, ``frame_hits`` and ``term_counts`` tables (see the module
    docstring for how the non-per-story columns are made global).

    Args:
        parquet_dir: a partitioned Parquet dataset
            (:func:`~analysis.dask_engine.write_parquet_corpus`) with an ``id`` column of unique
            story ids. Workers read the files by their absolute path: on a multi-machine cluster
            the folder must be on a file system every worker mounts at the same path.
        scheduler: ``None`` starts a ``LocalCluster`` of ``n_workers`` single-thread worker
            processes (no dashboard) and closes it at the end; a scheduler address
            (``"tcp://host:8786"``) connects to a running cluster; a ``distributed.Client`` is
            used as is (and left open).
        n_workers: worker processes of the LocalCluster (``scheduler=None`` only).
        codebooks: codebook names, paths or ``Codebook`` objects (loaded here, sent to workers).
        terms: also count terms per story (``term_counts``).
        text_column: the column holding article text (``None``: ``text``/``body`` ...).
        name: stands for the file name in ``source_file`` (default: the dataset folder's name);
            ``source_line`` is the 1-based row number over the whole dataset.
        cache: ``True`` lets each worker use its default on-disk cache
            (:mod:`analysis.cache`); ``False`` computes everything.
        progress: show a progress bar over partitions (``None``: in a terminal, from
            :data:`~analysis.dask_engine.options.PROGRESS_MIN_PARTITIONS` partitions).

    Returns:
        An :class:`analysis.pipeline.Analysis` whose corpus' ``source`` is ``parquet_dir``.

    Raises:
        CorpusError: missing or empty folder, unreadable file, no text or ``id`` column, missing
            or repeated ids, or no article with text.
        ParameterError: bad ``scheduler``/``n_workers``, an unreachable scheduler.
        CodebookError: a codebook that cannot be loaded.
    """
    layout = dataset_layout(parquet_dir, text_column, need_id=True)
    check_unique_ids(layout)
    books = [load_codebook(b) for b in codebooks]
    label = name if name is not None else layout.root.name
    tasks = [
        {
            "file": str(file.resolve()),
            "name": label,
            "row_offset": offset,
            "text_column": layout.text_column,
            "codebooks": books,
            "terms": bool(terms),
            "cache": bool(cache),
        }
        for file, offset in zip(layout.files, layout.offsets, strict=True)
    ]
    results: list[dict[str, Any] | None] = [None] * len(tasks)

    def keep(i: int, result: dict[str, Any]) -> None:
        results[i] = result

    with dask_client(scheduler, n_workers) as client:
        run_tasks(
            client,
            _analyze_partition,
            tasks,
            progress=show_progress(progress, len(tasks)),
            desc="analysing partitions",
            on_result=keep,
        )
    done = [r for r in results if r is not None]
    return _gathered_analysis(done, books, terms=terms, layout=layout, source=str(parquet_dir))


def _gathered_analysis(
    done: list[dict[str, Any]],
    books: list[Any],
    *,
    terms: bool,
    layout: DatasetLayout,
    source: str,
) -> Analysis:
    """One :class:`Analysis` of the partitions' tables, in partition order, made global."""
    analysed = [r for r in done if "stories" in r]
    skipped = _concat([r["skipped"] for r in done], keep_dtypes=False)
    if not analysed:
        reasons = "; ".join(dict.fromkeys(skipped["reason"].astype(str)).keys())
        raise CorpusError(f"no stories could be loaded ({reasons}).", path=layout.root)
    # the loader lists records it cannot use first, then texts empty after normalisation
    if len(skipped):
        late = (skipped["reason"].astype(str) == NO_TEXT_REASON).to_numpy()
        skipped = skipped.iloc[np.argsort(late, kind="stable")]
        skipped = skipped.reset_index(drop=True).astype(_skipped_dtypes())
    else:
        skipped = analysed[0]["skipped"].reset_index(drop=True)
    stories = _concat([r["stories"] for r in analysed], keep_dtypes=False)
    stories["duplicate_of"] = mark_duplicates(stories)
    sentences = _concat([r["sentences"] for r in analysed])
    corpus = Corpus(stories=stories, sentences=sentences, skipped=skipped, source=source)
    frame_hits = {
        book.name: _concat([r["frame_hits"][book.name] for r in analysed]) for book in books
    }
    return Analysis(
        corpus=corpus,
        sentiment=_concat([r["sentiment"] for r in analysed]),
        frame_hits=frame_hits,
        codebooks={book.name: book for book in books},
        keyed_terms=_keyed_terms([r["keyed_terms"] for r in analysed]) if terms else None,
        story_keys=tuple(k for r in analysed for k in r["story_keys"]),
    )


def _keyed_terms(frames: Sequence[pd.DataFrame | None]) -> pd.DataFrame:
    """Per-text term counts of all partitions; a text found in several partitions counts once."""
    table = _concat(frames)
    if KEY_COLUMN in table.columns and len(frames) > 1:
        table = table.drop_duplicates([KEY_COLUMN, "term"], ignore_index=True)
    return table
