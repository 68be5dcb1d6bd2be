"""`finmodel audit`: a model comes back from email; is it still the model?

Each test edits a built model the way a recipient might (with openpyxl, by hand in
the XML, or in LibreOffice with a recalculation) and checks the exit code and that
the report names the place: the sheet and cell, the line key, the month, and for a
formula what Python computes for it (taken from model.compute, not from the audit).
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from lo_edit import edit_in_libreoffice

import model
from model import default_template
from model.cli import main
from model.inputs.schema import DEFAULT_INPUTS
from tests.helpers import rewrite_part, run_main

ROOT = Path(__file__).resolve().parent.parent


START = DEFAULT_INPUTS["start_month"]  # column F of a monthly sheet is month 1
OPENING = f"{DEFAULT_INPUTS['api_arr_opening']:,.2f}"


def month_of(column: str) -> str:
    """The month a column of the monthly sheets holds in the default model (F is the
    first), as the audit names it."""
    t = ord(column) - ord("F")
    m = START.month - 1 + t  # type: ignore[attr-defined]
    return f"{START.year + m // 12}-{m % 12 + 1:02d}"  # type: ignore[attr-defined]


def audit(path: Path) -> subprocess.CompletedProcess[str]:
    return run_main("audit", str(path))  # in-process: tests/test_cli.py runs whole processes


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("audit") / "model.xlsx"
    model.build(default_template(), out)
    return out


def row_of(path: Path, sheet: str, key: str) -> int:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    return next(i for i, row in enumerate(ws.iter_rows(max_col=1, values_only=True), 1)
                if row[0] == key)


def edited(built: Path, tmp_path: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    wb = openpyxl.load_workbook(built)
    change(wb)
    out = tmp_path / "edited.xlsx"
    wb.save(out)
    return out


def section(text: str, heading: str) -> str:
    """The lines of the report under a heading, up to the next blank line."""
    start = text.index(heading)
    return text[start:text.index("\n\n", start) if "\n\n" in text[start:] else None]


def test_an_untouched_model_is_intact(built: Path) -> None:
    r = audit(built)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "The model is intact." in r.stdout
    n = int(re.search(r"([\d,]+) formulas", r.stdout).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert n > 10_000  # every formula of the model was compared


def test_a_formula_pasted_over_with_a_number(built: Path, tmp_path: Path) -> None:
    row = row_of(built, "Revenue", "api_revenue")
    path = edited(built, tmp_path, lambda wb: wb["Revenue"].cell(row, 8, 12345.0))  # H
    r = audit(path)
    assert r.returncode == 1
    found = section(r.stdout, "Formulas pasted over with a value: 1")
    assert f"Revenue!H{row} (api_revenue, {month_of('H')}): holds 12,345" in found
    python = model.compute().values.loc["api_revenue"].iloc[2]  # month 3, by Python
    assert f"{python:,.2f}" in found


@pytest.mark.slow
def test_a_formula_edited(built: Path, tmp_path: Path) -> None:
    row = row_of(built, "Waterfall", "distributable_profit")
    path = edited(built, tmp_path, lambda wb: wb["Waterfall"].cell(row, 10, "=I7*2"))
    r = audit(path)
    assert r.returncode == 1
    found = section(r.stdout, "Formulas changed: 1")
    assert f"Waterfall!J{row} (distributable_profit, {month_of('J')}): holds =I7*2" in found


def test_a_row_inserted(built: Path, tmp_path: Path) -> None:
    path = edited(built, tmp_path, lambda wb: wb["Revenue"].insert_rows(10))
    r = audit(path)
    assert r.returncode == 1
    found = section(r.stdout, "Rows or columns inserted or deleted: 1")
    assert "Revenue row 10: row inserted" in found


@pytest.mark.slow
def test_a_sheet_renamed(built: Path, tmp_path: Path) -> None:
    def rename(wb: openpyxl.Workbook) -> None:
        wb["Waterfall"].title = "Profit"
    r = audit(edited(built, tmp_path, rename))
    assert r.returncode == 1
    assert "Profit: renamed; expected the sheet 'Waterfall'" in r.stdout


@pytest.mark.slow
def test_a_sheet_hidden(built: Path, tmp_path: Path) -> None:
    def hide(wb: openpyxl.Workbook) -> None:
        wb["Checks"].sheet_state = "hidden"
    r = audit(edited(built, tmp_path, hide))
    assert r.returncode == 1
    assert "Checks: hidden; expected visible" in r.stdout


@pytest.mark.slow
def test_a_sheet_added(built: Path, tmp_path: Path) -> None:
    def add(wb: openpyxl.Workbook) -> None:
        wb.create_sheet("My notes")["A1"] = "hello"
    r = audit(edited(built, tmp_path, add))
    assert r.returncode == 1
    assert "My notes: added" in r.stdout


@pytest.mark.slow
def test_an_external_link(built: Path, tmp_path: Path) -> None:
    def link(wb: openpyxl.Workbook) -> None:
        wb["Dashboard"]["H3"] = "='[budget.xlsx]Sheet1'!$A$1"
    r = audit(edited(built, tmp_path, link))
    assert r.returncode == 1
    assert "Dashboard!H3: ='[budget.xlsx]Sheet1'!$A$1; expected no links to other files" \
        in section(r.stdout, "Links to other files and macros")


def _revenue_part(built: Path) -> str:
    """The zip part that holds the Revenue sheet, from the workbook's relationships."""
    with zipfile.ZipFile(built) as z:
        book, rels = z.read("xl/workbook.xml").decode(), z.read(
            "xl/_rels/workbook.xml.rels").decode()
    rid = re.search(r'<sheet name="Revenue" sheetId="\d+" r:id="(rId\d+)"', book).group(1)  # type: ignore[union-attr]
    target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"',
                       rels)
    assert target
    return "xl/" + (target.group(1) or target.group(2)).removeprefix("/xl/")


