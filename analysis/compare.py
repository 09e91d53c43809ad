"""Cross-story comparison: one card per story (or group), differences stated in words, and the
per-story deep dive.

Everything here reads the shared analysis pass (:func:`analysis.pipeline.analyze`): sentence
sentiment, frame triggers and term counts are never recomputed. Actors and quotations are found
with :mod:`analysis.language` on the compared stories only.

What is compared (:func:`compare`)
    Stories are put in groups by a column of the stories table (``group``: ``story_id``, the
    default, or ``outlet``, ``bias_label``, ``topic``, ``month`` …; a missing value is the group
    ``"(missing)"``). Each group gets a *card*: its size (stories, words, sentences, truncated
    leads), its tone (:data:`analysis.sentiment.DEFAULT_SCORE` averaged over sentences, as
    :func:`analysis.sentiment.story_sentiment`, with the spread and a standard error), its frames
    (:func:`analysis.framing.frame_summary` with one codebook: intensity = hits per 1,000 words,
    present and dominant frames by the framing module's rules), its most distinctive terms
    (:func:`analysis.language.distinctive_terms`: each group against all other stories of the
    selection), its most mentioned actors and its quotations. Topic shares come from one NMF
    model of the whole selection (:func:`analysis.language.topic_model`).

    Large corpora: at most ``max_groups`` groups get a card - those with most stories, then most
    words (so with ``group="story_id"`` the longest stories), ties in corpus order; the cap is
    stated in the output. The other groups still count as "the rest" for distinctive terms and
    topics, but no statement is made about them.

Standard error of a group's tone (``se_score``)
    ``mean_score`` is a mean over sentences, and sentences of one story are not independent. For
    a group of at least two stories, ``se_score`` is the cluster-robust standard error of that
    mean with stories as clusters (CR1; Cameron & Miller 2015, *A Practitioner's Guide to
    Cluster-Robust Inference*, Journal of Human Resources 50(2): 317-372)::

        se = sqrt(G / (G - 1) * sum_s (sum_{i in s} (y_i - mean))^2) / N

    with ``G`` stories and ``N`` sentences. For a single story it is the usual ``std / sqrt(N)``
    over its sentences (NaN for one sentence).

Statements (:func:`comparison_statements`): the rules
    Every statement is generated from the cards, frames, terms, actors or topics table and names
    the table, the row(s) (group values) and the column it comes from (``source_table``,
    ``source_row``, ``source_column``). Numbers are written as the tables show them: tone with
    two decimals (three below 0.1 in size), intensities with one.

    - *Tone.* "Most negative" = lowest ``mean_score``; when that lowest mean is >= 0 the group is
      called "least positive" instead (and "least negative" for a highest mean <= 0). Ties (equal
      means at three decimals) are all named. A claim about a group with fewer than
      ``min_sentences`` sentences (default :data:`MIN_SENTENCES`) is still made but says that the
      evidence is thin. The *gap* between the lowest and highest group is compared with its
      standard error ``sqrt(se_low^2 + se_high^2)``: at least :data:`CLEAR_GAP` (2) standard
      errors is called "a clear difference", less "could be noise"; without a standard error
      (a one-sentence group) the gap is called untestable. The *spread* (``std_score``) is
      compared only between groups with at least ``min_sentences`` sentences (at least two such
      groups needed).
    - *Frames.* Comparing stories (one story per group), a frame counts for the stories where
      it is *present* (the framing module's decision rule); comparing groups of stories, for the
      groups whose stories trigger it at all (presence by the majority rule is reported beside
      each intensity, as the share of the group's stories carrying the frame). "Only X carries
      (uses) frame F" = exactly one group counts (of at least two). With two or more, F is "used
      most intensely" by the group with the highest intensity (hits per 1,000 words), named
      with the runner-up and the lowest; equal intensities at one decimal are a tie and all are
      named. Frames no group counts are listed together. A group with no present frame is
      named with its strongest frame.
    - *Length and truncation.* Lengths are compared when the longest group has at least twice
      the words of the shortest. Truncated leads (``is_truncated``) are always listed: their
      tone and frames describe an opening, not a whole story.
    - *Words, actors, quotations, topics.* For up to ``max_named`` groups: the top three
      distinctive terms (with z; in groups of several stories a term must be used by
      :data:`MIN_TERM_STORIES` of the group's stories, so one story's names do not become the
      group's words), the most mentioned actor, the main topic; the group with most attributed
      quotations per story and the groups quoting nobody. Whether any term reaches ``z > 1.96``
      is said once.
    - *Headline* (the first paragraph of :func:`statements_markdown`, one sentence): the tone
      extreme (the lowest group when any mean is negative, else the highest) and one frame
      contrast, preferring a frame statement about another group; then, for stories, the
      highest intensity, for groups the largest ratio to the runner-up.

Per-story deep dive
    :func:`check_story_id` validates a story id, :func:`story_text_html` renders the story's
    text with each sentence coloured by its tone and frame triggers marked (every text piece is
    passed through :func:`analysis.safe.escape_html`: article text is untrusted),
    :func:`story_differences` ranks the story among all stories of the selection on tone,
    length and every frame, and :func:`story_statements` says the same in words.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from analysis import framing, language, sentiment
from analysis.errors import ParameterError
from analysis.safe import escape_html, escape_markdown, markdown_code

__all__ = [
    "CLEAR_GAP",
    "CARD_COLUMNS",
    "Comparison",
    "DIFFERENCE_COLUMNS",
    "MAX_GROUPS",
    "MIN_SENTENCES",
    "STATEMENT_COLUMNS",
    "check_story_id",
    "compare",
    "comparison_statements",
    "statements_markdown",
    "story_cards",
    "story_differences",
    "story_distinctive_terms",
    "story_statements",
    "story_text_html",
]

#: Default cap on the number of groups that get a card (largest groups first).
MAX_GROUPS: Final = 30
#: A claim about a group resting on fewer sentences says that the evidence is thin.
MIN_SENTENCES: Final = 5
#: A tone gap of at least this many standard errors is called a clear difference.
CLEAR_GAP: Final = 2.0
#: Group value given to stories whose group column is missing.
MISSING: Final = "(missing)"
#: In groups of several stories, a distinctive term must be used by this many of the group's
#: stories (fewer when the smallest group has fewer stories).
MIN_TERM_STORIES: Final = 3
#: Terms named per group in a statement.
STATEMENT_TERMS: Final = 3

CARD_COLUMNS: Final = [
    "group",
    "label",
    "n_stories",
    "n_words",
    "n_sentences",
    "n_truncated",
    "is_truncated",
    "mean_score",
    "std_score",
    "se_score",
    "share_negative",
    "share_positive",
    "frame_intensity",
    "dominant_frames",
    "present_frames",
    "top_terms",
    "top_actors",
    "n_quotes",
    "n_speech",
    "top_speakers",
]
FRAME_COLUMNS: Final = [
    "group",
    "frame",
    "label",
    "n_stories",
    "n_words",
    "n_hits",
    "intensity",
    "share",
    "share_present",
    "present",
    "dominant",
]
STATEMENT_COLUMNS: Final = [
    "aspect",
    "rule",
    "statement",
    "source_table",
    "source_row",
    "source_column",
    "value",
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
_OTHERS = "\x00other groups"


# --------------------------------------------------------------------------- small helpers


def _md(text: object) -> str:
    """Text safe inside Markdown (:func:`analysis.safe.escape_markdown`)."""
    return escape_markdown(text)


def _code(text: object) -> str:
    """A value shown as code in Markdown (:func:`analysis.safe.markdown_code`)."""
    return markdown_code(text)


def _tone(x: float) -> str:
    """A tone as the statements write it: two decimals, three below 0.1 in size."""
    return f"{x:+.2f}" if abs(x) >= 0.1 else f"{x:+.3f}"


def _n(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else (plural or noun + 's')}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


def _share_of(rank: int, n: int, sep: str = " (", end: str = ")") -> str:
    """`` (top 5 %)`` for ranks among more than 20 stories, else empty."""
    if n <= 20:
        return ""
    return f"{sep}top {math.ceil(100 * rank / n)} %{end}"


def _joined(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _capital(text: str) -> str:
    """``text`` with its first letter upper-cased (after any leading ``*`` or quote mark)."""
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
        if ch not in "*_\u201c\"'":
            return text
    return text


def _check_positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ParameterError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _check_analysis(analysis: Any) -> None:
    if not all(hasattr(analysis, a) for a in ("corpus", "sentiment", "frame_hits")):
        raise ParameterError(
            f"expected the result of analysis.analyze(corpus), got {type(analysis).__name__}"
        )


def _hits(analysis: Any, codebook: framing.Codebook | str | Path) -> tuple[Any, pd.DataFrame]:
    """The codebook and its frame hits from the shared pass."""
    book = framing.load_codebook(codebook)
    if book.name not in analysis.frame_hits:
        raise ParameterError(
            f"the analysis has no frames for codebook {book.name!r} (it has "
            f"{sorted(analysis.frame_hits)}); run analyze(corpus, codebooks=[{book.name!r}])"
        )
    return book, analysis.frame_hits[book.name]


# --------------------------------------------------------------------------- groups and labels


def _group_order(stories: pd.DataFrame, group: str) -> list[str]:
    """Group values (as text) in report order: story order for ``story_id``, else sorted values
    (numbers as numbers when they all are), missing last."""
    if group == "story_id":
        return [str(s) for s in stories["story_id"]]
    values = stories[group]
    present = pd.unique(values.dropna())
    try:
        ordered = sorted(present)
    except TypeError:
        ordered = sorted(present, key=str)
    order = list(dict.fromkeys(str(v) for v in ordered))
    if values.isna().any():
        order.append(MISSING)
    return order


def _work_stories(stories: pd.DataFrame, group: str) -> pd.DataFrame:
    """The stories with a text column ``group`` holding each story's group value."""
    if not isinstance(group, str) or group not in stories.columns:
        raise ParameterError(
            f"group {group!r} is not a column of the stories table; choose one of "
            f"{list(stories.columns)}"
        )
    values = stories[group].map(lambda v: MISSING if pd.isna(v) else str(v)).astype(object)
    work = stories.drop(columns=["group"], errors="ignore").assign(group=values.to_numpy())
    return work


