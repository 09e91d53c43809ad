"""Plain-language reading of the topics-and-language tables, as Markdown bullets.

:func:`describe` turns the tables of :mod:`analysis.language` (distinctive terms, a topic model,
a similarity matrix, actors, quotations) into sentences whose every number is read from them; it
computes nothing of the analysis. Every term, name and label from the corpus is escaped with
:func:`analysis.safe.escape_markdown`.
"""

from __future__ import annotations

import pandas as pd

from analysis._checks import positive_int
from analysis.language import (
    NEAR_DUPLICATE_THRESHOLD,
    RELATED_THRESHOLD,
    Z_SIGNIFICANT,
    TopicModel,
    ranked_pairs,
    top_speakers,
)
from analysis.narrate.statements import count_text
from analysis.safe import escape_markdown as md

__all__ = ["describe"]

_UNIT_PLURAL = {"story": "stories", "paragraph": "paragraphs", "sentence": "sentences"}


def _fmt_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _short(label: str, width: int = 40) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def _distinctive_lines(distinctive: pd.DataFrame, top: int, max_groups: int) -> list[str]:
    lines = []
    groups = list(dict.fromkeys(distinctive["group"]))
    if not groups:
        lines.append("- No distinctive terms: the corpus has fewer than two groups.")
    for g in groups[:max_groups]:
        d = distinctive[distinctive["group"] == g].sort_values("rank")
        terms = [f"*{md(t)}* ({z:.1f})" for t, z in zip(d["term"], d["z"], strict=True)][:top]
        n_sig = int(d["significant"].sum())
        lines.append(
            f"- **{md(_short(str(g)))}** is set apart most by {_fmt_list(terms)} "
            "(z in brackets); "
            f"{n_sig} of its top {len(d)} terms reach z > {Z_SIGNIFICANT}."
        )
    if len(groups) > max_groups:
        lines.append(f"- … and {len(groups) - max_groups} more groups (see the table).")
    if groups and not distinctive["significant"].any():
        lines.append(
            "- No term reaches z > 1.96: the texts are short, so read the ranking, "
            "not the size of z."
        )
    return lines


def _topic_lines(
    topics: TopicModel, topic_shares: pd.DataFrame | None, max_groups: int
) -> list[str]:
    if topics.n_topics == 0:
        return ["- No topic model: fewer than two units with counted terms."]
    t = topics.topics.iloc[0]
    fit = float(topics.units["fit"].mean())
    lines = [
        f"- {topics.n_topics} topics over "
        f"{count_text(len(topics.units), topics.unit, _UNIT_PLURAL[topics.unit])}; the "
        f"largest, *{md(t['label'])}*, carries {t['weight_share']:.0%} of the topic "
        "weight; "
        f"the topics reproduce on average {fit:.0%} of a {topics.unit}'s TF-IDF vector."
    ]
    shares = topics.shares if topic_shares is None else topic_shares
    key = "story_id" if topic_shares is None else "group"
    names = list(dict.fromkeys(shares[key]))
    for name in names[:max_groups]:
        s = shares[shares[key] == name].sort_values(["share", "topic"], ascending=[False, True])
        if s["share"].iloc[0] <= 0:
            lines.append(f"- **{md(_short(str(name)))}** has no counted terms for the topics.")
            continue
        lines.append(
            f"- **{md(_short(str(name)))}** is mostly topic {s['topic'].iloc[0]} "
            f"(*{md(s['label'].iloc[0])}*, {s['share'].iloc[0]:.0%})."
        )
    if len(names) > max_groups:
        lines.append(f"- … and {len(names) - max_groups} more.")
    return lines


