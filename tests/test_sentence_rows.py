"""Tests of analysis.sentence_rows: pass rows lined up with corpus sentences by integer codes,
checked against the join on text columns it replaces."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.cache import KEY_COLUMN
from analysis.sentence_rows import CODE_COLUMN, KeyCodes, coded_rows, every_row, one_row_each

# three stories, the first and the third with the same text (one content key)
STORIES = ["s1", "s2", "s3"]
KEYS = ["kA", "kB", "kA"]
SENTENCES = pd.DataFrame(
    {
        "story_id": pd.Series(["s1", "s1", "s2", "s2", "s2", "s3", "s3"], dtype="str"),
        "sentence_index": np.array([0, 1, 0, 1, 2, 0, 1], dtype=np.int64),
    }
)


def _codes() -> KeyCodes:
    return KeyCodes(STORIES, KEYS, SENTENCES["story_id"])


def test_key_codes_number_the_distinct_keys_and_read_categories_and_text():
    codes = _codes()
    assert codes.keys.tolist() == ["kA", "kB"]
    assert codes.sentence_codes.tolist() == [0, 0, 1, 1, 1, 0, 0]
    text = pd.Series(["kB", "kZ", "kA"], dtype="str")
    assert codes.codes_of(text).tolist() == [1, -1, 0]
    assert codes.codes_of(text.astype("category")).tolist() == [1, -1, 0]


def test_coded_rows_drop_keys_outside_the_corpus_and_join_the_parts():
    parts = [
        pd.DataFrame({KEY_COLUMN: ["kA", "kZ"], "sentence_index": [0, 0], "v": [1.0, 9.0]}),
        None,
        pd.DataFrame({KEY_COLUMN: pd.Categorical(["kB"]), "sentence_index": [2], "v": [3.0]}),
    ]
    rows = coded_rows(parts, _codes())
    assert rows.to_dict("list") == {"sentence_index": [0, 2], "v": [1.0, 3.0], CODE_COLUMN: [0, 1]}
    assert coded_rows([None], _codes()) is None


def test_one_row_each_finds_every_sentence_row_shared_keys_included():
    rows = pd.DataFrame(
        {CODE_COLUMN: [1, 0, 1, 0, 1], "sentence_index": [2, 1, 0, 0, 2], "v": range(5)}
    )
    taken = one_row_each(_codes(), SENTENCES["sentence_index"].to_numpy(), rows)
    # s2/1 has no row (-1); s2/2 has two, the first is taken; s3 shares s1's rows
    assert taken.tolist() == [3, 1, 2, -1, 0, 3, 1]


def _merged(rows: pd.DataFrame) -> tuple[list[int], list[int]]:
    """The join on text keys that every_row replaces (the old assembly of frame hits)."""
    key_of = dict(zip(STORIES, KEYS, strict=True))
    base = SENTENCES.assign(**{KEY_COLUMN: SENTENCES["story_id"].map(key_of)})
    base["_order"] = np.arange(len(base))
    keyed = rows.assign(
        **{KEY_COLUMN: np.array(["kA", "kB"])[rows[CODE_COLUMN]]}, _row=np.arange(len(rows))
    )
    merged = base.merge(keyed, on=[KEY_COLUMN, "sentence_index"], how="inner")
    merged = merged.sort_values(["_order", "_row"], kind="stable")
    return merged["_order"].tolist(), merged["_row"].tolist()


def test_every_row_equals_the_text_join_on_random_hits():
    generator = np.random.default_rng(7)
    for _ in range(50):
        n = int(generator.integers(0, 12))
        rows = pd.DataFrame(
            {
                CODE_COLUMN: generator.integers(0, 2, n),
                "sentence_index": generator.integers(0, 4, n),
            }
        )
        at, taken = every_row(_codes(), SENTENCES["sentence_index"].to_numpy(), rows)
        assert (at.tolist(), taken.tolist()) == _merged(rows)
