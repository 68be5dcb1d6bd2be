"""Formulas typed into input cells: which a rebuild keeps, which it refuses.

The tool never evaluates a formula: it reads an input's saved value. A formula that
refers only to input cells (``=B7/4000`` on the Inputs sheet, ``=Inputs!B4*2``) is
safe to keep: the rebuilt model holds the same formula, with the value the tool used
as its saved result. Any other formula in an input is refused (exit 2, naming the
cell): one that refers to a calculated sheet (its saved value is last build's result,
not this one's), one linked to another file (its value is whatever that file held
when this one was saved), one that refers to itself through other inputs, or one
naming something the inputs do not define. The message says what it refers to.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils.cell import get_column_letter, range_boundaries

from model.errors import InputError, Problem
from model.workbook.sharing import INPUT_SHEETS

MASTER_CHECK = '"Checks OK","CHECKS FAIL"'  # the status formula every sheet's header has
MAX_RANGE_CELLS = 100_000
EXPECTED = ("a value, or a formula that refers only to cells of the input sheets "
            "(type the value instead)")


def input_cells(book: Any) -> Iterator[tuple[str, Any]]:
    """(sheet, cell) of every formula typed into an input table (a column with a key in
    the header row, below it); the header's master check is the tool's own."""
    for name in INPUT_SHEETS:
        if name not in book.sheetnames:
            continue
        ws = book[name]
        keyed = {c.column for c in ws[1] if isinstance(c.value, str) and c.value.strip()}
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if cell.data_type == "f" and cell.column in keyed \
                        and MASTER_CHECK not in str(cell.value):
                    yield name, cell


def references(formula: str, own: str) -> Iterator[tuple[str | None, str]]:
    """(sheet, A1 or range) of each reference in a formula; sheet None for a name."""
    try:
        items = Tokenizer(formula).items
    except Exception:  # a text openpyxl's tokenizer cannot read: as a name it cannot
        yield None, formula
        return
    for item in items:
        if item.type != Token.OPERAND or item.subtype != Token.RANGE:
            continue
        sheet, _, ref = item.value.rpartition("!")
        if not _:
            ref = item.value
            yield (own, ref) if _looks_like_cells(ref) else (None, ref)
            continue
        if sheet.startswith("'") and sheet.endswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
        yield sheet, ref


def _looks_like_cells(ref: str) -> bool:
    try:
        range_boundaries(ref.replace("$", ""))
        return True
    except (ValueError, TypeError):
        return False


def check(returned: Any, path: Path) -> None:
    """Refuse the input formulas a rebuild cannot keep (``returned``: carry.Returned)."""
    problems: list[Problem] = []
    formulas = {(name, cell.coordinate): str(cell.value)
                for name, cell in input_cells(returned.book)}
    sheets = {s.upper(): s for s in INPUT_SHEETS}
    for (name, at), formula in formulas.items():
        why = _outside(formula, name, sheets)
        if why is None and _circular(formulas, (name, at), sheets):
            why = "refers back to itself through other input cells (a circular reference)"
        if why is not None:
            problems.append(Problem(name, at, EXPECTED, f"{formula}, which {why}"))
    if problems:
        raise InputError(str(path), problems)


def _outside(formula: str, own: str, sheets: dict[str, str]) -> str | None:
    for sheet, ref in references(formula, own):
        if sheet is None:
            return f"names {ref}, which the input sheets do not define"
        if sheet.startswith("["):
            return (f"links to another file ({sheet}!{ref}); its value is whatever that "
                    "file held when this one was saved")
        if sheet.upper() not in sheets:
            return (f"refers to {sheet}!{ref}, a sheet the tool calculates or that is not "
                    "an input sheet; its saved value is an earlier build's")
        if not _looks_like_cells(ref):
            return f"holds a reference the tool cannot read ({sheet}!{ref})"
    return None


def _cells_of(sheet: str, ref: str, sheets: dict[str, str]) -> Iterator[tuple[str, str]]:
    lo_c, lo_r, hi_c, hi_r = range_boundaries(ref.replace("$", ""))
    lo_c, hi_c = lo_c or 1, hi_c or 16384
    lo_r, hi_r = lo_r or 1, hi_r or 1_048_576
    if (hi_c - lo_c + 1) * (hi_r - lo_r + 1) > MAX_RANGE_CELLS:
        return
    for r in range(lo_r, hi_r + 1):
        for c in range(lo_c, hi_c + 1):
            yield sheets[sheet.upper()], f"{get_column_letter(c)}{r}"


def _circular(formulas: dict[tuple[str, str], str], start: tuple[str, str],
              sheets: dict[str, str]) -> bool:
    """Whether following the formula cells' references from ``start`` comes back to it."""
    seen: set[tuple[str, str]] = set()
    todo = [start]
    while todo:
        at = todo.pop()
        for sheet, ref in references(formulas[at], at[0]):
            if sheet is None:
                continue
            for cell in _cells_of(sheet, ref, sheets):
                if cell == start:
                    return True
                if cell in formulas and cell not in seen:
                    seen.add(cell)
                    todo.append(cell)
    return False
