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
"""

from __future__ import annotations

import argparse
import ast
import codecs
import contextlib
import datetime as dt
import difflib
import errno
import glob
import html
import json
import math
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import nbformat

from analysis import config, safe
from analysis.errors import AnalysisError, ParameterError

__all__ = [
    "NOTEBOOKS",
    "ReportOutcome",
    "build_reports",
    "main",
    "notebook_parameters",
    "run_notebook",
    "store_outputs",
]

#: The report set, in the order the index lists it: (notebook stem, one-line description).
NOTEBOOKS: list[tuple[str, str]] = [
    ("overview", "The corpus: stories, datelines, lengths, truncated leads, sentence lengths."),
    ("sentiment", "Tone per story with two models, the arc of each story, tone toward targets."),
    ("framing", "Generic news frames per story: intensity heatmap, profiles, marked evidence."),
    ("topics_language", "Distinctive words, topics, similarity, actors and quotes per story."),
    ("comparison", "The stories side by side, with their differences stated in words."),
    ("trends", "Tone and frames month by month, per outlet group, for dated corpora."),
    ("sentiment_validation", "How well each sentiment model agrees with human ratings."),
]
#: Cells tagged with this have their Markdown output copied to the index as the report summary.
SUMMARY_TAG = "report-summary"
#: The file in the output folder listing what the last run wrote (paths relative to the folder).
MANIFEST = ".report-manifest.json"
#: How ``stories_per_file`` may be given (see :func:`analysis.corpus.load_corpus`).
STORIES_PER_FILE = ("auto", "one", "many")
#: Parameters the runner sets itself, with what to use instead of ``-p``.
RUNNER_PARAMETERS = {
    "corpus_path": "give the corpus as the positional corpus argument",
    "output_dir": "it is the folder the run writes into: use --out",
    "story_id": "use --stories",
    "encoding": "use --encoding",
    "stories_per_file": "use --stories-per-file",
}
#: Parameters read as dates, whatever their annotation says.
DATE_PARAMETERS = ("date_from", "date_to")
_KERNEL_CONFIG = {"KernelManager": {"transport_encryption": "auto"}}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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


# --- executing notebooks ---------------------------------------------------------------------


def _quiet_jupyter_env() -> None:
    """Keep Jupyter state out of the home folder and silence the kernel's TCP warning."""
    base = Path(tempfile.gettempdir()) / "analysis-jupyter"
    for var, sub in (
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
    ):
        os.environ.setdefault(var, str(base / sub))
        Path(os.environ[var]).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


class _Cancelled(RuntimeError):
    """The run this notebook belongs to was cancelled before its kernel started."""


#: The run a worker thread executes for (its cancel event), read when a kernel is created.
_RUN = threading.local()
#: Kernel managers created for each run, so a cancelled run can stop its kernels at once.
_KERNELS: dict[threading.Event, weakref.WeakSet[Any]] = {}
_KERNELS_LOCK = threading.Lock()
_KERNEL_MANAGER_CLASS: type | None = None


def _kernel_manager_class() -> type:
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
                        raise _Cancelled("the report run was cancelled")
                    with _KERNELS_LOCK:
                        _KERNELS.setdefault(cancel, weakref.WeakSet()).add(self)

        _KERNEL_MANAGER_CLASS = RunKernelManager
    return _KERNEL_MANAGER_CLASS


def _kill_kernels(cancel: threading.Event) -> None:
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


def _execute(source: Path, target: Path, parameters: dict[str, Any], cwd: Path) -> None:
    import papermill as pm
    from traitlets.config import Config

    _quiet_jupyter_env()
    # The kernel starts in ``cwd`` (nbclient's ``resources.metadata.path``). Papermill's own
    # ``cwd=`` would os.chdir the whole process for the run, which races when notebooks run in
    # parallel threads and can leave the process in another folder.
    pm.execute_notebook(
        str(source.resolve()),
        str(target.resolve()),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        config=Config(_KERNEL_CONFIG),
        shutdown_kernel="immediate",
        resources={"metadata": {"path": str(cwd.resolve())}},
        kernel_manager_class=_kernel_manager_class(),
    )


def _strip_execution_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    nbformat.validator.normalize(nb)
    return nb


# --- summaries and titles: Markdown to plain text --------------------------------------------

# One token of Markdown at a time, left to right: a backslash escape (CommonMark 0.31, 2.4: any
# ASCII punctuation), an HTML character reference (2.5), or emphasis / code-span markup.
_MARKDOWN_TOKEN = re.compile(
    r"\\([!-/:-@\[-`{-~])"
    r"|(&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)"
    r"|(\*\*|\*|`)"
)


