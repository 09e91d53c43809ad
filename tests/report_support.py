"""Helpers shared by the ``tests/test_report_*.py`` modules (their fixtures are in
``tests/report_fixtures.py``)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import nbformat

from analysis.report import cli

FIXTURES = Path(__file__).parent / "data" / "notebooks"


def write_notebook(path: Path, parameters: str, *code: str) -> Path:
    """A fixture notebook: a title, one cell tagged ``parameters``, then code cells."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {path.stem}")]
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb.cells.append(cell)
    nb.cells.extend(nbformat.v4.new_code_cell(source) for source in code)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative POSIX path -> bytes)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def hrefs(index: Path) -> list[str]:
    """The link targets of a page, percent-decoded."""
    return [unquote(h) for h in re.findall(r'href="([^"]+)"', index.read_text())]


def builds_beside(out: Path) -> list[Path]:
    """Build folders of ``out`` left beside it."""
    return sorted(out.parent.glob(f".{out.name}.build-*"))


def run_cli(argv: list[str]) -> int:
    """The exit code of the command line, whether returned or raised (argparse exits)."""
    try:
        return cli.main(argv)
    except SystemExit as exc:
        return exc.code
