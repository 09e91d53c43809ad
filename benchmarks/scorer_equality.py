"""Check analysis.sentiment.fast against the unmodified sentiment libraries on real text.

Compares TextBlob's Pattern sentiment (polarity, subjectivity and assessments) and VADER's four
scores, shortcut against library, on every distinct sentence of the AllSides sample and on every
human-rated text published with VADER (tweets, movie and product review snippets). Prints the
number of differences (0 expected) and the time each way. Usage::

    .venv/bin/python benchmarks/scorer_equality.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from textblob.en import sentiment as stock_pattern
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from analysis import config
    from analysis.corpus import load_corpus
    from analysis.sentiment import fast
    from analysis.sentiment_validation import load_sentiment_ratings, missing_validation_data

    sets: dict[str, list[str]] = {}
    if config.allsides_csv().exists():
        corpus = load_corpus(config.allsides_csv(), progress=False)
        sets["AllSides sentences"] = corpus.sentences["text"].drop_duplicates().tolist()
    if missing_validation_data() is None:
        ratings = load_sentiment_ratings()
        for name, group in ratings.groupby("dataset", sort=False):
            sets[f"rated {name}"] = group["text"].tolist()
    if not sets:
        print("skipped: neither the AllSides corpus nor the ratings are in ../shared")
        return 0
    print(f"shortcuts on: {fast.fast_paths()}")
    stock_vader, fast_vader = SentimentIntensityAnalyzer(), fast.Vader()
    fast.warm_up()
    len(stock_pattern)
    failed = 0
    for name, texts in sets.items():
        timings = {}
        started = time.perf_counter()
        expected_pattern = [stock_pattern(t) for t in texts]
        timings["textblob library"] = time.perf_counter() - started
        started = time.perf_counter()
        got_pattern = [fast.pattern_sentiment(t) for t in texts]
        timings["textblob shortcut"] = time.perf_counter() - started
        started = time.perf_counter()
        expected_vader = [stock_vader.polarity_scores(t) for t in texts]
        timings["vader library"] = time.perf_counter() - started
        started = time.perf_counter()
        got_vader = [fast_vader.polarity_scores(t) for t in texts]
        timings["vader shortcut"] = time.perf_counter() - started
        pattern_diff = sum(
            (g[0], g[1], g.assessments) != (e[0], e[1], e.assessments)
            for g, e in zip(got_pattern, expected_pattern, strict=True)
        )
        vader_diff = sum(g != e for g, e in zip(got_vader, expected_vader, strict=True))
        fallback = sum(fast.pattern_tokens(t) is None for t in texts)
        failed += pattern_diff + vader_diff
        print(
            f"{name:<24} {len(texts):>7,} texts  differences: textblob {pattern_diff}, "
            f"vader {vader_diff}  (full Pattern tokenizer needed for {fallback:,})"
        )
        speed_tb = timings["textblob library"] / timings["textblob shortcut"]
        speed_vader = timings["vader library"] / timings["vader shortcut"]
        print(
            "    "
            + "  ".join(f"{k} {v:5.2f} s" for k, v in timings.items())
            + f"  speed-up textblob {speed_tb:.2f}x, vader {speed_vader:.2f}x"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
