"""Library code has no side effects on the process: outside model/cli (and the
``python -m model`` entry point) nothing prints, exits, installs a signal handler or
changes the umask, the working folder or the environment; and every error the package
raises on purpose derives from one base, ``model.FinmodelError``."""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import signal
from pathlib import Path

import pytest

import model
from model.errors import FinmodelError

ROOT = Path(__file__).resolve().parent.parent / "model"
ENTRY_POINTS = {ROOT / "__main__.py"}  # the program itself, like model/cli

# (object, attribute) pairs whose use changes or writes to the process
FORBIDDEN_ATTRIBUTES = {
    ("sys", "stdout"), ("sys", "stderr"), ("sys", "exit"), ("sys", "excepthook"),
    ("signal", "signal"), ("signal", "siginterrupt"), ("signal", "pthread_sigmask"),
    ("os", "umask"), ("os", "chdir"), ("os", "putenv"), ("os", "unsetenv"), ("os", "_exit"),
    ("os", "setpgrp"), ("os", "setsid"), ("os", "nice"),
}
FORBIDDEN_CALLS = {"print", "exit", "quit", "input", "breakpoint"}


def _library_files() -> list[Path]:
    return [p for p in sorted(ROOT.rglob("*.py"))
            if (ROOT / "cli") not in p.parents and p not in ENTRY_POINTS]


def _is_main_block(node: ast.AST) -> bool:
    """``if __name__ == "__main__":``: runs only as ``python -m``, never on import."""
    return (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
            and isinstance(node.test.left, ast.Name) and node.test.left.id == "__name__")


def _side_effects(path: Path) -> list[str]:
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if _is_main_block(child):
                continue
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) \
                    and child.func.id in FORBIDDEN_CALLS:
                found.append(f"{child.func.id}() at line {child.lineno}")
            if isinstance(child, ast.Attribute) and isinstance(child.value, ast.Name) \
                    and (child.value.id, child.attr) in FORBIDDEN_ATTRIBUTES:
                found.append(f"{child.value.id}.{child.attr} at line {child.lineno}")
            if isinstance(child, ast.Subscript | ast.Attribute) \
                    and isinstance(child.ctx, ast.Store | ast.Del) \
                    and "os.environ" in ast.unparse(child):
                found.append(f"os.environ changed at line {child.lineno}")
            visit(child)

    visit(ast.parse(path.read_text()))
    return found


def test_the_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    """The negative control: each forbidden thing, written into a file, is found; the
    same in a ``__main__`` block is not."""
    bad = tmp_path / "bad.py"
    bad.write_text("import os, signal, sys\nprint('x')\nsys.stderr.write('x')\n"
                   "signal.signal(signal.SIGTERM, None)\nos.umask(0)\nos.environ['A'] = '1'\n"
                   "sys.exit(1)\nif __name__ == '__main__':\n    print('fine')\n")
    assert len(_side_effects(bad)) == 6


@pytest.mark.parametrize("path", _library_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_library_module_has_no_side_effects(path: Path) -> None:
    assert _side_effects(path) == [], "move printing, exiting and process state to model/cli"


def test_building_through_the_api_prints_and_changes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The whole build through the API, with the calls that change process state made to
    fail: nothing printed, no handler installed, the umask neither read nor changed, and a
    new file gets 0o666 less the umask, as any new file would."""
    def refuse(*args: object) -> None:
        raise AssertionError("library code changed process state")

    monkeypatch.setattr(os, "umask", refuse)
    monkeypatch.setattr(signal, "signal", refuse)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    out = tmp_path / "model.xlsx"
    model.build(None, out)
    monkeypatch.undo()
    assert capsys.readouterr() == ("", "")
    assert {s: signal.getsignal(s) for s in handlers} == handlers
    mask = os.umask(0o022)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


def test_every_error_of_the_package_derives_from_one_base() -> None:
    """Every public exception class defined anywhere in model/ is a FinmodelError,
    exported as ``model.FinmodelError``; the ones that were ValueError or RuntimeError
    still are. (The command line's ``Stopped``, for SIGTERM, is a BaseException like
    KeyboardInterrupt, not an error; a warning class such as ``SavedValuesWarning`` is not
    an error either.)"""
    errors = {}
    for path in sorted(ROOT.rglob("*.py")):
        if path.name == "__main__.py":
            continue
        name = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        module = importlib.import_module(name.removesuffix(".__init__"))
        errors.update({f"{module.__name__}.{n}": c
                       for n, c in inspect.getmembers(module, inspect.isclass)
                       if issubclass(c, Exception) and not issubclass(c, Warning)
                       and c.__module__ == module.__name__
                       and not n.startswith("_")})
    assert {n.rsplit(".", 1)[1] for n in errors} >= {
        "InputError", "ModelValueError", "OutputError", "RecalcError", "ToolMissing",
        "UnreadableWorkbook", "FinmodelError"}
    assert [n for n, c in errors.items() if not issubclass(c, FinmodelError)] == []
    assert model.FinmodelError is FinmodelError and model.InputError is errors[
        "model.errors.InputError"]
    assert issubclass(errors["model.errors.ModelValueError"], ValueError)
    assert issubclass(errors["model.recalc.cells.RecalcError"], RuntimeError)
