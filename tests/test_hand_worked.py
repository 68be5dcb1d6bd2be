"""Hand-worked tests: the expected numbers are worked out here, from the specification
(issue 2, section 2 "What the model computes, month by month"), with plain arithmetic.

Nothing expected is taken from the engine: the tests read only *inputs* (the worked case
written below, or the small custom assumptions built below) and compare the engine's lines
with the arithmetic written out in each test.

Part 1 walks the first months of the worked case (the seed's figures, from April 2024).
Part 2 builds small custom cases in which every month's operating profit is a round
number, so the waterfall's edge cases can be followed line by line. Part 3 checks
invariants of the worked case over the horizon.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import pytest

from model.core.engine import run
from model.core.results import Results
from model.inputs.assumptions import Assumptions, Party, Tier
from model.inputs.defaults import default_assumptions

# Relative tolerance of every comparison. The engine and the arithmetic below evaluate the
# same formulas in double precision, at most in a different order, so they agree to a few
# ulps (~1e-16 relative) per operation; 1e-12 leaves room for the error to accumulate over
# the compounded months tested here while still catching any wrong formula, term or month.
REL = 1e-12
# Absolute tolerance, used together with REL, for amounts that are exactly 0 by hand
# (a relative tolerance cannot match 0) or that come out of a cancellation (profit minus
# losses brought in). A millionth of a dollar is far below any real error.
ABS = 1e-6
# Looser absolute tolerance for the waterfall-sum invariant over ten years of the default
# case, as the brief allows: sums of four distributions of up to ~$1B a month.
ABS_SUM = 1e-3

M = 1e6  # amounts in the custom cases are written in $M


def approx(x: float) -> object:
    return pytest.approx(x, rel=REL, abs=ABS)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL, abs_tol=ABS)


def at(r: Results, key: str, t: int) -> float:
    """Line ``key`` in modelled month t (1-based)."""
    return r.row(key)[t - 1]


def opening(r: Results, key: str) -> float:
    """Line ``key`` in the opening column (the month before start)."""
    return r.raw[r.index[key]][0]


def first(r: Results, key: str, n: int) -> list[float]:
    return r.row(key)[:n]


def add_months(d: dt.date, n: int) -> dt.date:
    m = d.month - 1 + n
    return dt.date(d.year + m // 12, m % 12 + 1, 1)


# =============================================================================================
# Part 1: the first months of the default case
# =============================================================================================

# The case worked by hand has inputs of its own, written here: the seed article's figures
# (the API and Azure OpenAI at $1B annualized, the ChatGPT plans scaled to $2.2B, the costs
# The Information projected for 2024), a start in April 2024 and one Schedule row a year.
# The shipped defaults are calibrated to the reported history and move when it does; this
# case does not.
_YEARS = tuple(range(2024, 2035))
_API_GROWTH = (2.00, 1.00, 0.70, 0.50, 0.40, 0.30, 0.25, 0.20, 0.15, 0.12, 0.10)
_MARGIN = (0.40, 0.45, 0.50, 0.55, 0.60, 0.60, 0.60, 0.60, 0.60, 0.60, 0.60)
_OPEX = (0.20, 0.18, 0.16, 0.14, 0.12, 0.10, 0.10, 0.10, 0.10, 0.10, 0.10)
_COST_GROWTH = {
    "training_compute": (1.00, 0.50, 0.30, 0.20, 0.10, 0.05, 0.05, 0.03, 0.03, 0.03, 0.03),
    "staff": (0.50, 0.35, 0.25, 0.15, 0.10, 0.08, 0.06, 0.05, 0.05, 0.05, 0.05)}
_STREAM_ARR = {"chatgpt_plus": 1_439e6, "chatgpt_enterprise": 541e6, "chatgpt_team": 220e6}
_COST_OPENING = {"training_compute": 250e6, "staff": 125e6}


def _worked_row(i: int) -> dict[str, object]:
    row: dict[str, object] = {
        "from_month": dt.date(_YEARS[i], 1, 1), "api_growth": _API_GROWTH[i],
        "azure_payg_growth": 1.189 if i < 2 else _API_GROWTH[i],
        "ptu_customer_growth": 0.50 if i < 3 else 0.25, "api_gross_margin": _MARGIN[i],
        "azure_gross_margin": _MARGIN[i], "compute_commission": 0.0 if i == 0 else 0.10,
        "openai_opex_pct": _OPEX[i], "azure_to_openai_share": 0.20,
        "api_to_microsoft_share": 0.20}
    for k in _STREAM_ARR:
        row[f"{k}_growth"], row[f"{k}_gross_margin"] = _API_GROWTH[i], _MARGIN[i]
    for k, g in _COST_GROWTH.items():
        row[f"{k}_growth"] = g[i]
    return row


WORKED_SCHEDULE = tuple(_worked_row(i) for i in range(len(_YEARS)))


def worked_case() -> Assumptions:
    base = default_assumptions()
    inputs = {**base.inputs, "start_month": dt.date(2024, 4, 1), "api_arr_opening": 1e9,
              "azure_arr_opening": 1e9}
    return replace(base, inputs=inputs, schedule=WORKED_SCHEDULE, actuals=(),
                   streams=tuple(replace(x, arr_opening=_STREAM_ARR[x.key])
                                 for x in base.streams),
                   costs=tuple(replace(x, monthly_opening=_COST_OPENING[x.key])
                               for x in base.costs))


WORKED = worked_case()
DI = WORKED.inputs


def sched_default(month: dt.date, key: str) -> float:
    """The worked case's Schedule value in force in ``month``: the last row starting on or
    before it."""
    rows = [row for row in WORKED_SCHEDULE
            if row["from_month"] <= month]  # type: ignore[operator]
    return float(rows[-1][key])  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def default() -> Results:
    return run(WORKED)


def test_default_inputs_are_the_ones_worked_by_hand() -> None:
    """The hand arithmetic below assumes these defaults (start April 2024, the fee cut in
    June 2024 = month 3, no commission in 2024, a new schedule row in January 2025)."""
    assert DI["start_month"] == dt.date(2024, 4, 1)
    assert DI["ptu_fee_cut_month"] == dt.date(2024, 6, 1)
    assert DI["api_arr_opening"] == 1e9
    assert DI["azure_arr_opening"] == 1e9
    assert DI["loss_carryforward"] is True
    assert DI["opening_cumulative_losses"] == 0
    assert DI["revshare_api_to_microsoft_cap_usd"] is None
    assert DI["waterfall_end_month"] is None
    assert sched_default(dt.date(2024, 4, 1), "api_growth") == 2.0
    assert sched_default(dt.date(2024, 4, 1), "compute_commission") == 0.0
    assert sched_default(dt.date(2025, 1, 1), "compute_commission") == 0.10


def _hand_default() -> dict[str, list[float]]:
    """Months 0 (opening) to 4 of the default case, by hand. Index = month t."""
    apr = dt.date(2024, 4, 1)
    fee_uncut = float(DI["ptu_monthly_fee_before_cut"])  # type: ignore[arg-type]  # 246,667
    cut = float(DI["ptu_fee_cut"])  # type: ignore[arg-type]  # 0.25
    cust0 = float(DI["ptu_customers_opening"])  # type: ignore[arg-type]  # 60
    api0 = 1e9 / 12  # api_arr_opening / 12
    # Monthly growth factors of 2024: (1 + annual rate)^(1/12).
    g_api = (1 + 2.0) ** (1 / 12)  # api_growth 200 % in 2024
    g_ptu = (1 + sched_default(apr, "ptu_customer_growth")) ** (1 / 12)  # 50 %
    g_payg = (1 + sched_default(apr, "azure_payg_growth")) ** (1 / 12)  # 118.9 %

    api = [api0, api0 * g_api, api0 * g_api * g_api, api0 * g_api * g_api * g_api,
           api0 * g_api * g_api * g_api * g_api]
    # Opening month = March 2024 and months 1, 2 = April, May: before the cut.
    # From month 3 = June 2024 on: the fee is cut by 25 %: 246,667 x 0.75 = 185,000.25.
    fee_cut = fee_uncut * (1 - cut)
    fee = [fee_uncut, fee_uncut, fee_uncut, fee_cut, fee_cut]
    cust = [cust0, cust0 * g_ptu, cust0 * g_ptu * g_ptu, cust0 * g_ptu * g_ptu * g_ptu,
            cust0 * g_ptu * g_ptu * g_ptu * g_ptu]
    ptu = [c * f for c, f in zip(cust, fee, strict=True)]
    # payg opens at azure_arr_opening / 12 - ptu_customers_opening x the uncut fee
    # = 83,333,333.33 - 60 x 246,667 = 68,533,313.33.
    payg0 = 1e9 / 12 - cust0 * fee_uncut
    payg = [payg0, payg0 * g_payg, payg0 * g_payg * g_payg, payg0 * g_payg * g_payg * g_payg,
            payg0 * g_payg * g_payg * g_payg * g_payg]
    azure = [p + q for p, q in zip(ptu, payg, strict=True)]

    # The streams (ChatGPT Plus, Enterprise, Team) open at arr_opening / 12 and grow, in
    # 2024, at the API's 200 % a year; the costs open at monthly_opening and grow at
    # 100 % (training compute) and 50 % (staff) a year.
    arr = {"chatgpt_plus": 1_439e6, "chatgpt_enterprise": 541e6, "chatgpt_team": 220e6}
    streams = {k: [v / 12 * g_api ** t for t in range(5)] for k, v in arr.items()}
    revenue = [api[t] + sum(streams[k][t] for k in arr) for t in range(5)]
    training = [250e6 * 2 ** (t / 12) for t in range(5)]
    staff = [125e6 * 1.5 ** (t / 12) for t in range(5)]

    # 2024 schedule: margins 40 % (the API's and the streams'), commission 0, opex 20 % of
    # the whole revenue, both revenue shares 20 %; every stream pays the share.
    rs_az = [0.20 * x for x in azure]
    rs_api = [0.20 * x for x in revenue]
    cost = [x * (1 - 0.40) for x in api]
    commission = [c * 0.0 for c in cost]
    api_gross = [x - c - k for x, c, k in zip(api, cost, commission, strict=True)]
    gross = [g + sum(streams[k][t] * 0.40 for k in arr) for t, g in enumerate(api_gross)]
    opex = [x * 0.20 for x in revenue]
    profit = [gross[t] - rs_api[t] + rs_az[t] - opex[t] - training[t] - staff[t]
              for t in range(5)]
    azure_gp = [x * 0.40 for x in azure]
    return {"api_revenue": api, "ptu_fee": fee, "ptu_customers": cust, "ptu_revenue": ptu,
            "payg_revenue": payg, "azure_revenue": azure, "revshare_azure_to_openai": rs_az,
            "revshare_api_to_microsoft": rs_api, "openai_compute_cost": cost,
            "compute_commission": commission, "api_gross_profit": api_gross,
            "openai_gross_profit": gross, "openai_revenue": revenue,
            "openai_opex": opex, "openai_operating_profit": profit,
            "azure_gross_profit": azure_gp, "training_compute_cost": training,
            "staff_cost": staff, **{f"{k}_revenue": v for k, v in streams.items()}}


H = _hand_default()


def test_default_api_revenue_and_arr(default: Results) -> None:
    assert opening(default, "api_revenue") == approx(1e9 / 12)
    assert opening(default, "api_arr") == approx(1e9)
    g = 3 ** (1 / 12)  # (1 + 200 %)^(1/12) = 1.0959...
    assert at(default, "api_revenue", 1) == approx(1e9 / 12 * g)
    assert at(default, "api_revenue", 2) == approx(1e9 / 12 * g ** 2)
    assert at(default, "api_revenue", 3) == approx(1e9 / 12 * g ** 3)
    # Three months of 200 % annual growth: a quarter of a year, 3^(1/4).
    assert at(default, "api_revenue", 3) == approx(1e9 / 12 * 3 ** 0.25)
    for t in (1, 2, 3):
        assert at(default, "api_arr", t) == approx(12 * H["api_revenue"][t])


def test_default_ptu_fee_before_and_after_the_cut(default: Results) -> None:
    assert opening(default, "ptu_fee") == approx(246_667)  # March 2024
    assert at(default, "ptu_fee", 1) == approx(246_667)  # April
    assert at(default, "ptu_fee", 2) == approx(246_667)  # May
    assert at(default, "ptu_fee", 3) == approx(185_000.25)  # June: 246,667 x (1 - 0.25)
    assert at(default, "ptu_fee", 4) == approx(185_000.25)  # and on


def test_default_ptu_customers_and_revenue(default: Results) -> None:
    assert opening(default, "ptu_customers") == approx(60)
    assert at(default, "ptu_customers", 3) == approx(60 * 1.5 ** 0.25)  # a quarter of +50 %
    for t in range(0, 5):
        got_c = opening(default, "ptu_customers") if t == 0 else at(default, "ptu_customers", t)
        got_r = opening(default, "ptu_revenue") if t == 0 else at(default, "ptu_revenue", t)
        assert got_c == approx(H["ptu_customers"][t])
        assert got_r == approx(H["ptu_revenue"][t])
    # June: customers x the cut fee.
    assert at(default, "ptu_revenue", 3) == approx(60 * 1.5 ** 0.25 * 185_000.25)


def test_default_payg_and_azure_revenue(default: Results) -> None:
    # 1e9 / 12 - 60 x 246,667 = 83,333,333.33 - 14,800,020 = 68,533,313.33
    assert opening(default, "payg_revenue") == approx(1e9 / 12 - 14_800_020)
    assert opening(default, "azure_revenue") == approx(1e9 / 12)
    assert opening(default, "azure_arr") == approx(1e9)
    for t in (1, 2, 3, 4):
        assert at(default, "payg_revenue", t) == approx(H["payg_revenue"][t])
        assert at(default, "azure_revenue", t) == approx(H["azure_revenue"][t])
        assert at(default, "azure_arr", t) == approx(12 * H["azure_revenue"][t])


def test_default_streams_and_costs(default: Results) -> None:
    """The whole company opens at $1B (API) + $2.2B (ChatGPT) = $3.2B annualized."""
    assert opening(default, "openai_arr") == approx(3.2e9)
    assert opening(default, "chatgpt_plus_revenue") == approx(1_439e6 / 12)
    assert opening(default, "training_compute_cost") == approx(250e6)
    for key in ("chatgpt_plus_revenue", "chatgpt_enterprise_revenue", "chatgpt_team_revenue",
                "openai_revenue", "training_compute_cost", "staff_cost"):
        for t in (1, 2, 3, 4):
            assert at(default, key, t) == approx(H[key][t]), (key, t)
    # A quarter of 200 % a year on ChatGPT Team's $220M: 220 / 12 x 3^(1/4).
    assert at(default, "chatgpt_team_revenue", 3) == approx(220e6 / 12 * 3 ** 0.25)
    assert at(default, "staff_cost", 3) == approx(125e6 * 1.5 ** 0.25)


def test_default_revenue_share_both_ways(default: Results) -> None:
    for t in (1, 2, 3):
        assert at(default, "revshare_azure_to_openai", t) == approx(
            0.20 * H["azure_revenue"][t])
        # The API and all three streams pay the share.
        assert at(default, "revshare_api_to_microsoft", t) == approx(
            0.20 * H["openai_revenue"][t])
        assert at(default, "revshare_net", t) == approx(
            0.20 * H["azure_revenue"][t] - 0.20 * H["openai_revenue"][t])
        # No cap by default: the cumulative payment is the plain running sum.
        assert at(default, "cum_revshare_api_to_microsoft", t) == approx(
            sum(0.20 * H["openai_revenue"][s] for s in range(1, t + 1)))


def test_default_margins_and_operating_profit(default: Results) -> None:
    for t in (1, 2, 3):
        api, revenue = H["api_revenue"][t], H["openai_revenue"][t]
        assert at(default, "openai_compute_cost", t) == approx(api * 0.60)
        assert at(default, "compute_commission", t) == 0.0  # no commission in 2024
        assert at(default, "api_gross_profit", t) == approx(api * 0.40)
        assert at(default, "chatgpt_plus_gross_profit", t) == approx(
            H["chatgpt_plus_revenue"][t] * 0.40)
        assert at(default, "openai_gross_profit", t) == approx(revenue * 0.40)
        assert at(default, "openai_opex", t) == approx(revenue * 0.20)
        assert at(default, "azure_gross_profit", t) == approx(H["azure_revenue"][t] * 0.40)
        # gross 40 % - revshare 20 % - opex 20 % of the whole revenue, + 20 % of Azure
        # revenue, - the two costs: 0.20 x Azure revenue - training - staff.
        expected = (0.20 * H["azure_revenue"][t] - H["training_compute_cost"][t]
                    - H["staff_cost"][t])
        assert at(default, "openai_operating_profit", t) == approx(expected)
        assert at(default, "openai_operating_profit", t) == approx(
            H["openai_operating_profit"][t])


def test_default_commission_starts_in_january_2025(default: Results) -> None:
    # Month 10 = January 2025: nine months at 200 % a year, then one at 100 % a year.
    assert default.timeline.months[10] == dt.date(2025, 1, 1)
    api = 1e9 / 12
    for _ in range(9):
        api *= 3 ** (1 / 12)
    assert at(default, "compute_commission", 9) == 0.0  # December 2024
    api *= 2 ** (1 / 12)
    assert at(default, "api_revenue", 10) == approx(api)
    # 2025: api_gross_margin 45 %, commission 10 % on top of the compute cost.
    assert at(default, "openai_compute_cost", 10) == approx(api * 0.55)
    assert at(default, "api_gross_profit", 10) == approx(api - api * 0.55 - api * 0.055)
    # The commission is on all of OpenAI's compute on Azure: the API's, the streams'
    # (compute_on_azure 1: revenue x (1 - 45 %); they grow as the API, from $2.2B a year)
    # and training compute's (on_azure 1: $250M a month, +100 % a year in 2024, +50 % in
    # 2025); staff (on_azure 0) pays none.
    chatgpt = 2.2e9 / 12 * api / (1e9 / 12)
    training = 250e6 * 2 ** (9 / 12) * 1.5 ** (1 / 12)
    assert at(default, "openai_azure_compute", 10) == approx(
        api * 0.55 + chatgpt * 0.55 + training)
    assert at(default, "compute_commission", 10) == approx(
        0.10 * (api * 0.55 + chatgpt * 0.55 + training))


def test_default_losses_at_the_start_are_carried_forward(default: Results) -> None:
    p = H["openai_operating_profit"]
    assert p[1] < 0 and p[2] < 0 and p[3] < 0  # the default case opens with losses
    assert opening(default, "cumulative_losses") == 0.0
    assert first(default, "distributable_profit", 3) == [0.0, 0.0, 0.0]
    assert at(default, "cumulative_losses", 1) == approx(-p[1])
    assert at(default, "cumulative_losses", 2) == approx(-p[1] - p[2])
    assert at(default, "cumulative_losses", 3) == approx(-p[1] - p[2] - p[3])
    for key in ("dist_first_investors", "dist_microsoft", "dist_employees_investors",
                "dist_nonprofit", "undistributed"):
        assert first(default, key, 3) == [0.0, 0.0, 0.0]


def test_default_microsoft_total_take(default: Results) -> None:
    for t in (1, 2, 3):
        # Azure gross profit - revshare paid to OpenAI + revshare received + commission (0)
        # + distribution (0 while losses are carried).
        expected = (H["azure_gross_profit"][t] - H["revshare_azure_to_openai"][t]
                    + H["revshare_api_to_microsoft"][t] + 0.0 + 0.0)
        assert at(default, "microsoft_total_take", t) == approx(expected)
        # = Azure revenue x (40 % - 20 %) + OpenAI's whole revenue x 20 %.
        assert at(default, "microsoft_total_take", t) == approx(
            0.20 * H["azure_revenue"][t] + 0.20 * H["openai_revenue"][t])


def _default_reference(n: int) -> dict[str, list[float]]:
    """The spec's revenue -> operating profit -> carry-forward -> tier 1 chain, for months
    1..n of the default case, written independently of the engine (index t - 1)."""
    start = dt.date(2024, 4, 1)
    api = 1e9 / 12
    streams = {k: v / 12 for k, v in _STREAM_ARR.items()}
    costs = dict(_COST_OPENING)
    cust = 60.0
    fee_uncut = 246_667.0
    payg = 1e9 / 12 - cust * fee_uncut
    losses = 0.0
    cum_fi = 0.0
    out: dict[str, list[float]] = {"openai_operating_profit": [], "distributable_profit": [],
                                   "cumulative_losses": [], "dist_first_investors": []}
    for t in range(1, n + 1):
        month = add_months(start, t - 1)

        def s(key: str, month: dt.date = month) -> float:
            return sched_default(month, key)

        api *= (1 + s("api_growth")) ** (1 / 12)
        cust *= (1 + s("ptu_customer_growth")) ** (1 / 12)
        payg *= (1 + s("azure_payg_growth")) ** (1 / 12)
        fee = fee_uncut * (1 - 0.25) if month >= dt.date(2024, 6, 1) else fee_uncut
        azure = cust * fee + payg
        for k in streams:
            streams[k] *= (1 + s(k + "_growth")) ** (1 / 12)
        for k in costs:
            costs[k] *= (1 + s(k + "_growth")) ** (1 / 12)
        revenue = api + sum(streams.values())  # every default stream pays the share
        cost = api * (1 - s("api_gross_margin"))
        rate = s("compute_commission")  # on the API's, the streams' and training's compute
        gross = (api - cost - cost * rate
                 + sum(v * s(k + "_gross_margin") - v * (1 - s(k + "_gross_margin")) * rate
                       for k, v in streams.items()))
        profit = (gross - s("api_to_microsoft_share") * revenue
                  + s("azure_to_openai_share") * azure - revenue * s("openai_opex_pct")
                  - sum(costs.values()) - costs["training_compute"] * rate)
        dist = max(0.0, profit - losses)
        losses = max(0.0, losses - profit)
        # Tier 1 (first investors, hurdle $1B, share 1) takes everything until $1B.
        to_fi = min(dist, 1e9 - cum_fi)
        cum_fi += to_fi
        out["openai_operating_profit"].append(profit)
        out["distributable_profit"].append(dist)
        out["cumulative_losses"].append(losses)
        out["dist_first_investors"].append(to_fi)
    return out


def test_default_losses_are_earned_back_before_anything_is_distributed(
        default: Results) -> None:
    n = 120
    ref = _default_reference(n)
    profit, dist = ref["openai_operating_profit"], ref["distributable_profit"]
    first_profit = next(t for t in range(n) if profit[t] > 0)
    first_dist = next(t for t in range(n) if dist[t] > 0)
    # The situation this test is about: profitable months whose profit only pays back
    # earlier losses, before the first distribution.
    assert first_dist > first_profit
    assert sum(dist[:first_dist]) == 0.0
    # Tier 1 takes the first distribution, up to the first investors' $1B.
    assert ref["dist_first_investors"][first_dist] == min(dist[first_dist], 1e9)
    for key, values in ref.items():
        got = first(default, key, n)
        assert got == [approx(v) for v in values], key
    assert first(default, "distributable_profit", first_dist) == [0.0] * first_dist


# =============================================================================================
# Part 2: waterfall edge cases on small custom assumptions
# =============================================================================================
#
# Every custom case has API revenue of exactly $100M a month (api_arr_opening 1.2e9, zero
# growth) and no Azure revenue (azure_arr_opening 0, no PTU customers). With an API gross
# margin of 50 %, no commission and no revenue share, the month's operating profit is
#     100 - 50 - opex_pct x 100   ($M)
# so opex 25 % gives +25, opex 0 gives +50, opex 75 % gives -25, opex 12.5 % gives +37.5.

START = dt.date(2030, 1, 1)


def srow(from_month: dt.date, *, opex: float = 0.25, api_share: float = 0.0) -> dict[str, object]:
    return {"from_month": from_month, "api_growth": 0.0, "azure_payg_growth": 0.0,
            "ptu_customer_growth": 0.0, "api_gross_margin": 0.50, "azure_gross_margin": 0.50,
            "compute_commission": 0.0, "openai_opex_pct": opex, "azure_to_openai_share": 0.0,
            "api_to_microsoft_share": api_share}


def party(key: str, *, cap: float | None = None, growth: float | None = None,
          growth_from: int | None = None, equity: float = 0.0) -> Party:
    return Party(key=key, label=key, cap_usd=cap, cap_growth=growth,
                 cap_growth_from=growth_from,
                 overflow_to=None if key == "nonprofit" else "nonprofit", equity_share=equity)


KEYS = ("first_investors", "microsoft", "employees_investors", "nonprofit")


def parties(**caps: Party) -> tuple[Party, ...]:
    """The four default party keys, uncapped unless given; equity 0 / 27 / 47 / 26 %."""
    equity = {"first_investors": 0.0, "microsoft": 0.27, "employees_investors": 0.47,
              "nonprofit": 0.26}
    return tuple(caps.get(k, party(k, equity=equity[k])) for k in KEYS)


def tier(number: int, hurdle_party: str | None, hurdle: float | None,
         **shares: float) -> Tier:
    return Tier(number=number, name=f"tier {number}", hurdle_party=hurdle_party,
                hurdle_usd=hurdle, shares={k: shares.get(k, 0.0) for k in KEYS})


def custom(*, horizon: int = 6, start: dt.date = START,
           schedule: tuple[dict[str, object], ...] | None = None,
           parties: tuple[Party, ...] | None = None, tiers: tuple[Tier, ...] | None = None,
           **inputs: object) -> Assumptions:
    base = default_assumptions()
    values = dict(base.inputs)
    values.update({
        "start_month": start, "horizon_months": float(horizon),
        "api_arr_opening": 1.2e9, "azure_arr_opening": 0.0, "ptu_customers_opening": 0.0,
        "ptu_fee_cut_month": start, "loss_carryforward": True,
        "opening_cumulative_losses": 0.0, "revshare_api_to_microsoft_cap_usd": None,
        "waterfall_end_month": None})
    values.update(inputs)
    return replace(base, inputs=values,
                   schedule=schedule if schedule is not None else (srow(start),),
                   parties=parties if parties is not None else PARTIES_UNCAPPED,
                   tiers=tiers if tiers is not None else (tier(1, None, None, nonprofit=1.0),),
                   streams=(), costs=())  # the API alone, as a workbook without Streams


PARTIES_UNCAPPED = parties()


def test_custom_base_profit_is_25m_a_month() -> None:
    """The premise of part 2: $100M of API revenue and $25M of operating profit a month."""
    r = run(custom())
    assert first(r, "api_revenue", 6) == [approx(100 * M)] * 6
    assert first(r, "azure_revenue", 6) == [approx(0.0)] * 6
    assert first(r, "openai_operating_profit", 6) == [approx(25 * M)] * 6
    assert first(r, "distributable_profit", 6) == [approx(25 * M)] * 6
    assert first(r, "dist_nonprofit", 6) == [approx(25 * M)] * 6
    assert first(r, "cum_nonprofit", 3) == [approx(25 * M), approx(50 * M), approx(75 * M)]


# ------------------------------------------------------------------ hurdle crossed mid-month

HURDLE_TIERS = (
    tier(1, "first_investors", 60 * M, first_investors=1.0),
    tier(2, "microsoft", 24 * M, microsoft=0.75, employees_investors=0.25),
    tier(3, None, None, microsoft=0.49, employees_investors=0.49, nonprofit=0.02),
)


def test_hurdle_crossed_mid_month_splits_the_month_across_tiers() -> None:
    r = run(custom(tiers=HURDLE_TIERS))
    # Months 1, 2: tier 1 takes all 25 (room 60, then 35). First investors have 50.
    # Month 3: tier 1 has room (60 - 50) / 1 = 10, so absorbs 10; 15 flows on to tier 2,
    #   whose room is (24 - 0) / 0.75 = 32 > 15: all 15 -> Microsoft 11.25, others 3.75.
    # Month 4: tier 1 is done. Tier 2 room (24 - 11.25) / 0.75 = 17 < 25: it absorbs 17
    #   -> Microsoft 12.75 (reaching exactly 24), others 4.25; tier 3 gets the other 8
    #   -> Microsoft 0.49 x 8 = 3.92, others 3.92, nonprofit 0.02 x 8 = 0.16.
    # Month 5: all 25 in tier 3 -> 12.25 / 12.25 / 0.5.
    assert first(r, "tier1_absorbed", 5) == [approx(x * M) for x in (25, 25, 10, 0, 0)]
    assert first(r, "tier2_available", 5) == [approx(x * M) for x in (0, 0, 15, 25, 25)]
    assert first(r, "tier2_absorbed", 5) == [approx(x * M) for x in (0, 0, 15, 17, 0)]
    assert first(r, "tier3_available", 5) == [approx(x * M) for x in (0, 0, 0, 8, 25)]
    assert at(r, "tier2_microsoft", 4) == approx(12.75 * M)
    assert at(r, "tier2_employees_investors", 4) == approx(4.25 * M)
    assert at(r, "tier3_microsoft", 4) == approx(0.49 * 8 * M)
    assert at(r, "tier3_nonprofit", 4) == approx(0.02 * 8 * M)

    assert first(r, "dist_first_investors", 5) == [approx(x * M) for x in (25, 25, 10, 0, 0)]
    assert first(r, "dist_microsoft", 5) == [
        approx(x * M) for x in (0, 0, 11.25, 12.75 + 0.49 * 8, 0.49 * 25)]
    assert first(r, "dist_employees_investors", 5) == [
        approx(x * M) for x in (0, 0, 3.75, 4.25 + 0.49 * 8, 0.49 * 25)]
    assert first(r, "dist_nonprofit", 5) == [
        approx(x * M) for x in (0, 0, 0, 0.02 * 8, 0.02 * 25)]
    assert first(r, "undistributed", 5) == [approx(0.0)] * 5
    assert at(r, "cum_first_investors", 5) == approx(60 * M)
    assert at(r, "cum_microsoft", 4) == approx((24 + 3.92) * M)
    assert r.first_month("tier1_hurdle_met") == dt.date(2030, 3, 1)
    assert r.first_month("tier2_hurdle_met") == dt.date(2030, 4, 1)


# ---------------------------------------------------------------- cap binds and overflows

def test_cap_binds_and_overflows_to_the_nonprofit() -> None:
    caps = parties(
        microsoft=party("microsoft", cap=40 * M, growth=0.0, growth_from=2030, equity=0.27),
        employees_investors=party("employees_investors", cap=35 * M, growth=0.0,
                                  growth_from=2030, equity=0.47))
    tiers = (tier(1, None, None, microsoft=0.6, employees_investors=0.4),)
    r = run(custom(parties=caps, tiers=tiers))
    # Shares of 25 a month: Microsoft 15, employees and investors 10.
    # Microsoft (cap 40): 15, 15, then room 10 -> 10 + overflow 5, then 0 + overflow 15.
    # Employees (cap 35): 10, 10, 10, then room 5 -> 5 + overflow 5, then 0 + overflow 10.
    # The nonprofit receives the overflows: 0, 0, 5, 15 + 5, 15 + 10, 25.
    assert first(r, "cap_microsoft", 6) == [approx(40 * M)] * 6  # 0 % growth
    assert first(r, "dist_microsoft", 6) == [approx(x * M) for x in (15, 15, 10, 0, 0, 0)]
    assert first(r, "dist_employees_investors", 6) == [
        approx(x * M) for x in (10, 10, 10, 5, 0, 0)]
    assert first(r, "dist_nonprofit", 6) == [approx(x * M) for x in (0, 0, 5, 20, 25, 25)]
    assert first(r, "overflow_microsoft", 6) == [approx(x * M) for x in (0, 0, 5, 15, 15, 15)]
    assert first(r, "overflow_employees_investors", 6) == [
        approx(x * M) for x in (0, 0, 0, 5, 10, 10)]
    assert first(r, "cap_binds_microsoft", 6) == [0, 0, 1, 1, 1, 1]
    assert r.first_month("cap_binds_microsoft") == dt.date(2030, 3, 1)
    assert r.first_month("cap_binds_employees_investors") == dt.date(2030, 4, 1)
    assert r.last("cum_microsoft") == approx(40 * M)
    assert r.last("cum_employees_investors") == approx(35 * M)
    assert r.last("cum_nonprofit") == approx((6 * 25 - 75) * M)
    assert first(r, "check_cap_microsoft", 6) == [0.0] * 6
    assert first(r, "check_waterfall_sum", 6) == [0.0] * 6


def test_cap_room_counts_earlier_tiers_of_the_same_month() -> None:
    """Microsoft gets 10 in tier 1 and then would get 0.5 x 15 in tier 2 of the same month;
    its cap of 12 leaves only 2 of room in tier 2, the other 5.5 overflow."""
    caps = parties(microsoft=party("microsoft", cap=12 * M, growth=0.0, growth_from=2030,
                                   equity=0.27))
    tiers = (tier(1, "microsoft", 10 * M, microsoft=1.0),
             tier(2, None, None, microsoft=0.5, employees_investors=0.5))
    r = run(custom(parties=caps, tiers=tiers, horizon=2))
    assert at(r, "tier1_microsoft", 1) == approx(10 * M)
    assert at(r, "tier2_prior_microsoft", 1) == approx(10 * M)
    assert at(r, "tier2_gross_microsoft", 1) == approx(7.5 * M)
    assert at(r, "tier2_microsoft", 1) == approx(2 * M)
    assert at(r, "dist_nonprofit", 1) == approx(5.5 * M)
    assert at(r, "dist_employees_investors", 1) == approx(7.5 * M)
    # Month 2: cap reached, Microsoft's 12.5 all overflow.
    assert at(r, "dist_microsoft", 2) == approx(0.0)
    assert at(r, "dist_nonprofit", 2) == approx(12.5 * M)


def test_parties_order_does_not_matter() -> None:
    caps = parties(
        microsoft=party("microsoft", cap=40 * M, growth=0.0, growth_from=2030, equity=0.27))
    nonprofit_first = (caps[3], caps[0], caps[1], caps[2])
    tiers = (tier(1, None, None, microsoft=0.6, employees_investors=0.4),)
    r = run(custom(parties=nonprofit_first, tiers=tiers))
    assert first(r, "dist_microsoft", 4) == [approx(x * M) for x in (15, 15, 10, 0)]
    assert first(r, "dist_nonprofit", 4) == [approx(x * M) for x in (0, 0, 5, 15)]


# ------------------------------------------------------------------ cap escalator in January

def test_cap_escalator_steps_up_in_january() -> None:
    start = dt.date(2030, 10, 1)  # October 2030 .. January 2032
    caps = parties(microsoft=party("microsoft", cap=40 * M, growth=0.20, growth_from=2031,
                                   equity=0.27))
    tiers = (tier(1, None, None, microsoft=0.6, employees_investors=0.4),)
    r = run(custom(start=start, horizon=16, parties=caps, tiers=tiers,
                   schedule=(srow(start),)))
    months = r.timeline.months
    assert months[3] == dt.date(2030, 12, 1) and months[4] == dt.date(2031, 1, 1)
    assert months[15] == dt.date(2031, 12, 1) and months[16] == dt.date(2032, 1, 1)
    cap = r.row("cap_microsoft")
    # Before cap_growth_from (2031): the plain cap.
    assert cap[0:3] == [approx(40 * M)] * 3
    # 2031, the year cap_growth_from, included: 40 x 1.2^(2031 - 2031 + 1) = 48.
    assert cap[3:15] == [approx(40 * M * 1.2)] * 12
    # 2032: 40 x 1.2^2 = 57.6.
    assert cap[15] == approx(40 * M * 1.2 ** 2)
    assert cap[15] == approx(57.6 * M)
    # Microsoft's 15 a month: 15, 15 (30), then December: room 10 -> 10 (cap binds).
    # January 2031: the cap steps up to 48, room 8 -> 8, overflow 7. Then nothing until
    # January 2032: room 57.6 - 48 = 9.6 -> 9.6, overflow 5.4.
    ms = r.row("dist_microsoft")
    assert ms[0:5] == [approx(x * M) for x in (15, 15, 10, 8, 0)]
    assert ms[5:15] == [approx(0.0)] * 10
    assert ms[15] == approx(9.6 * M)
    over = r.row("overflow_microsoft")
    assert over[2] == approx(5 * M) and over[3] == approx(7 * M) and over[15] == approx(5.4 * M)
    assert r.first_month("cap_binds_microsoft") == dt.date(2030, 12, 1)
    assert r.last("cum_microsoft") == approx(57.6 * M)


# ----------------------------------------------------------------------- losses carried forward

LOSS_SCHEDULE = (srow(START, opex=0.75), srow(dt.date(2030, 3, 1), opex=0.125))


@pytest.mark.parametrize(("carry", "opening_losses", "losses", "distributable"), [
    # Profit by month: -25, -25, +37.5, +37.5, +37.5, +37.5.
    # Carried forward: losses 25, 50, then 50 - 37.5 = 12.5, then 37.5 - 12.5 = 25 paid out.
    (True, 0.0, (25, 50, 12.5, 0, 0, 0), (0, 0, 0, 25, 37.5, 37.5)),
    # With $10M of losses brought in at start: 35, 60, 22.5, then 37.5 - 22.5 = 15.
    (True, 10 * M, (35, 60, 22.5, 0, 0, 0), (0, 0, 0, 15, 37.5, 37.5)),
    # Without carry-forward: no losses kept (the opening losses are ignored too), every
    # profitable month is distributed in full.
    (False, 10 * M, (0, 0, 0, 0, 0, 0), (0, 0, 37.5, 37.5, 37.5, 37.5)),
])
def test_losses_carried_forward(carry: bool, opening_losses: float,
                                losses: tuple[float, ...],
                                distributable: tuple[float, ...]) -> None:
    r = run(custom(schedule=LOSS_SCHEDULE, loss_carryforward=carry,
                   opening_cumulative_losses=opening_losses))
    assert first(r, "openai_operating_profit", 6) == [
        approx(x * M) for x in (-25, -25, 37.5, 37.5, 37.5, 37.5)]
    assert opening(r, "cumulative_losses") == approx(opening_losses if carry else 0.0)
    assert first(r, "cumulative_losses", 6) == [approx(x * M) for x in losses]
    assert first(r, "distributable_profit", 6) == [approx(x * M) for x in distributable]
    assert first(r, "dist_nonprofit", 6) == [approx(x * M) for x in distributable]


# ----------------------------------------------------------------------- switch to equity split

def test_switch_to_equity_split_at_waterfall_end_month() -> None:
    end = dt.date(2030, 4, 1)  # month 4
    tiers = (tier(1, "first_investors", 1000 * M, first_investors=1.0),
             tier(2, None, None, microsoft=0.5, employees_investors=0.5))
    r = run(custom(tiers=tiers, waterfall_end_month=end))
    assert first(r, "equity_split_active", 6) == [0, 0, 0, 1, 1, 1]
    assert first(r, "waterfall_active", 6) == [1, 1, 1, 0, 0, 0]
    # Months 1-3: the waterfall, tier 1 takes all 25. From month 4: 25 x equity share.
    assert first(r, "dist_first_investors", 6) == [approx(x * M) for x in (25, 25, 25, 0, 0, 0)]
    assert first(r, "dist_microsoft", 6) == [approx(x * M) for x in (0, 0, 0) + (25 * 0.27,) * 3]
    assert first(r, "dist_employees_investors", 6) == [
        approx(x * M) for x in (0, 0, 0) + (25 * 0.47,) * 3]
    assert first(r, "dist_nonprofit", 6) == [approx(x * M) for x in (0, 0, 0) + (25 * 0.26,) * 3]
    # Tier amounts are 0 from the switch on, and nothing is left undistributed.
    for key in ("tier1_available", "tier1_absorbed", "tier1_first_investors",
                "tier2_available", "tier2_absorbed", "tier2_microsoft",
                "tier2_employees_investors", "tier2_nonprofit"):
        assert r.row(key)[3:] == [approx(0.0)] * 3, key
    assert first(r, "undistributed", 6) == [approx(0.0)] * 6
    assert r.last("cum_first_investors") == approx(75 * M)  # stays where the waterfall left it
    assert r.last("cum_microsoft") == approx(3 * 25 * 0.27 * M)
    assert first(r, "check_waterfall_sum", 6) == [0.0] * 6


# --------------------------------------------------------------------------- revenue-share cap

def test_revenue_share_cap() -> None:
    # api_to_microsoft_share 25 % and no opex: owed 25 a month, profit 100 - 50 - 25 = 25
    # while uncapped. Cap 60: pays 25, 25, then only the remaining 10, then 0.
    sched = (srow(START, opex=0.0, api_share=0.25),)
    r = run(custom(schedule=sched, revshare_api_to_microsoft_cap_usd=60 * M))
    assert first(r, "revshare_api_to_microsoft", 5) == [
        approx(x * M) for x in (25, 25, 10, 0, 0)]
    assert first(r, "cum_revshare_api_to_microsoft", 5) == [
        approx(x * M) for x in (25, 50, 60, 60, 60)]
    assert first(r, "revshare_net", 5) == [approx(-x * M) for x in (25, 25, 10, 0, 0)]
    assert first(r, "openai_operating_profit", 5) == [
        approx(x * M) for x in (25, 25, 40, 50, 50)]
    # Microsoft's take here: the revenue share only (no Azure, no commission, the
    # distributions all go to the nonprofit).
    assert first(r, "microsoft_total_take", 5) == [approx(x * M) for x in (25, 25, 10, 0, 0)]
    assert first(r, "check_revshare_cap", 5) == [0.0] * 5


def test_revenue_share_uncapped_when_blank() -> None:
    sched = (srow(START, opex=0.0, api_share=0.25),)
    r = run(custom(schedule=sched))
    assert first(r, "revshare_api_to_microsoft", 5) == [approx(25 * M)] * 5
    assert at(r, "cum_revshare_api_to_microsoft", 5) == approx(125 * M)


# ------------------------------------------------------------------------------- undistributed

def test_undistributed_after_a_last_tier_with_a_hurdle() -> None:
    tiers = HURDLE_TIERS[:2]  # the last tier ends at Microsoft's $24M
    r = run(custom(tiers=tiers))
    # As in the mid-month hurdle case: month 4's tier 2 absorbs 17 of 25, so 8 is left;
    # month 5 on: all 25 is left over.
    assert first(r, "undistributed", 6) == [approx(x * M) for x in (0, 0, 0, 8, 25, 25)]
    assert first(r, "dist_microsoft", 6) == [approx(x * M) for x in (0, 0, 11.25, 12.75, 0, 0)]
    assert first(r, "dist_employees_investors", 6) == [
        approx(x * M) for x in (0, 0, 3.75, 4.25, 0, 0)]
    assert first(r, "dist_nonprofit", 6) == [approx(0.0)] * 6
    assert r.last("cum_microsoft") == approx(24 * M)
    assert r.first_month("tier2_hurdle_met") == dt.date(2030, 4, 1)
    assert first(r, "check_waterfall_sum", 6) == [0.0] * 6


# =============================================================================================
# Part 3: invariants of the default case
# =============================================================================================

def test_default_waterfall_sums_to_distributable_profit(default: Results) -> None:
    dist = [default.row(f"dist_{k}") for k in KEYS]
    total = default.row("distributable_profit")
    undistributed = default.row("undistributed")
    assert any(x > 0 for x in total)  # the invariant is not vacuous
    for t, expected in enumerate(total):
        got = sum(d[t] for d in dist) + undistributed[t]
        assert math.isclose(got, expected, rel_tol=REL, abs_tol=ABS_SUM), t


def test_default_cumulative_receipts_never_fall(default: Results) -> None:
    for k in KEYS:
        cum = [opening(default, f"cum_{k}"), *default.row(f"cum_{k}")]
        assert cum[0] == 0.0
        assert all(b >= a for a, b in zip(cum, cum[1:], strict=False)), k
        # and the running total is the sum of the month's distributions
        assert close(cum[-1], math.fsum(default.row(f"dist_{k}"))), k


def test_default_checks_are_all_zero(default: Results) -> None:
    keys = [ln.key for ln in default.lines if ln.key.startswith("check_")]
    assert "check_waterfall_sum" in keys and "check_cap_microsoft" in keys
    for key in keys:
        assert default.row(key) == [0.0] * default.timeline.n, key
