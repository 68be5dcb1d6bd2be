"""Monte Carlo: `finmodel simulate`, the vectorised engine and the Distributions sheet.

The checks stand outside the code under test: the base case is compared with the
scalar engine (engine.run) line by line; sampling with the distributions' own
moments and percentiles; probabilities with cases whose answer is known by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest

from model import default_template
from model.analysis.montecarlo import (
    BLOCK,
    run_lines,
    sample,
    simulate,
)
from model.cli import main
from model.cli.progress import Progress
from model.core.engine import run
from model.errors import ModelValueError
from model.inputs.assumptions import Assumptions
from model.inputs.defaults import DEFAULT_DISTRIBUTIONS, default_assumptions
from model.inputs.distributions import base_case, parse_distributions
from model.inputs.reader import read_workbook
from model.inputs.uncertain import INPUT_KEYS, SCHEDULE_KEYS, Distribution
from model.workbook.input_tables import write_distributions_sheet
from model.workbook.inputsheets import new_workbook, write_input_sheets
from model.workbook.styles import Styles
from model.workbook.template import write_template

REL = 1e-12


def drawable_keys(a: Assumptions) -> list[str]:
    eff = a.effective()
    return ([k for k in INPUT_KEYS if eff.inputs.get(k) is not None]
            + [f.key for f in eff.schedule_fields])  # the streams' and costs' rates too


def with_inputs(a: Assumptions, **changes: object) -> Assumptions:
    return dataclasses.replace(a, inputs={**a.inputs, **changes})


def with_tier(a: Assumptions, number: int, **changes: object) -> Assumptions:
    tiers = tuple(dataclasses.replace(t, **changes) if t.number == number else t
                  for t in a.tiers)
    return dataclasses.replace(a, tiers=tiers)


def with_party(a: Assumptions, key: str, **changes: object) -> Assumptions:
    parties = tuple(dataclasses.replace(p, **changes) if p.key == key else p
                    for p in a.parties)
    return dataclasses.replace(a, parties=parties)


VARIANTS = {
    "default": lambda a: a,
    # exercise the other branch of every IfBlank: a revenue-share cap and an equity split
    "cap_and_equity_split": lambda a: with_inputs(
        a, revshare_api_to_microsoft_cap_usd=5e9, waterfall_end_month=dt.date(2030, 1, 1)),
    "no_carryforward_with_losses": lambda a: with_inputs(
        a, loss_carryforward=False, opening_cumulative_losses=2e9),
    "caps_bind": lambda a: with_party(with_party(a, "microsoft", cap_usd=5e9),
                                      "employees_investors", cap_usd=3e9),
}


# ---------------------------------------------------------------- base case

@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_base_case_draw_reproduces_every_line_of_the_single_run(variant: str) -> None:
    a = VARIANTS[variant](default_assumptions())
    dists = base_case(a.effective(), drawable_keys(a))
    assert {d.key for d in dists} >= set(SCHEDULE_KEYS)
    lines = run_lines(a.effective(), dists, seed=3, start=0, stop=5)
    single = run(a)
    assert set(lines) == {ln.key for ln in single.lines}
    for i, ln in enumerate(single.lines):
        expected = single.raw[i]
        got = lines[ln.key]
        assert got.shape == (len(expected), 5)
        for t, v in enumerate(expected):
            for draw in range(5):
                w = float(got[t, draw])
                if math.isnan(v):
                    assert math.isnan(w), (ln.key, t)
                else:
                    assert math.isclose(w, v, rel_tol=REL, abs_tol=0.0), (ln.key, t, w, v)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_base_case_simulation_reports_the_single_run_headlines(variant: str) -> None:
    a = VARIANTS[variant](default_assumptions())
    single = run(a)
    sim = simulate(a, base_case(a.effective(), drawable_keys(a)), draws=50, seed=1)
    months = single.timeline.months
    for t in a.tiers:
        if t.hurdle_party is not None:
            first = single.first_month(f"tier{t.number}_hurdle_met")
            got = sim.metrics[f"first:tier{t.number}_hurdle_met"]
            assert set(got.tolist()) == {months.index(first) if first else sim.n + 1}
    for p in a.parties:
        got = sim.metrics[f"cum_{p.key}"]
        assert np.all(np.abs(got - single.last(f"cum_{p.key}"))
                      <= REL * abs(single.last(f"cum_{p.key}")))
        if p.capped:
            first = single.first_month(f"cap_binds_{p.key}")
            assert set(sim.metrics[f"first:cap_binds_{p.key}"].tolist()) == {
                months.index(first) if first else sim.n + 1}
    take = single.total("microsoft_total_take")
    assert np.allclose(sim.metrics["microsoft_total_take"], take, rtol=REL, atol=0)
    assert sim.checks_failed_draws == 0


def test_the_recoup_probability_steps_from_0_to_1_at_the_base_case_month() -> None:
    # A $2B hurdle: with the commission on all of OpenAI's compute on Azure, the default
    # case does not reach $13B within the horizon, and the test needs a month it does.
    tier = next(t for t in default_assumptions().tiers if t.hurdle_party == "microsoft")
    a = with_tier(default_assumptions(), tier.number, hurdle_usd=2e9)
    dists = base_case(a.effective(), drawable_keys(a))
    month = run(a).first_month(f"tier{tier.number}_hurdle_met")
    assert month is not None
    before = dt.date(month.year - 1, 12, 1) if month.month == 1 else \
        dt.date(month.year, month.month - 1, 1)
    assert simulate(a, dists, 20, 1, by=before).events()[0].probability == 0.0
    assert simulate(a, dists, 20, 1, by=month).events()[0].probability == 1.0


# ---------------------------------------------------------------- probabilities by hand

def test_a_one_dollar_hurdle_is_met_in_the_first_month_in_every_draw() -> None:
    # the flag is cum + abs_tol ($1) + rel_tol x hurdle >= hurdle: a $1 hurdle is met
    # from the first month on, whatever is drawn
    a = with_tier(default_assumptions(), 2, hurdle_usd=1.0)
    first = a.start_month  # the first modelled month
    sim = simulate(a, DEFAULT_DISTRIBUTIONS, 500, 5, by=first)
    assert sim.events()[0].probability == 1.0  # by the first month
    assert set(sim.metrics["first:tier2_hurdle_met"].tolist()) == {1}
    # by a month before the start, nothing can have happened
    before = dt.date(first.year - 1, 12, 1) if first.month == 1 else \
        dt.date(first.year, first.month - 1, 1)
    assert simulate(a, DEFAULT_DISTRIBUTIONS, 500, 5,
                    by=before).events()[0].probability == 0.0


def test_an_unreachable_hurdle_and_caps_give_probability_zero() -> None:
    # $1,000 trillion is far beyond ten years of profit in any draw
    a = with_tier(default_assumptions(), 2, hurdle_usd=1e18)
    a = with_party(with_party(a, "microsoft", cap_usd=1e18), "employees_investors",
                   cap_usd=1e18)
    sim = simulate(a, DEFAULT_DISTRIBUTIONS, 1000, 2)
    probs = {e.label: e.probability for e in sim.events()}
    assert all(p == 0.0 for label, p in probs.items() if "tier 1" not in label.lower()), probs
    # nothing passes the Microsoft tier, so the capped-profit tier never gets anything
    assert np.all(sim.metrics["cum_nonprofit"] == 0.0)


def test_a_tiny_cap_binds_in_every_base_case_draw() -> None:
    # Microsoft receives about $26B in the base case, so a $1 cap binds, in every draw
    # that is the base case; and receipts never exceed the cap
    a = with_party(default_assumptions(), "microsoft", cap_usd=1.0, cap_growth=0.0)
    sim = simulate(a, base_case(a.effective(), drawable_keys(a)), 200, 4)
    cap = next(e for e in sim.events() if e.label.startswith("Cap of Microsoft"))
    assert cap.probability == 1.0
    assert np.all(sim.metrics["cum_microsoft"] <= 1.0 + 1e-6)
    assert sim.checks_failed_draws == 0


def test_draws_that_overflow_are_refused() -> None:
    # drawn inputs are held within the schema's ranges (growth at most 1,000 a year,
    # amounts at most 1e15): at the top of both, a century of growth overflows
    d = (Distribution("api_growth", "uniform", "scale", low=1e200, high=1e300),
         Distribution("api_arr_opening", "uniform", "value", low=1e14, high=1e15))
    with pytest.raises(ModelValueError, match="overflow"):
        simulate(with_inputs(default_assumptions(), horizon_months=1200), d, 100, 1)


# ---------------------------------------------------------------- reproducibility

def test_the_same_seed_gives_the_same_results_and_another_seed_does_not() -> None:
    a = default_assumptions()
    one = simulate(a, DEFAULT_DISTRIBUTIONS, 3000, 11)
    two = simulate(a, DEFAULT_DISTRIBUTIONS, 3000, 11)
    other = simulate(a, DEFAULT_DISTRIBUTIONS, 3000, 12)
    for key in one.metrics:
        assert np.array_equal(one.metrics[key], two.metrics[key]), key
    assert not np.array_equal(one.metrics["cum_microsoft"], other.metrics["cum_microsoft"])


def test_results_do_not_depend_on_chunks_workers_or_the_number_of_draws() -> None:
    a = default_assumptions()
    n = 2 * BLOCK + 345
    whole = simulate(a, DEFAULT_DISTRIBUTIONS, n, 9, chunk=n)
    chunked = simulate(a, DEFAULT_DISTRIBUTIONS, n, 9, chunk=777)
    pooled = simulate(a, DEFAULT_DISTRIBUTIONS, n, 9, chunk=1000, workers=2)
    fewer = simulate(a, DEFAULT_DISTRIBUTIONS, 1500, 9, chunk=400)
    for key in whole.metrics:
        assert np.array_equal(whole.metrics[key], chunked.metrics[key]), key
        assert np.array_equal(whole.metrics[key], pooled.metrics[key]), key
        assert np.array_equal(whole.metrics[key][:1500], fewer.metrics[key]), key


def test_changing_one_row_leaves_the_other_keys_draws_alone() -> None:
    changed = tuple(dataclasses.replace(d, high=2.0) if d.key == "compute_commission" else d
                    for d in DEFAULT_DISTRIBUTIONS)
    one = sample(DEFAULT_DISTRIBUTIONS, 5, 0, 2000)
    two = sample(changed, 5, 0, 2000)
    for d in DEFAULT_DISTRIBUTIONS:
        same = np.array_equal(one[d.key], two[d.key])
        assert same == (d.key != "compute_commission"), d.key


# ---------------------------------------------------------------- sampling

N = 200_000


def draws_of(d: Distribution, seed: int = 1) -> np.ndarray:
    return sample((d,), seed, 0, N)[d.key]


def test_uniform_draws_have_the_uniform_mean_and_percentiles() -> None:
    x = draws_of(Distribution("api_arr_opening", "uniform", low=2.0, high=5.0))
    assert x.min() >= 2.0 and x.max() <= 5.0
    assert abs(x.mean() - 3.5) < 0.01
    assert np.allclose(np.percentile(x, [10, 50, 90]), [2.3, 3.5, 4.7], atol=0.02)


def test_triangular_draws_have_the_triangular_mean_and_median() -> None:
    # low 0, mode 1, high 4: mean 5/3; F(1) = 1/4; the median is 4 - sqrt(6)
    x = draws_of(Distribution("api_growth", "triangular", low=0.0, mode=1.0, high=4.0))
    assert x.min() >= 0 and x.max() <= 4
    assert abs(x.mean() - 5 / 3) < 0.01
    assert abs(np.mean(x <= 1.0) - 0.25) < 0.005
    assert abs(np.median(x) - (4 - math.sqrt(6))) < 0.01


def test_normal_and_lognormal_draws_have_their_mean_and_sd() -> None:
    x = draws_of(Distribution("api_gross_margin", "normal", "shift", mean=0.02, sd=0.05))
    assert abs(x.mean() - 0.02) < 0.001 and abs(x.std() - 0.05) < 0.001
    # lognormal: the mean and sd of the draw itself, not of its logarithm
    y = draws_of(Distribution("ptu_customers_opening", "lognormal", mean=60.0, sd=20.0))
    assert y.min() > 0
    assert abs(y.mean() - 60) < 0.5 and abs(y.std() - 20) < 0.5


def test_clipping_piles_the_tails_on_the_bounds() -> None:
    x = draws_of(Distribution("openai_opex_pct", "normal", "shift", mean=0.0, sd=1.0,
                              min=-1.0, max=1.0))
    assert x.min() == -1.0 and x.max() == 1.0
    # P(Z < -1) = 0.1587
    assert abs(np.mean(x == -1.0) - 0.1587) < 0.005
    assert abs(np.mean(x == 1.0) - 0.1587) < 0.005


def test_zero_spread_gives_the_exact_value() -> None:
    for d in (Distribution("api_arr_opening", "normal", mean=1.23e9, sd=0.0),
              Distribution("api_arr_opening", "lognormal", mean=1.23e9, sd=0.0),
              Distribution("api_arr_opening", "triangular", low=1.23e9, mode=1.23e9,
                           high=1.23e9),
              Distribution("api_arr_opening", "uniform", low=1.23e9, high=1.23e9)):
        x = sample((d,), 1, 0, 10)[d.key]
        assert np.all(x == 1.23e9), d.kind


def test_inputs_are_held_within_the_schema_range_and_counted() -> None:
    # a share drawn above 1 is held at 1; the report counts those draws
    d = Distribution("ptu_fee_cut", "uniform", low=0.5, high=1.5)
    sim = simulate(default_assumptions(), (d,), 2000, 1)
    held = sim.held_counts()["ptu_fee_cut"]
    assert 900 < held < 1100  # about half the draws are above 1


def test_scale_and_shift_apply_to_every_schedule_row() -> None:
    a = default_assumptions()
    single = run(a)
    scaled = run_lines(a.effective(), (Distribution("api_gross_margin", "uniform", "scale",
                                                    low=0.5, high=0.5),), 1, 0, 2)
    shifted = run_lines(a.effective(), (Distribution("openai_opex_pct", "uniform", "shift",
                                                     low=0.01, high=0.01),), 1, 0, 2)
    base_margin = single.row("sched_api_gross_margin")
    base_opex = single.row("sched_openai_opex_pct")
    assert np.allclose(scaled["sched_api_gross_margin"][1:, 0], np.array(base_margin) * 0.5)
    assert np.allclose(shifted["sched_openai_opex_pct"][1:, 0], np.array(base_opex) + 0.01)


# ---------------------------------------------------------------- the Distributions sheet

def assumptions_with_sheet(path: Path, rows: list[list[Any]],
                           header: list[str] | None = None, a: Assumptions | None = None) -> Path:
    write_template(str(path), a or default_assumptions())
    wb = openpyxl.load_workbook(path)
    if "Distributions" in wb.sheetnames:  # the template may ship one: replace it
        del wb["Distributions"]
    ws = wb.create_sheet("Distributions")
    ws.append(header or ["key", "distribution", "apply", "mean", "sd", "low", "mode", "high",
                         "min", "max", "note"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_the_written_sheet_reads_back_as_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "with-dists.xlsx"
    a = default_assumptions()
    wb = new_workbook(str(path), a, "test")
    st = Styles(wb)
    write_input_sheets(wb, st, a)
    write_distributions_sheet(wb, st, DEFAULT_DISTRIBUTIONS)
    wb.close()
    raw = read_workbook(path)
    got = parse_distributions(raw.tables["Distributions"], a.effective(), str(path))
    assert [dataclasses.replace(d, row=None) for d in got] == list(DEFAULT_DISTRIBUTIONS)


BAD_ROWS = {
    "unknown key": ([["api_revnue", "normal", None, 1, 0.1]], "cell A2", "api_revnue"),
    "a date input": ([["start_month", "normal", None, 1, 0.1]], "cell A2", "start_month"),
    "unknown distribution": ([["api_growth", "gaussian", None, 1, 0.1]], "cell B2",
                             "gaussian"),
    "unknown apply": ([["api_growth", "normal", "times", 1, 0.1]], "cell C2", "times"),
    "negative sd": ([["api_growth", "normal", None, 1, -0.1]], "cell E2", "-0.1"),
    "text for a number": ([["api_growth", "normal", None, "one", 0.1]], "cell D2", "'one'"),
    "missing parameter": ([["api_growth", "triangular", None, None, None, 0.5, None, 1.5]],
                          "cell G2", "mode"),
    "mode outside low-high": ([["api_growth", "triangular", None, None, None, 0.5, 2, 1.5]],
                              "cell G2", "low <= mode <= high"),
    "uniform high below low": ([["api_growth", "uniform", None, None, None, 2, None, 1]],
                               "cell H2", "high at least low"),
    "lognormal mean not above 0": ([["api_arr_opening", "lognormal", None, 0, 1]], "cell D2",
                                   "above 0"),
    "min above max": ([["api_growth", "normal", None, 1, 0.1, None, None, None, 2, 1]],
                      "cell J2", "max at least min"),
    "duplicate key": ([["api_growth", "normal", None, 1, 0.1],
                       ["api_growth", "normal", None, 1, 0.2]], "cell A3", "already on row 2"),
    "blank optional input": ([["revshare_api_to_microsoft_cap_usd", "normal", None, 1e9, 1e8]],
                             "cell A2", "blank"),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_bad_rows_exit_2_naming_sheet_and_cell(case: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    rows, cell, text = BAD_ROWS[case]
    path = assumptions_with_sheet(tmp_path / "bad.xlsx", rows)
    out = tmp_path / "out.xlsx"
    code = main(["simulate", str(path), "--draws", "10", "--quiet", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "sheet Distributions" in err and cell in err and text in err, err
    assert "Traceback" not in err
    assert not out.exists()


def test_a_sheet_without_a_distribution_column_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = assumptions_with_sheet(tmp_path / "bad.xlsx", [["api_growth", 1, 0.1]],
                                  header=["key", "mean", "sd"])
    assert main(["simulate", str(path), "--draws", "10", "--quiet",
                 "-o", str(tmp_path / "o.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "sheet Distributions" in err and "'distribution'" in err


def test_bad_options_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path / "o.xlsx")
    assert main(["simulate", "--draws", "0", "-o", out, "--quiet"]) == 2
    assert "--draws" in capsys.readouterr().err
    assert main(["simulate", "--seed", "-1", "-o", out, "--quiet"]) == 2
    assert "--seed" in capsys.readouterr().err
    assert main(["simulate", "--by", "2030/12", "-o", out, "--quiet"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
    assert not Path(out).exists()


# ---------------------------------------------------------------- the CLI and the workbook

def simulation_charts(path: Path) -> list[str]:
    """The chart parts drawn on the Simulation sheet, following the workbook's rels."""
    with zipfile.ZipFile(path) as z:
        workbook = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        rid = re.search(r'<sheet name="Simulation" sheetId="\d+" r:id="(rId\d+)"', workbook)
        assert rid, "no Simulation sheet"
        target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels) or \
            re.search(rf'Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
        assert target
        sheet = target.group(1).split("/")[-1]
        sheet_rels = z.read(f"xl/worksheets/_rels/{sheet}.rels").decode()
        drawing = re.search(r'Target="\.\./drawings/(drawing\d+\.xml)"', sheet_rels)
        assert drawing, "the Simulation sheet has no drawing"
        drawing_rels = z.read(f"xl/drawings/_rels/{drawing.group(1)}.rels").decode()
        charts = re.findall(r'Target="\.\./charts/(chart\d+\.xml)"', drawing_rels)
        return [z.read(f"xl/charts/{c}").decode() for c in charts]


def test_simulate_writes_the_model_with_a_simulation_sheet_and_chart(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sim.xlsx"
    assert main(["simulate", "--draws", "2000", "--seed", "7", "-o", str(out), "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "P10" in text and "P50" in text and "P90" in text
    assert "Microsoft recoups $13B (tier 2 hurdle) by Dec 2030" in text
    charts = simulation_charts(out)
    assert charts and any("<c:barChart>" in c for c in charts)
    wb = openpyxl.load_workbook(out, read_only=True)
    try:
        assert {"Simulation", "Distributions", "Revenue", "Waterfall"} <= set(wb.sheetnames)
        cells = [c for row in wb["Simulation"].iter_rows(max_row=40, values_only=True)
                 for c in row if isinstance(c, str)]
        assert any("Computed by finmodel simulate" in c for c in cells)
        assert any(c.startswith("Microsoft recoups") for c in cells)
    finally:
        wb.close()


def test_without_a_distributions_sheet_the_defaults_are_used_and_said(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plain.xlsx"
    a = default_assumptions()
    wb = new_workbook(str(path), a, "no Distributions sheet")
    write_input_sheets(wb, Styles(wb), a)
    wb.close()
    out = tmp_path / "sim.xlsx"
    assert main(["simulate", str(path), "--draws", "300", "-o", str(out), "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "the default distributions (plain.xlsx has no Distributions sheet)" in text
    for d in DEFAULT_DISTRIBUTIONS:
        assert d.key in text


def test_simulate_reads_the_distributions_sheet_and_is_reproducible(tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = assumptions_with_sheet(tmp_path / "mine.xlsx", [
        ["api_growth", "triangular", None, None, None, 0.8, 1.0, 1.1, None, None, "mine"]])
    a = tmp_path / "a.xlsx"
    b = tmp_path / "b.xlsx"
    assert main(["simulate", str(path), "--draws", "500", "-o", str(a), "--quiet"]) == 0
    first = capsys.readouterr().out
    assert "the Distributions sheet of mine.xlsx" in first
    assert main(["simulate", str(path), "--draws", "500", "-o", str(b), "--quiet"]) == 0
    assert a.read_bytes() == b.read_bytes()
    # the output carries its distributions, so it can be simulated again
    again = tmp_path / "again.xlsx"
    assert main(["simulate", str(a), "--draws", "500", "-o", str(again), "--quiet"]) == 0
    assert "the Distributions sheet of a.xlsx" in capsys.readouterr().out


def test_simulate_never_writes_over_its_input(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.xlsx"
    src.write_bytes(default_template().read_bytes())
    assert main(["simulate", str(src), "--draws", "10", "-o", str(src), "--quiet"]) == 2
    assert src.read_bytes() == default_template().read_bytes()


def test_progress_falls_back_to_a_counter_without_tqdm(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(__import__("sys").modules, "tqdm", None)
    bar = Progress(10, enabled=True)
    for _ in range(10):
        bar.update()
    bar.close()
    assert "100 %" in capsys.readouterr().err
    quiet = Progress(10, enabled=False)
    quiet.update()
    quiet.close()
    assert capsys.readouterr().err == ""