def _similarity_line(similarity: pd.DataFrame) -> str:
    pairs = ranked_pairs(similarity)
    best, worst = pairs.iloc[0], pairs.iloc[-1]
    related = int((pairs["similarity"] >= RELATED_THRESHOLD).sum())
    dup = int((pairs["similarity"] >= NEAR_DUPLICATE_THRESHOLD).sum())
    n_total = similarity.attrs.get("n_total")  # similarity_matrix kept only the first rows
    among = f" among the first {len(similarity):,} of {int(n_total):,}" if n_total else ""
    text = (
        f"- The most similar pair{among} is **{md(_short(best['first']))}** and "
        f"**{md(_short(best['second']))}** (cosine {best['similarity']:.2f}); the least similar "
        f"**{md(_short(worst['first']))}** and **{md(_short(worst['second']))}** "
        f"({worst['similarity']:.2f})."
    )
    if similarity.index.name in (None, "story_id"):
        return text + (
            f" {related} of {len(pairs)} pairs reach {RELATED_THRESHOLD} (same event) and "
            f"{dup} reach {NEAR_DUPLICATE_THRESHOLD} (near-duplicates)."
        )
    return text + (
        " These compare the groups' mean vectors, which are much closer than single "
        "stories; the story thresholds do not apply."
    )


def _actor_lines(actor_table: pd.DataFrame, top: int, max_groups: int) -> list[str]:
    lines = []
    groups = list(dict.fromkeys(actor_table["group"]))
    for g in groups[:max_groups]:
        a = actor_table[actor_table["group"] == g].head(top)
        named = [f"{md(x)} ({n})" for x, n in zip(a["actor"], a["mentions"], strict=True)]
        lines.append(f"- **{md(_short(str(g)))}** mentions most {_fmt_list(named)}.")
    if len(groups) > max_groups:
        lines.append(f"- … and {len(groups) - max_groups} more groups.")
    return lines


def _quote_line(quote_table: pd.DataFrame, top: int) -> str:
    if quote_table.empty:
        return "- No direct quotations."
    counts = quote_table["kind"].value_counts()
    ranked = top_speakers(quote_table, top=top)
    text = (
        f"- {len(quote_table)} quotations: {counts.get('speech', 0)} attributed speech, "
        f"{counts.get('name', 0)} names in quotes, {counts.get('scare', 0)} scare quotes, "
        f"{counts.get('unattributed', 0)} unattributed."
    )
    if ranked:
        text += " Most quoted: " + _fmt_list([f"{md(s)} ({n})" for s, n in ranked]) + "."
    return text


def describe(
    *,
    distinctive: pd.DataFrame | None = None,
    topics: TopicModel | None = None,
    topic_shares: pd.DataFrame | None = None,
    similarity: pd.DataFrame | None = None,
    actor_table: pd.DataFrame | None = None,
    quote_table: pd.DataFrame | None = None,
    top: int = 3,
    max_groups: int = 10,
) -> str:
    """Plain-language sentences (markdown bullets) generated from the results' numbers.

    Args:
        distinctive: output of :func:`analysis.language.distinctive_terms`.
        topics: output of :func:`analysis.language.topic_model`.
        topic_shares: ``topics.shares_by(stories, group=...)``, to describe groups rather than
            stories.
        similarity: output of :func:`analysis.language.similarity_matrix` (story or group
            level, read from the index name).
        actor_table: output of :func:`analysis.language.actors`.
        quote_table: output of :func:`analysis.language.quotes`.
        top: items named per group.
        max_groups: groups described one by one (the rest are counted).

    Returns:
        Markdown text; an empty string when nothing is given.

    Raises:
        ParameterError: bad ``top`` or ``max_groups``.

    >>> describe()
    ''
    """
    top = positive_int(top, "top")
    max_groups = positive_int(max_groups, "max_groups")
    lines: list[str] = []
    if distinctive is not None:
        lines += _distinctive_lines(distinctive, top, max_groups)
    if topics is not None:
        lines += _topic_lines(topics, topic_shares, max_groups)
    if similarity is not None and len(similarity) >= 2:
        lines.append(_similarity_line(similarity))
    if actor_table is not None:
        lines += _actor_lines(actor_table, top, max_groups)
    if quote_table is not None:
        lines.append(_quote_line(quote_table, top))
    return "\n".join(lines)
