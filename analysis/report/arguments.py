"""Checking the arguments of a build before anything is run or written.

Each check raises :class:`analysis.errors.ParameterError` with a message that names the bad
value and, for a misspelt name, the closest valid one (:func:`difflib.get_close_matches`). The
notebook parameters (``-p``) are checked in :mod:`analysis.report.parameters`.
"""

from __future__ import annotations

import codecs
import difflib
from collections.abc import Sequence
from encodings.aliases import aliases
from pathlib import Path
from typing import Any

from analysis.errors import ParameterError
from analysis.report import catalog
from analysis.report.files import is_writable

__all__ = [
    "STORIES_PER_FILE",
    "check_encoding",
    "check_jobs",
    "check_notebooks",
    "check_out_dir",
    "check_stories_per_file",
]

#: How ``stories_per_file`` may be given (see :func:`analysis.corpus.load_corpus`).
STORIES_PER_FILE = ("auto", "one", "many")


def check_notebooks(notebooks: Sequence[str] | None) -> list[str]:
    """The notebooks to run, each once in the order given (default: all of the report set)."""
    known = [n for n, _ in catalog.NOTEBOOKS]
    names = list(dict.fromkeys(notebooks)) if notebooks else known
    unknown = [n for n in names if n not in known]
    if unknown:
        close = difflib.get_close_matches(str(unknown[0]), known, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ParameterError(f"unknown notebook(s) {unknown}; {hint}choose from {known}")
    return names


def check_jobs(jobs: Any) -> None:
    """Refuse a number of parallel notebooks that is not a positive integer (``None`` is fine)."""
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ParameterError(f"--jobs {jobs!r}: expected a positive integer")


def check_encoding(encoding: str) -> str:
    """``encoding`` if Python has a text codec of that name, else a ParameterError."""
    try:
        info = codecs.lookup(encoding)
    except (LookupError, TypeError, ValueError):
        names = sorted({name.replace("_", "-") for name in aliases.values()})
        wanted = str(encoding).lower().replace("_", "-")
        close = difflib.get_close_matches(wanted, names, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ParameterError(
            f"--encoding {encoding!r}: unknown text encoding; {hint}use a Python codec name "
            f"such as utf-8, latin-1 or cp1252"
        ) from None
    if not getattr(info, "_is_text_encoding", True):
        raise ParameterError(
            f"--encoding {encoding!r}: not a text encoding (bytes-to-bytes codec); use a "
            f"Python text encoding such as utf-8, latin-1 or cp1252"
        )
    return encoding


def check_stories_per_file(stories_per_file: str) -> None:
    """Refuse a ``stories_per_file`` that is not one of :data:`STORIES_PER_FILE`."""
    if stories_per_file not in STORIES_PER_FILE:
        raise ParameterError(
            f"--stories-per-file {stories_per_file!r}: expected one of "
            f"{', '.join(STORIES_PER_FILE)}"
        )


def check_out_dir(out: Path, given: str | Path) -> None:
    """Refuse an output folder that is a file, or that cannot be created or written.

    ``out`` is the resolved folder, ``given`` the folder as the user wrote it (for messages).
    """
    if out.exists() and not out.is_dir():
        raise ParameterError(f"--out {given}: is an existing file, not a folder; give a folder")
    if out.parent == out:
        raise ParameterError(f"--out {given}: give a folder below the file-system root")
    existing = out
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise ParameterError(
            f"--out {given}: cannot create the folder, {existing} is a file; give a folder path"
        )
    if not is_writable(existing):
        raise ParameterError(f"--out {given}: the folder {existing} is not writable")
