"""Frame matching: every trigger of a codebook's detectors in every sentence.

Method: a dictionary (lexical) content analysis with the codebooks of :mod:`analysis.framing`
(Semetko & Valkenburg 2000, *Framing European politics: A content analysis of press and
television news*, Journal of Communication 50(2), 93-109: the five generic news frames;
Boydstun, Card, Gross, Resnik & Smith 2014, *Tracking the development of media frames within
and across policy issues*: the 15 policy frames).

Rules 1-4 of :mod:`analysis.framing`, in the order they are applied:

1. **Matching**, per sentence, with the patterns of :mod:`analysis.framing.patterns` (a
   possessive ``'s`` is ignored: ``Japan's`` matches ``japan``; a phrase matches consecutive
   tokens separated only by spaces or hyphens; ``re:`` patterns run under a time limit, and a
   detector whose pattern runs out of time is skipped for that sentence and reported by
   :func:`match_timeouts` and :func:`warn_match_timeouts`). Matching is linear in the
   sentence's length up to a log factor.
2. **Co-occurrence.** A detector with ``near`` fires on a trigger only when one of the ``near``
   patterns matches elsewhere in the same sentence, within ``window`` words of the trigger when a
   window is given (adjacent words are 1 apart); ``not_near`` vetoes a trigger the same way. A
   context never overlaps its trigger; the nearest context (then the earliest) is reported.
3. **One count per stretch of text.** Within a detector and within a frame, a hit inside a
   longer (or equal, earlier-listed) hit of the same frame in the same sentence is dropped, so a
   word counts once per frame.
4. **Sentence score** of a frame = the sum of the weights of the *distinct* detectors that fire
   in the sentence (a detector that fires three times in a sentence counts once):
   :func:`sentence_frames`.
"""

from __future__ import annotations

import functools
import math
import re
import warnings
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import regex

from analysis._checks import require_columns
from analysis.framing import patterns
from analysis.framing.codebook import Codebook, Detector, Frame, load_codebook
from analysis.framing.patterns import (
    WORD_SPLIT,
    MatchTimeoutWarning,
    RegexBudget,
    WordPattern,
    needs_digit,
    parse_pattern,
    token_spans,
)

__all__ = [
    "HIT_COLUMNS",
    "MAX_WARNING_DETECTORS",
    "SENTENCE_FRAME_COLUMNS",
    "TABLE_HINT",
    "TIMEOUT_COLUMNS",
    "Matcher",
    "codebook_matcher",
    "frame_hits",
    "match_timeouts",
    "sentence_frames",
    "sentence_hits",
    "warn_match_timeouts",
]

#: Detectors named one by one in a :class:`MatchTimeoutWarning`.
MAX_WARNING_DETECTORS = 5
#: Distinct tokens whose matching word patterns a matcher remembers; when full it is emptied and
#: the frequent words are soon back. Every worker of the pass holds one matcher per codebook;
#: 200,000 tokens take about 20 MB.
TOKEN_CACHE_SIZE = 200_000
#: What to pass when a table lacks columns (the end of every "lacks the column(s)" message).
TABLE_HINT = "Pass the corpus' table (load_corpus(...).sentences / .stories)."

#: Columns of :func:`frame_hits` (one row per sentence, frame and hit) and their dtypes
#: (``frame``: a categorical of the codebook's frames).
_HIT_DTYPES = {
    "story_id": "str",
    "sentence_id": "str",
    "sentence_index": "int64",
    "frame": None,
    "detector": "str",
    "question": "str",
    "pattern": "str",
    "match": "str",
    "sentence_start": "int64",
    "sentence_end": "int64",
    "story_start": "int64",
    "story_end": "int64",
    "weight": "float64",
    "context": "str",
    "context_start": "Int64",
    "context_end": "Int64",
}
HIT_COLUMNS = list(_HIT_DTYPES)

