"""The `Simulation` sheet of `finmodel simulate`: the report, a histogram and a chart.

Its numbers are computed in Python by finmodel simulate and written as values, not
live formulas (thousands of draws of the model do not fit a workbook): the sheet
says so in its second row. The distributions used are written to a
`Distributions` sheet as well, so the output can be simulated again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_rowcol_to_cell

from model import keys
from model.core.timeline import serial
from model.inputs import schema
from model.inputs.uncertain import number_kind
from model.workbook.asbuilt import write_section_status
from model.workbook.input_tables import write_distributions_sheet

if TYPE_CHECKING:
    from model.analysis.simulation import Simulation
    from model.workbook.layout import Layout
    from model.workbook.styles import Styles

SHEET = "Simulation"
NOTE = ("Computed by finmodel simulate: these are values, not live formulas. Changing an "
        "input does not update them; run finmodel simulate again.")

ExtraSheet = Callable[[Any, "Styles", "Layout"], None]


def extras(sim: Simulation) -> list[ExtraSheet]:
    """The extra-sheet writers for the model workbook: Distributions and Simulation."""
    def distributions(wb: Any, st: Styles, layout: Layout) -> None:
        if wb.get_worksheet_by_name(schema.DISTRIBUTIONS_SHEET) is None:
            write_distributions_sheet(wb, st, sim.dists)

    def simulation(wb: Any, st: Styles, layout: Layout) -> None:
        ws = write_simulation_sheet(wb, st, sim)
        layout.write_master(ws, st, 0, 3)
    return [distributions, simulation]


def write_simulation_sheet(wb: Any, st: Styles, sim: Simulation) -> Any:
    ws = wb.add_worksheet(SHEET)
    ws.set_column(0, 0, 62)
    ws.set_column(1, 5, 13)
    ws.set_column(6, 6, 60)
    ws.write_string(0, 0, "Monte Carlo simulation", st("title"))
    ws.write_string(1, 0, NOTE, st("note"))
    ws.write_string(2, 0, "Inputs since these values were computed")
    write_section_status(ws, st, 2, 1)
    r = 3
    r = _settings(ws, st, sim, r) + 1
    r = _quantiles(ws, st, sim, r) + 1
    r = _events(ws, st, sim, r) + 1
    r = _inputs(ws, st, sim, r) + 1
    hist_rows = _histogram(ws, st, sim, r)
    r = hist_rows[1] + 2
    year_rows = _years(ws, st, sim, r)
    _charts(wb, ws, sim, hist_rows, year_rows)
    ws.freeze_panes(3, 1)
    return ws


def _section(ws: Any, st: Styles, r: int, title: str, headers: tuple[str, ...]) -> int:
    ws.write_string(r, 0, title, st("section"))
    for c in range(1, max(len(headers), 1)):
        ws.write_blank(r, c, None, st("section"))
    r += 1
    for c, h in enumerate(headers):
        ws.write_string(r, c, h, st("header"))
    return r + 1


def _settings(ws: Any, st: Styles, sim: Simulation, r: int) -> int:
    r = _section(ws, st, r, "Settings", ("setting", "value"))
    rows: list[tuple[str, Any, str]] = [
        ("Draws", sim.draws, "int"),
        ("Seed (numpy PCG64; the same seed gives the same draws)", sim.seed, "int"),
        ("First modelled month", sim.timeline.months[1], "date"),
        ("Horizon (months)", sim.n, "int"),
        ("Recoup probability counted by", sim.by, "date"),
        ("Distributions", sim.source, "text"),
    ]
    if sim.scenario:
        rows.append(("Scenario simulated around", sim.scenario, "text"))
    for label, value, kind in rows:
        ws.write_string(r, 0, label)
        if kind == "date":
            ws.write_number(r, 1, serial(value), st("calc", "date"))
        elif kind == "int":
            ws.write_number(r, 1, float(value), st("calc", "int"))
        else:
            ws.write_string(r, 1, str(value))
        r += 1
    return r


def _quantiles(ws: Any, st: Styles, sim: Simulation, r: int) -> int:
    r = _section(ws, st, r, "Headline results across the draws ($M; months as dates)",
                 ("result", "P10", "P50", "P90", "mean"))
    for q in sim.quantiles():
        ws.write_string(r, 0, q.label)
        for c, v in enumerate((q.p10, q.p50, q.p90), start=1):
            if q.kind == "month":
                m = sim.month(v)
                if m is None:
                    ws.write_string(r, c, "not reached", st("calc"))
                else:
                    ws.write_number(r, c, serial(m), st("calc", "date"))
            else:
                ws.write_number(r, c, v, st("calc", "usd"))
        if q.mean is not None:
            ws.write_number(r, 4, q.mean, st("calc", "usd"))
        r += 1
    ws.write_string(r, 0, "not reached = not within the horizon", st("note"))
    return r + 1


def _events(ws: Any, st: Styles, sim: Simulation, r: int) -> int:
    r = _section(ws, st, r, "Probabilities (share of draws)", ("event", "probability"))
    for e in sim.events():
        ws.write_string(r, 0, e.label)
        ws.write_number(r, 1, e.probability, st("calc", "rate"))
        r += 1
    ws.write_string(r, 0, "Draws in which a model check failed")
    ws.write_number(r, 1, float(sim.checks_failed_draws), st("check", "int"))
    return r + 1


def _inputs(ws: Any, st: Styles, sim: Simulation, r: int) -> int:
    r = _section(ws, st, r, "Inputs drawn (the draw, before it is applied)",
                 ("key", "apply", "P10 drawn", "P50 drawn", "P90 drawn", "held at a bound",
                  "distribution"))
    held = sim.held_counts()
    for d in sim.dists:
        ws.write_string(r, 0, d.key)
        ws.write_string(r, 1, d.mode_of_apply)
        for c, v in enumerate(sim.drawn_quantiles(d.key), start=2):
            ws.write_number(r, c, v, st("calc", number_kind(d)))
        ws.write_number(r, 5, float(held[d.key]), st("calc", "int"))
        ws.write_string(r, 6, d.describe())
        r += 1
    if not sim.dists:
        ws.write_string(r, 0, "(none: every draw is the base case)", st("note"))
        r += 1
    ws.write_string(r, 0, "held at a bound: draws whose input fell outside the range the "
                    "schema allows, and was held at its edge", st("note"))
    return r + 1


def _histogram(ws: Any, st: Styles, sim: Simulation, r: int) -> tuple[int, int]:
    """Microsoft's cumulative receipts at the horizon, in equal bins. Returns the first
    and last data rows."""
    r = _section(ws, st, r, "Histogram: Microsoft's cumulative receipts at the horizon",
                 ("bin ($B)", "from", "to", "draws", "share"))
    first = r
    key = keys.cum("microsoft") if keys.cum("microsoft") in sim.metrics else \
        keys.cum(sim.assumptions.parties[0].key)
    for lo, hi, count in sim.histogram(key):
        ws.write_string(r, 0, f"{lo / 1e9:,.1f} to {hi / 1e9:,.1f}")
        ws.write_number(r, 1, lo, st("calc", "usd"))
        ws.write_number(r, 2, hi, st("calc", "usd"))
        ws.write_number(r, 3, float(count), st("calc", "int"))
        ws.write_number(r, 4, count / sim.draws, st("calc", "rate"))
        r += 1
    return first, r - 1


def _years(ws: Any, st: Styles, sim: Simulation, r: int) -> tuple[int, int, str] | None:
    """The year Microsoft reaches its hurdle (the first hurdle tier if none is
    Microsoft's): share of draws and cumulative share."""
    tiers = sim.hurdle_tiers("microsoft") or sim.hurdle_tiers()
    if not tiers:
        return None
    t = tiers[0]
    who = sim.assumptions.party(t.hurdle_party).label
    title = f"Year {who} reaches the tier {t.number} hurdle ({_billions(t.hurdle_usd)})"
    r = _section(ws, st, r, title, ("year", "share of draws", "cumulative"))
    first = r
    for label, share, cum in sim.year_distribution(keys.first_month(keys.hurdle_met(t.number))):
        ws.write_string(r, 0, label)
        ws.write_number(r, 1, share, st("calc", "rate"))
        ws.write_number(r, 2, cum, st("calc", "rate"))
        r += 1
    return first, r - 1, title


def _billions(v: float | None) -> str:
    return "no hurdle" if v is None else f"${v / 1e9:,.1f}B"


def _ref(first: int, last: int, col: int) -> list[Any]:
    return [SHEET, first, col, last, col]


def _charts(wb: Any, ws: Any, sim: Simulation, hist: tuple[int, int],
            years: tuple[int, int, str] | None) -> None:
    chart = wb.add_chart({"type": "column"})
    chart.add_series({
        "name": "Share of draws",
        "categories": _ref(*hist, 0),
        "values": _ref(*hist, 4),
        "gap": 5,
        "fill": {"color": "#4472C4"},
        "border": {"color": "#2F5597"},
    })
    chart.set_title({"name": "Microsoft's cumulative receipts at the horizon",
                     "name_font": {"size": 12}})
    chart.set_x_axis({"name": "$B", "num_font": {"rotation": -45}})
    chart.set_y_axis({"name": "share of draws", "num_format": "0%",
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"none": True})
    chart.set_size({"width": 720, "height": 360})
    ws.insert_chart(xl_rowcol_to_cell(3, 7), chart)
    if years is None:
        return
    first, last, title = years
    col = wb.add_chart({"type": "column"})
    col.add_series({"name": "Share of draws", "categories": _ref(first, last, 0),
                    "values": _ref(first, last, 1), "fill": {"color": "#4472C4"}})
    line = wb.add_chart({"type": "line"})
    line.add_series({"name": "Cumulative", "categories": _ref(first, last, 0),
                     "values": _ref(first, last, 2), "line": {"color": "#C00000"},
                     "marker": {"type": "circle"}})
    col.combine(line)
    col.set_title({"name": title, "name_font": {"size": 12}})
    col.set_y_axis({"num_format": "0%", "max": 1, "min": 0,
                    "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    col.set_legend({"position": "bottom"})
    col.set_size({"width": 720, "height": 360})
    ws.insert_chart(xl_rowcol_to_cell(23, 7), col)
