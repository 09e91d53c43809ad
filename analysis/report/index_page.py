"""The index page of a report set: what was analysed, the reports, how they were built.

Every corpus-derived string on the page (corpus facts, story ids in descriptions, summaries,
parameter values, error messages) passes through :func:`analysis.safe.escape_html`; links are
percent-encoded with :func:`urllib.parse.quote`. Summaries arrive as plain text
(:mod:`analysis.report.summary`), so nothing is escaped twice.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from analysis import safe
from analysis.narrate.statements import count_text
from analysis.report.outcome import ReportOutcome, ReportSet

__all__ = ["index_html"]

#: Parameters not shown on the index: the run's temporary folder, and loader defaults.
_HIDDEN_PARAMETERS = {"output_dir": None, "encoding": "utf-8", "stories_per_file": "auto"}

_STYLE = """<style>
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5em; }
th, td { border-bottom: 1px solid #ddd; padding: 6px 8px; text-align: left;
          vertical-align: top; }
th { background: #f5f5f5; }
.failed { color: #b00020; font-weight: bold; }
.skipped { color: #8a6d00; font-weight: bold; }
.summary { color: #555; font-size: 0.9em; margin-top: 4px; }
code { font-size: 0.85em; }
</style>"""


def _shown_parameters(parameters: dict[str, Any]) -> str:
    shown = {
        k: v
        for k, v in parameters.items()
        if k not in _HIDDEN_PARAMETERS or (k != "output_dir" and v != _HIDDEN_PARAMETERS[k])
    }
    return ", ".join(f"{k}={v!r}" for k, v in shown.items()) or "defaults"


def _status(o: ReportOutcome) -> tuple[str, str, str]:
    """(link or name, detail under the description, build column) of one report."""
    esc = safe.escape_html
    if o.ok:
        link = f'<a href="{esc(quote(o.name))}.html">{esc(o.name)}</a>'
        status = f"built in {o.seconds:.1f} s, {o.size_bytes / 1e6:.1f} MB"
        if o.reused:
            status = f"reused from an earlier run, {o.size_bytes / 1e6:.1f} MB"
        return link, esc(o.summary), status
    if o.skipped:
        return esc(o.name), f"skipped: {esc(o.skipped)}", '<span class="skipped">skipped</span>'
    return esc(o.name), f"<code>{esc(o.error)}</code>", '<span class="failed">FAILED</span>'


def _row(o: ReportOutcome) -> str:
    """One table row: the link (or name), description and summary, parameters, build."""
    esc = safe.escape_html
    link, detail, status = _status(o)
    params = _shown_parameters(o.parameters)
    return (
        f"<tr><td>{link}</td><td>{esc(o.description)}<div class='summary'>{detail}</div>"
        f"</td><td><code>{esc(params)}</code></td><td>{status}</td></tr>"
    )


def _story_row(o: ReportOutcome) -> str:
    """One deep dive: the link, the story and its summary, the group it represents and why it
    was chosen, parameters, build."""
    esc = safe.escape_html
    link, detail, status = _status(o)
    params = _shown_parameters(o.parameters)
    return (
        f"<tr><td>{link}</td><td>{esc(o.description)}<div class='summary'>{detail}</div></td>"
        f"<td>{esc(o.group or '(itself)')}<div class='summary'>{esc(o.reason)}</div></td>"
        f"<td><code>{esc(params)}</code></td><td>{status}</td></tr>"
    )


def _stories_section(story_rows: list[str], notes: list[str]) -> str:
    if not story_rows and not notes:
        return ""
    paragraphs = "".join(f"<p class='note'>{safe.escape_html(n)}</p>" for n in notes)
    if not story_rows:
        return "<h2>Per-story reports</h2>" + paragraphs
    return (
        "<h2>Per-story reports</h2><p>One deep dive per story: its text with sentence tone and "
        "frame triggers marked, its arc, actors, quotes and how it differs from the rest. Each "
        "group of the run gets its most typical story (tone closest to the group's mean) and "
        "its most extreme one (largest absolute tone).</p>"
        + paragraphs
        + "<table><tr><th>report</th><th>story</th><th>represents</th><th>parameters</th>"
        "<th>build</th></tr>" + "".join(story_rows) + "</table>"
    )


def _banner(report_set: ReportSet) -> str:
    failed, skipped = report_set.failed, report_set.skipped
    esc = safe.escape_html
    lines = []
    if failed:
        lines.append(
            f"<p class='failed'>{count_text(len(failed), 'report')} failed: "
            f"{esc(', '.join(o.name for o in failed))}. See the table below.</p>"
        )
    else:
        lines.append("<p>All reports built.</p>" if not skipped else "<p>No report failed.</p>")
    if skipped:
        lines.append(
            f"<p>{count_text(len(skipped), 'report')} skipped, with nothing to show: "
            f"{esc(', '.join(o.name for o in skipped))}. The table says why.</p>"
        )
    return "".join(lines)


def _fact_text(value: object) -> object:
    """A corpus fact as shown: counts with thousands separators (``1,022,906``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return value


def index_html(report_set: ReportSet, built: str, total_seconds: float) -> str:
    """The index page of ``report_set``, built at ``built`` (local time) in ``total_seconds``.

    Reports are listed in run order, per-story reports in a table of their own with the group
    each represents and why it was chosen; a failed report is listed with its error and
    without a link, a skipped one with the reason it had nothing to show.
    """
    esc = safe.escape_html
    facts = "".join(
        f"<tr><th>{esc(k)}</th><td>{esc(_fact_text(v))}</td></tr>"
        for k, v in report_set.corpus_facts.items()
    )
    rows = [_row(o) for o in report_set.outcomes if o.kind != "story"]
    story_rows = [_story_row(o) for o in report_set.outcomes if o.kind == "story"]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{esc("News analysis reports")}</title>
{_STYLE}</head>
<body>
<h1>News analysis reports</h1>
<p>Tone (sentiment), framing, topics and language of a set of news stories. Every figure in the
reports is backed by the sentences it came from; open a report for its evidence tables.</p>
<h2>What was analysed</h2>
<table>{facts}</table>
<h2>Reports</h2>
{_banner(report_set)}
<table><tr><th>report</th><th>what it shows</th><th>parameters</th><th>build</th></tr>
{"".join(rows)}
</table>
{_stories_section(story_rows, report_set.notes)}
<p>Built {esc(built)} in {total_seconds:.0f} s.
Charts work offline (one shared copy of plotly.js in <code>assets/</code>).</p>
</body></html>
"""
