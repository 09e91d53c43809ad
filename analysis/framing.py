"""Frame detection with codebooks kept as data: which frames a story uses, where, and how much.

Method: a dictionary (lexical) content analysis. A codebook (YAML in ``data/codebooks/``, or
the researcher's own file, see ``data/codebooks/README.md``) lists frames; each frame has a
description, the coding questions it operationalises and *detectors*: word and phrase patterns
(``condemn*``, ``White House``), regular expressions (``re:``) and co-occurrence rules (a word
that counts only *near* a context, e.g. ``cost`` near a money amount). Two codebooks ship:

- ``generic``: the five generic news frames of Semetko & Valkenburg (2000), *Framing European
  politics: A content analysis of press and television news*, Journal of Communication 50(2),
  93-109: conflict, human interest, economic consequences, morality, responsibility, with the
  20 yes/no questions of their instrument, each turned into detectors.
- ``policy``: the 15 frames of the Policy Frames Codebook, Boydstun, Card, Gross, Resnik & Smith
  (2014), *Tracking the development of media frames within and across policy issues*, as used by
  the Media Frames Corpus (Card et al. 2015, ACL).

Rules, in the order they are applied:

1. **Matching** (:func:`frame_hits`, per sentence). Sentences are split into word tokens
   (letters/digits with inner ``' . &``; hyphens separate words, so ``first-degree`` matches the
   pattern ``first degree``). A word pattern matches a whole token; ``word*`` matches any token
   starting with ``word``; a possessive ``'s`` is ignored (``Japan's`` matches ``japan``). A
   pattern word is case-insensitive unless it contains a capital letter (``Fed``, ``White
   House``: matched with that case). A phrase matches consecutive tokens separated only by
   spaces or hyphens. ``re:`` patterns are Python regular expressions, case-sensitive unless
   they start with ``(?i)``, matched with the ``regex`` package (the ``re`` syntax) under a time
   limit of :data:`REGEX_TIMEOUT` seconds per pattern and sentence. A pattern that runs out of
   time (one that can match a text in exponentially many ways, such as ``(a|a)+$`` on a long
   run of ``a``) has its detectors skipped for that sentence, reported by a
   :class:`MatchTimeoutWarning` and in ``hits.attrs["match_timeouts"]``
   (:func:`match_timeouts`); after :data:`MAX_REGEX_TIMEOUTS` timeouts in one
   :func:`frame_hits` call it is switched off for the rest of the call. Matching is linear in
   the sentence's length up to a log factor.
2. **Co-occurrence.** A detector with ``near`` fires on a trigger only when one of the ``near``
   patterns matches elsewhere in the same sentence, within ``window`` words of the trigger when a
   window is given (adjacent words are 1 apart); ``not_near`` vetoes a trigger the same way. A
   context never overlaps its trigger; the nearest context (then the earliest) is reported.
3. **One count per stretch of text.** Within a detector and within a frame, a hit inside a
   longer (or equal, earlier-listed) hit of the same frame in the same sentence is dropped, so a
   word counts once per frame.
4. **Sentence score** of a frame = the sum of the weights of the *distinct* detectors that fire
   in the sentence (a detector that fires three times in a sentence counts once).
5. **Story decision** (:func:`frame_summary`): a frame is *present* in a story when its score
   summed over the story's sentences reaches ``threshold`` (default 2: two detector-sentence
   pieces of evidence) in at least ``min_sentences`` sentences (default 1, so a two-sentence lead
   can carry a frame). A codebook's *fallback* frame (the policy codebook's ``other``) has no
   detectors and is present exactly when no other frame is.
6. **Groups** (``group=`` any column of the stories table): counts are summed over the group's
   stories; *intensity* = hits per 1,000 words, *share* = share of sentences carrying the frame,
   ``share_present`` = share of the group's stories where the frame is present, and the frame is
   present in the group when ``share_present >= min_story_share`` (default 0.5; for one story
   this is the story decision). The *dominant* frame(s) of a group are the present frames with
   the highest intensity (ties all dominant); with none present, the fallback frame if present.

Limits: dictionary methods miss frames carried without their keywords (irony, quotation,
structure, images) and count keywords used in another sense; a lexical trigger is not a coder's
judgement. Evidence tables (:func:`frame_evidence`) show every trigger so a reader can check.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import warnings
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

import pandas as pd
import regex
import yaml

from analysis import config
from analysis.errors import CodebookError, ParameterError
from analysis.safe import (
    escape_html,
    escape_markdown,
    markdown_code,
    safe_filename,
    write_csv,
)

__all__ = [
    "CODEBOOK_DIR",
    "Codebook",
    "Detector",
    "Frame",
    "MatchTimeoutWarning",
    "Question",
    "check_examples",
    "codebook_table",
    "describe",
    "evidence_html",
    "export_frame_matrix",
    "frame_evidence",
    "frame_hits",
    "frame_matrix",
    "frame_summary",
    "list_codebooks",
    "load_codebook",
    "mark_html",
    "match_timeouts",
    "question_table",
    "sentence_frames",
    "warn_match_timeouts",
]

#: Folder of the shipped codebooks (``<name>.yaml``).
CODEBOOK_DIR: Path = config.DATA_DIR / "codebooks"
#: Fewest characters allowed before a ``*`` wildcard (``co*`` would match far too much).
MIN_WILDCARD_PREFIX = 3
#: Default story decision: summed sentence scores needed for a frame to be present.
DEFAULT_THRESHOLD = 2.0
#: Group value given to stories whose group column is missing (``frame_summary``).
MISSING_GROUP = "(missing)"
#: Seconds a ``re:`` pattern may search one sentence before its detectors are skipped there.
#: A pattern that can match a text in exponentially many ways (``(a|a)*$``) would otherwise
#: run for hours; every shipped pattern takes well under a millisecond on a 2,000-character
#: sentence (the segmenter's longest, ``analysis.segment.MAX_SENTENCE_CHARS``).
REGEX_TIMEOUT = 0.25
#: Timeouts after which a pattern is switched off for the rest of a :func:`frame_hits` call
#: (its detectors are skipped in every later sentence it would search), so a pattern that
#: times out on every sentence costs seconds, not hours.
MAX_REGEX_TIMEOUTS = 3
#: Detectors named one by one in a :class:`MatchTimeoutWarning`.
MAX_WARNING_DETECTORS = 5

HIT_COLUMNS = [
    "story_id",
    "sentence_id",
    "sentence_index",
    "frame",
    "detector",
    "question",
    "pattern",
    "match",
    "sentence_start",
    "sentence_end",
    "story_start",
    "story_end",
    "weight",
    "context",
    "context_start",
    "context_end",
]
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
SUMMARY_COLUMNS = [
    "frame",
    "label",
    "n_stories",
    "n_words",
    "n_sentences",
    "n_truncated",
    "is_truncated",
    "n_hits",
    "n_frame_sentences",
    "score",
    "intensity",
    "share",
    "n_present",
    "share_present",
    "present",
    "dominant",
]
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
MATRIX_VALUES = ("intensity", "share", "score", "n_hits", "share_present", "present")
TIMEOUT_COLUMNS = ["story_id", "sentence_id", "frame", "detector", "pattern", "reason"]


class MatchTimeoutWarning(UserWarning):
    """A codebook regex ran out of time on a sentence and its detector was skipped there."""


_SLUG = re.compile(r"[a-z][a-z0-9_]*")
_WORD = re.compile(r"[^\W_]+(?:['.&][^\W_]+)*")
_PATTERN_SPLIT = re.compile(r"[\s\-]+")
_WORD_SPLIT = re.compile(f"({_WORD.pattern})")
_PHRASE_GAP = re.compile(r"[ \-]{1,3}")

_TOP_KEYS = {
    "name": True,
    "title": False,
    "version": True,
    "citation": True,
    "source": False,
    "description": False,
    "lexicons": False,
    "frames": True,
}
_FRAME_KEYS = {
    "id": True,
    "label": True,
    "description": True,
    "questions": False,
    "detectors": False,
    "fallback": False,
    "non_examples": False,
}
_QUESTION_KEYS = {"id": True, "text": True, "wording": True}
_DETECTOR_KEYS = {
    "id": True,
    "terms": True,
    "question": False,
    "near": False,
    "not_near": False,
    "window": False,
    "weight": False,
    "note": False,
    "examples": False,
}
_WORDINGS = ("quoted", "paraphrase")


# --------------------------------------------------------------------------- codebook objects


@dataclass(frozen=True)
class Question:
    """One coding question of a frame (``wording``: ``"quoted"`` or ``"paraphrase"``)."""

    id: str
    text: str
    wording: str


@dataclass(frozen=True)
class Detector:
    """One transparent detector of a frame (see the module docstring for the matching rules).

    Attributes:
        id: unique within its frame.
        frame: id of the frame it belongs to.
        question: id of the frame question it operationalises, if any.
        terms: trigger patterns (words, phrases, ``word*``, ``re:…``, ``@lexicon``), as written.
        near: context patterns that must match in the sentence for a trigger to count.
        not_near: context patterns that veto a trigger.
        window: words between trigger and context (``None``: anywhere in the sentence).
        weight: added to the sentence score when the detector fires (default 1).
        note: free-text documentation (e.g. "a text proxy for visual information").
        examples: sentences the detector must fire on (checked by :func:`check_examples`).
    """

    id: str
    frame: str
    question: str | None
    terms: tuple[str, ...]
    near: tuple[str, ...] = ()
    not_near: tuple[str, ...] = ()
    window: int | None = None
    weight: float = 1.0
    note: str | None = None
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Frame:
    """One frame: id, label, codebook description, questions and detectors.

    ``fallback`` frames have no detectors and are present when no other frame is (see the
    module docstring). ``non_examples`` are sentences that must fire none of its detectors.
    """

    id: str
    label: str
    description: str
    questions: tuple[Question, ...]
    detectors: tuple[Detector, ...]
    fallback: bool = False
    non_examples: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Codebook:
    """A validated, compiled codebook. Build it with :func:`load_codebook`.

    Attributes:
        name: short id (``"generic"``).
        title: display title.
        version: the codebook's own version string.
        citation: the method's reference.
        source: where the frames, questions and descriptions come from.
        description: free text.
        path: the YAML file it was read from.
        fingerprint: first 12 hex digits of the SHA-256 of the file's bytes.
        frames: the frames, in file order (the order of every table).
        lexicons: named pattern lists referenced as ``@name``.
    """

    name: str
    title: str
    version: str
    citation: str
    source: str | None
    description: str | None
    path: str
    fingerprint: str
    frames: tuple[Frame, ...]
    lexicons: Mapping[str, tuple[str, ...]]
    _matcher: _Matcher = field(repr=False, compare=False)

    @property
    def frame_ids(self) -> list[str]:
        """Frame ids in codebook order."""
        return [f.id for f in self.frames]

    @property
    def fallback(self) -> str | None:
        """Id of the fallback frame, or ``None``."""
        return next((f.id for f in self.frames if f.fallback), None)

    @property
    def cache_key(self) -> str:
        """``name-version-fingerprint``: changes when the file changes, even without a new
        version (use it to key cached results)."""
        return f"{self.name}-{self.version}-{self.fingerprint}"

    def frame(self, frame_id: str) -> Frame:
        """The frame with this id (ParameterError if there is none)."""
        for f in self.frames:
            if f.id == frame_id:
                return f
        raise ParameterError(
            f"codebook {self.name!r} has no frame {frame_id!r}; its frames are {self.frame_ids}"
        )

    def labels(self) -> dict[str, str]:
        """Frame id -> label."""
        return {f.id: f.label for f in self.frames}

    def frame_dtype(self) -> pd.CategoricalDtype:
        """Ordered categorical of the frame ids (codebook order), used by every table."""
        return pd.CategoricalDtype(self.frame_ids, ordered=True)


# --------------------------------------------------------------------------- loading + validation


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int) -> None:
        super().__init__(key, line)
        self.key = key
        self.line = line


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys (PyYAML silently keeps the last)."""


