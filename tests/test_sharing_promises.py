"""Sharing modes keep their promises, and the API answers a mistyped scenario as the
command line does (issue 17)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

import model
from model.cli import main
from model.inputs.reader import read_workbook


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped inputs over 24 months: quick to build and read."""
    path = tmp_path_factory.mktemp("sharing") / "small.xlsx"
    assert main(["init", str(path)]) == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["Inputs"]
    row = next(c.row for c in ws["A"] if c.value == "horizon_months")
    ws.cell(row, 2).value = 24
    wb.save(path)
    return path


def test_api_refuses_a_mistyped_scenario_with_the_nearest_name() -> None:
    a = model.load(model.default_template())
    with pytest.raises(model.InputError) as e:
        a.with_scenario("amendmnt")
    assert "did you mean 'amendment (Apr 2026)'" in e.value.message()


def test_values_only_has_no_drop_down_and_no_input_styling(small: Path, tmp_path: Path
                                                            ) -> None:
    out = tmp_path / "v.xlsx"
    assert main(["build", str(small), "-o", str(out), "--values-only"]) == 0
    wb = openpyxl.load_workbook(out)
    assert all(not ws.data_validations.dataValidation for ws in wb.worksheets)
    scenario = wb["Dashboard"]["B4"]
    assert scenario.value and scenario.fill.fill_type is None  # no pale input fill
    assert scenario.protection.locked  # nothing to type into
    normal = tmp_path / "n.xlsx"
    assert main(["build", str(small), "-o", str(normal)]) == 0  # the control: it has both
    wb = openpyxl.load_workbook(normal)
    assert wb["Dashboard"].data_validations.dataValidation
    assert wb["Dashboard"]["B4"].fill.fill_type == "solid"


def test_protect_locks_the_workbook_structure(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "p.xlsx"
    assert main(["build", str(small), "-o", str(out), "--protect", "--password",
                 "secret"]) == 0
    xml = zipfile.ZipFile(out).read("xl/workbook.xml").decode()
    assert re.search(r'<workbookProtection workbookPassword="[0-9A-F]+" lockStructure="1"/>',
                     xml)
    assert xml.index("<workbookPr") < xml.index("<workbookProtection") < xml.index(
        "<bookViews")
    assert openpyxl.load_workbook(out).security.lockStructure


def _footer(path: Path) -> str:
    """The Dashboard's footer (the first sheet), from its XML."""
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    found = re.search(r"<oddFooter>(.*?)</oddFooter>", xml)
    assert found is not None
    return found.group(1)


def test_footer_shows_no_made_up_saved_time(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.xlsx"
    assert main(["build", "-o", str(out)]) == 0  # the shipped template, as written
    assert read_workbook(model.default_template()).saved is None  # it has no saved time
    assert "saved" not in _footer(out) and "2024-01-01" not in _footer(out)
    saved = read_workbook(small).saved  # openpyxl stamps the time it saved, as Excel does
    assert saved is not None
    rebuilt = tmp_path / "rebuilt.xlsx"
    assert main(["build", str(small), "-o", str(rebuilt)]) == 0
    assert f"saved {saved:%Y-%m-%d %H:%M}" in _footer(rebuilt)
