"""Recalculation parity: a real spreadsheet engine recomputes every formula cell of the
generated model and must agree with the value Python cached in it (relative 1e-9),
for every shipped scenario selected in turn. The IRR cells (XIRR, and the links to them)
agree to 1e-6: XIRR iterates to a tolerance of each engine's own (tests/test_valuation.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.inputs.defaults import DEFAULT_SCENARIOS, default_assumptions
from model.recalc import compare, formula_cells, recalc_values_ironcalc, recalc_values_libreoffice
from tests.helpers import IRR_TOL, REL, build, slow_after_the_first, split_irr

SCENARIOS = DEFAULT_SCENARIOS.names


@pytest.fixture(scope="module", params=slow_after_the_first(SCENARIOS))
def model_file(request: pytest.FixtureRequest,
               tmp_path_factory: pytest.TempPathFactory) -> Path:
    a = default_assumptions().with_scenario(request.param)
    path, _ = build(tmp_path_factory.mktemp("parity"), a)
    return path


def test_every_sheet_is_checked(model_file: Path) -> None:
    cells = formula_cells(model_file)
    sheets = {c.sheet for c in cells}
    assert {"Revenue", "Waterfall", "Cash", "Checks", "Annual", "Quarterly", "Dashboard",
            "Scenario", "Valuation", "Fiscal", "Variances"} <= sheets
    assert len(cells) > 10_000
    irr, _ = split_irr(cells)
    assert len(irr) >= 4  # Microsoft's and the first investors' IRR, and their links


def test_ironcalc_agrees_with_python(model_file: Path) -> None:
    irr, cells = split_irr(formula_cells(model_file))
    values = recalc_values_ironcalc(model_file)
    mismatches = compare(cells, values, rel=REL) + compare(irr, values, IRR_TOL, IRR_TOL)
    print(f"ironcalc: {len(cells)} formula cells, {len(mismatches)} mismatches")
    assert mismatches == []


def test_libreoffice_agrees_with_python(model_file: Path, tmp_path: Path,
                                        libreoffice: None) -> None:
    irr, cells = split_irr(formula_cells(model_file))
    values = recalc_values_libreoffice(model_file, tmp_path)
    mismatches = compare(cells, values, rel=REL) + compare(irr, values, IRR_TOL, IRR_TOL)
    print(f"LibreOffice: {len(cells)} formula cells, {len(mismatches)} mismatches")
    assert mismatches == []


def test_the_scenarios_differ() -> None:
    from model.core.engine import run
    takes = {name: run(default_assumptions().with_scenario(name)).total("microsoft_total_take")
             for name in SCENARIOS}
    assert len(set(takes.values())) == len(SCENARIOS)
