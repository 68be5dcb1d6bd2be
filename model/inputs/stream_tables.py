"""The Streams and Costs sheets, read and checked.

Each stream or cost adds Schedule columns named after its key, so its key must be
free: used once across both sheets, not a party's key, and not making a Schedule
column the schema already has. (Line keys made from it, such as ``<stream>_revenue``,
are checked once the model's lines are known: ``model.core.linekeys``.)

A workbook made before these sheets existed has neither: no streams and no costs,
and the assumptions record the sheets as missing so that a build can say how to add
them.
"""

from __future__ import annotations

from collections.abc import Sequence

from model.inputs import schema, typed
from model.inputs.assumptions import Cost, Stream
from model.inputs.problems import BAD, Validator
from model.inputs.reader import RawTable
from model.inputs.schema import Field
from model.inputs.streams import (
    ADDED_COLUMNS,
    ADDED_COST_COLUMNS,
    COST_FIELDS,
    STREAM_FIELDS,
    cost_schedule_fields,
    stream_schedule_fields,
)

ADDED_SHEETS = (schema.STREAMS_SHEET, schema.COSTS_SHEET)


def read_streams(v: Validator) -> tuple[Stream, ...]:
    """The Streams sheet's valid rows (none when the sheet is missing)."""
    return tuple(Stream(key=str(r["stream"]), label=str(r["label"] or r["stream"]),
                        arr_opening=typed.number(r["arr_opening"]),
                        pays_revshare=bool(r["pays_revshare"]), unit=str(r["unit"] or ""),
                        compute_on_azure=_share(r, "compute_on_azure", schema.STREAMS_SHEET),
                        description=str(r["description"] or ""),
                        source=str(r["source"] or ""), cell=str(r["cell"]))
                 for r in _rows(v, schema.STREAMS_SHEET, STREAM_FIELDS))


def read_costs(v: Validator) -> tuple[Cost, ...]:
    """The Costs sheet's valid rows (none when the sheet is missing)."""
    return tuple(Cost(key=str(r["cost"]), label=str(r["label"] or r["cost"]),
                      monthly_opening=typed.number(r["monthly_opening"]),
                      on_azure=_share(r, "on_azure", schema.COSTS_SHEET),
                      description=str(r["description"] or ""),
                      source=str(r["source"] or ""), cell=str(r["cell"]),
                      capex=bool(r.get("capex")),
                      stock_comp_share=float(r.get("stock_comp_share") or 0.0))  # type: ignore[arg-type]
                 for r in _rows(v, schema.COSTS_SHEET, COST_FIELDS))


def _share(row: dict[str, object], column: str, sheet: str) -> float:
    """An optional share column: blank reads as the column's default (ADDED_COLUMNS)."""
    value = row[column]
    return ADDED_COLUMNS[(sheet, column)] if value is None else float(value)  # type: ignore[arg-type]


def _rows(v: Validator, sheet: str, fields: tuple[Field, ...]) -> list[dict[str, object]]:
    """The sheet's valid rows as {column: value, "cell": the key's cell}. A problem is
    recorded for every bad cell, named after the row's key."""
    if sheet not in v.raw.tables:
        return []
    table = v.table(sheet, tuple(f.key for f in fields if (sheet, f.key) not in ADDED_COLUMNS
                                 and f.key not in ADDED_COST_COLUMNS))
    if table is None:
        return []
    most, what = ((schema.MAX_STREAMS, "streams") if sheet == schema.STREAMS_SHEET
                  else (schema.MAX_COSTS, "costs"))
    if len(table.rows) > most:
        v.problem(sheet, f"row {table.rows[most][0]}", f"at most {most} {what}",
                  f"{len(table.rows)} {what}")
        return []
    absent = {f.key: ADDED_COLUMNS[(sheet, f.key)] for f in fields
              if (sheet, f.key) in ADDED_COLUMNS and f.key not in table.header}
    for column, value in absent.items():
        v.notes.append(f"no '{column}' column on the {sheet} sheet: {value:g} is used for "
                       "every row (`finmodel init` writes the column)")
    out = []
    for excel_row, values in table.rows:
        key = v.convert(table, excel_row, values, fields[0])
        row: dict[str, object] = {fields[0].key: key}
        for f in fields[1:]:
            if f.key in absent:
                row[f.key] = absent[f.key]
                continue
            if f.key not in table.header:  # a column added later (ADDED_COST_COLUMNS)
                continue
            name = f"{key}: {f.key}" if isinstance(key, str) else f.key
            row[f.key] = v.convert(table, excel_row, values, f, key=name)
        if all(x is not BAD for x in row.values()):
            out.append({**row, "cell": table.cell(excel_row, fields[0].key)})
    return out


def schedule_columns(streams: tuple[Stream, ...], costs: tuple[Cost, ...]
                     ) -> list[tuple[Field, str]]:
    """The Schedule columns the streams and costs add, each with whose it is."""
    out = [(f, f"a Schedule rate of the stream '{s.key}' on the {schema.STREAMS_SHEET} sheet")
           for s in streams for f in stream_schedule_fields(s.key, s.label)]
    out += [(f, f"the growth of the cost '{c.key}' on the {schema.COSTS_SHEET} sheet")
            for c in costs for f in cost_schedule_fields(c.key, c.label)]
    return out


def columns_present(v: Validator, table: RawTable, added: Sequence[tuple[Field, str]]
                    ) -> bool:
    """Whether the Schedule has every column of the streams and costs (else a problem
    for each one missing)."""
    missing = [(f, whose) for f, whose in added if f.key not in table.header]
    for f, whose in missing:
        v.problem(table.sheet, "row 1", f"a column headed '{f.key}' ({whose})",
                  "no such column")
    return not missing


def missing_sheets(v: Validator) -> tuple[str, ...]:
    """The Streams and Costs sheets, if the workbook lacks them."""
    return tuple(s for s in ADDED_SHEETS if s not in v.raw.tables)


def check_keys(v: Validator, streams: tuple[Stream, ...], costs: tuple[Cost, ...]) -> None:
    """Each stream or cost key is used once, is no party's key (``v.party_keys``), and
    makes Schedule columns of its own."""
    taken: dict[str, str] = {}  # key -> where it is first defined
    columns = {f.key: f"a column of the {schema.SCHEDULE_SHEET} sheet already"
               for f in schema.SCHEDULE_FIELDS}
    items: list[tuple[str, str, str, tuple[Field, ...]]] = [
        (schema.STREAMS_SHEET, s.key, s.cell, stream_schedule_fields(s.key, s.label))
        for s in streams]
    items += [(schema.COSTS_SHEET, c.key, c.cell, cost_schedule_fields(c.key, c.label))
              for c in costs]
    for sheet, key, cell, fields in items:
        what = "stream" if sheet == schema.STREAMS_SHEET else "cost"
        if key in taken:
            v.problem(sheet, cell, f"each stream and cost key once ('{key}' is first at "
                      f"{taken[key]})", f"'{key}' again", key)
            continue
        if key in v.party_keys:
            v.problem(sheet, cell, f"a {what} key that is not a party's",
                      f"'{key}', a party on the {schema.PARTIES_SHEET} sheet", key)
            continue
        clash = next((f.key for f in fields if f.key in columns), None)
        if clash is not None:
            v.problem(sheet, cell, f"a {what} key whose Schedule column '{clash}' is free",
                      f"'{key}': '{clash}' is {columns[clash]}", key)
            continue
        taken[key] = f"{sheet}!{cell}"
        for f in fields:
            columns[f.key] = f"the Schedule column of the {what} '{key}' ({sheet}!{cell})"
