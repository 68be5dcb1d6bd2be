"""The engine for many draws at once: every line computed for all draws, month by month.

The step function is compiled once with ``vector=True``; each input a draw changes
becomes a numpy array over the draws (a Schedule rate: over the draws, in force from
its row's month). Monte Carlo draws random numbers through it; a sensitivity grid or
a tornado can pass its chosen values the same way.

Memory does not grow with the horizon in ``run_many``: each line keeps only its last
two months, and the results are a handful of per-draw numbers (the first month a
flag is 1, the balances at the horizon, totals).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from model import keys
from model.core.engine import Compiled, compiled_for, inputs_vector, run_vector, schedule_in_force
from model.core.line import CHECKS
from model.core.timeline import Timeline
from model.inputs import schema
from model.inputs.uncertain import INPUT_KEYS, Distribution

if TYPE_CHECKING:
    from model.inputs.assumptions import Assumptions


def apply_draw(base: float, x: np.ndarray, mode: str,
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
        v, held = apply_draw(b, self.x, self.mode, self.field)
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
    fields = {f.key: f for f in a.schedule_fields}
    schedule: list[Any] = [sched[key] for key in fields]
    held: dict[str, np.ndarray] = {}
    input_index = {f.key: i for i, f in enumerate(schema.INPUT_FIELDS)}
    sched_index = {key: i for i, key in enumerate(fields)}
    for d in dists:
        mode = d.mode_of_apply
        if d.key in fields:
            held[d.key] = np.zeros(size, dtype=bool)
            i = sched_index[d.key]
            schedule[i] = _DrawnSchedule(schedule[i], x[d.key], mode, fields[d.key],
                                         held[d.key])
        else:
            i = input_index[d.key]
            inputs[i], held[d.key] = apply_draw(inputs[i], x[d.key], mode, INPUT_KEYS[d.key])
    return inputs, schedule, held


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
    flags = [keys.hurdle_met(t.number) for t in a.tiers if t.hurdle_party is not None]
    flags += [keys.cap_binds(p.key) for p in a.parties if p.capped]
    return flags


def run_many(a: Assumptions, dists: Sequence[Distribution], x: dict[str, np.ndarray],
             tick: Callable[[], None] | None = None,
             compiled: Compiled | None = None) -> dict[str, np.ndarray]:
    """Many draws through the whole model at once: the per-draw results.

    ``x`` holds, per key of ``dists``, the numbers drawn (one per draw); each row of
    ``dists`` says how its number sets the input (value, scale or shift).

    ``a`` holds the assumptions simulated (a scenario already applied). Keys of the
    result: ``first:<flag>`` (month index, n + 1 = never), ``cum_<party>`` at the
    horizon, ``microsoft_total_take``, ``checks_failed``, and per drawn key
    ``draw:<key>`` (the number drawn) and ``held:<key>`` (held at a schema bound).
    Module-level, so a process pool can run chunks of one simulation. ``compiled``
    is the step function compiled with vector=True for ``a``, to reuse across chunks.
    """
    size = len(next(iter(x.values()))) if x else 1
    c = compiled or compiled_for(a, vector=True)
    n = Timeline.of(a).n
    inputs, schedule, held = drawn_inputs(a, dists, x, size)
    firsts = {k: _FirstMonth(n, size) for k in flag_keys(a)}
    totals = {ln.key: _Total(size) for ln in c.lines
              if ln.key == "microsoft_total_take" or ln.sheet == CHECKS}
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

    out: dict[str, np.ndarray] = {keys.first_month(k): w.first for k, w in firsts.items()}
    for p in a.parties:
        out[keys.cum(p.key)] = per_draw(rows[c.index[keys.cum(p.key)]][n])
    out["microsoft_total_take"] = totals["microsoft_total_take"].total
    out["checks_failed"] = sum((w.total for k, w in totals.items()
                                if k != "microsoft_total_take"), np.zeros(size))
    for d in dists:
        out[keys.drawn(d.key)] = x[d.key]
        out[keys.held(d.key)] = held[d.key]
    return out


def lines_many(a: Assumptions, dists: Sequence[Distribution],
               x: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every line in every month for draws x: {key: (n + 1, draws) array}.

    Keeps the whole history, so meant for a few draws (tests, inspection)."""
    size = len(next(iter(x.values()))) if x else 1
    c = compiled_for(a, vector=True)
    n = Timeline.of(a).n
    inputs, schedule, _ = drawn_inputs(a, dists, x, size)
    rows = [np.full((n + 1, size), math.nan) for _ in c.lines]
    run_vector(c, a, rows, inputs, schedule)
    return {ln.key: rows[i] for i, ln in enumerate(c.lines)}


def line_many(a: Assumptions, key: str, inputs: Sequence[Any], schedule: Sequence[Any],
              params: Sequence[Any], until: int | None = None) -> list[Any]:
    """Line ``key`` in months 0..until (default n), for draws given directly: each entry of
    ``inputs`` (INPUT_FIELDS order), ``schedule`` (one sequence per ``a.schedule_fields``
    key, indexed by month) and ``params`` (the compiled step's parameters) is a number or
    an array over the draws. The other lines keep only their last two months. Used by
    the sensitivities, whose draws are chosen points rather than random numbers."""
    c = compiled_for(a, vector=True)
    n = Timeline.of(a).n
    k = c.index[key]
    kept: list[Any] = [math.nan] * (n + 1)
    rows: list[Any] = [kept if i == k else _Line() for i in range(len(c.lines))]
    with np.errstate(all="ignore"):  # as in a scalar run, an overflow shows as inf
        run_vector(c, a, rows, inputs, schedule, params, until)
    return kept
