"""Scenarios: the drop-down switches the live model; the overrides do what the sources say."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from model.cli import main
from model.core.engine import run
from model.inputs.defaults import AMENDMENT, RECAP, SEED, default_assumptions
from model.recalc import recalc_libreoffice
from tests.helpers import REL, assert_lines_match, build, row_values


@pytest.mark.slow
def test_switching_the_drop_down_recomputes_everything(tmp_path: Path,
                                                       libreoffice: None) -> None:
    path, _ = build(tmp_path, default_assumptions().with_scenario(SEED))
    wb = openpyxl.load_workbook(path)
    assert wb["Dashboard"]["B4"].value == SEED
    wb["Dashboard"]["B4"] = AMENDMENT
    edited = tmp_path / "switched.xlsx"
    wb.save(edited)
    recalculated = recalc_libreoffice(edited, tmp_path / "lo")
    expected = run(default_assumptions().with_scenario(AMENDMENT))
    compared = assert_lines_match(recalculated, expected)
    print(f"scenario switch: {compared} cells compared")
    assert compared > 9000


def test_amendment_terms() -> None:
    r = run(default_assumptions().with_scenario(AMENDMENT))
    months = r.timeline.months[1:]
    for m, share_in, paid in zip(months, r.row("revshare_azure_to_openai"),
                                 r.row("revshare_api_to_microsoft"), strict=True):
        if m >= dt.date(2026, 5, 1):
            assert share_in == 0.0  # Microsoft stops paying OpenAI from May 2026
        if m >= dt.date(2031, 1, 1):
            assert paid == 0.0  # OpenAI pays through 2030 only
    # The $38B cap counts the payments from May 2026 (tests/test_deal_terms.py).
    assert r.last("cum_revshare_toward_cap") <= 38e9 * (1 + 1e-12)


def test_recapitalisation_switches_to_equity_split() -> None:
    r = run(default_assumptions().with_scenario(RECAP))
    months = r.timeline.months[1:]
    for t, m in enumerate(months):
        flag = r.row("equity_split_active")[t]
        assert flag == (1.0 if m >= dt.date(2025, 10, 1) else 0.0)
        if m >= dt.date(2025, 10, 1):
            d = r.row("distributable_profit")[t]
            assert r.row("dist_microsoft")[t] == pytest.approx(0.27 * d, rel=1e-12, abs=1e-9)


def test_build_selects_a_scenario_and_unknown_names_are_refused(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]
                                                                ) -> None:
    out = tmp_path / "m.xlsx"
    assert main(["build", "--scenario", RECAP, "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb["Dashboard"]["B4"].value == RECAP
    assert main(["build", "--scenario", "nope", "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "Scenarios" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_comparison_sheet_lists_every_scenario(tmp_path: Path) -> None:
    path, _ = build(tmp_path)
    wb = openpyxl.load_workbook(path, read_only=True)
    header = next(wb["Comparison"].iter_rows(min_row=4, max_row=4, values_only=True))
    assert list(header[1:4]) == [SEED, RECAP, AMENDMENT]


def test_scenarios_survive_the_round_trip(tmp_path: Path) -> None:
    from model import load
    path, _ = build(tmp_path, name="assumptions-model.xlsx")
    a = load(path)
    assert a.scenarios == default_assumptions().scenarios


def test_compare_row_values_reads_keys(tmp_path: Path) -> None:
    path, results = build(tmp_path)
    rows = row_values(path, "Revenue")
    assert rows["api_revenue"][0] == pytest.approx(results.row("api_revenue")[0], rel=REL)
