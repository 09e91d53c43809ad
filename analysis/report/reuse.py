"""Reports that do not read the corpus: built once, then copied into every run.

A report of :data:`analysis.report.catalog.CORPUS_FREE` (the sentiment validation) gives the
same page for every corpus. Its executed notebook and HTML are kept under the analysis cache
folder (:func:`analysis.config.cache_dir`, ``reports/<name>-<key>/``) and copied into the next
run instead of executing it again. The key is the SHA-256 of everything the page depends on:

- the notebook file, its parameters and whether code is shown;
- the content of its input files (:data:`INPUTS`: for the validation, the three human-rating
  files);
- the code: every file of the ``analysis`` package (sources and method data) and the versions
  of the libraries that compute and render it.

Any change gives a new key, so a stale page is never reused; storing a page removes the older
entries of the same report. A cache that cannot be read or written only costs a re-execution.
A corpus-free report must not write exports (they would not be copied).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from analysis import config, safe
from analysis.report.outcome import ReportOutcome, ReportTask

__all__ = ["INPUTS", "REUSE_VERSION", "lookup", "reuse_key", "store"]

#: Version of the reuse format (bump when the stored entry changes).
REUSE_VERSION: Final = "reuse-1"
#: Libraries whose versions are part of the key (they compute or render the page).
_LIBRARIES: Final = (
    "nbconvert",
    "nbformat",
    "numpy",
    "pandas",
    "papermill",
    "plotly",
    "scikit-learn",
    "scipy",
    "textblob",
    "vaderSentiment",
)
_META = "outcome.json"


def _validation_files(parameters: dict[str, Any]) -> list[Path]:
    from analysis.sentiment_validation import VALIDATION_FILES

    folder = parameters.get("validation_path")
    base = Path(folder).expanduser() if folder else config.sentiment_validation_dir()
    return [base / name for name in VALIDATION_FILES.values()]


#: Report -> the input files its page depends on, from its parameters.
INPUTS: dict[str, Callable[[dict[str, Any]], list[Path]]] = {
    "sentiment_validation": _validation_files,
}


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _library_versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in _LIBRARIES:
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=absent")
    return ";".join(found)


def _code_digest() -> str:
    """SHA-256 of every file of the ``analysis`` package (paths and bytes, sorted)."""
    digest = hashlib.sha256()
    for path in sorted(config.PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(config.PACKAGE_DIR).as_posix().encode() + b"\0")
            digest.update(_file_digest(path).encode())
    return digest.hexdigest()


def _keyed(parameters: dict[str, Any]) -> dict[str, Any]:
    """The parameters that shape the page (not the run's own folder)."""
    return {k: v for k, v in parameters.items() if k != "output_dir"}


def reuse_key(task: ReportTask, *, show_code: bool) -> str | None:
    """The key of ``task``'s page, or ``None`` when it is not reusable (it reads the corpus,
    or an input file cannot be read)."""
    from analysis.report import catalog

    if task.notebook not in catalog.CORPUS_FREE:
        return None
    digest = hashlib.sha256()
    try:
        notebook = config.NOTEBOOKS_DIR / f"{task.notebook}.ipynb"
        files = INPUTS.get(task.notebook, lambda p: [])(task.parameters)
        parts = [
            REUSE_VERSION,
            task.notebook,
            task.stem,
            json.dumps(_keyed(task.parameters), sort_keys=True, default=str),
            f"show_code={show_code}",
            _file_digest(notebook),
            *(f"{path.name}:{_file_digest(path)}" for path in files),
            _code_digest(),
            _library_versions(),
        ]
    except OSError:
        return None
    for part in parts:
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def _entry(name: str, key: str) -> Path:
    return config.cache_dir() / "reports" / f"{safe.safe_filename(name)}-{key[:24]}"


def lookup(task: ReportTask, key: str, build: Path) -> ReportOutcome | None:
    """Copy the stored page of ``task`` into ``build`` and return its outcome (``None`` when
    nothing is stored under ``key``)."""
    started = time.perf_counter()
    entry = _entry(task.notebook, key)
    try:
        meta = json.loads((entry / _META).read_text(encoding="utf-8"))
        html_path = safe.output_path(build, f"{task.stem}.html")
        shutil.copyfile(entry / "report.ipynb", safe.output_path(build, f"{task.stem}.ipynb"))
        shutil.copyfile(entry / "report.html", html_path)
    except (OSError, ValueError):
        return None
    return ReportOutcome(
        name=task.stem,
        description=task.description,
        parameters=task.parameters,
        ok=True,
        seconds=time.perf_counter() - started,
        html_path=html_path,
        summary=str(meta.get("summary", "")),
        size_bytes=html_path.stat().st_size,
        reason=f"reused: built in {meta.get('seconds', '?')} s by an earlier run, inputs and "
        "code unchanged",
        reused=True,
    )


def store(task: ReportTask, key: str, outcome: ReportOutcome, build: Path) -> None:
    """Keep the page ``outcome`` wrote into ``build`` under ``key`` (only a page that was
    built), and remove the older entries of the same report."""
    if not outcome.ok or outcome.reused:
        return
    entry = _entry(task.notebook, key)
    with contextlib.suppress(OSError):
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{entry.name}.", dir=entry.parent))
        try:
            shutil.copyfile(build / f"{task.stem}.ipynb", tmp / "report.ipynb")
            shutil.copyfile(build / f"{task.stem}.html", tmp / "report.html")
            meta = {"summary": outcome.summary, "seconds": round(outcome.seconds, 1)}
            (tmp / _META).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
            if entry.exists():
                shutil.rmtree(entry)
            tmp.rename(entry)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        prefix = f"{safe.safe_filename(task.notebook)}-"
        for old in entry.parent.glob(f"{prefix}*"):
            if old != entry and old.is_dir() and len(old.name) == len(entry.name):
                shutil.rmtree(old, ignore_errors=True)
