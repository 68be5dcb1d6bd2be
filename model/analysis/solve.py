"""What-if analysis in Python: goal seek, and what a result is and how an input moves.

Goal seek is many runs of the engine on varied copies of the assumptions (the
selected scenario's values, so a scenario's overrides are varied too). The grid and
the tornado (``model.analysis.sensitivity``) move inputs the same way, in one pass.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

from model import keys
from model.core.engine import run
from model.core.results import Results
from model.errors import ModelValueError
from model.inputs import schema, typed
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
        text = keys.target(schema.SCHEDULE_SHEET, None, text)
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
        rows = tuple({**row, key: bounded(typed.number(row[key]))}
                     for row in base.schedule)
        overrides = tuple((k, m, bounded(v) if k == key else v)
                          for k, m, v in base.schedule_overrides)
        return dataclasses.replace(base, schedule=rows, schedule_overrides=overrides)
    old = base.cell(target.sheet, target.row, target.column)  # None: a blank optional input
    return base.with_cell(target.sheet, target.row, target.column,
                          bounded(0.0 if old is None else typed.number(old)))


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
