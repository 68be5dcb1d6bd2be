"""The Cash sheet in real spreadsheet engines: every formula cell of a model whose cash
view is all in use (capex depreciated, stock compensation, losses carried forward, the
waterfall distributing free cash flow, funding inside the horizon, cash below zero)
recalculates in LibreOffice and ironcalc to the value Python cached (relative 1e-9;
XIRR cells 1e-6, as in tests/test_recalc_parity.py). Then the cash inputs are live: edited
in the workbook, ironcalc's results equal a Python run of the edited inputs; and the
cash check fails when a closing balance is pasted over.

One LibreOffice launch; ironcalc for the rest.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from pathlib import Path

import openpyxl
import pytest

from model.core.engine import run
from model.inputs.assumptions import Assumptions, Investment
from model.inputs.defaults import default_assumptions
from model.recalc import compare, formula_cells, recalc_values_ironcalc, recalc_values_libreoffice
from tests.badinputs import members, rezip
from tests.helpers import IRR_TOL, REL, build, split_irr


def cash_case() -> Assumptions:
    """Funding inside the horizon from Microsoft, whose dated flows change sign once (all
    its investments come before its receipts), so XIRR has one root: an investment by a
    party already receiving would give flows with several roots, where the engines and
    Python may each find a different one."""
    a = default_assumptions()
    costs = tuple(dataclasses.replace(c, capex=c.key == "training_compute",
                                      stock_comp_share=0.4 if c.key == "staff" else 0.0)
                  for c in a.costs)
    invest = (*(a.investments or ()), Investment("microsoft", dt.date(2025, 10, 1), 6e9),
              Investment("microsoft", dt.date(2027, 3, 1), 15e9))
    inputs = {**a.inputs, "distributed_profit": 3, "opening_tax_losses": 3e9,
              "depreciation_years": 4, "opening_cash": 5e9}
    return dataclasses.replace(a, costs=costs, investments=invest, inputs=inputs)


@pytest.fixture(scope="module")
def cash_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    return build(tmp_path_factory.mktemp("cash"), cash_case())


def test_the_case_uses_every_part_of_the_cash_view(cash_model: tuple[Path, object]) -> None:
    _, r = cash_model
    for key in ("openai_depreciation", "stock_compensation", "income_tax",
                "tax_losses_used", "funding_raised", "distributions_paid",
                "cash_below_zero"):
        assert r.total(key) > 0, key  # type: ignore[attr-defined]
    cells = [c for c in formula_cells(cash_model[0]) if c.sheet == "Cash"]
    assert len(cells) > 3000


def test_ironcalc_agrees_on_the_cash_view(cash_model: tuple[Path, object]) -> None:
    irr, cells = split_irr(formula_cells(cash_model[0]))
    values = recalc_values_ironcalc(cash_model[0])
    assert compare(cells, values, rel=REL) + compare(irr, values, IRR_TOL, IRR_TOL) == []


def test_libreoffice_agrees_on_the_cash_view(cash_model: tuple[Path, object], tmp_path: Path,
                                            libreoffice: None) -> None:
    irr, cells = split_irr(formula_cells(cash_model[0]))
    values = recalc_values_libreoffice(cash_model[0], tmp_path)
    assert compare(cells, values, rel=REL) + compare(irr, values, IRR_TOL, IRR_TOL) == []


def set_cells(src: Path, dst: Path, values: dict[tuple[str, str], float | bool]) -> None:
    """Type values over cells (as a user would), in the sheets' XML: openpyxl's own save
    writes a file ironcalc cannot open (no shared strings part)."""
    names = openpyxl.load_workbook(src, read_only=True).sheetnames
    parts = members(src.read_bytes())
    for (sheet, ref), value in values.items():
        part = f"xl/worksheets/sheet{names.index(sheet) + 1}.xml"  # xlsxwriter's order
        xml = parts[part].decode()
        cell = re.search(rf'<c r="{ref}"( s="\d+")?[^>]*?(/>|>.*?</c>)', xml)
        assert cell is not None, (sheet, ref)
        kind = ' t="b"' if isinstance(value, bool) else ""
        new = f'<c r="{ref}"{cell[1] or ""}{kind}><v>{float(value):.17g}</v></c>'
        parts[part] = (xml[:cell.start()] + new + xml[cell.end():]).encode()
    dst.write_bytes(rezip(parts))


def _rows(ws: object) -> dict[str, int]:
    return {str(row[0].value): int(row[0].row)
            for row in ws.iter_rows(min_col=1, max_col=1)  # type: ignore[attr-defined]
            if row[0].value is not None}


EDITS = {"tax_rate": 0.30, "depreciation_years": 2, "distributed_profit": 2,
         "opening_cash": 40e9, "tax_loss_use_limit": 1.0}


def test_the_cash_inputs_are_live(cash_model: tuple[Path, object], tmp_path: Path) -> None:
    """Edit the cash inputs and a Costs flag in the workbook; ironcalc's Cash, Revenue and
    Waterfall rows equal Python's run of the same edits (relative 1e-9)."""
    wb = openpyxl.load_workbook(cash_model[0], read_only=True)
    rows = _rows(wb["Inputs"])
    edits: dict[tuple[str, str], float | bool] = {
        ("Inputs", f"B{rows[key]}"): value for key, value in EDITS.items()}
    header = [c.value for c in next(wb["Costs"].iter_rows(max_row=1))]
    capex = openpyxl.utils.get_column_letter(header.index("capex") + 1)
    edits[("Costs", f"{capex}{_rows(wb['Costs'])['staff']}")] = True
    edited = tmp_path / "edited.xlsx"
    set_cells(cash_model[0], edited, edits)
    a = cash_case()
    a = dataclasses.replace(a, inputs={**a.inputs, **EDITS}, costs=tuple(
        dataclasses.replace(c, capex=True) for c in a.costs))
    want = run(a)
    values = recalc_values_ironcalc(edited)
    out = openpyxl.load_workbook(edited, read_only=True)
    compared = 0
    for sheet in ("Revenue", "Waterfall", "Cash"):
        keyed = _rows(out[sheet])
        for ln in want.lines:
            if ln.sheet != sheet or ln.key in ("month", "period"):
                continue
            for t, v in enumerate(want.row(ln.key)):
                col = openpyxl.utils.get_column_letter(6 + t)
                got = float(values[(sheet, f"{col}{keyed[ln.key]}")])  # type: ignore[arg-type]
                assert math.isclose(got, v, rel_tol=REL, abs_tol=1e-6), (sheet, ln.key, t)
                compared += 1
    assert compared > 10_000
    assert want.total("openai_depreciation") > 0 and want.row("profit_for_waterfall") == \
        want.row("profit_after_tax")


def test_a_pasted_over_cash_balance_fails_the_master_check(
        cash_model: tuple[Path, object], tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(cash_model[0], read_only=True)
    pasted = tmp_path / "pasted.xlsx"  # a month's closing cash typed over
    set_cells(cash_model[0], pasted, {("Cash", f"T{_rows(wb['Cash'])['cash']}"): 1e9})
    values = recalc_values_ironcalc(pasted)
    checks = _rows(wb["Checks"])
    assert values[("Checks", f"D{checks['check_cash_corkscrew']}")] >= 1
    assert values[("Checks", f"D{checks['master_check']}")] >= 1
