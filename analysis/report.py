"""Build the report set: run every notebook with papermill, render HTML, write the index page.

``python -m analysis.report`` (behind ``make report``) executes each notebook of
:data:`NOTEBOOKS` on the chosen corpus and writes, under ``reports/``:

- ``<name>.ipynb`` - the executed notebook (open it in JupyterLab to explore further);
- ``<name>.html`` - the HTML report, code hidden unless ``--show-code``;
- ``assets/plotly.min.js`` - one shared, offline copy of plotly.js that every report loads
  (charts are written by :func:`analysis.figures.show` without embedding plotly.js);
- ``index.html`` - the landing page: what was analysed, the reports with one-line summaries,
  when and with which parameters they were built, and which failed.

A failing notebook does not stop the others: it is listed on the index with its error and the
command exits non-zero. Reports are written to a temporary file and moved into place only when
complete, so a failed run never leaves a half-written report where a complete one was.

``python -m analysis.report --store`` re-executes the notebooks in place on the seeds, so the
outputs stored in the repository (compared by the nbval tests) are regenerated; execution metadata
(timings, timestamps) is stripped so the stored files are deterministic.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from analysis import config
from analysis.errors import ParameterError

__all__ = ["NOTEBOOKS", "ReportOutcome", "build_reports", "store_outputs"]

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
_KERNEL_CONFIG = {"KernelManager": {"transport_encryption": "auto"}}


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
    )


def _strip_execution_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    nbformat.validator.normalize(nb)
    return nb


def _summary(nb: nbformat.NotebookNode) -> str:
    for cell in nb.cells:
        if SUMMARY_TAG in cell.metadata.get("tags", []):
            for output in cell.get("outputs", []):
                text = output.get("data", {}).get("text/markdown")
                if text:
                    return _one_line("".join(text))
    return ""


def _one_line(markdown: str, limit: int = 260) -> str:
    """A plain-text line for the index: the first paragraph (or first two bullets), no markup."""
    first = markdown.strip().split("\n\n")[0]
    lines = [ln.strip() for ln in first.splitlines() if ln.strip()]
    if lines and lines[0].startswith("- "):
        lines = [ln[2:] for ln in lines if ln.startswith("- ")][:2]
    text = " ".join(lines).replace("**", "").replace("`", "").replace("*", "")
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def _title(nb: nbformat.NotebookNode, default: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
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
    title = html.escape(_title(nb, "Report"))
    body = body.replace("<title>Notebook</title>", f"<title>{title}</title>", 1)
    script = f'<script src="{assets}/plotly.min.js" charset="utf-8"></script>'
    return body.replace("<head>", "<head>\n" + script, 1)


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def write_plotly_asset(out_dir: Path) -> Path:
    """Write the one shared copy of plotly.js (only if missing or from another plotly version)."""
    from plotly.offline import get_plotlyjs

    target = out_dir / "assets" / "plotly.min.js"
    js = get_plotlyjs()
    if not target.exists() or target.stat().st_size != len(js.encode()):
        _atomic_write(target, js)
    return target


def prepare_corpus(
    corpus_path: str | None, *, progress: bool = True, extra: dict[str, Any] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Load the corpus and run the shared analysis pass once, filling the cache.

    Every notebook then reads the pass from the cache instead of recomputing it. Returns the
    counts shown on the index page and the ids of the selected stories (the notebooks' filter
    parameters in ``extra`` are applied).
    """
    from analysis.corpus import load_corpus, select_stories
    from analysis.pipeline import analyze

    show = None if progress else False  # a bar on long runs in a terminal only
    corpus = load_corpus(corpus_path, progress=show)
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


def run_notebook(
    name: str,
    description: str,
    parameters: dict[str, Any],
    out_dir: Path,
    *,
    show_code: bool = False,
    output_stem: str | None = None,
) -> ReportOutcome:
    """Execute one notebook into ``out_dir`` and render its HTML report (atomically)."""
    source = config.NOTEBOOKS_DIR / f"{name}.ipynb"
    stem = output_stem or name
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
        html_path = out_dir / f"{stem}.html"
        _atomic_write(out_dir / f"{stem}.ipynb", nbformat.writes(nb))
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


