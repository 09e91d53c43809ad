"""Check the charts of HTML reports in headless Chromium at several page widths.

For every chart (``.js-plotly-plot``) of every page given, at every ``--widths`` (default 900
and 1300 px, JupyterLab's default notebook width and a wide screen), the drawn SVG is measured
in the browser and these faults are counted:

- ``legend/<part>``: the legend box overlaps an axis title, tick labels, the chart title, an
  annotation (subplot titles, notes), a colour bar or the plot area;
- ``title/annotation``: the chart title overlaps an annotation;
- ``clipped``: a text (title, axis title, tick label, legend entry, annotation) reaches beyond
  the chart's SVG, so part of it is cut off;
- ``fixed width``: the layout sets a width (charts must follow their container);
- ``not drawn``: the chart has no SVG.

Prints one line per fault and a count per page and width; with ``--shots DIR`` it also saves a
PNG of every chart (``<page>-<width>-<n>.png``). Usage::

    .venv/bin/python benchmarks/chart_layout_check.py reports/*.html --shots /tmp/shots
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import time
from pathlib import Path

from cdp import Page, chromium

#: Measures every chart of the page; returns a list of {id, faults: [...], box}.
_MEASURE = r"""
(() => {
  const rect = e => { const r = e.getBoundingClientRect();
    return {l: r.left, t: r.top + window.scrollY, r: r.right, b: r.bottom + window.scrollY}; };
  const overlap = (a, b) => Math.min(a.r, b.r) - Math.max(a.l, b.l) > 2
    && Math.min(a.b, b.b) - Math.max(a.t, b.t) > 2;
  const all = (gd, sel) => Array.from(gd.querySelectorAll(sel))
    .filter(e => e.getBBox && e.getBoundingClientRect().width > 0).map(e => [e, rect(e)]);
  const label = e => (e.textContent || "").slice(0, 40);
  return Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => {
    const faults = [];
    const svg = gd.querySelector('.main-svg');
    if (!svg) return {id: gd.id, faults: ['not drawn'], box: null};
    const box = rect(gd);
    if (gd.layout && gd.layout.width) faults.push('fixed width ' + gd.layout.width);
    const parts = {
      'axis title': all(gd, '.infolayer g[class^="g-x"][class$="title"] text,'
        + '.infolayer g[class^="g-y"][class$="title"] text'),
      'tick label': all(gd, '.xtick text, .ytick text, .angularaxistick text'),
      'chart title': all(gd, '.infolayer .g-gtitle text'),
      'annotation': all(gd, '.annotation-text-g'),
      'colour bar': all(gd, '.colorbar'),
      'plot area': all(gd, '.draglayer .nsewdrag'),
    };
    const legends = all(gd, '.infolayer .legend > rect.bg');
    for (const [leg, lr] of legends) {
      for (const [name, items] of Object.entries(parts)) {
        for (const [e, r] of items) {
          if (overlap(lr, r)) faults.push('legend/' + name + ' "' + label(e) + '"');
        }
      }
    }
    for (const [t, tr] of parts['chart title']) for (const [a, ar] of parts['annotation'])
      if (overlap(tr, ar)) faults.push('title/annotation "' + label(a) + '"');
    const svgBox = rect(svg);
    const texts = all(gd, '.infolayer text, .xtick text, .ytick text, .legendtext');
    for (const [e, r] of texts) {
      if (r.l < svgBox.l - 1 || r.r > svgBox.r + 1 || r.t < svgBox.t - 1 || r.b > svgBox.b + 1)
        faults.push('clipped "' + label(e) + '"');
    }
    return {id: gd.id, faults: faults, box: box};
  });
})()
"""


def _check(page: Page, path: Path, width: int, shots: Path | None) -> int:
    page.call(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=1000,
        deviceScaleFactor=1,
        mobile=False,
    )
    page.call("Page.navigate", url=path.resolve().as_uri())
    page.wait_for("document.readyState === 'complete'")
    page.wait_for(
        "Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".every(gd => gd.querySelector('.main-svg'))",
        timeout=60,
    )
    time.sleep(1.5)
    charts = page.evaluate(_MEASURE) or []
    faults = 0
    for n, chart in enumerate(charts, 1):
        for fault in chart["faults"]:
            faults += 1
            print(f"  {path.name} @{width}px chart {n} ({chart['id']}): {fault}")
        if shots is not None and chart["box"]:
            box = chart["box"]
            shot = page.call(
                "Page.captureScreenshot",
                format="png",
                captureBeyondViewport=True,
                clip={
                    "x": max(0, box["l"] - 4),
                    "y": max(0, box["t"] - 4),
                    "width": box["r"] - box["l"] + 8,
                    "height": box["b"] - box["t"] + 8,
                    "scale": 1,
                },
            )
            target = shots / f"{path.stem}-{width}-{n}.png"
            target.write_bytes(base64.b64decode(shot["data"]))
    print(f"{path.name} @{width}px: {len(charts)} charts, {faults} faults", flush=True)
    return faults


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+", type=Path)
    parser.add_argument("--widths", type=int, nargs="+", default=[900, 1300])
    parser.add_argument("--shots", type=Path, help="save a PNG of every chart here")
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.pages if not p.is_file()]
    if missing:
        parser.error(f"no such page: {', '.join(missing)}")
    if args.shots:
        args.shots.mkdir(parents=True, exist_ok=True)
    total = 0
    with chromium() as page:
        for path in args.pages:
            for width in args.widths:
                total += _check(page, path, width, args.shots)
    print(json.dumps({"pages": len(args.pages), "widths": args.widths, "faults": total}))
    return 0 if total == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
