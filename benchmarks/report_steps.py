"""Benchmark: the time of each analysis step the language, comparison and sentiment reports run,
in one plain process (no kernel), with a fingerprint of each result.

Runs the calls of ``topics_language.ipynb``, ``comparison.ipynb`` and ``sentiment.ipynb`` in
order and prints, per step, the seconds, the load average and the first 12 hex digits of the
SHA-256 of the result (tables as CSV with their dtypes and ``attrs``): run it before and after a
change to see that the results did not move. Run it twice for warm-cache figures (the first run
fills the analysis cache). Usage::

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/report_steps.py            # AllSides
    .venv/bin/python benchmarks/report_steps.py seeds -g story_id
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time
from collections.abc import Callable
from typing import Any

import pandas as pd

from analysis import analyze, compare, config, language, open_corpus
from analysis.pipeline import corpus_term_counts
from analysis.sentiment import sentiment_evidence, story_sentiment, target_sentiment


def fingerprint(obj: Any) -> str:
    """SHA-256 (12 hex digits) of a table, a dataclass of tables, or anything by ``repr``."""
    if isinstance(obj, pd.Series):
        obj = obj.to_frame()
    if isinstance(obj, pd.DataFrame):
        text = obj.to_csv() + repr(obj.dtypes.to_dict()) + repr(obj.attrs)
    elif hasattr(obj, "__dataclass_fields__"):
        text = "|".join(f"{k}={fingerprint(getattr(obj, k))}" for k in obj.__dataclass_fields__)
    else:
        text = repr(obj)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _step(name: str, call: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    load = os.getloadavg()[0]
    print(f"  {name:<20} {seconds:7.2f} s  load {load:4.1f}  {fingerprint(result)}", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(config.allsides_csv().parent))
    parser.add_argument("-g", "--group", default="bias_label")
    args = parser.parse_args(argv)
    path, group = (None if args.corpus == "seeds" else args.corpus), args.group
    started = time.perf_counter()
    corpus = _step("open_corpus", lambda: open_corpus(path))
    stories = corpus.stories
    counts = _step("term_counts", lambda: corpus_term_counts(corpus, ngram_range=[1, 2]))
    _step(
        "distinctive_terms",
        lambda: language.distinctive_terms(
            stories, group=group, top_n=15, counts=counts, own_names="outlet"
        ),
    )
    model = _step("topic_model", lambda: language.topic_model(corpus, seed=0))
    _step("similarity", lambda: language.similarity_matrix(stories, group=group, counts=counts))
    _step("actors", lambda: language.actors(corpus, group=group))
    _step("quotes", lambda: language.quotes(corpus.sentences))
    clusters = _step("story_clusters", lambda: language.story_clusters(stories, counts=counts))
    _step("story_topics", lambda: language.story_topics(corpus, model=model, clusters=clusters))
    _step("tfidf_terms", lambda: language.tfidf_terms(stories, group=group, counts=counts))
    _step("nearest", lambda: language.nearest_neighbours(stories, k=3, counts=counts))
    _step("near_duplicates", lambda: language.near_duplicates(stories, counts=counts))
    result = _step("analyze", lambda: analyze(corpus, codebooks=["generic"]))
    _step("compare", lambda: compare.compare(result, group=group, codebook="generic"))
    scored = result.sentiment
    _step("story_sentiment", lambda: story_sentiment(scored, stories, group=group))
    _step("target_sentiment", lambda: target_sentiment(scored, stories, group=group))
    _step("sentiment_evidence", lambda: sentiment_evidence(scored, group=group, stories=stories))
    print(f"  {'all steps':<20} {time.perf_counter() - started:7.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
