"""Stories (or groups of stories) side by side: one card per group, with its frames, distinctive
terms, actors and topics.

Everything here reads the shared analysis pass (:func:`analysis.pipeline.analyze`): sentence
sentiment, frame triggers and term counts are never recomputed. Actors and quotations are found
with :mod:`analysis.language` on the compared stories only.

What is compared (:func:`compare`)
    Stories are put in groups by a column of the stories table (``group``: ``story_id``, the
    default, or ``outlet``, ``bias_label``, ``topic``, ``month`` …; a missing value is the group
    :data:`analysis._checks.MISSING_GROUP`). Each group gets a *card*: its size (stories, words,
    sentences, truncated leads), its tone (:data:`analysis.sentiment.DEFAULT_SCORE` averaged
    over sentences, as :func:`analysis.sentiment.story_sentiment`, with the spread and a standard
    error), its frames (:func:`analysis.framing.frame_summary` with one codebook: intensity = hits
    per 1,000 words, present and dominant frames by the framing module's rules), its most
    distinctive terms (:func:`analysis.language.distinctive_terms`, Monroe et al. 2008 weighted
    log-odds: each group against all other stories of the selection), its most mentioned actors
    and its quotations. Topic shares come from one NMF model of the whole selection
    (:func:`analysis.language.topic_model`).

    A group is *mostly truncated* when more than half of its stories are truncated leads
    (``2 * n_truncated > n_stories``; for a single story: it is truncated). Its *dominant frame*
    is the first of its dominant frames in codebook order (empty when none is dominant).

    Large corpora: at most ``max_groups`` groups get a card - those with most stories, then most
    words (so with ``group="story_id"`` the longest stories), ties in corpus order. The other
    groups still count as "the rest" for distinctive terms and topics, but get no card.

Standard error of a group's tone (``se_score``)
    ``mean_score`` is a mean over sentences, and sentences of one story are not independent. For
    a group of at least two stories, ``se_score`` is the cluster-robust standard error of that
    mean with stories as clusters (CR1; Cameron & Miller 2015, *A Practitioner's Guide to
    Cluster-Robust Inference*, Journal of Human Resources 50(2): 317-372)::

        se = sqrt(G / (G - 1) * sum_s (sum_{i in s} (y_i - mean))^2) / N

    with ``G`` stories and ``N`` sentences. For a single story it is the usual ``std / sqrt(N)``
    over its sentences (NaN for one sentence).

The statements made from these tables are written by :mod:`analysis.narrate.compare`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from analysis import framing, language, sentiment
from analysis._checks import (
    GROUP_SIZE_COLUMNS,
    MISSING_GROUP,
    group_labels,
    per_thousand,
    positive_int,
)
from analysis.errors import ParameterError

__all__ = [
    "CARD_COLUMNS",
    "FRAME_COLUMNS",
    "MAX_GROUPS",
    "MIN_TERM_STORIES",
    "REST_GROUP",
    "Comparison",
    "check_analysis",
    "codebook_hits",
    "compare",
    "story_cards",
    "story_labels",
]

#: Default cap on the number of groups that get a card (largest groups first).
MAX_GROUPS: Final = 30
#: In groups of several stories, a distinctive term must be used by this many of the group's
#: stories (fewer when the smallest group has fewer stories).
MIN_TERM_STORIES: Final = 3
#: Group value of "all the other stories" when one group is set against the rest.
REST_GROUP: Final = "\x00other groups"

CARD_COLUMNS: Final = [
    "group",
    "label",
    *GROUP_SIZE_COLUMNS,
    "mostly_truncated",
    "mean_score",
    "std_score",
    "se_score",
    "share_negative",
    "share_positive",
    "frame_intensity",
    "dominant_frames",
    "dominant_frame",
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
_TONE_COLUMNS = ["mean_score", "std_score", "share_negative", "share_positive"]


# --------------------------------------------------------------------------- inputs


def check_analysis(analysis: Any) -> None:
    """Raise unless ``analysis`` is the shared pass (:func:`analysis.pipeline.analyze`)."""
    # a class attribute first: hasattr on the instance would compute a cached property (the
    # whole sentiment table with every sentence's text) only to check that it exists
    wanted = ("corpus", "sentiment", "frame_hits")
    if not all(hasattr(type(analysis), a) or hasattr(analysis, a) for a in wanted):
        raise ParameterError(
            f"expected the result of analysis.analyze(corpus), got {type(analysis).__name__}"
        )


def sentence_scores(analysis: Any) -> pd.DataFrame:
    """The sentence scores of the shared pass without the sentence texts
    (:meth:`analysis.pipeline.Analysis.sentence_scores`: per-story and per-group figures need
    only the scores), or its ``sentiment`` table when it cannot read them alone."""
    reader = getattr(type(analysis), "sentence_scores", None)
    return analysis.sentence_scores() if callable(reader) else analysis.sentiment


def codebook_hits(
    analysis: Any, codebook: framing.Codebook | str | Path
) -> tuple[framing.Codebook, pd.DataFrame]:
    """The codebook and its frame hits from the shared pass.

    Raises:
        ParameterError: the analysis was run without this codebook.
    """
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
        order.append(MISSING_GROUP)
    return order


def _work_stories(stories: pd.DataFrame, group: str) -> pd.DataFrame:
    """The stories with a text column ``group`` holding each story's group value."""
    if not isinstance(group, str) or group not in stories.columns:
        raise ParameterError(
            f"group {group!r} is not a column of the stories table; choose one of "
            f"{list(stories.columns)}"
        )
    values = group_labels(stories[group])
    return stories.drop(columns=["group"], errors="ignore").assign(group=values.to_numpy())


