"""The evidence behind the frame tables, and the codebook as tables.

Method: a dictionary (lexical) content analysis counts keywords; its numbers are only as good as
its triggers. Each sentence that carries a frame is shown with its triggers marked, so a reader
can check every number (the generic frames of Semetko & Valkenburg 2000, *Framing European
politics: A content analysis of press and television news*, Journal of Communication 50(2),
93-109; the policy frames of Boydstun, Card, Gross, Resnik & Smith 2014, *Tracking the
development of media frames within and across policy issues*). The sentence scores are rule 4
of :mod:`analysis.framing`; the marking is :func:`analysis.narrate.marks.mark_html`.

Evidence drawn per group (``group=``, e.g. outlet or bias rating) picks, for each group and frame,
its strongest sentences and its most typical one, so every group is shown and none crowds out the
others:

- *strongest*: the highest sentence score, then the most trigger hits, then the story where the
  frame is densest (hits per 1,000 words), then story order and sentence order; one sentence per
  story before a story's second-best, so the examples come from different stories;
- *typical*: the sentence whose score is closest to the mean score of the group's sentences that
  carry the frame, from the story whose intensity for that frame is closest to the group's
  median (ties: story order, then sentence order).

The codebook tables list its frames and questions, and :func:`check_examples` runs every
detector on its own example sentences: each example must fire its detector, each non-example
of a frame none of the frame's detectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analysis._checks import (
    group_labels,
    per_thousand,
    positive_int,
    require_columns,
    require_known_stories,
)
from analysis.errors import ParameterError
from analysis.framing.codebook import Codebook, load_codebook
from analysis.framing.matcher import (
    HIT_COLUMNS,
    TABLE_HINT,
    codebook_matcher,
    sentence_frames,
    sentence_hits,
)
from analysis.narrate.marks import mark_html

__all__ = [
    "EVIDENCE_COLUMNS",
    "GROUP_EVIDENCE_COLUMNS",
    "check_examples",
    "codebook_table",
    "frame_evidence",
    "question_table",
]

#: Columns of :func:`frame_evidence`: one row per (story, frame, sentence).
EVIDENCE_COLUMNS = [
    "story_id",
    "frame",
    "sentence_id",
    "sentence_index",
    "score",
    "n_hits",
    "triggers",
    "text",
    "html",
]
#: Columns of :func:`frame_evidence` drawn per group: the group value (as text, ``(missing)``
#: for an empty one), why the row was picked (``strongest`` / ``typical``) and its rank, then
#: :data:`EVIDENCE_COLUMNS`.
GROUP_EVIDENCE_COLUMNS = ["group", "pick", "rank", *EVIDENCE_COLUMNS]
_STORY_COLUMNS = ["story_id", "n_words"]


def frame_evidence(
    hits: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    story: str | Sequence[str] | None = None,
    frame: str | Sequence[str] | None = None,
    top: int | None = None,
    group: str | None = None,
    stories: pd.DataFrame | None = None,
    per_group: int = 2,
    typical: int = 1,
) -> pd.DataFrame:
    """The sentences that carry each frame in each story, with the triggers marked as HTML.

    Without ``group``, every sentence that carries a frame (or the ``top`` per story and
    frame). With ``group``, a bounded number per group and frame: the ``per_group`` strongest
    sentences and the ``typical`` most typical one(s), chosen by the rules of the module
    docstring. Does not mutate its inputs.

    Args:
        hits: :func:`frame_hits` output.
        sentences: the sentences table the hits were computed from.
        story: keep only this story id (or these ids).
        frame: keep only this frame id (or these ids).
        top: keep the ``top`` highest-scoring sentences per (story, frame) (ties: earlier first).
        group: draw the evidence per value of this stories column (``story_id``, ``outlet``,
            ``bias_label``, ``topic`` …); needs ``stories``.
        stories: the corpus' stories table (``story_id``, ``n_words`` and the ``group`` column).
        per_group: with ``group``: the strongest sentences per group and frame.
        typical: with ``group``: the most typical sentences per group and frame (0 for none).

    Returns:
        One row per (story, frame, sentence): ``story_id``, ``frame``, ``sentence_id``,
        ``sentence_index``, ``score``, ``n_hits``, ``triggers``, ``text`` (plain) and ``html``
        (the sentence escaped with :func:`analysis.safe.escape_html`, triggers in ``<mark>``,
        see :func:`analysis.narrate.marks.mark_html`), sorted by story order, frame (codebook
        order) and sentence index. With ``group``: the columns
        :data:`GROUP_EVIDENCE_COLUMNS` (``group``, ``pick``, ``rank`` first), sorted by group
        (story order for ``story_id``, else by value, missing last), frame, pick (strongest
        first) and rank.

    Raises:
        ParameterError: missing columns, a bad ``top``/``per_group``/``typical``, a ``group``
            that is not a column of ``stories``, or a story of ``hits`` that ``stories`` lacks.

    >>> from analysis import stories_from_texts
    >>> from analysis.framing import frame_hits
    >>> corpus = stories_from_texts(["Critics attacked the plan.", "A calm day."])
    >>> hits = frame_hits(corpus.sentences)
    >>> evidence = frame_evidence(hits, corpus.sentences, group="story_id", stories=corpus.stories)
    >>> evidence[["pick", "frame", "triggers"]].values.tolist()
    [['strongest', 'conflict', 'Critics, attacked']]
    """
    require_columns(hits, HIT_COLUMNS, "hits", hint=TABLE_HINT)
    require_columns(sentences, ["story_id", "sentence_id", "text"], "sentences", hint=TABLE_HINT)
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ParameterError(f"top must be a whole number >= 1 or None, got {top!r}")
    if group is not None:
        _check_group(group, stories)
        per_group = positive_int(per_group, "per_group")
        typical = positive_int(typical, "typical", minimum=0)
    chosen = hits
    if story is not None:
        chosen = chosen[chosen["story_id"].isin([story] if isinstance(story, str) else story)]
    if frame is not None:
        wanted = [frame] if isinstance(frame, str) else list(frame)
        chosen = chosen[chosen["frame"].astype("str").isin(wanted)]
    sf = sentence_frames(chosen)
    density = _story_density(sf, stories) if group is not None and stories is not None else None
    if top is not None and not sf.empty:
        sf = (
            sf.sort_values(["score", "sentence_index"], ascending=[False, True], kind="stable")
            .groupby(["story_id", "frame"], sort=False, observed=True)
            .head(top)
        )
    story_order = {sid: i for i, sid in enumerate(pd.unique(sentences["story_id"]))}
    sf = sf.assign(_s=sf["story_id"].map(story_order))
    if group is not None and stories is not None and density is not None:
        sf = _per_group(sf, stories, group, density, per_group=per_group, typical=typical)
    else:
        sf = sf.sort_values(["_s", "frame", "sentence_index"], kind="stable")
    texts = _texts_of(sentences, sf["sentence_id"])
    spans: dict[tuple[str, str], tuple[list, list]] = {}
    shown = chosen[chosen["sentence_id"].isin(sf["sentence_id"])]  # the triggers to mark
    for row in shown.itertuples(index=False):
        key = (row.sentence_id, str(row.frame))
        trig, ctx = spans.setdefault(key, ([], []))
        title = f"{row.frame}/{row.detector}"
        trig.append((row.sentence_start, row.sentence_end, title))
        if not pd.isna(row.context_start):
            ctx.append((int(row.context_start), int(row.context_end), title + " (context)"))
    text_col, html_col = [], []
    for sid, fr in zip(sf["sentence_id"], sf["frame"].astype("str"), strict=True):
        text = texts.get(sid, "")
        trig, ctx = spans.get((sid, fr), ([], []))
        text_col.append(text)
        html_col.append(mark_html(text, trig, context=ctx))
    out = sf.drop(columns=["_s", "n_detectors"]).assign(
        text=pd.Series(text_col, index=sf.index, dtype="str"),
        html=pd.Series(html_col, index=sf.index, dtype="str"),
    )
    columns = EVIDENCE_COLUMNS if group is None else GROUP_EVIDENCE_COLUMNS
    return out[columns].reset_index(drop=True)


def _texts_of(sentences: pd.DataFrame, wanted: pd.Series) -> dict[str, str]:
    """The text of each sentence id in ``wanted`` (the last row of a repeated id, as a dict of
    all the sentences would hold), read without going through every sentence in Python."""
    picked = sentences[sentences["sentence_id"].isin(wanted)]
    return dict(zip(picked["sentence_id"], picked["text"], strict=True))


def _check_group(group: object, stories: pd.DataFrame | None) -> None:
    """Raise unless ``stories`` is a stories table holding the column ``group``."""
    if stories is None:
        raise ParameterError(
            f"group={group!r} needs the stories table: pass stories=corpus.stories"
        )
    require_columns(stories, _STORY_COLUMNS, "stories", hint=TABLE_HINT)
    if not isinstance(group, str) or group not in stories.columns:
        raise ParameterError(
            f"group {group!r} is not a column of the stories table; choose one of "
            f"{list(stories.columns)}"
        )
    if stories["story_id"].duplicated().any():
        raise ParameterError("the stories table repeats a story_id; pass one row per story")


def _story_density(sf: pd.DataFrame, stories: pd.DataFrame) -> pd.Series:
    """Hits per 1,000 words of each (story, frame) of ``sf``, indexed like ``sf``."""
    require_known_stories(sf["story_id"], stories, "hits")
    at = pd.Index(stories["story_id"]).get_indexer(sf["story_id"])  # ids are unique, all found
    words = pd.Series(stories["n_words"].to_numpy()[at], index=sf.index)
    story_hits = sf.groupby(["story_id", "frame"], sort=False, observed=True)["n_hits"]
    return pd.Series(per_thousand(story_hits.transform("sum"), words), index=sf.index)


def _group_rank(stories: pd.DataFrame, group: str) -> tuple[pd.Series, dict[str, int]]:
    """Each story's group label, and each label's place: story order for ``story_id``, else
    the values sorted (missing last)."""
    labels = pd.Series(group_labels(stories[group]).to_numpy(), index=stories["story_id"])
    if group == "story_id":
        return labels, {label: i for i, label in enumerate(dict.fromkeys(labels))}
    values = pd.Series(pd.unique(stories[group]))
    ordered = values.sort_values(na_position="last")
    ranked = group_labels(ordered).tolist()
    return labels, {label: i for i, label in enumerate(dict.fromkeys(ranked))}


def _per_group(
    sf: pd.DataFrame,
    stories: pd.DataFrame,
    group: str,
    density: pd.Series,
    *,
    per_group: int,
    typical: int,
) -> pd.DataFrame:
    """The strongest and typical rows of ``sf`` per (group, frame), with ``group``, ``pick``
    and ``rank``, sorted by group, frame, pick and rank (rules in the module docstring)."""
    labels, rank_of = _group_rank(stories, group)
    data = sf.assign(
        group=sf["story_id"].map(labels).astype(object),
        _density=density.reindex(sf.index),
    )
    data["_g"] = data["group"].map(rank_of)
    keys = ["_g", "frame"]
    strongest_order = ["score", "n_hits", "_density", "_s", "sentence_index"]
    strongest_up = [False, False, False, True, True]
    data = data.sort_values(keys + strongest_order, ascending=[True, True, *strongest_up])
    data["_within"] = data.groupby([*keys, "story_id"], sort=False, observed=True).cumcount()
    data = data.sort_values([*keys, "_within"], kind="stable")
    strongest = data.groupby(keys, sort=False, observed=True).head(per_group)
    strongest = strongest.assign(pick="strongest")
    picks = [strongest]
    if typical:
        grouped = data.groupby(keys, sort=False, observed=True)
        mean_score = grouped["score"].transform("mean")
        story_rows = data.drop_duplicates([*keys, "story_id"])
        median = story_rows.groupby(keys, sort=False, observed=True)["_density"].median()
        median_density = pd.Series(
            median.reindex(pd.MultiIndex.from_frame(data[keys])).to_numpy(), index=data.index
        )
        rest = data.assign(
            _off=(data["score"] - mean_score).abs(),
            _story_off=(data["_density"] - median_density).abs(),
        ).drop(index=strongest.index)
        rest = rest.sort_values([*keys, "_off", "_story_off", "_s", "sentence_index"])
        closest = rest.groupby(keys, sort=False, observed=True).head(typical)
        picks.append(closest.assign(pick="typical"))
    out = pd.concat(picks)
    out["rank"] = out.groupby([*keys, "pick"], sort=False, observed=True).cumcount() + 1
    out["_p"] = (out["pick"] == "typical").astype("int64")
    out = out.sort_values([*keys, "_p", "rank"], kind="stable")
    out["rank"] = out["rank"].astype("int64")
    out["group"] = out["group"].astype("str")
    out["pick"] = out["pick"].astype("str")
    helpers = ["_g", "_density", "_within", "_p", "_off", "_story_off"]
    return out.drop(columns=[c for c in helpers if c in out.columns])


def codebook_table(codebook: Codebook | str | Path = "generic") -> pd.DataFrame:
    """One row per frame: ``frame``, ``label``, ``description``, ``n_questions``,
    ``n_detectors``, ``n_patterns`` (trigger patterns as written), ``fallback``."""
    book = load_codebook(codebook)
    return pd.DataFrame(
        {
            "frame": [f.id for f in book.frames],
            "label": [f.label for f in book.frames],
            "description": [f.description for f in book.frames],
            "n_questions": [len(f.questions) for f in book.frames],
            "n_detectors": [len(f.detectors) for f in book.frames],
            "n_patterns": [sum(len(d.terms) for d in f.detectors) for f in book.frames],
            "fallback": [f.fallback for f in book.frames],
        }
    )


def question_table(codebook: Codebook | str | Path = "generic") -> pd.DataFrame:
    """One row per question: ``frame``, ``question``, ``text``, ``wording``, ``detectors``
    (ids of the detectors that operationalise it, ``", "``-joined)."""
    book = load_codebook(codebook)
    rows = []
    for f in book.frames:
        for q in f.questions:
            dets = ", ".join(d.id for d in f.detectors if d.question == q.id)
            rows.append((f.id, q.id, q.text, q.wording, dets))
    return pd.DataFrame(rows, columns=["frame", "question", "text", "wording", "detectors"])


def check_examples(codebook: Codebook | str | Path = "generic") -> pd.DataFrame:
    """Run every detector on its own ``examples`` and every frame on its ``non_examples``.

    Use it while writing a codebook: each example must fire its detector, each non-example must
    fire no detector of its frame.

    Returns:
        ``frame``, ``detector`` (empty for non-examples), ``kind`` (``"example"`` or
        ``"non_example"``), ``sentence``, ``fired`` (the detectors of the frame that fired,
        ``", "``-joined), ``ok``.
    """
    book = load_codebook(codebook)
    m = codebook_matcher(book)
    rows = []
    for f in book.frames:
        cases = [(d.id, "example", s) for d in f.detectors for s in d.examples]
        cases += [("", "non_example", s) for s in f.non_examples]
        for det_id, kind, sentence in cases:
            fired = list(
                dict.fromkeys(
                    m.detectors[h[0]].id
                    for h in sentence_hits(m, sentence)
                    if m.detectors[h[0]].frame == f.id
                )
            )
            ok = det_id in fired if kind == "example" else not fired
            rows.append((f.id, det_id, kind, sentence, ", ".join(fired), ok))
    return pd.DataFrame(rows, columns=["frame", "detector", "kind", "sentence", "fired", "ok"])
