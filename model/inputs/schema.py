"""The one definition of the assumptions workbook.

Everything that knows about the input layout reads it from here: the template
writer (`finmodel init`), the reader, the validator, the input sheets of the
output model, Excel data validation and the schema tables in the docs.

A field's ``kind`` says what a cell must hold:

- ``month``: a date that is the first day of a month;
- ``usd``: an amount in US dollars;
- ``rate``: a fraction (0.2 means 20 %);
- ``count``: a non-negative number of things;
- ``months``: a whole number of months;
- ``year``: a calendar year;
- ``bool``: TRUE or FALSE;
- ``party``: the key of a row of the Parties sheet;
- ``key`` / ``text``: an identifier / free text.

Every number has a finite range: a field's own ``lo`` / ``hi``, or else the limits of
its kind (``KIND_LIMITS``), so that no input a spreadsheet accepts can overflow the
model's arithmetic in one step (growth that compounds over the horizon is checked
against the computed model: ``model.core.engine``).
"""

from __future__ import annotations

import datetime as dt

from model.inputs import field
from model.inputs.calibrated import GROWTH, OPENING, ROW_MONTHS
from model.inputs.cash_inputs import CASH_DEFAULTS, CASH_INPUTS
from model.inputs.field import KIND_LIMITS, MAX_COUNT, MAX_RATE, MAX_USD, MAX_WHOLE, Field
from model.inputs.valuation_fields import VALUATION_DEFAULTS, VALUATION_FIELDS

__all__ = ["KIND_LIMITS", "MAX_COUNT", "MAX_RATE", "MAX_USD", "MAX_WHOLE", "Field"]

SCHEMA_VERSION = 1
SCHEMA_PROPERTY = "finmodel_schema_version"

SEED = "seed article"
ILLUSTRATIVE = field.ILLUSTRATIVE


# ---------------------------------------------------------------- Inputs sheet

INPUTS_SHEET = "Inputs"
INPUTS_COLUMNS = ("key", "value", "unit", "description", "source")

MAX_HORIZON = 1200  # months (100 years); the other size limits are with MAX_PARTIES below

INPUT_FIELDS: tuple[Field, ...] = (
    Field("start_month", "month", "date",
          "First modelled month. The opening figures describe the month before it",
          "January 2024, so that every reported figure since (the Actuals sheet) compares "
          "like for like: the seed article's March 2024 figures are its rows",
          structural=True),
    Field("horizon_months", "months", "months",
          f"Number of modelled months, 1 to {MAX_HORIZON}", ILLUSTRATIVE + " (ten years)",
          lo=1, hi=MAX_HORIZON, structural=True),
    Field("api_arr_opening", "usd", "USD",
          "OpenAI API annualized revenue (monthly x 12) in the month before start",
          "calibrated (December 2023) to the seed article's about $1B annualized in March "
          "2024 and the reported history of the Actuals sheet", lo=0),
    Field("azure_arr_opening", "usd", "USD",
          "Azure OpenAI Service annualized revenue in the month before start",
          "calibrated (December 2023) to the seed article's about $1B annualized in March "
          "2024 (the Actuals sheet)", lo=0),
    Field("ptu_customers_opening", "count", "customers",
          "Customers on reserved peak-time capacity (PTU) in the month before start",
          ILLUSTRATIVE + " (not published; about a fifth of Azure OpenAI revenue)", lo=0),
    Field("ptu_monthly_fee_before_cut", "usd", "USD / month",
          "Monthly minimum fee per PTU customer before the cut",
          SEED + " (about $185K after a 25 % cut, so $185K / 0.75)", lo=0),
    Field("ptu_fee_cut", "rate", "fraction",
          "Size of the cut to the PTU minimum fee", SEED, lo=0, hi=1),
    Field("ptu_fee_cut_month", "month", "date",
          "First month at the lower PTU fee",
          ILLUSTRATIVE + " (the seed article of June 2024 reports the cut as done)"),
    Field("loss_carryforward", "bool", "TRUE/FALSE",
          "Past losses must be earned back before anything is distributed",
          ILLUSTRATIVE + " (usual for profit-participation agreements)"),
    Field("opening_cumulative_losses", "usd", "USD",
          "Losses not yet earned back at start", ILLUSTRATIVE, lo=0),
    Field("revshare_api_to_microsoft_cap_usd", "usd", "USD",
          "Total cap on OpenAI's revenue-share payments to Microsoft. Blank means no cap",
          SEED + " (no cap in the 2024 terms)", required=False, lo=0),
    Field("waterfall_end_month", "month", "date",
          "From this month on, profits are split by equity stake instead of by the "
          "waterfall. Blank means never",
          SEED + " (the capped-profit waterfall of the 2024 terms)", required=False),
    Field("discount_rate", "rate", "% a year",
          "Annual discount rate. Each party's receipts and share of the terminal value are "
          "discounted at it to valuation_date (the Valuation sheet)",
          ILLUSTRATIVE + " (a round 10 % a year for equity-like risk; not a published "
          "figure: use your own cost of capital)", lo=0, hi=1),
    Field("fiscal_year_end_month", "months", "month (1-12)",
          "Last calendar month of the fiscal year of the Fiscal rollup (6 = years ending "
          "30 June, 12 = calendar years)",
          "Microsoft 10-K for fiscal 2024 (its fiscal year ends 30 June)", lo=1, hi=12,
          structural=True),
    Field("actuals_tolerance", "rate", "fraction",
          "How far (a share of the reported figure) the model may be from a fitted figure "
          "of the Actuals sheet before the check flags it",
          ILLUSTRATIVE + " (10 %: reported figures are rounded and their measures differ)",
          lo=0, lo_open=True, hi=10),
    *CASH_INPUTS,  # OpenAI's cash view: model/inputs/cash_inputs.py
    *VALUATION_FIELDS,
)
# Inputs added after the first release: a workbook made before them still loads, with
# the default and a note in the build summary.
ADDED_INPUTS = ("discount_rate", "fiscal_year_end_month", "actuals_tolerance",
                *(f.key for f in CASH_INPUTS), *(f.key for f in VALUATION_FIELDS))

