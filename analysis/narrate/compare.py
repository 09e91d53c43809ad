"""The comparison in words: statements generated from the tables of :mod:`analysis.compare`.

Nothing of the analysis is computed here: every statement formats numbers of the cards, frames,
terms, actors or topics table of a :class:`analysis.compare.Comparison`, and names the table,
the row(s) (group values) and the column it comes from (``source_table``, ``source_row``,
``source_column``). Every corpus string goes through
:func:`analysis.safe.escape_markdown` (or :func:`analysis.safe.markdown_code`) on its way in.
Numbers are written as the tables show them: tone with two decimals (three below 0.1 in size),
intensities with one.

Statements (:func:`comparison_statements`): the rules
    - *Tone.* "Most negative" = lowest ``mean_score``; when that lowest mean is >= 0 the group is
      called "least positive" instead (and "least negative" for a highest mean <= 0). Ties (equal
      means at three decimals) are all named. A claim about a group with fewer than
      ``min_sentences`` sentences (default
      :data:`analysis.narrate.statements.MIN_SENTENCES`) is still made but says that the
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
      :data:`analysis.compare.MIN_TERM_STORIES` of the group's stories, so one story's names do
      not become the group's words), the most mentioned actor, the main topic; the group with
      most attributed quotations per story and the groups quoting nobody. Whether any term
      reaches ``z > 1.96`` is said once.
    - *Headline* (the first paragraph of the statements' Markdown, one sentence): the tone
      extreme (the lowest group when any mean is negative, else the highest) and one frame
      contrast, preferring a frame statement about another group; then, for stories, the
      highest intensity, for groups the largest ratio to the runner-up.

The statement table and its Markdown (:func:`analysis.narrate.statements.statements_markdown`)
are shared with the story's statements (:mod:`analysis.narrate.story`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

from analysis import sentiment
from analysis._checks import positive_int
from analysis.compare import Comparison
from analysis.narrate.statements import (
    MIN_SENTENCES,
    Statements,
    bold_name,
    capitalised,
    count_text,
    joined,
    listed_terms,
    thin_note,
    tone_text,
)
from analysis.safe import escape_markdown, markdown_code

__all__ = [
    "CLEAR_GAP",
    "STATEMENT_TERMS",
    "comparison_scope",
    "comparison_statements",
]

#: A tone gap of at least this many standard errors is called a clear difference.
CLEAR_GAP: Final = 2.0
#: Terms named per group in a statement.
STATEMENT_TERMS: Final = 3
_PER_1000 = "hits per 1,000 words"


def _tied(table: pd.DataFrame, column: str, value: float, decimals: int) -> pd.DataFrame:
    return table[table[column].round(decimals) == round(value, decimals)]


# --------------------------------------------------------------------------- the comparison


def comparison_scope(comparison: Comparison) -> str:
    """One sentence (Markdown) on what the cards cover, saying when groups were left out.

    >>> from analysis import analyze, compare, load_corpus
    >>> c = compare.compare(analyze(load_corpus(), codebooks=["generic"]), topics=False)
    >>> comparison_scope(c)
    'All 4 stories of the selection are compared, one card per story.'
    """
    stories = count_text(comparison.n_stories, "story", "stories")
    n_cards = len(comparison.cards)
    if comparison.group == "story_id":
        if not comparison.capped:
            return f"All {stories} of the selection are compared, one card per story."
        return (
            f"Only the {n_cards} longest of the {stories} are compared (cards are "
            "capped for readability): pass a larger `max_groups`, or filter the corpus, "
            "to see others."
        )
    groups = count_text(comparison.n_groups, f"{markdown_code(comparison.group)} group")
    if not comparison.capped:
        return f"The {stories} of the selection are compared in {groups}, one card each."
    return (
        f"Only the {n_cards} of {groups} with most stories are compared (of "
        f"{stories} in all; cards are capped for readability): pass a larger `max_groups`, "
        "or filter the corpus, to see others."
    )


@dataclass(frozen=True)
class _Setting:
    """What every statement of one comparison needs to know."""

    comparison: Comparison
    label: dict[str, str]
    by_story: bool
    noun: str
    nouns: str
    min_sentences: int
    max_named: int

    @property
    def cards(self) -> pd.DataFrame:
        return self.comparison.cards


@dataclass(frozen=True)
class _ToneExtremes:
    """The lowest and highest groups on tone (ties included) and how the statements put it."""

    lows: pd.DataFrame
    highs: pd.DataFrame
    phrases: dict[str, str]

    @property
    def low_value(self) -> float:
        return float(self.lows["mean_score"].iloc[0])

    @property
    def high_value(self) -> float:
        return float(self.highs["mean_score"].iloc[0])


def _single_group(setting: _Setting, out: Statements) -> str:
    """The one statement when there is nothing to compare; returns it (it is the headline)."""
    comparison = setting.comparison
    only = setting.cards.iloc[0]
    what = (
        setting.noun
        if comparison.group == "story_id"
        else markdown_code(comparison.group) + " group"
    )
    text = (
        f"Only one {what} "
        f"({bold_name(only['label'])}, {count_text(int(only['n_stories']), 'story', 'stories')}): "
        "there is nothing to compare it with."
    )
    out.add("overview", "single", text, "cards", [only["group"]], "n_stories")
    return text


def _tone_extremes(setting: _Setting, scored: pd.DataFrame, out: Statements) -> _ToneExtremes:
    """The most negative and most positive groups (``tone_low``, ``tone_high``)."""
    low_value = float(scored["mean_score"].min())
    high_value = float(scored["mean_score"].max())
    lows = _tied(scored, "mean_score", low_value, 3)
    highs = _tied(scored, "mean_score", high_value, 3)
    low_word = "most negative" if low_value < 0 else "least positive"
    high_word = "most positive" if high_value > 0 else "least negative"
    phrases: dict[str, str] = {}
    for rows, word, rule in ((lows, low_word, "tone_low"), (highs, high_word, "tone_high")):
        first = rows.iloc[0]
        names = joined([bold_name(r) for r in rows["label"]])
        n_sent = int(rows["n_sentences"].min())
        verb = "are equally" if len(rows) > 1 else "is"
        detail = f"{tone_text(float(first['mean_score']))} over {count_text(n_sent, 'sentence')}"
        if len(rows) > 1:
            detail = f"{tone_text(float(first['mean_score']))} each"
        thin = thin_note(n_sent, setting.min_sentences)
        text = f"{capitalised(names)} {verb} the {word} ({detail}{thin})."
        if rule == "tone_low":
            score = markdown_code(sentiment.DEFAULT_SCORE)
            text += f" Tone is the mean of {score} over sentences, -1 to 1."
        phrases[rule] = f"{names} {verb} the {word} ({detail})"
        out.add("tone", rule, text, "cards", rows["group"], "mean_score", first["mean_score"])
    return _ToneExtremes(lows=lows, highs=highs, phrases=phrases)


def _tone_gap(tone: _ToneExtremes, out: Statements) -> None:
    """The gap between the lowest and the highest group, against its standard error."""
    low, high = tone.lows.iloc[0], tone.highs.iloc[0]
    gap = float(high["mean_score"] - low["mean_score"])
    if len(tone.lows) != 1 or len(tone.highs) != 1 or gap <= 0:
        return
    se = math.sqrt(float(low["se_score"]) ** 2 + float(high["se_score"]) ** 2)
    between = f"The gap between {bold_name(low['label'])} and {bold_name(high['label'])} is "
    if math.isfinite(se) and se > 0:
        ratio = gap / se
        verdict = "a clear difference" if ratio >= CLEAR_GAP else "it could be noise"
        text = f"{between}{tone_text(gap)[1:]}, {ratio:.1f} times its standard error: {verdict}."
    else:
        text = (
            f"{between}{tone_text(gap)[1:]}; it cannot be tested: one of them rests on one "
            "sentence."
        )
        ratio = math.nan
    out.add("tone", "tone_gap", text, "cards", [low["group"], high["group"]], "se_score", ratio)


def _tone_spread(setting: _Setting, scored: pd.DataFrame, out: Statements) -> None:
    """The widest and narrowest spread of sentence tone, among groups with enough sentences."""
    min_sentences = setting.min_sentences
    solid = scored[scored["n_sentences"] >= min_sentences].dropna(subset=["std_score"])
    if len(solid) < 2:
        return
    wide = solid.loc[solid["std_score"].idxmax()]
    narrow = solid.loc[solid["std_score"].idxmin()]
    if round(float(wide["std_score"]), 2) <= round(float(narrow["std_score"]), 2):
        return
    text = (
        f"Tone varies most from sentence to sentence in {bold_name(wide['label'])} "
        f"(std {wide['std_score']:.2f}) and least in {bold_name(narrow['label'])} "
        f"(std {narrow['std_score']:.2f}), among the {len(solid)} {setting.nouns} with at least "
        f"{min_sentences} sentences."
    )
    rows = [wide["group"], narrow["group"]]
    out.add("tone", "tone_spread", text, "cards", rows, "std_score", wide["std_score"])


def _length(setting: _Setting, out: Statements) -> None:
    """Lengths, when the longest group has at least twice the words of the shortest."""
    cards = setting.cards
    longest = cards.loc[cards["n_words"].idxmax()]
    shortest = cards.loc[cards["n_words"].idxmin()]
    if not (shortest["n_words"] > 0 and longest["n_words"] >= 2 * shortest["n_words"]):
        return
    factor = longest["n_words"] / shortest["n_words"]

    def size(row: pd.Series) -> str:
        return (
            ""
            if setting.by_story
            else f" in {count_text(int(row['n_stories']), 'story', 'stories')}"
        )

    text = (
        f"Lengths differ: {bold_name(longest['label'])} has {int(longest['n_words']):,} words"
        f"{size(longest)}, {bold_name(shortest['label'])} {int(shortest['n_words']):,}"
        f"{size(shortest)} ({factor:.0f} times fewer); counts and intensities of the shorter "
        "rest on less text."
    )
    rows = [longest["group"], shortest["group"]]
    out.add("overview", "length", text, "cards", rows, "n_words", factor)


def _truncation(setting: _Setting, out: Statements) -> None:
    """The truncated leads (stories) or the groups that include some."""
    cards = setting.cards
    truncated = cards[cards["n_truncated"] > 0]
    if truncated.empty:
        return
    if setting.comparison.group == "story_id":
        text = (
            f"{len(truncated)} of {len(cards)} stories are truncated leads, cut off "
            f"mid-sentence ({joined([bold_name(x) for x in truncated['label']])}): their tone "
            "and frames describe an opening, not a whole story."
        )
    else:
        n_trunc = int(truncated["n_truncated"].sum())
        text = (
            f"{len(truncated)} of {len(cards)} groups include truncated stories "
            f"({n_trunc:,} of {int(cards['n_stories'].sum()):,} stories, cut off "
            "mid-sentence): their figures mix openings and whole stories."
        )
    rows = truncated["group"]
    out.add("overview", "truncated", text, "cards", rows, "n_truncated", len(truncated))


# --------------------------------------------------------------------------- frames


def _intensity(row: Any, by_story: bool, *, unit: bool = False) -> str:
    """A frame row's intensity, and for groups the share of stories where it is present."""
    text = f"{row['intensity']:.1f}" + (f" {_PER_1000}" if unit else "")
    if by_story:
        return text
    return text + f", present in {row['share_present']:.0%} of its stories"


