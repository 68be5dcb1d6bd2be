"""Monte Carlo over the whole model, vectorised across draws.

The engine's step function is compiled once with ``vector=True``: every line is
then computed for all the draws of a chunk at once, month by month, with numpy.
The Python model is never looped per draw.

Reproducibility and chunking
----------------------------
Draw ``i`` of key ``k`` comes from the numpy generator
``Generator(PCG64(SeedSequence(seed, spawn_key=(i // BLOCK, crc32(k)))))``, that is
from the spawned child sequence of its block of ``BLOCK`` draws and its key. So:

- the same seed and the same Distributions rows give the same draws;
- draw i does not depend on how many draws are asked for, on the chunk size or on
  the number of worker processes: chunks (and processes) only split the work;
- changing one row of the Distributions sheet leaves the draws of the other keys
  as they were (common random numbers when comparing two runs).

Memory does not grow with the horizon: each line keeps only its last two months,
and a chunk keeps a handful of per-draw results (first month a flag is 1, the
balances at the horizon, totals).
"""

from __future__ import annotations

import datetime as dt
import math
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from model.core.engine import (
    Compiled,
    Timeline,
    compiled_for,
    inputs_vector,
    run_vector,
    schedule_in_force,
)
from model.inputs import schema
from model.inputs.distributions import validate_for
from model.inputs.uncertain import INPUT_KEYS, SCHEDULE_KEYS, Distribution

if TYPE_CHECKING:
    from model.inputs.assumptions import Assumptions

BLOCK = 1000  # draws per seed block: the unit of reproducibility
DEFAULT_CHUNK = 10_000  # draws per vectorised pass of the engine
MAX_DRAWS = 1_000_000
DEFAULT_BY = dt.date(2030, 12, 1)
NOT_REACHED = "not within the horizon"


# ---------------------------------------------------------------- sampling

def key_generator(seed: int, block: int, key: str) -> np.random.Generator:
    """The generator of one block of draws of one key: a spawned child sequence."""
    seq = np.random.SeedSequence(seed, spawn_key=(block, zlib.crc32(key.encode())))
    return np.random.Generator(np.random.PCG64(seq))


def sample(dists: Sequence[Distribution], seed: int, start: int,
           stop: int) -> dict[str, np.ndarray]:
    """Draws start..stop-1 of every distribution, after its min/max clipping."""
    first, last = start // BLOCK, (stop - 1) // BLOCK
    out: dict[str, np.ndarray] = {}
    for d in dists:
        blocks = [d.sample(key_generator(seed, b, d.key), BLOCK) for b in range(first, last + 1)]
        out[d.key] = np.concatenate(blocks)[start - first * BLOCK: stop - first * BLOCK]
    return out


def _apply(base: float, x: np.ndarray, mode: str,
           f: schema.Field) -> tuple[np.ndarray, np.ndarray]:
    """The input's values for draws x, held within the schema's range; and which were held."""
    v = x if mode == "value" else base * x if mode == "scale" else base + x
    lo = -math.inf if f.lo is None else f.lo
    hi = math.inf if f.hi is None else f.hi
    held = (v < lo) | (v > hi)
    if held.any():
        v = np.clip(v, lo, hi)
    return v, held


class _DrawnSchedule:
    """A Schedule key's value in force in month t, for every draw (computed on demand)."""

    def __init__(self, base: list[float], x: np.ndarray, mode: str, f: schema.Field,
                 held: np.ndarray) -> None:
        self.base, self.x, self.mode, self.field, self.held = base, x, mode, f, held
        self._last: tuple[float, np.ndarray] | None = None

    def __getitem__(self, t: int) -> np.ndarray:
        b = self.base[t]
        if self._last is not None and self._last[0] == b:
            return self._last[1]
        v, held = _apply(b, self.x, self.mode, self.field)
        self.held |= held
        self._last = (b, v)
        return v


