"""The command line's arguments: argparse only, so `--help` and usage errors stay fast."""

from __future__ import annotations

import argparse
from pathlib import Path

from model import __version__
from model.cli.values import amount, count, month


def make_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="finmodel",
        description="Turn an assumptions workbook into a live-formula Excel model of the "
                    "OpenAI-Microsoft partnership.")
    p.add_argument("--version", action="version", version=f"finmodel {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = sub.add_parser("init", help="write a fresh assumptions workbook")
    init.add_argument("path", type=Path, help="where to write it (.xlsx)")
    init.add_argument("--force", action="store_true", help="replace an existing file")
    init.set_defaults(command="init")

    check = sub.add_parser("check", help="validate an assumptions workbook and build its "
                           "model in memory, writing nothing")
    check.add_argument("path", type=Path)
    check.set_defaults(command="check")

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
    build.add_argument("--by", metavar="YYYY-MM", type=month,
                       help="the month of that result (2030-12, or the horizon's last month "
                            "if it ends sooner)")
    build.add_argument("--grid-x", metavar="RATE", default="api_growth",
                       help="the grid's input across: a Schedule rate or a rate input, "
                            "shifted in every row (api_growth)")
    build.add_argument("--grid-y", metavar="RATE", default="api_gross_margin",
                       help="the grid's input down (api_gross_margin)")
    build.add_argument("--tornado-pct", type=float, default=10.0, metavar="X",
                       help="the tornado moves each input by -X %% and +X %% (10)")
    build.add_argument("--protect", action="store_true",
                       help="protect every sheet and the workbook's structure: only the "
                            "input cells can be edited")
    build.add_argument("--password", metavar="TEXT",
                       help="with --protect: the password to unprotect (default: none; it "
                            "deters edits, it does not encrypt)")
    build.add_argument("--values-only", action="store_true",
                       help="write a copy with no formulas: the values as computed, formats "
                            "kept, no drop-down and no input styling (for readers who should "
                            "see numbers only)")
    build.set_defaults(command="build")

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
    solve.add_argument("--by", metavar="YYYY-MM", type=month,
                       help="the month (default: the horizon)")
    solve.add_argument("--target", type=amount, default=13e9, metavar="X",
                       help="the value to hit: 13e9, 13B, $2.5M, 185K ... (13B)")
    solve.add_argument("--lo", type=amount, metavar="X",
                       help="lower end of the search (default by mode)")
    solve.add_argument("--hi", type=amount, metavar="X",
                       help="upper end of the search (default by mode)")
    solve.add_argument("--scenario", metavar="NAME", help="the scenario to solve in")
    solve.set_defaults(command="solve")

    cal = sub.add_parser(
        "calibrate", help="fit inputs to the reported figures of the Actuals sheet",
        description="Move inputs, as little as fits, so that the model matches the rows of "
                    "the Actuals sheet with fit TRUE (least squares on relative errors, "
                    "regularised toward the workbook's own values; scipy). Writes a new "
                    "assumptions workbook, each moved input's source saying so; never the "
                    "input. Exit code 0 when every fitted figure ends within "
                    "actuals_tolerance, 1 when not, 2 when the fit cannot be asked.")
    cal.add_argument("path", type=Path, help="assumptions or model workbook")
    cal.add_argument("-o", "--out", type=Path, required=True,
                     help="the calibrated assumptions workbook to write (.xlsx)")
    cal.add_argument("--vary", action="append", metavar="INPUT",
                     help="an input to move, as solve names it (repeat for several; a "
                          "Schedule rate moves row by row). Default: the opening ARRs and "
                          "the growth rates of the API, Azure OpenAI, each stream and cost")
    cal.add_argument("--scenario", metavar="NAME", help="the scenario to fit in")
    cal.set_defaults(command="calibrate")

    diff = sub.add_parser("diff", help="what changed between two versions")
    diff.add_argument("old", type=Path, help="earlier assumptions or model workbook")
    diff.add_argument("new", type=Path, help="later assumptions or model workbook")
    diff.set_defaults(command="diff")

    sim = sub.add_parser(
        "simulate", help="Monte Carlo: draw uncertain inputs, report P10/P50/P90 and odds",
        description="Draw the uncertain inputs of the Distributions sheet (the default "
                    "distributions when the workbook has none) and run the whole model for "
                    "every draw at once. Writes the model workbook with a Simulation sheet.")
    sim.add_argument("path", type=Path, nargs="?",
                     help="assumptions or model workbook (default: the shipped template)")
    sim.add_argument("--draws", type=count, default=10_000,
                     help="number of draws: 10000, 10K ... (10000)")
    sim.add_argument("--seed", type=int, default=1,
                     help="random seed; the same seed gives the same draws (1)")
    sim.add_argument("--by", metavar="YYYY-MM", type=month,
                     help="month by which Microsoft recouping is counted (2030-12, or the "
                          "horizon's last month if it ends sooner)")
    sim.add_argument("-o", "--out", type=Path,
                     help="output path (default: output/<stem>-simulation.xlsx)")
    sim.add_argument("--scenario", metavar="NAME",
                     help="the scenario to simulate around (default: the first)")
    sim.add_argument("--chunk", type=int, default=10_000, help="draws per vectorised pass")
    sim.add_argument("--workers", type=int, default=1,
                     help="processes to share the chunks (results do not change)")
    sim.add_argument("--quiet", action="store_true", help="no progress bar")
    sim.set_defaults(command="simulate")

    audit = sub.add_parser(
        "audit", help="is a model that came back still the model? (exit 0 yes, 1 no)",
        description="Rebuild the model in memory from the inputs the file carries and compare "
                    "it with the file cell by cell: formulas pasted over or changed, rows or "
                    "columns inserted or deleted, sheets renamed, hidden or added, links to "
                    "other files, error values and saved results that do not match their "
                    "formulas. Edited inputs are fine and are listed. Exit code 0 when the "
                    "model is intact, 1 when it is not, 2 when the file is not a model.")
    audit.add_argument("path", type=Path, help="a model workbook built by finmodel")
    audit.add_argument("--all", action="store_true", help="list every finding, not the "
                       "first few of each kind")
    audit.set_defaults(command="audit")
    return p
