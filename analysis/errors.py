"""One exception hierarchy for the whole package.

Every message names the bad value: which file, which line or column, what was expected and
what to do about it. Catch :class:`AnalysisError` to catch everything this package raises on
purpose.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class AnalysisError(Exception):
    """Base class of every error the ``analysis`` package raises on purpose."""


class CorpusError(AnalysisError):
    """A corpus file or folder cannot be read as articles.

    Attributes:
        path: the file or folder at fault (``None`` for in-memory input).
        line: 1-based line (or CSV record) number, when one is known.
        column: the column name at fault, when one is known.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path = None if path is None else str(path)
        self.line = line
        self.column = column
        self._message = message
        where = ""
        if self.path is not None:
            where = self.path
            if line is not None:
                where += f":{line}"
            if column is not None:
                where += f" (column {column!r})"
            where += ": "
        super().__init__(where + message)

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled with its file, line and column (an error of a child process keeps them)
        return (
            _rebuild_corpus_error,
            (type(self), self._message, self.path, self.line, self.column),
        )


def _rebuild_corpus_error(
    cls: type[CorpusError], message: str, path: str | None, line: int | None, column: str | None
) -> CorpusError:
    return cls(message, path=path, line=line, column=column)


class CodebookError(AnalysisError):
    """A frame codebook file is malformed; the message names the file, frame and field."""


class ParameterError(AnalysisError, ValueError):
    """A function or notebook parameter has a value it cannot take."""
