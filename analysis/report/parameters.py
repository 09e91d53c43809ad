"""Notebook parameters: what each notebook declares, and checking the values given for them.

A notebook declares its parameters in its one cell tagged ``parameters``, papermill style
(``name: type = default  # help``). The cell is read with :mod:`ast`, which (unlike papermill's
inspector) understands ``str | None`` and string annotations such as ``"Optional[str]"``. A value
given with ``-p NAME=VALUE`` (or ``parameters=`` of :func:`analysis.report.build_reports`) must
be declared by a notebook being run and match the annotation; an unannotated parameter takes the
type of its default, and :data:`DATE_PARAMETERS` are read as ``YYYY-MM-DD`` dates. A misspelt
name gets the closest declared one as a suggestion (:func:`difflib.get_close_matches`).
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from analysis import config
from analysis.errors import ParameterError

__all__ = [
    "DATE_PARAMETERS",
    "RUNNER_PARAMETERS",
    "ParameterKind",
    "check_parameters",
    "cli_parameters",
    "declared_parameters",
    "notebook_parameters",
    "parameter_kinds",
]

#: Parameters the runner sets itself, with what to use instead of ``-p``.
RUNNER_PARAMETERS = {
    "corpus_path": "give the corpus as the positional corpus argument",
    "output_dir": "it is the folder the run writes into: use --out",
    "story_id": "use --stories",
    "encoding": "use --encoding",
    "stories_per_file": "use --stories-per-file",
}
#: Parameters read as dates, whatever their annotation says.
DATE_PARAMETERS = ("date_from", "date_to")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class ParameterKind:
    """What a parameter accepts: ``base`` is str, int, float, bool, dict, list, date or any."""

    base: str
    optional: bool
    annotation: str


_BASES = {"str": "str", "int": "int", "float": "float", "bool": "bool", "dict": "dict"}
_BASES |= {"list": "list", "Dict": "dict", "List": "list", "tuple": "list", "Any": "any"}
_DESCRIBE = {
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "dict": 'a JSON object, e.g. {"outlet": "AP"}',
    "list": "a JSON list, e.g. [1, 2]",
    "date": "a date YYYY-MM-DD",
    "any": "any value",
}


# --- reading the parameters cell -------------------------------------------------------------


def _annotation_kind(node: ast.expr | None) -> tuple[str, bool]:
    """(base, optional) of an annotation: ``str``, ``"Optional[str]"``, ``str | None`` …"""
    if node is None:
        return "any", False
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return _annotation_kind(ast.parse(node.value, mode="eval").body)
        except SyntaxError:
            return "any", False
    if isinstance(node, ast.Constant) and node.value is None:
        return "none", True
    if isinstance(node, ast.Name | ast.Attribute):
        name = node.id if isinstance(node, ast.Name) else node.attr
        return _BASES.get(name, "any"), False
    if isinstance(node, ast.Subscript):
        return _subscript_kind(node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _annotation_kind(node.left), _annotation_kind(node.right)
        bases = {b for b, _ in (left, right) if b != "none"}
        optional = "none" in (left[0], right[0]) or left[1] or right[1]
        return (bases.pop() if len(bases) == 1 else "any"), optional
    return "any", False


def _subscript_kind(node: ast.Subscript) -> tuple[str, bool]:
    """(base, optional) of ``Optional[...]``, ``Union[...]``, ``list[...]``, ``Dict[...]`` …"""
    outer = node.value.id if isinstance(node.value, ast.Name) else ""
    if isinstance(node.value, ast.Attribute):
        outer = node.value.attr
    if outer == "Optional":
        return _annotation_kind(node.slice)[0], True
    if outer == "Union" and isinstance(node.slice, ast.Tuple):
        kinds = [_annotation_kind(e) for e in node.slice.elts]
        bases = {b for b, _ in kinds if b != "none"}
        optional = any(b == "none" for b, _ in kinds)
        return (bases.pop() if len(bases) == 1 else "any"), optional
    return _BASES.get(outer, "any"), False


def _default_kind(node: ast.expr) -> tuple[str, bool]:
    """(base, optional) of an unannotated parameter, from the type of its default value."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return "any", False
    if value is None:
        return "any", True
    return _BASES.get(type(value).__name__, "any"), False