# ---------------------------------------------------------------- Schedule sheet

SCHEDULE_SHEET = "Schedule"
SCHEDULE_MONTH = Field("from_month", "month", "date",
                       "First month in which the row holds; it holds until the next row's month",
                       "", structural=True)

SCHEDULE_FIELDS: tuple[Field, ...] = (
    Field("api_growth", "rate", "% a year",
          "Annual growth rate of OpenAI API revenue. A month grows by (1+g)^(1/12)",
          "calibrated to the reported history of the Actuals sheet to March 2026; to 2030 "
          "following The Information's projections ($100B of revenue in 2028, $125B in "
          "2029, $200B in 2030); " + ILLUSTRATIVE + " fade after", lo=-1),
    Field("azure_payg_growth", "rate", "% a year",
          "Annual growth rate of Azure OpenAI pay-as-you-go revenue",
          "calibrated with the API's growth (its 20 % share reaches OpenAI's operating "
          "profit); the seed article's expected $2B a year on is shown on the Actuals sheet; "
          + ILLUSTRATIVE + " from 2026", lo=-1),
    Field("ptu_customer_growth", "rate", "% a year",
          "Annual growth rate of the number of PTU customers", ILLUSTRATIVE, lo=-1),
    Field("api_gross_margin", "rate", "fraction",
          "OpenAI API gross margin, before the revenue share",
          SEED + " (similar to Azure's 40 %); " + ILLUSTRATIVE + " rise", hi=1),
    Field("azure_gross_margin", "rate", "fraction",
          "Azure OpenAI gross margin, before the revenue share",
          SEED + " (about 40 %, expected to rise); " + ILLUSTRATIVE + " rise", hi=1),
    Field("compute_commission", "rate", "fraction",
          "Microsoft's commission on top of its cost for the compute OpenAI buys",
          SEED + " (cost only at first, a commission later; rate " + ILLUSTRATIVE + ")",
          lo=0),
    Field("openai_opex_pct", "rate", "fraction",
          "OpenAI operating expenses as a share of its whole revenue (the API and every "
          "stream), besides the lines of the Costs sheet",
          ILLUSTRATIVE + " (sales, administration and free users' compute: staff and "
          "training compute are on the Costs sheet)", lo=0),
    Field("azure_to_openai_share", "rate", "fraction",
          "Share of Azure OpenAI revenue that Microsoft pays OpenAI",
          SEED + " (20 cents per $1)", lo=0, hi=1),
    Field("api_to_microsoft_share", "rate", "fraction",
          "Share of OpenAI API revenue that OpenAI pays Microsoft",
          SEED + " (20 cents per $1)", lo=0, hi=1),
)

# ---------------------------------------------------------------- Parties sheet

PARTIES_SHEET = "Parties"
PARTY_FIELDS: tuple[Field, ...] = (
    Field("party", "key", "", "Key of the party, used in line names such as dist_<party>",
          structural=True),
    Field("label", "text", "", "Name shown in the model", required=False),
    Field("cap_usd", "usd", "USD",
          "Most the party may receive in total. Blank means uncapped",
          required=False, lo=0),
    Field("cap_growth", "rate", "% a year",
          "The cap steps up by (1+cap_growth) each calendar year from cap_growth_from on",
          required=False, lo=0),
    Field("cap_growth_from", "year", "year",
          "First calendar year in which the cap steps up", required=False,
          lo=1900, hi=9999),
    Field("overflow_to", "party", "",
          "Party that receives whatever this party would receive beyond its cap",
          required=False, structural=True),
    Field("equity_share", "rate", "fraction",
          "Share of profits from waterfall_end_month on; the shares sum to 1",
          lo=0, hi=1),
)

