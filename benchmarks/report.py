"""The benchmark report: the figures bench.py measured, as text, with the targets."""

from __future__ import annotations

from typing import Any

TARGETS = {
    "cold_start_s": 0.5,
    "build_1200_s": 10.0,
    "build_1200_mb": 500.0,
    "default_output_mb": 1.0,
    "mc_10k_s": 5.0,
}


# the whole `finmodel build` command at most this many times the whole floor command
FLOOR_TARGETS = {120: 2.0, 1200: 1.6}


def report(r: dict[str, Any]) -> str:
    m = r["machine"]
    lines = [f"finmodel benchmarks, {m['date']}",
             f"machine: {m['nproc']} x {m['cpu']}, {m['ram']} RAM; {m['platform']}",
             f"Python {m['python']}, numpy {m['numpy']}, xlsxwriter {m['xlsxwriter']}, "
             f"{m['libreoffice']}", ""]
    c = r["cold_start"]
    lines.append("CLI cold start (median wall time)")
    lines.append(f"  python -c pass               {c['python_bare_s']:7.3f} s")
    lines.append(f"  python -m model --help       {c['python_m_model_help_s']:7.3f} s   "
                 f"target < {TARGETS['cold_start_s']} s")
    if "finmodel_help_s" in c:
        lines.append(f"  finmodel --help              {c['finmodel_help_s']:7.3f} s")
    lines.append(f"  heavy modules imported by --help: {c['heavy_modules_on_help']}")
    lines.append("")
    lines.append("finmodel build against its floor (median of fresh processes, seconds)")
    lines.append("  in process: import = xlsxwriter and the model package (the floor needs the "
                 "first too); build = read (with openpyxl's import) + compute + write;")
    lines.append("  floor = the same cells replayed through the build's worksheet class; "
                 "physical = the same cells as plain XML strings + zlib")
    lines.append(f"  {'months':>6} {'import':>7} {'read':>7} {'compute':>8} {'write':>7} "
                 f"{'build':>7} {'floor':>7} {'build/floor':>11} {'physical':>9} "
                 f"{'build/phys':>10} {'peak MB':>8} {'size KB':>8} {'formulas':>9}")
    for h, b in r["builds"].items():
        lines.append(
            f"  {h:>6} {b['import']:7.3f} {b['read']:7.3f} {b['compute']:8.3f} "
            f"{b['write']:7.3f} {b['total']:7.3f} {b['floor']:7.3f} "
            f"{b['total'] / b['floor']:11.2f} {b['physical']:9.3f} "
            f"{b['total'] / b['physical']:10.2f} {b['peak_mb']:8.0f} {b['size'] / 1024:8.0f} "
            f"{b['formula_cells']:9,.0f}")
    lines.append("  whole commands, in turn (median; the floor command less loading its cells):")
    lines.append(f"  {'months':>6} {'finmodel build':>15} {'floor command':>14} "
                 f"{'ratio (pair by pair)':>21}  target")
    for h, b in r["builds"].items():
        target = FLOOR_TARGETS.get(int(h))
        lines.append(f"  {h:>6} {b['cli_s']:15.3f} {b['floor_cli_s']:14.3f} "
                     f"{b['cli_ratio']:21.2f}  {f'<= {target:.1f}' if target else '-'}")
    numpy = [str(h) for h, b in r["builds"].items() if b["numpy_imported"]]
    lines.append(f"  numpy imported by the build at: {', '.join(numpy) or 'no horizon'} months")
    lines.append(f"  targets: default output < {TARGETS['default_output_mb']} MB; 1,200 months < "
                 f"{TARGETS['build_1200_s']} s and < {TARGETS['build_1200_mb']:.0f} MB")
    lines.append("")
    lines.append("Growth with the horizon (per month: linear if the figures stay flat)")
    lines.append(f"  {'months':>6} {'formulas/month':>15} {'range cells/month':>18} "
                 f"{'largest range':>14} {'build s/month':>14}")
    for h, b in r["builds"].items():
        lines.append(f"  {h:>6} {b['formula_cells'] / h:15.1f} {b['range_cells'] / h:18.1f} "
                     f"{b['largest_range']:14,.0f} {b['total'] / h * 1000:11.2f} ms")
    lo = r.get("libreoffice")
    lines.append("")
    if lo is None:
        lines.append("LibreOffice recalculation: skipped (not installed or --no-libreoffice)")
    else:
        lines.append("LibreOffice full recalculation (median; start-up = a one-cell workbook)")
        lines.append(f"  start-up {lo['startup_s']:.2f} s")
        hs = sorted(int(h) for h in lo if str(h).isdigit())
        prev: tuple[int, float] | None = None
        for h in hs:
            t_h = lo[h] if h in lo else lo[str(h)]
            net = t_h - lo["startup_s"]
            text = (f"  {h:>6} months {t_h:6.2f} s, less start-up {net:6.2f} s, "
                    f"{net / h * 1000:6.2f} ms/month")
            if prev is not None:
                text += (f"; marginal {(t_h - prev[1]) / (h - prev[0]) * 1000:5.2f} ms/month "
                         f"from {prev[0]}")
            lines.append(text)
            prev = (h, t_h)
        lines.append("  (linear: the marginal cost of a month stays flat as the horizon grows; "
                     "quadratic would make it grow)")
    lines.append("")
    lines.append("Analysis sheet: grid and tornado as one vectorised pass, against one scalar "
                 "run per point (seconds)")
    for which, x in r["sensitivities"].items():
        lines.append(f"  {which:>8} model ({x['lines']:,} lines, {x['draws']} draws): one pass "
                     f"{x['one_pass_s']:.3f} s, one run each {x['runs_s']:.3f} s "
                     f"({x['runs_s'] / x['one_pass_s']:.1f} x)")
    mc = r["monte_carlo"]
    lines.append("")
    lines.append(f"Monte Carlo, {mc['draws']:,} draws (median; target < "
                 f"{TARGETS['mc_10k_s']} s for 10,000 draws of 120 months on two cores)")
    big = f"{10 * mc['draws']:,} draws"
    for label, text in (("one_process", "120 months, 1 process"),
                        ("two_processes", "120 months, 2 processes"),
                        ("one_process_long", f"{mc['long']} months, 1 process"),
                        ("ten_times_one_process", f"{big}, 120 months, 1 process"),
                        ("ten_times_two_processes", f"{big}, 120 months, 2 processes")):
        x = mc[label]
        lines.append(f"  {text:<37} {x['seconds']:7.3f} s  peak {x['peak_mb']:5.0f} MB  "
                     f"P(Microsoft recoups by Dec 2030) {x['p_recoup'] * 100:.1f} %")
    lines.append(f"  finmodel simulate end to end (incl. writing the workbook) {mc['cli_s']:.2f} s")
    return "\n".join(lines)


