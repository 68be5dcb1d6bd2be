"""OpenAI's revenue streams and costs beyond the API (issue 10, section 1), worked by hand.

The expected numbers are plain arithmetic from the specification, on small cases whose
months are round numbers:

- the API sells $100M a month (api_arr_opening 1.2e9, no growth) at a 50 % gross margin;
- the stream ``plus`` opens at $50M a month (arr_opening 0.6e9) with a 60 % margin and
  pays the revenue share; the stream ``ads`` opens at $20M a month with a 25 % margin and
  does not pay it;
- opex is 10 % of the whole revenue, the revenue share 20 %, no Azure revenue.

So a month's revenue is 100 + 50 + 20 = 170, the share is paid on 150 (30), the gross
profit is 50 + 30 + 5 = 85, opex 17, and the operating profit 85 - 30 - 17 = 38 before
the costs of the Costs sheet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from model.core.engine import run
from model.core.results import Results
from model.inputs.assumptions import Assumptions, Cost, Party, Stream, Tier
from model.inputs.defaults import default_assumptions
from model.recalc import compare, formula_cells, recalc_values_ironcalc
from tests.helpers import REL, build

M = 1e6
START = dt.date(2030, 1, 1)
PLUS = Stream("plus", "Plus", 0.6e9, True)
ADS = Stream("ads", "Ads", 0.24e9, False)


def approx(x: float) -> object:
    return pytest.approx(x, rel=1e-12, abs=1e-6)


def srow(month: dt.date, **changes: float) -> dict[str, object]:
    row: dict[str, object] = {
        "from_month": month, "api_growth": 0.0, "azure_payg_growth": 0.0,
        "ptu_customer_growth": 0.0, "api_gross_margin": 0.50, "azure_gross_margin": 0.50,
        "compute_commission": 0.0, "openai_opex_pct": 0.10, "azure_to_openai_share": 0.0,
        "api_to_microsoft_share": 0.20, "plus_growth": 0.0, "plus_gross_margin": 0.60,
        "ads_growth": 0.0, "ads_gross_margin": 0.25}
    row.update(changes)
    return row


def case(*, streams: tuple[Stream, ...] = (PLUS, ADS), costs: tuple[Cost, ...] = (),
         schedule: tuple[dict[str, object], ...] | None = None, horizon: int = 6,
         **inputs: object) -> Assumptions:
    base = default_assumptions()
    keys = ("first_investors", "microsoft", "employees_investors", "nonprofit")
    equity = dict(zip(keys, (0.0, 0.27, 0.47, 0.26), strict=True))
    parties = tuple(Party(k, k, None, None, None, None if k == "nonprofit" else "nonprofit",
                          equity[k]) for k in keys)
    values = {**base.inputs, "start_month": START, "horizon_months": float(horizon),
              "api_arr_opening": 1.2e9, "azure_arr_opening": 0.0,
              "ptu_customers_opening": 0.0, "ptu_fee_cut_month": START,
              "loss_carryforward": True, "opening_cumulative_losses": 0.0,
              "revshare_api_to_microsoft_cap_usd": None, "waterfall_end_month": None,
              **inputs}
    return replace(base, inputs=values, schedule=schedule or (srow(START),),
                   parties=parties,
                   tiers=(Tier(1, "all", None, None, {k: float(k == "nonprofit")
                                                       for k in keys}),),
                   streams=streams, costs=costs, scenarios=None, selected=None)


def months(r: Results, key: str, n: int = 6) -> list[float]:
    return r.row(key)[:n]


def test_a_stream_that_pays_the_share_and_one_that_does_not() -> None:
    r = run(case())
    assert r.raw[r.index["plus_revenue"]][0] == approx(50 * M)  # opening: 0.6e9 / 12
    assert months(r, "plus_revenue") == [approx(50 * M)] * 6
    assert months(r, "ads_revenue") == [approx(20 * M)] * 6
    assert months(r, "openai_revenue") == [approx(170 * M)] * 6
    assert r.raw[r.index["openai_arr"]][0] == approx(12 * 170 * M)
    # The share is paid on the API (100) and plus (50), not on ads.
    assert months(r, "revshare_base") == [approx(150 * M)] * 6
    assert months(r, "revshare_api_to_microsoft") == [approx(30 * M)] * 6
    assert months(r, "plus_gross_profit") == [approx(30 * M)] * 6  # 60 % of 50
    assert months(r, "ads_gross_profit") == [approx(5 * M)] * 6  # 25 % of 20
    assert months(r, "api_gross_profit") == [approx(50 * M)] * 6
    # The compute commission stays on the API's compute cost only.
    assert months(r, "openai_compute_cost") == [approx(50 * M)] * 6
    assert months(r, "openai_gross_profit") == [approx(85 * M)] * 6
    assert months(r, "openai_opex") == [approx(17 * M)] * 6  # 10 % of 170
    assert months(r, "openai_operating_profit") == [approx(38 * M)] * 6
    assert months(r, "distributable_profit") == [approx(38 * M)] * 6
    # Microsoft's take: the share it receives (no Azure, no commission, no distribution).
    assert months(r, "microsoft_total_take") == [approx(30 * M)] * 6


def test_turning_the_share_on_for_a_stream() -> None:
    r = run(case(streams=(PLUS, replace(ADS, pays_revshare=True))))
    assert months(r, "revshare_api_to_microsoft") == [approx(34 * M)] * 6  # 20 % of 170
    assert months(r, "openai_operating_profit") == [approx(34 * M)] * 6


def test_stream_growth_and_its_schedule_row() -> None:
    """plus grows 44 % a year (1.2 every half year), and its margin drops to 30 % from
    the fourth month."""
    sched = (srow(START, plus_growth=0.44),
             srow(dt.date(2030, 4, 1), plus_growth=0.44, plus_gross_margin=0.30))
    r = run(case(schedule=sched))
    plus = [50 * M * 1.44 ** (t / 12) for t in range(1, 7)]
    assert months(r, "plus_revenue") == [approx(x) for x in plus]
    assert months(r, "plus_revenue")[5] == approx(60 * M)  # six months: 50 x 1.2
    margin = [0.60, 0.60, 0.60, 0.30, 0.30, 0.30]
    assert months(r, "plus_gross_profit") == [approx(p * m) for p, m in
                                              zip(plus, margin, strict=True)]
    profit = [50 * M + p * m + 5 * M - 0.20 * (100 * M + p) - 0.10 * (120 * M + p)
              for p, m in zip(plus, margin, strict=True)]
    assert months(r, "openai_operating_profit") == [approx(x) for x in profit]


def test_the_cap_covers_the_streams_share_too() -> None:
    """A $70M cap: 30 + 30 + 10, then nothing; the stream's share counts against it."""
    r = run(case(revshare_api_to_microsoft_cap_usd=70 * M))
    assert months(r, "revshare_api_to_microsoft") == [approx(x * M) for x in
                                                       (30, 30, 10, 0, 0, 0)]
    assert months(r, "openai_operating_profit") == [approx(x * M) for x in
                                                     (38, 38, 58, 68, 68, 68)]