#: Columns of :func:`sentence_frames`: one row per (sentence, frame).
SENTENCE_FRAME_COLUMNS = [
    "story_id",
    "sentence_id",
    "sentence_index",
    "frame",
    "n_hits",
    "n_detectors",
    "score",
    "triggers",
]
#: Columns of :func:`match_timeouts`: one row per skipped (sentence, detector).
TIMEOUT_COLUMNS = ["story_id", "sentence_id", "frame", "detector", "pattern", "reason"]

#: What may separate the words of a phrase pattern in the text.
_PHRASE_GAP = re.compile(r"[ \-]{1,3}")
_DIGIT = re.compile(r"\d")
#: The role of a pattern in a detector: trigger, ``near`` context, ``not_near`` veto.
_TRIGGER, _NEAR, _NOT_NEAR = 0, 1, 2


class Matcher:
    """All patterns of a codebook compiled once into word indexes, phrases and regexes.

    Matching a sentence takes two passes over its tokens: trigger phrases first, then, only when
    a co-occurrence detector has a trigger, the context phrases. Every step is linear in the
    sentence's length up to a log factor (sorting, bisection), so a sentence of a million
    characters costs about a thousand times one of a thousand.
    """

    def __init__(self, frames: Sequence[Frame], lexicons: Mapping[str, Sequence[str]]) -> None:
        self.detectors: list[Detector] = [d for f in frames for d in f.detectors]
        frame_index = {f.id: i for i, f in enumerate(frames)}
        self.frame_of: list[int] = [frame_index[d.frame] for d in self.detectors]
        self.frame_ids = [f.id for f in frames]
        self.has_context: list[bool] = [bool(d.near or d.not_near) for d in self.detectors]
        self._words: dict[WordPattern, int] = {}
        self.exact_ci: dict[str, list[int]] = {}
        self.exact_cs: dict[str, list[int]] = {}
        self.prefix_ci: dict[str, list[int]] = {}
        self.prefix_cs: dict[str, list[int]] = {}
        self._phrases: dict[tuple[int, ...], int] = {}
        self.phrases: list[tuple[int, ...]] = []
        # per phrase / regex, per pass (0 triggers, 1 contexts): [(detector, role, label)]
        self.phrase_owners: list[tuple[list, list]] = []
        self.first_word: tuple[dict[int, list[int]], dict[int, list[int]]] = ({}, {})
        self._regex_ids: dict[str, int] = {}
        self.regexes: list[regex.Pattern] = []
        self.regex_owners: list[tuple[list, list]] = []
        for di, det in enumerate(self.detectors):
            for role, pats in (
                (_TRIGGER, det.terms),
                (_NEAR, det.near),
                (_NOT_NEAR, det.not_near),
            ):
                for pat in pats:
                    expanded = lexicons[pat[1:]] if pat.startswith("@") else (pat,)
                    for p in expanded:
                        self._add(p, di, role, pat if p == pat else f"{pat}:{p}")
        for owners in self.regex_owners:  # a pattern listed twice by a detector counts once
            owners[0][:] = list(dict.fromkeys(owners[0]))
            owners[1][:] = list(dict.fromkeys(owners[1]))
        self.trigger_regexes = [r for r, own in enumerate(self.regex_owners) if own[0]]
        self.context_regexes = [r for r, own in enumerate(self.regex_owners) if own[1]]
        # regexes that cannot match a text without a digit are skipped on such texts
        self.needs_digit = [needs_digit(r) for r in self.regexes]
        self.lens_ci = sorted({len(k) for k in self.prefix_ci})
        self.lens_cs = sorted({len(k) for k in self.prefix_cs})
        self._token_cache: dict[str, tuple[int, ...]] = {}

    def _add(self, pattern: str, det: int, role: int, label: str) -> None:
        parsed = parse_pattern(pattern)
        step = 0 if role == _TRIGGER else 1
        if not isinstance(parsed, tuple):  # a compiled regex
            rid = self._regex_ids.get(parsed.pattern)
            if rid is None:
                rid = self._regex_ids[parsed.pattern] = len(self.regexes)
                self.regexes.append(parsed)
                self.regex_owners.append(([], []))
            self.regex_owners[rid][step].append((det, role, label))
            return
        ids = tuple(self._word_id(w) for w in parsed)
        pid = self._phrases.get(ids)
        if pid is None:
            pid = self._phrases[ids] = len(self.phrases)
            self.phrases.append(ids)
            self.phrase_owners.append(([], []))
        if not self.phrase_owners[pid][step]:
            self.first_word[step].setdefault(ids[0], []).append(pid)
        self.phrase_owners[pid][step].append((det, role, label))

    def _word_id(self, w: WordPattern) -> int:
        wid = self._words.get(w)
        if wid is None:
            wid = self._words[w] = len(self._words)
            table = (
                (self.prefix_cs if w.case_sensitive else self.prefix_ci)
                if w.prefix
                else (self.exact_cs if w.case_sensitive else self.exact_ci)
            )
            table.setdefault(w.text, []).append(wid)
        return wid

    def token_words(self, token: str) -> tuple[int, ...]:
        """Ids of the word patterns a token matches (memoised)."""
        found = self._token_cache.get(token)
        if found is not None:
            return found
        keys = [token]
        if token.endswith("'s") and len(token) > 2:
            keys.append(token[:-2])
        ids: set[int] = set()
        for key in keys:
            low = key.lower()
            ids.update(self.exact_ci.get(low, ()))
            ids.update(self.exact_cs.get(key, ()))
            n = len(key)
            for length in self.lens_ci:
                if length > n:
                    break
                ids.update(self.prefix_ci.get(low[:length], ()))
            for length in self.lens_cs:
                if length > n:
                    break
                ids.update(self.prefix_cs.get(key[:length], ()))
        result = tuple(sorted(ids))
        if len(self._token_cache) >= TOKEN_CACHE_SIZE:
            self._token_cache.clear()  # in place: match() holds the same dict
        self._token_cache[token] = result
        return result

    def match(
        self, text: str, budget: RegexBudget | None = None
    ) -> list[tuple[int, int, int, str, str | None, int | None, int | None]]:
        """Hits in one sentence: (detector, start, end, pattern, context, c_start, c_end).

        ``re:`` patterns run under ``budget``'s time limit (a fresh budget when ``None``); a
        detector whose pattern timed out is skipped for this sentence and listed in
        ``budget.skipped``.
        """
        if budget is None:
            budget = RegexBudget()
        skipped: set[int] = set()
        cache = self._token_cache
        parts = WORD_SPLIT.split(text)  # [gap, word, gap, word, ..., gap]
        sets = [cache[w] if w in cache else self.token_words(w) for w in parts[1::2]]
        spans: tuple[list[int], list[int]] | None = None  # token starts, token ends
        # found[det] = {role: [(start, end, first token, last token, label)]}
        found: dict[int, dict[int, list[tuple[int, int, int, int, str]]]] = {}
        if any(sets):
            spans = token_spans(parts)
            self._phrase_hits(text, sets, spans, 0, found)
        has_digit = _DIGIT.search(text) is not None
        for rid in self.trigger_regexes:
            if has_digit or not self.needs_digit[rid]:
                spans = self._regex_hits(rid, 0, text, spans, found, budget, skipped)
        if not found:
            return []
        if any(self.has_context[d] for d in found):
            self._phrase_hits(text, sets, spans, 1, found)
            for rid in self.context_regexes:
                if (has_digit or not self.needs_digit[rid]) and any(
                    o[0] not in skipped and _TRIGGER in found.get(o[0], ())
                    for o in self.regex_owners[rid][1]
                ):
                    spans = self._regex_hits(rid, 1, text, spans, found, budget, skipped)
        hits = []
        for det in sorted(found):
            triggers = found[det].get(_TRIGGER)
            if not triggers or det in skipped:
                continue
            triggers = _drop_contained(triggers)
            if not self.has_context[det]:
                hits.extend((det, s, e, label, None, None, None) for s, e, _, _, label in triggers)
                continue
            window = self.detectors[det].window
            needs_near = bool(self.detectors[det].near)
            vetoes = _nearest_contexts(triggers, found[det].get(_NOT_NEAR, []), window)
            near = _nearest_contexts(triggers, found[det].get(_NEAR, []), window)
            for (s, e, _t0, _t1, label), veto, ctx in zip(triggers, vetoes, near, strict=True):
                if veto is not None:
                    continue
                if not needs_near:
                    hits.append((det, s, e, label, None, None, None))
                elif ctx is not None:
                    hits.append((det, s, e, label, text[ctx[0] : ctx[1]], ctx[0], ctx[1]))
        return hits

    def _phrase_hits(self, text, sets, spans, step: int, found) -> None:
        """Add the phrase matches of one pass (0 triggers, 1 contexts) to ``found``."""
        first_word = self.first_word[step]
        starts, ends = spans
        n = len(sets)
        for i, ids in enumerate(sets):
            if not ids:
                continue
            for wid in ids:
                for pid in first_word.get(wid, ()):
                    words = self.phrases[pid]
                    last = i + len(words) - 1
                    if last >= n:
                        continue
                    if last > i and (
                        words[1] not in sets[i + 1]
                        or any(
                            words[k] not in sets[i + k]
                            or not _PHRASE_GAP.fullmatch(text, ends[i + k - 1], starts[i + k])
                            for k in range(1, len(words))
                        )
                    ):
                        continue
                    span = (starts[i], ends[last], i, last)
                    for det, role, label in self.phrase_owners[pid][step]:
                        found.setdefault(det, {}).setdefault(role, []).append((*span, label))

    def _regex_hits(
        self,
        rid: int,
        step: int,
        text: str,
        spans,
        found,
        budget: RegexBudget,
        skipped: set[int],
    ):
        """Add the matches of regex ``rid`` for one pass; returns the token spans (computed if
        they were not yet).

        The whole search of the sentence gets ``budget.timeout`` seconds. When it runs out (or
        the regex is switched off) the detectors owning the pattern in this pass are skipped
        for the sentence: they are added to ``skipped`` and to ``budget.skipped``.
        """
        owners = self.regex_owners[rid][step]
        if step == 1:
            owners = [o for o in owners if o[0] not in skipped and _TRIGGER in found.get(o[0], ())]
        reason = None
        if budget.switched_off(rid):
            reason = "switched off"
        else:
            try:
                matches = [
                    m.span() for m in self.regexes[rid].finditer(text, timeout=budget.timeout)
                ]
            except TimeoutError:
                budget.timed_out(rid)
                reason = "timeout"
        if reason is not None:
            for det, _role, label in owners:
                if det not in skipped:
                    skipped.add(det)
                    budget.skipped.append((det, label, reason))
            return spans
        # one regex's matches never overlap and its owners are distinct, so no hit repeats
        for s, e in matches:
            if e <= s:
                continue
            if spans is None:
                spans = token_spans(WORD_SPLIT.split(text))
            starts = spans[0]
            t0 = max(bisect_right(starts, s) - 1, 0)
            t1 = max(bisect_left(starts, e) - 1, t0)
            for det, role, label in owners:
                found.setdefault(det, {}).setdefault(role, []).append((s, e, t0, t1, label))
        return spans


