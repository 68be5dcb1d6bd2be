"""A model that opens everywhere: the generated workbooks pass the Open XML schema checks
(openxml-audit, office2010) and use only the explicit forms of functions whose short
forms engines read differently, such as INDEX(one_row_range, n)."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path

import pytest

from model.inputs.defaults import default_assumptions
from tests.helpers import build, slow_after_the_first, with_inputs
from tests.ooxml import assert_valid_ooxml, audit

_DEFAULT = default_assumptions()
assert _DEFAULT.scenarios is not None
SCENARIOS = _DEFAULT.scenarios.names


def _formulas(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [f for name in z.namelist() if name.startswith("xl/worksheets/sheet")
                for f in re.findall(r"<f>([^<]*)</f>", z.read(name).decode())]


def _arguments(formula: str, start: int) -> int:
    """The number of arguments of the function call whose '(' is at ``start``."""
    depth, count = 0, 1
    for ch in formula[start:]:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return count
        elif ch == "," and depth == 1:
            count += 1
    raise AssertionError(f"unbalanced: {formula}")


@pytest.mark.parametrize("scenario", slow_after_the_first(SCENARIOS))
def test_each_scenario_passes_the_schema_checks(scenario: str, tmp_path: Path) -> None:
    out, _ = build(tmp_path, _DEFAULT.with_scenario(scenario))
    assert_valid_ooxml(out)


@pytest.mark.slow
def test_1200_months_pass_the_schema_checks(tmp_path: Path) -> None:
    out, _ = build(tmp_path, with_inputs(_DEFAULT, horizon_months=1200))
    assert_valid_ooxml(out)


def test_the_schema_check_catches_a_broken_workbook(tmp_path: Path) -> None:
    """The negative control: a cell type that does not exist is reported."""
    good, _ = build(tmp_path, with_inputs(_DEFAULT, horizon_months=12))
    with zipfile.ZipFile(good) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet2.xml"
    parts[sheet] = parts[sheet].replace(b' t="s"', b' t="nonsense"', 1)
    assert b"nonsense" in parts[sheet]
    bad = tmp_path / "broken.xlsx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    bad.write_bytes(buf.getvalue())
    assert audit(bad)["error_count"] > 0


def test_every_index_names_its_row_and_column(tmp_path: Path) -> None:
    """INDEX(range, row, column) everywhere: INDEX(A1:E1, 3) is #REF! in some engines."""
    a = dataclasses.replace(_DEFAULT, selected=SCENARIOS[-1])
    out, _ = build(tmp_path, a)
    found = 0
    for formula in _formulas(out):
        for m in re.finditer(r"\bINDEX\(", formula):
            found += 1
            assert _arguments(formula, m.end() - 1) == 3, formula
    assert found > 100  # the Scenario layer, the Schedule lookups, the Dashboard