def _frame_only(
    setting: _Setting, rows: pd.DataFrame, pool: pd.DataFrame, name: str, out: Statements
) -> dict[str, Any]:
    """ "Only X carries (uses) frame F"; returns the headline candidate."""
    r = pool.iloc[0]
    by_story = setting.by_story
    who = bold_name(setting.label[r["group"]])
    verb = "carries" if by_story else "uses"
    text = f"Only {who} {verb} the {name} frame ({_intensity(r, by_story, unit=True)})."
    if by_story and (rows["n_hits"] > 0).sum() > 1:
        text = text[:-1] + "; the others' triggers stay below the presence rule."
    frame_id = str(rows["frame"].iloc[0])
    out.add("frames", "frame_only", text, "frames", [r["group"]], frame_id, r["intensity"])
    return {
        "group": r["group"],
        "intensity": float(r["intensity"]),
        "ratio": math.inf,
        "phrase": f"{who} is the only one {'carrying' if by_story else 'using'} the {name} "
        f"frame ({r['intensity']:.1f} {_PER_1000})",
    }


def _frame_most(
    setting: _Setting, rows: pd.DataFrame, pool: pd.DataFrame, name: str, out: Statements
) -> dict[str, Any] | None:
    """ "X uses frame F most intensely", with the runner-up and the lowest; returns the
    headline candidate (none for a tie)."""
    label, by_story = setting.label, setting.by_story
    ranked = pool.sort_values("intensity", ascending=False, kind="stable")
    top_value = float(ranked["intensity"].iloc[0])
    leaders = _tied(ranked, "intensity", top_value, 1)
    rest = ranked.iloc[len(leaders) :]
    names = joined([bold_name(label[g]) for g in leaders["group"]])
    if len(leaders) > 1:
        text = (
            f"{capitalised(names)} use the {name} frame equally intensely "
            f"({top_value:.1f} {_PER_1000} each)"
        )
    else:
        figure = _intensity(leaders.iloc[0], by_story, unit=True)
        text = f"{capitalised(names)} uses the {name} frame most intensely ({figure})"
    cited = [*leaders["group"], *rest["group"].head(1)]
    if not rest.empty:
        runner = rest.iloc[0]
        text += f", ahead of {bold_name(label[runner['group']])} ({_intensity(runner, by_story)})"
        if len(rest) > 1:
            last = rest.iloc[-1]
            text += f"; lowest: {bold_name(label[last['group']])} ({_intensity(last, by_story)})"
            cited.append(last["group"])
    verb = "carry" if by_story else "use"
    share = f"all {len(rows)}" if len(pool) == len(rows) else f"{len(pool)} of {len(rows)}"
    text += f"; {share} {setting.nouns} {verb} it."
    frame_id = str(rows["frame"].iloc[0])
    out.add("frames", "frame_most", text, "frames", cited, frame_id, top_value)
    if len(leaders) > 1:
        return None
    against, runner_value = "", 0.0
    if not rest.empty:
        runner_value = float(rest["intensity"].iloc[0])
        against = f", against {runner_value:.1f} in {bold_name(label[rest['group'].iloc[0]])}"
    return {
        "group": leaders["group"].iloc[0],
        "intensity": top_value,
        "ratio": top_value / runner_value if runner_value > 0 else math.inf,
        "phrase": f"{names} uses the {name} frame most intensely "
        f"({top_value:.1f} {_PER_1000}{against})",
    }


