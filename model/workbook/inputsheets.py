"""Write the four input sheets, for the template and for the model alike.

Each sheet is a plain table: row 1 holds the column keys, one row per item
below. The writer of the model reads the returned addresses to point its
formulas at these cells.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from model.inputs import schema, typed
from model.inputs.assumptions import Assumptions
from model.inputs.reader import NO_SAVED_TIME
from model.inputs.schema import Field
from model.inputs.streams import COST_FIELDS, STREAM_FIELDS
from model.workbook.fastsheet import FastFormulaWorksheet
from model.workbook.literalcharts import LiteralChartsWorkbook
from model.workbook.printing import MIN_SCALE, PRINT_WIDTH_PT, column_pt, wrapped_height
from model.workbook.styles import Styles

_KIND_FORMAT = {"month": "day", "usd": "usd_full", "rate": "rate", "count": "count",
                "months": "int", "year": "year", "bool": "bool"}


@dataclass
class InputAddresses:
    """Absolute references of the input cells, as formulas use them."""

    inputs: dict[str, str] = field(default_factory=dict)
    params: dict[tuple[str, str, str], str] = field(default_factory=dict)
    schedule_columns: dict[str, str] = field(default_factory=dict)  # key -> column letter
    schedule_first_row: int = 2
    schedule_last_row: int = 2

    def schedule_range(self, key: str) -> str:
        col = self.schedule_columns[key]
        first, last = self.schedule_first_row, self.schedule_last_row
        return f"{schema.SCHEDULE_SHEET}!${col}${first}:${col}${last}"


def _abs(sheet: str, row: int, col: int) -> str:
    return f"{sheet}!{xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)}"


def write_value(ws: Any, st: Styles, row: int, col: int, f: Field, value: object,
                wrap: bool = False) -> None:
    role = ("structural" if f.structural else "input") + ("_wrap" if wrap else "")
    kind = _KIND_FORMAT.get(f.kind, "text")
    fmt = st(role, kind)
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif f.kind == "bool":
        ws.write_boolean(row, col, bool(value), fmt)
    elif f.kind == "month":
        assert isinstance(value, dt.date)
        ws.write_datetime(row, col, dt.datetime(value.year, value.month, value.day), fmt)
    elif f.kind in ("text", "key", "party"):
        ws.write_string(row, col, str(value), fmt)
    else:
        ws.write_number(row, col, typed.number(value), fmt)


def _validate_cell(ws: Any, row: int, col: int, last_row: int, f: Field) -> None:
    """Excel data validation from the schema's bounds, so Excel refuses what we would."""
    if f.kind == "bool":  # a drop-down of the two values, written as booleans
        ws.data_validation(row, col, last_row, col, {
            "validate": "list", "source": ["TRUE", "FALSE"], "error_title": f.key[:32],
            "error_message": f"{f.key}: TRUE or FALSE"})
        return
    if f.kind not in ("usd", "rate", "count", "months", "year"):
        return
    whole = f.kind in ("months", "year")
    rule: dict[str, Any] = {"validate": "integer" if whole else "decimal",
                            "ignore_blank": True, "error_title": f.key[:32],
                            "error_message": f"{f.key}: {f.description[:200]}"}
    if f.lo is not None and f.hi is not None:
        rule.update(criteria="between", minimum=f.lo, maximum=f.hi)
    elif f.lo is not None:
        rule.update(criteria=">" if f.lo_open else ">=", value=f.lo)
    elif f.hi is not None:
        rule.update(criteria="<=", value=f.hi)
    else:
        rule.update(criteria="between", minimum=-1e300, maximum=1e300)
    ws.data_validation(row, col, last_row, col, rule)


def _header(ws: Any, st: Styles, keys: list[str], notes: dict[str, str],
            width: float | None = None) -> None:
    """Row 1: the column keys the reader finds the columns by. With ``width``, the keys
    wrap within columns that wide, whole on paper."""
    for col, key in enumerate(keys):
        ws.write_string(0, col, key, st("header_wrap" if width else "header"))
        if notes.get(key):
            ws.write_comment(0, col, notes[key], {"x_scale": 2.5, "y_scale": 2})
    ws.freeze_panes(1, 1)
    if width and (height := wrapped_height([(k, width) for k in keys])):
        ws.set_row(0, height)


