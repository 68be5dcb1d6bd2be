"""Numbers proven on random cases: Python's values against a spreadsheet engine's.

For random valid assumptions (``tests/badinputs.random_assumptions``: caps that bind at
once, hurdles crossed part-way through a month, zero, huge and -100 % growth, losses, a
revenue-share cap, the equity switch at the first or last month, 1-4 tiers, 2-5 parties,
1-36 months, 0-3 revenue streams and 0-2 costs, paying the revenue share or not), the
engine runs, the writer writes the workbook with Python's values cached
in every formula cell, and a spreadsheet engine recalculates it: every formula cell must
agree to a relative 1e-9 (``model.recalc.compare``), with an absolute floor of $1e-6 or
1e-13 of the case's largest amount (``abs_tol``).

- ironcalc on every run: 200 cases by default, two at a time in worker processes. The
  formula cells and their cached values are read through ironcalc itself (fast); one case
  in ten also goes through ``model.recalc.formula_cells`` / ``recalc_values_ironcalc``
  (openpyxl), and the two readings must give the same cells.
- LibreOffice, the judge, on a batch of 6 cases.

FINMODEL_FUZZ_EXAMPLES sets the number of ironcalc cases, and LibreOffice gets 3 cases for
every 100 of them (``make fuzz``).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from model.core.engine import run
from model.inputs.assumptions import Assumptions
from model.recalc import (
    Cell,
    EngineError,
    compare,
    formula_cells,
    recalc_values_ironcalc,
    recalc_values_libreoffice,
)
from model.workbook.writer import write_model
from tests.badinputs import counting, random_assumptions
from tests.helpers import REL

BATCH = 4  # cases per hypothesis example, spread over the worker processes
CASES = int(os.environ.get("FINMODEL_FUZZ_EXAMPLES", "0")) or 200
OFFICIAL_EVERY = 10  # one case in ten also through model.recalc's openpyxl reading

_tally, _report = counting("differential")


@pytest.fixture(scope="module")
def pool() -> Iterator[Any]:
    workers = max(1, min(2, os.cpu_count() or 1))
    with multiprocessing.get_context("fork").Pool(workers) as p:
        yield p


def abs_tol(cells: list[Cell]) -> float:
    """The absolute tolerance of a case: $1e-6, or 1e-13 of its largest amount if more.

    Floating point noise is relative to the largest operands, not to the result: where
    nearly equal amounts cancel (a hurdle just reached: MAX(0, hurdle - received)), what
    is left is noise of about 1e-16 of the amounts, and a spreadsheet engine, like Excel,
    snaps such a difference to 0 where Python keeps it; dividing by a tier share can then
    make it a few millionths of a dollar on billions (see docs/robustness.md)."""
    scale = max((abs(c.cached) for c in cells
                 if isinstance(c.cached, float) and math.isfinite(c.cached)), default=0.0)
    return max(1e-6, 1e-13 * scale)


def ironcalc_cells(path: Path) -> tuple[list[Cell], dict[tuple[str, str], object]]:
    """Every formula cell with the value cached in the file, and ironcalc's recalculated
    values, both read through ironcalc (no openpyxl: about five times faster)."""
    import ironcalc
    model = ironcalc.load_from_xlsx(str(path), "en", "UTC")
    names = [p["name"] for p in model.get_worksheets_properties()]
    where = [(s, r, c) for s, r, c in model.get_all_cells()
             if model.get_cell_content(s, r, c).startswith("=")]
    cells = [Cell(names[s], f"{get_column_letter(c)}{r}", model.get_cell_content(s, r, c),
                  model.get_cell_value(s, r, c)) for s, r, c in where]
    model.evaluate()
    error = ironcalc.CellType.ErrorValue
    values: dict[tuple[str, str], object] = {}
    for (s, r, c), cell in zip(where, cells, strict=True):
        value = model.get_cell_value(s, r, c)
        values[(cell.sheet, cell.ref)] = (EngineError(value)
                                         if model.get_cell_type(s, r, c) == error else value)
    return cells, values


def differ_ironcalc(job: tuple[Assumptions, bool]) -> tuple[int, list[str]]:
    """(formula cells compared, mismatches) for one case; runs in a worker process."""
    a, official = job
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.xlsx"
        write_model(run(a), str(path))
        cells, values = ironcalc_cells(path)
        tol = abs_tol(cells)
        mismatches = compare(cells, values, rel=REL, abs_tol=tol)
        if official:
            by_openpyxl = formula_cells(path)
            assert {(c.sheet, c.ref) for c in by_openpyxl} == {(c.sheet, c.ref) for c in cells}
            mismatches += compare(by_openpyxl, recalc_values_ironcalc(path), rel=REL,
                                  abs_tol=tol)
        return len(cells), mismatches


_count = 0


@pytest.mark.slow
@settings(max_examples=max(1, CASES // BATCH), deadline=None,
          derandomize=not os.environ.get("FINMODEL_FUZZ_EXAMPLES"),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(batch=st.lists(random_assumptions(), min_size=BATCH, max_size=BATCH))
def test_python_agrees_with_ironcalc_on_random_cases(batch: list[Assumptions],
                                                     pool: Any) -> None:
    global _count
    jobs = []
    for a in batch:
        _count += 1
        jobs.append((a, _count % OFFICIAL_EVERY == 0))
    for a, (cells, mismatches) in zip(batch, pool.map(differ_ironcalc, jobs), strict=True):
        _tally["ironcalc cases"] += 1
        _tally["ironcalc cases with streams or costs"] += bool(a.streams or a.costs)
        _tally["ironcalc cells compared"] += cells
        _tally["ironcalc mismatches"] += len(mismatches)
        assert mismatches == [], "\n".join([repr(a), *mismatches[:10]])


def differ_libreoffice(a: Assumptions, folder: Path) -> tuple[int, list[str]]:
    folder.mkdir(parents=True)
    path = folder / "model.xlsx"
    write_model(run(a), str(path))
    cells = formula_cells(path)
    return len(cells), compare(cells, recalc_values_libreoffice(path, folder / "lo"), rel=REL,
                               abs_tol=abs_tol(cells))


@pytest.mark.slow
@settings(max_examples=max(2, CASES // 100), deadline=None,
          derandomize=not os.environ.get("FINMODEL_FUZZ_EXAMPLES"),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(batch=st.lists(random_assumptions(min_horizon=12, max_horizon=36), min_size=3,
                     max_size=3))
def test_python_agrees_with_libreoffice_on_random_cases(batch: list[Assumptions],
                                                        libreoffice: None,
                                                        tmp_path: Path) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    with ThreadPoolExecutor(len(batch)) as threads:
        results = list(threads.map(differ_libreoffice, batch,
                                   [folder / str(i) for i in range(len(batch))]))
    for a, (cells, mismatches) in zip(batch, results, strict=True):
        _tally["LibreOffice cases"] += 1
        _tally["LibreOffice cases with streams or costs"] += bool(a.streams or a.costs)
        _tally["LibreOffice cells compared"] += cells
        _tally["LibreOffice mismatches"] += len(mismatches)
        assert mismatches == [], "\n".join([repr(a), *mismatches[:10]])


@pytest.mark.xfail(strict=True, reason="ironcalc 0.9 drops the brackets of a+(b-c) and "
                   "computes (a+b)-c; LibreOffice (the judge) and Excel do not")
def test_ironcalc_keeps_brackets(tmp_path: Path) -> None:
    """An ironcalc quirk found while investigating a mismatch: it does not touch the
    model's formulas today (the writer writes a+b-c, left to right for every engine)."""
    import xlsxwriter
    path = tmp_path / "brackets.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    ws.write_number("A1", 1)
    ws.write_number("A2", 1e16)
    ws.write_number("A3", 1e16)
    ws.write_formula("B1", "=A1+(A2-A3)", None, 1.0)
    wb.close()
    assert recalc_values_ironcalc(path)[("S", "B1")] == 1.0


@pytest.mark.xfail(strict=True, reason="ironcalc 0.9 compares with a tolerance: 1e-16 > 0 "
                   "is false; LibreOffice (the judge) says true, as IEEE arithmetic does")
def test_ironcalc_compares_tiny_numbers(tmp_path: Path) -> None:
    """Found by a random case with amounts of 1e-265 dollars (a cap_binds flag differed);
    amounts of a cent or more, as the random cases now draw, are not affected."""
    import xlsxwriter
    path = tmp_path / "tiny.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    ws.write_number("A1", 1e-16)
    ws.write_formula("B1", "=(A1>0)*1", None, 1)
    wb.close()
    assert recalc_values_ironcalc(path)[("S", "B1")] == 1.0
