"""`audit` names causes, not symptoms (issue 17): a value pasted over one formula is one
finding, with the number of cells downstream whose saved values follow from it; a stale
result no cause reaches stays a finding of its own."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lo_edit import edit_in_libreoffice

from model.cli import main
from model.inputs.defaults import default_assumptions
from tests.helpers import build, replace_cells, rewrite_part, sheet_part, with_inputs


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # from April 2024 (not the template's start), so that column H is June 2024, as the
    # tests below say
    path, _ = build(tmp_path_factory.mktemp("causes"),
                    with_inputs(default_assumptions(), horizon_months=24,
                                start_month=dt.date(2024, 4, 1)))
    return path


def test_one_paste_is_one_cause_with_its_downstream_count(small: Path, tmp_path: Path,
                                                          capsys) -> None:
    ws = openpyxl.load_workbook(small, read_only=True)["Revenue"]
    row = next(i for i, r in enumerate(ws.iter_rows(max_col=1, values_only=True), 1)
               if r[0] == "api_revenue")
    # H (June 2024) pasted over; I and J (which grow from it) saved with what the paste
    # gives; F (before it) saved wrong for a reason of its own.
    path = rewrite_part(small, tmp_path / "pasted.xlsx", sheet_part(small, "Revenue"),
                        replace_cells({
        f"H{row}": f'<c r="H{row}"><v>12345</v></c>',
        f"I{row}": f'<c r="I{row}"><f>H{row}*(1+I9)^(1/12)</f><v>13000</v></c>',
        f"J{row}": f'<c r="J{row}"><f>I{row}*(1+J9)^(1/12)</f><v>14000</v></c>',
        f"F{row}": f'<c r="F{row}"><f>E{row}*(1+F9)^(1/12)</f><v>1</v></c>'}))
    assert main(["audit", str(path)]) == 1
    out = capsys.readouterr().out
    pasted = out[out.index("Formulas pasted over with a value: 1"):]
    assert re.search(rf"Revenue!H{row} \(api_revenue, 2024-06\): holds 12,345.*; 2 cells "
                     "downstream hold saved values that follow from it", pasted)
    stale = out[out.index("Saved results that do not match their formulas: 1"):]
    assert f"Revenue!F{row} " in stale.splitlines()[1]


@pytest.mark.slow
def test_a_paste_in_libreoffice_is_one_cause(libreoffice: None, small: Path,
                                             tmp_path: Path, capsys) -> None:
    """Pasted in a real spreadsheet program, which recalculates everything after it:
    the count is that of the cells whose saved values LibreOffice changed."""
    ws = openpyxl.load_workbook(small, read_only=True)["Revenue"]
    row = next(i for i, r in enumerate(ws.iter_rows(max_col=1, values_only=True), 1)
               if r[0] == "api_revenue")
    path = edit_in_libreoffice(small, tmp_path / "lo.xlsx", f"set|Revenue|H{row}|12345")
    before = openpyxl.load_workbook(small, data_only=True)
    after = openpyxl.load_workbook(path, data_only=True)
    formulas = openpyxl.load_workbook(small)
    moved = 0
    for ws in formulas.worksheets:
        for r in ws.iter_rows():
            for c in r:
                if c.data_type != "f" or (ws.title, c.coordinate) == ("Revenue", f"H{row}"):
                    continue
                old, new = before[ws.title][c.coordinate].value, \
                    after[ws.title][c.coordinate].value
                if isinstance(old, float | int) and isinstance(new, float | int):
                    moved += abs(old - new) > 1e-9 * max(1.0, abs(old))
                else:
                    moved += old != new
    assert moved > 10
    assert main(["audit", str(path)]) == 1
    out = capsys.readouterr().out
    assert "Formulas pasted over with a value: 1" in out
    assert f"; {moved:,} cells downstream" in out
    assert "Saved results that do not match" not in out



def _row(path: Path, sheet: str, key: str) -> int:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    return next(i for i, r in enumerate(ws.iter_rows(max_col=1, values_only=True), 1)
                if r[0] == key)


def test_formulas_typed_into_inputs_are_told_apart(small: Path, tmp_path: Path,
                                                   capsys) -> None:
    row = _row(small, "Inputs", "ptu_customers_opening")
    path = rewrite_part(small, tmp_path / "typed.xlsx", sheet_part(small, "Inputs"),
                        replace_cells({
        f"B{row}": f'<c r="B{row}"><f>B{row + 1}/4000</f><v>60</v></c>'}))
    assert main(["audit", str(path)]) == 0  # refers only to inputs: fine, and listed
    out = capsys.readouterr().out
    assert f"Formulas typed into inputs that refer only to inputs (fine: a rebuild keeps " \
           f"them): 1\n  Inputs!B{row} (ptu_customers_opening): 60 -> =B{row + 1}/4000" in out


def test_a_circular_input_formula_breaks_the_model(small: Path, tmp_path: Path,
                                                   capsys) -> None:
    row = _row(small, "Inputs", "ptu_customers_opening")
    ptu = _row(small, "Revenue", "ptu_revenue")
    path = rewrite_part(small, tmp_path / "circular.xlsx", sheet_part(small, "Inputs"),
                        replace_cells({
        f"B{row}": f'<c r="B{row}"><f>Revenue!F{ptu}*0+60</f><v>60</v></c>'}))
    assert main(["audit", str(path)]) == 1
    out = capsys.readouterr().out
    assert "Formulas in inputs that refer to calculated sheets" in out
    assert f"Circular references: 1\n  Inputs!B{row}: refers back to itself" in out
    assert "The model is NOT intact" in out


def test_removed_drop_down_and_dates_read_as_dates(small: Path, tmp_path: Path,
                                                   capsys) -> None:
    part = sheet_part(small, "Dashboard")
    xml = zipfile.ZipFile(small).read(part).decode()
    rules = re.search(r"<dataValidations.*?</dataValidations>", xml)
    assert rules is not None  # the control: the model has its drop-down
    month = _row(small, "Revenue", "month")
    path = rewrite_part(small, tmp_path / "no-drop-down.xlsx", part,
                        lambda xml: xml.replace(rules.group(0), ""))
    cell = re.search(rf'<c r="G{month}" s="(\d+)"', zipfile.ZipFile(path).read(
        sheet_part(path, "Revenue")).decode())
    assert cell is not None
    path = rewrite_part(path, tmp_path / "both.xlsx", sheet_part(path, "Revenue"),
                        replace_cells({
        f"G{month}": f'<c r="G{month}" s="{cell.group(1)}"><v>48761</v></c>'}))
    assert main(["audit", str(path)]) == 1
    out = capsys.readouterr().out
    assert "Data validation removed or changed: 1\n  Dashboard!B4: removed" in out
    assert f"Revenue!G{month} (month, 2024-05): holds 2033-07-01; the model has " \
        "=DATE(YEAR(F$3),MONTH(F$3)+1,1), which gives 2024-05-01" in out  # serials as dates


def test_a_hidden_sheet_shown(small: Path, tmp_path: Path, capsys) -> None:
    src = zipfile.ZipFile(small)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                assert b' state="hidden"' in body  # the control: Inputs as built is hidden
                body = body.replace(b' state="hidden"', b"")
            z.writestr(item, body)
    path = tmp_path / "shown.xlsx"
    path.write_bytes(buf.getvalue())
    assert main(["audit", str(path)]) == 1
    out = capsys.readouterr().out
    assert "Inputs as built: visible; expected hidden" in out
