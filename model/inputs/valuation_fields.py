"""The valuation's inputs and the deal terms' dates, rows of the Inputs sheet (added after
the first release: a workbook made before them loads with these defaults and a note)."""

from __future__ import annotations

import datetime as dt

from model.inputs.field import ILLUSTRATIVE, Field

VALUATION_FIELDS: tuple[Field, ...] = (
    Field("valuation_date", "month", "date",
          "Date the stakes are valued at: present values count the receipts from this month "
          "on, discounted to its first day (MOIC and IRR use every dated flow). Outside the "
          "horizon the nearest modelled month is used, and the build says so",
          ILLUSTRATIVE + " (the first month after the reported history, which ends with Q1 "
          "2026)"),
    Field("terminal_growth", "rate", "% a year",
          "Terminal growth a year. The profit the waterfall distributes grows at it for ever "
          "after the horizon (the perpetuity-growth terminal value, used when both terminal "
          "multiples are blank). Below discount_rate",
          ILLUSTRATIVE + " (a long-run nominal growth rate)", lo=-1, hi=1),
    Field("terminal_revenue_multiple", "count", "x",
          "Terminal value as this multiple of the last twelve months' revenue. Blank: not "
          "this method (fill at most one of the two multiples)",
          ILLUSTRATIVE, required=False),
    Field("terminal_profit_multiple", "count", "x",
          "Terminal value as this multiple of the last twelve months' distributable profit. "
          "Blank: not this method (fill at most one of the two multiples)",
          ILLUSTRATIVE, required=False),
    Field("revshare_cap_from_month", "month", "date",
          "First month whose revenue-share payments to Microsoft count towards the cap. "
          "Blank means from start_month",
          "Microsoft blog, 2026-04-27 (the amendment's cap counts from May 2026)",
          required=False),
    Field("microsoft_reported_value_usd", "usd", "USD",
          "Reported value of Microsoft's stake. Shown beside the model's value of it "
          "(the Valuation sheet). Blank: none shown",
          "OpenAI and Microsoft announcements, 28 Oct 2025 (about 27 % valued at about "
          "$135B; confirmed)", required=False, lo=0),
)

VALUATION_DEFAULTS: dict[str, object] = {
    "valuation_date": dt.date(2026, 4, 1),
    "terminal_growth": 0.03,
    "terminal_revenue_multiple": None,
    "terminal_profit_multiple": None,
    "revshare_cap_from_month": None,
    "microsoft_reported_value_usd": 135e9,
}