def drawn_inputs(a: Assumptions, dists: Sequence[Distribution], x: dict[str, np.ndarray],
                 size: int) -> tuple[list[Any], list[Any], dict[str, np.ndarray]]:
    """The engine's inputs and schedule with the draws applied, and per key the draws
    held at a bound of the schema."""
    tl = Timeline.of(a)
    inputs: list[Any] = list(inputs_vector(a))
    sched = schedule_in_force(a, tl)
    schedule: list[Any] = [sched[f.key] for f in schema.SCHEDULE_FIELDS]
    held: dict[str, np.ndarray] = {}
    input_index = {f.key: i for i, f in enumerate(schema.INPUT_FIELDS)}
    sched_index = {f.key: i for i, f in enumerate(schema.SCHEDULE_FIELDS)}
    for d in dists:
        mode = d.mode_of_apply
        if d.key in SCHEDULE_KEYS:
            held[d.key] = np.zeros(size, dtype=bool)
            i = sched_index[d.key]
            schedule[i] = _DrawnSchedule(schedule[i], x[d.key], mode, SCHEDULE_KEYS[d.key],
                                         held[d.key])
        else:
            i = input_index[d.key]
            inputs[i], held[d.key] = _apply(inputs[i], x[d.key], mode, INPUT_KEYS[d.key])
    return inputs, schedule, held


# ---------------------------------------------------------------- running the engine

class _Line:
    """Storage of one line during a vectorised run: its last two months only.

    ``watch(t, value)`` is called on every month written, to keep what the report
    needs (the first month a flag is 1, a running total) without the history."""

    __slots__ = ("t", "cur", "prev", "watch")

    def __init__(self, watch: Callable[[int, Any], None] | None = None) -> None:
        self.t = -2
        self.cur: Any = math.nan
        self.prev: Any = math.nan
        self.watch = watch

    def __getitem__(self, t: int) -> Any:
        if t == self.t:
            return self.cur
        if t == self.t - 1:
            return self.prev
        return math.nan

    def __setitem__(self, t: int, value: Any) -> None:
        if t != self.t:
            self.prev = self.cur if t == self.t + 1 else math.nan
            self.t = t
        self.cur = value
        if self.watch is not None:
            self.watch(t, value)


class _FirstMonth:
    """The first month (1..n) in which a 0/1 flag is 1, per draw; n + 1 when never."""

    def __init__(self, n: int, size: int) -> None:
        self.n = n
        self.first = np.full(size, n + 1, dtype=np.int32)

    def __call__(self, t: int, value: Any) -> None:
        if t >= 1:
            hit = (np.asarray(value) >= 1) & (self.first > self.n)
            self.first[hit] = t


class _Total:
    """The sum over months 1..n, per draw."""

    def __init__(self, size: int) -> None:
        self.total = np.zeros(size)

    def __call__(self, t: int, value: Any) -> None:
        if t >= 1:
            self.total += value


def flag_keys(a: Assumptions) -> list[str]:
    """The 0/1 lines whose first month the simulation records."""
    keys = [f"tier{t.number}_hurdle_met" for t in a.tiers if t.hurdle_party is not None]
    keys += [f"cap_binds_{p.key}" for p in a.parties if p.capped]
    return keys


def run_draws(a: Assumptions, dists: Sequence[Distribution], seed: int, start: int, stop: int,
              tick: Callable[[], None] | None = None,
              compiled: Compiled | None = None) -> dict[str, np.ndarray]:
    """Draws start..stop-1 through the whole model at once: the per-draw results.

    ``a`` holds the assumptions simulated (a scenario already applied). Keys of the
    result: ``first:<flag>`` (month index, n + 1 = never), ``cum_<party>`` at the
    horizon, ``microsoft_total_take``, ``checks_failed``, and per drawn key
    ``draw:<key>`` (the number drawn) and ``held:<key>`` (held at a schema bound).
    Module-level, so a process pool can run chunks of one simulation. ``compiled``
    is the step function compiled with vector=True for ``a``, to reuse across chunks.
    """
    size = stop - start
    c = compiled or compiled_for(a, vector=True)
    n = Timeline.of(a).n
    x = sample(dists, seed, start, stop)
    inputs, schedule, held = drawn_inputs(a, dists, x, size)
    firsts = {k: _FirstMonth(n, size) for k in flag_keys(a)}
    totals = {ln.key: _Total(size) for ln in c.lines
              if ln.key == "microsoft_total_take" or ln.key.startswith("check_")}
    rows: list[_Line] = []
    for ln in c.lines:
        watch: Callable[[int, Any], None] | None = firsts.get(ln.key) or totals.get(ln.key)
        rows.append(_Line(watch))
    if tick is not None:
        last = rows[-1]
        inner = last.watch

        def ticking(t: int, value: Any) -> None:
            if inner is not None:
                inner(t, value)
            if t >= 1:
                tick()
        last.watch = ticking
    with np.errstate(all="ignore"):  # overflow is reported once, by simulate()
        run_vector(c, a, rows, inputs, schedule)

    def per_draw(value: Any) -> np.ndarray:
        return np.broadcast_to(np.asarray(value, dtype=float), (size,)).copy()

    out: dict[str, np.ndarray] = {f"first:{k}": w.first for k, w in firsts.items()}
    for p in a.parties:
        out[f"cum_{p.key}"] = per_draw(rows[c.index[f"cum_{p.key}"]][n])
    out["microsoft_total_take"] = totals["microsoft_total_take"].total
    out["checks_failed"] = sum((w.total for k, w in totals.items() if k.startswith("check_")),
                               np.zeros(size))
    for d in dists:
        out[f"draw:{d.key}"] = x[d.key]
        out[f"held:{d.key}"] = held[d.key]
    return out


