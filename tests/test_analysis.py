"""Goal seek, breakpoints, sensitivity grid and tornado, checked against independent runs."""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from pathlib import Path

import openpyxl
import pytest

from model.analysis import sensitivity
from model.analysis import solve as analysis
from model.cli import main
from model.core.engine import run
from model.inputs.defaults import default_assumptions
from model.workbook.analysis_sheet import breakpoint_values, month_reached
from tests.helpers import build


def test_goal_seek_answer_reproduces_the_target(capsys: pytest.CaptureFixture[str]) -> None:
    a = default_assumptions()
    target = analysis.resolve("api_growth", a)
    metric = analysis.Metric("cum_microsoft", dt.date(2028, 12, 1))
    s = analysis.goal_seek(a, target, "shift", metric, 13e9, -0.99, 5.0)
    assert s.converged and s.x is not None
    # Re-run the model with the answer applied by hand: every row shifted by x.
    rows = tuple({**row, "api_growth": row["api_growth"] + s.x} for row in a.schedule)
    import dataclasses
    r = run(dataclasses.replace(a, schedule=rows))
    months = r.timeline.months[1:]
    t = months.index(dt.date(2028, 12, 1))
    assert r.row("cum_microsoft")[t] == pytest.approx(13e9, rel=1e-8)
    assert r.first_month("tier2_hurdle_met") <= dt.date(2028, 12, 1)


def test_goal_seek_reports_no_solution() -> None:
    a = default_assumptions()
    s = analysis.goal_seek(a, analysis.resolve("api_growth", a), "shift",
                           analysis.Metric("cum_microsoft", dt.date(2024, 6, 1)), 13e9, 0, 1)
    assert not s.converged and "no solution" in s.message


def test_solve_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", "--vary", "api_growth", "--by", "2028-12"]) == 0
    out = capsys.readouterr().out
    assert "converged" in out and "api_growth shifted by" in out
    assert main(["solve", "--vary", "api_growth", "--by", "2028-13"]) == 2
    assert main(["solve", "--vary", "not_an_input"]) == 2


def test_breakpoints_match_the_month_by_month_model() -> None:
    # With no cap binding, a tier is full exactly when cumulative waterfall profit
    # reaches its breakpoint, so the month must equal the model's hurdle month.
    r = run(default_assumptions())
    values = breakpoint_values(r)
    # Hand-worked from the default tiers: tier 1 takes $1B (first investors 100 %),
    # tier 2 takes $13B / 0.75 (Microsoft had nothing from tier 1).
    assert values["breakpoint_tier1"] == pytest.approx(1e9, rel=1e-12)
    assert values["breakpoint_tier2"] == pytest.approx(1e9 + 13e9 / 0.75, rel=1e-12)
    # Microsoft's cap: 92B at 49 % after receiving 13B in tier 2.
    assert values["breakpoint_cap_microsoft"] == pytest.approx(
        1e9 + 13e9 / 0.75 + (92e9 - 13e9) / 0.49, rel=1e-12)
    for k in (1, 2):
        assert month_reached(r, values[f"breakpoint_tier{k}"]) == \
            r.first_month(f"tier{k}_hurdle_met")


def test_grid_centre_is_the_base_case() -> None:
    a = default_assumptions()
    metric = analysis.DEFAULT_METRIC
    g = sensitivity.grid(a, metric, analysis.resolve("api_growth", a), (-0.1, 0.0, 0.1),
                         analysis.resolve("api_gross_margin", a), (-0.05, 0.0, 0.05))
    base = metric.of(run(a))
    assert g.values[1][1] == base
    # More growth means more for Microsoft.
    assert g.values[1][0] < base < g.values[1][2]
    # By Dec 2030 the default OpenAI is still earning back its losses (nothing distributed),
    # so a lower API margin only adds compute cost, and Microsoft's commission on it.
    r = run(a)
    assert r.row("cum_microsoft")[r.timeline.months.index(metric.at) - 1] == 0.0
    assert g.values[0][1] > base > g.values[2][1]


def test_tornado_is_sorted_and_consistent() -> None:
    a = default_assumptions()
    base, bars = sensitivity.tornado(a, analysis.DEFAULT_METRIC, 0.1)
    swings = [b.swing for b in bars]
    assert swings == sorted(swings, reverse=True)
    # More Azure OpenAI revenue means more for Microsoft.
    azure = next(b for b in bars if b.target.text() == "azure_arr_opening")
    assert azure.low < base < azure.high
    assert all(math.isfinite(b.low) and math.isfinite(b.high) for b in bars)


def test_analysis_sheet_is_labelled_and_has_a_chart(tmp_path: Path) -> None:
    path, _ = build(tmp_path)
    wb = openpyxl.load_workbook(path, read_only=True)
    text = " ".join(str(c) for row in wb["Analysis"].iter_rows(values_only=True)
                    for c in row if c)
    assert text.count("computed in Python when the file was built") == 2
    assert "live formulas" in text
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) >= 6  # five on the dashboard, the tornado


def test_build_options_choose_the_grid_and_tornado(tmp_path: Path) -> None:
    out = tmp_path / "m.xlsx"
    assert main(["build", "-o", str(out), "--grid-x", "azure_payg_growth", "--grid-y",
                 "Schedule:azure_gross_margin", "--tornado-pct", "20", "--result",
                 "cum_microsoft", "--by", "2032-12"]) == 0
    text = [str(c) for row in openpyxl.load_workbook(out, read_only=True)["Analysis"]
            .iter_rows(values_only=True) for c in row if isinstance(c, str)]
    # the grid's axes in words, as the Schedule's notes describe the two columns
    assert "Down: Azure OpenAI gross margin, before the revenue share" in text
    assert "Across: Annual growth rate of Azure OpenAI pay-as-you-go revenue" in text
    assert any("Cumulative receipts: Microsoft, at 2032-12" in t and "20%" in t for t in text)
    # The tornado's base is the chosen result, as an independent run gives it.
    r = run(default_assumptions())
    t = r.timeline.months[1:].index(dt.date(2032, 12, 1))
    base = f"base ${r.row('cum_microsoft')[t] / 1e6:,.1f}M"
    assert any(base in t for t in text)
    for bad in (["--grid-x", "api_arr_opening"], ["--result", "nope"],
                ["--tornado-pct", "0"], ["--by", "2030"]):
        assert main(["build", "-o", str(tmp_path / "x.xlsx"), *bad]) == 2, bad
    assert not (tmp_path / "x.xlsx").exists()
