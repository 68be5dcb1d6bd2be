"""Print the whole default model to PDF with LibreOffice and measure the pages.

The page count and the smallest font size are read from the PDF itself (pdfminer):
the size of every glyph is its font size times the scale of the text matrix, so it is
what prints, after the sheet's print scale. Fonts decide the column widths, so the
test needs Carlito (the metric twin of Calibri, the workbook's font): with another
fallback font LibreOffice lays the columns out wider than Excel does.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import build

pytestmark = pytest.mark.slow  # one LibreOffice print of the whole model, read page by page

MAX_PAGES = 60
MIN_FONT_PT = 7.0
MONTHLY = ("Revenue", "Waterfall")
MONTH = re.compile(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ?(20\d\d)")
NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class Page:
    sheet: str  # the centre of the page header
    text: str
    smallest: float  # pt
    sizes: list[float] = field(default_factory=list)


def _require_carlito() -> None:
    fc = shutil.which("fc-match")
    found = subprocess.run([fc, "Calibri"], capture_output=True, text=True).stdout if fc else ""
    if "Carlito" in found:
        return
    message = ("the Carlito font (apt-get install fonts-crosextra-carlito) is needed to lay "
               f"out the pages as Excel does; fc-match Calibri gives {found.strip()!r}")
    if os.environ.get("FINMODEL_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail(message)
    pytest.skip(message)


def read_pages(pdf: Path) -> list[Page]:
    """Each page's header sheet name, its text and its smallest glyph in points."""
    pdfminer = pytest.importorskip("pdfminer")
    del pdfminer
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTPage
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    class Recorder(PDFPageAggregator):  # type: ignore[misc]
        sizes: list[float]

        def render_char(self, matrix: Any, font: Any, fontsize: float, *args: Any,
                        **kwargs: Any) -> Any:
            _, _, c, d, _, _ = matrix
            self.sizes.append(fontsize * math.hypot(c, d))
            return super().render_char(matrix, font, fontsize, *args, **kwargs)

    rsrc = PDFResourceManager()
    dev = Recorder(rsrc, laparams=None)
    interp = PDFPageInterpreter(rsrc, dev)
    pages: list[Page] = []
    with pdf.open("rb") as fh:
        for pdf_page in PDFPage.get_pages(fh):
            dev.sizes = []
            interp.process_page(pdf_page)
            layout: LTPage = dev.get_result()
            chars = [c for c in layout if isinstance(c, LTChar)]
            top = [c for c in chars if c.y0 > layout.height - 28
                   and layout.width / 3 < c.x0 < 2 * layout.width / 3]
            text = "".join(c.get_text() for c in sorted(chars, key=lambda c: (-c.y0, c.x0)))
            pages.append(Page("".join(c.get_text() for c in top).strip(), text,
                              min(dev.sizes, default=99.0), dev.sizes))
    return pages


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> list[Page]:
    from tests.conftest import require_libreoffice
    require_libreoffice()
    _require_carlito()
    from model.recalc import convert_libreoffice
    tmp = tmp_path_factory.mktemp("print")
    path, _ = build(tmp)
    pdf = convert_libreoffice(path, tmp / "pdf", "pdf")
    if shutil.which("pdftoppm"):  # pictures to look at, when poppler is installed
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp / "page")],
                       check=False)
    return read_pages(pdf)


def test_the_whole_model_prints_in_at_most_60_readable_pages(printed: list[Page]) -> None:
    per_sheet: dict[str, int] = {}
    for p in printed:
        per_sheet[p.sheet] = per_sheet.get(p.sheet, 0) + 1
    print(f"\nprinted pages: {len(printed)}  " + ", ".join(f"{k} {v}" for k, v in
                                                         per_sheet.items()))
    smallest = min(p.smallest for p in printed)
    print(f"smallest glyph: {smallest:.2f} pt")
    assert len(printed) <= MAX_PAGES
    small = [(i + 1, p.sheet, round(p.smallest, 2)) for i, p in enumerate(printed)
             if p.smallest < MIN_FONT_PT]
    assert not small, f"pages with text below {MIN_FONT_PT} pt: {small}"
    assert {"Dashboard", "Inputs", "Revenue", "Waterfall", "Annual", "Quarterly", "Checks",
            "Analysis", "Comparison"} <= set(per_sheet)


def _months(text: str) -> list[tuple[int, int]]:
    seen: list[tuple[int, int]] = []
    for name, year in MONTH.findall(text):
        m = (int(year), NAMES.index(name) + 1)
        if m not in seen:
            seen.append(m)
    return seen


def test_monthly_sheets_print_whole_years_a_page(printed: list[Page]) -> None:
    for sheet in MONTHLY:
        pages = [p for p in printed if p.sheet == sheet]
        assert pages, sheet
        first = _months(pages[0].text)[0]
        for p in pages:
            months = _months(p.text)
            index = [y * 12 + m for y, m in months]
            assert index == list(range(index[0], index[0] + len(index))), (sheet, months)
            assert months[0] == first or months[0][1] == 1, (sheet, months)
            assert 10 <= len(months) <= 16, (sheet, months)
            assert "Month" in p.text  # the label columns print on every page


def test_checks_print_their_counts_on_one_page(printed: list[Page]) -> None:
    checks = [p for p in printed if p.sheet == "Checks"]
    assert len(checks) == 1
    assert "Master check" in checks[0].text and "Reconciliations" in checks[0].text
    assert not _months(checks[0].text)  # the months stay on screen, not on paper


def test_dashboard_charts_share_pages(printed: list[Page]) -> None:
    dashboard = [p for p in printed if p.sheet == "Dashboard"]
    assert len(dashboard) == 2
    assert "Headline results" in dashboard[0].text
    assert "Annualized revenue" in dashboard[0].text  # a chart beside the figures
    assert dashboard[1].text.count("by party and year") == 1
    assert "Microsoft's total take by source and Microsoft fiscal year" in dashboard[1].text
    assert "What the receipts are worth" in dashboard[0].text  # the valuation on page 1
    assert "Microsoft's value by source: total and present value" in dashboard[1].text


def test_scenario_sheet_shows_the_values_in_force(printed: list[Page]) -> None:
    """The seed terms override nothing: a blank date prints blank (not 1899-12-30) and a
    Schedule override prints the base rate in force from its month (20 %), not "-"."""
    page = next(p for p in printed if p.sheet == "Scenario")
    assert "1899" not in page.text
    assert re.search(r"Schedule:azure_to_openai_share2026-05-01-20\.0%", page.text), page.text
    assert re.search(r"waterfall_end_month-Recapitalisation", page.text), page.text
