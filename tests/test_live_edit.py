"""Edit input cells inside a generated model, recalculate it in LibreOffice, and compare
every line with Python's results for the edited assumptions."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest

from model import load
from model.core.engine import run
from model.inputs.defaults import default_assumptions
from tests.helpers import assert_lines_match, build


def _cell_of(ws: openpyxl.worksheet.worksheet.Worksheet, key: str, column: str) -> str:
    header = {c.value: c.column_letter for c in ws[1]}
    for row in ws.iter_rows(min_row=2):
        if row[0].value == key:
            return f"{header[column]}{row[0].row}"
    raise KeyError(key)


@pytest.mark.slow
def test_edits_in_excel_flow_through(tmp_path: Path, libreoffice: None) -> None:
    from model.recalc import recalc_libreoffice

    path, _ = build(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["Inputs"][_cell_of(wb["Inputs"], "api_arr_opening", "value")] = 1.5e9
    schedule = wb["Schedule"]
    schedule["B3"] = 0.8  # api_growth of the 2025 row
    tiers = wb["Tiers"]
    tiers[_cell_of(tiers, 2, "microsoft")] = 0.6
    tiers[_cell_of(tiers, 2, "employees_investors")] = 0.4
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)

    recalculated = recalc_libreoffice(edited, tmp_path / "lo")

    a = default_assumptions()
    schedule_rows = list(a.schedule)
    schedule_rows[1] = {**schedule_rows[1], "api_growth": 0.8}
    tiers2 = [dataclasses.replace(t, shares={**t.shares, "microsoft": 0.6,
                                            "employees_investors": 0.4})
              if t.number == 2 else t for t in a.tiers]
    expected = run(dataclasses.replace(
        a, inputs={**a.inputs, "api_arr_opening": 1.5e9}, schedule=tuple(schedule_rows),
        tiers=tuple(tiers2)))
    assert expected.row("api_revenue")[0] != run(a).row("api_revenue")[0]

    compared = assert_lines_match(recalculated, expected)
    print(f"live edit: {compared} cells compared")
    assert compared > 9000


@pytest.mark.slow
def test_a_streams_opening_edited_in_excel_equals_a_rebuild(tmp_path: Path,
                                                            libreoffice: None) -> None:
    """Edit ChatGPT Plus's arr_opening and a cost's opening inside the output, recalculate
    in LibreOffice: every line equals a fresh run on the edited file (what `finmodel
    build` would make of it)."""
    from model.recalc import recalc_libreoffice

    path, before = build(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["Streams"][_cell_of(wb["Streams"], "chatgpt_plus", "arr_opening")] = 2.5e9
    wb["Costs"][_cell_of(wb["Costs"], "staff", "monthly_opening")] = 2e8
    wb["Streams"][_cell_of(wb["Streams"], "chatgpt_team", "pays_revshare")] = False
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)

    recalculated = recalc_libreoffice(edited, tmp_path / "lo")
    rebuilt = run(load(edited))
    assert rebuilt.raw[rebuilt.index["chatgpt_plus_revenue"]][0] == 2.5e9 / 12
    assert rebuilt.total("openai_operating_profit") != before.total("openai_operating_profit")
    compared = assert_lines_match(recalculated, rebuilt)
    print(f"live edit of a stream: {compared} cells compared")
    assert compared > 9000
