"""Progress of long runs: a tqdm bar in a terminal, plain lines in a log.

A tqdm bar redraws one line with carriage returns, which is right in a terminal and useless in a
log file or a CI job: the log gets one very long line, or, when the bar is off because the output
is not a terminal, nothing at all for the minutes a large corpus takes. :func:`progress_bar`
therefore gives a tqdm bar when standard error is a terminal and otherwise a
:class:`LineProgress`, which writes one short line at every tenth of the work (and at least every
:data:`LINE_SECONDS`), so that a log shows how far a run has come and how long it took.

Notebooks stay quiet by default: a kernel's standard error is not a terminal and its output
would end in the report. Commands that run outside notebooks (the report command) turn the lines
on with :func:`lines_when_not_a_terminal`.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from typing import Any, TextIO

__all__ = ["LineProgress", "lines_when_not_a_terminal", "progress_bar", "wanted"]

#: Show progress when at least this many items must be computed.
PROGRESS_MIN_ITEMS = 200
#: At most this many seconds between two progress lines in a log.
LINE_SECONDS = 60.0
#: A line at every this fraction of the work.
LINE_STEP = 0.1

_lines = False


@contextlib.contextmanager
def lines_when_not_a_terminal() -> Iterator[None]:
    """Within the block, long runs write progress lines to standard error when it is not a
    terminal (a log file, a pipe), instead of staying silent."""
    global _lines
    before, _lines = _lines, True
    try:
        yield
    finally:
        _lines = before


def wanted(progress: bool | None, n_items: int, minimum: int = PROGRESS_MIN_ITEMS) -> bool:
    """Whether to show progress: ``progress`` when given; by default (``None``) on runs of at
    least ``minimum`` items in a terminal, or in a log within :func:`lines_when_not_a_terminal`."""
    if progress is not None:
        return bool(progress)
    return n_items >= minimum and (_lines or sys.stderr.isatty())


def progress_bar(total: int, desc: str, unit: str) -> Any:
    """A progress display with ``update(n)`` and ``close()``: a tqdm bar in a terminal, else a
    :class:`LineProgress` on standard error."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(total=total, desc=desc, unit=unit, mininterval=1.0)
    return LineProgress(total, desc, unit)


class LineProgress:
    """Progress as plain lines: ``"analysing articles: 2,560/25,000 articles (10 %), 31 s"``.

    A line is written when the work passes the next tenth (:data:`LINE_STEP`) or
    :data:`LINE_SECONDS` after the last line, and a last line with the total time on ``close``.
    """

    def __init__(self, total: int, desc: str, unit: str, *, stream: TextIO | None = None) -> None:
        self.total, self.desc, self.unit = max(int(total), 0), desc, unit
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self.started = self.last = time.monotonic()
        self.next_step = LINE_STEP
        self.closed = False

    def update(self, n: int = 1) -> None:
        """Count ``n`` more items done; write a line when a tenth is passed or a minute gone."""
        self.done += int(n)
        now = time.monotonic()
        share = self.done / self.total if self.total else 1.0
        if share >= self.next_step or now - self.last >= LINE_SECONDS:
            while self.next_step <= share:
                self.next_step += LINE_STEP
            self._write(now, share)

    def close(self) -> None:
        """Write the last line (items done and the total time), once."""
        if self.closed:
            return
        self.closed = True
        now = time.monotonic()
        self.stream.write(
            f"{self.desc}: {self.done:,} {self.unit}s done in {now - self.started:.0f} s\n"
        )
        self.stream.flush()

    def _write(self, now: float, share: float) -> None:
        self.last = now
        self.stream.write(
            f"{self.desc}: {self.done:,}/{self.total:,} {self.unit}s ({100 * share:.0f} %),"
            f" {now - self.started:.0f} s\n"
        )
        self.stream.flush()
