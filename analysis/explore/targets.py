"""The explorer's targets and the sentences that mention them, cached on disk.

Targets and matching are those of :mod:`analysis.sentiment.targets`: by default the corpus'
most mentioned people, organisations and places (:func:`analysis.sentiment.corpus_targets`, from
the rule-based actor extraction of :mod:`analysis.language.actor_extraction`), and a sentence
mentions a target when one of its aliases matches on word boundaries
(:func:`analysis.sentiment.target_mentions`). Nothing of the method is changed here; only its
results are kept, because both steps are slow on a large corpus (on the 2,505 AllSides articles
about 23 s to choose the targets and 14 s to match them):

- the chosen targets are a property of the whole corpus: they are cached under the SHA-256 of
  the corpus' ordered article keys (:func:`analysis.cache.content_key`);
- the mentions of one article depend only on its text and the targets: they are cached per
  article, under a version naming the SHA-256 of the targets, like the shared analysis pass
  (:mod:`analysis.pipeline`), and computed in parallel (:func:`analysis.parallel.map_chunks`).

Both versions also carry the SHA-256 of the method's source files and of the language data
files, so a change to the extraction or the matching rules is never served from the cache.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

import pandas as pd

from analysis.cache import KEY_COLUMN, ArticleCache, content_key, resolve_cache
from analysis.errors import ParameterError
from analysis.language import memo
from analysis.parallel import map_chunks
from analysis.sentiment import corpus_targets, target_mentions

__all__ = ["MENTION_COLUMNS", "TARGETS_VERSION", "explorer_targets", "method_hash"]

#: Version of the explorer's cached target tables (bump when their layout changes).
TARGETS_VERSION: Final = "explore-targets-1"
#: Columns of the mention table :func:`explorer_targets` returns.
MENTION_COLUMNS: Final = ("story_id", "sentence_index", "target", "n_mentions", "matches")
#: Source files and data folders whose content decides targets and mentions.
_METHOD_FILES: Final = (
    "sentiment/targets.py",
    "language/actor_extraction.py",
    "language/actor_merging.py",
    "language/tables.py",
    "language/data.py",
)


def method_hash() -> str:
    """SHA-256 (first 16 hex digits) of the target method's source files and language data."""
    return memo.method_hash(_METHOD_FILES)


def _targets_text(targets: Mapping[str, Sequence[Any]]) -> str:
    """A canonical text of ``targets`` (patterns by their source and flags) to hash."""
    plain = {
        str(label): [
            f"re:{a.pattern}:{a.flags}" if isinstance(a, re.Pattern) else str(a)
            for a in ([aliases] if isinstance(aliases, str | re.Pattern) else aliases)
        ]
        for label, aliases in targets.items()
    }
    return json.dumps(plain, ensure_ascii=False)


def _default_targets(corpus: Any, keys: list[str], store: ArticleCache) -> dict[str, list[str]]:
    """:func:`analysis.sentiment.corpus_targets` of the corpus, read from the cache when the same
    articles in the same order were seen before."""
    corpus_key = hashlib.sha256("\n".join(keys).encode()).hexdigest()
    version = f"{TARGETS_VERSION}-{method_hash()}"
    found, missing = store.load("explore-targets", version, [corpus_key])
    if found is not None and not missing:
        ordered = found.sort_values(["rank", "alias_rank"], kind="stable")
        chosen: dict[str, list[str]] = {}
        for label, alias in zip(ordered["label"], ordered["alias"], strict=True):
            chosen.setdefault(str(label), []).append(str(alias))
        return chosen
    chosen = corpus_targets(corpus) if len(corpus.stories) else {}
    rows = [
        (corpus_key, rank, label, alias_rank, alias)
        for rank, (label, aliases) in enumerate(chosen.items())
        for alias_rank, alias in enumerate(aliases)
    ]
    frame = pd.DataFrame(rows, columns=[KEY_COLUMN, "rank", "label", "alias_rank", "alias"])
    store.store(
        "explore-targets", version, frame.astype({"label": str, "alias": str}), keys=[corpus_key]
    )
    return chosen


def _mention_chunk(items: Sequence[tuple[str, pd.DataFrame, dict[str, Any]]]) -> pd.DataFrame:
    """Mentions of the targets in a chunk of articles (run in a worker process).

    Each item is ``(content key, the article's sentences, targets)``; the result has the content
    key in ``_key``.
    """
    parts = [
        target_mentions(
            sentences.assign(
                story_id=key, sentence_id=key + "/" + sentences["sentence_index"].astype(str)
            ),
            targets,
        )
        for key, sentences, targets in items
    ]
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty_mentions(KEY_COLUMN)
    found = pd.concat(parts, ignore_index=True)
    index = found["sentence_id"].str.rsplit("/", n=1).str[-1].astype("int64")
    return pd.DataFrame(
        {
            KEY_COLUMN: found["story_id"].astype(str),
            "sentence_index": index,
            "target": found["target"].astype(str),
            "n_mentions": found["n_mentions"].astype("int64"),
            "matches": found["matches"].astype(str),
        }
    )


