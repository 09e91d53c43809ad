"""analysis.sentiment.fast gives exactly the libraries' own scores (TextBlob's Pattern sentiment
and VADER), on the seeds, on generated texts and on real sentences when ../shared is present."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textblob.en import sentiment as stock_pattern
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis.sentiment import fast
from analysis.sentiment_validation import load_sentiment_ratings, missing_validation_data

STOCK_VADER = SentimentIntensityAnalyzer()
FAST_VADER = fast.Vader()


def _same(text: str) -> None:
    expected = stock_pattern(text)
    got = fast.pattern_sentiment(text)
    assert (got[0], got[1]) == (expected[0], expected[1]), text
    assert got.assessments == expected.assessments, text
    assert FAST_VADER.polarity_scores(text) == STOCK_VADER.polarity_scores(text), text


def test_the_shortcuts_are_on_for_the_installed_versions():
    off = [name for name, on in fast.fast_paths().items() if not on]
    if off:
        # scores stay right (the plain library calls are used), only slower
        pytest.skip(
            f"shortcuts off for {off}: installed versions not in CHECKED_VERSIONS; re-run "
            "benchmarks/scorer_equality.py against them and add them"
        )
    assert fast.fast_paths() == {"textblob": True, "vaderSentiment": True}


def test_seed_sentences_score_exactly_as_the_libraries_do(seed_corpus):
    texts = seed_corpus.sentences["text"].tolist()
    assert len(texts) == 55
    for text in texts:
        _same(text)


@pytest.mark.parametrize(
    "text",
    [
        'The Russian Foreign Ministry vehemently condemned the U.S. action as "armed '
        'aggression," calling it "unacceptable."',
        "It wasn't good, but it isn't terrible either!!",
        "Not a good idea :-( but still (!) a happy day :)",
        "See item 8) for the list; (8) is fine.",
        "He said: 'never so good'... Really?",
        "VERY GOOD news, kind of bad news, no good news.",
        "I love it \U0001f600 and hate it \u2764",
        "Line one.\n\nLine two is great.",
        "Prices rose 5%. Sen. Smith, Mr. Jones and the U.S. disagreed -- sharply.",
        "“Quoted” ‘single’ – dash — and … ellipsis",
        "",
        "   ",
        "!!!",
        ":) :) :(",
        "xD XD <3 ♥",
    ],
)
def test_hand_picked_edge_cases_score_exactly_as_the_libraries_do(text):
    _same(text)


def test_emoticons_and_line_breaks_fall_back_to_the_full_tokenizer():
    assert fast.pattern_tokens("a happy day :)") is None
    assert fast.pattern_tokens("see (!) this") is None
    assert fast.pattern_tokens("one\ntwo") is None
    assert fast.pattern_tokens("It wasn't good.") == ["it", "was", "n", "'", "t", "good", "."]


_PIECES = st.sampled_from(
    [
        "good",
        "bad",
        "not",
        "never",
        "very",
        "really",
        "n't",
        "'s",
        "'",
        '"',
        "“",
        "”",
        "’",
        "(",
        ")",
        "!",
        "?",
        ".",
        "...",
        ",",
        ":",
        ";",
        "-",
        "*",
        "&",
        "U.S.",
        "Mr.",
        "e.g.",
        ":)",
        ":-(",
        "8)",
        "(!)",
        "<3",
        "xD",
        "kind",
        "of",
        "but",
        "no",
        "GREAT",
        "Terrible",
        "\U0001f600",
        "\u2764",
        " ",
        "  ",
        "\t",
        "\n",
        "13th",
        "well-known",
        "f*cking",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=25).map("".join))
def test_generated_texts_score_exactly_as_the_libraries_do(text):
    _same(text)


def test_allsides_sentences_score_exactly_as_the_libraries_do(allsides_corpus):
    texts = allsides_corpus.sentences["text"].drop_duplicates().tolist()[::19]
    assert len(texts) > 5000
    for text in texts:
        _same(text)
    # the shortcut is what was compared: Pattern's full tokenizer is needed for very few
    assert sum(fast.pattern_tokens(t) is None for t in texts) < len(texts) / 100


def test_rated_tweets_score_exactly_as_the_libraries_do():
    reason = missing_validation_data()
    if reason:
        pytest.skip(reason)
    ratings = load_sentiment_ratings()
    tweets = ratings[ratings["dataset"] == "tweets"]["text"].tolist()
    assert len(tweets) == 4200
    for text in tweets:
        _same(text)


def test_pattern_sentiment_loads_without_nltk_and_leaves_textblob_importable():
    """The report kernels load Pattern's sentiment without TextBlob's package ``__init__`` (which
    imports NLTK); a later ``import textblob`` still gets the whole package, scoring the same."""
    script = (
        "import sys\n"
        "from analysis.sentiment.lexicons import pattern_library\n"
        "score = pattern_library().analyser('not a very good day')\n"
        "assert 'nltk' not in sys.modules and 'textblob' not in sys.modules, sorted(sys.modules)\n"
        "from textblob import TextBlob\n"
        "assert tuple(TextBlob('not a very good day').sentiment) == tuple(score), score\n"
        "print(tuple(round(v, 4) for v in score))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "(-0.2692, 0.4615)"
