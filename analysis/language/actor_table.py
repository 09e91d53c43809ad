"""The actor table: the actors each story, or group of stories, mentions, with counts.

Counted from the merged actor mentions of :mod:`analysis.language.actor_extraction` (rules and
gazetteers, Nadeau & Sekine 2007; see that module). The table of a grouping is kept in the
analysis cache (:mod:`analysis.language.memo`), keyed by the mentions' sentences, the stories'
groups and ``top_n``: the reports that show actors read it there instead of loading every
mention of the corpus (1.5 million at 25,000 stories, about 0.3 GB in a report's kernel).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis._checks import positive_int
from analysis.cache import release_memory
from analysis.language.actor_extraction import actor_mentions, mentions_key
from analysis.language.memo import cached_tables, method_hash, table_key
from analysis.language.tables import check_group, corpus_tables, group_values

if TYPE_CHECKING:
    from analysis.corpus import Corpus

__all__ = ["ACTOR_TABLE_COLUMNS", "actors"]

#: The columns of :func:`actors`.
ACTOR_TABLE_COLUMNS = [
    "group",
    "actor",
    "type",
    "mentions",
    "n_stories",
    "aliases",
    "first_sentence",
]
#: Name of the cached actor tables (bump when the table's layout changes) and the source files
#: whose content decides them (with the language data files, :func:`method_hash`).
_MEMO_NAME = "actor-table-1"
_METHOD_FILES = (
    "language/actor_table.py",
    "language/actor_extraction.py",
    "language/actor_merging.py",
    "language/data.py",
)


def actors(corpus: Corpus, *, group: str = "story_id", top_n: int | None = None) -> pd.DataFrame:
    """Actors each story (or group of stories) mentions, with counts.

    Args:
        corpus: a :class:`~analysis.corpus.Corpus`; not mutated.
        group: ``story_id``, or a story column (``outlet``, ``bias_label`` ...) to sum over.
        top_n: keep the ``top_n`` most mentioned actors per group (``None`` = all).

    Names are merged within each story and across the whole corpus (module docstring), never
    within a group only: an actor has the same name in every grouping.

    Returns:
        ``group`` (the story id or group value), ``actor``, ``type``, ``mentions``,
        ``n_stories`` (stories of the group mentioning it), ``aliases`` (other surface forms,
        ``"; "``-joined, sorted), ``first_sentence`` (``sentence_index`` of the first mention;
        for groups the smallest); groups in order of first appearance, then mentions (desc),
        then actor.

    Raises:
        ParameterError: not a corpus, unknown ``group``, bad ``top_n``.
    """
    stories, sentences = corpus_tables(corpus)
    check_group(stories, group)
    if top_n is not None:
        top_n = positive_int(top_n, "top_n")
    labels, index = group_values(stories, group)
    # the table depends on the mentions, each story's group label and the labels' order
    key = table_key(
        pd.DataFrame({"story_id": stories["story_id"].astype(str), "label": index}),
        ["story_id", "label"],
        mentions_key(sentences),
        labels,
        top_n,
    )

    def compute() -> tuple[dict[str, pd.DataFrame], dict]:
        table = _actor_table(stories, actor_mentions(sentences), (labels, index), top_n)
        release_memory()  # the grouping of every mention (about 300 MB at 25,000 stories)
        return {"actors": table}, {}

    version = f"{_MEMO_NAME}-{method_hash(_METHOD_FILES)}"
    tables, _ = cached_tables("actor-table", version, key, compute)
    return tables["actors"]


def _actor_table(
    stories: pd.DataFrame,
    mentions: pd.DataFrame,
    groups: tuple[list[str], np.ndarray],
    top_n: int | None,
) -> pd.DataFrame:
    """The table of :func:`actors` from the mentions and the stories' ``groups`` (the labels
    and each story's label, :func:`~analysis.language.tables.group_values`)."""
    columns = ACTOR_TABLE_COLUMNS
    if mentions.empty:
        return pd.DataFrame(columns=columns)
    labels, index = groups
    group_of = dict(zip(stories["story_id"].astype(str), (labels[i] for i in index), strict=True))
    mentions = mentions.assign(group=mentions["story_id"].map(group_of))
    # the type of an actor is the type of its longest mention (first one on ties), found on
    # the columns it needs (sorting every column of 1.5 million mentions took 0.3 GB more)
    narrow = mentions[["group", "actor", "type"]].assign(
        _len=mentions["surface"].str.len(), _pos=np.arange(len(mentions))
    )
    ordered = narrow.sort_values(
        ["group", "actor", "_len", "_pos"], ascending=[True, True, False, True], kind="stable"
    )
    keys = ["group", "actor"]
    first = ordered.drop_duplicates(keys).set_index(keys)
    grouped = mentions.groupby(keys, sort=False)
    stats = grouped.agg(
        mentions=("surface", "size"),
        n_stories=("story_id", "nunique"),
        first_sentence=("sentence_index", "min"),
    )
    surfaces = mentions[["group", "actor", "surface"]].drop_duplicates()
    surfaces = surfaces[surfaces["surface"] != surfaces["actor"]].sort_values("surface")
    aliases = surfaces.groupby(keys, sort=False)["surface"].agg("; ".join)
    out = stats.join(first["type"]).join(aliases.rename("aliases")).reset_index()
    out["aliases"] = out["aliases"].fillna("")
    out = out[columns].copy()
    out["_g"] = out["group"].map({g: i for i, g in enumerate(labels)})
    out = out.sort_values(["_g", "mentions", "actor"], ascending=[True, False, True])
    if top_n is not None:
        out = out.groupby("_g", sort=False).head(top_n)
    out = out.drop(columns="_g").reset_index(drop=True)
    return out.astype({"mentions": np.int64, "n_stories": np.int64, "first_sentence": np.int64})
