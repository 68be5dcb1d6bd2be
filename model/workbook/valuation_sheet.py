"""The Valuation sheet: what each party's receipts are worth, as live formulas.

For every party the present value of its receipts (the total of its ``pv_dist_`` line)
and its receipts at the horizon; for every party with investments also the amount
invested, the multiple on invested capital (MOIC) and the IRR, by XIRR over a block of
dated cash flows below. Then Microsoft's value by source, present value beside the
nominal total. Python's values (model.valuation) are cached in every cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_col_to_name

from model import keys
from model.core.line import REVENUE
from model.core.lines import MICROSOFT_SOURCES
from model.core.timeline import serial
from model.core.valuation import (
    NO_INVESTMENT,
    NO_IRR,
    NO_RECEIPTS,
    invested_parties,
    month_end,
    party_values,
)
from model.workbook.input_tables import investment_cell

if TYPE_CHECKING:
    from model.core.expr import XlContext
    from model.core.results import Results
    from model.inputs.assumptions import Assumptions
    from model.workbook.layout import Layout
    from model.workbook.styles import Styles

SHEET = "Valuation"
VALUE_COL = 3  # column D: the value of each keyed row
FLOWS_COL = 4  # column E: the first column of the IRR cash flows (the earliest date)

SOURCES = (*MICROSOFT_SOURCES, ("microsoft_total_take", "Microsoft's total take"))


def _source_key(key: str) -> str:
    return keys.npv(key)


@dataclass(frozen=True)
class Plan:
    """1-based rows of the keyed cells (value in column D), and of the XIRR block."""

    rows: dict[str, int]
    dates_row: int
    flow_rows: dict[str, int]
    investment_count: int

    def ref(self, key: str) -> str:
        return f"{SHEET}!$D${self.rows[key]}"


def plan(a: Assumptions) -> Plan:
    rows: dict[str, int] = {}
    r = 5  # discount_rate, valuation_date on rows 5 and 6
    rows["discount_rate"], rows["valuation_date"] = 5, 6
    r = 8  # section title on row 8
    have = set(invested_parties(a))
    for p in a.parties:
        made = [keys.npv, keys.received] + (
            [keys.invested, keys.moic, keys.irr] if p.key in have else [])
        for make in made:
            r += 1
            rows[make(p.key)] = r
    r += 3  # blank, section title, header
    for key, _ in SOURCES:
        r += 1
        rows[_source_key(key)] = r
    r += 3  # blank, section title
    dates_row = r + 1
    flow_rows = {key: dates_row + 1 + i for i, key in enumerate(invested_parties(a))}
    return Plan(rows, dates_row, flow_rows, len(a.investments or ()))


def write(ws: Any, st: Styles, results: Results, layout: Layout, model: XlContext) -> None:
    a = results.assumptions
    pl = plan(a)
    values = {v.key: v for v in party_values(results)}
    # Column B: the key column A does not print.
    ws.write_string(0, 1, "Valuation: what each party's receipts are worth", st("title"))
    layout.write_master(ws, st)
    start = results.timeline.months[1]
    ws.write_string(1, 1, f"Receipts are discounted to {start:%d %b %Y}: month k's receipt "
                    "(at the month's end) is divided by (1 + discount rate)^(k/12).",
                    st("note"))
    ws.write_string(2, 1, "The IRR is XIRR's, over the investments (negative, on the first "
                    "of their month) and the receipts (on each month's last day).",
                    st("note"))
    for c, text in enumerate(("key", "item", "unit", "value")):
        ws.write_string(3, c, text, st("header"))

    def row(key: str, label: str, unit: str, formula: str, role: str, kind: str,
            value: object) -> None:
        r = pl.rows[key] - 1
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, label)
        ws.write_string(r, 2, unit)
        ws.write_formula(r, VALUE_COL, formula, st(role, kind), value)

    row("discount_rate", "Discount rate", "% a year", "=" + model.input("discount_rate"),
        "link", "rate", a.effective().number("discount_rate"))
    row("valuation_date", "Valuation date: the first day of the first modelled month", "",
        "=" + model.input("start_month"), "link", "day", serial(a.start_month))
    ws.write_string(7, 1, "Each party's receipts from OpenAI's profits (the waterfall)",
                    st("section"))
    for p in a.parties:
        v = values[p.key]
        sheet, pv_row = layout.rows[keys.present_value(keys.dist(p.key))]
        row(keys.npv(p.key), f"{p.label}: present value of receipts", "$M",
            f"={sheet}!$D${pv_row}", "link", "usd", v.npv)
        row(keys.received(p.key), f"{p.label}: receipts over the horizon (nominal)", "$M",
            "=" + layout.ref(keys.cum(p.key), layout.n, absolute=True), "link", "usd",
            v.received)
        if v.invested is None:
            continue
        cells = [investment_cell(i, "amount_usd")
                 for i, inv in enumerate(a.investments or ()) if inv.party == p.key]
        row(keys.invested(p.key), f"{p.label}: invested (the Investments sheet)", "$M",
            "=" + "+".join(cells), "calc", "usd", v.invested)
        inv, rec = f"D{pl.rows[keys.invested(p.key)]}", f"D{pl.rows[keys.received(p.key)]}"
        row(keys.moic(p.key), f"{p.label}: multiple on invested capital (receipts / "
            "invested)", "x", f'=IF({inv}>0,{rec}/{inv},"{NO_INVESTMENT}")', "calc",
            "multiple", v.moic)
        flows, dates = _flow_range(pl, layout, p.key)
        row(keys.irr(p.key), f"{p.label}: IRR (annual, XIRR)", "% a year",
            f'=IF({rec}>0,IFERROR(ROUND(XIRR({flows},{dates}),12),"{NO_IRR}"),'
            f'"{NO_RECEIPTS}")', "calc", "rate_zero", no_minus_zero(v.irr))
    _write_sources(ws, st, results, layout, pl)
    _write_flows(ws, st, results, layout, pl)
    ws.set_column(0, 0, 30, st("key"))
    ws.set_column(1, 1, 62)
    ws.set_column(2, 2, 9)
    ws.set_column(3, 5, 22)
    ws.set_column(6, 6 + pl.investment_count + layout.n, 11)
    ws.freeze_panes(4, 0)
    # Print the figures; the cash-flow block, a column a month, stays on screen.
    ws.print_area(0, 1, pl.rows[_source_key("microsoft_total_take")], 5)  # not the keys


def _write_sources(ws: Any, st: Styles, results: Results, layout: Layout, pl: Plan) -> None:
    first = pl.rows[_source_key(SOURCES[0][0])] - 1
    total_row = pl.rows[_source_key("microsoft_total_take")]
    ws.write_string(first - 2, 1, "Microsoft's value by source", st("section"))
    for c, text in enumerate(("key", "source", "unit", "present value",
                              "total over the horizon", "share of the present value")):
        ws.write_string(first - 1, c, text, st("header"))
    pv_total = results.total(keys.present_value("microsoft_total_take"))
    for key, label in SOURCES:
        r = pl.rows[_source_key(key)] - 1
        pv_key = keys.present_value(key)
        pv_sheet, pv_row = layout.rows[pv_key]
        sheet, nominal_row = layout.rows[key]
        role = "total" if key == "microsoft_total_take" else "link"
        ws.write_string(r, 0, _source_key(key))
        ws.write_string(r, 1, label)
        ws.write_string(r, 2, "$M")
        ws.write_formula(r, VALUE_COL, f"={pv_sheet}!$D${pv_row}", st(role, "usd"),
                         results.total(pv_key))
        ws.write_formula(r, VALUE_COL + 1, f"={sheet}!$D${nominal_row}", st(role, "usd"),
                         results.total(key))
        share = 0.0 if pv_total == 0 else results.total(pv_key) / pv_total
        ws.write_formula(r, VALUE_COL + 2, f"=IF(D{total_row}=0,0,D{r + 1}/D{total_row})",
                         st("calc", "rate"), share)


def _flow_range(pl: Plan, layout: Layout, party: str) -> tuple[str, str]:
    last = xl_col_to_name(FLOWS_COL + pl.investment_count + layout.n)
    first = xl_col_to_name(FLOWS_COL)
    r = pl.flow_rows[party]
    return f"${first}${r}:${last}${r}", f"${first}${pl.dates_row}:${last}${pl.dates_row}"


def _write_flows(ws: Any, st: Styles, results: Results, layout: Layout, pl: Plan) -> None:
    a = results.assumptions
    if not pl.flow_rows:
        return
    r = pl.dates_row - 1
    ws.write_string(r - 2, 1, "Cash flows of the IRR (XIRR): investments negative on the "
                    "first of their month, receipts at each month's end", st("section"))
    inv = list(a.investments or ())
    months = results.timeline.months[1:]
    month_cols = FLOWS_COL + 1 + len(inv)
    for c, text in ((FLOWS_COL, "earliest date"), (FLOWS_COL + 1, "investments"),
                    (month_cols, "receipts, month by month")):
        ws.write_string(r - 1, c, text, st("header"))
    ws.write_string(r, 0, "irr_dates")
    ws.write_string(r, 1, "Date of the cash flow")
    ws.write_string(r, 2, "date")
    end = xl_col_to_name(month_cols + len(months) - 1)
    dates = [serial(i.month) for i in inv] + [serial(month_end(m)) for m in months]
    ws.write_formula(r, FLOWS_COL, f"=MIN({xl_col_to_name(FLOWS_COL + 1)}{r + 1}:{end}{r + 1})",
                     st("calc", "day"), min(dates))
    for j in range(len(inv)):
        ws.write_formula(r, FLOWS_COL + 1 + j, "=" + investment_cell(j, "month"),
                         st("link", "day"), dates[j])
    month_row = f"{REVENUE}!{{col}}${3}"
    for t, m in enumerate(months, start=1):
        cell = month_row.format(col=layout.col(t))
        ws.write_formula(r, month_cols + t - 1, f"=DATE(YEAR({cell}),MONTH({cell})+1,1)-1",
                         st("calc", "day"), serial(month_end(m)))
    for party, row in pl.flow_rows.items():
        rr = row - 1
        label = a.party(party).label
        ws.write_string(rr, 0, keys.irr_flows(party))
        ws.write_string(rr, 1, f"{label}: invested (negative) and received")
        ws.write_string(rr, 2, "$M")
        ws.write_number(rr, FLOWS_COL, 0.0, st("calc", "usd"))
        for j, i in enumerate(inv):
            if i.party == party:
                ws.write_formula(rr, FLOWS_COL + 1 + j, "=-" + investment_cell(j, "amount_usd"),
                                 st("link", "usd"), -i.amount_usd)
            else:
                ws.write_number(rr, FLOWS_COL + 1 + j, 0.0, st("calc", "usd"))
        dist = results.row(keys.dist(party))
        for t in range(1, len(months) + 1):
            ws.write_formula(rr, month_cols + t - 1, "=" + layout.ref(keys.dist(party), t),
                             st("link", "usd"), dist[t - 1])


_UNITS = {"usd": "$M", "multiple": "x", "rate_zero": "% a year"}


def no_minus_zero(irr: object) -> object:
    """The IRR as the cell's ROUND(..., 12) gives it: capital returned exactly is an IRR of
    0, not -2e-17 printed "(0.0%)"."""
    return round(irr, 12) + 0.0 if isinstance(irr, float) else irr


def write_dashboard(ws: Any, st: Styles, results: Results, r: int, c: int) -> int:
    """The Dashboard's valuation block, its top left corner at (r, c), 0-based: links to
    this sheet's cells, in four columns (label, value, unit, share). Returns the first
    row below it; the caller sets the column widths."""
    a = results.assumptions
    pl = plan(a)
    rate = a.effective().number("discount_rate")

    def title(row: int, text: str, last: str = "") -> None:
        ws.write_string(row, c, text, st("section"))
        for k, t in ((1, ""), (2, ""), (3, last)):
            ws.write_string(row, c + k, t, st("section"))

    title(r, f"What the receipts are worth (at {rate:.1%} a year)")
    ws.write_string(r + 1, c, f"Discounted to {results.timeline.months[1]:%b %Y}; "
                    "see the Valuation sheet", st("note"))
    r += 2
    values = {v.key: v for v in party_values(results)}
    for p in a.parties:
        v = values[p.key]
        items: list[tuple[str, str, object]] = [
            (keys.npv(p.key), "present value of receipts", v.npv)]
        if v.invested is not None:
            items += [(keys.invested(p.key), "invested", v.invested),
                      (keys.moic(p.key), "multiple on invested capital", v.moic),
                      (keys.irr(p.key), "IRR", v.irr)]
        for key, text, value in items:
            kind = {keys.moic(p.key): "multiple", keys.irr(p.key): "rate_zero"}.get(key, "usd")
            ws.write_string(r, c, f"{p.label}: {text}")
            ws.write_formula(r, c + 1, "=" + pl.ref(key), st("link", kind),
                             no_minus_zero(value))
            ws.write_string(r, c + 2, _UNITS[kind])
            r += 1
    r += 1
    title(r, "Microsoft's value by source (present value)", "share")
    r += 1
    total = results.total(keys.present_value("microsoft_total_take"))
    for key, label in SOURCES:
        row = pl.rows[_source_key(key)]
        role = "total" if key == "microsoft_total_take" else "link"
        pv = results.total(keys.present_value(key))
        label = f"{label}, present value" if role == "total" else label
        ws.write_string(r, c, label, st("total") if role == "total" else None)
        ws.write_formula(r, c + 1, f"={SHEET}!$D${row}", st(role, "usd"), pv)
        ws.write_string(r, c + 2, "$M")
        ws.write_formula(r, c + 3, f"={SHEET}!$F${row}", st(role, "rate"),
                         0.0 if total == 0 else pv / total)
        r += 1
    return r


def value_chart(wb: Any, results: Results) -> Any:
    """Microsoft's value by source: the nominal total and the present value, side by side."""
    pl = plan(results.assumptions)
    first = pl.rows[_source_key(SOURCES[0][0])] - 1
    last = pl.rows[_source_key(SOURCES[-2][0])] - 1
    chart = wb.add_chart({"type": "bar"})
    for col, name, color in ((VALUE_COL + 1, "Total over the horizon", "#A6A6A6"),
                             (VALUE_COL, "Present value", "#1F4E79")):
        chart.add_series({"name": name, "categories": [SHEET, first, 1, last, 1],
                          "values": [SHEET, first, col, last, col],
                          "fill": {"color": color}, "border": {"none": True}})
    return chart