def _note(f: Field, source: str = "") -> str:
    parts = [f.description, f"Unit: {f.unit}" if f.unit else ""]
    if f.bounds_text():
        parts.append(f"Allowed: {f.bounds_text()}")
    if f.structural:
        parts.append("Structural: after changing it, run finmodel build")
    if source or f.source:
        parts.append(f"Source: {source or f.source}")
    return "\n".join(p for p in parts if p)


def write_input_sheets(wb: Any, st: Styles, a: Assumptions) -> InputAddresses:
    """Add the Inputs, Schedule, Parties, Tiers, Streams and Costs sheets to an
    xlsxwriter workbook."""
    addr = InputAddresses()
    _inputs_sheet(wb, st, a, addr)
    _schedule_sheet(wb, st, a, addr)
    _parties_sheet(wb, st, a, addr)
    _tiers_sheet(wb, st, a, addr)
    _keyed_sheet(wb, st, addr, schema.STREAMS_SHEET, STREAM_FIELDS, [
        {"stream": s.key, "label": s.label, "arr_opening": s.arr_opening,
         "pays_revshare": s.pays_revshare, "compute_on_azure": s.compute_on_azure,
         "unit": s.unit, "description": s.description,
         "source": s.source} for s in a.streams])
    _keyed_sheet(wb, st, addr, schema.COSTS_SHEET, COST_FIELDS, [
        {"cost": c.key, "label": c.label, "monthly_opening": c.monthly_opening,
         "on_azure": c.on_azure, "capex": c.capex, "stock_comp_share": c.stock_comp_share,
         "description": c.description, "source": c.source} for c in a.costs])
    return addr


def _inputs_sheet(wb: Any, st: Styles, a: Assumptions, addr: InputAddresses) -> None:
    ws = wb.add_worksheet(schema.INPUTS_SHEET)
    _header(ws, st, list(schema.INPUTS_COLUMNS), {})
    for i, f in enumerate(schema.INPUT_FIELDS, start=1):
        ws.write_string(i, 0, f.key, st("label"))
        write_value(ws, st, i, 1, f, a.inputs.get(f.key))
        _validate_cell(ws, i, 1, i, f)
        ws.write_string(i, 2, f.unit, st("label"))
        source = a.sources.get((schema.INPUTS_SHEET, f.key, "value"), f.source)
        ws.write_string(i, 3, f.description, st("wrap"))
        ws.write_string(i, 4, source, st("note_wrap"))
        if height := wrapped_height([(f.description, 70), (source, 60)]):
            ws.set_row(i, height)
        addr.inputs[f.key] = _abs(schema.INPUTS_SHEET, i, 1)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 12)
    ws.set_column(3, 3, 70)
    ws.set_column(4, 4, 60)


def _schedule_sheet(wb: Any, st: Styles, a: Assumptions, addr: InputAddresses) -> None:
    ws = wb.add_worksheet(schema.SCHEDULE_SHEET)
    fields = (schema.SCHEDULE_MONTH, *a.schedule_fields)
    _header(ws, st, [f.key for f in fields], {f.key: _note(f) for f in fields}, 13)
    for r, row in enumerate(a.schedule, start=1):
        for c, f in enumerate(fields):
            write_value(ws, st, r, c, f, row.get(f.key))
            note = a.sources.get((schema.SCHEDULE_SHEET, str(r - 1), f.key))
            if note:
                ws.write_comment(r, c, note, {"x_scale": 3, "y_scale": 2})
    last = len(a.schedule)
    for c, f in enumerate(fields):
        _validate_cell(ws, 1, c, last, f)
        addr.schedule_columns[f.key] = xl_col_to_name(c)
    addr.schedule_first_row, addr.schedule_last_row = 2, last + 1
    ws.set_column(0, 0, 12)
    ws.set_column(1, len(fields) - 1, 11)
    width = column_pt(12) + (len(fields) - 1) * column_pt(11)
    if 100 * PRINT_WIDTH_PT / width >= MIN_SCALE:  # the default Schedule: one page wide
        ws.fit_to_pages(1, 0)


