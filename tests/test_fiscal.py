"""The Fiscal sheet: every flow line rolled up into fiscal years ending in
fiscal_year_end_month, next to the calendar years, reconciled to the months by
recalculating the workbook (ironcalc); partial years labelled with their months."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import openpyxl
import pytest

from model.core.engine import run
from model.core.results import Results
from model.inputs.defaults import default_assumptions
from model.recalc import recalc_values_ironcalc, recalc_values_libreoffice
from model.workbook.rollup import periods, rollup_lines
from tests.helpers import REL, build, slow_after_the_first, with_inputs


def _fiscal_year(month: dt.date, end: int) -> int:
    """By hand: the fiscal year ending in month `end` that holds `month`."""
    return month.year + 1 if month.month > end else month.year


def _sheet(values: dict[tuple[str, str], object], path: Path, sheet: str
           ) -> dict[str, list[object]]:
    """{key in column A: recalculated values of columns D (total), E, F, ...}."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        out: dict[str, list[object]] = {}
        for r, row in enumerate(wb[sheet].iter_rows(values_only=True), start=1):
            if row and isinstance(row[0], str) and row[0] not in out:
                cols = [openpyxl.utils.get_column_letter(c) for c in range(4, len(row) + 1)]
                out[row[0]] = [values.get((sheet, f"{c}{r}"), row[i + 3])
                               for i, c in enumerate(cols)]
        return out
    finally:
        wb.close()


def test_default_labels_say_partial_years() -> None:
    a = with_inputs(default_assumptions(), start_month=dt.date(2024, 4, 1))  # 120 months
    labels = [label for label, _, _ in periods(run(a), "Fiscal")]
    assert labels[0] == "FY2024 (3 months)"  # Apr-Jun 2024
    assert labels[1:-1] == [f"FY{y}" for y in range(2025, 2034)]
    assert labels[-1] == "FY2034 (9 months)"  # Jul 2033-Mar 2034


@pytest.mark.parametrize("end", slow_after_the_first([6, 3, 12, 1]))
def test_fiscal_rollup_reconciles_to_the_months(end: int, tmp_path: Path) -> None:
    a = with_inputs(default_assumptions(), fiscal_year_end_month=float(end))
    path, results = build(tmp_path, a)
    values = recalc_values_ironcalc(path)
    fiscal = _sheet(values, path, "Fiscal")
    annual = _sheet(values, path, "Annual")
    months = results.timeline.months[1:]
    years = sorted({_fiscal_year(m, end) for m in months})
    flows, _ = rollup_lines(results)
    assert flows
    for ln in flows:
        row = results.row(ln.key)
        want = [math.fsum(v for m, v in zip(months, row, strict=True)
                          if _fiscal_year(m, end) == y) for y in years]
        got = [float(x) for x in fiscal[ln.key][1:1 + len(years)]]  # type: ignore[arg-type]
        assert got == pytest.approx(want, rel=REL, abs=1e-6), ln.key
        assert float(fiscal[ln.key][0]) == pytest.approx(  # type: ignore[arg-type]
            results.total(ln.key), rel=REL, abs=1e-6)
        assert float(annual[ln.key][0]) == pytest.approx(  # type: ignore[arg-type]
            float(fiscal[ln.key][0]), rel=REL, abs=1e-6)  # type: ignore[arg-type]
    _check_labels(results, end, years)


def _check_labels(results: Results, end: int, years: list[int]) -> None:
    months = results.timeline.months[1:]
    for (label, first, last), y in zip(periods(results, "Fiscal"), years, strict=True):
        count = sum(1 for m in months if _fiscal_year(m, end) == y)
        assert last - first + 1 == count
        assert label == (f"FY{y}" if count == 12 else
                         f"FY{y} ({count} month{'s' if count > 1 else ''})")


def test_fiscal_year_end_in_december_is_the_calendar_year(tmp_path: Path) -> None:
    r = run(with_inputs(default_assumptions(), fiscal_year_end_month=12.0))
    assert [(f, t) for _, f, t in periods(r, "Fiscal")] == \
        [(f, t) for _, f, t in periods(r, "Annual")]


@pytest.mark.slow
def test_changing_the_fiscal_year_end_in_excel_fails_the_checks(tmp_path: Path,
                                                                libreoffice: None) -> None:
    """The month is structural (it shapes the Fiscal columns): changed in the model
    without a rebuild, the master check says so."""
    path, _ = build(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Inputs"]
    row = next(r for r in range(1, ws.max_row + 1)
               if ws.cell(r, 1).value == "fiscal_year_end_month")
    ws.cell(row, 2).value = 3
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    values = recalc_values_libreoffice(edited, tmp_path / "lo")
    checks = _sheet(values, edited, "Checks")
    assert float(checks["check_structure"][0]) > 0  # type: ignore[arg-type]
    assert values[("Dashboard", "B3")] == "CHECKS FAIL"
