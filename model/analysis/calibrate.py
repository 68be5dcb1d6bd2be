"""Calibration: the smallest move of chosen inputs that makes the model match the fitted
figures of the Actuals sheet.

The residuals are each fitted figure's relative error, (model - reported) / |reported|,
and one per moved input, ``weight`` x its move (the log of the ratio for an amount or for
1 + a growth rate, the move itself for any other rate), so the fit is regularised toward
the workbook's own values: with more inputs than figures the answer is still one, the
smallest move that fits. The solver is ``scipy.optimize.least_squares`` (trust-region
reflective, within each input's bounds); its Jacobian is one vectorised run of the model
(``fitvector``).

By default the inputs moved are the opening ARRs (the API's, Azure OpenAI's and each
stream's) and the Schedule growth rates of the API, Azure OpenAI pay-as-you-go, each
stream and each cost, one rate per Schedule row; a Schedule row that starts after the
last fitted month cannot move a fitted figure and is left alone.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

from model import keys
from model.analysis.fitvector import FittedFigures
from model.analysis.report import money
from model.core.actuals import Comparison, compare
from model.core.engine import run
from model.errors import FinmodelError, ModelValueError
from model.inputs import schema
from model.inputs.assumptions import Assumptions
from model.inputs.overrides import Target, field_of

# Regularisation: a move of p (log of the ratio, for an amount or 1 + a growth rate) costs as
# much as WEIGHT x p of relative error in a fitted figure.
WEIGHT = 0.02
MOVED = 1e-6  # a change smaller than this (relative, or in rate points) is not a move
STEP = 1e-4  # the move that tells whether an input moves a fitted figure at all


class CalibrationError(FinmodelError, ValueError):
    """A calibration that cannot be asked: what would do, and what was found (exit 2)."""

    def __init__(self, expected: str, found: str) -> None:
        super().__init__(f"expected {expected}, found {found}")
        self.expected, self.found = expected, found


@dataclass(frozen=True)
class Knob:
    """One input calibration may move: a cell, or one row of a Schedule rate."""

    target: Target
    row: int | None = None  # the Schedule row (0-based), for a Schedule rate

    def name(self, a: Assumptions) -> str:
        if self.row is None:
            return self.target.text()
        month = a.schedule[self.row]["from_month"]
        return f"{self.target.column} from {month:%Y-%m}"  # type: ignore[str-format]

    def scale(self, a: Assumptions) -> str:
        """How a move is measured: 'amount' (x = x0 * e^p, for a positive amount), 'growth'
        (1 + x = (1 + x0) * e^p, for a growth rate) or 'points' (x = x0 + p)."""
        f = field_of(self.target)
        x = self.get(a)
        if f is not None and f.kind == "usd" and x > 0:
            return "amount"
        if self.target.column.endswith("_growth") and x > -1:
            return "growth"
        return "points"

    def get(self, a: Assumptions) -> float:
        t = self.target
        if self.row is not None:
            return float(a.schedule[self.row][t.column])  # type: ignore[arg-type]
        return float(a.cell(t.sheet, t.row, t.column))  # type: ignore[arg-type]

    def set(self, a: Assumptions, x: float) -> Assumptions:
        t = self.target
        if self.row is not None:
            rows = list(a.schedule)
            rows[self.row] = {**rows[self.row], t.column: x}
            return dataclasses.replace(a, schedule=tuple(rows))
        return a.with_cell(t.sheet, t.row, t.column, x)

    def mover(self, a: Assumptions) -> tuple[Callable[[float], float], float, float]:
        """x as a function of the move p, and the allowed range of p: an amount within
        1/100 and 100 times its value, a growth rate above -99 % and below +5,000 %, any
        input within its own bounds."""
        f = field_of(self.target)
        lo = -math.inf if f is None or f.lo is None else f.lo
        hi = math.inf if f is None or f.hi is None else f.hi
        x0 = self.get(a)
        kind = self.scale(a)
        if kind == "amount":
            top = math.log(hi / x0) if math.isfinite(hi) else math.log(100)
            return (lambda p: x0 * math.exp(p)), -math.log(100), max(min(top, math.log(100)),
                                                                     0.0)
        if kind == "growth":
            return ((lambda p: (1 + x0) * math.exp(p) - 1),
                    min(math.log((1 + max(lo, -0.99)) / (1 + x0)), 0.0),
                    max(math.log((1 + min(hi, 50.0)) / (1 + x0)), 0.0))
        return (lambda p: x0 + p), min(max(lo, -1e15) - x0, 0.0), max(min(hi, 1e15) - x0, 0.0)


@dataclass(frozen=True)
class Moved:
    knob: Knob
    name: str
    before: float
    after: float


@dataclass(frozen=True)
class Calibration:
    assumptions: Assumptions  # with the moved inputs
    before: list[Comparison]
    after: list[Comparison]
    moved: list[Moved]
    cost: float  # half the sum of squared residuals at the answer


def default_knobs(a: Assumptions) -> list[Knob]:
    """The opening ARRs and the growth rates, one per Schedule row."""
    cells = [Target(schema.INPUTS_SHEET, "api_arr_opening", "value"),
             Target(schema.INPUTS_SHEET, "azure_arr_opening", "value"),
             *(Target(schema.STREAMS_SHEET, s.key, "arr_opening") for s in a.streams)]
    rates = ["api_growth", "azure_payg_growth", *(keys.growth(s.key) for s in a.streams),
             *(keys.growth(c.key) for c in a.costs)]
    return [*(Knob(t) for t in cells), *(k for r in rates for k in knobs_of(
        Target(schema.SCHEDULE_SHEET, "", r), a))]


def knobs_of(target: Target, a: Assumptions) -> list[Knob]:
    """A Schedule rate's knobs (one per row), or the one knob of a cell."""
    if target.sheet == schema.SCHEDULE_SHEET:
        return [Knob(target, i) for i in range(len(a.schedule))]
    return [Knob(target)]


