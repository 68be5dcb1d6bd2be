"""A PDF of the report sheets (Summary, Dashboard, Analysis, Valuation when the model has it,
Comparison and Annual), made by LibreOffice."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from model.errors import FinmodelError
from model.recalc import convert_libreoffice, libreoffice_available
from model.workbook.output import workbook_bytes, write_bytes_atomic
from model.workbook.writer import write_model

if TYPE_CHECKING:
    from model.analysis.solve import Settings
    from model.core.results import Results

# In workbook order; a name the model does not have (such as Valuation) is skipped.
REPORT_SHEETS = ("Summary", "Dashboard", "Analysis", "Valuation", "Comparison", "Annual")


class ToolMissing(FinmodelError, RuntimeError):
    """A tool the command needs is not installed; the message says how to get it."""


def require_libreoffice() -> None:
    if not libreoffice_available():
        raise ToolMissing("--pdf needs LibreOffice, which is not installed here "
                          "(apt-get install libreoffice-calc); the workbook was not written")


def write_pdf(results: Results, out: Path, analysis: Settings | None = None) -> Path:
    """Write ``out`` with a .pdf suffix: the report sheets only, other sheets hidden."""
    require_libreoffice()
    pdf = out.with_suffix(".pdf")
    data = workbook_bytes(lambda buf: write_model(results, buf, visible=REPORT_SHEETS,
                                                  analysis=analysis))
    work = Path(tempfile.mkdtemp(prefix="finmodel-pdf-"))
    try:
        src = work / "in" / f"{out.stem}.xlsx"
        src.parent.mkdir()
        src.write_bytes(data)
        made = convert_libreoffice(src, work / "out", "pdf")
        write_bytes_atomic(pdf, made.read_bytes())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return pdf