# ---------------------------------------------------------------- Tiers sheet

TIERS_SHEET = "Tiers"
TIER_FIELDS: tuple[Field, ...] = (
    Field("tier", "months", "", "Order in which the tiers fill", lo=1, structural=True),
    Field("name", "text", "", "Name shown in the model", required=False),
    Field("hurdle_party", "party", "",
          "The tier runs until this party has received hurdle_usd in total. "
          "Blank on the last tier: it takes everything left",
          required=False, structural=True),
    Field("hurdle_usd", "usd", "USD", "Total receipts of hurdle_party that end the tier",
          required=False, lo=0),
)
TIER_SHARE = Field("<party>", "rate", "fraction",
                   "The party's share of the tier; each tier's shares sum to 1", lo=0, hi=1)

# The size of the model: every party adds lines to every tier, each line a cell a month.
# The largest model, every limit below at once, builds in 22 s of CPU and 558 MB.
MAX_PARTIES = 12
MAX_TIERS = 12
# Streams and costs add lines (and Schedule columns), scenarios a run of the model each
# (the Comparison sheet): the limits keep every model within them, all at once, within
# 60 s and 600 MB to build (benchmarks/limits.py; docs/performance.md).
MAX_STREAMS = 12
MAX_COSTS = 12
MAX_SCENARIOS = 20
MIN_HURDLE_SHARE = 1e-6  # a hurdle party's share: the tier's room is divided by it

# ---------------------------------------------------------------- Investments sheet

INVESTMENTS_SHEET = "Investments"
INVESTMENT_FIELDS: tuple[Field, ...] = (
    Field("party", "party", "", "The party that invested: a key of the Parties sheet",
          structural=True),
    Field("month", "month", "date", "Month of the investment (its first day is its date "
          "in the IRR)"),
    Field("amount_usd", "usd", "USD", "Amount invested", lo=0, lo_open=True),
    Field("source", "text", "", "Where the figure comes from", required=False),
)

SHEETS = (INPUTS_SHEET, SCHEDULE_SHEET, PARTIES_SHEET, TIERS_SHEET)
SCENARIOS_SHEET = "Scenarios"
DISTRIBUTIONS_SHEET = "Distributions"
STREAMS_SHEET = "Streams"  # their columns: model/inputs/streams.py
COSTS_SHEET = "Costs"
ACTUALS_SHEET = "Actuals"  # its columns: model/inputs/actuals.py
# Read when present; a workbook without them is still valid.
OPTIONAL_SHEETS = (SCENARIOS_SHEET, DISTRIBUTIONS_SHEET, STREAMS_SHEET, COSTS_SHEET,
                   INVESTMENTS_SHEET, ACTUALS_SHEET)

# ---------------------------------------------------------------- defaults

DEFAULT_INPUTS: dict[str, object] = {
    "start_month": dt.date(2024, 1, 1),
    "horizon_months": 120,
    "api_arr_opening": OPENING["api_arr_opening"],
    "azure_arr_opening": OPENING["azure_arr_opening"],
    "ptu_customers_opening": 60,
    "ptu_monthly_fee_before_cut": 246_667,
    "ptu_fee_cut": 0.25,
    "ptu_fee_cut_month": dt.date(2024, 6, 1),
    "loss_carryforward": True,
    "opening_cumulative_losses": 0,
    "revshare_api_to_microsoft_cap_usd": None,
    "waterfall_end_month": None,
    "discount_rate": 0.10,
    "fiscal_year_end_month": 6,
    "actuals_tolerance": 0.10,
    **CASH_DEFAULTS,
    **VALUATION_DEFAULTS,
}

# Schedule rows: half years while reported figures come twice a year, then whole years.
# The growth rates of the API, Azure OpenAI and the default streams and costs are
# calibrated to the reported history (model/inputs/calibrated.py).
_MARGIN = (0.40, 0.45, 0.50, 0.55, 0.60, 0.60, 0.60, 0.60, 0.60, 0.60, 0.60)
_OPEX = (0.20, 0.18, 0.16, 0.14, 0.12, 0.10, 0.10, 0.10, 0.10, 0.10, 0.10)


