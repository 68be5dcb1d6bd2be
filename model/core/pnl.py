"""OpenAI's P&L, from its revenue streams to its operating profit: the whole company.

The API and every stream of the Streams sheet make OpenAI's revenue; each stream's
gross margin is after its own compute. Microsoft's compute commission applies to the
compute that runs on Azure: the API's, each stream's ``compute_on_azure`` share of its
compute and each cost's ``on_azure`` share (the Streams and Costs sheets). OpenAI pays
Microsoft the revenue share on the API and on every stream whose ``pays_revshare`` is
TRUE, under one cap. Opex is a share of the whole revenue, and every cost of the Costs
sheet comes off the operating profit, except that capex (a cost marked ``capex``) is
added back and depreciated instead (``cashflow``).
"""

from __future__ import annotations

from model import keys
from model.core.cashflow import pnl_lines
from model.core.expr import Cmp, IfBlank, Input, Max, Min, Num, Param, Prev, Ref, Sum, growth
from model.core.line import REVENUE, SAME, Line, Section, balance, detail, flow, section, usd
from model.inputs.assumptions import Assumptions, Cost, Stream
from model.inputs.schema import COSTS_SHEET, STREAMS_SHEET


def _stream(s: Stream, column: str) -> Param:
    return Param(STREAMS_SHEET, s.key, column)


def _cost(c: Cost, column: str) -> Param:
    return Param(COSTS_SHEET, c.key, column)


def _margin(s: Stream) -> Ref:
    return Ref(keys.schedule_line(keys.gross_margin(s.key)))


def streams(a: Assumptions) -> Section:
    """Each stream's revenue, like the API's, and OpenAI's whole revenue."""
    lines = [flow(keys.stream_revenue(s.key), f"{s.label} revenue",
                  Prev(keys.stream_revenue(s.key)) * growth(keys.growth(s.key)),
                  _stream(s, "arr_opening") / 12) for s in a.streams]
    lines.append(flow("openai_revenue", "OpenAI revenue (the API and every stream)",
                      Sum(Ref("api_revenue"),
                          *(Ref(keys.stream_revenue(s.key)) for s in a.streams)),
                      SAME))
    lines.append(balance("openai_arr", "OpenAI annualized revenue (ARR)",
                         Ref("openai_revenue") * 12, SAME))
    return section(REVENUE, "OpenAI's revenue streams", *lines)


def revenue_share(a: Assumptions) -> Section:
    base = Sum(Ref("api_revenue"), *(_stream(s, "pays_revshare") * Ref(keys.stream_revenue(s.key))
                                     for s in a.streams))
    owed = Ref("sched_api_to_microsoft_share") * Ref("revshare_base")
    cap = Input("revshare_api_to_microsoft_cap_usd")
    counts = Ref("revshare_counts_to_cap")
    room = Max(0, cap - Prev("cum_revshare_toward_cap"))
    return section(
        REVENUE, "Revenue share",
        flow("revshare_azure_to_openai", "Revenue share Microsoft pays OpenAI (Azure)",
             Ref("sched_azure_to_openai_share") * Ref("azure_revenue")),
        flow("revshare_base", "Revenue OpenAI pays the share on",
             base),
        detail(Line("revshare_counts_to_cap", "Counts towards the cap (1 = yes)", "flag",
                    IfBlank(Input("revshare_cap_from_month"), Num(1),
                            Cmp(">=", Ref("month"), Input("revshare_cap_from_month"))))),
        # Before the cap counts, the whole amount owed: room + owed is never below owed.
        flow("revshare_api_to_microsoft", "Revenue share OpenAI pays Microsoft",
             IfBlank(cap, owed, Min(owed, room + (1 - counts) * owed))),
        balance("cum_revshare_api_to_microsoft", "Cumulative revenue share paid to Microsoft",
                Prev("cum_revshare_api_to_microsoft") + Ref("revshare_api_to_microsoft"),
                Num(0), movement="revshare_api_to_microsoft"),
        detail(usd("cum_revshare_toward_cap", "Cumulative revenue share counted to the cap",
                   Prev("cum_revshare_toward_cap") + counts * Ref("revshare_api_to_microsoft"),
                   Num(0))),
        flow("revshare_net", "Net revenue share to OpenAI",
             Ref("revshare_azure_to_openai") - Ref("revshare_api_to_microsoft")),
    )


