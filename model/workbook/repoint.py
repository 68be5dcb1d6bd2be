"""Re-point a formula's references to the model's own sheets after a rebuild.

A rebuild may move every line and month: another horizon or start month moves the
columns, another party or stream moves the rows. A recipient's formula such as
``=Waterfall!DU69`` meant "Microsoft's cumulative receipts in March 2034", so each
reference is read as (sheet, row anchor, column anchor) in the returned file and
written where that anchor sits in the new model:

- a row is anchored by what its column A holds (a line key on the calculation and
  rollup sheets, an input key or a date on the input sheets, a headline's label on
  the Dashboard), counted when the same text repeats; a row whose column A is empty
  keeps its number;
- on a sheet with periods across (a row whose column A says ``month`` or ``period``),
  a column from E on is anchored by its month or period (``2025``, ``2025 Q1``,
  ``FY2026``; a rollup's "(9 months)" is ignored); every other column keeps its letter.

References are found with openpyxl's formula tokenizer, never by searching the text.
A reference that cannot be re-pointed raises :class:`Unpointable` with the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils.cell import column_index_from_string, get_column_letter

from model.errors import FinmodelError

FIRST_PERIOD_COL = 5  # column E (1-based): the opening column, then the months or periods
PERIOD_KEYS = ("month", "period")
HEADER_ROWS = 12  # the period row is among the first rows
EXCEL_EPOCH = dt.date(1899, 12, 30)

_PART = r"\$?[A-Za-z]{1,3}\$?\d+|\$?[A-Za-z]{1,3}|\$?\d+"
_REF = re.compile(rf"^(?:(?P<sheet>'(?:[^']|'')+'|[^'!]+)!)?(?P<first>{_PART})"
                  rf"(?::(?P<last>{_PART}))?$")
_CELL = re.compile(r"^(\$?)([A-Za-z]{1,3})?(\$?)(\d+)?$")
_PARTIAL = re.compile(r" \(\d+ months?\)$")

Anchor = tuple[object, ...]


class Unpointable(FinmodelError, ValueError):
    """A reference that has no place in the rebuilt model; the message says why."""


@dataclass
class Axes:
    """One sheet's row and column anchors."""

    row_anchor: dict[int, Anchor] = field(default_factory=dict)
    col_anchor: dict[int, Anchor] = field(default_factory=dict)
    row_of: dict[Anchor, int] = field(default_factory=dict)
    col_of: dict[Anchor, int] = field(default_factory=dict)

    def anchor_row(self, r: int) -> Anchor:
        return self.row_anchor.get(r, ("row", r))

    def anchor_col(self, c: int) -> Anchor:
        return self.col_anchor.get(c, ("col", c))


def axes(column_a: dict[int, object], rows: dict[int, dict[int, object]],
         first_month: dt.date | None = None, last_col: int = 0) -> Axes:
    """A sheet's anchors from its column A (row -> value) and its first rows
    (row -> column -> value), both 1-based, values as stored (dates as serials).
    A month row whose cells hold no saved value (a file saved by a program that does
    not calculate) takes its months from ``first_month``, the first modelled month as
    built, through ``last_col``."""
    ax = Axes()
    seen: dict[object, int] = {}
    for r in sorted(column_a):
        key = _norm(column_a[r])
        if key is None:
            continue
        seen[key] = seen.get(key, 0) + 1
        anchor = ("key", key, seen[key])
        ax.row_anchor[r] = anchor
        ax.row_of[anchor] = r
    period_row = next((r for r in sorted(rows) if r <= HEADER_ROWS
                       and _norm(column_a.get(r)) in PERIOD_KEYS), None)
    if period_row is not None:
        found = dict(rows[period_row])
        if _norm(column_a.get(period_row)) == "month" and first_month is not None:
            for c in range(FIRST_PERIOD_COL, last_col + 1):
                if _period(found.get(c)) is None:
                    found[c] = _serial(_add_months(first_month, c - FIRST_PERIOD_COL - 1))
        for c, v in sorted(found.items()):
            label = _period(v)
            if c >= FIRST_PERIOD_COL and label is not None:
                ax.col_anchor[c] = ("period", label)
                ax.col_of.setdefault(("period", label), c)
    return ax


def _norm(v: object) -> object:
    if isinstance(v, str):
        return v.strip() or None
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return round(float(v), 9)
    if isinstance(v, dt.datetime | dt.date):
        return _serial(v.date() if isinstance(v, dt.datetime) else v)
    return None


