"""Carry a recipient's work from a returned model into its rebuild.

A model goes out by email and comes back with work in it: sheets of its own, notes
typed beside the input tables, comments on input cells, a formula typed into an input.
``finmodel build`` on the returned file writes a new model and then, through
:func:`extra`, copies that work across:

- each sheet the recipient added, cell by cell (values, formulas, number formats,
  fonts, fills, borders, column widths, row heights, merged cells, comments, frozen
  panes, hidden state); formulas that point into the model are re-pointed by line and
  month (``repoint``); one that cannot be is kept as text with a comment in its cell;
- on the input sheets, every cell the rebuild leaves empty (notes beside the tables)
  and every comment, at the same line and column;
- a formula typed into an input cell that refers only to input cells stays a formula,
  with the value the tool used as its saved result.

What cannot be carried (charts, pictures, shapes, pivot tables, macros, data
validation and conditional formats of an added sheet) is named in :class:`Carried`,
which the command prints on stderr and the Changes sheet lists.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from pathlib import Path
from typing import Any

from model.analysis import buildrecord
from model.analysis.sheetcells import Book, Sheet, read_book
from model.errors import InputError, Problem
from model.inputs.reader import SELECTED_NAME
from model.inputs.schema import INPUTS_SHEET as INPUTS
from model.workbook.carried import Carried
from model.workbook.carry_cells import InputFormulaError, SheetWriter, new_cells
from model.workbook.repoint import Axes, Repointer, Unpointable, axes
from model.workbook.sharing import INPUT_SHEETS
from model.workbook.uncarried import not_carried, only_sheets, sheet_sizes

# Every sheet a build or a command of finmodel makes: never the recipient's.
TOOL_SHEETS = frozenset({
    "Summary", "Dashboard", *INPUT_SHEETS, "Scenario", "Revenue", "Waterfall", "Cash",
    "Valuation", "Annual", "Fiscal", "Quarterly", "Checks", "Analysis", "Variances",
    "Comparison", "Inputs as built", "Changes", "Simulation"})
MAX_CARRY_BYTES = 8 * 2**20  # a sheet's XML: about 100,000 cells
MADE_BY_COMMANDS = {"Changes": "finmodel build --compare", "Simulation": "finmodel simulate"}


class Returned:
    """A returned workbook as read for carrying: its cells with their looks (openpyxl),
    its saved values (``sheetcells``) and the sheets its build made."""

    def __init__(self, path: Path) -> None:
        import openpyxl
        self.data = Path(path).read_bytes()
        sizes = sheet_sizes(self.data)
        # a sheet too large to carry is not read at all (it is named as not carried)
        self.too_large = [name for name, size in sizes.items()
                          if name not in TOOL_SHEETS and size > MAX_CARRY_BYTES]
        self.stored: Book = read_book(self.data, only=[n for n in sizes
                                                       if n not in self.too_large])
        record = _record(self.stored)
        made = set(record.extras) if record is not None else set()
        self.is_model = record is not None
        self.added = [s.name for s in self.stored.sheets if s.name not in TOOL_SHEETS
                      and s.name not in made and s.name not in self.too_large]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.book = openpyxl.load_workbook(io.BytesIO(only_sheets(
                self.data, [*self.added, *INPUT_SHEETS])), keep_links=False)
        self.remade = [s for s in made if s in self.book.sheetnames]
        self.first_month = _first_month(record, self.book)
        self._axes: dict[str, Axes] | None = None

    def old_axes(self) -> dict[str, Axes]:
        """The anchors of every sheet the returned model's build made."""
        if self._axes is None:
            self._axes = {s.name: _axes_of(s, self.first_month) for s in self.stored.sheets
                          if s.name not in self.added}
        return self._axes

    def input_formulas(self) -> list[tuple[str, str]]:
        """(Sheet!A1, formula) of every formula in an input table's cells."""
        out = []
        for name in INPUT_SHEETS:
            if name not in self.book.sheetnames:
                continue
            for row in self.book[name].iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        out.append((f"{name}!{cell.coordinate}", str(cell.value)))
        return out


def _record(book: Book) -> buildrecord.BuildRecord | None:
    try:
        return buildrecord.decode(book.properties)
    except ValueError:
        return None


def _first_month(record: buildrecord.BuildRecord | None, book: Any) -> dt.date | None:
    """The first modelled month the returned model was built with: from its build
    record (the inputs as built), else from its Inputs sheet."""
    if INPUTS not in book.sheetnames:
        return None
    ws = book[INPUTS]
    row = next((c.row for c in ws["A"] if c.value == "start_month"), None)
    if row is None:
        return None
    value = (record.cells.get(INPUTS, {}).get(f"B{row}") if record is not None
             else ws[f"B{row}"].value)
    return value.date().replace(day=1) if isinstance(value, dt.datetime) else None