def fitted(comparisons: list[Comparison]) -> list[Comparison]:
    return [c for c in comparisons if c.actual.fit]


def check_fittable(a: Assumptions) -> list[Comparison]:
    """The fitted comparisons; CalibrationError when there are none, or when one lies
    outside the horizon (in whole or in part)."""
    rows = fitted(compare(run(a)))
    if not rows:
        raise CalibrationError("at least one row of the Actuals sheet with fit TRUE",
                               "none (nothing to calibrate to)" if a.actuals is not None
                               else "no Actuals sheet")
    outside = [c for c in rows if c.model is None]
    if outside:
        raise CalibrationError(
            "fitted figures whose periods the horizon covers (set fit FALSE, or move "
            "start_month or horizon_months)", "; ".join(
                f"Actuals!{c.actual.cell or '?'} {c.where()}: {c.span.note}"
                for c in outside))
    return rows


def movers(a: Assumptions, knobs: list[Knob]) -> list[bool]:
    """For each knob, whether a small move changes any fitted figure (one vectorised run:
    the workbook's values, then each knob moved alone)."""
    import numpy as np

    if not knobs:
        return []
    figures = FittedFigures(a, [k.set for k in knobs], [c.actual for c in
                                                          fitted(compare(run(a)))])
    x0 = np.array([k.get(a) for k in knobs])
    steps = np.array([STEP * max(abs(x), 1.0) if k.scale(a) == "amount" else STEP
                      for k, x in zip(knobs, x0, strict=True)])
    got = figures.figures(np.vstack([x0, x0 + np.diag(steps)]))
    changed = np.abs(got[1:] - got[0]) > 1e-12 * np.maximum(np.abs(got[0]), 1.0)
    return [bool(row.any()) for row in changed]