@functools.lru_cache(maxsize=32)
def _compiled(
    frames: tuple[Frame, ...], lexicons: tuple[tuple[str, tuple[str, ...]], ...]
) -> Matcher:
    return Matcher(frames, dict(lexicons))


def codebook_matcher(book: Codebook) -> Matcher:
    """The codebook's patterns compiled into a :class:`Matcher`.

    Compiled on first use and kept per codebook content (frames and lexicons), so a codebook
    sent to a worker process is compiled once there too.
    """
    return _compiled(book.frames, tuple(book.lexicons.items()))


def _drop_contained(spans: list[tuple]) -> list[tuple]:
    """Keep the spans that are not inside an already kept one (longest first at each start).

    In start order every kept span starts at or before the current one, so the current span is
    inside a kept one exactly when it ends at or before the furthest kept end: one sort and one
    pass instead of comparing every pair.
    """
    kept: list[tuple] = []
    furthest = -1
    for span in sorted(spans, key=lambda x: (x[0], -x[1])):
        if span[1] > furthest:
            kept.append(span)
            furthest = span[1]
    return kept


def _nearest_contexts(
    triggers: Sequence[tuple], contexts: Sequence[tuple], window: int | None
) -> list[tuple | None]:
    """For each trigger, the context that counts for it (rule 2 of the module docstring).

    Triggers and contexts are ``(start, end, first token, last token, label)``. A context
    counts for a trigger when it does not overlap it (a separate stretch of text) and, with a
    ``window``, is at most ``window`` words away (adjacent words are 1 apart; a context sharing
    a word with the trigger is 0 away). Of the contexts that count, the nearest is returned,
    then the earliest, then the first listed; ``None`` when none counts.

    Linear up to a log factor instead of every trigger against every context. A context that
    does not overlap the trigger lies after it (starts at or after its end: its distance is
    ``max(0, context's first token - trigger's last token)``, which grows with its start, so
    the first one by start is the best of them) or before it (ends at or before its start:
    distance ``max(0, trigger's first token - context's last token)``). Contexts before are
    swept in order of their end into a Fenwick tree keyed by last token, which answers
    "earliest context whose last token is at least t" in O(log n).
    """
    if not triggers or not contexts:
        return [None] * len(triggers)
    n = len(contexts)
    by_start = sorted(range(n), key=lambda i: (contexts[i][0], i))
    start_keys = [contexts[i][0] for i in by_start]
    by_end = sorted(range(n), key=lambda i: contexts[i][1])
    last_tokens = sorted({c[3] for c in contexts})
    rank = {t: len(last_tokens) - 1 - k for k, t in enumerate(last_tokens)}  # reversed order
    size = len(last_tokens)
    never = (math.inf, n)
    tree = [never] * size  # prefix minima over the reversed last tokens = suffix minima
    earliest_at: dict[int, tuple[float, int]] = {}  # last token -> (start, index) of the best
    furthest = -1  # largest last token among the contexts inserted so far
    result: list[tuple | None] = [None] * len(triggers)
    k = 0
    for j in sorted(range(len(triggers)), key=lambda j: triggers[j][0]):
        s, e, t0, t1 = triggers[j][:4]
        while k < n and contexts[by_end[k]][1] <= s:
            i = by_end[k]
            c = contexts[i]
            value = (c[0], i)
            if value < earliest_at.get(c[3], never):
                earliest_at[c[3]] = value
            pos = rank[c[3]]
            while pos < size:
                if value < tree[pos]:
                    tree[pos] = value
                pos |= pos + 1
            furthest = max(furthest, c[3])
            k += 1
        best: tuple[float, float, int] | None = None
        after = bisect_left(start_keys, e)
        if after < n:
            i = by_start[after]
            best = (max(0, contexts[i][2] - t1), contexts[i][0], i)
        if furthest >= 0:
            if furthest >= t0:  # some context before the trigger reaches its first word
                pos = rank[last_tokens[bisect_left(last_tokens, t0)]]
                value = never
                while pos >= 0:
                    value = min(value, tree[pos])
                    pos = (pos & (pos + 1)) - 1
                candidate = (0, value[0], value[1])
            else:
                value = earliest_at[furthest]
                candidate = (t0 - furthest, value[0], value[1])
            if best is None or candidate < best:
                best = candidate
        if best is not None and (window is None or best[0] <= window):
            result[j] = contexts[best[2]]
    return result


