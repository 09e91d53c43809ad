"""Tests of analysis.explore.targets: the targets and their mentions, and their cache."""

from __future__ import annotations

import pytest

from analysis.cache import ArticleCache
from analysis.errors import ParameterError
from analysis.explore import explorer_targets
from analysis.explore.targets import MENTION_COLUMNS
from tests.conftest import RUSSIA


def test_default_targets_are_the_most_mentioned_actors(seed_corpus, tmp_path):
    targets, mentions = explorer_targets(seed_corpus, cache=ArticleCache(tmp_path))
    assert list(targets)[:3] == ["Russia", "United States", "Nicolás Maduro"]
    assert targets["United States"] == ["United States", "U.S."]
    assert list(mentions.columns) == list(MENTION_COLUMNS)
    texts = seed_corpus.sentences.set_index(["story_id", "sentence_index"])["text"]
    for story, index, _target, n, matches in mentions.itertuples(index=False):
        assert all(m in texts[(story, index)] for m in matches.split("; "))
        assert n == len(matches.split("; "))
    first = mentions[(mentions["story_id"] == RUSSIA) & (mentions["sentence_index"] == 0)]
    assert first["target"].tolist() == ["United States", "Nicolás Maduro"]


def test_a_second_call_reads_the_cache(seed_corpus, tmp_path, monkeypatch):
    import analysis.explore.targets as module

    cache = ArticleCache(tmp_path)
    first = explorer_targets(seed_corpus, cache=cache)

    def refuse(*_args, **_kwargs):
        raise AssertionError("recomputed although cached")

    monkeypatch.setattr(module, "corpus_targets", refuse)
    monkeypatch.setattr(module, "target_mentions", refuse)
    second = explorer_targets(seed_corpus, cache=cache)
    assert second[0] == first[0]
    assert second[1].equals(first[1])


def test_given_targets_are_matched(seed_corpus):
    targets, mentions = explorer_targets(
        seed_corpus, targets={"Putin": ["Vladimir Putin", "Putin"], "Tokyo": "Tokyo"}, cache=False
    )
    assert targets == {"Putin": ["Vladimir Putin", "Putin"], "Tokyo": ["Tokyo"]}
    putin = mentions[mentions["target"] == "Putin"]
    assert set(putin["story_id"]) == {RUSSIA}
    assert "Vladimir Putin" in putin["matches"].tolist()


@pytest.mark.parametrize(
    ("targets", "message"),
    [({}, "non-empty dict"), (["Russia"], "non-empty dict"), ({"Mars": []}, "non-empty list")],
)
def test_malformed_targets_are_refused(seed_corpus, targets, message):
    with pytest.raises(ParameterError, match=message):
        explorer_targets(seed_corpus, targets=targets, cache=False)
