"""The shipped defaults: the base inputs, the scenarios and the distributions.

Every figure comes from the schema's defaults (each with its source) or is marked
illustrative. ``default_assumptions()`` is what ``finmodel init`` writes.
"""

from __future__ import annotations

import datetime as dt

from model import keys
from model.inputs import schema, typed
from model.inputs.assumptions import Assumptions, Cost, Investment, Party, Stream, Tier
from model.inputs.overrides import (
    OverrideRow,
    Scenarios,
    inputs_target,
    party_target,
    schedule_target,
)
from model.inputs.reported import DEFAULT_ACTUALS
from model.inputs.streams import DEFAULT_COSTS, DEFAULT_SCHEDULE_WITH_STREAMS, DEFAULT_STREAMS
from model.inputs.uncertain import Distribution

SEED = "seed terms (2024)"
RECAP = "recapitalisation (Oct 2025)"
AMENDMENT = "amendment (Apr 2026)"
FALLING = "revenue share falling (projection)"
RECAP_MONTH = dt.date(2025, 10, 1)
AMENDMENT_CAP_FROM = dt.date(2026, 5, 1)

# OpenAI's projection: the revenue share to partners falls from 20 % toward about 8-10 % by
# 2030, saving about $50B through 2030 (The Information, Sep 2025, reported). The straight
# line from 20 % in 2026 to 9 % in 2030 is ours.
FALLING_SHARES = ((2027, 0.17), (2028, 0.14), (2029, 0.115), (2030, 0.09))
FALLING_NOTE = ("{share:.1%} from this year: OpenAI projected its revenue share to partners "
                "falling from 20 % toward about 8-10 % by 2030, saving about $50B through "
                "2030 (The Information, Sep 2025, reported); the straight-line path is "
                + schema.ILLUSTRATIVE)

DEFAULT_SCENARIOS = Scenarios(
    names=(SEED, RECAP, AMENDMENT, FALLING),
    rows=(
        OverrideRow(inputs_target("waterfall_end_month"), None,
                    {RECAP: RECAP_MONTH, AMENDMENT: RECAP_MONTH, FALLING: RECAP_MONTH},
                    "Recapitalisation of 28 Oct 2025 ends the capped-profit structure: OpenAI "
                    "and Microsoft announcements (confirmed)"),
        OverrideRow(party_target("microsoft", "equity_share"), None,
                    {RECAP: 0.27, AMENDMENT: 0.27, FALLING: 0.27},
                    "Microsoft about 27 % as converted: Microsoft 10-Q (confirmed)"),
        OverrideRow(party_target("employees_investors", "equity_share"), None,
                    {RECAP: 0.47, AMENDMENT: 0.47, FALLING: 0.47},
                    "Employees and other investors about 47 %: announcements (confirmed)"),
        OverrideRow(party_target("nonprofit", "equity_share"), None,
                    {RECAP: 0.26, AMENDMENT: 0.26, FALLING: 0.26},
                    "OpenAI Foundation about 26 %: announcements (confirmed)"),
        OverrideRow(party_target("first_investors", "equity_share"), None,
                    {RECAP: 0.0, AMENDMENT: 0.0, FALLING: 0.0},
                    "Included in employees and other investors after the recapitalisation"),
        OverrideRow(schedule_target("azure_to_openai_share"), dt.date(2026, 5, 1), {AMENDMENT: 0.0},
                    "Microsoft stops paying a revenue share to OpenAI: Microsoft blog, "
                    "2026-04-27 (confirmed)"),
        OverrideRow(inputs_target("revshare_api_to_microsoft_cap_usd"), None, {AMENDMENT: 38e9},
                    "OpenAI's payments to Microsoft capped at $38B in total: The Information, "
                    "May 2026 (reported)"),
        OverrideRow(inputs_target("revshare_cap_from_month"), None,
                    {AMENDMENT: AMENDMENT_CAP_FROM},
                    "The cap counts the payments from the amendment on (May 2026): Microsoft "
                    "blog, 2026-04-27 (confirmed); The Information, May 2026 (reported)"),
        OverrideRow(schedule_target("api_to_microsoft_share"), dt.date(2031, 1, 1),
                    {AMENDMENT: 0.0},
                    "OpenAI pays Microsoft the same percentage through 2030: Microsoft blog, "
                    "2026-04-27 (confirmed)"),
        *(OverrideRow(schedule_target("api_to_microsoft_share"), dt.date(year, 1, 1),
                      {FALLING: share}, FALLING_NOTE.format(share=share))
          for year, share in FALLING_SHARES),
    ),
)


_ILLUSTRATIVE = schema.ILLUSTRATIVE

