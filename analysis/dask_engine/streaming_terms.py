"""Distinctive terms per group of a Parquet dataset, streamed one partition at a time.

The Fightin' Words statistic (weighted log-odds with an informative Dirichlet prior, Monroe,
Colaresi & Quinn 2008, see :mod:`analysis.language`) depends on the corpus only through
per-group term counts, which are **additive** over partitions. Summed counts per group (plus,
for the ``n_stories``/``n_sources`` columns, per-group counts of stories using a term and
per-(group, source) term sets) are fed to :func:`analysis.language.distinctive_terms` as one
pseudo-story per group, so the formula is not copied; the result equals the in-memory
function. Memory: (groups + (group, source) pairs) x vocabulary; with ``group="story_id"``
that is the whole count matrix.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis.corpus import from_dataframe
from analysis.corpus.readers import has_text
from analysis.dask_engine.engine import dask_client, run_tasks
from analysis.dask_engine.options import check_count, show_progress
from analysis.dask_engine.parquet import ID_COLUMN, dataset_layout, read_partition
from analysis.errors import ParameterError
from analysis.language import (
    DISTINCTIVE_COLUMNS,
    TermCounts,
    check_ngram_range,
    distinctive_terms,
    group_values,
    text_terms,
)

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["streaming_group_terms"]


@dataclass
class _GroupSummary:
    """Additive per-group term statistics of some partitions."""

    first_seen: dict[str, tuple[int, int]] = field(default_factory=dict)  # (partition, row)
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    n_stories: dict[str, Counter[str]] = field(default_factory=dict)
    unnamed: dict[str, Counter[str]] = field(default_factory=dict)  # stories without a source
    named: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (group, source)

    def merge(self, other: _GroupSummary) -> None:
        for label, where in other.first_seen.items():
            self.first_seen[label] = min(where, self.first_seen.get(label, where))
        for mine, theirs in (
            (self.counts, other.counts),
            (self.n_stories, other.n_stories),
            (self.unnamed, other.unnamed),
        ):
            for label, counter in theirs.items():
                mine.setdefault(label, Counter()).update(counter)
        for key, terms in other.named.items():
            self.named.setdefault(key, set()).update(terms)


def _group_partition(
    *,
    file: str,
    index: int,
    name: str,
    text_column: str,
    group: str,
    source: str,
    ngram_range: tuple[int, int],
    cache: bool,
) -> _GroupSummary:
    """Per-group term counts of one partition (stories built as the loader builds them)."""
    summary = _GroupSummary()
    frame = read_partition(Path(file))
    if not any(has_text(v) for v in frame[text_column]):
        return summary
    corpus = from_dataframe(
        frame,
        text_column=text_column,
        id_column=ID_COLUMN if ID_COLUMN in frame.columns else None,
        name=name,
        cache=cache,
        workers=1,
        progress=False,
    )
    stories = corpus.stories
    if group not in stories.columns:
        raise ParameterError(
            f"group {group!r} is not a story column; choose one of {list(stories.columns)}"
        )
    labels, group_index = group_values(stories, group)
    first_row = {}
    for row, g in enumerate(group_index):
        first_row.setdefault(int(g), row)
    summary.first_seen = {label: (index, first_row[g]) for g, label in enumerate(labels)}
    sources = stories[source] if source in stories.columns else pd.Series(np.nan, stories.index)
    for text, g, src in zip(stories["text"], group_index, sources, strict=True):
        label = labels[g]
        counter = text_terms(text, ngram_range=ngram_range)
        summary.counts.setdefault(label, Counter()).update(counter)
        used = {t for t, n in counter.items() if n}
        summary.n_stories.setdefault(label, Counter()).update(used)
        if pd.isna(src):
            summary.unnamed.setdefault(label, Counter()).update(used)
        else:
            summary.named.setdefault((label, src), set()).update(used)
    return summary


def streaming_group_terms(
    parquet_dir: str | Path,
    *,
    group: str,
    top_n: int = 15,
    ngram_range: Sequence[int] = (1, 2),
    alpha0: float | None = None,
    min_count: int = 1,
    min_sources: int = 1,
    source: str = "outlet",
    text_column: str | None = None,
    scheduler: str | Client | None | bool = False,
    n_workers: int = 2,
    cache: bool = True,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Distinctive terms per group (Monroe et al. 2008) of a Parquet dataset, streamed.

    Equals ``distinctive_terms(from_dataframe(pd.read_parquet(parquet_dir), id_column="id")
    .stories, group=group, ...)`` without holding the corpus: each partition is loaded on its
    own, and only per-group term counts (additive), per-group counts of stories using each term
    and per-(group, source) term sets are kept and merged. The log-odds themselves are
    :func:`analysis.language.distinctive_terms`, run on one pseudo-story per group.

    Args:
        parquet_dir: a Parquet dataset (an ``id`` column is used when present; without one,
            story ids are the loader's per-partition slugs, which only matters for
            ``group="story_id"``).
        group, top_n, ngram_range, alpha0, min_count, min_sources, source: as
            :func:`analysis.language.distinctive_terms`.
        text_column: the column holding article text (``None``: ``text``/``body`` ...).
        scheduler: ``False`` (default) reads the partitions one after the other in this process;
            ``None``, an address or a ``distributed.Client`` summarise them on a Dask cluster (as
            :func:`~analysis.dask_engine.analyze_dask`) and merge the summaries here as they
            arrive.
        n_workers: workers of the LocalCluster started for ``scheduler=None``.
        cache: let the loader read sentence spans from the on-disk cache.
        progress: show a progress bar over partitions (``None``: in a terminal).

    Returns:
        The table of :func:`analysis.language.distinctive_terms` (``group``, ``rank``, ``term``,
        ``ngram``, ``z``, ``delta``, ``count``, ``count_rest``, ``per_1000``,
        ``per_1000_rest``, ``n_stories``, ``n_sources``, ``significant``).

    Raises:
        CorpusError: missing or empty dataset, or no text column.
        ParameterError: unknown ``group``, bad options (as ``distinctive_terms``).
    """
    lo_hi = check_ngram_range(ngram_range)
    top_n = check_count(top_n, "top_n")
    min_count = check_count(min_count, "min_count")
    min_sources = check_count(min_sources, "min_sources")
    layout = dataset_layout(parquet_dir, text_column, need_id=False)
    tasks = [
        {
            "file": str(file.resolve()),
            "index": i,
            "name": layout.root.name,
            "text_column": layout.text_column,
            "group": group,
            "source": source,
            "ngram_range": lo_hi,
            "cache": bool(cache),
        }
        for i, file in enumerate(layout.files)
    ]
    total = _summarise(tasks, scheduler, n_workers, show_progress(progress, len(tasks)))
    labels = sorted(total.first_seen, key=total.first_seen.__getitem__)
    return _distinctive_from_summary(
        total,
        labels,
        top_n=top_n,
        ngram_range=lo_hi,
        alpha0=alpha0,
        min_count=min_count,
        min_sources=min_sources,
    )


