"""A line's kind (model/core/line.py) decides how it rolls up: flows are summed over a
period and totalled, balances show the period's last month, a balance that names its
movement gets a corkscrew check; rates, flags, dates and working amounts are not rolled."""

from __future__ import annotations

import dataclasses

import pytest

import model
from model.core import line as line_module
from model.core import lines
from model.core.expr import Num
from model.core.line import BALANCE, FLOW, Line
from model.core.results import Results
from model.workbook import rollup
from model.workbook.checklist import corkscrews


@pytest.fixture(scope="module")
def results() -> Results:
    return model.compute()


def test_the_balances_are_the_amounts_at_a_months_end(results: Results) -> None:
    _, balances = rollup.rollup_lines(results)
    parties = [p.key for p in results.assumptions.parties]
    # by hand: the ARRs, the PTU customer count, the losses carried and the cumulative
    # amounts; not the caps in force or a tier's profit (steps of one month's waterfall)
    assert {ln.key for ln in balances} == {
        "api_arr", "azure_arr", "openai_arr", "ptu_customers", "cumulative_losses",
        "cum_waterfall_profit", "cum_revshare_api_to_microsoft",
        # the cash view: the cash balance, the deepest shortfall so far, the tax losses
        # carried forward, and the fixed assets at cost and net of depreciation
        "cash", "funding_needed", "tax_losses", "fixed_assets_cost", "fixed_assets",
        *(f"cum_{p}" for p in parties)}


def test_flows_are_the_totalled_amounts(results: Results) -> None:
    flows, _ = rollup.rollup_lines(results)
    keys = {ln.key for ln in flows}
    assert {"api_revenue", "distributable_profit", "dist_microsoft",
            "microsoft_total_take"} <= keys
    assert not keys & {"tier1_available", "cap_microsoft", "ptu_fee", "month"}
    assert all(ln.total and ln.fmt == "usd" for ln in flows)


def test_a_corkscrew_for_each_balance_with_a_movement(results: Results) -> None:
    parties = [p.key for p in results.assumptions.parties]
    assert corkscrews(results) == [
        ("cum_revshare_api_to_microsoft", "revshare_api_to_microsoft"),
        ("fixed_assets_cost", "openai_capex"),
        *((f"cum_{p}", f"dist_{p}") for p in parties)]


def test_annual_values_follow_the_kind(results: Results) -> None:
    r = results
    groups = rollup.periods(r, "Annual")
    label, first, last = groups[1]  # a whole calendar year
    row = r.raw[r.index["api_revenue"]]
    assert sum(row[first:last + 1]) == pytest.approx(sum(
        v for m, v in zip(r.timeline.months[1:], row[1:], strict=True)
        if str(m.year) == label), rel=1e-12)
    assert r.timeline.months[last].month == 12


def test_a_kind_is_checked_when_a_line_is_defined() -> None:
    with pytest.raises(ValueError, match="kind"):
        Line("x", "x", "usd", Num(0), kind="stock")
    with pytest.raises(ValueError, match="totalled"):
        Line("x", "x", "usd", Num(0), kind=BALANCE, total=True)
    assert Line("x", "x", "usd", Num(0), total=True).kind == FLOW


def test_a_line_made_a_balance_rolls_up_as_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Changing the kind in the line's definition is the only edit: the cap in force
    becomes a balance, and the rollups and its period-end value follow."""
    real = line_module.usd

    def usd(key: str, *args: object, **kw: object) -> Line:
        made = real(key, *args, **kw)  # type: ignore[arg-type]
        return dataclasses.replace(made, kind=BALANCE) if key == "cap_microsoft" else made

    monkeypatch.setattr(lines, "_usd", usd)
    r = model.compute()
    _, balances = rollup.rollup_lines(r)
    assert "cap_microsoft" in {ln.key for ln in balances}
