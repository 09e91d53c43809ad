"""Tests for analysis.framing.matcher: the matching rules, the hits table, sentence scores."""

from __future__ import annotations

import bisect
import doctest
import textwrap

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import framing, stories_from_texts
from analysis.framing import matcher, patterns
from tests.conftest import JAPAN
from tests.framing_cases import finishes_within, matches, write_codebook


@pytest.fixture(scope="module")
def generic_hits(seed_corpus):
    return framing.frame_hits(seed_corpus.sentences, codebook="generic")


# --------------------------------------------------------------------------- matching rules


@pytest.fixture
def rules_book(tmp_path):
    frames = """\
    - id: econ
      label: Economic
      description: Money.
      detectors:
        - id: wildcard
          terms: [condemn*, budget]
        - id: phrase
          terms: [first degree, White House]
        - id: fed
          terms: [Fed]
        - id: regex
          terms: ['re:\\$\\d+', 're:(?i)\\bpesos\\b']
        - id: cost_near_money
          terms: [cost]
          near: ["@money"]
          window: 3
        - id: tax_not_pay
          terms: [tax]
          not_near: [pay]
          window: 2
    """
    return framing.load_codebook(
        write_codebook(tmp_path, frames, lexicons="money: ['re:\\$\\d+']\n")
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("They condemned it.", [("wildcard", "condemned")]),
        ("Condemnation followed.", [("wildcard", "Condemnation")]),
        ("Japan's budget's size grew.", [("wildcard", "budget's")]),
        ("A first-degree charge.", [("phrase", "first-degree")]),
        ("A first degree charge.", [("phrase", "first degree")]),
        ("First, degree matters.", []),  # a phrase does not cross punctuation
        ("The White House said no.", [("phrase", "White House")]),
        ("The white house on the hill.", []),  # capitals make a word case-sensitive
        ("The Fed raised rates.", [("fed", "Fed")]),
        ("They were fed up.", []),
        ("It sold for 500 PESOS.", [("regex", "PESOS")]),
        ("It will cost $5 today.", [("cost_near_money", "cost")]),
        ("The cost of it all, they said later, was $5.", []),  # more than 3 words apart
        ("A new tax was announced.", [("tax_not_pay", "tax")]),
        ("They will pay tax.", []),  # vetoed by not_near
    ],
)
def test_matching_rules(rules_book, text, expected):
    got = [(d, m) for d, m in matches(rules_book, text) if d != "regex" or "$" not in m]
    assert got == expected


def test_hits_have_offsets_into_sentence_and_story(seed_corpus, generic_hits):
    texts = dict(zip(seed_corpus.stories["story_id"], seed_corpus.stories["text"], strict=True))
    sentences = dict(
        zip(seed_corpus.sentences["sentence_id"], seed_corpus.sentences["text"], strict=True)
    )
    for row in generic_hits.itertuples():
        assert texts[row.story_id][row.story_start : row.story_end] == row.match
        assert sentences[row.sentence_id][row.sentence_start : row.sentence_end] == row.match
    cost = generic_hits[generic_hits["detector"] == "government_responsible"].iloc[0]
    sentence = sentences[cost["sentence_id"]]
    assert sentence[cost["context_start"] : cost["context_end"]] == cost["context"] == "DOJ"


def test_hits_table_columns_and_types(generic_hits):
    assert list(generic_hits.columns) == framing.HIT_COLUMNS
    assert isinstance(generic_hits["frame"].dtype, pd.CategoricalDtype)
    assert list(generic_hits["frame"].cat.categories) == framing.load_codebook("generic").frame_ids


def test_sentence_score_counts_distinct_detectors(generic_hits):
    sf = framing.sentence_frames(generic_hits)
    japan = sf[(sf["story_id"] == JAPAN) & (sf["frame"] == "economic")].iloc[0]
    # budget + fiscal (one detector) and two money amounts (one detector): 4 hits, score 2
    assert (japan["n_hits"], japan["n_detectors"], japan["score"]) == (4, 2, 2.0)


def test_weights_enter_the_score(tmp_path):
    frames = """\
    - id: econ
      label: Economic
      description: Money.
      detectors:
        - id: heavy
          terms: [budget]
          weight: 2.5
    """
    book = framing.load_codebook(write_codebook(tmp_path, frames))
    corpus = stories_from_texts(["The budget grew."])
    hits = framing.frame_hits(corpus.sentences, codebook=book)
    summary = framing.frame_summary(hits, corpus.stories, codebook=book)
    assert summary.loc[0, "score"] == 2.5
    assert summary.loc[0, "present"]  # 2.5 >= the default threshold of 2


# --------------------------------------------------------------------------- determinism, empty


def test_determinism_and_story_by_story(seed_corpus, generic_hits):
    again = framing.frame_hits(seed_corpus.sentences.copy(), codebook="generic")
    pd.testing.assert_frame_equal(generic_hits, again)
    parts = [
        framing.frame_hits(group, codebook="generic")
        for _, group in seed_corpus.sentences.groupby("story_id", sort=False)
    ]
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), generic_hits)


