"""Every command argument is checked: exit 2 with a clear message, never a bogus answer
(issue 9, "Commands"), and the polish of issue 11: --version, amounts such as 13B,
"did you mean", --by within the horizon, output names, one money format."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import openpyxl
import pytest

import model
from model import default_template
from model.analysis.report import money
from model.cli.values import amount
from tests.helpers import run_main

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_main(*args, cwd=cwd)  # in-process: tests/test_cli.py runs whole processes


def refused(r: subprocess.CompletedProcess[str], *words: str) -> None:
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    for w in words:
        assert w in r.stderr, f"{w!r} not in {r.stderr!r}"


# ---------------------------------------------------------------- issue 9: solve, simulate


@pytest.mark.parametrize(("args", "words"), [
    (["--vary", "Tiers:2:microsoft"], ["shares", "must sum to 1", "Tiers:2:microsoft"]),
    (["--vary", "Parties:microsoft:equity_share"], ["must sum to 1"]),
    (["--vary", "waterfall_end_month"], ["waterfall_end_month, which is a date"]),
    (["--vary", "ptu_fee_cut_month"], ["ptu_fee_cut_month, which is a date"]),
    (["--vary", "loss_carryforward"], ["loss_carryforward, which is TRUE or FALSE"]),
    (["--vary", "Parties:microsoft:cap_growth_from"], ["which is a year"]),
    (["--vary", "Parties:nonprofit:cap_usd"], ["which is blank"]),
    (["--vary", "api_growth", "--hi", "inf"], ["--hi", "found 'inf'"]),
    (["--vary", "api_growth", "--lo=-inf"], ["--lo", "found '-inf'"]),
    (["--vary", "api_growth", "--target", "nan"], ["--target", "found 'nan'"]),
    (["--vary", "api_growth", "--target", "1e999"], ["--target", "finite"]),
    (["--vary", "api_growth", "--lo", "2", "--hi", "1"], ["--lo below --hi"]),
    (["--vary", "ptu_fee_cut", "--hi", "2"], ["--hi within what ptu_fee_cut allows",
                                              "between 0 and 1"]),
    (["--vary", "revshare_api_to_microsoft_cap_usd", "--mode", "shift"], ["which is blank"]),
    (["--vary", "api_growth", "--by", "2040-01"], ["--by within the horizon, 2024-01 to "
                                                   "2033-12", "2040-01"]),
    (["--vary", "api_growth", "--by", "2023-12"], ["--by within the horizon"]),
])
def test_solve_refuses_what_it_cannot_answer(args: list[str], words: list[str]) -> None:
    refused(run_cli("solve", *args), *words)


def test_solve_the_model_that_overflows_is_refused(tmp_path: Path) -> None:
    """A range so wide that the model would overflow: exit 2 naming the input's bounds (the
    schema's ranges keep every value the model can reach finite), not an answer."""
    r = run_cli("solve", "--vary", "api_growth", "--mode", "set", "--hi", "1e300", "--result",
                "api_revenue")
    refused(r, "--hi within what Schedule:api_growth allows", "between -1 and 1000")


def test_solve_takes_amounts_and_prints_money() -> None:
    r = run_cli("solve", "--vary", "api_growth", "--by", "2028-12", "--target", "$13B")
    assert r.returncode == 0, r.stderr
    assert "= $13B" in r.stdout and "Result then: $13B" in r.stdout


