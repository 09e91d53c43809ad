"""Building a run aside and moving it into place only when complete.

A run is built in a temporary folder beside the output folder (``.<name>.build-<pid>-…``, same
file system; inside it when only the output folder is writable) by :func:`build_folder`, and
moved into place by :func:`publish`: each file with :func:`os.replace`, ``index.html`` last,
with Ctrl-C and SIGTERM held meanwhile. The file :data:`MANIFEST` in the output folder lists
what the last run wrote, so the next run removes the files it no longer writes (stale story
pages) and never touches anything else in the folder. Build folders left by runs killed with
SIGKILL are removed by the next run.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from analysis import safe
from analysis.errors import ParameterError
from analysis.report.files import atomic_write, is_writable
from analysis.report.signals import signals_deferred

__all__ = ["MANIFEST", "build_folder", "publish", "read_manifest", "write_manifest"]

#: The file in the output folder listing what the last run wrote (paths relative to the folder).
MANIFEST = ".report-manifest.json"

_BUILD_NAME = re.compile(r"\.(?P<name>.+)\.build-(?P<pid>\d+)-[^/]*")


# --- the build folder ------------------------------------------------------------------------


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
def build_folder(out: Path) -> Iterator[Path]:
    """A temporary folder beside ``out`` (inside it when only ``out`` is writable), so on the
    same file system; removed when the block ends."""
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_builds(out)
    parent = out.parent if is_writable(out.parent) else out
    build = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-{os.getpid()}-", dir=parent))
    try:
        yield build
    finally:
        shutil.rmtree(build, ignore_errors=True)


# --- the manifest ----------------------------------------------------------------------------


def read_manifest(out: Path) -> list[str]:
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


def write_manifest(out: Path, files: Iterable[str]) -> None:
    """Record ``files`` (relative paths inside ``out``) as the files the report set owns."""
    payload = {
        "written_by": "python -m analysis.report",
        "files": sorted(set(files)),
    }
    atomic_write(out / MANIFEST, json.dumps(payload, indent=1) + "\n")


# --- moving a run into place -----------------------------------------------------------------


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


def _built_files(build: Path) -> list[str]:
    """The files of a complete run (relative paths), ``index.html`` last."""
    new = sorted(
        p.relative_to(build).as_posix()
        for p in build.rglob("*")
        if p.is_file()
        and p.name != MANIFEST
        and not (p.name.startswith(".") and p.name.endswith(".tmp"))
    )
    new.sort(key=lambda rel: rel == "index.html")  # index.html last
    return new


def _check_targets(targets: Iterable[Path], out: Path) -> None:
    """Raise ParameterError when a folder or a file is in the way of a target path."""
    for target in targets:  # check every target before moving anything
        if target.is_dir():
            raise ParameterError(f"cannot write {target}: a folder of that name is in the way")
        for parent in target.relative_to(out.resolve()).parents:
            if parent != Path(".") and (out.resolve() / parent).is_file():
                raise ParameterError(f"cannot write {target}: {out / parent} is a file")


def _remove_files(out: Path, files: Iterable[str]) -> None:
    """Remove ``files`` from ``out``, then the folders that this leaves empty."""
    emptied: set[Path] = set()
    for rel in sorted(files):
        path = out / rel
        if path.is_symlink() or path.is_file():
            path.unlink()
            emptied.update(p for p in path.parents if p != out and out in p.parents)
    for folder in sorted(emptied, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty


def publish(build: Path, out: Path, failed_stems: set[str]) -> list[str]:
    """Move a complete run from ``build`` into ``out`` and remove the files of the previous run
    that this one does not write. Returns the files of ``out`` the report set now owns.

    Files that are not in the previous run's manifest are never removed (a ``README.md``, a
    user's notes). The previous page of a report that failed in this run is kept, unlinked.

    Raises:
        ParameterError: a folder or file in ``out`` is in the way (nothing is moved).
    """
    new = _built_files(build)
    targets = {rel: safe.output_path(out, *rel.split("/")) for rel in new}
    _check_targets(targets.values(), out)
    old = read_manifest(out)
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
    with signals_deferred():
        out.mkdir(parents=True, exist_ok=True)
        write_manifest(out, set(old) | set(new))  # covers every file of ours during the swap
        for rel, target in targets.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            _move(build / rel, target)
        _remove_files(out, set(old) - set(final))
        write_manifest(out, final)
    return final
