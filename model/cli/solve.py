"""`finmodel solve`: goal seek, with every argument checked before any run.

Only an input that is a number on a continuous scale can be bisected: an amount, a
rate or a count. A date, a TRUE/FALSE, a year, a blank optional input that shapes
the workbook, or one share of a tier (the shares must sum to 1) is refused with the
reason, as is a search range outside what the input allows.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from model import default_template, load
from model.analysis import solve as analysis
from model.analysis.report import money
from model.cli.checks import line_key, month_in, refuse, resolve, select_scenario
from model.core import engine
from model.inputs import schema
from model.inputs.assumptions import Assumptions
from model.inputs.overrides import Target, field_of
from model.inputs.schema import Field

EXIT_OK, EXIT_NOT_SOLVED = 0, 1
NUMBER_KINDS = ("usd", "rate", "count")
HOW = {"set": "set to", "shift": "shifted by", "scale": "scaled by"}


def cmd_solve(args: argparse.Namespace) -> int:
    source: Path = args.path or default_template()
    a = select_scenario(load(source), args.scenario, source)
    target = resolve("--vary", args.vary, a, analysis.VARY_HELP)
    f = variable(target, a)
    schedule = target.sheet == schema.SCHEDULE_SHEET
    mode = args.mode or ("shift" if schedule else "set")
    blank = not schedule and a.effective().cell(target.sheet, target.row, target.column) is None
    if blank and mode != "set":
        raise refuse(f"--mode set for {target.text()}, which is blank (there is nothing to "
                     f"{mode})", f"--mode {mode}")
    lo, hi = search_range(f, mode, schedule, args.lo, args.hi, target)
    results = engine.run(a)
    line_key("--result", args.result, results, "cum_microsoft")
    metric = analysis.Metric(args.result, month_in("--by", args.by, a))
    usd = results.lines[results.index[args.result]].fmt == "usd"

    def show(v: float) -> str:
        return money(v) if usd else f"{v:,.6g}"

    s = analysis.goal_seek(a, target, mode, metric, args.target, lo, hi, show=show)
    where = " in every Schedule row" if schedule else ""
    print(f"Goal: {metric.label(results)} = {show(args.target)}")
    if s.x is not None and s.converged and s.value is not None:
        x = f"{money(s.x)} ({s.x:,.0f})" if f.kind == "usd" and mode == "set" else f"{s.x:.6g}"
        print(f"Answer: {target.text()} {HOW[mode]} {x}{where}")
        print(f"Result then: {show(s.value)} (converged in {s.steps} runs)")
        return EXIT_OK
    print(f"Not solved: {s.message}")
    return EXIT_NOT_SOLVED


def variable(target: Target, a: Assumptions) -> Field:
    """The schema field of an input goal seek can vary; exit 2 with the reason if not."""
    f = field_of(target)
    name = target.text()
    if f is None or f.kind not in NUMBER_KINDS:
        kind = {"month": "a date", "bool": "TRUE or FALSE", "year": "a year",
                "months": "a whole number of months"}.get(f.kind if f else "", "not a number")
        raise refuse("--vary naming an amount, a rate or a count (goal seek bisects a "
                     "number on a continuous scale)", f"{name}, which is {kind}")
    if target.sheet == schema.TIERS_SHEET and target.column != "hurdle_usd" \
            or target.column == "equity_share":
        raise refuse("--vary naming an input that can change alone (each tier's shares, and "
                     "the parties' equity shares, must sum to 1)", name)
    if target.sheet in (schema.PARTIES_SHEET, schema.TIERS_SHEET) and \
            a.cell(target.sheet, target.row, target.column) is None:
        raise refuse("--vary naming an input that is filled in (a blank cap or hurdle shapes "
                     "the workbook: fill it in and run finmodel build)", f"{name}, which is blank")
    return f


def search_range(f: Field, mode: str, schedule: bool, lo: float | None, hi: float | None,
                 target: Target) -> tuple[float, float]:
    """The search range: the one asked for, or the default for the mode, checked."""
    if mode == "set":
        floor = f.lo if f.lo is not None else (-0.99 if f.kind == "rate" else 0.0)
        ceiling = f.hi if f.hi is not None else (5.0 if f.kind == "rate" else 1e13)
        default = (max(floor, -0.99) if schedule else floor, ceiling)
    else:
        default = {"shift": (-0.99, 5.0), "scale": (0.0, 10.0)}[mode]
    lo = default[0] if lo is None else lo
    hi = default[1] if hi is None else hi
    if not lo < hi:
        raise refuse("--lo below --hi", f"--lo {lo:g} and --hi {hi:g}")
    if mode == "set":
        for option, x in (("--lo", lo), ("--hi", hi)):
            if (f.lo is not None and (x < f.lo or (f.lo_open and x == f.lo))) or \
                    (f.hi is not None and x > f.hi):
                raise refuse(f"{option} within what {target.text()} allows "
                             f"({f.bounds_text()})", f"{x:g}")
    if not all(math.isfinite(x) for x in (lo, hi)):  # amount() refuses these already
        raise refuse("finite --lo and --hi", f"{lo} and {hi}")
    return lo, hi
