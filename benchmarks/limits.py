"""The largest model along every dimension the schema limits, built and measured.

    python benchmarks/limits.py            # the largest model, and each dimension at its limit
    python benchmarks/limits.py --quick    # the largest model only

Each model is built in a fresh process (compute and write, as `finmodel build` does, to a
temporary file): it prints the wall and CPU time and the peak memory of that process, and
the size of its file. The target is every model within the limits in under 60 s and
600 MB on the 2-core machine of docs/performance.md. ``largest`` also serves the tests
(tests/test_model_limits.py lints every formula of the largest model).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from model.inputs import schema  # noqa: E402
from model.inputs.assumptions import Assumptions, Cost, Party, Stream, Tier  # noqa: E402
from model.inputs.defaults import default_assumptions  # noqa: E402
from model.inputs.overrides import (  # noqa: E402
    OverrideRow,
    Scenarios,
    inputs_target,
    schedule_target,
)
from model.inputs.reader import MAX_ROWS  # noqa: E402

LIMITS = {"parties": schema.MAX_PARTIES, "tiers": schema.MAX_TIERS,
          "streams": schema.MAX_STREAMS, "costs": schema.MAX_COSTS,
          "scenarios": schema.MAX_SCENARIOS, "horizon": schema.MAX_HORIZON,
          "schedule_rows": MAX_ROWS}
SMALL = {"parties": 4, "tiers": 3, "streams": 0, "costs": 0, "scenarios": 0, "horizon": 120,
         "schedule_rows": 11}


def _month(start: dt.date, offset: int) -> dt.date:
    n = start.year * 12 + start.month - 1 + offset
    return dt.date(n // 12, n % 12 + 1, 1)


def largest(parties: int, tiers: int, streams: int, costs: int, scenarios: int,
            horizon: int, schedule_rows: int) -> Assumptions:
    """Microsoft, capped investors and the nonprofit; tiers with hurdles but the last;
    streams and costs with their Schedule columns; a Schedule of ``schedule_rows`` monthly
    rows ending at the horizon's start or later; scenarios that each override a rate and
    an input. Every share equal."""
    base = default_assumptions()
    keys = ["microsoft", *(f"investor_{i}" for i in range(parties - 2)), "nonprofit"]
    ps = tuple(Party(k, k.replace("_", " ").title(),
                     None if k == "nonprofit" else 1e9 * (i + 1),
                     0.2 if k == "microsoft" else None, 2025 if k == "microsoft" else None,
                     None if k == "nonprofit" else "nonprofit", 1 / parties)
               for i, k in enumerate(keys))
    ts = tuple(Tier(k, f"Tier {k}", keys[(k - 1) % (parties - 1)] if k < tiers else None,
                    5e8 * k if k < tiers else None, {key: 1 / parties for key in keys})
               for k in range(1, tiers + 1))
    ss = tuple(Stream(f"stream_{i}", f"Stream {i}", 1e8 * (i + 1), i % 2 == 0)
               for i in range(streams))
    cs = tuple(Cost(f"cost_{i}", f"Cost {i}", 1e6 * (i + 1)) for i in range(costs))
    start = base.start_month
    first = _month(start, -(schedule_rows - 1) // 2)  # rows before and after the start
    row = dict(base.schedule[0])
    rows = []
    for i in range(schedule_rows):
        r = {**row, "from_month": _month(first, i)}
        for s in ss:
            r[f"{s.key}_growth"] = 0.3
            r[f"{s.key}_gross_margin"] = 0.5
        for c in cs:
            r[f"{c.key}_growth"] = 0.1
        rows.append(r)
    a = dataclasses.replace(base, parties=ps, tiers=ts, streams=ss, costs=cs,
                            schedule=tuple(rows), scenarios=None, selected=None,
                            distributions=None, investments=None,
                            inputs={**base.inputs, "horizon_months": horizon})
    if scenarios:
        names = tuple(f"Scenario {i + 1}" for i in range(scenarios))
        overrides = (
            OverrideRow(schedule_target("api_growth"), _month(start, 12),
                        {n: 0.1 + i / 100 for i, n in enumerate(names)}),
            OverrideRow(inputs_target("discount_rate"), None,
                        {n: 0.05 + i / 1000 for i, n in enumerate(names)}))
        a = dataclasses.replace(a, scenarios=Scenarios(names, overrides), selected=names[0])
    return a


def _build(sizes: dict[str, int]) -> dict[str, float]:
    """Build in this process (the child): compute and write to a temporary file."""
    from model.core.engine import run
    from model.workbook.output import write_atomic
    t0, c0 = time.perf_counter(), time.process_time()
    a = largest(**sizes)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "model.xlsx"
        write_atomic(run(a), out)
        size = out.stat().st_size
    return {"wall_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "file_mb": size / 2**20}


def measure(sizes: dict[str, int]) -> dict[str, float]:
    """The figures of one build in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, __file__, "--child", json.dumps(sizes)],
                       capture_output=True, text=True, env=env, check=True)
    return json.loads(r.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the largest model only")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_build(json.loads(args.child))))
        return
    cases = [("every dimension at its limit", LIMITS)]
    if not args.quick:
        cases += [(f"{k} at its limit ({v:,})", {**SMALL, k: v}) for k, v in LIMITS.items()]
    print("limits: " + ", ".join(f"{k} {v:,}" for k, v in LIMITS.items()))
    print(f"{'model':<40} {'wall s':>7} {'CPU s':>7} {'peak MB':>8} {'file MB':>8}")
    for label, sizes in cases:
        m = measure(sizes)
        print(f"{label:<40} {m['wall_s']:7.1f} {m['cpu_s']:7.1f} {m['peak_mb']:8.0f} "
              f"{m['file_mb']:8.1f}", flush=True)


if __name__ == "__main__":
    main()
