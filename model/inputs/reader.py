"""Read an assumptions workbook into raw tables. Knows openpyxl, nothing about revenue.

The file may come from an email or a shared drive, so it is treated as untrusted: it
is read once, its zip container is checked and every part inflated and measured before
any XML is parsed (``ziplimits``), openpyxl parses only the parts the input sheets need,
each within a limit of its kind (``parselimits``), XML is parsed through defusedxml,
formulas are never evaluated and macros are never run or carried over.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils.cell import get_column_letter

from model.errors import InputError, Problem
from model.inputs import parselimits, schema, tables, ziplimits
from model.inputs.ziplimits import Part

MAX_FILE_BYTES = 25 * 1024 * 1024
# rows below the header of each input sheet: a Schedule row for every month of the longest
# horizon (1,200 months), and room
MAX_ROWS = parselimits.MAX_ROWS  # rows of a table below its header
MAX_COLUMNS = 200

ERROR_VALUES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                          "#GETTING_DATA", "#SPILL!", "#CALC!"})


def cell_name(row: int, col: int) -> str:
    """'B3' for the 0-based ``row`` 2 and ``col`` 1."""
    return f"{get_column_letter(col + 1)}{row + 1}"


@dataclass
class RawTable:
    """One input sheet as read: its header keys and its non-empty rows."""

    sheet: str
    header: dict[str, int]  # column key -> 0-based column
    rows: list[tuple[int, list[object]]] = field(default_factory=list)  # (Excel row, values)
    formulas: set[str] = field(default_factory=set)  # cells holding a formula
    # headings met again in row 1: (its cell, the heading, the cell where it is first)
    repeated: list[tuple[str, str, str]] = field(default_factory=list)

    def cell(self, excel_row: int, key: str) -> str:
        return str(cell_name(excel_row - 1, self.header[key]))

    def column(self, key: str) -> str:
        """Where the column headed ``key`` is in this workbook: 'column G'."""
        return f"column {get_column_letter(self.header[key] + 1)}"

    def value(self, values: list[object], key: str) -> object:
        col = self.header[key]
        return values[col] if col < len(values) else None


@dataclass
class RawWorkbook:
    path: str
    tables: dict[str, RawTable]
    schema_version: int | None
    had_macros: bool
    saved: dt.datetime | None = None  # the workbook's own modified (or created) time
    # the scenario chosen in a model's drop-down: (sheet, cell, value), if it has one
    selected: tuple[str, str, object] | None = None
    sheet_names: tuple[str, ...] = ()  # every sheet of the workbook, as named

    @property
    def model_name(self) -> str:
        """The name a model goes by: the file's stem, without the '-model' a build adds,
        so that rebuilding from a generated model gives the same bytes."""
        stem = Path(self.path).stem
        return stem[: -len("-model")] if stem.endswith("-model") else stem


def _fail(path: Path, expected: str, found: str = "") -> InputError:
    return InputError(str(path), [Problem(None, None, expected, found)])


@dataclass
class Container:
    """A workbook file as checked: its bytes (read once, so what is checked is what is
    parsed), and each of its parts as really inflated."""

    data: bytes
    parts: dict[str, Part]
    had_macros: bool


def check_container(path: Path) -> Container:
    """Refuse anything but a plausible .xlsx before any XML is parsed."""
    try:
        if path.is_dir():
            raise _fail(path, "an .xlsx file", "a folder")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _fail(path, f"a file of at most {MAX_FILE_BYTES // 2**20} MB",
                        f"{size:,} bytes")
        with path.open("rb") as fh:
            data = fh.read(size + 1)  # read(n) allocates n bytes first
    except OSError as e:
        raise _fail(path, "a readable file", e.strerror or str(e)) from None
    if len(data) > size:
        raise _fail(path, "a file that stays the same while it is read", "a growing file")
    if not data:
        raise _fail(path, "an .xlsx workbook", "an empty file")
    head = data[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE compound file
        if "EncryptionInfo".encode("utf-16-le") in data:  # Excel's password protection
            raise _fail(path, "an .xlsx workbook without a password", "an encrypted "
                        "(password-protected) workbook; in Excel, remove the password "
                        "(File > Info > Protect Workbook) and save it again")
        raise _fail(path, "an .xlsx workbook",
                    "a legacy .xls file; save it as .xlsx in Excel")
    if not head.startswith(b"PK"):
        kind = "a text file (CSV?)" if _looks_like_text(head) else "a file that is not a zip"
        raise _fail(path, "an .xlsx workbook (a zip of XML parts)", kind)
    try:
        parts = ziplimits.inspect(data)
    except InputError as e:
        raise InputError(str(path), e.problems) from None
    if "mimetype" in parts and b"opendocument" in _member(data, "mimetype")[:100]:
        raise _fail(path, "an .xlsx workbook", "an OpenDocument (.ods) file; save it as .xlsx")
    if "xl/workbook.xml" not in parts:
        raise _fail(path, "an .xlsx workbook", "a zip without xl/workbook.xml")
    return Container(data, parts, any(n.lower().endswith("vbaproject.bin") for n in parts))


def _member(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name)


def _looks_like_text(head: bytes) -> bool:
    return all(32 <= b < 127 or b in (9, 10, 13) for b in head)


def read_workbook(path: Path) -> RawWorkbook:
    """Read the input sheets of an assumptions or model workbook."""
    box = check_container(path)
    import warnings

    import openpyxl
    if not openpyxl.DEFUSEDXML:  # defusedxml missing, or OPENPYXL_DEFUSEDXML=False
        raise RuntimeError("defusedxml is needed to read untrusted workbooks safely")
    # openpyxl's warnings (a date out of range, an unknown extension) are not for the user:
    # what matters comes back as a value the validator describes.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            wb = parselimits.load(box.data, box.parts, tables.SHEET_NAMES,
                                  named=(SELECTED_NAME,))
        except InputError as e:
            raise InputError(str(path), e.problems) from None
        except Exception as e:  # openpyxl raises many types on damaged parts
            raise _fail(path, "a workbook openpyxl can read", _damage(e)) from None
        try:
            version = _schema_version(wb)
            saved = _saved(wb)
            selected = _selected_scenario(wb)
            read = {name: _read_table(wb[name], name)
                    for name in tables.SHEET_NAMES if name in wb.sheetnames}
            sheet_names = tuple(getattr(wb, "every_sheet_name", wb.sheetnames))
        except InputError as e:
            raise InputError(str(path), e.problems) from None
        finally:
            wb.close()
    return RawWorkbook(str(path), read, version, box.had_macros, saved, selected,
                       sheet_names)


def _damage(e: BaseException) -> str:
    """What a parser's exception says about the file, for the user. openpyxl wraps the
    parser's exception in its own, so the first line of each in the chain is shown."""
    from defusedxml import DefusedXmlException
    chain: list[BaseException] = [e]
    while chain[-1].__cause__ is not None and len(chain) < 5:
        chain.append(chain[-1].__cause__)
    if any(isinstance(x, DefusedXmlException) for x in chain):
        return ("XML that declares entities, refused for safety (an 'entity bomb' or a "
                "reference to another file)")
    text = ": ".join(f"{type(x).__name__}: {(str(x).splitlines() or [''])[0][:150]}"
                     for x in chain)
    return f"a damaged part ({text})"


