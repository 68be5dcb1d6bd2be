"""OpenAI's cash view: capex and depreciation, tax after losses carried forward, stock
compensation, free cash flow, funding and the cash balance (the Cash sheet).

- A cost of the Costs sheet marked ``capex`` is capital spending: the P&L adds it back
  and charges depreciation instead, straight line over ``depreciation_years`` from the
  month after it is spent. Each month's depreciation is the capex of the last
  ``12 x depreciation_years`` months (before this one) over that many months: the
  cumulative capex one month ago less the cumulative capex that many months before.
- Tax is ``tax_rate`` on the operating profit less the tax losses used; losses carried
  forward are a corkscrew (opening + losses - used = closing), and a month's use is at
  most ``tax_loss_use_limit`` of its positive profit.
- Stock compensation (``stock_comp_share`` of each cost) is an expense but not cash.
- Free cash flow = profit after tax + depreciation + stock compensation - capex.
- Cash = opening + free cash flow + funding (each investment of the Investments sheet in
  its month) - the distributions the waterfall pays out. A negative balance is a warning
  (the ``cash_below_zero`` flag and the funding needed), not a failed check: a plan that
  needs funding is a result, not a broken model.
"""

from __future__ import annotations

from model import keys
from model.core.expr import (
    Abs,
    Cmp,
    Expr,
    Input,
    Max,
    Min,
    Num,
    Param,
    Prev,
    Ref,
    Sum,
)
from model.core.expr import Const as K
from model.core.line import CASH, Line, Section, balance, flow, section, usd
from model.core.ranges import Lagged, SumInMonth
from model.inputs.assumptions import Assumptions
from model.inputs.schema import COSTS_SHEET, INVESTMENTS_SHEET

# Lines that restate another line, so that the Cash sheet's corkscrews read top to
# bottom; the rollups leave them out (the line they restate is there).
ECHOES = ("fixed_assets_opening", "fixed_assets_added", "fixed_assets_depreciated",
          "cash_profit_after_tax", "cash_depreciation", "cash_capex", "tax_losses_opening",
          "cash_opening", "cash_free_cash_flow")

# The profits the waterfall can distribute (the input distributed_profit: 1, 2 or 3).
PROFIT_BASES = ("openai_operating_profit", "profit_after_tax", "free_cash_flow")
DISTRIBUTES = ("distributes_openai_operating_profit", "distributes_profit_after_tax",
               "distributes_free_cash_flow")  # the flag of each


def _cost(key: str, column: str) -> Param:
    return Param(COSTS_SHEET, key, column)


def pnl_lines(a: Assumptions) -> tuple[Line, Line]:
    """The P&L's capex add-back and depreciation, above the operating profit."""
    life = Input("depreciation_years") * 12
    return (
        flow("openai_capex", "Add back: capex (capitalised, not expensed)",
             Sum(*(_cost(c.key, "capex") * Ref(keys.cost(c.key)) for c in a.costs))),
        flow("openai_depreciation", "Depreciation of the capex (straight line)",
             (Prev("fixed_assets_cost") - Lagged("fixed_assets_cost", life + 1)) / life),
    )


def tax() -> Section:
    profit = Ref("openai_operating_profit")
    return section(
        CASH, "Tax, after tax losses carried forward",
        usd("tax_losses_opening", "Tax losses carried forward: opening",
            Prev("tax_losses")),
        flow("tax_losses_added", "Add: this month's loss", Max(0, Num(0) - profit)),
        flow("tax_losses_used", "Less: losses used this month",
             Min(Ref("tax_losses_opening"), Input("tax_loss_use_limit") * Max(0, profit))),
        balance("tax_losses", "Tax losses carried forward: closing",
            Ref("tax_losses_opening") + Ref("tax_losses_added") - Ref("tax_losses_used"),
            Input("opening_tax_losses")),
        flow("taxable_profit", "Taxable profit", Max(0, profit) - Ref("tax_losses_used")),
        flow("income_tax", "Income tax", Input("tax_rate") * Ref("taxable_profit")),
        flow("profit_after_tax", "Profit after tax", profit - Ref("income_tax")),
    )


def fixed_assets() -> Section:
    return section(
        CASH, "Fixed assets (net book value)",
        usd("fixed_assets_opening", "Fixed assets: opening", Prev("fixed_assets")),
        flow("fixed_assets_added", "Add: capex", Ref("openai_capex")),
        flow("fixed_assets_depreciated", "Less: depreciation", Ref("openai_depreciation")),
        balance("fixed_assets", "Fixed assets: closing",
            Ref("fixed_assets_opening") + Ref("fixed_assets_added")
            - Ref("fixed_assets_depreciated"), Num(0)),
        balance("fixed_assets_cost", "Capex to date, at cost",
                Prev("fixed_assets_cost") + Ref("openai_capex"), Num(0), movement="openai_capex"),
    )


