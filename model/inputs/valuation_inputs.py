"""The rules that tie the valuation inputs to each other and to the horizon.

- valuation_date within the horizon: outside it, the model values at the nearest
  modelled month and the build says so (a note, not a refusal: a short horizon for a
  quick look keeps the shipped valuation_date);
- at most one of terminal_revenue_multiple and terminal_profit_multiple filled (the one
  filled chooses the method; both blank: perpetuity growth);
- with perpetuity growth, terminal_growth below discount_rate (else the perpetuity has no
  finite value).
"""

from __future__ import annotations

import datetime as dt

from model.inputs import schema
from model.inputs.problems import Validator, describe


def _last_month(start: dt.date, horizon: int) -> dt.date:
    m = start.month - 1 + horizon - 1
    return dt.date(start.year + m // 12, m % 12 + 1, 1)


def check(v: Validator, inputs: dict[str, object], cells: dict[str, str]) -> None:
    sheet = schema.INPUTS_SHEET
    start, horizon = inputs.get("start_month"), inputs.get("horizon_months")
    when = inputs.get("valuation_date")
    if isinstance(start, dt.date) and isinstance(horizon, int) and isinstance(when, dt.date):
        last = _last_month(start, horizon)
        if not start <= when <= last:
            used = max(start, min(when, last))
            v.notes.append(f"valuation_date {when:%Y-%m} ({sheet}!{cells.get('valuation_date')})"
                           f" is outside the horizon ({start:%Y-%m} to {last:%Y-%m}): the "
                           f"stakes are valued at {used:%Y-%m} (the Valuation sheet says so)")
    rev, profit = inputs.get("terminal_revenue_multiple"), inputs.get("terminal_profit_multiple")
    if rev is not None and profit is not None:
        v.problem(sheet, cells.get("terminal_profit_multiple"),
                  "at most one of terminal_revenue_multiple and terminal_profit_multiple "
                  "(the one filled chooses the method; both blank: perpetuity growth)",
                  "both filled", "terminal_profit_multiple")
    g, r = inputs.get("terminal_growth"), inputs.get("discount_rate")
    if rev is None and profit is None and isinstance(g, float | int) \
            and isinstance(r, float | int) and not isinstance(g, bool) and g >= r:
        v.problem(sheet, cells.get("terminal_growth"),
                  f"a terminal_growth below discount_rate ({r:g}) for the perpetuity-growth "
                  "terminal value", describe(g), "terminal_growth")
