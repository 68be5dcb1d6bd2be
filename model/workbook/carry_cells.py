"""Copy cells from a returned workbook (as openpyxl reads it) into the rebuilt one
(an xlsxwriter workbook), re-pointing formulas; used by ``carry``."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils.cell import coordinate_to_tuple

from model.errors import InputError
from model.workbook.carry_style import Formats
from model.workbook.input_formulas import MASTER_CHECK
from model.workbook.repoint import Axes, Repointer, Unpointable, axes

if TYPE_CHECKING:
    from model.analysis.sheetcells import Sheet
    from model.workbook.carried import Carried

AS_TEXT_NOTE = ("finmodel could not re-point this formula when it rebuilt the model, so "
                "it is kept as text: {why}. Put it right and type = in front again.")
PADDING = 5 / 7  # what Excel adds to a column width typed in characters (Calibri 11)
HEADER_ROWS = 12


class InputFormulaError(InputError):
    """A formula in an input cell that a rebuild cannot keep."""


def new_cells(wb: Any, only: str | None = None
              ) -> dict[str, tuple[dict[int, object], dict[int, dict[int, object]]]]:
    """Column A and the first rows of every sheet written so far (or of the sheet
    ``only``), 1-based, as values."""
    strings = {i: s for s, i in wb.str_table.string_table.items()}
    out = {}
    for ws in wb.worksheets():
        if only is not None and ws.name != only:
            continue
        column_a: dict[int, object] = {}
        rows: dict[int, dict[int, object]] = {}
        for r, row in ws.table.items():
            for c, cell in row.items():
                if c != 0 and r >= HEADER_ROWS:
                    continue
                v = cell_value(cell, strings)
                if c == 0:
                    column_a[r + 1] = v
                if r < HEADER_ROWS:
                    rows.setdefault(r + 1, {})[c + 1] = v
        out[ws.name] = (column_a, rows)
    return out


def cell_value(cell: Any, strings: dict[int, str]) -> object:
    kind = type(cell).__name__
    if kind == "String":
        return strings.get(cell.string, "")
    if kind in ("Number", "Datetime"):
        return float(cell.number)
    if kind == "Boolean":
        return bool(cell.boolean)
    if kind == "Formula":
        return cell.value
    return None


def _cached(stored: Sheet | None, r: int, c: int) -> Any:
    cell = stored.cells.get((r, c)) if stored is not None else None
    v = cell.value if cell is not None and not cell.error else None
    if isinstance(v, bool | str) or (isinstance(v, float) and math.isfinite(v)):
        return v
    return 0


class SheetWriter:
    def __init__(self, wb: Any, rp: Repointer, carried: Carried) -> None:
        self.wb, self.rp, self.carried = wb, rp, carried
        self.formats = Formats(wb)
        self._strings: dict[int, str] | None = None

    # ------------------------------------------------------------ one cell

    def cell(self, ws: Any, r: int, c: int, src: Any, stored: Sheet | None,
             own: str, at: tuple[int, int] | None = None, fmt: Any = None) -> None:
        """Write the openpyxl cell ``src`` at 0-based ``at`` (default: where it was)."""
        row, col = at if at is not None else (r - 1, c - 1)
        fmt = fmt if fmt is not None else self.formats.of(src)
        v = src.value
        if src.data_type == "f" or hasattr(v, "text"):
            text = str(getattr(v, "text", v))
            text = text if text.startswith("=") else "=" + text
            try:
                new, moved = self.rp.formula(text, own)
            except Unpointable as e:
                ws.write_string(row, col, text, fmt)
                ws.write_comment(row, col, AS_TEXT_NOTE.format(why=e), {"x_scale": 2})
                self.carried.as_text.append((f"{own}!{src.coordinate}", str(e)))
                return
            self.carried.repointed += moved
            now = self._linked_value(new, own)
            ws.write_formula(row, col, new, fmt, _cached(stored, r, c) if now is None else now)
        elif v is None:
            if fmt is not None:
                ws.write_blank(row, col, None, fmt)
        elif isinstance(v, bool):
            ws.write_boolean(row, col, v, fmt)
        elif isinstance(v, int | float):
            ws.write_number(row, col, float(v), fmt)
        elif isinstance(v, dt.datetime | dt.date | dt.time):
            ws.write_datetime(row, col, v, fmt or self.wb.add_format(
                {"num_format": "yyyy-mm-dd"}))
        else:
            ws.write_string(row, col, str(v), fmt)

    def _linked_value(self, formula: str, own: str) -> object:
        """The rebuilt model's value for a formula that only repeats one of its cells
        (``=Waterfall!T69``), to save with it; None for any other formula, which keeps
        the result the returned file saved until the spreadsheet recalculates."""
        items = Tokenizer(formula).items
        if len(items) != 1 or items[0].subtype != Token.RANGE:
            return None
        sheet, _, ref = items[0].value.rpartition("!")
        sheet = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else (sheet or own)
        ws = self.wb.get_worksheet_by_name(sheet)
        try:
            r, c = coordinate_to_tuple(ref.replace("$", ""))
        except (ValueError, TypeError):
            return None
        if ws is None or sheet in self.carried.sheets:
            return None
        cell = ws.table.get(r - 1, {}).get(c - 1)
        value = cell_value(cell, self.strings()) if cell is not None else None
        ok = isinstance(value, bool | str) or (isinstance(value, float) and math.isfinite(value))
        return value if ok else None

    def strings(self) -> dict[int, str]:
        if self._strings is None or len(self._strings) != len(self.wb.str_table.string_table):
            self._strings = {i: s for s, i in self.wb.str_table.string_table.items()}
        return self._strings

    # ------------------------------------------------------------ a whole sheet

    def copy_sheet(self, src: Any, ws: Any, stored: Sheet | None) -> None:
        name = src.title
        merged = {(m.min_row, m.min_col): m for m in src.merged_cells.ranges}
        for row in src.iter_rows():
            for cell in row:
                if (cell.row, cell.column) in merged:
                    continue
                if type(cell).__name__ == "MergedCell":
                    continue
                self.cell(ws, cell.row, cell.column, cell, stored, name)
                self.comment(ws, cell, (cell.row - 1, cell.column - 1))
        for (r, c), m in merged.items():
            top = src.cell(r, c)
            ws.merge_range(r - 1, c - 1, m.max_row - 1, m.max_col - 1, "",
                           self.formats.of(top))
            self.cell(ws, r, c, top, stored, name)
            self.comment(ws, top, (r - 1, c - 1))
        for dim in src.column_dimensions.values():
            if dim.min is None or (dim.width is None and not dim.hidden):
                continue
            width = max(0.0, (dim.width or 8.43 + PADDING) - PADDING) if dim.customWidth \
                or dim.width else None
            ws.set_column(dim.min - 1, dim.max - 1, width, None,
                          {"hidden": bool(dim.hidden)})
        for r, dim in src.row_dimensions.items():
            if dim.ht is not None or dim.hidden:
                ws.set_row(r - 1, dim.ht, None, {"hidden": bool(dim.hidden)})
        if src.freeze_panes:
            ws.freeze_panes(src.freeze_panes)
        if src.sheet_state != "visible":
            ws.hide()
        self._not_copied(src)

    def _not_copied(self, src: Any) -> None:
        name = src.title
        for dv in src.data_validations.dataValidation:
            self.carried.lost.append(f"data validation on {name}!{dv.sqref}")
        for rng in src.conditional_formatting:
            self.carried.lost.append(f"conditional format on {name}!{rng.sqref}")
        for cell in src._cells.values():
            if cell.hyperlink is not None:
                self.carried.lost.append(f"hyperlink on {name}!{cell.coordinate} (its "
                                         "text is carried)")

    def comment(self, ws: Any, cell: Any, at: tuple[int, int], own: bool = True) -> bool:
        note = cell.comment
        if note is None or not (note.text or "").strip():
            return False
        existing = ws.comments.get(at[0], {}).get(at[1])
        if existing is not None:
            return False
        ws.write_comment(at[0], at[1], note.text, {"author": note.author or ""})
        return True

    # ------------------------------------------------------------ an input sheet

    def merge_inputs(self, src: Any, ws: Any, stored: Sheet | None, old: Axes | None) -> None:
        """Notes beside an input table, comments on its cells and formulas typed into
        inputs, at the same line and column of the rebuilt sheet."""
        name = src.title
        new = _new_axes(self, ws)
        strings_written = ws.table
        for row in src.iter_rows():
            for cell in row:
                if cell.value is None and cell.comment is None:
                    continue
                if cell.data_type == "f" and MASTER_CHECK in str(cell.value):
                    continue  # the header's status: the rebuild writes its own
                at = _place(cell.row, cell.column, old, new)
                if at is None:
                    if cell.value is not None or cell.comment is not None:
                        self.carried.lost.append(f"{name}!{cell.coordinate} (its line is "
                                                 "not in the rebuilt model)")
                    continue
                there = strings_written.get(at[0], {}).get(at[1])
                kind = type(there).__name__ if there is not None else None
                ref = f"{name}!{cell.coordinate}"
                if cell.value is not None and (kind is None or kind == "Blank"):
                    fmt = self.formats.of(cell) if kind is None else there.format
                    self.cell(ws, cell.row, cell.column, cell, stored, name, at, fmt)
                    self.carried.notes.append(ref)
                elif cell.data_type == "f" and cell.row > 1 and kind in (
                        "Number", "String", "Boolean", "Datetime"):
                    self._input_formula(ws, cell, at, there, name, ref)
                if self.comment(ws, cell, at):
                    if ref not in self.carried.notes:
                        self.carried.notes.append(ref)
                elif cell.comment is not None and not _same_comment(ws, at, cell):
                    self.carried.lost.append(f"comment on {ref} (the rebuilt cell has its "
                                             "own comment)")

    def _input_formula(self, ws: Any, cell: Any, at: tuple[int, int], there: Any,
                       name: str, ref: str) -> None:
        value = cell_value(there, self.strings())
        try:
            text, moved = self.rp.formula(str(cell.value), name)
        except Unpointable as e:
            self.carried.lost.append(f"the formula in {ref} ({e}); its value is used")
            return
        ws.write_formula(at[0], at[1], text, there.format, value)
        self.carried.formulas.append(ref)


def _same_comment(ws: Any, at: tuple[int, int], cell: Any) -> bool:
    existing = ws.comments.get(at[0], {}).get(at[1])
    text = str(getattr(existing, "text", "")).strip()
    return existing is not None and text == cell.comment.text.strip()


def _new_axes(writer: SheetWriter, ws: Any) -> Axes:
    column_a, rows = new_cells(writer.wb, ws.name)[ws.name]
    return axes(column_a, rows)


def _place(r: int, c: int, old: Axes | None, new: Axes) -> tuple[int, int] | None:
    """0-based position in the rebuilt sheet of the returned sheet's cell (r, c)."""
    if old is None:
        return r - 1, c - 1
    anchor = old.anchor_row(r)
    nr = new.row_of.get(anchor, r if anchor[0] == "row" else None)
    if nr is None:
        return None
    return nr - 1, c - 1

