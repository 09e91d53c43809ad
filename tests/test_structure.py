"""The package's shape: module size, function length, no import cycle, no private imports.

The layout rules of CONTRIBUTING.md, checked on the source with :mod:`ast`: a module stays under
:data:`MAX_MODULE_LINES` lines, at most :data:`MAX_LONG_FUNCTIONS` functions have more than
:data:`LONG_FUNCTION` lines of code (docstring left out), the package's own imports (also those
inside functions) form no cycle, and no module imports another module's private name.
"""

from __future__ import annotations

import ast
from pathlib import Path

from analysis import config

MAX_MODULE_LINES = 800
LONG_FUNCTION = 60
MAX_LONG_FUNCTIONS = 3
PACKAGE = config.PACKAGE_DIR


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, list[str]]]:
    """(imported module, names) for every import of the package's own modules."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            if not base.startswith("analysis"):
                continue
            names = [a.name for a in node.names]
            submodules = [f"{base}.{n}" for n in names if f"{base}.{n}" in modules]
            if submodules:
                found.extend((m, []) for m in submodules)
                rest = [n for n in names if f"{base}.{n}" not in modules]
                if rest:
                    found.append((base, rest))
            else:
                found.append((base, names))
        elif isinstance(node, ast.Import):
            found.extend((a.name, []) for a in node.names if a.name.startswith("analysis"))
    return found


def test_no_module_is_longer_than_the_limit() -> None:
    long = {
        name: n
        for name, path in _modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long


def _code_lines(node: ast.AST) -> int:
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if not body:
        return 0
    lines = set()
    for stmt in body:
        for sub in ast.walk(stmt):
            if hasattr(sub, "lineno"):
                lines.update(range(sub.lineno, (sub.end_lineno or sub.lineno) + 1))
    return len(lines)


def test_few_long_functions() -> None:
    long = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            if is_function and (n := _code_lines(node)) > LONG_FUNCTION:
                long.append((f"{name}.{node.name}", n))
    assert len(long) <= MAX_LONG_FUNCTIONS, long


def test_no_import_cycle_counting_imports_inside_functions() -> None:
    modules = _modules()
    graph = {
        name: {m for m, _ in _imports(name, path, modules) if m in modules and m != name}
        for name, path in modules.items()
    }
    # a package's __init__ re-exporting its submodules is not a cycle of the submodules
    for name in graph:
        graph[name] = {m for m in graph[name] if not name.startswith(m + ".")}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles


def test_no_private_name_imported_across_modules() -> None:
    modules = _modules()
    private = [
        (name, base, n)
        for name, path in modules.items()
        for base, names in _imports(name, path, modules)
        for n in names
        if n.startswith("_") and not n.startswith("__") and base != name and base != "analysis"
    ]
    # analysis._checks is a shared private module: importing from it is the point
    private = [p for p in private if p[1] != "analysis._checks" and p[2] != "_checks"]
    assert not private
