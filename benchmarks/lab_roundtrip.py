"""Open stored notebooks in a real JupyterLab, save them from the browser, and count the changes.

Copies the given notebooks into a temporary folder, starts ``jupyter lab`` on loopback with a
random token, opens each notebook in headless Chromium driven through the DevTools protocol,
presses Ctrl+S in the page (JupyterLab's own save: the browser serialises the notebook with
``JSON.stringify`` and the server writes it with nbformat), and prints, per notebook, how many
lines the saved file differs from the stored one, with the first differing lines. The stored
notebooks themselves are never written.

Usage::

    .venv/bin/python benchmarks/lab_roundtrip.py notebooks/*.ipynb
    .venv/bin/python benchmarks/lab_roundtrip.py --lab-form notebooks/*.ipynb   # normalised first

Needs ``chromium`` (Debian package) and ``websocket-client`` (``pip install websocket-client``).
"""

from __future__ import annotations

import argparse
import difflib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from cdp import Page, chromium, free_port, wait_http

from analysis.report.lab_form import write_stored


def _save_in_lab(page: Page, base: str, token: str, name: str, path: Path) -> bool:
    """Open ``name`` in Lab, press Ctrl+S, and wait until the file is rewritten."""
    before = path.stat().st_mtime_ns
    page.call("Page.navigate", url=f"{base}/lab/tree/{name}?token={token}&reset")
    page.wait_for(
        "document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell').length > 0"
    )
    # wait until the kernel is idle so the kernel-info reply has reached the notebook model
    page.wait_for(
        "Array.from(document.querySelectorAll('.jp-Notebook-ExecutionIndicator'))"
        ".some(e => e.getAttribute('data-status') === 'idle')",
        timeout=60,
    )
    time.sleep(1.0)
    page.evaluate(
        "document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook').focus()"
    )
    page.key("s", "KeyS", 83, modifiers=2)  # Ctrl+S
    deadline = time.monotonic() + 90
    while path.stat().st_mtime_ns == before:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    time.sleep(3.0)  # the server writes through a temporary file; late model changes show up
    dirty = page.evaluate("document.querySelectorAll('.lm-TabBar-tab.jp-mod-dirty').length")
    if dirty:
        print(f"{name}: changed again after the save (dirty); saving once more", flush=True)
        page.key("s", "KeyS", 83, modifiers=2)
        time.sleep(3.0)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument(
        "--lab-form", action="store_true", help="write each copy with write_stored first"
    )
    parser.add_argument("--keep", type=Path, help="copy the saved notebooks into this folder")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop Lab and Chromium on the way
    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="lab-roundtrip-") as tmp:
        root, work = Path(tmp), Path(tmp) / "work"
        work.mkdir()
        stored: dict[str, str] = {}
        for source in args.notebooks:
            copy = work / source.name
            if args.lab_form:
                write_stored(nbformat.read(source, as_version=4), copy)
            else:
                shutil.copyfile(source, copy)
            stored[source.name] = copy.read_text(encoding="utf-8")
        env = dict(os.environ)
        for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
            env[var] = str(root / var.lower())
        env["JUPYTERLAB_SETTINGS_DIR"] = str(root / "settings")
        env["JUPYTERLAB_WORKSPACES_DIR"] = str(root / "workspaces")
        env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
        lab_port = free_port()
        lab = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("jupyter")),
                "lab",
                "--no-browser",
                "--allow-root",
                "--ip=127.0.0.1",
                f"--port={lab_port}",
                f"--ServerApp.token={token}",
                f"--ServerApp.root_dir={work}",
                "--LabApp.news_url=",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(root / "lab.log").open("w"),
        )
        try:
            base = f"http://127.0.0.1:{lab_port}"
            wait_http(f"{base}/api/status?token={token}")
            total = 0
            with chromium() as page:
                saved_all = {}
                for name in stored:
                    saved_all[name] = _save_in_lab(page, base, token, name, work / name)
            for name, text in stored.items():
                saved = saved_all[name]
                after = (work / name).read_text(encoding="utf-8")
                diff = [
                    line
                    for line in difflib.unified_diff(
                        text.splitlines(), after.splitlines(), lineterm="", n=0
                    )
                    if line[:1] in "+-" and not line.startswith(("+++", "---"))
                ]
                total += len(diff)
                state = "saved" if saved else "NOT SAVED (timeout)"
                print(f"{name}: {state}; {len(diff)} changed lines", flush=True)
                for line in diff[:6]:
                    print(f"    {line[:110]}")
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(work / name, args.keep / name)
            print(f"total changed lines: {total}")
        finally:
            lab.terminate()
            lab.wait(timeout=30)
    return 0 if total == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
