"""The fitted figures for many settings of the calibrated inputs at once.

Calibration's solver asks for the fitted figures at a point and, for its Jacobian, at one
small step along each input. Each of those is a whole run of the model; here they are
one run of the vectorised engine (the one Monte Carlo uses), a draw per setting.

Which cells of the engine's inputs a calibrated input feeds is found once, by setting it
to a marker value and seeing where the marker arrives after the selected scenario's
overrides (a Schedule rate feeds the months its row is in force and no scenario
overrides it). The results are the same numbers ``model.core.actuals`` gives for one run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from model.core.actuals import ANNUAL, Span, span
from model.core.engine import (
    compiled_for,
    inputs_vector,
    param_vector,
    run_vector,
    schedule_in_force,
)
from model.core.timeline import Timeline

if TYPE_CHECKING:
    from model.inputs.assumptions import Actual, Assumptions

MARKER = 0.123456789012345  # a value no input holds by chance


@dataclass(frozen=True)
class Slots:
    """Where one calibrated input's value goes: indexes of the inputs and parameters,
    and (Schedule column index, month) pairs."""

    inputs: tuple[int, ...]
    params: tuple[int, ...]
    schedule: tuple[tuple[int, int], ...]


class FittedFigures:
    """Evaluate the fitted figures of ``a`` for settings of its calibrated inputs.

    ``setters[j](a, x)`` returns the assumptions with input j set to x, as calibration
    sets it; ``figures(X)`` takes an array of settings (draws x inputs) and returns the
    fitted figures (draws x figures)."""

    def __init__(self, a: Assumptions, setters: Sequence[Callable[[Assumptions, float],
                                                                   Assumptions]],
                 fitted: Sequence[Actual]) -> None:
        self.base = a.effective()
        self.compiled = compiled_for(self.base, vector=True)
        self.timeline = Timeline.of(self.base)
        self.inputs = inputs_vector(self.base)
        self.params = param_vector(self.base, self.compiled.params)
        sched = schedule_in_force(self.base, self.timeline)
        self.fields = [f.key for f in self.base.schedule_fields]
        self.schedule = [sched[k] for k in self.fields]
        self.slots = [self._slots(set_(a, MARKER)) for set_ in setters]
        fye = int(self.base.inputs["fiscal_year_end_month"])  # type: ignore[call-overload]
        self.figures_of: list[tuple[int, str, Span, float]] = []
        for x in fitted:
            s = span(x, self.timeline.months, fye)
            self.figures_of.append((self.compiled.index[x.line], x.measure, s, x.value))

    def _slots(self, marked: Assumptions) -> Slots:
        eff = marked.effective()
        sched = schedule_in_force(eff, self.timeline)
        return Slots(
            tuple(i for i, v in enumerate(inputs_vector(eff)) if v == MARKER),
            tuple(i for i, v in enumerate(param_vector(eff, self.compiled.params))
                  if v == MARKER),
            tuple((f, t) for f, k in enumerate(self.fields)
                  for t, v in enumerate(sched[k]) if v == MARKER))

    def figures(self, settings: np.ndarray) -> np.ndarray:
        draws = settings.shape[0]
        inputs: list[Any] = list(self.inputs)
        params: list[Any] = list(self.params)
        schedule: list[list[Any]] = [list(col) for col in self.schedule]
        for j, slots in enumerate(self.slots):
            x = settings[:, j]
            for i in slots.inputs:
                inputs[i] = x
            for i in slots.params:
                params[i] = x
            for f, t in slots.schedule:
                schedule[f][t] = x
        n = self.timeline.n
        rows = [np.empty((n + 1, draws)) for _ in self.compiled.lines]
        with np.errstate(all="ignore"):
            run_vector(self.compiled, self.base, rows, inputs=inputs, schedule=schedule,
                       params=params)
        out = np.empty((draws, len(self.figures_of)))
        for k, (line, measure, s, _) in enumerate(self.figures_of):
            assert s.first is not None and s.last is not None
            row = rows[line]
            if measure == "total":
                out[:, k] = row[s.first:s.last + 1].sum(axis=0)
            else:
                out[:, k] = row[s.last] * (ANNUAL if measure == "annualized" else 1)
        return out

    def relative_errors(self, settings: np.ndarray) -> np.ndarray:
        """(model - reported) / |reported| of each fitted figure, for each setting."""
        reported = np.array([v for *_, v in self.figures_of])
        return (self.figures(settings) - reported) / np.abs(reported)
