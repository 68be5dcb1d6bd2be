"""What-if analysis in Python: goal seek, a two-way sensitivity grid and a tornado.

Each is many runs of the engine on varied copies of the assumptions (the
selected scenario's values, so a scenario's overrides are varied too). These
results are computed when the file is built and are labelled so in the workbook.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from model.core.engine import Results, run
from model.errors import ModelValueError
from model.inputs import schema
from model.inputs.assumptions import Assumptions
from model.inputs.overrides import Target, field_of
from model.inputs.scenarios import parse_target

MODES = ("set", "shift", "scale")


@dataclass(frozen=True)
class Metric:
    """A headline number: a line at a month. Flows are summed through the month,
    balances are read at it. ``at=None`` means the last modelled month."""

    key: str
    at: dt.date | None = None

    def of(self, r: Results) -> float:
        months = r.timeline.months[1:]
        last = len(months) if self.at is None else sum(1 for m in months if m <= self.at)
        line = r.lines[r.index[self.key]]
        values = r.row(self.key)[:last]
        if not values:
            return 0.0
        return math.fsum(values) if line.total else values[-1]

    def label(self, r: Results) -> str:
        line = r.lines[r.index[self.key]]
        when = f"{self.at:%Y-%m}" if self.at else "the horizon"
        return f"{line.label}, {'total through' if line.total else 'at'} {when}"


DEFAULT_METRIC = Metric("microsoft_total_take", dt.date(2030, 12, 1))


@dataclass(frozen=True)
class Settings:
    """What the Analysis sheet shows: the result, the grid's two inputs and their
    shifts (every Schedule row shifted by the same amount), and the tornado's move."""

    metric: Metric = DEFAULT_METRIC
    grid_x: str = "api_growth"
    grid_x_steps: tuple[float, ...] = (-0.30, -0.15, 0.0, 0.15, 0.30)
    grid_y: str = "api_gross_margin"
    grid_y_steps: tuple[float, ...] = (-0.10, -0.05, 0.0, 0.05, 0.10)
    tornado_pct: float = 0.10


VARY_HELP = ("an Inputs key, a Schedule rate, Parties:<party>:<column>, "
             "Tiers:<tier>:<column>, Streams:<stream>:<column> or Costs:<cost>:<column> "
             "holding a number")


def resolve(text: str, a: Assumptions) -> Target:
    """An input to vary: an Inputs key, a Schedule rate (with or without 'Schedule:'),
    Parties:<party>:<column> or Tiers:<tier>:<column>."""
    if text in {f.key for f in a.schedule_fields}:
        text = f"{schema.SCHEDULE_SHEET}:{text}"
    target = parse_target(text, a)
    if target is None:
        raise ValueError(f"'{text}' is not an input that can be varied")
    return target


def varied(a: Assumptions, target: Target, change: Callable[[float], float]) -> Assumptions:
    """The selected scenario's assumptions with one input changed; a Schedule rate
    changes in every row. The changed value is held within the input's allowed range
    (a growth rate never below -100 %, a margin never above 100 %)."""
    base = dataclasses.replace(a.effective(), scenarios=None, selected=None)
    f = field_of(target)
    lo = -math.inf if f is None or f.lo is None else f.lo
    hi = math.inf if f is None or f.hi is None else f.hi

    def bounded(old: float) -> float:
        return min(hi, max(lo, change(old)))

    if target.sheet == schema.SCHEDULE_SHEET:
        key = target.column
        rows = tuple({**row, key: bounded(float(row[key]))}  # type: ignore[arg-type]
                     for row in base.schedule)
        overrides = tuple((k, m, bounded(v) if k == key else v)
                          for k, m, v in base.schedule_overrides)
        return dataclasses.replace(base, schedule=rows, schedule_overrides=overrides)
    old = base.cell(target.sheet, target.row, target.column)  # None: a blank optional input
    return base.with_cell(target.sheet, target.row, target.column,
                          bounded(0.0 if old is None else float(old)))  # type: ignore[arg-type]


def changer(mode: str, x: float) -> Callable[[float], float]:
    if mode == "set":
        return lambda _old: x
    if mode == "shift":
        return lambda old: old + x
    if mode == "scale":
        return lambda old: old * x
    raise ValueError(f"mode must be one of {MODES}")


# ---------------------------------------------------------------- goal seek


@dataclass(frozen=True)
class SolveResult:
    target: Target
    mode: str
    x: float | None
    value: float | None
    goal: float
    converged: bool
    steps: int
    message: str


