"""What a build runs (:class:`ReportTask`) and what it gives (:class:`ReportOutcome`,
:class:`ReportSet`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

__all__ = ["ReportOutcome", "ReportSet", "ReportTask"]


class ReportTask(NamedTuple):
    """One notebook execution of a build: which notebook, with what, into which file stem.

    A deep dive also says which group its story represents and why it was chosen.
    """

    notebook: str
    description: str
    parameters: dict[str, Any]
    stem: str
    group: str = ""
    reason: str = ""


@dataclass
class ReportOutcome:
    """What happened to one report.

    ``skipped`` holds the reason a report with nothing to show was not run (``ok`` is then
    False, but the report did not fail); ``reused`` is True when the page was copied from an
    earlier run (a report that does not read the corpus, see :mod:`analysis.report.reuse`).
    """

    name: str
    description: str
    parameters: dict[str, Any]
    ok: bool
    seconds: float
    html_path: Path | None = None
    summary: str = ""
    error: str = ""
    size_bytes: int = 0
    kind: str = "report"
    group: str = ""
    reason: str = ""
    skipped: str = ""
    reused: bool = False


@dataclass
class ReportSet:
    """The outcome of a whole build; ``notes`` are shown on the index (e.g. groups without a
    deep dive)."""

    outcomes: list[ReportOutcome] = field(default_factory=list)
    corpus_facts: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[ReportOutcome]:
        """The reports that failed (not those skipped for having nothing to show)."""
        return [o for o in self.outcomes if not o.ok and not o.skipped]

    @property
    def skipped(self) -> list[ReportOutcome]:
        """The reports not run because they had nothing to show."""
        return [o for o in self.outcomes if o.skipped]
