"""Reports with nothing to show: found before anything is executed, from cheap checks.

A report whose input is absent would draw empty axes; the runner skips it instead and lists it
on the index with the reason (``skipped: …``, not a failure: the exit code stays 0). Each rule
reads only what the runner already has (the prepared corpus, the report's parameters):

- ``trends``: no selected story has a date (the corpus has no date column, or none parses);
- ``frame_validation``: a corpus other than the seeds without a hand-coded sample
  (``-p coded_sample=…``; the seeds come with one, coded for the generic frames);
- ``sentiment_validation``: the human ratings are absent
  (:func:`analysis.sentiment_validation.missing_validation_data`; on a fresh clone the shared
  data folder is not there).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from analysis.report.prepare import PreparedCorpus

__all__ = ["SKIP_RULES", "skip_reason"]


def _undated(parameters: dict[str, Any], prepared: PreparedCorpus) -> str | None:
    if prepared.n_dated:
        return None
    return (
        "no selected story has a date, so there is no period to plot (give the corpus a date "
        "column, or widen the date filters)"
    )


def _no_ratings(parameters: dict[str, Any], prepared: PreparedCorpus | None) -> str | None:
    from analysis.sentiment_validation import missing_validation_data

    return missing_validation_data(parameters.get("validation_path"))


def _no_coded_sample(parameters: dict[str, Any], prepared: PreparedCorpus) -> str | None:
    if parameters.get("coded_sample") or "corpus_path" not in parameters:
        return None
    return (
        "no hand-coded sample was given: code a sheet (analysis.framing.calibration."
        "coding_sheet) and pass it with -p coded_sample=path.csv"
    )


#: Notebook -> a rule giving the reason it has nothing to show (``None``: run it).
SKIP_RULES: dict[str, Callable[[dict[str, Any], Any], str | None]] = {
    "trends": _undated,
    "sentiment_validation": _no_ratings,
    "frame_validation": _no_coded_sample,
}


def skip_reason(notebook: str, parameters: dict[str, Any], prepared: PreparedCorpus | None) -> str:
    """Why ``notebook`` has nothing to show with ``parameters`` on ``prepared`` ("" to run it).
    ``prepared`` is ``None`` before the corpus is prepared: only the reports of
    :data:`analysis.report.catalog.CORPUS_FREE` are asked then, and their rules do not read it."""
    rule = SKIP_RULES.get(notebook)
    return (rule(parameters, prepared) or "") if rule is not None else ""
