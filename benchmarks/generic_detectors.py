"""Benchmark: the generic codebook's detectors before and after a change, on the AllSides sample.

Method: the blind rule of :mod:`analysis.framing.summary` (a frame is present in a story when
its summed sentence score reaches 2) applied with two versions of the generic codebook of
Semetko & Valkenburg (2000): the one committed at ``HEAD`` (read with ``git show``) and the
working copy. Prints, per frame, the share of the 2,505 AllSides stories (Baly et al. 2020)
where the frame is present under each version, then per detector the hits and the stories with
at least one hit. These are fire rates, not accuracy: the AllSides sample has no frame codes.
Skips with a message when ``../shared`` or git is absent.

Run: ``.venv/bin/python benchmarks/generic_detectors.py [--before REV]``
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

from analysis import config, framing, load_corpus

CODEBOOK = "analysis/data/codebooks/generic.yaml"


def _old_codebook(rev: str, folder: Path) -> Path | None:
    """The codebook as committed at ``rev``, written to ``folder``; None when git cannot say."""
    try:
        text = subprocess.run(
            ["git", "show", f"{rev}:{CODEBOOK}"],
            cwd=config.PROJECT_ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"skipped the 'before' codebook: git show {rev}:{CODEBOOK} failed ({exc})")
        return None
    path = folder / "generic.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _run(book_path: Path, corpus) -> tuple[pd.Series, pd.DataFrame]:
    """Share of stories where each frame is present, and hits/stories per detector."""
    book = framing.load_codebook(book_path)
    hits = framing.frame_hits(corpus.sentences, codebook=book)
    summary = framing.frame_summary(hits, corpus.stories, codebook=book)
    present = summary.groupby("frame", observed=True)["present"].mean()
    keys = ["frame", "detector"]
    first = hits.drop_duplicates(["story_id", *keys])
    per = pd.DataFrame(
        {
            "hits": hits.groupby(keys, observed=True).size(),
            "stories": first.groupby(keys, observed=True).size(),
        }
    )
    return present, per


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="HEAD", help="git revision of the 'before' codebook")
    args = parser.parse_args()
    path = config.allsides_csv()
    if not path.exists():
        print(f"skipped: the AllSides corpus is not at {path} (it lives in ../shared)")
        return 0
    corpus = load_corpus(path)
    n = len(corpus.stories)
    with tempfile.TemporaryDirectory() as tmp:
        old_path = _old_codebook(args.before, Path(tmp))
        after = _run(config.PROJECT_ROOT / CODEBOOK, corpus)
        before = _run(old_path, corpus) if old_path is not None else None
    print(f"AllSides: {n:,} stories; blind rule (score >= {framing.DEFAULT_THRESHOLD:g})\n")
    print("share of stories where the frame is present")
    print(f"  {'frame':<16}{'before':>8}{'after':>8}")
    for frame, value in after[0].items():
        old = f"{before[0].get(frame, float('nan')):8.1%}" if before else f"{'-':>8}"
        print(f"  {frame:<16}{old}{value:8.1%}")
    table = after[1].add_suffix("_after")
    if before is not None:
        table = before[1].add_suffix("_before").join(table, how="outer")
    table = table.fillna(0).astype("int64")
    print("\nhits and stories with a hit, per detector (0: the detector is absent)")
    print(table.to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
