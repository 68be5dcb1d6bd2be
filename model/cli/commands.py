"""The `finmodel` command line.

Exit codes: 0 success; 2 bad input (a message names the file, sheet, cell,
what was expected and what was found); 1 anything else. No traceback is shown
unless FINMODEL_DEBUG=1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from model.analysis.solve import Settings
    from model.inputs.assumptions import Assumptions

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="finmodel",
        description="Turn an assumptions workbook into a live-formula Excel model of the "
                    "OpenAI-Microsoft partnership.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = sub.add_parser("init", help="write a fresh assumptions workbook")
    init.add_argument("path", type=Path, help="where to write it (.xlsx)")
    init.add_argument("--force", action="store_true", help="replace an existing file")
    init.set_defaults(run=cmd_init)

    check = sub.add_parser("check", help="validate an assumptions workbook only")
    check.add_argument("path", type=Path)
    check.set_defaults(run=cmd_check)

    build = sub.add_parser("build", help="build the model workbook")
    build.add_argument("path", type=Path, nargs="?",
                       help="assumptions or model workbook (default: the shipped template)")
    build.add_argument("-o", "--out", type=Path,
                       help="output path (default: output/<stem>-model.xlsx)")
    build.add_argument("--scenario", metavar="NAME",
                       help="the scenario selected in the model (default: the first)")
    build.add_argument("--compare", type=Path, metavar="OLD",
                       help="add a Changes sheet listing what changed since OLD")
    build.add_argument("--pdf", action="store_true",
                       help="also write a PDF of the dashboard and summaries (LibreOffice)")
    build.add_argument("--result", metavar="LINE", default="microsoft_total_take",
                       help="the result the Analysis sheet's grid and tornado measure: a line "
                            "key, summed through --by for flows (microsoft_total_take)")
    build.add_argument("--by", metavar="YYYY-MM", default="2030-12",
                       help="the month of that result (2030-12)")
    build.add_argument("--grid-x", metavar="RATE", default="api_growth",
                       help="the grid's input across: a Schedule rate or a rate input, "
                            "shifted in every row (api_growth)")
    build.add_argument("--grid-y", metavar="RATE", default="api_gross_margin",
                       help="the grid's input down (api_gross_margin)")
    build.add_argument("--tornado-pct", type=float, default=10.0, metavar="X",
                       help="the tornado moves each input by -X %% and +X %% (10)")
    build.set_defaults(run=cmd_build)

    solve = sub.add_parser(
        "solve", help="goal seek: the input value that makes a result hit a target",
        description="Find the value of one input that makes a result equal a target, by "
                    "bisection. Example: the api_growth (every Schedule row shifted by the "
                    "same amount) that makes Microsoft recoup $13B by 2028-12: finmodel solve "
                    "--vary api_growth --result cum_microsoft --by 2028-12 --target 13e9. "
                    "Exit code 0 when it converged, 1 when it did not.")
    solve.add_argument("path", type=Path, nargs="?",
                       help="assumptions or model workbook (default: the shipped template)")
    solve.add_argument("--vary", required=True, metavar="INPUT",
                       help="an Inputs key, a Schedule rate, Parties:<party>:<column> or "
                            "Tiers:<tier>:<column>")
    solve.add_argument("--mode", choices=("set", "shift", "scale"),
                       help="set the input to x, add x to it, or multiply it by x "
                            "(default: shift for Schedule rates, set otherwise)")
    solve.add_argument("--result", default="cum_microsoft", metavar="LINE",
                       help="a line key: a balance is read at --by, a flow summed through it "
                            "(default cum_microsoft)")
    solve.add_argument("--by", metavar="YYYY-MM", help="the month (default: the horizon)")
    solve.add_argument("--target", type=float, default=13e9, help="the value to hit (13e9)")
    solve.add_argument("--lo", type=float, help="lower end of the search (default by mode)")
    solve.add_argument("--hi", type=float, help="upper end of the search (default by mode)")
    solve.add_argument("--scenario", metavar="NAME", help="the scenario to solve in")
    solve.set_defaults(run=cmd_solve)

    diff = sub.add_parser("diff", help="what changed between two versions")
    diff.add_argument("old", type=Path, help="earlier assumptions or model workbook")
    diff.add_argument("new", type=Path, help="later assumptions or model workbook")
    diff.set_defaults(run=cmd_diff)

    sim = sub.add_parser(
        "simulate", help="Monte Carlo: draw uncertain inputs, report P10/P50/P90 and odds",
        description="Draw the uncertain inputs of the Distributions sheet (the default "
                    "distributions when the workbook has none) and run the whole model for "
                    "every draw at once. Writes the model workbook with a Simulation sheet.")
    sim.add_argument("path", type=Path, nargs="?",
                     help="assumptions or model workbook (default: the shipped template)")
    sim.add_argument("--draws", type=int, default=10_000, help="number of draws (10000)")
    sim.add_argument("--seed", type=int, default=1,
                     help="random seed; the same seed gives the same draws (1)")
    sim.add_argument("--by", default="2030-12", metavar="YYYY-MM",
                     help="month by which Microsoft recouping is counted (2030-12)")
    sim.add_argument("-o", "--out", type=Path,
                     help="output path (default: output/<stem>-simulation.xlsx)")
    sim.add_argument("--scenario", metavar="NAME",
                     help="the scenario to simulate around (default: the first)")
    sim.add_argument("--chunk", type=int, default=10_000, help="draws per vectorised pass")
    sim.add_argument("--workers", type=int, default=1,
                     help="processes to share the chunks (results do not change)")
    sim.add_argument("--quiet", action="store_true", help="no progress bar")
    sim.set_defaults(run=cmd_simulate)
    return p


def cmd_init(args: argparse.Namespace) -> int:
    from model.inputs.defaults import default_assumptions
    from model.workbook.output import check_target, replace_atomically
    from model.workbook.template import write_template
    out: Path = args.path
    if out.exists() and not args.force:
        print(f"finmodel: {out} already exists; use --force to replace it", file=sys.stderr)
        return EXIT_BAD_INPUT
    check_target(out)
    replace_atomically(out, lambda fh: write_template(fh, default_assumptions()))
    print(f"Wrote {out}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from model import load
    a = load(args.path)
    print(f"{args.path}: OK ({a.horizon} months from {a.start_month:%Y-%m}, "
          f"{len(a.parties)} parties, {len(a.tiers)} tiers)")
    return EXIT_OK


def default_output(source: Path) -> Path:
    stem = source.stem
    if stem.endswith("-model"):
        stem = stem[: -len("-model")]
    return Path("output") / f"{stem}-model.xlsx"


def analysis_settings(args: argparse.Namespace, a: Assumptions) -> Settings:
    """The Analysis sheet's settings from the build options; exit 2 on a bad one."""
    from model.analysis import solve as analysis
    from model.errors import InputError, Problem
    from model.inputs.overrides import field_of
    steps = {"api_growth": (-0.30, -0.15, 0.0, 0.15, 0.30)}
    rates = []
    for option, text in (("--grid-x", args.grid_x), ("--grid-y", args.grid_y)):
        try:
            target = analysis.resolve(text, a)
        except ValueError:
            target = None
        f = field_of(target) if target else None
        if f is None or f.kind != "rate":
            raise InputError("command line", [Problem(
                None, None, f"{option} naming a Schedule rate or a rate input", repr(text))])
        rates.append(steps.get(text, (-0.10, -0.05, 0.0, 0.05, 0.10)))
    if not 0 < args.tornado_pct < 100:
        raise InputError("command line", [Problem(None, None, "--tornado-pct between 0 and "
                                                  "100", repr(args.tornado_pct))])
    return analysis.Settings(
        metric=analysis.Metric(args.result, parse_month(args.by, "--by")),
        grid_x=args.grid_x, grid_x_steps=rates[0], grid_y=args.grid_y, grid_y_steps=rates[1],
        tornado_pct=args.tornado_pct / 100)


