"""`finmodel calibrate`: move inputs so that the model matches the fitted actuals.

Every argument is checked before the fit: the inputs named with --vary (in the syntax of
`solve`), each of which must move at least one fitted figure; the fitted figures, which
must lie within the horizon. The calibrated inputs go to a new assumptions workbook,
never over the input.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from model import load
from model.analysis import calibrate as fit
from model.analysis import solve as analysis
from model.analysis.report import money
from model.cli.checks import output, refuse, resolve, select_scenario
from model.cli.solve import variable
from model.core.actuals import Comparison
from model.errors import InputError, Problem
from model.inputs.assumptions import Assumptions
from model.inputs.schema import ACTUALS_SHEET
from model.workbook.output import check_target, replace_atomically
from model.workbook.template import write_template

EXIT_OK, EXIT_NOT_FITTED = 0, 1


def knobs(args: argparse.Namespace, a: Assumptions) -> list[fit.Knob]:
    """The inputs to move, each one able to move a fitted figure; exit 2 if one is not."""
    if not args.vary:
        chosen = fit.default_knobs(a)
        chosen = [k for k, ok in zip(chosen, fit.movers(a, chosen), strict=True) if ok]
        if not chosen:
            raise refuse("inputs that move a fitted figure (by default the opening ARRs and "
                         "the growth rates; name others with --vary)",
                         "none of them moves any fitted figure of the Actuals sheet")
        return chosen
    out: list[fit.Knob] = []
    for name in args.vary:
        target = resolve("--vary", name, a, analysis.VARY_HELP)
        variable(target, a)
        mine = fit.knobs_of(target, a)
        moves = fit.movers(a, mine)
        if not any(moves):
            raise refuse("--vary naming inputs that move at least one fitted figure of the "
                         "Actuals sheet", f"'{name}', which moves none of them")
        out += [k for k, ok in zip(mine, moves, strict=True) if ok and k not in out]
    return out


def table(rows: list[Comparison], after: list[Comparison]) -> str:
    lines = [f"  {'fitted figure':44} {'reported':>10} {'before':>10} {'after':>10} "
             f"{'var. before':>11} {'var. after':>10}"]
    for b, c in zip(rows, after, strict=True):
        lines.append(f"  {c.where():44} {money(c.actual.value):>10} {money(b.model or 0):>10} "
                     f"{money(c.model or 0):>10} {b.variance_pct or 0:>+11.1%} "
                     f"{c.variance_pct or 0:>+10.1%}")
    return "\n".join(lines)


def cmd_calibrate(args: argparse.Namespace) -> int:
    source: Path = args.path
    out: Path = output("-o", args.out)
    check_target(out, inputs=(source,))
    a = select_scenario(load(source), args.scenario, source)
    try:
        fit.check_fittable(a)
    except fit.CalibrationError as e:
        raise InputError(str(source), [Problem(ACTUALS_SHEET, None, e.expected,
                                               e.found)]) from None
    chosen = knobs(args, a)
    c = fit.calibrate(a, chosen)
    before = fit.fitted(c.before)
    after = fit.fitted(c.after)
    print(f"Fitted figures of the Actuals sheet ({len(after)}), variance = model - reported:")
    print(table(before, after))
    print(f"Moved {len(c.moved)} of {len(chosen)} inputs:")
    for m in c.moved:
        show = (f"{money(m.before)} -> {money(m.after)}" if m.knob.scale(a) == "amount"
                else f"{m.before:.4g} -> {m.after:.4g}")
        print(f"  {m.name:44} {show}")
    replace_atomically(out, lambda fh: write_template(fh, fit.noted(c)))
    print(f"Wrote {out} (the input {source} is unchanged)")
    off = [x for x in after if x.beyond]
    if off:
        print(f"Not fitted: {len(off)} figure(s) still further off than actuals_tolerance "
              f"({off[0].tolerance:.0%}): " + ", ".join(x.where() for x in off))
        return EXIT_NOT_FITTED
    return EXIT_OK

