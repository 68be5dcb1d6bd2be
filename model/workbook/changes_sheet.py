"""The Changes sheet: what changed since an earlier version (``build --compare``).

Numbers are stored as numbers and dates as dates (formatted like the model), so the
sheet sorts, sums and reads into pandas; a status cell says, live, whether the inputs
are still those the comparison was made with."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from model.analysis.diff import Diff
from model.core.timeline import serial
from model.workbook.asbuilt import write_section_status

if TYPE_CHECKING:
    from model.workbook.carried import Carried
    from model.workbook.layout import Layout
    from model.workbook.styles import Styles

NOT_REACHED = "not within the horizon"  # as finmodel diff says it

def _write(ws: Any, st: Styles, r: int, c: int, value: object, result: bool = False) -> None:
    """One value as what it is: a number, a date, a flag or text. A result that is
    None was not reached within the horizon; an input that is None was blank."""
    if value is None:
        ws.write_string(r, c, NOT_REACHED if result else "(blank)", st("note"))
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, dt.date):
        ws.write_number(r, c, serial(value), st("calc", "date" if result else "day"))
    elif isinstance(value, int | float):
        ws.write_number(r, c, float(value), st("calc", "usd" if result else ""))
    else:
        ws.write_string(r, c, str(value))


def _moved(ws: Any, st: Styles, r: int, c: int, old: object, new: object) -> None:
    if isinstance(old, float) and isinstance(new, float):
        ws.write_number(r, c, new - old, st("calc", "usd"))
    elif isinstance(old, dt.date) and isinstance(new, dt.date):
        months = (new.year - old.year) * 12 + new.month - old.month
        ws.write_number(r, c, months, st("calc", "months"))
    else:
        ws.write_string(r, c, "changed")


def write_sheet(wb: Any, st: Styles, layout: Layout, d: Diff,
                carried: Carried | None = None) -> None:
    """The Changes sheet: the same tables as `finmodel diff`, as values."""
    ws = wb.add_worksheet("Changes")
    ws.write_string(0, 0, "What changed since the earlier version", st("title"))
    layout.write_master(ws, st, 0, 2)
    ws.write_string(1, 0, f"Compared with {d.old.name} when this file was built: values, "
                    "not formulas. Amounts in USD; results shown in $M.", st("note"))
    ws.write_string(2, 0, "Inputs since this comparison was made")
    write_section_status(ws, st, 2, 1)
    r = 4
    ws.write_string(r, 0, f"Inputs changed: {len(d.inputs)}", st("section"))
    for c, h in enumerate(("cell", "key", "old", "new"), start=0):
        ws.write_string(r + 1, c, h, st("header"))
    r += 2
    for change in d.inputs:
        ws.write_string(r, 0, change.where)
        ws.write_string(r, 1, change.key)
        _write(ws, st, r, 2, change.old)
        _write(ws, st, r, 3, change.new)
        r += 1
    r += 1
    ws.write_string(r, 0, f"Headline results that moved: {len(d.results)}", st("section"))
    for c, h in enumerate(("result", "old", "new", "moved by")):
        ws.write_string(r + 1, c, h, st("header"))
    r += 2
    for res in d.results:
        ws.write_string(r, 0, res.label)
        _write(ws, st, r, 1, res.old, result=True)
        _write(ws, st, r, 2, res.new, result=True)
        _moved(ws, st, r, 3, res.old, res.new)
        r += 1
    if carried is not None:
        _write_carried(ws, st, r + 1, carried)
    ws.set_column(0, 0, 44)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 3, 24)


def _write_carried(ws: Any, st: Styles, r: int, carried: Carried) -> None:
    """What the rebuild carried from the returned model, and what it could not."""
    rows = ([("carried", f"sheet {s}") for s in carried.sheets]
            + [("carried", f"note or comment {n}") for n in carried.notes]
            + [("carried", f"defined name {n}") for n in carried.names]
            + [("kept as a formula", f"input {f}") for f in carried.formulas]
            + [("kept as text", f"{w}: {why}") for w, why in carried.as_text]
            + [("not carried", what) for what in carried.lost])
    ws.write_string(r, 0, f"Your work in the returned model: {len(rows)}", st("section"))
    ws.write_string(r + 1, 0, "what", st("header"))
    ws.write_string(r + 1, 1, "where", st("header"))
    for i, (what, where) in enumerate(rows, start=r + 2):
        ws.write_string(i, 0, what)
        ws.write_string(i, 1, where)
    if carried.sheets:
        ws.write_string(r + 2 + len(rows), 0, f"{carried.repointed} references to the model "
                        "re-pointed to the same line and month", st("note"))
