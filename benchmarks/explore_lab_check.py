"""Check the explorer in JupyterLab with a live kernel, in headless Chromium, and screenshot it.

What it does:

1. copies ``notebooks/explore.ipynb`` into a temporary folder (Lab's autosave never touches the
   project's notebook), with the parameters cell set from ``--corpus`` and ``--group``;
2. starts ``jupyter lab`` there (random port and token, ``--allow-root`` when root, its config,
   runtime, settings and workspace folders temporary, the app exposed as ``window.jupyterapp``)
   and headless Chromium with ``--remote-debugging-port``;
3. drives the page over the Chrome DevTools Protocol (websocket-client): opens the notebook,
   runs all cells (``notebook:run-all-cells``), waits for the explorer widget, then clicks a
   sentence, changes the tone and frame filters, changes the story or group, and switches to
   side by side, taking screenshots at 1300 and 900 px width into the output folder;
4. prints the time from each click to the change on the page (kernel and browser together),
   and any error the page logged.

Run: ``.venv/bin/python benchmarks/explore_lab_check.py OUT_DIR [--corpus PATH] [--group COL]``
Needs ``chromium`` on the PATH (Debian: ``apt-get install chromium``).
"""

from __future__ import annotations

import argparse
import base64
import itertools
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import nbformat
import websocket

from analysis import config

#: Widths of the screenshots (px) and the window height.
WIDTHS = (1300, 900)
HEIGHT = 1500
#: Longest wait for Lab, for the notebook to run, and for one interaction (s).
START_TIMEOUT = 180
RUN_TIMEOUT = 600
STEP_TIMEOUT = 30


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - localhost
                return json.loads(response.read().decode())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class Page:
    """One Chromium page over the DevTools protocol: commands, JS evaluation, screenshots."""

    def __init__(self, ws_url: str) -> None:
        self.ws = websocket.create_connection(ws_url, timeout=RUN_TIMEOUT, suppress_origin=True)
        self.ids = itertools.count(1)
        self.errors: list[str] = []
        self.send("Runtime.enable")
        self.send("Page.enable")

    def _event(self, message: dict[str, Any]) -> None:
        method = message.get("method")
        params = message.get("params", {})
        if method == "Runtime.exceptionThrown":
            self.errors.append(json.dumps(params["exceptionDetails"])[:400])
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            texts = [str(a.get("value", a.get("description", ""))) for a in params["args"]]
            self.errors.append(" ".join(texts)[:400])

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        ident = next(self.ids)
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self._event(message)

    def js(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait(self, expression: str, timeout: float = STEP_TIMEOUT) -> float:
        """Poll ``expression`` until it is truthy; return the seconds waited."""
        start = time.perf_counter()
        while not self.js(expression):
            if time.perf_counter() - start > timeout:
                raise TimeoutError(f"waited {timeout} s for {expression[:120]}")
            time.sleep(0.02)
        return time.perf_counter() - start

    def size(self, width: int) -> None:
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )
        time.sleep(0.8)  # Lab re-lays out on resize

    def shot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        print(f"  screenshot {path}")


#: JS: the notebook's panel in Lab's main area (``shell.currentWidget`` needs page focus).
PANEL = """
window.nbPanel = () => {
  for (const w of jupyterapp.shell.widgets('main')) {
    if (w.sessionContext && w.content && w.content.widgets) { return w; }
  }
  return null;
};
true
"""
#: Lab settings: no news notification over the screenshots.
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"}
}

#: JS helpers installed in the page: find explorer parts, and change a <select> as a user would.
HELPERS = """
window.ex = {
  root: () => document.querySelector('.news-explorer'),
  panes: () => Array.from(document.querySelectorAll('.news-explorer .explore-pane')),
  text: (el) => el ? el.innerText : '',
  button: (sel, label) => Array.from(document.querySelectorAll(sel + ' button'))
      .find(b => b.innerText.trim() === label),
  choose: (select, index) => {
    select.selectedIndex = index;
    select.dispatchEvent(new Event('change', {bubbles: true}));
  },
  scroll: () => ex.root().scrollIntoView({block: 'start'}),
};
true
"""


def _notebook_copy(folder: Path, corpus: str | None, group: str) -> Path:
    nb = nbformat.read(config.NOTEBOOKS_DIR / "explore.ipynb", as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):
            cell.source += f"\ncorpus_path = {corpus!r}\ngroup = {group!r}\n"
    path = folder / "explore.ipynb"
    nbformat.write(nb, path)
    return path


def _start_lab(folder: Path, port: int, token: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    for var in (
        "JUPYTER_CONFIG_DIR",
        "JUPYTER_RUNTIME_DIR",
        "IPYTHONDIR",
        "JUPYTERLAB_SETTINGS_DIR",
        "JUPYTERLAB_WORKSPACES_DIR",
    ):
        env[var] = str(folder / "state" / var.lower())
    command = [
        str(Path(sys.executable).with_name("jupyter")),
        "lab",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--notebook-dir={folder}",
        "--LabApp.expose_app_in_browser=True",
        "--KernelManager.transport_encryption=auto",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    for name, values in SETTINGS.items():
        path = folder / "state" / "jupyterlab_settings_dir" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    log = (folder / "lab.log").open("wb")
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


def _start_chromium(folder: Path, port: int) -> subprocess.Popen[bytes]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("chromium is not on the PATH (Debian: apt-get install chromium)")
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={folder / 'chromium'}",
        f"--remote-debugging-port={port}",
        f"--window-size={WIDTHS[0]},{HEIGHT}",
        "about:blank",
    ]
    log = (folder / "chromium.log").open("wb")
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)


