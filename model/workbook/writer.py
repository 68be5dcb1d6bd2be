"""Write the model workbook with xlsxwriter: live formulas with Python's values cached.

The writer knows the layout and xlsxwriter, and nothing about revenue: it asks
each line for its formula (``expr.xl``) and takes the value from the results.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_col_to_name

from model import keys
from model.core.engine import constants
from model.core.expr import CUR, PREV, Expr
from model.core.headlines import checks_failed
from model.core.line import CASH, CHECKS, REVENUE, SAME, Line
from model.core.lines import model_lines
from model.core.results import Results
from model.inputs import schema
from model.workbook import (
    actuals_sheet,
    analysis_sheet,
    asbuilt,
    checklist,
    comparison,
    executive,
    reconcile,
    scenario_sheet,
    sharing,
    valuation_sheet,
)
from model.workbook.input_tables import print_distributions, write_optional_sheets
from model.workbook.inputsheets import InputAddresses, new_workbook, write_input_sheets
from model.workbook.layout import (
    CALC_SHEETS,
    COL_KEY,
    COL_LABEL,
    COL_OPENING,
    COL_TOTAL,
    COL_UNIT,
    FIRST_LINE_ROW,
    ROW_HEADER,
    ROW_MONTH,
    ROW_PERIOD,
    ROW_TITLE,
    Layout,
    plan_layout,
)
from model.workbook.printing import (
    Columns,
    page_height,
    page_setup,
    print_in_blocks,
    scale_for,
    year_blocks,
)
from model.workbook.render import XlRender, finite
from model.workbook.rollup import write_rollup
from model.workbook.scenario_sheet import ScenarioAddresses
from model.workbook.sharing import Sharing
from model.workbook.styles import LEGEND, Styles, unit
from model.workbook.summary import write_summary

if TYPE_CHECKING:
    from model.analysis.solve import Settings

TITLE = "OpenAI-Microsoft partnership model"
DASHBOARD = "Dashboard"
SELECTOR = f"{DASHBOARD}!$B$4"  # the scenario drop-down
UNITS_NOTE = "Amounts are in dollars, shown as the unit column says ($M or $K)"


ExtraSheet = Callable[[Any, Styles, Layout], None]


class ModelWriter:
    """Writes one model workbook. Use ``write(path_or_buffer)``.

    ``extras`` are called after the standard sheets, each with the workbook, its
    styles and the layout, to add sheets of their own (such as Simulation).
    """

    def __init__(self, results: Results, extras: Sequence[ExtraSheet] = (),
                 visible: Sequence[str] | None = None,
                 analysis: Settings | None = None, sharing: Sharing | None = None) -> None:
        self.results = results
        self.a = results.assumptions
        self.layout = plan_layout(
            results, [rec.key for rec in checklist.reconciliations(results)])
        self.extras = tuple(extras)
        self.visible = visible  # None: all sheets; else hide the others (for printing)
        self.analysis = analysis
        self.sharing = sharing or Sharing()

    def write(self, target: Any) -> None:
        wb = new_workbook(target, self.a, TITLE)
        st = Styles(wb)
        sharing.start(wb, st, self.sharing)
        front = wb.add_worksheet(executive.SHEET)  # the first printed page
        summary = wb.add_worksheet(DASHBOARD)
        addr = write_input_sheets(wb, st, self.a)
        write_optional_sheets(wb, st, self.a)
        if (dist := wb.get_worksheet_by_name(schema.DISTRIBUTIONS_SHEET)) is not None:
            print_distributions(dist)
        if self.a.scenarios is not None:
            scen_ws = wb.add_worksheet(scenario_sheet.SHEET)
            scenario_sheet.write(scen_ws, st, self.a, addr, SELECTOR,
                                 self.layout.master())
        scen = scenario_sheet.plan(self.a.scenarios)
        calc = {name: wb.add_worksheet(name) for name in CALC_SHEETS if name != CHECKS}
        valuation = wb.add_worksheet(valuation_sheet.SHEET)
        annual = wb.add_worksheet("Annual")
        fiscal = wb.add_worksheet("Fiscal")
        quarterly = wb.add_worksheet("Quarterly")
        checks = wb.add_worksheet(CHECKS)
        calc[CHECKS] = checks
        for name in (*schema.SHEETS, schema.STREAMS_SHEET, schema.COSTS_SHEET):
            self._master_in_table_header(wb.get_worksheet_by_name(name), st)
        for name, ws in calc.items():
            self._calc_sheet(ws, st, name, addr, scen)
        analysis_sheet.write(wb, wb.add_worksheet(analysis_sheet.SHEET), st, self.results,
                             self.layout, XlRender(self.layout, addr, scen, analysis_sheet.SHEET),
                             self.analysis)
        self._checks_extras(checks, st)
        valuation_sheet.write(valuation, st, self.results, self.layout,
                              XlRender(self.layout, addr, scen, valuation_sheet.SHEET))
        write_rollup(annual, st, self.results, self.layout, "Annual")
        write_rollup(fiscal, st, self.results, self.layout, "Fiscal")
        write_rollup(quarterly, st, self.results, self.layout, "Quarterly")
        actuals_sheet.write(wb, st, self.results, self.layout, addr)  # the Variances sheet
        comparison.write(wb.add_worksheet(comparison.SHEET), st, self.results, self.layout)
        write_summary(wb, summary, st, self.results, self.layout, LEGEND)
        executive.write(front, st, self.results, self.layout,
                        SELECTOR if self.a.scenarios is not None else None)
        asbuilt.write(wb, st, self.a, SELECTOR if self.a.scenarios is not None else None)
        built = {ws.name for ws in wb.worksheets()}
        for extra in self.extras:
            extra(wb, st, self.layout)
        for ws in wb.worksheets():
            page_setup(ws, self.a, TITLE)
            if self.visible is not None and ws.name not in self.visible:
                ws.hide()  # LibreOffice prints hidden sheets: give it an empty page, which
                last = (ws.dim_rowmax or 0) + 2  # it leaves out of a PDF, and no titles
                ws.print_area(last, 0, last, 0)  # repeated on it
                ws.repeat_row_range = ws.repeat_col_range = ""
                ws.comments.clear()  # a comment's box would make the page print
                ws.has_comments = ws.has_vml = False
        sharing.finish(wb, st, summary, self.a, SELECTOR, self.analysis, self.sharing,
                       [ws.name for ws in wb.worksheets() if ws.name not in built])
        front.activate()
        front.set_first_sheet()
        wb.close()

    # ------------------------------------------------------------ headers

    def _master_in_table_header(self, ws: Any, st: Styles) -> None:
        # Column M, or the second column after the table when it is wider (a Schedule
        # with the columns of the streams and costs).
        col = max(12, (ws.dim_colmax or 0) + 2)
        last = ws.dim_colmax or 0
        ws.print_area(0, 0, max(ws.dim_rowmax or 0, 1), last)  # not the check
        if last >= 12 and not ws.fit_page:  # too wide for one page: two pages, keys repeated
            ws.repeat_columns(0, 0)
            ws.fit_to_pages(2, 0)
        self.layout.write_master(ws, st, 0, col)

    def _calc_header(self, ws: Any, st: Styles, name: str) -> None:
        n = self.layout.n
        ws.write_string(ROW_TITLE, COL_LABEL, f"{TITLE}: {name}", st("title"))
        self.layout.write_master(ws, st, ROW_TITLE, COL_TOTAL)
        ws.write_string(ROW_TITLE, COL_OPENING, UNITS_NOTE, st("note"))
        for col, text in ((COL_KEY, "key"), (COL_LABEL, "line"), (COL_UNIT, "unit"),
                          (COL_TOTAL, "total"), (COL_OPENING, "opening")):
            ws.write_string(ROW_HEADER, col, text, st("header"))
        for t in range(1, n + 1):
            ws.write_blank(ROW_HEADER, COL_OPENING + t, None, st("header"))
        ws.freeze_panes(ROW_PERIOD + 1, COL_OPENING)
        ws.set_column(COL_KEY, COL_KEY, 26, st("key"))
        # The Checks sheet prints its labels and counts only: room for the longest label.
        ws.set_column(COL_LABEL, COL_LABEL, 64 if name == CHECKS else 46)
        ws.set_column(COL_UNIT, COL_UNIT, 6)
        ws.set_column(COL_TOTAL, COL_TOTAL, 12)
        ws.set_column(COL_OPENING, COL_OPENING + n, 9)
        years = [m.year for m in self.results.timeline.months]
        years[0] = years[1]  # the opening column prints with the first year
        last_row = max(r for sheet, r in self.layout.rows.values() if sheet == name) - 1
        if name in (CHECKS, CASH):  # on paper, each row's total on one page, tall if it
            ws.print_area(0, COL_LABEL, last_row, COL_TOTAL)  # stays readable (the Annual
            label = 64 if name == CHECKS else 46  # sheet prints the cash view by year)
            cols = Columns(COL_LABEL, (label, 6, 12), COL_OPENING, 9)
            ws.set_print_scale(min(100, scale_for(cols, 0, last_row + 1, page_height(name))))
        else:
            folded = sum(ln.detail for s in model_lines(self.a) if s.sheet == name
                         for ln in s.lines)
            print_in_blocks(ws, Columns(COL_LABEL, (46, 6, 12), COL_OPENING, 9),
                            year_blocks(years), last_row, (ROW_HEADER, ROW_PERIOD),
                            one_page_tall=True, hidden_rows=folded)

    # ------------------------------------------------------------ calc sheets

    def _calc_sheet(self, ws: Any, st: Styles, name: str, addr: InputAddresses,
                    scen: ScenarioAddresses) -> None:
        self._calc_header(ws, st, name)
        render = XlRender(self.layout, addr, scen, name)
        if name != REVENUE:
            for key, row in (("month", ROW_MONTH), ("period", ROW_PERIOD)):
                self._link_row(ws, st, key, row)
        r = FIRST_LINE_ROW
        for section in model_lines(self.a):
            if section.sheet != name:
                continue
            ws.write_string(r, COL_KEY, "", st("section"))
            # Working lines (the Schedule rates in force, a tier's intermediate amounts)
            # are grouped and folded, so that a year of the sheet prints on one page
            # (click + to show them).
            folded = [ln.detail for ln in section.lines]
            note = (" (folded: + shows them)" if all(folded) else
                    " (working rows folded: + shows them)" if any(folded) else "")
            ws.write_string(r, COL_LABEL, section.title + note, st("section"))
            if any(folded):
                ws.outline_settings(True, False, True, False)  # the + above each group
            r += 1
            for i, ln in enumerate(section.lines):
                if ln.detail:
                    if i == 0 or not folded[i - 1]:  # the row above the group shows its +
                        ws.set_row(r - 1, None, None, {"collapsed": True})
                    ws.set_row(r, None, None, {"level": 1, "hidden": True})
                if ln.key in ("month", "period"):
                    row = ROW_MONTH if ln.key == "month" else ROW_PERIOD
                    self._line(ws, st, ln, row, render)
                    continue
                assert self.layout.rows[ln.key] == (name, r + 1), ln.key
                self._line(ws, st, ln, r, render)
                r += 1
            r += 1

    def _line(self, ws: Any, st: Styles, ln: Line, row: int, render: XlRender) -> None:
        res = self.results
        values = res.raw[res.index[ln.key]]
        role = "check" if ln.sheet == CHECKS else "calc"
        fmt = st(role, ln.fmt)
        ws.write_string(row, COL_KEY, ln.key)
        ws.write_string(row, COL_LABEL, ln.label)
        ws.write_string(row, COL_UNIT, unit(ln.fmt))
        cols = self.layout.columns
        if ln.opening is not None:
            opening = ln.expr if ln.opening == SAME else ln.opening
            assert isinstance(opening, Expr)
            text = "=" + opening.xl(render).replace(CUR, cols[0])
            ws.write_formula(row, COL_OPENING, text, fmt,
                             finite(values[0], f"{ln.key} (opening)"))
        template = "=" + ln.expr.xl(render)
        write, isfinite = ws.write_formula, math.isfinite
        for t in range(1, self.layout.n + 1):
            if not isfinite(values[t]):  # the message only when needed: it costs 5 us a cell
                finite(values[t], f"{ln.key} in {res.timeline.months[t]:%Y-%m}")
            write(row, COL_OPENING + t,
                  template.replace(CUR, cols[t]).replace(PREV, cols[t - 1]), fmt, values[t])
        if ln.total:
            total = math.fsum(values[1:])
            ws.write_formula(row, COL_TOTAL, f"=SUM({cols[1]}{row + 1}:{cols[-1]}{row + 1})",
                             st("total", ln.fmt), finite(total, f"{ln.key} total"))

    def _link_row(self, ws: Any, st: Styles, key: str, row: int) -> None:
        values = self.results.raw[self.results.index[key]]
        fmt = st("link", "date" if key == "month" else "int")
        ws.write_string(row, COL_KEY, key)
        ws.write_string(row, COL_LABEL, "Month" if key == "month" else "Period counter")
        for t, col in enumerate(self.layout.columns):
            ws.write_formula(row, COL_OPENING + t, f"={REVENUE}!{col}${row + 1}", fmt,
                             values[t])

    def _checks_extras(self, ws: Any, st: Styles) -> None:
        """Constants, input checks and the master check below the monthly checks."""
        rows = self.layout.rows
        consts = constants(self.a)
        first = rows[keys.constant(next(iter(consts)))][1] - 1
        ws.write_string(first - 1, COL_LABEL, "Constants", st("section"))
        for name, (value, kind, label) in consts.items():
            r = rows[keys.constant(name)][1] - 1
            ws.write_string(r, COL_KEY, keys.constant(name))
            ws.write_string(r, COL_LABEL, label)
            ws.write_number(r, COL_TOTAL, value, st("input", kind if kind != "General" else ""))
        check_rows = [rows[ln.key][1] for s in model_lines(self.a) if s.sheet == CHECKS
                      for ln in s.lines]
        recs = [rec.key for rec in checklist.reconciliations(self.results)]
        reconcile.write(ws, st, self.results, self.layout, rows[recs[0]][1] - 2)
        recon = reconcile.formulas(self.results, self.layout)
        master_row = rows["master_check"][1] - 1
        ws.write_string(master_row - 1, COL_LABEL, "Master check", st("section"))
        ws.write_string(master_row, COL_KEY, "master_check")
        ws.write_string(master_row, COL_LABEL, "Number of failed checks (0 = all fine)")
        total_col = xl_col_to_name(COL_TOTAL)
        # Two ranges, not a term per check: only checks sit in them (the constants are
        # between, and the rows between checks are blank or titles, which SUM skips).
        terms = (f"SUM({total_col}{min(check_rows)}:{total_col}{max(check_rows)})"
                 f"+SUM({total_col}{rows[recs[0]][1]}:{total_col}{rows[recs[-1]][1]})")
        failed = checks_failed(self.results)
        failed += sum(v for _, v in recon.values())
        ws.write_formula(master_row, COL_TOTAL, f"={terms}", st("check", "int"), failed)
        ws.conditional_format(master_row, COL_TOTAL, master_row, COL_TOTAL,
                              {"type": "cell", "criteria": ">", "value": 0,
                               "format": st("bad")})
        last = xl_col_to_name(COL_OPENING + self.layout.n)
        ws.conditional_format(f"{total_col}{min(check_rows)}:{last}{max(check_rows)}",
                              {"type": "cell", "criteria": ">", "value": 0,
                               "format": st("bad")})
        ws.conditional_format(f"{total_col}{rows[recs[0]][1]}:{total_col}{rows[recs[-1]][1]}",
                              {"type": "cell", "criteria": ">", "value": 0,
                               "format": st("bad")})


def write_model(results: Results, target: Any, extras: Sequence[ExtraSheet] = (),
                visible: Sequence[str] | None = None,
                analysis: Settings | None = None, sharing: Sharing | None = None) -> Layout:
    """Write the model workbook for computed results to a path or a binary buffer.

    ``visible``, when given, hides every other sheet (used to print a report)."""
    w = ModelWriter(results, extras, visible, analysis, sharing)
    w.write(target)
    return w.layout
