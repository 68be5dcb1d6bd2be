"""What openpyxl may parse of an untrusted workbook, and at what cost.

openpyxl is handed the parts an assumptions workbook needs (the input sheets, shared
strings, styles, the workbook part and its relationships, the document properties) and
nothing else: the other sheets of a model workbook, charts and chart sheets are never
parsed. Each part it opens is checked first against the limit of its kind, on the size
and element count ``ziplimits`` measured while inflating it, so the time and memory of a
read are bounded by the limits below whatever the XML holds (measured in
``tests/test_bad_inputs.py``). The limits are far above what the model's own workbooks
hold: a 1,200-month model has 2,000 elements of shared strings and 110 of styles, the
largest input sheet, a Schedule of 1,500 rows (the row limit) with the columns of the
most streams and costs (46), about 140,000 elements.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from dataclasses import dataclass
from typing import IO, Any
from xml.parsers import expat

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml.constants import ARC_STYLE, SHARED_STRINGS

from model.errors import InputError, Problem
from model.inputs import schema
from model.inputs.cellscan import check_cells
from model.inputs.ziplimits import Part


@dataclass(frozen=True)
class Limit:
    what: str  # the kind of part, as the message names it
    size: int  # bytes, inflated
    elements: int  # XML elements (start tags)
    together: int = 0  # elements of all parts of the kind together (0: one part only)
    plural: str = ""  # the parts of the kind together, as the message names them


KB, MB = 2**10, 2**20
MAX_ROWS = 1500  # rows of an input table below its header (model/inputs/reader.py)
# The largest input sheet the schema allows: a Schedule of MAX_ROWS rows with the columns
# of the most streams and costs, a <c> and a <v> a cell and a <row> a row (139,745
# elements, measured), with a tenth to spare; all input sheets together, 20,000 more.
_SCHEDULE_COLUMNS = (1 + len(schema.SCHEDULE_FIELDS) + 2 * schema.MAX_STREAMS
                     + schema.MAX_COSTS)
_LARGEST_SHEET = (MAX_ROWS + 1) * (2 * _SCHEDULE_COLUMNS + 1) * 11 // 10
SHEET = Limit("an input sheet", 8 * MB, _LARGEST_SHEET, together=_LARGEST_SHEET + 20_000,
              plural="input sheets")
STRINGS = Limit("the shared strings (the text of every cell)", 2 * MB, 12_000)
STYLES = Limit("the styles (cell formats and number formats)", 1 * MB, 3_000)
OTHER = Limit("a workbook part (the workbook, its relationships, properties)", 512 * KB,
              2_000, together=4_000, plural="workbook parts")
# openpyxl builds an object for each element outside a sheet's cells (column widths, data
# validations, conditional formats, merged cells ...) and for each run of rich text in a
# cell: 20 to 45 microseconds each, ten times a plain cell. The model's own input sheets
# hold at most 42 outside their cells, and no rich text.
SHEETS_EXTRAS = 3_000  # elements outside the cells, and runs of rich text, of all sheets


class _Archive(zipfile.ZipFile):
    """The zip as openpyxl sees it: every part it opens is checked first."""

    def __init__(self, data: bytes, parts: dict[str, Part]) -> None:
        super().__init__(io.BytesIO(data))
        self.parts = parts
        self.kinds: dict[str, Limit] = {ARC_STYLE: STYLES}
        self.labels: dict[str, str] = {}  # part -> how the message names it
        self.opened: dict[str, tuple[Limit, int]] = {}  # part -> its kind, its elements
        self.sheet_extras: dict[str, int] = {}

    def open(self, name: Any, mode: Any = "r", pwd: Any = None, *,
             force_zip64: bool = False) -> IO[bytes]:
        key = name.filename if isinstance(name, zipfile.ZipInfo) else name
        part = self.parts.get(key)
        if part is not None and key not in self.opened:
            self.check(part, self.kinds.get(key, OTHER))
        return super().open(name, mode, pwd, force_zip64=force_zip64)

    def check(self, part: Part, limit: Limit) -> None:
        label = self.labels.get(part.name, part.name)
        if part.size > limit.size or part.elements > limit.elements:
            raise _refuse(f"{limit.what} of at most {_size(limit.size)} and "
                          f"{limit.elements:,} XML elements",
                          f"{label} of {part.size:,} bytes and {part.elements:,} elements")
        self.opened[part.name] = (limit, part.elements)
        total = sum(n for kind, n in self.opened.values() if kind is limit)
        if limit.together and total > limit.together:
            raise _refuse(f"{limit.plural} of at most {limit.together:,} XML elements "
                          "together",
                          f"{total:,} with {label}")
        if limit is SHEET:
            self.sheet_extras[part.name] = _extras(zipfile.ZipFile.read(self, part.name))
            extras = sum(self.sheet_extras.values())
            if extras > SHEETS_EXTRAS:
                raise _refuse(f"input sheets of at most {SHEETS_EXTRAS:,} XML elements "
                              "outside their cells and runs of rich text together",
                              f"{extras:,} with {label}")


def _size(n: int) -> str:
    return f"{n // MB} MB" if n >= MB else f"{n // KB} KB"


_CELLS = re.compile(rb"<(?:\w+:)?sheetData[\s>/]")
_CELLS_END = re.compile(rb"</(?:\w+:)?sheetData\s*>")
_RUN = re.compile(rb"<(?:\w+:)?r[\s>]")


def _extras(xml: bytes) -> int:
    """Elements outside a sheet's <sheetData>, and runs of rich text (a bound: on bytes,
    at C speed; a sheet in UTF-16 counts every element as outside)."""
    def elements(b: bytes) -> int:
        return b.count(b"<") - b.count(b"</")
    start, end = _CELLS.search(xml), None
    if start is not None:
        end = _CELLS_END.search(xml, start.end())
    inside = xml[start.start():end.end()] if start and end else b""
    return elements(xml) - elements(inside) + 4 * len(_RUN.findall(inside))


def _refuse(expected: str, found: str) -> InputError:
    return InputError("", [Problem(None, None, expected, found)])


class _Reader(ExcelReader):  # type: ignore[misc]  # openpyxl has no type hints
    """openpyxl's reader, read-only, reading only the wanted sheets."""

    def __init__(self, data: bytes, parts: dict[str, Part], sheets: tuple[str, ...],
                 data_only: bool, named: tuple[str, ...] = ()) -> None:
        super().__init__(io.BytesIO(data), read_only=True, keep_vba=False,
                         data_only=data_only, keep_links=False)
        self.archive.close()
        self.archive: _Archive = _Archive(data, parts)
        self.valid_files = self.archive.namelist()
        self.wanted = {s.casefold(): s for s in sheets}
        self.named = named  # defined names whose sheets are wanted too

    def read_strings(self) -> None:
        ct = self.package.find(SHARED_STRINGS)
        if ct is not None:
            self.archive.kinds[ct.PartName[1:]] = STRINGS
        super().read_strings()

    def read_worksheets(self) -> None:
        # the sheet a defined name points to (a model's drop-down); a damaged definition
        # is as if there were none (the reader then finds no selected scenario)
        with contextlib.suppress(Exception):
            names = self.parser.defined_names.by_sheet().get("global", {})  # assigned later
            for key in self.named:
                name = names.get(key)
                for sheet_name, _ in (name.destinations if name is not None else ()):
                    self.wanted.setdefault(sheet_name.casefold(), sheet_name)
        seen: set[str] = set()
        for sheet, rel in self.parser.find_sheets():
            name = sheet.name.casefold()
            if name in seen:
                raise _refuse("each sheet name once", f"two sheets named {sheet.name!r}")
            seen.add(name)
            self.wb.every_sheet_name = (*getattr(self.wb, "every_sheet_name", ()), sheet.name)
            if self.wanted.get(name) != sheet.name or "chartsheet" in rel.Type \
                    or rel.target not in self.valid_files:
                continue
            self.archive.kinds[rel.target] = SHEET
            self.archive.labels[rel.target] = f"{rel.target} (sheet {sheet.name})"
            check_cells(self.archive.open(rel.target), len(self.shared_strings), sheet.name,
                        rel.target)
            ws = _Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
            ws.sheet_state = sheet.state
            self.wb._sheets.append(ws)


