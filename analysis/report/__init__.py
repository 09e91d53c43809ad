"""Build the report set: run every notebook with papermill, render HTML, write the index page.

``python -m analysis.report`` (behind ``make report``) executes each notebook of
:data:`NOTEBOOKS` on the chosen corpus and writes, under ``reports/``:

- ``<name>.ipynb`` - the executed notebook (open it in JupyterLab to explore further);
- ``<name>.html`` - the HTML report, code hidden unless ``--show-code``;
- ``story-<id>.html`` / ``.ipynb`` - the deep dives: per group of the ``group`` parameter its
  most typical and its most extreme story (:mod:`~analysis.report.stories`; file names from
  :func:`analysis.safe.safe_filename`, unique within a run);
- ``assets/plotly.min.js`` - one shared, offline copy of plotly.js that every report loads
  (charts are written by :func:`analysis.figures.show` without embedding plotly.js);
- ``tables/`` - the tables the notebooks export (each notebook that declares ``output_dir`` gets
  the folder of the run);
- ``index.html`` - the landing page: what was analysed, the reports with one-line summaries,
  when and with which parameters they were built, which failed, which were skipped for having
  nothing to show (trends without dates, the validation without its ratings) and which group
  each deep dive represents and why;
- ``.report-manifest.json`` - the files the last run wrote, so the next run removes the ones it
  no longer writes (stale story pages) and never touches anything else in the folder.

A run is built in a temporary folder beside the output folder (``.<name>.build-<pid>-…``, same
file system) and moved into place only when complete: each file with :func:`os.replace`,
``index.html`` last. A run that fails to start, is interrupted (Ctrl-C, SIGTERM) or crashes leaves
the output folder exactly as the previous run left it; its kernels are stopped and its temporary
folder removed. A failing notebook does not stop the others: it is listed on the index with its
error, its previous complete page (if any) is kept unlinked, and the command exits 1.

Reports that do not read the corpus (the sentiment validation) are built once and copied into
later runs while their inputs and the code are unchanged (:mod:`~analysis.report.reuse`, kept
under the analysis cache folder).

Parameters are checked before anything is run or written: ``-p NAME=VALUE`` names must be
declared by a notebook being run and values must match the annotation in its ``parameters``
cell. A bad argument gets one line on stderr and exit code 2.

``python -m analysis.report --store`` re-executes the notebooks in place on the seeds, so the
outputs stored in the repository (compared by the nbval tests) are regenerated; execution metadata
(timings, timestamps) is stripped so the stored files are deterministic.

One module per step:

- :mod:`~analysis.report.catalog` - the report set (:data:`NOTEBOOKS`, the story notebook);
- :mod:`~analysis.report.arguments` and :mod:`~analysis.report.parameters` - checking the
  arguments and the ``-p`` notebook parameters against the notebooks' ``parameters`` cells;
- :mod:`~analysis.report.prepare` - the corpus and its analysis pass, loaded once;
- :mod:`~analysis.report.stories` - which stories get a deep dive, and their file names;
- :mod:`~analysis.report.skips` - reports with nothing to show; :mod:`~analysis.report.reuse`
  - pages of corpus-free reports kept for later runs;
- :mod:`~analysis.report.tables` - long tables capped in the page, exported in full;
- :mod:`~analysis.report.execute` (with :mod:`~analysis.report.kernels`) - running notebooks
  with papermill; :mod:`~analysis.report.render` - HTML with nbconvert;
  :mod:`~analysis.report.summary` - summaries and titles as plain text;
- :mod:`~analysis.report.index_page` - the index; :mod:`~analysis.report.publish` (with
  :mod:`~analysis.report.signals` and :mod:`~analysis.report.files`) - the build folder, the
  manifest and the move into place;
- :mod:`~analysis.report.build` - :func:`build_reports`; :mod:`~analysis.report.cli` - the
  command line.

The names below are re-exported for convenience. To run a different report set, replace
``analysis.report.catalog.NOTEBOOKS`` (every step reads it from there at call time); to replace
notebook execution, patch ``analysis.report.execute.execute_notebook``.
"""

import importlib
from typing import Any

#: Where each re-exported name lives; modules are imported on first use (PEP 562), so a
#: notebook importing :func:`show_table` does not load papermill, nbconvert and nbformat.
_EXPORTS = {
    "STORIES_PER_FILE": "analysis.report.arguments",
    "build_reports": "analysis.report.build",
    "CORPUS_FREE": "analysis.report.catalog",
    "EXTRA_STORED": "analysis.report.catalog",
    "MAX_STORY_GROUPS": "analysis.report.catalog",
    "MAX_STORY_REPORTS": "analysis.report.catalog",
    "NOTEBOOKS": "analysis.report.catalog",
    "STORY_NOTEBOOK": "analysis.report.catalog",
    "main": "analysis.report.cli",
    "run_notebook": "analysis.report.execute",
    "store_outputs": "analysis.report.execute",
    "ReportOutcome": "analysis.report.outcome",
    "ReportSet": "analysis.report.outcome",
    "DATE_PARAMETERS": "analysis.report.parameters",
    "RUNNER_PARAMETERS": "analysis.report.parameters",
    "notebook_parameters": "analysis.report.parameters",
    "PreparedCorpus": "analysis.report.prepare",
    "corpus_facts": "analysis.report.prepare",
    "prepare_corpus": "analysis.report.prepare",
    "MANIFEST": "analysis.report.publish",
    "render_html": "analysis.report.render",
    "write_plotly_asset": "analysis.report.render",
    "StoryChoice": "analysis.report.stories",
    "representative_stories": "analysis.report.stories",
    "SUMMARY_TAG": "analysis.report.summary",
    "init_tables": "analysis.report.table_view",
    "show_table": "analysis.report.table_view",
    "table_html": "analysis.report.table_view",
    "DISPLAY_ROWS": "analysis.report.tables",
    "shown_rows": "analysis.report.tables",
}


__all__ = [
    "CORPUS_FREE",
    "DATE_PARAMETERS",
    "DISPLAY_ROWS",
    "EXTRA_STORED",
    "MANIFEST",
    "MAX_STORY_GROUPS",
    "MAX_STORY_REPORTS",
    "NOTEBOOKS",
    "RUNNER_PARAMETERS",
    "STORIES_PER_FILE",
    "STORY_NOTEBOOK",
    "SUMMARY_TAG",
    "PreparedCorpus",
    "ReportOutcome",
    "ReportSet",
    "StoryChoice",
    "build_reports",
    "corpus_facts",
    "init_tables",
    "main",
    "notebook_parameters",
    "prepare_corpus",
    "representative_stories",
    "render_html",
    "run_notebook",
    "show_table",
    "shown_rows",
    "store_outputs",
    "table_html",
    "write_plotly_asset",
]


def __getattr__(name: str) -> Any:
    """Import the module of a re-exported name when it is first used."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
