"""Frame codebooks kept as data: their objects, and reading and validating their YAML files.

Method: the codebook of a dictionary (lexical) content analysis. A codebook (YAML in
``data/codebooks/``, or the researcher's own file; the format is ``data/codebooks/README.md``)
lists frames; each frame has a description, the coding questions it operationalises and
*detectors*: word and phrase patterns, regular expressions (``re:``) and co-occurrence rules
(:mod:`analysis.framing.patterns`). Two codebooks ship:

- ``generic``: the five generic news frames of Semetko & Valkenburg (2000), *Framing European
  politics: A content analysis of press and television news*, Journal of Communication 50(2),
  93-109: conflict, human interest, economic consequences, morality, responsibility, with the
  20 yes/no questions of their instrument, each turned into detectors.
- ``policy``: the 15 frames of the Policy Frames Codebook, Boydstun, Card, Gross, Resnik & Smith
  (2014), *Tracking the development of media frames within and across policy issues*, as used by
  the Media Frames Corpus (Card et al. 2015, ACL).

Rules of the format: every key is known and appears once per mapping; ids are lower-case slugs,
unique within their list; every pattern parses (:func:`analysis.framing.patterns.parse_pattern`)
and every ``@lexicon`` is defined; a frame has detectors unless it is the one *fallback* frame
(present exactly when no other frame is: rule 5 of :mod:`analysis.framing`). A file that breaks
a rule raises :class:`~analysis.errors.CodebookError` naming the file, the frame and the field.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis import config
from analysis.errors import CodebookError, ParameterError
from analysis.framing.patterns import PatternError, parse_pattern

__all__ = [
    "CODEBOOK_DIR",
    "Codebook",
    "Detector",
    "Frame",
    "Question",
    "list_codebooks",
    "load_codebook",
]

#: Folder of the shipped codebooks (``<name>.yaml``).
CODEBOOK_DIR: Path = config.DATA_DIR / "codebooks"

_SLUG = re.compile(r"[a-z][a-z0-9_]*")  # frame, question, detector and lexicon ids

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
    """A validated codebook. Build it with :func:`load_codebook`.

    Its patterns are compiled by :func:`analysis.framing.matcher.codebook_matcher` on first use
    (once per codebook content).

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


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader that refuses duplicate mapping keys (PyYAML silently keeps the last); the
    libyaml parser when PyYAML has it (ten times faster on the shipped codebooks)."""


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
    """Load and validate a codebook.

    Args:
        codebook: a shipped codebook name (:func:`list_codebooks`), the path of a YAML codebook,
            or an already loaded :class:`Codebook` (returned unchanged).

    Returns:
        The :class:`Codebook` (loads are cached per file content, so calling this repeatedly is
        cheap; its patterns are compiled once, on first use).

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
            _check_pattern(p, where, f"lexicons.{name}[{j}]", None)
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
    lists = _detector_patterns(raw, base, where, fid, lexicons)
    question = raw.get("question")
    if question is not None:
        question = _string(question, where, f"{base}.question", fid)
        if question not in qids:
            raise where.error(
                f"{base}.question",
                f"no question {question!r} in this frame; its questions are {sorted(qids)}.",
                fid,
            )
    window = _window(raw, lists, base, where, fid)
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


def _detector_patterns(
    raw: dict, base: str, where: _Where, fid: str, lexicons: Mapping[str, Any]
) -> dict[str, list[str]]:
    """A detector's ``terms`` and, when given, ``near`` and ``not_near``: each a non-empty list
    of patterns that parse or name a defined lexicon."""
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
                    _check_pattern(p, where, f"{base}.{key}[{j}]", fid)
    return lists


def _window(
    raw: dict, lists: Mapping[str, list[str]], base: str, where: _Where, fid: str
) -> int | None:
    """A detector's ``window`` in words (``None``: the whole sentence)."""
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
    return window


def _check_pattern(pattern: str, where: _Where, field_: str, frame: str | None) -> None:
    """Raise a CodebookError naming the file, frame and field if ``pattern`` does not parse."""
    try:
        parse_pattern(pattern)
    except PatternError as exc:
        raise where.error(field_, str(exc), frame) from exc.__cause__
