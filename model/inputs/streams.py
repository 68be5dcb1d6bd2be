"""The one definition of the Streams and Costs sheets: OpenAI beyond the API.

A row of ``Streams`` is a revenue stream of OpenAI besides the API (ChatGPT Plus, ...);
a row of ``Costs`` a cost besides the API's compute (training compute, staff). Each
row adds Schedule columns named after its key: ``<stream>_growth`` and
``<stream>_gross_margin`` for a stream, ``<cost>_growth`` for a cost. The defaults
and their sources are here too, next to the columns they fill.
"""

from __future__ import annotations

from model import keys
from model.inputs.calibrated import GROWTH as CALIBRATED_GROWTH
from model.inputs.calibrated import OPENING
from model.inputs.schema import (
    COSTS_SHEET,
    DEFAULT_SCHEDULE,
    ILLUSTRATIVE,
    SCHEDULE_FIELDS,
    STREAMS_SHEET,
    Field,
    field_map,
)

STREAM_FIELDS: tuple[Field, ...] = (
    Field("stream", "key", "",
          "Key of the revenue stream, used in line names such as <stream>_revenue and in "
          "the Schedule columns <stream>_growth and <stream>_gross_margin", structural=True),
    Field("label", "text", "", "Name shown in the model", required=False),
    Field("arr_opening", "usd", "USD",
          "The stream's annualized revenue (monthly x 12) in the month before start", lo=0),
    Field("pays_revshare", "bool", "TRUE/FALSE",
          "OpenAI pays Microsoft api_to_microsoft_share of this stream's revenue, as of the "
          "API's, under the same cap"),
    Field("unit", "text", "", "What the stream sells (for the reader)", required=False),
    Field("description", "text", "", "What the stream is", required=False),
    Field("source", "text", "",
          "Where arr_opening and the stream's Schedule rates come from, or illustrative",
          required=False),
    Field("compute_on_azure", "rate", "fraction",
          "Share of the stream's compute (its revenue x (1 - gross margin)) that runs on "
          "Azure: Microsoft's compute commission applies to it, on top of the gross "
          "margin. Blank: 1 (all of it)", required=False, lo=0, hi=1),
)

COST_FIELDS: tuple[Field, ...] = (
    Field("cost", "key", "",
          "Key of the cost, used in the line name <cost>_cost and in the Schedule column "
          "<cost>_growth", structural=True),
    Field("label", "text", "", "Name shown in the model", required=False),
    Field("monthly_opening", "usd", "USD / month", "The cost in the month before start",
          lo=0),
    Field("description", "text", "", "What the cost is", required=False),
    Field("source", "text", "",
          "Where monthly_opening and the cost's growth come from, or illustrative",
          required=False),
    # added after the sheet (ADDED_COST_COLUMNS): last, so older rows keep their places
    Field("capex", "bool", "TRUE/FALSE",
          "TRUE: the cost is capital spending, depreciated over depreciation_years instead "
          "of expensed when spent (the Cash sheet). Blank means FALSE", required=False),
    Field("stock_comp_share", "rate", "fraction",
          "Share of the cost paid in stock: an expense, but not cash (the Cash sheet "
          "adds it back). Blank means 0", required=False, lo=0, hi=1),
    Field("on_azure", "rate", "fraction",
          "Share of the cost that is compute bought on Azure: Microsoft's compute commission "
          "applies to it, on top of the cost. Blank: 0 (none of it)", required=False, lo=0,
          hi=1),
)

# Costs columns added after the sheet: a Costs sheet without them still reads (blank).
ADDED_COST_COLUMNS = ("capex", "stock_comp_share")
# Share columns added after the sheets first shipped, last on their sheets: a blank cell,
# or a workbook without the column (then with a note in the build summary), reads this.
ADDED_COLUMNS: dict[tuple[str, str], float] = {
    (STREAMS_SHEET, "compute_on_azure"): 1.0, (COSTS_SHEET, "on_azure"): 0.0}


def _growth_field(key: str, what: str, source: str) -> Field:
    return Field(key, "rate", "% a year",
                 f"Annual growth rate of {what}. A month grows by (1+g)^(1/12)", source, lo=-1)


def _margin_field(key: str, what: str, source: str) -> Field:
    return Field(key, "rate", "fraction", f"{what} gross margin, after all of its own compute",
                 source, hi=1)


def stream_schedule_fields(key: str, label: str) -> tuple[Field, Field]:
    """The two Schedule columns of a revenue stream."""
    source = f"the source column of the stream '{key}' on the {STREAMS_SHEET} sheet"
    return (_growth_field(keys.growth(key), f"{label} revenue", source),
            _margin_field(keys.gross_margin(key), label, source))


def cost_schedule_fields(key: str, label: str) -> tuple[Field]:
    """The Schedule column of a cost."""
    source = f"the source column of the cost '{key}' on the {COSTS_SHEET} sheet"
    return (_growth_field(keys.growth(key), label, source),)


