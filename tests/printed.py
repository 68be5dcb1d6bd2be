"""Read a LibreOffice print of the model back from the PDF (pdfminer), to test the pages.

What a reader sees is measured on the PDF itself:
- the size of every glyph: its font size times the scale of the text matrix, so it is
  what prints, after the sheet's print scale;
- the runs of text: the glyphs of one string as LibreOffice draws it. LibreOffice draws a
  cell's whole text and clips it at the cell (or the print area) with a clipping path, so
  a clipped text still has all its glyphs in the PDF: it shows as a run that overlaps the
  next run on its line, or that reaches past the printable part of the page;
- the row labels: the runs that start at the left edge of a page's label column.

LibreOffice draws a clipped cell's glyphs up to the cell's edge, so a clipped text also
shows as a run that is the start of a cell's text but not all of it (``cut_texts``,
against the texts of the workbook that was printed).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# The margins of the page setup (model/workbook/printing.py): 0.4 inch a side.
MARGIN_PT = 0.4 * 72
SLACK_PT = 1.5  # a glyph's box may poke this far out of its cell
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


@dataclass(frozen=True)
class Run:
    """The glyphs of one string, drawn one after the other on one baseline."""

    text: str
    x0: float
    x1: float
    y: float  # the baseline, in points from the bottom of the page
    size: float  # the printed size of the glyphs, in points


@dataclass
class Page:
    sheet: str  # the centre of the page header
    text: str
    smallest: float  # pt
    sizes: list[float] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0

    @property
    def body(self) -> list[Run]:
        """The runs between the page header and footer."""
        return [r for r in self.runs if 40 < r.y < self.height - 34]

    def lines(self) -> list[list[Run]]:
        """The body's runs by baseline, top to bottom, each line left to right."""
        out: dict[float, list[Run]] = {}
        for r in self.body:
            key = next((y for y in out if abs(y - r.y) < 1.0), r.y)
            out.setdefault(key, []).append(r)
        return [sorted(out[y], key=lambda r: r.x0) for y in sorted(out, reverse=True)]

    def row_labels(self) -> list[str]:
        """The text of each line's first run when it starts at the label column's left
        edge (the leftmost start on the page) and holds a word: the rows' labels."""
        lines = [ln for ln in self.lines() if ln]
        if not lines:
            return []
        left = min(ln[0].x0 for ln in lines)
        return [ln[0].text.strip() for ln in lines
                if abs(ln[0].x0 - left) < 3 and re.search(r"[A-Za-z]{2}", ln[0].text)]

    def cut_texts(self, texts: set[str]) -> list[str]:
        """Runs that print only the start of one of ``texts`` (the sheet's cell texts,
        from ``cell_texts``): cut off at the edge of the cell."""
        out = []
        for r in self.body:
            t = r.text.strip()
            if len(t) < 4 or t in texts:
                continue
            # cut in the middle of a word, or a long text cut anywhere (a chart's short
            # legend may rightly repeat the start of a cell's text)
            whole = next((x for x in texts if x.startswith(t) and len(x) > len(t)
                          and (len(t) >= 40 or (t[-1].isalnum() and x[len(t)].isalnum()))),
                         None)
            if whole is not None:
                out.append(f"{t!r} is cut from {whole!r}")
        return out

    def clipped(self) -> list[str]:
        """Texts that run past the printable part of the page, or into the next text on
        their line (so that the reader sees only part of one of them)."""
        out = []
        for r in self.runs:
            if r.x0 < MARGIN_PT - SLACK_PT or r.x1 > self.width - MARGIN_PT + SLACK_PT:
                out.append(f"{r.text!r} runs past the page's edge ({r.x0:.0f}-{r.x1:.0f} pt)")
        for ln in self.lines():
            for a, b in zip(ln, ln[1:], strict=False):
                if a.x1 > b.x0 + SLACK_PT:
                    out.append(f"{a.text!r} runs into {b.text!r}")
        return out


def _runs(chars: list[Any], sizes: dict[int, float]) -> list[Run]:
    """Join glyphs drawn one after the other (in the PDF's order) into runs."""
    runs: list[Run] = []
    cur: list[Any] = []

    def close() -> None:
        if cur:
            text = "".join(c.get_text() for c in cur)
            if text.strip():
                runs.append(Run(text, cur[0].x0, max(c.x1 for c in cur), cur[0].y0,
                                sizes.get(id(cur[0]), cur[0].size)))
            cur.clear()

    for c in chars:
        if cur:
            last = cur[-1]
            same_line = abs(c.y0 - last.y0) < 0.5
            # the next glyph of the string: starts where the last one ends (a space may
            # be drawn as a gap)
            follows = -1.0 < c.x0 - last.x1 < max(last.width, 3.0)
            if not (same_line and follows):
                close()
        cur.append(c)
    close()
    return runs


def read_pages(pdf: Path) -> list[Page]:
    """Each page's header sheet name, its text, its runs and its smallest glyph in pt."""
    pytest.importorskip("pdfminer")
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
            sizes = {id(c): s for c, s in zip(chars, dev.sizes, strict=False)}
            top = [c for c in chars if c.y0 > layout.height - 28
                   and layout.width / 3 < c.x0 < 2 * layout.width / 3]
            text = "".join(c.get_text() for c in sorted(chars, key=lambda c: (-c.y0, c.x0)))
            pages.append(Page("".join(c.get_text() for c in top).strip(), text,
                              min(dev.sizes, default=99.0), dev.sizes, _runs(chars, sizes),
                              layout.width, layout.height))
    return pages


def cell_texts(xlsx: Path) -> dict[str, set[str]]:
    """Each sheet's cell texts, as saved (formulas' cached texts too), leaving out the
    cells that wrap (their lines print one by one, by design)."""
    import openpyxl
    wb = openpyxl.load_workbook(xlsx, data_only=True)
    out: dict[str, set[str]] = {}
    for ws in wb.worksheets:
        texts = out.setdefault(ws.title, set())
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and not (c.alignment and c.alignment.wrap_text):
                    texts.add(c.value.strip())
    return out


def repeated(labels: list[str]) -> list[str]:
    """The labels that occur more than once, in order of first appearance."""
    seen: dict[str, int] = {}
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
    return [label for label, n in seen.items() if n > 1]


def snake_case(text: str) -> list[str]:
    """The snake_case words (internal keys) in a printed text."""
    return sorted(set(SNAKE.findall(text)))