def free_cash_flow(a: Assumptions) -> Section:
    return section(
        CASH, "Free cash flow",
        flow("cash_profit_after_tax", "Profit after tax (from the tax above)",
             Ref("profit_after_tax")),
        flow("cash_depreciation", "Add: depreciation (not cash)", Ref("openai_depreciation")),
        flow("stock_compensation", "Add: stock compensation (not cash)",
             Sum(*(_cost(c.key, "stock_comp_share") * Ref(keys.cost(c.key))
                   for c in a.costs))),
        flow("operating_cash_flow", "Operating cash flow",
             Ref("cash_profit_after_tax") + Ref("cash_depreciation")
             + Ref("stock_compensation")),
        flow("cash_capex", "Less: capex", Ref("openai_capex")),
        flow("free_cash_flow", "Free cash flow",
             Ref("operating_cash_flow") - Ref("cash_capex")),
    )


def profit_basis() -> Section:
    """The flags of the input distributed_profit and the profit the waterfall distributes
    (which the Waterfall's "Profit to distribute" starts from)."""
    choice = Input("distributed_profit")
    op, after_tax, fcf = DISTRIBUTES
    flags = (  # 1 when distributed_profit is 1; 3; else 2
        Line(op, "Distributes operating profit (1 = yes)", "flag",
             1 - Cmp(">", choice, Num(1))),
        Line(fcf, "Distributes free cash flow (1 = yes)", "flag",
             Cmp(">", choice - 1, Num(1))),
        Line(after_tax, "Distributes profit after tax (1 = yes)", "flag",
             1 - Ref(op) - Ref(fcf)))
    chosen: Expr = Sum(*(Ref(flag) * Ref(key) for flag, key in zip(DISTRIBUTES, PROFIT_BASES,
                                                                   strict=True)))
    return section(CASH, "Profit the waterfall distributes (distributed_profit)", *flags,
                   flow("profit_for_waterfall", "Profit the waterfall distributes", chosen))


def funding(a: Assumptions) -> Expr:
    """Each investment of the Investments sheet, in its month."""
    month = Ref("month")
    terms = []
    for i, _ in enumerate(a.investments or ()):
        when = Param(INVESTMENTS_SHEET, str(i), "month")
        terms.append(Cmp(">=", month, when) * Cmp(">=", when, month)
                     * Param(INVESTMENTS_SHEET, str(i), "amount_usd"))
    if not terms:
        return Num(0)
    return SumInMonth(INVESTMENTS_SHEET, "month", "amount_usd", len(terms), Sum(*terms))


def cash_balance(a: Assumptions) -> Section:
    burn = Ref("distributions_paid") - Ref("cash_free_cash_flow")
    months_left = Input("horizon_months") - Ref("period")
    return section(
        CASH, "Funding and cash",
        usd("cash_opening", "Cash: opening", Prev("cash")),
        flow("cash_free_cash_flow", "Add: free cash flow", Ref("free_cash_flow")),
        flow("funding_raised", "Add: funding raised (the Investments sheet)", funding(a)),
        flow("distributions_paid", "Less: distributions paid out (the waterfall)",
             Sum(*(Ref(keys.dist(p.key)) for p in a.parties))),
        balance("cash", "Cash: closing",
            Ref("cash_opening") + Ref("cash_free_cash_flow") + Ref("funding_raised")
            - Ref("distributions_paid"), Input("opening_cash")),
        Line("cash_below_zero", "Warning: cash below zero (1 = yes)",
             "flag", Cmp(">", Num(0), Ref("cash")), total=True),
        balance("funding_needed", "Funding needed: deepest shortfall to date",
            Max(Prev("funding_needed"), Num(0) - Ref("cash")), Num(0)),
        flow("cash_burn", "Cash burn before funding (0 if cash comes in)",
             Max(0, burn)),
        Line("runway_months", "Runway: months of cash at this burn (to the end)", "count",
             Min(Max(0, Ref("cash")) / Max(Ref("cash_burn"), 1), months_left)),
    )


def cash_check() -> Line:
    """The cash corkscrew closes: closing = opening + its flows (a pasted-over cell fails)."""
    moved = (Ref("cash_opening") + Ref("cash_free_cash_flow") + Ref("funding_raised")
             - Ref("distributions_paid"))
    return Line("check_cash_corkscrew", "Cash: closing = opening + its flows", "flag",
                Cmp(">", Abs(Ref("cash") - moved), K("abs_tol") + K("rel_tol") * Abs(moved)),
                total=True)
