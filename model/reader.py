"""Read an assumptions workbook into raw tables. Knows openpyxl, nothing about revenue.

The file may come from an email or a shared drive, so it is treated as
untrusted: its size and the declared sizes of its zip members are checked
before any XML is parsed, XML is parsed through defusedxml, formulas are never
evaluated and macros are never run or carried over.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from . import schema
from .errors import InputError, Problem

MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_MEMBER_RATIO = 200  # a member may expand at most this many times
MAX_ROWS = 5000
MAX_COLUMNS = 200
EMPTY_ROWS_TO_STOP = 50

ERROR_VALUES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                          "#GETTING_DATA", "#SPILL!", "#CALC!"})


@dataclass
class RawTable:
    """One input sheet as read: its header keys and its non-empty rows."""

    sheet: str
    header: dict[str, int]  # column key -> 0-based column
    rows: list[tuple[int, list[object]]] = field(default_factory=list)  # (Excel row, values)
    formulas: set[str] = field(default_factory=set)  # cells holding a formula

    def cell(self, excel_row: int, key: str) -> str:
        return xl_rowcol_to_cell(excel_row - 1, self.header[key])

    def value(self, values: list[object], key: str) -> object:
        col = self.header[key]
        return values[col] if col < len(values) else None


@dataclass
class RawWorkbook:
    path: str
    tables: dict[str, RawTable]
    schema_version: int | None
    had_macros: bool


def _fail(path: Path, expected: str, found: str = "") -> InputError:
    return InputError(str(path), [Problem(None, None, expected, found)])


def check_container(path: Path) -> bool:
    """Refuse anything but a plausible .xlsx before parsing. Returns True if it has macros."""
    try:
        size = path.stat().st_size
    except OSError as e:
        raise _fail(path, "a readable file", e.strerror or str(e)) from None
    if path.is_dir():
        raise _fail(path, "an .xlsx file", "a folder")
    if size > MAX_FILE_BYTES:
        raise _fail(path, f"a file of at most {MAX_FILE_BYTES // 2**20} MB", f"{size:,} bytes")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _fail(path, "an .xlsx workbook",
                    "a legacy .xls (or encrypted) file; save it as .xlsx in Excel")
    if not head.startswith(b"PK"):
        kind = "a text file (CSV?)" if _looks_like_text(head) else "a file that is not a zip"
        raise _fail(path, "an .xlsx workbook (a zip of XML parts)", kind)
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
            if "mimetype" in names and b"opendocument" in z.read("mimetype")[:100]:
                raise _fail(path, "an .xlsx workbook",
                            "an OpenDocument (.ods) file; save it as .xlsx")
    except zipfile.BadZipFile as e:
        raise _fail(path, "an .xlsx workbook", f"a damaged or truncated zip ({e})") from None
    except (OSError, EOFError, ValueError, NotImplementedError) as e:
        raise _fail(path, "an .xlsx workbook", f"an unreadable zip ({e})") from None
    if "xl/workbook.xml" not in names:
        raise _fail(path, "an .xlsx workbook", "a zip without xl/workbook.xml")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1_000_000 and ratio > MAX_MEMBER_RATIO:
            raise _fail(path, "an ordinary workbook",
                        f"a zip bomb: {info.filename} expands {ratio:,.0f} times "
                        f"to {info.file_size:,} bytes")
    if total > MAX_UNPACKED_BYTES:
        raise _fail(path, f"at most {MAX_UNPACKED_BYTES // 2**20} MB once unpacked",
                    f"{total:,} bytes declared")
    return any(n.lower().endswith("vbaproject.bin") for n in names)


def _looks_like_text(head: bytes) -> bool:
    return all(32 <= b < 127 or b in (9, 10, 13) for b in head)


def read_workbook(path: Path) -> RawWorkbook:
    """Read the four input sheets of an assumptions or model workbook."""
    had_macros = check_container(path)
    import warnings

    import openpyxl
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False,
                                        keep_vba=False)
    except InputError:
        raise
    except Exception as e:  # openpyxl raises many types on damaged parts
        raise _fail(path, "a workbook openpyxl can read",
                    f"{type(e).__name__}: {str(e)[:200]}") from None
    try:
        version = _schema_version(wb)
        tables: dict[str, RawTable] = {}
        for name in (*schema.SHEETS, *schema.OPTIONAL_SHEETS):
            if name in wb.sheetnames:
                tables[name] = _read_table(wb[name], name)
    except InputError as e:
        raise InputError(str(path), e.problems) from None
    except Exception as e:
        raise _fail(path, "a workbook openpyxl can read",
                    f"{type(e).__name__}: {str(e)[:200]}") from None
    finally:
        wb.close()
    if any(None in row for t in tables.values() for _, row in t.rows):
        _find_formulas(path, tables)
    return RawWorkbook(str(path), tables, version, had_macros)


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


def _read_table(ws: object, name: str) -> RawTable:
    rows_iter = ws.iter_rows(max_col=MAX_COLUMNS, values_only=True)  # type: ignore[attr-defined]
    header_row = next(rows_iter, ())
    header: dict[str, int] = {}
    for col, value in enumerate(header_row):
        if isinstance(value, str) and value.strip() and value.strip() not in header:
            header[value.strip()] = col
    table = RawTable(name, header)
    empty = 0
    for excel_row, values in enumerate(rows_iter, start=2):
        if excel_row > MAX_ROWS + 1:
            raise InputError("", [Problem(name, None, f"at most {MAX_ROWS} rows",
                                          "more rows")])
        vals = [_clean(v) for v in values]
        if all(v is None for v in vals):
            empty += 1
            if empty >= EMPTY_ROWS_TO_STOP:
                break
            continue
        empty = 0
        table.rows.append((excel_row, vals))
    return table


def _clean(v: object) -> object:
    if isinstance(v, str):
        s = v.strip()
        return s if s else None
    if isinstance(v, dt.time):
        return str(v)
    return v


def _find_formulas(path: Path, tables: dict[str, RawTable]) -> None:
    """Mark blank-looking cells that really hold a formula with no saved result."""
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    try:
        for name, table in tables.items():
            ws = wb[name]
            for r, values in enumerate(ws.iter_rows(min_row=1, max_row=MAX_ROWS + 1,
                                                    max_col=MAX_COLUMNS, values_only=True),
                                       start=1):
                for c, v in enumerate(values):
                    if isinstance(v, str) and v.startswith("="):
                        table.formulas.add(xl_rowcol_to_cell(r - 1, c))
                if r > (table.rows[-1][0] if table.rows else 1):
                    break
    finally:
        wb.close()


def has_formula_without_value(table: RawTable, cell: str) -> bool:
    return cell in table.formulas
