"""Every report built from a hostile corpus, opened in headless Chromium: no payload runs.

Every text field of the corpus (id, title, text, outlet, url, an extra column, and the name of
that column) carries script payloads that, if they ran, would set a ``data-xss-*`` attribute on
``<body>``. The reports are built grouped by story, by outlet and by the extra column, each page
is rendered by Chromium (scripts on, time given to run them) and the rendered DOM is searched
for the attribute and for ``javascript:`` links. Skipped with the reason where Chromium is
absent; ``.ci/run`` installs it.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from analysis.report import build_reports

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed (apt-get install chromium); .ci/run installs it",
)


def _payloads(tag: str) -> list[str]:
    """Payloads that set ``data-xss-<tag>-<n>`` on <body> if they ever run."""
    act = "document.body.setAttribute('data-xss-{tag}-{n}','ran')"
    templates = [
        '<img src=x onerror="{act}">',
        "<script>{act}</script>",
        '<svg onload="{act}"></svg>',
        "[click me](javascript:{act})",
        '"><img src=x onerror={act}>',
        "</script><script>{act}</script>",
        '<details open ontoggle="{act}"><summary>x</summary></details>',
        '<iframe srcdoc="<script>parent.{act}</script>"></iframe>',
        "`<img src=x onerror={act}>`",
        '<a href="javascript:{act}">link</a>',
        '<math><mtext><img src=x onerror="{act}"></mtext></math>',
        '![x](x" onerror="{act})',
    ]
    return [t.format(act=act.format(tag=tag, n=n)) for n, t in enumerate(templates)]


EXTRA = "topic<img src=x onerror=\"document.body.setAttribute('data-xss-col','ran')\">"


def _write_corpus(path: Path) -> None:
    sentences = [
        "The minister condemned the attack on the city as a disgrace.",
        "Officials said the new budget would cost taxpayers billions of dollars.",
        "Critics accused the government of failing the families of the victims.",
    ]
    rows = []
    for i in range(5):
        pay = _payloads(f"r{i}")
        text = " ".join(
            f"{s} {pay[(i + k) % len(pay)]} more words follow here."
            for k, s in enumerate(sentences * 3)
        )
        rows.append(
            {
                "id": pay[i % len(pay)] + f"-{i}",
                "title": pay[(i + 1) % len(pay)],
                "text": text,
                "source": pay[(i + 2) % len(pay)] if i % 2 else '=HYPERLINK("http://x")',
                "date": f"2020-0{i + 1}-15",
                "url": "javascript:document.body.setAttribute('data-xss-url','ran')",
                EXTRA: pay[(i + 3) % len(pay)],
            }
        )
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _rendered_dom(page: Path) -> str:
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=4000",
                "--dump-dom",
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def hostile_builds(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "hostile.csv"
    _write_corpus(corpus)
    outs = []
    for group, stories in (("story_id", "all"), ("outlet", []), (EXTRA, [])):
        out = root / f"out-{len(outs)}"
        result = build_reports(
            str(corpus),
            out_dir=out,
            notebooks=None if stories == "all" else ["sentiment", "framing", "comparison"],
            parameters={"group": group},
            stories=stories,
            progress=False,
        )
        assert not result.failed, [(o.name, o.error) for o in result.failed]
        outs.append(out)
    return outs


def test_no_payload_runs_in_any_report(hostile_builds: list[Path]) -> None:
    pages = [p for out in hostile_builds for p in sorted(out.glob("*.html"))]
    assert len(pages) >= 15
    ran: dict[str, list[str]] = {}
    for page in pages:
        dom = _rendered_dom(page)
        body = re.search(r"<body[^>]*>", dom)
        assert body, page
        hits = re.findall(r"data-xss-[\w-]+", body.group(0))
        links = re.findall(r"<a\b[^>]*href=\"\s*javascript:[^\"]*\"", dom, flags=re.I)
        if hits or links:
            ran[f"{page.parent.name}/{page.name}"] = hits + links
    assert not ran


def test_payloads_are_shown_as_text(hostile_builds: list[Path]) -> None:
    # the sentiment report shows the outlet payload literally (escaped), not as markup
    dom = _rendered_dom(hostile_builds[1] / "sentiment.html")
    assert "&lt;img src=x onerror=" in dom or "&lt;svg onload=" in dom


def test_exported_csv_has_no_formula(hostile_builds: list[Path]) -> None:
    exports = sorted(hostile_builds[1].glob("tables/*.csv"))
    assert exports, "the framing report exports its table"
    text = "\n".join(p.read_text(encoding="utf-8") for p in exports)
    for line in text.splitlines():
        for cell in next(csv.reader([line])):
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
