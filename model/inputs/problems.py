"""Problems and single cells: what every input table's validation shares.

``Validator`` collects problems (each naming sheet, cell, what was expected and
what was found) and converts one cell to its field's kind. The sheet-level rules
live in ``validate``; the Scenarios and Distributions sheets reuse this too.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable

from model.errors import Problem
from model.inputs import schema, tables
from model.inputs.names import fold, near_miss, shown
from model.inputs.reader import ERROR_VALUES, RawTable, RawWorkbook
from model.inputs.schema import Field

SUM_TOLERANCE = 1e-6  # shares typed by hand must sum to 1 within this
MAX_AMOUNT = 1e300  # below a spreadsheet's largest number (about 1.8e308), room to add
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Excel's dates before 1900-03-01 are a day off (its 1900 is a leap year): a month from
# March 1900 on means the same in every engine.
FIRST_MONTH, LAST_YEAR = dt.date(1900, 3, 1), 9000


class _Bad:
    """Marks a value that failed; a problem was recorded for it."""


BAD = _Bad()


def describe(value: object) -> str:
    """How a cell's content is described to the user."""
    if value is None:
        return "a blank cell"
    if isinstance(value, bool):
        return f"the boolean {'TRUE' if value else 'FALSE'}"
    if isinstance(value, str):
        if value in ERROR_VALUES:
            return f"the error {value}"
        return f"the text '{shown(value, 40, name=False)}'"
    if isinstance(value, dt.datetime) and value.time() != dt.time(0):
        return f"the date and time {value:%Y-%m-%d %H:%M:%S}"
    if isinstance(value, dt.datetime | dt.date):
        return f"the date {value:%Y-%m-%d}"
    if isinstance(value, float) and not math.isfinite(value):
        return f"the number {value}"
    if isinstance(value, int) and abs(value) >= 10**16:  # beyond a float's whole numbers
        return f"a whole number of about {int(value.bit_length() * math.log10(2)) + 1} digits"
    if isinstance(value, int | float):
        return f"the number {value:g}"
    return f"a {type(value).__name__}"


_EXPECTED = {
    "month": f"a date on the first day of a month, from March 1900 to December {LAST_YEAR}",
    "usd": "an amount in USD",
    "rate": "a number (a fraction: 0.2 means 20 %)",
    "count": "a number",
    "months": "a whole number",
    "year": "a calendar year (a whole number)",
    "bool": "TRUE or FALSE",
    "party": "the key of a party on the Parties sheet",
    "key": "a key of lower-case letters, digits and _ (starting with a letter)",
    "text": "text",
}


