"""Read an assumptions workbook into raw tables. Knows openpyxl, nothing about revenue.

The file may come from an email or a shared drive, so it is treated as
untrusted: its size and the declared sizes of its zip members are checked
before any XML is parsed, XML is parsed through defusedxml, formulas are never
evaluated and macros are never run or carried over.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from xlsxwriter.utility import xl_rowcol_to_cell

from model.errors import InputError, Problem
from model.inputs import schema

MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_MEMBER_RATIO = 200  # a member may expand at most this many times
MAX_MEMBERS = 10_000  # parts in the zip; a workbook has a few dozen
MAX_ROWS = 5000  # rows below the header of each input sheet
MAX_COLUMNS = 200

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
    saved: dt.datetime | None = None  # the workbook's own modified (or created) time
    # the scenario chosen in a model's drop-down: (sheet, cell, value), if it has one
    selected: tuple[str, str, object] | None = None

    @property
    def model_name(self) -> str:
        """The name a model goes by: the file's stem, without the '-model' a build adds,
        so that rebuilding from a generated model gives the same bytes."""
        stem = Path(self.path).stem
        return stem[: -len("-model")] if stem.endswith("-model") else stem


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
    if size == 0:
        raise _fail(path, "an .xlsx workbook", "an empty file")
    with path.open("rb") as fh:
        head = fh.read(8)
        members = _declared_members(fh, size)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _fail(path, "an .xlsx workbook",
                    "a legacy .xls (or encrypted) file; save it as .xlsx in Excel")
    if not head.startswith(b"PK"):
        kind = "a text file (CSV?)" if _looks_like_text(head) else "a file that is not a zip"
        raise _fail(path, "an .xlsx workbook (a zip of XML parts)", kind)
    if members is not None and members > MAX_MEMBERS:
        raise _fail(path, f"a zip of at most {MAX_MEMBERS:,} parts",
                    f"{members:,} parts declared")
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


def _declared_members(fh: BinaryIO, size: int) -> int | None:
    """How many parts the zip's end record declares, read before zipfile builds an
    object for each of them (hundreds of thousands fit in 25 MB). None if there is
    no end record: zipfile then reports the damage."""
    tail_size = min(size, 22 + 65_535)  # the end record, and a comment of at most 64 KB
    fh.seek(size - tail_size)
    tail = fh.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    count: int = struct.unpack_from("<H", tail, at + 10)[0]
    locator = at - 20  # a zip64 archive keeps the true count in a record of its own
    if count == 0xFFFF and locator >= 0 and tail[locator:locator + 4] == b"PK\x06\x07":
        fh.seek(struct.unpack_from("<Q", tail, locator + 8)[0])
        record = fh.read(56)
        if len(record) == 56 and record.startswith(b"PK\x06\x06"):
            count = struct.unpack_from("<Q", record, 32)[0]
    return count


def read_workbook(path: Path) -> RawWorkbook:
    """Read the four input sheets of an assumptions or model workbook."""
    had_macros = check_container(path)
    import warnings

    import openpyxl
    if not openpyxl.DEFUSEDXML:  # defusedxml missing, or OPENPYXL_DEFUSEDXML=False
        raise RuntimeError("defusedxml is needed to read untrusted workbooks safely")
    # openpyxl gets an open file, not a name: it judges the content, whatever the extension.
    # Its warnings (a date out of range, an unknown extension) are not for the user: what
    # matters comes back as a value the validator describes.
    with warnings.catch_warnings(), path.open("rb") as fh:
        warnings.simplefilter("ignore")
        try:
            wb = openpyxl.load_workbook(fh, read_only=True, data_only=True,
                                        keep_links=False, keep_vba=False)
        except Exception as e:  # openpyxl raises many types on damaged parts
            raise _fail(path, "a workbook openpyxl can read", _damage(e)) from None
        try:
            version = _schema_version(wb)
            saved = _saved(wb)
            selected = _selected_scenario(wb)
            tables: dict[str, RawTable] = {}
            formulas = False
            for name in (*schema.SHEETS, *schema.OPTIONAL_SHEETS):
                if name in wb.sheetnames:
                    tables[name] = _read_table(wb[name], name)
                    formulas = formulas or _may_hold_formulas(wb, wb[name])
        except InputError as e:
            raise InputError(str(path), e.problems) from None
        finally:
            wb.close()
        if formulas and any(None in row for t in tables.values() for _, row in t.rows):
            fh.seek(0)
            try:
                _find_formulas(fh, tables)
            except Exception as e:  # the formulas pass parses shared formulas too
                raise _fail(path, "a workbook openpyxl can read", _damage(e)) from None
    return RawWorkbook(str(path), tables, version, had_macros, saved, selected)


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


def _saved(wb: object) -> dt.datetime | None:
    props = getattr(wb, "properties", None)
    when = getattr(props, "modified", None) or getattr(props, "created", None)
    return when.replace(tzinfo=None, microsecond=0) if isinstance(when, dt.datetime) else None


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
    """One sheet's table. Its declared size is checked first; then what is really there
    is read, so a declared size that is too small cannot hide rows."""
    table = RawTable(name, {})
    try:
        _read_rows(ws, table)
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
    rows_iter = ws.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS, values_only=True)
    for col, value in enumerate(next(rows_iter, ())):
        if isinstance(value, str) and value.strip() and value.strip() not in table.header:
            table.header[value.strip()] = col
    for excel_row, values in enumerate(rows_iter, start=2):
        vals = [_clean(v) for v in values]
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


def _may_hold_formulas(wb: Any, ws: Any) -> bool:
    """False only when the sheet's XML has no formula element at all, so the second,
    formulas pass can be skipped (it is a third of the read). Looks at openpyxl's
    private attributes; if they are not there, assumes the sheet may hold formulas."""
    try:
        return _FORMULA_TAG.search(wb._archive.read(ws._worksheet_path)) is not None
    except Exception:
        return True


def _find_formulas(fh: BinaryIO, tables: dict[str, RawTable]) -> None:
    """Mark blank-looking cells that really hold a formula with no saved result."""
    import openpyxl
    wb = openpyxl.load_workbook(fh, read_only=True, data_only=False, keep_links=False)
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

