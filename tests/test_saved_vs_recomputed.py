"""`diff` and `read_model` tell a file's saved values from what its inputs give
(issue 17): a paste that changed the Dashboard's headline is shown both ways, added
sheets are named, and read_model warns."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import openpyxl
import pytest

import model
from model.analysis.report import money
from model.cli import main
from model.inputs.defaults import default_assumptions
from model.workbook.readback import SavedValuesWarning
from tests.helpers import build, replace_cells, rewrite_part, sheet_part, with_inputs


def _set_saved(path: Path, out: Path, sheet: str, cells: dict[str, str]) -> Path:
    """Replace whole <c> elements of one sheet (cell -> XML), as a program that pasted a
    value and recalculated would have saved them."""
    return rewrite_part(path, out, sheet_part(path, sheet), replace_cells(cells))


@pytest.fixture(scope="module")
def pasted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, float]:
    """A 24-month model, and a copy whose Microsoft receipts at the horizon were pasted
    over (Waterfall) and whose Dashboard saved what that gives."""
    tmp = tmp_path_factory.mktemp("saved")
    path, results = build(tmp, with_inputs(default_assumptions(), horizon_months=24))
    wb = openpyxl.load_workbook(path, read_only=True)
    dash = next(i for i, r in enumerate(wb["Dashboard"].iter_rows(max_col=1, values_only=True),
                                        1) if r[0] == "Cumulative receipts at the horizon: "
                                                      "Microsoft")
    row = next(i for i, r in enumerate(wb["Waterfall"].iter_rows(max_col=1, values_only=True),
                                       1) if r[0] == "cum_microsoft")
    last = openpyxl.utils.get_column_letter(5 + 24)  # E is the opening column
    step = _set_saved(path, tmp / "step.xlsx", "Waterfall",
                      {f"{last}{row}": f'<c r="{last}{row}"><v>20920000000</v></c>'})
    out = _set_saved(step, tmp / "pasted.xlsx", "Dashboard", {
        f"B{dash}": f'<c r="B{dash}"><f>Waterfall!${last}${row}</f><v>20920000000</v></c>'})
    return path, out, float(results.last("cum_microsoft"))


def test_diff_shows_saved_and_recomputed_headlines(pasted: tuple[Path, Path, float],
                                                   capsys) -> None:
    original, edited, python = pasted
    assert main(["diff", str(original), str(edited)]) == 0
    out = capsys.readouterr().out
    notes = out[out.index("headlines as saved in the file differ"):]
    assert f"finmodel audit {edited}" in notes
    row = next(line for line in notes.splitlines()
               if line.startswith("Cumulative receipts at the horizon: Microsoft"))
    assert "$20.92B" in row
    assert money(python) in row  # recomputed, by Python
    assert f"{original.name}: headlines" not in out  # the original agrees with itself
    assert re.search(rf"{edited.name}: formulas pasted over with a value: 1 \(Waterfall!"
                     r"[A-Z]+\d+ \(cum_microsoft\)\)", out), out
    assert f"{original.name}: formulas pasted" not in out


def test_diff_names_added_sheets(pasted: tuple[Path, Path, float], tmp_path: Path,
                                 capsys) -> None:
    original = pasted[0]
    wb = openpyxl.load_workbook(original)
    wb.create_sheet("My notes")
    added = tmp_path / "added.xlsx"
    wb.save(added)
    assert main(["diff", str(original), str(added)]) == 0
    assert "Sheets added in added.xlsx: My notes; removed: none" in capsys.readouterr().out


def test_read_model_warns_when_saved_values_disagree(pasted: tuple[Path, Path, float]
                                                     ) -> None:
    original, edited, _ = pasted
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the control: no warning for an intact model
        model.read_model(original)
    with pytest.warns(SavedValuesWarning, match=r"1 saved values disagree.*cum_microsoft"):
        frame = model.read_model(edited)
    assert frame.loc["cum_microsoft"].iloc[-1] == 20.92e9  # what the file says, still
