"""Every line item of the model, each defined once.

``model_lines(a)`` returns the sections of the calculation sheets in the order
they are computed and laid out (OpenAI's P&L, from revenue to operating profit, is
in ``pnl``). Each line's expression gives both its Python
value (through the engine) and its Excel formula (through the writer). The
parties and tiers of the assumptions decide which waterfall lines exist; their
numbers stay live inputs.
"""

from __future__ import annotations

from model import keys
from model.core import cashflow as cash
from model.core.expr import (
    Abs,
    Cmp,
    Expr,
    IfBlank,
    Input,
    Lookup,
    Max,
    Min,
    MonthBefore,
    NextMonth,
    Num,
    Param,
    Prev,
    Ref,
    Sum,
    Year,
    growth,
)
from model.core.expr import Const as K
from model.core.line import CHECKS, REVENUE, SAME, WATERFALL, Line, Section, detail
from model.core.line import balance as _balance
from model.core.line import flow as _flow
from model.core.line import section as _section
from model.core.line import usd as _usd
from model.core.pnl import costs, margins, operating_profit, revenue_share, streams
from model.core.present_values import present_values
from model.inputs.assumptions import Assumptions, Party, Tier
from model.inputs.schema import PARTIES_SHEET, TIERS_SHEET


def timeline() -> Section:
    return _section(
        REVENUE, "Timeline",
        Line("month", "Month", "date", NextMonth("month"), MonthBefore("start_month")),
        Line("period", "Period counter", "int", Prev("period") + 1, Num(0)),
    )


def schedule_lookups(a: Assumptions) -> Section:
    return _section(REVENUE, "Schedule in force", *(
        detail(Line(keys.schedule_line(f.key), f.description.split(".")[0], "rate", Lookup(f.key)))
        for f in a.schedule_fields))


def revenue() -> Section:
    fee = Input("ptu_monthly_fee_before_cut") * (
        1 - Input("ptu_fee_cut") * Cmp(">=", Ref("month"), Input("ptu_fee_cut_month")))
    return _section(
        REVENUE, "Revenue",
        _flow("api_revenue", "OpenAI API revenue",
              Prev("api_revenue") * growth("api_growth"), Input("api_arr_opening") / 12),
        _balance("api_arr", "OpenAI API annualized revenue (ARR)", Ref("api_revenue") * 12,
                 SAME),
        Line("ptu_fee", "PTU monthly minimum fee per customer", "usd_k", fee, SAME),
        _balance("ptu_customers", "PTU customers",
                 Prev("ptu_customers") * growth("ptu_customer_growth"),
                 Input("ptu_customers_opening"), fmt="count"),
        _flow("ptu_revenue", "Azure OpenAI PTU revenue",
              Ref("ptu_customers") * Ref("ptu_fee"), SAME),
        _flow("payg_revenue", "Azure OpenAI pay-as-you-go revenue",
              Prev("payg_revenue") * growth("azure_payg_growth"),
              Input("azure_arr_opening") / 12 - Ref("ptu_revenue")),
        _flow("azure_revenue", "Azure OpenAI revenue",
              Ref("ptu_revenue") + Ref("payg_revenue"), SAME),
        _balance("azure_arr", "Azure OpenAI annualized revenue (ARR)",
                 Ref("azure_revenue") * 12, SAME),
    )


def profit_to_distribute() -> Section:
    carry = Input("loss_carryforward")
    profit = Ref("profit_for_waterfall")
    end = Input("waterfall_end_month")
    return _section(
        WATERFALL, "Profit to distribute",
        _flow("distributable_profit", "Distributable profit",
              Max(0, profit - carry * Prev("cumulative_losses"))),
        _balance("cumulative_losses", "Losses not yet earned back",
                 carry * Max(0, Prev("cumulative_losses") - profit),
                 carry * Input("opening_cumulative_losses")),
        Line("equity_split_active", "Equity split in force (1 = yes)", "flag",
             IfBlank(end, Num(0), Cmp(">=", Ref("month"), end))),
        Line("waterfall_active", "Waterfall in force (1 = yes)", "flag",
             1 - Ref("equity_split_active")),
        _balance("cum_waterfall_profit",
                 "Cumulative profit distributed through the waterfall",
                 Prev("cum_waterfall_profit")
                 + Ref("distributable_profit") * Ref("waterfall_active"), Num(0)),
    )


