"""The kernels of a run, so a cancelled run (Ctrl-C, SIGTERM, a crash) can stop them at once.

A worker thread executes its notebooks inside :func:`kernels_of_run`; every kernel manager
jupyter_client creates in that thread (:func:`kernel_manager_class`) is registered with the run's
cancel event, and refuses to start once the run is cancelled. :func:`kill_kernels` then kills
the kernel processes of the run, with their children (each kernel leads a session of its own).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import weakref
from collections.abc import Iterator
from typing import Any

__all__ = [
    "RunCancelled",
    "forget_kernels",
    "kernel_manager_class",
    "kernels_of_run",
    "kill_kernels",
]


class RunCancelled(RuntimeError):
    """The run this notebook belongs to was cancelled before its kernel started."""


#: The run a worker thread executes for (its cancel event), read when a kernel is created.
_RUN = threading.local()
#: Kernel managers created for each run, so a cancelled run can stop its kernels at once.
_KERNELS: dict[threading.Event, weakref.WeakSet[Any]] = {}
_KERNELS_LOCK = threading.Lock()
_KERNEL_MANAGER_CLASS: type | None = None


def kernel_manager_class() -> type:
    """jupyter_client's kernel manager, registering each kernel with the run it belongs to."""
    global _KERNEL_MANAGER_CLASS
    if _KERNEL_MANAGER_CLASS is None:
        from jupyter_client.manager import AsyncKernelManager

        class RunKernelManager(AsyncKernelManager):  # type: ignore[misc]
            def __init__(self, **kwargs: Any) -> None:
                super().__init__(**kwargs)
                cancel = getattr(_RUN, "cancel", None)
                if cancel is not None:
                    if cancel.is_set():
                        raise RunCancelled("the report run was cancelled")
                    with _KERNELS_LOCK:
                        _KERNELS.setdefault(cancel, weakref.WeakSet()).add(self)

        _KERNEL_MANAGER_CLASS = RunKernelManager
    return _KERNEL_MANAGER_CLASS


@contextlib.contextmanager
def kernels_of_run(cancel: threading.Event) -> Iterator[None]:
    """Register the kernels this thread starts in the block with the run of ``cancel``.

    Raises:
        RunCancelled: the run is already cancelled (nothing is started).
    """
    _RUN.cancel = cancel
    try:
        if cancel.is_set():
            raise RunCancelled("the report run was cancelled")
        yield
    finally:
        _RUN.cancel = None


def kill_kernels(cancel: threading.Event) -> None:
    """Kill the kernel processes (and their children) of a cancelled run."""
    with _KERNELS_LOCK:
        managers = list(_KERNELS.get(cancel, ()))
    for km in managers:
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if process is None or process.returncode is not None:
            continue
        with contextlib.suppress(OSError):
            if hasattr(os, "killpg"):
                os.killpg(process.pid, signal.SIGKILL)  # kernels run in a session of their own
            else:  # pragma: no cover - Windows
                process.kill()


def forget_kernels(cancel: threading.Event) -> None:
    """Drop the record of the run's kernels (when the run is over)."""
    with _KERNELS_LOCK:
        _KERNELS.pop(cancel, None)