def _plain_text(markdown: str) -> str:
    """Markdown inline text as plain text: escapes and entities decoded, ``**``/``*``/`` ` ``
    markup removed, whitespace collapsed. The inverse of :func:`analysis.safe.escape_markdown`
    for one line of text.

    >>> _plain_text(r"**2 stories** from Fox\\_News &amp; \\*AP\\*")
    '2 stories from Fox_News & *AP*'
    """

    def token(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return match.group(1)
        if match.group(2) is not None:
            return html.unescape(match.group(2))
        return ""

    return " ".join(_MARKDOWN_TOKEN.sub(token, markdown).split())


def _summary(nb: nbformat.NotebookNode) -> str:
    for cell in nb.cells:
        if SUMMARY_TAG in cell.metadata.get("tags", []):
            for output in cell.get("outputs", []):
                text = output.get("data", {}).get("text/markdown")
                if text:
                    return _one_line("".join(text))
    return ""


def _one_line(markdown: str, limit: int = 260) -> str:
    """A plain-text line for the index: the first paragraph (or first two bullets), no markup.

    The result is plain text (``<`` is a character, not a tag): escape it for HTML.
    """
    first = markdown.strip().split("\n\n")[0]
    lines = [ln.strip() for ln in first.splitlines() if ln.strip()]
    if lines and lines[0].startswith("- "):
        lines = [ln[2:] for ln in lines if ln.startswith("- ")][:2]
    text = _plain_text(" ".join(lines))
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def _title(nb: nbformat.NotebookNode, default: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return _plain_text(line[2:]) or default
    return default


def render_html(
    nb: nbformat.NotebookNode, *, show_code: bool = False, assets: str = "assets"
) -> str:
    """Render an executed notebook to an offline HTML report that loads the shared plotly.js.

    The ``<script>`` for plotly.js is put first in ``<head>``, before the template's require.js,
    so plotly registers ``window.Plotly`` whether or not require.js loads.
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=not show_code,
        exclude_input_prompt=not show_code,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(nb)
    title = safe.escape_html(_title(nb, "Report"))
    body = body.replace("<title>Notebook</title>", f"<title>{title}</title>", 1)
    src = safe.escape_html(quote(f"{assets}/plotly.min.js"))
    script = f'<script src="{src}" charset="utf-8"></script>'
    return body.replace("<head>", "<head>\n" + script, 1)


# --- writing files ---------------------------------------------------------------------------


def _atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder (which must exist:
    a folder removed by a cancelled run is not silently re-created)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_plotly_asset(out_dir: Path) -> Path:
    """Write the one shared copy of plotly.js (only if missing or from another plotly version)."""
    from plotly.offline import get_plotlyjs

    target = safe.output_path(out_dir, "assets", "plotly.min.js")
    target.parent.mkdir(parents=True, exist_ok=True)
    js = get_plotlyjs()
    if not target.exists() or target.stat().st_size != len(js.encode()):
        _atomic_write(target, js)
    return target


# --- the corpus ------------------------------------------------------------------------------


def prepare_corpus(
    corpus_path: str | None,
    *,
    progress: bool = True,
    extra: dict[str, Any] | None = None,
    encoding: str = "utf-8",
    stories_per_file: str = "auto",
) -> tuple[dict[str, Any], list[str]]:
    """Load the corpus and run the shared analysis pass once, filling the cache.

    Every notebook then reads the pass from the cache instead of recomputing it. Returns the
    counts shown on the index page and the ids of the selected stories (the notebooks' filter
    parameters in ``extra`` are applied). ``encoding`` and ``stories_per_file`` are passed to
    :func:`analysis.corpus.load_corpus`.
    """
    from analysis.corpus import load_corpus, select_stories
    from analysis.pipeline import analyze

    show = None if progress else False  # a bar on long runs in a terminal only
    corpus = load_corpus(
        corpus_path, progress=show, encoding=encoding, stories_per_file=stories_per_file
    )
    analyze(corpus, progress=show)
    extra = extra or {}
    selected = select_stories(
        corpus,
        filters=extra.get("filters"),
        date_from=extra.get("date_from"),
        date_to=extra.get("date_to"),
    )
    facts = corpus_facts(selected, corpus_path)
    if extra.get("filters") or extra.get("date_from") or extra.get("date_to"):
        facts["selection"] = ", ".join(
            f"{k}={extra[k]!r}" for k in ("filters", "date_from", "date_to") if extra.get(k)
        )
    return facts, selected.stories["story_id"].tolist()


def corpus_facts(corpus: Any, corpus_path: str | None) -> dict[str, Any]:
    """Counts shown on the index page: stories, sentences, words, outlets, date range."""
    stories = corpus.stories
    dates = stories["date"].dropna()
    return {
        "corpus": "seeds/ (the project's seed stories)" if corpus_path is None else corpus_path,
        "stories": len(stories),
        "sentences": len(corpus.sentences),
        "words": int(stories["n_words"].sum()),
        "truncated stories": int(stories["is_truncated"].sum()),
        "outlets": int(stories["outlet"].dropna().nunique()),
        "date range": (
            f"{dates.min():%Y-%m-%d} – {dates.max():%Y-%m-%d}" if len(dates) else "no dates"
        ),
        "skipped inputs": len(corpus.skipped),
    }


# --- one report ------------------------------------------------------------------------------

#: Longest report file stem (story stems are ``story-`` + at most 80 characters + ``-<n>``).
_MAX_STEM = 128


def run_notebook(
    name: str,
    description: str,
    parameters: dict[str, Any],
    out_dir: Path,
    *,
    show_code: bool = False,
    output_stem: str | None = None,
) -> ReportOutcome:
    """Execute one notebook into ``out_dir`` and render its HTML report (atomically).

    The files are ``<stem>.ipynb`` and ``<stem>.html``, the stem passed through
    :func:`analysis.safe.safe_filename` and the paths through :func:`analysis.safe.output_path`.
    A notebook that fails gives an outcome with ``ok=False`` and writes nothing.
    """
    source = config.NOTEBOOKS_DIR / f"{name}.ipynb"
    stem = safe.safe_filename(output_stem or name, max_length=_MAX_STEM)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = safe.output_path(out_dir, f"{stem}.html")
    notebook_path = safe.output_path(out_dir, f"{stem}.ipynb")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="analysis-report-") as tmp:
        executed = Path(tmp) / f"{stem}.ipynb"
        try:
            _execute(source, executed, parameters, config.NOTEBOOKS_DIR)
        except Exception as exc:  # noqa: BLE001 - any notebook failure is reported, not raised
            message = str(exc).strip().splitlines()
            short = next((m for m in reversed(message) if m.strip()), type(exc).__name__)
            return ReportOutcome(
                name=stem,
                description=description,
                parameters=parameters,
                ok=False,
                seconds=time.perf_counter() - started,
                error=f"{type(exc).__name__}: {short}"[:500],
            )
        nb = _strip_execution_metadata(nbformat.read(executed, as_version=4))
        page = render_html(nb, show_code=show_code)
        _atomic_write(notebook_path, nbformat.writes(nb))
        _atomic_write(html_path, page)
    return ReportOutcome(
        name=stem,
        description=description,
        parameters=parameters,
        ok=True,
        seconds=time.perf_counter() - started,
        html_path=html_path,
        summary=_summary(nb),
        size_bytes=html_path.stat().st_size,
    )


# --- the index page --------------------------------------------------------------------------

#: Parameters not shown on the index: the run's temporary folder, and loader defaults.
_HIDDEN_PARAMETERS = {"output_dir": None, "encoding": "utf-8", "stories_per_file": "auto"}


def _shown_parameters(parameters: dict[str, Any]) -> str:
    shown = {
        k: v
        for k, v in parameters.items()
        if k not in _HIDDEN_PARAMETERS or (k != "output_dir" and v != _HIDDEN_PARAMETERS[k])
    }
    return ", ".join(f"{k}={v!r}" for k, v in shown.items()) or "defaults"


def _index_html(report_set: ReportSet, built: str, total_seconds: float) -> str:
    esc = safe.escape_html
    facts = "".join(
        f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in report_set.corpus_facts.items()
    )
    rows = []
    story_rows = []
    for o in report_set.outcomes:
        params = _shown_parameters(o.parameters)
        if o.ok:
            link = f'<a href="{esc(quote(o.name))}.html">{esc(o.name)}</a>'
            status = f"built in {o.seconds:.1f} s, {o.size_bytes / 1e6:.1f} MB"
            detail = esc(o.summary)
        else:
            link = esc(o.name)
            status = '<span class="failed">FAILED</span>'
            detail = f"<code>{esc(o.error)}</code>"
        row = (
            f"<tr><td>{link}</td><td>{esc(o.description)}<div class='summary'>{detail}</div>"
            f"</td><td><code>{esc(params)}</code></td><td>{status}</td></tr>"
        )
        (story_rows if o.kind == "story" else rows).append(row)
    stories_section = (
        "<h2>Per-story reports</h2><p>One deep dive per story: its text with sentence tone and "
        "frame triggers marked, its arc, actors, quotes and how it differs from the rest.</p>"
        "<table><tr><th>report</th><th>story</th><th>parameters</th><th>build</th></tr>"
        + "".join(story_rows)
        + "</table>"
        if story_rows
        else ""
    )
    failed = report_set.failed
    banner = (
        f"<p class='failed'>{len(failed)} report(s) failed: "
        f"{esc(', '.join(o.name for o in failed))}. See the table below.</p>"
        if failed
        else "<p>All reports built.</p>"
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{esc("News analysis reports")}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 1.5em; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 6px 8px; text-align: left;
          vertical-align: top; }}
th {{ background: #f5f5f5; }}
.failed {{ color: #b00020; font-weight: bold; }}
.summary {{ color: #555; font-size: 0.9em; margin-top: 4px; }}
code {{ font-size: 0.85em; }}
</style></head>
<body>
<h1>News analysis reports</h1>
<p>Tone (sentiment), framing, topics and language of a set of news stories. Every figure in the
reports is backed by the sentences it came from; open a report for its evidence tables.</p>
<h2>What was analysed</h2>
<table>{facts}</table>
<h2>Reports</h2>
{banner}
<table><tr><th>report</th><th>what it shows</th><th>parameters</th><th>build</th></tr>
{"".join(rows)}
</table>
{stories_section}
<p>Built {esc(built)} in {total_seconds:.0f} s.
Charts work offline (one shared copy of plotly.js in <code>assets/</code>).</p>
</body></html>
"""


# --- per-story reports -----------------------------------------------------------------------

#: The per-story deep dive, run once per story with ``story_id`` as its parameter.
STORY_NOTEBOOK = "story"
#: Per-story reports built by default (the first stories of the corpus); ``--stories all`` for all.
MAX_STORY_REPORTS = 12


def _story_stems(story_ids: Sequence[object], *, reserved: Iterable[str] = ()) -> list[str]:
    """One file stem per story, unique within the run (also on case-insensitive file systems).

    ``"story-" + safe_filename(id)``; a stem already taken (by an earlier story or a name in
    ``reserved``) gets ``-2``, ``-3`` … in story order. Missing or empty ids become
    ``story-unnamed``.

    >>> _story_stems(["a/b", "a_b", "", None])[1:]
    ['story-a_b', 'story-unnamed', 'story-unnamed-2']
    """
    used = {name.casefold() for name in reserved}
    stems = []
    for story_id in story_ids:
        base = "story-" + safe.safe_filename(story_id, fallback="unnamed")
        stem, k = base, 2
        while stem.casefold() in used:
            stem, k = f"{base}-{k}", k + 1
        used.add(stem.casefold())
        stems.append(stem)
    return stems


def _id_text(story_id: object) -> str:
    """A story id as text: missing values (``None``, NaN) become the empty string."""
    if story_id is None or (isinstance(story_id, float) and math.isnan(story_id)):
        return ""
    return str(story_id)


def _choose_stories(stories: Sequence[str] | str | None, story_ids: list[str]) -> list[str]:
    """The story ids to write a deep dive for (see :func:`build_reports`)."""
    if stories is None:
        return story_ids[:MAX_STORY_REPORTS]
    if isinstance(stories, str):
        stories = [stories]
    stories = list(dict.fromkeys(stories))  # each story once, in the order given
    if stories == ["all"]:
        return list(story_ids)
    known = set(story_ids)
    missing = [s for s in stories if s not in known]
    if missing:
        hint = difflib.get_close_matches(str(missing[0]), [str(s) for s in story_ids], n=1)
        raise ParameterError(
            f"--stories: unknown story id(s) {missing} (not in the selected stories of the "
            f"corpus)"
            + (f"; did you mean {hint[0]!r}?" if hint else "")
            + f"; e.g. {story_ids[:3]}"
        )
    return stories


# --- checking arguments ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    """What a parameter accepts: ``base`` is str, int, float, bool, dict, list, date or any."""

    base: str
    optional: bool
    annotation: str


_BASES = {"str": "str", "int": "int", "float": "float", "bool": "bool", "dict": "dict"}
_BASES |= {"list": "list", "Dict": "dict", "List": "list", "tuple": "list", "Any": "any"}
_DESCRIBE = {
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "dict": 'a JSON object, e.g. {"outlet": "AP"}',
    "list": "a JSON list, e.g. [1, 2]",
    "date": "a date YYYY-MM-DD",
    "any": "any value",
}


def _annotation_kind(node: ast.expr | None) -> tuple[str, bool]:
    """(base, optional) of an annotation: ``str``, ``"Optional[str]"``, ``str | None`` …"""
    if node is None:
        return "any", False
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return _annotation_kind(ast.parse(node.value, mode="eval").body)
        except SyntaxError:
            return "any", False
    if isinstance(node, ast.Constant) and node.value is None:
        return "none", True
    if isinstance(node, ast.Name | ast.Attribute):
        name = node.id if isinstance(node, ast.Name) else node.attr
        return _BASES.get(name, "any"), False
    if isinstance(node, ast.Subscript):
        outer = node.value.id if isinstance(node.value, ast.Name) else ""
        if isinstance(node.value, ast.Attribute):
            outer = node.value.attr
        if outer == "Optional":
            return _annotation_kind(node.slice)[0], True
        if outer == "Union" and isinstance(node.slice, ast.Tuple):
            kinds = [_annotation_kind(e) for e in node.slice.elts]
            bases = {b for b, _ in kinds if b != "none"}
            optional = any(b == "none" for b, _ in kinds)
            return (bases.pop() if len(bases) == 1 else "any"), optional
        return _BASES.get(outer, "any"), False
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _annotation_kind(node.left), _annotation_kind(node.right)
        bases = {b for b, _ in (left, right) if b != "none"}
        optional = "none" in (left[0], right[0]) or left[1] or right[1]
        return (bases.pop() if len(bases) == 1 else "any"), optional
    return "any", False


def _default_kind(node: ast.expr) -> tuple[str, bool]:
    """(base, optional) of an unannotated parameter, from the type of its default value."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return "any", False
    if value is None:
        return "any", True
    return _BASES.get(type(value).__name__, "any"), False


def _parameters_cell(name: str) -> tuple[Path, str]:
    path = config.NOTEBOOKS_DIR / f"{name}.ipynb"
    if not path.is_file():
        raise ParameterError(f"notebook {path} not found")
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise ParameterError(f"{path}: expected one cell tagged 'parameters', found {len(cells)}")
    return path, cells[0].source


def notebook_parameters(name: str) -> dict[str, str]:
    """The parameters a notebook declares in its cell tagged ``parameters``: name -> source line.

    Read with :mod:`ast`, which (unlike papermill's inspector) understands ``str | None``.
    Raises ParameterError when the notebook has no cell tagged ``parameters`` (papermill would
    then inject values that the notebook's own defaults silently overwrite).
    """
    _, source = _parameters_cell(name)
    declared: dict[str, str] = {}
    lines = source.splitlines()
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            declared[node.target.id] = lines[node.lineno - 1].strip()
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    declared[target.id] = lines[node.lineno - 1].strip()
    return declared


def _parameter_kinds(name: str) -> dict[str, _Kind]:
    """What each parameter of a notebook accepts, from the annotations of its parameters cell."""
    _, source = _parameters_cell(name)
    kinds: dict[str, _Kind] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            base, optional = _annotation_kind(node.annotation)
            if base == "none":
                base = "any"
            annotation = node.annotation
            text = ast.unparse(annotation)
            if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
                text = annotation.value
            kinds[node.target.id] = _Kind(base, optional, text)
        elif isinstance(node, ast.Assign):
            base, optional = _default_kind(node.value)
            for target in node.targets:
                if isinstance(target, ast.Name):
                    kinds[target.id] = _Kind(base, optional, f"{base} (from its default)")
    for date_name in DATE_PARAMETERS:
        kind = kinds.get(date_name)
        if kind is not None and kind.base in ("str", "any"):
            kinds[date_name] = _Kind("date", kind.optional, kind.annotation)
    return kinds


def _declared(names: Sequence[str]) -> dict[str, list[tuple[str, _Kind]]]:
    """Parameter -> [(notebook, kind)] for every parameter the notebooks declare."""
    declared: dict[str, list[tuple[str, _Kind]]] = {}
    for name in names:
        for param, kind in _parameter_kinds(name).items():
            declared.setdefault(param, []).append((name, kind))
    return declared


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _check_value(param: str, value: Any, notebook: str, kind: _Kind) -> None:
    """Raise ParameterError unless ``value`` is what ``notebook`` declares for ``param``."""
    base = kind.base
    if value is None:
        ok = kind.optional or base == "any"
    elif base == "str":
        ok = isinstance(value, str)
    elif base == "date":
        ok = isinstance(value, str) and _is_date(value)
    elif base == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif base == "float":
        ok = (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        )
    elif base == "bool":
        ok = isinstance(value, bool)
    elif base == "dict":
        ok = isinstance(value, dict) and all(isinstance(k, str) for k in value)
    elif base == "list":
        ok = isinstance(value, list | tuple)
    else:
        ok = True
    if not ok:
        expected = _DESCRIBE[base] + (" or null" if kind.optional else "")
        raise ParameterError(
            f"parameter {param}={_show(value)}: expected {expected} ({notebook}.ipynb declares "
            f"{param}: {kind.annotation})"
        )


def _is_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _check_name(param: str, value: Any, declared: dict[str, Any], names: Sequence[str]) -> None:
    if param in RUNNER_PARAMETERS:
        raise ParameterError(
            f"parameter {param}={_show(value)}: set by the runner, not with -p; "
            f"{RUNNER_PARAMETERS[param]}"
        )
    if param not in declared:
        valid = sorted(p for p in declared if p not in RUNNER_PARAMETERS)
        close = difflib.get_close_matches(param, valid, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ParameterError(
            f"unknown notebook parameter {param!r} (value {_show(value)}); {hint}the notebooks "
            f"being run ({', '.join(names)}) declare: {', '.join(valid) or 'none'}"
        )


def _check_parameters(names: Sequence[str], parameters: dict[str, Any]) -> dict[str, Any]:
    """The parameters, checked against what the notebooks ``names`` declare."""
    declared = _declared(names)
    for param, value in parameters.items():
        if not isinstance(param, str):
            raise ParameterError(f"parameter names are strings, got {param!r}")
        _check_name(param, value, declared, names)
        for notebook, kind in declared[param]:
            _check_value(param, value, notebook, kind)
    start, end = parameters.get("date_from"), parameters.get("date_to")
    if isinstance(start, str) and isinstance(end, str) and start > end:
        raise ParameterError(
            f"parameter date_from={start!r} is after date_to={end!r}: no story can match"
        )
    return dict(parameters)


def _read_cli_value(param: str, raw: str, kinds: list[tuple[str, _Kind]]) -> Any:
    """A ``-p NAME=VALUE`` value read by the type the notebooks declare for NAME."""
    notebook, kind = kinds[0]
    if any(k.optional for _, k in kinds) and raw in ("null", "None"):
        return None
    base = kind.base
    if base in ("str", "date"):
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            return raw
        return value if isinstance(value, str) else raw
    try:
        value = json.loads(raw, parse_constant=_no_constant)
    except ValueError as exc:
        if base == "any":
            return raw
        raise ParameterError(
            f"parameter {param}={raw!r}: expected {_DESCRIBE[base]} ({notebook}.ipynb declares "
            f"{param}: {kind.annotation}); it is not valid JSON: {exc}"
        ) from None
    if base == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a finite number")


def _cli_parameters(items: Sequence[str], names: Sequence[str]) -> dict[str, Any]:
    """``-p NAME=VALUE`` items read and checked against what the notebooks ``names`` declare."""
    declared = _declared(names)
    raw_values: dict[str, str] = {}
    for item in items:
        param, sep, raw = item.partition("=")
        if not sep:
            raise ParameterError(f"-p {item!r}: expected NAME=VALUE, e.g. -p group=outlet")
        _check_name(param, raw, declared, names)
        if param in raw_values and raw_values[param] != raw:
            raise ParameterError(
                f"-p {param} given twice ({raw_values[param]!r} and {raw!r}): give it once"
            )
        raw_values[param] = raw
    values = {p: _read_cli_value(p, raw, declared[p]) for p, raw in raw_values.items()}
    return _check_parameters(names, values)


def _check_encoding(encoding: str) -> str:
    """``encoding`` if Python has a text codec of that name, else a ParameterError."""
    try:
        info = codecs.lookup(encoding)
    except (LookupError, TypeError, ValueError):
        from encodings.aliases import aliases

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


def _check_out_dir(out: Path, given: str | Path) -> None:
    """Refuse an output folder that is a file, or that cannot be created or written."""
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
    if not _writable(existing):
        raise ParameterError(f"--out {given}: the folder {existing} is not writable")


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def _check_notebooks(notebooks: Sequence[str] | None) -> list[str]:
    known = [n for n, _ in NOTEBOOKS]
    names = list(dict.fromkeys(notebooks)) if notebooks else known
    unknown = [n for n in names if n not in known]
    if unknown:
        close = difflib.get_close_matches(str(unknown[0]), known, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ParameterError(f"unknown notebook(s) {unknown}; {hint}choose from {known}")
    return names


def _story_reports_run(
    notebooks: Sequence[str] | None, names: Sequence[str], stories: Any
) -> bool:
    """Whether per-story reports are built; raises ParameterError for a bad ``stories``."""
    has_story_notebook = (config.NOTEBOOKS_DIR / f"{STORY_NOTEBOOK}.ipynb").exists()
    if stories is not None and not isinstance(stories, str | list | tuple):
        raise ParameterError(f"stories: expected 'all' or a list of story ids, got {stories!r}")
    if isinstance(stories, list | tuple) and "all" in stories and len(set(stories)) > 1:
        raise ParameterError(
            f"--stories {' '.join(map(str, stories))}: give 'all' alone, or story ids"
        )
    wanted = bool(stories)
    if wanted and not has_story_notebook:
        raise ParameterError(
            f"--stories: there is no per-story notebook "
            f"{config.NOTEBOOKS_DIR / (STORY_NOTEBOOK + '.ipynb')}"
        )
    return has_story_notebook and (notebooks is None or STORY_NOTEBOOK in names or wanted)


# --- building a run aside and moving it into place -------------------------------------------

_BUILD_NAME = re.compile(r"\.(?P<name>.+)\.build-(?P<pid>\d+)-[^/]*")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _remove_abandoned_builds(out: Path) -> None:
    """Remove build folders of ``out`` left by runs whose process no longer exists
    (a run killed with SIGKILL cannot clean up after itself)."""
    for parent in (out.parent, out):
        for folder in parent.glob(f".{glob.escape(out.name)}.build-*"):
            match = _BUILD_NAME.fullmatch(folder.name)
            alive = match is None or _pid_alive(int(match["pid"]))
            if not alive and match["name"] == out.name and folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _build_folder(out: Path) -> Iterator[Path]:
    """A temporary folder beside ``out`` (inside it when only ``out`` is writable), so on the
    same file system; removed when the block ends."""
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_builds(out)
    parent = out.parent if _writable(out.parent) else out
    build = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-{os.getpid()}-", dir=parent))
    try:
        yield build
    finally:
        shutil.rmtree(build, ignore_errors=True)


def _read_manifest(out: Path) -> list[str]:
    """The files the last run wrote into ``out`` (relative paths inside it); [] if unknown."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list):
        return []
    return [f for f in files if isinstance(f, str) and _inside(out, f)]


def _inside(out: Path, relative: str) -> bool:
    parts = relative.split("/")
    if not relative or relative.startswith("/") or any(p in ("", ".", "..") for p in parts):
        return False
    try:
        safe.output_path(out, *parts)
    except ParameterError:
        return False
    return True


def _write_manifest(out: Path, files: Iterable[str]) -> None:
    payload = {
        "written_by": "python -m analysis.report",
        "files": sorted(set(files)),
    }
    _atomic_write(out / MANIFEST, json.dumps(payload, indent=1) + "\n")


def _move(source: Path, target: Path) -> None:
    """Move a file into place atomically (a copy then a rename when on another file system)."""
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
        try:
            shutil.copy2(source, tmp)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
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


def _publish(build: Path, out: Path, failed_stems: set[str]) -> list[str]:
    """Move a complete run from ``build`` into ``out`` and remove the files of the previous run
    that this one does not write. Returns the files of ``out`` the report set now owns.

    Files that are not in the previous run's manifest are never removed (a ``README.md``, a
    user's notes). The previous page of a report that failed in this run is kept, unlinked.
    """
    new = sorted(
        p.relative_to(build).as_posix()
        for p in build.rglob("*")
        if p.is_file()
        and p.name != MANIFEST
        and not (p.name.startswith(".") and p.name.endswith(".tmp"))
    )
    new.sort(key=lambda rel: rel == "index.html")  # index.html last
    targets = {rel: safe.output_path(out, *rel.split("/")) for rel in new}
    for target in targets.values():  # check every target before moving anything
        if target.is_dir():
            raise ParameterError(f"cannot write {target}: a folder of that name is in the way")
        for parent in target.relative_to(out.resolve()).parents:
            if parent != Path(".") and (out.resolve() / parent).is_file():
                raise ParameterError(f"cannot write {target}: {out / parent} is a file")
    old = _read_manifest(out)
    kept = [
        rel
        for rel in old
        if rel not in targets
        and "/" not in rel
        and Path(rel).stem in failed_stems
        and Path(rel).suffix in (".html", ".ipynb")
        and (out / rel).is_file()
    ]
    final = sorted(set(new) | set(kept))
    with _signals_deferred():
        out.mkdir(parents=True, exist_ok=True)
        _write_manifest(out, set(old) | set(new))  # covers every file of ours during the swap
        for rel, target in targets.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            _move(build / rel, target)
        emptied: set[Path] = set()
        for rel in sorted(set(old) - set(final)):
            path = out / rel
            if path.is_symlink() or path.is_file():
                path.unlink()
                emptied.update(p for p in path.parents if p != out and out in p.parents)
        for folder in sorted(emptied, key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty
        _write_manifest(out, final)
    return final


class _Terminated(SystemExit):
    """SIGTERM arrived: unwind (kill the kernels, remove the build folder) and exit 143."""


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """Turn SIGTERM into an exception in the main thread, so the run can clean up."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield  # the application handles SIGTERM itself
        return

    def terminate(signum: int, frame: Any) -> None:
        raise _Terminated(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run_all(
    tasks: list[tuple[str, str, dict[str, Any], str]],
    build: Path,
    *,
    jobs: int,
    show_code: bool,
    progress: bool,
) -> list[ReportOutcome]:
    """Run the tasks in ``jobs`` threads; on any exception (Ctrl-C, SIGTERM) stop the run:
    cancel what has not started and kill the kernels of what has."""
    from concurrent.futures import ThreadPoolExecutor
    from concurrent.futures import wait as wait_for

    cancel = threading.Event()

    def run(task: tuple[str, str, dict[str, Any], str]) -> ReportOutcome:
        name, description, params, stem = task
        _RUN.cancel = cancel
        try:
            if cancel.is_set():
                raise _Cancelled("the report run was cancelled")
            return run_notebook(
                name, description, params, build, show_code=show_code, output_stem=stem
            )
        finally:
            _RUN.cancel = None

    outcomes = []
    pool = ThreadPoolExecutor(max_workers=jobs)
    futures = []
    try:
        futures = [pool.submit(run, task) for task in tasks]
        for task, future in zip(tasks, futures, strict=True):
            while not future.done():  # wake up often: Ctrl-C may land in another thread
                wait_for([future], timeout=0.25)
            outcome = future.result()
            outcome.kind = "story" if task[0] == STORY_NOTEBOOK else "report"
            outcomes.append(outcome)
            if progress:
                state = "ok" if outcome.ok else f"FAILED ({outcome.error})"
                print(
                    f"[{len(outcomes)}/{len(tasks)}] {outcome.name}: {state} "
                    f"in {outcome.seconds:.1f} s",
                    flush=True,
                )
    except BaseException:
        cancel.set()
        pool.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # kernels started late are killed on the next pass
            _kill_kernels(cancel)
            running = [f for f in futures if not f.done()]  # done() counts cancelled ones
            if not running:
                break
            wait_for(running, timeout=0.2)
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        with _KERNELS_LOCK:
            _KERNELS.pop(cancel, None)
    return outcomes


def build_reports(
    corpus_path: str | None = None,
    *,
    out_dir: str | Path | None = None,
    notebooks: Sequence[str] | None = None,
    parameters: dict[str, Any] | None = None,
    show_code: bool = False,
    progress: bool = True,
    stories: Sequence[str] | str | None = None,
    jobs: int | None = None,
    encoding: str = "utf-8",
    stories_per_file: str = "auto",
) -> ReportSet:
    """Execute the report notebooks on a corpus and write the HTML reports and the index.

    The run is built in a temporary folder beside ``out_dir`` and moved into place when
    complete (see the module docstring); an exception or interruption leaves ``out_dir`` as it
    was.

    Args:
        corpus_path: corpus file or folder; ``None`` for the seeds.
        out_dir: output folder (default ``reports/``).
        notebooks: names of the notebooks to run (default: all of :data:`NOTEBOOKS`).
        parameters: extra notebook parameters (e.g. ``{"group": "bias_label"}``), passed to
            every notebook that declares them; each must be declared by a notebook being run
            and match its annotation.
        show_code: keep code cells in the HTML.
        progress: print one line per report as it finishes.
        stories: story ids to write a per-story report for; ``None`` for the first
            :data:`MAX_STORY_REPORTS` stories, ``"all"`` for every story, ``[]`` for none.
        jobs: notebooks executed at once (default: the number of cores).
        encoding: text encoding of the corpus files.
        stories_per_file: how text files are split into stories: auto, one or many.

    Returns:
        A :class:`ReportSet`; ``.failed`` lists the reports that failed.

    Raises:
        ParameterError: a bad argument (checked before anything is run or written).
        AnalysisError: the corpus cannot be read (nothing is written).
    """
    names = _check_notebooks(notebooks)
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ParameterError(f"--jobs {jobs!r}: expected a positive integer")
    _check_encoding(encoding)
    if stories_per_file not in STORIES_PER_FILE:
        raise ParameterError(
            f"--stories-per-file {stories_per_file!r}: expected one of "
            f"{', '.join(STORIES_PER_FILE)}"
        )
    given = out_dir if out_dir is not None else config.reports_dir()
    out = Path(given).expanduser().resolve()
    _check_out_dir(out, given)
    run_stories = _story_reports_run(notebooks, names, stories)
    run_names = [*names, STORY_NOTEBOOK] if run_stories else names
    extra = _check_parameters(run_names, parameters or {})
    if corpus_path is not None:
        corpus_path = str(Path(corpus_path).expanduser().resolve())
    load_options = {"encoding": encoding, "stories_per_file": stories_per_file}
    started = time.perf_counter()
    facts, story_ids = prepare_corpus(corpus_path, progress=progress, extra=extra, **load_options)
    chosen = _choose_stories(stories, story_ids) if run_stories else []
    report_set = ReportSet(corpus_facts=facts)
    if progress:
        print(f"analysis pass ready in {time.perf_counter() - started:.1f} s", flush=True)
    with _sigterm_unwinds(), _build_folder(out) as build:
        runner = {"output_dir": str(build), **load_options}
        tasks: list[tuple[str, str, dict[str, Any], str]] = []
        for name in names:
            params = _parameters_for(name, corpus_path, extra, runner=runner)
            tasks.append((name, dict(NOTEBOOKS)[name], params, name))
        if chosen:
            base = _parameters_for(STORY_NOTEBOOK, corpus_path, extra, runner=runner)
            stems = _story_stems(chosen, reserved=[*dict(NOTEBOOKS), "index", "assets"])
            for sid, stem in zip(chosen, stems, strict=True):
                text = _id_text(sid)
                description = f"Deep dive: {text or '(story without an id)'}"
                tasks.append((STORY_NOTEBOOK, description, {**base, "story_id": text}, stem))
        write_plotly_asset(build)
        n_jobs = jobs or max(1, min(os.cpu_count() or 1, len(tasks)))
        report_set.outcomes = _run_all(
            tasks, build, jobs=n_jobs, show_code=show_code, progress=progress
        )
        built = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
        page = _index_html(report_set, built, time.perf_counter() - started)
        _atomic_write(safe.output_path(build, "index.html"), page)
        _publish(build, out, {o.name for o in report_set.failed})
    for outcome in report_set.outcomes:
        if outcome.ok:
            outcome.html_path = safe.output_path(out, f"{outcome.name}.html")
    return report_set


def _parameters_for(
    name: str,
    corpus_path: str | None,
    extra: dict[str, Any],
    *,
    runner: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The parameters notebook ``name`` gets: the corpus, the runner's own values (``output_dir``,
    ``encoding``, ``stories_per_file``) and ``extra``, each only when the notebook declares it."""
    declared = notebook_parameters(name)
    params: dict[str, Any] = {}
    if corpus_path is not None and "corpus_path" in declared:
        params["corpus_path"] = corpus_path
    params.update({k: v for k, v in (runner or {}).items() if k in declared and v is not None})
    params.update({k: v for k, v in extra.items() if k in declared})
    return params


def store_outputs(names: Sequence[str] | None = None) -> None:
    """Re-execute notebooks in place on the seeds (the outputs nbval compares against)."""
    known = [n for n, _ in NOTEBOOKS] + list(EXTRA_STORED)
    unknown = [n for n in names or () if n not in known]
    if unknown:
        raise ParameterError(f"unknown notebook(s) {unknown}; choose from {known}")
    for name in names or known:
        if name == "sentiment_validation":
            continue  # needs ../shared; not compared by nbval
        path = config.NOTEBOOKS_DIR / f"{name}.ipynb"
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / path.name
            _execute(path, target, {}, config.NOTEBOOKS_DIR)
            nb = _strip_execution_metadata(nbformat.read(target, as_version=4))
        nbformat.write(nb, path)
        print(f"stored outputs of {path.name}", flush=True)


#: Notebooks kept with stored outputs besides the report set (the deep dive, first story).
EXTRA_STORED: tuple[str, ...] = (STORY_NOTEBOOK,)


# --- the command line ------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse, with errors on one line (no usage block) and exit code 2."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _encoding(text: str) -> str:
    try:
        return _check_encoding(text)
    except ParameterError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--encoding ")) from None


def _one_line_error(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit code (0 built, 1 a report failed, 2 bad arguments)."""
    parser = _Parser(
        prog="python -m analysis.report",
        description="Run the analysis notebooks and write HTML reports under reports/.",
    )
    parser.add_argument("corpus", nargs="?", help="corpus file or folder (default: seeds/)")
    parser.add_argument("--out", help="output folder (default: reports/)")
    parser.add_argument("--only", nargs="+", metavar="NOTEBOOK", help="run only these notebooks")
    parser.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="notebook parameter, read by the type its parameters cell declares "
        '(e.g. -p group=outlet, -p \'filters={"outlet": "AP"}\', -p date_from=2024-01-31)',
    )
    parser.add_argument("--show-code", action="store_true", help="keep code cells in the HTML")
    parser.add_argument(
        "--stories",
        nargs="+",
        metavar="STORY_ID",
        help=f"per-story reports to build ('all', or ids; default: the first {MAX_STORY_REPORTS})",
    )
    parser.add_argument(
        "--jobs", type=_positive_int, help="notebooks run at once (default: cores)"
    )
    parser.add_argument(
        "--encoding",
        type=_encoding,
        default="utf-8",
        metavar="ENC",
        help="text encoding of the corpus files (default: utf-8)",
    )
    parser.add_argument(
        "--stories-per-file",
        choices=STORIES_PER_FILE,
        default="auto",
        help="how a text file is split into stories (default: auto)",
    )
    parser.add_argument(
        "--store", action="store_true", help="re-execute notebooks in place on the seeds"
    )
    args = parser.parse_args(argv)
    out = Path(args.out) if args.out else config.reports_dir()
    try:
        if args.store:
            store_outputs(args.only)
            return 0
        stories = "all" if args.stories == ["all"] else args.stories
        names = _check_notebooks(args.only)
        if _story_reports_run(args.only, names, stories):
            names = [*names, STORY_NOTEBOOK]
        extra = _cli_parameters(args.param, names)
        result = build_reports(
            args.corpus,
            out_dir=out,
            notebooks=args.only,
            parameters=extra,
            show_code=args.show_code,
            stories=stories,
            jobs=args.jobs,
            encoding=args.encoding,
            stories_per_file=args.stories_per_file,
        )
    except AnalysisError as exc:
        print(f"{parser.prog}: error: {_one_line_error(exc)}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, _Terminated) as exc:
        code = exc.code if isinstance(exc, _Terminated) else 130
        print(
            f"{parser.prog}: interrupted; {out} holds one complete report set, not half of one",
            file=sys.stderr,
        )
        return int(code or 143)
    print(f"index: {out / 'index.html'}")
    if result.failed:
        print(f"failed: {', '.join(o.name for o in result.failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