def _pp(p: Party, column: str) -> Param:
    return Param(PARTIES_SHEET, p.key, column)


def caps(a: Assumptions) -> Section:
    return _section(WATERFALL, "Caps in force", *(
        _usd(keys.cap(p.key), f"Cap in force: {p.label}",
             _pp(p, "cap_usd") * (1 + _pp(p, "cap_growth"))
             ** Max(0, Year() - _pp(p, "cap_growth_from") + 1))
        for p in a.parties if p.capped))


def _tracked(a: Assumptions) -> list[Party]:
    """Parties whose receipts so far matter within a month: capped or hurdle parties."""
    hurdle = {t.hurdle_party for t in a.tiers}
    return [p for p in a.parties if p.capped or p.key in hurdle]


def tier(a: Assumptions, t: Tier, index: int) -> Section:
    k = t.number
    first = index == 0
    before_k = a.tiers[index - 1].number if index else 0  # the tier filled before this
    lines: list[Line] = []
    avail = (Ref("distributable_profit") * Ref("waterfall_active") if first
             else Ref(keys.tier_available(before_k)) - Ref(keys.tier_absorbed(before_k)))
    lines.append(detail(_usd(keys.tier_available(k), f"Tier {k}: profit reaching the tier",
                             avail)))
    for p in _tracked(a):
        before = (Prev(keys.cum(p.key)) if first else
                  Ref(keys.tier_prior(before_k, p.key))
                  + Ref(keys.tier_received(before_k, p.key)))
        lines.append(detail(_usd(keys.tier_prior(k, p.key),
                                 f"Tier {k}: {p.label} received before it", before)))
    share = {p.key: Param(TIERS_SHEET, str(k), p.key) for p in a.parties}
    if t.hurdle_party is not None:
        h = t.hurdle_party
        room = Max(0, Param(TIERS_SHEET, str(k), "hurdle_usd") - Ref(keys.tier_prior(k, h)))
        absorbed = Min(Ref(keys.tier_available(k)), room / share[h])
    else:
        absorbed = Ref(keys.tier_available(k))
    lines.append(detail(_usd(keys.tier_absorbed(k), f"Tier {k}: profit the tier takes",
                             absorbed)))
    for p in a.parties:
        lines.append(detail(_usd(keys.tier_gross(k, p.key),
                                 f"Tier {k}: {p.label} share before caps",
                                 share[p.key] * Ref(keys.tier_absorbed(k)))))
    # Capped parties first: an uncapped party's line adds the overflow of the capped ones.
    for p in sorted(a.parties, key=lambda p: not p.capped):
        gross = Ref(keys.tier_gross(k, p.key))
        if p.capped:
            room = Max(0, Ref(keys.cap(p.key)) - Ref(keys.tier_prior(k, p.key)))
            received: Expr = Min(gross, room)
        else:
            spill = [Ref(keys.tier_gross(k, q.key)) - Ref(keys.tier_received(k, q.key))
                     for q in a.parties if q.overflow_to == p.key and q.capped]
            received = Sum(gross, *spill)
        lines.append(_flow(keys.tier_received(k, p.key), f"Tier {k}: {p.label} received", received))
    return _section(WATERFALL, f"Tier {k}: {t.name}", *lines)