def goal_seek(a: Assumptions, target: Target, mode: str, metric: Metric, goal: float,
              lo: float, hi: float, rel_tol: float = 1e-9, max_steps: int = 200,
              show: Callable[[float], str] = "{:,.0f}".format) -> SolveResult:
    """Find x in [lo, hi] where ``metric`` of the varied model equals ``goal``, by
    bisection. Needs the metric minus the goal to change sign between lo and hi.
    Raises ModelValueError if the model cannot be computed somewhere in the range."""
    if not all(math.isfinite(v) for v in (goal, lo, hi)):
        raise ModelValueError(f"goal seek needs finite numbers: target {goal}, range {lo} "
                              f"to {hi}")

    def f(x: float) -> float:
        try:
            value = metric.of(run(varied(a, target, changer(mode, x))))
        except (ArithmeticError, ModelValueError) as e:
            value, why = math.nan, f" ({type(e).__name__}: {e})"
        else:
            why = ""
        if not math.isfinite(value):
            raise ModelValueError(f"{target.text()} at {x:g} leaves the result without a "
                                  f"value{why}: choose a narrower --lo/--hi")
        return value - goal

    flo, fhi = f(lo), f(hi)
    if flo == 0 or fhi == 0:
        x = lo if flo == 0 else hi
        return SolveResult(target, mode, x, goal, goal, True, 2, "exact at a bound")
    if (flo > 0) == (fhi > 0):
        return SolveResult(target, mode, None, None, goal, False, 2,
                           f"no solution between {lo:g} and {hi:g}: the result goes from "
                           f"{show(flo + goal)} to {show(fhi + goal)}; widen --lo/--hi")
    steps = 2
    while steps < max_steps:
        mid = (lo + hi) / 2
        fm = f(mid)
        steps += 1
        if abs(fm) <= rel_tol * max(abs(goal), 1.0) or hi - lo <= 1e-12 * max(1.0, abs(mid)):
            return SolveResult(target, mode, mid, fm + goal, goal, True, steps, "converged")
        if (fm > 0) == (flo > 0):
            lo, flo = mid, fm
        else:
            hi = mid
    return SolveResult(target, mode, (lo + hi) / 2, None, goal, False, steps,
                       f"did not converge in {max_steps} steps")


# ---------------------------------------------------------------- sensitivities


@dataclass(frozen=True)
class Grid:
    metric: Metric
    x: Target
    y: Target
    mode: str
    x_steps: tuple[float, ...]
    y_steps: tuple[float, ...]
    values: tuple[tuple[float, ...], ...]  # values[i][j]: y_steps[i], x_steps[j]


def grid(a: Assumptions, metric: Metric, x: Target, x_steps: Sequence[float], y: Target,
         y_steps: Sequence[float], mode: str = "shift") -> Grid:
    values = []
    for dy in y_steps:
        ay = varied(a, y, changer(mode, dy))
        values.append(tuple(metric.of(run(varied(ay, x, changer(mode, dx))))
                            for dx in x_steps))
    return Grid(metric, x, y, mode, tuple(x_steps), tuple(y_steps), tuple(values))


@dataclass(frozen=True)
class Bar:
    target: Target
    low: float  # the metric with the input moved down
    high: float  # ... and up

    @property
    def swing(self) -> float:
        return abs(self.high - self.low)


def tornado_inputs(a: Assumptions) -> list[Target]:
    """Every number input that can be scaled alone: amounts and rates that are not 0."""
    e = a.effective()
    out: list[Target] = []
    for f in schema.INPUT_FIELDS:
        t = Target(schema.INPUTS_SHEET, f.key, "value")
        if field_of(t) and f.kind in ("usd", "count", "rate") and e.inputs[f.key]:
            out.append(t)
    for f in e.schedule_fields:
        if any(row[f.key] for row in e.schedule):
            out.append(Target(schema.SCHEDULE_SHEET, f.key, f.key))
    out += [Target(schema.STREAMS_SHEET, s.key, "arr_opening") for s in e.streams
            if s.arr_opening]
    out += [Target(schema.COSTS_SHEET, c.key, "monthly_opening") for c in e.costs
            if c.monthly_opening]
    out += [Target(schema.PARTIES_SHEET, p.key, "cap_usd") for p in e.parties if p.capped]
    out += [Target(schema.TIERS_SHEET, str(t.number), "hurdle_usd") for t in e.tiers
            if t.hurdle_usd]
    return out


def tornado(a: Assumptions, metric: Metric, pct: float = 0.10) -> tuple[float, list[Bar]]:
    """The base metric, and each input moved by -pct and +pct (scaled), widest first."""
    base = metric.of(run(a))
    bars = [Bar(t, metric.of(run(varied(a, t, changer("scale", 1 - pct)))),
                metric.of(run(varied(a, t, changer("scale", 1 + pct)))))
            for t in tornado_inputs(a)]
    return base, sorted(bars, key=lambda b: b.swing, reverse=True)
