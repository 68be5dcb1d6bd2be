"""The terminal value and each party's share of it, worked by hand; invariants on random
structures; and the same cells recalculated by ironcalc and LibreOffice.

The custom cases of tests.test_hand_worked make $100M of API revenue and $25M of
operating profit a month from January 2030. Tolerances: 1e-12 relative against the hand
numbers (Python evaluates the same formulas, at most in another order); 1e-9 relative
against a spreadsheet engine, as everywhere; the invariants 1e-9 relative (a sum of up to
a dozen amounts) plus $1e-6.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.core import terminal
from model.core.engine import run
from model.core.valuation import party_values
from model.inputs.assumptions import Party, Tier
from model.recalc import recalc_values_ironcalc, recalc_values_libreoffice
from tests.helpers import build, valuation_cells
from tests.test_hand_worked import KEYS, START, M, custom, parties, party, tier

REL = 1e-12


def approx(x: float) -> object:
    return pytest.approx(x, rel=REL, abs=1e-6)


def tv(a: object) -> dict[str, float]:
    return terminal.values(run(a))  # type: ignore[arg-type]


# ------------------------------------------------------------------ by hand

def test_perpetuity_growth_shared_by_equity_and_discounted_to_the_valuation_date() -> None:
    """Twelve months of $25M, equity split from the start, r = 12 %, g = 2 %, valued at
    July 2030: LTM profit 300, TV = 300 x 1.02 / 0.10 = 3,060, shared 0 / 27 / 47 / 26 %;
    the horizon's end is 6 months after valuation_date, so the TV is divided by 1.12^0.5
    and each month k = 1..6 from July by 1.12^(k/12)."""
    a = custom(horizon=12, waterfall_end_month=START, discount_rate=0.12,
               terminal_growth=0.02, valuation_date=dt.date(2030, 7, 1))
    got = tv(a)
    assert got["tv_ltm_profit"] == approx(300 * M)
    assert got["terminal_value"] == approx(3060 * M)
    assert got["tv_discount_factor"] == approx(1 / 1.12 ** 0.5)
    shares = {"first_investors": 0.0, "microsoft": 0.27, "employees_investors": 0.47,
              "nonprofit": 0.26}
    values = {v.key: v for v in party_values(run(a))}
    for k, s in shares.items():
        assert got[f"tv_share_{k}"] == approx(s * 3060 * M)
        npv = sum(s * 25 * M / 1.12 ** (k2 / 12) for k2 in range(1, 7))
        assert values[k].npv == approx(npv)
        assert values[k].stake_value == approx(npv + s * 3060 * M / 1.12 ** 0.5)


def test_revenue_multiple_and_losses_not_yet_earned_back() -> None:
    """Six months, $1,000M of losses brought in: $150M is earned back, $850M remains and
    nothing is distributed. LTM revenue = 600 x 12 / 6 = 1,200 (a horizon under a year is
    annualised); x 1.0 = 1,200, less 850 = 350 to share, all to the nonprofit (one tier)."""
    a = custom(opening_cumulative_losses=1000 * M, terminal_revenue_multiple=1.0)
    got = tv(a)
    assert got["tv_ltm_revenue"] == approx(1200 * M)
    assert got["tv_by_revenue"] == 1.0 and got["tv_by_profit"] == 0.0
    assert got["terminal_value"] == approx(1200 * M)
    assert got["tv_to_share"] == approx(350 * M)
    assert got["tv_share_nonprofit"] == approx(350 * M)


CAPPED = parties(microsoft=party("microsoft", cap=200 * M, equity=0.27))


def test_a_cap_that_binds_inside_the_terminal_value() -> None:
    """One tier, Microsoft 50 % capped at $200M (overflow to the nonprofit), the nonprofit
    50 %. Six months: Microsoft receives 12.5 a month, 75 in all. Profit multiple 10 on an
    LTM profit of 150 x 12 / 6 = 300: TV = 3,000. Microsoft's gross half is 1,500 but its
    room is 200 - 75 = 125; the nonprofit gets its 1,500 and the 1,375 beyond the cap."""
    a = custom(parties=CAPPED, tiers=(tier(1, None, None, microsoft=0.5, nonprofit=0.5),),
               terminal_profit_multiple=10.0)
    got = tv(a)
    assert got["terminal_value"] == approx(3000 * M)
    assert got["tv_share_microsoft"] == approx(125 * M)
    assert got["tv_share_nonprofit"] == approx(2875 * M)
    assert got["tv_undistributed"] == approx(0.0)


def test_a_hurdle_met_inside_the_terminal_value() -> None:
    """Three months; tier 1 runs until Microsoft has $100M at 75 / 25, tier 2 splits
    49 / 49 / 2. Microsoft has 3 x 18.75 = 56.25. Profit multiple 1 on LTM 300: tier 1
    takes (100 - 56.25) / 0.75 = 58.333..., Microsoft 43.75 (reaching 100) and the others
    14.583...; tier 2 the other 241.666...: 49 %, 49 %, 2 % of it."""
    tiers = (tier(1, "microsoft", 100 * M, microsoft=0.75, employees_investors=0.25),
             tier(2, None, None, microsoft=0.49, employees_investors=0.49, nonprofit=0.02))
    got = tv(custom(horizon=3, tiers=tiers, terminal_profit_multiple=1.0))
    t1 = 43.75 / 0.75
    rest = 300 - t1
    assert got["tv_tier1_absorbed"] == approx(t1 * M)
    assert got["tv_share_microsoft"] == approx((43.75 + 0.49 * rest) * M)
    assert got["tv_share_employees_investors"] == approx((0.25 * t1 + 0.49 * rest) * M)
    assert got["tv_share_nonprofit"] == approx(0.02 * rest * M)


def test_moic_and_irr_with_the_terminal_value() -> None:
    """Microsoft invests $50M on 2029-01-01 and takes all of three months of $25M; profit
    multiple 2 on LTM 300 gives 600 at 2030-03-31. MOIC 75 / 50 without, 675 / 50 with."""
    from model.inputs.assumptions import Investment
    a = dataclasses.replace(
        custom(horizon=3, tiers=(tier(1, None, None, microsoft=1.0),),
               terminal_profit_multiple=2.0), scenarios=None, selected=None,
        investments=(Investment("microsoft", dt.date(2029, 1, 1), 50 * M),))
    v = {x.key: x for x in party_values(run(a))}["microsoft"]
    assert v.moic == approx(1.5)
    assert v.moic_tv == approx(13.5)
    d0 = dt.date(2029, 1, 1)
    flows = [(d0, -50.0), (dt.date(2030, 1, 31), 25.0), (dt.date(2030, 2, 28), 25.0),
             (dt.date(2030, 3, 31), 625.0)]

    def f(r: float) -> float:
        return sum(x / (1 + r) ** ((d - d0).days / 365) for d, x in flows)

    lo, hi = 0.0, 100.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) > 0 else (lo, mid)
    assert v.irr_tv == pytest.approx(lo, abs=1e-9)


# ------------------------------------------------------------------ invariants

@st.composite
def structures(draw: st.DrawFn) -> tuple[tuple[Party, ...], tuple[Tier, ...], dict[str, object]]:
    """Any caps (some small enough to bind), any overflow to an uncapped party, one to
    three tiers with hurdles and random shares, and the waterfall in force or ended."""
    caps = {k: draw(st.one_of(st.none(), st.floats(0.0, 400.0))) for k in KEYS[:3]}
    ps = tuple(dataclasses.replace(party(k, cap=None if caps.get(k) is None
                                         else caps[k] * M),  # type: ignore[operator]
                                   equity_share=e)
               for k, e in zip(KEYS, (0.1, 0.3, 0.35, 0.25), strict=True))
    n = draw(st.integers(1, 3))
    tiers = []
    for i in range(1, n + 1):
        w = [draw(st.floats(0.01, 1.0)) for _ in KEYS]
        hurdle_party = None if i == n else draw(st.sampled_from(KEYS))
        if hurdle_party is not None:
            w[KEYS.index(hurdle_party)] += 0.01
        total = sum(w)
        tiers.append(tier(i, hurdle_party, None if hurdle_party is None
                          else draw(st.floats(1.0, 500.0)) * M,
                          **{k: x / total for k, x in zip(KEYS, w, strict=True)}))
    inputs = {"terminal_profit_multiple": draw(st.floats(0.5, 30.0)),
              "horizon": draw(st.integers(1, 24)),
              "waterfall_end_month": draw(st.sampled_from([None, dt.date(2030, 4, 1)]))}
    return ps, tuple(tiers), inputs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(structures())
def test_shares_add_up_and_no_capped_share_exceeds_its_room(
        s: tuple[tuple[Party, ...], tuple[Tier, ...], dict[str, object]]) -> None:
    ps, tiers, inputs = s
    horizon = int(inputs.pop("horizon"))  # type: ignore[call-overload]
    r = run(custom(horizon=horizon, parties=ps, tiers=tiers, **inputs))
    got = terminal.values(r)
    shares = [got[f"tv_share_{k}"] for k in KEYS]
    total = math.fsum(shares) + got["tv_undistributed"]
    assert total == pytest.approx(got["tv_to_share"], rel=1e-9, abs=1e-6)
    assert got["tv_undistributed"] == pytest.approx(0.0, abs=1e-6)  # last tier takes all
    assert all(x >= -1e-6 for x in shares)
    if r.last("equity_split_active") == 0:
        for p in ps:
            if p.capped:
                room = max(0.0, r.last(f"cap_{p.key}") - r.last(f"cum_{p.key}"))
                assert got[f"tv_share_{p.key}"] <= room * (1 + 1e-9) + 1e-6


# ------------------------------------------------------------------ in the workbook

def _capped_case() -> object:
    a = custom(parties=CAPPED, tiers=(tier(1, None, None, microsoft=0.5, nonprofit=0.5),),
               terminal_profit_multiple=10.0)
    return dataclasses.replace(a, scenarios=None, selected=None)


@pytest.mark.parametrize("engine", ["ironcalc", "libreoffice"])
def test_the_cap_case_recalculates_to_the_hand_numbers(engine: str, tmp_path: Path,
                                                       request: pytest.FixtureRequest) -> None:
    path, _ = build(tmp_path, _capped_case())  # type: ignore[arg-type]
    if engine == "ironcalc":
        values = recalc_values_ironcalc(path)
    else:
        request.getfixturevalue("libreoffice")
        values = recalc_values_libreoffice(path, tmp_path)
    got = valuation_cells(values, path)
    for key, want in (("terminal_value", 3000 * M), ("tv_share_microsoft", 125 * M),
                      ("tv_share_nonprofit", 2875 * M), ("tv_undistributed", 0.0)):
        assert got[key] == pytest.approx(want, rel=1e-9, abs=1e-6), key
