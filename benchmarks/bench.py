"""finmodel benchmarks: a plain script that prints medians, figures and ratios.

    python benchmarks/bench.py            # the full run (about 2-3 minutes)
    python benchmarks/bench.py --quick    # one repeat of each, fewer draws
    python benchmarks/bench.py --json results.json

What it measures (see docs/performance.md for the figures and the targets):

1. the machine and the versions of the tools;
2. CLI cold start: `python -m model --help` (and `finmodel --help` when installed)
   against a bare `python -c pass`, and which heavy modules --help imports;
3. `finmodel build` of the default template and of a 1,200-month horizon, each in
   a fresh process: imports, read (model.load), compute and write (the writer,
   through output.write_atomic), peak memory (getrusage of that process), file size
   and formula cells;
4. the build's floor, two ways (benchmarks/floor.py): the cells that build wrote
   (recorded from a second, untimed write: every format and every cell-writing call
   with its formula and value) replayed through the same one-regex worksheet class
   with no model at all; and, as a second line, the physical floor: the same cells
   as plain XML strings deflated by zipfile. In process, build / floor; and the whole
   `finmodel build` command against the whole floor command, in turn, the ratio
   taken pair by pair (the floor command less the time it takes to load its cells);
5. growth: formula cells and the cells that range references cover, per month, for
   each horizon (a formula that re-sums a growing range each month would make the
   second grow quadratically);
6. LibreOffice's full recalculation (model.recalc.recalc_libreoffice) at 120, 600
   and 1,200 months, against its start-up on a one-cell workbook: time per month;
7. Monte Carlo: 10,000 draws of the 120-month model (one process, then two worker
   processes), of the 1,200-month model, 100,000 draws (one and two); and
   `finmodel simulate` end to end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import pickle
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import floor  # noqa: E402 - benchmarks/floor.py, next to this script
from report import report  # noqa: E402 - benchmarks/report.py

FLOOR = ROOT / "benchmarks" / "floor.py"

PY = sys.executable
# Every child may cache its compiled bytecode, as an installed package has it (pip
# compiles it on install): in a folder of its own, so the work tree stays clean.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
ENV.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / "finmodel-bench-pycache"))


# ---------------------------------------------------------------- helpers


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def timed_run(cmd: list[str], cwd: Path | None = None) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=ENV, cwd=cwd)
    return time.perf_counter() - t0


def child(args: list[str]) -> dict[str, Any]:
    """Run this script in child mode in a fresh interpreter; returns its JSON."""
    out = subprocess.run([PY, __file__, "--child", *args], check=True, capture_output=True,
                         text=True, env=ENV)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def peak_mb() -> float:
    """Peak resident memory of this process (or of its largest child), in MB."""
    import resource
    kb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
             resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return kb / 1024  # ru_maxrss is in KB on Linux


def make_assumptions(path: Path, horizon: int) -> Path:
    """The default template with another horizon (the Schedule's last row holds on)."""
    import dataclasses

    from model.inputs.defaults import default_assumptions
    from model.workbook.template import write_template
    a = default_assumptions()
    a = dataclasses.replace(a, inputs={**a.inputs, "horizon_months": horizon})
    write_template(str(path), a)
    return path


def template_for(horizon: int, tmp: Path) -> Path:
    import model
    if horizon == 120:
        return model.default_template()
    return make_assumptions(tmp / f"assumptions-{horizon}.xlsx", horizon)


_RANGE = re.compile(rb"\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)")
_FORMULA = re.compile(rb"<f(?: [^>]*)?>(.*?)</f>", re.S)


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def formula_stats(path: Path | io.BytesIO) -> dict[str, int]:
    """Formula cells of a workbook and the cells their range references cover."""
    cells = covered = longest = 0
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not (name.startswith("xl/worksheets/sheet") and name.endswith(".xml")):
                continue
            for m in _FORMULA.finditer(z.read(name)):
                cells += 1
                for r in _RANGE.finditer(m.group(1)):
                    size = ((abs(_col(r.group(3)) - _col(r.group(1))) + 1)
                            * (abs(int(r.group(4)) - int(r.group(2))) + 1))
                    covered += size
                    longest = max(longest, size)
    return {"formula_cells": cells, "range_cells": covered, "largest_range": longest}


# ---------------------------------------------------------------- child modes

def child_build(src: str, out: str, cells: str) -> dict[str, Any]:
    """In a fresh process: the build's phases, then the floors of the same cells.

    xlsxwriter (which the floor needs too) and the model package are imported first
    and timed apart; read includes importing the reader's library (openpyxl), write
    everything from the results to the file (Analysis runs, layout, formulas, XML,
    zip). Then the cells the build wrote are recorded (a second write, not timed) and
    replayed in this process through the same worksheet class: the floor; and written
    as plain XML strings and zlib: the physical floor."""
    t = time.perf_counter()
    import xlsxwriter  # noqa: F401 - the floor imports it too

    import model
    from model.workbook.output import write_atomic
    t_import = time.perf_counter() - t
    t = time.perf_counter()
    a = model.load(src)
    t_read = time.perf_counter() - t
    t = time.perf_counter()
    results = model.compute(a)
    t_compute = time.perf_counter() - t
    t = time.perf_counter()
    size = write_atomic(results, Path(out), inputs=(Path(src),))
    t_write = time.perf_counter() - t
    rss_build = peak_mb()
    numpy = "numpy" in sys.modules
    stats = formula_stats(Path(out))
    stream = floor.record(lambda: write_atomic(results, Path(out), inputs=(Path(src),)))
    with open(cells, "wb") as fh:
        pickle.dump(stream, fh)
    floors: dict[str, Any] = {}
    for name, how in (("floor", floor.replay), ("physical", floor.physical)):
        times = []
        for _ in range(3):
            buf = io.BytesIO()
            t = time.perf_counter()
            how(stream, buf)
            times.append(time.perf_counter() - t)
        floors[name] = min(times)  # the floor's best: the ratio errs against the build
        floors[f"{name}_formula_cells"] = formula_stats(buf)["formula_cells"]
    return {"import": t_import, "read": t_read, "compute": t_compute, "write": t_write,
            "total": t_read + t_compute + t_write, "size": size, "peak_mb": rss_build,
            "numpy_imported": numpy, "cells_written": len(stream["cells"]), **floors, **stats}


def child_simulate(draws: str, workers: str, months: str) -> dict[str, Any]:
    import dataclasses

    from model.analysis.montecarlo import simulate
    from model.inputs.defaults import DEFAULT_DISTRIBUTIONS, default_assumptions
    a = default_assumptions()
    if int(months) != 120:
        a = dataclasses.replace(a, inputs={**a.inputs, "horizon_months": int(months)})
    n, w = int(draws), int(workers)
    t = time.perf_counter()
    sim = simulate(a, DEFAULT_DISTRIBUTIONS, n, 1, workers=w,
                   chunk=min(n, 10_000) if w == 1 else min(-(-n // w), 10_000))
    seconds = time.perf_counter() - t
    p = [e.probability for e in sim.events()][0]
    return {"seconds": seconds, "peak_mb": peak_mb(), "p_recoup": p}


def many_parties(parties: int = 30, tiers: int = 25) -> Any:
    """The default model with many parties (every other one capped) and tiers (each a
    hurdle for one party, the last shared by all): thousands of lines."""
    import dataclasses

    from model.inputs.assumptions import Party, Tier
    from model.inputs.defaults import default_assumptions
    keys = ["microsoft", *(f"party{i:02d}" for i in range(1, parties - 1)), "nonprofit"]
    ps = tuple(Party(key=k, label=k.title(), cap_usd=5e9 * (i + 1) if i % 2 else None,
                     cap_growth=None, cap_growth_from=None,
                     overflow_to=None if k == "nonprofit" else "nonprofit",
                     equity_share=0.0 if k == "nonprofit" else 1 / (parties - 1))
               for i, k in enumerate(keys))
    ts = []
    for n in range(1, tiers + 1):
        party = keys[(n - 1) % (parties - 1)] if n < tiers else None
        shares = {k: (0.6 if k == party else 0.4 if k == "nonprofit" else 0.0) if party
                  else 1 / parties for k in keys}
        ts.append(Tier(number=n, name=f"Tier {n}", hurdle_party=party,
                       hurdle_usd=1e9 * n if party else None, shares=shares))
    return dataclasses.replace(default_assumptions(), parties=ps, tiers=tuple(ts),
                               scenarios=None, selected=None, distributions=None)


def child_sensitivities(which: str) -> dict[str, Any]:
    """The Analysis sheet's grid and tornado: one vectorised pass, against one scalar
    run per point (what the build did before), for the default or a many-party model."""
    from model.analysis.sensitivity import sensitivities, tornado_inputs
    from model.analysis.solve import Settings, changer, resolve, varied
    from model.core.engine import run
    from model.inputs.defaults import default_assumptions
    a = default_assumptions() if which == "default" else many_parties()
    s = Settings()
    sensitivities(a, s)  # compile the step functions, as the build has by then
    run(a)
    t = time.perf_counter()
    sensitivities(a, s)
    one_pass = time.perf_counter() - t
    t = time.perf_counter()
    x, y = resolve(s.grid_x, a), resolve(s.grid_y, a)
    points = 0
    for dy in s.grid_y_steps:
        for dx in s.grid_x_steps:
            s.metric.of(run(varied(varied(a, y, changer("shift", dy)), x, changer("shift", dx))))
            points += 1
    s.metric.of(run(a))
    for target in tornado_inputs(a):
        for k in (1 - s.tornado_pct, 1 + s.tornado_pct):
            s.metric.of(run(varied(a, target, changer("scale", k))))
            points += 1
    runs = time.perf_counter() - t
    return {"one_pass_s": one_pass, "runs_s": runs, "draws": points + 1,
            "lines": len(run(a).lines)}


# ---------------------------------------------------------------- sections

def machine() -> dict[str, str]:
    import numpy
    import xlsxwriter
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    ram = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f"{kb / 2**20:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    lo = ""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe:
        try:
            lo = subprocess.run([exe, "--version"], capture_output=True, text=True,
                                timeout=60).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            lo = "(version unknown)"
    return {"date": dt.date.today().isoformat(), "nproc": str(os.cpu_count()), "cpu": cpu,
            "ram": ram, "python": platform.python_version(), "numpy": numpy.__version__,
            "xlsxwriter": xlsxwriter.__version__, "libreoffice": lo or "not installed",
            "platform": platform.platform()}


def cold_start(repeat: int) -> dict[str, Any]:
    timed_run([PY, "-c", "pass"])  # warm the file cache
    bare = median([timed_run([PY, "-c", "pass"]) for _ in range(repeat)])
    timed_run([PY, "-m", "model", "--help"])
    help_ = median([timed_run([PY, "-m", "model", "--help"]) for _ in range(repeat)])
    out: dict[str, Any] = {"python_bare_s": bare, "python_m_model_help_s": help_}
    exe = shutil.which("finmodel")
    if exe:
        out["finmodel_help_s"] = median([timed_run([exe, "--help"]) for _ in range(repeat)])
    probe = ("import sys, model.cli as c\n"
             "try:\n    c.main(['--help'])\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in ('pandas', 'numpy', 'xlsxwriter', 'openpyxl') "
             "if m in sys.modules))")
    heavy = subprocess.run([PY, "-c", probe], capture_output=True, text=True, env=ENV)
    out["heavy_modules_on_help"] = heavy.stdout.strip().splitlines()[-1]
    return out


def builds(horizons: list[int], repeat: int, tmp: Path) -> dict[int, dict[str, Any]]:
    """Each horizon: the build's phases in fresh processes (medians), then the whole
    `finmodel build` command against the whole floor command, in turn (build, floor,
    build, floor ...), with the ratio taken pair by pair."""
    out: dict[int, dict[str, Any]] = {}
    for h in horizons:
        src = template_for(h, tmp)
        dst = tmp / f"model-{h}.xlsx"
        cells = tmp / f"cells-{h}.pickle"
        runs = [child(["build", str(src), str(dst), str(cells)]) for _ in range(repeat)]
        row = {k: median([r[k] for r in runs]) for k in runs[0]}
        row["peak_mb"] = max(r["peak_mb"] for r in runs)
        build_cmd = [PY, "-m", "model", "build", str(src), "-o", str(dst)]
        floor_cmd = [PY, str(FLOOR), str(cells), str(tmp / f"floor-{h}.xlsx")]
        pairs = []
        timed_run(build_cmd)
        timed_run(floor_cmd)
        for _ in range(repeat):
            b = timed_run(build_cmd)
            f = timed_loaded(floor_cmd)
            pairs.append((b, f))
        row["cli_s"] = median([b for b, _ in pairs])
        row["floor_cli_s"] = median([f for _, f in pairs])
        row["cli_ratio"] = median([b / f for b, f in pairs])
        out[h] = row
    return out


def timed_loaded(cmd: list[str]) -> float:
    """Wall time of the floor command less its loading of the cell stream."""
    t0 = time.perf_counter()
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, env=ENV)
    wall = time.perf_counter() - t0
    return wall - float(json.loads(done.stdout.strip().splitlines()[-1])["load_s"])


def libreoffice(horizons: list[int], repeat: int, tmp: Path) -> dict[str, Any] | None:
    from model.recalc import libreoffice_available, recalc_libreoffice
    if not libreoffice_available():
        return None
    import xlsxwriter
    one = tmp / "one-cell.xlsx"
    wb = xlsxwriter.Workbook(str(one))
    wb.add_worksheet().write_formula(0, 0, "=1+1", None, 2)
    wb.close()

    def recalc(path: Path) -> float:
        t = time.perf_counter()
        recalc_libreoffice(path, tmp / f"lo-{path.stem}")
        return time.perf_counter() - t

    recalc(one)  # warm the file cache
    out: dict[Any, Any] = {"startup_s": median([recalc(one) for _ in range(repeat)])}
    for h in horizons:
        src = template_for(h, tmp)
        dst = tmp / f"lo-model-{h}.xlsx"
        subprocess.run([PY, "-m", "model", "build", str(src), "-o", str(dst)], check=True,
                       stdout=subprocess.DEVNULL, env=ENV)
        out[h] = median([recalc(dst) for _ in range(repeat)])
    return out


def monte_carlo(draws: int, repeat: int, tmp: Path, long: int) -> dict[str, Any]:
    out: dict[str, Any] = {"draws": draws, "long": long}
    for label, n, workers, months in (
            ("one_process", draws, 1, 120), ("two_processes", draws, 2, 120),
            ("one_process_long", draws, 1, long),
            ("ten_times_one_process", 10 * draws, 1, 120),
            ("ten_times_two_processes", 10 * draws, 2, 120)):
        runs = [child(["simulate", str(n), str(workers), str(months)])
                for _ in range(repeat)]
        out[label] = {"seconds": median([r["seconds"] for r in runs]),
                      "peak_mb": max(r["peak_mb"] for r in runs),
                      "p_recoup": runs[0]["p_recoup"]}
    dst = tmp / "sim.xlsx"
    out["cli_s"] = median([timed_run([PY, "-m", "model", "simulate", "--draws", str(draws),
                                      "--quiet", "-o", str(dst)]) for _ in range(repeat)])
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true",
                   help="one repeat, 2,000 draws, no many-party sensitivities")
    p.add_argument("--horizons", default="120,1200", help="build horizons (120,1200)")
    p.add_argument("--lo-horizons", default="120,600,1200",
                   help="LibreOffice recalculation horizons (120,600,1200)")
    p.add_argument("--repeat", type=int, help="repeats per measure (5; --quick: 1)")
    p.add_argument("--draws", type=int, help="Monte Carlo draws (10000; --quick: 2000)")
    p.add_argument("--no-libreoffice", action="store_true")
    p.add_argument("--json", type=Path, help="also write the results as JSON")
    p.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        result = (child_build(*rest) if kind == "build" else child_simulate(*rest)
                  if kind == "simulate" else child_sensitivities(*rest))
        print(json.dumps(result))
        return 0
    repeat = args.repeat or (1 if args.quick else 5)
    draws = args.draws or (2000 if args.quick else 10_000)
    horizons = [int(h) for h in args.horizons.split(",")]
    lo_horizons = [int(h) for h in args.lo_horizons.split(",")]
    with tempfile.TemporaryDirectory(prefix="finmodel-bench-") as d:
        tmp = Path(d)
        r: dict[str, Any] = {"machine": machine()}
        print("measuring cold start ...", file=sys.stderr)
        r["cold_start"] = cold_start(max(repeat, 3) * 2)
        print("measuring builds ...", file=sys.stderr)
        r["builds"] = builds(horizons, repeat, tmp)
        if not args.no_libreoffice:
            print("measuring LibreOffice ...", file=sys.stderr)
            r["libreoffice"] = libreoffice(lo_horizons, min(repeat, 3), tmp)
        print("measuring the sensitivities ...", file=sys.stderr)
        r["sensitivities"] = {which: child(["sensitivities", which])
                              for which in (("default",) if args.quick else ("default", "many"))}
        print("measuring Monte Carlo ...", file=sys.stderr)
        r["monte_carlo"] = monte_carlo(draws, min(repeat, 3), tmp, max(horizons))
    print(report(r))
    if args.json:
        args.json.write_text(json.dumps(r, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
