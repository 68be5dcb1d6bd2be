"""The commands behind `finmodel`: each reads its arguments, runs, and prints.

Exit codes: 0 success; 2 bad input (a message names the file, sheet, cell,
what was expected and what was found); 1 anything else. No traceback is shown
unless FINMODEL_DEBUG=1.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

from model import default_template, load
from model.analysis import diff, montecarlo
from model.analysis import solve as analysis
from model.analysis.report import headline_table
from model.analysis.simulation import report_text
from model.cli import audit, calibrate, solve
from model.cli.checks import default_by, line_key, output, refuse, resolve, select_scenario
from model.cli.progress import progress_bar
from model.core import engine
from model.errors import InputError, ModelValueError
from model.inputs.assumptions import Assumptions
from model.inputs.defaults import default_assumptions
from model.inputs.overrides import field_of
from model.workbook import carry, changes_sheet, input_formulas, saved, simulation_sheet
from model.workbook.output import OutputError, check_target, replace_atomically, write_atomic
from model.workbook.pdf import ToolMissing, require_libreoffice, write_pdf
from model.workbook.sharing import Sharing
from model.workbook.template import write_template
from model.workbook.writer import write_model

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2


def cmd_init(args: argparse.Namespace) -> int:
    out: Path = output("init", args.path)
    if out.exists() and not args.force:
        print(f"finmodel: {out} already exists; use --force to replace it", file=sys.stderr)
        return EXIT_BAD_INPUT
    check_target(out)
    replace_atomically(out, lambda fh: write_template(fh, default_assumptions()))
    print(f"Wrote {out}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    a = load(args.path)
    engine.check_computable(a)
    # What build runs, in memory: the model and its workbook (every scenario's headlines
    # on the Comparison sheet, the formula limits), so that OK here means build works.
    write_model(engine.run(a), io.BytesIO())
    print(f"{args.path}: OK ({a.horizon} months from {a.start_month:%Y-%m}, "
          f"{len(a.parties)} parties, {len(a.tiers)} tiers, {len(a.streams)} streams, "
          f"{len(a.costs)} costs)")
    return EXIT_OK


def default_output(source: Path) -> Path:
    stem = source.stem
    if stem.endswith("-model"):
        stem = stem[: -len("-model")]
    return Path("output") / f"{stem}-model.xlsx"


def analysis_settings(args: argparse.Namespace, a: Assumptions) -> analysis.Settings:
    """The Analysis sheet's settings from the build options; exit 2 on a bad one."""
    steps = {"api_growth": (-0.30, -0.15, 0.0, 0.15, 0.30)}
    rates = []
    for option, text in (("--grid-x", args.grid_x), ("--grid-y", args.grid_y)):
        wanted = "a Schedule rate or a rate input"
        f = field_of(resolve(option, text, a, wanted))
        if f is None or f.kind != "rate":
            raise refuse(f"{option} naming {wanted}", repr(text))
        rates.append(steps.get(text, (-0.10, -0.05, 0.0, 0.05, 0.10)))
    if not 0 < args.tornado_pct < 100:
        raise refuse("--tornado-pct between 0 and 100", repr(args.tornado_pct))
    return analysis.Settings(
        metric=analysis.Metric(args.result, default_by(args.by, a)),
        grid_x=args.grid_x, grid_x_steps=rates[0], grid_y=args.grid_y, grid_y_steps=rates[1],
        tornado_pct=args.tornado_pct / 100)


