"""The Investments sheet: what each party put in, and when (read and checked).

One row per investment, with the columns ``party``, ``month``, ``amount_usd`` and
``source``. The Valuation sheet reads them for each party's amount invested, its
multiple on invested capital and its IRR. A workbook without the sheet (made before
it existed) still builds: the valuation then shows present values alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from model.errors import InputError
from model.inputs import schema, typed
from model.inputs.assumptions import Assumptions, Investment

if TYPE_CHECKING:
    from model.inputs.problems import Validator
    from model.inputs.reader import RawTable, RawWorkbook

SHEET = schema.INVESTMENTS_SHEET
MISSING_NOTE = ("no Investments sheet: the Valuation shows present values alone (no MOIC "
                "or IRR). `finmodel init` writes a template with one: copy it across")


def added_input_note(key: str, default: object) -> str:
    """The build summary's note on an Inputs row that an older workbook lacks."""
    used = "it is taken as blank" if default is None else f"the default {default} is used"
    return (f"no '{key}' row on the Inputs sheet: {used} "
            "(`finmodel init` writes the row)")


def parse(table: RawTable, a: Assumptions, v: Validator,
          last_month: dt.date | None) -> tuple[Investment, ...]:
    """The sheet's rows, each checked; problems go to the validator."""
    fields = schema.INVESTMENT_FIELDS
    if v.table(SHEET, tuple(f.key for f in fields if f.required)) is None:
        return ()
    parties = {p.key for p in a.parties}
    out: list[Investment] = []
    for excel_row, values in table.rows:
        row = {f.key: v.convert(table, excel_row, values, f)
               for f in fields if f.key in table.header}
        party, month = row.get("party"), row.get("month")
        label = party if isinstance(party, str) else None
        if isinstance(party, str) and party not in parties:
            v.problem(SHEET, table.cell(excel_row, "party"),
                      "the key of a party on the Parties sheet",
                      f"the unknown party '{party}'", party)
            continue
        if isinstance(month, dt.date) and last_month is not None and month > last_month:
            v.problem(SHEET, table.cell(excel_row, "month"),
                      f"a month no later than the last modelled month ({last_month:%Y-%m})",
                      f"{month:%Y-%m}", label)
            continue
        if not all(isinstance(row.get(k), t) for k, t in
                   (("party", str), ("month", dt.date), ("amount_usd", float | int))):
            continue
        out.append(Investment(str(party), typed.month(month), typed.number(row["amount_usd"]),
                              str(row.get("source") or "")))
    return tuple(out)


def attach(raw: RawWorkbook, a: Assumptions, v: Validator) -> Assumptions:
    """The assumptions with the Investments sheet's rows (None and a note when the
    workbook has no such sheet) and the validator's notes; InputError on a problem."""
    table = raw.tables.get(SHEET)
    if table is None:
        return dataclasses.replace(a, notes=(*v.notes, MISSING_NOTE))
    rows = parse(table, a, v, _add_months(a.start_month.replace(day=1), a.horizon - 1))
    if v.problems:
        raise InputError(raw.path, v.problems)
    return dataclasses.replace(a, investments=rows, notes=tuple(v.notes))


def _add_months(d: dt.date, n: int) -> dt.date:
    m = d.month - 1 + n
    return dt.date(d.year + m // 12, m % 12 + 1, 1)