# --------------------------------------------------------------------------- per sentence


def _hits_frame(rows: list[tuple], book: Codebook) -> pd.DataFrame:
    cols = list(zip(*rows, strict=True)) if rows else [[] for _ in HIT_COLUMNS]
    data = dict(zip(HIT_COLUMNS, cols, strict=True))
    return pd.DataFrame(
        {
            name: (
                pd.Categorical(data[name], dtype=book.frame_dtype())
                if dtype is None
                else pd.Series(data[name], dtype=dtype)
            )
            for name, dtype in _HIT_DTYPES.items()
        }
    )


def sentence_hits(matcher: Matcher, text: str, budget: RegexBudget | None = None) -> list[tuple]:
    """Hits of one sentence after the frame-level one-count-per-stretch rule, frame-ordered.

    As in :func:`_drop_contained`, a hit (in start order) is inside a kept one exactly when it
    ends at or before the furthest kept end of its frame.
    """
    raw = matcher.match(text, budget)
    by_frame: dict[int, list[tuple]] = {}
    for h in raw:
        by_frame.setdefault(matcher.frame_of[h[0]], []).append(h)
    out: list[tuple] = []
    for fi in sorted(by_frame):
        furthest = -1
        for h in sorted(by_frame[fi], key=lambda x: (x[1], -x[2], x[0])):
            if h[2] > furthest:
                out.append(h)
                furthest = h[2]
    return out


