"""Helpers shared by the tests: build workbooks and find rows by their key."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import math
import os
import re
import subprocess
import traceback
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from model.core.engine import run
from model.core.results import Results
from model.inputs.assumptions import Assumptions
from model.inputs.defaults import default_assumptions
from model.workbook.output import write_atomic

REL = 1e-9  # relative tolerance for money: engines and Python must agree to 1e-9
# The IRR (XIRR) agrees to 1e-6, absolute on the rate and relative: each engine stops its
# iteration at a tolerance of its own (tests/test_valuation.py).
IRR_TOL = 1e-6


def build(tmp: Path, a: Assumptions | None = None,
          name: str = "model.xlsx") -> tuple[Path, Results]:
    results = run(a or default_assumptions())
    out = tmp / name
    write_atomic(results, out)
    return out, results


def with_inputs(a: Assumptions, **changes: object) -> Assumptions:
    return dataclasses.replace(a, inputs={**a.inputs, **changes})


def assert_lines_match(recalculated: Path, expected: Results) -> int:
    """Every monthly line of a recalculated workbook equals Python's results (REL);
    returns the number of cells compared."""
    compared = 0
    for sheet in ("Revenue", "Waterfall", "Cash", "Checks"):
        rows = row_values(recalculated, sheet)
        for ln in expected.lines:
            if ln.sheet != sheet or ln.key in ("month", "period"):
                continue
            for t, want in enumerate(expected.row(ln.key)):
                cell = rows[ln.key][t]
                got = (float((cell.date() - dt.date(1899, 12, 30)).days)  # dates as serials
                       if isinstance(cell, dt.datetime) else float(cell))
                assert math.isclose(got, want, rel_tol=REL, abs_tol=1e-6), \
                    f"{sheet} {ln.key} month {t + 1}: spreadsheet {got}, Python {want}"
                compared += 1
    return compared


def split_irr(cells: list[Any]) -> tuple[list[Any], list[Any]]:
    """The formula cells that hold an IRR (XIRR, or a link to one) and all the others."""
    irr_refs = {f"{c.sheet}!$D${c.ref[1:]}" for c in cells if "XIRR(" in c.formula}
    irr = [c for c in cells if "XIRR(" in c.formula or c.formula[1:] in irr_refs]
    return irr, [c for c in cells if c not in irr]


def row_values(path: Path, sheet: str, data_only: bool = True) -> dict[str, list[Any]]:
    """{key in column A: the row's values from column F (first month) on}."""
    wb = openpyxl.load_workbook(path, data_only=data_only, read_only=True)
    try:
        out: dict[str, list[Any]] = {}
        for row in wb[sheet].iter_rows(values_only=True):
            if row and isinstance(row[0], str) and row[0] and row[0] not in out:
                out[row[0]] = list(row[5:])
        return out
    finally:
        wb.close()


def slow_after_the_first(values: Sequence[Any]) -> list[Any]:
    """Parameters for ``parametrize``: the first in the everyday run, the rest marked slow
    (e.g. the default scenario everyday, every scenario in the full run)."""
    return [values[0], *(pytest.param(v, marks=pytest.mark.slow) for v in values[1:])]


def run_main(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The command line's ``main()`` in this process, answered as ``subprocess.run`` would:
    exit code, stdout and stderr (an exception that escapes shows as its traceback, exit
    1). A whole process costs about 0.1 s of interpreter and 0.5 s of imports a call; the
    tests of the process boundary itself (tests/test_cli.py, test_bad_inputs.py,
    test_output_faults.py, test_nothing_lost.py) run the real one."""
    from model.cli import main
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except BaseException:  # noqa: BLE001 - shown to the test, as a process would
                err.write(traceback.format_exc())
                code = 1
    finally:
        os.chdir(here)
    return subprocess.CompletedProcess(["finmodel", *args], code, out.getvalue(),
                                       err.getvalue())


# ---------------------------------------------------------------- a saved file edited by hand

def rewrite_part(src: Path, out: Path, part: str, edit: Callable[[str], str]) -> Path:
    """A copy of the workbook ``src`` (``out`` may be ``src`` itself) whose zip ``part``
    holds ``edit`` of its text: a change as another program would have saved it."""
    data = Path(src).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in z.infolist():
            body = z.read(info.filename)
            dst.writestr(info, edit(body.decode()).encode() if info.filename == part else body)
    return out


def replace_cells(cells: dict[str, str]) -> Callable[[str], str]:
    """An edit for ``rewrite_part``: each whole ``<c>`` element of the cells named replaced
    by the XML given (each must be there once)."""
    def edit(text: str) -> str:
        for cell, new in cells.items():
            text, n = re.subn(rf'<c r="{cell}"[^>]*>.*?</c>', new, text, count=1)
            assert n == 1, cell
        return text
    return edit


def sheet_part(path: Path, sheet: str) -> str:
    """The zip part of ``sheet`` in a workbook written by xlsxwriter (parts in sheet order)."""
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    return f"xl/worksheets/sheet{names.index(sheet) + 1}.xml"


def valuation_cells(values: dict[tuple[str, str], object], path: Path) -> dict[str, object]:
    """The Valuation sheet's values of a recalculation, by the key in column A."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        out = {}
        for r, row in enumerate(wb["Valuation"].iter_rows(values_only=True), start=1):
            if row and isinstance(row[0], str):
                out[row[0]] = values.get(("Valuation", f"D{r}"))
        return out
    finally:
        wb.close()
