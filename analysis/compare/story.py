"""One story against all the stories of the selection: its ranks and its distinctive terms.

- :func:`check_story_id` validates a story id and suggests close matches.
- :func:`story_differences` ranks the story among all stories of the selection on tone
  (:data:`analysis.sentiment.DEFAULT_SCORE` averaged over sentences), the spread of sentence
  tone, length, the intensity of all frames together and of each frame (hits per 1,000 words,
  :func:`analysis.framing.frame_summary`). Ranks use the ``min`` method (ties share the best
  rank, as ``pandas.Series.rank(method="min")``); a frame the story never triggers gets no rank.
  The per-story tone and frame summary of the whole selection, the same for every deep dive
  of a corpus, are kept in the analysis cache (:mod:`analysis.language.memo`) under the
  stories' content keys and the methods' versions.
- :func:`story_distinctive_terms` sets the story against the rest of the selection with
  :func:`analysis.language.distinctive_terms` (Monroe, Colaresi & Quinn 2008, *Fightin' Words*,
  weighted log-odds with an informative Dirichlet prior from the corpus).

The statements and the marked-up text of the deep dive are written by
:mod:`analysis.narrate.compare` and :mod:`analysis.narrate.story_html`.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from analysis import framing, language, sentiment
from analysis._checks import per_thousand, positive_int
from analysis.compare.cards import REST_GROUP, check_analysis, codebook_hits, sentence_scores
from analysis.errors import ParameterError
from analysis.language.memo import cached_tables, inputs_key, library_versions, method_hash

__all__ = [
    "DIFFERENCE_COLUMNS",
    "check_story_id",
    "story_differences",
    "story_distinctive_terms",
]

DIFFERENCE_COLUMNS: Final = [
    "measure",
    "label",
    "value",
    "rank",
    "n_ranked",
    "order",
    "median",
    "minimum",
    "maximum",
    "n_present",
    "present",
]


def check_story_id(corpus: Any, story_id: str | None) -> str:
    """The story id to report on: ``story_id`` if the corpus has it, the first story if ``None``.

    Raises:
        ParameterError: ``story_id`` is not in the corpus (after filters); the message names it
            and lists close matches and a few valid ids.

    >>> from analysis import load_corpus
    >>> check_story_id(load_corpus(), None)
    'the-sudden-and-dramatic-removal-of'
    """
    stories = getattr(corpus, "stories", None)
    if not isinstance(stories, pd.DataFrame) or "story_id" not in stories.columns:
        raise ParameterError(f"expected a Corpus, got {type(corpus).__name__}")
    ids = [str(s) for s in stories["story_id"]]
    if not ids:
        raise ParameterError("the corpus has no stories")
    if story_id is None:
        return ids[0]
    if isinstance(story_id, str) and story_id in set(ids):
        return story_id
    close = difflib.get_close_matches(str(story_id), ids, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    listed = ", ".join(repr(i) for i in ids[:5])
    more = f" … ({len(ids):,} in all)" if len(ids) > 5 else ""
    raise ParameterError(
        f"unknown story_id {story_id!r}: no story of the selected corpus has it.{hint} "
        f"Valid ids: {listed}{more}. Check the filters and dates too."
    )


def story_distinctive_terms(
    analysis: Any, story_id: str | None, *, top_n: int = 10
) -> pd.DataFrame:
    """The terms that set one story apart from all the other stories of the selection.

    :func:`analysis.language.distinctive_terms` with the story against the rest (Monroe et al.
    2008 weighted log-odds, informative prior from the corpus).

    Returns:
        ``rank``, ``term``, ``z``, ``count``, ``count_rest``, ``per_1000``, ``per_1000_rest``,
        ``significant`` (empty with a single story).
    """
    check_analysis(analysis)
    story = check_story_id(analysis.corpus, story_id)
    top_n = positive_int(top_n, "top_n")
    stories = analysis.corpus.stories
    grouped = stories.drop(columns=["group"], errors="ignore").assign(
        group=np.where(stories["story_id"] == story, "story", REST_GROUP)
    )
    try:  # (not ``analysis.term_counts``: building that long table only to test it is slow)
        counts = analysis.term_matrix()
    except ParameterError:  # the analysis was run without terms
        counts = None
    terms = language.distinctive_terms(grouped, group="group", top_n=top_n, counts=counts)
    terms = terms[terms["group"] == "story"]
    columns = ["rank", "term", "z", "count", "count_rest", "per_1000", "per_1000_rest"]
    return terms[[*columns, "significant"]].reset_index(drop=True)


def _ranked(
    story: str,
    measure: str,
    label: str,
    values: pd.Series,
    *,
    ascending: bool,
    order: str,
    present: pd.Series | None = None,
) -> dict[str, Any] | None:
    """One row of :func:`story_differences`: the story's value of ``values`` (one per story,
    indexed by story id) and its rank among them; ``None`` when the story has no value."""
    values = values.dropna().astype("float64")
    if story not in values.index:
        return None
    ranks = values.rank(method="min", ascending=ascending)
    unranked = present is not None and values[story] <= 0  # no trigger: no rank
    return {
        "measure": measure,
        "label": label,
        "value": float(values[story]),
        "rank": pd.NA if unranked else int(ranks[story]),
        "n_ranked": len(values),
        "order": order,
        "median": float(values.median()),
        "minimum": float(values.min()),
        "maximum": float(values.max()),
        "n_present": pd.NA if present is None else int(present.sum()),
        "present": pd.NA if present is None else bool(present.get(story, False)),
    }


def _frame_rows(
    story: str, summary: pd.DataFrame, words: pd.Series, book: framing.Codebook
) -> list[dict[str, Any] | None]:
    """The rows of all frames together, then of each frame of the codebook (fallback aside)."""
    fallback = book.fallback
    real = summary[summary["frame"].astype(str) != (fallback or "")]
    total = real.groupby("story_id", sort=False)["n_hits"].sum().reindex(words.index, fill_value=0)
    rows = [
        _ranked(
            story,
            "frame_intensity",
            "all frames (hits per 1,000 words)",
            per_thousand(total, words),
            ascending=False,
            order="most triggers per 1,000 words",
        )
    ]
    labels = book.labels()
    for frame_id in book.frame_ids:
        if frame_id == fallback:
            continue
        part = summary[summary["frame"].astype(str) == frame_id].set_index("story_id")
        rows.append(
            _ranked(
                story,
                f"frame:{frame_id}",
                labels[frame_id],
                part["intensity"],
                ascending=False,
                order="most intense",
                present=part["present"],
            )
        )
    return rows


#: Name of the cached per-story measures (bump when their layout changes), the source files
#: that decide them and the libraries whose numbers they depend on.
_MEMO_NAME = "story-measures-1"
_METHOD_FILES = ("compare/story.py", "sentiment/aggregate.py", "framing/summary.py")
_LIBRARIES = ("textblob", "vaderSentiment", "pandas", "numpy")


def _story_measures(analysis: Any, book: framing.Codebook) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every story's tone (``story_id``, ``mean_score``, ``std_score``) and frame summary
    (``story_id``, ``frame``, ``n_hits``, ``intensity``, ``present``), read from the analysis
    cache when the same stories were measured with the same methods (seconds at 25,000
    stories, for each deep dive otherwise)."""
    from analysis.pipeline import FRAMES_VERSION

    stories = analysis.corpus.stories

    def compute() -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
        _, hits = codebook_hits(analysis, book)
        tone = sentiment.story_sentiment(sentence_scores(analysis), stories)
        summary = framing.frame_summary(hits, stories, codebook=book)
        return {
            "tone": tone[["story_id", "mean_score", "std_score"]].reset_index(drop=True),
            "summary": summary[["story_id", "frame", "n_hits", "intensity", "present"]],
        }, {}

    keys = list(getattr(analysis, "story_keys", ()))
    if len(keys) != len(stories):  # an analysis built by hand: no content keys to cache by
        return tuple(compute()[0].values())  # type: ignore[return-value]
    key = inputs_key(
        keys,
        stories["story_id"].astype(str),
        stories["n_words"].astype(str),
        sentiment.DEFAULT_SCORE,
        book.cache_key,
    )
    version = (
        f"{_MEMO_NAME}-{sentiment.METHOD_VERSION}-{FRAMES_VERSION}-"
        f"{method_hash(_METHOD_FILES)}-{library_versions(_LIBRARIES)}"
    )
    tables, _ = cached_tables("story-measures", version, key, compute)
    return tables["tone"], tables["summary"]


