"""Every cell of a workbook as stored: its formula, its saved result, and the sheets' states.

Reads the zip parts of an .xlsx directly (no spreadsheet semantics applied), so a
model can be compared cell by cell with the one the tool would build. The file is
untrusted: every part is read with a cap on the bytes that really come out of the
zip, and XML goes through defusedxml.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import ElementTree
from openpyxl.formula.translate import Translator

from model.errors import FinmodelError

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
MAX_PART_BYTES = 32 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024


class UnreadableWorkbook(FinmodelError, ValueError):
    """The file is not an .xlsx whose parts can be read: the message says why."""


@dataclass(frozen=True)
class Cell:
    formula: str | None  # the formula text without "=", or None for a plain value
    value: float | str | bool | None  # the saved value (for a formula: its cached result)
    error: bool = False  # the saved value is an error (#REF!, #DIV/0!, ...)
    date: bool = False  # its number format shows a date


@dataclass
class Sheet:
    name: str
    state: str  # visible, hidden or veryHidden
    protected: bool = False
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)  # (row, col), 1-based
    # each data validation rule: (cells, kind, first formula or list)
    validations: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Book:
    sheets: list[Sheet]
    external_links: list[str]  # the targets of links to other files
    properties: dict[str, str]  # custom document properties, as text
    macros: bool
    names: dict[str, str] = field(default_factory=dict)  # workbook-level defined names

    def sheet(self, name: str) -> Sheet | None:
        return next((s for s in self.sheets if s.name == name), None)


class _Parts:
    """The zip's parts, each read with a cap on the bytes inflated."""

    def __init__(self, source: Path | bytes) -> None:
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes)
                                       else source)
        except (zipfile.BadZipFile, OSError, ValueError) as e:
            raise UnreadableWorkbook(f"not a readable .xlsx ({e})") from None
        self.names = set(self.zip.namelist())
        self.total = 0

    def read(self, name: str) -> bytes:
        try:
            with self.zip.open(name) as fh:
                data = fh.read(MAX_PART_BYTES + 1)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as e:
            raise UnreadableWorkbook(f"a damaged part {name} ({e})") from None
        self.total += len(data)
        if len(data) > MAX_PART_BYTES or self.total > MAX_TOTAL_BYTES:
            raise UnreadableWorkbook(f"a part {name} that unpacks to more than "
                                     f"{MAX_PART_BYTES // 2**20} MB")
        return data

    def xml(self, name: str) -> Any:
        try:
            return ElementTree.fromstring(self.read(name))
        except UnreadableWorkbook:
            raise
        except Exception as e:  # defusedxml and expat raise several types
            raise UnreadableWorkbook(f"a damaged part {name} ({type(e).__name__})") from None

    def rels(self, part: str) -> dict[str, tuple[str, bool]]:
        """Relationship id -> (target part or URL, external?)."""
        folder, name = posixpath.split(part)
        path = posixpath.join(folder, "_rels", name + ".rels")
        out: dict[str, tuple[str, bool]] = {}
        if path not in self.names:
            return out
        for el in self.xml(path):
            target = el.get("Target") or ""
            if el.get("TargetMode") == "External":
                out[el.get("Id")] = (target, True)
            elif target.startswith("/"):
                out[el.get("Id")] = (target[1:], False)
            else:
                out[el.get("Id")] = (posixpath.normpath(posixpath.join(folder, target)), False)
        return out


def read_book(source: Path | bytes, only: Sequence[str] | None = None) -> Book:
    """Every sheet's cells, states and the workbook's links, from a path or bytes
    (``only``: read the cells of these sheets alone)."""
    parts = _Parts(source)
    if "xl/workbook.xml" not in parts.names:
        raise UnreadableWorkbook("a zip without xl/workbook.xml")
    wb = parts.xml("xl/workbook.xml")
    rels = parts.rels("xl/workbook.xml")
    strings = _shared_strings(parts)
    dates = _date_styles(parts)
    sheets = []
    for el in wb.iter(MAIN + "sheet"):
        target, external = rels.get(el.get(REL + "id") or "", ("", True))
        sheet = Sheet(el.get("name") or "", el.get("state") or "visible")
        if not external and target in parts.names and (only is None or sheet.name in only):
            _read_cells(parts.read(target), strings, sheet, dates)
        sheets.append(sheet)
    links = []
    for el in wb.iter(MAIN + "externalReference"):
        target, _ = rels.get(el.get(REL + "id") or "", ("", False))
        links.append(_link_target(parts, target) or target)
    names = {el.get("name") or "": el.text or ""
             for el in wb.iter(MAIN + "definedName")
             if el.get("localSheetId") is None}
    return Book(sheets, links, _properties(parts),
                any(n.lower().endswith("vbaproject.bin") for n in parts.names), names)


