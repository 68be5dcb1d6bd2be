"""The executive summary: the first printed page, one page a reader takes in at a glance.

It says the question the model answers, the scenario, the headline answers (when each
hurdle and cap is reached, who receives what, what each stake is worth), the master check
and where the figures come from. Every figure is a live formula that links to the cell of
the model that computes it, with Python's value cached.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from model import keys
from model.core.valuation import party_values
from model.workbook.printing import as_of_text
from model.workbook.styles import Styles, unit
from model.workbook.summary import headline_rows
from model.workbook.valuation_sheet import SHEET as VALUATION
from model.workbook.valuation_sheet import no_minus_zero, plan

if TYPE_CHECKING:
    from model.core.results import Results
    from model.workbook.layout import Layout

SHEET = "Summary"
TITLE = "Executive summary"
QUESTION = (
    "The question: how the revenue shares and OpenAI's capped-profit waterfall split the "
    "money between Microsoft, OpenAI's first investors, its employees and other investors "
    "and the OpenAI nonprofit; when each hurdle and cap is reached; and what each party's "
    "receipts are worth today.")
SOURCES = (
    "Where the figures come from: each input's source is in the source column of the "
    "Inputs sheet and in the notes on the Schedule, Parties and Tiers headers. Reported "
    "figures come from public reporting on the partnership (June 2024, after The "
    "Information); inputs marked illustrative are round assumptions of ours, to replace "
    "with your own. The Valuation sheet shows how each present value, multiple and IRR is "
    "worked out; the Checks sheet lists every check.")

LABEL, VALUE, UNIT = 0, 1, 2
WIDTHS = (78, 14, 22)


def write(ws: Any, st: Styles, results: Results, layout: Layout, selector: str | None) -> None:
    """Fill the Summary sheet; ``selector`` is the scenario drop-down's cell, if any."""
    a = results.assumptions
    months = results.timeline.months
    wrap = st("wrap")
    ws.write_string(0, LABEL, TITLE, st("title"))
    ws.merge_range(1, LABEL, 1, UNIT, QUESTION, wrap)
    ws.set_row(1, 48)
    r = 3
    if selector is not None and a.selected is not None:
        ws.write_string(r, LABEL, "Scenario (chosen on the Dashboard)")
        ws.merge_range(r, VALUE, r, UNIT, "", st("link"))
        ws.write_formula(r, VALUE, f"={selector}", st("link"), a.selected)
    else:
        ws.write_string(r, LABEL, "Scenario")
        ws.merge_range(r, VALUE, r, UNIT, "the inputs as entered (no scenarios)")
    ws.write_string(r + 1, LABEL, "Months modelled")
    ws.merge_range(r + 1, VALUE, r + 1, UNIT, f"{months[1]:%b %Y} to {months[-1]:%b %Y} "
                   f"({layout.n} months)")
    ws.write_string(r + 2, LABEL, "Inputs")
    ws.merge_range(r + 2, VALUE, r + 2, UNIT, f"{a.name}, saved {as_of_text(a)}")
    ws.write_string(r + 3, LABEL, "Model checks (the master check of the Checks sheet)")
    layout.write_master(ws, st, r + 3, VALUE)
    r += 5

    def section(title: str) -> None:
        nonlocal r
        for c, text in ((LABEL, title), (VALUE, ""), (UNIT, "unit")):
            ws.write_string(r, c, text, st("section"))
        r += 1

    def figure(label: str, formula: str, kind: str, value: object) -> None:
        nonlocal r
        ws.write_string(r, LABEL, label)
        ws.write_formula(r, VALUE, formula, st("link", kind), value)
        ws.write_string(r, UNIT, unit(kind))
        r += 1

    section("When: the hurdles and caps of the waterfall")
    rows = headline_rows(results, layout)
    for label, formula, kind, value in rows:
        if kind == "date":
            figure(label, formula, kind, value)
    r += 1
    section("Who gets what: receipts from OpenAI's profits over the horizon")
    for label, formula, kind, value in rows:
        if kind != "date":
            figure(label.replace("Cumulative receipts at the horizon: ", ""), formula,
                   "usd_b", value)
    sheet, row = layout.rows["microsoft_total_take"]
    figure("Microsoft's total take: Azure margin, revenue share, commission and receipts",
           f"={sheet}!$D${row}", "usd_b", results.total("microsoft_total_take"))
    r += 1
    rate = a.effective().number("discount_rate")
    section(f"What each stake is worth: receipts discounted at {rate:.1%} a year "
            f"to {months[1]:%b %Y}")
    pl = plan(a)
    for v in party_values(results):
        figure(f"{v.label}: present value of its receipts", "=" + pl.ref(keys.npv(v.key)),
               "usd_b", v.npv)
        if v.invested is not None:
            figure(f"{v.label}: multiple on invested capital", "=" + pl.ref(keys.moic(v.key)),
                   "multiple", v.moic)
            figure(f"{v.label}: IRR (a year)", "=" + pl.ref(keys.irr(v.key)), "rate_zero",
                   no_minus_zero(v.irr))
    ws.write_string(r, LABEL, f"Stake values count the receipts within the horizon only "
                    f"(see the {VALUATION} sheet).", st("note"))
    r += 2
    ws.merge_range(r, LABEL, r, UNIT, SOURCES, wrap)
    ws.set_row(r, 62)
    for c, w in enumerate(WIDTHS):
        ws.set_column(c, c, w)
    ws.print_area(0, LABEL, r, UNIT)
    ws.fit_to_pages(1, 1)
