"""The Variances sheet: each reported figure of the Actuals sheet beside the model's.

One row per Actuals row: the reported figure (a link to the Actuals sheet), the model's
figure for the same line, period and measure (a live SUM over the line's months, or its
period-end month, x 12 when annualized), the variance in dollars and as a share of the
reported figure, and whether a fitted figure is further off than ``actuals_tolerance``.
Above them: the tolerance, the count of fitted figures beyond it (a check on the Checks
sheet, in the master check) and the worst variance of a fitted figure, and where it is
(on the Dashboard). Python computes every value (``model.core.actuals``) and caches it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_rowcol_to_cell

from model.core.actuals import ANNUAL, Comparison, compare
from model.inputs.actuals import FIELDS
from model.inputs.schema import ACTUALS_SHEET
from model.workbook.printing import wrapped_height

if TYPE_CHECKING:
    from model.core.results import Results
    from model.workbook.inputsheets import InputAddresses
    from model.workbook.layout import Layout
    from model.workbook.styles import Styles

SHEET = "Variances"
# 0-based rows, the values in column F (and where the worst is, beside it). The column
# headers sit in the first six rows, which is how `finmodel audit` tells columns apart.
ROW_TOLERANCE, ROW_BEYOND, ROW_WORST = 2, 3, 4
ROW_HEADER = 5
FIRST_ROW = ROW_HEADER + 1
NONE_FITTED = "no fitted figure compared"
COLUMNS = ("line", "period", "measure", "months compared", "reported", "model",
           "variance", "variance %", "fit (1/0)", "|var. %| if fit", "beyond (1/0)", "conf.",
           "source", "where (for the Dashboard)")
(C_LINE, C_PERIOD, C_MEASURE, C_MONTHS, C_REPORTED, C_MODEL, C_VAR, C_PCT, C_FIT, C_ABS,
 C_BEYOND, C_CONF, C_SOURCE, C_WHERE) = range(len(COLUMNS))
C_VALUE = C_MODEL  # the column of the values above the table (labels in column A)
MONTHS_WIDTH, SOURCE_WIDTH = 22, 45


def cell(row: int, col: int = C_VALUE) -> str:
    """Absolute reference of a cell of this sheet (0-based row and column)."""
    return f"{SHEET}!{xl_rowcol_to_cell(row, col, True, True)}"


BEYOND_CELL = cell(ROW_BEYOND)
WORST_CELL = cell(ROW_WORST)
WHERE_CELL = cell(ROW_WORST, C_VAR)


def _input_cell(i: int, key: str) -> str:
    c = [f.key for f in FIELDS].index(key)
    return f"{ACTUALS_SHEET}!{xl_rowcol_to_cell(i + 1, c, True, True)}"


def model_formula(c: Comparison, layout: Layout) -> str:
    """The model's figure for a compared row, as a live formula."""
    assert c.span.first is not None and c.span.last is not None
    sheet, row = layout.rows[c.actual.line]
    last = f"{sheet}!${layout.col(c.span.last)}${row}"
    if c.actual.measure == "total":
        return f"=SUM({sheet}!${layout.col(c.span.first)}${row}:${layout.col(c.span.last)}${row})"
    if c.actual.measure == "annualized":
        return f"={last}*{ANNUAL}"
    return f"={last}"


def where(c: Comparison, results: Results) -> str:
    """A figure as a reader names it: the line's label, the period and the measure."""
    label = results.lines[results.index[c.actual.line]].label
    return f"{label}, {c.actual.period} {c.actual.measure}"


def beyond_count(comparisons: list[Comparison]) -> float:
    return float(sum(1 for c in comparisons if c.beyond))


def worst(comparisons: list[Comparison]) -> Comparison | None:
    """The fitted, compared figure with the largest variance (the first of equals)."""
    rows = [c for c in comparisons if c.actual.fit and c.variance_pct is not None]
    if not rows:
        return None
    top = max(abs(c.variance_pct) for c in rows)  # type: ignore[arg-type]
    return next(c for c in rows if abs(c.variance_pct) == top)  # type: ignore[arg-type]


