"""The analysis pass of a loaded corpus on a Dask cluster, written to the cache by the workers.

A distributed map with Dask (``dask.distributed``): the articles the cache lacks
(:func:`analysis.pipeline.plan_pass`) are cut into tasks of :data:`TASK_ARTICLES` articles; each
task carries only its articles' content keys, texts and sentence offsets, and the worker computes
them (:func:`analysis.pipeline.store_chunk`: sentiment, frames, term counts) and writes the
results as Parquet packs into the shared cache folder, one pack per component and task
(:mod:`analysis.cache`). Only the keys and any regex time-outs come back to the client: nothing
is gathered. At most :data:`TASKS_PER_WORKER` tasks per worker are in flight, so neither the
client nor the scheduler holds the corpus' texts at once. The client then returns
:func:`analysis.pipeline.analyze` on the filled cache, whose tables are read when first used
(articles whose frames hit a regex time-out, never cached, are computed there and warned about).

On a multi-machine cluster the cache folder (:func:`analysis.config.cache_dir`, or the
``ArticleCache`` given) must be on a file system every worker mounts at the same path; the
cache's file locks then keep concurrent writers apart.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from analysis.cache import ArticleCache, resolve_cache
from analysis.corpus import Corpus
from analysis.dask_engine.engine import dask_client
from analysis.dask_engine.options import check_count
from analysis.errors import ParameterError
from analysis.pipeline import Analysis, analyze, pass_chunks, plan_pass, store_chunk
from analysis.progress import progress_bar, wanted

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["TASKS_PER_WORKER", "TASK_ARTICLES", "analyze_on_cluster"]

#: Articles per Dask task (one cache pack per component and task).
TASK_ARTICLES = 512
#: Tasks submitted per worker and not yet finished.
TASKS_PER_WORKER = 2


def analyze_on_cluster(
    corpus: Corpus,
    *,
    scheduler: str | Client | None = None,
    n_workers: int | None = None,
    codebooks: Sequence[Any] = ("generic", "policy"),
    terms: bool = True,
    cache: bool | ArticleCache = True,
    progress: bool | None = None,
) -> Analysis:
    """The shared analysis pass of ``corpus`` (:func:`analysis.pipeline.analyze`), computed on
    a Dask cluster and written to the cache by the workers.

    Args:
        corpus: a loaded corpus.
        scheduler: ``None`` starts a ``LocalCluster`` of ``n_workers`` single-thread worker
            processes and closes it at the end; an address (``"tcp://host:8786"``) connects to a
            running scheduler; a ``distributed.Client`` is used as is.
        n_workers: worker processes of the LocalCluster (default: the cores).
        codebooks: codebook names, paths or ``Codebook`` objects.
        terms: also count terms per story.
        cache: ``True`` (the default cache folder) or an ``ArticleCache``; the workers write
            into its folder.
        progress: show a progress bar over articles (``None``: in a terminal).

    Returns:
        An :class:`analysis.pipeline.Analysis` reading its tables from the cache.

    Raises:
        ParameterError: ``cache=False`` (the workers' results go to the cache), a disabled
            cache, bad ``scheduler``/``n_workers``, an unreachable scheduler.
    """
    store = resolve_cache(cache)
    if not store.enabled:
        raise ParameterError(
            "the Dask engine writes the workers' results to the analysis cache; give cache=True "
            "or an ArticleCache on a folder every worker can write"
        )
    workers = check_count(n_workers if n_workers is not None else os.cpu_count() or 1, "n_workers")
    plan = plan_pass(corpus, codebooks=codebooks, terms=terms, store=store)
    if plan.todo:
        chunks = pass_chunks(
            corpus,
            plan.todo,
            plan.components(),
            story_keys=plan.story_keys,
            chunk_size=TASK_ARTICLES,
        )
        with dask_client(scheduler, workers) as client:
            _run_windowed(client, chunks, str(store.root), plan.versions, len(plan.todo), progress)
    return analyze(corpus, codebooks=codebooks, terms=terms, cache=store, progress=progress)


def _run_windowed(
    client: Client,
    chunks: Any,
    cache_root: str,
    versions: dict[str, str],
    n_articles: int,
    progress: bool | None,
) -> None:
    """Submit :func:`store_chunk` per chunk, at most ``TASKS_PER_WORKER`` per worker in
    flight; results are released as they arrive."""
    from distributed import as_completed

    n_workers = max(1, len(client.scheduler_info().get("workers", {})))
    bar = None
    if wanted(progress, n_articles):
        bar = progress_bar(n_articles, "analysing on the cluster", "article")
    source = iter(chunks)

    def submit() -> Any:
        chunk = next(source, None)
        if chunk is None:
            return None
        return client.submit(store_chunk, chunk, cache_root, versions, pure=False)

    first = [f for f in (submit() for _ in range(TASKS_PER_WORKER * n_workers)) if f]
    running = as_completed(first)
    try:
        for future in running:
            done = future.result()
            future.release()
            following = submit()
            if following is not None:
                running.add(following)
            if bar is not None:
                bar.update(len(done["keys"]))
    except BaseException:
        client.cancel(list(running.futures))
        raise
    finally:
        if bar is not None:
            bar.close()
