"""Formula cells of a workbook, engine results, and their comparison.

See ``model.recalc`` for how the engines behave at the edges.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.cell.read_only import EmptyCell
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.datetime import to_excel

from model.errors import FinmodelError

__all__ = ["ERROR_CODES", "Cell", "EngineError", "RecalcError", "compare", "formula_cells",
           "recalc_values_ironcalc"]

#: Spreadsheet error values (Excel's, plus IronCalc/LibreOffice specific ones).
#: A plain ``str`` engine value equal to one of these also counts as an error.
ERROR_CODES = frozenset(
    {
        "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
        "#GETTING_DATA", "#SPILL!", "#CALC!", "#CIRC!", "#ERROR!", "#N/IMPL!",
    }
)  # fmt: skip


class RecalcError(FinmodelError, RuntimeError):
    """A spreadsheet engine failed to load, recalculate or write a workbook."""


class EngineError(str):
    """An error value computed by an engine, e.g. ``EngineError('#DIV/0!')``."""

    __slots__ = ()


@dataclass(frozen=True)
class Cell:
    """One formula cell and the value cached for it in the file.

    ``cached`` is what openpyxl reads with ``data_only=True``: int/float, str, bool,
    None (no or empty cached value) or a datetime when the cell has a date format.
    """

    sheet: str
    ref: str
    formula: str
    cached: object


def formula_cells(path: Path) -> list[Cell]:
    """Return every formula cell of every sheet, in sheet/row/column order.

    Array and dynamic-array formulas are reported once, at their anchor cell, with
    their formula text (e.g. ``'=SUM(A1:A3*2)'``); spill cells are plain values.
    """
    formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        cells: list[Cell] = []
        for ws in formulas.worksheets:
            found: list[tuple[str, str]] = []
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c, EmptyCell) or c.data_type != "f":
                        continue
                    text = getattr(c.value, "text", c.value)  # ArrayFormula.text
                    found.append((c.coordinate, str(text)))
            if not found:
                continue
            cached = {
                c.coordinate: c.value
                for row in values[ws.title].iter_rows()
                for c in row
                if not isinstance(c, EmptyCell)
            }
            cells.extend(Cell(ws.title, ref, f, cached.get(ref)) for ref, f in found)
        return cells
    finally:
        formulas.close()
        values.close()


def recalc_values_ironcalc(src: Path) -> dict[tuple[str, str], object]:
    """Recalculate ``src`` with IronCalc; return the values of all formula cells.

    Values: float, bool, str (``=""`` gives ``''``) or :class:`EngineError`.
    IronCalc raises (wrapped in RecalcError) on files it cannot load; functions it
    does not implement evaluate to errors such as '#NAME?' or '#N/IMPL!'.
    """
    import ironcalc  # local import: optional dependency

    path = Path(src)
    try:
        model = ironcalc.load_from_xlsx(str(path), "en", "UTC")
        model.evaluate()
    except Exception as exc:  # ironcalc.WorkbookError or a Rust panic
        raise RecalcError(f"IronCalc could not evaluate {path}: {exc}") from exc
    index = {p["name"]: i for i, p in enumerate(model.get_worksheets_properties())}
    error_type = ironcalc.CellType.ErrorValue
    result: dict[tuple[str, str], object] = {}
    for cell in formula_cells(path):
        sheet = index[cell.sheet]
        row, col = coordinate_to_tuple(cell.ref)
        value = model.get_cell_value(sheet, row, col)
        if model.get_cell_type(sheet, row, col) == error_type:
            value = EngineError(value)
        result[(cell.sheet, cell.ref)] = value
    return result


def compare(
    cells: list[Cell],
    values: dict[tuple[str, str], object],
    rel: float = 1e-9,
    abs_tol: float = 1e-6,
) -> list[str]:
    """Return one line per formula cell whose cached value differs from the engine.

    Rules: numbers (and bools, True == 1) compare with ``math.isclose``; strings
    exactly; ``None`` and ``''`` are equal; datetimes compare as Excel serials.
    An engine error value (:class:`EngineError` or a string in ``ERROR_CODES``)
    is always a mismatch, as is a cell missing from ``values``.
    """
    problems: list[str] = []
    for cell in cells:
        where = f"{_quote(cell.sheet)}!{cell.ref}"
        stored = to_serial(cell.cached)
        key = (cell.sheet, cell.ref)
        if key not in values:
            problems.append(
                f"{where}: formula {cell.formula}, stored {stored!r}, engine has no value"
            )
            continue
        engine = to_serial(values[key])
        if _is_error(engine) or not _same(stored, engine, rel, abs_tol):
            problems.append(
                f"{where}: formula {cell.formula}, stored {stored!r}, engine {engine!r}"
            )
    return problems


def _quote(sheet: str) -> str:
    """Quote a sheet name the way Excel formulas do, only when needed."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def _is_error(value: object) -> bool:
    return isinstance(value, EngineError) or (
        isinstance(value, str) and value in ERROR_CODES
    )


def _same(a: object, b: object, rel: float, abs_tol: float) -> bool:
    if a is None or a == "":
        return b is None or b == ""
    if isinstance(a, int | float) and isinstance(b, int | float):  # bool is an int
        return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=abs_tol)
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    return False


def to_serial(value: object) -> object:
    """datetime/date/time/timedelta -> Excel serial (1900 system); others unchanged.

    Uses openpyxl's ``to_excel`` (days since 1899-12-30 plus the time fraction,
    with Excel's 1900-leap-year offset for dates before 1900-03-01), the exact
    inverse of how openpyxl turned the stored serial into a datetime.
    """
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        return float(to_excel(value))
    return value
