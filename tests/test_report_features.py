"""Ready to email: the summary and dashboard first, print setup, size, diff and the
Changes sheet, PDF."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from model import default_template
from model.cli import main
from model.inputs.schema import DEFAULT_INPUTS
from tests.helpers import build

ROOT = Path(__file__).resolve().parent.parent


def test_opens_on_the_summary_then_the_dashboard_with_charts(tmp_path: Path) -> None:
    path, _ = build(tmp_path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:2] == ["Summary", "Dashboard"]
    assert wb.active.title == "Summary"
    with zipfile.ZipFile(path) as z:
        drawing = z.read("xl/drawings/drawing1.xml").decode()
        assert drawing.count("<c:chart ") == 7  # and Microsoft's value by source
        chart1 = z.read("xl/charts/chart1.xml").decode()
    assert "Revenue!$F$" in chart1  # series read the live monthly rows


def test_default_model_is_under_one_megabyte(tmp_path: Path) -> None:
    path, _ = build(tmp_path)
    assert path.stat().st_size < 1_000_000


def test_every_sheet_prints_with_header_and_footer(tmp_path: Path) -> None:
    path, _ = build(tmp_path)
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if re.match(r"xl/worksheets/sheet\d+\.xml", n)]
        titles = openpyxl.load_workbook(path, read_only=True).sheetnames
        for name in sheets:
            xml = z.read(name).decode()
            title = titles[int(re.findall(r"\d+", name)[0]) - 1]
            # landscape, but for the Checks sheet's single column of counts, upright
            upright = title == "Checks"
            assert f'orientation="{"portrait" if upright else "landscape"}"' in xml, title
            assert "Scenario: seed terms (2024)" in xml, name
            assert "OpenAI-Microsoft partnership model" in xml, name
        assert "fitToWidth" not in z.read("xl/worksheets/sheet1.xml").decode() \
            or 'fitToHeight="0"' in z.read("xl/worksheets/sheet1.xml").decode()


def test_diff_lists_changed_inputs_and_moved_results(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    new = tmp_path / "new.xlsx"
    wb = openpyxl.load_workbook(default_template())
    row = next(r for r in wb["Inputs"].iter_rows(min_row=2) if r[0].value == "api_arr_opening")
    row[1].value = 1.5e9
    wb.save(new)
    assert main(["diff", str(default_template()), str(new)]) == 0
    out = capsys.readouterr().out
    assert "Inputs!B4" in out and "api_arr_opening" in out
    before = f"{DEFAULT_INPUTS['api_arr_opening']:,.0f}"  # the template's value
    assert before in out and "1,500,000,000" in out
    assert "Cumulative receipts at the horizon: Microsoft" in out
    assert "Inputs changed: 1" in out


def test_diff_of_identical_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(default_template()), str(default_template())]) == 0
    out = capsys.readouterr().out
    assert "No input changed." in out and "No headline result moved." in out


def test_build_compare_adds_a_changes_sheet(tmp_path: Path) -> None:
    new = tmp_path / "new.xlsx"
    wb = openpyxl.load_workbook(default_template())
    wb["Tiers"]["F3"] = 0.7
    wb["Tiers"]["G3"] = 0.3
    wb.save(new)
    out = tmp_path / "model.xlsx"
    assert main(["build", str(new), "--compare", str(default_template()), "-o", str(out)]) == 0
    rows = list(openpyxl.load_workbook(out, read_only=True)["Changes"].values)
    cells = [r[0] for r in rows if r and r[0]]
    assert "Tiers!F3" in cells and "Tiers!G3" in cells


def test_pdf_of_the_report(tmp_path: Path, libreoffice: None) -> None:
    """The PDF holds the report sheets and nothing else: each page's header names its
    sheet (read back with pdfminer), and LibreOffice prints hidden sheets unless told."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    from model.workbook.pdf import REPORT_SHEETS
    out = tmp_path / "m.xlsx"
    assert main(["build", "--pdf", "-o", str(out)]) == 0
    pdf = tmp_path / "m.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    sheets = set(openpyxl.load_workbook(out, read_only=True).sheetnames)
    titles = []
    for page in extract_pages(pdf):
        lines = {line.strip() for box in page  # the page header: the top of the page
                 if isinstance(box, LTTextContainer) and box.y0 > page.height * 0.9
                 for line in box.get_text().splitlines()}
        named = lines & sheets
        assert len(named) == 1, named
        titles.append(named.pop())
    assert set(titles) == set(REPORT_SHEETS) & sheets, titles
    assert len(titles) <= 12


def test_pdf_without_libreoffice_fails_clearly(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": str(tmp_path)}
    r = subprocess.run([sys.executable, "-m", "model", "build", "--pdf", "-o",
                        str(tmp_path / "m.xlsx")], capture_output=True, text=True, env=env)
    assert r.returncode == 1
    assert "needs LibreOffice" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "m.xlsx").exists()
