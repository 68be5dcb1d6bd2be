"""Calendar-period rollups: flows summed over each period, balances at its end (the
kind of each line, ``model.core.line``, says which it is).

Each rollup cell sums a fixed, contiguous run of month columns, so the
workbook grows linearly with the horizon (no SUMIF over the whole timeline).
Which months belong to which period is set when the workbook is built; the
Checks sheet flags a change of start_month or horizon_months made in Excel.
"""

from __future__ import annotations

import datetime as dt
import math
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_col_to_name

from model.core.cashflow import ECHOES
from model.core.line import BALANCE, CASH, FLOW, REVENUE, WATERFALL, Line
from model.core.lines import model_lines
from model.workbook.printing import (
    MIN_SCALE,
    Columns,
    group_blocks,
    print_in_blocks,
    scale_for,
    year_blocks,
)
from model.workbook.styles import Styles, unit

if TYPE_CHECKING:
    from model.core.results import Results
    from model.workbook.layout import Layout

FIRST_COL = 4
FIRST_ROW = 5
LABEL_WIDTH = 48  # the longest label: "PV of Azure OpenAI gross profit after the share..."


def _year(m: dt.date) -> str:
    return str(m.year)


def _quarter(m: dt.date) -> str:
    return f"{m.year} Q{(m.month - 1) // 3 + 1}"


def _fiscal_year(end_month: int) -> Callable[[dt.date], str]:
    """FY<year in which the fiscal year ends>: with end_month 6, Jul 2024 is in FY2025."""
    return lambda m: f"FY{m.year + (m.month > end_month)}"


GROUPINGS: dict[str, Callable[[dt.date], str]] = {"Annual": _year, "Quarterly": _quarter}
FISCAL = "Fiscal"  # years ending in fiscal_year_end_month (structural, like start_month)


def periods(results: Results, grouping: str) -> list[tuple[str, int, int]]:
    """(label, first t, last t) of each calendar (or fiscal) period touched by the horizon;
    a period the horizon covers only in part says how many months it holds."""
    key = (_fiscal_year(results.assumptions.whole("fiscal_year_end_month"))
           if grouping == FISCAL else GROUPINGS[grouping])
    out: list[tuple[str, int, int]] = []
    for t, m in enumerate(results.timeline.months[1:], start=1):
        label = key(m)
        if out and out[-1][0] == label:
            out[-1] = (label, out[-1][1], t)
        else:
            out.append((label, t, t))
    full = 3 if grouping == "Quarterly" else 12
    return [(label if last - first + 1 == full else f"{label} ({_months(last - first + 1)})",
             first, last) for label, first, last in out]


def _months(n: int) -> str:
    return "1 month" if n == 1 else f"{n} months"


# The rollup lines and rows of the last results asked about: worked out once per build,
# not once per rollup sheet and chart series (a model of many parties has thousands of
# lines, and the Dashboard's charts ask for a row per series).
_LAST: list[Any] = [None, None]  # a weak reference and a plan: hence one ignore below


def _plan(results: Results) -> tuple[list[Line], list[Line], dict[str, int]]:
    if _LAST[0] is not None and _LAST[0]() is results:
        return _LAST[1]  # type: ignore[no-any-return]
    flows: list[Line] = []
    balances: list[Line] = []
    for section in model_lines(results.assumptions):
        if section.sheet not in (REVENUE, WATERFALL, CASH):
            continue
        for ln in section.lines:
            if ln.key in ECHOES:
                continue
            if ln.kind == FLOW:
                flows.append(ln)
            elif ln.kind == BALANCE:
                balances.append(ln)
    rows: dict[str, int] = {}
    r = FIRST_ROW
    for group in (flows, balances):
        r += 1  # section title
        for ln in group:
            rows[ln.key] = r + 1
            r += 1
        r += 1
    _LAST[:] = [weakref.ref(results), (flows, balances, rows)]
    return flows, balances, rows


def rollup_lines(results: Results) -> tuple[list[Line], list[Line]]:
    """The flow lines (summed) and balance lines (period end) of the rollups."""
    flows, balances, _ = _plan(results)
    return flows, balances


def rollup_rows(results: Results) -> dict[str, int]:
    """The 1-based row of each line on a rollup sheet (the same on Annual and Quarterly)."""
    return _plan(results)[2]


