"""Expressions that give both a Python value and an Excel formula.

A line item is written once, as a small tree of these nodes. The tree renders:

- ``py(ctx)``: Python source for one month of the line, compiled by the engine
  into a step function over floats (one run) or numpy arrays (many draws);
- ``xl(ctx)``: the Excel formula for one cell, with the column left as a
  placeholder so the writer renders each row once and fills in the columns.

Only the node types below exist, so a function outside the whitelist, or a
number other than 0, 1 and 12 typed into a formula, cannot be written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from model import keys

# Column placeholders in rendered formulas: this period's column, and the one before.
CUR = "\x00"
PREV = "\x01"

ALLOWED_NUMBERS = (0, 1, 12)

# Excel operator precedence, low to high. Functions and references are atoms.
_P_CMP, _P_ADD, _P_MUL, _P_POW, _P_ATOM = 1, 3, 4, 5, 9


class PyContext(Protocol):
    vector: bool

    def line(self, key: str, prev: bool) -> str: ...
    def input(self, key: str) -> str: ...
    def param(self, table: str, row: str, column: str) -> str: ...
    def const(self, name: str) -> str: ...
    def timeline(self, name: str) -> str: ...
    def is_blank(self, node: Expr) -> bool: ...
    def history(self, key: str) -> str: ...


class XlContext(Protocol):
    def line(self, key: str, prev: bool) -> str: ...
    def input(self, key: str) -> str: ...
    def param(self, table: str, row: str, column: str) -> str: ...
    def const(self, name: str) -> str: ...
    def lookup(self, key: str) -> str: ...
    def blank(self, node: Expr) -> str: ...
    def line_range(self, key: str) -> str: ...
    def column_range(self, table: str, column: str, rows: int) -> str: ...


class Expr:
    """Base of all nodes. Arithmetic operators build new nodes."""

    prec = _P_ATOM

    def py(self, c: PyContext) -> str:
        raise NotImplementedError

    def xl(self, c: XlContext) -> str:
        raise NotImplementedError

    def same_period_refs(self) -> set[str]:
        """Keys of lines this expression reads in the same month."""
        out: set[str] = set()
        for child in self.children():
            out |= child.same_period_refs()
        return out

    def children(self) -> tuple[Expr, ...]:
        return ()

    def lagged_refs(self) -> set[str]:
        """Keys of lines this expression reads some months back (``Lagged``)."""
        out: set[str] = set()
        for child in self.children():
            out |= child.lagged_refs()
        return out

    def __add__(self, o: Operand) -> Expr:
        return Bin("+", self, lift(o))

    def __radd__(self, o: Operand) -> Expr:
        return Bin("+", lift(o), self)

    def __sub__(self, o: Operand) -> Expr:
        return Bin("-", self, lift(o))

    def __rsub__(self, o: Operand) -> Expr:
        return Bin("-", lift(o), self)

    def __mul__(self, o: Operand) -> Expr:
        return Bin("*", self, lift(o))

    def __rmul__(self, o: Operand) -> Expr:
        return Bin("*", lift(o), self)

    def __truediv__(self, o: Operand) -> Expr:
        return Bin("/", self, lift(o))

    def __rtruediv__(self, o: Operand) -> Expr:
        return Bin("/", lift(o), self)

    def __pow__(self, o: Operand) -> Expr:
        return Bin("^", self, lift(o))


Operand = Expr | int


def lift(o: Operand) -> Expr:
    return o if isinstance(o, Expr) else Num(o)


@dataclass(frozen=True, eq=False)
class Num(Expr):
    n: int

    def __post_init__(self) -> None:
        if self.n not in ALLOWED_NUMBERS:
            raise ValueError(f"only {ALLOWED_NUMBERS} may be typed into a formula, not {self.n}")

    def py(self, c: PyContext) -> str:
        return f"{float(self.n)!r}"

    def xl(self, c: XlContext) -> str:
        return str(self.n)


@dataclass(frozen=True, eq=False)
class Input(Expr):
    """A scalar of the Inputs sheet."""

    key: str

    def py(self, c: PyContext) -> str:
        return c.input(self.key)

    def xl(self, c: XlContext) -> str:
        return c.input(self.key)


@dataclass(frozen=True, eq=False)
class Param(Expr):
    """A cell of the Parties or Tiers sheet: (table, row key, column key)."""

    table: str
    row: str
    column: str

    def py(self, c: PyContext) -> str:
        return c.param(self.table, self.row, self.column)

    def xl(self, c: XlContext) -> str:
        return c.param(self.table, self.row, self.column)


@dataclass(frozen=True, eq=False)
class Const(Expr):
    """A model constant shown on the Checks sheet, such as a tolerance."""

    name: str

    def py(self, c: PyContext) -> str:
        return c.const(self.name)

    def xl(self, c: XlContext) -> str:
        return c.const(self.name)


@dataclass(frozen=True, eq=False)
class Ref(Expr):
    """Another line, this month."""

    key: str

    def py(self, c: PyContext) -> str:
        return c.line(self.key, prev=False)

    def xl(self, c: XlContext) -> str:
        return c.line(self.key, prev=False)

    def same_period_refs(self) -> set[str]:
        return {self.key}


@dataclass(frozen=True, eq=False)
class Prev(Expr):
    """A line in the month before: the corkscrew's opening balance."""

    key: str

    def py(self, c: PyContext) -> str:
        return c.line(self.key, prev=True)

    def xl(self, c: XlContext) -> str:
        return c.line(self.key, prev=True)


