"""The Investments, Scenarios, Distributions and Actuals input sheets, written as plain
input values."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

from model.inputs import schema
from model.inputs.actuals import CONFIDENCE, MEASURES
from model.inputs.actuals import FIELDS as ACTUAL_FIELDS
from model.inputs.assumptions import Actual, Assumptions, Investment
from model.inputs.defaults import DEFAULT_DISTRIBUTIONS
from model.inputs.overrides import FIXED_COLUMNS, TARGET_HELP, Scenarios, field_of
from model.inputs.schema import ACTUALS_SHEET
from model.inputs.uncertain import (
    APPLY_MODES,
    DISTRIBUTION_FIELDS,
    KINDS,
    NUMBER_COLUMNS,
    SHEET,
    Distribution,
    number_kind,
)
from model.workbook.inputsheets import write_value
from model.workbook.printing import wrapped_height
from model.workbook.styles import Styles


def write_scenarios_sheet(wb: Any, st: Any, scenarios: Scenarios) -> None:
    """The Scenarios sheet, as plain input values."""
    ws = wb.add_worksheet(schema.SCENARIOS_SHEET)
    headers = [*FIXED_COLUMNS, *scenarios.names]
    # The scenario columns share the width three of them had (so the sheet still prints
    # at 7 pt or more), their names wrapped.
    width = min(26, 78 // max(len(scenarios.names), 1))
    for c, h in enumerate(headers):
        ws.write_string(0, c, h, st("header_wrap" if c >= len(FIXED_COLUMNS) else "header"))
    if height := wrapped_height([(h, width) for h in scenarios.names]):
        ws.set_row(0, height)
    ws.write_comment(0, 0, "What each row overrides: " + TARGET_HELP +
                     ". A blank scenario cell keeps the base value.",
                     {"x_scale": 2.5, "y_scale": 1.5})
    for r, row in enumerate(scenarios.rows, start=1):
        ws.write_string(r, 0, row.target.text(), st("label"))
        write_value(ws, st, r, 1, dataclasses.replace(schema.SCHEDULE_MONTH, structural=False),
                    row.from_month)
        ws.write_string(r, 2, row.note, st("note_wrap"))
        if height := wrapped_height([(row.note, 50)]):
            ws.set_row(r, height)
        f = field_of(row.target)
        assert f is not None
        for c, name in enumerate(scenarios.names, start=len(FIXED_COLUMNS)):
            write_value(ws, st, r, c, dataclasses.replace(f, structural=False),
                        row.values.get(name))
    ws.freeze_panes(1, 1)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 12)
    ws.set_column(2, 2, 50)
    ws.set_column(len(FIXED_COLUMNS), len(headers), width)


NOTE_WIDTH = 40  # the notes wrap: the sheet prints one page wide at 7 pt or more


def write_distributions_sheet(wb: Any, st: Styles,
                              rows: Sequence[Distribution] = DEFAULT_DISTRIBUTIONS) -> Any:
    """Add the Distributions sheet to an xlsxwriter workbook; returns the worksheet."""
    ws = wb.add_worksheet(SHEET)
    for col, f in enumerate(DISTRIBUTION_FIELDS):
        ws.write_string(0, col, f.key, st("header"))
        ws.write_comment(0, col, f.description, {"x_scale": 2.5, "y_scale": 2})
    ws.freeze_panes(1, 1)
    ws.set_column(0, 0, 26)
    ws.set_column(1, 2, 12)
    ws.set_column(3, 9, 14)
    ws.set_column(10, 10, NOTE_WIDTH)
    last = max(len(rows), 1) + 200
    ws.data_validation(1, 1, last, 1, {"validate": "list", "source": list(KINDS)})
    ws.data_validation(1, 2, last, 2, {"validate": "list", "source": list(APPLY_MODES)})
    for r, d in enumerate(rows, start=1):
        ws.write_string(r, 0, d.key, st("input"))
        ws.write_string(r, 1, d.kind, st("input"))
        ws.write_string(r, 2, d.apply, st("input"))
        kind = number_kind(d)
        for c, name in enumerate(NUMBER_COLUMNS, start=3):
            value = getattr(d, name)
            if value is None:
                ws.write_blank(r, c, None, st("input", kind))
            else:
                ws.write_number(r, c, float(value), st("input", kind))
        ws.write_string(r, 10, d.note, st("note_wrap"))
        if height := wrapped_height([(d.note, NOTE_WIDTH)]):
            ws.set_row(r, height)
        ws.write_string(r, 11, d.correlated_with, st("input"))
        if d.rank_correlation is None:
            ws.write_blank(r, 12, None, st("input", "rate"))
        else:
            ws.write_number(r, 12, d.rank_correlation, st("input", "rate"))
    ws.set_column(11, 12, 16)
    return ws


def investment_cell(i: int, column: str) -> str:
    """Absolute reference of the i-th investment's cell (0 = the first row) in a column."""
    c = [f.key for f in schema.INVESTMENT_FIELDS].index(column)
    return f"{schema.INVESTMENTS_SHEET}!{xl_rowcol_to_cell(i + 1, c, True, True)}"