def _empty_mentions(first: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            first: pd.Series(dtype=str),
            "sentence_index": pd.Series(dtype="int64"),
            "target": pd.Series(dtype=str),
            "n_mentions": pd.Series(dtype="int64"),
            "matches": pd.Series(dtype=str),
        }
    )


def _keyed_mentions(
    corpus: Any, keys: list[str], targets: Mapping[str, Any], store: ArticleCache
) -> pd.DataFrame:
    """Mention rows per content key: from the cache, the missing articles computed and stored."""
    targets_key = hashlib.sha256(_targets_text(targets).encode()).hexdigest()[:16]
    version = f"{TARGETS_VERSION}-{method_hash()}-{targets_key}"
    unique = list(dict.fromkeys(keys))
    found, missing = store.load("explore-mentions", version, unique)
    if not missing:
        return found if found is not None else _empty_mentions(KEY_COLUMN)
    first_story = dict(
        zip(reversed(keys), reversed(corpus.stories["story_id"].tolist()), strict=True)
    )
    sentences = corpus.sentences[["story_id", "sentence_index", "text"]]
    by_story = dict(tuple(sentences.groupby("story_id", sort=False)))
    empty = sentences.iloc[:0]
    items = [
        (k, by_story.get(first_story[k], empty), dict(targets)) for k in unique if k in missing
    ]
    computed = map_chunks(_mention_chunk, items, desc="finding targets")
    store.store("explore-mentions", version, computed, keys=missing)
    parts = [f for f in (found, computed) if f is not None and len(f)]
    return pd.concat(parts, ignore_index=True) if parts else _empty_mentions(KEY_COLUMN)


def explorer_targets(
    corpus: Any,
    *,
    targets: Mapping[str, Sequence[Any]] | None = None,
    cache: bool | ArticleCache | None = True,
) -> tuple[dict[str, list[Any]], pd.DataFrame]:
    """The targets to filter by and every sentence that mentions one of them.

    Args:
        corpus: a loaded :class:`~analysis.corpus.Corpus`; not mutated.
        targets: label -> aliases (as :func:`analysis.sentiment.target_mentions`); ``None``
            (default): :func:`analysis.sentiment.corpus_targets` of the corpus.
        cache: ``True`` (the default on-disk cache), ``False`` or an ``ArticleCache``.

    Returns:
        ``(targets, mentions)``: the targets used (label -> aliases, in order) and one row per
        (sentence, target) mentioned: :data:`MENTION_COLUMNS`, in corpus order then the order of
        the targets. Empty when there are no targets.

    Raises:
        ParameterError: malformed ``targets`` (see :func:`analysis.sentiment.target_mentions`).
    """
    if targets is not None and (not isinstance(targets, Mapping) or not targets):
        raise ParameterError(
            "targets must be a non-empty dict of label -> list of aliases, e.g. "
            f"{{'Russia': ['Russia', 'Moscow']}}, or None; got {targets!r}"
        )
    store = resolve_cache(cache)
    keys = [content_key(t) for t in corpus.stories["text"]]
    if targets is None:
        chosen: dict[str, list[Any]] = dict(_default_targets(corpus, keys, store))
    else:
        target_mentions(corpus.sentences.iloc[:0], targets)  # checks the targets first
        chosen = {
            label: [aliases] if isinstance(aliases, str | re.Pattern) else list(aliases)
            for label, aliases in targets.items()
        }
    if not chosen:
        return {}, _empty_mentions("story_id")
    keyed = _keyed_mentions(corpus, keys, chosen, store)
    stories = pd.DataFrame({"story_id": corpus.stories["story_id"].astype(str), KEY_COLUMN: keys})
    stories["_story"] = range(len(stories))
    rank = {label: i for i, label in enumerate(chosen)}
    mentions = stories.merge(keyed, on=KEY_COLUMN, how="inner")
    mentions = mentions.assign(_rank=mentions["target"].map(rank))
    mentions = mentions.sort_values(["_story", "sentence_index", "_rank"], kind="stable")
    return chosen, mentions[list(MENTION_COLUMNS)].reset_index(drop=True)
