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


def test_api_refuses_a_mistyped_scenario_with_the_nearest_name() -> None:
    a = model.load(model.default_template())
    with pytest.raises(model.InputError) as e:
        a.with_scenario("amendmnt")
    assert "did you mean 'amendment (Apr 2026)'" in e.value.message()


def test_values_only_has_no_drop_down_and_no_input_styling(tmp_path: Path) -> None:
    out = tmp_path / "v.xlsx"
    assert main(["build", "-o", str(out), "--values-only"]) == 0
    wb = openpyxl.load_workbook(out)
    assert all(not ws.data_validations.dataValidation for ws in wb.worksheets)
    scenario = wb["Dashboard"]["B4"]
    assert scenario.value and scenario.fill.fill_type is None  # no pale input fill
    assert scenario.protection.locked  # nothing to type into
    normal = tmp_path / "n.xlsx"
    assert main(["build", "-o", str(normal)]) == 0  # the control: a normal model has both
    wb = openpyxl.load_workbook(normal)
    assert wb["Dashboard"].data_validations.dataValidation
    assert wb["Dashboard"]["B4"].fill.fill_type == "solid"


def test_protect_locks_the_workbook_structure(tmp_path: Path) -> None:
    out = tmp_path / "p.xlsx"
    assert main(["build", "-o", str(out), "--protect", "--password", "secret"]) == 0
    xml = zipfile.ZipFile(out).read("xl/workbook.xml").decode()
    assert re.search(r'<workbookProtection workbookPassword="[0-9A-F]+" lockStructure="1"/>',
                     xml)
    assert xml.index("<workbookPr") < xml.index("<workbookProtection") < xml.index(
        "<bookViews")
    assert openpyxl.load_workbook(out).security.lockStructure


def test_footer_shows_no_made_up_saved_time(tmp_path: Path) -> None:
    out = tmp_path / "m.xlsx"
    assert main(["build", "-o", str(out)]) == 0
    assert read_workbook(out).saved is None  # the template has no saved time of its own
    footer = openpyxl.load_workbook(out)["Revenue"].oddFooter.left.text
    assert "2024-01-01 00:00" not in footer and "saved" not in footer
    wb = openpyxl.load_workbook(out)
    again = tmp_path / "again.xlsx"
    wb.save(again)  # openpyxl stamps the time it saved the file, as Excel does
    saved = read_workbook(again).saved
    assert saved is not None
    rebuilt = tmp_path / "rebuilt.xlsx"
    assert main(["build", str(again), "-o", str(rebuilt)]) == 0
    footer = openpyxl.load_workbook(rebuilt)["Revenue"].oddFooter.left.text
    assert f"saved {saved:%Y-%m-%d %H:%M}" in footer
