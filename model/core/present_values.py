"""Present values at the valuation date: the receipts of each month from valuation_date on,
discounted to its first day; months before it count 0.

The ``pv_`` lines sum, in their totals column, to the present value the Valuation sheet
shows (``npv_<party>``, and Microsoft's value by source). ``months_discounted`` counts the
months from valuation_date to each month's end: 1 in the valuation month, 0 before it. The
terminal value, discounted over the same count at the horizon's end, is in
``model.core.terminal``.
"""

from __future__ import annotations

from model import keys
from model.core.expr import Cmp, Input, LastMonth, Max, Min, Prev, Ref
from model.core.expr import Num as N
from model.core.line import WATERFALL, Line, Section, detail, flow, section
from model.inputs.assumptions import Assumptions

VALUED = "valued"  # 1 from the valuation month on


def present_values(a: Assumptions, microsoft_sources: tuple[tuple[str, str], ...]
                   ) -> Section:
    """Each party's receipts, and each of Microsoft's sources, discounted to the first day
    of valuation_date: a month's amount, received at the month's end k months after
    valuation_date (k = 1 in the valuation month), is divided by (1 + discount_rate)^(k/12);
    the months before valuation_date count 0."""
    lines = [
        Line("valuation_month", "Valuation date used (within the horizon)", "date",
             Max(Input("start_month"), Min(Input("valuation_date"), LastMonth()))),
        Line(VALUED, "Counted in the present values (1 = yes)", "flag",
             Cmp(">=", Ref("month"), Ref("valuation_month"))),
        Line("months_discounted", "Months from the valuation date", "int",
             Prev("months_discounted") + Ref(VALUED), N(0)),
        Line("discount_factor", "Discount factor, 1 / (1 + discount rate)^(months / 12)",
             "factor",
             Ref(VALUED) / (1 + Input("discount_rate")) ** (Ref("months_discounted") / 12)),
    ]
    lines += [flow(keys.present_value(keys.dist(p.key)), f"PV of distributions to {p.label}",
                   Ref(keys.dist(p.key)) * Ref("discount_factor")) for p in a.parties]
    have = {keys.present_value(keys.dist(p.key)) for p in a.parties}  # dist_microsoft too
    lines += [flow(keys.present_value(key), f"PV of {label}", Ref(key) * Ref("discount_factor"))
              for key, label in microsoft_sources if keys.present_value(key) not in have]
    # Folded on the Waterfall: the Valuation sheet shows their totals.
    return section(WATERFALL, "Present values (at the valuation date, of the months from it "
                   "on)", *(detail(ln) for ln in lines))
