"""The model as it travels by email: it keeps its scenario, diff compares two models
under their own scenarios, pandas reads it in one line, and the sharing modes
(--protect, --values-only) open cleanly in LibreOffice and pass the Open XML schemas."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import model
import model.analysis.report
from model.cli import main
from model.recalc.libreoffice import convert_libreoffice

AMENDMENT = "amendment (Apr 2026)"


@pytest.fixture(scope="module")
def amendment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("amend") / "assumptions-model.xlsx"
    assert main(["build", "--scenario", AMENDMENT, "-o", str(out)]) == 0
    return out


def test_a_rebuild_keeps_the_scenario_selected_in_the_file(amendment: Path,
                                                           tmp_path: Path) -> None:
    again = tmp_path / "assumptions-model.xlsx"
    assert main(["build", str(amendment), "-o", str(again)]) == 0
    assert again.read_bytes() == amendment.read_bytes()  # the same model, byte for byte
    assert model.load(again).selected == AMENDMENT


def test_the_scenario_chosen_in_excel_travels(amendment: Path, tmp_path: Path) -> None:
    """A recipient picks another scenario from the Dashboard's drop-down and saves."""
    wb = openpyxl.load_workbook(amendment)
    wb["Dashboard"]["B4"] = "seed terms (2024)"
    wb.save(tmp_path / "picked.xlsx")
    assert model.load(tmp_path / "picked.xlsx").selected == "seed terms (2024)"
    out = tmp_path / "rebuilt.xlsx"
    assert main(["build", str(tmp_path / "picked.xlsx"), "-o", str(out)]) == 0
    assert openpyxl.load_workbook(out)["Dashboard"]["B4"].value == "seed terms (2024)"
    # --scenario still says otherwise
    assert main(["build", str(tmp_path / "picked.xlsx"), "--scenario", AMENDMENT, "-o",
                 str(out)]) == 0
    assert model.load(out).selected == AMENDMENT


def test_a_name_that_is_no_scenario_is_refused(amendment: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    wb = openpyxl.load_workbook(amendment)
    wb["Dashboard"]["B4"] = "my own scenario"
    wb.save(tmp_path / "typed.xlsx")
    assert main(["check", str(tmp_path / "typed.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "sheet Dashboard, cell B4: expected one of the scenarios" in err
    assert "found the text 'my own scenario'" in err


def test_diff_of_two_scenario_models_reports_the_selection_and_the_moves(
        amendment: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = tmp_path / "base.xlsx"
    assert main(["build", "-o", str(base)]) == 0
    capsys.readouterr()
    assert main(["diff", str(base), str(amendment)]) == 0
    text = capsys.readouterr().out
    assert f"The scenario selected differs: 'seed terms (2024)' in base.xlsx, '{AMENDMENT}'" \
        in text
    assert "No headline result moved." not in text
    # Microsoft's total take moves by what the two scenarios compute, independently run
    before = model.compute(model.load(base)).headlines()["microsoft_total_take"]
    after = model.compute(model.load(base).with_scenario(AMENDMENT)).headlines()[
        "microsoft_total_take"]
    assert abs(after - before) > 5e9  # the $10B the issue reports
    line = next(ln for ln in text.splitlines() if ln.startswith("Microsoft's total take"))
    assert model.analysis.report.money(after - before, signed=True) in line


def test_read_model_gives_the_frame_compute_gives(amendment: Path) -> None:
    got = model.read_model(amendment)
    expected = model.compute(model.load(amendment)).values
    pd.testing.assert_frame_equal(got, expected, rtol=1e-9, check_exact=False)
    opening = model.load(amendment).inputs["api_arr_opening"]  # the input, a year's worth
    assert got.attrs["opening"]["api_revenue"] == pytest.approx(opening / 12, rel=1e-12)


def test_read_model_after_a_libreoffice_recalculation(libreoffice: None, amendment: Path,
                                                      tmp_path: Path) -> None:
    """The values LibreOffice stores after recalculating read back as Python's."""
    recalculated = convert_libreoffice(amendment, tmp_path / "lo")
    pd.testing.assert_frame_equal(model.read_model(recalculated),
                                  model.compute(model.load(amendment)).values,
                                  rtol=1e-9, check_exact=False)


def _schema_errors(path: Path) -> int:
    exe = shutil.which("openxml-audit")  # else the venv's python is run without activating it
    cmd = [exe] if exe else [sys.executable, "-m", "openxml_audit"]
    r = subprocess.run([*cmd, "-f", "office2010", "-o", "json", str(path)],
                       capture_output=True, text=True, timeout=300)
    report = json.loads(r.stdout)
    return sum(int(f["error_count"]) for f in report)


@pytest.mark.slow
@pytest.mark.parametrize("option", ["--protect", "--values-only"])
def test_sharing_modes_open_cleanly(option: str, libreoffice: None, tmp_path: Path) -> None:
    out = tmp_path / "shared.xlsx"
    assert main(["build", option, "-o", str(out)]) == 0
    assert _schema_errors(out) == 0
    pdf = convert_libreoffice(out, tmp_path / "pdf", "pdf")
    assert pdf.stat().st_size > 10_000
    wb = openpyxl.load_workbook(out)
    if option == "--protect":
        assert all(ws.protection.sheet for ws in wb.worksheets)
        inputs = wb["Inputs"]
        row = next(r for r in range(2, 40) if inputs.cell(r, 1).value == "api_arr_opening")
        assert inputs.cell(row, 2).protection.locked is False  # an input: editable
        assert inputs.cell(row, 1).protection.locked is True  # its key: not
        assert wb["Revenue"]["H20"].protection.locked is True  # a formula: not
        assert wb["Dashboard"]["B4"].protection.locked is False  # the scenario drop-down
    else:
        formulas = [c.coordinate for ws in wb.worksheets for row in ws.iter_rows()
                    for c in row if c.data_type == "f"]
        assert formulas == []
        assert str(wb["Dashboard"]["B1"].value).startswith("VALUES ONLY")
        # the numbers are those of the live model
        pd.testing.assert_frame_equal(model.read_model(out), model.compute().values,
                                      rtol=1e-9, check_exact=False)


def test_a_password_needs_protect(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["build", "--password", "x", "-o", str(tmp_path / "o.xlsx")]) == 2
    assert "--password together with --protect" in capsys.readouterr().err