def test_simulate_with_an_absurd_standard_deviation(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(default_template())
    ws = wb["Distributions"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == "normal")
    ws.cell(row, header.index("sd") + 1).value = 1e308
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    r = run_cli("simulate", str(path), "--draws", "100", "-o", str(tmp_path / "o.xlsx"))
    col = openpyxl.utils.get_column_letter(header.index("sd") + 1)
    refused(r, f"sheet Distributions, cell {col}{row}", "a number between 0 and 1e+15")
    assert not (tmp_path / "o.xlsx").exists()


@pytest.mark.parametrize("command", ["build", "simulate"])
def test_by_outside_the_horizon_is_refused_everywhere(command: str, tmp_path: Path) -> None:
    r = run_cli(command, "--by", "2035-01", "-o", str(tmp_path / "o.xlsx"))
    refused(r, "--by within the horizon, 2024-01 to 2033-12", "2035-01")


def test_a_short_horizon_builds_with_the_default_by(tmp_path: Path) -> None:
    """--by defaults to 2030-12 only when the horizon reaches it."""
    wb = openpyxl.load_workbook(default_template())
    ws = wb["Inputs"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "horizon_months")
    ws.cell(row, 2).value = 24
    path = tmp_path / "short.xlsx"
    wb.save(path)
    r = run_cli("build", str(path), "-o", str(tmp_path / "o.xlsx"))
    assert r.returncode == 0, r.stderr


# ---------------------------------------------------------------- issue 11: polish


def test_version() -> None:
    r = run_cli("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"finmodel {model.__version__}"


@pytest.mark.parametrize(("text", "value"), [
    ("13B", 13e9), ("$13B", 13e9), ("13bn", 13e9), ("185K", 185e3), ("2.5M", 2.5e6),
    ("13e9", 13e9), ("13,000,000,000", 13e9), ("-$2M", -2e6), ("20%", 0.2), ("1.5T", 1.5e12)])
def test_amounts(text: str, value: float) -> None:
    assert amount(text) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(("args", "words"), [
    (["build", "--scenario", "amendmnet"], ["did you mean 'amendment (Apr 2026)'?"]),
    (["build", "--result", "microsft_total_take"], ["did you mean 'microsoft_total_take'"]),
    (["build", "--grid-x", "api_grwth"], ["did you mean 'api_growth'"]),
    (["solve", "--vary", "api_arr_openin"], ["did you mean 'api_arr_opening'"]),
    (["solve", "--vary", "api_growth", "--result", "cum_microsft"],
     ["did you mean 'cum_microsoft'"]),
])
def test_did_you_mean(args: list[str], words: list[str], tmp_path: Path) -> None:
    refused(run_cli(*args, cwd=tmp_path), *words)


@pytest.mark.parametrize(("args", "name"), [
    (["build", "-o", "out.csv"], "out.csv"), (["simulate", "-o", "sim.pdf"], "sim.pdf"),
    (["init", "fresh.ods"], "fresh.ods")])
def test_output_names_must_end_in_xlsx(args: list[str], name: str, tmp_path: Path) -> None:
    refused(run_cli(*args, cwd=tmp_path), "ends in .xlsx", name)
    assert not (tmp_path / name).exists()


def test_the_build_summary_names_its_scenario(tmp_path: Path) -> None:
    r = run_cli("build", "--scenario", "amendment (Apr 2026)", "-o", str(tmp_path / "a.xlsx"))
    assert r.returncode == 0
    assert "scenario 'amendment (Apr 2026)'" in r.stdout.splitlines()[0]


def test_money_reads_the_same_in_every_command(tmp_path: Path) -> None:
    """Every amount the commands print has a $ and a scale; no raw dollars, no bare M."""
    build = run_cli("build", "-o", str(tmp_path / "m.xlsx")).stdout
    amend = tmp_path / "amend.xlsx"
    run_cli("build", "--scenario", "amendment (Apr 2026)", "-o", str(amend))
    diff = run_cli("diff", str(tmp_path / "m.xlsx"), str(amend)).stdout
    solve = run_cli("solve", "--vary", "api_growth", "--by", "2028-12").stdout
    sim = run_cli("simulate", "--draws", "200", "-o", str(tmp_path / "s.xlsx")).stdout
    for text in (build, diff, solve, sim):
        assert re.search(r"\$[0-9][0-9.,]*[BMK]\b", text), text
        assert not re.search(r"(?<![$0-9.,])[0-9][0-9,]*\.[0-9]M\b", text), text  # "1,782.9M"
        assert not re.search(r"\b[0-9]{1,3}(,[0-9]{3}){3,}\b", text), text  # raw dollars


@pytest.mark.parametrize(("value", "text"), [
    (127.878e9, "$127.88B"), (13e9, "$13B"), (546.89e6, "$546.9M"), (185e3, "$185K"),
    (950.0, "$950"), (-10.3495e9, "-$10.35B"), (0.0, "$0")])
def test_money(value: float, text: str) -> None:
    assert money(value) == text
