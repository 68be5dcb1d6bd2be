"""Checks that can fail, and sections that say when they are stale.

Each test edits a built model the way a colleague might (openpyxl, as a stand-in for
Excel), recalculates it in LibreOffice and reads what the workbook now says.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.helpers import build


def _keyed(values: dict[tuple[str, str], object], sheet: str) -> dict[str, object]:
    """{key in column A: the value in column D} of one sheet."""
    keys = {coord[1:]: v for (s, coord), v in values.items()
            if s == sheet and coord.startswith("A") and coord[1:].isdigit()}
    return {str(k): values.get((sheet, f"D{row}")) for row, k in keys.items()}


def _statuses(values: dict[tuple[str, str], object]) -> dict[str, object]:
    """The up-to-date status cells of the static sections, by sheet and cell."""
    return {f"{s}!{c}": v for (s, c), v in values.items()
            if v in ("up to date", "out of date: rebuild")}


def _recalc(path: Path, tmp: Path) -> dict[tuple[str, str], object]:
    from model.recalc import recalc_values_libreoffice
    return recalc_values_libreoffice(path, tmp)


def _row_of(ws: object, key: str) -> int:
    for row in ws.iter_rows(min_col=1, max_col=1):  # type: ignore[attr-defined]
        if row[0].value == key:
            return int(row[0].row)
    raise KeyError(key)


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = build(tmp_path_factory.mktemp("honest"))
    return path


@pytest.mark.slow
def test_untouched_model_is_fine_and_up_to_date(model: Path, tmp_path: Path,
                                                libreoffice: None) -> None:
    values = _recalc(model, tmp_path)
    checks = _keyed(values, "Checks")
    recon = {k: v for k, v in checks.items() if k.startswith(("reconcile_", "corkscrew_"))}
    assert len(recon) >= 4 and all(v == 0 for v in recon.values()), recon
    assert checks["master_check"] == 0
    status = _statuses(values)
    assert len(status) >= 3 and set(status.values()) == {"up to date"}, status
    assert "check_api_arr" not in checks  # restated its own formula: dropped


def test_a_pasted_over_rollup_or_balance_fails_the_master_check(
        model: Path, tmp_path: Path, libreoffice: None) -> None:
    """One rollup cell typed over in every block of Annual and Fiscal flow lines: each
    block's check reads 1 (so each can fail); Quarterly, left alone, still reads 0."""
    from model.core.engine import run
    from model.inputs.defaults import default_assumptions
    from model.workbook.checklist import rollup_blocks
    blocks = rollup_blocks(run(default_assumptions()))
    assert {b.rollup for b in blocks} == {"Annual", "Fiscal", "Quarterly"}
    wb = openpyxl.load_workbook(model)
    for block in blocks:
        if block.rollup != "Quarterly":
            ws = wb[block.rollup]
            ws.cell(_row_of(ws, block.lines[-1]), 7).value = 123.0  # a year's total typed over
    waterfall = wb["Waterfall"]
    row = _row_of(waterfall, "cum_microsoft")
    waterfall.cell(row, 60).value = 5e9  # a balance pasted over mid-horizon
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    checks = _keyed(_recalc(broken, tmp_path), "Checks")
    for block in blocks:
        assert checks[block.key] == (0 if block.rollup == "Quarterly" else 1), block
    assert checks["corkscrew_cum_microsoft"] == 1
    assert checks["corkscrew_cum_nonprofit"] == 0
    master = checks["master_check"]
    failed = sum(b.rollup != "Quarterly" for b in blocks) + 1
    assert failed >= 7 and master == failed


@pytest.mark.slow
def test_an_edited_input_marks_the_static_sections_out_of_date(
        model: Path, tmp_path: Path, libreoffice: None) -> None:
    wb = openpyxl.load_workbook(model)
    wb["Schedule"]["B3"] = 0.8  # api_growth of the 2025 row
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    values = _recalc(edited, tmp_path)
    status = _statuses(values)
    assert len(status) >= 3 and set(status.values()) == {"out of date: rebuild"}, status
    assert _keyed(values, "Checks")["master_check"] == 0  # stale is not a failed check


@pytest.mark.slow
def test_another_scenario_makes_analysis_stale_not_comparison(
        model: Path, tmp_path: Path, libreoffice: None) -> None:
    wb = openpyxl.load_workbook(model)
    wb["Dashboard"]["B4"] = "amendment (Apr 2026)"
    chosen = tmp_path / "chosen.xlsx"
    wb.save(chosen)
    status = _statuses(_recalc(chosen, tmp_path))
    assert status.pop("Comparison!B3") == "up to date"  # it shows every scenario
    assert status and set(status.values()) == {"out of date: rebuild"}, status
