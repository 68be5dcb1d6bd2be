"""Scenario names resolve the same in a spreadsheet as in Python.

MATCH(name, names, 0) ignores case and reads * ? ~ as wildcards: a scenario named '*'
was shown as the first scenario once recalculated, and one named 'upside ~10%' gave #N/A
in every overridden input while the tool printed "Checks OK". Names that a spreadsheet
cannot tell apart (the same but for case or spaces) are refused, naming the cell."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from model import load
from model.cli import main
from model.core.engine import run
from model.recalc import recalc_libreoffice
from tests.helpers import assert_lines_match


def _renamed(tmp: Path, names: dict[str, str | None], name: str = "in.xlsx") -> Path:
    """The template with its scenario headings renamed (None: a blank heading)."""
    path = tmp / name
    assert main(["init", str(path)]) == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["Scenarios"]
    for cell in ws[1]:
        if cell.value in names:
            cell.value = names[cell.value]
    wb.save(path)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("chosen", ["*", "upside ~10%"])
def test_wildcard_names_select_their_own_scenario_in_libreoffice(
        tmp_path: Path, chosen: str, libreoffice: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    from model.inputs.defaults import AMENDMENT, RECAP, SEED
    source = _renamed(tmp_path, {SEED: "seed?", RECAP: "*", AMENDMENT: "upside ~10%"})
    out = tmp_path / "model.xlsx"
    assert main(["build", str(source), "--scenario", chosen, "-o", str(out)]) == 0
    capsys.readouterr()
    recalculated = recalc_libreoffice(out, tmp_path / "lo")
    expected = run(load(source).with_scenario(chosen))
    assert assert_lines_match(recalculated, expected) > 9000
    position = ["seed?", "*", "upside ~10%"].index(chosen) + 1
    assert _keyed(recalculated, "Scenario", 4)["scenario_index"] == position
    assert _keyed(recalculated, "Checks", 3)["master_check"] == 0


def _keyed(path: Path, sheet: str, col: int) -> dict[str, object]:
    """{key in column A: the value in column ``col`` (0-based)} of a recalculated file."""
    wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    rows = list(wb[sheet].iter_rows(values_only=True))
    wb.close()
    return {str(r[0]): r[col] for r in rows if r and r[0] and len(r) > col}


@pytest.mark.parametrize(("second", "found"), [("seed terms (2024)", "'seed terms (2024)'"),
                                                ("SEED  TERMS (2024)", "'SEED  TERMS (2024)'")])
def test_names_the_same_but_for_case_or_spaces_are_refused(
        tmp_path: Path, second: str, found: str, capsys: pytest.CaptureFixture[str]) -> None:
    from model.inputs.defaults import RECAP, SEED
    source = _renamed(tmp_path, {SEED: "Seed Terms (2024)", RECAP: second})
    capsys.readouterr()
    assert main(["check", str(source)]) == 2
    err = capsys.readouterr().err
    assert "sheet Scenarios, cell E1" in err and found in err, err
    assert "differ by more than case and spaces" in err


def test_the_same_name_twice_and_a_blank_name_are_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The later column's overrides were dropped without a word."""
    from model.inputs.defaults import AMENDMENT, RECAP, SEED
    source = _renamed(tmp_path, {RECAP: SEED + " "})
    capsys.readouterr()
    assert main(["check", str(source)]) == 2
    err = capsys.readouterr().err
    assert f"sheet Scenarios, cell E1: expected each column heading once ('{SEED}' is first " \
           "at D1)" in err, err
    source = _renamed(tmp_path, {AMENDMENT: None}, "blank.xlsx")
    capsys.readouterr()
    assert main(["check", str(source)]) == 2
    err = capsys.readouterr().err
    assert "sheet Scenarios, cell F1: expected a scenario name above the column's values, " \
           "found a blank heading" in err, err
