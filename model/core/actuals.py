"""A line's figure for a period and a measure, and how far it is from a reported one.

- ``total``: the sum of the line over the period's months (a flow);
- ``annualized``: the line in the period's last month x 12 (a flow);
- ``balance``: the line in the period's last month.

A total is compared only when the horizon covers every month of its period, and an
annualized figure or a balance only when it covers the period's last month: a figure
for a period the horizon covers in part is not compared, and says so (``Figure.note``),
rather than compared with fewer months than were reported.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from model.core.lines import all_lines
from model.core.results import Results
from model.errors import Problem
from model.inputs.actuals import SHEET, nearest, period_months
from model.inputs.assumptions import Actual, Assumptions

ANNUAL = 12


@dataclass(frozen=True)
class Span:
    """Where a period lies in the timeline: months t = first..last (1-based, inclusive)
    when compared, else None and a note."""

    first: int | None
    last: int | None
    note: str


@dataclass(frozen=True)
class Comparison:
    actual: Actual
    span: Span
    model: float | None  # None: not compared
    tolerance: float

    @property
    def variance(self) -> float | None:
        return None if self.model is None else self.model - self.actual.value

    @property
    def variance_pct(self) -> float | None:
        v = self.variance
        return None if v is None else v / abs(self.actual.value)

    @property
    def beyond(self) -> bool:
        """A fitted figure further off than the tolerance."""
        pct = self.variance_pct
        return self.actual.fit and pct is not None and abs(pct) > self.tolerance

    def where(self) -> str:
        a = self.actual
        return f"{a.line}, {a.period} {a.measure}"


def span(actual: Actual, months: tuple[dt.date, ...], fiscal_year_end_month: int) -> Span:
    """The months of ``actual``'s period within a timeline (``months[0]`` the opening)."""
    first, last = period_months(actual.period, fiscal_year_end_month)
    modelled = months[1:]
    inside = [t for t, m in enumerate(modelled, start=1) if first <= m <= last]
    n = (last.year - first.year) * 12 + last.month - first.month + 1
    if actual.measure == "total":
        if len(inside) == n:
            return Span(inside[0], inside[-1], "")
        if not inside:
            return Span(None, None, "not compared: outside the horizon")
        return Span(None, None, f"not compared: the horizon covers {len(inside)} of its "
                    f"{n} months")
    if inside and modelled[inside[-1] - 1] == last:
        return Span(last_t := inside[-1], last_t, "")
    return Span(None, None, f"not compared: {last:%b %Y} is outside the horizon")


def figure(results: Results, actual: Actual, s: Span) -> float | None:
    """The model's figure for ``actual``'s line, period and measure (None if not
    compared)."""
    if s.first is None or s.last is None:
        return None
    row = results.raw[results.index[actual.line]]
    if actual.measure == "total":
        return math.fsum(row[s.first:s.last + 1])
    if actual.measure == "annualized":
        return row[s.last] * ANNUAL
    return row[s.last]


def compare(results: Results) -> list[Comparison]:
    """Every row of the Actuals sheet beside the model's figure."""
    a = results.assumptions.effective()
    fye = int(a.inputs["fiscal_year_end_month"])  # type: ignore[call-overload]
    tol = float(a.inputs["actuals_tolerance"])  # type: ignore[arg-type]
    out = []
    for actual in results.assumptions.actuals or ():
        s = span(actual, results.timeline.months, fye)
        out.append(Comparison(actual, s, figure(results, actual, s), tol))
    return out


def problems(a: Assumptions) -> list[Problem]:
    """A problem for each Actuals row whose line is not a line of the model, or does not
    suit its measure (a total or an annualized figure of a balance)."""
    lines = {ln.key: ln for ln in all_lines(a)}
    keys = [k for k in lines if k not in ("month", "period")]
    out = []
    for actual in a.actuals or ():
        ln = lines.get(actual.line)
        if ln is None or actual.line in ("month", "period"):
            out.append(Problem(SHEET, actual.cell or None, "the key of a line of the model "
                               "(column A of the Revenue and Waterfall sheets)",
                               f"'{actual.line}'{nearest(actual.line, keys)}", actual.line))
        elif actual.measure != "balance" and not ln.total:
            out.append(Problem(SHEET, actual.cell or None,
                               f"the measure balance for '{actual.line}', which is a value "
                               "at a month's end (total and annualized add up a flow)",
                               f"the measure {actual.measure}", actual.line))
    return out