# Shipped with the template (and used when a workbook has no Distributions sheet).
# Illustrative ranges: nobody has published the uncertainty of these figures.
DEFAULT_DISTRIBUTIONS: tuple[Distribution, ...] = (
    Distribution("api_arr_opening", "uniform", "value", low=0.9e9, high=1.1e9,
                 note="seed article: 'about $1B'; +/-10 % " + _ILLUSTRATIVE),
    Distribution("azure_arr_opening", "uniform", "value", low=0.9e9, high=1.1e9,
                 note="seed article: 'about $1B'; +/-10 % " + _ILLUSTRATIVE),
    Distribution("ptu_customers_opening", "lognormal", "value", mean=60, sd=20,
                 note=_ILLUSTRATIVE + ": the PTU customer count is not published"),
    Distribution("api_growth", "triangular", "scale", low=0.5, mode=1.0, high=1.25,
                 note=_ILLUSTRATIVE + ": the whole growth path at 50 % to 125 % of plan"),
    Distribution("azure_payg_growth", "triangular", "scale", low=0.5, mode=1.0, high=1.25,
                 note=_ILLUSTRATIVE + ": the whole growth path at 50 % to 125 % of plan"),
    Distribution("api_gross_margin", "normal", "shift", mean=0.0, sd=0.05, min=-0.15,
                 max=0.15, note=_ILLUSTRATIVE + ": every year's margin 5 points up or down "
                 "(one standard deviation), at most 15"),
    Distribution("openai_opex_pct", "normal", "shift", mean=0.0, sd=0.05, min=-0.15,
                 max=0.15, note=_ILLUSTRATIVE + ": every year's opex ratio 5 points up or "
                 "down (one standard deviation), at most 15"),
    Distribution("compute_commission", "uniform", "scale", low=0.5, high=1.5,
                 note=_ILLUSTRATIVE + ": the commission at half to one and a half times "
                 "the base rate"),
)


def stream_and_cost_distributions(streams: tuple[Stream, ...], costs: tuple[Cost, ...]
                                  ) -> tuple[Distribution, ...]:
    """A row for each stream's and each cost's growth: the streams as the API (their
    path at 50 % to 125 % of plan, each moving with the API's growth at a rank correlation
    of 0.5: one market), the costs at 75 % to 150 % of plan. Illustrative ranges."""
    out = [Distribution(keys.growth(s.key), "triangular", "scale", low=0.5, mode=1.0,
                        high=1.25, correlated_with="api_growth", rank_correlation=0.5,
                        note=_ILLUSTRATIVE + ": the whole growth path at 50 % to 125 % of "
                        "plan, moving with the API's growth (rank correlation 0.5)")
           for s in streams]
    out += [Distribution(keys.growth(c.key), "triangular", "scale", low=0.75, mode=1.0,
                         high=1.5, note=_ILLUSTRATIVE + ": the cost's growth path at 75 % "
                         "to 150 % of plan")
            for c in costs]
    return tuple(out)


def default_distributions(a: Assumptions) -> tuple[Distribution, ...]:
    """What a workbook without a Distributions sheet simulates: the shipped rows of the
    inputs it has, and a row for each of its own streams' and costs' growth."""
    keys = {f.key for f in a.schedule_fields} | set(a.inputs)
    base = tuple(d for d in DEFAULT_DISTRIBUTIONS if d.key in keys)
    return base + stream_and_cost_distributions(a.streams, a.costs)



def default_assumptions() -> Assumptions:
    """The defaults of the schema, as the shipped template holds them."""
    parties = tuple(
        Party(key=str(p["party"]), label=str(p["label"]),
              cap_usd=_opt_float(p["cap_usd"]), cap_growth=_opt_float(p["cap_growth"]),
              cap_growth_from=typed.opt_whole(p["cap_growth_from"]),
              overflow_to=typed.opt_text(p["overflow_to"]),
              equity_share=typed.number(p["equity_share"]))
        for p in schema.DEFAULT_PARTIES)
    tiers = tuple(
        Tier(number=typed.whole(t["tier"]), name=str(t["name"]),
             hurdle_party=typed.opt_text(t["hurdle_party"]),
             hurdle_usd=_opt_float(t["hurdle_usd"]),
             shares={p.key: typed.number(_shares(t).get(p.key, 0.0)) for p in parties})
        for t in schema.DEFAULT_TIERS)
    inputs = {k: (float(v) if isinstance(v, int) and not isinstance(v, bool) else v)
              for k, v in schema.DEFAULT_INPUTS.items()}
    investments = tuple(Investment(str(i["party"]), typed.month(i["month"]),
                                   typed.number(i["amount_usd"]), str(i["source"]))
                        for i in schema.DEFAULT_INVESTMENTS)
    streams = tuple(Stream(key=str(s["stream"]), label=str(s["label"]),
                           arr_opening=typed.number(s["arr_opening"]),
                           pays_revshare=bool(s["pays_revshare"]), unit=str(s["unit"]),
                           compute_on_azure=float(s["compute_on_azure"]),  # type: ignore[arg-type]
                           description=str(s["description"]), source=str(s["source"]))
                    for s in DEFAULT_STREAMS)
    costs = tuple(Cost(key=str(c["cost"]), label=str(c["label"]),
                       monthly_opening=typed.number(c["monthly_opening"]),
                       on_azure=typed.number(c["on_azure"]),
                       description=str(c["description"]), source=str(c["source"]),
                       capex=bool(c["capex"]),
                       stock_comp_share=typed.number(c["stock_comp_share"]))
                  for c in DEFAULT_COSTS)
    return Assumptions(inputs=inputs, schedule=DEFAULT_SCHEDULE_WITH_STREAMS,
                       parties=parties, tiers=tiers, scenarios=DEFAULT_SCENARIOS,
                       selected=DEFAULT_SCENARIOS.names[0],
                       distributions=DEFAULT_DISTRIBUTIONS
                       + stream_and_cost_distributions(streams, costs),
                       streams=streams, costs=costs,
                       investments=investments, actuals=DEFAULT_ACTUALS)


def _shares(tier: dict[str, object]) -> dict[str, object]:
    shares = tier["shares"]
    assert isinstance(shares, dict)
    return shares


def _opt_float(v: object) -> float | None:
    return typed.opt_number(v)