def _schedule_row(i: int) -> dict[str, object]:
    month = ROW_MONTHS[i]
    y = month.year - ROW_MONTHS[0].year  # the calendar year's index, 2024 = 0
    return {
        "from_month": month,
        "api_growth": GROWTH["api_growth"][i],
        "azure_payg_growth": GROWTH["azure_payg_growth"][i],
        "ptu_customer_growth": 0.50 if y < 3 else 0.25,
        "api_gross_margin": _MARGIN[y],
        "azure_gross_margin": _MARGIN[y],
        "compute_commission": 0.0 if y == 0 else 0.10,
        "openai_opex_pct": _OPEX[y],
        "azure_to_openai_share": 0.20,
        "api_to_microsoft_share": 0.20,
    }


DEFAULT_SCHEDULE: tuple[dict[str, object], ...] = tuple(
    _schedule_row(i) for i in range(len(ROW_MONTHS)))

DEFAULT_PARTIES: tuple[dict[str, object], ...] = (
    {"party": "first_investors", "label": "First investors", "cap_usd": None,
     "cap_growth": None, "cap_growth_from": None, "overflow_to": "nonprofit",
     "equity_share": 0.0},
    {"party": "microsoft", "label": "Microsoft", "cap_usd": 92e9, "cap_growth": 0.20,
     "cap_growth_from": 2025, "overflow_to": "nonprofit", "equity_share": 0.27},
    {"party": "employees_investors", "label": "Employees and other investors",
     "cap_usd": 150e9, "cap_growth": 0.20, "cap_growth_from": 2025,
     "overflow_to": "nonprofit", "equity_share": 0.47},
    {"party": "nonprofit", "label": "OpenAI nonprofit", "cap_usd": None,
     "cap_growth": None, "cap_growth_from": None, "overflow_to": None,
     "equity_share": 0.26},
)

DEFAULT_TIERS: tuple[dict[str, object], ...] = (
    {"tier": 1, "name": "First investors get their capital back",
     "hurdle_party": "first_investors", "hurdle_usd": 1e9,
     "shares": {"first_investors": 1.0}},
    {"tier": 2, "name": "Microsoft recoups its investment", "hurdle_party": "microsoft",
     "hurdle_usd": 13e9, "shares": {"microsoft": 0.75, "employees_investors": 0.25}},
    {"tier": 3, "name": "Capped profit sharing", "hurdle_party": None, "hurdle_usd": None,
     "shares": {"microsoft": 0.49, "employees_investors": 0.49, "nonprofit": 0.02}},
)

_MSFT = "Semafor, Fortune, Jan 2023 (reported); Microsoft"
DEFAULT_INVESTMENTS: tuple[dict[str, object], ...] = (
    {"party": "first_investors", "month": dt.date(2019, 3, 1), "amount_usd": 1e9,
     "source": ILLUSTRATIVE + " (not published; the tier 1 hurdle; OpenAI LP, Mar 2019)"},
    {"party": "microsoft", "month": dt.date(2019, 7, 1), "amount_usd": 1e9,
     "source": _MSFT + " (July 2019)"},
    {"party": "microsoft", "month": dt.date(2021, 1, 1), "amount_usd": 2e9,
     "source": _MSFT + " (2021; the month is " + ILLUSTRATIVE + ")"},
    {"party": "microsoft", "month": dt.date(2023, 1, 1), "amount_usd": 10e9,
     "source": _MSFT + " (January 2023)"},
)

# Where the defaults of the non-Inputs sheets come from (shown as cell notes in
# the template and in docs/schema.md).
TABLE_SOURCES: dict[str, str] = {
    PARTIES_SHEET: (
        "Caps $92B (Microsoft) and $150B (other investors and employees): Fortune, Jan 2023 "
        "(reported). Escalator 20 % a year from 2025: The Information, May 2025 (reported). "
        "Overflow to the nonprofit: Fortune, Jan 2023. Equity stakes 27 % / 47 % / 26 %: "
        "OpenAI and Microsoft announcements, 28 Oct 2025 (confirmed)."),
    TIERS_SHEET: (
        "Order and the 75 % / 49 % steps: seed article. The $13B hurdle: seed article; "
        "its make-up and the 25 % / 49 % / 2 % other shares: Semafor and Fortune, Jan 2023 "
        "(reported). First investors' capital of $1B: illustrative (not published)."),
    INVESTMENTS_SHEET: (
        "Microsoft's $1B (July 2019), $2B (2021) and $10B (January 2023), the $13B: "
        "Semafor and Fortune, Jan 2023 (reported), and Microsoft. First investors' $1B: "
        "illustrative (not published)."),
}


def field_map(fields: tuple[Field, ...]) -> dict[str, Field]:
    return {f.key: f for f in fields}
