"""tests/README.md says where each module's tests are: every module of model/ is in its
table, and every test file the table names exists and holds tests."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
ROW = re.compile(r"^\| `(model/[^`]+\.py)`[^|]*\|(.*)\|\s*$")


def _table() -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    for line in (TESTS / "README.md").read_text().splitlines():
        m = ROW.match(line)
        if m:
            assert m.group(1) not in rows, f"{m.group(1)} is in the table twice"
            rows[m.group(1)] = re.findall(r"`([^`]+)`", m.group(2))
    return rows


def test_every_module_is_in_the_map() -> None:
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "model").rglob("*.py")}
    table = _table()
    missing = sorted(modules - set(table))
    assert not missing, ("add a row to tests/README.md naming the tests of: "
                         + ", ".join(missing))
    gone = sorted(set(table) - modules)
    assert not gone, f"tests/README.md names modules that do not exist: {gone}"


def test_every_test_file_named_exists_and_holds_tests() -> None:
    for module, files in _table().items():
        assert files, f"{module}: no test file named"
        for name in files:
            path = TESTS / name
            assert path.is_file(), f"{module}: tests/{name} does not exist"
            assert re.search(r"^def test_", path.read_text(), re.M), \
                f"{module}: tests/{name} holds no test"


def _has_everyday_tests(path: Path) -> bool:
    """A test function without ``@pytest.mark.slow``, in a module not marked slow as a
    whole (a parametrized test with some slow parameters still counts: its first ones run)."""
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets) \
                and "slow" in ast.unparse(node.value):
            return False
    return any(isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
               and not any(ast.unparse(d).endswith("mark.slow") for d in node.decorator_list)
               for node in tree.body)


def test_the_everyday_run_touches_every_module() -> None:
    """Each module has a test file with tests that are not all slow, so that
    `python -m pytest` (which leaves the slow ones out) still runs some of its tests."""
    lacking = [module for module, files in _table().items()
               if not any(_has_everyday_tests(TESTS / f) for f in files)]
    assert not lacking, f"only slow tests name these modules in tests/README.md: {lacking}"
