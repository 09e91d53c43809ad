"""Benchmark: build the explorer and time its interactions, on the seeds and on AllSides.

For each corpus (and each grouping given), prints: the time to open the corpus, run the shared
analysis pass (from the cache when warm), build the explorer's tables (targets and mentions from
their cache when warm) and its widgets; then the median and the slowest of repeated
interactions, each timed in the kernel-side Python (the browser's part is timed by
``explore_lab_check.py``): a story or group change, a filter change (tone, frame, target,
cleared), a page turn, a click on a sentence (its detail, with the words behind its scores),
and switching to side by side. Run it twice: the first run fills the caches.

Run: ``.venv/bin/python benchmarks/explore_benchmark.py [--groups story_id outlet ...]``
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
from collections.abc import Callable

from analysis import analyze, config, open_corpus
from analysis.explore import Explorer, explore_tables


def _timed(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and maximum wall time of ``action`` in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times), max(times)


def _interactions(explorer: Explorer, repeat: int) -> None:
    pane = explorer.panes[0]
    tables = explorer.tables
    choices = tables.groups if tables.group != "story_id" else list(tables.story_rows)
    step = max(1, len(choices) // repeat)
    picks = itertools.cycle(choices[::step])

    def change_selection() -> None:
        value = next(picks)
        if tables.group == "story_id":
            pane.choose(story=value)
        else:
            pane.choose(group=value)

    frames = itertools.cycle([(f,) for f in tables.frame_ids])
    targets = itertools.cycle(tables.target_labels or [None])
    clicks = itertools.count()
    tones = itertools.cycle(["negative", "positive", "neutral"])
    actions: list[tuple[str, Callable[[], object]]] = [
        ("story/group change", change_selection),
        ("filter: tone", lambda: explorer.set_filters(tone=next(tones))),
        ("filter: one frame", lambda: explorer.set_filters(frames=next(frames))),
        (
            "filter: target",
            lambda: explorer.set_filters(frames=(), tone=None, target=next(targets)),
        ),
        ("filter: cleared", lambda: explorer.set_filters(frames=(), tone=None, target=None)),
        ("page turn", lambda: pane.turn(1 if pane.page == 0 else -1)),
        (
            "click a sentence",
            lambda: pane.click(next(clicks) % max(1, min(len(pane.shown), explorer.page_size))),
        ),
        ("side by side on/off", lambda: explorer.side_by_side(not explorer.mode.value)),
    ]
    for name, action in actions:
        median, worst = _timed(action, repeat)
        print(f"  {name:<24} median {median:7.1f} ms   max {worst:7.1f} ms   ({repeat} runs)")


def run(label: str, path: object, group: str, repeat: int) -> None:
    t0 = time.perf_counter()
    corpus = open_corpus(path)
    t1 = time.perf_counter()
    result = analyze(corpus, codebooks=["generic"], terms=False)
    t2 = time.perf_counter()
    tables = explore_tables(result, codebook="generic", group=group)
    t3 = time.perf_counter()
    explorer = Explorer(tables)
    t4 = time.perf_counter()
    explorer.wait_until_ready()
    t5 = time.perf_counter()
    print(
        f"[{label}, group={group}] {len(corpus.stories):,} stories, "
        f"{len(tables.sentences):,} sentences, {len(tables.triggers):,} triggers, "
        f"{len(tables.targets)} targets, {len(tables.mentions):,} mentions\n"
        f"  open corpus {t1 - t0:5.2f} s · analyze {t2 - t1:5.2f} s · tables {t3 - t2:5.2f} s · "
        f"widgets {t4 - t3:5.2f} s · construction total {t4 - t0:5.2f} s "
        f"(lexicons ready {t5 - t4:4.2f} s later, in the background)"
    )
    _interactions(explorer, repeat)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", nargs="+", default=["story_id", "outlet"])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    run("seeds", None, "story_id", args.repeat)
    path = config.allsides_csv()
    if not path.exists():
        print(f"skipped AllSides: not at {path} (it lives in ../shared)")
        return 0
    for group in args.groups:
        run("AllSides", path, group, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
