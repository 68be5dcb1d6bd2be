"""Expression nodes that read a range of cells: a line some months back, and the rows of
a table dated this month. Like every node they render both the Python of the engine and
the formula of a cell (``model.core.expr``)."""

from __future__ import annotations

from dataclasses import dataclass

from model.core.expr import Expr, PyContext, XlContext


@dataclass(frozen=True, eq=False)
class Lagged(Expr):
    """A line ``months`` months before this one, or its opening column (month 0) when
    that is before the start: ``INDEX(row,1,MAX(1,period+1-months))`` over the row from
    its opening column. ``months`` is read from inputs; the spreadsheet's INDEX and
    Python both truncate it to a whole month."""

    key: str
    months: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.months,)

    def lagged_refs(self) -> set[str]:
        return {self.key} | super().lagged_refs()

    def py(self, c: PyContext) -> str:
        return f"_lag({c.history(self.key)},t,{self.months.py(c)})"

    def xl(self, c: XlContext) -> str:
        period = c.line("period", prev=False)
        return (f"INDEX({c.line_range(self.key)},1,"
                f"MAX(1,{period}+1-({self.months.xl(c)})))")


@dataclass(frozen=True, eq=False)
class SumInMonth(Expr):
    """The amounts of a table's rows dated this month (the Investments sheet): in Excel
    ``SUMPRODUCT((months=this month)*amounts)``, one short formula however many rows;
    in Python the same sum row by row (``by_row``)."""

    table: str
    month_column: str
    amount_column: str
    rows: int
    by_row: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.by_row,)

    def py(self, c: PyContext) -> str:
        return self.by_row.py(c)

    def xl(self, c: XlContext) -> str:
        months = c.column_range(self.table, self.month_column, self.rows)
        amounts = c.column_range(self.table, self.amount_column, self.rows)
        return f"SUMPRODUCT(({months}={c.line('month', prev=False)})*({amounts}))"
