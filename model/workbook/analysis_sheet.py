"""The Analysis sheet: waterfall breakpoints (live formulas), a two-way sensitivity
grid and a tornado (computed in Python when the file is built, and labelled so).

Breakpoints are small expressions over the Tiers and Parties inputs, written once
with the same nodes as the line items: each gives its Excel formula and its value.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from model import keys
from model.analysis import solve as analysis
from model.analysis.sensitivity import Bar, Grid, sensitivities
from model.core.engine import input_number
from model.core.expr import Expr, Max, Param, Ref, Sum
from model.core.timeline import serial
from model.inputs.overrides import Target, field_of
from model.inputs.schema import (
    COSTS_SHEET,
    PARTIES_SHEET,
    SCHEDULE_SHEET,
    STREAMS_SHEET,
    TIERS_SHEET,
    Field,
)
from model.workbook.asbuilt import write_section_status
from model.workbook.charts import money_axis
from model.workbook.printing import PRINT_WIDTH_PT, column_pt
from model.workbook.render import SingleCellsXl

if TYPE_CHECKING:
    from model.core.expr import XlContext
    from model.core.results import Results
    from model.inputs.assumptions import Assumptions
    from model.workbook.layout import Layout
    from model.workbook.styles import Styles

SHEET = "Analysis"
CHART_WIDTH = 560  # pixels
NOT_REACHED = "not within the horizon"


@dataclass(frozen=True)
class Breakpoint:
    key: str
    label: str
    expr: Expr


def breakpoints(a: Assumptions) -> list[Breakpoint]:
    """Cumulative waterfall profit at which each hurdle tier is full and each cap binds
    (caps at cap_usd, before the escalator, binding in a last tier without a hurdle)."""
    out: list[Breakpoint] = []
    widths: list[tuple[int, Expr]] = []  # (tier number, width of the tier)

    def share(tier: int, party: str) -> Param:
        return Param(TIERS_SHEET, str(tier), party)

    def received(party: str) -> Expr:
        return Sum(*(share(k, party) * w for k, w in widths))

    for t in a.tiers:
        if t.hurdle_party is None:
            continue
        h = t.hurdle_party
        width = Max(0, Param(TIERS_SHEET, str(t.number), "hurdle_usd") - received(h)) \
            / share(t.number, h)
        key = keys.tier_width(t.number)
        out.append(Breakpoint(key, f"Tier {t.number}: profit it takes ({t.name})", width))
        widths.append((t.number, Ref(key)))
        out.append(Breakpoint(keys.breakpoint_tier(t.number), f"Tier {t.number} full",
                              Sum(*(w for _, w in widths))))
    last = a.tiers[-1]
    if last.hurdle_party is None:
        before = Sum(*(w for _, w in widths))
        for p in a.parties:
            if p.capped and last.shares.get(p.key, 0.0) > 0:
                room = Max(0, Param(PARTIES_SHEET, p.key, "cap_usd") - received(p.key))
                out.append(Breakpoint(keys.breakpoint_cap(p.key),
                                      f"Cap of {p.label} binds (tier {last.number})",
                                      before + room / share(last.number, p.key)))
    return out


class _ScalarPy:
    """Renders a breakpoint to Python with the selected scenario's numbers inline."""

    vector = False

    def __init__(self, a: Assumptions) -> None:
        self.a = a.effective()

    def line(self, key: str, prev: bool) -> str:
        return f"B[{key!r}]"

    def input(self, key: str) -> str:
        return repr(input_number(self.a.inputs[key]))

    def param(self, table: str, row: str, column: str) -> str:
        return repr(input_number(self.a.param(table, row, column)))

    def const(self, name: str) -> str:
        raise NotImplementedError

    def timeline(self, name: str) -> str:
        raise NotImplementedError

    def is_blank(self, node: Expr) -> bool:
        return False

    def history(self, key: str) -> str:
        raise NotImplementedError


class _ScalarXl(SingleCellsXl):
    """Renders a breakpoint to Excel: inputs through the scenario layer, other
    breakpoints by their cell on this sheet."""

    def __init__(self, model: XlContext, rows: dict[str, int]) -> None:
        super().__init__(model)
        self.rows = rows

    def line(self, key: str, prev: bool) -> str:
        return f"$C${self.rows[key]}"


