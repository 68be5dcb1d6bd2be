"""The assumptions workbook alone: what ``finmodel init`` writes."""

from __future__ import annotations

from typing import Any

from model.inputs.assumptions import Assumptions
from model.workbook.input_tables import write_optional_sheets
from model.workbook.inputsheets import new_workbook, write_input_sheets
from model.workbook.styles import Styles


def write_template(path_or_buffer: Any, a: Assumptions) -> None:
    """The assumptions workbook alone: what `finmodel init` writes."""
    wb = new_workbook(path_or_buffer, a, "OpenAI-Microsoft partnership: assumptions")
    st = Styles(wb)
    write_input_sheets(wb, st, a)
    write_optional_sheets(wb, st, a)
    wb.close()
