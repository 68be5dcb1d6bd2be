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
from model.core.actuals import compare
from model.core.engine import constants
from model.workbook import actuals_sheet
from model.workbook.checklist import (
    ACTUALS_CHECK,
    ROLLUPS,
    corkscrews,
    reconciliations,
    rollup_blocks,
)
from model.workbook.rollup import periods, rollup_rows

if TYPE_CHECKING:
    from model.core.results import Results
    from model.workbook.layout import Layout
    from model.workbook.styles import Styles

def _tolerance(layout: Layout, amount: str) -> str:
    """The tolerance of a check on the Checks sheet itself (its constants are there)."""
    abs_tol = layout.rows["const_abs_tol"][1]
    rel_tol = layout.rows["const_rel_tol"][1]
    total = layout.total_col
    return f"${total}${abs_tol}+${total}${rel_tol}*ABS({amount})"


def _bad(diff: float, scale: float, results: Results) -> float:
    consts = constants(results.assumptions)
    tol = consts["abs_tol"][0] + consts["rel_tol"][0] * abs(scale)
    return 1.0 if abs(diff) > tol else 0.0


def formulas(results: Results, layout: Layout) -> dict[str, tuple[str, float]]:
    """key -> (Excel formula, Python value) of every reconciliation."""
    out: dict[str, tuple[str, float]] = {}
    total_col = layout.total_col
    planned = rollup_rows(results)
    spans = {name: periods(results, name) for name in ROLLUPS}
    for block in rollup_blocks(results):
        terms, failed = [], 0.0
        for key in block.lines:
            sheet, row = layout.rows[key]
            monthly = f"{sheet}!{total_col}{row}"  # relative: shorter, and never copied
            terms.append(f"(ABS({block.rollup}!{total_col}{planned[key]}-{monthly})"
                         f">{_tolerance(layout, monthly)})")
            values = results.raw[results.index[key]]
            total = math.fsum(values[1:])
            rolled = math.fsum(math.fsum(values[first:last + 1])
                               for _, first, last in spans[block.rollup])
            failed += _bad(rolled - total, total, results)
        out[block.key] = ("=(" + "+".join(terms) + ")*1", failed)
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
    out[ACTUALS_CHECK] = ("=" + actuals_sheet.BEYOND_CELL,
                          actuals_sheet.beyond_count(compare(results)))
    return out


def write(ws: Any, st: Styles, results: Results, layout: Layout, first_row: int) -> None:
    """The section title on ``first_row`` (0-based), one row per reconciliation below."""
    ws.write_string(first_row, 1, "Reconciliations (lines failing; 0 = fine)", st("section"))
    values = formulas(results, layout)
    for rec in reconciliations(results):
        r = layout.rows[rec.key][1] - 1
        ws.write_string(r, 0, rec.key)
        ws.write_string(r, 1, rec.label)
        ws.write_string(r, 2, "lines" if rec.lines else "1/0")
        formula, value = values[rec.key]
        ws.write_formula(r, 3, formula, st("check", "flag"), value)