@pytest.mark.slow
def test_a_saved_result_edited_without_recalculating(built: Path, tmp_path: Path) -> None:
    """The formula is intact, but its saved value was changed by a program that does
    not calculate: readers of the file (previews, pandas) see a wrong number."""
    row = row_of(built, "Revenue", "api_revenue")
    python = model.compute().values.loc["api_revenue"].iloc[2]

    def edit(xml: str) -> str:
        cell = re.search(rf'<c r="H{row}"[^>]*><f>[^<]*</f><v>([^<]*)</v>', xml)
        assert cell, "the cell's XML"
        return xml[:cell.start(1)] + "1234567" + xml[cell.end(1):]
    path = rewrite_part(built, tmp_path / "stale.xlsx", _revenue_part(built), edit)
    r = audit(path)
    assert r.returncode == 1
    found = section(r.stdout, "Saved results that do not match their formulas: 1")
    assert f"Revenue!H{row} (api_revenue, {month_of('H')}): holds 1,234,567.00; its formula " \
        f"gives {python:,.2f}" in found


@pytest.mark.slow
def test_an_error_value(built: Path, tmp_path: Path) -> None:
    row = row_of(built, "Revenue", "api_revenue")

    def edit(xml: str) -> str:
        cell = re.search(rf'<c r="I{row}"([^>]*)><f>([^<]*)</f><v>[^<]*</v></c>', xml)
        assert cell
        return xml[:cell.start()] + (f'<c r="I{row}"{cell.group(1)} t="e"><f>{cell.group(2)}'
                                     "</f><v>#REF!</v></c>") + xml[cell.end():]
    r = audit(rewrite_part(built, tmp_path / "error.xlsx", _revenue_part(built), edit))
    assert r.returncode == 1
    assert f"Revenue!I{row} (api_revenue, {month_of('I')}): holds #REF!" in section(
        r.stdout, "Error values: 1")


