"""Compute the model: the lines' expressions compiled into one step function.

The engine knows the lines and the assumptions, and nothing about cells. It
renders each line's expression to Python once, compiles a function that walks
the months in order, and runs it over floats (one run) or numpy arrays (many
draws at once, for the Monte Carlo engine).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from model import keys
from model.core.expr import Expr, Input, Param
from model.core.guards import overflow_problem, source_name
from model.core.line import SAME, Line
from model.core.linekeys import check_line_keys
from model.core.lines import all_lines
from model.core.results import Results
from model.core.timeline import Timeline, serial
from model.errors import InputError, Problem
from model.inputs import typed
from model.inputs.assumptions import Assumptions
from model.inputs.schema import INPUT_FIELDS

if TYPE_CHECKING:
    pass

def constants(a: Assumptions) -> dict[str, tuple[float, str, str]]:
    """Model constants shown on the Checks sheet: name -> (value, number format, label).

    The ``built_*`` constants record the shape the workbook was generated for, so a
    check can tell when a structural input was changed in Excel.
    """
    return {
        "abs_tol": (1.0, "usd_full", "Check tolerance, absolute ($)"),
        "rel_tol": (1e-9, "General", "Check tolerance, relative to the amount checked"),
        "built_start_month": (serial(a.start_month), "day",
                              "Start month this workbook was built for"),
        "built_horizon": (float(a.horizon), "int", "Months modelled when this workbook was built"),
        "built_fiscal_year_end_month": (float(a.whole("fiscal_year_end_month")), "int",
                                        "Fiscal year end month this workbook was built for"),
    }


def schedule_in_force(a: Assumptions, tl: Timeline) -> dict[str, list[float]]:
    """For each Schedule key, the value in force in each month t = 0..n, after any
    scenario override that sets a key from a month on."""
    starts = [a.schedule_start(i) for i in range(len(a.schedule))]
    fields = a.schedule_fields
    out: dict[str, list[float]] = {f.key: [] for f in fields}
    i = 0
    for month in tl.months:
        while i + 1 < len(starts) and starts[i + 1] <= month:
            i += 1
        for f in fields:
            out[f.key].append(a.schedule_rate(i, f.key))
    for key, start, value in a.schedule_overrides:
        out[key] = [value if m >= start else v for m, v in zip(tl.months, out[key], strict=True)]
    return out


def input_number(value: object) -> float:
    """An input as a spreadsheet sees it: dates as serials, TRUE as 1, blank as 0."""
    if value is None:
        return 0.0
    if isinstance(value, dt.date):
        return serial(value)
    if isinstance(value, bool):
        return float(value)
    return typed.number(value)


class _PyRender:
    """Renders expressions to Python source for the step function."""

    def __init__(self, a: Assumptions, index: dict[str, int], vector: bool) -> None:
        self.a = a
        self.vector = vector
        self.index = index
        self.inputs = {f.key: i for i, f in enumerate(INPUT_FIELDS)}
        self.params: dict[tuple[str, str, str], int] = {}
        self.consts = {name: i for i, name in enumerate(constants(a))}
        self.sched = {f.key: i for i, f in enumerate(a.schedule_fields)}

    # Rows, inputs and parameters are bound to local names at the top of the step
    # function (v3, i2, p0, ...): a local lookup is the cheapest one Python has.
    def line(self, key: str, prev: bool) -> str:
        return f"v{self.index[key]}[t{'-1' if prev else ''}]"

    def input(self, key: str) -> str:
        return f"i{self.inputs[key]}"

    def param(self, table: str, row: str, column: str) -> str:
        i = self.params.setdefault((table, row, column), len(self.params))
        return f"p{i}"

    def const(self, name: str) -> str:
        return f"c{self.consts[name]}"

    def timeline(self, name: str) -> str:
        field = keys.schedule_field_of(name)
        if field is not None:
            return f"s{self.sched[field]}[t]"
        return {"month": "M[t]", "year": "Y[t]", "last": "M[-1]"}[name]

    def history(self, key: str) -> str:
        return f"h{self.index[key]}"

    def is_blank(self, node: Expr) -> bool:
        if isinstance(node, Input):
            return self.a.inputs[node.key] is None
        assert isinstance(node, Param)
        return self.a.param(node.table, node.row, node.column) is None


def _sum(*xs: Any) -> Any:
    """a+b+c+... left to right, as the spreadsheet adds (for floats and arrays)."""
    out = xs[0]
    for x in xs[1:]:
        out = out + x
    return out


def _lag(h: Any, t: int, months: float) -> Any:
    """Month t - months of a line's history (``Lagged``), as the spreadsheet's
    INDEX(row,1,MAX(1,t+1-months)) reads it: whole months, never before month 0."""
    return h[int(max(1.0, t + 1 - months)) - 1]


def _functions(vector: bool) -> dict[str, Callable[..., Any]]:
    if not vector:
        return {"_min": min, "_max": max, "_abs": abs, "_sum": _sum,  # comparisons inlined
                "_lag": _lag}
    import numpy as np

    def vlag(h: Any, t: int, months: Any) -> Any:
        if np.ndim(months) == 0:
            return _lag(h, t, months)
        back = np.trunc(np.maximum(1.0, t + 1 - np.asarray(months))).astype(int) - 1
        out = np.empty(back.shape)
        for j in np.unique(back):  # draws whose life differs read different months
            pick = back == j
            out[pick] = np.broadcast_to(np.asarray(h[j], dtype=float), back.shape)[pick]
        return out

    def vmin(*xs: Any) -> Any:
        out = xs[0]
        for x in xs[1:]:
            out = np.minimum(out, x)
        return out

    def vmax(*xs: Any) -> Any:
        out = xs[0]
        for x in xs[1:]:
            out = np.maximum(out, x)
        return out

    return {"_min": vmin, "_max": vmax, "_abs": np.abs, "_sum": _sum,
            "_ge": lambda a, b: np.greater_equal(a, b) * 1.0,
            "_gt": lambda a, b: np.greater(a, b) * 1.0, "_lag": vlag}


def check_order(lines: Sequence[Line]) -> None:
    """Every line reads only lines above it in the same month (no circularity)."""
    seen: set[str] = set()
    opened: set[str] = set()
    for ln in lines:
        missing = ln.expr.same_period_refs() - seen
        if missing:
            raise ValueError(f"line {ln.key} reads {sorted(missing)} before they are computed")
        if ln.opening is not None:
            opening = ln.expr if ln.opening == SAME else ln.opening
            assert isinstance(opening, Expr)
            missing = opening.same_period_refs() - opened
            if missing:
                raise ValueError(f"opening of {ln.key} reads {sorted(missing)} with no opening")
            opened.add(ln.key)
        seen.add(ln.key)


@dataclass
class Compiled:
    lines: list[Line]
    index: dict[str, int]
    source: str
    step: Callable[..., None]
    params: list[tuple[str, str, str]]


def compile_model(a: Assumptions, vector: bool = False) -> Compiled:
    check_line_keys(a, source_name(a))
    lines = all_lines(a)
    check_order(lines)
    index = {ln.key: i for i, ln in enumerate(lines)}
    r = _PyRender(a, index, vector)
    openings = []
    for i, ln in enumerate(lines):
        if ln.opening is not None:
            opening = ln.expr if ln.opening == SAME else ln.opening
            assert isinstance(opening, Expr)
            openings.append(f"    v{i}[0] = {opening.py(r)}  # {ln.key}")
    # A line read some months back keeps its whole history in h<i>, whatever storage
    # the caller gives its rows (the many-draws engine keeps only two months).
    lagged = sorted({index[k] for ln in lines for k in ln.expr.lagged_refs()})
    periods = [f"        v{i}[t] = {ln.expr.py(r)}  # {ln.key}"
               + (f"\n        h{i}[t] = v{i}[t]" if i in lagged else "")
               for i, ln in enumerate(lines)]
    openings += [f"    h{i}[0] = v{i}[0]" for i in lagged]
    names = [f"    v{i} = V[{i}]" for i in range(len(lines))]
    names += [f"    h{i} = [0.0] * (n + 1)" for i in lagged]
    names += [f"    i{k} = I[{k}]" for k in range(len(INPUT_FIELDS))]
    names += [f"    p{k} = P[{k}]" for k in range(len(r.params))]
    names += [f"    c{k} = C[{k}]" for k in range(len(r.consts))]
    names += [f"    s{k} = S[{k}]" for k in range(len(r.sched))]
    body = ["def step(V, I, P, C, M, Y, S, n):", *names, "    t = 0", *openings,
            "    for t in range(1, n + 1):", *periods]
    source = "\n".join(body) + "\n"
    namespace: dict[str, Any] = dict(_functions(vector))
    exec(compile(source, "<model step>", "exec"), namespace)  # noqa: S102 - our own code
    params = sorted(r.params, key=r.params.__getitem__)
    return Compiled(lines, index, source, namespace["step"], params)


_COMPILED: dict[tuple[object, ...], Compiled] = {}


def shape(a: Assumptions) -> tuple[object, ...]:
    """What the compiled step function depends on besides numbers: the parties and
    tiers, and which optional inputs are blank. Runs that share a shape share code."""
    return (tuple((p.key, p.capped, p.overflow_to) for p in a.parties),
            tuple((t.number, t.hurdle_party) for t in a.tiers),
            tuple(sorted(k for k, v in a.inputs.items() if v is None)),
            tuple(s.key for s in a.streams), tuple(c.key for c in a.costs),
            len(a.investments or ()))


def compiled_for(a: Assumptions, vector: bool = False) -> Compiled:
    """The step function for these assumptions, compiled once per shape."""
    key = (vector, shape(a))
    c = _COMPILED.get(key)
    if c is None:
        if len(_COMPILED) > 64:
            _COMPILED.clear()
        c = _COMPILED[key] = compile_model(a, vector)
    return c


def inputs_vector(a: Assumptions) -> list[float]:
    return [input_number(a.inputs[f.key]) for f in INPUT_FIELDS]


def param_vector(a: Assumptions, params: list[tuple[str, str, str]]) -> list[float]:
    return [input_number(a.param(*p)) for p in params]


def run(base: Assumptions) -> Results:
    """Compute every line for every month, for the selected scenario of the assumptions.

    ``Results.assumptions`` is the base (what the input sheets show); the values are
    those of the selected scenario."""
    a = base.effective()
    c = compiled_for(a)
    tl = Timeline.of(a)
    n = tl.n
    raw = [[math.nan] * (n + 1) for _ in c.lines]
    months = [serial(m) for m in tl.months]
    years = [float(m.year) for m in tl.months]
    sched = schedule_in_force(a, tl)
    error = ""
    try:
        c.step(raw, inputs_vector(a), param_vector(a, c.params),
               [v for v, _, _ in constants(a).values()], months, years,
               [sched[f.key] for f in a.schedule_fields], n)
    except (ArithmeticError, ValueError) as e:  # x / 0, x ** y out of range
        error = str(e) or type(e).__name__
    problem = overflow_problem(a, c.lines, raw, tl.months, error)
    if problem is not None:
        raise problem
    if error:
        raise InputError(source_name(a), [Problem(None, None, "inputs the model can compute",
                                                  error)])
    return Results(base, tl, c.lines, c.index, raw, c.params)


def check_computable(a: Assumptions) -> None:
    """Run the model for every scenario (or the base): raises InputError naming the input
    when one cannot be computed (a line key clash, a value that overflows)."""
    for name in a.scenarios.names if a.scenarios is not None else (None,):
        run(a.with_scenario(name) if name is not None else a)


def run_vector(c: Compiled, a: Assumptions, rows: Sequence[Any],
               inputs: Sequence[Any] | None = None,
               schedule: Sequence[Any] | None = None,
               params: Sequence[Any] | None = None, until: int | None = None) -> None:
    """Run a step function compiled with ``vector=True`` over numpy arrays of draws.

    ``rows[i]`` receives line i: any object indexed by month t = 0..n (the step reads
    months t and t - 1), such as an (n + 1, draws) array or a buffer that keeps only
    the last two months. ``inputs`` (in INPUT_FIELDS order) and ``schedule`` (one
    sequence per ``a.schedule_fields`` key, indexed by month) and ``params`` (in
    ``c.params`` order) default to the assumptions' own values; any entry may be an
    array of draws. ``until`` stops after that month (month t never reads a later
    one). ``a`` must be the assumptions the
    step was compiled for (its IfBlank branches are fixed at compile time).
    Used by the Monte Carlo engine (model.simulate); ``run`` is unchanged.
    """
    tl = Timeline.of(a)
    if inputs is None:
        inputs = inputs_vector(a)
    if schedule is None:
        sched = schedule_in_force(a, tl)
        schedule = [sched[f.key] for f in a.schedule_fields]
    if params is None:
        params = param_vector(a, c.params)
    c.step(rows, inputs, params,
           [v for v, _, _ in constants(a).values()], [serial(m) for m in tl.months],
           [float(m.year) for m in tl.months], schedule,
           tl.n if until is None else until)

