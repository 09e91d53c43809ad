"""Benchmark: hostile input through the loader, the analysis pass and a framing report.

Prints wall-clock seconds for

1. one story of 1 MB and one of 20 MB of text without sentence punctuation (the seed stories
   with ``. ! ?`` and line breaks removed, repeated), each through ``load_corpus`` then
   ``analyze`` (both shipped codebooks, sentiment, term counts; all cores). The segmenter cuts
   such a story into pieces of at most ``analysis.segment.MAX_SENTENCE_CHARS`` characters and
   the frame matcher is linear in sentence length; the target is under 60 s for 20 MB on two
   cores;
2. a framing report on a codebook whose only detector is the catastrophic regular expression
   ``re:(a+)+$`` (and ``re:(a|a)+$``, which backtracks exponentially in the ``regex`` package
   too; ``(a|a)*$`` itself is refused at load because it matches the empty string), on a
   corpus holding the seed stories and the sentence
   ``"aaa…a!"`` with 30 and 40 ``a``: load, the analysis pass, ``frame_summary``, ``describe``,
   ``frame_evidence``/``evidence_html`` and ``export_frame_matrix``, as the framing notebook
   does. Each regex search gets ``analysis.framing.REGEX_TIMEOUT`` seconds per sentence; the
   timeout warnings that reach the benchmark's process are counted (with ``workers=2`` the
   analysis pass runs in worker processes, whose warnings stay there).

Every run uses a fresh cache folder (``ANALYSIS_CACHE_DIR`` is set to a temporary folder), so
nothing is read from an earlier run. Add ``--quick`` to skip the 20 MB story.

Run: ``.venv/bin/python benchmarks/hostile_input_benchmark.py [--quick]``
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

_TMP = tempfile.TemporaryDirectory(prefix="hostile-benchmark-")
os.environ["ANALYSIS_CACHE_DIR"] = str(Path(_TMP.name) / "cache")

from analysis import analyze, framing, load_corpus  # noqa: E402
from analysis.narrate import framing as narrate_framing  # noqa: E402
from analysis.segment import MAX_SENTENCE_CHARS  # noqa: E402

MB = 1_000_000


def unpunctuated_story(n_chars: int) -> str:
    """About ``n_chars`` characters of seed-story words without sentence punctuation, one
    paragraph (cut at a space)."""
    seeds = " ".join(load_corpus(cache=False).stories["text"])
    words = re.sub(r"\s+", " ", re.sub(r"[.!?\n]+", " ", seeds)).strip()
    text = " ".join([words] * (n_chars // len(words) + 1))
    return text[:n_chars].rsplit(" ", 1)[0]


def time_story(n_chars: int, folder: Path) -> None:
    path = folder / f"unpunctuated-{n_chars // MB}mb.txt"
    path.write_text(unpunctuated_story(n_chars), encoding="utf-8")
    start = time.perf_counter()
    corpus = load_corpus(path)
    loaded = time.perf_counter()
    result = analyze(corpus)
    done = time.perf_counter()
    longest = int(corpus.sentences["text"].str.len().max())
    hits = sum(len(h) for h in result.frame_hits.values())
    print(
        f"{n_chars / MB:>4.0f} MB unpunctuated story: load {loaded - start:6.1f} s + analysis "
        f"pass {done - loaded:6.1f} s = {done - start:6.1f} s ({len(corpus.sentences):,} "
        f"sentences, longest {longest:,} chars; {hits:,} frame hits)"
    )


CODEBOOK = """\
name: hostile
version: "1"
citation: A benchmark codebook with one catastrophic regular expression.
frames:
  - id: hostile
    label: Hostile
    description: Fires on a run of the letter a at the end of a sentence.
    detectors:
      - id: run_of_a
        terms: ['re:{pattern}']
"""


def time_regex_report(pattern: str, n_a: int, folder: Path, workers: int) -> None:
    book_path = folder / f"hostile-{n_a}.yaml"
    book_path.write_text(CODEBOOK.format(pattern=pattern), encoding="utf-8")
    corpus_path = folder / f"aaa-{n_a}.txt"
    seeds = "\n\n".join(load_corpus(cache=False).stories["text"])
    corpus_path.write_text(f"{seeds}\n\nThe cry was {'a' * n_a}!\n", encoding="utf-8")
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        corpus = load_corpus(corpus_path)
        book = framing.load_codebook(book_path)
        result = analyze(corpus, codebooks=[book], terms=False, cache=False, workers=workers)
        hits = result.frame_hits[book.name]
        summary = framing.frame_summary(hits, corpus.stories, codebook=book)
        narrate_framing.describe(summary, codebook=book)
        evidence = framing.frame_evidence(hits, corpus.sentences)
        narrate_framing.evidence_html(evidence, labels=book.labels())
        framing.export_frame_matrix(summary, folder / "out", codebook=book.name)
    seconds = time.perf_counter() - start
    timeouts = [w for w in caught if issubclass(w.category, framing.MatchTimeoutWarning)]
    where = "in this process" if workers == 1 else f"in {workers} worker processes"
    print(
        f"framing report, re:{pattern:<8} {n_a} 'a' + '!', analysis {where}: {seconds:5.1f} s "
        f"({len(hits)} hits; {len(timeouts)} timeout warning(s) reached this process)"
    )


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    folder = Path(_TMP.name)
    print(
        f"cores: {os.cpu_count()}; longest sentence: {MAX_SENTENCE_CHARS:,} chars; regex time "
        f"limit: {framing.REGEX_TIMEOUT:g} s per sentence, switched off after "
        f"{framing.MAX_REGEX_TIMEOUTS} timeouts"
    )
    time_story(1 * MB, folder)
    if not quick:
        time_story(20 * MB, folder)
    for pattern in ("(a+)+$", "(a|a)+$"):  # "(a|a)*$" is refused: it matches the empty string
        for n_a in (30, 40):
            time_regex_report(pattern, n_a, folder, workers=1)
        time_regex_report(pattern, 40, folder, workers=2)
    _TMP.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
