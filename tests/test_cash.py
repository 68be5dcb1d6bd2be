"""OpenAI's cash view (the Cash sheet): tax after losses carried forward, capex and
depreciation, stock compensation, free cash flow, funding, cash and runway.

The expected numbers are worked out by hand in each test's docstring or comments, on
small cases whose operating profit is a round number of $M a month (the custom cases of
tests/test_hand_worked.py: $100M of API revenue, 50 % gross margin, opex a share of
revenue). Then invariants of the corkscrews on varied cases, and the many-draws engine
against the one-run engine on the lines that read months back.

Tolerances: relative 1e-12 with an absolute 1e-6 (a millionth of a dollar), as in
tests/test_hand_worked.py: the engine and the hand arithmetic do the same few operations
in double precision.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest

import model
from model.core.draws import lines_many
from model.core.engine import compiled_for, inputs_vector, run, run_vector
from model.core.results import Results
from model.errors import InputError
from model.inputs.assumptions import Assumptions, Cost, Investment
from model.inputs.defaults import default_assumptions
from model.inputs.schema import INPUT_FIELDS
from tests.test_hand_worked import START, add_months, custom, srow, tier

M = 1e6
REL, ABS = 1e-12, 1e-6


def approx(values: list[float]) -> object:
    return pytest.approx([v * M for v in values], rel=REL, abs=ABS)


def months(r: Results, key: str, n: int | None = None) -> list[float]:
    row = r.row(key)
    return row if n is None else row[:n]


def sched(*rows: tuple[int, float], **costs: float) -> tuple[dict[str, object], ...]:
    """Schedule rows (first month t, opex share), each with the growth of the costs."""
    return tuple({**srow(add_months(START, t - 1), opex=opex),
                  **costs} for t, opex in rows)


def cost(key: str, monthly_m: float, *, capex: bool = False, stock: float = 0.0) -> Cost:
    return Cost(key=key, label=key, monthly_opening=monthly_m * M, capex=capex,
                stock_comp_share=stock)


def case(*, costs: tuple[Cost, ...] = (), investments: tuple[Investment, ...] = (),
         **kw: object) -> Assumptions:
    inputs = {"tax_rate": 0.0, "tax_loss_use_limit": 1.0, "opening_tax_losses": 0.0,
              "depreciation_years": 1, "opening_cash": 0.0, "distributed_profit": 1}
    schedule = kw.pop("schedule", None)
    a = custom(**{**inputs, **kw}, schedule=schedule,  # type: ignore[arg-type]
               tiers=(tier(1, None, None, nonprofit=1.0),))
    return dataclasses.replace(a, costs=costs, investments=investments)


# ------------------------------------------------------------------ tax


def test_tax_after_losses_carried_forward_by_hand() -> None:
    """Profit -25, -25, then +50 a month ($M: opex 75 %, then 0); tax 20 %; losses used on
    at most 80 % of a month's profit; $10M of losses at start.

    month  profit  opening  added  used             closing  taxable      tax  after tax
    1      -25     10       25     0                35       0            0    -25
    2      -25     35       25     0                60       0            0    -25
    3      +50     60       0      min(60, 40)=40   20       50-40=10     2    48
    4      +50     20       0      min(20, 40)=20   0        50-20=30     6    44
    5      +50     0        0      0                0        50           10   40
    6      +50     0        0      0                0        50           10   40
    """
    r = run(case(schedule=sched((1, 0.75), (3, 0.0)), tax_rate=0.2,
                 tax_loss_use_limit=0.8, opening_tax_losses=10 * M))
    assert months(r, "openai_operating_profit") == approx([-25, -25, 50, 50, 50, 50])
    assert months(r, "tax_losses_opening") == approx([10, 35, 60, 20, 0, 0])
    assert months(r, "tax_losses_added") == approx([25, 25, 0, 0, 0, 0])
    assert months(r, "tax_losses_used") == approx([0, 0, 40, 20, 0, 0])
    assert months(r, "tax_losses") == approx([35, 60, 20, 0, 0, 0])
    assert months(r, "taxable_profit") == approx([0, 0, 10, 30, 50, 50])
    assert months(r, "income_tax") == approx([0, 0, 2, 6, 10, 10])
    assert months(r, "profit_after_tax") == approx([-25, -25, 48, 44, 40, 40])
    assert r.raw[r.index["tax_losses"]][0] == pytest.approx(10 * M)


# ------------------------------------------------------------------ capex and depreciation


def test_one_capex_is_depreciated_straight_line_from_the_month_after() -> None:
    """$24M of servers in month 1 only (the cost's growth is -100 % from month 2), marked
    capex, over 2 years: $1M a month in months 2 to 25, nothing after; the net book value
    falls from 24 to 0. The P&L adds the capex back and charges the depreciation: profit
    is 25 - 24 + 24 - 0 = 25 in month 1, 25 - 1 = 24 in months 2-25, 25 in month 26."""
    r = run(case(horizon=26, depreciation_years=2, costs=(cost("servers", 24, capex=True),),
                 schedule=sched((1, 0.25), servers_growth=0.0)
                 + sched((2, 0.25), servers_growth=-1.0)))
    assert months(r, "openai_capex") == approx([24] + [0] * 25)
    assert months(r, "openai_depreciation") == approx([0] + [1] * 24 + [0])
    assert months(r, "fixed_assets") == approx([24 - k for k in range(25)] + [0])
    assert months(r, "openai_operating_profit") == approx([25] + [24] * 24 + [25])
    # the cash view: the capex is cash out when spent, the depreciation is not cash
    assert months(r, "free_cash_flow") == approx([1] + [25] * 25)


def test_steady_capex_reaches_its_depreciation_after_one_life() -> None:
    """$12M of capex every month over 1 year: month t's depreciation is the capex of the
    12 months before it over 12, so 0, 1, 2, ..., 12 in months 1 to 13, then 12 a month.
    Net book value in month 13: 13 x 12 - (0 + 1 + ... + 12) = 156 - 78 = 78; it stays
    78 (capex 12 in, depreciation 12 out)."""
    r = run(case(horizon=16, costs=(cost("racks", 12, capex=True),),
                 schedule=sched((1, 0.25), racks_growth=0.0)))
    assert months(r, "openai_depreciation") == approx(list(range(13)) + [12, 12, 12])
    assert months(r, "fixed_assets")[12:] == approx([78, 78, 78, 78])
    assert months(r, "fixed_assets_cost") == approx([12 * t for t in range(1, 17)])


def test_a_cost_not_marked_capex_is_expensed() -> None:
    r = run(case(costs=(cost("racks", 12),), schedule=sched((1, 0.25), racks_growth=0.0)))
    assert months(r, "openai_capex") == approx([0] * 6)
    assert months(r, "openai_depreciation") == approx([0] * 6)
    assert months(r, "openai_operating_profit") == approx([13] * 6)


# ------------------------------------------------------------------ cash and the basis


def _staff_case(basis: int) -> Assumptions:
    """Staff of $10M a month, half paid in stock; tax 20 %; opening cash $100M; $50M of
    funding in month 3. Profit 25 - 10 = 15, tax 3, after tax 12, stock compensation 5
    (not cash), free cash flow 12 + 5 = 17."""
    return case(costs=(cost("staff", 10, stock=0.5),), tax_rate=0.2, opening_cash=100 * M,
                distributed_profit=basis, schedule=sched((1, 0.25), staff_growth=0.0),
                investments=(Investment("microsoft", add_months(START, 2), 50 * M),
                             Investment("microsoft", dt.date(2019, 1, 1), 7 * M)))


@pytest.mark.parametrize(("basis", "paid"), [(1, 15), (2, 12), (3, 17)])
def test_cash_after_distributing_each_profit(basis: int, paid: float) -> None:
    """The waterfall pays out operating profit (15), profit after tax (12) or free cash
    flow (17) a month; cash moves by 17 - paid a month, and by 50 more in month 3. The
    investment of 2019 is before start: in the opening cash, not funding."""
    r = run(_staff_case(basis))
    assert months(r, "stock_compensation") == approx([5] * 6)
    assert months(r, "free_cash_flow") == approx([17] * 6)
    assert months(r, "funding_raised") == approx([0, 0, 50, 0, 0, 0])
    assert months(r, "distributions_paid") == approx([paid] * 6)
    step = 17 - paid
    assert months(r, "cash") == approx([100 + step * t + 50 * (t >= 3) for t in range(1, 7)])
    flags = [months(r, f"distributes_{k}")[0] for k in
             ("openai_operating_profit", "profit_after_tax", "free_cash_flow")]
    assert flags == [1.0 * (basis == b) for b in (1, 2, 3)]


def test_cash_below_zero_warns_and_says_the_funding_needed() -> None:
    """Opening cash $60M and a loss of $25M a month: cash 35, 10, -15, -40, -65, -90.
    The warning is 1 from month 3; the funding needed is the deepest shortfall so far;
    the runway is the cash over the month's burn of 25, at most the months left."""
    r = run(case(schedule=sched((1, 0.75)), opening_cash=60 * M))
    assert months(r, "cash") == approx([35, 10, -15, -40, -65, -90])
    assert months(r, "cash_below_zero") == [0, 0, 1, 1, 1, 1]
    assert r.first_month("cash_below_zero") == add_months(START, 2)
    assert months(r, "funding_needed") == approx([0, 0, 15, 40, 65, 90])
    assert months(r, "cash_burn") == approx([25] * 6)
    assert months(r, "runway_months") == pytest.approx([1.4, 0.4, 0, 0, 0, 0], rel=REL)
    assert r.headlines()["checks_failed"] == 0  # a funding gap is a warning, not a failure


def test_runway_when_not_burning_is_the_months_left() -> None:
    r = run(case(opening_cash=60 * M))  # +25 a month
    assert months(r, "runway_months") == [5.0, 4.0, 3.0, 2.0, 1.0, 0.0]


# ------------------------------------------------------------------ invariants


def _variant(capex: bool, basis: int, years: int, stock: float) -> Assumptions:
    a = default_assumptions()
    costs = tuple(dataclasses.replace(c, capex=capex and c.key == "training_compute",
                                      stock_comp_share=stock) for c in a.costs)
    inputs = {**a.inputs, "distributed_profit": basis, "depreciation_years": years,
              "opening_tax_losses": 2e9}
    invest = (*(a.investments or ()), Investment("microsoft", dt.date(2026, 3, 1), 20e9))
    return dataclasses.replace(a, costs=costs, inputs=inputs, investments=invest)


VARIANTS = [(False, 1, 6, 0.0), (True, 1, 6, 0.3), (True, 2, 3, 0.0), (True, 3, 1, 0.5),
            (True, 3, 10, 0.2), (False, 2, 6, 1.0)]


@pytest.mark.parametrize("variant", VARIANTS)
def test_cash_corkscrews_close(variant: tuple[bool, int, int, float]) -> None:
    r = run(_variant(*variant))
    n = r.timeline.n
    tol = dict(rel=1e-9, abs=1.0)  # $1 over ten years of sums of up to ~$50B
    v = {k: r.row(k) for k in ("free_cash_flow", "funding_raised", "distributions_paid",
                                "cash", "fixed_assets", "fixed_assets_cost",
                                "openai_depreciation", "openai_capex", "tax_losses",
                                "tax_losses_added", "tax_losses_used", "income_tax")}
    opening_cash = r.raw[r.index["cash"]][0]
    # cumulative free cash flow + funding - distributions = the change in cash
    flows = np.cumsum(np.array(v["free_cash_flow"]) + v["funding_raised"]
                      - np.array(v["distributions_paid"]))
    assert list(np.array(v["cash"]) - opening_cash) == pytest.approx(list(flows), **tol)
    # net book value = capex at cost - depreciation to date, never below 0
    net = np.cumsum(v["openai_capex"]) - np.cumsum(v["openai_depreciation"])
    assert v["fixed_assets"] == pytest.approx(list(net), **tol)
    assert min(v["fixed_assets"]) >= -1.0
    # depreciation never exceeds the capex (all of it is written off within the life)
    assert sum(v["openai_depreciation"]) <= sum(v["openai_capex"]) + 1.0
    # tax losses: opening + added - used = closing; never negative; tax never negative
    losses = 2e9 + np.cumsum(v["tax_losses_added"]) - np.cumsum(v["tax_losses_used"])
    assert v["tax_losses"] == pytest.approx(list(losses), **tol)
    assert min(v["tax_losses"]) >= -1.0 and min(v["income_tax"]) >= 0.0
    # what the waterfall distributes is the chosen profit
    chosen = ("openai_operating_profit", "profit_after_tax", "free_cash_flow")[variant[1] - 1]
    assert r.row("profit_for_waterfall") == r.row(chosen)
    assert r.headlines()["checks_failed"] == 0
    assert len(v["cash"]) == n


def test_the_default_distributes_operating_profit_as_before() -> None:
    r = run(default_assumptions())
    assert r.row("profit_for_waterfall") == r.row("openai_operating_profit")
    assert r.total("openai_capex") == 0.0 and r.total("stock_compensation") == 0.0


@pytest.mark.parametrize("variant", [VARIANTS[1], VARIANTS[3]])
def test_many_draws_engine_agrees_on_the_lines_read_months_back(
        variant: tuple[bool, int, int, float]) -> None:
    """The vectorised engine keeps a line's history only where a line reads it months
    back (depreciation); its cash lines equal the one-run engine's."""
    a = _variant(*variant)
    one = run(a)
    many = lines_many(a.effective(), [], {})
    for key in ("openai_depreciation", "fixed_assets", "cash", "income_tax"):
        got = [float(np.asarray(x).ravel()[0]) for x in many[key][1:]]
        assert got == pytest.approx(one.row(key), rel=1e-12, abs=1e-6), key


def test_a_life_drawn_per_draw_reads_each_draws_month() -> None:
    """Depreciation with a life given per draw (as a sensitivity would vary it): each draw
    equals the one-run engine with that life."""
    a = _variant(True, 1, 6, 0.0).effective()
    c = compiled_for(a, vector=True)
    n = run(a).timeline.n
    rows = [np.full((n + 1, 2), math.nan) for _ in c.lines]
    inputs: list[object] = list(inputs_vector(a))
    inputs[[f.key for f in INPUT_FIELDS].index("depreciation_years")] = np.array([2.0, 5.0])
    run_vector(c, a, rows, inputs)  # type: ignore[arg-type]
    for d, years in enumerate((2, 5)):
        want = run(dataclasses.replace(a, inputs={**a.inputs, "depreciation_years": years}))
        got = rows[c.index["openai_depreciation"]][1:, d]
        assert list(got) == pytest.approx(want.row("openai_depreciation"), rel=1e-12)


# ------------------------------------------------------------------ reading the inputs


def _template_edited(tmp_path: Path, edit: Callable[[Any], None]) -> Path:
    wb = openpyxl.load_workbook("templates/assumptions.xlsx")
    edit(wb)
    path = tmp_path / "edited.xlsx"
    wb.save(path)
    return path


def _column(ws: Any, key: str) -> int:
    return [c.value for c in ws[1]].index(key) + 1


def test_a_costs_sheet_made_before_the_cash_columns_still_reads(tmp_path: Path) -> None:
    def drop(wb: Any) -> None:
        ws = wb["Costs"]
        for key in ("stock_comp_share", "capex"):
            ws.delete_cols(_column(ws, key))
    a = model.load(_template_edited(tmp_path, drop))
    assert [(c.capex, c.stock_comp_share) for c in a.costs] == [(False, 0.0)] * 2


def test_the_cash_inputs_are_read_and_bad_ones_named(tmp_path: Path) -> None:
    def set_values(wb: Any) -> None:
        costs, inputs = wb["Costs"], wb["Inputs"]
        costs.cell(2, _column(costs, "capex")).value = True
        costs.cell(3, _column(costs, "stock_comp_share")).value = 0.25
        rows = {str(r[0].value): r[0].row for r in inputs.iter_rows(max_col=1)}
        inputs.cell(rows["distributed_profit"], 2).value = 3
    a = model.load(_template_edited(tmp_path, set_values))
    assert (a.costs[0].capex, a.costs[1].stock_comp_share) == (True, 0.25)
    assert a.inputs["distributed_profit"] == 3

    def bad(wb: Any) -> None:
        costs, inputs = wb["Costs"], wb["Inputs"]
        costs.cell(2, _column(costs, "capex")).value = "yes"
        rows = {str(r[0].value): r[0].row for r in inputs.iter_rows(max_col=1)}
        inputs.cell(rows["distributed_profit"], 2).value = 4
        inputs.cell(rows["depreciation_years"], 2).value = 2.5
    with pytest.raises(InputError) as e:
        model.load(_template_edited(tmp_path, bad))
    found = {(p.sheet, p.key) for p in e.value.problems}
    assert ("Inputs", "distributed_profit") in found
    assert ("Inputs", "depreciation_years") in found
    assert any(p.sheet == "Costs" and "capex" in str(p.key) for p in e.value.problems)


def test_the_default_burn_is_near_the_reported_burn() -> None:
    """A sanity check against reporting, not a fit (figures.md): OpenAI's 2025 cash burn
    was about $8.5-9B (The Information); the default model burns within a factor of two
    of it, and less than the ~$115B projected through 2029 (which includes data centres
    the model does not have)."""
    r = run(default_assumptions())
    burn = r.values.loc["cash_burn"]
    assert 8.5e9 / 2 <= burn["2025"].sum() <= 9e9 * 2
    assert burn[:"2029"].sum() < 115e9
