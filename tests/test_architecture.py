"""The import rules of docs/architecture.md, checked on the source itself.

Every ``import`` of a model module is read with ``ast`` (type-only and deferred ones
included) and held against the table of what each package may import; the imports
must form no cycle; and no module grows past the size limit.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "model"

# package -> the packages its modules may import (their own package is always allowed)
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "keys": set(),  # model/keys.py: every key made from a pattern, spelled once
    "inputs": {"errors", "keys"},
    "core": {"errors", "keys", "inputs"},
    "analysis": {"errors", "keys", "inputs", "core"},
    "recalc": {"errors"},
    "workbook": {"errors", "keys", "inputs", "core", "analysis", "recalc"},
    "cli": {"errors", "keys", "inputs", "core", "analysis", "recalc", "workbook", "api"},
    "api": {"errors", "keys", "inputs", "core", "analysis", "recalc", "workbook", "cli"},
}
# The only deferred (function-level) imports of model modules, both for start-up time.
DEFERRED_OK = {"model/__init__.py", "model/cli/__init__.py", "model/__main__.py"}
MAX_LINES = 300


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _package(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "__main__":
        return "api"
    return parts[1]


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported model module, line, deferred) for every import of a model module."""
    tree = ast.parse(path.read_text())
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, deferred: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = deferred or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom) and child.module and (
                    child.module == "model" or child.module.startswith("model.")):
                for alias in child.names:
                    sub = f"{child.module}.{alias.name}"
                    found.append((sub if sub in MODULES else child.module, child.lineno,
                                  deferred))
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name == "model" or alias.name.startswith("model."):
                        found.append((alias.name, child.lineno, deferred))
            visit(child, inner)

    visit(tree, False)
    return found


def test_the_rules_cover_every_package() -> None:
    assert {_package(m) for m in MODULES} <= set(ALLOWED)
    assert len(MODULES) > 30  # the walk found the package


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_one_way(module: str) -> None:
    own = _package(module)
    wrong = [f"line {line}: {target}" for target, line, _ in _imports(MODULES[module])
             if _package(target) != own and _package(target) not in ALLOWED[own]]
    assert not wrong, f"{module} ({own}) may import only {sorted(ALLOWED[own])}: {wrong}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_deferred_import_of_the_model(module: str) -> None:
    rel = str(MODULES[module].relative_to(ROOT.parent))
    if rel in DEFERRED_OK:
        return
    deferred = [f"line {line}: {t}" for t, line, d in _imports(MODULES[module]) if d]
    assert not deferred, f"{rel} imports inside a function: {deferred}"


def test_no_import_cycle() -> None:
    graph = {m: {t for t, _, _ in _imports(p) if t in MODULES and t != m}
             for m, p in MODULES.items()}
    # a package's __init__ re-exporting its own modules is not a cycle through them
    for m in graph:
        graph[m] = {t for t in graph[m] if not m.startswith(t + ".")}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for t in sorted(graph[m]):
            if state.get(t) == 1:
                cycle = stack[stack.index(t):] + [t]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small(module: str) -> None:
    lines = [ln for ln in MODULES[module].read_text().splitlines() if ln.strip()]
    assert len(lines) <= MAX_LINES, f"{module}: {len(lines)} non-blank lines"