def target_label(a: Assumptions, t: Target) -> str:
    """What a finance user calls an input: its description, naming the stream, cost,
    party or tier it belongs to (never a key), so that no two inputs read alike."""
    if t.sheet == SCHEDULE_SHEET:  # a stream's or cost's column names its stream or cost
        f: Field | None = next((g for g in a.schedule_fields if g.key == t.column), None)
    else:
        f = field_of(t)
    text = f.description.split(".")[0] if f is not None else t.text()
    # the first clause, short enough for a label and a chart's axis
    text = re.split(r" \(|, besides|, after| to the first day", _words(text))[0]
    for long, short in ((" in the month before start", " before the start"),
                        ("Most the party may receive in total", "cap on its total receipts"),
                        (" on top of its cost for", " on")):
        text = text.replace(long, short)
    items = {s.key: s.label for s in a.streams} | {c.key: c.label for c in a.costs}
    if t.sheet in (STREAMS_SHEET, COSTS_SHEET):
        return f"{items.get(t.row, t.row)}: " + text.replace("The stream's ", "").replace(
            "The cost in", "cost in")
    if t.sheet == PARTIES_SHEET:
        return f"{a.party(t.row).label}: {text}"
    if t.sheet == TIERS_SHEET:
        return f"Tier {t.row}: {text}"
    return text


def _words(text: str) -> str:
    """A description with any input key in it (start_month) said in words (start month)."""
    return re.sub(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", lambda m: m[0].replace("_", " "),
                  text)


def schedule_label(a: Assumptions, key: str) -> str:
    """What a finance user calls a Schedule column (``key`` may say "Schedule:")."""
    key = key.split(":")[-1]
    return target_label(a, Target(SCHEDULE_SHEET, key, key))


def breakpoint_values(results: Results) -> dict[str, float]:
    r = _ScalarPy(results.assumptions)
    values: dict[str, float] = {}
    for bp in breakpoints(results.assumptions):
        values[bp.key] = float(eval(bp.expr.py(r), {"_max": max, "_min": min},  # noqa: S307
                                    {"B": values}))
    return values


def month_reached(results: Results, amount: float) -> dt.date | None:
    for t, v in enumerate(results.row("cum_waterfall_profit"), start=1):
        if v >= amount:
            return results.timeline.months[t]
    return None


def write(wb: Any, ws: Any, st: Styles, results: Results, layout: Layout,
          model: XlContext, settings: analysis.Settings | None = None) -> None:
    settings = settings or analysis.Settings()
    a = results.assumptions
    ws.write_string(0, 1, "Analysis: breakpoints, sensitivities and tornado", st("title"))
    layout.write_master(ws, st)
    ws.write_string(2, 1, "Waterfall breakpoints (live formulas)", st("section"))
    for c, text in enumerate(("key", "breakpoint", "cumulative profit through the waterfall",
                              "month the model gets there")):
        ws.write_string(3, c, text, st("header_wrap"))
    ws.set_row(3, 45)
    bps = breakpoints(a)
    rows = {bp.key: 5 + i for i, bp in enumerate(bps)}
    values = breakpoint_values(results)
    xl = _ScalarXl(model, rows)
    months, cum = layout.month_range(), layout.row_range("cum_waterfall_profit")
    for bp in bps:
        r = rows[bp.key] - 1
        ws.write_string(r, 0, bp.key)
        ws.write_string(r, 1, bp.label)
        ws.write_formula(r, 2, "=" + bp.expr.xl(xl), st("calc", "usd"), values[bp.key])
        if keys.is_breakpoint(bp.key):
            count = f'COUNTIF({cum},"<"&C{r + 1})'
            month = month_reached(results, values[bp.key])
            ws.write_formula(r, 3, f'=IF({count}>=COLUMNS({months}),"{NOT_REACHED}",'
                             f'INDEX({months},1,{count}+1))', st("right", "date"),
                             NOT_REACHED if month is None else serial(month))
    r = 5 + len(bps) + 1
    ws.write_string(r, 1, "Breakpoints ignore the cap escalator and assume no cap binds "
                    "before the last tier; the month is when the model's cumulative "
                    "waterfall profit first reaches the amount.", st("note"))
    g, base, bars = sensitivities(a, settings)  # one vectorised pass for both
    r = _write_grid(ws, st, results, r + 2, settings, g)
    last_row = _write_tornado(wb, ws, st, results, r + 2, settings, base, bars)
    # Print from column B (the key column is for formulas), the chart beside the tables.
    last_col = 8 + (CHART_WIDTH - 3 * 117) // 64 + 1
    ws.print_area(0, 1, max(last_row, ws.dim_rowmax or 0), last_col)
    width = sum(column_pt(w) for w in (LABEL_WIDTH, 16, 22, 16, 16)) + CHART_WIDTH * 0.8
    ws.set_print_scale(min(100, int(100 * PRINT_WIDTH_PT / width)))
    ws.set_column(0, 0, 26, st("key"))
    ws.set_column(1, 1, LABEL_WIDTH)
    ws.set_column(2, 2, 16)
    ws.set_column(3, 3, 22)
    ws.set_column(4, 8, 16)