def _parties_sheet(wb: Any, st: Styles, a: Assumptions, addr: InputAddresses) -> None:
    ws = wb.add_worksheet(schema.PARTIES_SHEET)
    fields = schema.PARTY_FIELDS
    notes = {f.key: _note(f) for f in fields}
    notes["party"] += "\n\n" + schema.TABLE_SOURCES[schema.PARTIES_SHEET]
    _header(ws, st, [f.key for f in fields], notes)
    for r, p in enumerate(a.parties, start=1):
        values = {"party": p.key, "label": p.label, "cap_usd": p.cap_usd,
                  "cap_growth": p.cap_growth, "cap_growth_from": p.cap_growth_from,
                  "overflow_to": p.overflow_to, "equity_share": p.equity_share}
        for c, f in enumerate(fields):
            write_value(ws, st, r, c, f, values[f.key])
            addr.params[(schema.PARTIES_SHEET, p.key, f.key)] = _abs(
                schema.PARTIES_SHEET, r, c)
    for c, f in enumerate(fields):
        _validate_cell(ws, 1, c, len(a.parties), f)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 30)
    ws.set_column(2, len(fields) - 1, 16)


def _keyed_sheet(wb: Any, st: Styles, addr: InputAddresses, sheet: str,
                 fields: tuple[Field, ...], rows: list[dict[str, object]]) -> None:
    """A table of one row per key (Streams, Costs), even with no rows: the user may add
    some. Its cells' addresses go to ``addr.params`` under (sheet, key, column)."""
    ws = wb.add_worksheet(sheet)
    _header(ws, st, [f.key for f in fields], {f.key: _note(f) for f in fields})
    # narrow enough to print one page wide: the long texts wrap
    widths = [24 if c < 2 else {"unit": 18, "description": 30}.get(f.key, 50)
              if f.kind == "text" else 16 for c, f in enumerate(fields)]
    for r, values in enumerate(rows, start=1):
        texts = []
        for c, f in enumerate(fields):
            value = values[f.key] if f.kind != "text" else values[f.key] or None
            wrap = c >= 2 and f.kind == "text"  # a description or a source: whole, wrapped
            write_value(ws, st, r, c, f, value, wrap)
            if wrap and value:
                texts.append((str(value), widths[c]))
            addr.params[(sheet, str(values[fields[0].key]), f.key)] = _abs(sheet, r, c)
        if height := wrapped_height(texts):
            ws.set_row(r, height)
    for c, f in enumerate(fields):
        _validate_cell(ws, 1, c, max(len(rows), 1), f)
        ws.set_column(c, c, widths[c])


def _tiers_sheet(wb: Any, st: Styles, a: Assumptions, addr: InputAddresses) -> None:
    ws = wb.add_worksheet(schema.TIERS_SHEET)
    fixed = schema.TIER_FIELDS
    share_fields = [Field(p.key, "rate", "fraction", f"{p.label}'s share of the tier",
                          lo=0, hi=1) for p in a.parties]
    fields = (*fixed, *share_fields)
    notes = {f.key: _note(f) for f in fixed}
    notes["tier"] += "\n\n" + schema.TABLE_SOURCES[schema.TIERS_SHEET]
    for f in share_fields:
        notes[f.key] = _note(schema.TIER_SHARE) + f"\nParty: {f.key}"
    _header(ws, st, [f.key for f in fields], notes)
    for r, t in enumerate(a.tiers, start=1):
        values: dict[str, object] = {"tier": t.number, "name": t.name,
                                     "hurdle_party": t.hurdle_party,
                                     "hurdle_usd": t.hurdle_usd, **t.shares}
        for c, f in enumerate(fields):
            write_value(ws, st, r, c, f, values.get(f.key, 0.0))
            addr.params[(schema.TIERS_SHEET, str(t.number), f.key)] = _abs(
                schema.TIERS_SHEET, r, c)
    for c, f in enumerate(fields):
        _validate_cell(ws, 1, c, len(a.tiers), f)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 40)
    ws.set_column(2, len(fields) - 1, 16)


def new_workbook(path_or_buffer: Any, a: Assumptions, title: str) -> Any:
    """An xlsxwriter workbook with safe options and reproducible properties."""
    wb = LiteralChartsWorkbook(path_or_buffer, {
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        "nan_inf_to_errors": False, "in_memory": True})
    wb.set_properties({
        "title": title,
        "subject": "Economics of the OpenAI-Microsoft partnership",
        "author": "finmodel",
        "company": "finmodel",
        "keywords": "OpenAI, Microsoft, Azure OpenAI, revenue share, capped profit",
        "comments": f"Generated by finmodel from {a.name}",
        "created": a.as_of or FIXED_TIME,
    })
    wb.set_custom_property(schema.SCHEMA_PROPERTY, schema.SCHEMA_VERSION)
    wb.worksheet_class = FastFormulaWorksheet
    return wb


# No clock goes into a file: the same inputs always give the same bytes.
FIXED_TIME = NO_SAVED_TIME
