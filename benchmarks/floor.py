"""The build's floor: the same cells written through the same writer path, no model.

    python benchmarks/floor.py CELLS.pickle OUT.xlsx [--physical]

CELLS.pickle is the cell stream a real build wrote (recorded by bench.py): every
format's properties, and every cell write (sheet, method, arguments) in order. This
script replays it through the build's own worksheet class (the one-regex
FastFormulaWorksheet) with the build's workbook options, and closes the workbook
(xlsxwriter's XML and zip): everything the build does to write its cells, without
reading, computing, laying out or rendering a formula.

``--physical`` writes the same sheets' cells instead as plain XML strings deflated
by zipfile (zlib): the physical floor, below any spreadsheet library.

It prints one JSON line: the seconds spent loading the stream (not part of the floor)
and the seconds the write took. Imports are kept to the writer's own, so timing the
whole command measures interpreter start, the xlsxwriter import and the write.
"""

from __future__ import annotations

import io
import pickle
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

FORMAT = "\0format"  # marks a format argument in the stream: (FORMAT, index)


def _args(args: tuple[Any, ...], formats: list[Any]) -> tuple[Any, ...]:
    return tuple(formats[a[1]] if type(a) is tuple and a[:1] == (FORMAT,) else a
                 for a in args)


def replay(stream: dict[str, Any], target: Any) -> None:
    """Write the recorded cells through the build's worksheet class."""
    import xlsxwriter

    from model.workbook.fastsheet import FastFormulaWorksheet
    wb = xlsxwriter.Workbook(target, stream["options"])
    wb.worksheet_class = FastFormulaWorksheet
    formats = [wb.add_format(props) for props in stream["formats"]]
    sheets = {name: wb.add_worksheet(name) for name in stream["sheets"]}
    for sheet, method, args, kwargs in stream["cells"]:
        if kwargs:
            kwargs = dict(zip(kwargs, _args(tuple(kwargs.values()), formats), strict=True))
        getattr(sheets[sheet], method)(*_args(args, formats), **kwargs)
    wb.close()


def _col(c: int) -> str:
    s = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def _esc(s: str) -> str:
    if "&" in s or "<" in s or ">" in s:
        s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s


def physical(stream: dict[str, Any], target: Any) -> None:
    """The same sheets' cells as plain XML strings, deflated into a zip."""
    strings: dict[str, int] = {}
    head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
            '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    sheets: dict[str, dict[int, dict[int, str]]] = {name: {} for name in stream["sheets"]}
    cols: dict[int, str] = {}
    for sheet, method, args, kwargs in stream["cells"]:
        if kwargs:
            args += tuple(kwargs.values())  # rare; good enough for a floor's byte count
        if type(args[0]) is not int:
            continue  # A1-style calls are rare: the floor counts the cells written by row
        row, col = args[0], args[1]
        letters = cols.get(col) or cols.setdefault(col, _col(col))
        ref = f"{letters}{row + 1}"
        if method == "write_formula":
            value = args[4] if len(args) > 4 else 0
            f = _esc(args[2][1:] if args[2][:1] == "=" else args[2])
            if isinstance(value, str):
                cell = f'<c r="{ref}" t="str"><f>{f}</f><v>{_esc(value)}</v></c>'
            else:
                cell = f'<c r="{ref}"><f>{f}</f><v>{value!r}</v></c>'
        elif method == "write_string":
            i = strings.setdefault(args[2], len(strings))
            cell = f'<c r="{ref}" t="s"><v>{i}</v></c>'
        elif method in ("write_number", "write_boolean"):
            cell = f'<c r="{ref}"><v>{float(args[2])!r}</v></c>'
        else:
            cell = f'<c r="{ref}"/>'
        sheets[sheet].setdefault(row, {})[col] = cell
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for i, rows in enumerate(sheets.values(), start=1):
            body = "".join(f'<row r="{r + 1}">' + "".join(c for _, c in sorted(cells.items()))
                           + "</row>" for r, cells in sorted(rows.items()))
            z.writestr(f"xl/worksheets/sheet{i}.xml", head + body + "</sheetData></worksheet>")
        sst = "".join(f"<si><t>{_esc(s)}</t></si>" for s in strings)
        z.writestr("xl/sharedStrings.xml", f'<sst count="{len(strings)}">{sst}</sst>')