def _short_title(title: str, words: int = 6, chars: int = 48) -> str:
    parts = str(title).replace("\u2026", "").split()
    text = " ".join(parts[:words])
    if len(text) > chars:
        text = text[: chars - 1].rsplit(" ", 1)[0]
    return "\u201c" + text + ("\u2026" if text != " ".join(parts) else "") + "\u201d"


def _story_labels(stories: pd.DataFrame) -> dict[str, str]:
    """How statements name each story: "the Tokyo lead", or its (short) title in quotes."""
    labels: dict[str, str] = {}
    for row in stories.itertuples(index=False):
        kind = "lead" if bool(row.is_truncated) else "story"
        dateline = getattr(row, "dateline", None)
        source = getattr(row, "title_source", "input")
        title = getattr(row, "title", None)
        if source != "input" and isinstance(dateline, str) and dateline.strip():
            place = dateline.split(",")[0].split("(")[0].strip().title()
            labels[str(row.story_id)] = f"the {place} {kind}"
        elif isinstance(title, str) and title.strip():
            labels[str(row.story_id)] = _short_title(title)
        else:
            labels[str(row.story_id)] = str(row.story_id)
    counts = pd.Series(list(labels.values())).value_counts()
    return {
        sid: (f"{label} [{sid}]" if counts[label] > 1 else label) for sid, label in labels.items()
    }


# --------------------------------------------------------------------------- the comparison


@dataclass(frozen=True)
class Comparison:
    """Stories (or groups of stories) side by side; build it with :func:`compare`.

    Every table has a ``group`` column holding the group value as text (the story id when
    ``group="story_id"``); only the compared (capped) groups appear, in report order.

    Attributes:
        group: the stories column compared (``"story_id"``, ``"bias_label"`` …).
        codebook: name of the frame codebook used.
        cards: one row per group (:data:`CARD_COLUMNS`): ``label`` (how statements name it),
            ``n_stories``, ``n_words``, ``n_sentences``, ``n_truncated``, ``is_truncated``,
            ``mean_score``, ``std_score``, ``se_score`` (see the module docstring),
            ``share_negative``, ``share_positive``, ``frame_intensity`` (hits of all frames per
            1,000 words), ``dominant_frames`` and ``present_frames`` (frame labels, ``"; "``),
            ``top_terms`` (``", "``), ``top_actors`` (``"actor (mentions)"``, ``"; "``),
            ``n_quotes``, ``n_speech`` (attributed quotations), ``top_speakers``.
        frames: one row per (group, frame) (:data:`FRAME_COLUMNS`), frames in codebook order.
        terms: distinctive terms, ``group``, ``rank``, ``term``, ``z``, ``count``,
            ``count_rest``, ``significant``.
        actors: ``group``, ``rank``, ``actor``, ``type``, ``mentions``, ``n_stories``.
        topics: topic shares, ``group``, ``topic``, ``label``, ``share`` (empty when topics
            were not modelled).
        n_groups: groups in the selection before the cap.
        n_stories: stories in the selection.
        max_groups: the cap.
        fallback: the codebook's fallback frame (present when no other frame is), if any.
    """

    group: str
    codebook: str
    cards: pd.DataFrame
    frames: pd.DataFrame
    terms: pd.DataFrame
    actors: pd.DataFrame
    topics: pd.DataFrame
    n_groups: int
    n_stories: int
    max_groups: int
    fallback: str | None = None

    @property
    def capped(self) -> bool:
        """Whether some groups were left out of the cards."""
        return self.n_groups > len(self.cards)

    @property
    def by_story(self) -> bool:
        """Whether every compared group is a single story."""
        return bool((self.cards["n_stories"] <= 1).all())

    def scope(self) -> str:
        """One sentence (Markdown) on what the cards cover, saying when groups were left out."""
        stories = _n(self.n_stories, "story", "stories")
        if self.group == "story_id":
            if not self.capped:
                return f"All {stories} of the selection are compared, one card per story."
            return (
                f"Only the {len(self.cards)} longest of the {stories} are compared (cards are "
                "capped for readability): pass a larger `max_groups`, or filter the corpus, "
                "to see others."
            )
        groups = _n(self.n_groups, f"{_code(self.group)} group")
        if not self.capped:
            return f"The {stories} of the selection are compared in {groups}, one card each."
        return (
            f"Only the {len(self.cards)} of {groups} with most stories are compared (of "
            f"{stories} in all; cards are capped for readability): pass a larger `max_groups`, "
            "or filter the corpus, to see others."
        )

    def labels(self) -> dict[str, str]:
        """Group value -> the label statements and charts use."""
        return dict(zip(self.cards["group"], self.cards["label"], strict=True))

    def topic_matrix(self) -> pd.DataFrame:
        """Groups x topics of the topic shares (columns ``"<topic>: <label>"``)."""
        if self.topics.empty:
            return pd.DataFrame(index=pd.Index(self.cards["group"], name="group"))
        names = self.topics.drop_duplicates("topic").sort_values("topic", kind="stable")
        columns = {
            t: f"{t}: {label}" for t, label in zip(names["topic"], names["label"], strict=True)
        }
        wide = self.topics.pivot(index="group", columns="topic", values="share")
        wide = wide.reindex(index=list(self.cards["group"]), columns=list(columns))
        wide.columns = pd.Index([columns[t] for t in wide.columns], name="topic")
        return wide

    def frame_matrix(self, value: str = "intensity") -> pd.DataFrame:
        """Groups x frames (one column per frame id, codebook order) of ``value``
        (``intensity``, ``share``, ``share_present``, ``n_hits`` or ``present``)."""
        allowed = ("intensity", "share", "share_present", "n_hits", "present")
        if value not in allowed:
            raise ParameterError(f"value must be one of {list(allowed)}, got {value!r}")
        order = list(self.cards["group"])
        frames = list(dict.fromkeys(self.frames["frame"].astype(str)))
        wide = self.frames.assign(frame=self.frames["frame"].astype(str)).pivot(
            index="group", columns="frame", values=value
        )
        wide = wide.reindex(index=order, columns=frames)
        wide.columns.name = "frame"
        return wide


