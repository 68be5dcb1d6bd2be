"""A PDF of the report sheets (Dashboard, Comparison, Annual), made by LibreOffice."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from model.recalc import convert_libreoffice, libreoffice_available
from model.workbook.output import workbook_bytes, write_bytes_atomic
from model.workbook.writer import write_model

if TYPE_CHECKING:
    from model.core.engine import Results

REPORT_SHEETS = ("Dashboard", "Comparison", "Annual")


class ToolMissing(RuntimeError):
    """A tool the command needs is not installed; the message says how to get it."""


def require_libreoffice() -> None:
    if not libreoffice_available():
        raise ToolMissing("--pdf needs LibreOffice, which is not installed here "
                          "(apt-get install libreoffice-calc); the workbook was not written")


def write_pdf(results: Results, out: Path) -> Path:
    """Write ``out`` with a .pdf suffix: the report sheets only, other sheets hidden."""
    require_libreoffice()
    pdf = out.with_suffix(".pdf")
    data = workbook_bytes(lambda buf: write_model(results, buf, visible=REPORT_SHEETS))
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
