"""Signals during a build: SIGTERM unwinds the run, and the final move into place is not cut.

:func:`sigterm_unwinds` turns SIGTERM into :class:`Terminated` (a :class:`SystemExit` with code
143) so the run kills its kernels and removes its build folder on the way out, as it does for
Ctrl-C. :func:`signals_deferred` holds Ctrl-C and SIGTERM while a complete run is moved into
the output folder, then delivers them. Both act only in the main thread (where Python runs
signal handlers) and leave an application's own SIGTERM handler alone.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["Terminated", "signals_deferred", "sigterm_unwinds"]


class Terminated(SystemExit):
    """SIGTERM arrived: unwind (kill the kernels, remove the build folder) and exit 143."""


@contextlib.contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """Turn SIGTERM into an exception in the main thread, so the run can clean up."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield  # the application handles SIGTERM itself
        return

    def terminate(signum: int, frame: Any) -> None:
        raise Terminated(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block ends (only in the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for sig in dict.fromkeys(received):
            signal.raise_signal(sig)
