"""The headline results, each defined once.

A headline says what it reads (a flag line's first month, a balance at the horizon, a
flow's total, a cell of the Valuation sheet, or the checks), how its number is shown,
and where it appears. Everything that shows headlines takes them from here:

- ``finmodel build``'s summary in the terminal (``model.analysis.report``), and
  ``finmodel diff``'s "headline results that moved": ``TERMINAL``;
- the Comparison sheet, every scenario side by side: ``COMPARISON``;
- the Dashboard, as live formulas (``model.workbook.summary``): ``DASHBOARD``;
- ``results.headlines()`` in Python, and ``read_model``'s ``attrs["headlines"]``: ``API``.

To add a headline, add it to one of the makers in ``MAKERS`` (or add a maker): every
place above follows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from model import keys
from model.core.line import CHECKS as CHECKS_SHEET
from model.core.valuation import invested_parties, party_values

if TYPE_CHECKING:
    from model.core.computed import Computed
    from model.inputs.assumptions import Assumptions

# What a headline reads
FIRST_MONTH = "first month"  # the first month a 0/1 line is 1 (or None)
AT_HORIZON = "at the horizon"  # a balance line in the last month
OVER_HORIZON = "over the horizon"  # a flow line's total
VALUATION = "valuation"  # a keyed cell of the Valuation sheet (model.core.valuation)
CHECKS = "checks"  # the count of failing check-months of the Checks sheet

# Where it appears
TERMINAL, COMPARISON, DASHBOARD, API = "terminal", "comparison", "dashboard", "api"
EVERYWHERE = frozenset({TERMINAL, COMPARISON, DASHBOARD, API})


@dataclass(frozen=True)
class Headline:
    key: str  # its key in results.headlines()
    label: str
    reads: str  # FIRST_MONTH, AT_HORIZON, OVER_HORIZON, VALUATION or CHECKS
    source: str  # the line it reads, or the Valuation sheet's key; "" for CHECKS
    fmt: str  # how its number is shown: "month", "usd", "multiple", "rate", "checks"
    where: frozenset[str] = EVERYWHERE
    detail: str = ""  # said after the label where there is room (the Dashboard)

    @property
    def long_label(self) -> str:
        return f"{self.label} ({self.detail})" if self.detail else self.label


def hurdles(a: Assumptions) -> list[Headline]:
    return [Headline(keys.hurdle_met_month(t.number),
                     f"{a.party(t.hurdle_party).label} reaches the tier {t.number} hurdle",
                     FIRST_MONTH, keys.hurdle_met(t.number), "month", detail=t.name)
            for t in a.tiers if t.hurdle_party is not None]


def caps(a: Assumptions) -> list[Headline]:
    return [Headline(keys.cap_binds_month(p.key), f"Cap of {p.label} binds", FIRST_MONTH,
                     keys.cap_binds(p.key), "month") for p in a.parties if p.capped]


def cash(a: Assumptions) -> list[Headline]:
    """OpenAI's cash view (the Cash sheet): a warning, not a check."""
    return [Headline("cash_below_zero_month", "OpenAI's cash first below zero", FIRST_MONTH,
                     "cash_below_zero", "month", EVERYWHERE - {DASHBOARD}),
            Headline("funding_needed", "Warning: funding OpenAI needs beyond its cash",
                     AT_HORIZON, "funding_needed", "usd", detail="the Cash sheet")]


def receipts(a: Assumptions) -> list[Headline]:
    return [Headline(keys.at_horizon(keys.cum(p.key)),
                     f"Cumulative receipts at the horizon: {p.label}", AT_HORIZON,
                     keys.cum(p.key), "usd") for p in a.parties]


def valuations(a: Assumptions) -> list[Headline]:
    """What each party's receipts are worth; the Dashboard shows them in its own table
    (``model.workbook.valuation_sheet.write_dashboard``)."""
    rate = a.effective().number("discount_rate")
    shown = EVERYWHERE - {DASHBOARD}
    invested = set(invested_parties(a))
    out: list[Headline] = []
    for p in a.parties:
        out.append(Headline(keys.npv(p.key), f"Present value of receipts at {rate:.1%}, "
                            f"{p.label}", VALUATION, keys.npv(p.key), "usd", shown))
        if p.key in invested:
            out.append(Headline(keys.moic(p.key), f"Multiple on invested capital, {p.label}",
                                VALUATION, keys.moic(p.key), "multiple", shown))
            out.append(Headline(keys.irr(p.key), f"IRR, {p.label}", VALUATION,
                                keys.irr(p.key), "rate", shown))
    return out


