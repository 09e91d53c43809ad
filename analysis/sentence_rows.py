"""Lining up the pass' per-article rows with the corpus' sentences, by integer codes.

The analysis pass stores its rows once per distinct article text: keyed by the text's content
key (``_key``, see :mod:`analysis.cache`) and the sentence's ``sentence_index``. A corpus table
needs them per story, in corpus order, under the story's own ids (two stories with the same
text share one key). Joining on the two columns as text builds a key string for every sentence
and hash tables on both sides: about 0.4 GB at a million sentences. Here each key becomes its
position among the corpus' distinct keys, each (key, sentence) pair one ``int64``
(``code * stride + sentence_index``), and the rows are matched by sorting and binary search,
which keeps a few integer arrays per sentence and gives the same rows in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.cache import KEY_COLUMN

__all__ = ["CODE_COLUMN", "KeyCodes", "coded_rows", "every_row", "one_row_each"]

#: Column of :func:`coded_rows` holding each row's key code (see :class:`KeyCodes`).
CODE_COLUMN = "_code"


class KeyCodes:
    """The corpus' distinct content keys, numbered, and the code of every sentence's key.

    Args:
        story_ids: the stories' ids, in corpus order.
        story_keys: the stories' content keys, in the same order.
        sentence_story_ids: the ``story_id`` of every sentence, in corpus order.
    """

    def __init__(
        self,
        story_ids: Sequence[str],
        story_keys: Sequence[str],
        sentence_story_ids: pd.Series,
    ) -> None:
        self.keys = pd.Index(pd.unique(pd.Series(list(story_keys), dtype=object)))
        story_codes = self.keys.get_indexer(list(story_keys))
        story_of = pd.Index(list(story_ids)).get_indexer(sentence_story_ids)
        #: the key code of every sentence, in corpus order
        self.sentence_codes = story_codes[story_of].astype(np.int64)

    def codes_of(self, keys: pd.Series) -> np.ndarray:
        """The code of each key in ``keys`` (-1 for a key of no story of the corpus); the
        column may be stored as categories or as text."""
        if isinstance(keys.dtype, pd.CategoricalDtype):
            by_category = self.keys.get_indexer(keys.cat.categories)
            codes = keys.cat.codes.to_numpy()
            return np.where(codes >= 0, by_category[codes], -1).astype(np.int64)
        return self.keys.get_indexer(keys).astype(np.int64)


def coded_rows(parts: Iterable[pd.DataFrame | None], codes: KeyCodes) -> pd.DataFrame | None:
    """The rows of ``parts`` (tables with ``_key``) with the key replaced by its code
    (:data:`CODE_COLUMN`), one part at a time, rows of keys outside the corpus dropped;
    ``None`` when there is no part."""
    coded = []
    for part in parts:
        if part is None:
            continue
        code = codes.codes_of(part[KEY_COLUMN])
        keep = code >= 0
        part = part.drop(columns=KEY_COLUMN)
        if not keep.all():
            part, code = part.loc[keep], code[keep]
        coded.append(part.assign(**{CODE_COLUMN: code}).reset_index(drop=True))
    if not coded:
        return None
    kept = [p for p in coded if len(p)] or coded[:1]
    return pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0]


def _pairs(code: np.ndarray, index: np.ndarray, stride: int) -> np.ndarray:
    return code.astype(np.int64) * stride + index.astype(np.int64)


def one_row_each(codes: KeyCodes, sentence_index: np.ndarray, rows: pd.DataFrame) -> np.ndarray:
    """For every corpus sentence, the row of ``rows`` (``_code``, ``sentence_index``) with its
    key and index, or -1 when there is none; the first such row when there are several."""
    row_index = rows["sentence_index"].to_numpy(np.int64)
    stride = int(max(sentence_index.max(initial=0), row_index.max(initial=0))) + 1
    right = _pairs(rows[CODE_COLUMN].to_numpy(), row_index, stride)
    order = np.argsort(right, kind="stable")
    ordered = right[order]
    left = _pairs(codes.sentence_codes, sentence_index, stride)
    at = np.searchsorted(ordered, left, side="left")
    found = at < len(ordered)
    found[found] = ordered[at[found]] == left[found]
    taken = np.full(len(left), -1, dtype=np.int64)
    taken[found] = order[at[found]]
    return taken


def every_row(
    codes: KeyCodes, sentence_index: np.ndarray, rows: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Every (corpus sentence, row of ``rows``) pair with the same key and index, in corpus
    order and then in the order of ``rows``: the sentences' positions and the rows'."""
    row_index = rows["sentence_index"].to_numpy(np.int64)
    stride = int(max(sentence_index.max(initial=0), row_index.max(initial=0))) + 1
    right = _pairs(rows[CODE_COLUMN].to_numpy(), row_index, stride)
    order = np.argsort(right, kind="stable")  # rows of one pair keep their order
    ordered = right[order]
    left = _pairs(codes.sentence_codes, sentence_index, stride)
    low = np.searchsorted(ordered, left, side="left")
    count = np.searchsorted(ordered, left, side="right") - low
    sentences = np.repeat(np.arange(len(left), dtype=np.int64), count)
    # each sentence's rows: low, low + 1, ... low + count - 1 of the ordered rows
    starts = np.repeat(low - np.cumsum(count) + count, count)
    within = np.arange(len(sentences), dtype=np.int64) + starts
    return sentences, order[within]