def distributions(a: Assumptions) -> Section:
    last = a.tiers[-1].number
    lines = [
        _flow(keys.dist(p.key), f"Distribution to {p.label}",
              Sum(*(Ref(keys.tier_received(t.number, p.key)) for t in a.tiers))
              + Ref("equity_split_active") * Ref("distributable_profit")
              * _pp(p, "equity_share"))
        for p in a.parties]
    lines.append(_flow("undistributed", "Undistributed after the last tier",
                       Ref(keys.tier_available(last)) - Ref(keys.tier_absorbed(last))))
    lines += [
        _balance(keys.cum(p.key), f"Cumulative receipts: {p.label}",
                 Prev(keys.cum(p.key)) + Ref(keys.dist(p.key)), Num(0),
                 movement=keys.dist(p.key))
        for p in a.parties]
    return _section(WATERFALL, "Distributions", *lines)


def milestones(a: Assumptions) -> Section:
    lines: list[Line] = []
    for t in a.tiers:
        if t.hurdle_party is None:
            continue
        hurdle = Param(TIERS_SHEET, str(t.number), "hurdle_usd")
        lines.append(detail(Line(keys.hurdle_progress(t.number),
                                 f"Tier {t.number} hurdle: share reached by "
                                 f"{a.party(t.hurdle_party).label}", "rate",
                                 Min(1, Ref(keys.cum(t.hurdle_party)) / Max(hurdle, 1)))))
        lines.append(Line(
            keys.hurdle_met(t.number), f"Tier {t.number} hurdle met (1 = yes)", "flag",
            Cmp(">=", Ref(keys.cum(t.hurdle_party)) + K("abs_tol") + K("rel_tol") * hurdle,
                hurdle)))
    for p in a.parties:
        if p.capped:
            over = Sum(*(Ref(keys.tier_gross(t.number, p.key))
                         - Ref(keys.tier_received(t.number, p.key)) for t in a.tiers))
            lines.append(detail(Line(
                keys.cap_used(p.key), f"{p.label}: share of the cap received", "rate",
                Ref(keys.cum(p.key)) / Max(Ref(keys.cap(p.key)), 1))))
            lines.append(detail(_flow(keys.overflow(p.key),
                                      f"{p.label}: overflow beyond the cap", over)))
            lines.append(Line(keys.cap_binds(p.key), f"{p.label}: cap binds (1 = yes)", "flag",
                              Cmp(">", Ref(keys.overflow(p.key)), Num(0))))
    return _section(WATERFALL, "Milestones", *lines)


MICROSOFT_SOURCES = (
    ("microsoft_azure_margin", "Own Azure OpenAI margin (not from OpenAI)"),
    ("revshare_api_to_microsoft", "Revenue share received from OpenAI"),
    ("compute_commission", "Commission on OpenAI's compute"),
    ("dist_microsoft", "Distributions from OpenAI's profits"),
)


# Microsoft's take: the cash it receives from OpenAI, and its own margin on Azure OpenAI
# (a margin on its own customers, not a payment from OpenAI), each a line of its own.
MICROSOFT_TOTALS = (
    ("microsoft_cash_from_openai", "Cash Microsoft receives from OpenAI"),
    ("microsoft_total_take", "Microsoft's total take"),
)


def microsoft() -> Section:
    return _section(
        WATERFALL, "Microsoft's take from all sources",
        _flow("microsoft_azure_margin", MICROSOFT_SOURCES[0][1],
              Ref("azure_gross_profit") - Ref("revshare_azure_to_openai")),
        # Folded on the Waterfall (the Valuation sheet shows it beside the sources).
        detail(_flow(MICROSOFT_TOTALS[0][0], MICROSOFT_TOTALS[0][1],
                     Sum(*(Ref(key) for key, _ in MICROSOFT_SOURCES[1:])))),
        _flow(MICROSOFT_TOTALS[1][0], MICROSOFT_TOTALS[1][1],
              Ref(MICROSOFT_TOTALS[0][0]) + Ref("microsoft_azure_margin")),
    )