def _index_html(report_set: ReportSet, built: str, total_seconds: float) -> str:
    esc = html.escape
    facts = "".join(
        f"<tr><th>{esc(str(k))}</th><td>{esc(str(v))}</td></tr>"
        for k, v in report_set.corpus_facts.items()
    )
    rows = []
    story_rows = []
    for o in report_set.outcomes:
        params = ", ".join(f"{k}={v!r}" for k, v in o.parameters.items()) or "defaults"
        if o.ok:
            link = f'<a href="{esc(o.name)}.html">{esc(o.name)}</a>'
            status = f"built in {o.seconds:.1f} s, {o.size_bytes / 1e6:.1f} MB"
            detail = esc(o.summary) if o.summary else ""
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
<title>News analysis reports</title>
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


#: The per-story deep dive, run once per story with ``story_id`` as its parameter.
STORY_NOTEBOOK = "story"
#: Per-story reports built by default (the first stories of the corpus); ``--stories all`` for all.
MAX_STORY_REPORTS = 12


def _safe_stem(story_id: str) -> str:
    return "story-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in story_id)[:80]


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
) -> ReportSet:
    """Execute the report notebooks on a corpus and write the HTML reports and the index.

    Args:
        corpus_path: corpus file or folder; ``None`` for the seeds.
        out_dir: output folder (default ``reports/``).
        notebooks: names of the notebooks to run (default: all of :data:`NOTEBOOKS`).
        parameters: extra notebook parameters (e.g. ``{"group": "bias_label"}``), passed to
            every notebook that declares them.
        show_code: keep code cells in the HTML.
        progress: print one line per report as it finishes.
        stories: story ids to write a per-story report for; ``None`` for the first
            :data:`MAX_STORY_REPORTS` stories, ``"all"`` for every story, ``[]`` for none.
        jobs: notebooks executed at once (default: the number of cores).

    Returns:
        A :class:`ReportSet`; ``.failed`` lists the reports that failed.
    """
    from concurrent.futures import ThreadPoolExecutor

    known = dict(NOTEBOOKS)
    names = list(notebooks) if notebooks else [n for n, _ in NOTEBOOKS]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ParameterError(f"unknown notebook(s) {unknown}; choose from {list(known)}")
    out = Path(out_dir) if out_dir is not None else config.reports_dir()
    out.mkdir(parents=True, exist_ok=True)
    write_plotly_asset(out)
    started = time.perf_counter()
    if corpus_path is not None:
        corpus_path = str(Path(corpus_path).expanduser().resolve())
    extra = parameters or {}
    facts, story_ids = prepare_corpus(corpus_path, progress=progress, extra=extra)
    report_set = ReportSet(corpus_facts=facts)
    if progress:
        print(f"analysis pass ready in {time.perf_counter() - started:.1f} s", flush=True)
    tasks: list[tuple[str, str, dict[str, Any], str]] = []
    for name in names:
        tasks.append((name, known[name], _parameters_for(name, corpus_path, extra), name))
    has_story_notebook = (config.NOTEBOOKS_DIR / f"{STORY_NOTEBOOK}.ipynb").exists()
    if has_story_notebook and (notebooks is None or STORY_NOTEBOOK in names or stories):
        if stories is None:
            chosen = story_ids[:MAX_STORY_REPORTS]
        elif stories == "all":
            chosen = story_ids
        else:
            missing = [s for s in stories if s not in set(story_ids)]
            if missing:
                raise ParameterError(f"unknown story id(s) {missing}; e.g. {story_ids[:3]}")
            chosen = list(stories)
        base = _parameters_for(STORY_NOTEBOOK, corpus_path, extra)
        for sid in chosen:
            tasks.append(
                (STORY_NOTEBOOK, f"Deep dive: {sid}", {**base, "story_id": sid}, _safe_stem(sid))
            )
    n_jobs = jobs or max(1, min(os.cpu_count() or 1, len(tasks)))
    done = 0

    def run(task: tuple[str, str, dict[str, Any], str]) -> ReportOutcome:
        name, description, params, stem = task
        return run_notebook(name, description, params, out, show_code=show_code, output_stem=stem)

    with ThreadPoolExecutor(max_workers=n_jobs) as pool:
        futures = [pool.submit(run, task) for task in tasks]
        for task, future in zip(tasks, futures, strict=True):
            outcome = future.result()
            outcome.kind = "story" if task[0] == STORY_NOTEBOOK else "report"
            report_set.outcomes.append(outcome)
            done += 1
            if progress:
                state = "ok" if outcome.ok else f"FAILED ({outcome.error})"
                print(
                    f"[{done}/{len(tasks)}] {outcome.name}: {state} in {outcome.seconds:.1f} s",
                    flush=True,
                )
    built = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    _atomic_write(
        out / "index.html", _index_html(report_set, built, time.perf_counter() - started)
    )
    return report_set