def test_bounded_token_cache_gives_the_same_hits(seed_corpus, monkeypatch):
    """A matcher whose token cache is emptied every few tokens finds what one with the default
    cache finds, and its cache never holds more than the bound."""
    book = framing.load_codebook("generic")
    texts = seed_corpus.sentences["text"].head(40).tolist()
    expected = [matcher.Matcher(book.frames, dict(book.lexicons)).match(t) for t in texts]
    assert sum(map(len, expected)) > 5
    monkeypatch.setattr(matcher, "TOKEN_CACHE_SIZE", 5)
    small = matcher.Matcher(book.frames, dict(book.lexicons))
    for text, hits in zip(texts, expected, strict=True):
        assert small.match(text) == hits
        assert len(small._token_cache) <= 5


def test_empty_input(seed_corpus):
    empty = seed_corpus.sentences.iloc[0:0]
    hits = framing.frame_hits(empty)
    assert hits.empty and list(hits.columns) == framing.HIT_COLUMNS
    assert framing.sentence_frames(hits).empty


def test_doctests():
    result = doctest.testmod(matcher, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


# --------------------------------------------------------------------------- linear time


def test_matching_is_linear_in_sentence_length(rules_book):
    # before: every trigger was compared with every context and every kept hit, so a
    # one-megabyte story without sentence punctuation took minutes
    unit = "They condemned the cost of $5 and the first degree tax they pay. "
    small = pd.DataFrame(
        {
            "story_id": ["s"],
            "sentence_id": ["s/0"],
            "sentence_index": [0],
            "start": [0],
            "text": [unit * 3],
        }
    )
    per_unit = len(framing.frame_hits(small, codebook=rules_book)) / 3
    assert per_unit == 4  # condemned, cost (near $5), $5, first degree; "pay" vetoes "tax"
    code = textwrap.dedent(
        f"""
        import pandas as pd
        from analysis import framing
        text = {unit!r} * 15_000
        sentences = pd.DataFrame({{"story_id": ["s"], "sentence_id": ["s/0"],
            "sentence_index": [0], "start": [0], "text": [text]}})
        hits = framing.frame_hits(sentences, codebook={rules_book.path!r})
        print(len(text), len(hits))
        """
    )
    n_chars, n_hits = map(int, finishes_within(code, 60).split())
    assert n_chars > 900_000
    assert n_hits == 15_000 * per_unit


def _reference_nearest(triggers, contexts, window):
    """The pairwise rule the matcher used to apply: every trigger against every context."""

    def distance(t0, t1, c):
        return max(0, c[2] - t1, t0 - c[3])

    def close(s, e, t0, t1, c):
        if c[0] < e and s < c[1]:
            return False
        return window is None or distance(t0, t1, c) <= window

    return [
        min(
            (c for c in contexts if close(s, e, t0, t1, c)),
            key=lambda c, t0=t0, t1=t1: (distance(t0, t1, c), c[0]),
            default=None,
        )
        for s, e, t0, t1, _ in triggers
    ]


@st.composite
def _spans_in_text(draw):
    text = draw(st.text(alphabet=st.sampled_from(list("ab $-.")), min_size=1, max_size=40))
    starts, ends = patterns.token_spans(patterns.WORD_SPLIT.split(text))

    def span(label):
        if starts and draw(st.booleans()):  # a phrase: whole tokens
            i = draw(st.integers(0, len(starts) - 1))
            j = draw(st.integers(i, min(i + 2, len(starts) - 1)))
            return (starts[i], ends[j], i, j, label)
        s = draw(st.integers(0, len(text) - 1))  # a regex match: any stretch
        e = draw(st.integers(s + 1, len(text)))
        t0 = max(bisect.bisect_right(starts, s) - 1, 0)
        return (s, e, t0, max(bisect.bisect_left(starts, e) - 1, t0), label)

    triggers = [span(f"t{k}") for k in range(draw(st.integers(0, 6)))]
    contexts = [span(f"c{k}") for k in range(draw(st.integers(0, 8)))]
    window = draw(st.one_of(st.none(), st.integers(1, 4)))
    return matcher._drop_contained(triggers), contexts, window


@settings(max_examples=500, deadline=None)
@given(_spans_in_text())
def test_nearest_context_is_the_pairwise_rule(case):
    triggers, contexts, window = case
    assert matcher._nearest_contexts(triggers, contexts, window) == _reference_nearest(
        triggers, contexts, window
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(1, 8), st.sampled_from("abc")).map(
            lambda t: (t[0], t[0] + t[1], 0, 0, t[2])
        ),
        max_size=12,
    )
)
def test_drop_contained_is_the_pairwise_rule(spans):
    kept = []
    for span in sorted(spans, key=lambda x: (x[0], -x[1])):
        if not any(k[0] <= span[0] and span[1] <= k[1] for k in kept):
            kept.append(span)
    assert matcher._drop_contained(spans) == kept
