"""Tests of analysis.report.reuse: a report that does not read the corpus (the sentiment
validation) is executed once and its page copied into later runs, until an input changes."""

from __future__ import annotations

import shutil

import pytest

from analysis import config
from analysis.report import build_reports, catalog, reuse
from analysis.report.outcome import ReportTask
from analysis.sentiment_validation import VALIDATION_FILES

pytest_plugins = ["tests.report_fixtures"]


def _with_validation(tmp_path, monkeypatch):
    """The validation notebook in the test's report set, with tiny ratings files in a shared
    folder of ``tmp_path`` and the cache there too; returns the ratings folder."""
    shutil.copy(
        config.PROJECT_ROOT / "notebooks" / "sentiment_validation.ipynb", config.NOTEBOOKS_DIR
    )
    catalog.NOTEBOOKS.append(("sentiment_validation", "Agreement with people."))
    ratings = tmp_path / "shared" / "validation" / "sentiment"
    ratings.mkdir(parents=True)
    for name in VALIDATION_FILES.values():
        (ratings / name).write_text("1\t2.5\tWhat a lovely day.\r\n2\t-3.0\tAwful.\r\n")
    monkeypatch.setenv("ANALYSIS_SHARED_DIR", str(tmp_path / "shared"))
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    return ratings


def test_validation_is_built_once_and_reused_until_its_ratings_change(
    two_notebooks, fake_kernel, tmp_path, monkeypatch
):
    ratings = _with_validation(tmp_path, monkeypatch)
    # the package's own files are part of the key: keep edits made meanwhile out of this test
    monkeypatch.setattr(reuse, "_code_digest", lambda: "code")
    first, second = tmp_path / "one.csv", tmp_path / "two.csv"
    first.write_text('text\n"One story. Two."\n')
    second.write_text('text\n"Another corpus entirely."\n"And a second story."\n')
    names = ["overview", "sentiment_validation"]

    def run(corpus, out):
        fake_kernel.clear()
        result = build_reports(str(corpus), out_dir=out, notebooks=names, progress=False)
        assert not result.failed
        return result.outcomes[1], sorted(name for name, _ in fake_kernel)

    built, ran = run(first, tmp_path / "a")
    assert ran == names and not built.reused
    reused, ran = run(second, tmp_path / "b")  # another corpus: the page is copied
    assert ran == ["overview"] and reused.reused and reused.summary == built.summary
    page = (tmp_path / "b" / "sentiment_validation.html").read_bytes()
    assert page == (tmp_path / "a" / "sentiment_validation.html").read_bytes()
    assert "reused from an earlier run" in (tmp_path / "b" / "index.html").read_text()
    with (ratings / VALIDATION_FILES["tweets"]).open("a") as handle:
        handle.write("3\t0.1\tA new rating.\r\n")
    rebuilt, ran = run(second, tmp_path / "b")  # a ratings file changed: executed again
    assert ran == names and not rebuilt.reused
    entries = list((tmp_path / "cache" / "reports").iterdir())
    assert len(entries) == 1  # the older entry was replaced


def test_the_key_changes_with_the_code_and_the_parameters(tmp_path, monkeypatch):
    ratings = tmp_path / "validation" / "sentiment"
    ratings.mkdir(parents=True)
    for name in VALIDATION_FILES.values():
        (ratings / name).write_text("1\t2.5\tWhat a lovely day.\r\n")
    monkeypatch.setenv("ANALYSIS_SHARED_DIR", str(tmp_path))
    task = ReportTask("sentiment_validation", "Agreement.", {}, "sentiment_validation")
    monkeypatch.setattr(reuse, "_code_digest", lambda: "code-1")
    key = reuse.reuse_key(task, show_code=False)
    assert key is not None and key == reuse.reuse_key(task, show_code=False)
    assert reuse.reuse_key(task, show_code=True) != key
    assert reuse.reuse_key(task._replace(parameters={"human_band": 1.0}), show_code=False) != key
    monkeypatch.setattr(reuse, "_code_digest", lambda: "code-2")
    assert reuse.reuse_key(task, show_code=False) != key
    assert reuse.reuse_key(task._replace(notebook="overview"), show_code=False) is None
    (ratings / VALIDATION_FILES["tweets"]).unlink()
    assert reuse.reuse_key(task, show_code=False) is None  # an input cannot be read