def notebook_parameters(name: str) -> dict[str, str]:
    """The parameters a notebook declares in its cell tagged ``parameters``: name -> source line.

    Read with :mod:`ast`, which (unlike papermill's inspector) understands ``str | None``.
    Raises ParameterError when the notebook has no cell tagged ``parameters`` (papermill would
    then inject values that the notebook's own defaults silently overwrite).
    """
    import ast

    path = config.NOTEBOOKS_DIR / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise ParameterError(f"{path}: expected one cell tagged 'parameters', found {len(cells)}")
    declared: dict[str, str] = {}
    lines = cells[0].source.splitlines()
    for node in ast.parse(cells[0].source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            declared[node.target.id] = lines[node.lineno - 1].strip()
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    declared[target.id] = lines[node.lineno - 1].strip()
    return declared


def _parameters_for(name: str, corpus_path: str | None, extra: dict[str, Any]) -> dict[str, Any]:
    declared = notebook_parameters(name)
    params: dict[str, Any] = {}
    if corpus_path is not None and "corpus_path" in declared:
        params["corpus_path"] = corpus_path
    params.update({k: v for k, v in extra.items() if k in declared})
    return params


def store_outputs(names: Sequence[str] | None = None) -> None:
    """Re-execute notebooks in place on the seeds (the outputs nbval compares against)."""
    for name in names or [n for n, _ in NOTEBOOKS] + list(EXTRA_STORED):
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
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
        help="notebook parameter; VALUE is read as JSON when it parses (e.g. -p group=outlet)",
    )
    parser.add_argument("--show-code", action="store_true", help="keep code cells in the HTML")
    parser.add_argument(
        "--stories",
        nargs="+",
        metavar="STORY_ID",
        help=f"per-story reports to build ('all', or ids; default: the first {MAX_STORY_REPORTS})",
    )
    parser.add_argument("--jobs", type=int, help="notebooks run at once (default: cores)")
    parser.add_argument(
        "--store", action="store_true", help="re-execute notebooks in place on the seeds"
    )
    args = parser.parse_args(argv)
    if args.store:
        store_outputs(args.only)
        return 0
    extra: dict[str, Any] = {}
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep:
            parser.error(f"-p takes NAME=VALUE, got {item!r}")
        try:
            extra[key] = json.loads(value)
        except json.JSONDecodeError:
            extra[key] = value
    result = build_reports(
        args.corpus,
        out_dir=args.out,
        notebooks=args.only,
        parameters=extra,
        show_code=args.show_code,
        stories="all" if args.stories == ["all"] else args.stories,
        jobs=args.jobs,
    )
    out = Path(args.out) if args.out else config.reports_dir()
    print(f"index: {out / 'index.html'}")
    if result.failed:
        print(f"failed: {', '.join(o.name for o in result.failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