def _frames_absent(setting: _Setting, absent: list[tuple[str, str]], out: Statements) -> None:
    """The frames no group counts, listed together."""
    if not absent:
        return
    plural = "s" if len(absent) > 1 else ""
    listed = joined([n for _, n in absent])
    if setting.by_story:
        text = f"No {setting.noun} carries the {listed} frame{plural}."
    else:
        text = f"No story of any group triggers the {listed} frame{plural}."
    out.add("frames", "frame_absent", text, "frames", [], ", ".join(f for f, _ in absent))


def _groups_without_frame(setting: _Setting, real: pd.DataFrame, out: Statements) -> None:
    """The groups where no frame is present, each named with its strongest frame."""
    by_story, max_named = setting.by_story, setting.max_named
    order = list(setting.label)
    none = [g for g, rows in real.groupby("group", sort=False) if not rows["present"].any()]
    position = {g: i for i, g in enumerate(order)}
    none = sorted(none, key=position.__getitem__)
    rule = "" if by_story else " by the majority rule"
    for g in none[:max_named]:
        rows = real[real["group"] == g].sort_values("intensity", ascending=False, kind="stable")
        best = rows.iloc[0]
        if best["intensity"] > 0:
            detail = (
                f"its strongest, *{escape_markdown(best['label'])}*, has "
                f"{best['intensity']:.1f} hits per 1,000 words"
            )
            if not by_story:
                detail = (
                    "no frame is present in at least half its stories; "
                    + detail
                    + f" and is present in {best['share_present']:.0%} of them"
                )
        else:
            detail = "no frame trigger at all"
        name = capitalised(bold_name(setting.label[g]))
        text = f"{name} carries no frame of the codebook{rule} ({detail})."
        out.add("frames", "frame_none", text, "frames", [g], str(best["frame"]), best["intensity"])
    if len(none) > max_named:
        text = (
            f"{len(none) - max_named} more {setting.nouns} carry no frame (see the frames table)."
        )
        out.add("frames", "frame_none", text, "frames", none[max_named:], "present")


