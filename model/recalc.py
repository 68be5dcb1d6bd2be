"""Recalculate an xlsxwriter workbook with a real engine and check its cached values.

xlsxwriter cannot calculate formulas: it stores whatever cached value the caller
passes to ``write_formula(..., value=...)`` (0 by default).  Excel shows that value
until it recalculates, and many readers (pandas, openpyxl ``data_only=True``, viewers,
mail previews) only ever see it.  This module recalculates the file with LibreOffice
(headless) or IronCalc and lists every formula cell whose stored value differs from
the engine's result.

Typical use::

    cells = formula_cells(path)
    problems = compare(cells, recalc_values_ironcalc(path))
    problems += compare(cells, recalc_values_libreoffice(path, tmp_dir))

Engine behaviour measured with LibreOffice 7.4.7 and ironcalc 0.9.1 (Python 3.11):

* Error results are returned as plain strings by both engines ('#DIV/0!', '#N/A',
  '#NAME?', ...).  This module wraps them in :class:`EngineError` (a ``str``
  subclass) using the engine's cell type (IronCalc ``CellType.ErrorValue``,
  openpyxl ``data_type == 'e'`` for LibreOffice output), so an error can be told
  apart from a formula that returns the text "#N/A".
* IronCalc returns booleans as Python ``bool``, numbers as ``float`` (also for
  dates: a serial number), text as ``str`` and ``=""`` as ``''``.
* IronCalc's ``get_cell_value_by_ref`` does NOT accept quoted sheet names:
  ``"My Sheet!B1"`` works, ``"'My Sheet'!B1"`` raises ``WorkbookError``.  This
  module therefore reads cells by (sheet index, row, column) instead.
* LibreOffice does not recalculate xlsx files on load by default (it keeps the
  cached values), see :func:`recalc_libreoffice` for how that is forced.
* openpyxl turns numbers in date-formatted cells into ``datetime`` objects (in the
  LibreOffice output and in cached values alike); they are converted back to
  Excel serial numbers here.
* xlsxwriter writes the cached value ``""`` as an empty ``<v></v>``, which
  openpyxl reads back as ``None``; :func:`compare` treats ``None`` and ``''`` as
  equal.  Passing ``value=None`` explicitly to ``write_formula`` writes the text
  ``<v>None</v>`` in a numeric cell, which openpyxl cannot read (ValueError).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.cell.read_only import EmptyCell
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.datetime import to_excel

__all__ = [
    "ERROR_CODES",
    "Cell",
    "EngineError",
    "RecalcError",
    "compare",
    "formula_cells",
    "libreoffice_available",
    "recalc_libreoffice",
    "recalc_values_ironcalc",
    "recalc_values_libreoffice",
]

#: Spreadsheet error values (Excel's, plus IronCalc/LibreOffice specific ones).
#: A plain ``str`` engine value equal to one of these also counts as an error.
ERROR_CODES = frozenset(
    {
        "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
        "#GETTING_DATA", "#SPILL!", "#CALC!", "#CIRC!", "#ERROR!", "#N/IMPL!",
    }
)  # fmt: skip

_LO_FILTER = "xlsx:Calc MS Excel 2007 XML"

# 0 = always recalculate, 1 = never, 2 = prompt (LibreOffice's default is 1 for
# OOXML, 2 in newer versions; neither recalculates in headless mode).
_LO_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class RecalcError(RuntimeError):
    """A spreadsheet engine failed to load, recalculate or write a workbook."""


class EngineError(str):
    """An error value computed by an engine, e.g. ``EngineError('#DIV/0!')``."""

    __slots__ = ()


@dataclass(frozen=True)
class Cell:
    """One formula cell and the value cached for it in the file.

    ``cached`` is what openpyxl reads with ``data_only=True``: int/float, str, bool,
    None (no or empty cached value) or a datetime when the cell has a date format.
    """

    sheet: str
    ref: str
    formula: str
    cached: object


def formula_cells(path: Path) -> list[Cell]:
    """Return every formula cell of every sheet, in sheet/row/column order.

    Array and dynamic-array formulas are reported once, at their anchor cell, with
    their formula text (e.g. ``'=SUM(A1:A3*2)'``); spill cells are plain values.
    """
    formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        cells: list[Cell] = []
        for ws in formulas.worksheets:
            found: list[tuple[str, str]] = []
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c, EmptyCell) or c.data_type != "f":
                        continue
                    text = getattr(c.value, "text", c.value)  # ArrayFormula.text
                    found.append((c.coordinate, str(text)))
            if not found:
                continue
            cached = {
                c.coordinate: c.value
                for row in values[ws.title].iter_rows()
                for c in row
                if not isinstance(c, EmptyCell)
            }
            cells.extend(Cell(ws.title, ref, f, cached.get(ref)) for ref, f in found)
        return cells
    finally:
        formulas.close()
        values.close()


def libreoffice_available() -> bool:
    """True if a ``soffice`` or ``libreoffice`` executable is on PATH."""
    return _soffice() is not None


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def recalc_libreoffice(src: Path, out_dir: Path, timeout: float = 180) -> Path:
    """Open ``src`` in headless LibreOffice, recalculate everything, save as xlsx.

    Returns ``out_dir / (src.stem + '.xlsx')``. See ``convert_libreoffice``."""
    return convert_libreoffice(src, out_dir, "xlsx", timeout)


_TARGETS = {"xlsx": _LO_FILTER, "pdf": "pdf:calc_pdf_Export"}


def convert_libreoffice(src: Path, out_dir: Path, target: str = "xlsx",
                        timeout: float = 180) -> Path:
    """Open ``src`` in headless LibreOffice, recalculate everything, save as ``target``
    (xlsx or pdf).

    Returns ``out_dir / (src.stem + '.' + target)``.  ``out_dir`` must not be the folder
    of ``src`` (ValueError), so the source file can never be overwritten.

    LibreOffice keeps cached values of xlsx files on load unless told otherwise, so
    each call creates a throw-away user profile whose registrymodifications.xcu sets
    ``Calc/Formula/Load/OOXMLRecalcMode`` (and ``ODFRecalcMode``) to 0 = "always
    recalculate", and passes it with ``-env:UserInstallation``.  A private profile
    also makes concurrent calls safe (one soffice process per profile) and keeps
    them independent of a desktop LibreOffice that might be running.

    soffice exits 0 even when conversion fails, so success is judged by the output
    file existing.  Raises RecalcError (with soffice's output) on failure/timeout.
    """
    src = Path(src).resolve()
    out_dir = Path(out_dir).resolve()
    if not src.is_file():
        raise FileNotFoundError(src)
    if out_dir == src.parent:
        raise ValueError(f"out_dir must differ from the folder of {src}")
    exe = _soffice()
    if exe is None:
        raise RecalcError("LibreOffice (soffice) is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{src.stem}.{target}"
    out.unlink(missing_ok=True)

    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        (profile / "user").mkdir()
        (profile / "user" / "registrymodifications.xcu").write_text(
            _LO_REGISTRY, encoding="utf-8"
        )
        cmd = [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            "--convert-to", _TARGETS[target],
            "--outdir", str(out_dir),
            str(src),
        ]  # fmt: skip
        env = {**os.environ, "HOME": str(profile)}
        stdout, stderr, code = _run(cmd, env, timeout)
        if not out.is_file():
            raise RecalcError(
                f"LibreOffice did not produce {out} (exit code {code})\n"
                f"command: {cmd}\nstdout: {stdout}\nstderr: {stderr}"
            )
        return out
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _run(cmd: list[str], env: dict[str, str], timeout: float) -> tuple[str, str, int]:
    """Run cmd in its own process group; on timeout kill the whole group.

    ``soffice`` is a shell script that starts ``oosplash`` and ``soffice.bin``;
    killing only the direct child would leave soffice.bin running.
    """
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        raise RecalcError(
            f"LibreOffice timed out after {timeout}s\ncommand: {cmd}\n"
            f"stdout: {stdout}\nstderr: {stderr}"
        ) from None
    return stdout, stderr, proc.returncode


def recalc_values_libreoffice(
    src: Path, tmp_dir: Path
) -> dict[tuple[str, str], object]:
    """Recalculate ``src`` with LibreOffice and return ``{(sheet, 'B12'): value}``.

    The recalculated copy is written to a fresh sub-folder of ``tmp_dir`` (left in
    place for inspection) so ``tmp_dir`` may be the folder of ``src``.  Every
    non-empty cell of every sheet is returned, not only formula cells.

    Values as read by openpyxl from LibreOffice's output: numbers int/float,
    booleans bool, text str; date-formatted cells are converted back from
    datetime to Excel serial numbers (float); error cells (``t="e"``) become
    :class:`EngineError`.
    """
    Path(tmp_dir).mkdir(parents=True, exist_ok=True)
    out_dir = Path(tempfile.mkdtemp(prefix="recalc-", dir=tmp_dir))
    out = recalc_libreoffice(Path(src), out_dir)
    wb = openpyxl.load_workbook(out, read_only=True, data_only=True)
    try:
        result: dict[tuple[str, str], object] = {}
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c, EmptyCell):
                        continue
                    value = c.value
                    if c.data_type == "e" and isinstance(value, str):
                        value = EngineError(value)
                    result[(ws.title, c.coordinate)] = _to_serial(value)
        return result
    finally:
        wb.close()


def recalc_values_ironcalc(src: Path) -> dict[tuple[str, str], object]:
    """Recalculate ``src`` with IronCalc; return the values of all formula cells.

    Values: float, bool, str (``=""`` gives ``''``) or :class:`EngineError`.
    IronCalc raises (wrapped in RecalcError) on files it cannot load; functions it
    does not implement evaluate to errors such as '#NAME?' or '#N/IMPL!'.
    """
    import ironcalc  # local import: optional dependency

    path = Path(src)
    try:
        model = ironcalc.load_from_xlsx(str(path), "en", "UTC")
        model.evaluate()
    except Exception as exc:  # ironcalc.WorkbookError or a Rust panic
        raise RecalcError(f"IronCalc could not evaluate {path}: {exc}") from exc
    index = {p["name"]: i for i, p in enumerate(model.get_worksheets_properties())}
    error_type = ironcalc.CellType.ErrorValue
    result: dict[tuple[str, str], object] = {}
    for cell in formula_cells(path):
        sheet = index[cell.sheet]
        row, col = coordinate_to_tuple(cell.ref)
        value = model.get_cell_value(sheet, row, col)
        if model.get_cell_type(sheet, row, col) == error_type:
            value = EngineError(value)
        result[(cell.sheet, cell.ref)] = value
    return result


def compare(
    cells: list[Cell],
    values: dict[tuple[str, str], object],
    rel: float = 1e-9,
    abs_tol: float = 1e-6,
) -> list[str]:
    """Return one line per formula cell whose cached value differs from the engine.

    Rules: numbers (and bools, True == 1) compare with ``math.isclose``; strings
    exactly; ``None`` and ``''`` are equal; datetimes compare as Excel serials.
    An engine error value (:class:`EngineError` or a string in ``ERROR_CODES``)
    is always a mismatch, as is a cell missing from ``values``.
    """
    problems: list[str] = []
    for cell in cells:
        where = f"{_quote(cell.sheet)}!{cell.ref}"
        stored = _to_serial(cell.cached)
        key = (cell.sheet, cell.ref)
        if key not in values:
            problems.append(
                f"{where}: formula {cell.formula}, stored {stored!r}, engine has no value"
            )
            continue
        engine = _to_serial(values[key])
        if _is_error(engine) or not _same(stored, engine, rel, abs_tol):
            problems.append(
                f"{where}: formula {cell.formula}, stored {stored!r}, engine {engine!r}"
            )
    return problems


def _quote(sheet: str) -> str:
    """Quote a sheet name the way Excel formulas do, only when needed."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def _is_error(value: object) -> bool:
    return isinstance(value, EngineError) or (
        isinstance(value, str) and value in ERROR_CODES
    )


def _same(a: object, b: object, rel: float, abs_tol: float) -> bool:
    if a is None or a == "":
        return b is None or b == ""
    if isinstance(a, int | float) and isinstance(b, int | float):  # bool is an int
        return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=abs_tol)
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    return False


def _to_serial(value: object) -> object:
    """datetime/date/time/timedelta -> Excel serial (1900 system); others unchanged.

    Uses openpyxl's ``to_excel`` (days since 1899-12-30 plus the time fraction,
    with Excel's 1900-leap-year offset for dates before 1900-03-01), the exact
    inverse of how openpyxl turned the stored serial into a datetime.
    """
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        return float(to_excel(value))
    return value
