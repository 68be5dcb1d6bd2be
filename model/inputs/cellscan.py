"""What a sheet's XML says of each cell, checked before openpyxl reads it.

openpyxl trusts the XML: it reads a number with Python's ``int`` (so Arabic-Indic or
full-width digits read as numbers, and ``NaN``, ``inf`` or ``0x10`` end in "invalid
literal for int()"), takes a shared string by index (so -1 reads the last string), and
files rows by their number (so a row numbered 0, beyond 1,048,576 or out of order is
dropped or misplaced). Each is refused here, naming the part, the sheet and the cell.
"""

from __future__ import annotations

import re
from typing import IO
from xml.parsers import expat

from model.errors import InputError, Problem
from model.inputs.names import shown

MAX_SHEET_ROWS = 1_048_576  # Excel's rows
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_INDEX = re.compile(r"\d+", re.ASCII)
_CELL = re.compile(r"[A-Z]{1,3}(\d+)", re.ASCII)


class _Scan:
    def __init__(self, strings: int) -> None:
        self.strings = strings
        self.row = 0  # the row being read
        self.ref = ""  # the cell being read
        self.kind = "n"
        self.text: list[str] | None = None  # the <v> being read

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "row":
            r = attrs.get("r")
            if r is None:
                self.row += 1
                return
            if not _INDEX.fullmatch(r) or not self.row < int(r) <= MAX_SHEET_ROWS:
                raise _Bad(f"row {shown(r, 20)}", "rows numbered 1 to 1,048,576, in order",
                           f"row number '{shown(r, 20)}' after row {self.row}")
            self.row = int(r)
            self.ref = ""
        elif local == "c":
            self.ref = attrs.get("r", "")
            self.kind = attrs.get("t", "n")
            cell = _CELL.fullmatch(self.ref)
            if self.ref and (cell is None or int(cell.group(1)) != self.row):
                raise _Bad(f"row {self.row}", f"cell references of row {self.row}",
                           f"a cell numbered '{shown(self.ref, 20)}'")
        elif local == "v":
            self.text = []

    def chars(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def end(self, name: str) -> None:
        if self.text is None or name.rpartition(" ")[2] != "v":
            return
        value, self.text = "".join(self.text).strip(), None
        if not value:  # <v></v>: a formula without a saved result, read as blank
            return
        where = self.ref or f"row {self.row}"
        if self.kind == "n" and not _NUMBER.fullmatch(value):
            raise _Bad(where, "a number written with the digits 0-9", f"'{shown(value, 40)}'")
        if self.kind == "s" and not (_INDEX.fullmatch(value) and int(value) < self.strings):
            raise _Bad(where, f"a shared-string index from 0 to {self.strings - 1}",
                       f"'{shown(value, 40)}'")


class _Bad(Exception):
    def __init__(self, where: str, expected: str, found: str) -> None:
        super().__init__(where)
        self.where, self.expected, self.found = where, expected, found


def check_cells(source: IO[bytes], strings: int, sheet: str, part: str) -> None:
    """Refuse (InputError naming ``sheet`` and the cell) a cell or row of ``part`` that
    openpyxl would misread; ``strings``: how many shared strings the workbook holds."""
    scan = _Scan(strings)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.CharacterDataHandler = scan.chars
    parser.buffer_text = True
    try:
        with source:
            parser.ParseFile(source)
    except _Bad as e:
        raise InputError("", [Problem(sheet, e.where, e.expected,
                                      f"{e.found} in the part {part}")]) from None
