"""Streams and costs typed into the assumptions workbook reach everything (issue 10, 1).

A user adds a fourth stream (``sora``) and a third cost (``marketing``) to the shipped
template with openpyxl, as Excel would save them, plus a scenario that overrides the
stream's opening ARR and a Distributions row that draws its growth. The real command
line then builds the model: the stream and the cost have their lines, rollups,
Dashboard totals and chart series; ironcalc recalculates every formula to Python's
values; the scenario and the draws move the stream's numbers by exactly what they say.
A workbook made before the Streams and Costs sheets existed builds as the API alone,
and the build says how to add them.
"""

from __future__ import annotations

import dataclasses
import io
import math
import zipfile
from pathlib import Path

import openpyxl
import pytest

from model import load
from model.analysis.montecarlo import run_lines
from model.cli import main
from model.core.engine import run
from model.recalc import compare, formula_cells, recalc_values_ironcalc
from tests.badinputs import template_bytes
from tests.helpers import REL, row_values

SCENARIO = "amendment (Apr 2026)"
SORA_ARR, SORA_IN_SCENARIO, MARKETING = 0.12e9, 0.6e9, 20e6


def _header(ws: object) -> dict[str, int]:
    return {c.value: c.column for c in ws[1] if c.value}  # type: ignore[attr-defined]


