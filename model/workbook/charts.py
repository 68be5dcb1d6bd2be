"""Native Excel charts for the Dashboard. They read the live cells, so they follow
every change of input or scenario."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from xlsxwriter.chart_line import ChartLine
from xlsxwriter.utility import xl_col_to_name

from model import keys
from model.core.lines import MICROSOFT_SOURCES
from model.workbook.rollup import FIRST_COL, FISCAL, periods, rollup_rows
from model.workbook.valuation_dashboard import value_chart

if TYPE_CHECKING:
    from model.core.results import Results
    from model.workbook.layout import Layout

SIZE = {"width": 620, "height": 320}
PALETTE = ("#1F4E79", "#C55A11", "#548235", "#7F6000", "#7030A0", "#2E75B6", "#BF9000")


def _monthly(layout: Layout, key: str) -> str:
    return "=" + layout.row_range(key)


def full_years(results: Results, sheet: str = "Annual") -> tuple[int, int]:
    """The first and last index of the rollup's whole years (12 months each). A bar of a
    part year beside whole ones would look like a fall, so the bar charts leave part years
    out; with no whole year at all they show every period."""
    whole = [i for i, (_, first, last) in enumerate(periods(results, sheet))
             if last - first + 1 == 12]
    return (whole[0], whole[-1]) if whole else (0, len(periods(results, sheet)) - 1)


def _columns(results: Results, sheet: str) -> tuple[str, str]:
    first, last = full_years(results, sheet)
    return xl_col_to_name(FIRST_COL + first), xl_col_to_name(FIRST_COL + last)


def _annual(results: Results, key: str, sheet: str = "Annual") -> str:
    row = rollup_rows(results)[key]
    first, last = _columns(results, sheet)
    return f"={sheet}!${first}${row}:${last}${row}"


def _annual_categories(results: Results, sheet: str = "Annual") -> str:
    first, last = _columns(results, sheet)
    return f"={sheet}!${first}$3:${last}$3"


def money_axis(largest: float) -> tuple[str, str]:
    """Number format and axis title for amounts up to ``largest`` dollars: $B from a
    billion on (with a decimal below ten billion), else $M."""
    if largest >= 1e10:
        return '$#,##0,,,"B";-$#,##0,,,"B"', "$B"
    if largest >= 1e9:
        return '$#,##0.0,,,"B";-$#,##0.0,,,"B"', "$B"
    return '$#,##0,,"M";-$#,##0,,"M"', "$M"


def _yearly(results: Results, *keys: str) -> list[float]:
    """Per whole calendar year charted, the sum over ``keys`` of each key's total."""
    lo, hi = full_years(results)
    return [sum(math.fsum(results.raw[results.index[k]][first:last + 1]) for k in keys)
            for _, first, last in periods(results, "Annual")[lo:hi + 1]]


def _largest(*rows: Sequence[float]) -> float:
    return max((abs(float(v)) for row in rows for v in row), default=0.0)


