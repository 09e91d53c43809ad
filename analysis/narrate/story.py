"""One story in words: statements generated from the tables of :mod:`analysis.compare.story`.

Nothing of the analysis is computed here: every statement formats a row of the differences
table (:func:`analysis.compare.story_differences`, rows named by ``measure``) or of the terms
table (:func:`analysis.compare.story_distinctive_terms`, rows named by ``term``); a table not
given is made by those functions. Every corpus string goes through
:func:`analysis.safe.escape_markdown`.

The rules
    - *Tone.* The story's rank on tone among all stories of the selection (rank 1 = most
      negative; the first is "the least positive" when its tone is >= 0, the last "the least
      negative" when its tone is <= 0), with the median; among more than 20 stories the rank is
      also given as a top share (``top 5 %``). A story with fewer than ``min_sentences``
      sentences (default :data:`analysis.narrate.statements.MIN_SENTENCES`) gets the thin
      evidence note.
    - *Frames.* Each frame the story triggers, best rank first: its intensity (hits per 1,000
      words), whether it is present (the framing module's decision rule), its rank and in how
      many stories of the selection the frame is present; then the frames it never triggers.
    - *Length, words.* Its rank on length, saying when it is a truncated lead; its top five
      distinctive terms with z.
    - *Headline.* The story, its length, its tone rank and the frame on which it ranks highest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from analysis import framing
from analysis._checks import positive_int
from analysis.compare import (
    check_story_id,
    story_differences,
    story_distinctive_terms,
    story_labels,
)
from analysis.compare.cards import check_analysis
from analysis.narrate import statements
from analysis.safe import escape_markdown

__all__ = ["story_statements"]


def _story_tone(
    by: pd.DataFrame, n_sent: int, min_sentences: int, out: statements.Statements
) -> str:
    """The story's tone rank; returns the headline's tone phrase."""
    r = by.loc["tone"]
    rank, n = int(r["rank"]), int(r["n_ranked"])
    if rank == 1:
        where = "the most negative" if r["value"] < 0 else "the least positive"
    elif rank == n:
        where = "the most positive" if r["value"] > 0 else "the least negative"
    else:
        where = f"the {statements.ordinal(rank)} most negative"
    share = statements.top_share(rank, n) if 1 < rank < n else ""
    tone, sentences = statements.tone_text(r["value"]), statements.count_text(n_sent, "sentence")
    median = statements.tone_text(r["median"])
    thin = statements.thin_note(n_sent, min_sentences)
    text = (
        f"Its tone is {tone} over {sentences}: {where} of "
        f"{n:,} stories{share}, median {median}{thin}."
    )
    out.add("tone", "story_tone", text, "differences", ["tone"], "rank", r["value"])
    share_short = statements.top_share(rank, n, "; ", "") if 1 < rank < n else ""
    return f"{where} of {n:,} stories in tone ({statements.tone_text(r['value'])}{share_short})"


def _story_frames(diff: pd.DataFrame, out: statements.Statements) -> pd.DataFrame:
    """Each frame the story triggers, then those it does not; returns the triggered frames,
    best rank first."""
    frames = diff[diff["measure"].str.startswith("frame:")]
    carried = frames[frames["value"] > 0].sort_values(
        ["rank", "value"], ascending=[True, False], kind="stable"
    )
    for r in carried.itertuples(index=False):
        state = "present" if bool(r.present) else "below the presence rule"
        where = (
            "no story"
            if int(r.n_present) == 0
            else statements.count_text(int(r.n_present), "story", "stories")
        )
        text = (
            f"*{escape_markdown(r.label)}*: {r.value:.1f} hits per 1,000 words ({state}), "
            f"{statements.ordinal(int(r.rank))} of {int(r.n_ranked):,} stories"
            f"{statements.top_share(int(r.rank), int(r.n_ranked))}; the frame is present in "
            f"{where} of the selection."
        )
        out.add("frames", "story_frame", text, "differences", [r.measure], "rank", r.value)
    absent = frames[frames["value"] <= 0]
    if not absent.empty:
        listed = statements.joined([f"*{escape_markdown(x)}*" for x in absent["label"]])
        text = f"It has no trigger of {listed}."
        out.add("frames", "story_no_frame", text, "differences", absent["measure"], "value", 0)
    return carried


def _story_best_frame(best: pd.Series) -> str:
    """The headline's frame phrase: the frame on which the story ranks highest."""
    return (
        f"ranks {statements.ordinal(int(best['rank']))} on the "
        f"*{escape_markdown(best['label'])}* frame "
        f"({best['value']:.1f} hits per 1,000 words"
        + statements.top_share(int(best["rank"]), int(best["n_ranked"]), "; ", ")")
        + ("" if int(best["n_ranked"]) > 20 else ")")
    )