def cmd_build(args: argparse.Namespace) -> int:
    from model import default_template, load
    from model.analysis.report import headline_table
    from model.core.engine import run
    from model.errors import InputError, Problem
    from model.workbook.output import write_atomic
    source: Path = args.path or default_template()
    out: Path = args.out or default_output(source)
    if args.out is None:
        out.parent.mkdir(parents=True, exist_ok=True)
    a = select_scenario(load(source), args.scenario, source)
    extras = []
    if args.compare is not None:
        from model.analysis import diff
        changes = diff.diff(args.compare, source)
        extras.append(lambda wb, st, layout: diff.write_sheet(wb, st, layout, changes))
    if args.pdf:
        from model.workbook.pdf import require_libreoffice
        require_libreoffice()
    settings = analysis_settings(args, a)
    results = run(a)
    if settings.metric.key not in results.index:
        raise InputError("command line", [Problem(None, None, "--result naming a line key "
                                                  "such as microsoft_total_take",
                                                  repr(settings.metric.key))])
    size = write_atomic(results, out, inputs=(source,), extras=extras, analysis=settings)
    print(f"Wrote {out} ({size / 1024:,.0f} KB, {results.timeline.n} months)")
    print(headline_table(results))
    if args.pdf:
        from model.workbook.pdf import write_pdf
        pdf = write_pdf(results, out)
        print(f"Wrote {pdf}")
    return EXIT_OK


def parse_month(text: str | None, what: str) -> dt.date | None:
    """A YYYY-MM argument as the first day of that month; exit 2 on anything else."""
    from model.errors import InputError, Problem
    if text is None:
        return None
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise InputError("command line", [Problem(None, None, f"{what} as YYYY-MM",
                                                  repr(text))]) from None


