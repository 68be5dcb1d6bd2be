"""The benchmark script runs (on a tiny configuration). No timing is asserted: what is
checked is that every section ran and that the floors wrote the build's own cells."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_benchmark_script_runs_on_a_tiny_configuration(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--quick", "--horizons", "12",
         "--no-libreoffice", "--draws", "200", "--json", str(out)],
        capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    for text in ("CLI cold start", "build/floor", "physical", "whole commands",
                 "Growth with the horizon", "grid and tornado as one vectorised pass",
                 "Monte Carlo"):
        assert text in r.stdout
    results = json.loads(out.read_text())
    build = results["builds"]["12"]
    assert build["formula_cells"] > 0 and build["floor"] > 0 and build["size"] > 0
    # The floors write the very cells the build wrote: every formula cell, no more.
    assert build["floor_formula_cells"] == build["formula_cells"]
    assert build["physical_formula_cells"] == build["formula_cells"]
    assert build["cells_written"] > build["formula_cells"]
    assert build["cli_ratio"] > 0 and build["floor_cli_s"] > 0
    sens = results["sensitivities"]["default"]
    assert sens["draws"] > 25 and sens["one_pass_s"] > 0 and sens["runs_s"] > 0
    assert results["monte_carlo"]["draws"] == 200
