"""Tests of analysis.report.parameters: declared parameters, and -p values read by their type."""

from __future__ import annotations

import pytest

from analysis import config
from analysis.report import notebook_parameters
from tests.report_support import run_cli

pytest_plugins = ["tests.report_fixtures"]

ALL_NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_has_one_parameters_cell_papermill_can_read(path, caplog):
    import papermill as pm

    declared = notebook_parameters(path.stem)
    assert "corpus_path" in declared or path.stem == "sentiment_validation"
    inferred = pm.inspect_notebook(str(path))
    assert "Unable to parse" not in caplog.text
    assert set(inferred) == set(declared)


def test_cli_values_are_read_by_their_declared_type(tmp_path, fake_kernel):
    articles = tmp_path / "dated.csv"
    articles.write_text(
        'text,date\n"A dated story. It ends.",2024-01-03\n"Another one. It ends.",2024-02-10\n'
    )
    out = tmp_path / "reports"
    args = [str(articles), "--only", "framing", "topics_language", "trends", "--out", str(out)]
    args += ["--stories", "all", "-p", "threshold=2", "-p", "ngram_range=[1, 1]"]
    args += ["-p", "n_topics=null", "-p", 'codebook="policy"', "-p", "date_to=2024-01-31"]
    assert run_cli(args) == 0
    passed = {name: params for name, params in fake_kernel}
    assert passed["framing"]["threshold"] == 2.0
    assert isinstance(passed["framing"]["threshold"], float)
    assert passed["framing"]["codebook"] == "policy"
    assert passed["topics_language"]["ngram_range"] == [1, 1]
    assert passed["topics_language"]["n_topics"] is None
    assert passed["story"]["date_to"] == passed["trends"]["date_to"] == "2024-01-31"
    assert [n for n, _ in fake_kernel].count("story") == 1  # one story before 2024-01-31
    assert run_cli([*args, "-p", "group=123"]) == 0
    passed = {name: params for name, params in fake_kernel}
    assert passed["framing"]["group"] == passed["trends"]["group"] == "123"
    assert run_cli([str(articles), "--only", "trends", "--out", str(out), "-p", "group=null"]) == 0
    assert {name: params for name, params in fake_kernel}["trends"]["group"] is None
