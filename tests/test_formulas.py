"""Formula hygiene, checked on the generated workbook itself: only functions Excel 2010
and LibreOffice both know, no volatile or dynamic-array functions, no numbers typed into
formulas other than 0, 1 and 12, and one formula per row across the months."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from model.recalc import formula_cells
from tests.helpers import build

ALLOWED = {"SUM", "MIN", "MAX", "ABS", "IF", "AND", "ISBLANK", "INDEX", "MATCH", "DATE",
           "YEAR", "MONTH", "IFERROR", "COUNTIF", "COLUMNS", "EXACT",
           # The Cash sheet's funding: the Investments rows dated this month, one short
           # formula however many rows (tests/test_cash_workbook.py recalculates it).
           "SUMPRODUCT",
           # The Valuation sheet's IRR: an Analysis ToolPak function built into Excel since
           # 2007, written without a prefix; LibreOffice and ironcalc compute it
           # (tests/test_valuation.py, tests/test_recalc_parity.py).
           "XIRR",
           # around XIRR, to 12 places: capital returned exactly is an IRR of 0, not the
           # -2e-17 that printed "(0.0%)" (the same tests recalculate it)
           "ROUND"}
STRING = re.compile(r'"[^"]*"')
REF = re.compile(r"(?:\w+!)?\$?[A-Z]{1,3}\$?\d+")
NUMBER = re.compile(r"(?<![A-Za-z_$])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
FUNCTION = re.compile(r"([A-Z][A-Z0-9_.]*)\(")


@pytest.fixture(scope="module")
def formulas(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, str]]:
    path, _ = build(tmp_path_factory.mktemp("formulas"))
    return [(c.sheet, c.ref, c.formula) for c in formula_cells(Path(path))]


def test_only_classic_functions(formulas: list[tuple[str, str, str]]) -> None:
    used = {name for _, _, f in formulas for name in FUNCTION.findall(STRING.sub("", f))}
    assert used <= ALLOWED, used - ALLOWED
    assert not any("_xlfn" in f for _, _, f in formulas)


def test_no_numbers_typed_into_formulas(formulas: list[tuple[str, str, str]]) -> None:
    bad = []
    for sheet, ref, f in formulas:
        bare = REF.sub("", STRING.sub("", f))
        for number in NUMBER.findall(bare):
            if float(number) not in (0.0, 1.0, 12.0):
                bad.append(f"{sheet}!{ref}: {f}")
    assert bad == []


def test_one_formula_per_row_across_the_months(formulas: list[tuple[str, str, str]]) -> None:
    # Turning each month's relative column letters into a marker gives the same text.
    by_row: dict[tuple[str, int], set[str]] = {}
    for sheet, ref, f in formulas:
        if sheet not in ("Revenue", "Waterfall", "Cash", "Checks"):
            continue
        col, row = re.match(r"([A-Z]+)(\d+)", ref).groups()  # type: ignore[union-attr]
        if col in ("A", "B", "C", "D", "E"):  # labels, totals and the opening column
            continue
        shape = re.sub(rf"(?<![A-Z$]){col}(?=\$?\d)", "<cur>", f)
        prev = _prev(col)
        shape = re.sub(rf"(?<![A-Z$]){prev}(?=\$?\d)", "<prev>", shape)
        by_row.setdefault((sheet, int(row)), set()).add(shape)
    varied = {k: v for k, v in by_row.items() if len(v) > 1}
    assert len(by_row) > 100
    assert varied == {}


def _prev(col: str) -> str:
    n = 0
    for ch in col:
        n = n * 26 + ord(ch) - 64
    n -= 1
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out