def write_investments_sheet(wb: Any, st: Styles, rows: Sequence[Investment]) -> None:
    """The Investments sheet: one row per investment, as plain input values."""
    ws = wb.add_worksheet(schema.INVESTMENTS_SHEET)
    fields = schema.INVESTMENT_FIELDS
    for c, f in enumerate(fields):
        ws.write_string(0, c, f.key, st("header"))
    ws.write_comment(0, 0, "One row per investment. " +
                     schema.TABLE_SOURCES[schema.INVESTMENTS_SHEET],
                     {"x_scale": 2.5, "y_scale": 1.5})
    for r, inv in enumerate(rows, start=1):
        for c, f in enumerate(fields):
            write_value(ws, st, r, c, f, getattr(inv, f.key))
    ws.freeze_panes(1, 1)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 2, 16)
    ws.set_column(3, 3, 70)


def write_actuals_sheet(wb: Any, st: Styles, rows: Sequence[Actual]) -> None:
    """The Actuals sheet: one row per reported figure, as plain input values."""
    ws = wb.add_worksheet(ACTUALS_SHEET)
    for c, f in enumerate(ACTUAL_FIELDS):
        ws.write_string(0, c, f.key, st("header"))
        ws.write_comment(0, c, f.description + ("\nStructural: after changing it, run "
                         "finmodel build" if f.structural else ""),
                         {"x_scale": 2.5, "y_scale": 1.5})
    for r, x in enumerate(rows, start=1):
        for c, f in enumerate(ACTUAL_FIELDS):
            if f.key == "source":  # prose: wrapped, the row as tall as it needs
                ws.write_string(r, c, x.source, st("note_wrap"))
            else:
                write_value(ws, st, r, c, f, getattr(x, f.key))
        if height := wrapped_height([(x.source, 60)]):
            ws.set_row(r, height)
    last = max(len(rows), 1) + 200
    ws.data_validation(1, 2, last, 2, {"validate": "list", "source": list(MEASURES)})
    ws.data_validation(1, 5, last, 5, {"validate": "list", "source": list(CONFIDENCE),
                                       "ignore_blank": True})
    ws.freeze_panes(1, 1)
    ws.set_column(0, 0, 24)
    ws.set_column(1, 3, 12)
    ws.set_column(4, 4, 60)
    ws.set_column(5, 6, 11)
    ws.print_area(0, 0, max(len(rows), 1), len(ACTUAL_FIELDS) - 1)


def print_distributions(ws: Any) -> None:
    """In a model, an explicit print area (the header comments would widen it), so that
    the sheet prints one page wide at 7 pt or more."""
    ws.print_area(0, 0, max(ws.dim_rowmax or 0, 1), 10)


def write_optional_sheets(wb: Any, st: Styles, a: Assumptions) -> None:
    """The Investments, Scenarios and Distributions sheets, when the assumptions have
    them."""
    if a.investments is not None:
        write_investments_sheet(wb, st, a.investments)
    if a.scenarios is not None:
        write_scenarios_sheet(wb, st, a.scenarios)
    if a.distributions is not None:
        write_distributions_sheet(wb, st, a.distributions)
    if a.actuals is not None:
        write_actuals_sheet(wb, st, a.actuals)
