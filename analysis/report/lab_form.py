"""Stored notebooks in the form JupyterLab writes back, so opening and saving one changes nothing.

JupyterLab holds an open notebook as JavaScript values: the browser reads the file with
``JSON.parse`` and saves it with ``JSON.stringify`` (ECMA-262, sections 25.5.1 and 25.5.2), and
the server writes what it receives with nbformat (``json.dumps(nb, sort_keys=True, indent=1,
ensure_ascii=False)`` plus a final newline). A JavaScript number is an IEEE 754 double, and
``JSON.stringify`` writes it with ``Number::toString`` (ECMA-262, section 6.1.6.1.20): the
shortest digits that read back as the same double, without a fraction or an exponent when the
value is an integer below 10²¹. So a file written from Python changes on its first save in Lab:

- a float with an integral value below 10²¹ (``1.0``, ``-3.0``, ``1e+20``) is written as an
  integer (``1``, ``-3``, ``100000000000000000000``);
- ``-0.0`` is written ``0`` (``Number::toString(-0)`` is ``"0"``);
- an integer beyond 2⁵³ loses its low digits (``JSON.parse`` rounds it to the nearest double):
  ``9007199254740993`` becomes ``9007199254740992``; at 10²¹ and beyond it becomes a float;
- ``NaN`` and ``Infinity`` are not JSON at all (the browser cannot read such a file); they are
  written ``null``, as ``JSON.stringify`` writes them.

When a notebook opens, JupyterLab starts its kernel and writes the kernel's own description into
the notebook's ``kernelspec`` (``display_name`` and ``language`` from the installed kernel spec,
``"Python 3 (ipykernel)"`` for ipykernel's), so the stored ``kernelspec`` is taken from the
installed spec of the same name (:func:`kernel_description`).

Other floats keep their value (Python's ``repr`` and ``Number::toString`` both pick the shortest
round-tripping digits), and strings, key order and indentation are the same on both sides.
:func:`lab_form` applies exactly these rules, and :func:`write_stored` writes a notebook in that
form; the test compares it with the browser's own ``JSON.parse``/``JSON.stringify`` under node.
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import nbformat

from analysis.report.files import atomic_write

__all__ = ["JS_SAFE_INTEGER", "js_number", "kernel_description", "lab_form", "write_stored"]

#: Largest integer every double holds exactly (``Number.MAX_SAFE_INTEGER`` is this minus one).
JS_SAFE_INTEGER = 2**53
#: ``Number::toString`` writes integral values below this without an exponent.
_PLAIN_LIMIT = 1e21


def js_number(value: int | float) -> int | float | None:
    """``value`` as it reads back after ``JSON.stringify`` in a browser and ``json.loads``.

    >>> js_number(1.0), js_number(-0.0), js_number(0.5), js_number(2**53 + 1)
    (1, 0, 0.5, 9007199254740992)
    >>> js_number(float("nan")) is None, js_number(1e21)
    (True, 1e+21)
    """
    if isinstance(value, bool) or (isinstance(value, int) and abs(value) <= JS_SAFE_INTEGER):
        return value
    number = float(value)
    if not math.isfinite(number):
        return None
    if number.is_integer() and abs(number) < _PLAIN_LIMIT:
        # the shortest digits of the double, padded with zeros, as Number::toString writes them
        return int(Decimal(repr(number)))
    return number


def _converted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _converted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_converted(item) for item in value]
    if isinstance(value, int | float):
        return js_number(value)
    return value


def kernel_description(name: str) -> dict[str, str] | None:
    """The ``kernelspec`` JupyterLab writes for the installed kernel ``name``, ``None`` when no
    kernel of that name is installed."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        return None
    return {"display_name": spec.display_name, "language": spec.language, "name": name}


def lab_form(nb: nbformat.NotebookNode, *, kernelspec: bool = True) -> nbformat.NotebookNode:
    """A copy of ``nb`` with every number as JupyterLab writes it back and, with
    ``kernelspec``, the kernel described as JupyterLab describes it (see the module).

    Does not mutate ``nb``.
    """
    out = nbformat.from_dict(_converted(nb))
    name = out.metadata.get("kernelspec", {}).get("name")
    installed = kernel_description(name) if kernelspec and name else None
    if installed is not None:
        out.metadata["kernelspec"] = installed
    return out


def write_stored(nb: nbformat.NotebookNode, path: Path) -> None:
    """Write ``nb`` to ``path`` (atomically) in the form JupyterLab's save writes."""
    atomic_write(Path(path), nbformat.writes(lab_form(nb)) + "\n")
