"""The Inputs rows of OpenAI's cash view (the Cash sheet: ``model.core.cashflow``), with
their defaults and sources. ``schema`` adds them to the Inputs sheet; a workbook made
before them still loads, with these defaults and a note in the build summary."""

from __future__ import annotations

from model.inputs.field import ILLUSTRATIVE, Field

CASH_INPUTS: tuple[Field, ...] = (
    Field("tax_rate", "rate", "fraction",
          "Income tax on OpenAI's taxable profit (operating profit less the tax losses "
          "used)",
          ILLUSTRATIVE + " (the US federal rate of 21 %, Tax Cuts and Jobs Act 2017; state "
          "and foreign taxes left out)", lo=0, hi=1),
    Field("tax_loss_use_limit", "rate", "fraction",
          "Most of a month's positive profit that tax losses carried forward may offset",
          ILLUSTRATIVE + " (the US federal limit of 80 % of taxable income for losses "
          "arising after 2017, Tax Cuts and Jobs Act 2017)", lo=0, hi=1),
    Field("opening_tax_losses", "usd", "USD",
          "Tax losses carried forward at start, not yet used",
          ILLUSTRATIVE + " (not published)", lo=0),
    Field("depreciation_years", "months", "years",
          "Life over which capex (the Costs rows marked capex) is depreciated, straight "
          "line, from the month after it is spent",
          ILLUSTRATIVE + " (a usual life for servers and data-centre equipment)",
          lo=1, hi=50),
    Field("opening_cash", "usd", "USD",
          "OpenAI's cash at the end of the month before start",
          ILLUSTRATIVE + " (not published)", lo=0),
    Field("distributed_profit", "months", "1, 2 or 3",
          "Which profit the waterfall distributes: 1 = operating profit, 2 = profit after "
          "tax, 3 = free cash flow",
          ILLUSTRATIVE + " (1, operating profit, as the model did before it had a cash "
          "view: the README explains the choice)", lo=1, hi=3),
)

CASH_DEFAULTS: dict[str, object] = {
    "tax_rate": 0.21,
    "tax_loss_use_limit": 0.80,
    "opening_tax_losses": 0,
    "depreciation_years": 6,
    "opening_cash": 10e9,
    "distributed_profit": 1,
}
