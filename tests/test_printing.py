"""Print the whole default model to PDF with LibreOffice and measure the pages.

One print, shared by every test here (a module fixture): LibreOffice starts once. The
pages are read back from the PDF itself (tests/printed.py, pdfminer): the page count,
the printed size of every glyph, texts cut at a cell's or the page's edge, repeated row
labels, internal keys and units. Fonts decide the column widths, so the test needs
Carlito (the metric twin of Calibri, the workbook's font): with another fallback font
LibreOffice lays the columns out wider than Excel does.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import build
from tests.printed import Page, cell_texts, read_pages, repeated, snake_case

pytestmark = pytest.mark.slow  # one LibreOffice print of the whole model, read page by page

MAX_PAGES = 50
MIN_FONT_PT = 7.0
MONTHLY = ("Revenue", "Waterfall")
MONTH = re.compile(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ?(20\d\d)")
NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


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


@dataclass
class Print:
    pages: list[Page]
    texts: dict[str, set[str]]  # each sheet's cell texts, from the workbook printed


@pytest.fixture(scope="module")
def printout(tmp_path_factory: pytest.TempPathFactory) -> Print:
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
    return Print(read_pages(pdf), cell_texts(path))


@pytest.fixture(scope="module")
def printed(printout: Print) -> list[Page]:
    return printout.pages


# The sheets a reader of the pack reads. The input sheets print their tables as the
# reader of inputs needs them: keys in the first row and column.
OUTPUT_SHEETS = ("Summary", "Dashboard", "Revenue", "Waterfall", "Valuation", "Annual",
                 "Fiscal", "Quarterly", "Checks", "Analysis", "Comparison")


def _per_sheet(printed: list[Page]) -> dict[str, int]:
    per_sheet: dict[str, int] = {}
    for p in printed:
        per_sheet[p.sheet] = per_sheet.get(p.sheet, 0) + 1
    print(f"\nprinted pages: {len(printed)}  " + ", ".join(f"{k} {v}" for k, v in
                                                         per_sheet.items()))
    return per_sheet


@pytest.mark.xfail(strict=True, reason="open (issue 19): the default model prints in 52 "
                   "pages since the Actuals, Variances and Cash sheets and the terminal "
                   "value were added; the limit is 50")
def test_the_whole_model_prints_in_at_most_50_pages(printed: list[Page]) -> None:
    _per_sheet(printed)
    assert len(printed) <= MAX_PAGES


def test_the_whole_model_prints_readably(printed: list[Page]) -> None:
    per_sheet = _per_sheet(printed)
    smallest = min(p.smallest for p in printed)
    print(f"smallest glyph: {smallest:.2f} pt")
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
        starts = [_months(p.text)[0] for p in pages]
        assert starts == sorted(set(starts)), (sheet, starts)  # no year on two pages
    # a year a page: the Waterfall's working rows are folded, so it is no taller than a page
    assert len([p for p in printed if p.sheet == "Waterfall"]) == \
        len([p for p in printed if p.sheet == "Revenue"])


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
    assert dashboard[1].text.count("by party and whole year") == 1
    assert "Microsoft's total take by source and whole Microsoft fiscal year" in \
        dashboard[1].text
    assert "What the receipts are worth" in dashboard[0].text  # the valuation on page 1
    assert "Microsoft's value by source: total and present value" in dashboard[1].text


def test_scenario_sheet_shows_the_values_in_force(printed: list[Page]) -> None:
    """The seed terms override nothing: a blank date prints blank (not 1899-12-30) and a
    Schedule override prints the base rate in force from its month (20 %), not "-"."""
    page = next(p for p in printed if p.sheet == "Scenario")
    assert "1899" not in page.text
    rows = {ln[0].text.strip(): [r.text.strip() for r in ln[1:]] for ln in page.lines()}
    assert rows["Schedule:azure_to_openai_share"][:3] == ["2026-05-01", "-", "20.0%"], rows
    assert rows["waterfall_end_month"][:1] == ["-"], rows  # blank, not 1899-12-30


def test_the_executive_summary_is_the_first_page(printed: list[Page]) -> None:
    first = printed[0]
    assert first.sheet == "Summary"
    assert [p.sheet for p in printed].count("Summary") == 1
    for text in ("Executive summary", "The question", "seed terms (2024)", "Checks OK",
                 "When: the hurdles and caps", "Who gets what", "What each stake is worth",
                 "Where the figures come from"):
        assert text in first.text, text
    # who gets what, in $B: Microsoft's receipts over the horizon, as the model computes them
    # (with the commission on all of OpenAI's Azure compute, the default case no longer
    # recoups the $13B within the horizon: the figure is checked, not the outcome)
    from model.core.engine import run
    from model.inputs.defaults import default_assumptions
    line = next(ln for ln in first.lines() if ln[0].text.strip() == "Microsoft")
    amount = re.fullmatch(r"([\d.]+) ?\$B", "".join(r.text for r in line[1:]).strip())
    want = run(default_assumptions()).last("cum_microsoft") / 1e9
    assert amount and float(amount[1]) == pytest.approx(want, abs=0.05), \
        [r.text for r in line]


def _output_pages(printed: list[Page]) -> list[tuple[int, Page]]:
    pages = [(i + 1, p) for i, p in enumerate(printed) if p.sheet in OUTPUT_SHEETS]
    assert {p.sheet for _, p in pages} == set(OUTPUT_SHEETS)
    return pages


def test_no_text_is_cut_at_a_cell_or_the_page(printout: Print) -> None:
    """A text that runs into the next one, past the page, or that prints only the start
    of its cell's text is cut."""
    cut = [(i + 1, p.sheet, c) for i, p in enumerate(printout.pages)  # every sheet
           for c in p.clipped() + p.cut_texts(printout.texts.get(p.sheet, set()))]
    assert not cut, "\n".join(map(str, cut))


