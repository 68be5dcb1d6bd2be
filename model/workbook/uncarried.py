"""What a rebuild cannot carry from a returned model, named: charts, pictures, shapes,
pivot tables, chart sheets and macros. Read from the zip's parts (openpyxl drops
pictures without a word when Pillow is missing, and never reads shapes)."""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterable, Mapping

from defusedxml import ElementTree

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
MAX_PART = 8 * 1024 * 1024
KINDS = {"graphicFrame": "chart", "pic": "picture", "sp": "shape", "cxnSp": "shape",
         "grpSp": "group of shapes"}


def _read(z: zipfile.ZipFile, name: str) -> bytes:
    with z.open(name) as fh:
        return fh.read(MAX_PART)


def _rels(z: zipfile.ZipFile, part: str) -> list[tuple[str, str]]:
    """(type, target part) of a part's relationships."""
    folder, name = posixpath.split(part)
    path = posixpath.join(folder, "_rels", name + ".rels")
    if path not in z.namelist():
        return []
    out = []
    for el in ElementTree.fromstring(_read(z, path)):
        if el.get("TargetMode") == "External":
            continue
        target = el.get("Target") or ""
        target = target[1:] if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        out.append(((el.get("Type") or "").rsplit("/", 1)[-1], target))
    return out


def not_carried(data: bytes, sheets: Iterable[str], rebuilt: Iterable[str] = (),
                charts_made: Mapping[str, int] | None = None) -> list[str]:
    """What a rebuild cannot carry, one line each ('chart "Chart 1" on sheet My notes'):
    on the carried ``sheets``, drawings, pivot tables and tables; on the ``rebuilt``
    sheets (made anew by the build), comments, pictures and shapes (the build makes none)
    and the charts beyond the number the build makes there (``charts_made``); in the
    workbook, chart sheets and macros. A damaged part is named as such."""
    wanted, remade = set(sheets), set(rebuilt)
    made = dict(charts_made or {})
    out: list[str] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                out.append("macros (the workbook's VBA project)")
            book = ElementTree.fromstring(_read(z, "xl/workbook.xml"))
            parts = _rels_by_id(z, "xl/workbook.xml")
            kinds = {target: kind for kind, target in _rels(z, "xl/workbook.xml")}
            for el in book.iter(MAIN + "sheet"):
                name, part = el.get("name") or "", parts.get(el.get(REL + "id") or "", "")
                if kinds.get(part) == "chartsheet":
                    out.append(f"chart sheet {name}")
                elif part in names and name in wanted:
                    out.extend(_on_sheet(z, part, name, comments_only=False))
                elif part in names and name in remade:
                    out.extend(_on_sheet(z, part, name, comments_only=True))
                    out.extend(_added_drawings(z, part, name, made.get(name, 0)))
    except Exception as e:  # a damaged part: say so rather than guess
        out.append(f"whatever the damaged part holds ({type(e).__name__})")
    return out


def _rels_by_id(z: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, name = posixpath.split(part)
    path = posixpath.join(folder, "_rels", name + ".rels")
    out: dict[str, str] = {}
    for el in ElementTree.fromstring(_read(z, path)):
        target = el.get("Target") or ""
        out[el.get("Id") or ""] = target[1:] if target.startswith("/") else \
            posixpath.normpath(posixpath.join(folder, target))
    return out


def _drawn(z: zipfile.ZipFile, part: str) -> list[tuple[str, str]]:
    """(kind, name) of each chart, picture or shape drawn on the sheet ``part``."""
    out = []
    for kind, target in _rels(z, part):
        if kind != "drawing":
            continue
        for anchor in ElementTree.fromstring(_read(z, target)):
            for el in anchor:
                what = KINDS.get(el.tag.replace(XDR, ""))
                if what is not None:
                    pr = next((p for p in el.iter() if p.tag.endswith("}cNvPr")), None)
                    out.append((what, pr.get("name") if pr is not None else ""))
    return out


def _added_drawings(z: zipfile.ZipFile, part: str, sheet: str, charts_made: int) -> list[str]:
    """On a sheet the build makes anew: every picture or shape (the build draws none) and
    the charts beyond the ``charts_made`` the build draws there, named (in the order they
    are drawn, the build's own first)."""
    drawn = _drawn(z, part)
    charts = [name for what, name in drawn if what == "chart"]
    why = "(the sheet is made anew; keep it on a sheet of your own)"
    return ([f'{what} "{name}" on sheet {sheet} {why}' for what, name in drawn
             if what != "chart"]
            + [f'chart "{name}" on sheet {sheet} {why}' for name in charts[charts_made:]])


def _on_sheet(z: zipfile.ZipFile, part: str, sheet: str, comments_only: bool) -> list[str]:
    out = []
    for kind, target in _rels(z, part):
        if kind == "comments":
            if comments_only:
                tree = ElementTree.fromstring(_read(z, target))
                out += [f"comment on {sheet}!{el.get('ref')} (the sheet is calculated anew; "
                        "keep notes on a sheet of your own)"
                        for el in tree.iter(MAIN + "comment")]
        elif comments_only:
            continue
        elif kind == "drawing":
            tree = ElementTree.fromstring(_read(z, target))
            for anchor in tree:
                for el in anchor:
                    what = KINDS.get(el.tag.replace(XDR, ""))
                    if what is None:
                        continue
                    pr = next((p for p in el.iter() if p.tag.endswith("}cNvPr")), None)
                    label = pr.get("name") if pr is not None else ""
                    out.append(f'{what} "{label}" on sheet {sheet}')
        elif kind == "pivotTable":
            tree = ElementTree.fromstring(_read(z, target))
            out.append(f'pivot table "{tree.get("name") or ""}" on sheet {sheet}')
        elif kind == "table":
            tree = ElementTree.fromstring(_read(z, target))
            out.append(f'table "{tree.get("displayName") or ""}" on sheet {sheet} (its '
                       "cells are carried, not the table)")
    return out


EMPTY_SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
               b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/>'
               b'</worksheet>')


def only_sheets(data: bytes, keep: Iterable[str]) -> bytes:
    """The workbook with every sheet but ``keep`` emptied (its cells, drawings and
    relationships gone, its name kept): openpyxl then reads in a moment what it needs,
    not the tens of thousands of formulas of the calculation sheets."""
    wanted = set(keep)
    src = zipfile.ZipFile(io.BytesIO(data))
    book = ElementTree.fromstring(_read(src, "xl/workbook.xml"))
    parts = _rels_by_id(src, "xl/workbook.xml")
    empty = {parts.get(el.get(REL + "id") or "", "") for el in book.iter(MAIN + "sheet")
             if (el.get("name") or "") not in wanted}
    rels = {posixpath.join(posixpath.dirname(p), "_rels", posixpath.basename(p) + ".rels")
            for p in empty}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for item in src.infolist():
            if item.filename in rels:
                continue
            z.writestr(item.filename, EMPTY_SHEET if item.filename in empty
                       else _read(src, item.filename))
    return out.getvalue()


def sheet_sizes(data: bytes) -> dict[str, int]:
    """Each worksheet's name and the size of its XML, in workbook order (the sizes were
    measured against what really inflates when the file was first checked)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        book = ElementTree.fromstring(_read(z, "xl/workbook.xml"))
        parts = _rels_by_id(z, "xl/workbook.xml")
        sizes = {i.filename: i.file_size for i in z.infolist()}
    return {el.get("name") or "": sizes.get(parts.get(el.get(REL + "id") or "", ""), 0)
            for el in book.iter(MAIN + "sheet")}
