"""Agreement of the hybrid sentence splitter with pure pySBD on the AllSides corpus.

Prints the share of identical sentence boundaries over every paragraph, the same figure leaving
out paragraphs where pySBD's own output is wrong on its face, and the time of both methods.
With ``--categories`` it prints instead, for each kind of word before a ". " + capital (or opening
quote) that the plain-word and number rules do not settle, how often pySBD ends the sentence
there: the evidence behind the hybrid's ``_SURE_END_WORD`` rule.
Usage: ``.venv/bin/python benchmarks/segmentation_agreement.py [--categories] [articles.csv]``
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis import config, load_corpus, segment  # noqa: E402
from analysis.segment import boundary_agreement, sentence_spans  # noqa: E402

# the kinds the hybrid cuts after (segment.SURE_END_KINDS), then kinds it leaves to pySBD
_KINDS = [
    *segment.SURE_END_KINDS.items(),
    ("inner capital", r"[A-Za-z]*[a-z][A-Z][A-Za-z]*"),
    ("one digit", r"\d"),
    ("initials", r"(?:[A-Za-z]\.)+[A-Za-z]"),
]


def _kind(token: str) -> str:
    if token.lower() in segment.ABBREVIATIONS:
        return "abbreviation"
    for name, pattern in _KINDS:
        if re.fullmatch(pattern, token):
            return name
    return "other"


def categories(paragraphs: list[str]) -> None:
    """pySBD's decision at each mark the plain-word and number rules leave open, by word kind."""
    total: Counter[str] = Counter()
    split: Counter[str] = Counter()
    for paragraph in paragraphs:
        if not paragraph.strip() or "..." in paragraph or paragraph.count('"') % 2:
            continue
        marks = []
        for match in segment._MARK.finditer(paragraph):
            token = segment._word_before(paragraph, match)
            following = paragraph[match.end(2) : match.end(2) + 1]
            if (
                match.group(1) != "."
                or not (following.isupper() or following == '"')
                or segment._inside_quotes(paragraph, match)
                or segment._inside_brackets(paragraph, match)
                or segment._NUMBER.fullmatch(token)
                or (
                    segment._PLAIN_WORD.fullmatch(token)
                    and token.lower() not in segment.ABBREVIATIONS
                )
                or segment._classify(paragraph, match, True) == "keep"
            ):
                continue
            marks.append((match, _kind(token)))
        if not marks:
            continue
        ends = {e for _, e in segment._pysbd_spans(paragraph)}
        for match, kind in marks:
            total[kind] += 1
            split[kind] += any(match.start(1) < e <= match.start(2) for e in ends)
    print("word before '. ' + capital or quote    marks   pySBD ends the sentence")
    for kind, n in total.most_common():
        print(f"{kind:<36} {n:>6,}   {split[kind] / n:6.1%}")


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "--categories"]
    csv = Path(args[0]) if args else config.allsides_csv()
    if not csv.exists():
        print(f"skipped: corpus not found at {csv}")
        return 0
    corpus = load_corpus(csv, progress=False)
    paragraphs = [p for text in corpus.stories["text"] for p in text.split("\n")]
    if "--categories" in sys.argv[1:]:
        categories(paragraphs)
        return 0
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
