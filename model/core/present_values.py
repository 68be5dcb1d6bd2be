"""Present values: each month's receipts discounted to the first day of start_month.

The ``pv_`` lines sum, in their totals column, to the present value the Valuation sheet
shows (``npv_<party>``, and Microsoft's value by source).
"""

from __future__ import annotations

from model import keys
from model.core.expr import Input, Ref
from model.core.line import WATERFALL, Line, Section, detail, flow, section
from model.inputs.assumptions import Assumptions


def present_values(a: Assumptions, microsoft_sources: tuple[tuple[str, str], ...]
                   ) -> Section:
    """Each party's receipts, and each of Microsoft's sources, discounted to the first day
    of start_month: the k-th month's amount, received at the month's end, divided by
    (1 + discount_rate)^(k/12)."""
    lines = [Line("discount_factor", "Discount factor, 1 / (1 + discount rate)^(month / 12)",
                  "factor", 1 / (1 + Input("discount_rate")) ** (Ref("period") / 12))]
    lines += [flow(keys.present_value(keys.dist(p.key)), f"PV of distributions to {p.label}",
                   Ref(keys.dist(p.key)) * Ref("discount_factor")) for p in a.parties]
    lines += [flow(keys.present_value(key), f"PV of {label}", Ref(key) * Ref("discount_factor"))
              for key, label in (*microsoft_sources[:3],
                                 ("microsoft_total_take", "Microsoft's total take"))]
    # Folded on the Waterfall: the Valuation sheet shows their totals.
    return section(WATERFALL, "Present values (discounted to the first modelled month)",
                   *(detail(ln) for ln in lines))