def _frame_statements(setting: _Setting, out: Statements) -> list[dict[str, Any]]:
    """Frame statements (rules in the module docstring); returns headline candidates."""
    frames = setting.comparison.frames
    fallback = setting.comparison.fallback
    candidates: list[dict[str, Any]] = []
    absent: list[tuple[str, str]] = []
    for frame_id, rows in frames.groupby("frame", sort=True, observed=True):  # codebook order
        if str(frame_id) == fallback:
            continue
        name = f"*{escape_markdown(rows['label'].iloc[0])}*"
        # stories: compare the groups where the frame is present; groups: where it is used
        pool = rows[rows["present"]] if setting.by_story else rows[rows["n_hits"] > 0]
        if len(pool) == 1 and len(rows) >= 2:
            candidates.append(_frame_only(setting, rows, pool, name, out))
        elif len(pool) >= 2:
            candidate = _frame_most(setting, rows, pool, name, out)
            if candidate is not None:
                candidates.append(candidate)
        elif pool.empty:
            absent.append((str(frame_id), name))
    _frames_absent(setting, absent, out)
    real = frames[frames["frame"].astype(str) != (fallback or "")]
    _groups_without_frame(setting, real, out)
    return candidates


# --------------------------------------------------------------------------- words to topics


def _terms(setting: _Setting, out: Statements) -> None:
    """The top distinctive terms of up to ``max_named`` groups, and whether any is significant."""
    terms = setting.comparison.terms
    with_terms = set(terms["group"])
    named = [g for g in setting.cards["group"] if g in with_terms][: setting.max_named]
    for g in named:
        rows = terms[terms["group"] == g].head(STATEMENT_TERMS)
        text = (
            f"Words that set {bold_name(setting.label[g])} apart from the rest (z): "
            f"{listed_terms(rows)}."
        )
        out.add("words", "terms", text, "terms", [g], "term", rows["z"].iloc[0])
    if not named:
        return
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


