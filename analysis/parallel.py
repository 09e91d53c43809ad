"""Run a function over chunks of many items in worker processes, safely.

:func:`map_chunks` splits the items into chunks of :data:`CHUNK_SIZE`, maps the function over
them in a :class:`concurrent.futures.ProcessPoolExecutor` when there are enough items to repay the
pool's start-up (else in the calling process), and concatenates the chunk results in input order,
so the result is identical to a single-process run. Progress is shown on long runs
(:mod:`analysis.progress`).
:func:`for_each_chunk` is the streaming form: it takes chunks from an iterator only as workers
need them and hands each result, in order, to a callback, so neither the chunks nor the results
of a whole corpus are ever held at once.

Memory: on POSIX, workers start from a forkserver (:data:`START_METHOD`) that has imported the
analysis modules once, not by forking the calling process, so a worker's memory is its chunk's
and a large corpus in the caller is not duplicated (or counted again) in every worker.

Worker lifetime (:func:`map_chunks`): workers never outlive the run that started them.

- Each worker arms ``prctl(PR_SET_PDEATHSIG, SIGTERM)`` on Linux (see ``prctl(2)``: the kernel
  sends SIGTERM when the parent dies, also after ``kill -9``) and, on every platform, runs a
  daemon thread that calls :func:`os._exit` once :func:`os.getppid` changes (the orphan was
  re-parented), once the pool's own process is gone when a forkserver is the parent, or on
  Windows once the parent's process handle is signalled; checked every
  :data:`PARENT_CHECK_SECONDS`.
- Workers ignore SIGINT: Ctrl-C in a terminal reaches the whole process group, but only the
  parent reacts, so there is one ``KeyboardInterrupt`` and no traceback per worker.
- On any exception in the parent (Ctrl-C, a failing chunk, SIGTERM) pending chunks are cancelled,
  the workers are terminated (killed after :data:`WORKER_EXIT_SECONDS`), and the exception is
  re-raised; nothing waits for chunks still running.
- SIGTERM: while the pool runs in the main thread and SIGTERM has its default action, a
  temporary handler turns it into ``SystemExit(143)`` (128 + SIGTERM, the shell convention), so
  the shutdown above runs and the process exits quietly with status 143; the previous handler is
  restored afterwards. A handler installed by the application is left alone.
"""

from __future__ import annotations

import collections
import contextlib
import math
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.errors import ParameterError
from analysis.progress import progress_bar
from analysis.progress import wanted as progress_wanted

__all__ = [
    "CHUNK_SIZE",
    "PARALLEL_MIN_ARTICLES",
    "START_METHOD",
    "call_in_child",
    "chunked",
    "for_each_chunk",
    "map_chunks",
    "resolve_workers",
    "start_method",
]

#: Fewer articles than this are processed in the calling process (no pool start-up).
PARALLEL_MIN_ARTICLES = 200
#: Articles per task sent to a worker.
CHUNK_SIZE = 64
#: Chunks submitted per worker and not yet consumed (bounds the memory of work in flight).
PENDING_PER_WORKER = 2
#: How worker processes start where the platform offers it. A forkserver forks each worker
#: from a small server process that imported :data:`WORKER_PRELOAD` once, not from the calling
#: process: a worker then shares none of the caller's memory (a loaded corpus), so its resident
#: memory is its chunk's, and the caller's pages are not counted again per worker. ``None``
#: uses the multiprocessing default (``fork`` on Linux before Python 3.14).
START_METHOD: str | None = "forkserver"
#: Modules a forkserver imports once, before it forks workers.
WORKER_PRELOAD = ("analysis.pipeline", "analysis.segment", "analysis.corpus")
#: Show a progress bar when at least this many articles must be computed.
PROGRESS_MIN_ARTICLES = 200
#: Seconds between a worker's checks that the process that started it still runs.
PARENT_CHECK_SECONDS = 1.0
#: Seconds terminated workers get to exit before they are killed.
WORKER_EXIT_SECONDS = 5.0
#: ``PR_SET_PDEATHSIG`` from ``<linux/prctl.h>``.
_PR_SET_PDEATHSIG = 1
#: Signals blocked while workers start (they unblock them once their handlers are set).
_START_SIGNALS = {signal.SIGINT, signal.SIGTERM}
#: Marks the end of the chunks in :func:`_map_in_pool`.
_DONE = object()


def resolve_workers(workers: int | None, n_items: int) -> int:
    """Number of worker processes: ``None`` picks all cores for large inputs, 1 for small ones."""
    if workers is None:
        if n_items < PARALLEL_MIN_ARTICLES:
            return 1
        return max(1, min(os.cpu_count() or 1, math.ceil(n_items / CHUNK_SIZE)))
    if not isinstance(workers, int) or workers < 1:
        raise ParameterError(f"workers must be a positive integer or None, got {workers!r}")
    return workers