def cmd_solve(args: argparse.Namespace) -> int:
    from model import default_template, load
    from model.analysis import solve as analysis
    from model.errors import InputError, Problem
    source: Path = args.path or default_template()
    a = select_scenario(load(source), args.scenario, source)
    try:
        target = analysis.resolve(args.vary, a)
    except ValueError:
        raise InputError("command line", [Problem(
            None, None, "--vary naming " + analysis.VARY_HELP, repr(args.vary))]) from None
    schedule = target.sheet == "Schedule"
    mode = args.mode or ("shift" if schedule else "set")
    default_range = {"shift": (-0.99, 5.0), "scale": (0.0, 10.0), "set": (0.0, 1e13)}[mode]
    if mode == "set" and schedule:
        default_range = (-0.99, 5.0)
    lo = args.lo if args.lo is not None else default_range[0]
    hi = args.hi if args.hi is not None else default_range[1]
    from model.core.engine import run
    results = run(a)
    if args.result not in results.index:
        raise InputError("command line", [Problem(None, None, "--result naming a line key "
                                                  "such as cum_microsoft", args.result)])
    metric = analysis.Metric(args.result, parse_month(args.by, "--by"))
    s = analysis.goal_seek(a, target, mode, metric, args.target, lo, hi)
    how = {"set": "set to", "shift": "shifted by", "scale": "scaled by"}[mode]
    where = " in every Schedule row" if schedule else ""
    print(f"Goal: {metric.label(results)} = {args.target:,.0f}")
    if s.x is not None and s.converged:
        print(f"Answer: {target.text()} {how} {s.x:.6g}{where}")
        print(f"Result then: {s.value:,.0f} (converged in {s.steps} runs)")
        return EXIT_OK
    print(f"Not solved: {s.message}")
    return EXIT_ERROR


def cmd_diff(args: argparse.Namespace) -> int:
    from model.analysis.diff import diff, render
    print(render(diff(args.old, args.new)))
    return EXIT_OK


def select_scenario(a: Assumptions, name: str | None, source: Path) -> Assumptions:
    """The assumptions with a scenario selected by name; exit 2 if there is no such one."""
    from model.errors import InputError, Problem
    if name is None:
        return a
    names = a.scenarios.names if a.scenarios else ()
    if name not in names:
        raise InputError(str(source), [Problem(
            "Scenarios", "row 1", "one of the scenarios " + ", ".join(f"'{n}'" for n in names)
            if names else "a Scenarios sheet", f"'{name}'")])
    return a.with_scenario(name)


def cmd_simulate(args: argparse.Namespace) -> int:
    from model import default_template, load
    from model.analysis.montecarlo import (
        MAX_DRAWS,
        default_output,
        distributions_for,
        parse_month,
        report_text,
        simulate,
    )
    from model.core.engine import run
    from model.workbook.output import write_atomic
    from model.workbook.simulation_sheet import extras
    for option, ok, expected, found in (
            ("--draws", 1 <= args.draws <= MAX_DRAWS, f"1 to {MAX_DRAWS:,}", args.draws),
            ("--seed", args.seed >= 0, "a whole number of at least 0", args.seed),
            ("--chunk", args.chunk >= 1, "at least 1", args.chunk),
            ("--workers", args.workers >= 1, "at least 1", args.workers)):
        if not ok:
            print(f"finmodel: {option}: expected {expected}, found {found}", file=sys.stderr)
            return EXIT_BAD_INPUT
    try:
        by = parse_month(args.by)
    except ValueError as e:
        print(f"finmodel: --by: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    source: Path = args.path or default_template()
    out: Path = args.out or default_output(source)
    if args.out is None:
        out.parent.mkdir(parents=True, exist_ok=True)
    a = select_scenario(load(source), args.scenario, source)
    dists, where = distributions_for(a, source)
    sim = simulate(a, dists, args.draws, args.seed, by=by, chunk=args.chunk,
                   workers=args.workers, source=where,
                   progress=not args.quiet and sys.stderr.isatty())
    size = write_atomic(run(a), out, inputs=(source,), extras=extras(sim))
    print(report_text(sim))
    print(f"Wrote {out} ({size / 1024:,.0f} KB): the model with a Simulation sheet")
    return EXIT_OK


def _guard(run: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    from model.errors import InputError, ModelValueError
    from model.workbook.output import OutputError
    from model.workbook.pdf import ToolMissing
    try:
        return run(args)
    except InputError as e:
        print(e.message(), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ModelValueError, OutputError) as e:
        print(f"finmodel: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ToolMissing as e:
        print(f"finmodel: {e}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # the reader of our output went away (e.g. `| head`)
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - keep it for interpreter exit
        return EXIT_OK
    except KeyboardInterrupt:
        print("finmodel: interrupted; nothing was written", file=sys.stderr)
        return 130
    except Exception as e:
        if os.environ.get("FINMODEL_DEBUG"):
            raise
        print(f"finmodel: internal error: {type(e).__name__}: {e}\n"
              "Set FINMODEL_DEBUG=1 to see the traceback.", file=sys.stderr)
        return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return _guard(args.run, args)


if __name__ == "__main__":
    sys.exit(main())