def costs(a: Assumptions) -> Section:
    """The costs of the Costs sheet, before the margins: the commission reads them."""
    return section(
        REVENUE, "Costs",
        *(flow(keys.cost(c.key), c.label,
               Prev(keys.cost(c.key)) * growth(keys.growth(c.key)),
               _cost(c, "monthly_opening")) for c in a.costs))


def margins(a: Assumptions) -> Section:
    """Gross profit, and Microsoft's commission on every part of OpenAI's compute that runs
    on Azure: the API's, each stream's compute_on_azure share of its compute (revenue x
    (1 - gross margin)) and each cost's on_azure share. Each part bears its commission."""
    rate = Ref("sched_compute_commission")
    stream_compute = [detail(flow(keys.stream_compute_on_azure(s.key),
                                  f"{s.label}: compute on Azure",
                                  Ref(keys.stream_revenue(s.key)) * (1 - _margin(s))
                                  * _stream(s, "compute_on_azure"))) for s in a.streams]
    return section(
        REVENUE, "Margins",
        flow("azure_gross_profit", "Azure OpenAI gross profit",
             Ref("azure_revenue") * Ref("sched_azure_gross_margin")),
        flow("openai_compute_cost", "OpenAI API compute cost",
             Ref("api_revenue") * (1 - Ref("sched_api_gross_margin"))),
        *stream_compute,
        detail(flow("costs_on_azure", "Costs bought on Azure",
                    Sum(*(Ref(keys.cost(c.key)) * _cost(c, "on_azure") for c in a.costs)))),
        flow("openai_azure_compute", "OpenAI's compute on Azure",
             Sum(Ref("openai_compute_cost"), *(Ref(ln.key) for ln in stream_compute),
                 Ref("costs_on_azure"))),
        flow("compute_commission", "Microsoft's commission on OpenAI compute",
             Ref("openai_azure_compute") * rate),
        flow("api_gross_profit", "OpenAI API gross profit",
             Ref("api_revenue") - Ref("openai_compute_cost")
             - Ref("openai_compute_cost") * rate),
        *(flow(keys.stream_gross_profit(s.key), f"{s.label} gross profit",
               Ref(keys.stream_revenue(s.key)) * _margin(s)
               - Ref(keys.stream_compute_on_azure(s.key)) * rate)
          for s in a.streams),
        flow("openai_gross_profit", "OpenAI gross profit (the API and every stream)",
             Sum(Ref("api_gross_profit"),
                 *(Ref(keys.stream_gross_profit(s.key)) for s in a.streams))),
    )


def operating_profit(a: Assumptions) -> Section:
    """Opex, and the whole company's operating profit after the costs of the Costs sheet
    and the commission on their Azure share."""
    profit = (Ref("openai_gross_profit") - Ref("revshare_api_to_microsoft")
              + Ref("revshare_azure_to_openai") - Ref("openai_opex"))
    for c in a.costs:
        profit = profit - Ref(keys.cost(c.key))
    profit = profit - Ref("costs_on_azure") * Ref("sched_compute_commission")
    profit = profit + Ref("openai_capex") - Ref("openai_depreciation")
    return section(
        REVENUE, "Opex and operating profit",
        flow("openai_opex", "OpenAI operating expenses",
             Ref("openai_revenue") * Ref("sched_openai_opex_pct")),
        *pnl_lines(a),
        flow("openai_operating_profit", "OpenAI operating profit (the whole company)", profit),
    )
