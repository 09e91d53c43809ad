"""Progress of long runs: lines in a log instead of a bar (analysis.progress)."""

from __future__ import annotations

import io

import pandas as pd

from analysis import parallel, progress


def test_line_progress_writes_a_line_per_tenth_and_a_last_line():
    out = io.StringIO()
    bar = progress.LineProgress(1000, "analysing", "article", stream=out)
    for _ in range(40):
        bar.update(25)
    bar.close()
    bar.close()  # once only
    lines = out.getvalue().splitlines()
    assert len(lines) == 11
    assert lines[0].startswith("analysing: 100/1,000 articles (10 %), ")
    assert lines[4].startswith("analysing: 500/1,000 articles (50 %), ")
    assert lines[9].startswith("analysing: 1,000/1,000 articles (100 %), ")
    assert lines[10].startswith("analysing: 1,000 articles done in ")


def test_a_large_step_writes_one_line_not_one_per_tenth_passed():
    out = io.StringIO()
    bar = progress.LineProgress(100, "loading", "file", stream=out)
    bar.update(35)
    bar.update(65)
    assert out.getvalue().splitlines()[0].startswith("loading: 35/100 files (35 %)")
    assert len(out.getvalue().splitlines()) == 2


def test_progress_is_off_in_a_log_unless_a_command_turns_lines_on(capsys):
    assert not progress.wanted(None, 10_000)  # pytest's stderr is not a terminal
    assert progress.wanted(True, 0)
    with progress.lines_when_not_a_terminal():
        assert progress.wanted(None, 10_000)
        assert not progress.wanted(None, 10)  # short runs stay quiet
        assert not progress.wanted(False, 10_000)
    assert not progress.wanted(None, 10_000)


def _lengths(chunk):
    return pd.DataFrame({"n": [len(str(x)) for x in chunk]})


def test_map_chunks_in_a_log_writes_lines_to_stderr(capsys):
    items = list(range(parallel.PROGRESS_MIN_ARTICLES + 56))
    with progress.lines_when_not_a_terminal():
        table = parallel.map_chunks(_lengths, items, workers=1, desc="counting")
    assert len(table) == len(items)
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"counting: 64/{len(items)} articles (25 %)")
    assert err[-1].startswith(f"counting: {len(items)} articles done in ")
    parallel.map_chunks(_lengths, items, workers=1, desc="counting")
    assert capsys.readouterr().err == ""
