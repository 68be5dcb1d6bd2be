"""A worksheet that prepares formulas in one regex search instead of about thirty.

xlsxwriter rewrites dynamic-array functions (FILTER, XLOOKUP, ...) with the ``_xlfn.``
prefix by running one ``re.sub`` per function on every formula cell: two thirds of the
time to write the model. The model's formulas never hold those functions (the
expression whitelist), so one search for all their names stands in: a formula with
none of them is returned exactly as xlsxwriter would return it, and any other formula
goes through xlsxwriter's own method. A test pins the bytes written and the name list
against the installed xlsxwriter.

It also refuses to write inf, NaN or an error value as a cell's value or cached result:
the last defence behind the engine's own overflow check.
"""

from __future__ import annotations

import math
import re
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from model.errors import ModelValueError

# Every function name xlsxwriter 3.3's Worksheet._prepare_formula rewrites.
REWRITTEN = ("ANCHORARRAY", "BYCOL", "BYROW", "CHOOSECOLS", "CHOOSEROWS", "DROP", "EXPAND",
             "FILTER", "HSTACK", "LAMBDA", "MAKEARRAY", "MAP", "RANDARRAY", "REDUCE", "SCAN",
             "SEQUENCE", "SINGLE", "SORT", "SORTBY", "SWITCH", "TAKE", "TEXTSPLIT", "TOCOL",
             "TOROW", "UNIQUE", "VSTACK", "WRAPCOLS", "WRAPROWS", "XLOOKUP")
_REWRITTEN = re.compile("(?:" + "|".join(REWRITTEN) + r")\(")


class FastFormulaWorksheet(Worksheet):  # type: ignore[misc]  # xlsxwriter has no type hints
    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if (self.use_future_functions or expand_future_functions or formula[:1] == "{"
                or "_xlfn." in formula or _REWRITTEN.search(formula)):
            return str(super()._prepare_formula(formula, expand_future_functions))
        return formula[1:] if formula[:1] == "=" else formula

    # The last defence: no inf, NaN or error value reaches a cell, whatever computed it.

    def _write_formula(self, row: int, col: int, formula: str, cell_format: Any = None,
                       value: Any = 0) -> Any:
        if not _writable(value):
            raise _unwritable(self, row, col, value)
        return super()._write_formula(row, col, formula, cell_format, value)

    def _write_number(self, row: int, col: int, number: Any, cell_format: Any = None) -> Any:
        if not _writable(number):
            raise _unwritable(self, row, col, number)
        return super()._write_number(row, col, number, cell_format)


_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")


def _writable(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return not (isinstance(value, str) and value in _ERRORS)


def _unwritable(ws: Worksheet, row: int, col: int, value: Any) -> ModelValueError:
    return ModelValueError(
        f"sheet {ws.name}, cell {xl_rowcol_to_cell(row, col)}: refusing to write the value "
        f"{value} (a spreadsheet holds finite numbers up to about 1.8e308); the inputs make "
        "the model overflow there")