def _link_target(parts: _Parts, part: str) -> str | None:
    for target, external in parts.rels(part).values():
        if external:
            return target
    return None


def _shared_strings(parts: _Parts) -> list[str]:
    if "xl/sharedStrings.xml" not in parts.names:
        return []
    out = []
    for si in parts.xml("xl/sharedStrings.xml"):
        out.append("".join(t.text or "" for t in si.iter(MAIN + "t")
                           if t not in _phonetic(si)))
    return out


def _phonetic(si: Any) -> set[Any]:
    return {t for r in si.iter(MAIN + "rPh") for t in r.iter(MAIN + "t")}


def _properties(parts: _Parts) -> dict[str, str]:
    if "docProps/custom.xml" not in parts.names:
        return {}
    out = {}
    for prop in parts.xml("docProps/custom.xml"):
        value = next(iter(prop), None)
        out[prop.get("name") or ""] = (value.text or "") if value is not None else ""
    return out


_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")


def cell_position(ref: str) -> tuple[int, int]:
    m = _REF.fullmatch(ref)
    if m is None:
        raise ValueError(ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


# Excel's built-in number formats that show dates (ECMA-376, 18.8.30).
BUILTIN_DATES = frozenset({14, 15, 16, 17, 22, 27, 30, 36, 45, 46, 47, 50, 57})
_DATE_CODE = re.compile(r"[dmy]")
_NOT_DATE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def _date_styles(parts: _Parts) -> frozenset[int]:
    """The cell style indices (``s=``) whose number format shows a date."""
    if "xl/styles.xml" not in parts.names:
        return frozenset()
    root = parts.xml("xl/styles.xml")
    codes = {int(el.get("numFmtId") or 0): el.get("formatCode") or ""
             for el in root.iter(MAIN + "numFmt")}
    xfs = root.find(MAIN + "cellXfs")
    out = set()
    for i, xf in enumerate(xfs if xfs is not None else ()):
        fid = int(xf.get("numFmtId") or 0)
        code = _NOT_DATE.sub("", codes.get(fid, "")).lower()
        if fid in BUILTIN_DATES or (fid in codes and _DATE_CODE.search(code)):
            out.add(i)
    return frozenset(out)


def _read_cells(data: bytes, strings: list[str], sheet: Sheet,
                dates: frozenset[int] = frozenset()) -> None:
    shared: dict[str, tuple[str, str]] = {}
    row, col = 0, 0
    try:
        for _, el in ElementTree.iterparse(io.BytesIO(data), events=("end",)):
            tag = el.tag
            if tag == MAIN + "row":
                el.clear()
                continue
            if tag != MAIN + "c":
                if tag == MAIN + "sheetProtection":
                    sheet.protected = el.get("sheet") in ("1", "true")
                elif tag == MAIN + "dataValidation":
                    first = el.find(MAIN + "formula1")
                    sheet.validations.append((el.get("sqref") or "", el.get("type") or "",
                                              (first.text or "") if first is not None else ""))
                continue
            ref = el.get("r")
            if ref:
                row, col = cell_position(ref)
            else:
                col += 1
            cell = _cell(el, strings, shared, ref or "")
            if cell is not None:
                if dates and isinstance(cell.value, float) and int(el.get("s") or 0) in dates:
                    cell = Cell(cell.formula, cell.value, cell.error, date=True)
                sheet.cells[(row, col)] = cell
            el.clear()
    except (ValueError, IndexError, KeyError) as e:
        raise UnreadableWorkbook(f"a damaged cell in sheet {sheet.name} ({e})") from None
    except UnreadableWorkbook:
        raise
    except Exception as e:  # expat and defusedxml errors
        raise UnreadableWorkbook(f"a damaged sheet {sheet.name} ({type(e).__name__})") from None


def _cell(el: Any, strings: list[str], shared: dict[str, tuple[str, str]],
          ref: str) -> Cell | None:
    kind = el.get("t", "n")
    f = el.find(MAIN + "f")
    v = el.find(MAIN + "v")
    formula = None
    if f is not None:
        text = f.text or ""
        si = f.get("si")
        if f.get("t") == "shared" and si is not None:
            if text:
                shared[si] = (ref, text)
            elif si in shared:
                origin, master = shared[si]
                text = Translator("=" + master, origin=origin).translate_formula(ref)[1:]
        formula = text
    raw = v.text if v is not None else None
    value: float | str | bool | None
    if kind == "s":
        value = strings[int(raw)] if raw is not None else None
    elif kind == "str":
        value = raw or ""
    elif kind == "inlineStr":
        value = "".join(t.text or "" for t in el.iter(MAIN + "t"))
    elif kind == "b":
        value = raw == "1"
    elif kind == "e":
        value = raw or "#N/A"
    else:
        value = float(raw) if raw not in (None, "") else None
    if formula is None and value in (None, ""):
        return None
    return Cell(formula, value, kind == "e")
