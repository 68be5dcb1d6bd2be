"""The Actuals sheet and the Variances section: periods and measures worked by hand, the
refusals with their cells, and the live section in the model (its formulas and the
check that flags a fitted figure moved out of tolerance, edited and recalculated in
LibreOffice)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path

import openpyxl
import pytest

from model.core.actuals import compare, span
from model.core.engine import run
from model.errors import InputError
from model.inputs.actuals import canonical_period, period_months
from model.inputs.assumptions import Actual, Assumptions
from model.inputs.defaults import default_assumptions
from model.inputs.validate import load
from model.recalc import recalc_values_libreoffice
from model.workbook import actuals_sheet
from model.workbook.template import write_template
from tests.helpers import REL, build, with_inputs

M = dt.date


# ---------------------------------------------------------------- periods, by hand

@pytest.mark.parametrize(("period", "fye", "first", "last"), [
    ("2025", 6, M(2025, 1, 1), M(2025, 12, 1)),
    ("FY2026", 6, M(2025, 7, 1), M(2026, 6, 1)),  # Microsoft's year to 30 June 2026
    ("FY2026", 12, M(2026, 1, 1), M(2026, 12, 1)),
    ("FY2026", 3, M(2025, 4, 1), M(2026, 3, 1)),
    ("2025-H1", 6, M(2025, 1, 1), M(2025, 6, 1)),
    ("2025-H2", 6, M(2025, 7, 1), M(2025, 12, 1)),
    ("2026-Q1", 6, M(2026, 1, 1), M(2026, 3, 1)),
    ("2026-Q4", 6, M(2026, 10, 1), M(2026, 12, 1)),
    ("2025-12", 6, M(2025, 12, 1), M(2025, 12, 1)),
])
def test_period_months(period: str, fye: int, first: dt.date, last: dt.date) -> None:
    assert period_months(period, fye) == (first, last)


@pytest.mark.parametrize(("cell", "text"), [
    (2025, "2025"), (2025.0, "2025"), ("fy2026", "FY2026"), (" 2025-h1 ", "2025-H1"),
    (M(2025, 12, 1), "2025-12"), (dt.datetime(2025, 12, 1), "2025-12"),
    ("2025-13", None), ("2025-Q5", None), ("2025-H3", None), (M(2025, 12, 2), None),
    (2025.5, None), (True, None), ("Dec 2025", None), ("", None)])
def test_what_a_period_cell_may_hold(cell: object, text: str | None) -> None:
    assert canonical_period(cell) == text


def _flat(growth: float) -> Assumptions:
    """The defaults with the API alone growing at ``growth`` a year from $12B of ARR (a
    month of $1B before start), and no streams."""
    a = default_assumptions()
    schedule = tuple({**row, "api_growth": growth} for row in a.schedule)
    return dataclasses.replace(with_inputs(a, api_arr_opening=12e9), schedule=schedule,
                               streams=(), scenarios=None, selected=None)


def _figure(a: Assumptions, line: str, period: str, measure: str) -> float | None:
    a = dataclasses.replace(a, actuals=(Actual(line, period, measure, 1.0),))
    return compare(run(a))[0].model


def test_total_annualized_and_balance_of_a_flat_line() -> None:
    a = _flat(0.0)  # $1B every month
    assert _figure(a, "api_revenue", "2025", "total") == pytest.approx(12e9, rel=1e-12)
    assert _figure(a, "api_revenue", "FY2025", "total") == pytest.approx(12e9, rel=1e-12)
    assert _figure(a, "api_revenue", "2025-H1", "total") == pytest.approx(6e9, rel=1e-12)
    assert _figure(a, "api_revenue", "2026-Q1", "total") == pytest.approx(3e9, rel=1e-12)
    assert _figure(a, "api_revenue", "2025-12", "total") == pytest.approx(1e9, rel=1e-12)
    assert _figure(a, "api_revenue", "2025-H2", "annualized") == pytest.approx(12e9,
                                                                               rel=1e-12)
    assert _figure(a, "api_arr", "2025-Q3", "balance") == pytest.approx(12e9, rel=1e-12)


def test_total_annualized_and_balance_of_a_growing_line() -> None:
    # 10 % a year: month k after the opening month earns $1B x 1.1^(k/12). January 2024 is
    # k = 1, so calendar 2025 is k = 13..24, its first half k = 13..18, FY2025 (July 2024 to
    # June 2025) k = 7..18, and the API's ARR at the end of September 2025 is k = 21, x 12.
    a = _flat(0.10)
    r = 1.1 ** (1 / 12)

    def month(k: int) -> float:
        return 1e9 * r ** k

    assert _figure(a, "api_revenue", "2025", "total") == pytest.approx(
        math.fsum(month(k) for k in range(13, 25)), rel=1e-12)
    # the same as a geometric series: r^13 (r^12 - 1) / (r - 1) = 1.1 r (0.1) / (r - 1)
    assert _figure(a, "api_revenue", "2025", "total") == pytest.approx(
        1e9 * 1.1 * r * 0.1 / (r - 1), rel=1e-12)
    assert _figure(a, "api_revenue", "2025-H1", "total") == pytest.approx(
        math.fsum(month(k) for k in range(13, 19)), rel=1e-12)
    assert _figure(a, "api_revenue", "FY2025", "total") == pytest.approx(
        math.fsum(month(k) for k in range(7, 19)), rel=1e-12)
    assert _figure(a, "api_revenue", "2025-Q3", "annualized") == pytest.approx(
        12 * month(21), rel=1e-12)
    assert _figure(a, "api_arr", "2025-Q3", "balance") == pytest.approx(12 * month(21),
                                                                        rel=1e-12)
    assert _figure(a, "cum_revshare_api_to_microsoft", "2024", "balance") == pytest.approx(
        0.2 * math.fsum(month(k) for k in range(1, 13)), rel=1e-12)


def test_a_period_the_horizon_covers_in_part_is_not_compared() -> None:
    a = with_inputs(_flat(0.0), horizon_months=18)  # January 2024 to June 2025
    rows = (Actual("api_revenue", "2025", "total", 1.0),
            Actual("api_revenue", "2025-H1", "total", 1.0),
            Actual("api_arr", "2025-06", "balance", 1.0),
            Actual("api_arr", "2025", "balance", 1.0),
            Actual("api_revenue", "2023", "total", 1.0))
    got = compare(run(dataclasses.replace(a, actuals=rows)))
    assert [c.model for c in got] == [None, pytest.approx(6e9), pytest.approx(12e9), None,
                                      None]
    assert got[0].span.note == "not compared: the horizon covers 6 of its 12 months"
    assert got[3].span.note == "not compared: Dec 2025 is outside the horizon"
    assert got[4].span.note == "not compared: outside the horizon"
    assert not any(c.beyond for c in got)


def test_variance_and_the_tolerance() -> None:
    a = _flat(0.0)
    rows = (Actual("api_revenue", "2025", "total", 10e9, fit=True),  # model 12: +20 %
            Actual("api_revenue", "2025-H1", "total", 6.5e9, fit=True),  # 6 vs 6.5: -7.7 %
            Actual("api_revenue", "2024", "total", -24e9, fit=False))  # a loss reported
    got = compare(run(dataclasses.replace(a, actuals=rows)))
    assert got[0].variance == pytest.approx(2e9) and got[0].variance_pct == pytest.approx(0.2)
    assert got[1].variance_pct == pytest.approx(-0.5 / 6.5)
    assert got[2].variance_pct == pytest.approx(36e9 / 24e9)  # a share of |reported|
    assert [c.beyond for c in got] == [True, False, False]  # 10 %; not fitted: never
    assert actuals_sheet.worst(got) is got[0]
    assert actuals_sheet.beyond_count(got) == 1


def test_span_of_a_fiscal_year() -> None:
    months = tuple(M(2023 + (11 + t) // 12, (11 + t) % 12 + 1, 1) for t in range(25))
    assert months[1] == M(2024, 1, 1) and months[-1] == M(2025, 12, 1)
    s = span(Actual("x", "FY2025", "total", 1.0), months, 6)
    assert (s.first, s.last) == (7, 18)


# ---------------------------------------------------------------- the sheet, as read

def _template(tmp_path: Path, edit: dict[str, object]) -> Path:
    path = tmp_path / "a.xlsx"
    write_template(path, default_assumptions())
    wb = openpyxl.load_workbook(path)
    for ref, value in edit.items():
        wb["Actuals"][ref] = value
    wb.save(path)
    return path


def _problems(path: Path) -> list[str]:
    import model
    with pytest.raises(InputError) as e:
        model.load(path)
    return [f"{p.sheet}!{p.cell}: expected {p.expected}, found {p.found}"
            for p in e.value.problems]


def test_the_template_reads_back_its_actuals(tmp_path: Path) -> None:
    path = _template(tmp_path, {})
    assert load(path).actuals == default_assumptions().actuals


@pytest.mark.parametrize(("edit", "message"), [
    ({"B3": "2025-13"}, "Actuals!B3: expected a period: a year (2025)"),
    ({"C3": "totl"}, "Actuals!C3: expected one of total, annualized, balance, found 'totl' "
                     "(did you mean 'total'?)"),
    ({"A3": "openai_revenu"}, "Actuals!A3: expected the key of a line of the model"),
    ({"A3": "openai_arr", "C3": "total"}, "Actuals!A3: expected the measure balance for "
                                          "'openai_arr'"),
    ({"D3": 0}, "Actuals!D3: expected a reported figure other than 0"),
    ({"F3": "X"}, "Actuals!F3: expected C, R or L"),
    ({"G3": "yes"}, "Actuals!G3: expected TRUE or FALSE"),
])
def test_bad_rows_are_refused_naming_the_cell(tmp_path: Path, edit: dict[str, object],
                                              message: str) -> None:
    problems = _problems(_template(tmp_path, edit))
    assert any(p.startswith(message) for p in problems), problems
    if "openai_revenu" in str(edit):
        assert "did you mean 'openai_revenue'" in problems[0]


def test_a_workbook_without_the_sheet_still_builds(tmp_path: Path) -> None:
    path = _template(tmp_path, {})
    wb = openpyxl.load_workbook(path)
    del wb["Actuals"]
    inputs = wb["Inputs"]
    for row in list(inputs.iter_rows(min_row=2)):
        if row[0].value == "actuals_tolerance":
            inputs.delete_rows(row[0].row)
    wb.save(path)
    a = load(path)
    assert a.actuals is None and a.inputs["actuals_tolerance"] == 0.10
    assert any("no Actuals sheet" in n for n in a.notes)
    out, _ = build(tmp_path, a)
    wb = openpyxl.load_workbook(out, data_only=True, read_only=True)
    assert wb["Variances"]["F4"].value == 0
    assert wb["Variances"]["F5"].value == actuals_sheet.NONE_FITTED
    assert wb["Variances"]["G5"].value == actuals_sheet.NONE_FITTED


# ---------------------------------------------------------------- the section, live

def test_the_section_in_the_model(tmp_path: Path) -> None:
    path, r = build(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Variances"]
    rows = {f"{ws.cell(i, 1).value}, {ws.cell(i, 2).value} {ws.cell(i, 3).value}": i
            for i in range(7, ws.max_row + 1)}
    i = rows["openai_revenue, 2025 total"]
    assert ws.cell(i, 14).value == "OpenAI revenue (the API and every stream), 2025 total"
    # January to December 2025 are months 13 to 24: F is month 1 (E the opening column),
    # so columns R (the 18th letter, 6 + 12) to AC (the 29th, 6 + 23) of the Revenue sheet.
    keys = {c.value: c.row for c in wb["Revenue"]["A"]}
    n, arr = keys["openai_revenue"], keys["openai_arr"]
    assert ws.cell(i, 4).value == "Jan 2025 to Dec 2025"
    assert ws.cell(i, 6).value == f"=SUM(Revenue!$R${n}:$AC${n})"
    assert ws.cell(i, 5).value == f"=Actuals!$D${i - 5}"  # Variances row 7 is Actuals row 2
    assert wb["Actuals"].cell(i - 5, 2).value == "2025"
    # December 2024 is month 12: column Q (the 17th letter)
    assert ws.cell(rows["openai_arr, 2024-12 balance"], 6).value == f"=Revenue!$Q${arr}"
    assert ws.cell(rows["openai_arr, 2023-12 balance"], 6).value == "not compared"
    assert ws["F3"].value.startswith("=Inputs!$B$")
    dash = wb["Dashboard"]
    links = [c.value for row in dash.iter_rows(max_col=2) for c in row
             if isinstance(c.value, str) and "Variances!" in c.value]
    assert links == ['="Worst fitted variance: "&Variances!$G$5',
                     "=Variances!$F$5"]
    wb.close()
    cached = openpyxl.load_workbook(path, data_only=True, read_only=True)
    v = cached["Variances"]
    assert v["F4"].value == 0  # the calibrated default is within its tolerance
    top = actuals_sheet.worst(compare(r))
    assert top is not None and v["G5"].value == actuals_sheet.where(top, r)
    assert abs(v["F5"].value) < 0.05


def _edit_schedule(a: Assumptions, key: str, month: dt.date, value: float) -> Assumptions:
    return dataclasses.replace(a, schedule=tuple(
        {**row, key: value} if row["from_month"] == month else row for row in a.schedule))


def test_an_edited_growth_rate_moves_the_variances_and_trips_the_check(
        tmp_path: Path, libreoffice: None) -> None:
    """Edit one Schedule cell of the built model (as a user would), recalculate in
    LibreOffice: the Variances section equals Python's for the edited inputs, and the
    check and the master check flag the fitted figures now out of tolerance."""
    a = default_assumptions()
    path, _ = build(tmp_path, a)
    wb = openpyxl.load_workbook(path)
    sched = wb["Schedule"]
    header = [c.value for c in sched[1]]
    col = header.index("api_growth") + 1
    row = next(c.row for c in sched["A"][1:] if c.value == dt.datetime(2025, 7, 1))
    sched.cell(row, col).value = -0.9  # from +1,007 % a year to -90 % in Q3 2025
    wb.save(tmp_path / "edited.xlsx")
    values = recalc_values_libreoffice(tmp_path / "edited.xlsx", tmp_path)  # one launch

    expected_path, expected = build(tmp_path, _edit_schedule(a, "api_growth", M(2025, 7, 1),
                                                             -0.9), "expected.xlsx")
    want = openpyxl.load_workbook(expected_path, data_only=True, read_only=True)["Variances"]
    compared = 0
    for cells in want.iter_rows(min_row=3):
        for c in cells:
            if isinstance(c.value, int | float) and not isinstance(c.value, bool):
                got = values[("Variances", c.coordinate)]
                assert math.isclose(float(got), c.value, rel_tol=REL, abs_tol=1e-6), \
                    f"Variances!{c.coordinate}: LibreOffice {got}, Python {c.value}"
                compared += 1
    assert compared > 60
    beyond = [c.where() for c in compare(expected) if c.beyond]
    assert "openai_revenue, 2025 total" in beyond
    assert values[("Variances", "F4")] == len(beyond) >= 1
    assert values[("Dashboard", "B3")] == "CHECKS FAIL"