def _cluster_se(scored: pd.DataFrame, score: str) -> pd.Series:
    """Standard error of each group's sentence mean (``group`` column), clustered by story."""
    frame = scored[["group", "story_id", score]].dropna(subset=[score])
    means = frame.groupby("group", sort=False)[score].transform("mean")
    resid = (frame[score] - means).rename("r")
    per_story = resid.groupby([frame["group"], frame["story_id"]], sort=False).sum()
    g = per_story.groupby(level=0, sort=False)
    n_clusters = g.size()
    sum_sq = (per_story**2).groupby(level=0, sort=False).sum()
    n = frame.groupby("group", sort=False)[score].size()
    std = frame.groupby("group", sort=False)[score].std()
    clustered = np.sqrt(n_clusters / (n_clusters - 1).where(n_clusters > 1) * sum_sq) / n
    simple = std / np.sqrt(n)
    return clustered.where(n_clusters > 1, simple).astype("float64")


def _keep_groups(counts: pd.DataFrame, order: list[str], max_groups: int) -> list[str]:
    """The ``max_groups`` groups with most stories, then words (ties: report order)."""
    if len(order) <= max_groups:
        return order
    rank = {g: i for i, g in enumerate(order)}
    ranked = counts.assign(_o=counts["group"].map(rank)).sort_values(
        ["n_stories", "n_words", "_o"], ascending=[False, False, True], kind="stable"
    )
    kept = set(ranked["group"].head(max_groups))
    return [g for g in order if g in kept]


def compare(
    analysis: Any,
    *,
    group: str = "story_id",
    codebook: framing.Codebook | str | Path = "generic",
    top_terms: int = 5,
    top_actors: int = 3,
    max_groups: int = MAX_GROUPS,
    topics: bool = True,
    seed: int = 0,
) -> Comparison:
    """Put the stories (or groups of stories) side by side on tone, frames, words and actors.

    Does not mutate ``analysis``. See the module docstring for what each number is.

    Args:
        analysis: the shared pass, ``analyze(corpus, codebooks=[codebook])``.
        group: the stories column to compare by (``story_id``, ``outlet``, ``bias_label``,
            ``topic``, ``month`` …).
        codebook: the frame codebook (name, path or :class:`analysis.framing.Codebook`); its
            hits must be in ``analysis.frame_hits``.
        top_terms: distinctive terms kept per group.
        top_actors: actors kept per group.
        max_groups: cards for at most this many groups (most stories, then most words).
        topics: fit the topic model for topic shares (the slowest step on large corpora).
        seed: ``random_state`` of the topic model.

    Returns:
        A :class:`Comparison`.

    Raises:
        ParameterError: an unknown ``group``, a codebook missing from the analysis, or a bad
            ``top_terms``/``top_actors``/``max_groups``.

    >>> from analysis import analyze, load_corpus
    >>> c = compare(analyze(load_corpus(), codebooks=["generic"]), topics=False)
    >>> c.cards[["label", "n_words", "dominant_frames"]].values.tolist()[1]
    ['the Tokyo lead', 58, 'Economic consequences']
    """
    _check_analysis(analysis)
    top_terms = _check_positive_int(top_terms, "top_terms")
    top_actors = _check_positive_int(top_actors, "top_actors")
    max_groups = _check_positive_int(max_groups, "max_groups")
    book, hits = _hits(analysis, codebook)
    corpus = analysis.corpus
    work = _work_stories(corpus.stories, group)
    order = _group_order(corpus.stories, group)
    score = sentiment.DEFAULT_SCORE

    # tone, over all groups (cheap), then capped
    tone = sentiment.story_sentiment(analysis.sentiment, work, group="group")
    scored = analysis.sentiment.merge(work[["story_id", "group"]], on="story_id", how="left")
    se = _cluster_se(scored, score)
    counts = (
        work.groupby("group", sort=False)
        .agg(
            n_stories=("story_id", "size"),
            n_words=("n_words", "sum"),
            n_sentences=("n_sentences", "sum"),
            n_truncated=("is_truncated", "sum"),
        )
        .reset_index()
    )
    kept = _keep_groups(counts, order, max_groups)
    kept_set = set(kept)
    cards = pd.DataFrame({"group": kept})
    if group == "story_id":
        labels = _story_labels(corpus.stories)
        cards["label"] = cards["group"].map(labels)
    else:
        cards["label"] = cards["group"]
    cards = cards.merge(counts, on="group", how="left")
    cards["is_truncated"] = cards["n_truncated"] > 0
    tone_cols = ["mean_score", "std_score", "share_negative", "share_positive"]
    cards = cards.merge(tone[["group", *tone_cols]], on="group", how="left")
    cards["se_score"] = cards["group"].map(se)

    # frames
    summary = framing.frame_summary(hits, work, codebook=book, group="group")
    frames = summary[summary["group"].isin(kept_set)].copy()
    frames["_g"] = frames["group"].map({g: i for i, g in enumerate(kept)})
    frames = frames.sort_values(["_g", "frame"], kind="stable").reset_index(drop=True)
    frames = frames[FRAME_COLUMNS].copy()
    real = frames[frames["frame"].astype(str) != (book.fallback or "")]
    total_hits = real.groupby("group", sort=False)["n_hits"].sum()
    words = cards.set_index("group")["n_words"]
    cards["frame_intensity"] = cards["group"].map(
        (1000 * total_hits / words.where(words > 0)).fillna(0.0)
    )

    def frame_list(mask: pd.Series) -> pd.Series:
        chosen = frames[mask]
        return chosen.groupby("group", sort=False)["label"].agg("; ".join)

    cards["dominant_frames"] = _texts(cards["group"], frame_list(frames["dominant"]))
    cards["present_frames"] = _texts(cards["group"], frame_list(frames["present"]))

    # distinctive terms: the groups without a card are pooled into one "rest" group
    term_stories = work.assign(group=work["group"].where(work["group"].isin(kept_set), _OTHERS))
    counts_matrix = analysis.term_matrix() if analysis.term_counts is not None else None
    # in groups of several stories a term must be used by MIN_TERM_STORIES of them (fewer when
    # the smallest group is smaller), so that one story's names do not make a group's words
    min_stories = int(min(MIN_TERM_STORIES, cards["n_stories"].min()))
    terms = language.distinctive_terms(
        term_stories,
        group="group",
        top_n=top_terms,
        counts=counts_matrix,
        min_sources=min_stories,
        source="story_id",
    )
    terms = terms[terms["group"] != _OTHERS]
    terms = terms[["group", "rank", "term", "z", "count", "count_rest", "significant"]]
    terms = _in_order(terms, kept, ["rank"])
    cards["top_terms"] = _texts(
        cards["group"], terms.groupby("group", sort=False)["term"].agg(", ".join)
    )

    # actors and quotations of the compared stories only
    sub_stories = work[work["group"].isin(kept_set)].reset_index(drop=True)
    sub_sentences = corpus.sentences[corpus.sentences["story_id"].isin(sub_stories["story_id"])]
    sub = replace(corpus, stories=sub_stories, sentences=sub_sentences.reset_index(drop=True))
    actor_table = language.actors(sub, group="group", top_n=top_actors)
    actor_table = _in_order(actor_table, kept, [])
    actor_table.insert(1, "rank", actor_table.groupby("group", sort=False).cumcount() + 1)
    actor_table = actor_table[["group", "rank", "actor", "type", "mentions", "n_stories"]]
    named = actor_table["actor"] + " (" + actor_table["mentions"].astype(str) + ")"
    cards["top_actors"] = _texts(
        cards["group"],
        actor_table.assign(t=named).groupby("group", sort=False)["t"].agg("; ".join),
    )
    quote_table = language.quotes(sub.sentences)
    qsum = language.quote_summary(quote_table, sub.stories, group="group").set_index("group")
    cards["n_quotes"] = cards["group"].map(qsum["quotes"]).fillna(0).astype("int64")
    cards["n_speech"] = cards["group"].map(qsum["speech"]).fillna(0).astype("int64")
    cards["top_speakers"] = _texts(cards["group"], qsum["top_speakers"])

    # topics, modelled on the whole selection
    topic_table = pd.DataFrame(
        {
            "group": pd.Series(dtype=object),
            "topic": pd.Series(dtype="int64"),
            "label": pd.Series(dtype=object),
            "share": pd.Series(dtype="float64"),
        }
    )
    if topics:
        model = language.topic_model(corpus, seed=seed)
        if model.n_topics:
            shares = model.shares_by(work, group="group")
            topic_table = _in_order(shares[shares["group"].isin(kept_set)], kept, ["topic"])

    for col in ("n_stories", "n_words", "n_sentences", "n_truncated"):
        cards[col] = cards[col].astype("int64")
    for col in ("mean_score", "std_score", "se_score", "share_negative", "share_positive"):
        cards[col] = cards[col].astype("float64")
    cards["is_truncated"] = cards["is_truncated"].astype(bool)
    for table in (cards, frames, terms, actor_table, topic_table):
        table.attrs.update({"group": group, "codebook": book.name})
    return Comparison(
        group=group,
        codebook=book.name,
        cards=cards[CARD_COLUMNS].reset_index(drop=True),
        frames=frames,
        terms=terms.reset_index(drop=True),
        actors=actor_table.reset_index(drop=True),
        topics=topic_table.reset_index(drop=True),
        n_groups=len(order),
        n_stories=len(corpus.stories),
        max_groups=max_groups,
        fallback=book.fallback,
    )