def run_lines(a: Assumptions, dists: Sequence[Distribution], seed: int, start: int,
              stop: int) -> dict[str, np.ndarray]:
    """Every line in every month for draws start..stop-1: {key: (n + 1, draws) array}.

    Keeps the whole history, so meant for a few draws (tests, inspection)."""
    size = stop - start
    c = compiled_for(a, vector=True)
    n = Timeline.of(a).n
    x = sample(dists, seed, start, stop)
    inputs, schedule, _ = drawn_inputs(a, dists, x, size)
    rows = [np.full((n + 1, size), math.nan) for _ in c.lines]
    run_vector(c, a, rows, inputs, schedule)
    return {ln.key: rows[i] for i, ln in enumerate(c.lines)}


# ---------------------------------------------------------------- progress

class Progress:
    """tqdm when it is installed, else a plain counter on stderr; silent when disabled."""

    def __init__(self, total: int, enabled: bool, desc: str = "simulating") -> None:
        self.total, self.enabled, self.desc = total, enabled, desc
        self.done = 0
        self._bar: Any = None
        self._shown = -1
        if enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                return
            self._bar = tqdm(total=total, desc=desc, unit="month", file=sys.stderr,
                             leave=False)

    def update(self, k: int = 1) -> None:
        if not self.enabled:
            return
        self.done += k
        if self._bar is not None:
            self._bar.update(k)
            return
        pct = 100 * self.done // max(self.total, 1)
        if pct != self._shown:
            self._shown = pct
            print(f"\r{self.desc}: {pct:3d} %", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        elif self.enabled and self._shown >= 0:
            print("\r" + " " * (len(self.desc) + 8) + "\r", end="", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the simulation

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
                                     f"first:tier{t.number}_hurdle_met"))
        for p in a.parties:
            if p.capped:
                rows.append(self._months(f"Month the cap of {p.label} binds",
                                         f"first:cap_binds_{p.key}"))
        for p in a.parties:
            rows.append(self._amounts(f"Cumulative receipts at the horizon: {p.label}",
                                      f"cum_{p.key}"))
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
            first = self.metrics[f"first:tier{t.number}_hurdle_met"]
            rows.append(EventRow(
                f"Microsoft recoups {_usd_short(t.hurdle_usd)} (tier {t.number} hurdle) "
                f"by {self.by:%b %Y}", float(np.mean(first <= by))))
        end = f"{self.timeline.months[-1]:%b %Y}"
        for t in self.hurdle_tiers():
            who = a.party(t.hurdle_party).label
            first = self.metrics[f"first:tier{t.number}_hurdle_met"]
            rows.append(EventRow(f"Tier {t.number} hurdle met by {end}, the horizon ({who}: "
                                 f"{_usd_short(t.hurdle_usd)} received)",
                                 float(np.mean(first <= self.n))))
        for p in a.parties:
            if p.capped:
                first = self.metrics[f"first:cap_binds_{p.key}"]
                rows.append(EventRow(f"Cap of {p.label} binds by {end}, the horizon",
                                     float(np.mean(first <= self.n))))
        return rows

    @property
    def checks_failed_draws(self) -> int:
        return int(np.count_nonzero(self.metrics["checks_failed"]))

    def held_counts(self) -> dict[str, int]:
        return {d.key: int(np.count_nonzero(self.metrics[f"held:{d.key}"])) for d in self.dists}

    def drawn_quantiles(self, key: str) -> tuple[float, float, float]:
        q = np.percentile(self.metrics[f"draw:{key}"], [10, 50, 90])
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


