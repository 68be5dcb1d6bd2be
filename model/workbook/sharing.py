"""How a model is shared, and what it remembers of its build.

- Protected (``build --protect``): every sheet is protected, so only the input cells
  (styled as inputs, and unlocked) can be edited, and so is the workbook's structure;
  the password is optional.
- Values only (``build --values-only``): every formula cell holds its value as a plain
  number or text, formats kept; no drop-down, inputs not styled as inputs; the Dashboard
  says so.

Every model also carries its build record (``analysis.buildrecord``): its name, the
build options and a copy of the input cells, so ``finmodel audit`` can rebuild it
exactly, and its scenario drop-down is named, so a rebuild keeps the scenario chosen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

from model.analysis import buildrecord
from model.analysis.solve import Settings
from model.inputs import schema, tables
from model.inputs.assumptions import Assumptions
from model.inputs.reader import SELECTED_NAME
from model.workbook.fastsheet import FastFormulaWorksheet

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
VALUES_ONLY_NOTE = "VALUES ONLY: no formulas; the numbers as built, edits change nothing else"
INPUT_SHEETS = tables.SHEET_NAMES
# Columns the schema itself writes below the header (so the record leaves them out).
SCHEMA_TEXT: dict[str, tuple[int, ...]] = {schema.INPUTS_SHEET: (2, 3, 4)}  # unit, text, source


@dataclass(frozen=True)
class Sharing:
    values_only: bool = False
    protect: bool = False
    password: str | None = None


class ValuesOnlyWorksheet(FastFormulaWorksheet):
    """A worksheet that writes each formula's value, with its format, instead of it."""

    def _write_formula(self, row: int, col: int, formula: str, cell_format: Any = None,
                       value: Any = 0) -> int:
        if isinstance(value, bool):
            return int(self._write_boolean(row, col, value, cell_format))
        if isinstance(value, int | float):
            return int(self._write_number(row, col, float(value), cell_format))
        if value is None or value == "":
            return int(self._write_blank(row, col, None, cell_format))
        return int(self._write_string(row, col, str(value), cell_format))


def start(wb: Any, st: Any, sharing: Sharing) -> None:
    """Before any sheet is added. A values-only copy has nothing to type into, so its
    inputs are not styled as inputs."""
    if sharing.values_only:
        wb.worksheet_class = ValuesOnlyWorksheet
        st.plain_inputs = True


def protect_structure(wb: Any, password: str | None) -> None:
    """Lock the workbook's structure (no sheet added, removed, renamed, shown or hidden):
    xlsxwriter has no call for it, so its ``<workbookProtection>`` is written after
    ``<workbookPr>``, where the schema puts it."""
    attrs: list[tuple[str, Any]] = [("lockStructure", 1)]
    if password:
        attrs.insert(0, ("workbookPassword", wb.worksheets()[0]._encode_password(password)))
    write_pr = wb._write_workbook_pr

    def write() -> None:
        write_pr()
        wb._xml_empty_tag("workbookProtection", attrs)
    wb._write_workbook_pr = write


def finish(wb: Any, st: Any, dashboard: Any, a: Assumptions, selector: str,
           settings: Settings | None, sharing: Sharing, extras: Sequence[str]) -> None:
    """After every sheet is written: protection, the values-only note, the name of the
    scenario drop-down and the build record. ``extras`` are the sheets added by a
    command (such as Changes or Simulation), which an audit cannot rebuild."""
    for ws in wb.worksheets():
        if sharing.protect:
            ws.protect(sharing.password or "", {
                "select_locked_cells": True, "select_unlocked_cells": True,
                "format_columns": True, "format_rows": True})
    if sharing.protect:
        protect_structure(wb, sharing.password)
    if sharing.values_only:
        dashboard.write_string(0, 1, VALUES_ONLY_NOTE, st("bad"))
        for ws in wb.worksheets():  # no drop-down to choose from: nothing recalculates
            ws.validations = []
    if a.scenarios is not None:
        wb.define_name(SELECTED_NAME, "=" + selector)
    record = buildrecord.BuildRecord(
        name=a.name, scenario=a.selected, settings=buildrecord.settings_dict(
            settings or Settings()), values_only=sharing.values_only, protect=sharing.protect,
        extras=tuple(extras), as_of=a.as_of.isoformat() if a.as_of else None,
        cells=input_cells(wb, INPUT_SHEETS, SCHEMA_TEXT))
    for name, text in buildrecord.encode(record):
        wb.set_custom_property(name, text)


def input_cells(wb: Any, sheets: Sequence[str],
                skip: dict[str, tuple[int, ...]]) -> dict[str, dict[str, buildrecord.Value]]:
    """The plain values written to the given sheets, by sheet and A1 reference: the
    inputs as built. ``skip`` names, per sheet, the 0-based columns whose cells below
    the header come from the schema. Reads xlsxwriter's cell table (the tests pin it
    by decoding the record of every model they build)."""
    strings = {i: s for s, i in wb.str_table.string_table.items()}
    out: dict[str, dict[str, buildrecord.Value]] = {}
    for ws in wb.worksheets():
        if ws.name not in sheets:
            continue
        cells: dict[str, buildrecord.Value] = {}
        for r, row in ws.table.items():
            for c, cell in row.items():
                if r > 0 and c in skip.get(ws.name, ()):
                    continue
                kind = type(cell).__name__
                value: buildrecord.Value
                if kind == "String":
                    value = strings[cell.string]
                elif kind == "Number":
                    value = float(cell.number)
                elif kind == "Boolean":
                    value = bool(cell.boolean)
                elif kind == "Datetime":
                    value = EXCEL_EPOCH + dt.timedelta(days=cell.number)
                elif kind == "Formula" and r > 0 and isinstance(cell.value, float | str):
                    value = cell.value  # a formula typed into an input: the value used
                else:  # blanks, and the header's status formula, are not inputs
                    continue
                cells[xl_rowcol_to_cell(r, c)] = value
        out[ws.name] = cells
    return out
