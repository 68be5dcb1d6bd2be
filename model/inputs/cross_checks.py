"""Checks between inputs of the Inputs sheet: the horizon's end, and the PTU revenue
of the opening month against Azure OpenAI's."""

from __future__ import annotations

import datetime as dt

from model.inputs import schema, typed
from model.inputs.problems import LAST_YEAR, Validator, month_before


def check(v: Validator, inputs: dict[str, object], cells: dict[str, str]) -> None:
    start = inputs.get("start_month")
    horizon = inputs.get("horizon_months")
    if isinstance(start, dt.date) and isinstance(horizon, int) \
            and start.year + (horizon + start.month) // 12 > LAST_YEAR:
        v.problem(schema.INPUTS_SHEET, cells.get("horizon_months"),
                  f"a horizon ending before {LAST_YEAR}", "a later end",
                  "horizon_months")
    needed = ("azure_arr_opening", "ptu_customers_opening", "ptu_monthly_fee_before_cut",
              "ptu_fee_cut", "ptu_fee_cut_month", "start_month")
    if all(isinstance(inputs.get(k), float | int | dt.date) for k in needed):
        before = month_before(typed.month(start))
        fee = typed.number(inputs["ptu_monthly_fee_before_cut"])
        if before >= typed.month(inputs["ptu_fee_cut_month"]):
            fee *= 1 - typed.number(inputs["ptu_fee_cut"])
        ptu = typed.number(inputs["ptu_customers_opening"]) * fee
        azure = typed.number(inputs["azure_arr_opening"]) / 12
        if ptu > azure:
            v.problem(schema.INPUTS_SHEET, cells.get("ptu_customers_opening"),
                      "PTU revenue in the opening month (ptu_customers_opening x fee) "
                      "no larger than azure_arr_opening / 12",
                      f"${ptu:,.0f} against ${azure:,.0f}", "ptu_customers_opening")
