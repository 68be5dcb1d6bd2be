"""Charts whose titles and series names are text, never references.

xlsxwriter reads a chart title, series name or axis title that looks like a reference
(``=Sheet1!A1``, or a party labelled ``+cmd|' /C calc'!A0``) as one, and writes it as a
``<c:f>`` formula. The model passes every such name as text (a range it means goes in
``values`` or ``categories``), so its workbook makes charts that keep a name as typed.
"""

from __future__ import annotations

from typing import Any

import xlsxwriter


def _as_text(name: Any, name_formula: Any) -> tuple[Any, Any]:
    """xlsxwriter's Chart._process_names without the guess: a name is a name."""
    return name, name_formula


class LiteralChartsWorkbook(xlsxwriter.Workbook):  # type: ignore[misc]
    def add_chart(self, options: dict[str, Any]) -> Any:
        chart = super().add_chart(options)
        if chart is not None:
            chart._process_names = _as_text
        return chart