# (line, label, where): the totals over the horizon, in the Dashboard's order
_TOTALS_ONLY_ON_THE_DASHBOARD = frozenset({DASHBOARD, API})
TOTALS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("api_revenue", "OpenAI API revenue", _TOTALS_ONLY_ON_THE_DASHBOARD),
    ("openai_revenue", "OpenAI revenue (the API and every stream)",
     _TOTALS_ONLY_ON_THE_DASHBOARD),
    ("azure_revenue", "Azure OpenAI revenue", _TOTALS_ONLY_ON_THE_DASHBOARD),
    ("revshare_azure_to_openai", "Revenue share Microsoft pays OpenAI", EVERYWHERE),
    ("revshare_api_to_microsoft", "Revenue share OpenAI pays Microsoft", EVERYWHERE),
    ("revshare_net", "Net revenue share to OpenAI", _TOTALS_ONLY_ON_THE_DASHBOARD),
    ("openai_operating_profit", "OpenAI operating profit", _TOTALS_ONLY_ON_THE_DASHBOARD),
    ("distributable_profit", "Distributable profit", EVERYWHERE),
    ("undistributed", "Undistributed after the last tier", _TOTALS_ONLY_ON_THE_DASHBOARD),
    ("microsoft_total_take", "Microsoft's total take", EVERYWHERE),
)


def totals(a: Assumptions) -> list[Headline]:
    """TOTALS, with each stream's revenue after the API's and each cost before the
    operating profit."""
    out: list[Headline] = []
    for key, label, where in TOTALS:
        if key == "openai_operating_profit":
            out += [Headline(keys.cost(c.key), c.label, OVER_HORIZON, keys.cost(c.key), "usd",
                             _TOTALS_ONLY_ON_THE_DASHBOARD) for c in a.costs]
        out.append(Headline(key, label, OVER_HORIZON, key, "usd", where))
        if key == "api_revenue":
            out += [Headline(keys.stream_revenue(s.key), f"{s.label} revenue", OVER_HORIZON,
                             keys.stream_revenue(s.key), "usd", _TOTALS_ONLY_ON_THE_DASHBOARD)
                    for s in a.streams]
    return out


def checks(a: Assumptions) -> list[Headline]:
    """The Dashboard shows the master check (with the reconciliations) at its top."""
    return [Headline("checks_failed", "Model checks", CHECKS, "", "checks",
                     EVERYWHERE - {DASHBOARD})]


MAKERS: list[Callable[[Assumptions], list[Headline]]] = [
    hurdles, caps, cash, receipts, valuations, totals, checks]


def headlines(a: Assumptions, where: str | None = None) -> list[Headline]:
    """Every headline of the model ``a`` describes, in order; with ``where``, those that
    appear there."""
    return [h for make in MAKERS for h in make(a) if where is None or where in h.where]


def headline_values(results: Computed, where: str | None = None
                    ) -> list[tuple[Headline, object]]:
    """(headline, Python value) of each headline (see ``headlines``): a date or None
    for a month, a float for an amount, a multiple, a rate or the checks, or the text
    that says why there is no multiple or rate."""
    chosen = headlines(results.assumptions, where)
    valued: dict[str, object] = {}
    if any(h.reads == VALUATION for h in chosen):
        for v in party_values(results):
            valued.update({keys.npv(v.key): v.npv, keys.received(v.key): v.received,
                           keys.invested(v.key): v.invested, keys.moic(v.key): v.moic,
                           keys.irr(v.key): v.irr})
    return [(h, _value(h, results, valued)) for h in chosen]


def _value(h: Headline, results: Computed, valued: dict[str, object]) -> object:
    if h.reads == FIRST_MONTH:
        return results.first_month(h.source)
    if h.reads == AT_HORIZON:
        return results.last(h.source)
    if h.reads == OVER_HORIZON:
        return results.total(h.source)
    if h.reads == VALUATION:
        return valued[h.source]
    return checks_failed(results)


def checks_failed(results: Computed) -> float:
    """The count of failing check-months of the Checks sheet's monthly checks."""
    return float(sum(results.total(ln.key) for ln in results.lines
                     if ln.sheet == CHECKS_SHEET))


def shown(h: Headline, value: object) -> object:
    """A headline's value as the terminal, ``diff`` and the Comparison sheet show it: a
    month (a date, or None) or an amount in USD (a float) as it is; a multiple, a rate
    or the checks as their text ("2.41x", "12.3%", "OK" or "3 FAILED")."""
    if not isinstance(value, float):
        return value
    if h.fmt == "checks":
        return "OK" if value == 0 else f"{value:.0f} FAILED"
    if h.fmt == "multiple":
        return f"{value:.2f}x"
    if h.fmt == "rate":
        return f"{round(value, 3) + 0.0:.1%}"
    return value


def terminal_label(h: Headline) -> str:
    """The label in the terminal, ``diff`` and the Comparison sheet, where a total says
    it is one (on the Dashboard, its section says so)."""
    return f"{h.label} over the horizon" if h.reads == OVER_HORIZON else h.label