def _timed_step(page: Page, name: str, action: str, done: str) -> None:
    """Run the JS ``action`` and time until the JS condition ``done`` holds."""
    before = time.perf_counter()
    page.js(action)
    page.wait(done)
    print(f"  {name:<32} {1000 * (time.perf_counter() - before):7.0f} ms to the page")


def _shots(page: Page, out: Path, stem: str) -> None:
    for width in WIDTHS:
        page.size(width)
        page.js("ex.scroll(), true")
        time.sleep(0.3)
        page.shot(out / f"{stem}-{width}.png")
    page.size(WIDTHS[0])


def _open_and_run(page: Page, lab: str, token: str) -> None:
    page.send("Page.navigate", url=f"{lab}/lab/tree/explore.ipynb?token={token}")
    page.wait("!!(window.jupyterapp && document.querySelector('.jp-Notebook'))", START_TIMEOUT)
    page.js(PANEL)
    page.wait("!!(nbPanel() && nbPanel().sessionContext.session?.kernel?.status === 'idle')")
    page.js("jupyterapp.shell.activateById(nbPanel().id); jupyterapp.shell.collapseLeft(); true")
    started = time.perf_counter()
    page.js("jupyterapp.commands.execute('notebook:run-all-cells'), true")
    page.wait("!!document.querySelector('.news-explorer .explore-sentence')", RUN_TIMEOUT)
    page.js(HELPERS)
    print(f"  explorer on the page {time.perf_counter() - started:5.1f} s after 'run all'")
    page.wait("nbPanel().sessionContext.session.kernel.status === 'idle'", RUN_TIMEOUT)
    time.sleep(1.0)


def _interactions(page: Page, out: Path) -> None:
    first = "ex.panes()[0]"
    detail = f"ex.text({first}.querySelector('.explore-detail-pane'))"
    position = f"ex.text({first}.querySelector('.explore-position'))"
    _shots(page, out, "01-opened")
    _timed_step(
        page,
        "click sentence 3",
        f"{first}.querySelectorAll('.explore-sentence-button')[2].click(), true",
        f"{detail}.includes('Words behind the scores')",
    )
    _shots(page, out, "02-sentence-clicked")
    old = page.js(position)
    _timed_step(
        page,
        "tone filter: negative",
        "ex.button('.explore-tone', 'negative').click(), true",
        f"{position} !== {json.dumps(old)}",
    )
    old = page.js(position)
    _timed_step(
        page,
        "frame filter: first frame",
        "(() => { const s = document.querySelector('.explore-frames select');"
        " s.options[0].selected = true;"
        " s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()",
        f"{position} !== {json.dumps(old)}",
    )
    time.sleep(0.5)
    _shots(page, out, "03-filtered")
    _timed_step(
        page,
        "clear filters",
        "ex.button('.news-explorer', 'clear filters').click(), true",
        f"{position}.includes(' of ') && !{position}.startsWith('0')",
    )
    menu = (
        "group"
        if page.js(
            "getComputedStyle(document.querySelector('.explore-group-menu')).display !== 'none'"
        )
        else "story"
    )
    summary = f"ex.text({first}.querySelector('.explore-summary'))"
    old = page.js(summary)
    _timed_step(
        page,
        f"{menu} change",
        f"ex.choose({first}.querySelector('.explore-{menu}-menu select'), 2), true",
        f"{summary} !== {json.dumps(old)}",
    )
    _timed_step(
        page,
        "side by side",
        "ex.button('.explore-mode', 'side by side').click(), true",
        "ex.panes().length === 2 && ex.panes()[1].querySelector('.explore-sentence') !== null",
    )
    _timed_step(
        page,
        "click a sentence on the right",
        "ex.panes()[1].querySelectorAll('.explore-sentence-button')[0].click(), true",
        "ex.text(ex.panes()[1].querySelector('.explore-detail-pane')).includes('Scores')",
    )
    _shots(page, out, "04-side-by-side")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the screenshots")
    parser.add_argument("--corpus", default=None, help="corpus path (default: the seeds)")
    parser.add_argument("--group", default="story_id", help="stories column to group by")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="explore-lab-"))
    corpus = str(Path(args.corpus).resolve()) if args.corpus else None
    _notebook_copy(folder, corpus, args.group)
    lab_port, cdp_port, token = _free_port(), _free_port(), secrets.token_hex(16)
    lab = _start_lab(folder, lab_port, token)
    chromium = _start_chromium(folder, cdp_port)
    try:
        started = time.perf_counter()
        base = f"http://127.0.0.1:{lab_port}"
        _wait_http(f"{base}/api/status?token={token}", START_TIMEOUT)
        print(f"Lab ready in {time.perf_counter() - started:.1f} s; corpus {corpus or 'seeds'}")
        _wait_http(f"http://127.0.0.1:{cdp_port}/json/version", START_TIMEOUT)
        targets = _wait_http(f"http://127.0.0.1:{cdp_port}/json/list", START_TIMEOUT)
        page = Page(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
        page.size(WIDTHS[0])
        try:
            _open_and_run(page, base, token)
            _interactions(page, args.out)
        except (TimeoutError, RuntimeError):
            page.shot(args.out / "failure.png")
            print((folder / "lab.log").read_text(errors="replace")[-3000:])
            raise
        widget_errors = page.js(
            "Array.from(document.querySelectorAll('.jp-OutputArea-output'))"
            ".map(e => e.innerText).filter(t => /Error|Traceback/.test(t))"
        )
        print(f"page errors: {page.errors or 'none'}; error outputs: {widget_errors or 'none'}")
        return 1 if widget_errors else 0
    finally:
        chromium.terminate()
        lab.terminate()
        for process in (chromium, lab):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