def _texts(keys: pd.Series, values: pd.Series) -> pd.Series:
    """``keys`` mapped to text ``values``; keys without a value get ``""``."""
    lookup = {k: str(v) for k, v in values.items()}
    return pd.Series([lookup.get(k, "") for k in keys], index=keys.index, dtype=object)


def _in_order(table: pd.DataFrame, order: list[str], then: list[str]) -> pd.DataFrame:
    """``table`` sorted by the position of its ``group`` in ``order``, then ``then``."""
    rank = {g: i for i, g in enumerate(order)}
    out = table.assign(_g=table["group"].map(rank))
    out = out.sort_values(["_g", *then], kind="stable").drop(columns="_g")
    return out.reset_index(drop=True)


def story_cards(
    analysis: Any,
    *,
    group: str = "story_id",
    codebook: framing.Codebook | str | Path = "generic",
    top_terms: int = 5,
    top_actors: int = 3,
    max_groups: int = MAX_GROUPS,
) -> pd.DataFrame:
    """The cards table of :func:`compare` alone (one row per story or group; no topic model)."""
    return compare(
        analysis,
        group=group,
        codebook=codebook,
        top_terms=top_terms,
        top_actors=top_actors,
        max_groups=max_groups,
        topics=False,
    ).cards


# --------------------------------------------------------------------------- statements


