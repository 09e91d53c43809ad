"""Agreement of the hybrid sentence splitter with pure pySBD on the AllSides corpus.

Prints the share of identical sentence boundaries over every paragraph, the same figure leaving
out paragraphs where pySBD's own output is wrong on its face, and the time of both methods.
Usage: ``.venv/bin/python benchmarks/segmentation_agreement.py [articles.csv]``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis import config, load_corpus  # noqa: E402
from analysis.segment import boundary_agreement, sentence_spans  # noqa: E402


def main() -> int:
    csv = Path(sys.argv[1]) if len(sys.argv) > 1 else config.allsides_csv()
    if not csv.exists():
        print(f"skipped: corpus not found at {csv}")
        return 0
    corpus = load_corpus(csv, progress=False)
    paragraphs = [p for text in corpus.stories["text"] for p in text.split("\n")]
    started = time.perf_counter()
    for paragraph in paragraphs:
        sentence_spans(paragraph)
    hybrid = time.perf_counter() - started
    started = time.perf_counter()
    for paragraph in paragraphs:
        sentence_spans(paragraph, method="pysbd")
    pysbd = time.perf_counter() - started
    figures = boundary_agreement(paragraphs)
    print(f"paragraphs: {len(paragraphs):,}; boundaries compared: {figures['boundaries']:,.0f}")
    print(f"hybrid {hybrid:.1f} s, pySBD {pysbd:.1f} s ({pysbd / hybrid:.1f}x)")
    print(f"identical boundaries: {figures['agreement']:.2%}")
    print(
        f"identical boundaries leaving out {figures['paragraphs_pysbd_broken']:,.0f} paragraphs "
        f"where pySBD loses, reorders or mis-cuts text: "
        f"{figures['agreement_excluding_pysbd_errors']:.2%}"
    )
    print(f"paragraphs split differently: {figures['paragraphs_differing']:,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