def test_a_cost_that_turns_profit_negative_is_carried_forward() -> None:
    """A launch cost of $60M a month for three months (it falls to 0 at -100 % a year):
    -22 a month, $66M of losses, earned back in months 4 and 5."""
    sched = (srow(START, launch_growth=0.0), srow(dt.date(2030, 4, 1), launch_growth=-1.0))
    r = run(case(costs=(Cost("launch", "Launch", 60 * M),), schedule=sched))
    assert r.raw[r.index["launch_cost"]][0] == approx(60 * M)
    assert months(r, "launch_cost") == [approx(x * M) for x in (60, 60, 60, 0, 0, 0)]
    assert months(r, "openai_operating_profit") == [approx(x * M) for x in
                                                     (-22, -22, -22, 38, 38, 38)]
    assert months(r, "cumulative_losses") == [approx(x * M) for x in (22, 44, 66, 28, 0, 0)]
    assert months(r, "distributable_profit") == [approx(x * M) for x in (0, 0, 0, 0, 10, 38)]
    assert months(r, "dist_nonprofit") == [approx(x * M) for x in (0, 0, 0, 0, 10, 38)]


def test_two_costs_and_their_growth() -> None:
    costs = (Cost("staff", "Staff", 10 * M), Cost("rent", "Rent", 2 * M))
    sched = (srow(START, staff_growth=0.21, rent_growth=0.0),)
    r = run(case(costs=costs, schedule=sched))
    staff = [10 * M * 1.21 ** (t / 12) for t in range(1, 7)]
    assert months(r, "staff_cost")[5] == approx(11 * M)  # half a year of 21 %: x 1.1
    assert months(r, "openai_operating_profit") == [approx(38 * M - s - 2 * M) for s in staff]