def _parameters_cell(name: str) -> tuple[Path, str]:
    path = config.NOTEBOOKS_DIR / f"{name}.ipynb"
    if not path.is_file():
        raise ParameterError(f"notebook {path} not found")
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise ParameterError(f"{path}: expected one cell tagged 'parameters', found {len(cells)}")
    return path, cells[0].source


def notebook_parameters(name: str) -> dict[str, str]:
    """The parameters a notebook declares in its cell tagged ``parameters``: name -> source line.

    Read with :mod:`ast`, which (unlike papermill's inspector) understands ``str | None``.
    Raises ParameterError when the notebook has no cell tagged ``parameters`` (papermill would
    then inject values that the notebook's own defaults silently overwrite).
    """
    _, source = _parameters_cell(name)
    declared: dict[str, str] = {}
    lines = source.splitlines()
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            declared[node.target.id] = lines[node.lineno - 1].strip()
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    declared[target.id] = lines[node.lineno - 1].strip()
    return declared


def parameter_kinds(name: str) -> dict[str, ParameterKind]:
    """What each parameter of a notebook accepts, from the annotations of its parameters cell."""
    _, source = _parameters_cell(name)
    kinds: dict[str, ParameterKind] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            base, optional = _annotation_kind(node.annotation)
            if base == "none":
                base = "any"
            annotation = node.annotation
            text = ast.unparse(annotation)
            if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
                text = annotation.value
            kinds[node.target.id] = ParameterKind(base, optional, text)
        elif isinstance(node, ast.Assign):
            base, optional = _default_kind(node.value)
            for target in node.targets:
                if isinstance(target, ast.Name):
                    kinds[target.id] = ParameterKind(base, optional, f"{base} (from its default)")
    for date_name in DATE_PARAMETERS:
        kind = kinds.get(date_name)
        if kind is not None and kind.base in ("str", "any"):
            kinds[date_name] = ParameterKind("date", kind.optional, kind.annotation)
    return kinds


def declared_parameters(names: Sequence[str]) -> dict[str, list[tuple[str, ParameterKind]]]:
    """Parameter -> [(notebook, kind)] for every parameter the notebooks declare."""
    declared: dict[str, list[tuple[str, ParameterKind]]] = {}
    for name in names:
        for param, kind in parameter_kinds(name).items():
            declared.setdefault(param, []).append((name, kind))
    return declared


# --- checking values -------------------------------------------------------------------------


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _check_value(param: str, value: Any, notebook: str, kind: ParameterKind) -> None:
    """Raise ParameterError unless ``value`` is what ``notebook`` declares for ``param``."""
    base = kind.base
    if value is None:
        ok = kind.optional or base == "any"
    elif base == "str":
        ok = isinstance(value, str)
    elif base == "date":
        ok = isinstance(value, str) and _is_date(value)
    elif base == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif base == "float":
        ok = (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        )
    elif base == "bool":
        ok = isinstance(value, bool)
    elif base == "dict":
        ok = isinstance(value, dict) and all(isinstance(k, str) for k in value)
    elif base == "list":
        ok = isinstance(value, list | tuple)
    else:
        ok = True
    if not ok:
        expected = _DESCRIBE[base] + (" or null" if kind.optional else "")
        raise ParameterError(
            f"parameter {param}={_show(value)}: expected {expected} ({notebook}.ipynb declares "
            f"{param}: {kind.annotation})"
        )


