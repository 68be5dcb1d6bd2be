"""Sensitivities: a two-way grid and a tornado, each point one draw of the many-draws engine.

Every grid point and every tornado bump is a *draw*: the selected scenario's
assumptions with one or two inputs changed (a Schedule rate in every row, held
within the input's allowed range) exactly as ``solve.varied`` changes them. All the
draws of the Analysis sheet go through the model in one vectorised pass
(``model.core.draws``) instead of one run of the engine each; the tests check every
draw against a run of the scalar engine on the ``varied`` assumptions.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.analysis.solve import Metric, Settings, changer, resolve
from model.core.draws import line_many
from model.core.engine import compiled_for, inputs_vector, param_vector, schedule_in_force
from model.core.timeline import Timeline
from model.inputs import schema, typed
from model.inputs.assumptions import Assumptions
from model.inputs.overrides import Target, field_of


@dataclass(frozen=True)
class Change:
    """One input moved: set to x, shifted by x or scaled by x."""

    target: Target
    mode: str
    x: float


def metric_of_draws(a: Assumptions, metric: Metric,
                    draws: Sequence[Sequence[Change]]) -> list[float]:
    """The metric for each draw, in one vectorised pass: draw d is the selected
    scenario's assumptions with the changes ``draws[d]`` made in order."""
    if not draws:
        return []
    base = dataclasses.replace(a.effective(), scenarios=None, selected=None)
    size = len(draws)
    c = compiled_for(base, vector=True)
    tl = Timeline.of(base)
    inputs: list[Any] = list(inputs_vector(base))
    params: list[Any] = param_vector(base, c.params)
    in_force = schedule_in_force(base, tl)
    schedule: list[Any] = [in_force[f.key] for f in base.schedule_fields]
    input_index = {f.key: i for i, f in enumerate(schema.INPUT_FIELDS)}
    sched_index = {f.key: i for i, f in enumerate(base.schedule_fields)}
    param_index = {p: i for i, p in enumerate(c.params)}
    for target in dict.fromkeys(ch.target for d in draws for ch in d):
        mine = [[ch for ch in d if ch.target == target] for d in draws]
        lo, hi = _bounds(target)
        if target.sheet == schema.SCHEDULE_SHEET:
            i = sched_index[target.column]
            path = np.asarray(schedule[i], dtype=float)
            schedule[i] = np.column_stack([  # (month, draw)
                np.array(_moved_path(schedule[i], lo, hi, changes)) if changes else path
                for changes in mine])
            continue
        # refused as varied() refuses it (a date, a blank): TypeError
        old = typed.number(base.cell(target.sheet, target.row, target.column))
        values = np.array([_moved(old, lo, hi, changes) for changes in mine])
        if target.sheet == schema.INPUTS_SHEET:
            inputs[input_index[target.row]] = values
        elif (target.sheet, target.row, target.column) in param_index:
            params[param_index[(target.sheet, target.row, target.column)]] = values
        # else: a cell of another table that no line reads; the draws equal the base
    months = tl.months[1:]
    last = len(months) if metric.at is None else sum(1 for m in months if m <= metric.at)
    if last == 0:
        return [0.0] * len(draws)
    history = line_many(base, metric.key, inputs, schedule, params, until=last)
    kept = np.array([np.broadcast_to(np.asarray(history[t], dtype=float), (size,))
                     for t in range(1, last + 1)])  # (month, draw)
    if c.lines[c.index[metric.key]].total:
        return [math.fsum(kept[:, d]) for d in range(size)]
    return [float(v) for v in kept[-1]]


def _bounds(target: Target) -> tuple[float, float]:
    f = field_of(target)
    lo = -math.inf if f is None or f.lo is None else f.lo
    hi = math.inf if f is None or f.hi is None else f.hi
    return lo, hi


def _moved(old: float, lo: float, hi: float, changes: Sequence[Change]) -> float:
    """The value after the changes, each held within the input's range [lo, hi], as
    solve.varied holds it."""
    for ch in changes:
        old = min(hi, max(lo, changer(ch.mode, ch.x)(old)))
    return old


def _moved_path(path: Sequence[float], lo: float, hi: float,
                changes: Sequence[Change]) -> list[float]:
    """A Schedule rate in force month by month, every row changed the same way."""
    memo: dict[float, float] = {}
    return [memo[v] if v in memo else memo.setdefault(v, _moved(v, lo, hi, changes))
            for v in path]


# ---------------------------------------------------------------- grid and tornado


@dataclass(frozen=True)
class Grid:
    metric: Metric
    x: Target
    y: Target
    mode: str
    x_steps: tuple[float, ...]
    y_steps: tuple[float, ...]
    values: tuple[tuple[float, ...], ...]  # values[i][j]: y_steps[i], x_steps[j]


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


def _grid_draws(x: Target, x_steps: Sequence[float], y: Target, y_steps: Sequence[float],
                mode: str) -> list[list[Change]]:
    return [[Change(y, mode, dy), Change(x, mode, dx)] for dy in y_steps for dx in x_steps]


def _tornado_draws(targets: Sequence[Target], pct: float) -> list[list[Change]]:
    """The base (no change), then each input scaled by 1 - pct and by 1 + pct."""
    return [[], *([Change(t, "scale", k)] for t in targets for k in (1 - pct, 1 + pct))]


def _grid_of(values: Sequence[float], metric: Metric, x: Target, x_steps: Sequence[float],
             y: Target, y_steps: Sequence[float], mode: str) -> Grid:
    k = len(x_steps)
    rows = tuple(tuple(values[i * k:(i + 1) * k]) for i in range(len(y_steps)))
    return Grid(metric, x, y, mode, tuple(x_steps), tuple(y_steps), rows)


def _bars_of(values: Sequence[float], targets: Sequence[Target]) -> tuple[float, list[Bar]]:
    bars = [Bar(t, values[1 + 2 * i], values[2 + 2 * i]) for i, t in enumerate(targets)]
    return values[0], sorted(bars, key=lambda b: b.swing, reverse=True)


def grid(a: Assumptions, metric: Metric, x: Target, x_steps: Sequence[float], y: Target,
         y_steps: Sequence[float], mode: str = "shift") -> Grid:
    """The metric with y moved by each of y_steps (down) and x by each of x_steps."""
    values = metric_of_draws(a, metric, _grid_draws(x, x_steps, y, y_steps, mode))
    return _grid_of(values, metric, x, x_steps, y, y_steps, mode)


def tornado(a: Assumptions, metric: Metric, pct: float = 0.10) -> tuple[float, list[Bar]]:
    """The base metric, and each input moved by -pct and +pct (scaled), widest first."""
    targets = tornado_inputs(a)
    return _bars_of(metric_of_draws(a, metric, _tornado_draws(targets, pct)), targets)


def sensitivities(a: Assumptions, settings: Settings) -> tuple[Grid, float, list[Bar]]:
    """The Analysis sheet's grid and tornado in one pass: (grid, base, bars)."""
    x, y = resolve(settings.grid_x, a), resolve(settings.grid_y, a)
    targets = tornado_inputs(a)
    grid_draws = _grid_draws(x, settings.grid_x_steps, y, settings.grid_y_steps, "shift")
    values = metric_of_draws(a, settings.metric,
                             grid_draws + _tornado_draws(targets, settings.tornado_pct))
    k = len(grid_draws)
    g = _grid_of(values[:k], settings.metric, x, settings.grid_x_steps, y,
                 settings.grid_y_steps, "shift")
    return (g, *_bars_of(values[k:], targets))
