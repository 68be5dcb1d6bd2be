"""The results of a Monte Carlo run: per-draw metrics, percentiles, probabilities, report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from model import keys
from model.analysis.report import money
from model.core.timeline import Timeline
from model.inputs.uncertain import Distribution

if TYPE_CHECKING:
    from model.inputs.assumptions import Assumptions

NOT_REACHED = "not within the horizon"


@dataclass(frozen=True)
class QuantileRow:
    label: str
    kind: str  # "month" (values are month indexes) or "usd"
    p10: float
    p50: float
    p90: float
    mean: float | None


@dataclass(frozen=True)
class EventRow:
    label: str
    probability: float


@dataclass
class Simulation:
    """The per-draw results of a simulation and the report built from them."""

    assumptions: Assumptions  # what was simulated (the selected scenario applied)
    dists: tuple[Distribution, ...]
    draws: int
    seed: int
    by: dt.date
    source: str  # where the distributions came from
    metrics: dict[str, np.ndarray]
    seconds: float = 0.0
    scenario: str | None = None  # the selected scenario simulated around, if any
    timeline: Timeline = field(init=False)

    def __post_init__(self) -> None:
        self.timeline = Timeline.of(self.assumptions)

    @property
    def n(self) -> int:
        return self.timeline.n

    def month(self, t: float) -> dt.date | None:
        """The date of month index t, or None when beyond the horizon."""
        i = int(t)
        return self.timeline.months[i] if 1 <= i <= self.n else None

    @property
    def by_index(self) -> int:
        """The last month index on or before ``by`` (0 when before the start)."""
        return sum(1 for m in self.timeline.months[1:] if m <= self.by)

    @property
    def by_beyond_horizon(self) -> bool:
        return self.by > self.timeline.months[-1]

    def hurdle_tiers(self, party: str | None = None) -> list[Any]:
        return [t for t in self.assumptions.tiers if t.hurdle_party is not None
                and (party is None or t.hurdle_party == party)]

    def quantiles(self) -> list[QuantileRow]:
        a = self.assumptions
        rows: list[QuantileRow] = []
        for t in self.hurdle_tiers():
            who = a.party(t.hurdle_party).label
            rows.append(self._months(f"Month the tier {t.number} hurdle is met ({who}: "
                                     f"{_usd_short(t.hurdle_usd)} received)",
                                     keys.first_month(keys.hurdle_met(t.number))))
        for p in a.parties:
            if p.capped:
                rows.append(self._months(f"Month the cap of {p.label} binds",
                                         keys.first_month(keys.cap_binds(p.key))))
        for p in a.parties:
            rows.append(self._amounts(f"Cumulative receipts at the horizon: {p.label}",
                                      keys.cum(p.key)))
        rows.append(self._amounts("Microsoft's total take over the horizon",
                                  "microsoft_total_take"))
        return rows

    def _months(self, label: str, key: str) -> QuantileRow:
        q = np.quantile(self.metrics[key], [0.1, 0.5, 0.9], method="inverted_cdf")
        return QuantileRow(label, "month", float(q[0]), float(q[1]), float(q[2]), None)

    def _amounts(self, label: str, key: str) -> QuantileRow:
        x = self.metrics[key]
        q = np.percentile(x, [10, 50, 90])
        return QuantileRow(label, "usd", float(q[0]), float(q[1]), float(q[2]),
                           float(x.mean()))

    def events(self) -> list[EventRow]:
        a = self.assumptions
        rows: list[EventRow] = []
        by = self.by_index
        for t in self.hurdle_tiers("microsoft"):
            first = self.metrics[keys.first_month(keys.hurdle_met(t.number))]
            rows.append(EventRow(
                f"Microsoft recoups {_usd_short(t.hurdle_usd)} (tier {t.number} hurdle) "
                f"by {self.by:%b %Y}", float(np.mean(first <= by))))
        end = f"{self.timeline.months[-1]:%b %Y}"
        for t in self.hurdle_tiers():
            who = a.party(t.hurdle_party).label
            first = self.metrics[keys.first_month(keys.hurdle_met(t.number))]
            rows.append(EventRow(f"Tier {t.number} hurdle met by {end}, the horizon ({who}: "
                                 f"{_usd_short(t.hurdle_usd)} received)",
                                 float(np.mean(first <= self.n))))
        for p in a.parties:
            if p.capped:
                first = self.metrics[keys.first_month(keys.cap_binds(p.key))]
                rows.append(EventRow(f"Cap of {p.label} binds by {end}, the horizon",
                                     float(np.mean(first <= self.n))))
        return rows

    @property
    def checks_failed_draws(self) -> int:
        return int(np.count_nonzero(self.metrics["checks_failed"]))

    def held_counts(self) -> dict[str, int]:
        return {d.key: int(np.count_nonzero(self.metrics[keys.held(d.key)])) for d in self.dists}

    def drawn_quantiles(self, key: str) -> tuple[float, float, float]:
        q = np.percentile(self.metrics[keys.drawn(key)], [10, 50, 90])
        return float(q[0]), float(q[1]), float(q[2])

    def histogram(self, key: str, bins: int = 20) -> list[tuple[float, float, int]]:
        """(lower edge, upper edge, count) of equal-width bins of a per-draw amount."""
        x = self.metrics[key]
        lo, hi = float(x.min()), float(x.max())
        if hi - lo <= 1e-9 * max(abs(lo), abs(hi), 1.0):
            return [(lo, hi, int(x.size))]
        counts, edges = np.histogram(x, bins=bins, range=(lo, hi))
        return [(float(edges[i]), float(edges[i + 1]), int(c)) for i, c in enumerate(counts)]

    def year_distribution(self, key: str) -> list[tuple[str, float, float]]:
        """(calendar year or 'after <end>', share of draws, cumulative share) of the
        first month of a flag, one row per year of the horizon."""
        first = self.metrics[key]
        years = [m.year for m in self.timeline.months[1:]]
        by_year: dict[str, int] = {str(y): 0 for y in dict.fromkeys(years)}
        idx, counts = np.unique(first, return_counts=True)
        never = 0
        for t, c in zip(idx.tolist(), counts.tolist(), strict=True):
            if t > self.n:
                never += int(c)
            else:
                by_year[str(years[t - 1])] += int(c)
        rows = [*by_year.items(), (f"after {self.timeline.months[-1]:%b %Y}", never)]
        out: list[tuple[str, float, float]] = []
        cum = 0
        for label, c in rows:
            cum += c
            out.append((label, c / self.draws, cum / self.draws))
        return out



# ---------------------------------------------------------------- the terminal report

def _usd_short(v: float | None) -> str:
    return "-" if v is None else money(v)


def _cell(sim: Simulation, row: QuantileRow, v: float) -> str:
    if row.kind == "month":
        m = sim.month(v)
        return f"{m:%b %Y}" if m else "never"
    return money(v)


def _param_text(d: Distribution) -> str:
    return d.describe()


def report_text(sim: Simulation) -> str:
    """The report for the terminal: inputs drawn, percentiles and probabilities."""
    lines = [f"Monte Carlo: {sim.draws:,} draws, seed {sim.seed}, {sim.n} months from "
             f"{sim.timeline.months[1]:%b %Y}, in {sim.seconds:.2f} s",
             f"Distributions: {sim.source}"]
    if sim.scenario:
        lines.append(f"Scenario: {sim.scenario} (the draws vary around it)")
    lines.append("")
    held = sim.held_counts()
    w = max(len(d.key) for d in sim.dists) if sim.dists else 3
    lines.append(f"  {'input':<{w}}  {'apply':<5}  distribution")
    for d in sim.dists:
        note = f"  ({held[d.key]:,} draws held at a schema bound)" if held[d.key] else ""
        lines.append(f"  {d.key:<{w}}  {d.mode_of_apply:<5}  {_param_text(d)}{note}")
    if not sim.dists:
        lines.append("  (none: every draw is the base case)")
    lines.append("")
    q = sim.quantiles()
    w = max(len(r.label) for r in q)
    lines.append(f"  {'':<{w}}  {'P10':>9}  {'P50':>9}  {'P90':>9}  {'mean':>9}")
    for r in q:
        mean = "" if r.mean is None else money(r.mean)
        lines.append(f"  {r.label:<{w}}  {_cell(sim, r, r.p10):>9}  {_cell(sim, r, r.p50):>9}"
                     f"  {_cell(sim, r, r.p90):>9}  {mean:>9}")
    lines.append("  (never = not within the horizon)")
    lines.append("")
    events = sim.events()
    if not sim.hurdle_tiers("microsoft"):
        lines.append("  No tier has microsoft as its hurdle_party: no recoup probability.")
    if sim.by_beyond_horizon:
        lines.append(f"  Note: --by {sim.by:%Y-%m} is beyond the horizon; only months within "
                     "it count.")
    w = max((len(e.label) for e in events), default=10)
    lines.append(f"  {'Probability':<{w}}")
    for e in events:
        lines.append(f"  {e.label:<{w}}  {e.probability * 100:6.1f} %")
    failed = sim.checks_failed_draws
    lines.append("")
    lines.append("  Model checks: OK in every draw" if failed == 0 else
                 f"  Model checks: FAILED in {failed:,} draws")
    return "\n".join(lines)
