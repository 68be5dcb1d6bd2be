"""What a line item is: a key, a label, a format, a kind and one expression, in a section
of a calculation sheet. The line items themselves are in ``lines`` and ``pnl``.

A line's kind says what it is over time, and everything that rolls months up follows
from it (the Annual, Quarterly and Fiscal sheets, the totals column, the corkscrew
checks of the Checks sheet):

- ``FLOW``: an amount per month; totalled over the horizon and summed over a period.
- ``BALANCE``: an amount (or count) at a month's end; a period shows its last month. A
  balance that accumulates one flow names it (``movement``): opening + the flow summed
  = closing is then checked on the Checks sheet.
- ``RATE``, ``FLAG``, ``DATE``: a rate or factor, a 0/1 flag, a month or counter; not
  rolled up (a check flag is totalled: the months in which it fails).
- ``WORKING``: an amount that is a step of one month's calculation (profit reaching a
  tier, a cap in force, a price): shown monthly, not rolled up.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from model.core.expr import Expr

REVENUE = "Revenue"
WATERFALL = "Waterfall"
CASH = "Cash"
CHECKS = "Checks"

SAME = "same"  # opening column holds the line's own formula, for the month before start

FLOW, BALANCE, RATE, FLAG, DATE, WORKING = "flow", "balance", "rate", "flag", "date", "working"
KINDS = (FLOW, BALANCE, RATE, FLAG, DATE, WORKING)
AMOUNTS = ("usd", "usd_k")  # the formats of an amount in dollars


def _kind_of(fmt: str, total: bool) -> str:
    """The kind a line has when its definition does not say: from its format."""
    if fmt in AMOUNTS:
        return FLOW if total else WORKING
    return {"rate": RATE, "factor": RATE, "flag": FLAG, "date": DATE, "int": DATE}.get(
        fmt, WORKING)


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    fmt: str  # usd, usd_k (a small amount), rate, count, date, flag, int
    expr: Expr
    opening: Expr | str | None = None  # None: blank; SAME: the period formula
    total: bool = False  # flows (and checks) get a total in the totals column
    sheet: str = ""
    # A working line (a tier's intermediate amounts): folded on the calculation sheet, so
    # that a year prints on one page; + shows it.
    detail: bool = False
    kind: str = ""  # one of KINDS; blank: from the format (see _kind_of)
    movement: str | None = None  # a BALANCE that accumulates this FLOW's key

    def __post_init__(self) -> None:
        if not self.kind:
            object.__setattr__(self, "kind", _kind_of(self.fmt, self.total))
        if self.kind not in KINDS:
            raise ValueError(f"line {self.key}: kind {self.kind!r} is not one of {KINDS}")
        if (self.kind == FLOW) != (self.total and self.fmt in AMOUNTS):
            raise ValueError(f"line {self.key}: a flow, and only a flow amount, is totalled")

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


def balance(key: str, label: str, expr: Expr, opening: Expr | str | None = None,
            fmt: str = "usd", movement: str | None = None) -> Line:
    """An amount (or count) at a month's end: a period shows its last month's. With
    ``movement``, the flow it accumulates (the Checks sheet checks the corkscrew)."""
    return Line(key, label, fmt, expr, opening, kind=BALANCE, movement=movement)


def usd(key: str, label: str, expr: Expr, opening: Expr | str | None = None) -> Line:
    """An amount that is a step of one month's calculation: neither totalled nor a
    balance (``balance`` makes one of those)."""
    return Line(key, label, "usd", expr, opening)
