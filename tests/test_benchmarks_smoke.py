"""The benchmark script runs (on a tiny configuration). No timing is asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_benchmark_script_runs_on_a_tiny_configuration(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--quick", "--horizons", "12",
         "--no-libreoffice", "--draws", "200", "--json", str(out)],
        capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    for text in ("CLI cold start", "total/floor", "Growth with the horizon", "Monte Carlo"):
        assert text in r.stdout
    results = json.loads(out.read_text())
    build = results["builds"]["12"]
    assert build["formula_cells"] > 0 and build["floor"] > 0 and build["size"] > 0
    assert results["monte_carlo"]["draws"] == 200
