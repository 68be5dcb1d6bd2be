"""The Comparison sheet: headline results of every scenario side by side.

These are values computed by Python when the file was built (each scenario is a
separate run of the engine), and the sheet says so: they do not recalculate.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING, Any

from model.analysis.report import headline_items
from model.core.engine import run
from model.core.headlines import COMPARISON
from model.core.timeline import serial
from model.workbook.asbuilt import write_section_status

if TYPE_CHECKING:
    from model.core.results import Results
    from model.workbook.layout import Layout
    from model.workbook.styles import Styles

SHEET = "Comparison"


def scenario_headlines(results: Results) -> dict[str, list[tuple[str, object]]]:
    a = results.assumptions
    if a.scenarios is None:
        return {a.selected or "base": headline_items(results, COMPARISON)}
    return {name: (headline_items(results, COMPARISON) if name == a.selected
                   else headline_items(run(a.with_scenario(name)), COMPARISON))
            for name in a.scenarios.names}


def row_labels(table: dict[str, list[tuple[str, object]]]) -> list[str]:
    """The label of each headline row. Every scenario has the same headlines in the same
    order, but a label may hold an input of its own (the present value "at 8.0%" under a
    scenario that overrides discount_rate): there the part that differs is named as such."""
    out = []
    for i, (label, _) in enumerate(next(iter(table.values()))):
        texts = {rows[i][0] for rows in table.values()}
        if len(texts) == 1:
            out.append(label)
            continue
        head = os.path.commonprefix(list(texts))
        tail = os.path.commonprefix([t[::-1] for t in texts])[::-1]
        head = head[:len(head.rstrip("0123456789.,%-"))]  # whole numbers, not "1" of "10"
        tail = tail[len(tail) - len(tail.lstrip("0123456789.%-")):]
        differs = {t[len(head):len(t) - len(tail)] for t in texts}
        what = ("each scenario's own rate" if all(d.endswith("%") for d in differs)
                else "(differs by scenario)")
        out.append(f"{head}{what}{tail}")
    return out


def write(ws: Any, st: Styles, results: Results, layout: Layout) -> None:
    table = scenario_headlines(results)
    names = list(table)
    ws.write_string(0, 0, "Scenarios compared", st("title"))
    layout.write_master(ws, st, 0, 2)
    ws.write_string(1, 0, "Values computed by finmodel when this file was built, one run per "
                    "scenario. They do not recalculate: run finmodel build again after "
                    "changing inputs.", st("note"))
    ws.write_string(2, 0, "Inputs since these values were computed")
    write_section_status(ws, st, 2, 1, selection=False)  # every scenario is shown
    ws.write_string(3, 0, "Headline result", st("header"))
    for c, name in enumerate(names, start=1):
        ws.write_string(3, c, name, st("header"))
    labels = row_labels(table)
    for r, label in enumerate(labels, start=4):
        ws.write_string(r, 0, label)
        for c, name in enumerate(names, start=1):
            value = table[name][r - 4][1]  # by position: a label may name a scenario's rate
            if isinstance(value, dt.date):
                ws.write_number(r, c, serial(value), st("calc", "date"))
            elif isinstance(value, float):
                ws.write_number(r, c, value, st("calc", "usd"))
            else:
                ws.write_string(r, c, "not within the horizon" if value is None else str(value),
                                st("right"))  # in line with the amounts and months
    ws.write_string(len(labels) + 5, 0, "Amounts in dollars, shown in $M.", st("note"))
    ws.set_column(0, 0, max(62, max(len(label) for label in labels) + 2))  # none clipped
    ws.set_column(1, len(names), 26)