def _actors(setting: _Setting, out: Statements) -> None:
    """The most mentioned actor of each group: shared by all, or listed."""
    actors, label, max_named = setting.comparison.actors, setting.label, setting.max_named
    tops = actors[actors["rank"] == 1]
    tops = tops[tops["group"].isin(setting.cards["group"])]
    if len(tops) < 2:
        return
    if tops["actor"].nunique() == 1:
        counts = ", ".join(
            f"{int(m):,} in {bold_name(label[g])}"
            for g, m in zip(tops["group"], tops["mentions"], strict=True)
        )
        text = (
            f"All {len(tops)} {setting.nouns} mention {bold_name(tops['actor'].iloc[0])} most "
            f"({counts})."
        )
        out.add("actors", "actor_shared", text, "actors", tops["group"], "actor")
        return
    shown = tops.head(max_named)
    listed = "; ".join(
        f"{bold_name(label[g])}: {escape_markdown(a)} ({int(m):,})"
        for g, a, m in zip(shown["group"], shown["actor"], shown["mentions"], strict=True)
    )
    more = "" if len(tops) <= max_named else f"; and {len(tops) - max_named} more"
    text = f"The most mentioned actor differs: {listed}{more}."
    out.add("actors", "actor_top", text, "actors", shown["group"], "actor")


def _quotes(setting: _Setting, out: Statements) -> None:
    """The group quoting most per story, and the groups quoting nobody."""
    cards, max_named = setting.cards, setting.max_named
    if int(cards["n_quotes"].sum()) <= 0:
        return
    rate = cards["n_speech"] / cards["n_stories"].where(cards["n_stories"] > 0)
    most = cards.loc[rate.idxmax()]
    if int(most["n_speech"]) > 0:
        speakers = (
            f"; most quoted: {escape_markdown(most['top_speakers'])}"
            if most["top_speakers"]
            else ""
        )
        per_story = (
            "" if setting.by_story else f" ({most['n_speech'] / most['n_stories']:.1f} per story)"
        )
        text = (
            f"{capitalised(bold_name(most['label']))} quotes most: "
            f"{count_text(int(most['n_speech']), 'attributed quotation')}{per_story} of "
            f"{count_text(int(most['n_quotes']), 'quotation')}{speakers}."
        )
        rows = [most["group"]]
        out.add("quotes", "quotes_most", text, "cards", rows, "n_speech", most["n_speech"])
    silent = cards[cards["n_speech"] == 0]
    if not silent.empty:
        shown = silent.head(max_named)
        more = "" if len(silent) <= max_named else f" and {len(silent) - max_named} more"
        text = (
            f"{len(silent)} of {len(cards)} {setting.nouns} quote nobody by name or role: "
            f"{joined([bold_name(x) for x in shown['label']])}{more}."
        )
        out.add("quotes", "quotes_none", text, "cards", shown["group"], "n_speech", 0)