def _bad(diff: Expr, scale: Expr) -> Expr:
    """1 when |diff| is beyond the tolerance relative to scale, else 0."""
    return Cmp(">", Abs(diff), K("abs_tol") + K("rel_tol") * Abs(scale))


def checks(a: Assumptions) -> Section:
    lines = [
        Line("check_waterfall_sum", "Distributions + undistributed = distributable profit",
             "flag", _bad(Sum(*(Ref(keys.dist(p.key)) for p in a.parties))
                          + Ref("undistributed") - Ref("distributable_profit"),
                          Ref("distributable_profit")), total=True),
        Line("check_revshare_cap", "Revenue share to Microsoft within its cap", "flag",
             IfBlank(Input("revshare_api_to_microsoft_cap_usd"), Num(0),
                     Cmp(">", Ref("cum_revshare_toward_cap"),
                         Input("revshare_api_to_microsoft_cap_usd") + K("abs_tol")
                         + K("rel_tol") * Input("revshare_api_to_microsoft_cap_usd"))),
             total=True),
    ]
    lines.append(Line(
        "check_structure", "Start month, horizon, fiscal year end as built",
        "flag", Cmp(">", Abs(Input("start_month") - K("built_start_month"))
                    + Abs(Input("horizon_months") - K("built_horizon"))
                    + Abs(Input("fiscal_year_end_month") - K("built_fiscal_year_end_month")),
                    Num(0)), total=True))
    for t in a.tiers:
        shares = Sum(*(Param(TIERS_SHEET, str(t.number), p.key) for p in a.parties))
        lines.append(Line(keys.check_tier_shares(t.number), f"Tier {t.number} shares sum to 1",
                          "flag", Cmp(">", Abs(shares - 1), K("rel_tol")), total=True))
        if (h := t.hurdle_party) is not None:  # the tier gives h no more than the room left
            k, hurdle = t.number, Param(TIERS_SHEET, str(t.number), "hurdle_usd")
            room = Max(0, hurdle - Ref(keys.tier_prior(k, h))) + K("abs_tol") \
                + K("rel_tol") * hurdle
            lines.append(Line(keys.check_tier_hurdle(k), f"Tier {t.number}: {a.party(h).label} "
                              "within the hurdle", "flag",
                              Cmp(">", Ref(keys.tier_gross(k, h)), room), total=True))
    equity = Sum(*(_pp(p, "equity_share") for p in a.parties))
    lines.append(Line("check_equity_shares", "Equity shares sum to 1", "flag",
                      Cmp(">", Abs(equity - 1), K("rel_tol")), total=True))
    for p in a.parties:
        if p.capped:
            lines.append(Line(
                keys.check_cap(p.key), f"{p.label}: receipts within the cap", "flag",
                Ref("waterfall_active") * Cmp(
                    ">", Ref(keys.cum(p.key)),
                    Ref(keys.cap(p.key)) + K("abs_tol") + K("rel_tol") * Ref(keys.cap(p.key))),
                total=True))
    lines.append(cash.cash_check())
    return _section(CHECKS, "Monthly checks (1 = problem)", *lines)


def model_lines(a: Assumptions) -> tuple[Section, ...]:
    """All sections, in computation order."""
    return (timeline(), schedule_lookups(a), revenue(), streams(a), revenue_share(a),
            costs(a), margins(a), operating_profit(a), cash.tax(), cash.fixed_assets(),
            cash.free_cash_flow(a), cash.profit_basis(), profit_to_distribute(), caps(a),
            *(tier(a, t, i) for i, t in enumerate(a.tiers)),
            distributions(a), cash.cash_balance(a), milestones(a), microsoft(),
            present_values(a, (*MICROSOFT_SOURCES, *MICROSOFT_TOTALS)), checks(a))


def all_lines(a: Assumptions) -> list[Line]:
    return [ln for s in model_lines(a) for ln in s.lines]