def cmd_build(args: argparse.Namespace) -> int:
    source: Path = args.path or default_template()
    out: Path = output("-o", args.out) if args.out else default_output(source)
    if args.password is not None and not args.protect:
        raise refuse("--password together with --protect", "--password alone")
    if args.out is None:
        out.parent.mkdir(parents=True, exist_ok=True)
    a = select_scenario(load(source), args.scenario, source)
    engine.check_computable(a)  # every scenario, before the long work of a build
    extras = []
    carried = carry.Carried()
    returned = carry.read_returned(source, carried)
    input_formulas.check(returned, source)
    extras.append(carry.extra(returned, carried))
    if args.compare is not None:
        changes = diff.diff(args.compare, source)
        extras.append(lambda wb, st, layout: changes_sheet.write_sheet(wb, st, layout, changes,
                                                                       carried))
    if args.pdf:
        require_libreoffice()
    settings = analysis_settings(args, a)
    results = engine.run(a)
    line_key("--result", settings.metric.key, results, "microsoft_total_take")
    sharing = Sharing(args.values_only, args.protect, args.password)
    inputs = (source,) if args.compare is None else (source, args.compare)
    size = write_atomic(results, out, inputs=inputs, extras=extras, analysis=settings,
                        sharing=sharing)
    mode = "".join(text for on, text in ((args.protect, ", protected"),
                                         (args.values_only, ", values only")) if on)
    scenario = f", scenario '{a.selected}'" if a.selected else ""
    print(f"Wrote {out} ({size / 1024:,.0f} KB, {results.timeline.n} months{scenario}{mode})")
    print(headline_table(results))
    for message in carried.messages():
        print(message, file=sys.stderr)
    if a.missing_sheets:
        print(missing_sheets_note(a, source))
    for note in a.notes:
        print(f"Note: {note}")
    if args.pdf:
        pdf = write_pdf(results, out, settings)
        print(f"Wrote {pdf}")
    return EXIT_OK


def missing_sheets_note(a: Assumptions, source: Path) -> str:
    """What a workbook made before the Streams and Costs sheets can add."""
    return (f"Note: {source.name} has no {' or '.join(a.missing_sheets)} sheet, so the model "
            "has no OpenAI revenue besides the API and no costs besides its compute. "
            "`finmodel init NEW.xlsx` writes a workbook with them (ChatGPT, training compute "
            "and staff); copy the sheets, and their columns of the Schedule sheet, across.")


def cmd_diff(args: argparse.Namespace) -> int:
    print(diff.render(diff.diff(args.old, args.new)))
    for line in saved.diff_notes(args.old, args.new):
        print(line)
    return EXIT_OK


def cmd_simulate(args: argparse.Namespace) -> int:
    for option, ok, expected, found in (
            ("--draws", 1 <= args.draws <= montecarlo.MAX_DRAWS,
             f"1 to {montecarlo.MAX_DRAWS:,}", args.draws),
            ("--seed", args.seed >= 0, "a whole number of at least 0", args.seed),
            ("--chunk", args.chunk >= 1, "at least 1", args.chunk),
            ("--workers", args.workers >= 1, "at least 1", args.workers)):
        if not ok:
            print(f"finmodel: {option}: expected {expected}, found {found}", file=sys.stderr)
            return EXIT_BAD_INPUT
    source: Path = args.path or default_template()
    out: Path = output("-o", args.out) if args.out else montecarlo.default_output(source)
    if args.out is None:
        out.parent.mkdir(parents=True, exist_ok=True)
    a = select_scenario(load(source), args.scenario, source)
    by = default_by(args.by, a)
    dists, where = montecarlo.distributions_for(a, source)
    sim = montecarlo.simulate(a, dists, args.draws, args.seed, by=by, chunk=args.chunk,
                   workers=args.workers, source=where,
                   progress=progress_bar if not args.quiet and sys.stderr.isatty() else None)
    size = write_atomic(engine.run(a), out, inputs=(source,),
                        extras=simulation_sheet.extras(sim))
    print(report_text(sim))
    print(f"Wrote {out} ({size / 1024:,.0f} KB): the model with a Simulation sheet")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Run the parsed command; every failure becomes a message and an exit code."""
    try:
        return COMMANDS[args.command](args)
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


COMMANDS = {"init": cmd_init, "check": cmd_check, "build": cmd_build,
            "solve": solve.cmd_solve, "diff": cmd_diff, "simulate": cmd_simulate,
            "audit": audit.cmd_audit, "calibrate": calibrate.cmd_calibrate}
