"""The one definition of the Streams and Costs sheets: OpenAI beyond the API.

A row of ``Streams`` is a revenue stream of OpenAI besides the API (ChatGPT Plus, ...);
a row of ``Costs`` a cost besides the API's compute (training compute, staff). Each
row adds Schedule columns named after its key: ``<stream>_growth`` and
``<stream>_gross_margin`` for a stream, ``<cost>_growth`` for a cost. The defaults
and their sources are here too, next to the columns they fill.
"""

from __future__ import annotations

from model import keys
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
    Field("on_azure", "rate", "fraction",
          "Share of the cost that is compute bought on Azure: Microsoft's compute commission "
          "applies to it, on top of the cost. Blank: 0 (none of it)", required=False, lo=0,
          hi=1),
)

# Columns added after the sheets first shipped, last on their sheets: a blank cell, or a
# workbook without the column (then with a note in the build summary), reads this value.
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
# OpenAI's whole ARR was about $3.4B in June 2024 (Sam Altman to staff, reported by The
# Information and Bloomberg), $0.2B of it its share of Azure OpenAI revenue, which the
# model counts apart (revshare_azure_to_openai): about $3.2B from its own products and the
# API. The seed article's $1B for the API stays. FutureSearch's split of ChatGPT (June
# 2024: Plus $1.9B, Enterprise $714M, Team $290M, with the API at only $510M) keeps its
# proportions and is scaled to the $2.2B left, so the whole company opens at $3.2B.

CHATGPT_ARR = 3.2e9 - 1e9
_FUTURESEARCH = {"chatgpt_plus": 1.9e9, "chatgpt_enterprise": 714e6, "chatgpt_team": 290e6}
_SOURCE = ("FutureSearch estimate, June 2024 ({}; an estimate), scaled with the other ChatGPT "
           "plans to Sam Altman's $3.2B of own revenue (The Information and Bloomberg, June "
           "2024, reported) less the seed article's $1B API. pays_revshare: the 20 % is "
           "reported on OpenAI's whole revenue, as net payments to Microsoft of about $494M "
           "in 2024 suggest (leaked documents, Nov 2025). compute_on_azure 1: inference "
           "'mostly ChatGPT, on Azure' (The Information, July 2024, reported). Growth and "
           "gross margin: " + ILLUSTRATIVE + " (the API's paths)")


def _arr(key: str) -> float:
    return round(CHATGPT_ARR * _FUTURESEARCH[key] / sum(_FUTURESEARCH.values()), -6)


DEFAULT_STREAMS: tuple[dict[str, object], ...] = (
    {"stream": "chatgpt_plus", "label": "ChatGPT Plus", "arr_opening": _arr("chatgpt_plus"),
     "pays_revshare": True, "compute_on_azure": 1.0, "unit": "subscriptions at $20 a month",
     "description": "Consumer subscriptions to ChatGPT",
     "source": _SOURCE.format("$1.9B: 7.7M subscribers at $20 a month")},
    {"stream": "chatgpt_enterprise", "label": "ChatGPT Enterprise",
     "arr_opening": _arr("chatgpt_enterprise"), "pays_revshare": True,
     "compute_on_azure": 1.0, "unit": "seats",
     "description": "ChatGPT for large organisations",
     "source": _SOURCE.format("$714M: 1.2M seats")},
    {"stream": "chatgpt_team", "label": "ChatGPT Team", "arr_opening": _arr("chatgpt_team"),
     "pays_revshare": True, "compute_on_azure": 1.0, "unit": "seats",
     "description": "ChatGPT for small teams",
     "source": _SOURCE.format("$290M: 980k seats")},
)

DEFAULT_COSTS: tuple[dict[str, object], ...] = (
    {"cost": "training_compute", "label": "Training compute", "monthly_opening": 3e9 / 12,
     "on_azure": 1.0,
     "description": "Compute to train new models (the API's and the streams' running "
     "compute is in their gross margins)",
     "source": "The Information, July 2024 (reported): about $3B projected for 2024; "
     "growth " + ILLUSTRATIVE + "; on_azure " + ILLUSTRATIVE + " (all of it, as the API's "
     "compute)"},
    {"cost": "staff", "label": "Staff", "monthly_opening": 1.5e9 / 12, "on_azure": 0.0,
     "description": "Salaries and other staff costs",
     "source": "The Information, July 2024 (reported): about $1.5B projected for 2024; "
     "growth " + ILLUSTRATIVE},
)

# Illustrative, one value per calendar year 2024-2034 (rows of DEFAULT_SCHEDULE): training
# compute doubles in 2024 and its growth fades; staff grows half as fast at first.
_COST_GROWTH: dict[str, tuple[float, ...]] = {
    "training_compute": (1.00, 0.50, 0.30, 0.20, 0.10, 0.05, 0.05, 0.03, 0.03, 0.03, 0.03),
    "staff": (0.50, 0.35, 0.25, 0.15, 0.10, 0.08, 0.06, 0.05, 0.05, 0.05, 0.05),
}


def _with_streams_and_costs(i: int, row: dict[str, object]) -> dict[str, object]:
    """A default Schedule row with the columns of the default streams (the API's growth
    and margin) and costs."""
    out = dict(row)
    for s in DEFAULT_STREAMS:
        out[keys.growth(str(s["stream"]))] = row["api_growth"]
        out[keys.gross_margin(str(s["stream"]))] = row["api_gross_margin"]
    for c in DEFAULT_COSTS:
        out[keys.growth(str(c["cost"]))] = _COST_GROWTH[str(c["cost"])][i]
    return out


DEFAULT_SCHEDULE_WITH_STREAMS: tuple[dict[str, object], ...] = tuple(
    _with_streams_and_costs(i, row) for i, row in enumerate(DEFAULT_SCHEDULE))
