"""Rendering the model's expressions as the formulas of one calculation sheet."""

from __future__ import annotations

import math

from xlsxwriter.utility import xl_col_to_name

from model import keys
from model.core.expr import CUR, PREV, Expr, Input, Param, XlContext
from model.errors import ModelValueError
from model.inputs import schema
from model.inputs.overrides import Target
from model.workbook.input_tables import investment_cell
from model.workbook.inputsheets import InputAddresses
from model.workbook.layout import COL_TOTAL, ROW_MONTH, ROW_PERIOD, Layout
from model.workbook.scenario_sheet import ScenarioAddresses, base_cell


class SingleCellsXl:
    """Renders expressions on a sheet of single cells (not periods across): inputs,
    parameters, constants and blanks as the model's sheets render them; each subclass
    says where a line is. Nothing there reads a lookup or a whole row or column."""

    def __init__(self, model: XlContext) -> None:
        self.model = model

    def line(self, key: str, prev: bool) -> str:
        raise NotImplementedError(key)

    def input(self, key: str) -> str:
        return self.model.input(key)

    def param(self, table: str, row: str, column: str) -> str:
        return self.model.param(table, row, column)

    def const(self, name: str) -> str:
        return self.model.const(name)

    def blank(self, node: Expr) -> str:
        return self.model.blank(node)

    def lookup(self, key: str) -> str:
        raise NotImplementedError(key)

    def line_range(self, key: str) -> str:
        raise NotImplementedError(key)

    def column_range(self, table: str, column: str, rows: int) -> str:
        raise NotImplementedError(column)


class XlRender:
    """Renders expressions for one calculation sheet, columns left as placeholders.

    Inputs that a scenario overrides are read from the Scenario layer, the rest
    straight from the input sheets."""

    def __init__(self, layout: Layout, addr: InputAddresses, scen: ScenarioAddresses,
                 sheet: str) -> None:
        self.layout = layout
        self.addr = addr
        self.scen = scen
        self.sheet = sheet

    def line(self, key: str, prev: bool) -> str:
        col = PREV if prev else CUR
        if key in ("month", "period"):
            return f"{col}${(ROW_MONTH if key == 'month' else ROW_PERIOD) + 1}"
        sheet, row = self.layout.rows[key]
        return f"{col}{row}" if sheet == self.sheet else f"{sheet}!{col}{row}"

    def line_range(self, key: str) -> str:
        """A line's whole row, from its opening column to the last month."""
        sheet, row = self.layout.rows[key]
        cols = self.layout.columns
        span = f"${cols[0]}${row}:${cols[-1]}${row}"
        return span if sheet == self.sheet else f"{sheet}!{span}"

    def column_range(self, table: str, column: str, rows: int) -> str:
        """A column of a table of rows (the Investments sheet), its first ``rows`` rows."""
        first, last = investment_cell(0, column), investment_cell(rows - 1, column)
        return f"{first}:{last.split('!')[1]}"

    def input(self, key: str) -> str:
        live = self.scen.of(Target(schema.INPUTS_SHEET, key, "value"))
        return live[2] if live else self.addr.inputs[key]

    def param(self, table: str, row: str, column: str) -> str:
        if table == schema.INVESTMENTS_SHEET:  # rows by their order: no scenario sets them
            return investment_cell(int(row), column)
        live = self.scen.of(Target(table, row, column))
        return live[2] if live else self.addr.params[(table, row, column)]

    def const(self, name: str) -> str:
        sheet, row = self.layout.rows[keys.constant(name)]
        return f"{sheet}!${xl_col_to_name(COL_TOTAL)}${row}"

    def blank(self, node: Expr) -> str:
        """A test that is TRUE when an optional input is blank (and not overridden)."""
        if isinstance(node, Input):
            target = Target(schema.INPUTS_SHEET, node.key, "value")
        else:
            assert isinstance(node, Param)
            target = Target(node.table, node.row, node.column)
        base = base_cell(target, self.addr)
        live = self.scen.of(target)
        return f"AND({live[0]}=0,ISBLANK({base}))" if live else f"ISBLANK({base})"

    def lookup(self, key: str) -> str:
        month_col = self.addr.schedule_columns["from_month"]
        a = self.addr
        months = (f"{schema.SCHEDULE_SHEET}!${month_col}${a.schedule_first_row}"
                  f":${month_col}${a.schedule_last_row}")
        base = f"INDEX({a.schedule_range(key)},MATCH({CUR}${ROW_MONTH + 1},{months},1),1)"
        # The later row wins from its month on, as in Assumptions.effective: test it first.
        out = base
        for active, start, value in self.scen.steps(Target(schema.SCHEDULE_SHEET, key, key)):
            out = f"IF(AND({active}=1,{CUR}${ROW_MONTH + 1}>={start}),{value},{out})"
        return out


def finite(value: float, where: str) -> float:
    if not math.isfinite(value):
        raise ModelValueError(f"{where} is {value}: the inputs make it overflow")
    return value