def _summarise(
    tasks: list[dict[str, Any]], scheduler: str | Client | None | bool, n_workers: int, show: bool
) -> _GroupSummary:
    """The merged summary of every partition, here (``scheduler=False``) or on a cluster."""
    total = _GroupSummary()
    if scheduler is False:
        bar = None
        if show:
            from tqdm import tqdm

            bar = tqdm(total=len(tasks), desc="counting terms", unit="partition")
        try:
            for task in tasks:
                total.merge(_group_partition(**task))
                if bar is not None:
                    bar.update(1)
        finally:
            if bar is not None:
                bar.close()
    else:
        with dask_client(scheduler, n_workers) as client:  # type: ignore[arg-type]
            run_tasks(
                client,
                _group_partition,
                tasks,
                progress=show,
                desc="counting terms",
                on_result=lambda _i, summary: total.merge(summary),
            )
    return total


def _distinctive_from_summary(
    summary: _GroupSummary,
    labels: list[str],
    *,
    top_n: int,
    ngram_range: tuple[int, int],
    alpha0: float | None,
    min_count: int,
    min_sources: int,
) -> pd.DataFrame:
    """:func:`analysis.language.distinctive_terms` on one pseudo-story per group, with the
    ``n_stories``/``n_sources`` columns from the summary."""
    pseudo_ids = [f"group-{i}" for i in range(len(labels))]
    pseudo = pd.DataFrame({"story_id": pseudo_ids, "text": "", "_group": labels})
    counts = TermCounts.from_counters(
        {
            pid: summary.counts.get(label, Counter())
            for pid, label in zip(pseudo_ids, labels, strict=True)
        }
    )
    # min_sources is applied below with the true source counts: rank every term first
    wanted = top_n if min_sources == 1 else max(1, len(counts.terms))
    table = distinctive_terms(
        pseudo,
        group="_group",
        top_n=wanted,
        ngram_range=ngram_range,
        alpha0=alpha0,
        min_count=min_count,
        counts=counts,
        source="_no_source_column",
    )
    if table.empty:
        return pd.DataFrame(columns=DISTINCTIVE_COLUMNS)
    n_sources: dict[str, Counter[str]] = {
        label: Counter(summary.unnamed.get(label, Counter())) for label in labels
    }
    for (label, _src), terms in summary.named.items():
        n_sources[label].update(terms)
    pairs = list(zip(table["group"], table["term"], strict=True))
    table["n_stories"] = np.array(
        [summary.n_stories.get(g, Counter())[t] for g, t in pairs], dtype=np.int64
    )
    table["n_sources"] = np.array([n_sources[g][t] for g, t in pairs], dtype=np.int64)
    if min_sources > 1:
        table = table[table["n_sources"] >= min_sources]
        table = table[table.groupby("group", sort=False).cumcount() < top_n].copy()
        table["rank"] = (table.groupby("group", sort=False).cumcount() + 1).astype(np.int64)
        table = table.reset_index(drop=True)
    return table[DISTINCTIVE_COLUMNS]