def _style(chart: Any, title: str, largest: float) -> Any:
    chart.set_title({"name": title, "name_font": {"size": 11, "bold": True}})
    chart.set_legend({"position": "bottom"})
    num_format, y_title = money_axis(largest)
    chart.set_y_axis({"num_format": num_format, "name": y_title,
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_size(SIZE)
    chart.show_hidden_data()  # a working row folded on its sheet still plots
    return chart


def _by_year(chart: Any) -> Any:
    """A chart of bars by year: the years' labels below the plot, not on the zero line
    over the negative bars."""
    chart.set_x_axis({"label_position": "low"})
    return chart


def _series(chart: Any, name: str, categories: str, values: str, i: int,
            dash: bool = False) -> None:
    s: dict[str, Any] = {"name": name, "categories": categories, "values": values}
    color = PALETTE[i % len(PALETTE)]
    if isinstance(chart, ChartLine):
        s["line"] = {"color": color, "width": 2, **({"dash_type": "dash"} if dash else {})}
    else:
        s["fill"] = {"color": color}
        s["border"] = {"none": True}
    chart.add_series(s)


def dashboard_charts(wb: Any, results: Results, layout: Layout) -> list[Any]:
    """The six dashboard charts, in reading order."""
    a = results.assumptions
    months = "=" + layout.month_range()
    years = _annual_categories(results)
    charts = []

    arr = wb.add_chart({"type": "line"})
    _series(arr, "OpenAI ARR (whole company)", months, _monthly(layout, "openai_arr"), 2)
    _series(arr, "OpenAI API ARR", months, _monthly(layout, "api_arr"), 0)
    _series(arr, "Azure OpenAI ARR", months, _monthly(layout, "azure_arr"), 1)
    arr.set_x_axis({"date_axis": True, "num_format": "yyyy", "major_unit": 12,
                    "major_unit_type": "months"})
    charts.append(_style(arr, "Annualized revenue: OpenAI, its API and Azure OpenAI",
                         _largest(*(results.row(k) for k in ("openai_arr", "api_arr",
                                                             "azure_arr")))))

    streams = wb.add_chart({"type": "column", "subtype": "stacked"})
    _series(streams, "OpenAI API", years, _annual(results, "api_revenue"), 0)
    for i, s in enumerate(a.streams, start=1):  # colour 4 is the profit line's
        _series(streams, s.label, years, _annual(results, keys.stream_revenue(s.key)),
                i if i < 4 else i + 1)
    profit = wb.add_chart({"type": "line"})
    _series(profit, "Operating profit", years, _annual(results, "openai_operating_profit"), 4)
    streams.combine(profit)
    charts.append(_by_year(_style(
        streams, "OpenAI revenue by stream, and its operating profit, by whole year",
        _largest(_yearly(results, "api_revenue",
                         *(keys.stream_revenue(s.key) for s in a.streams)),
                 _yearly(results, "openai_operating_profit")))))

    share = wb.add_chart({"type": "column"})
    _series(share, "Microsoft pays OpenAI", years, _annual(results, "revshare_azure_to_openai"), 0)
    _series(share, "OpenAI pays Microsoft", years,
            _annual(results, "revshare_api_to_microsoft"), 1)
    net = wb.add_chart({"type": "line"})
    _series(net, "Net to OpenAI", years, _annual(results, "revshare_net"), 2)
    share.combine(net)
    charts.append(_by_year(_style(
        share, "Revenue share each way, and the net, by whole calendar year",
        _largest(*(_yearly(results, k) for k in (
            "revshare_azure_to_openai", "revshare_api_to_microsoft", "revshare_net"))))))

    dist = wb.add_chart({"type": "column", "subtype": "stacked"})
    for i, p in enumerate(a.parties):
        _series(dist, p.label, years, _annual(results, keys.dist(p.key)), i)
    charts.append(_by_year(_style(
        dist, "Distributions of OpenAI's profit by party and whole year",
        _largest(_yearly(results, *(keys.dist(p.key) for p in a.parties))))))

    progress = wb.add_chart({"type": "line"})
    i = 0
    for t in a.tiers:
        if t.hurdle_party is not None:
            who = a.party(t.hurdle_party).label
            _series(progress, f"{who}: tier {t.number} hurdle", months,
                    _monthly(layout, keys.hurdle_progress(t.number)), i)
            i += 1
    for p in a.parties:
        if p.capped:
            _series(progress, f"{p.label}: cap", months, _monthly(layout, keys.cap_used(p.key)),
                    i, dash=True)
            i += 1
    progress.set_x_axis({"date_axis": True, "num_format": "yyyy", "major_unit": 12,
                         "major_unit_type": "months"})
    if i:
        _style(progress, "Cumulative receipts as a share of each hurdle and cap", 0.0)
        progress.set_y_axis({"num_format": "0%", "name": "of hurdle or cap", "min": 0,
                             "max": 1,  # a hurdle's share stops at 100 %, a cap's too
                             "major_gridlines": {"visible": True,
                                                 "line": {"color": "#D9D9D9"}}})
    else:  # no hurdle and no cap to measure against: the receipts themselves
        for j, p in enumerate(a.parties):
            _series(progress, p.label, months, _monthly(layout, keys.cum(p.key)), j)
        _style(progress, "Cumulative receipts by party",
               _largest(*(results.row(keys.cum(p.key)) for p in a.parties)))
    charts.append(progress)

    take = wb.add_chart({"type": "column", "subtype": "stacked"})
    fiscal = _annual_categories(results, FISCAL)
    for i, (key, label) in enumerate(MICROSOFT_SOURCES):
        _series(take, label, fiscal, _annual(results, key, FISCAL), i)
    charts.append(_by_year(_style(
        take, "Microsoft's total take by source and whole Microsoft fiscal year",
        _largest(_yearly(results, *(k for k, _ in MICROSOFT_SOURCES))))))
    largest = max(abs(results.total(k)) for k, _ in MICROSOFT_SOURCES)
    value = _style(value_chart(wb, results), "Microsoft's value by source: total and "
                   "present value", largest)
    num_format, x_title = money_axis(largest)
    value.set_x_axis({"num_format": num_format, "name": x_title,
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    value.set_y_axis({"reverse": True, "crossing": "max"})
    charts.append(value)
    return charts