@pytest.mark.slow
def test_an_input_edited_with_openpyxl_is_listed_but_results_are_not_saved(
        built: Path, tmp_path: Path) -> None:
    row = row_of(built, "Inputs", "api_arr_opening")
    r = audit(edited(built, tmp_path, lambda wb: wb["Inputs"].cell(row, 2, 2e9)))
    assert f"Inputs!B{row} (api_arr_opening): {OPENING} -> 2,000,000,000.00" in \
        section(r.stdout, "Inputs edited since the build")
    # openpyxl keeps the formulas but drops every saved result: not intact
    assert "Formulas without a saved result" in r.stdout and r.returncode == 1


def test_not_a_model(tmp_path: Path) -> None:
    r = audit(default_template())
    assert r.returncode == 2
    assert "expected a model built by finmodel" in r.stderr and "Traceback" not in r.stderr
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook")
    assert audit(text).returncode == 2


@pytest.mark.slow
def test_protected_and_values_only_copies_are_intact(tmp_path: Path) -> None:
    for option in ("--protect", "--values-only"):
        out = tmp_path / f"{option[2:]}.xlsx"
        assert main(["build", option, "-o", str(out)]) == 0
        r = audit(out)
        assert r.returncode == 0, r.stdout


def test_protection_removed(tmp_path: Path) -> None:
    out = tmp_path / "protected.xlsx"
    assert main(["build", "--protect", "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    wb["Revenue"].protection.sheet = False
    wb.save(out)
    r = audit(out)
    assert r.returncode == 1 and "Revenue: not protected" in r.stdout


# ---------------------------------------------------------------- through LibreOffice


@pytest.mark.slow
def test_edited_and_recalculated_in_libreoffice_is_intact(
        libreoffice: None, built: Path, tmp_path: Path) -> None:
    """An input changed in a real spreadsheet program, which recalculates: the model is
    intact (every saved result matches Python's for the new input) and the edit is
    listed."""
    row = row_of(built, "Inputs", "api_arr_opening")
    path = edit_in_libreoffice(built, tmp_path / "lo.xlsx", f"set|Inputs|B{row}|2000000000")
    r = audit(path)
    assert r.returncode == 0, r.stdout
    assert f"Inputs!B{row} (api_arr_opening): {OPENING} -> 2,000,000,000.00" in r.stdout
    assert "Build-time results out of date" in r.stdout  # Comparison, Analysis grid


@pytest.mark.slow
def test_a_row_inserted_in_libreoffice_is_one_finding(
        libreoffice: None, built: Path, tmp_path: Path) -> None:
    """LibreOffice moves every reference to the rows below; the audit follows them, so
    the report is the inserted row, not thousands of changed formulas."""
    path = edit_in_libreoffice(built, tmp_path / "lo.xlsx", "insertrow|Revenue|11")
    r = audit(path)
    assert r.returncode == 1
    assert "Revenue row 12: row inserted" in r.stdout
    assert "Formulas changed" not in r.stdout and "Formulas pasted over" not in r.stdout


def test_shared_formulas_as_excel_saves_them_are_read_as_the_same(built: Path,
                                                                  tmp_path: Path) -> None:
    """Excel stores a row of copied formulas once, as a shared formula the other cells
    refer to; the audit expands it (openpyxl's translator) and finds the row intact."""
    row = row_of(built, "Revenue", "api_revenue")

    def share(xml: str) -> str:
        cells = [m for m in re.finditer(rf'<c r="([A-Z]+){row}"([^>]*)><f>([^<]*)</f>'
                                        "(<v>[^<]*</v>)</c>", xml)
                 if m.group(1) not in ("D", "E")]  # F..DU: the months (D total, E opening)
        first, last = cells[0], cells[-1]
        out, at = [], 0
        for i, m in enumerate(cells):
            col, attrs, formula, value = m.groups()
            f = (f'<f t="shared" ref="{first.group(1)}{row}:{last.group(1)}{row}" si="0">'
                 f"{formula}</f>") if i == 0 else '<f t="shared" si="0"/>'
            out += [xml[at:m.start()], f'<c r="{col}{row}"{attrs}>{f}{value}</c>']
            at = m.end()
        return "".join(out) + xml[at:]
    r = audit(rewrite_part(built, tmp_path / "shared.xlsx", _revenue_part(built), share))
    assert r.returncode == 0, r.stdout