class Validator:
    """Collects problems, and reads single cells as the kind their field declares."""

    def __init__(self, raw: RawWorkbook) -> None:
        self.raw = raw
        self.problems: list[Problem] = []
        self.input_cells: dict[str, str] = {}  # Inputs key -> the cell of its value
        self.party_keys: list[str] = []  # every party key on the Parties sheet
        self.notes: list[str] = []  # for the build summary: what an older workbook lacks
        self.sources: dict[tuple[str, str, str], str] = {}  # Inputs rows' own sources

    def problem(self, sheet: str | None, cell: str | None, expected: str, found: str = "",
                key: str | None = None) -> None:
        self.problems.append(Problem(sheet, cell, expected, found, key))

    def input_value(self, table: RawTable, excel_row: int, values: list[object],
                    f: Field) -> object:
        """An Inputs row's value (its value column read as the field), and its source
        column when it says something of its own (such as that `finmodel calibrate` moved
        the value), kept through a rebuild."""
        source = table.value(values, "source") if "source" in table.header else None
        if isinstance(source, str) and source.strip() and source != f.source:
            self.sources[(schema.INPUTS_SHEET, f.key, "value")] = source
        moved = Field(**{**f.__dict__, "key": "value"})
        return self.convert(table, excel_row, values, moved, key=f.key)

    # ---------------------------------------------------------------- cells

    def convert(self, table: RawTable, excel_row: int, values: list[object], f: Field,
                key: str | None = None) -> object:
        """One cell as the field's kind, or BAD after recording a problem."""
        value = table.value(values, f.key)
        cell = table.cell(excel_row, f.key)
        label = key or f.key
        expected = _EXPECTED[f.kind]
        if f.bounds_text():
            expected += f" {f.bounds_text()}"
        if value is None:
            if cell in table.formulas:
                self.problem(table.sheet, cell, expected,
                             "a formula with no saved result (open and save the file in "
                             "Excel, or type the value)", label)
                return BAD
            if f.required:
                self.problem(table.sheet, cell, expected, "a blank cell", label)
                return BAD
            return None
        result = self._convert(value, f)
        if result is BAD:
            self.problem(table.sheet, cell, expected, describe(value), label)
        return result

    def _convert(self, value: object, f: Field) -> object:
        if isinstance(value, str) and value in ERROR_VALUES:
            return BAD
        kind = f.kind
        if kind == "month":
            if not isinstance(value, dt.date):
                return BAD
            d = value.date() if isinstance(value, dt.datetime) else value
            if d.day != 1 or d < FIRST_MONTH or d.year > LAST_YEAR:
                return BAD
            if isinstance(value, dt.datetime) and value.time() != dt.time(0):
                return BAD
            return d
        if kind == "bool":
            return value if isinstance(value, bool) else BAD
        if kind in ("text",):
            return value if isinstance(value, str) else str(value)
        if kind in ("key", "party"):
            if not isinstance(value, str) or not KEY_PATTERN.match(value):
                return BAD
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return BAD
        try:
            number = float(value)
        except OverflowError:  # a whole number of hundreds of digits
            return BAD
        if not math.isfinite(number):
            return BAD
        if kind in ("months", "year") and number != int(number):
            return BAD
        if f.lo is not None and (number < f.lo or (f.lo_open and number == f.lo)):
            return BAD
        if f.hi is not None and number > f.hi:
            return BAD
        return int(number) if kind in ("months", "year") else number

    # ---------------------------------------------------------------- sheets

    def mistyped(self, sheet: str, cell: str, key: object, known: Iterable[str],
                 seen: dict[str, str]) -> bool:
        """True, after saying so, if ``key`` is a near miss of a known key (which counts
        as ``seen``, so that it is not also reported missing)."""
        if not isinstance(key, str) or key in known:
            return False
        meant = near_miss(key, known) or next(iter(difflib.get_close_matches(
            fold(key), list(known), n=1, cutoff=0.9)), None)  # 'discount_rat'
        if meant is None:
            return False
        self.problem(sheet, cell, f"a key of the {sheet} sheet",
                     f"'{shown(str(key))}' (did you mean '{meant}'?)", meant)
        seen.setdefault(meant, cell)
        return True

    def sheet_names_and_headings(self) -> None:
        """A sheet named nearly as one the model reads ('scenarios'), which it would
        ignore; a column heading met twice on a sheet, of which the first would win."""
        raw = self.raw
        known = (*schema.SHEETS, *schema.OPTIONAL_SHEETS)
        for name in raw.sheet_names:
            meant = near_miss(name, known)
            if meant is not None and (meant in schema.OPTIONAL_SHEETS or meant in raw.tables):
                self.problem(name, None, f"the sheet named '{meant}'",
                             f"a sheet named '{shown(name)}' (did you mean '{meant}'?)")
        for sheet in raw.tables.values():
            for cell, text, first in sheet.repeated:
                self.problem(sheet.sheet, cell, f"each column heading once ('{text}' is "
                             f"first at {first})", f"'{text}' again")

    def table(self, name: str, required: tuple[str, ...]) -> RawTable | None:
        table = self.raw.tables.get(name)
        if table is None:
            meant = near_miss(name, self.raw.sheet_names)
            self.problem(name, None, f"a sheet named {name}", "no such sheet" + (
                f", but one named '{shown(meant)}' (did you mean '{name}'?)" if meant else ""))
            return None
        missing = [k for k in required if k not in table.header]
        for k in missing:
            typed = near_miss(k, table.header)
            self.problem(name, table.cell(1, typed) if typed else "row 1",
                         f"a column headed '{k}'", f"'{shown(typed)}' (did you mean '{k}'?)"
                         if typed else "no such column")
        for heading in table.header:  # 'API_growth' beside 'api_growth': one is ignored
            twin = near_miss(heading, required)
            if twin is not None and twin in table.header:
                self.problem(name, table.cell(1, heading), f"each column heading once "
                             f"('{twin}' is at {table.cell(1, twin)})", f"'{shown(heading)}', the "
                             "same but for case, spaces or look-alike letters")
        return None if missing else table


# The tables whose cells the model addresses by (sheet, row, column); the Streams and
# Costs rows keep their own cell (Stream.cell), the Inputs keys come from input_cells.
_ADDRESSED = (schema.SCHEDULE_SHEET, schema.PARTIES_SHEET, schema.TIERS_SHEET,
              schema.SCENARIOS_SHEET)


def cells_read(raw: RawWorkbook, input_cells: dict[str, str]) -> dict[tuple[str, str, str], str]:
    """Where each input was read: (sheet, row key, column) -> cell (see Assumptions.cells)."""
    out = {(schema.INPUTS_SHEET, k, "value"): c for k, c in input_cells.items()}
    row_keys = {t.sheet: None if t.by_position else t.row_key for t in tables.TABLES
                if t.sheet in _ADDRESSED}
    for sheet, key_column in row_keys.items():
        table = raw.tables.get(sheet)
        if table is None or (key_column is not None and key_column not in table.header):
            continue
        for i, (excel_row, values) in enumerate(table.rows):
            value = i if key_column is None else table.value(values, key_column)
            row = str(int(value) if isinstance(value, float) and value.is_integer() else value)
            for column in table.header:
                out[(sheet, row, column)] = table.cell(excel_row, column)
    return out


def end_year(inputs: dict[str, object]) -> int | None:
    """The calendar year of the last modelled month, if the inputs are good."""
    start, horizon = inputs.get("start_month"), inputs.get("horizon_months")
    if not isinstance(start, dt.date) or not isinstance(horizon, int):
        return None
    end = (start.year * 12 + start.month - 1 + horizon - 1) // 12
    return end if end <= LAST_YEAR else None  # else cross_checks reports the horizon


def month_before(d: dt.date) -> dt.date:
    return dt.date(d.year - 1, 12, 1) if d.month == 1 else dt.date(d.year, d.month - 1, 1)


def cap_overflows(cap: float | None, growth: float | None, first_year: int | None,
                   end_year: int) -> bool:
    """True if cap x (1 + growth)^(years of growth) exceeds MAX_AMOUNT by end_year."""
    if cap is None or not growth or first_year is None:
        return False
    years = max(0, end_year - first_year + 1)
    return math.log10(max(cap, 1.0)) + years * math.log10(1 + growth) > math.log10(MAX_AMOUNT)