def test_a_large_corpus_runs_its_reports_one_at_a_time_after_the_pass(
    two_notebooks, fake_kernel, tmp_path, monkeypatch, capsys
):
    """By default a large corpus' reports run one at a time, the corpus-free one too, after the
    pass: each kernel holds the corpus, and two of them beside the pass or each other exceed
    2 GB at 25,000 articles."""
    from analysis.report import build as build_module

    _with_validation(tmp_path, monkeypatch)
    monkeypatch.setattr(build_module, "is_large", lambda path: True)
    ran = []
    monkeypatch.setattr(
        build_module, "prepare_corpus_apart", _recording(build_module.prepare_corpus_apart, ran)
    )
    monkeypatch.setattr(build_module, "run_notebooks", _recording(build_module.run_notebooks, ran))
    corpus = tmp_path / "one.csv"
    corpus.write_text('text\n"One story. Two."\n')
    names = ["overview", "sentiment_validation"]
    result = build_reports(str(corpus), out_dir=tmp_path / "a", notebooks=names)
    assert [o.name for o in result.outcomes] == names and not result.failed
    assert [name for name, _ in fake_kernel] == ["sentiment_validation", "overview"]
    assert ran[0] == ("prepare_corpus_apart", None)  # nothing started before the pass
    assert ran[1] == ("run_notebooks", 1)
    assert "beside" not in capsys.readouterr().out


def _recording(function, calls):
    """``function``, recording ``(its name, its jobs argument)`` in ``calls`` before each call."""

    def call(*args, **kwargs):
        calls.append((function.__name__, kwargs.get("jobs")))
        return function(*args, **kwargs)

    return call


def test_validation_runs_beside_the_pass_of_a_large_corpus_with_two_jobs(
    two_notebooks, fake_kernel, tmp_path, monkeypatch, capsys
):
    """On a corpus large enough for its pass to run apart, with ``jobs=2``, the corpus-free
    report starts before the pass and runs beside it; its outcome joins the others. A corpus
    that cannot be read stops it and writes nothing."""
    import threading

    from analysis.errors import CorpusError
    from analysis.report import build as build_module
    from analysis.report import execute

    _with_validation(tmp_path, monkeypatch)
    monkeypatch.setattr(build_module, "is_large", lambda path: True)
    started = threading.Event()
    fake = execute.execute_notebook

    def execute_notebook(source, target, parameters, cwd):
        if source.stem == "sentiment_validation":
            started.set()
        fake(source, target, parameters, cwd)

    monkeypatch.setattr(execute, "execute_notebook", execute_notebook)
    prepare = build_module.prepare_corpus_apart
    during = []

    def prepare_while_watching(*args, **kwargs):
        during.append(started.wait(timeout=30))  # the validation runs while the pass does
        return prepare(*args, **kwargs)

    monkeypatch.setattr(build_module, "prepare_corpus_apart", prepare_while_watching)
    corpus = tmp_path / "one.csv"
    corpus.write_text('text\n"One story. Two."\n')
    names = ["overview", "sentiment_validation"]
    result = build_reports(str(corpus), out_dir=tmp_path / "a", notebooks=names, jobs=2)
    assert during == [True]
    assert [o.name for o in result.outcomes] == names and not result.failed
    assert [name for name, _ in fake_kernel] == ["sentiment_validation", "overview"]
    printed = capsys.readouterr().out
    assert "running beside it: sentiment_validation" in printed
    assert "sentiment_validation: ok in" in printed and "(run beside the analysis pass)" in printed
    assert (tmp_path / "a" / "sentiment_validation.html").exists()

    def unreadable(*args, **kwargs):
        started.wait(timeout=30)
        raise CorpusError("bad corpus", path=str(corpus), line=2)

    started.clear()
    monkeypatch.setattr(build_module, "prepare_corpus_apart", unreadable)
    monkeypatch.setattr(reuse, "_code_digest", lambda: "another")  # not reused: run again
    with pytest.raises(CorpusError):
        build_reports(str(corpus), out_dir=tmp_path / "b", notebooks=names, jobs=2)
    assert not (tmp_path / "b").exists()
    assert not list(tmp_path.glob(".b.build-*"))