def _add_months(d: dt.date, n: int) -> dt.date:
    m = d.year * 12 + d.month - 1 + n
    return dt.date(m // 12, m % 12 + 1, 1)


def _serial(d: dt.date) -> float:
    return float((d - EXCEL_EPOCH).days)


def _period(v: object) -> str | None:
    """A month as YYYY-MM, or a period's label without its count of months."""
    n = _norm(v)
    if isinstance(n, float) and not isinstance(n, bool) and 0 < n < 2_958_466:
        d = EXCEL_EPOCH + dt.timedelta(days=int(n))
        return f"{d:%Y-%m}"
    if isinstance(n, str):
        return _PARTIAL.sub("", n)
    return None


def describe(anchor: Anchor) -> str:
    kind = anchor[0]
    if kind == "key":
        return f"the row '{anchor[1]}'" + (f" (its {anchor[2]}th)" if anchor[2] != 1 else "")
    if kind == "period":
        text = str(anchor[1])
        return f"the month {text}" if len(text) == 7 and text[4] == "-" else f"the period {text}"
    return f"{kind} {anchor[1]}"


class Repointer:
    """Rewrites formulas of a returned model for the rebuilt one.

    ``old`` and ``new`` hold the anchors of every model sheet in the returned file and in
    the rebuilt model; ``kept`` are the sheets carried as they are (their references do
    not move); ``names`` the defined names the rebuilt model has."""

    def __init__(self, old: dict[str, Axes], new: dict[str, Axes], kept: Iterable[str],
                 names: Iterable[str] = ()) -> None:
        self.old, self.new = old, new
        self.kept = {s.upper() for s in kept}
        self.names = {n.upper() for n in names}

    def formula(self, text: str, own_sheet: str) -> tuple[str, int]:
        """The formula for the rebuilt model, and how many references moved."""
        try:
            tok = Tokenizer(text)
        except Exception as e:  # openpyxl's TokenizerError, and what a damaged text raises
            raise Unpointable(f"its formula cannot be read ({e})") from None
        moved = 0
        for item in tok.items:
            if item.type == Token.OPERAND and item.subtype == Token.RANGE:
                new = self._reference(item.value, own_sheet)
                moved += new != item.value
                item.value = new
        return "=" + "".join(item.value for item in tok.items), moved

    def _reference(self, ref: str, own: str) -> str:
        m = _REF.match(ref)
        if m is None:
            if "!" in ref:
                raise Unpointable(f"{ref} is a reference to another file or to several "
                                  "sheets at once")
            if ref.upper() not in self.names:
                raise Unpointable(f"the name {ref} is not defined in the rebuilt model")
            return ref
        sheet_text = m.group("sheet")
        sheet = own if sheet_text is None else _unquote(sheet_text)
        if sheet.startswith("["):
            raise Unpointable(f"{ref} is a link to another file")
        if sheet.upper() in self.kept:
            return ref
        old = _lookup(self.old, sheet)
        new = _lookup(self.new, sheet)
        if old is None:
            raise Unpointable(f"{ref}: the returned file has no sheet {sheet}")
        if new is None:
            raise Unpointable(f"{ref}: the rebuilt model has no sheet {sheet}")
        parts = [self._part(p, old, new, sheet) for p in (m.group("first"), m.group("last"))
                 if p is not None]
        prefix = "" if sheet_text is None else sheet_text + "!"
        return prefix + ":".join(parts)

    def _part(self, part: str, old: Axes, new: Axes, sheet: str) -> str:
        m = _CELL.match(part)
        assert m is not None  # _REF matched it
        col_abs, letters, row_abs, digits = m.groups()
        out = ""
        if letters:
            c = column_index_from_string(letters.upper())
            anchor = old.anchor_col(c)
            nc = new.col_of.get(anchor, c if anchor[0] == "col" else None)
            if nc is None:
                raise Unpointable(f"{sheet}!{part}: {describe(anchor)} is outside the "
                                  f"rebuilt model's {sheet} sheet")
            out += col_abs + get_column_letter(nc)
        if digits:
            r = int(digits)
            anchor = old.anchor_row(r)
            nr = new.row_of.get(anchor, r if anchor[0] == "row" else None)
            if nr is None:
                raise Unpointable(f"{sheet}!{part}: {describe(anchor)} is not on the "
                                  f"rebuilt model's {sheet} sheet")
            out += row_abs + str(nr)
        return out


def _lookup(table: dict[str, Axes], sheet: str) -> Axes | None:
    up = sheet.upper()
    return next((ax for name, ax in table.items() if name.upper() == up), None)


def _unquote(sheet: str) -> str:
    if sheet.startswith("'") and sheet.endswith("'"):
        return sheet[1:-1].replace("''", "'")
    return sheet
