"""Recalculation parity: a real spreadsheet engine recomputes every formula cell of the
generated model and must agree with the value Python cached in it (relative 1e-9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.recalc import compare, formula_cells, recalc_values_ironcalc, recalc_values_libreoffice
from tests.helpers import REL, build


@pytest.fixture(scope="module")
def default_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = build(tmp_path_factory.mktemp("parity"))
    return path


def test_every_cell_is_checked(default_model: Path) -> None:
    cells = formula_cells(default_model)
    sheets = {c.sheet for c in cells}
    assert {"Revenue", "Waterfall", "Checks", "Annual", "Summary"} <= sheets
    assert len(cells) > 10_000


def test_ironcalc_agrees_with_python(default_model: Path) -> None:
    cells = formula_cells(default_model)
    mismatches = compare(cells, recalc_values_ironcalc(default_model), rel=REL)
    print(f"ironcalc: {len(cells)} formula cells, {len(mismatches)} mismatches")
    assert mismatches == []


def test_libreoffice_agrees_with_python(default_model: Path, tmp_path: Path,
                                        libreoffice: None) -> None:
    cells = formula_cells(default_model)
    mismatches = compare(cells, recalc_values_libreoffice(default_model, tmp_path), rel=REL)
    print(f"LibreOffice: {len(cells)} formula cells, {len(mismatches)} mismatches")
    assert mismatches == []