def write(wb: Any, st: Styles, results: Results, layout: Layout,
          addr: InputAddresses) -> None:
    """Add the Variances sheet to the workbook."""
    ws = wb.add_worksheet(SHEET)
    comparisons = compare(results)
    months = results.timeline.months
    ws.write_string(0, 0, "Reported figures against the model", st("title"))
    layout.write_master(ws, st, 0, 4)
    ws.write_string(1, 0, "Each Actuals row beside the model's figure for its line, period "
                    "and measure. Variance = model - reported (% of reported). Line, period "
                    "and measure are structural: rebuild after changing them.", st("note"))
    tol = comparisons[0].tolerance if comparisons else 0.1
    n = len(comparisons)
    last = FIRST_ROW + max(n, 1)  # 1-based last data row (a blank row when there is none)

    def col_range(c: int) -> str:
        return f"{xl_rowcol_to_cell(FIRST_ROW, c, True, True)}:" \
               f"{xl_rowcol_to_cell(last - 1, c, True, True)}"

    ws.write_string(ROW_TOLERANCE, 0, "actuals_tolerance (the Inputs sheet)")
    ws.write_formula(ROW_TOLERANCE, C_VALUE, "=" + addr.inputs["actuals_tolerance"],
                     st("link", "rate"), tol)
    ws.write_string(ROW_BEYOND, 0, "Fitted figures further off than the tolerance (0 = fine)")
    ws.write_formula(ROW_BEYOND, C_VALUE, f"=SUM({col_range(C_BEYOND)})", st("check", "int"),
                     beyond_count(comparisons))
    ws.conditional_format(ROW_BEYOND, C_VALUE, ROW_BEYOND, C_VALUE, {
        "type": "cell", "criteria": ">", "value": 0, "format": st("bad")})
    top = worst(comparisons)
    ws.write_string(ROW_WORST, 0, "Worst variance of a fitted figure, and where")
    if top is None:
        ws.write_string(ROW_WORST, C_VALUE, NONE_FITTED, st("note"))
        ws.write_string(ROW_WORST, C_VAR, NONE_FITTED, st("note"))
    else:
        match = f"MATCH(MAX({col_range(C_ABS)}),{col_range(C_ABS)},0)"
        ws.write_formula(ROW_WORST, C_VALUE, f"=INDEX({col_range(C_PCT)},{match},1)",
                         st("calc", "rate"), top.variance_pct)
        ws.write_formula(ROW_WORST, C_VAR, f"=INDEX({col_range(C_WHERE)},{match},1)",
                         st("calc"), where(c=top, results=results))
    for col, text in enumerate(COLUMNS):
        ws.write_string(ROW_HEADER, col, text, st("header"))
    for i, c in enumerate(comparisons):
        r = FIRST_ROW + i
        a = c.actual
        ws.write_string(r, C_LINE, a.line)
        ws.write_string(r, C_PERIOD, a.period)
        ws.write_string(r, C_MEASURE, a.measure)
        ws.write_formula(r, C_REPORTED, "=" + _input_cell(i, "value"), st("link", "usd"),
                         a.value)
        ws.write_formula(r, C_FIT, f"={_input_cell(i, 'fit')}*1", st("link", "int"),
                         1.0 if a.fit else 0.0)
        ws.write_string(r, C_WHERE, where(c, results))
        ws.write_string(r, C_CONF, a.confidence)
        ws.write_string(r, C_SOURCE, a.source, st("note_wrap"))
        if height := wrapped_height([(a.source, SOURCE_WIDTH), (c.span.note, MONTHS_WIDTH)]):
            ws.set_row(r, height)
        if c.model is None or c.span.first is None or c.span.last is None:
            ws.write_string(r, C_MONTHS, c.span.note, st("note_wrap"))
            ws.write_string(r, C_MODEL, "not compared", st("note"))
            continue
        first, end = months[c.span.first], months[c.span.last]
        ws.write_string(r, C_MONTHS, f"{first:%b %Y}" if first == end
                        else f"{first:%b %Y} to {end:%b %Y}")
        here = xl_rowcol_to_cell
        ws.write_formula(r, C_MODEL, model_formula(c, layout), st("calc", "usd"), c.model)
        ws.write_formula(r, C_VAR, f"={here(r, C_MODEL)}-{here(r, C_REPORTED)}",
                         st("calc", "usd"), c.variance)
        ws.write_formula(r, C_PCT, f"={here(r, C_VAR)}/ABS({here(r, C_REPORTED)})",
                         st("calc", "rate"), c.variance_pct)
        ws.write_formula(r, C_ABS, f"={here(r, C_FIT)}*ABS({here(r, C_PCT)})",
                         st("calc", "rate"),
                         abs(c.variance_pct) if a.fit else 0.0)  # type: ignore[arg-type]
        ws.write_formula(r, C_BEYOND, f"=({here(r, C_ABS)}>{cell(ROW_TOLERANCE)})*1",
                         st("check", "int"), 1.0 if c.beyond else 0.0)
    if n:
        ws.conditional_format(FIRST_ROW, C_BEYOND, last - 1, C_BEYOND, {
            "type": "cell", "criteria": ">", "value": 0, "format": st("bad")})
    ws.freeze_panes(FIRST_ROW, 1)
    for col, width in ((C_LINE, 24), (C_PERIOD, 8), (C_MEASURE, 10), (C_MONTHS, MONTHS_WIDTH),
                       (C_REPORTED, 11), (C_MODEL, 11), (C_VAR, 10), (C_PCT, 9), (C_FIT, 7),
                       (C_ABS, 11), (C_BEYOND, 10), (C_CONF, 5), (C_SOURCE, SOURCE_WIDTH),
                       (C_WHERE, 34)):
        ws.set_column(col, col, width)
    ws.print_area(0, 0, last - 1, C_SOURCE)  # the last column only feeds the Dashboard
    ws.repeat_rows(ROW_HEADER)