def load(data: bytes, parts: dict[str, Part], sheets: tuple[str, ...],
         named: tuple[str, ...] = ()) -> Any:
    """The workbook, read-only, with saved results for formulas and only ``sheets`` (and
    the sheets the defined names ``named`` point to)."""
    reader = _Reader(data, parts, sheets, data_only=True, named=named)
    reader.read()
    return reader.wb


class _Stop(Exception):
    pass


class _Sheet(ReadOnlyWorksheet):  # type: ignore[misc]  # openpyxl has no type hints
    """openpyxl's read-only sheet, finding the declared size (``<dimension>``) without
    parsing the whole sheet when there is none (openpyxl reads to its end)."""

    def _get_size(self) -> None:
        found: list[tuple[int, int, int, int]] = []

        def start(name: str, attrs: dict[str, str]) -> None:
            local = name.rpartition(" ")[2]
            if local == "dimension":
                bounds = range_boundaries(attrs.get("ref", ""))
                if None not in bounds:
                    found.append(bounds)
            if local in ("dimension", "sheetData"):
                raise _Stop

        _scan(self._get_source(), start)
        if found:
            self._min_column, self._min_row, self._max_column, self._max_row = found[0]


def _scan(source: IO[bytes], start: Any) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    with source, contextlib.suppress(_Stop):
        parser.ParseFile(source)


def formula_cells(ws: Any, last_row: int, max_col: int) -> set[tuple[int, int]]:
    """(row, column) of every cell holding a formula, through ``last_row``, numbered as
    openpyxl numbers them (a row or cell without its reference follows the one before)."""
    cells: set[tuple[int, int]] = set()
    at = [0, 0]  # row, column

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "row":
            at[0] = int(attrs["r"]) if "r" in attrs else at[0] + 1
            at[1] = 0
            if at[0] > last_row:
                raise _Stop
        elif local == "c":
            at[1] = coordinate_to_tuple(attrs["r"])[1] if "r" in attrs else at[1] + 1
        elif local == "f" and at[1] <= max_col:
            cells.add((at[0], at[1]))

    _scan(ws._get_source(), start)
    return cells
