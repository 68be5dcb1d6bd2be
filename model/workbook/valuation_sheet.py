"""The Valuation sheet: what each party's receipts and stake are worth, as live formulas.

For every party the present value at valuation_date of its receipts from then on (the
total of its ``pv_dist_`` line), its receipts over the horizon, its share of the terminal
value (``model.core.terminal``, the block below) and the value of its stake (present value
plus that share, discounted); for every party with investments also the amount invested,
the multiple on invested capital (MOIC) and the IRR, each without and with the terminal
value, by XIRR over a block of dated cash flows at the bottom. Then the company value the
stakes imply beside the reported mark, and Microsoft's value by source. Python's values
(model.core.valuation) are cached in every cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_col_to_name

from model import keys
from model.core import terminal
from model.core.expr import Param
from model.core.lines import MICROSOFT_SOURCES, MICROSOFT_TOTALS, REVENUE
from model.core.timeline import serial
from model.core.valuation import (
    FOLDED,
    NO_INVESTMENT,
    NO_IRR,
    NO_RECEIPTS,
    invested_parties,
    month_end,
    party_values,
)
from model.inputs.schema import PARTIES_SHEET
from model.workbook import terminal_block
from model.workbook.input_tables import investment_cell
from model.workbook.valuation_marks import MARK_KEYS, write_marks

if TYPE_CHECKING:
    from model.core.expr import XlContext
    from model.core.results import Results
    from model.inputs.assumptions import Assumptions
    from model.workbook.layout import Layout
    from model.workbook.styles import Styles

SHEET = "Valuation"
VALUE_COL = 3  # column D: the value of each keyed row
FLOWS_COL = 4  # column E: the first column of the IRR cash flows (the earliest date)

SOURCES = (*MICROSOFT_SOURCES, *MICROSOFT_TOTALS)
STAKE_KEYS = ("microsoft_stake_beyond", "microsoft_take_with_stake")
PARTY_KEYS = ("npv", "received", "terminal_share", "stake_value")
INVESTED_KEYS = ("invested", "moic", "irr", "moic_tv", "irr_tv")
CAP_KEYS = ("return_cap", "return_cap_multiple")  # a capped party that invested


def source_key(key: str) -> str:
    return keys.npv(key)


@dataclass(frozen=True)
class Plan:
    """1-based rows of the keyed cells (value in column D), and of the XIRR block."""

    rows: dict[str, int]
    dates_row: int
    flow_rows: dict[str, int]
    investment_count: int
    terminal_title: int
    last_printed: int  # the tiers' working rows and the cash flows stay on screen

    def ref(self, key: str) -> str:
        return f"{SHEET}!$D${self.rows[key]}"


def plan(a: Assumptions) -> Plan:
    rows: dict[str, int] = {"discount_rate": 5, "valuation_date": 6, "valuation_month": 7}
    r = 8  # section title on row 8
    have = set(invested_parties(a))
    for p in a.parties:
        names = PARTY_KEYS + (INVESTED_KEYS if p.key in have else ())
        for k in names + (CAP_KEYS if p.key in have and p.capped else ()):
            r += 1
            rows[keys.valuation_row(k, p.key)] = r
    r += 2  # blank, section title
    for key in MARK_KEYS:
        r += 1
        rows[key] = r
    r += 3  # blank, section title, header
    for key, _ in SOURCES:
        r += 1
        rows[source_key(key)] = r
    for key in STAKE_KEYS:
        r += 1
        rows[key] = r
    r += 2  # blank, section title
    terminal_title = r
    tv_rows, printed, r = terminal_block.plan_rows(a, r)
    rows.update(tv_rows)
    r += 3  # blank, section title, header
    dates_row = r + 1
    flow_rows = {key: dates_row + 1 + i for i, key in enumerate(invested_parties(a))}
    return Plan(rows, dates_row, flow_rows, len(a.investments or ()), terminal_title, printed)


def write(ws: Any, st: Styles, results: Results, layout: Layout, model: XlContext) -> None:
    a = results.assumptions
    pl = plan(a)
    values = {v.key: v for v in party_values(results)}
    tv = terminal.values(results)
    # Column B: the key column A does not print.
    ws.write_string(0, 1, "Valuation: what each party's receipts and stake are worth",
                    st("title"))
    layout.write_master(ws, st)
    ws.write_string(1, 1, "Receipts from the valuation date on, discounted to it; the "
                    "terminal value at the horizon's end.", st("note"))
    ws.write_string(2, 1, "MOIC and IRR use every dated flow, without and with the terminal "
                    "value.", st("note"))
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
        "link", "rate", float(a.effective().inputs["discount_rate"]))  # type: ignore[arg-type]
    row("valuation_date", "Valuation date (input)", "date",
        "=" + model.input("valuation_date"), "link", "day",
        serial(a.effective().inputs["valuation_date"]))  # type: ignore[arg-type]
    row("valuation_month", "Valuation date used (held within the horizon)", "date",
        "=" + layout.ref("valuation_month", 1, absolute=True), "link", "day",
        results.row("valuation_month")[0])
    ws.write_string(7, 1, "What each party's receipts and stake are worth", st("section"))
    factor = f"$D${pl.rows['tv_discount_factor']}"
    for p in a.parties:
        v = values[p.key]
        sheet, pv_row = layout.rows[keys.present_value(keys.dist(p.key))]
        d = {k: f"D{pl.rows[keys.valuation_row(k, p.key)]}" for k in PARTY_KEYS + INVESTED_KEYS
             if keys.valuation_row(k, p.key) in pl.rows}
        row(keys.npv(p.key), f"{p.label}: PV of receipts from the valuation date", "$M",
            f"={sheet}!$D${pv_row}", "link", "usd", v.npv)
        row(keys.received(p.key), f"{p.label}: receipts over the horizon (nominal)", "$M",
            "=" + layout.ref(keys.cum(p.key), layout.n, absolute=True), "link", "usd",
            v.received)
        row(keys.valuation_row("terminal_share", p.key),
            f"{p.label}: share of the terminal value", "$M",
            f"=$D${pl.rows[keys.terminal_share(p.key)]}", "link", "usd", v.tv_share)
        row(keys.valuation_row("stake_value", p.key),
            f"{p.label}: value of the stake at the valuation date", "$M",
            f"={d['npv']}+{d['terminal_share']}*{factor}", "total", "usd", v.stake_value)
        if v.invested is None:
            continue
        cells = [investment_cell(i, "amount_usd")
                 for i, inv in enumerate(a.investments or ()) if inv.party == p.key]
        row(keys.invested(p.key), f"{p.label}: invested (the Investments sheet)", "$M",
            "=" + "+".join(cells), "calc", "usd", v.invested)
        folded = _folded_test(layout, model, p.key, d["received"])
        for moic, irr, extra, text in (
                ("moic", "irr", "", "without terminal value"),
                ("moic_tv", "irr_tv", f"+{d['terminal_share']}", "with terminal value")):
            rec = f"({d['received']}{extra})"
            row(keys.valuation_row(moic, p.key), f"{p.label}: MOIC, {text}", "x",
                f'=IF({folded},"{FOLDED}",IF({d["invested"]}>0,{rec}/{d["invested"]},'
                f'"{NO_INVESTMENT}"))', "calc", "multiple", getattr(v, moic))
            flows, dates = _flow_range(pl, layout, p.key, with_tv=bool(extra))
            row(keys.valuation_row(irr, p.key), f"{p.label}: IRR (XIRR), {text}", "% a year",
                f'=IF({rec}>0,IFERROR(ROUND(XIRR({flows},{dates}),12),"{NO_IRR}"),'
                f'IF({folded},"{FOLDED}","{NO_RECEIPTS}"))', "calc", "rate_zero",
                no_minus_zero(getattr(v, irr)))
        if p.capped:
            cap = results.last(keys.cap(p.key))
            row(keys.valuation_row("return_cap", p.key),
                f"{p.label}: return cap in force at the horizon's end", "$M",
                "=" + layout.ref(keys.cap(p.key), layout.n, absolute=True), "link", "usd", cap)
            cap_row = pl.rows[keys.valuation_row("return_cap", p.key)]
            row(keys.valuation_row("return_cap_multiple", p.key),
                f"{p.label}: return cap as a multiple of the amount invested", "x",
                f"=D{cap_row}/{d['invested']}", "calc", "multiple", cap / v.invested)
    write_marks(ws, st, results, layout, model, pl.rows, values)
    _write_sources(ws, st, results, layout, pl, tv)
    terminal_block.write(ws, st, a, layout, model, pl.rows, tv, pl.terminal_title)
    _write_flows(ws, st, results, layout, pl, tv)
    ws.set_column(0, 0, 30, st("key"))
    ws.set_column(1, 1, 62)
    ws.set_column(2, 2, 9)
    ws.set_column(3, 5, 22)
    ws.set_column(6, 7 + pl.investment_count + layout.n, 11)
    ws.freeze_panes(4, 0)
    # Print the figures; the cash-flow block, a column a month, stays on screen.
    ws.print_area(0, 1, pl.last_printed - 1, 5)  # not the keys


def _folded_test(layout: Layout, model: XlContext, party: str, received: str) -> str:
    """TRUE when the waterfall has ended, the party's equity share is 0 and it received
    nothing (model.core.valuation.folded)."""
    share = Param(PARTIES_SHEET, party, "equity_share").xl(model)  # type: ignore[arg-type]
    active = layout.ref("equity_split_active", layout.n, absolute=True)
    return f"AND({active}=1,{share}=0,{received}=0)"


def _write_sources(ws: Any, st: Styles, results: Results, layout: Layout, pl: Plan,
                   tv: dict[str, float]) -> None:
    first = pl.rows[source_key(SOURCES[0][0])] - 1
    total_row = pl.rows[source_key("microsoft_total_take")]
    ws.write_string(first - 2, 1, "Microsoft's value by source: cash from OpenAI, and its own "
                    "Azure OpenAI margin", st("section"))
    for c, text in enumerate(("key", "source", "unit", "present value",
                              "total over the horizon", "share of the present value")):
        ws.write_string(first - 1, c, text, st("header"))
    pv_total = results.total(keys.present_value("microsoft_total_take"))
    for key, label in SOURCES:
        r = pl.rows[source_key(key)] - 1
        pv_key = keys.present_value(key)
        pv_sheet, pv_row = layout.rows[pv_key]
        sheet, nominal_row = layout.rows[key]
        role = "total" if key in dict(MICROSOFT_TOTALS) else "link"
        ws.write_string(r, 0, source_key(key))
        ws.write_string(r, 1, label)
        ws.write_string(r, 2, "$M")
        ws.write_formula(r, VALUE_COL, f"={pv_sheet}!$D${pv_row}", st(role, "usd"),
                         results.total(pv_key))
        ws.write_formula(r, VALUE_COL + 1, f"={sheet}!$D${nominal_row}", st(role, "usd"),
                         results.total(key))
        share = 0.0 if pv_total == 0 else results.total(pv_key) / pv_total
        ws.write_formula(r, VALUE_COL + 2, f"=IF(D{total_row}=0,0,D{r + 1}/D{total_row})",
                         st("calc", "rate"), share)
    _write_stake(ws, st, pl, total_row, tv, (pv_total, results.total("microsoft_total_take")))


def _write_stake(ws: Any, st: Styles, pl: Plan, total_row: int, tv: dict[str, float],
                 take: tuple[float, float]) -> None:
    """Microsoft's stake beyond the horizon (its share of the terminal value: present value
    and nominal), and its take with it."""
    share = tv["tv_share_microsoft"]
    pv = share * tv["tv_discount_factor"]
    a, b = pl.rows["microsoft_stake_beyond"], pl.rows["microsoft_take_with_stake"]
    tv_row, factor = pl.rows["tv_share_microsoft"], pl.rows["tv_discount_factor"]
    for r, key, label, role, formulas, values in (
            (a, "microsoft_stake_beyond", "Value of its stake beyond the horizon (share of "
             "the terminal value)", "link", (f"=D{tv_row}*D{factor}", f"=D{tv_row}"),
             (pv, share)),
            (b, "microsoft_take_with_stake", "Microsoft's total take with its stake beyond "
             "the horizon", "total", (f"=D{total_row}+D{a}", f"=E{total_row}+E{a}"),
             (take[0] + pv, take[1] + share))):
        ws.write_string(r - 1, 0, key)
        ws.write_string(r - 1, 1, label)
        ws.write_string(r - 1, 2, "$M")
        for c, (f, v) in enumerate(zip(formulas, values, strict=True)):
            ws.write_formula(r - 1, VALUE_COL + c, f, st(role, "usd"), v)


def _flow_range(pl: Plan, layout: Layout, party: str, with_tv: bool) -> tuple[str, str]:
    last = xl_col_to_name(FLOWS_COL + pl.investment_count + layout.n + int(with_tv))
    first = xl_col_to_name(FLOWS_COL)
    r = pl.flow_rows[party]
    return f"${first}${r}:${last}${r}", f"${first}${pl.dates_row}:${last}${pl.dates_row}"


def _write_flows(ws: Any, st: Styles, results: Results, layout: Layout, pl: Plan,
                 tv: dict[str, float]) -> None:
    a = results.assumptions
    if not pl.flow_rows:
        return
    r = pl.dates_row - 1
    ws.write_string(r - 2, 1, "Cash flows of the IRR (XIRR): investments negative on the "
                    "first of their month, receipts at each month's end, then the share of "
                    "the terminal value", st("section"))
    inv = list(a.investments or ())
    months = results.timeline.months[1:]
    month_cols = FLOWS_COL + 1 + len(inv)
    tv_col = month_cols + len(months)
    for c, text in ((FLOWS_COL, "earliest date"), (FLOWS_COL + 1, "investments"),
                    (month_cols, "receipts, month by month"), (tv_col, "terminal value")):
        ws.write_string(r - 1, c, text, st("header"))
    ws.write_string(r, 0, "irr_dates")
    ws.write_string(r, 1, "Date of the cash flow")
    ws.write_string(r, 2, "date")
    end = xl_col_to_name(tv_col)
    dates = [serial(i.month) for i in inv] + [serial(month_end(m)) for m in months]
    dates.append(dates[-1])
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
    ws.write_formula(r, tv_col, f"={xl_col_to_name(tv_col - 1)}{r + 1}", st("calc", "day"),
                     dates[-1])
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
        share = keys.terminal_share(party)
        ws.write_formula(rr, tv_col, f"=$D${pl.rows[share]}", st("link", "usd"), tv[share])


def no_minus_zero(irr: object) -> object:
    """The IRR as the cell's ROUND(..., 12) gives it: capital returned exactly is an IRR of
    0, not -2e-17 printed "(0.0%)"."""
    return round(irr, 12) + 0.0 if isinstance(irr, float) else irr
