"""The fast formula preparation writes exactly the bytes xlsxwriter's own would."""

from __future__ import annotations

import inspect
import re

from xlsxwriter.worksheet import Worksheet

from model import compute
from model.workbook.fastsheet import REWRITTEN
from model.workbook.output import workbook_bytes
from model.workbook.writer import write_model


def test_names_cover_what_the_installed_xlsxwriter_rewrites() -> None:
    # Only the rewrites made without future functions: with them we defer to xlsxwriter.
    source = inspect.getsource(Worksheet._prepare_formula).split(
        "if not self.use_future_functions")[0]
    rewritten = set(re.findall(r'"_xlfn\.(?:_xlws\.)?([A-Z.]+)\(', source))
    assert rewritten and rewritten <= set(REWRITTEN)


def test_same_bytes_as_xlsxwriter(monkeypatch: object) -> None:
    import model.workbook.fastsheet as fast
    results = compute()
    quick = workbook_bytes(lambda buf: write_model(results, buf))
    # The same workbook with xlsxwriter's own preparation on every cell.
    original = fast.FastFormulaWorksheet._prepare_formula
    try:
        fast.FastFormulaWorksheet._prepare_formula = Worksheet._prepare_formula  # type: ignore[method-assign]
        slow = workbook_bytes(lambda buf: write_model(results, buf))
    finally:
        fast.FastFormulaWorksheet._prepare_formula = original  # type: ignore[method-assign]
    assert quick == slow