def _timeout_records(
    budget: RegexBudget, matcher: Matcher, story_id: Any, sentence_id: Any
) -> list[tuple]:
    """Rows of :data:`TIMEOUT_COLUMNS` for the detectors skipped in one sentence."""
    rows = [
        (
            story_id,
            sentence_id,
            matcher.frame_ids[matcher.frame_of[det]],
            matcher.detectors[det].id,
            label,
            reason,
        )
        for det, label, reason in budget.skipped
    ]
    budget.skipped.clear()
    return rows


def match_timeouts(hits: pd.DataFrame) -> pd.DataFrame:
    """The detectors :func:`frame_hits` skipped because a ``re:`` pattern ran out of time.

    Args:
        hits: :func:`frame_hits` output.

    Returns:
        One row per skipped (sentence, detector): ``story_id``, ``sentence_id``, ``frame``,
        ``detector``, ``pattern`` and ``reason`` (``"timeout"``: the pattern took more than
        :data:`REGEX_TIMEOUT` seconds on the sentence; ``"switched off"``: it had already timed
        out :data:`MAX_REGEX_TIMEOUTS` times in the call). Empty when nothing was skipped.
        Read from ``hits.attrs["match_timeouts"]``, which pandas keeps through most operations
        but not through every merge: read it from the table :func:`frame_hits` returned.
    """
    require_columns(hits, HIT_COLUMNS, "hits", hint=TABLE_HINT)
    rows = hits.attrs.get("match_timeouts", ())
    return pd.DataFrame([tuple(r) for r in rows], columns=TIMEOUT_COLUMNS).astype(
        {c: "str" for c in TIMEOUT_COLUMNS}
    )