def schedule_field(key: str) -> Field | None:
    """A Schedule column's field from its key alone: one of the schema's, or the growth
    or margin column of some stream or cost (its kind and bounds). Whether that stream
    or cost exists is for the assumptions to say."""
    fixed = field_map(SCHEDULE_FIELDS).get(key)
    if fixed is not None:
        return fixed
    made = keys.schedule_column_of(key)
    if made is None:
        return None
    if made[1] == keys.MARGIN:
        return _margin_field(key, "The stream's", "")
    return _growth_field(key, "the stream or cost", "")


# ---------------------------------------------------------------- defaults
#
# OpenAI's whole ARR was about $3.2B in June 2024 from its own products and the API (Sam
# Altman to staff, reported by The Information and Bloomberg; plus about $0.2B, its share
# of Azure OpenAI revenue, which the model counts apart as revshare_azure_to_openai). The
# split of ChatGPT is FutureSearch's (June 2024: Plus $1.9B, Enterprise $714M, Team $290M).
# The openings, December 2023's, and the growth are calibrated to the reported history
# (model/inputs/calibrated.py; the Actuals sheet), keeping those proportions.

_SOURCE = ("FutureSearch estimate, June 2024 ({}; an estimate): the proportions between the "
           "ChatGPT plans. The openings (December 2023) and the growth are calibrated to the "
           "reported history of the Actuals sheet (Sam Altman's $3.2B of June 2024, $3.7B of "
           "revenue in 2024, $13.1B in 2025, ...), with the API's path; after March 2026 the "
           "growth follows The Information's projections for 2028-2030. pays_revshare: the "
           "20 % is reported on OpenAI's whole revenue, as net payments to Microsoft of about "
           "$494M in 2024 suggest (leaked documents, Nov 2025). compute_on_azure 1: inference "
           "'mostly ChatGPT, on Azure' (The Information, July 2024, reported). Gross margin: "
           + ILLUSTRATIVE + " (the API's path)")


DEFAULT_STREAMS: tuple[dict[str, object], ...] = (
    {"stream": "chatgpt_plus", "label": "ChatGPT Plus", "arr_opening": OPENING["chatgpt_plus"],
     "pays_revshare": True, "compute_on_azure": 1.0, "unit": "subscriptions at $20 a month",
     "description": "Consumer subscriptions to ChatGPT",
     "source": _SOURCE.format("$1.9B: 7.7M subscribers at $20 a month")},
    {"stream": "chatgpt_enterprise", "label": "ChatGPT Enterprise",
     "arr_opening": OPENING["chatgpt_enterprise"], "pays_revshare": True,
     "compute_on_azure": 1.0, "unit": "seats",
     "description": "ChatGPT for large organisations",
     "source": _SOURCE.format("$714M: 1.2M seats")},
    {"stream": "chatgpt_team", "label": "ChatGPT Team", "arr_opening": OPENING["chatgpt_team"],
     "pays_revshare": True, "compute_on_azure": 1.0, "unit": "seats",
     "description": "ChatGPT for small teams",
     "source": _SOURCE.format("$290M: 980k seats")},
)

DEFAULT_COSTS: tuple[dict[str, object], ...] = (
    {"cost": "training_compute", "label": "Training compute",
     "monthly_opening": OPENING["training_compute"],
     "description": "Compute to train new models (the API's and the streams' running "
     "compute is in their gross margins)",
     "capex": False, "stock_comp_share": 0.0, "on_azure": 1.0,
     "source": "The Information, July 2024 (reported): about $3B projected for 2024, a twelfth "
     "of it a month at the opening; growth calibrated to OpenAI's operating loss of $7.8B in "
     "the first half of 2025 (The Information, Sep 2025), then " + ILLUSTRATIVE + ". capex "
     "FALSE: the compute is rented from Azure, an operating cost. on_azure " + ILLUSTRATIVE
     + " (all of it, as the API's compute)"},
    {"cost": "staff", "label": "Staff", "monthly_opening": OPENING["staff"], "on_azure": 0.0,
     "description": "Salaries and other staff costs",
     "capex": False, "stock_comp_share": 0.0,
     "source": "The Information, July 2024 (reported): about $1.5B projected for 2024, a "
     "twelfth of it a month at the opening; growth calibrated to OpenAI's operating loss of "
     "$7.8B in the first half of 2025 (The Information, Sep 2025), then " + ILLUSTRATIVE
     + ". stock_comp_share 0: the model's staff cost is taken as cash pay"},
)

def _with_streams_and_costs(i: int, row: dict[str, object]) -> dict[str, object]:
    """A default Schedule row with the columns of the default streams (the API's growth
    and margin) and costs."""
    out = dict(row)
    for s in DEFAULT_STREAMS:
        out[keys.growth(str(s["stream"]))] = CALIBRATED_GROWTH[keys.growth(str(s["stream"]))][i]
        out[keys.gross_margin(str(s["stream"]))] = row["api_gross_margin"]
    for c in DEFAULT_COSTS:
        out[keys.growth(str(c["cost"]))] = CALIBRATED_GROWTH[keys.growth(str(c["cost"]))][i]
    return out


DEFAULT_SCHEDULE_WITH_STREAMS: tuple[dict[str, object], ...] = tuple(
    _with_streams_and_costs(i, row) for i, row in enumerate(DEFAULT_SCHEDULE))
