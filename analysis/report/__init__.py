"""Build the report set: run every notebook with papermill, render HTML, write the index page.

``python -m analysis.report`` (behind ``make report``) executes each notebook of
:data:`NOTEBOOKS` on the chosen corpus and writes, under ``reports/``:

- ``<name>.ipynb`` - the executed notebook (open it in JupyterLab to explore further);
- ``<name>.html`` - the HTML report, code hidden unless ``--show-code``;
- ``story-<id>.html`` / ``.ipynb`` - one deep dive per story (file names from
  :func:`analysis.safe.safe_filename`, unique within a run);
- ``assets/plotly.min.js`` - one shared, offline copy of plotly.js that every report loads
  (charts are written by :func:`analysis.figures.show` without embedding plotly.js);
- ``tables/`` - the tables the notebooks export (each notebook that declares ``output_dir`` gets
  the folder of the run);
- ``index.html`` - the landing page: what was analysed, the reports with one-line summaries,
  when and with which parameters they were built, and which failed;
- ``.report-manifest.json`` - the files the last run wrote, so the next run removes the ones it
  no longer writes (stale story pages) and never touches anything else in the folder.

A run is built in a temporary folder beside the output folder (``.<name>.build-<pid>-…``, same
file system) and moved into place only when complete: each file with :func:`os.replace`,
``index.html`` last. A run that fails to start, is interrupted (Ctrl-C, SIGTERM) or crashes leaves
the output folder exactly as the previous run left it; its kernels are stopped and its temporary
folder removed. A failing notebook does not stop the others: it is listed on the index with its
error, its previous complete page (if any) is kept unlinked, and the command exits 1.

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
- :mod:`~analysis.report.stories` - which stories get a deep dive, and their file names;
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

from analysis.report.arguments import STORIES_PER_FILE
from analysis.report.build import build_reports, corpus_facts, prepare_corpus
from analysis.report.catalog import EXTRA_STORED, MAX_STORY_REPORTS, NOTEBOOKS, STORY_NOTEBOOK
from analysis.report.cli import main
from analysis.report.execute import run_notebook, store_outputs
from analysis.report.outcome import ReportOutcome, ReportSet
from analysis.report.parameters import DATE_PARAMETERS, RUNNER_PARAMETERS, notebook_parameters
from analysis.report.publish import MANIFEST
from analysis.report.render import render_html, write_plotly_asset
from analysis.report.summary import SUMMARY_TAG

__all__ = [
    "DATE_PARAMETERS",
    "EXTRA_STORED",
    "MANIFEST",
    "MAX_STORY_REPORTS",
    "NOTEBOOKS",
    "RUNNER_PARAMETERS",
    "STORIES_PER_FILE",
    "STORY_NOTEBOOK",
    "SUMMARY_TAG",
    "ReportOutcome",
    "ReportSet",
    "build_reports",
    "corpus_facts",
    "main",
    "notebook_parameters",
    "prepare_corpus",
    "render_html",
    "run_notebook",
    "store_outputs",
    "write_plotly_asset",
]
