"""Headless Chromium driven through the Chrome DevTools Protocol, for the browser checks here.

:func:`chromium` starts a headless Chromium with a remote-debugging port on loopback and yields
a :class:`Page` (one tab): ``call`` sends a protocol command and waits for its reply,
``evaluate`` runs JavaScript in the page and returns the value. Protocol reference:
https://chromedevtools.github.io/devtools-protocol/ (Page, Runtime, Emulation, Input domains).
Needs the ``chromium`` Debian package and ``websocket-client``.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator

import websocket

TIMEOUT = 90.0


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, timeout: float = TIMEOUT) -> bytes:
    """The body of ``url`` (a loopback address), retried until it answers or ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:  # noqa: S310 - loopback only
                return reply.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


class Page:
    """One Chromium tab driven through the DevTools protocol."""

    def __init__(self, ws_url: str) -> None:
        self.ws = websocket.create_connection(ws_url, timeout=TIMEOUT, suppress_origin=True)
        self.counter = 0

    def call(self, method: str, **params: object) -> dict:
        """Send ``method`` and return its result (events in between are dropped, except that
        a "leave this page?" dialog is accepted so navigation goes on)."""
        self.counter += 1
        wanted = self.counter
        self.ws.send(json.dumps({"id": wanted, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("method") == "Page.javascriptDialogOpening":
                self.counter += 1
                accept = {"accept": True}
                self.ws.send(
                    json.dumps(
                        {
                            "id": self.counter,
                            "method": "Page.handleJavaScriptDialog",
                            "params": accept,
                        }
                    )
                )
                continue
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression: str) -> object:
        """The value of the JavaScript ``expression`` (promises awaited)."""
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(str(result["exceptionDetails"])[:2000])
        return result.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = TIMEOUT) -> None:
        """Poll ``expression`` until it is truthy."""
        deadline = time.monotonic() + timeout
        while not self.evaluate(expression):
            if time.monotonic() > deadline:
                raise TimeoutError(expression)
            time.sleep(0.25)

    def key(self, key: str, code: str, keycode: int, modifiers: int = 0) -> None:
        """Press and release a key (``modifiers``: 2 is Ctrl)."""
        for kind in ("rawKeyDown", "keyUp"):
            self.call(
                "Input.dispatchKeyEvent",
                type=kind,
                modifiers=modifiers,
                key=key,
                code=code,
                windowsVirtualKeyCode=keycode,
                nativeVirtualKeyCode=keycode,
            )


@contextlib.contextmanager
def chromium(width: int = 1300, height: int = 1000) -> Iterator[Page]:
    """A headless Chromium (fresh profile, no network services) and its first tab."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="cdp-profile-", ignore_cleanup_errors=True) as profile:
        browser = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--remote-debugging-port={port}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            tabs = json.loads(wait_http(f"http://127.0.0.1:{port}/json/list"))
            page = Page(next(t for t in tabs if t["type"] == "page")["webSocketDebuggerUrl"])
            page.call("Page.enable")
            yield page
        finally:
            browser.terminate()
            browser.wait(timeout=30)
