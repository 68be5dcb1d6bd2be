"""The Summary sheet: where the reader lands. Headline results as live formulas."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from model.core.timeline import serial
from model.inputs.overrides import FIXED_COLUMNS
from model.workbook.charts import SIZE, dashboard_charts
from model.workbook.layout import Layout
from model.workbook.printing import PRINT_WIDTH_PT, column_pt
from model.workbook.styles import Styles, unit
from model.workbook.valuation_dashboard import write_dashboard

if TYPE_CHECKING:
    from model.core.results import Results
    from model.inputs.assumptions import Assumptions

NOT_REACHED = "not within the horizon"

TOTALS = (
    ("api_revenue", "OpenAI API revenue"),
    ("openai_revenue", "OpenAI revenue (the API and every stream)"),
    ("azure_revenue", "Azure OpenAI revenue"),
    ("revshare_azure_to_openai", "Revenue share Microsoft pays OpenAI"),
    ("revshare_api_to_microsoft", "Revenue share OpenAI pays Microsoft"),
    ("revshare_net", "Net revenue share to OpenAI"),
    ("openai_operating_profit", "OpenAI operating profit"),
    ("distributable_profit", "Distributable profit"),
    ("undistributed", "Undistributed after the last tier"),
    ("microsoft_total_take", "Microsoft's total take"),
)


def totals(a: Assumptions) -> list[tuple[str, str]]:
    """The totals the Dashboard shows: TOTALS, with each stream's revenue after the
    API's and each cost before the operating profit."""
    out: list[tuple[str, str]] = []
    for key, label in TOTALS:
        if key == "openai_operating_profit":
            out += [(f"{c.key}_cost", c.label) for c in a.costs]
        out.append((key, label))
        if key == "api_revenue":
            out += [(f"{s.key}_revenue", f"{s.label} revenue") for s in a.streams]
    return out


def first_month_formula(layout: Layout, flag_key: str) -> str:
    """The first month in which a 0/1 flag row is 1, or a note that it never is."""
    return (f'=IFERROR(INDEX({layout.month_range()},1,MATCH(1,{layout.row_range(flag_key)},0)),'
            f'"{NOT_REACHED}")')


def headline_rows(results: Results, layout: Layout) -> list[tuple[str, str, str, object]]:
    """(label, formula, number format, Python value) of each headline result."""
    a = results.assumptions
    rows: list[tuple[str, str, str, object]] = []
    for t in a.tiers:
        if t.hurdle_party is None:
            continue
        who = a.party(t.hurdle_party).label
        month = results.first_month(f"tier{t.number}_hurdle_met")
        rows.append((f"{who} reaches the tier {t.number} hurdle ({t.name})",
                     first_month_formula(layout, f"tier{t.number}_hurdle_met"), "date",
                     _month_value(month)))
    for p in a.parties:
        if p.capped:
            month = results.first_month(f"cap_binds_{p.key}")
            rows.append((f"Cap of {p.label} binds",
                         first_month_formula(layout, f"cap_binds_{p.key}"), "date",
                         _month_value(month)))
    for p in a.parties:
        rows.append((f"Cumulative receipts at the horizon: {p.label}",
                     "=" + layout.ref(f"cum_{p.key}", layout.n, absolute=True), "usd",
                     results.last(f"cum_{p.key}")))
    return rows


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
        ws.write_formula(r, 1, f, st("link", kind), v)  # type: ignore[arg-type]
        ws.write_string(r, 2, unit(kind))
        r += 1
    r += 1
    ws.write_string(r, 0, "Totals over the horizon", st("section"))
    ws.write_string(r, 1, "", st("section"))
    ws.write_string(r, 2, "", st("section"))
    r += 1
    for key, label in totals(a):
        sheet, row = layout.rows[key]
        ws.write_string(r, 0, label)
        ws.write_formula(r, 1, f"={sheet}!$D${row}", st("link", "usd"), results.total(key))
        ws.write_string(r, 2, unit("usd"))
        r += 1
    r += 1
    r = write_dashboard(ws, st, results, r, 0) + 1  # what the receipts are worth
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