def _shown(value: Any, limit: int = 80) -> str:
    """``value`` as text, cut to ``limit`` characters (with "...") for a message."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def warn_match_timeouts(
    timeouts: pd.DataFrame | Sequence[Sequence[Any]], codebook: Codebook | str | Path
) -> None:
    """Issue one :class:`MatchTimeoutWarning` that names the codebook file, and for each
    skipped detector its frame, pattern, how many sentences it was skipped in and the first
    story and sentence; nothing when ``timeouts`` is empty.

    :func:`frame_hits` calls it; a caller that runs ``frame_hits`` in worker processes, whose
    warnings may not reach the parent, can call it in the parent with the rows of
    ``hits.attrs["match_timeouts"]`` (or :func:`match_timeouts`).
    """
    rows = (
        list(timeouts.itertuples(index=False, name=None))
        if isinstance(timeouts, pd.DataFrame)
        else [tuple(r) for r in timeouts]
    )
    if not rows:
        return
    book = load_codebook(codebook)
    by_detector: dict[tuple[str, str, str], list[tuple]] = {}
    for row in rows:
        by_detector.setdefault((str(row[2]), str(row[3]), str(row[4])), []).append(row)
    parts = []
    for (frame, detector, pattern), found in list(by_detector.items())[:MAX_WARNING_DETECTORS]:
        first = found[0]
        off = " (then switched off)" if any(r[5] == "switched off" for r in found) else ""
        parts.append(
            f"frame {frame!r}, detector {detector!r}, pattern {_shown(pattern)!r}: skipped in "
            f"{len(found):,} sentence(s){off}, first story {_shown(first[0])!r}, sentence "
            f"{_shown(first[1])!r}"
        )
    more = len(by_detector) - MAX_WARNING_DETECTORS
    if more > 0:
        parts.append(f"and {more} more detector(s)")
    warnings.warn(
        f"{book.path}: codebook {book.name!r}: a regular expression took more than "
        f"{patterns.REGEX_TIMEOUT:g} s on a sentence, so its detector was skipped there: "
        + "; ".join(parts)
        + ". The frames of those sentences may be undercounted. Rewrite the pattern so that "
        "no text can be matched in many ways (no nested or overlapping repeats such as "
        "'(a+)+' or '(a|a)*'; use an atomic group '(?>...)' or a possessive '++').",
        MatchTimeoutWarning,
        stacklevel=3,
    )


def frame_hits(
    sentences: pd.DataFrame, *, codebook: Codebook | str | Path = "generic"
) -> pd.DataFrame:
    """Every frame trigger in every sentence: one row per (sentence, frame, hit).

    Computable story by story: running it per story and concatenating gives the same table.
    Does not mutate ``sentences``.

    Args:
        sentences: the corpus' sentences table (needs ``story_id``, ``sentence_id``,
            ``sentence_index``, ``start`` and ``text``).
        codebook: a codebook name, path or :class:`Codebook` (see :func:`load_codebook`).

    Returns:
        A table sorted by input story order, ``sentence_index``, ``frame`` (codebook order) and
        ``sentence_start``, with columns ``story_id``, ``sentence_id``, ``sentence_index``,
        ``frame`` (ordered categorical of the codebook's frame ids), ``detector``,
        ``question`` (may be missing), ``pattern`` (the pattern as written; a lexicon pattern as
        ``@name:pattern``), ``match`` (the matched text), ``sentence_start``/``sentence_end``
        (offsets into the sentence), ``story_start``/``story_end`` (offsets into the story's
        ``text``), ``weight``, and for co-occurrence detectors ``context``,
        ``context_start``/``context_end`` (the context word found near the trigger, offsets into
        the sentence).

        When a ``re:`` pattern runs out of time on a sentence (:data:`REGEX_TIMEOUT`), the
        detectors using it are skipped for that sentence, a :class:`MatchTimeoutWarning` names
        them, and ``hits.attrs["match_timeouts"]`` lists them (see :func:`match_timeouts`).

    Raises:
        ParameterError: ``sentences`` lacks a required column.
        CodebookError: the codebook cannot be loaded.

    Warns:
        MatchTimeoutWarning: a detector was skipped in some sentence (its regex timed out).

    >>> from analysis import stories_from_texts
    >>> s = stories_from_texts(["Moscow condemned the strikes."]).sentences
    >>> frame_hits(s)[["frame", "match"]].values.tolist()
    [['conflict', 'condemned']]
    """
    book = load_codebook(codebook)
    columns = ["story_id", "sentence_id", "sentence_index", "start", "text"]
    require_columns(sentences, columns, "sentences", hint=TABLE_HINT)
    matcher = codebook_matcher(book)
    detectors = matcher.detectors
    frame_ids = matcher.frame_ids
    budget = RegexBudget()
    timeouts: list[tuple] = []
    rows: list[tuple] = []
    cols = sentences[["story_id", "sentence_id", "sentence_index", "start", "text"]]
    for story_id, sentence_id, index, offset, text in cols.itertuples(index=False, name=None):
        if not isinstance(text, str) or not text:
            continue
        offset = int(offset)
        found = sentence_hits(matcher, text, budget)
        if budget.skipped:
            timeouts += _timeout_records(budget, matcher, story_id, sentence_id)
        for det_i, s, e, label, ctx, cs, ce in found:
            det = detectors[det_i]
            rows.append(
                (
                    story_id,
                    sentence_id,
                    int(index),
                    frame_ids[matcher.frame_of[det_i]],
                    det.id,
                    det.question,
                    label,
                    text[s:e],
                    s,
                    e,
                    offset + s,
                    offset + e,
                    det.weight,
                    ctx,
                    cs,
                    ce,
                )
            )
    # rows are already in input order, sentence by sentence, frame order, then start
    hits = _hits_frame(rows, book)
    if timeouts:
        hits.attrs["match_timeouts"] = tuple(timeouts)
        warn_match_timeouts(timeouts, book)
    return hits


def sentence_frames(hits: pd.DataFrame) -> pd.DataFrame:
    """Collapse hits to one row per (sentence, frame) with the sentence score.

    Args:
        hits: the output of :func:`frame_hits`.

    Returns:
        ``story_id``, ``sentence_id``, ``sentence_index``, ``frame``, ``n_hits`` (triggers),
        ``n_detectors`` (distinct detectors), ``score`` (sum of the distinct detectors'
        weights: rule 4 of the module docstring), ``triggers`` (distinct matched texts, in order
        of appearance, joined by ``", "``); same order as ``hits``.
    """
    require_columns(hits, HIT_COLUMNS, "hits", hint=TABLE_HINT)
    if hits.empty:
        out = pd.DataFrame({c: pd.Series(dtype="int64") for c in SENTENCE_FRAME_COLUMNS})
        out["story_id"] = out["story_id"].astype("str")
        out["sentence_id"] = out["sentence_id"].astype("str")
        out["frame"] = pd.Categorical([], dtype=hits["frame"].dtype)
        out["score"] = out["score"].astype("float64")
        out["triggers"] = out["triggers"].astype("str")
        return out
    keys = ["story_id", "sentence_id", "sentence_index", "frame"]
    grouped = hits.groupby(keys, sort=False, observed=True)
    base = grouped.agg(n_hits=("match", "size"), n_detectors=("detector", "nunique"))
    score = (
        hits.drop_duplicates(["sentence_id", "frame", "detector"])
        .groupby(keys, sort=False, observed=True)["weight"]
        .sum()
        .rename("score")
    )
    # Distinct matches per group in order of appearance, in one pass over the rows (a
    # per-group lambda costs seconds on a corpus); with ``sort=False`` the groups are numbered
    # in order of first appearance, the order of ``base``'s rows.
    distinct: dict[int, dict[str, None]] = {}
    for group, match in zip(
        grouped.ngroup().tolist(), hits["match"].astype("str").tolist(), strict=True
    ):
        distinct.setdefault(group, {})[match] = None
    out = base.join(score)
    out["triggers"] = [", ".join(distinct[g]) for g in range(len(out))]
    out = out.reset_index()
    out["n_hits"] = out["n_hits"].astype("int64")
    out["n_detectors"] = out["n_detectors"].astype("int64")
    out["triggers"] = out["triggers"].astype("str")
    return out[SENTENCE_FRAME_COLUMNS]