def calibrate(a: Assumptions, knobs: list[Knob], weight: float = WEIGHT) -> Calibration:
    """Move ``knobs`` to fit the fitted actuals (see the module's docstring). The solver's
    evaluations, and the steps of its Jacobian, run as draws of the vectorised engine
    (``fitvector``); the answer is then computed again by the ordinary engine."""
    import numpy as np
    from scipy.optimize import least_squares

    before = compare(run(a))
    x0 = [k.get(a) for k in knobs]
    movers_ = [k.mover(a) for k in knobs]
    lo = [m[1] for m in movers_]
    hi = [m[2] for m in movers_]
    figures = FittedFigures(a, [k.set for k in knobs], [c.actual for c in fitted(before)])
    n = len(knobs)

    def settings(moves: np.ndarray) -> np.ndarray:
        return np.array([[m[0](float(d)) for m, d in zip(movers_, row, strict=True)]
                         for row in moves])

    def errors(moves: np.ndarray) -> np.ndarray:
        e = figures.relative_errors(settings(moves))
        return np.where(np.isfinite(e), e, 1e6)

    def apply(p: np.ndarray) -> Assumptions:
        out = a
        for k, m, d in zip(knobs, movers_, p, strict=True):
            out = k.set(out, m[0](float(d)))
        return out

    def residuals(p: np.ndarray) -> np.ndarray:  # one run: the ordinary engine is faster
        try:
            e = [c.variance_pct for c in fitted(compare(run(apply(p))))]
        except (ArithmeticError, ModelValueError, ValueError):
            e = [1e6] * len(figures.figures_of)
        return np.concatenate([np.array(e, dtype=float), weight * p])

    def jacobian(p: np.ndarray) -> np.ndarray:
        steps = np.where(p + STEP <= np.array(hi), STEP, -STEP)
        moves = np.vstack([p, p + np.diag(steps)])
        e = errors(moves)
        fit_part = ((e[1:] - e[0]) / steps[:, None]).T
        return np.vstack([fit_part, weight * np.eye(n)])

    fit = least_squares(residuals, np.zeros(n), jac=jacobian, bounds=(lo, hi), method="trf",
                        tr_solver="lsmr", xtol=1e-10, ftol=1e-10, gtol=1e-10, max_nfev=200)
    new = apply(fit.x)
    moved = [Moved(k, k.name(a), x, k.get(new)) for k, x in zip(knobs, x0, strict=True)
             if abs(k.get(new) - x) > MOVED * max(abs(x), 1.0)]
    return Calibration(new, before, compare(run(new)), moved, float(fit.cost))


def noted(c: Calibration) -> Assumptions:
    """The calibrated assumptions, each moved input's source saying it was calibrated,
    from what, and to which reported figures."""
    a = c.assumptions
    figures = ", ".join(f"{x.where()} {money(x.actual.value)}" for x in fitted(c.after))
    sources = dict(a.sources)
    streams, costs = list(a.streams), list(a.costs)
    for m in c.moved:
        t = m.knob.target
        text = (f"calibrated by finmodel calibrate (from {m.before:.6g} to {m.after:.6g}) to "
                f"the Actuals sheet's fitted figures: {figures}")
        if m.knob.row is not None:
            sources[(schema.SCHEDULE_SHEET, str(m.knob.row), t.column)] = text
        elif t.sheet == schema.INPUTS_SHEET:
            sources[(schema.INPUTS_SHEET, t.row, "value")] = text
        elif t.sheet == schema.STREAMS_SHEET:
            streams = [dataclasses.replace(x, source=f"{t.column} {text}. Before: {x.source}")
                       if x.key == t.row else x for x in streams]
        elif t.sheet == schema.COSTS_SHEET:
            costs = [dataclasses.replace(x, source=f"{t.column} {text}. Before: {x.source}")
                     if x.key == t.row else x for x in costs]
        else:
            sources[(t.sheet, t.row, t.column)] = text
    return dataclasses.replace(a, sources=sources, streams=tuple(streams), costs=tuple(costs))
