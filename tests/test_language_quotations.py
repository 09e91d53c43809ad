"""Tests of analysis.language.quotations: quotes, their kind, speaker and verb."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import parallel
from analysis.corpus import stories_from_texts
from analysis.errors import ParameterError
from analysis.language import quotations
from analysis.language.quotations import QUOTE_COLUMNS, quote_summary, quotes, top_speakers
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


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('"We will not yield," Sen. John Cornyn, R-Texas, said.', "John Cornyn"),
        ('Sen. John Cornyn (R-Texas) said "we will not yield."', "John Cornyn"),
        ('Rep. Ann Kuster, D-N.H., told reporters "we will not yield."', "Ann Kuster"),
        ('"We will not yield," said Sen. John Cornyn, R-Texas.', "John Cornyn"),
        ('John McCain spoke. "It could work," McCain of Arizona said.', "John McCain"),
    ],
)
def test_party_state_tag_and_home_state_are_skipped_to_the_named_speaker(text, speaker):
    row = quotes(stories_from_texts([text]).sentences).iloc[0]
    assert (row["speaker"], row["speaker_kind"]) == (speaker, "named")


@pytest.mark.parametrize(
    ("text", "speaker", "speaker_kind"),
    [
        ('"It was chaos," the President said.', "the President", "descriptive"),
        (
            'These figures reportedly slammed the plan as "a disaster."',
            "These figures",
            "descriptive",
        ),
        ('"It was chaos," Officials said.', "Officials", "descriptive"),
        ('"It was chaos," They said.', "they", "unnamed"),
    ],
)
def test_descriptions_and_pronouns_are_never_named_speakers(text, speaker, speaker_kind):
    row = quotes(stories_from_texts([text]).sentences).iloc[0]
    assert (row["speaker"], row["speaker_kind"]) == (speaker, speaker_kind)


@pytest.mark.parametrize(
    ("text", "speaker", "speaker_kind"),
    [
        # one person named in the paragraph's preceding sentences: attached
        ('Jane Roe spoke at noon. "We will win," she said.', "Jane Roe", "resolved"),
        ('Sen. Jane Roe spoke. Crowds cheered. "We will win," she said.', "Jane Roe", "resolved"),
        # a name inside quotation marks is not an antecedent
        ('"John Doe is wrong," Jane Roe said. "We will win," she added.', "Jane Roe", "resolved"),
        # no name before it in the paragraph (the name is in the previous paragraph)
        ('Jane Roe spoke at noon.\n"We will win," she said.', "she", "unnamed"),
        # two people, a bare one-word name, or a person described in lower case: unsafe
        ('Jane Roe met John Doe. "We will win," she said.', "she", "unnamed"),
        ('Jane Roe met Ortega. "We will win," she said.', "she", "unnamed"),
        ('The senator criticized Jane Roe. "We will win," she said.', "she", "unnamed"),
        # only he/she refer to one person
        ('Jane Roe spoke at noon. "We will win," they said.', "they", "unnamed"),
        # the name in the quote's own sentence is not a preceding sentence
        ('"We will win," she said, as Jane Roe left.', "she", "unnamed"),
    ],
)
def test_pronoun_is_attached_only_where_safe(text, speaker, speaker_kind):
    q = quotes(stories_from_texts([text]).sentences)
    row = q[q["quote"] == "We will win"].iloc[0]
    assert (row["speaker"], row["speaker_kind"]) == (speaker, speaker_kind)


def test_speakers_use_names_merged_across_the_corpus():
    texts = ["Sen. Jane Roe arrived in Paris.", '"We will win," Roe told voters.']
    row = quotes(stories_from_texts(texts).sentences).iloc[0]
    assert (row["speaker"], row["speaker_kind"]) == ("Jane Roe", "named")


def test_top_speakers_count_named_and_resolved_speakers_only(seed_quotes, seed_corpus):
    text = (
        'Jane Roe spoke. "We will win," she said. "It was chaos," the official said. '
        '"It was fine," Jane Roe said. "No," he said.'
    )
    q = quotes(stories_from_texts([text]).sentences)
    assert top_speakers(q, top=5) == [("Jane Roe", 2)]
    # the seeds: "These figures" and "Some analysts" describe, they do not name
    summary = quote_summary(seed_quotes, seed_corpus.stories).set_index("group")
    assert summary.loc[RUSSIA, "top_speakers"] == "Russian Foreign Ministry (2)"


def test_a_party_tag_before_a_pronoun_is_not_a_speaker():
    text = '"No," said Sen. Jeanne Shaheen, D-N.H. She said it was "wrong."'
    q = quotes(stories_from_texts([text]).sentences).set_index("quote")
    assert tuple(q.loc["No", ["speaker", "speaker_kind"]]) == ("Jeanne Shaheen", "named")
    assert tuple(q.loc["wrong.", ["speaker", "speaker_kind"]]) == ("she", "unnamed")


@pytest.mark.parametrize("chunk_size", [1, 3])
def test_quotes_made_chunk_by_chunk_from_interleaved_stories_equal_the_seed_quotes(
    seed_corpus, seed_quotes, monkeypatch, chunk_size
):
    sentences = seed_corpus.sentences
    story = pd.factorize(sentences["story_id"])[0]
    # the stories' rows interleaved (first sentences of all four, then the second ...): the
    # records of a chunk's stories are gathered from all over the table
    mixed = sentences.iloc[np.lexsort((story, sentences["sentence_index"]))]
    assert mixed["story_id"].iloc[:4].tolist() == list(pd.unique(sentences["story_id"]))
    monkeypatch.setattr(parallel, "CHUNK_SIZE", chunk_size)
    chunked = quotations._computed_quotes(mixed.reset_index(drop=True))
    pd.testing.assert_frame_equal(chunked, seed_quotes.reset_index(drop=True))
    assert chunked["story_id"].nunique() >= 2 and len(chunked) == 8


@pytest.mark.parametrize("chunk_size", [1, 2, 64])
def test_each_story_of_a_chunk_gets_its_own_speakers(monkeypatch, chunk_size):
    texts = [
        'Mayor Maria Lopez spoke on Monday. "We will rebuild the bridge," Lopez said.',
        "No quotation in this story about the weather.",
        'Sen. John Carter met officials. "Taxes will not rise," Carter said.',
        'Gov. Emma Stone checked the river. "The river is high," Stone said.',
    ]  # the full names come from each story's own mentions
    sentences = stories_from_texts(texts).sentences
    story = pd.factorize(sentences["story_id"])[0]
    mixed = sentences.iloc[np.lexsort((story, sentences["sentence_index"]))]
    monkeypatch.setattr(parallel, "CHUNK_SIZE", chunk_size)
    found = quotations._computed_quotes(mixed.reset_index(drop=True))
    assert found["speaker"].tolist() == ["Maria Lopez", "John Carter", "Emma Stone"]
    assert found["story_id"].tolist() == list(pd.unique(sentences["story_id"])[[0, 2, 3]])