def _with_sora_and_marketing(folder: Path) -> Path:
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    wb["Streams"].append(["sora", "Sora", SORA_ARR, False, "subscriptions", "Video", "ours"])
    wb["Costs"].append(["marketing", "Marketing", MARKETING, "Campaigns", "ours"])
    schedule = wb["Schedule"]
    first = schedule.max_column + 1
    for col, (key, value) in enumerate((("sora_growth", 0.5), ("sora_gross_margin", 0.3),
                                        ("marketing_growth", 0.1)), start=first):
        schedule.cell(1, col, key)
        for row in range(2, schedule.max_row + 1):
            schedule.cell(row, col, value)
    scenarios = wb["Scenarios"]
    row = scenarios.max_row + 1
    scenarios.cell(row, 1, "Streams:sora:arr_opening")
    scenarios.cell(row, 3, "Sora launches bigger")
    scenarios.cell(row, _header(scenarios)[SCENARIO], SORA_IN_SCENARIO)
    wb["Distributions"].append(["sora_growth", "triangular", "scale", None, None, 0.5, 1.0,
                                1.5, None, None, "ours"])
    path = folder / "sora.xlsx"
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def sora(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _with_sora_and_marketing(tmp_path_factory.mktemp("sora"))


@pytest.fixture(scope="module")
def built(sora: Path) -> Path:
    out = sora.with_name("sora-model.xlsx")
    assert main(["build", str(sora), "-o", str(out)]) == 0
    return out


def test_the_workbook_loads_with_four_streams_and_three_costs(sora: Path) -> None:
    a = load(sora)
    assert [s.key for s in a.streams] == ["chatgpt_plus", "chatgpt_enterprise",
                                          "chatgpt_team", "sora"]
    assert [c.key for c in a.costs] == ["training_compute", "staff", "marketing"]
    assert a.missing_sheets == ()


def test_the_stream_and_cost_have_their_lines(built: Path, sora: Path) -> None:
    r = run(load(sora))
    rows = row_values(built, "Revenue")
    for key in ("sora_revenue", "sora_gross_profit", "marketing_cost", "sched_sora_growth"):
        assert key in rows, key
    # Opening at arr_opening / 12, then 50 % a year: month 12 is 1.5 times the opening.
    assert r.raw[r.index["sora_revenue"]][0] == pytest.approx(SORA_ARR / 12, rel=1e-12)
    assert r.row("sora_revenue")[11] == pytest.approx(SORA_ARR / 12 * 1.5, rel=1e-12)
    assert r.row("marketing_cost")[11] == pytest.approx(MARKETING * 1.1, rel=1e-12)
    # sora does not pay the share; the API and ChatGPT do.
    for t in range(12):
        paying = r.row("openai_revenue")[t] - r.row("sora_revenue")[t]
        assert r.row("revshare_base")[t] == pytest.approx(paying, rel=1e-12)
    assert float(rows["sora_revenue"][0]) == r.row("sora_revenue")[0]


def test_rollups_dashboard_and_charts_show_them(built: Path) -> None:
    annual = row_values(built, "Annual")
    assert "sora_revenue" in annual and "marketing_cost" in annual
    wb = openpyxl.load_workbook(built, read_only=True)
    labels = [row[0] for row in wb["Dashboard"].iter_rows(values_only=True) if row]
    wb.close()
    assert "Sora revenue" in labels and "Marketing" in labels
    with zipfile.ZipFile(built) as z:
        charts = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/"))
    assert "Sora" in charts


def test_every_formula_recalculates_to_pythons_value(built: Path) -> None:
    cells = formula_cells(built)
    assert compare(cells, recalc_values_ironcalc(built), rel=REL) == []
    sheets = {c.sheet for c in cells}
    assert {"Revenue", "Annual", "Dashboard", "Scenario"} <= sheets
    # sora's opening is live: through the Scenario layer (a scenario overrides it) to
    # its cell on the Streams sheet; ChatGPT Plus's reads its cell directly.
    assert any(c.sheet == "Scenario" and "Streams!$C$5" in c.formula for c in cells)
    assert any(c.formula == "=Streams!$C$2/12" for c in cells)


def test_a_scenario_overrides_the_streams_cell(sora: Path, tmp_path: Path) -> None:
    a = load(sora)
    base, scenario = run(a), run(a.with_scenario(SCENARIO))
    assert base.raw[base.index["sora_revenue"]][0] == pytest.approx(SORA_ARR / 12)
    assert scenario.raw[scenario.index["sora_revenue"]][0] == pytest.approx(
        SORA_IN_SCENARIO / 12)
    out = tmp_path / "scenario.xlsx"
    assert main(["build", str(sora), "-o", str(out), "--scenario", SCENARIO]) == 0
    cells = formula_cells(out)
    assert compare(cells, recalc_values_ironcalc(out), rel=REL) == []
    opening = next(c for c in cells if c.sheet == "Revenue" and c.ref.startswith("E")
                   and "Scenario!" in c.formula and c.formula.endswith("/12"))
    assert opening.cached == pytest.approx(SORA_IN_SCENARIO / 12)


def test_monte_carlo_draws_the_streams_growth(sora: Path) -> None:
    """Each draw scales sora_growth in every Schedule row; a draw's revenue is the single
    run's with that growth."""
    a = load(sora)
    d = next(d for d in a.distributions or () if d.key == "sora_growth")
    lines = run_lines(a.effective(), (d,), seed=4, start=0, stop=3)
    got = lines["sora_revenue"][12, :]
    assert len(set(got.tolist())) == 3  # three different draws
    for draw in range(3):
        scale = float(lines["sched_sora_growth"][1, draw]) / 0.5
        rows = tuple({**row, "sora_growth": 0.5 * scale} for row in a.schedule)
        single = run(dataclasses.replace(a, schedule=rows, scenarios=None, selected=None))
        assert math.isclose(float(got[draw]), single.row("sora_revenue")[11], rel_tol=1e-12)
        assert 0.5 <= scale <= 1.5


def test_an_old_workbook_builds_as_the_api_alone(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    keys = {f"{r[0]}_growth" for name in ("Streams", "Costs")
            for r in wb[name].iter_rows(min_row=2, values_only=True) if r[0]}
    del wb["Streams"], wb["Costs"]
    dists = wb["Distributions"]  # a workbook made before the streams drew none of theirs
    for r in range(dists.max_row, 1, -1):
        if dists.cell(r, 1).value in keys:
            dists.delete_rows(r)
    old = tmp_path / "old.xlsx"
    wb.save(old)
    out = tmp_path / "old-model.xlsx"
    assert main(["build", str(old), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "old.xlsx has no Streams or Costs sheet" in printed
    assert "finmodel init" in printed
    a = load(old)
    assert a.streams == () and a.costs == ()
    assert a.missing_sheets == ("Streams", "Costs")
    r = run(a)
    for t in range(a.horizon):
        api = r.row("api_revenue")[t]
        assert r.row("openai_revenue")[t] == api
        expected = (r.row("api_gross_profit")[t] - r.row("sched_api_to_microsoft_share")[t]
                    * api + r.row("revshare_azure_to_openai")[t]
                    - r.row("sched_openai_opex_pct")[t] * api)
        assert math.isclose(r.row("openai_operating_profit")[t], expected, rel_tol=1e-12,
                            abs_tol=1e-6)
    # The model it writes has the two sheets, empty, for the user to fill: built again
    # from the model, nothing is missing and nothing changes.
    again = load(out)
    assert again.missing_sheets == () and again.streams == ()
    assert run(again).total("microsoft_total_take") == r.total("microsoft_total_take")
