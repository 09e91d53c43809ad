"""What a build runs (:class:`ReportTask`) and what it gives (:class:`ReportOutcome`,
:class:`ReportSet`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

__all__ = ["ReportOutcome", "ReportSet", "ReportTask"]


class ReportTask(NamedTuple):
    """One notebook execution of a build: which notebook, with what, into which file stem."""

    notebook: str
    description: str
    parameters: dict[str, Any]
    stem: str


@dataclass
class ReportOutcome:
    """What happened to one report."""

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


@dataclass
class ReportSet:
    """The outcome of a whole build."""

    outcomes: list[ReportOutcome] = field(default_factory=list)
    corpus_facts: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> list[ReportOutcome]:
        return [o for o in self.outcomes if not o.ok]
