"""A model file's saved values against what its own inputs give.

A model comes back with its inputs and with the results its last spreadsheet program
saved. The two agree unless something broke the link: a value pasted over a formula,
an edited formula, a file saved by a program that does not calculate. ``finmodel diff``
shows the Dashboard's headlines both ways where they differ ("as saved in the file"
and "recomputed from its inputs"), and ``model.read_model`` warns; ``finmodel audit``
finds the cause.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl.utils.cell import get_column_letter

from model.analysis import buildrecord
from model.analysis.report import money
from model.analysis.sheetcells import UnreadableWorkbook, read_book
from model.core.engine import run
from model.inputs.validate import load
from model.workbook import checklist
from model.workbook.layout import plan_layout
from model.workbook.summary import headline_rows
from model.workbook.writer import DASHBOARD

if TYPE_CHECKING:
    from model.inputs.assumptions import Assumptions

REL = 1e-9  # relative tolerance: the same arithmetic in Python and a spreadsheet
HEADER_ROWS = 4  # title, column names, month, period
FIRST_PERIOD_COL = 5  # E: the opening column, then the months or periods
LIST = 5  # pasted cells named before "and N more"
EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class Disagreement:
    label: str
    saved: str  # as saved in the file
    recomputed: str  # recomputed from its inputs


def saved_headlines(path: Path) -> dict[str, object] | None:
    """The Dashboard's headline values as the file saved them; None if it is no model."""
    try:
        book = read_book(path, only=(DASHBOARD,))
        if buildrecord.decode(book.properties) is None:
            return None
    except (UnreadableWorkbook, ValueError):
        return None
    sheet = book.sheet(DASHBOARD)
    if sheet is None:
        return None
    out: dict[str, object] = {}
    for (r, c), cell in sheet.cells.items():
        if c == 1 and isinstance(cell.value, str):
            value = sheet.cells.get((r, 2))
            out.setdefault(cell.value, value.value if value is not None else None)
    return out


def headline_disagreements(path: Path, a: Assumptions) -> list[Disagreement]:
    """The headlines whose saved value differs from the one its inputs give."""
    saved = saved_headlines(path)
    if saved is None:
        return []
    results = run(a)
    out = []
    layout = plan_layout(results, [rec.key for rec in checklist.reconciliations(results)])
    for label, _, kind, value in headline_rows(results, layout):
        if label in saved and not _same(saved[label], value):
            out.append(Disagreement(label, _show(saved[label], kind), _show(value, kind)))
    return out


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=REL, abs_tol=1e-6)
    return a == b


def _show(v: object, kind: str) -> str:
    if isinstance(v, float) and kind == "date":
        return f"{EXCEL_EPOCH + dt.timedelta(days=int(v)):%b %Y}"
    if isinstance(v, float):
        return money(v)
    return "(blank)" if v is None else str(v)


def sheet_names(path: Path) -> list[str]:
    try:
        return [s.name for s in read_book(path, only=()).sheets]
    except UnreadableWorkbook:
        return []


# Sheets whose keyed rows hold a formula in every period column (from E on).
PERIOD_SHEETS = ("Revenue", "Waterfall", "Checks", "Annual", "Fiscal", "Quarterly")


def pasted_cells(path: Path) -> list[str]:
    """Sheet!A1 (line key) of each period cell of a model's line that holds a plain value
    where the model has a formula: a value pasted over it. [] for a file that is no model."""
    try:
        book = read_book(path, only=PERIOD_SHEETS)
        if buildrecord.decode(book.properties) is None:
            return []
    except (UnreadableWorkbook, ValueError):
        return []
    out = []
    for sheet in book.sheets:
        keys = {r: cell.value for (r, c), cell in sheet.cells.items()
                if c == 1 and r > HEADER_ROWS and isinstance(cell.value, str)}
        for (r, c), cell in sorted(sheet.cells.items()):
            if r in keys and c >= FIRST_PERIOD_COL and cell.formula is None \
                    and cell.value not in (None, ""):
                out.append(f"{sheet.name}!{get_column_letter(c)}{r} ({keys[r]})")
    return out


def diff_notes(old: Path, new: Path) -> list[str]:
    """What `finmodel diff` adds about the files themselves: sheets added or removed, and
    headlines whose saved values differ from what the file's inputs give."""
    lines: list[str] = []
    before, after = sheet_names(old), sheet_names(new)
    added = [s for s in after if s not in before]
    removed = [s for s in before if s not in after]
    if added or removed:
        lines += ["", "Sheets added in " + new.name + ": " + (", ".join(added) or "none")
                  + "; removed: " + (", ".join(removed) or "none")]
    for path in (old, new):
        pasted = pasted_cells(path)
        if pasted:
            shown = ", ".join(pasted[:LIST]) + (f" and {len(pasted) - LIST:,} more"
                                                if len(pasted) > LIST else "")
            lines += ["", f"{path.name}: formulas pasted over with a value: {len(pasted):,} "
                      f"({shown}); finmodel audit {path} checks every cell"]
        found = headline_disagreements(path, load(path))
        if not found:
            continue
        width = max(len(d.label) for d in found)
        lines += ["", f"{path.name}: headlines as saved in the file differ from those "
                  "recomputed from its inputs (a value pasted over a formula, or an edited "
                  f"formula?): run finmodel audit {path} to find the cause",
                  f"{'result'.ljust(width)}  as saved in the file  recomputed from its inputs"]
        lines += [f"{d.label.ljust(width)}  {d.saved.ljust(20)}  {d.recomputed}" for d in found]
    return lines
