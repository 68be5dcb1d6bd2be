"""Where things sit in the model workbook: rows of lines, columns of months."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_col_to_name

from model import keys
from model.core.actuals import compare
from model.core.engine import constants
from model.core.headlines import checks_failed
from model.core.line import CASH, CHECKS, REVENUE, WATERFALL
from model.core.lines import model_lines
from model.workbook.styles import write_status

if TYPE_CHECKING:
    from model.core.results import Results

# Calculation sheet layout (0-based rows and columns).
COL_KEY, COL_LABEL, COL_UNIT, COL_TOTAL, COL_OPENING = 0, 1, 2, 3, 4
ROW_TITLE, ROW_HEADER, ROW_MONTH, ROW_PERIOD = 0, 1, 2, 3
FIRST_LINE_ROW = 5
CALC_SHEETS = (REVENUE, WATERFALL, CASH, CHECKS)


@dataclass
class Layout:
    """Where every line sits: key -> (sheet, 1-based row)."""

    rows: dict[str, tuple[str, int]]
    n: int
    master_check: str  # absolute reference of the master check cell
    checks_ok: bool  # what the master check shows for the computed values

    def master(self) -> tuple[str, str]:
        """The master check as every sheet's header shows it: formula and cached text."""
        return (f'=IF({self.master_check}=0,"Checks OK","CHECKS FAIL")',
                "Checks OK" if self.checks_ok else "CHECKS FAIL")

    def write_master(self, ws: Any, st: Any, row: int = 0, col: int = 3) -> None:
        formula, value = self.master()
        write_status(ws, st, row, col, formula, value, "CHECKS FAIL")

    @cached_property
    def columns(self) -> list[str]:
        """Column letters of periods 0 (the opening column) to n."""
        return [xl_col_to_name(COL_OPENING + t) for t in range(self.n + 1)]

    def col(self, t: int) -> str:
        """Column letter of period t (0 = opening)."""
        return self.columns[t]

    @property
    def total_col(self) -> str:
        """Column letter of the totals column."""
        return str(xl_col_to_name(COL_TOTAL))

    @property
    def last_col(self) -> str:
        return self.col(self.n)

    def ref(self, key: str, t: int, absolute: bool = False) -> str:
        sheet, row = self.rows[key]
        d = "$" if absolute else ""
        return f"{sheet}!{d}{self.col(t)}{d}{row}"

    def row_range(self, key: str) -> str:
        sheet, row = self.rows[key]
        return f"{sheet}!${self.col(1)}${row}:${self.last_col}${row}"

    def month_range(self, sheet: str = REVENUE) -> str:
        r = ROW_MONTH + 1
        return f"{sheet}!${self.col(1)}${r}:${self.last_col}${r}"


def plan_layout(results: Results, reconciliations: Sequence[str]) -> Layout:
    """Assign each line, each Checks constant and each reconciliation (by key) a row."""
    rows: dict[str, tuple[str, int]] = {}
    next_row = {s: FIRST_LINE_ROW for s in CALC_SHEETS}
    for section in model_lines(results.assumptions):
        r = next_row[section.sheet] + 1  # the section title row
        for ln in section.lines:
            if ln.key not in ("month", "period"):
                r += 1
                rows[ln.key] = (section.sheet, r)
        next_row[section.sheet] = r + 1
    r = next_row[CHECKS] + 1
    for name in constants(results.assumptions):
        r += 1
        rows[keys.constant(name)] = (CHECKS, r)
    r += 2  # a blank row, then the title of the reconciliations
    for key in reconciliations:
        r += 1
        rows[key] = (CHECKS, r)
    master_row = r + 3
    rows["master_check"] = (CHECKS, master_row)
    return Layout(rows, results.timeline.n,
                  f"{CHECKS}!${xl_col_to_name(COL_TOTAL)}${master_row}",
                  checks_failed(results) == 0
                  and not any(c.beyond for c in compare(results)))
