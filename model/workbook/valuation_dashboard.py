"""The Dashboard's valuation block and the chart of Microsoft's value by source: links to
the Valuation sheet's cells (model.workbook.valuation_sheet)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from model import keys
from model.core.lines import MICROSOFT_SOURCES, MICROSOFT_TOTALS
from model.core.valuation import party_values, valuation_month
from model.workbook.valuation_sheet import (
    SHEET,
    SOURCES,
    VALUE_COL,
    no_minus_zero,
    plan,
    source_key,
)

if TYPE_CHECKING:
    from model.core.results import Results
    from model.workbook.styles import Styles


_UNITS = {"usd": "$M", "multiple": "x", "rate_zero": "% a year"}


def write_dashboard(ws: Any, st: Styles, results: Results, r: int, c: int) -> int:
    """The Dashboard's valuation block, its top left corner at (r, c), 0-based: links to
    this sheet's cells, in four columns (label, value, unit, share). Returns the first
    row below it; the caller sets the column widths."""
    a = results.assumptions
    pl = plan(a)
    rate = float(a.effective().inputs["discount_rate"])  # type: ignore[arg-type]

    def title(row: int, text: str, last: str = "") -> None:
        ws.write_string(row, c, text, st("section"))
        for k, t in ((1, ""), (2, ""), (3, last)):
            ws.write_string(row, c + k, t, st("section"))

    title(r, f"What the receipts are worth (at {rate:.1%} a year)")
    ws.write_string(r + 1, c, f"At {valuation_month(results):%b %Y}, with the terminal value;"
                    " see the Valuation sheet", st("note"))
    r += 2
    values = {v.key: v for v in party_values(results)}
    for p in a.parties:
        v = values[p.key]
        items: list[tuple[str, str, object]] = [
            ("stake_value", "value of its stake", v.stake_value)]
        if v.invested is not None:
            items += [("invested", "invested", v.invested),
                      ("moic_tv", "multiple on invested capital", v.moic_tv),
                      ("irr_tv", "IRR", v.irr_tv)]
        for k, text, value in items:
            kind = {"moic_tv": "multiple", "irr_tv": "rate_zero"}.get(k, "usd")
            ws.write_string(r, c, f"{p.label}: {text}")
            ws.write_formula(r, c + 1, "=" + pl.ref(keys.valuation_row(k, p.key)), st("link", kind),
                             no_minus_zero(value))  # type: ignore[arg-type]
            ws.write_string(r, c + 2, _UNITS[kind])
            r += 1
    r += 1
    title(r, "Microsoft's value by source (present value, within the horizon)", "share")
    r += 1
    total = results.total("pv_microsoft_total_take")
    for key, label in (*MICROSOFT_SOURCES, MICROSOFT_TOTALS[-1]):  # the cash subtotal: Valuation
        row = pl.rows[source_key(key)]
        role = "total" if key in dict(MICROSOFT_TOTALS) else "link"
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
    first = pl.rows[source_key(SOURCES[0][0])] - 1
    last = pl.rows[source_key(MICROSOFT_SOURCES[-1][0])] - 1
    chart = wb.add_chart({"type": "bar"})
    for col, name, color in ((VALUE_COL + 1, "Total over the horizon", "#A6A6A6"),
                             (VALUE_COL, "Present value", "#1F4E79")):
        chart.add_series({"name": name, "categories": [SHEET, first, 1, last, 1],
                          "values": [SHEET, first, col, last, col],
                          "fill": {"color": color}, "border": {"none": True}})
    return chart