def _is_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _check_name(param: str, value: Any, declared: dict[str, Any], names: Sequence[str]) -> None:
    if param in RUNNER_PARAMETERS:
        raise ParameterError(
            f"parameter {param}={_show(value)}: set by the runner, not with -p; "
            f"{RUNNER_PARAMETERS[param]}"
        )
    if param not in declared:
        valid = sorted(p for p in declared if p not in RUNNER_PARAMETERS)
        close = difflib.get_close_matches(param, valid, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ParameterError(
            f"unknown notebook parameter {param!r} (value {_show(value)}); {hint}the notebooks "
            f"being run ({', '.join(names)}) declare: {', '.join(valid) or 'none'}"
        )


def check_parameters(names: Sequence[str], parameters: dict[str, Any]) -> dict[str, Any]:
    """The parameters, checked against what the notebooks ``names`` declare.

    Raises:
        ParameterError: a name no notebook being run declares (with the closest declared name
            as a suggestion), one the runner sets itself, a value that does not match the
            annotation, or ``date_from`` after ``date_to``.
    """
    declared = declared_parameters(names)
    for param, value in parameters.items():
        if not isinstance(param, str):
            raise ParameterError(f"parameter names are strings, got {param!r}")
        _check_name(param, value, declared, names)
        for notebook, kind in declared[param]:
            _check_value(param, value, notebook, kind)
    if "score" in parameters:
        _check_score(parameters["score"])
    start, end = parameters.get("date_from"), parameters.get("date_to")
    if isinstance(start, str) and isinstance(end, str) and start > end:
        raise ParameterError(
            f"parameter date_from={start!r} is after date_to={end!r}: no story can match"
        )
    return dict(parameters)


def _check_score(score: Any) -> None:
    """``-p score=...`` names a known score, and an embedding score only with its extra."""
    from analysis.sentiment import EMBEDDING_SCORES, POLARITY_SCORES, embedding_unavailable

    known = ["default", *POLARITY_SCORES, *EMBEDDING_SCORES]
    if score not in known:
        close = difflib.get_close_matches(str(score), known, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ParameterError(f"parameter score={_show(score)}: {hint}choose one of {known}")
    if score in EMBEDDING_SCORES:
        reason = embedding_unavailable()
        if reason is not None:
            raise ParameterError(f"parameter score={score!r}: {reason}")


# --- reading -p NAME=VALUE -------------------------------------------------------------------


def _read_cli_value(param: str, raw: str, kinds: list[tuple[str, ParameterKind]]) -> Any:
    """A ``-p NAME=VALUE`` value read by the type the notebooks declare for NAME."""
    notebook, kind = kinds[0]
    if any(k.optional for _, k in kinds) and raw in ("null", "None"):
        return None
    base = kind.base
    if base in ("str", "date"):
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            return raw
        return value if isinstance(value, str) else raw
    try:
        value = json.loads(raw, parse_constant=_no_constant)
    except ValueError as exc:
        if base == "any":
            return raw
        raise ParameterError(
            f"parameter {param}={raw!r}: expected {_DESCRIBE[base]} ({notebook}.ipynb declares "
            f"{param}: {kind.annotation}); it is not valid JSON: {exc}"
        ) from None
    if base == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a finite number")


def cli_parameters(items: Sequence[str], names: Sequence[str]) -> dict[str, Any]:
    """``-p NAME=VALUE`` items read and checked against what the notebooks ``names`` declare.

    Each value is read by the type its notebook declares: strings and dates as given (JSON
    string quotes removed), everything else as JSON; ``null`` for an optional parameter.
    """
    declared = declared_parameters(names)
    raw_values: dict[str, str] = {}
    for item in items:
        param, sep, raw = item.partition("=")
        if not sep:
            raise ParameterError(f"-p {item!r}: expected NAME=VALUE, e.g. -p group=outlet")
        _check_name(param, raw, declared, names)
        if param in raw_values and raw_values[param] != raw:
            raise ParameterError(
                f"-p {param} given twice ({raw_values[param]!r} and {raw!r}): give it once"
            )
        raw_values[param] = raw
    values = {p: _read_cli_value(p, raw, declared[p]) for p, raw in raw_values.items()}
    return check_parameters(names, values)
