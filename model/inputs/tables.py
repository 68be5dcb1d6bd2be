"""The input tables, each defined once: its sheet, the column that names a row, its
columns (as ``Field``s), and whether a workbook must have it.

The reader reads these sheets, ``Assumptions.cells`` records where each cell of them was
read, ``finmodel diff`` matches their rows by the row key, and messages name a column
where the user's sheet has it (``RawTable.column``). The parsing of each table is in its
own module (``validate``, ``stream_tables``, ``investments``, ``scenarios``,
``distributions``); its writer in ``model/workbook/inputsheets.py`` or
``model/workbook/input_tables.py``. ``tests/test_input_tables.py`` checks that a template
written by ``finmodel init`` has every table, with every column, and reads back.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.inputs import schema
from model.inputs.actual_fields import FIELDS as ACTUAL_FIELDS
from model.inputs.schema import Field
from model.inputs.streams import COST_FIELDS, STREAM_FIELDS
from model.inputs.uncertain import DISTRIBUTION_FIELDS


@dataclass(frozen=True)
class InputTable:
    sheet: str
    row_key: str | None  # the column whose value names a row; None: rows by position
    fields: tuple[Field, ...]  # its fixed columns (Scenarios adds one per scenario)
    required: bool = True  # False: a workbook without the sheet is still valid
    by_position: bool = False  # the model addresses its rows by position (row 0, 1, ...)


TABLES: tuple[InputTable, ...] = (
    InputTable(schema.INPUTS_SHEET, "key", ()),  # a row per INPUT_FIELDS key
    InputTable(schema.SCHEDULE_SHEET, "from_month", schema.SCHEDULE_FIELDS, by_position=True),
    InputTable(schema.PARTIES_SHEET, "party", schema.PARTY_FIELDS),
    InputTable(schema.TIERS_SHEET, "tier", schema.TIER_FIELDS),  # and a share per party
    InputTable(schema.SCENARIOS_SHEET, "target", (), required=False),
    InputTable(schema.DISTRIBUTIONS_SHEET, "key", DISTRIBUTION_FIELDS, required=False),
    InputTable(schema.STREAMS_SHEET, "stream", STREAM_FIELDS, required=False),
    InputTable(schema.COSTS_SHEET, "cost", COST_FIELDS, required=False),
    InputTable(schema.INVESTMENTS_SHEET, None, schema.INVESTMENT_FIELDS, required=False,
               by_position=True),
    InputTable(schema.ACTUALS_SHEET, None, ACTUAL_FIELDS, required=False, by_position=True),
)

BY_SHEET = {t.sheet: t for t in TABLES}
SHEET_NAMES = tuple(t.sheet for t in TABLES)
