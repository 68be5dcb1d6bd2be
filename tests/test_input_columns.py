"""A message names the column where the user's workbook has it, not where the template
puts it: the columns of an input table may come in any order."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import model
from model.errors import InputError
from model.inputs import schema


def _reordered(tmp_path: Path, sheet: str, first: str) -> tuple[Path, dict[str, str]]:
    """The default template with ``first`` moved to column A of ``sheet`` (the others
    shift right); returns the path and each header's new column letter."""
    wb = openpyxl.load_workbook(model.default_template())
    ws = wb[sheet]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = rows[0]
    i = header.index(first)
    order = [i] + [j for j in range(len(header)) if j != i]
    ws.delete_rows(1, ws.max_row)
    for r, row in enumerate(rows, start=1):
        for c, j in enumerate(order, start=1):
            ws.cell(r, c, row[j] if j < len(row) else None)
    letters = {str(header[j]): openpyxl.utils.get_column_letter(c)
               for c, j in enumerate(order, start=1) if header[j] is not None}
    path = tmp_path / "reordered.xlsx"
    wb.save(path)
    return path, letters


def _set(path: Path, sheet: str, key_column: str, key: str, column: str,
         value: object) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[header.index(key_column)].value == key:
            row[header.index(column)].value = value
    wb.save(path)


def test_reordered_columns_still_read(tmp_path: Path) -> None:
    path, letters = _reordered(tmp_path, schema.PARTIES_SHEET, "equity_share")
    assert letters["equity_share"] == "A" and letters["party"] == "B"
    a = model.load(path)
    assert {p.key: p.equity_share for p in a.parties} == {
        p.key: p.equity_share for p in model.load(model.default_template()).parties}


def test_the_equity_share_message_names_the_column_where_it_is(tmp_path: Path) -> None:
    path, letters = _reordered(tmp_path, schema.PARTIES_SHEET, "equity_share")
    _set(path, schema.PARTIES_SHEET, "party", "microsoft", "equity_share", 0.9)
    with pytest.raises(InputError) as e:
        model.load(path)
    [problem] = [p for p in e.value.problems if "equity_share" in p.expected]
    assert problem.sheet == schema.PARTIES_SHEET and problem.cell == "column A"
    assert "column A" in str(e.value) and "column G" not in str(e.value)


def test_a_missing_party_is_looked_for_where_the_keys_are(tmp_path: Path) -> None:
    path, letters = _reordered(tmp_path, schema.PARTIES_SHEET, "label")
    _set(path, schema.PARTIES_SHEET, "party", "microsoft", "party", "msft")
    with pytest.raises(InputError) as e:
        model.load(path)
    [problem] = [p for p in e.value.problems if "'microsoft'" in p.expected
                 and p.sheet == schema.PARTIES_SHEET and p.cell is not None
                 and p.cell.startswith("column")]
    assert problem.cell == f"column {letters['party']}" == "column B"