LABEL_WIDTH = 58  # characters: the longest label prints whole (tests/test_printing.py)


def _write_grid(ws: Any, st: Styles, results: Results, r: int,
                settings: analysis.Settings, g: Grid) -> int:
    x_key, x_steps = settings.grid_x, settings.grid_x_steps
    y_key, y_steps = settings.grid_y, settings.grid_y_steps
    metric = settings.metric
    ws.write_string(r, 1, "Sensitivity grid: computed in Python when the file was built "
                    "(does not recalculate)", st("section"))
    write_section_status(ws, st, r, 4)
    a = results.assumptions
    down, across = schedule_label(a, y_key), schedule_label(a, x_key)
    ws.write_string(r + 1, 1, f"{metric.label(results)} ($M), with every Schedule row "
                    "shifted by the amounts down and across:", st("note"))
    ws.write_string(r + 2, 1, f"Down: {down}", st("note"))
    ws.write_string(r + 3, 1, f"Across: {across}", st("note"))
    r += 2
    ws.write_string(r + 2, 1, "down \\ across", st("header"))
    for j, dx in enumerate(x_steps):
        ws.write_number(r + 2, 2 + j, dx, st("header", "rate"))
    for i, dy in enumerate(y_steps):
        ws.write_number(r + 3 + i, 1, dy, st("header", "rate"))
        for j, dx in enumerate(x_steps):
            ws.write_number(r + 3 + i, 2 + j, g.values[i][j],
                            st("total" if dx == dy == 0 else "calc", "usd"))
    return r + 3 + len(y_steps)


def _write_tornado(wb: Any, ws: Any, st: Styles, results: Results, r: int,
                   settings: analysis.Settings, base: float, bars: list[Bar]) -> int:
    metric = settings.metric
    pct = settings.tornado_pct
    shown = [b for b in bars if b.swing != 0] or bars[:1]  # inputs that move it
    left_out, bars = len(bars) - len(shown), shown
    ws.write_string(r, 1, "Tornado: computed in Python when the file was built "
                    "(does not recalculate)", st("section"))
    write_section_status(ws, st, r, 4)
    ws.write_string(r + 1, 1, f"{metric.label(results)}: base ${base / 1e6:,.1f}M; each "
                    f"input scaled by -{pct:.0%} and +{pct:.0%} (a Schedule "
                    "rate in every row); change from the base in $M"
                    + (f"; {left_out} inputs that do not move it are left out"
                       if left_out else ""), st("note"))
    for c, text in enumerate(("input", f"-{pct:.0%}", f"+{pct:.0%}",
                              "swing")):
        ws.write_string(r + 2, 1 + c, text, st("header"))
    first = r + 3
    for i, bar in enumerate(bars):
        ws.write_string(first + i, 0, bar.target.text())
        ws.write_string(first + i, 1, target_label(results.assumptions, bar.target))
        ws.write_number(first + i, 2, bar.low - base, st("calc", "usd"))
        ws.write_number(first + i, 3, bar.high - base, st("calc", "usd"))
        ws.write_number(first + i, 4, bar.swing, st("calc", "usd"))
    chart = wb.add_chart({"type": "bar"})
    last = first + len(bars) - 1
    for col, name, color in ((2, f"-{pct:.0%}", "#C55A11"),
                             (3, f"+{pct:.0%}", "#1F4E79")):
        chart.add_series({"name": name, "categories": [SHEET, first, 1, last, 1],
                          "values": [SHEET, first, col, last, col],
                          "fill": {"color": color}, "overlap": 100})
    chart.set_title({"name": "Tornado: change in " + metric.label(results),
                     "name_font": {"size": 11}})
    largest = max((abs(v - base) for b in bars for v in (b.low, b.high)), default=0.0)
    chart.set_x_axis({"num_format": money_axis(largest)[0], "num_font": {"size": 11}})
    chart.set_y_axis({"reverse": True, "label_position": "low", "num_font": {"size": 11}})
    chart.set_legend({"font": {"size": 11}})
    height = 28 * len(bars) + 120  # room for every label at a readable size
    chart.set_size({"width": CHART_WIDTH, "height": height})
    ws.insert_chart(r + 2, 6, chart)
    ws.set_h_pagebreaks([r])  # the tornado and its chart print on a page of their own
    return r + 2 + height // 20 + 1
