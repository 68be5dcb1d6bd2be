"""The reported history and the published projections: the template's Actuals rows.

From the section "Reported history since the seed" of the sources (figures.md), each with
its source and confidence (C confirmed, R reported by a named outlet, L a leak). Rows with
``fit`` TRUE are history that `finmodel calibrate` fits the defaults to; projections, and
figures of another measure than the model's line, are shown only.
"""

from __future__ import annotations

from model.inputs.assumptions import Actual

_INFO_SEP = "The Information, 30 Sep 2025"
_PROJECTION = "The Information, 2025 (a projection: shown, never fitted)"

DEFAULT_ACTUALS: tuple[Actual, ...] = (
    Actual("openai_arr", "2023-12", "balance", 1.6e9, "The Information, Dec 2023 (the month "
           "before the horizon: the openings of the API and the streams)", "R", False),
    Actual("api_arr", "2024-03", "balance", 1.0e9, "seed article (The Information, June "
           "2024): about $1B annualized in March 2024", "R", True),
    Actual("azure_arr", "2024-03", "balance", 1.0e9, "seed article (The Information, June "
           "2024): about $1B annualized, reached recently", "R", True),
    Actual("openai_arr", "2024-06", "balance", 3.2e9, "Sam Altman to staff, via The "
           "Information and Bloomberg, June 2024 (own products and API; its $0.2B share of "
           "Azure OpenAI is counted apart)", "R", True),
    Actual("openai_revenue", "2024", "total", 3.7e9, "The Information and NYT, Sep 2024; "
           "matched by later reporting", "R", True),
    Actual("openai_operating_profit", "2024", "total", -5.0e9, "The Information; CNBC: a "
           "net loss of about $5B (a net loss, not the model's operating loss: shown only)",
           "R", False),
    Actual("revshare_net", "2024", "total", -494e6, "leaked documents, Nov 2025: net "
           "payments of about $494M from OpenAI to Microsoft; Microsoft disputed them", "L",
           False),
    Actual("openai_arr", "2024-12", "balance", 5.5e9, "CNBC, Jun 2025", "R", True),
    Actual("azure_arr", "2025-03", "balance", 2.0e9, "seed article: Microsoft's expectation "
           "of $2B a year later (a projection: shown, never fitted)", "R", False),
    Actual("openai_revenue", "2025-H1", "total", 4.3e9, _INFO_SEP, "R", True),
    Actual("openai_operating_profit", "2025-H1", "total", -7.8e9, _INFO_SEP + " (an "
           "operating loss of $7.8B, $2.5B of it non-cash stock compensation)", "R", True),
    Actual("openai_arr", "2025-06", "balance", 10e9, "OpenAI spokesperson to CNBC, Jun 2025",
           "C", True),
    Actual("openai_revenue", "2025", "total", 13.1e9, "The Information; CNBC, Jan 2026 "
           "(target $13B)", "R", True),
    Actual("openai_arr", "2025-12", "balance", 20e9, "OpenAI CFO Sarah Friar, Jan 2026 "
           "('more than $20B')", "C", True),
    Actual("openai_arr", "2026-02", "balance", 25e9, "press reports, Mar 2026: a run rate "
           "of about $25B (shown, not fitted: with Q1 2026's $5.7B of revenue it would need "
           "January and March far below February)", "R", False),
    Actual("openai_revenue", "2026-Q1", "total", 5.7e9, "shareholder documents as reported, "
           "2026", "R", True),
    Actual("openai_revenue", "2026", "total", 30e9, "press reports (a target: shown, never "
           "fitted)", "R", False),
    Actual("openai_revenue", "2028", "total", 100e9, _PROJECTION, "R", False),
    Actual("openai_revenue", "2029", "total", 125e9, _PROJECTION + "; cash-flow positive "
           "then", "R", False),
    Actual("openai_revenue", "2030", "total", 200e9, _PROJECTION, "R", False),
)