SELECTED_NAME = "SelectedScenario"  # the defined name of a model's scenario drop-down


def _selected_scenario(wb: Any) -> tuple[str, str, object] | None:
    """The value of the cell a model names SelectedScenario (its scenario drop-down)."""
    try:
        name = wb.defined_names.get(SELECTED_NAME)
        sheet, ref = next(iter(name.destinations)) if name is not None else ("", "")
        if sheet not in wb.sheetnames:
            return None
        ref = ref.replace("$", "")
        return sheet, ref, _clean(wb[sheet][ref].value)
    except Exception:  # a damaged or unusual definition: as if there were none
        return None


# The time finmodel writes into a workbook whose inputs have no saved time of their own
# (so that the same inputs give the same bytes): not a real time, never shown as one.
NO_SAVED_TIME = dt.datetime(2024, 1, 1, 0, 0, 0)


def _saved(wb: object) -> dt.datetime | None:
    props = getattr(wb, "properties", None)
    for when in (getattr(props, "modified", None), getattr(props, "created", None)):
        if isinstance(when, dt.datetime):
            when = when.replace(tzinfo=None, microsecond=0)
            if when != NO_SAVED_TIME:
                return when
    return None


def _schema_version(wb: object) -> int | None:
    props = getattr(wb, "custom_doc_props", None)
    if props is None:
        return None
    for prop in props:
        if prop.name == schema.SCHEMA_PROPERTY:
            try:
                return int(prop.value)
            except (TypeError, ValueError):
                return -1
    return None


def _read_table(ws: Any, name: str) -> RawTable:
    """One sheet's table. Its declared size is checked first; then what is really there
    is read, so a declared size that is too small cannot hide rows."""
    table = RawTable(name, {})
    try:
        _read_rows(ws, table)
        if any(None in row for _, row in table.rows) and _FORMULA_TAG.search(
                ws.parent._archive.read(ws._worksheet_path)):
            last = table.rows[-1][0] if table.rows else 1
            table.formulas = {cell_name(r - 1, c - 1) for r, c in
                              parselimits.formula_cells(ws, last, MAX_COLUMNS)}
    except InputError:
        raise
    except Exception as e:  # a damaged or hostile sheet part, or a chart sheet
        where = f"row {table.rows[-1][0] + 1} or below" if table.rows else None
        raise InputError("", [Problem(name, where, "a sheet openpyxl can read",
                                      _damage(e))]) from None
    return table


def _read_rows(ws: Any, table: RawTable) -> None:
    limits = f"a table of at most {MAX_ROWS:,} rows and {MAX_COLUMNS} columns"
    rows, cols = ws.max_row or 0, ws.max_column or 0  # from the sheet's <dimension>
    if rows > MAX_ROWS + 1 or cols > MAX_COLUMNS:
        raise InputError("", [Problem(table.sheet, None, limits,
                                      f"a declared size of {rows:,} rows and {cols:,} columns "
                                      "(delete the rows and columns beyond the table)")])
    ws.reset_dimensions()
    # Without a width, openpyxl returns each row up to its last cell, not padded with
    # blanks to MAX_COLUMNS: cleaning a million blanks took most of a 5,000-row read.
    rows_iter = ws.iter_rows(max_row=MAX_ROWS + 2, values_only=True)
    for col, value in enumerate(next(rows_iter, ())[:MAX_COLUMNS]):
        text = value.strip() if isinstance(value, str) else ""
        if text in table.header:
            table.repeated.append((cell_name(0, col), text,
                                   cell_name(0, table.header[text])))
        elif text:
            table.header[text] = col
    for excel_row, values in enumerate(rows_iter, start=2):
        vals = [_clean(v) for v in values[:MAX_COLUMNS]]
        if all(v is None for v in vals):
            continue
        if excel_row > MAX_ROWS + 1:
            raise InputError("", [Problem(table.sheet, f"row {excel_row}", limits,
                                          "more rows")])
        table.rows.append((excel_row, vals))


def _clean(v: object) -> object:
    if isinstance(v, str):
        s = v.strip()
        return s if s else None
    if isinstance(v, dt.time):
        return str(v)
    return v


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