def _strict_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _strict_mapping)


class _Where:
    """Builds CodebookError messages naming the file, the frame and the field."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, field_: str, problem: str, frame: str | None = None) -> CodebookError:
        where = f"{self.path}: "
        if frame is not None:
            where += f"frame {frame!r}, "
        where += f"field {field_!r}: " if field_ else "top level: "
        return CodebookError(where + problem)


def list_codebooks() -> list[str]:
    """Names of the shipped codebooks.

    >>> list_codebooks()
    ['generic', 'policy']
    """
    return sorted(p.stem for p in CODEBOOK_DIR.glob("*.yaml"))


def _resolve(codebook: str | Path) -> Path:
    if isinstance(codebook, str) and codebook in list_codebooks():
        return CODEBOOK_DIR / f"{codebook}.yaml"
    path = Path(codebook).expanduser()
    if not path.is_file():
        raise CodebookError(
            f"{path}: no such codebook file; pass a shipped codebook name "
            f"({', '.join(list_codebooks())}) or the path to a YAML codebook "
            "(format: analysis/data/codebooks/README.md)."
        )
    return path


def load_codebook(codebook: Codebook | str | Path = "generic") -> Codebook:
    """Load, validate and compile a codebook.

    Args:
        codebook: a shipped codebook name (:func:`list_codebooks`), the path of a YAML codebook,
            or an already loaded :class:`Codebook` (returned unchanged).

    Returns:
        The :class:`Codebook`, with its patterns compiled once (loads are cached per file
        content, so calling this repeatedly is cheap).

    Raises:
        CodebookError: a missing file, invalid YAML, or a codebook that breaks the format:
            the message names the file, the frame and the field.

    >>> book = load_codebook("generic")
    >>> book.frame_ids
    ['conflict', 'human_interest', 'economic', 'morality', 'responsibility']
    """
    if isinstance(codebook, Codebook):
        return codebook
    if not isinstance(codebook, str | Path):
        raise ParameterError(
            f"codebook must be a name, a path or a Codebook, got {type(codebook).__name__}"
        )
    path = _resolve(codebook)
    data = path.read_bytes()
    return _load_cached(str(path), data)


@functools.lru_cache(maxsize=32)
def _load_cached(path_str: str, data: bytes) -> Codebook:
    path = Path(path_str)
    where = _Where(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CodebookError(f"{path}: the file is not UTF-8 ({exc.reason}).") from exc
    try:
        raw = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except _DuplicateKey as exc:
        raise CodebookError(
            f"{path}: line {exc.line}: duplicate key {exc.key!r}; each key may appear once "
            "per mapping."
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CodebookError(f"{path}: {line}invalid YAML ({problem}).") from exc
    return _build_codebook(raw, where, hashlib.sha256(data).hexdigest()[:12])


def _check_keys(
    obj: Any, spec: dict[str, bool], where: _Where, field_: str, frame: str | None
) -> None:
    if not isinstance(obj, dict):
        hint = "" if field_ else " (a codebook is a mapping with name, version, citation, frames)"
        raise where.error(field_, f"expected a mapping, got {_type(obj)}{hint}.", frame)
    unknown = sorted(str(k) for k in obj if k not in spec)
    if unknown:
        raise where.error(
            f"{field_}.{unknown[0]}" if field_ else unknown[0],
            f"unknown key {unknown[0]!r}; allowed keys are {sorted(spec)}.",
            frame,
        )
    for key, required in spec.items():
        if required and key not in obj:
            raise where.error(f"{field_}.{key}" if field_ else key, "missing required key.", frame)


def _type(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _string(
    value: Any, where: _Where, field_: str, frame: str | None, *, slug: bool = False
) -> str:
    if not isinstance(value, str):
        hint = ""
        if isinstance(value, int | float | bool):
            hint = f" {value!r}; quote it in the YAML so it is read as written"
        raise where.error(field_, f"expected a string, got {_type(value)}{hint}.", frame)
    if not value.strip():
        raise where.error(field_, "must not be empty.", frame)
    if slug and _SLUG.fullmatch(value) is None:
        raise where.error(
            field_,
            f"{value!r} is not a valid id: use lower-case letters, digits and _ "
            "starting with a letter.",
            frame,
        )
    return value


def _string_list(
    value: Any, where: _Where, field_: str, frame: str | None, *, allow_empty: bool
) -> list[str]:
    if not isinstance(value, list):
        raise where.error(field_, f"expected a list, got {_type(value)}.", frame)
    if not value and not allow_empty:
        raise where.error(field_, "the list is empty.", frame)
    return [_string(v, where, f"{field_}[{i}]", frame) for i, v in enumerate(value)]


def _build_codebook(raw: Any, where: _Where, fingerprint: str) -> Codebook:
    _check_keys(raw, _TOP_KEYS, where, "", None)
    name = _string(raw["name"], where, "name", None, slug=True)
    version = _string(raw["version"], where, "version", None)
    citation = _string(raw["citation"], where, "citation", None)
    title = _string(raw.get("title", name), where, "title", None)
    source = None if raw.get("source") is None else _string(raw["source"], where, "source", None)
    description = raw.get("description")
    if description is not None:
        description = _string(description, where, "description", None)
    lexicons = _parse_lexicons(raw.get("lexicons", {}), where)
    frames_raw = raw["frames"]
    if not isinstance(frames_raw, list):
        raise where.error("frames", f"expected a list of frames, got {_type(frames_raw)}.")
    if not frames_raw:
        raise where.error("frames", "the frame list is empty; a codebook needs frames.")
    frames: list[Frame] = []
    seen: set[str] = set()
    for i, fr in enumerate(frames_raw):
        frame = _parse_frame(fr, i, where, lexicons)
        if frame.id in seen:
            raise where.error(f"frames[{i}].id", f"duplicate frame id {frame.id!r}.", frame.id)
        seen.add(frame.id)
        frames.append(frame)
    fallbacks = [f.id for f in frames if f.fallback]
    if len(fallbacks) > 1:
        second = next(i for i, f in enumerate(frames) if f.id == fallbacks[1])
        raise where.error(
            f"frames[{second}].fallback",
            f"only one frame may be the fallback, got {fallbacks}.",
            fallbacks[1],
        )
    if len(frames) == len(fallbacks):
        raise where.error("frames", "every frame is a fallback; add frames with detectors.")
    matcher = _Matcher(frames, lexicons, where)
    return Codebook(
        name=name,
        title=title,
        version=version,
        citation=citation,
        source=source,
        description=description,
        path=str(where.path),
        fingerprint=fingerprint,
        frames=tuple(frames),
        lexicons=lexicons,
        _matcher=matcher,
    )


def _parse_lexicons(raw: Any, where: _Where) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise where.error("lexicons", f"expected a mapping of name: [patterns], got {_type(raw)}.")
    lexicons: dict[str, tuple[str, ...]] = {}
    for name, patterns in raw.items():
        _string(name, where, f"lexicons.{name}", None, slug=True)
        items = _string_list(patterns, where, f"lexicons.{name}", None, allow_empty=False)
        for j, p in enumerate(items):
            if p.startswith("@"):
                raise where.error(
                    f"lexicons.{name}[{j}]", "a lexicon cannot include another lexicon."
                )
            _parse_pattern(p, where, f"lexicons.{name}[{j}]", None)
        lexicons[name] = tuple(items)
    return lexicons


def _parse_frame(raw: Any, i: int, where: _Where, lexicons: Mapping[str, Any]) -> Frame:
    fid = raw.get("id") if isinstance(raw, dict) else None
    frame_name = fid if isinstance(fid, str) else f"#{i}"
    base = f"frames[{i}]"
    _check_keys(raw, _FRAME_KEYS, where, base, frame_name)
    fid = _string(raw["id"], where, f"{base}.id", frame_name, slug=True)
    label = _string(raw["label"], where, f"{base}.label", fid)
    description = _string(raw["description"], where, f"{base}.description", fid)
    fallback = raw.get("fallback", False)
    if not isinstance(fallback, bool):
        raise where.error(
            f"{base}.fallback", f"expected true or false, got {_type(fallback)}.", fid
        )
    questions = _parse_questions(raw.get("questions", []), base, where, fid)
    qids = {q.id for q in questions}
    det_raw = raw.get("detectors", [])
    if not isinstance(det_raw, list):
        raise where.error(f"{base}.detectors", f"expected a list, got {_type(det_raw)}.", fid)
    if fallback and det_raw:
        raise where.error(
            f"{base}.detectors",
            "a fallback frame has no detectors: it is present when no other frame is.",
            fid,
        )
    if not fallback and not det_raw:
        raise where.error(
            f"{base}.detectors",
            "every frame needs at least one detector (only a frame marked 'fallback: true' "
            "may have none).",
            fid,
        )
    detectors: list[Detector] = []
    for j, d in enumerate(det_raw):
        det = _parse_detector(d, f"{base}.detectors[{j}]", where, fid, qids, lexicons)
        if any(x.id == det.id for x in detectors):
            raise where.error(
                f"{base}.detectors[{j}].id", f"duplicate detector id {det.id!r}.", fid
            )
        detectors.append(det)
    non_examples = _string_list(
        raw.get("non_examples", []), where, f"{base}.non_examples", fid, allow_empty=True
    )
    return Frame(
        id=fid,
        label=label,
        description=description.strip(),
        questions=tuple(questions),
        detectors=tuple(detectors),
        fallback=fallback,
        non_examples=tuple(non_examples),
    )


def _parse_questions(raw: Any, base: str, where: _Where, fid: str) -> list[Question]:
    if not isinstance(raw, list):
        raise where.error(f"{base}.questions", f"expected a list, got {_type(raw)}.", fid)
    questions: list[Question] = []
    for k, q in enumerate(raw):
        qf = f"{base}.questions[{k}]"
        _check_keys(q, _QUESTION_KEYS, where, qf, fid)
        qid = _string(q["id"], where, f"{qf}.id", fid, slug=True)
        text = _string(q["text"], where, f"{qf}.text", fid)
        wording = _string(q["wording"], where, f"{qf}.wording", fid)
        if wording not in _WORDINGS:
            raise where.error(
                f"{qf}.wording", f"must be one of {list(_WORDINGS)}, got {wording!r}.", fid
            )
        if any(x.id == qid for x in questions):
            raise where.error(f"{qf}.id", f"duplicate question id {qid!r}.", fid)
        questions.append(Question(qid, text.strip(), wording))
    return questions


def _parse_detector(
    raw: Any, base: str, where: _Where, fid: str, qids: set[str], lexicons: Mapping[str, Any]
) -> Detector:
    _check_keys(raw, _DETECTOR_KEYS, where, base, fid)
    did = _string(raw["id"], where, f"{base}.id", fid, slug=True)
    lists: dict[str, list[str]] = {}
    for key in ("terms", "near", "not_near"):
        if key == "terms" or key in raw:
            lists[key] = _string_list(raw[key], where, f"{base}.{key}", fid, allow_empty=False)
            for j, p in enumerate(lists[key]):
                if p.startswith("@"):
                    if p[1:] not in lexicons:
                        raise where.error(
                            f"{base}.{key}[{j}]",
                            f"unknown lexicon {p!r}; defined lexicons are "
                            f"{sorted('@' + n for n in lexicons)}.",
                            fid,
                        )
                else:
                    _parse_pattern(p, where, f"{base}.{key}[{j}]", fid)
    question = raw.get("question")
    if question is not None:
        question = _string(question, where, f"{base}.question", fid)
        if question not in qids:
            raise where.error(
                f"{base}.question",
                f"no question {question!r} in this frame; its questions are {sorted(qids)}.",
                fid,
            )
    window = raw.get("window", "sentence")
    if window == "sentence":
        window = None
    elif isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise where.error(
            f"{base}.window",
            f"expected a whole number of words >= 1 or 'sentence', got {window!r}.",
            fid,
        )
    if "window" in raw and "near" not in lists and "not_near" not in lists:
        raise where.error(f"{base}.window", "a window needs 'near' or 'not_near' patterns.", fid)
    weight = raw.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not weight > 0:
        raise where.error(f"{base}.weight", f"expected a number > 0, got {weight!r}.", fid)
    note = raw.get("note")
    if note is not None:
        note = _string(note, where, f"{base}.note", fid)
    examples = _string_list(
        raw.get("examples", []), where, f"{base}.examples", fid, allow_empty=True
    )
    return Detector(
        id=did,
        frame=fid,
        question=question,
        terms=tuple(lists["terms"]),
        near=tuple(lists.get("near", ())),
        not_near=tuple(lists.get("not_near", ())),
        window=window,
        weight=float(weight),
        note=note,
        examples=tuple(examples),
    )


# --------------------------------------------------------------------------- patterns


@dataclass(frozen=True)
class _WordPattern:
    text: str  # as compared: lower-cased unless case-sensitive
    prefix: bool
    case_sensitive: bool


def _parse_pattern(
    pattern: str, where: _Where, field_: str, frame: str | None
) -> tuple[_WordPattern, ...] | regex.Pattern:
    """A term pattern as word patterns, or a compiled ``re:`` pattern; CodebookError if bad.

    ``re:`` patterns are compiled with the ``regex`` package (its default, ``re``-compatible
    syntax), whose matching takes a time limit (:data:`REGEX_TIMEOUT`).
    """
    if pattern.startswith("re:"):
        source = pattern[3:]
        if not source:
            raise where.error(field_, "bad regex: 're:' is followed by nothing.", frame)
        try:
            compiled = regex.compile(source)
        except regex.error as exc:
            raise where.error(field_, f"bad regex {source!r}: {exc}.", frame) from exc
        if compiled.match("") is not None:
            raise where.error(field_, f"bad regex {source!r}: it matches the empty string.", frame)
        return compiled
    words = [w for w in _PATTERN_SPLIT.split(pattern.strip()) if w]
    if not words:
        raise where.error(field_, f"bad pattern {pattern!r}: no words.", frame)
    parsed: list[_WordPattern] = []
    for word in words:
        prefix = word.endswith("*")
        body = word[:-1] if prefix else word
        if not prefix:
            body = body.rstrip(".")  # "U.S." is the token "U.S"
        if _WORD.fullmatch(body) is None:
            raise where.error(
                field_,
                f"bad pattern {pattern!r}: {word!r} is not a word. Terms hold letters, digits, "
                "inner ' . & and may end with * (wildcards only at the end of a word); write "
                "other patterns as regular expressions, 're:...'.",
                frame,
            )
        if prefix and len(body) < MIN_WILDCARD_PREFIX:
            raise where.error(
                field_,
                f"bad pattern {pattern!r}: a wildcard needs at least {MIN_WILDCARD_PREFIX} "
                f"characters before the '*' ({word!r} would match too many words).",
                frame,
            )
        cs = any(c.isupper() for c in body)
        parsed.append(_WordPattern(body if cs else body.lower(), prefix, cs))
    return tuple(parsed)


_TRIGGER, _NEAR, _NOT_NEAR = 0, 1, 2


class _RegexBudget:
    """The time limit of ``re:`` patterns during one :func:`frame_hits` call.

    Every regex gets :data:`REGEX_TIMEOUT` seconds per sentence; after
    :data:`MAX_REGEX_TIMEOUTS` timeouts in the call it is switched off for the rest of the call.
    ``skipped`` collects, per sentence, ``(detector, pattern, reason)`` for each detector
    skipped because one of its patterns timed out (``"timeout"``) or is switched off
    (``"switched off"``); the caller reads and clears it after each sentence.
    """

    def __init__(self) -> None:
        self.timeout = REGEX_TIMEOUT
        self.max_timeouts = MAX_REGEX_TIMEOUTS
        self.timeouts: dict[int, int] = {}
        self.skipped: list[tuple[int, str, str]] = []

    def switched_off(self, rid: int) -> bool:
        return self.timeouts.get(rid, 0) >= self.max_timeouts

    def timed_out(self, rid: int) -> None:
        self.timeouts[rid] = self.timeouts.get(rid, 0) + 1


class _Matcher:
    """All patterns of a codebook compiled once into word indexes, phrases and regexes.

    Matching a sentence takes two passes over its tokens: trigger phrases first, then, only when
    a co-occurrence detector has a trigger, the context phrases. Every step is linear in the
    sentence's length up to a log factor (sorting, bisection), so a sentence of a million
    characters costs about a thousand times one of a thousand.
    """

    def __init__(self, frames: Sequence[Frame], lexicons: Mapping[str, Sequence[str]], where):
        self.detectors: list[Detector] = [d for f in frames for d in f.detectors]
        frame_index = {f.id: i for i, f in enumerate(frames)}
        self.frame_of: list[int] = [frame_index[d.frame] for d in self.detectors]
        self.frame_ids = [f.id for f in frames]
        self.has_context: list[bool] = [bool(d.near or d.not_near) for d in self.detectors]
        self._words: dict[_WordPattern, int] = {}
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
                        self._add(p, di, role, pat if p == pat else f"{pat}:{p}", where)
        for owners in self.regex_owners:  # a pattern listed twice by a detector counts once
            owners[0][:] = list(dict.fromkeys(owners[0]))
            owners[1][:] = list(dict.fromkeys(owners[1]))
        self.trigger_regexes = [r for r, own in enumerate(self.regex_owners) if own[0]]
        self.context_regexes = [r for r, own in enumerate(self.regex_owners) if own[1]]
        # regexes that cannot match a text without a digit are skipped on such texts
        self.needs_digit = [_needs_digit(r) for r in self.regexes]
        self.lens_ci = sorted({len(k) for k in self.prefix_ci})
        self.lens_cs = sorted({len(k) for k in self.prefix_cs})
        self._token_cache: dict[str, tuple[int, ...]] = {}

    def _add(self, pattern: str, det: int, role: int, label: str, where: _Where) -> None:
        parsed = _parse_pattern(pattern, where, "pattern", None)
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

    def _word_id(self, w: _WordPattern) -> int:
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
        if len(self._token_cache) < 1_000_000:
            self._token_cache[token] = result
        return result

    def match(
        self, text: str, budget: _RegexBudget | None = None
    ) -> list[tuple[int, int, int, str, str | None, int | None, int | None]]:
        """Hits in one sentence: (detector, start, end, pattern, context, c_start, c_end).

        ``re:`` patterns run under ``budget``'s time limit (a fresh budget when ``None``); a
        detector whose pattern timed out is skipped for this sentence and listed in
        ``budget.skipped``.
        """
        if budget is None:
            budget = _RegexBudget()
        skipped: set[int] = set()
        cache = self._token_cache
        parts = _WORD_SPLIT.split(text)  # [gap, word, gap, word, ..., gap]
        sets = [cache[w] if w in cache else self.token_words(w) for w in parts[1::2]]
        spans: tuple[list[int], list[int]] | None = None  # token starts, token ends
        # found[det] = {role: [(start, end, first token, last token, label)]}
        found: dict[int, dict[int, list[tuple[int, int, int, int, str]]]] = {}
        if any(sets):
            spans = _token_spans(parts)
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
        budget: _RegexBudget,
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
                spans = _token_spans(_WORD_SPLIT.split(text))
            starts = spans[0]
            t0 = max(bisect_right(starts, s) - 1, 0)
            t1 = max(bisect_left(starts, e) - 1, t0)
            for det, role, label in owners:
                found.setdefault(det, {}).setdefault(role, []).append((s, e, t0, t1, label))
        return spans


_DIGIT = re.compile(r"\d")


def _needs_digit(pattern: re.Pattern[str] | regex.Pattern | str) -> bool:
    """Whether every match of ``pattern`` contains a ``\\d`` digit (decided from its parsed
    form: a ``\\d`` that is not optional, in a group, a repeat of at least one, or every branch
    of an alternation). ``False`` when in doubt (also for syntax only the ``regex`` package
    knows)."""
    from re import _parser  # the standard library's regex parser (Python >= 3.11)

    source = pattern if isinstance(pattern, str) else pattern.pattern
    try:
        parsed = _parser.parse(source, 0)  # codebook regexes carry their flags inline
    except Exception:  # noqa: BLE001 - any doubt: never skip the pattern
        return False
    return _items_need_digit(list(parsed), _parser)


def _items_need_digit(items: list, c: Any) -> bool:
    """``c`` is ``re._parser``, which re-exports the opcode constants."""
    for op, av in items:
        if op is c.IN and list(av) == [(c.CATEGORY, c.CATEGORY_DIGIT)]:
            return True
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, _high, sub = av
            if low >= 1 and _items_need_digit(list(sub), c):
                return True
        elif op is c.SUBPATTERN:
            if _items_need_digit(list(av[-1]), c):
                return True
        elif op is c.ATOMIC_GROUP:
            if _items_need_digit(list(av), c):
                return True
        elif op is c.BRANCH and all(_items_need_digit(list(b), c) for b in av[1]):
            return True
    return False


def _token_spans(parts: list[str]) -> tuple[list[int], list[int]]:
    """Token start and end offsets from a capturing split ``[gap, word, gap, ..., gap]``."""
    offsets = list(accumulate(map(len, parts)))
    return offsets[0:-1:2], offsets[1::2]


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


def _require(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(
            f"{name} lacks the column(s) {missing}; it has {list(frame.columns)}. "
            "Pass the corpus' table (load_corpus(...).sentences / .stories)."
        )


def _hits_frame(rows: list[tuple], book: Codebook) -> pd.DataFrame:
    cols = list(zip(*rows, strict=True)) if rows else [[] for _ in HIT_COLUMNS]
    data = dict(zip(HIT_COLUMNS, cols, strict=True))
    out = pd.DataFrame(
        {
            "story_id": pd.Series(data["story_id"], dtype="str"),
            "sentence_id": pd.Series(data["sentence_id"], dtype="str"),
            "sentence_index": pd.Series(data["sentence_index"], dtype="int64"),
            "frame": pd.Categorical(data["frame"], dtype=book.frame_dtype()),
            "detector": pd.Series(data["detector"], dtype="str"),
            "question": pd.Series(data["question"], dtype="str"),
            "pattern": pd.Series(data["pattern"], dtype="str"),
            "match": pd.Series(data["match"], dtype="str"),
            "sentence_start": pd.Series(data["sentence_start"], dtype="int64"),
            "sentence_end": pd.Series(data["sentence_end"], dtype="int64"),
            "story_start": pd.Series(data["story_start"], dtype="int64"),
            "story_end": pd.Series(data["story_end"], dtype="int64"),
            "weight": pd.Series(data["weight"], dtype="float64"),
            "context": pd.Series(data["context"], dtype="str"),
            "context_start": pd.Series(data["context_start"], dtype="Int64"),
            "context_end": pd.Series(data["context_end"], dtype="Int64"),
        }
    )
    return out


def _sentence_hits(
    matcher: _Matcher, text: str, budget: _RegexBudget | None = None
) -> list[tuple]:
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
    budget: _RegexBudget, matcher: _Matcher, story_id: Any, sentence_id: Any
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
    _require(hits, HIT_COLUMNS, "hits")
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
        f"{REGEX_TIMEOUT:g} s on a sentence, so its detector was skipped there: "
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
    _require(
        sentences, ["story_id", "sentence_id", "sentence_index", "start", "text"], "sentences"
    )
    matcher = book._matcher
    detectors = matcher.detectors
    frame_ids = matcher.frame_ids
    budget = _RegexBudget()
    timeouts: list[tuple] = []
    rows: list[tuple] = []
    cols = sentences[["story_id", "sentence_id", "sentence_index", "start", "text"]]
    for story_id, sentence_id, index, offset, text in cols.itertuples(index=False, name=None):
        if not isinstance(text, str) or not text:
            continue
        offset = int(offset)
        found = _sentence_hits(matcher, text, budget)
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
    _require(hits, HIT_COLUMNS, "hits")
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
    triggers = grouped["match"].agg(lambda m: ", ".join(dict.fromkeys(m))).rename("triggers")
    out = base.join(score).join(triggers).reset_index()
    out["n_hits"] = out["n_hits"].astype("int64")
    out["n_detectors"] = out["n_detectors"].astype("int64")
    out["triggers"] = out["triggers"].astype("str")
    return out[SENTENCE_FRAME_COLUMNS]


# --------------------------------------------------------------------------- per story / group


def frame_summary(
    hits: pd.DataFrame,
    stories: pd.DataFrame,
    *,
    codebook: Codebook | str | Path = "generic",
    group: str = "story_id",
    threshold: float = DEFAULT_THRESHOLD,
    min_sentences: int = 1,
    min_story_share: float = 0.5,
) -> pd.DataFrame:
    """Frames per story or per group of stories: intensity, share, present, dominant.

    Multi-label: every frame gets a row for every group. The decision rules are rules 5-6 of
    the module docstring. Does not mutate its inputs.

    Args:
        hits: :func:`frame_hits` output for these stories, with the same ``codebook``.
        stories: the corpus' stories table (``story_id``, ``n_words``, ``n_sentences``,
            ``is_truncated`` and the ``group`` column).
        codebook: the codebook the hits were computed with.
        group: the stories column to aggregate by (``story_id``, ``outlet``, ``bias_label``,
            ``topic`` …). Missing values form one group named ``"(missing)"`` (the column is
            then compared as text).
        threshold: summed sentence score a frame needs in a story to be present.
        min_sentences: sentences that must carry the frame for it to be present in a story.
        min_story_share: share of a group's stories that must carry a frame for it to be present
            in the group.

    Returns:
        One row per (group, frame), sorted by group (story order for ``story_id``, else sorted
        values) and frame (codebook order). Columns: the ``group`` column, ``frame``, ``label``,
        ``n_stories``, ``n_words``, ``n_sentences``, ``n_truncated``, ``is_truncated`` (any
        story of the group stops mid-sentence), ``n_hits``, ``n_frame_sentences``, ``score``,
        ``intensity`` (hits per 1,000 words), ``share`` (share of sentences carrying the frame),
        ``n_present`` (stories where present), ``share_present``, ``present``, ``dominant``.

    Raises:
        ParameterError: a missing column, an unknown ``group``, a bad threshold, or hits with
            frames the codebook does not have.
    """
    book = load_codebook(codebook)
    _require(hits, HIT_COLUMNS, "hits")
    _require(stories, ["story_id", "n_words", "n_sentences", "is_truncated"], "stories")
    if not isinstance(group, str) or group not in stories.columns:
        raise ParameterError(
            f"group must be a column of the stories table, got {group!r}; "
            f"the columns are {list(stories.columns)}"
        )
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or threshold <= 0:
        raise ParameterError(f"threshold must be a number > 0, got {threshold!r}")
    if isinstance(min_sentences, bool) or not isinstance(min_sentences, int) or min_sentences < 1:
        raise ParameterError(f"min_sentences must be a whole number >= 1, got {min_sentences!r}")
    if not 0 < min_story_share <= 1:
        raise ParameterError(f"min_story_share must be in (0, 1], got {min_story_share!r}")
    unknown = sorted(set(hits["frame"].astype("str")) - set(book.frame_ids))
    if unknown:
        raise ParameterError(
            f"the hits have frames {unknown} that codebook {book.name!r} does not have; "
            "pass the codebook the hits were computed with."
        )
    per_story = _story_frames(hits, stories, book, threshold, min_sentences)
    return _group_frames(per_story, stories, book, group, min_story_share)


def _story_frames(
    hits: pd.DataFrame, stories: pd.DataFrame, book: Codebook, threshold: float, min_sent: int
) -> pd.DataFrame:
    sf = sentence_frames(hits)
    agg = (
        sf.assign(frame=sf["frame"].astype("str"))
        .groupby(["story_id", "frame"], sort=False)
        .agg(
            n_hits=("n_hits", "sum"),
            n_frame_sentences=("sentence_id", "size"),
            score=("score", "sum"),
        )
    )
    ids = stories["story_id"].astype("str").tolist()
    frames = book.frame_ids
    grid = pd.MultiIndex.from_product([ids, frames], names=["story_id", "frame"])
    out = agg.reindex(grid).reset_index()
    out["n_hits"] = out["n_hits"].fillna(0).astype("int64")
    out["n_frame_sentences"] = out["n_frame_sentences"].fillna(0).astype("int64")
    out["score"] = out["score"].fillna(0.0).astype("float64")
    present = (out["score"] >= threshold) & (out["n_frame_sentences"] >= min_sent)
    fallback = book.fallback
    if fallback is not None:
        is_fb = out["frame"] == fallback
        any_other = (present & ~is_fb).groupby(out["story_id"], sort=False).transform("any")
        present = present.where(~is_fb, ~any_other)
    out["present"] = present.astype(bool)
    return out


def _group_frames(
    per_story: pd.DataFrame, stories: pd.DataFrame, book: Codebook, group: str, min_share: float
) -> pd.DataFrame:
    meta = stories[["story_id", "n_words", "n_sentences", "is_truncated"]].copy()
    meta["story_id"] = meta["story_id"].astype("str")
    if group != "story_id":
        values = stories[group]
        if values.isna().any():  # NaN keys do not compare equal: name them
            values = values.astype(object).where(values.notna(), MISSING_GROUP).astype("str")
        meta[group] = values.to_numpy()
    data = per_story.merge(meta, on="story_id", how="left", validate="m:1")
    data["is_truncated"] = data["is_truncated"].astype(bool)
    grouped = data.groupby([group, "frame"], sort=False, dropna=False)
    out = grouped.agg(
        n_stories=("story_id", "size"),
        n_words=("n_words", "sum"),
        n_sentences=("n_sentences", "sum"),
        n_truncated=("is_truncated", "sum"),
        n_hits=("n_hits", "sum"),
        n_frame_sentences=("n_frame_sentences", "sum"),
        score=("score", "sum"),
        n_present=("present", "sum"),
    ).reset_index()
    for col in (
        "n_stories",
        "n_words",
        "n_sentences",
        "n_truncated",
        "n_hits",
        "n_frame_sentences",
        "n_present",
    ):
        out[col] = out[col].astype("int64")
    out["is_truncated"] = out["n_truncated"] > 0
    words = out["n_words"].where(out["n_words"] > 0)
    sents = out["n_sentences"].where(out["n_sentences"] > 0)
    out["intensity"] = (out["n_hits"] / words * 1000).fillna(0.0).astype("float64")
    out["share"] = (out["n_frame_sentences"] / sents).fillna(0.0).astype("float64")
    out["share_present"] = (out["n_present"] / out["n_stories"]).astype("float64")
    out["present"] = out["share_present"] >= min_share
    out["label"] = out["frame"].map(book.labels()).astype("str")
    out["dominant"] = _dominant(out, group, book)
    out["frame"] = pd.Categorical(out["frame"], dtype=book.frame_dtype())
    if group == "story_id":
        order = {sid: i for i, sid in enumerate(meta["story_id"])}
        out = out.assign(_g=out["story_id"].map(order)).sort_values(["_g", "frame"])
        out = out.drop(columns="_g")
    else:
        out = out.sort_values([group, "frame"], na_position="last", kind="stable")
    return out[[group, *SUMMARY_COLUMNS]].reset_index(drop=True)


def _dominant(out: pd.DataFrame, group: str, book: Codebook) -> pd.Series:
    fb = book.fallback
    is_fb = out["frame"] == fb if fb is not None else pd.Series(False, index=out.index)
    candidate = out["present"] & ~is_fb
    best = out["intensity"].where(candidate)
    top = best.groupby(out[group], sort=False, dropna=False).transform("max")
    dominant = candidate & (out["intensity"] == top)
    if fb is not None:
        none_other = ~candidate.groupby(out[group], sort=False, dropna=False).transform("any")
        dominant = dominant | (is_fb & out["present"] & none_other)
    return dominant.astype(bool)


def frame_matrix(
    summary: pd.DataFrame, *, group: str = "story_id", value: str = "intensity"
) -> pd.DataFrame:
    """Groups × frames: one row per group, one column per frame id (codebook order).

    Args:
        summary: :func:`frame_summary` output.
        group: its group column.
        value: one of ``intensity``, ``share``, ``score``, ``n_hits``, ``share_present``,
            ``present``.

    Returns:
        A wide table indexed by the group values (same order as ``summary``).
    """
    _check_summary(summary, group)
    if value not in MATRIX_VALUES:
        raise ParameterError(f"value must be one of {list(MATRIX_VALUES)}, got {value!r}")
    order = list(dict.fromkeys(summary[group].tolist()))
    frames = (
        list(summary["frame"].cat.categories)
        if isinstance(summary["frame"].dtype, pd.CategoricalDtype)
        else list(dict.fromkeys(summary["frame"]))
    )
    wide = summary.pivot(index=group, columns="frame", values=value)
    wide = wide.reindex(index=order, columns=[f for f in frames if f in wide.columns])
    wide.columns = pd.Index([str(c) for c in wide.columns], name="frame")
    return wide


def _check_summary(summary: pd.DataFrame, group: str) -> None:
    _require(summary, ["frame", *SUMMARY_COLUMNS[1:]], "summary")
    if group not in summary.columns:
        raise ParameterError(
            f"group {group!r} is not a column of the summary; pass the group it was built with "
            f"(its columns are {list(summary.columns)})"
        )


def export_frame_matrix(
    summary: pd.DataFrame,
    out_dir: str | Path,
    *,
    codebook: str,
    group: str = "story_id",
    value: str = "intensity",
    decimals: int = 4,
) -> Path:
    """Write the groups × frames table as CSV: ``group``, ``n_stories``, ``n_words``,
    ``n_sentences``, ``is_truncated``, then one column per frame.

    The file is ``out_dir/tables/framing-<codebook>-<group>.csv``, both names passed through
    :func:`analysis.safe.safe_filename`, and it is written by :func:`analysis.safe.write_csv`:
    the path is refused if it resolves outside ``out_dir``, and text cells (group values,
    column names) that a spreadsheet would run as a formula are prefixed with ``'``. Floats are
    rounded to ``decimals``; the file is byte-identical for the same input.

    Args:
        summary: :func:`frame_summary` output.
        out_dir: the output folder (``tables/`` is created inside it).
        codebook: the codebook's name (``book.name``), used in the file name.
        group: the summary's group column.
        value: the matrix value (see :func:`frame_matrix`).
        decimals: decimals kept for float values.

    Returns:
        The path written.

    Raises:
        ParameterError: a bad ``summary``, ``group``, ``value`` or ``decimals``, or a path
            outside ``out_dir``.
    """
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise ParameterError(f"decimals must be a whole number >= 0, got {decimals!r}")
    if not isinstance(codebook, str) or not codebook.strip():
        raise ParameterError(
            f"codebook must be the codebook's name (e.g. book.name), got {codebook!r}"
        )
    wide = frame_matrix(summary, group=group, value=value)
    meta = (
        summary.drop_duplicates(group)
        .set_index(group)[["n_stories", "n_words", "n_sentences", "is_truncated"]]
        .reindex(wide.index)
    )
    table = meta.join(wide).reset_index()
    if value != "present":
        table[list(wide.columns)] = table[list(wide.columns)].astype("float64").round(decimals)
    name = f"framing-{safe_filename(codebook)}-{safe_filename(group)}.csv"
    return write_csv(table, out_dir, "tables", name)


# --------------------------------------------------------------------------- evidence


_CONTEXT_STYLE = ' style="background:#cfe2ff"'


def mark_html(
    text: str,
    spans: Iterable[tuple[int, int, str]],
    *,
    context: Iterable[tuple[int, int, str]] = (),
) -> str:
    """Escape ``text`` for HTML and wrap the given spans in ``<mark>``.

    Args:
        text: untrusted text (every piece is passed through :func:`analysis.safe.escape_html`).
        spans: ``(start, end, title)`` trigger spans; overlapping spans are merged. Titles
            (frame and detector ids from a codebook) are escaped too.
        context: ``(start, end, title)`` co-occurrence context spans, marked with
            ``class="frame-context"`` and a light blue background.

    >>> mark_html("a <b> war", [(6, 9, "conflict/war")])
    'a &lt;b&gt; <mark class="frame-trigger" title="conflict/war">war</mark>'
    """
    marks = [(s, e, t, "frame-trigger") for s, e, t in spans]
    marks += [(s, e, t, "frame-context") for s, e, t in context]
    merged: list[list[Any]] = []
    for s, e, title, kind in sorted(marks, key=lambda m: (m[0], -m[1])):
        if merged and s < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], e)
            if title not in last[2]:
                last[2].append(title)
            if kind == "frame-trigger":
                last[3] = kind
            continue
        merged.append([s, e, [title], kind])
    pieces: list[str] = []
    pos = 0
    for s, e, titles, kind in merged:
        pieces.append(escape_html(text[pos:s]))
        title = escape_html("; ".join(str(t) for t in titles))
        style = _CONTEXT_STYLE if kind == "frame-context" else ""
        pieces.append(
            f'<mark class="{kind}"{style} title="{title}">{escape_html(text[s:e])}</mark>'
        )
        pos = e
    pieces.append(escape_html(text[pos:]))
    return "".join(pieces)


def frame_evidence(
    hits: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    story: str | Sequence[str] | None = None,
    frame: str | Sequence[str] | None = None,
    top: int | None = None,
) -> pd.DataFrame:
    """The sentences that carry each frame in each story, with the triggers marked as HTML.

    Args:
        hits: :func:`frame_hits` output.
        sentences: the sentences table the hits were computed from.
        story: keep only this story id (or these ids).
        frame: keep only this frame id (or these ids).
        top: keep the ``top`` highest-scoring sentences per (story, frame) (ties: earlier first).

    Returns:
        One row per (story, frame, sentence): ``story_id``, ``frame``, ``sentence_id``,
        ``sentence_index``, ``score``, ``n_hits``, ``triggers``, ``text`` (plain) and ``html``
        (the sentence escaped with :func:`analysis.safe.escape_html`, triggers in ``<mark>``,
        see :func:`mark_html`), sorted by story
        order, frame (codebook order) and sentence index.
    """
    _require(hits, HIT_COLUMNS, "hits")
    _require(sentences, ["story_id", "sentence_id", "text"], "sentences")
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ParameterError(f"top must be a whole number >= 1 or None, got {top!r}")
    chosen = hits
    if story is not None:
        chosen = chosen[chosen["story_id"].isin([story] if isinstance(story, str) else story)]
    if frame is not None:
        wanted = [frame] if isinstance(frame, str) else list(frame)
        chosen = chosen[chosen["frame"].astype("str").isin(wanted)]
    sf = sentence_frames(chosen)
    if top is not None and not sf.empty:
        sf = (
            sf.sort_values(["score", "sentence_index"], ascending=[False, True], kind="stable")
            .groupby(["story_id", "frame"], sort=False, observed=True)
            .head(top)
        )
    story_order = {sid: i for i, sid in enumerate(dict.fromkeys(sentences["story_id"]))}
    sf = sf.assign(_s=sf["story_id"].map(story_order)).sort_values(
        ["_s", "frame", "sentence_index"], kind="stable"
    )
    texts = dict(zip(sentences["sentence_id"], sentences["text"], strict=True))
    spans: dict[tuple[str, str], tuple[list, list]] = {}
    for row in chosen.itertuples(index=False):
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
    return out[EVIDENCE_COLUMNS].reset_index(drop=True)


def evidence_html(evidence: pd.DataFrame, *, labels: Mapping[str, str] | None = None) -> str:
    """An HTML table of :func:`frame_evidence` rows.

    Every cell is escaped with :func:`analysis.safe.escape_html` (story ids, frame labels and
    ids, scores) except the ``html`` column, which :func:`frame_evidence` built escaped with
    :func:`mark_html`.

    Args:
        evidence: :func:`frame_evidence` output.
        labels: frame id -> label to show instead of ids (e.g. ``codebook.labels()``).
    """
    _require(evidence, EVIDENCE_COLUMNS, "evidence")
    labels = labels or {}
    head = "".join(f"<th>{h}</th>" for h in ("story", "frame", "sentence", "score"))
    head += '<th style="text-align:left">evidence</th>'
    rows = []
    for r in evidence.itertuples(index=False):
        frame = labels.get(str(r.frame), str(r.frame))
        rows.append(
            "<tr>"
            f"<td>{escape_html(r.story_id)}</td>"
            f"<td>{escape_html(frame)}</td>"
            f"<td>{int(r.sentence_index)}</td>"
            f"<td>{escape_html(f'{r.score:g}')}</td>"
            f'<td style="text-align:left">{r.html}</td>'
            "</tr>"
        )
    if not rows:
        rows.append('<tr><td colspan="5">no sentence carries a frame</td></tr>')
    return (
        '<table class="frame-evidence"><thead><tr>'
        + head
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


# --------------------------------------------------------------------------- codebook views


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
    m = book._matcher
    rows = []
    for f in book.frames:
        cases = [(d.id, "example", s) for d in f.detectors for s in d.examples]
        cases += [("", "non_example", s) for s in f.non_examples]
        for det_id, kind, sentence in cases:
            fired = list(
                dict.fromkeys(
                    m.detectors[h[0]].id
                    for h in _sentence_hits(m, sentence)
                    if m.detectors[h[0]].frame == f.id
                )
            )
            ok = det_id in fired if kind == "example" else not fired
            rows.append((f.id, det_id, kind, sentence, ", ".join(fired), ok))
    return pd.DataFrame(rows, columns=["frame", "detector", "kind", "sentence", "fired", "ok"])


# --------------------------------------------------------------------------- reading


def describe(
    summary: pd.DataFrame,
    *,
    codebook: Codebook | str | Path = "generic",
    group: str = "story_id",
    threshold: float = DEFAULT_THRESHOLD,
    max_groups: int = 8,
) -> str:
    """A short markdown reading of :func:`frame_summary` output, every number from the table.

    Every string from the corpus or the codebook (group values, frame labels, the codebook's
    title and version) passes through :func:`analysis.safe.escape_markdown`, and the group
    column's name through :func:`analysis.safe.markdown_code`, so each is shown literally.

    Args:
        summary: :func:`frame_summary` output.
        codebook: the codebook used.
        group: the summary's group column.
        threshold: the threshold the summary was built with (quoted in the text).
        max_groups: describe at most this many groups one by one (then only totals).
    """
    book = load_codebook(codebook)
    _check_summary(summary, group)
    labels = _markdown_labels(book)
    groups = list(dict.fromkeys(summary[group].tolist()))
    n_stories = int(summary.drop_duplicates(group)["n_stories"].sum())
    lines = [
        f"Frames of the **{escape_markdown(book.title)}** codebook (version "
        f"{escape_markdown(book.version)}) in {n_stories:,} "
        f"{'story' if n_stories == 1 else 'stories'}, by {markdown_code(group)}. "
        "A frame is *present* in a "
        f"story when its detectors reach a score of {threshold:g} (one point per detector "
        "firing in a sentence)"
        + (
            ""
            if group == "story_id"
            else ", and in a group when it is present in at least half of the group's stories"
        )
        + "; *intensity* is hits per 1,000 words.",
        "",
    ]
    by_story = group == "story_id"
    for g in groups[:max_groups]:
        lines.append(
            f"- **{escape_markdown(g)}** ({_size(summary[summary[group] == g], by_story)}): "
            f"{_reading(summary[summary[group] == g], book, by_story)}."
        )
    if len(groups) > max_groups:
        lines.append(f"- … and {len(groups) - max_groups:,} more (see the table).")
    lines.append("")
    counts = (
        summary[summary["present"]]
        .groupby("frame", observed=False)[group]
        .size()
        .reindex(book.frame_ids, fill_value=0)
    )
    unit = "stories" if by_story else "groups"
    if counts.max() > 0:
        top = [f for f in book.frame_ids if counts[f] == counts.max()]
        lines.append(
            "Most often present: "
            + ", ".join(f"*{labels[f]}*" for f in top)
            + f" ({int(counts.max())} of {len(groups)} {unit})."
        )
    never = [labels[f] for f in book.frame_ids if counts[f] == 0 and f != book.fallback]
    if never:
        lines.append(
            ("Never present: " if by_story else "Present in no group (by the majority rule): ")
            + ", ".join(never)
            + "."
        )
    short = summary.drop_duplicates(group)
    n_trunc = int(short["n_truncated"].sum())
    if n_trunc:
        lines.append(
            f"{n_trunc:,} of {n_stories:,} stories are truncated leads: their frames rest on a "
            "few sentences, so intensities and shares swing with one word."
        )
    lines += [
        "",
        "**Limits of the method.** A dictionary method sees only its keywords: it misses frames "
        "carried without them (through quotation, irony, story structure or images) and counts "
        "keywords used in another sense. A lexical trigger is not a coder's judgement; read the "
        "evidence sentences before trusting a number, and validate the codebook against "
        "hand-coded stories before drawing conclusions.",
    ]
    return "\n".join(lines)


def _size(rows: pd.DataFrame, by_story: bool) -> str:
    first = rows.iloc[0]
    size = f"{int(first['n_words']):,} words"
    if by_story:
        return size + (", a truncated lead" if bool(first["is_truncated"]) else "")
    size = f"{int(first['n_stories']):,} stories, " + size
    n_trunc = int(first["n_truncated"])
    return size + (f", {n_trunc} truncated" if n_trunc else "")


def _markdown_labels(book: Codebook) -> dict[str, str]:
    """Frame id -> label escaped for Markdown (a user's codebook is untrusted text)."""
    return {fid: escape_markdown(label) for fid, label in book.labels().items()}


def _reading(rows: pd.DataFrame, book: Codebook, by_story: bool) -> str:
    """One group's sentence for :func:`describe` (labels escaped for Markdown)."""
    labels = _markdown_labels(book)

    def numbers(r: Any) -> str:
        if str(r.frame) == book.fallback:
            return ""
        if by_story:
            return f" ({r.intensity:.1f} per 1,000 words, {r.share:.0%} of sentences)"
        return f" ({r.intensity:.1f} per 1,000 words, present in {r.share_present:.0%} of stories)"

    dom = rows[rows["dominant"]]
    if dom.empty:
        text = "no frame reaches the threshold"
    else:
        text = "dominant: " + " and ".join(
            f"*{labels[str(r.frame)]}*{numbers(r)}" for r in dom.itertuples()
        )
        others = rows[rows["present"] & ~rows["dominant"]]
        if not others.empty:
            text += "; also present: " + ", ".join(labels[str(f)] for f in others["frame"])
    if not by_story:
        real = rows[rows["frame"].astype("str") != (book.fallback or "")]
        top = real[real["intensity"] == real["intensity"].max()]
        if real["intensity"].max() > 0 and not top["dominant"].any():
            text += "; most intense: " + " and ".join(
                f"*{labels[str(r.frame)]}*{numbers(r)}" for r in top.itertuples()
            )
    return text


def codebook_header(codebook: Codebook | str | Path = "generic") -> str:
    """The codebook's title, version, citation and source as Markdown (every field escaped:
    a user's codebook is untrusted text)."""
    book = load_codebook(codebook)
    parts = [
        f"**{escape_markdown(book.title)}**, version {escape_markdown(book.version)}.",
        escape_markdown(book.citation),
    ]
    if book.source:
        parts.append(escape_markdown(book.source))
    return "\n\n".join(parts)