def _axes_of(sheet: Sheet, first_month: dt.date | None) -> Axes:
    column_a: dict[int, object] = {r: cell.value for (r, c), cell in sheet.cells.items()
                                   if c == 1}
    rows: dict[int, dict[int, object]] = {}
    last = 0
    for (r, c), cell in sheet.cells.items():
        last = max(last, c)
        if r <= 12:
            rows.setdefault(r, {})[c] = cell.value
    return axes(column_a, rows, first_month, last)


def read_returned(path: Path, carried: Carried) -> Returned:
    """The returned workbook as read for carrying. A part that cannot be read for that
    is refused (exit 2): the recipient's work is never dropped without a word."""
    try:
        r = Returned(path)
    except Exception as e:  # a damaged part: openpyxl and the parsers raise many types
        why = f"{type(e).__name__}: {str(e).splitlines()[0][:150]}" if str(e) \
            else type(e).__name__
        raise InputError(str(path), [Problem(
            None, None, "a workbook whose sheets can be read, to carry what was added to "
            "them into the rebuilt model", f"a damaged part ({why}); open and save it in "
            "Excel or LibreOffice, which repair such parts")]) from None
    carried.lost.extend(f"sheet {name} (more than {MAX_CARRY_BYTES // 2**20} MB of cells: "
                        "too large to carry; keep what you need on a smaller sheet)"
                        for name in r.too_large)
    return r


def extra(returned: Returned, carried: Carried) -> Any:
    """The extra-sheet writer that copies the returned work into the new workbook."""

    def write(wb: Any, st: Any, layout: Any) -> None:
        try:
            carry(wb, returned, carried)
        except Exception as e:  # a cell or part openpyxl read but cannot be copied
            carried.lost.append(f"part of your work: copying it stopped at {type(e).__name__}"
                                f" ({str(e)[:150]}); what is listed above was carried")
    return write


def carry(wb: Any, returned: Returned, carried: Carried) -> None:
    """Copy the recipient's work into the xlsxwriter workbook ``wb``, filling ``carried``."""
    new = new_cells(wb)
    names = [SELECTED_NAME, *(n[0] for n in getattr(wb, "defined_names", []))]
    rp = Repointer(returned.old_axes(), {s: axes(*cells) for s, cells in new.items()},
                   kept=returned.added, names=names)
    for name in returned.remade:
        carried.lost.append(f"sheet {name} (made by {MADE_BY_COMMANDS.get(name, 'a command')}"
                            "; run it again to remake it)")
    writer = SheetWriter(wb, rp, carried)
    for name in returned.added:
        if wb.get_worksheet_by_name(name) is not None:
            carried.lost.append(f"sheet {name} (the rebuilt model has a sheet of that name)")
            continue
        writer.copy_sheet(returned.book[name], wb.add_worksheet(name),
                          returned.stored.sheet(name))
        carried.sheets.append(name)
    for name in INPUT_SHEETS:
        ws = wb.get_worksheet_by_name(name)
        if ws is not None and name in returned.book.sheetnames:
            writer.merge_inputs(returned.book[name], ws, returned.stored.sheet(name),
                                returned.old_axes().get(name))
    _names(wb, returned, rp, carried)
    rebuilt = [s.name for s in returned.stored.sheets
               if s.name in TOOL_SHEETS and s.name not in INPUT_SHEETS]
    made = {name: len(getattr(wb.get_worksheet_by_name(name), "charts", []))
            for name in rebuilt if wb.get_worksheet_by_name(name) is not None}
    carried.lost.extend(not_carried(returned.data, returned.added, rebuilt, made))


def _names(wb: Any, returned: Returned, rp: Repointer, carried: Carried) -> None:
    """The recipient's workbook-level defined names, re-pointed like their formulas."""
    for name, text in returned.stored.names.items():
        if name.startswith("_xlnm.") or name == SELECTED_NAME or name.startswith("_xl"):
            continue
        try:
            formula, _ = rp.formula("=" + text, "")
        except Unpointable as e:
            carried.lost.append(f"the defined name {name} ({e})")
            continue
        wb.define_name(name, formula)
        carried.names.append(name)


__all__ = ["Carried", "InputFormulaError", "Returned", "carry", "extra", "read_returned"]