def test_row_labels_are_distinct_on_every_page(printed: list[Page]) -> None:
    twice = [(i, p.sheet, r) for i, p in _output_pages(printed)
             if (r := repeated(p.row_labels()))]
    assert not twice, twice


def test_no_internal_key_prints(printed: list[Page]) -> None:
    keys = [(i, p.sheet, k) for i, p in _output_pages(printed)
            if (k := snake_case(" ".join(r.text for r in p.runs)))]
    assert not keys, keys


def test_units_say_what_the_cell_shows(printed: list[Page]) -> None:
    """No "USD" beside an amount shown in $M; the PTU fee ($185K / 0.75 = $246.7K a month,
    the seed article) shows in $K; no negative zero such as an IRR of "(0.0%)"."""
    for i, p in _output_pages(printed):
        assert not [r.text for r in p.runs if "USD" in r.text], (i, p.sheet)
        minus_zero = [r.text for r in p.runs if re.fullmatch(r"\(0(\.0+)?%?\)", r.text.strip())]
        assert not minus_zero, (i, p.sheet, minus_zero)  # a negative that rounds to 0
    revenue = next(p for p in printed if p.sheet == "Revenue")
    fee = next(ln for ln in revenue.lines() if ln[0].text.startswith("PTU monthly minimum fee"))
    assert fee[1].text.strip() == "$K"
    assert "246.7" in [r.text.strip() for r in fee], [r.text for r in fee]
    amounts = next(ln for ln in revenue.lines() if ln[0].text.strip() == "OpenAI API revenue")
    assert amounts[1].text.strip() == "$M"


def test_booleans_print_true_or_false(printed: list[Page]) -> None:
    inputs = next(p for p in printed if p.sheet == "Inputs")
    line = next(ln for ln in inputs.lines() if ln[0].text.strip() == "loss_carryforward")
    assert "TRUE" in "".join(r.text for r in line[1:2]), [r.text for r in line]


def test_bar_charts_leave_out_part_years(printed: list[Page]) -> None:
    """The default horizon, Apr 2024 to Mar 2034, starts and ends in part years: the
    Dashboard's bars are whole years only."""
    dashboard = " ".join(p.text for p in printed if p.sheet == "Dashboard")
    assert not re.search(r"20\d\d \(\d{1,2} months?\)", dashboard)  # "2024 (9 months)"
    assert "2025" in dashboard and "2033" in dashboard


@pytest.mark.slow
def test_booleans_survive_a_libreoffice_round_trip(tmp_path: Path) -> None:
    """Saved by LibreOffice, TRUE/FALSE inputs still read as booleans (not 1 and 0)."""
    from tests.conftest import require_libreoffice
    require_libreoffice()
    from model import load
    from model.recalc import convert_libreoffice
    path, _ = build(tmp_path)
    saved = convert_libreoffice(path, tmp_path / "lo", "xlsx")
    a = load(saved)
    assert a.inputs["loss_carryforward"] is True
    assert [s.pays_revshare for s in a.streams] == [True, True, True]
