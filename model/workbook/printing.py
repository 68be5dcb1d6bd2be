"""Page setup, so that printing any sheet gives readable pages.

Every sheet prints landscape on A4. Sheets with periods across (the monthly sheets and
the rollups) print in blocks of whole calendar years, one block a page wide, with the
label columns repeated on each page and the key column left out (it is for formulas
and pandas, the label is for the reader). The print scale is fixed, computed from the
column widths, so that Excel and LibreOffice both honour the page breaks (Excel ignores
manual breaks when a sheet is set to "fit to pages") and no text prints below
``MIN_FONT_PT``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_cell_to_rowcol

if TYPE_CHECKING:
    from model.inputs.assumptions import Assumptions

# Monthly sheets print in yearly blocks; they are set up by print_in_blocks.
MONTHLY = ("Revenue", "Waterfall", "Cash", "Checks")

# A4 landscape, in points, less the margins below.
PAGE_WIDTH_PT, PAGE_HEIGHT_PT = 841.9, 595.3
MARGIN_SIDE_IN, MARGIN_TOP_IN = 0.4, 0.4
PRINT_WIDTH_PT = PAGE_WIDTH_PT - 2 * 72 * MARGIN_SIDE_IN - 8  # a little slack
PRINT_HEIGHT_PT = PAGE_HEIGHT_PT - 2 * 72 * MARGIN_TOP_IN - 6
# Sheets of labels and one column of totals, printed upright so their rows fit one page
PORTRAIT = ("Checks",)
PORTRAIT_HEIGHT_PT = PAGE_WIDTH_PT - 2 * 72 * MARGIN_TOP_IN - 6


def page_height(sheet: str) -> float:
    """The printable height of a page of ``sheet`` (upright for the PORTRAIT sheets)."""
    return PORTRAIT_HEIGHT_PT if sheet in PORTRAIT else PRINT_HEIGHT_PT
ROW_PT = 15.0  # xlsxwriter's default row height
BODY_FONT_PT, MIN_FONT_PT = 11.0, 7.0
MIN_SCALE = math.ceil(100 * MIN_FONT_PT / BODY_FONT_PT)  # print scale in %


def _esc(text: str) -> str:
    """User text in a header or footer: & starts a code (&P is the page number), so it is
    doubled; cut to 70 characters, as Excel refuses a header of more than 255."""
    text = text if len(text) <= 70 else text[:69] + "\u2026"
    return text.replace("&", "&&")


def as_of_text(a: Assumptions) -> str:
    when = a.as_of
    return f"{when:%Y-%m-%d %H:%M}" if isinstance(when, dt.datetime) else "undated"


def column_pt(width: float) -> float:
    """Printed width in points of a column ``width`` characters wide (Calibri 11).

    Excel's pixel width at 96 dpi is 0.75 pt a pixel; LibreOffice (with Carlito, the
    metric twin of Calibri) prints about 6 % wider: 0.8 fits both."""
    return int(width * 7 + 5) * 0.8


def _printed_columns(ws: Any) -> tuple[int, int]:
    """The first and last column printed: the print area's, else the used range's."""
    area = re.search(r"\$([A-Z]+)\$\d+:\$([A-Z]+)\$\d+", ws.print_area_range or "")
    if area:
        return xl_cell_to_rowcol(area[1] + "1")[1], xl_cell_to_rowcol(area[2] + "1")[1]
    return ws.dim_colmin or 0, ws.dim_colmax or 0


def one_page_wide_scale(ws: Any) -> int:
    """The print scale (%) at which the printed columns fit one page wide."""
    first, last = _printed_columns(ws)
    pixels = 0.0
    for col in range(first, last + 1):
        info = ws.col_info.get(col)
        pixels += 64 if info is None or info.width is None else info.width
    return int(100 * min(1.0, PRINT_WIDTH_PT / max(pixels * 0.8, 1.0)))


def page_setup(ws: Any, a: Assumptions, title: str) -> None:
    """Landscape (the PORTRAIT sheets upright), a header with the model and scenario, a
    footer with the inputs' date.

    The date is the inputs workbook's own saved time, never the clock, so the same
    inputs always give the same bytes. Sheets already given a print scale (by
    print_in_blocks or the Dashboard) keep it; the others fit one page wide."""
    if ws.name in PORTRAIT:
        ws.set_portrait()
    else:
        ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=MARGIN_SIDE_IN, right=MARGIN_SIDE_IN, top=MARGIN_TOP_IN,
                   bottom=MARGIN_TOP_IN)
    if ws.print_scale == 100 and not ws.fit_page:
        scale = one_page_wide_scale(ws)
        if scale >= MIN_SCALE:
            ws.fit_to_pages(1, 0)
        else:  # a wide table: readable, on as many pages wide as it takes
            ws.set_print_scale(MIN_SCALE)
            first, _ = _printed_columns(ws)
            ws.repeat_columns(first)
    scenario = f"Scenario: {a.selected}" if a.selected else ""
    ws.set_header(f"&L&\"-,Bold\"{_esc(title)}&C{_esc(ws.name)}&R{_esc(scenario)}",
                  margin=0.15)
    saved = f", saved {as_of_text(a)}" if a.as_of is not None else ""
    ws.set_footer(f"&LInputs: {_esc(a.name)}{saved}&RPage &P of &N", margin=0.15)


@dataclass(frozen=True)
class Columns:
    """The columns of a sheet with periods across: labels, then one column per period."""

    first_label: int  # the first printed label column (the key column before it is left out)
    label_widths: Sequence[float]  # widths of the printed label columns
    first_period: int  # the first period column (the opening column on monthly sheets)
    period_width: float


def year_blocks(years: Sequence[int], merge_short: int = 3) -> list[tuple[int, int]]:
    """Blocks (first index, last index) of consecutive entries with the same year.

    A last block of ``merge_short`` entries or fewer joins the one before it, so a
    horizon ending in March does not print a page of three months."""
    blocks: list[tuple[int, int]] = []
    for i, y in enumerate(years):
        if blocks and years[blocks[-1][0]] == y:
            blocks[-1] = (blocks[-1][0], i)
        else:
            blocks.append((i, i))
    if len(blocks) > 1 and blocks[-1][1] - blocks[-1][0] + 1 <= merge_short:
        last = blocks.pop()
        blocks[-1] = (blocks[-1][0], last[1])
    return blocks


def group_blocks(blocks: list[tuple[int, int]], per_page: int) -> list[tuple[int, int]]:
    """Join consecutive blocks ``per_page`` at a time."""
    return [(blocks[i][0], blocks[min(i + per_page, len(blocks)) - 1][1])
            for i in range(0, len(blocks), per_page)]


def scale_for(cols: Columns, widest: int, rows: int | None = None,
              height_pt: float = PRINT_HEIGHT_PT) -> int:
    """The print scale (%) at which the labels and ``widest`` periods fit a page wide
    (and, when ``rows`` is given and it stays readable, all rows one page tall)."""
    width = sum(column_pt(w) for w in cols.label_widths) + widest * column_pt(cols.period_width)
    scale = min(1.0, PRINT_WIDTH_PT / width)
    if rows is not None:  # as near one page tall as stays readable (the estimate of a
        # row's height is generous: at the smallest readable scale a year of the Waterfall
        # fits one page, from January as from April)
        tall = max(height_pt / (rows * ROW_PT + 10), MIN_SCALE / 100)
        scale = min(scale, tall)
    return int(scale * 100)


def print_in_blocks(ws: Any, cols: Columns, blocks: list[tuple[int, int]], last_row: int,
                    header_rows: tuple[int, int], one_page_tall: bool = False,
                    hidden_rows: int = 0) -> None:
    """Print ``ws`` one block of period columns a page wide, the labels repeated.

    ``blocks`` are (first, last) period indexes, 0 being ``cols.first_period``; with
    ``one_page_tall``, the ``last_row + 1 - hidden_rows`` rows that print fit one page
    tall when that stays readable."""
    widest = max(last - first + 1 for first, last in blocks)
    printed = last_row + 1 - hidden_rows
    ws.set_print_scale(scale_for(cols, widest, printed if one_page_tall else None))
    last_label = cols.first_label + len(cols.label_widths) - 1
    ws.repeat_columns(cols.first_label, last_label)
    ws.repeat_rows(*header_rows)
    ws.set_v_pagebreaks([cols.first_period + first for first, _ in blocks[1:]])
    ws.print_area(0, cols.first_label, last_row, cols.first_period + blocks[-1][1])


def wrapped_height(texts: Sequence[tuple[str, float]]) -> float | None:
    """The height (pt) a row needs to show each (text, column width) wrapped within its
    column, or None when one line is enough. Neither Excel nor LibreOffice fits a row's
    height on opening, so the writer sets it; a column of width w holds about 1.2 w
    characters of prose a line (Calibri 11; measured on the LibreOffice print)."""
    lines = max((math.ceil(len(t) / max(1.2 * w, 1.0)) for t, w in texts), default=1)
    return ROW_PT * lines if lines > 1 else None