def simulate(a: Assumptions, dists: Sequence[Distribution], draws: int, seed: int,
             by: dt.date = DEFAULT_BY, chunk: int = DEFAULT_CHUNK, workers: int = 1,
             progress: bool = False, source: str = "") -> Simulation:
    """Run ``draws`` draws of the whole model, vectorised, in chunks of ``chunk`` draws.

    ``a`` may carry a selected scenario: the simulation varies around it. With
    ``workers`` > 1 the chunks run in a process pool; the results are the same.
    """
    if not 1 <= draws <= MAX_DRAWS:
        raise ValueError(f"draws must be between 1 and {MAX_DRAWS:,}, not {draws}")
    if chunk < 1:
        raise ValueError(f"chunk must be at least 1, not {chunk}")
    t0 = time.perf_counter()
    eff = a.effective()
    blank = [d.key for d in dists if d.key in INPUT_KEYS and eff.inputs.get(d.key) is None]
    if blank:
        raise ValueError(f"cannot draw blank optional inputs {blank}: their blankness "
                         "chooses the model's structure (see distributions.validate_for)")
    n = Timeline.of(eff).n
    spans = [(lo, min(lo + chunk, draws)) for lo in range(0, draws, chunk)]
    parts: list[dict[str, np.ndarray]]
    if workers > 1 and len(spans) > 1:
        from concurrent.futures import ProcessPoolExecutor
        compiled_for(eff, vector=True)  # forked workers inherit the compiled code
        bar = Progress(len(spans), progress, "simulating (chunks)")
        try:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = [pool.submit(run_draws, eff, tuple(dists), seed, lo, hi)
                           for lo, hi in spans]
                parts = []
                for fut in futures:
                    parts.append(fut.result())
                    bar.update()
        finally:
            bar.close()
    else:
        bar = Progress(len(spans) * n, progress)
        compiled = compiled_for(eff, vector=True)
        try:
            parts = [run_draws(eff, dists, seed, lo, hi, bar.update if progress else None,
                               compiled) for lo, hi in spans]
        finally:
            bar.close()
    metrics = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    bad = np.zeros(draws, dtype=bool)
    for v in metrics.values():
        if v.dtype.kind == "f":
            bad |= ~np.isfinite(v)
    if bad.any():
        from model.errors import ModelValueError
        raise ModelValueError(f"{int(bad.sum()):,} of {draws:,} draws overflow (a result is "
                              "inf or NaN): narrow the distributions")
    scenario = getattr(a, "selected", None) if getattr(a, "scenarios", None) else None
    return Simulation(eff, tuple(dists), draws, seed, by, source, metrics,
                      time.perf_counter() - t0, scenario)


# ---------------------------------------------------------------- loading and output

def distributions_for(a: Assumptions, path: Path) -> tuple[tuple[Distribution, ...], str]:
    """The rows of the workbook's Distributions sheet, as loaded with it (the defaults
    when it has none), checked against the assumptions as simulated (the selected
    scenario applied); and a note of where they came from. Raises InputError by sheet
    and cell."""

    from model.inputs.defaults import DEFAULT_DISTRIBUTIONS
    if a.distributions is None:
        dists, where = DEFAULT_DISTRIBUTIONS, (
            f"the default distributions ({path.name} has no {schema.DISTRIBUTIONS_SHEET} "
            "sheet)")
    else:
        dists, where = a.distributions, f"the {schema.DISTRIBUTIONS_SHEET} sheet of {path.name}"
    validate_for(dists, a.effective(), str(path))
    return dists, where


def default_output(source: Path) -> Path:
    """output/<stem>-simulation.xlsx, the stem without a '-model' or '-simulation'."""
    stem = source.stem
    for suffix in ("-model", "-simulation"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
    return Path("output") / f"{stem}-simulation.xlsx"


def parse_month(text: str) -> dt.date:
    """'2030-12' -> 2030-12-01. Raises ValueError with a message for the user."""
    try:
        year, month = (int(p) for p in text.strip().split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        raise ValueError(f"expected a month as YYYY-MM, such as 2030-12, found '{text}'") \
            from None


# ---------------------------------------------------------------- the terminal report

def _usd_short(v: float | None) -> str:
    if v is None:
        return "-"
    return f"${v / 1e9:,.1f}B" if abs(v) >= 1e9 else f"${v / 1e6:,.1f}M"


def _cell(sim: Simulation, row: QuantileRow, v: float) -> str:
    if row.kind == "month":
        m = sim.month(v)
        return f"{m:%b %Y}" if m else "never"
    return f"${v / 1e6:,.0f}M"


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
        mean = "" if r.mean is None else f"${r.mean / 1e6:,.0f}M"
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