@dataclass(frozen=True, eq=False)
class Lookup(Expr):
    """The Schedule value in force in this month."""

    key: str

    def py(self, c: PyContext) -> str:
        return c.timeline(keys.schedule_source(self.key))

    def xl(self, c: XlContext) -> str:
        return c.lookup(self.key)


@dataclass(frozen=True, eq=False)
class MonthBefore(Expr):
    """The first day of the month before a date input: the opening column's date."""

    key: str

    def py(self, c: PyContext) -> str:
        return c.timeline("month")

    def xl(self, c: XlContext) -> str:
        cell = c.input(self.key)
        return f"DATE(YEAR({cell}),MONTH({cell})-1,1)"


@dataclass(frozen=True, eq=False)
class NextMonth(Expr):
    """The first day of the month after the previous period's date."""

    key: str

    def py(self, c: PyContext) -> str:
        return c.timeline("month")

    def xl(self, c: XlContext) -> str:
        cell = c.line(self.key, prev=True)
        return f"DATE(YEAR({cell}),MONTH({cell})+1,1)"


@dataclass(frozen=True, eq=False)
class LastMonth(Expr):
    """The first day of the last modelled month: start_month + horizon_months - 1."""

    def py(self, c: PyContext) -> str:
        return c.timeline("last")

    def xl(self, c: XlContext) -> str:
        start, n = c.input("start_month"), c.input("horizon_months")
        return f"DATE(YEAR({start}),MONTH({start})+{n}-1,1)"


@dataclass(frozen=True, eq=False)
class Year(Expr):
    """The calendar year of this month."""

    def py(self, c: PyContext) -> str:
        return c.timeline("year")

    def xl(self, c: XlContext) -> str:
        return f"YEAR({c.line('month', prev=False)})"


@dataclass(frozen=True, eq=False)
class Bin(Expr):
    op: str
    a: Expr
    b: Expr

    _PREC = {"+": _P_ADD, "-": _P_ADD, "*": _P_MUL, "/": _P_MUL, "^": _P_POW}

    @property
    def prec(self) -> int:  # type: ignore[override]  # a field of Expr, computed here
        return self._PREC[self.op]

    def children(self) -> tuple[Expr, ...]:
        return (self.a, self.b)

    def py(self, c: PyContext) -> str:
        op = "**" if self.op == "^" else self.op
        return f"({self.a.py(c)}{op}{self.b.py(c)})"

    def xl(self, c: XlContext) -> str:
        left = self.a.xl(c)
        if self.a.prec < self.prec:
            left = f"({left})"
        right = self.b.xl(c)
        # Brackets on a right operand of equal precedence even where algebra would not
        # need them (a+(b-c)): spreadsheets then add in the same order as Python does,
        # so floating-point results agree to the last bit.
        if self.b.prec <= self.prec:
            right = f"({right})"
        return f"{left}{self.op}{right}"