def story_differences(
    analysis: Any,
    story_id: str | None,
    *,
    codebook: framing.Codebook | str | Path = "generic",
) -> pd.DataFrame:
    """How one story compares with every story of the selection: its rank on tone, spread,
    length, framing intensity and each frame.

    Ranks use the ``min`` method (ties share the best rank). Tone rank 1 = most negative;
    spread, length and frame ranks 1 = highest.

    Returns:
        One row per measure (:data:`DIFFERENCE_COLUMNS`): ``measure`` (the row's key: ``tone``,
        ``spread``, ``words``, ``frame_intensity``, then ``frame:<id>`` per frame of the
        codebook, fallback frame aside), ``label``, ``value`` (the story's), ``rank``,
        ``n_ranked`` (stories with a value), ``order`` (what rank 1 means),
        ``median``/``minimum``/``maximum`` over those stories (a frame the story never triggers
        gets no rank), ``n_present`` (stories where the
        frame is present; frames only, else missing), ``present`` (the frame is present in this
        story; frames only).

    Raises:
        ParameterError: an unknown story, or a codebook missing from the analysis.

    >>> from analysis import analyze, load_corpus
    >>> d = story_differences(analyze(load_corpus()), "nicholas-nick-reiner-32-son-of")
    >>> d.loc[d["measure"] == "tone", ["rank", "n_ranked"]].values.tolist()
    [[1, 4]]
    """
    check_analysis(analysis)
    corpus = analysis.corpus
    story = check_story_id(corpus, story_id)
    book = framing.load_codebook(codebook)
    if book.name not in getattr(analysis, "codebooks", {}):
        book, _ = codebook_hits(analysis, book)  # checks the analysis has its frames
    stories = corpus.stories
    tone, summary = _story_measures(analysis, book)
    tone = tone.set_index("story_id")
    words = stories.set_index("story_id")["n_words"]
    rows = [
        _ranked(
            story,
            "tone",
            f"tone ({sentiment.DEFAULT_SCORE})",
            tone["mean_score"],
            ascending=True,
            order="most negative",
        ),
        _ranked(
            story,
            "spread",
            "spread of sentence tone (std)",
            tone["std_score"],
            ascending=False,
            order="widest spread",
        ),
        _ranked(story, "words", "words", words, ascending=False, order="longest"),
        *_frame_rows(story, summary, words, book),
    ]
    table = pd.DataFrame([r for r in rows if r is not None], columns=DIFFERENCE_COLUMNS)
    table["rank"] = table["rank"].astype("Int64")
    table["n_present"] = table["n_present"].astype("Int64")
    table["present"] = table["present"].astype("boolean")
    table.attrs.update({"story_id": story, "codebook": book.name})
    return table
