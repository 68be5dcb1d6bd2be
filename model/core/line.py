"""What a line item is: a key, a label, a format and one expression, in a section of a
calculation sheet. The line items themselves are in ``lines`` and ``pnl``."""

from __future__ import annotations

from dataclasses import dataclass, replace

from model.core.expr import Expr

REVENUE = "Revenue"
WATERFALL = "Waterfall"
CHECKS = "Checks"

SAME = "same"  # opening column holds the line's own formula, for the month before start


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    fmt: str  # usd, usd_k (a small amount), rate, count, date, flag, int
    expr: Expr
    opening: Expr | str | None = None  # None: blank; SAME: the period formula
    total: bool = False  # flows get a total in the totals column
    sheet: str = ""
    # A working line (a tier's intermediate amounts): folded on the calculation sheet, so
    # that a year prints on one page; + shows it.
    detail: bool = False

    # The unit the reader sees follows from the number format: model/workbook/styles.unit.


@dataclass(frozen=True)
class Section:
    sheet: str
    title: str
    lines: tuple[Line, ...]


def section(sheet: str, title: str, *lines: Line) -> Section:
    return Section(sheet, title, tuple(replace(ln, sheet=sheet) for ln in lines))


def detail(ln: Line) -> Line:
    """The line as a working line, folded on its sheet (see ``Line.detail``)."""
    return replace(ln, detail=True)


def flow(key: str, label: str, expr: Expr, opening: Expr | str | None = None) -> Line:
    """An amount per month, totalled over the horizon."""
    return Line(key, label, "usd", expr, opening, total=True)


def usd(key: str, label: str, expr: Expr, opening: Expr | str | None = None) -> Line:
    """An amount at a month's end (a balance), not totalled."""
    return Line(key, label, "usd", expr, opening)
