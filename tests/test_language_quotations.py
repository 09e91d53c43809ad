"""Tests of analysis.language.quotations: quotes, their kind, speaker and verb."""

from __future__ import annotations

import pytest

from analysis.corpus import stories_from_texts
from analysis.errors import ParameterError
from analysis.language.quotations import QUOTE_COLUMNS, quote_summary, quotes
from tests.conftest import JAPAN, RUSSIA


@pytest.fixture(scope="module")
def seed_quotes(seed_corpus):
    return quotes(seed_corpus.sentences)


def test_armed_aggression_is_attributed_to_the_russian_foreign_ministry(seed_quotes):
    q = seed_quotes.set_index("quote")
    row = q.loc["armed aggression"]
    assert (row["kind"], row["speaker"], row["verb"], row["speaker_kind"]) == (
        "speech",
        "Russian Foreign Ministry",
        "condemned",
        "named",
    )
    assert row["sentence_id"] == f"{RUSSIA}/8"
    second = q.loc["unacceptable encroachment on the sovereignty of an independent state."]
    assert second["speaker"] == "Russian Foreign Ministry"


def test_seed_quotes_kinds(seed_quotes):
    kinds = dict(zip(seed_quotes["quote"], seed_quotes["kind"], strict=True))
    assert kinds["Operation Absolute Resolve"] == "name"
    assert kinds["Nick"] == "name"
    assert kinds["shadow fleet"] == "scare"
    assert kinds["gain more than lose"] == "speech"
    assert len(seed_quotes) == 8
    assert seed_quotes.loc[seed_quotes["quote"] == "gain more than lose", "speaker"].item() == (
        "Some analysts"
    )


def test_quote_offsets_cover_the_quote(seed_corpus, seed_quotes):
    text = seed_corpus.stories.set_index("story_id")["text"]
    for row in seed_quotes.itertuples(index=False):
        span = text[row.story_id][row.start : row.end]
        assert span.startswith('"') and row.quote.rstrip(".") in span


@pytest.mark.parametrize(
    ("text", "quote", "kind", "speaker", "verb", "pattern"),
    [
        (
            '"We will not back down," said Senator Jane Doe.',
            "We will not back down",
            "speech",
            "Jane Doe",
            "said",
            "quote-verb-speaker",
        ),
        (
            'Jane Doe arrived. "This is a fight," Doe told reporters.',
            "This is a fight",
            "speech",
            "Jane Doe",
            "told",
            "quote-speaker-verb",
        ),
        ('"It was chaos," he said.', "It was chaos", "speech", "he", "said", "quote-speaker-verb"),
        (
            'According to the White House, the plan is "dead on arrival."',
            "dead on arrival.",
            "speech",
            "White House",
            "according to",
            "according to",
        ),
        (
            'Mr. Smith later said: "I never agreed to that deal."',
            "I never agreed to that deal.",
            "speech",
            "Smith",
            "said",
            "speaker-verb-quote",
        ),
        ('The plan was described as "a disaster" in a memo.', "a disaster", "scare", "", "", ""),
        (
            'The so-called "Freedom Plan" failed.',
            "Freedom Plan",
            "name",
            "",
            "so-called",
            "naming verb",
        ),
        (
            'The group, known as "Team Blue Sky," met.',
            "Team Blue Sky",
            "name",
            "",
            "known as",
            "naming verb",
        ),
        ('They held a "Day of Action" rally.', "Day of Action", "name", "", "", "title case"),
        (
            'Critics wrote that the bill was "a slow, expensive and deeply unpopular mess."',
            "a slow, expensive and deeply unpopular mess.",
            "speech",
            "Critics",
            "wrote",
            "speaker-verb-quote",
        ),
        (
            '"The quote opens here and never closes',
            "The quote opens here and never closes",
            "unattributed",
            "",
            "",
            "",
        ),
    ],
)
def test_quote_patterns(text, quote, kind, speaker, verb, pattern):
    q = quotes(stories_from_texts([text]).sentences)
    assert len(q) == 1
    row = q.iloc[0]
    assert (row["quote"], row["kind"], row["speaker"], row["verb"], row["pattern"]) == (
        quote,
        kind,
        speaker,
        verb,
        pattern,
    )


def test_quote_after_and_is_not_given_the_next_clause_speaker():
    text = (
        "Officials with the Department of Homeland Security (DHS) said the policy was "
        '"working as intended," and spokesman Tom Lee added that "more changes are coming."'
    )
    q = quotes(stories_from_texts([text]).sentences).set_index("quote")
    assert q.loc["working as intended", "speaker"] == "Department of Homeland Security"
    assert q.loc["more changes are coming.", "speaker"] == "Tom Lee"


def test_quotes_without_quotation_marks_and_summary(seed_corpus, seed_quotes):
    assert quotes(seed_corpus.sentences.iloc[48:53]).empty  # JAPAN and WASHINGTON
    assert list(quotes(seed_corpus.sentences.iloc[:0]).columns) == QUOTE_COLUMNS
    summary = quote_summary(seed_quotes, seed_corpus.stories).set_index("group")
    assert summary.loc[RUSSIA, "quotes"] == 7 and summary.loc[RUSSIA, "speech"] == 5
    assert summary.loc[RUSSIA, "top_speakers"].startswith("Russian Foreign Ministry (2)")
    assert summary.loc[JAPAN, "quotes"] == 0 and summary.loc[JAPAN, "attributed_share"] == 0
    with pytest.raises(ParameterError, match="top"):
        quote_summary(seed_quotes, seed_corpus.stories, top=0)