def start_method() -> str:
    """The start method of the worker pools: :data:`START_METHOD` when the platform has it, else
    the platform's default."""
    if START_METHOD and START_METHOD in multiprocessing.get_all_start_methods():
        return START_METHOD
    return multiprocessing.get_start_method()


def _pool_context(method: str | None = None) -> Any:
    """The multiprocessing context of a pool (``method``, else :func:`start_method`); a
    forkserver preloads :data:`WORKER_PRELOAD`."""
    method = method or start_method()
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(list(WORKER_PRELOAD))  # no effect once it runs
    return context


def chunked(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    """``items`` in slices of :data:`CHUNK_SIZE`, in order (the chunks of
    :func:`for_each_chunk`)."""
    for start in range(0, len(items), CHUNK_SIZE):
        yield items[start : start + CHUNK_SIZE]


def map_chunks(
    func: Callable[[Sequence[Any]], pd.DataFrame],
    items: Sequence[Any],
    *,
    workers: int | None = None,
    progress: bool | None = None,
    desc: str = "articles",
) -> pd.DataFrame:
    """Apply ``func`` to chunks of ``items`` (in worker processes when worth it); concat in order.

    ``func`` must be a module-level function (picklable) that returns a DataFrame per chunk.
    Workers end with the parent, even after ``kill -9``; Ctrl-C, SIGTERM or a failing chunk stop
    the pool at once (see the module docstring).

    Raises:
        ParameterError: ``workers`` is not a positive integer or ``None``.
        SystemExit: SIGTERM arrived while the pool ran (status 143), after the pool was stopped.
    """
    if not items:
        return func([])
    chunks = chunked(items)
    results: list[Any] = []
    for_each_chunk(
        func,
        chunks,
        results.append,
        n_items=len(items),
        workers=workers,
        progress=progress,
        desc=desc,
    )
    return _concat_results(results)


def for_each_chunk(
    func: Callable[[Sequence[Any]], Any],
    chunks: Iterable[Sequence[Any]],
    consume: Callable[[Any], None],
    *,
    n_items: int,
    workers: int | None = None,
    progress: bool | None = None,
    desc: str = "articles",
) -> None:
    """Call ``consume(func(chunk))`` for every chunk, in chunk order, streaming.

    Chunks are taken from ``chunks`` (which may be a generator) only as workers need them: at
    most :data:`PENDING_PER_WORKER` chunks per worker are submitted and not yet consumed, so the
    memory held by chunks and results in flight is bounded by the chunk size, not by the number
    of items. ``consume`` runs in the calling process; an exception it raises stops the pool like
    a failing chunk does.

    Args:
        func: a module-level (picklable) function of one chunk.
        chunks: the chunks, in order.
        consume: called with each chunk's result, in chunk order.
        n_items: the number of items in all chunks (sizes the pool and the progress bar).
        workers: worker processes (``None``: all cores on large inputs, 1 on small ones).
        progress: show progress (``None``: on long runs, see :func:`analysis.progress.wanted`).
        desc: the progress bar's label.

    Raises:
        ParameterError: ``workers`` is not a positive integer or ``None``.
        SystemExit: SIGTERM arrived while the pool ran (status 143), after the pool was stopped.
    """
    n_workers = resolve_workers(workers, n_items)
    bar = None
    if progress_wanted(progress, n_items, PROGRESS_MIN_ARTICLES):  # not inside notebooks
        bar = progress_bar(n_items, desc, "article")
    try:
        if n_workers == 1:
            for chunk in chunks:
                consume(func(chunk))
                if bar is not None:
                    bar.update(len(chunk))
        else:
            _map_in_pool(func, chunks, consume, n_workers, bar)
    finally:
        if bar is not None:
            bar.close()


def call_in_child(func: Callable[[Any], Any], argument: Any) -> Any:
    """``func(argument)`` run in one child process, its result returned here: what the call
    holds in memory goes back to the system when it returns.

    The child is spawned (a fresh interpreter that imports what ``func`` needs), not forked
    from a forkserver: a forkserver would stay beside the child for as long as it runs,
    holding the modules it imported (about 110 MB) while nothing here forks again. The child
    may start worker pools of its own. Its exception is re-raised here; Ctrl-C or SIGTERM here
    stop the child as they stop a pool (:func:`_map_in_pool`).
    """
    results: list[Any] = []
    _map_in_pool(func, [argument], results.append, 1, None, method="spawn")
    return results[0]


def _map_in_pool(
    func: Callable[[Sequence[Any]], Any],
    chunks: Iterable[Sequence[Any]],
    consume: Callable[[Any], None],
    n_workers: int,
    bar: Any,
    method: str | None = None,
) -> None:
    """``consume(func(chunk))`` for every chunk, ``func`` run in a pool of ``n_workers``
    processes started by ``method`` (default :func:`start_method`), at most
    ``PENDING_PER_WORKER * n_workers`` chunks in flight.

    On any exception (including ``KeyboardInterrupt`` and the ``SystemExit`` of SIGTERM) the pool
    is stopped at once with :func:`_stop_pool` and the exception re-raised.
    """
    context = _pool_context(method)
    method = context.get_start_method()
    source = iter(chunks)
    pending: collections.deque[tuple[int, Future[Any]]] = collections.deque()

    def submit_next(pool: ProcessPoolExecutor) -> None:
        chunk = next(source, _DONE)
        if chunk is not _DONE:
            pending.append((len(chunk), pool.submit(func, chunk)))

    with _sigterm_as_exit():
        pool = ProcessPoolExecutor(
            max_workers=n_workers,
            mp_context=context,
            initializer=_end_with_parent,
            initargs=(os.getpid(),),
        )
        try:
            # Workers are started by submit; until their initializer has set their signal
            # handlers a Ctrl-C would print a traceback in each, so they start with it blocked.
            with _signals_blocked(method != "forkserver"):
                for _ in range(PENDING_PER_WORKER * n_workers):
                    submit_next(pool)
            while pending:
                size, future = pending.popleft()
                result = future.result()
                submit_next(pool)  # keep the workers busy while this result is consumed
                consume(result)
                del result
                if bar is not None:
                    bar.update(size)
        except BaseException:
            _stop_pool(pool, [future for _size, future in pending])
            raise
        pool.shutdown(wait=True)


def _stop_pool(pool: ProcessPoolExecutor, futures: list[Future[Any]]) -> None:
    """Cancel pending chunks and end the workers now, without waiting for running chunks."""
    for future in futures:
        future.cancel()
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(ValueError, OSError):  # already closed or gone
            process.terminate()
    if manager is not None:  # it joins the workers once it sees them die
        manager.join(WORKER_EXIT_SECONDS)
    for process in processes:
        with contextlib.suppress(ValueError, OSError):
            if process.is_alive():
                process.kill()
                process.join(1.0)


@contextlib.contextmanager
def _signals_blocked(block: bool = True) -> Iterator[None]:
    """Block SIGINT and SIGTERM in this thread (POSIX) while the body runs; they are delivered
    when the block ends. Child processes started meanwhile inherit the blocked mask."""
    if not block or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _START_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """In the main thread, while SIGTERM has its default action: SIGTERM raises
    ``SystemExit(128 + SIGTERM)`` instead of killing the process, so the pool is stopped in
    order. The previous handler is restored on exit."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL
    ):
        yield
        return

    def terminate(signum: int, _frame: Any) -> None:
        signal.signal(signum, signal.SIG_DFL)  # a second SIGTERM kills at once
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _end_with_parent(owner: int) -> None:
    """Pool initializer: make this worker end when the pool's process ends; leave it the signals.

    Args:
        owner: pid of the process running :func:`map_chunks`. It is the worker's parent with the
            fork and spawn start methods; with a forkserver the server is the parent (and lives
            as long as the workers hold its pipe), so the owner itself is watched.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the owner's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the owner's handler (fork copies it)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        except (OSError, AttributeError):  # no libc prctl: the thread below still watches
            pass
    parent = os.getppid()
    if not _owner_alive(owner, parent):  # it died before the death signal was armed
        os._exit(1)
    threading.Thread(
        target=_exit_when_orphaned, args=(owner, parent), name="owner-watch", daemon=True
    ).start()
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _START_SIGNALS)


