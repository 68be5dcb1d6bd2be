"""The Changes sheet: what changed since an earlier version (``build --compare``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from model.analysis.diff import Diff, input_rows, result_rows

if TYPE_CHECKING:
    from model.workbook.layout import Layout
    from model.workbook.styles import Styles


def write_sheet(wb: Any, st: Styles, layout: Layout, d: Diff) -> None:
    """The Changes sheet: the same tables as `finmodel diff`, as values."""
    ws = wb.add_worksheet("Changes")
    ws.write_string(0, 0, "What changed since the earlier version", st("title"))
    layout.write_master(ws, st, 0, 2)
    ws.write_string(1, 0, f"Compared with {d.old.name} when this file was built: values, "
                    "not formulas.", st("note"))
    r = 3
    for title, headers, rows in (
            ("Inputs changed", ("cell", "key", "old", "new"), input_rows(d)),
            ("Headline results that moved", ("result", "old", "new", "moved by"),
             result_rows(d))):
        ws.write_string(r, 0, f"{title}: {len(rows)}", st("section"))
        r += 1
        for c, h in enumerate(headers):
            ws.write_string(r, c, h, st("header"))
        r += 1
        for row in rows:
            for c, text in enumerate(row):
                ws.write_string(r, c, text)
            r += 1
        r += 1
    ws.set_column(0, 0, 44)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 3, 24)