def main(argv: list[str]) -> int:
    t = time.perf_counter()
    with open(argv[0], "rb") as fh:
        stream = pickle.load(fh)
    loaded = time.perf_counter() - t
    t = time.perf_counter()
    buf = io.BytesIO()
    (physical if "--physical" in argv else replay)(stream, buf)
    Path(argv[1]).write_bytes(buf.getvalue())
    print(f'{{"load_s": {loaded!r}, "write_s": {time.perf_counter() - t!r}}}')
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main(sys.argv[1:]))


# ---------------------------------------------------------------- recording (bench.py)

CELL_METHODS = ("write", "write_formula", "write_number", "write_string", "write_blank",
                "write_boolean", "write_datetime", "write_array_formula", "merge_range")


def record(write: Any) -> dict[str, Any]:
    """Call ``write()`` (a build's write) and return the cells it wrote, as a stream
    for ``replay``: the workbook options, every format's properties, the sheets in
    order and every public cell-writing call with its arguments."""
    from xlsxwriter.workbook import Workbook

    from model.workbook.fastsheet import FastFormulaWorksheet
    stream: dict[str, Any] = {"options": {}, "formats": [], "sheets": [], "cells": []}
    index: dict[int, int] = {}
    keep: list[Any] = []  # the formats stay alive, so their ids stay theirs
    saved = {"__init__": Workbook.__init__, "add_format": Workbook.add_format,
             "add_worksheet": Workbook.add_worksheet}

    def init(self: Any, filename: Any = None, options: Any = None) -> None:
        stream["options"] = dict(options or {})
        stream["in_init"] = True  # the workbook's own default formats are not replayed
        saved["__init__"](self, filename, options)
        del stream["in_init"]

    def add_format(self: Any, props: Any = None) -> Any:
        f = saved["add_format"](self, props)
        if "in_init" in stream:
            return f
        index[id(f)] = len(stream["formats"])
        stream["formats"].append(dict(props or {}))
        keep.append(f)
        return f

    def add_worksheet(self: Any, name: Any = None, worksheet_class: Any = None) -> Any:
        ws = saved["add_worksheet"](self, name, worksheet_class)
        stream["sheets"].append(ws.name)
        return ws

    def recorder(method: str) -> Any:
        inner = getattr(FastFormulaWorksheet, method)

        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            stream["cells"].append((self.name, method, tuple(
                (FORMAT, index[id(a)]) if id(a) in index else a for a in args), {
                k: (FORMAT, index[id(a)]) if id(a) in index else a for k, a in kwargs.items()}))
            return inner(self, *args, **kwargs)
        return call

    own = {m: FastFormulaWorksheet.__dict__[m] for m in CELL_METHODS
           if m in FastFormulaWorksheet.__dict__}
    patched = {m: recorder(m) for m in CELL_METHODS}
    try:
        Workbook.__init__ = init  # type: ignore[method-assign]
        Workbook.add_format = add_format  # type: ignore[method-assign]
        Workbook.add_worksheet = add_worksheet  # type: ignore[method-assign]
        for m, f in patched.items():
            setattr(FastFormulaWorksheet, m, f)
        write()
    finally:
        for name, f in saved.items():
            setattr(Workbook, name, f)
        for m in patched:
            if m in own:
                setattr(FastFormulaWorksheet, m, own[m])
            else:
                delattr(FastFormulaWorksheet, m)
    stream["options"].pop("in_memory", None)
    stream["options"]["in_memory"] = True
    return stream
