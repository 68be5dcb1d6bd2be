"""The columns of the Actuals sheet (the sheet itself: ``model.inputs.actuals``)."""

from __future__ import annotations

from model.inputs.schema import Field

MEASURES = ("total", "annualized", "balance")
CONFIDENCE = ("C", "R", "L")
PERIOD_HELP = ("a period: a year (2025), a fiscal year (FY2026), a half (2025-H1), a "
               "quarter (2026-Q1) or a month (2025-12)")

FIELDS: tuple[Field, ...] = (
    Field("line", "key", "", "Key of a line of the model (column A of the Revenue and "
          "Waterfall sheets), such as openai_revenue, openai_arr or cum_microsoft",
          structural=True),
    Field("period", "text", "", PERIOD_HELP[0].upper() + PERIOD_HELP[1:] + ". A fiscal "
          "year ends in fiscal_year_end_month", structural=True),
    Field("measure", "text", "", "total: the sum of the period's months (a flow such as "
          "revenue); annualized: the period's last month x 12; balance: the value at the "
          "period's end (ARR, cumulative receipts)", structural=True),
    Field("value", "usd", "USD", "The reported figure (not 0: the variance is a share of "
          "it; a loss is negative)"),
    Field("source", "text", "", "Who reported it, and when", required=False),
    Field("confidence", "text", "", "C confirmed by the companies or a filing, R reported "
          "by a named outlet, L a leak or single source", required=False),
    Field("fit", "bool", "TRUE/FALSE", "TRUE: finmodel calibrate fits the model to it. "
          "FALSE: shown only (projections, or a different measure)"),
)
