"""The Summary sheet: where the reader lands. Headline results as live formulas."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from model.core.actuals import compare
from model.core.headlines import (
    AT_HORIZON,
    DASHBOARD,
    FIRST_MONTH,
    OVER_HORIZON,
    VALUATION,
    headline_values,
)
from model.core.timeline import serial
from model.inputs.overrides import FIXED_COLUMNS
from model.workbook import actuals_sheet
from model.workbook.charts import SIZE, dashboard_charts
from model.workbook.layout import Layout
from model.workbook.printing import PRINT_WIDTH_PT, column_pt
from model.workbook.styles import Styles, unit
from model.workbook.valuation_dashboard import write_dashboard
from model.workbook.valuation_sheet import Plan
from model.workbook.valuation_sheet import plan as valuation_plan

if TYPE_CHECKING:
    from model.core.results import Results

NOT_REACHED = "not within the horizon"

def first_month_formula(layout: Layout, flag_key: str) -> str:
    """The first month in which a 0/1 flag row is 1, or a note that it never is."""
    return (f'=IFERROR(INDEX({layout.month_range()},1,MATCH(1,{layout.row_range(flag_key)},0)),'
            f'"{NOT_REACHED}")')


def headline_rows(results: Results, layout: Layout, reads: tuple[str, ...] = (
        FIRST_MONTH, AT_HORIZON, VALUATION)) -> list[tuple[str, str, str, object]]:
    """(label, formula, number format, Python value) of each headline the Dashboard
    shows (``model.core.headlines``) that reads one of ``reads``."""
    rows: list[tuple[str, str, str, object]] = []
    plan: Plan | None = None
    for h, value in headline_values(results, DASHBOARD):
        if h.reads not in reads:
            continue
        if h.reads == FIRST_MONTH:
            rows.append((h.long_label, first_month_formula(layout, h.source), "date",
                         _month_value(value if isinstance(value, dt.date) else None)))
        elif h.reads == AT_HORIZON:
            rows.append((h.long_label, "=" + layout.ref(h.source, layout.n, absolute=True), "usd",
                         value))
        elif h.reads == OVER_HORIZON:
            sheet, row = layout.rows[h.source]
            rows.append((h.long_label, f"={sheet}!${layout.total_col}${row}", "usd", value))
        elif h.reads == VALUATION:
            plan = plan or valuation_plan(results.assumptions)
            fmt = {"usd": "usd", "multiple": "multiple", "rate": "rate"}[h.fmt]
            rows.append((h.long_label, "=" + plan.ref(h.source), fmt,
                         value if isinstance(value, float) else str(value)))
    return rows


def _worst_variance(ws: Any, st: Styles, results: Results, r: int) -> int:
    """The worst variance of a fitted reported figure, and where, on one row: the label
    names the figure (live, from the Variances sheet), column B the variance."""
    top = actuals_sheet.worst(compare(results))
    label = "Worst variance of a fitted reported figure (Variances sheet)"
    if top is None:
        ws.write_string(r, 0, label)
        ws.write_string(r, 1, actuals_sheet.NONE_FITTED, st("note"))
    else:
        ws.write_formula(r, 0, f'="Worst fitted variance: "&{actuals_sheet.WHERE_CELL}', None,
                         f"Worst fitted variance: {actuals_sheet.where(top, results)}")
        ws.write_formula(r, 1, "=" + actuals_sheet.WORST_CELL, st("link", "rate"),
                         top.variance_pct)
    return r + 1


def _month_value(month: dt.date | None) -> object:
    return NOT_REACHED if month is None else serial(month)


def write_summary(wb: Any, ws: Any, st: Styles, results: Results, layout: Layout,
                  legend: tuple[tuple[str, str], ...]) -> None:
    a = results.assumptions
    ws.write_string(0, 0, "OpenAI-Microsoft partnership model", st("title"))
    ws.write_string(1, 0, f"Inputs: {a.name}. Months: {results.timeline.months[1]:%b %Y} to "
                    f"{results.timeline.months[-1]:%b %Y} ({layout.n} months). Amounts in dollars, "
                    "shown in $M.", st("note"))
    formula, value = layout.master()
    ws.write_string(2, 0, "Model checks", st("headline"))
    layout.write_master(ws, st, 2, 1)
    if a.scenarios is not None and a.selected is not None:
        from xlsxwriter.utility import xl_col_to_name

        ws.write_string(3, 0, "Scenario (choose from the list: the whole model follows)",
                        st("headline"))
        ws.write_string(3, 1, a.selected, st("input"))
        first = xl_col_to_name(len(FIXED_COLUMNS))
        last = xl_col_to_name(len(FIXED_COLUMNS) + len(a.scenarios.names) - 1)
        ws.data_validation(3, 1, 3, 1, {
            "validate": "list", "source": f"=Scenarios!${first}$1:${last}$1",
            "error_title": "Scenario", "error_message": "Choose a scenario from the list"})
    r = 4
    ws.write_string(r, 0, "Headline results", st("section"))
    ws.write_string(r, 1, "", st("section"))
    ws.write_string(r, 2, "unit", st("section"))
    r += 1
    for label, f, kind, v in headline_rows(results, layout):
        ws.write_string(r, 0, label)
        ws.write_formula(r, 1, f, st("link", kind), v)
        ws.write_string(r, 2, unit(kind))
        r += 1
    # In place of the blank row before the next section (the Dashboard's first page is
    # full): the worst variance of a fitted reported figure.
    r = _worst_variance(ws, st, results, r)
    ws.write_string(r, 0, "Totals over the horizon", st("section"))
    ws.write_string(r, 1, "", st("section"))
    ws.write_string(r, 2, "", st("section"))
    r += 1
    for label, f, kind, v in headline_rows(results, layout, (OVER_HORIZON,)):
        ws.write_string(r, 0, label)
        ws.write_formula(r, 1, f, st("link", kind), v)
        ws.write_string(r, 2, unit(kind))
        r += 1
    r += 1
    r = write_dashboard(ws, st, results, r, 0)  # what the receipts are worth (no blank
    # row before the charts title: page 1 holds the figures and the cash warning)
    ws.write_string(r, 0, "Charts (they follow the live cells)", st("section"))
    ws.write_string(r, 1, "", st("section"))
    rows_per_chart = SIZE["height"] // 20 + 1
    charts = dashboard_charts(wb, results, layout)
    # Print: the figures with two charts beside them on page 1, the others below.
    right = 4  # the first column right of the figures (D holds the valuation's shares)
    place = [(0, right), (rows_per_chart, right)]
    below = max(r + 2, 2 * rows_per_chart)
    place += [(below + (i // 2) * rows_per_chart, 0 if i % 2 == 0 else right)
              for i in range(len(charts) - 2)]
    for chart, (row, col) in zip(charts, place, strict=True):
        ws.insert_chart(row, col, chart, {"x_offset": 4, "y_offset": 4})
    key_row = 2 * rows_per_chart + 1  # the key to the styles, under the two charts
    ws.write_string(key_row, right, "Key to the cell styles", st("section"))
    for i in range(1, 4):
        ws.write_string(key_row, right + i, "", st("section"))
    for i, (role, text) in enumerate(legend, start=1):
        ws.write_string(key_row + i, right, "example", st(role))
        ws.write_string(key_row + i, right + 1, text)
    last_row = max(row for row, _ in place) + rows_per_chart
    ws.set_h_pagebreaks([below])
    last_col = right + SIZE["width"] // 64 + 1  # default columns are 64 pixels wide
    ws.print_area(0, 0, last_row, last_col)
    width = sum(column_pt(w) for w in (62, 20, 5, 7)) + (last_col - right + 1) * column_pt(8.43)
    ws.set_print_scale(min(100, int(100 * PRINT_WIDTH_PT / width)))
    ws.set_column(0, 0, 62)
    ws.set_column(1, 1, 20)
    ws.set_column(2, 2, 5)
    ws.set_column(3, 3, 7)