def _story_length(by: pd.DataFrame, truncated: bool, out: statements.Statements) -> None:
    """The story's length rank, and a warning when it is a truncated lead."""
    r = by.loc["words"]
    rank, n = int(r["rank"]), int(r["n_ranked"])
    place = (
        "the longest"
        if rank == 1
        else ("the shortest" if rank == n else f"the {statements.ordinal(rank)} longest")
    )
    text = (
        f"It has {int(r['value']):,} words, {place} of {n:,} stories "
        f"(median {r['median']:,.0f})"
        + (
            "; it is a truncated lead, cut off mid-sentence: its tone and frames describe "
            "an opening, not a whole story."
            if truncated
            else "."
        )
    )
    out.add("overview", "story_length", text, "differences", ["words"], "rank", r["value"])


def _story_headline(name: str, size: str, head: list[str], n_all: int) -> str:
    if n_all <= 1:
        return f"{statements.capitalised(name)} ({size}) is the only story of the selection."
    if not head:
        return f"{statements.capitalised(name)} ({size}) has no scored sentence."
    if len(head) == 2:
        return f"{statements.capitalised(name)} ({size}) is {head[0]} and {head[1]}."
    if head[0].startswith("ranks"):
        return f"{statements.capitalised(name)} ({size}) {head[0]} among {n_all:,} stories."
    return f"{statements.capitalised(name)} ({size}) is {head[0]}."


def story_statements(
    analysis: Any,
    story_id: str | None,
    *,
    codebook: framing.Codebook | str | Path = "generic",
    differences: pd.DataFrame | None = None,
    terms: pd.DataFrame | None = None,
    min_sentences: int = statements.MIN_SENTENCES,
) -> pd.DataFrame:
    """How one story differs from the rest of the selection, in words.

    Same columns as :func:`analysis.narrate.compare.comparison_statements`; the sources are the
    ``differences`` table (:func:`analysis.compare.story_differences`, rows named by
    ``measure``) and the ``terms`` table (:func:`analysis.compare.story_distinctive_terms`,
    rows named by ``term``). The headline (first row) names the story, its length, its tone rank
    and the frame on which it ranks highest. A table not given is made by
    :mod:`analysis.compare`.

    Args:
        analysis: the shared pass.
        story_id: the story (``None``: the first one).
        codebook: the frame codebook (for ``differences`` when not given).
        differences: :func:`analysis.compare.story_differences` output if already computed.
        terms: :func:`analysis.compare.story_distinctive_terms` output if already computed.
        min_sentences: a tone claim about a story with fewer sentences says the evidence is
            thin.

    Raises:
        ParameterError: an unknown story or a bad ``min_sentences``.
    """
    check_analysis(analysis)
    story = check_story_id(analysis.corpus, story_id)
    min_sentences = positive_int(min_sentences, "min_sentences")
    diff = differences
    if diff is None:
        diff = story_differences(analysis, story, codebook=codebook)
    terms = story_distinctive_terms(analysis, story) if terms is None else terms
    stories = analysis.corpus.stories
    info = stories[stories["story_id"] == story].iloc[0]
    n_all = len(stories)
    by = diff.set_index("measure")
    out = statements.Statements()
    head: list[str] = []
    sources: list[str] = []
    if "tone" in by.index and n_all > 1:
        head.append(_story_tone(by, int(info["n_sentences"]), min_sentences, out))
        sources.append("tone")
    carried = _story_frames(diff, out)
    if not carried.empty and n_all > 1:
        head.append(_story_best_frame(carried.iloc[0]))
        sources.append(carried.iloc[0]["measure"])
    if "words" in by.index and n_all > 1:
        _story_length(by, bool(info["is_truncated"]), out)
    if not terms.empty:
        rows = terms.head(5)
        text = (
            f"Words that set it apart from the other stories (z): {statements.listed_terms(rows)}."
        )
        out.add("words", "story_terms", text, "terms", rows["term"], "z", rows["z"].iloc[0])
    size = f"{int(info['n_words']):,} words" + (
        ", a truncated lead" if bool(info["is_truncated"]) else ""
    )
    name = statements.bold_name(story_labels(stories)[story])
    return out.table(headline=_story_headline(name, size, head, n_all), sources=sources)