def _short_title(title: str, words: int = 6, chars: int = 48) -> str:
    parts = str(title).replace("\u2026", "").split()
    text = " ".join(parts[:words])
    if len(text) > chars:
        text = text[: chars - 1].rsplit(" ", 1)[0]
    return "\u201c" + text + ("\u2026" if text != " ".join(parts) else "") + "\u201d"


def story_labels(stories: pd.DataFrame) -> dict[str, str]:
    """How statements and charts name each story: "the Tokyo lead", or its short title.

    A story whose title was made up by the loader is named by its dateline's place (a
    "lead" when truncated); else by its first six title words in quotes; else by its id. Labels
    shared by several stories get the story id in brackets.

    >>> from analysis import load_corpus
    >>> list(story_labels(load_corpus().stories).values())[1]
    'the Tokyo lead'
    """
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
            ``n_stories``, ``n_words``, ``n_sentences``, ``n_truncated``, ``is_truncated`` (any
            truncated story), ``mostly_truncated`` (more than half), ``mean_score``,
            ``std_score``, ``se_score`` (see the module docstring), ``share_negative``,
            ``share_positive``, ``frame_intensity`` (hits of all frames per 1,000 words),
            ``dominant_frames`` and ``present_frames`` (frame labels, ``"; "``),
            ``dominant_frame`` (the first dominant frame's label, ``""`` when none),
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


def _size_and_tone(
    analysis: Any, work: pd.DataFrame, order: list[str], group: str, max_groups: int
) -> pd.DataFrame:
    """The cards' size and tone columns, for the kept groups (the cap applied), in order."""
    scores = sentence_scores(analysis)
    tone = sentiment.story_sentiment(scores, work, group="group")
    scored = scores.merge(work[["story_id", "group"]], on="story_id", how="left")
    se = _cluster_se(scored, sentiment.DEFAULT_SCORE)
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
    cards = pd.DataFrame({"group": _keep_groups(counts, order, max_groups)})
    if group == "story_id":
        cards["label"] = cards["group"].map(story_labels(analysis.corpus.stories))
    else:
        cards["label"] = cards["group"]
    cards = cards.merge(counts, on="group", how="left")
    cards["is_truncated"] = cards["n_truncated"] > 0
    cards["mostly_truncated"] = cards["n_truncated"] * 2 > cards["n_stories"]
    cards = cards.merge(tone[["group", *_TONE_COLUMNS]], on="group", how="left")
    cards["se_score"] = cards["group"].map(se)
    return cards


def _frame_table(
    hits: pd.DataFrame,
    work: pd.DataFrame,
    book: framing.Codebook,
    kept: list[str],
    decisions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """:func:`analysis.framing.frame_summary` of the kept groups, in order, codebook order."""
    summary = framing.frame_summary(hits, work, codebook=book, group="group", decisions=decisions)
    frames = summary[summary["group"].isin(set(kept))].copy()
    frames["_g"] = frames["group"].map({g: i for i, g in enumerate(kept)})
    frames = frames.sort_values(["_g", "frame"], kind="stable").reset_index(drop=True)
    return frames[FRAME_COLUMNS].copy()


def _frame_columns(
    cards: pd.DataFrame, frames: pd.DataFrame, fallback: str | None
) -> dict[str, pd.Series]:
    """The cards' frame columns: intensity of all frames, dominant and present frames."""
    real = frames[frames["frame"].astype(str) != (fallback or "")]
    total_hits = real.groupby("group", sort=False)["n_hits"].sum()
    hits = total_hits.reindex(cards["group"], fill_value=0).to_numpy()
    intensity = per_thousand(hits, cards["n_words"].to_numpy())
    dominant = frames[frames["dominant"]].groupby("group", sort=False)["label"]
    present = frames[frames["present"]].groupby("group", sort=False)["label"]
    return {
        "frame_intensity": pd.Series(intensity, index=cards.index, dtype="float64"),
        "dominant_frames": _texts(cards["group"], dominant.agg("; ".join)),
        "dominant_frame": _texts(cards["group"], dominant.first()),
        "present_frames": _texts(cards["group"], present.agg("; ".join)),
    }


def _term_table(
    counts_matrix: Any, work: pd.DataFrame, cards: pd.DataFrame, top_terms: int
) -> pd.DataFrame:
    """Distinctive terms of each kept group; the groups without a card are pooled into one
    "rest" group, and in groups of several stories a term must be used by
    :data:`MIN_TERM_STORIES` of them (fewer when the smallest group is smaller), so that one
    story's names do not make a group's words."""
    kept = list(cards["group"])
    rest = work["group"].where(work["group"].isin(set(kept)), REST_GROUP)
    min_stories = int(min(MIN_TERM_STORIES, cards["n_stories"].min()))
    terms = language.distinctive_terms(
        work.assign(group=rest),
        group="group",
        top_n=top_terms,
        counts=counts_matrix,
        min_sources=min_stories,
        source="story_id",
        own_names="outlet",
    )
    terms = terms[terms["group"] != REST_GROUP]
    terms = terms[["group", "rank", "term", "z", "count", "count_rest", "significant"]]
    return _in_order(terms, kept, ["rank"])


def _story_counts(analysis: Any) -> Any:
    """The stories' term counts of the pass (``None`` when it was run without terms)."""
    try:  # (not ``analysis.term_counts``: building that long table only to test it is slow)
        return analysis.term_matrix()
    except ParameterError:
        return None


def _actors_and_quotes(
    corpus: Any, work: pd.DataFrame, cards: pd.DataFrame, top_actors: int
) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """The actors table and the cards' actor and quotation columns, from the kept groups'
    stories only."""
    kept = list(cards["group"])
    sub_stories = work[work["group"].isin(set(kept))].reset_index(drop=True)
    keep = corpus.sentences["story_id"].isin(sub_stories["story_id"])
    # every group kept: the sentences as they are (a copy of a million texts took 0.3 GB)
    sentences = corpus.sentences if keep.all() else corpus.sentences[keep].reset_index(drop=True)
    sub = replace(corpus, stories=sub_stories, sentences=sentences)
    # every actor of each group, then the first ``top_actors``: the same rows as ``top_n``
    # gives, from the table the report runner kept for the grouping (no mention is loaded)
    every = language.actors(sub, group="group")
    table = _in_order(every.groupby("group", sort=False).head(top_actors), kept, [])
    table.insert(1, "rank", table.groupby("group", sort=False).cumcount() + 1)
    table = table[["group", "rank", "actor", "type", "mentions", "n_stories"]]
    named = table["actor"] + " (" + table["mentions"].astype(str) + ")"
    quote_table = language.quotes(sub.sentences)
    qsum = language.quote_summary(quote_table, sub.stories, group="group").set_index("group")
    columns = {
        "top_actors": _texts(
            cards["group"], table.assign(t=named).groupby("group", sort=False)["t"].agg("; ".join)
        ),
        "n_quotes": cards["group"].map(qsum["quotes"]).fillna(0).astype("int64"),
        "n_speech": cards["group"].map(qsum["speech"]).fillna(0).astype("int64"),
        "top_speakers": _texts(cards["group"], qsum["top_speakers"]),
    }
    return table, columns


def _topic_table(
    corpus: Any,
    work: pd.DataFrame,
    kept: list[str],
    *,
    fit: bool,
    seed: int,
    counts: Any = None,
) -> pd.DataFrame:
    """Topic shares of the kept groups, from one model of the whole selection (empty when
    ``fit`` is false or no topic is found); ``counts``: the stories' term counts of the pass,
    not counted again when the model's units are the stories."""
    table = pd.DataFrame(
        {
            "group": pd.Series(dtype=object),
            "topic": pd.Series(dtype="int64"),
            "label": pd.Series(dtype=object),
            "share": pd.Series(dtype="float64"),
        }
    )
    if not fit:
        return table
    model = language.topic_model(corpus, seed=seed, counts=counts)
    if model.n_topics:
        shares = model.shares_by(work, group="group")
        table = _in_order(shares[shares["group"].isin(set(kept))], kept, ["topic"])
    return table


def _typed_cards(cards: pd.DataFrame) -> pd.DataFrame:
    """The cards with their documented dtypes and column order."""
    cards = cards.copy()
    for col in ("n_stories", "n_words", "n_sentences", "n_truncated"):
        cards[col] = cards[col].astype("int64")
    for col in ("mean_score", "std_score", "se_score", "share_negative", "share_positive"):
        cards[col] = cards[col].astype("float64")
    for col in ("is_truncated", "mostly_truncated"):
        cards[col] = cards[col].astype(bool)
    return cards[CARD_COLUMNS].reset_index(drop=True)


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
    decisions: pd.DataFrame | None = None,
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
        decisions: calibrated story decisions for the frames
            (:func:`analysis.framing.calibration.story_decisions`); ``None``: the blind rule.

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
    check_analysis(analysis)
    top_terms = positive_int(top_terms, "top_terms")
    top_actors = positive_int(top_actors, "top_actors")
    max_groups = positive_int(max_groups, "max_groups")
    book, hits = codebook_hits(analysis, codebook)
    corpus = analysis.corpus
    work = _work_stories(corpus.stories, group)
    order = _group_order(corpus.stories, group)
    cards = _size_and_tone(analysis, work, order, group, max_groups)
    kept = list(cards["group"])
    frames = _frame_table(hits, work, book, kept, decisions)
    cards = cards.assign(**_frame_columns(cards, frames, book.fallback))
    counts = _story_counts(analysis)
    terms = _term_table(counts, work, cards, top_terms)
    top = terms.groupby("group", sort=False)["term"].agg(", ".join)
    cards = cards.assign(top_terms=_texts(cards["group"], top))
    actor_table, actor_columns = _actors_and_quotes(corpus, work, cards, top_actors)
    cards = _typed_cards(cards.assign(**actor_columns))
    topic_table = _topic_table(corpus, work, kept, fit=topics, seed=seed, counts=counts)
    for table in (cards, frames, terms, actor_table, topic_table):
        table.attrs.update({"group": group, "codebook": book.name})
    return Comparison(
        group=group,
        codebook=book.name,
        cards=cards,
        frames=frames,
        terms=terms.reset_index(drop=True),
        actors=actor_table.reset_index(drop=True),
        topics=topic_table.reset_index(drop=True),
        n_groups=len(order),
        n_stories=len(corpus.stories),
        max_groups=max_groups,
        fallback=book.fallback,
    )


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
