"""The command line as a user meets it: exit codes, messages, files written or kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from model import default_template
from model.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "model", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)


def test_build_default_writes_output_and_prints_headlines(tmp_path: Path) -> None:
    r = run_cli("build", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "output" / "assumptions-model.xlsx"
    assert out.exists()
    assert "output/assumptions-model.xlsx" in r.stdout
    assert "Microsoft reaches the tier 2 hurdle" in r.stdout
    assert "Model checks" in r.stdout and "OK" in r.stdout


def test_same_inputs_same_bytes(tmp_path: Path) -> None:
    assert main(["build", str(default_template()), "-o", str(tmp_path / "a.xlsx")]) == 0
    assert main(["build", str(default_template()), "-o", str(tmp_path / "b.xlsx")]) == 0
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_build_from_a_generated_model_round_trips(tmp_path: Path) -> None:
    first = tmp_path / "assumptions-model.xlsx"
    assert main(["build", str(default_template()), "-o", str(first)]) == 0
    second = tmp_path / "again.xlsx"
    assert main(["build", str(first), "-o", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()


def test_edit_inputs_in_the_model_and_regenerate(tmp_path: Path) -> None:
    first = tmp_path / "assumptions-model.xlsx"
    assert main(["build", "-o", str(first)]) == 0
    wb = openpyxl.load_workbook(first)
    ws = wb["Inputs"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "api_arr_opening")
    row[1].value = 2e9
    wb.save(first)
    second = tmp_path / "second.xlsx"
    assert main(["build", str(first), "-o", str(second)]) == 0
    wb2 = openpyxl.load_workbook(second, data_only=True)
    revenue = {r[0].value: r for r in wb2["Revenue"].iter_rows()}
    assert revenue["api_revenue"][4].value == pytest.approx(2e9 / 12, rel=1e-12)


def test_check_accepts_the_template() -> None:
    r = run_cli("check", str(default_template()))
    assert r.returncode == 0
    assert "OK" in r.stdout


def test_refuses_to_write_over_its_input(tmp_path: Path) -> None:
    src = tmp_path / "in.xlsx"
    src.write_bytes(default_template().read_bytes())
    before = src.read_bytes()
    r = run_cli("build", str(src), "-o", str(src))
    assert r.returncode == 2
    assert "input" in r.stderr and "Traceback" not in r.stderr
    assert src.read_bytes() == before


def test_refuses_a_folder_as_output(tmp_path: Path) -> None:
    r = run_cli("build", "-o", str(tmp_path))
    assert r.returncode == 2
    assert "folder" in r.stderr


def test_refuses_an_unwritable_folder(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        target = Path("/proc/finmodel-test/out.xlsx")  # not writable even for root
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        target = locked / "out.xlsx"
    r = run_cli("build", "-o", str(target))
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr


def test_bad_input_leaves_earlier_output_intact(tmp_path: Path) -> None:
    out = tmp_path / "model.xlsx"
    out.write_bytes(b"earlier output")
    bad = tmp_path / "bad.xlsx"
    wb = openpyxl.load_workbook(default_template())
    ws = wb["Inputs"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "api_arr_opening")
    row[1].value = "lots"
    wb.save(bad)
    r = run_cli("build", str(bad), "-o", str(out))
    assert r.returncode == 2
    assert f"{bad}: sheet Inputs, cell B4 (api_arr_opening)" in r.stderr
    assert "expected an amount in USD" in r.stderr and "the text 'lots'" in r.stderr
    assert "Traceback" not in r.stderr
    assert out.read_bytes() == b"earlier output"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_help_is_quick_to_import() -> None:
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "model", "--help"],
                       capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0
    heavy = [mod for mod in ("pandas", "xlsxwriter", "openpyxl", "numpy")
             if f" {mod}\n" in r.stderr or f"| {mod}\n" in r.stderr]
    assert heavy == []


def test_a_missing_dependency_is_named_not_a_traceback(tmp_path: Path) -> None:
    """Run with a Python that lacks one of the dependencies (here xlsxwriter, hidden from a
    fresh process), `finmodel build` names the package and says how to install it."""
    code = ("import sys; sys.modules['xlsxwriter'] = None; from model.cli import main; "
            f"sys.exit(main(['build', '-o', {str(tmp_path / 'm.xlsx')!r}]))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert "the package 'xlsxwriter' is not installed" in r.stderr
    assert "python3 -m venv .venv" in r.stderr
    assert not (tmp_path / "m.xlsx").exists()