def _topics(setting: _Setting, out: Statements) -> None:
    """The main topic of up to ``max_named`` groups."""
    topics = setting.comparison.topics
    if topics.empty:
        return
    main = (
        topics.sort_values(["share", "topic"], ascending=[False, True], kind="stable")
        .drop_duplicates("group")
        .set_index("group")
    )
    shown = [g for g in setting.cards["group"] if g in main.index][: setting.max_named]
    if len(shown) < 2:
        return
    listed = "; ".join(
        f"{bold_name(setting.label[g])}: topic {int(main.loc[g, 'topic'])} "
        f"*{escape_markdown(main.loc[g, 'label'])}* ({main.loc[g, 'share']:.0%})"
        for g in shown
    )
    text = f"Main topic of each {setting.noun}: {listed}."
    out.add("topics", "topic_main", text, "topics", shown, "share")


def _headline(
    setting: _Setting, tone: _ToneExtremes, candidates: list[dict[str, Any]]
) -> tuple[str, list[str]]:
    """The headline sentence and the groups it cites."""
    comparison, cards = setting.comparison, setting.cards
    tone_rule = "tone_low" if tone.low_value < 0 or tone.high_value <= 0 else "tone_high"
    tone_rows = tone.lows if tone_rule == "tone_low" else tone.highs
    tone_groups = set(tone_rows["group"])
    headline = tone.phrases[tone_rule]
    sources = list(tone_rows["group"])
    if candidates:
        if setting.by_story:
            candidates.sort(key=lambda c: (c["group"] in tone_groups, -c["intensity"]))
        else:
            candidates.sort(
                key=lambda c: (c["group"] in tone_groups, -c["ratio"], -c["intensity"])
            )
        best = candidates[0]
        headline += f"; {best['phrase']}"
        sources.append(best["group"])
    n_stories = count_text(int(cards["n_stories"].sum()), "story", "stories")
    if comparison.capped and comparison.group == "story_id":
        n_stories = f"{len(cards)} longest of the {comparison.n_stories:,} stories"
    elif comparison.capped:
        n_stories += f" of the {comparison.n_stories:,}"
    count = (
        n_stories
        if comparison.group == "story_id"
        else (f"{len(cards)} {markdown_code(comparison.group)} groups ({n_stories})")
    )
    return f"Across the {count}, {headline}.", sources


def comparison_statements(
    comparison: Comparison,
    *,
    min_sentences: int = MIN_SENTENCES,
    max_named: int = 6,
) -> pd.DataFrame:
    """The differences between the compared groups, stated in words generated from the tables.

    The rules are in the module docstring. Does not mutate ``comparison``.

    Args:
        comparison: :func:`analysis.compare.compare` output.
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

    >>> from analysis import analyze, compare, load_corpus
    >>> c = compare.compare(analyze(load_corpus(), codebooks=["generic"]), topics=False)
    >>> s = comparison_statements(c)
    >>> s.loc[s["rule"] == "tone_low", ["source_row", "source_column"]].values.tolist()
    [['nicholas-nick-reiner-32-son-of', 'mean_score']]
    """
    min_sentences = positive_int(min_sentences, "min_sentences")
    max_named = positive_int(max_named, "max_named")
    cards = comparison.cards
    noun, nouns = ("story", "stories") if comparison.group == "story_id" else ("group", "groups")
    setting = _Setting(
        comparison=comparison,
        label=dict(zip(cards["group"], cards["label"], strict=True)),
        by_story=comparison.by_story,
        noun=noun,
        nouns=nouns,
        min_sentences=min_sentences,
        max_named=max_named,
    )
    out = Statements()
    if comparison.capped:
        out.add("overview", "cap", comparison_scope(comparison), "cards", [], "n_stories")
    scored = cards[cards["n_sentences"] > 0].dropna(subset=["mean_score"])
    if len(cards) < 2 or len(scored) < 2:
        return out.table(headline=_single_group(setting, out))
    tone = _tone_extremes(setting, scored, out)
    _tone_gap(tone, out)
    _tone_spread(setting, scored, out)
    _length(setting, out)
    _truncation(setting, out)
    candidates = _frame_statements(setting, out)
    _terms(setting, out)
    _actors(setting, out)
    _quotes(setting, out)
    _topics(setting, out)
    headline, sources = _headline(setting, tone, candidates)
    return out.table(headline=headline, sources=sources)
