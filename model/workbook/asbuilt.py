"""The hidden `Inputs as built` sheet: is a section computed at build time still right?

Comparison, the Analysis grid and tornado, Changes and Simulation hold values computed
by Python when the file was built. This sheet keeps a copy of every input cell as it
was written (and the selected scenario), each with a live formula that is 1 when the
cell now differs (EXACT, so a number typed into a blank cell counts too). Each static
section shows the status live: "up to date" or "out of date: rebuild". The status is
not a check: a model with edited inputs is fine, only those sections are stale.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

from model.inputs.assumptions import Assumptions
from model.workbook.input_tables import write_optional_sheets
from model.workbook.inputsheets import write_input_sheets
from model.workbook.styles import Styles, write_status

SHEET = "Inputs as built"
REF = f"'{SHEET}'"
UP_TO_DATE = "up to date"
OUT_OF_DATE = "out of date: rebuild"
PROSE = {"unit", "description", "source", "note"}  # columns that change no result
FIRST_ROW = 5  # 0-based row of the first input cell; the selection sits just above


class _SheetRecorder:
    """Stands in for an xlsxwriter worksheet: keeps the values written, ignores the rest."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], object] = {}

    def _keep(self, row: int, col: int, value: object, *_: Any) -> None:
        self.cells[(row, col)] = value

    write_string = write_number = write_boolean = write_datetime = write_blank = _keep

    def __getattr__(self, name: str) -> Any:  # formatting, comments, validation
        return lambda *args, **kwargs: None


class _WorkbookRecorder:
    def __init__(self) -> None:
        self.sheets: dict[str, _SheetRecorder] = {}

    def add_worksheet(self, name: str) -> _SheetRecorder:
        return self.sheets.setdefault(name, _SheetRecorder())

    def get_worksheet_by_name(self, name: str) -> _SheetRecorder | None:
        return self.sheets.get(name)

    def add_format(self, props: Any = None) -> None:
        return None


def input_cells(a: Assumptions) -> list[tuple[str, int, int, object]]:
    """(sheet, row, col, value) of every input cell as the model writes it, in order:
    the same writers write into a recorder, so the copy cannot drift from the sheets."""
    wb = _WorkbookRecorder()
    st = Styles(wb)
    write_input_sheets(wb, st, a)
    write_optional_sheets(wb, st, a)
    out: list[tuple[str, int, int, object]] = []
    for name, sheet in wb.sheets.items():
        prose = {c for (r, c), v in sheet.cells.items() if r == 0 and v in PROSE}
        out += [(name, r, c, v) for (r, c), v in sorted(sheet.cells.items()) if c not in prose]
    return out


def status_formula(selection: bool = True) -> str:
    """"up to date" while no input cell (and, with ``selection``, not the selected
    scenario either) differs from the build."""
    changed = f"{REF}!$B$2" + (f"+{REF}!$B$3" if selection else "")
    return f'=IF({changed}=0,"{UP_TO_DATE}","{OUT_OF_DATE}")'


def write_section_status(ws: Any, st: Styles, row: int, col: int,
                         selection: bool = True) -> None:
    """The live status of a section computed at build time."""
    write_status(ws, st, row, col, status_formula(selection), UP_TO_DATE, "out of date")


def write(wb: Any, st: Styles, a: Assumptions, selector: str | None) -> None:
    """Add the hidden sheet. ``selector`` is the scenario drop-down's cell, if any."""
    ws = wb.add_worksheet(SHEET)
    cells = input_cells(a)
    last = FIRST_ROW + len(cells)
    ws.write_string(0, 0, "Inputs as built: the value of every input cell when this file "
                    "was built, and whether it has changed since", st("title"))
    ws.write_string(1, 0, "Input cells changed since the build")
    ws.write_formula(1, 1, f"=SUM(C{FIRST_ROW + 1}:C{max(last, FIRST_ROW + 1)})",
                     st("calc", "int"), 0)
    ws.write_string(2, 0, "Scenario selection changed since the build (1 = yes)")
    for c, text in enumerate(("cell", "value when built", "changed (1 = yes)")):
        ws.write_string(3, c, text, st("header"))
    ws.write_string(4, 0, selector or "(no scenario drop-down)")
    if selector is not None and a.selected is not None:
        ws.write_string(4, 1, a.selected)
        ws.write_formula(4, 2, f"=IF(EXACT({selector},B5),0,1)", st("check", "flag"), 0)
        ws.write_formula(2, 1, "=C5", st("calc", "int"), 0)
    else:
        ws.write_number(2, 1, 0, st("calc", "int"))
    for i, (sheet, row, col, value) in enumerate(cells):
        r = FIRST_ROW + i
        cell = xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)
        ws.write_string(r, 0, f"{sheet}!{cell.replace('$', '')}")
        if isinstance(value, dt.datetime | dt.date):
            ws.write_datetime(r, 1, value, st("calc", "day"))
        elif isinstance(value, bool):
            ws.write_boolean(r, 1, value)
        elif isinstance(value, int | float):
            ws.write_number(r, 1, float(value))
        elif isinstance(value, str):
            ws.write_string(r, 1, value)
        ws.write_formula(r, 2, f"=IF(EXACT({sheet}!{cell},B{r + 1}),0,1)",
                         st("check", "flag"), 0)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 2, 16)
    ws.hide()
