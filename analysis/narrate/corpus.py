"""The corpus in words: a plain-language Markdown summary generated from a corpus' tables.

Nothing is computed here beyond counting rows of the tables given (stories, sentences, words,
truncated stories, datelines, duplicates, skipped inputs, removed page furniture). Every value
taken from the corpus (story ids, datelines, file names, skip reasons, furniture lines) goes
through
:func:`analysis.safe.escape_markdown`, so a hostile input file cannot put a link, markup or raw
HTML into a report; values are shown as plain text, not code spans (a code span cannot escape
a backtick).
"""

from __future__ import annotations

import pandas as pd

from analysis.corpus import Corpus, furniture_summary
from analysis.narrate.statements import count_text
from analysis.safe import escape_markdown

__all__ = ["DESCRIBED_SKIPS", "describe_corpus", "describe_furniture"]

#: Skipped inputs listed by :func:`describe_corpus` (the rest are counted).
DESCRIBED_SKIPS = 5


def describe_corpus(corpus: Corpus) -> str:
    """A plain-language Markdown summary of the corpus, generated from its tables.

    Every value taken from the corpus (story ids, datelines, file names, skip reasons) passes
    through :func:`analysis.safe.escape_markdown`, so a hostile input file cannot put a link,
    markup or raw HTML into a report; values are shown as plain text, not code spans (a code span
    cannot escape a backtick).

    >>> from analysis.corpus import load_corpus
    >>> text = describe_corpus(load_corpus())
    >>> text.startswith("**4 stories**"), "`" in text
    (True, False)
    """
    stories = corpus.stories
    n = len(stories)
    truncated = stories.loc[stories["is_truncated"], "story_id"].tolist()
    lengths = stories["n_words"]
    parts = [
        f"**{n:,} stories**, {len(corpus.sentences):,} sentences and {int(lengths.sum()):,} "
        f"words; stories run from {int(lengths.min()):,} to {int(lengths.max()):,} words "
        f"(median {lengths.median():,.0f})."
    ]
    if truncated:
        shown = ", ".join(escape_markdown(s) for s in truncated[:5])
        more = f" and {len(truncated) - 5:,} more" if len(truncated) > 5 else ""
        parts.append(
            f"**{len(truncated):,} of {n:,} stories stop mid-sentence** (cut-off leads: "
            f"{shown}{more}). Their scores describe the opening only; compare them with full "
            "stories with care."
        )
    datelines = stories["dateline"].dropna()
    if len(datelines):
        places = ", ".join(escape_markdown(d) for d in sorted(set(datelines))[:6])
        parts.append(
            f"{count_text(len(datelines), 'story', 'stories')} "
            f"{'opens' if len(datelines) == 1 else 'open'} with a dateline ({places}); "
            "it is kept as a column "
            "and removed from the analysed text."
        )
    duplicates = int(stories["duplicate_of"].notna().sum())
    if duplicates:
        verb = "repeats" if duplicates == 1 else "repeat"
        parts.append(
            f"{count_text(duplicates, 'story', 'stories')} {verb} an earlier story's text "
            "(`duplicate_of`)."
        )
    furniture = describe_furniture(corpus)
    if furniture:
        parts.append(furniture)
    skipped = _skipped_sentence(corpus.skipped)
    if skipped:
        parts.append(skipped)
    return "\n\n".join(parts)


def _skipped_sentence(skipped: pd.DataFrame) -> str:
    """The first :data:`DESCRIBED_SKIPS` skipped inputs with their reasons ("" if none)."""
    if not len(skipped):
        return ""
    listed = []
    for row in skipped.head(DESCRIBED_SKIPS).to_dict("records"):
        line = row.get("source_line")
        where = escape_markdown(row.get("source_file"))
        if line is not None and not pd.isna(line):
            where += f" line {int(line)}"
        listed.append(f"{where}: {escape_markdown(row.get('reason'))}")
    more = len(skipped) - len(listed)
    return (
        f"{count_text(len(skipped), 'input')} {'was' if len(skipped) == 1 else 'were'} "
        "skipped (see the skipped table): "
        + "; ".join(listed)
        + (f"; and {more:,} more." if more > 0 else ".")
    )


def describe_furniture(corpus: Corpus, *, group: str = "outlet") -> str:
    """One or two sentences on the page furniture the loader removed ("" when none was).

    Counts come from ``corpus.furniture`` (see :func:`analysis.corpus.furniture_summary`); the
    outlet and line named pass through :func:`analysis.safe.escape_markdown`.

    >>> from analysis.corpus import load_corpus
    >>> describe_furniture(load_corpus())
    ''
    """
    removed = corpus.furniture
    if removed.empty:
        return ""
    n_stories = removed["story_id"].nunique()
    kinds = removed["kind"].value_counts()
    kinds = kinds.reset_index().sort_values(["count", "kind"], ascending=[False, True])
    listed = ", ".join(f"{escape_markdown(k)} {n:,}" for k, n in kinds.head(4).values)
    what = "line or caption span" if len(removed) == 1 else "lines or caption spans"
    text = (
        f"Page furniture was removed from {n_stories:,} of {len(corpus.stories):,} stories: "
        f"{len(removed):,} {what}"
        f" ({listed}); the text as read is kept in "
        "`raw_text` and every removal is listed in the furniture table."
    )
    summary = furniture_summary(corpus, group=group, examples=1)
    if len(summary) and group in summary.columns:
        by_group = summary.groupby(group, sort=False)["lines"].sum().sort_values(ascending=False)
        top = by_group.index[0]
        line = removed["text"].value_counts().index[0]
        text += (
            f" Most came from {escape_markdown(top)} ({int(by_group.iloc[0]):,} "
            f"{'line' if int(by_group.iloc[0]) == 1 else 'lines'}); the "
            f"most frequent removed line is \u201c{escape_markdown(line[:80])}\u201d."
        )
    return text
