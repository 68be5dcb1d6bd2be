"""What each party's receipts are worth: NPV, MOIC and IRR worked by hand on small cases,
the IRR against an independent numeric solve, and the Valuation sheet's formulas
recalculated by ironcalc and LibreOffice.

Tolerances: money and multiples 1e-9 relative, as everywhere. The IRR 1e-6 (absolute on
the rate, that is 0.0001 percentage points): XIRR is an iteration that each engine stops
at its own tolerance (measured here: LibreOffice and ironcalc differ by up to 4e-9 on an
IRR of -42 %), so agreement beyond that is luck, not a property.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path

import openpyxl
import pytest

from model import default_template
from model.core.engine import run
from model.core.valuation import NO_INVESTMENT, NO_IRR, NO_RECEIPTS, party_values, xirr
from model.inputs.assumptions import Investment
from model.inputs.defaults import default_assumptions
from model.recalc import compare, formula_cells, recalc_values_ironcalc, recalc_values_libreoffice
from tests.helpers import REL, build, split_irr, valuation_cells
from tests.test_cli import run_cli
from tests.test_hand_worked import KEYS, M, custom, tier

IRR_TOL = 1e-6
EPOCH = dt.date(1899, 12, 30)


def serial(d: dt.date) -> float:
    return float((d - EPOCH).days)


def bisect_irr(flows: list[tuple[dt.date, float]]) -> float:
    """An independent solve: bisection on sum v / (1+r)^(days/365) = 0 over (-0.99, 10)."""
    d0 = min(d for d, _ in flows)

    def f(r: float) -> float:
        return sum(v / (1 + r) ** ((d - d0).days / 365) for d, v in flows)

    lo, hi = -0.99, 10.0
    assert f(lo) * f(hi) < 0
    for _ in range(200):
        mid = (lo + hi) / 2
        if (f(mid) > 0) == (f(lo) > 0):
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


# ------------------------------------------------------------------ the IRR alone

def test_xirr_one_receipt_closed_form() -> None:
    """-100 on 2021-01-01, +121 on 2023-01-01 (730 days = 2 XIRR years): exactly 10 %."""
    r = xirr([(serial(dt.date(2021, 1, 1)), -100.0), (serial(dt.date(2023, 1, 1)), 121.0)])
    assert r == pytest.approx(0.10, abs=1e-12)


def test_xirr_two_receipts_quadratic() -> None:
    """-100, then +60 after 365 days and +60 after 730: with y = 1/(1+r),
    60y + 60y^2 = 100, so y = (-1 + sqrt(1 + 20/3)) / 2."""
    y = (-1 + math.sqrt(1 + 20 / 3)) / 2
    flows = [(dt.date(2021, 1, 1), -100.0), (dt.date(2022, 1, 1), 60.0),
             (dt.date(2023, 1, 1), 60.0)]
    assert xirr([(serial(d), v) for d, v in flows]) == pytest.approx(1 / y - 1, abs=1e-12)


def test_xirr_no_sign_change_is_none() -> None:
    assert xirr([(1.0, -5.0), (40.0, 0.0)]) is None
    assert xirr([(1.0, 5.0), (40.0, 3.0)]) is None


@pytest.mark.parametrize("multiple", [1e-4, 0.2, 1.0, 3.0, 1e4])
def test_xirr_matches_an_independent_solve(multiple: float) -> None:
    invest = [(dt.date(2019, 7, 1), -1.0), (dt.date(2021, 1, 1), -2.0)]
    months = [dt.date(2024 + (3 + k) // 12, (3 + k) % 12 + 1, 1) - dt.timedelta(days=1)
              for k in range(1, 61)]
    flows = invest + [(d, 3 * multiple / 60) for d in months]
    assert xirr([(serial(d), v) for d, v in flows]) == pytest.approx(
        bisect_irr(flows), abs=1e-9)


# ------------------------------------------------------------------ a small model by hand
#
# Three months from Jan 2030 of $25M operating profit each (tests.test_hand_worked, part 2),
# all of it to Microsoft (one tier, no hurdle). Microsoft invested $50M on 2029-01-01; the
# first investors $10M on 2029-06-01 and receive nothing; the others invested nothing.

RATE = 0.12


def small(horizon: int = 3, invested: float = 50 * M) -> object:
    a = custom(horizon=horizon, discount_rate=RATE,
               tiers=(tier(1, None, None, microsoft=1.0),))
    return dataclasses.replace(a, scenarios=None, selected=None, investments=(
        Investment("microsoft", dt.date(2029, 1, 1), invested),
        Investment("first_investors", dt.date(2029, 6, 1), 10 * M)))


def hand() -> dict[str, float]:
    receipts = [(dt.date(2030, 1, 31), 25 * M), (dt.date(2030, 2, 28), 25 * M),
                (dt.date(2030, 3, 31), 25 * M)]
    return {
        "npv_microsoft": sum(25 * M / (1 + RATE) ** (k / 12) for k in (1, 2, 3)),
        "received_microsoft": 75 * M,
        "invested_microsoft": 50 * M,
        "moic_microsoft": 1.5,
        "irr_microsoft": bisect_irr([(dt.date(2029, 1, 1), -50 * M), *receipts]),
        "npv_first_investors": 0.0,
        "invested_first_investors": 10 * M,
        "moic_first_investors": 0.0,
        "npv_nonprofit": 0.0,
    }


def test_small_case_by_hand() -> None:
    values = {v.key: v for v in party_values(run(small()))}  # type: ignore[arg-type]
    want = hand()
    ms = values["microsoft"]
    assert ms.npv == pytest.approx(want["npv_microsoft"], rel=REL)
    assert ms.received == pytest.approx(75 * M, rel=REL)
    assert ms.invested == pytest.approx(50 * M, rel=REL)
    assert ms.moic == pytest.approx(1.5, rel=REL)
    assert ms.irr == pytest.approx(want["irr_microsoft"], abs=IRR_TOL)
    fi = values["first_investors"]
    assert (fi.npv, fi.moic, fi.irr) == (0.0, 0.0, NO_RECEIPTS)
    assert values["nonprofit"].invested is None
    assert values["nonprofit"].moic == NO_INVESTMENT


def test_one_month_irr_closed_form() -> None:
    """One receipt of $25M on 2030-01-31 for $20M on 2029-01-01 (395 days):
    IRR = (25/20)^(365/395) - 1."""
    values = {v.key: v for v in party_values(run(small(horizon=1, invested=20 * M)))}  # type: ignore[arg-type]
    assert values["microsoft"].irr == pytest.approx(1.25 ** (365 / 395) - 1, abs=1e-12)


def _assert_hand(got: dict[str, object]) -> None:
    for key, want in hand().items():
        tol = {"abs": IRR_TOL} if key.startswith("irr_") else {"rel": REL, "abs": 1e-6}
        assert got[key] == pytest.approx(want, **tol), key
    assert got["irr_first_investors"] == NO_RECEIPTS
    assert "invested_nonprofit" not in got


def test_small_case_recalculated_by_ironcalc(tmp_path: Path) -> None:
    path, _ = build(tmp_path, small())  # type: ignore[arg-type]
    _assert_hand(valuation_cells(recalc_values_ironcalc(path), path))


def test_small_case_recalculated_by_libreoffice(tmp_path: Path, libreoffice: None) -> None:
    path, _ = build(tmp_path, small())  # type: ignore[arg-type]
    _assert_hand(valuation_cells(recalc_values_libreoffice(path, tmp_path), path))


def test_default_rows_and_keys() -> None:
    """Every party has an NPV; Microsoft and the first investors (the Investments sheet's
    parties) a MOIC and an IRR; the existing keys keep their names."""
    r = run(default_assumptions())
    assert {f"dist_{k}" for k in KEYS} | {f"cum_{k}" for k in KEYS} <= set(r.index)
    assert "microsoft_total_take" in r.index
    values = {v.key: v for v in party_values(r)}
    assert values["microsoft"].invested == pytest.approx(13e9, rel=REL)
    assert isinstance(values["microsoft"].irr, float)
    assert values["employees_investors"].invested is None


# ------------------------------------------------------------------ an older workbook

def _older_workbook(tmp_path: Path) -> Path:
    """The template as it was before the valuation: no Investments sheet, no
    discount_rate or fiscal_year_end_month row."""
    wb = openpyxl.load_workbook(default_template())
    del wb["Investments"]
    ws = wb["Inputs"]
    for r in range(ws.max_row, 1, -1):
        if ws.cell(r, 1).value in ("discount_rate", "fiscal_year_end_month"):
            ws.delete_rows(r)
    path = tmp_path / "older.xlsx"
    wb.save(path)
    return path


def test_an_older_workbook_builds_with_present_values_alone(tmp_path: Path) -> None:
    out = tmp_path / "older-model.xlsx"
    r = run_cli("build", str(_older_workbook(tmp_path)), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "Note: no Investments sheet" in r.stdout and "finmodel init" in r.stdout
    assert "Note: no 'discount_rate' row" in r.stdout
    wb = openpyxl.load_workbook(out, read_only=True)
    try:
        keys = {row[0] for row in wb["Valuation"].iter_rows(values_only=True) if row}
        assert "Investments" not in wb.sheetnames
    finally:
        wb.close()
    assert {f"npv_{k}" for k in KEYS} <= keys
    assert not any(str(k).startswith(("moic_", "irr_", "invested_")) for k in keys)
    irr, cells = split_irr(formula_cells(out))
    assert irr == []
    assert compare(cells, recalc_values_ironcalc(out), rel=REL) == []


@pytest.mark.slow
def test_flows_no_rate_solves_show_a_label_in_every_engine(tmp_path: Path,
                                                            libreoffice: None) -> None:
    """Microsoft invests $10M on 2030-03-01, between receipts of $25M at the ends of
    January, February and March: the flows are worth more than 0 at every rate (the
    earliest, a receipt, dominates as r grows; the latest, a receipt, as r falls to -1),
    so no rate solves them: Python and both engines show the label, not an error."""
    a = dataclasses.replace(small(), investments=(
        Investment("microsoft", dt.date(2030, 3, 1), 10 * M),))
    assert {v.key: v for v in party_values(run(a))}["microsoft"].irr == NO_IRR  # type: ignore[arg-type]
    path, _ = build(tmp_path, a)  # type: ignore[arg-type]
    for values in (recalc_values_ironcalc(path), recalc_values_libreoffice(path, tmp_path)):
        assert valuation_cells(values, path)["irr_microsoft"] == NO_IRR