class _Writer:
    """Collects statement rows."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        aspect: str,
        rule: str,
        text: str,
        table: str,
        rows: Sequence[str],
        column: str,
        value: float = math.nan,
    ) -> None:
        self.rows.append(
            {
                "aspect": aspect,
                "rule": rule,
                "statement": text,
                "source_table": table,
                "source_row": "; ".join(str(r) for r in rows),
                "source_column": column,
                "value": float(value),
            }
        )


def _name(label: str) -> str:
    return f"**{_md(label)}**"


def _thin(n_sentences: int, min_sentences: int) -> str:
    if n_sentences >= min_sentences:
        return ""
    return f"; thin evidence: fewer than {min_sentences} sentences, one can move the mean"


def _tied(table: pd.DataFrame, column: str, value: float, decimals: int) -> pd.DataFrame:
    return table[table[column].round(decimals) == round(value, decimals)]


def comparison_statements(
    comparison: Comparison,
    *,
    min_sentences: int = MIN_SENTENCES,
    max_named: int = 6,
) -> pd.DataFrame:
    """The differences between the compared groups, stated in words generated from the tables.

    The rules are in the module docstring. Does not mutate ``comparison``.

    Args:
        comparison: :func:`compare` output.
        min_sentences: claims about a group with fewer sentences say the evidence is thin.
        max_named: at most this many groups are named in per-group statements (terms, actors,
            topics, stories without a frame).

    Returns:
        One row per statement (:data:`STATEMENT_COLUMNS`): ``aspect`` (``overview``, ``tone``,
        ``frames``, ``words``, ``actors``, ``quotes``, ``topics``), ``rule`` (the rule that made
        it; ``headline`` first), ``statement`` (Markdown), ``source_table`` (``cards``,
        ``frames``, ``terms``, ``actors`` or ``topics``: an attribute of the comparison),
        ``source_row`` (the ``group`` value(s) of the rows cited, ``"; "``-joined; empty: the
        whole table), ``source_column`` (the column(s) cited; for ``frames`` the frame id(s)),
        ``value`` (the main number cited, NaN when none).

    Raises:
        ParameterError: a bad ``min_sentences`` or ``max_named``.

    >>> from analysis import analyze, load_corpus
    >>> c = compare(analyze(load_corpus(), codebooks=["generic"]), topics=False)
    >>> s = comparison_statements(c)
    >>> s.loc[s["rule"] == "tone_low", ["source_row", "source_column"]].values.tolist()
    [['nicholas-nick-reiner-32-son-of', 'mean_score']]
    """
    min_sentences = _check_positive_int(min_sentences, "min_sentences")
    max_named = _check_positive_int(max_named, "max_named")
    cards = comparison.cards
    out = _Writer()
    by_story = comparison.by_story
    noun, nouns = ("story", "stories") if comparison.group == "story_id" else ("group", "groups")
    group_md = _code(comparison.group)
    label = dict(zip(cards["group"], cards["label"], strict=True))
    if comparison.capped:
        out.add("overview", "cap", comparison.scope(), "cards", [], "n_stories")
    scored = cards[cards["n_sentences"] > 0].dropna(subset=["mean_score"])
    if len(cards) < 2 or len(scored) < 2:
        only = cards.iloc[0]
        text = (
            f"Only one {noun if comparison.group == 'story_id' else group_md + ' group'} "
            f"({_name(only['label'])}, {_n(int(only['n_stories']), 'story', 'stories')}): "
            "there is nothing to compare it with."
        )
        out.add("overview", "single", text, "cards", [only["group"]], "n_stories")
        return _finish_statements(out, headline=text)

    # ---- tone
    low_value = float(scored["mean_score"].min())
    high_value = float(scored["mean_score"].max())
    lows = _tied(scored, "mean_score", low_value, 3)
    highs = _tied(scored, "mean_score", high_value, 3)
    low_word = "most negative" if low_value < 0 else "least positive"
    high_word = "most positive" if high_value > 0 else "least negative"
    tone_phrase: dict[str, str] = {}
    for rows, word, rule in ((lows, low_word, "tone_low"), (highs, high_word, "tone_high")):
        first = rows.iloc[0]
        names = _joined([_name(r) for r in rows["label"]])
        n_sent = int(rows["n_sentences"].min())
        verb = "are equally" if len(rows) > 1 else "is"
        detail = f"{_tone(float(first['mean_score']))} over {_n(n_sent, 'sentence')}"
        if len(rows) > 1:
            detail = f"{_tone(float(first['mean_score']))} each"
        text = f"{_capital(names)} {verb} the {word} ({detail}{_thin(n_sent, min_sentences)})."
        if rule == "tone_low":
            text += (
                f" Tone is the mean of {_code(sentiment.DEFAULT_SCORE)} over sentences, -1 to 1."
            )
        tone_phrase[rule] = f"{names} {verb} the {word} ({detail})"
        out.add("tone", rule, text, "cards", rows["group"], "mean_score", first["mean_score"])
    low, high = lows.iloc[0], highs.iloc[0]
    gap = float(high["mean_score"] - low["mean_score"])
    if len(lows) == 1 and len(highs) == 1 and gap > 0:
        se = math.sqrt(float(low["se_score"]) ** 2 + float(high["se_score"]) ** 2)
        if math.isfinite(se) and se > 0:
            ratio = gap / se
            verdict = "a clear difference" if ratio >= CLEAR_GAP else "it could be noise"
            text = (
                f"The gap between {_name(low['label'])} and {_name(high['label'])} is "
                f"{_tone(gap)[1:]}, {ratio:.1f} times its standard error: {verdict}."
            )
        else:
            text = (
                f"The gap between {_name(low['label'])} and {_name(high['label'])} is "
                f"{_tone(gap)[1:]}; it cannot be tested: one of them rests on one sentence."
            )
            ratio = math.nan
        out.add(
            "tone", "tone_gap", text, "cards", [low["group"], high["group"]], "se_score", ratio
        )
    solid = scored[scored["n_sentences"] >= min_sentences].dropna(subset=["std_score"])
    if len(solid) >= 2:
        wide = solid.loc[solid["std_score"].idxmax()]
        narrow = solid.loc[solid["std_score"].idxmin()]
        if round(float(wide["std_score"]), 2) > round(float(narrow["std_score"]), 2):
            text = (
                f"Tone varies most from sentence to sentence in {_name(wide['label'])} "
                f"(std {wide['std_score']:.2f}) and least in {_name(narrow['label'])} "
                f"(std {narrow['std_score']:.2f}), among the {len(solid)} {nouns} with at least "
                f"{min_sentences} sentences."
            )
            out.add(
                "tone",
                "tone_spread",
                text,
                "cards",
                [wide["group"], narrow["group"]],
                "std_score",
                wide["std_score"],
            )

    # ---- length and truncation
    longest = cards.loc[cards["n_words"].idxmax()]
    shortest = cards.loc[cards["n_words"].idxmin()]
    if shortest["n_words"] > 0 and longest["n_words"] >= 2 * shortest["n_words"]:
        factor = longest["n_words"] / shortest["n_words"]
        size = "" if by_story else f" in {_n(int(longest['n_stories']), 'story', 'stories')}"
        size_short = (
            "" if by_story else f" in {_n(int(shortest['n_stories']), 'story', 'stories')}"
        )
        text = (
            f"Lengths differ: {_name(longest['label'])} has {int(longest['n_words']):,} words"
            f"{size}, {_name(shortest['label'])} {int(shortest['n_words']):,}{size_short} "
            f"({factor:.0f} times fewer); counts and intensities of the shorter rest on less text."
        )
        out.add(
            "overview",
            "length",
            text,
            "cards",
            [longest["group"], shortest["group"]],
            "n_words",
            factor,
        )
    truncated = cards[cards["n_truncated"] > 0]
    if not truncated.empty:
        if comparison.group == "story_id":
            text = (
                f"{len(truncated)} of {len(cards)} stories are truncated leads, cut off "
                f"mid-sentence ({_joined([_name(x) for x in truncated['label']])}): their tone "
                "and frames describe an opening, not a whole story."
            )
        else:
            n_trunc = int(truncated["n_truncated"].sum())
            text = (
                f"{len(truncated)} of {len(cards)} groups include truncated stories "
                f"({n_trunc:,} of {int(cards['n_stories'].sum()):,} stories, cut off "
                "mid-sentence): their figures mix openings and whole stories."
            )
        out.add(
            "overview",
            "truncated",
            text,
            "cards",
            truncated["group"],
            "n_truncated",
            len(truncated),
        )

    # ---- frames
    frame_candidates = _frame_statements(comparison, out, label, by_story, noun, nouns, max_named)

    # ---- words
    terms = comparison.terms
    named = [g for g in cards["group"] if g in set(terms["group"])][:max_named]
    for g in named:
        rows = terms[terms["group"] == g].head(STATEMENT_TERMS)
        listed = ", ".join(
            f"*{_md(t)}* ({z:.2f})" for t, z in zip(rows["term"], rows["z"], strict=True)
        )
        text = f"Words that set {_name(label[g])} apart from the rest (z): {listed}."
        out.add("words", "terms", text, "terms", [g], "term", rows["z"].iloc[0])
    if named:
        n_sig = int(terms["significant"].sum())
        if n_sig == 0:
            text = (
                "None of these terms reaches z > 1.96 (short texts give small counts): read the "
                "ranking, not the size of z."
            )
        else:
            text = (
                f"{n_sig} of the {len(terms)} listed terms reach z > 1.96 (5 % per term, no "
                "correction for the many terms tested)."
            )
        out.add("words", "terms_strength", text, "terms", [], "significant", n_sig)

    # ---- actors
    actors = comparison.actors
    tops = actors[actors["rank"] == 1]
    tops = tops[tops["group"].isin(cards["group"])]
    if len(tops) >= 2:
        if tops["actor"].nunique() == 1:
            text = (
                f"All {len(tops)} {nouns} mention {_name(tops['actor'].iloc[0])} most ("
                + ", ".join(
                    f"{int(m):,} in {_name(label[g])}"
                    for g, m in zip(tops["group"], tops["mentions"], strict=True)
                )
                + ")."
            )
            out.add("actors", "actor_shared", text, "actors", tops["group"], "actor")
        else:
            shown = tops.head(max_named)
            listed = "; ".join(
                f"{_name(label[g])}: {_md(a)} ({int(m):,})"
                for g, a, m in zip(shown["group"], shown["actor"], shown["mentions"], strict=True)
            )
            more = "" if len(tops) <= max_named else f"; and {len(tops) - max_named} more"
            text = f"The most mentioned actor differs: {listed}{more}."
            out.add("actors", "actor_top", text, "actors", shown["group"], "actor")

    # ---- quotations
    if int(cards["n_quotes"].sum()) > 0:
        rate = cards["n_speech"] / cards["n_stories"].where(cards["n_stories"] > 0)
        most = cards.loc[rate.idxmax()]
        if int(most["n_speech"]) > 0:
            speakers = (
                f"; most quoted: {_md(most['top_speakers'])}" if most["top_speakers"] else ""
            )
            per_story = (
                "" if by_story else f" ({most['n_speech'] / most['n_stories']:.1f} per story)"
            )
            text = (
                f"{_capital(_name(most['label']))} quotes most: "
                f"{_n(int(most['n_speech']), 'attributed quotation')}{per_story} of "
                f"{_n(int(most['n_quotes']), 'quotation')}{speakers}."
            )
            out.add(
                "quotes",
                "quotes_most",
                text,
                "cards",
                [most["group"]],
                "n_speech",
                most["n_speech"],
            )
        silent = cards[cards["n_speech"] == 0]
        if not silent.empty:
            shown = silent.head(max_named)
            more = "" if len(silent) <= max_named else f" and {len(silent) - max_named} more"
            text = (
                f"{len(silent)} of {len(cards)} {nouns} quote nobody by name or role: "
                f"{_joined([_name(x) for x in shown['label']])}{more}."
            )
            out.add("quotes", "quotes_none", text, "cards", shown["group"], "n_speech", 0)

    # ---- topics
    topics = comparison.topics
    if not topics.empty:
        main = (
            topics.sort_values(["share", "topic"], ascending=[False, True], kind="stable")
            .drop_duplicates("group")
            .set_index("group")
        )
        shown = [g for g in cards["group"] if g in main.index][:max_named]
        if len(shown) >= 2:
            listed = "; ".join(
                f"{_name(label[g])}: topic {int(main.loc[g, 'topic'])} "
                f"*{_md(main.loc[g, 'label'])}* ({main.loc[g, 'share']:.0%})"
                for g in shown
            )
            text = f"Main topic of each {noun}: {listed}."
            out.add("topics", "topic_main", text, "topics", shown, "share")

    # ---- headline
    tone_rule = "tone_low" if low_value < 0 or high_value <= 0 else "tone_high"
    tone_rows = lows if tone_rule == "tone_low" else highs
    tone_groups = set(tone_rows["group"])
    headline = tone_phrase[tone_rule]
    sources = list(tone_rows["group"])
    if frame_candidates:
        if by_story:
            frame_candidates.sort(key=lambda c: (c["group"] in tone_groups, -c["intensity"]))
        else:
            frame_candidates.sort(
                key=lambda c: (c["group"] in tone_groups, -c["ratio"], -c["intensity"])
            )
        best = frame_candidates[0]
        headline += f"; {best['phrase']}"
        sources.append(best["group"])
    n_stories = _n(int(cards["n_stories"].sum()), "story", "stories")
    if comparison.capped and comparison.group == "story_id":
        n_stories = f"{len(cards)} longest of the {comparison.n_stories:,} stories"
    elif comparison.capped:
        n_stories += f" of the {comparison.n_stories:,}"
    count = (
        n_stories
        if comparison.group == "story_id"
        else (f"{len(cards)} {group_md} groups ({n_stories})")
    )
    text = f"Across the {count}, {headline}."
    return _finish_statements(out, headline=text, sources=sources)


def _frame_statements(
    comparison: Comparison,
    out: _Writer,
    label: dict[str, str],
    by_story: bool,
    noun: str,
    nouns: str,
    max_named: int,
) -> list[dict[str, Any]]:
    """Frame statements (rules in the module docstring); returns headline candidates."""
    frames = comparison.frames
    fallback = comparison.fallback
    candidates: list[dict[str, Any]] = []
    absent: list[tuple[str, str]] = []
    per_1000 = "hits per 1,000 words"

    def figure(r: Any, unit: bool = False) -> str:
        text = f"{r['intensity']:.1f}" + (f" {per_1000}" if unit else "")
        if by_story:
            return text
        return text + f", present in {r['share_present']:.0%} of its stories"

    for frame_id, rows in frames.groupby("frame", sort=True, observed=True):  # codebook order
        frame_id = str(frame_id)
        if frame_id == fallback:
            continue
        name = f"*{_md(rows['label'].iloc[0])}*"
        # stories: compare the groups where the frame is present; groups: where it is used
        pool = rows[rows["present"]] if by_story else rows[rows["n_hits"] > 0]
        if len(pool) == 1 and len(rows) >= 2:
            r = pool.iloc[0]
            who = _name(label[r["group"]])
            verb = "carries" if by_story else "uses"
            text = f"Only {who} {verb} the {name} frame ({figure(r, True)})."
            if by_story and (rows["n_hits"] > 0).sum() > 1:
                text = text[:-1] + "; the others' triggers stay below the presence rule."
            out.add("frames", "frame_only", text, "frames", [r["group"]], frame_id, r["intensity"])
            candidates.append(
                {
                    "group": r["group"],
                    "intensity": float(r["intensity"]),
                    "ratio": math.inf,
                    "phrase": f"{_name(label[r['group']])} is the only one "
                    f"{'carrying' if by_story else 'using'} the {name} frame "
                    f"({r['intensity']:.1f} {per_1000})",
                }
            )
        elif len(pool) >= 2:
            ranked = pool.sort_values("intensity", ascending=False, kind="stable")
            top_value = float(ranked["intensity"].iloc[0])
            leaders = _tied(ranked, "intensity", top_value, 1)
            rest = ranked.iloc[len(leaders) :]
            names = _joined([_name(label[g]) for g in leaders["group"]])
            if len(leaders) > 1:
                text = (
                    f"{_capital(names)} use the {name} frame equally intensely "
                    f"({top_value:.1f} {per_1000} each)"
                )
            else:
                text = (
                    f"{_capital(names)} uses the {name} frame most intensely "
                    f"({figure(leaders.iloc[0], True)})"
                )
            if not rest.empty:
                runner = rest.iloc[0]
                text += f", ahead of {_name(label[runner['group']])} ({figure(runner)})"
                if len(rest) > 1:
                    last = rest.iloc[-1]
                    text += f"; lowest: {_name(label[last['group']])} ({figure(last)})"
            verb = "carry" if by_story else "use"
            if len(pool) == len(rows):
                text += f"; all {len(rows)} {nouns} {verb} it."
            else:
                text += f"; {len(pool)} of {len(rows)} {nouns} {verb} it."
            cited = [*leaders["group"], *rest["group"].head(1)]
            if len(rest) > 1:
                cited.append(rest["group"].iloc[-1])
            out.add("frames", "frame_most", text, "frames", cited, frame_id, top_value)
            if len(leaders) == 1:
                against = ""
                runner_value = 0.0
                if not rest.empty:
                    runner_value = float(rest["intensity"].iloc[0])
                    against = (
                        f", against {runner_value:.1f} in {_name(label[rest['group'].iloc[0]])}"
                    )
                candidates.append(
                    {
                        "group": leaders["group"].iloc[0],
                        "intensity": top_value,
                        "ratio": top_value / runner_value if runner_value > 0 else math.inf,
                        "phrase": f"{names} uses the {name} frame most intensely "
                        f"({top_value:.1f} {per_1000}{against})",
                    }
                )
        elif pool.empty:
            absent.append((frame_id, name))
    if absent:
        plural = "s" if len(absent) > 1 else ""
        listed = _joined([n for _, n in absent])
        if by_story:
            text = f"No {noun} carries the {listed} frame{plural}."
        else:
            text = f"No story of any group triggers the {listed} frame{plural}."
        out.add("frames", "frame_absent", text, "frames", [], ", ".join(f for f, _ in absent))
    real = frames[frames["frame"].astype(str) != (fallback or "")]
    order = list(label)
    none = [g for g, rows in real.groupby("group", sort=False) if not rows["present"].any()]
    none = sorted(none, key=order.index)
    rule = "" if by_story else " by the majority rule"
    for g in none[:max_named]:
        rows = real[real["group"] == g].sort_values("intensity", ascending=False, kind="stable")
        best = rows.iloc[0]
        if best["intensity"] > 0:
            detail = (
                f"its strongest, *{_md(best['label'])}*, has {best['intensity']:.1f} hits per "
                "1,000 words"
            )
            if not by_story:
                detail = (
                    "no frame is present in at least half its stories; "
                    + detail
                    + f" and is present in {best['share_present']:.0%} of them"
                )
        else:
            detail = "no frame trigger at all"
        text = f"{_capital(_name(label[g]))} carries no frame of the codebook{rule} ({detail})."
        out.add("frames", "frame_none", text, "frames", [g], str(best["frame"]), best["intensity"])
    if len(none) > max_named:
        text = f"{len(none) - max_named} more {nouns} carry no frame (see the frames table)."
        out.add("frames", "frame_none", text, "frames", none[max_named:], "present")
    return candidates


def _finish_statements(
    out: _Writer, *, headline: str, sources: Sequence[str] = ()
) -> pd.DataFrame:
    table = pd.DataFrame(out.rows, columns=STATEMENT_COLUMNS)
    head = pd.DataFrame(
        [
            {
                "aspect": "overview",
                "rule": "headline",
                "statement": headline,
                "source_table": "cards",
                "source_row": "; ".join(dict.fromkeys(sources)),
                "source_column": "",
                "value": math.nan,
            }
        ],
        columns=STATEMENT_COLUMNS,
    )
    if len(table):
        order = {a: i for i, a in enumerate(_ASPECT_TITLES)}
        table = table.assign(_a=table["aspect"].map(order).fillna(len(order)))
        table = table.sort_values("_a", kind="stable").drop(columns="_a")
        table = pd.concat([head, table], ignore_index=True)
    else:
        table = head
    for col in STATEMENT_COLUMNS[:-1]:
        table[col] = table[col].astype(str)
    table["value"] = table["value"].astype("float64")
    return table


_ASPECT_TITLES = {
    "overview": "Overview",
    "tone": "Tone",
    "frames": "Frames",
    "words": "Words",
    "actors": "Actors",
    "quotes": "Quotations",
    "topics": "Topics",
}


def statements_markdown(statements: pd.DataFrame, *, sources: bool = True) -> str:
    """The statements as Markdown: the headline as the first paragraph, then one bullet per
    statement, grouped by aspect, each followed by its source (table, rows, column).

    Args:
        statements: :func:`comparison_statements` or :func:`story_statements` output.
        sources: write each statement's source after it.

    Raises:
        ParameterError: ``statements`` lacks a column.
    """
    missing = [c for c in STATEMENT_COLUMNS if c not in statements.columns]
    if missing:
        raise ParameterError(f"statements lacks the column(s) {missing}")
    heads = statements[statements["rule"] == "headline"]
    lines: list[str] = []
    if not heads.empty:
        lines += [heads["statement"].iloc[0], ""]
    rest = statements[statements["rule"] != "headline"]
    for aspect in dict.fromkeys(rest["aspect"]):
        lines.append(f"**{_ASPECT_TITLES.get(aspect, _md(aspect))}**")
        lines.append("")
        for row in rest[rest["aspect"] == aspect].itertuples(index=False):
            text = f"- {row.statement}"
            if sources:
                where = f"table {row.source_table}"
                if row.source_row:
                    rows = row.source_row.split("; ")
                    where += f", row{'s' if len(rows) > 1 else ''} "
                    where += ", ".join(_code(r) for r in rows)
                if row.source_column:
                    where += f", column {_code(row.source_column)}"
                text += f" _({where})_"
            lines.append(text)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------- one story


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


#: Background colours of the story text: clearly negative and clearly positive sentences.
TONE_RGB: Final = {"negative": (192, 57, 43), "positive": (39, 134, 74)}
#: Colours of frame marks, cycled in codebook order.
FRAME_COLOURS: Final = (
    "#ffe08a",
    "#b9e3ff",
    "#ffc9a8",
    "#d9c6ff",
    "#c6f0c2",
    "#ffc2dc",
    "#e6e6a8",
    "#a8e6e0",
)


def _tone_style(value: float, band: float) -> str:
    if not math.isfinite(value) or abs(value) < band or value == 0:
        return ""
    r, g, b = TONE_RGB["negative" if value < 0 else "positive"]
    alpha = min(0.12 + 0.6 * abs(value), 0.6)
    return f"background-color:rgba({r},{g},{b},{alpha:.2f})"


def _marked(text: str, spans: list[tuple[int, int, str, str, str]]) -> str:
    """Escape ``text`` and wrap spans ``(start, end, frame id, title, colour)`` in ``<mark>``
    followed by the frame id in small type (overlapping spans are merged; their frames are
    listed together)."""
    merged: list[list[Any]] = []
    for s, e, frame, title, colour in sorted(spans, key=lambda m: (m[0], -m[1])):
        if merged and s < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], e)
            if frame not in last[2]:
                last[2].append(frame)
                last[3].append(title)
            continue
        merged.append([s, e, [frame], [title], colour])
    pieces: list[str] = []
    pos = 0
    for s, e, frames, titles, colour in merged:
        pieces.append(escape_html(text[pos:s]))
        title = escape_html("; ".join(titles))
        tag = escape_html(" + ".join(frames))
        pieces.append(
            f'<mark class="frame-trigger" style="background:{colour};padding:0 1px" '
            f'title="{title}">{escape_html(text[s:e])}'
            f'<sup style="font-size:0.65em;color:#555"> {tag}</sup></mark>'
        )
        pos = e
    pieces.append(escape_html(text[pos:]))
    return "".join(pieces)


def story_text_html(
    analysis: Any,
    story_id: str | None,
    *,
    codebook: framing.Codebook | str | Path = "generic",
    score: str = "default",
    neutral_band: float = sentiment.NEUTRAL_BAND,
) -> str:
    """The story's text as HTML: every sentence a ``<span>`` coloured by its tone, every frame
    trigger a ``<mark>`` with the frame's name.

    Each sentence's ``title`` attribute (shown on hover) gives its index and scores (the chosen
    score, VADER compound, TextBlob polarity) and the frames it carries. The background is red
    for clearly negative and green for clearly positive sentences (``|score| >= neutral_band``),
    more opaque the stronger the score. All article text is escaped with
    :func:`analysis.safe.escape_html` before any tag is added.

    Args:
        analysis: the shared pass, ``analyze(corpus, codebooks=[codebook])``.
        story_id: the story (``None``: the first one).
        codebook: the frame codebook whose triggers are marked.
        score: the score that colours the sentences (``"default"``: the validated default).
        neutral_band: sentences with ``|score|`` below it are not coloured.

    Returns:
        An HTML fragment (a ``<div>``: a legend, then one ``<p>`` per paragraph).

    Raises:
        ParameterError: an unknown story or score, or a codebook missing from the analysis.
    """
    _check_analysis(analysis)
    story = check_story_id(analysis.corpus, story_id)
    column = sentiment.resolve_score(score)
    book, hits = _hits(analysis, codebook)
    stories = analysis.corpus.stories
    text = str(stories.loc[stories["story_id"] == story, "text"].iloc[0])
    sentences = analysis.corpus.sentences
    sentences = sentences[sentences["story_id"] == story][["sentence_id", "start", "end", "text"]]
    scores = analysis.sentiment.set_index("sentence_id")
    hits = hits[hits["story_id"] == story]
    labels = book.labels()
    colours = {f: FRAME_COLOURS[i % len(FRAME_COLOURS)] for i, f in enumerate(book.frame_ids)}
    by_sentence: dict[str, list[tuple[int, int, str, str, str]]] = {}
    for row in hits.itertuples(index=False):
        frame = str(row.frame)
        by_sentence.setdefault(row.sentence_id, []).append(
            (
                int(row.sentence_start),
                int(row.sentence_end),
                frame,
                f"{labels.get(frame, frame)} ({row.detector})",
                colours.get(frame, FRAME_COLOURS[0]),
            )
        )
    body: list[str] = ["<p>"]
    pos = 0
    for i, row in enumerate(sentences.sort_values("start", kind="stable").itertuples(index=False)):
        start, end = int(row.start), int(row.end)
        body.append(escape_html(text[pos:start]).replace("\n", "</p>\n<p>"))
        value = (
            float(scores.loc[row.sentence_id, column])
            if row.sentence_id in scores.index
            else math.nan
        )
        spans = by_sentence.get(row.sentence_id, [])
        frames_here = list(dict.fromkeys(labels.get(s[2], s[2]) for s in spans))
        title = (
            f"sentence {i}: {column} {value:+.3f}; VADER "
            f"{float(scores.loc[row.sentence_id, 'vader_compound']):+.3f}; TextBlob "
            f"{float(scores.loc[row.sentence_id, 'textblob_polarity']):+.3f}"
            if math.isfinite(value)
            else f"sentence {i}: not scored"
        )
        if frames_here:
            title += "; frames: " + ", ".join(frames_here)
        style = _tone_style(value, neutral_band)
        body.append(
            f'<span class="sentence" data-score="{value:.3f}" '
            f'title="{escape_html(title)}"'
            + (f' style="{style}"' if style else "")
            + f">{_marked(text[start:end], spans)}</span>"
        )
        pos = end
    body.append(escape_html(text[pos:]).replace("\n", "</p>\n<p>"))
    body.append("</p>")
    neg = _tone_style(-0.5, neutral_band)
    posi = _tone_style(0.5, neutral_band)
    found = {s[2] for spans in by_sentence.values() for s in spans}
    used = [f for f in book.frame_ids if f in found]
    frame_keys = "".join(
        f'<mark style="background:{colours[f]};margin-right:0.6em">{escape_html(labels[f])}'
        f'<sup style="font-size:0.65em;color:#555"> {escape_html(f)}</sup></mark>'
        for f in used
    )
    legend = (
        '<p style="font-size:0.85em;color:#444">'
        f'Sentence tone ({escape_html(column)}): <span style="{neg}">clearly negative</span> '
        f'<span style="{posi}">clearly positive</span> (stronger colour: stronger score; '
        f"uncoloured: within &plusmn;{neutral_band:g}). "
        + (
            f"Frame triggers ({escape_html(book.title)}): {frame_keys}"
            if used
            else f"No trigger of the {escape_html(book.title)} codebook."
        )
        + " Hover a sentence for its scores, a mark for its detector.</p>"
    )
    return (
        '<div class="story-text" style="line-height:1.8;max-width:52em">'
        + legend
        + "".join(body)
        + "</div>"
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
    _check_analysis(analysis)
    story = check_story_id(analysis.corpus, story_id)
    top_n = _check_positive_int(top_n, "top_n")
    stories = analysis.corpus.stories
    grouped = stories.drop(columns=["group"], errors="ignore").assign(
        group=np.where(stories["story_id"] == story, "story", _OTHERS)
    )
    counts = analysis.term_matrix() if analysis.term_counts is not None else None
    terms = language.distinctive_terms(grouped, group="group", top_n=top_n, counts=counts)
    terms = terms[terms["group"] == "story"]
    columns = ["rank", "term", "z", "count", "count_rest", "per_1000", "per_1000_rest"]
    return terms[[*columns, "significant"]].reset_index(drop=True)


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
    _check_analysis(analysis)
    corpus = analysis.corpus
    story = check_story_id(corpus, story_id)
    book, hits = _hits(analysis, codebook)
    stories = corpus.stories
    tone = sentiment.story_sentiment(analysis.sentiment, stories).set_index("story_id")
    summary = framing.frame_summary(hits, stories, codebook=book)
    words = stories.set_index("story_id")["n_words"]
    rows: list[dict[str, Any]] = []

    def add(
        measure: str,
        label: str,
        values: pd.Series,
        ascending: bool,
        order: str,
        present: pd.Series | None = None,
    ) -> None:
        values = values.dropna().astype("float64")
        if story not in values.index:
            return
        ranks = values.rank(method="min", ascending=ascending)
        unranked = present is not None and values[story] <= 0  # no trigger: no rank
        rows.append(
            {
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
        )

    add("tone", f"tone ({sentiment.DEFAULT_SCORE})", tone["mean_score"], True, "most negative")
    add("spread", "spread of sentence tone (std)", tone["std_score"], False, "widest spread")
    add("words", "words", words, False, "longest")
    fallback = book.fallback
    real = summary[summary["frame"].astype(str) != (fallback or "")]
    total = real.groupby("story_id", sort=False)["n_hits"].sum().reindex(words.index, fill_value=0)
    add(
        "frame_intensity",
        "all frames (hits per 1,000 words)",
        (1000 * total / words.where(words > 0)).fillna(0.0),
        False,
        "most triggers per 1,000 words",
    )
    labels = book.labels()
    for frame_id in book.frame_ids:
        if frame_id == fallback:
            continue
        part = summary[summary["frame"].astype(str) == frame_id].set_index("story_id")
        add(
            f"frame:{frame_id}",
            labels[frame_id],
            part["intensity"],
            False,
            "most intense",
            part["present"],
        )
    table = pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS)
    table["rank"] = table["rank"].astype("Int64")
    table["n_present"] = table["n_present"].astype("Int64")
    table["present"] = table["present"].astype("boolean")
    table.attrs.update({"story_id": story, "codebook": book.name})
    return table


def story_statements(
    analysis: Any,
    story_id: str | None,
    *,
    codebook: framing.Codebook | str | Path = "generic",
    differences: pd.DataFrame | None = None,
    terms: pd.DataFrame | None = None,
    min_sentences: int = MIN_SENTENCES,
) -> pd.DataFrame:
    """How one story differs from the rest of the selection, in words.

    Same columns as :func:`comparison_statements`; the sources are the ``differences`` table
    (:func:`story_differences`, rows named by ``measure``) and the ``terms`` table
    (:func:`story_distinctive_terms`, rows named by ``term``). The headline (first row) names
    the story, its length, its tone rank and the frame on which it ranks highest.

    Args:
        analysis: the shared pass.
        story_id: the story (``None``: the first one).
        codebook: the frame codebook.
        differences: :func:`story_differences` output if already computed.
        terms: :func:`story_distinctive_terms` output if already computed.
        min_sentences: a tone claim about a story with fewer sentences says the evidence is
            thin.
    """
    _check_analysis(analysis)
    story = check_story_id(analysis.corpus, story_id)
    min_sentences = _check_positive_int(min_sentences, "min_sentences")
    diff = differences
    if diff is None:
        diff = story_differences(analysis, story, codebook=codebook)
    terms = story_distinctive_terms(analysis, story) if terms is None else terms
    stories = analysis.corpus.stories
    info = stories[stories["story_id"] == story].iloc[0]
    name = _name(_story_labels(stories)[story])
    n_sent = int(info["n_sentences"])
    n_all = len(stories)
    size = f"{int(info['n_words']):,} words" + (
        ", a truncated lead" if bool(info["is_truncated"]) else ""
    )
    by = diff.set_index("measure")
    out = _Writer()
    head: list[str] = []
    sources: list[str] = []
    if "tone" in by.index and n_all > 1:
        r = by.loc["tone"]
        rank, n = int(r["rank"]), int(r["n_ranked"])
        if rank == 1:
            where = "the most negative" if r["value"] < 0 else "the least positive"
        elif rank == n:
            where = "the most positive" if r["value"] > 0 else "the least negative"
        else:
            where = f"the {_ordinal(rank)} most negative"
        share = _share_of(rank, n) if 1 < rank < n else ""
        text = (
            f"Its tone is {_tone(r['value'])} over {_n(n_sent, 'sentence')}: {where} of "
            f"{n:,} stories{share}, median {_tone(r['median'])}{_thin(n_sent, min_sentences)}."
        )
        out.add("tone", "story_tone", text, "differences", ["tone"], "rank", r["value"])
        share_short = _share_of(rank, n, "; ", "") if 1 < rank < n else ""
        head.append(f"{where} of {n:,} stories in tone ({_tone(r['value'])}{share_short})")
        sources.append("tone")
    frames = diff[diff["measure"].str.startswith("frame:")]
    carried = frames[frames["value"] > 0].sort_values(
        ["rank", "value"], ascending=[True, False], kind="stable"
    )
    for r in carried.itertuples(index=False):
        state = "present" if bool(r.present) else "below the presence rule"
        where = "no story" if int(r.n_present) == 0 else _n(int(r.n_present), "story", "stories")
        text = (
            f"*{_md(r.label)}*: {r.value:.1f} hits per 1,000 words ({state}), "
            f"{_ordinal(int(r.rank))} of {int(r.n_ranked):,} stories"
            f"{_share_of(int(r.rank), int(r.n_ranked))}; the frame is present in "
            f"{where} of the selection."
        )
        out.add("frames", "story_frame", text, "differences", [r.measure], "rank", r.value)
    absent = frames[frames["value"] <= 0]
    if not absent.empty:
        listed = _joined([f"*{_md(x)}*" for x in absent["label"]])
        text = f"It has no trigger of {listed}."
        out.add("frames", "story_no_frame", text, "differences", absent["measure"], "value", 0)
    if not carried.empty and n_all > 1:
        best = carried.iloc[0]
        head.append(
            f"ranks {_ordinal(int(best['rank']))} on the *{_md(best['label'])}* frame "
            f"({best['value']:.1f} hits per 1,000 words"
            + _share_of(int(best["rank"]), int(best["n_ranked"]), "; ", ")")
            + ("" if int(best["n_ranked"]) > 20 else ")")
        )
        sources.append(best["measure"])
    if "words" in by.index and n_all > 1:
        r = by.loc["words"]
        rank, n = int(r["rank"]), int(r["n_ranked"])
        place = (
            "the longest"
            if rank == 1
            else ("the shortest" if rank == n else f"the {_ordinal(rank)} longest")
        )
        text = (
            f"It has {int(r['value']):,} words, {place} of {n:,} stories "
            f"(median {r['median']:,.0f})"
            + (
                "; it is a truncated lead, cut off mid-sentence: its tone and frames describe "
                "an opening, not a whole story."
                if bool(info["is_truncated"])
                else "."
            )
        )
        out.add("overview", "story_length", text, "differences", ["words"], "rank", r["value"])
    if not terms.empty:
        rows = terms.head(5)
        listed = ", ".join(
            f"*{_md(t)}* ({z:.2f})" for t, z in zip(rows["term"], rows["z"], strict=True)
        )
        text = f"Words that set it apart from the other stories (z): {listed}."
        out.add("words", "story_terms", text, "terms", rows["term"], "z", rows["z"].iloc[0])
    if n_all <= 1:
        headline = f"{_capital(name)} ({size}) is the only story of the selection."
    elif head:
        if len(head) == 2:
            headline = f"{_capital(name)} ({size}) is {head[0]} and {head[1]}."
        elif head[0].startswith("ranks"):
            headline = f"{_capital(name)} ({size}) {head[0]} among {n_all:,} stories."
        else:
            headline = f"{_capital(name)} ({size}) is {head[0]}."
    else:
        headline = f"{_capital(name)} ({size}) has no scored sentence."
    return _finish_statements(out, headline=headline, sources=sources)