def test_no_streams_no_costs_is_the_api_alone() -> None:
    """A workbook without Streams and Costs: the whole company is the API."""
    r = run(case(streams=(), costs=(), schedule=(srow(START),)))
    assert months(r, "openai_revenue") == [approx(100 * M)] * 6
    assert months(r, "revshare_base") == months(r, "api_revenue")
    assert months(r, "openai_gross_profit") == months(r, "api_gross_profit")
    # 50 - 20 - 10
    assert months(r, "openai_operating_profit") == [approx(20 * M)] * 6


def test_the_hand_worked_case_recalculates_in_a_spreadsheet(tmp_path: Path) -> None:
    """The case with a launch cost, as a workbook: ironcalc's values of the formulas equal
    the hand-worked numbers (and every formula cell its cached value)."""
    sched = (srow(START, launch_growth=0.0), srow(dt.date(2030, 4, 1), launch_growth=-1.0))
    path, _ = build(tmp_path, case(costs=(Cost("launch", "Launch", 60 * M),), schedule=sched))
    values = recalc_values_ironcalc(path)
    assert compare(formula_cells(path), values, rel=REL) == []
    rows = _rows(path, "Revenue")
    for key, expected in (("launch_cost", (60, 60, 60, 0, 0, 0)),
                          ("openai_operating_profit", (-22, -22, -22, 38, 38, 38)),
                          ("revshare_api_to_microsoft", (30,) * 6)):
        got = [float(values[("Revenue", f"{col}{rows[key]}")]) for col in "FGHIJK"]
        assert got == [approx(x * M) for x in expected], key
    got = [float(values[("Waterfall", f"{col}{_rows(path, 'Waterfall')['cumulative_losses']}")])
           for col in "FGHIJK"]
    assert got == [approx(x * M) for x in (22, 44, 66, 28, 0, 0)]


def _rows(path: Path, sheet: str) -> dict[str, int]:
    """{key in column A: its 1-based row}."""
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {row[0].value: row[0].row for row in wb[sheet].iter_rows(max_col=1)
                if isinstance(row[0].value, str)}
    finally:
        wb.close()


def test_every_opening_is_a_live_formula_on_the_streams_sheet(tmp_path: Path) -> None:
    path, _ = build(tmp_path, case(costs=(Cost("launch", "Launch", 60 * M),),
                                   schedule=(srow(START, launch_growth=0.0),)))
    cells = {(c.sheet, c.ref): c.formula for c in formula_cells(path)}
    openings = [f for (sheet, ref), f in cells.items() if sheet == "Revenue" and ref[0] == "E"]
    assert any(f == "=Streams!$C$2/12" for f in openings)
    assert any(f == "=Costs!$C$2" for f in openings)
    assert any("Streams!$D$2*" in f for f in cells.values())  # plus pays the share
