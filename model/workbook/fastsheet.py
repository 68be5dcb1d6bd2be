"""A worksheet that prepares formulas in one regex search instead of about thirty.

xlsxwriter rewrites dynamic-array functions (FILTER, XLOOKUP, ...) with the ``_xlfn.``
prefix by running one ``re.sub`` per function on every formula cell: two thirds of the
time to write the model. The model's formulas never hold those functions (the
expression whitelist), so one search for all their names stands in: a formula with
none of them is returned exactly as xlsxwriter would return it, and any other formula
goes through xlsxwriter's own method. A test pins the bytes written and the name list
against the installed xlsxwriter.

It also refuses to write inf, NaN or an error value as a cell's value or cached result:
the last defence behind the engine's own overflow check; and a formula Excel would refuse
to load (``excel_limits``): that is a bug of ours, so it stops the build (exit 1) naming
the cell, rather than leave a file Excel calls corrupt.
"""

from __future__ import annotations

import math
import re
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from model.errors import FinmodelError, ModelValueError

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
        if len(formula) > SHORT and (breach := excel_limits(formula)):
            raise FormulaLimitError(
                f"sheet {self.name}, cell {xl_rowcol_to_cell(row, col)}: {breach}; nothing "
                "was written (a bug in finmodel: please report it with the input file)")
        return super()._write_formula(row, col, formula, cell_format, value)

    def _write_number(self, row: int, col: int, number: Any, cell_format: Any = None) -> Any:
        if not _writable(number):
            raise _unwritable(self, row, col, number)
        return super()._write_number(row, col, number, cell_format)


# Excel's limits on a formula's text (as Excel counts it: the text, not the XML, where
# ">" takes four characters), on nested parentheses and on a function's arguments.
MAX_CHARS, MAX_NESTING, MAX_ARGUMENTS = 8192, 64, 255
# A formula this short can break none of them: 65 levels take 130 brackets, 256 arguments
# 255 commas. Longer ones (under one in a hundred of the model's) are parsed.
SHORT = 128


class FormulaLimitError(FinmodelError):
    """A formula beyond Excel's limits: the model's own bug, never the user's input."""


def excel_limits(formula: str) -> str:
    """What in ``formula`` (with or without its "=") Excel would refuse, or ""."""
    text = formula[1:] if formula[:1] == "=" else formula
    if len(text) > MAX_CHARS:
        return (f"a formula of {len(text):,} characters, beyond Excel's limit of "
                f"{MAX_CHARS:,}")
    depth = deepest = 0
    args = [1]  # arguments so far at each open bracket (a comma starts another)
    quote = ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote  # "" or '' inside: closes, reopens
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            depth += 1
            deepest = max(deepest, depth)
            args.append(1)
        elif ch == ")":
            depth -= 1
            if len(args) > 1:
                args.pop()
        elif ch == "," and depth:
            args[-1] += 1
            if args[-1] > MAX_ARGUMENTS:
                return f"a function of more than {MAX_ARGUMENTS} arguments, Excel's limit"
    if deepest > MAX_NESTING:
        return f"{deepest} levels of nesting, beyond Excel's limit of {MAX_NESTING}"
    return ""


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