def write_rollup(ws: Any, st: Styles, results: Results, layout: Layout, grouping: str) -> None:
    groups = periods(results, grouping)
    flows, balances = rollup_lines(results)
    planned = rollup_rows(results)
    end = results.assumptions.whole("fiscal_year_end_month")
    # short enough for column B: the master check sits in the next cell
    title = (f"Fiscal years (ending in {dt.date(2000, end, 1):%B})" if grouping == FISCAL
             else f"{grouping} totals and balances")
    ws.write_string(0, 1, title, st("title"))
    layout.write_master(ws, st)
    ws.write_string(0, FIRST_COL, "Amounts are in dollars, shown as the unit column says",
                    st("note"))
    for col, text in enumerate(("key", "line", "unit", "total")):
        ws.write_string(1, col, text, st("header"))
    ws.write_string(2, 0, "period")
    ws.write_string(2, 1, "Fiscal year" if grouping == FISCAL else "Calendar period")
    ws.write_string(3, 0, "period_end")
    ws.write_string(3, 1, "Last modelled month in the period")
    for i, (label, _, last) in enumerate(groups):
        col = FIRST_COL + i
        ws.write_string(1, col, "", st("header"))
        ws.write_string(2, col, label, st("header_wrap"))
        ws.write_formula(3, col, f"={REVENUE}!{layout.col(last)}$3", st("link", "date"),
                         results.raw[results.index["month"]][last])
    r = FIRST_ROW
    for title, group, is_flow in (("Flows: total over the period", flows, True),
                                  ("Balances: at the end of the period", balances, False)):
        ws.write_string(r, 1, title, st("section"))
        r += 1
        for ln in group:
            assert planned[ln.key] == r + 1
            _rollup_row(ws, st, results, layout, ln, groups, r, is_flow)
            r += 1
        r += 1
    ws.freeze_panes(4, FIRST_COL)
    ws.set_column(0, 0, 26, st("key"))
    ws.set_column(1, 1, LABEL_WIDTH)
    ws.set_column(2, 2, 6)
    ws.set_column(3, 3, 12)
    width = 8.5 if grouping == "Quarterly" else 11.0  # a partial period's label wraps
    ws.set_row(2, 30)  # two lines: "FY2024" over "(3 months)"
    ws.set_column(FIRST_COL, FIRST_COL + len(groups), width)
    _print_setup(ws, groups, results, width, r - 1)


def _print_setup(ws: Any, groups: list[tuple[str, int, int]], results: Results,
                 width: float, last_row: int) -> None:
    """Whole years a page wide, as many as stay readable; one page tall if readable."""
    cols = Columns(1, (LABEL_WIDTH, 6, 12), FIRST_COL, width)
    months = results.timeline.months
    blocks = year_blocks([months[last].year for _, _, last in groups], merge_short=0)
    for per_page in range(len(blocks), 0, -1):
        grouped = group_blocks(blocks, per_page)
        widest = max(b - a + 1 for a, b in grouped)
        if scale_for(cols, widest, last_row + 1) >= MIN_SCALE:
            break
    print_in_blocks(ws, cols, grouped, last_row, (1, 3), one_page_tall=True)


def _rollup_row(ws: Any, st: Styles, results: Results, layout: Layout, ln: Line,
                groups: list[tuple[str, int, int]], r: int, is_flow: bool) -> None:
    values = results.raw[results.index[ln.key]]
    sheet, row = layout.rows[ln.key]
    ws.write_string(r, 0, ln.key)
    ws.write_string(r, 1, ln.label)
    ws.write_string(r, 2, unit(ln.fmt))
    fmt = st("calc", ln.fmt)
    for i, (_, first, last) in enumerate(groups):
        if is_flow:
            f = f"=SUM({sheet}!{layout.col(first)}{row}:{layout.col(last)}{row})"
            v = math.fsum(values[first:last + 1])
        else:
            f = f"={sheet}!{layout.col(last)}{row}"
            v = values[last]
        ws.write_formula(r, FIRST_COL + i, f, fmt, v)
    if is_flow:
        a, b = xl_col_to_name(FIRST_COL), xl_col_to_name(FIRST_COL + len(groups) - 1)
        ws.write_formula(r, 3, f"=SUM({a}{r + 1}:{b}{r + 1})", st("total", ln.fmt),
                         math.fsum(values[1:]))