@dataclass(frozen=True, eq=False)
class Cmp(Expr):
    """A comparison that gives 1 or 0, for flags."""

    op: str  # ">=" or ">"
    a: Expr
    b: Expr
    prec = _P_ATOM  # rendered in brackets, so it multiplies like a number

    def children(self) -> tuple[Expr, ...]:
        return (self.a, self.b)

    def py(self, c: PyContext) -> str:
        if not c.vector:  # inline: a function call per cell is most of a flag's cost
            return f"(1.0 if {self.a.py(c)}{self.op}{self.b.py(c)} else 0.0)"
        fn = "_ge" if self.op == ">=" else "_gt"
        return f"{fn}({self.a.py(c)},{self.b.py(c)})"

    def xl(self, c: XlContext) -> str:
        # The leading -- of Excel would be a unary minus; multiply by 1 instead.
        return f"(({self.a.xl(c)}{self.op}{self.b.xl(c)})*1)"


@dataclass(frozen=True, eq=False)
class Fn(Expr):
    """MIN, MAX or ABS."""

    name: str
    args: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.args

    def py(self, c: PyContext) -> str:
        return f"_{self.name.lower()}({','.join(a.py(c) for a in self.args)})"

    def xl(self, c: XlContext) -> str:
        return f"{self.name}({','.join(a.xl(c) for a in self.args)})"


def Min(*args: Operand) -> Expr:
    return Fn("MIN", tuple(lift(a) for a in args))


def Max(*args: Operand) -> Expr:
    return Fn("MAX", tuple(lift(a) for a in args))


def Abs(a: Operand) -> Expr:
    return Fn("ABS", (lift(a),))


@dataclass(frozen=True, eq=False)
class Add(Expr):
    """a+b+c+..., added left to right as a spreadsheet does, in one flat node: its
    Python and its formula nest no deeper however many terms it has."""

    terms: tuple[Expr, ...]
    prec = _P_ADD

    def children(self) -> tuple[Expr, ...]:
        return self.terms

    def py(self, c: PyContext) -> str:
        parts = [t.py(c) for t in self.terms]
        if len(parts) > LONG_SUM:  # a long a+b+c+... would overflow the compiler's stack
            return f"_sum({','.join(parts)})"
        return f"({'+'.join(parts)})"

    def xl(self, c: XlContext) -> str:
        # The same brackets as a chain of Bin("+"): none on the left, and a right
        # operand of equal precedence bracketed.
        first, *rest = self.terms
        out = [f"({first.xl(c)})" if first.prec < _P_ADD else first.xl(c)]
        out += [f"({t.xl(c)})" if t.prec <= _P_ADD else t.xl(c) for t in rest]
        return "+".join(out)


LONG_SUM = 32  # terms above which the Python is a call of _sum (left to right too)


def Sum(*args: Operand) -> Expr:
    """A plain a+b+c, not a range SUM: the terms are scattered cells."""
    items = [lift(a) for a in args]
    if not items:
        return Num(0)
    return items[0] if len(items) == 1 else Add(tuple(items))


@dataclass(frozen=True, eq=False)
class IfBlank(Expr):
    """``then`` when an optional input cell is blank, else ``other``.

    In Python the choice is made once, when the step function is compiled,
    because blankness is an input fact, the same in every month and draw.
    """

    cell: Input | Param
    then: Expr
    other: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.then, self.other)

    def py(self, c: PyContext) -> str:
        return self.then.py(c) if c.is_blank(self.cell) else self.other.py(c)

    def xl(self, c: XlContext) -> str:
        return f"IF({c.blank(self.cell)},{self.then.xl(c)},{self.other.xl(c)})"

    def same_period_refs(self) -> set[str]:
        return self.then.same_period_refs() | self.other.same_period_refs()


def growth(key: str) -> Expr:
    """The monthly growth factor (1+g)^(1/12) of an annual Schedule rate."""
    return (1 + Ref(keys.schedule_line(key))) ** (Num(1) / 12)