def _owner_alive(owner: int, parent: int) -> bool:
    """Whether the pool's process still runs, as seen from a worker started by ``parent``.

    POSIX re-parents an orphan, so a changed :func:`os.getppid` means the parent died. When the
    parent is not the owner (a forkserver, or the owner died before the worker started) the owner
    is looked up directly: gone, another user's (its pid was reused) or a zombie means dead.
    """
    if os.getppid() != parent:
        return False
    if owner == parent or sys.platform == "win32":  # os.kill(pid, 0) is no probe on Windows
        return True
    try:
        os.kill(owner, 0)
    except (ProcessLookupError, PermissionError):
        return False
    try:
        state = Path(f"/proc/{owner}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):  # no /proc: the signal probe has to do
        return True
    return state != "Z"


def _exit_when_orphaned(owner: int, parent: int) -> None:
    """Worker thread: end the process once the pool's process is gone (the portable fallback).

    Windows does not re-parent orphans, so there the parent's process handle
    (:func:`multiprocessing.parent_process`) is asked as well.
    """
    handle = multiprocessing.parent_process() if sys.platform == "win32" else None
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if not _owner_alive(owner, parent) or (handle is not None and not handle.is_alive()):
            os._exit(1)


def _concat_results(results: list[Any]) -> Any:
    """Concatenate chunk results: DataFrames, or dicts of DataFrames (concatenated per key)."""
    if results and isinstance(results[0], dict):
        return {name: _concat_results([r[name] for r in results]) for name in results[0]}
    kept = [r for r in results if len(r)] or results[:1]
    return pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0]
