"""Checks that reconcile one part of the workbook with another.

Each is 0 when fine and counts in the master check. They hold by construction when
the file is built, so they can only fail once a cell has been pasted over or a
formula changed: a rollup total that no longer equals the months it sums, or a
cumulative balance at the horizon that no longer equals its opening plus the total
of its flow (the corkscrew, checked through a different path than the chain of
monthly formulas).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from model import keys
from model.core.engine import constants
from model.core.line import CHECKS
from model.workbook.checklist import ROLLUPS, corkscrews, reconciliations
from model.workbook.rollup import periods, rollup_lines, rollup_rows

if TYPE_CHECKING:
    from model.core.results import Results
    from model.workbook.layout import Layout
    from model.workbook.styles import Styles

def _tolerance(layout: Layout, amount: str) -> str:
    abs_tol = layout.rows["const_abs_tol"][1]
    rel_tol = layout.rows["const_rel_tol"][1]
    total = layout.total_col
    return f"{CHECKS}!${total}${abs_tol}+{CHECKS}!${total}${rel_tol}*ABS({amount})"


def _bad(diff: float, scale: float, results: Results) -> float:
    consts = constants(results.assumptions)
    tol = consts["abs_tol"][0] + consts["rel_tol"][0] * abs(scale)
    return 1.0 if abs(diff) > tol else 0.0


def formulas(results: Results, layout: Layout) -> dict[str, tuple[str, float]]:
    """key -> (Excel formula, Python value) of every reconciliation."""
    out: dict[str, tuple[str, float]] = {}
    flows, _ = rollup_lines(results)
    total_col = layout.total_col
    planned = rollup_rows(results)
    for name in ROLLUPS:
        terms, failed = [], 0.0
        for ln in flows:
            sheet, row = layout.rows[ln.key]
            monthly = f"{sheet}!${total_col}${row}"
            terms.append(f"(ABS({name}!${total_col}${planned[ln.key]}-{monthly})"
                         f">{_tolerance(layout, monthly)})")
            values = results.raw[results.index[ln.key]]
            total = math.fsum(values[1:])
            rolled = math.fsum(math.fsum(values[first:last + 1])
                               for _, first, last in periods(results, name))
            failed += _bad(rolled - total, total, results)
        out[keys.reconcile(name)] = ("=(" + "+".join(terms) + ")*1", failed)
    last = layout.col(layout.n)
    opening = layout.col(0)
    for bal, flow in corkscrews(results):
        sheet, row = layout.rows[bal]
        fsheet, frow = layout.rows[flow]
        closing = f"{sheet}!${last}${row}"
        formula = (f"=((ABS({closing}-({sheet}!${opening}${row}+{fsheet}!${total_col}${frow}))"
                   f">{_tolerance(layout, closing)})*1)")
        values = results.raw[results.index[bal]]
        flows_total = math.fsum(results.raw[results.index[flow]][1:])
        out[keys.corkscrew(bal)] = (formula, _bad(values[-1] - (values[0] + flows_total),
                                                 values[-1], results))
    return out


def write(ws: Any, st: Styles, results: Results, layout: Layout, first_row: int) -> None:
    """The section title on ``first_row`` (0-based), one row per reconciliation below."""
    ws.write_string(first_row, 1, "Reconciliations (1 = problem)", st("section"))
    values = formulas(results, layout)
    for rec in reconciliations(results):
        r = layout.rows[rec.key][1] - 1
        ws.write_string(r, 0, rec.key)
        ws.write_string(r, 1, rec.label)
        ws.write_string(r, 2, "1/0")
        formula, value = values[rec.key]
        ws.write_formula(r, 3, formula, st("check", "flag"), value)
