"""The shape of a scenario: which input cells it overrides, and with what.

A ``Target`` names one input cell (an Inputs key, a Schedule rate, a cell of the
Parties or Tiers sheet); a scenario is a column of values for some targets. Pure
data: nothing here reads a workbook or knows the assumptions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from model import keys
from model.inputs import schema, tables
from model.inputs.schema import Field
from model.inputs.streams import schedule_field

FIXED_COLUMNS = ("target", "from_month", "note")


@dataclass(frozen=True)
class Target:
    sheet: str  # Inputs, Schedule, Parties, Tiers, Streams or Costs
    row: str  # input key, schedule key, party key, tier number, stream or cost key
    column: str  # "value", the schedule key, or the column of the table

    def text(self) -> str:
        if self.sheet == schema.INPUTS_SHEET:
            return self.row
        if self.sheet == schema.SCHEDULE_SHEET:
            return keys.target(self.sheet, None, self.column)
        return keys.target(self.sheet, self.row, self.column)


@dataclass(frozen=True)
class OverrideRow:
    target: Target
    from_month: dt.date | None
    values: dict[str, object]  # scenario name -> value; absent means no override
    note: str = ""


@dataclass(frozen=True)
class Scenarios:
    names: tuple[str, ...]
    rows: tuple[OverrideRow, ...]

    def overrides(self, name: str) -> list[tuple[OverrideRow, object]]:
        return [(row, row.values[name]) for row in self.rows if name in row.values]


def inputs_target(key: str) -> Target:
    return Target(schema.INPUTS_SHEET, key, "value")


def schedule_target(key: str) -> Target:
    return Target(schema.SCHEDULE_SHEET, key, key)


def party_target(party: str, column: str) -> Target:
    return Target(schema.PARTIES_SHEET, party, column)


def field_of(target: Target) -> Field | None:
    """The schema field a target overrides, or None if it cannot be overridden."""
    if target.sheet == schema.INPUTS_SHEET:
        f = schema.field_map(schema.INPUT_FIELDS).get(target.row)
    elif target.sheet == schema.SCHEDULE_SHEET:
        f = schedule_field(target.column)
    elif target.sheet in (schema.PARTIES_SHEET, schema.STREAMS_SHEET, schema.COSTS_SHEET):
        f = schema.field_map(tables.BY_SHEET[target.sheet].fields).get(target.column)
    elif target.sheet == schema.TIERS_SHEET:
        f = schema.field_map(schema.TIER_FIELDS).get(target.column, schema.TIER_SHARE)
    else:
        return None
    if f is None or f.structural or f.kind in ("text", "key", "party"):
        return None
    return f


TARGET_HELP = ("an Inputs key, Schedule:<rate>, Parties:<party>:<column>, "
               "Tiers:<tier>:<hurdle_usd or party>, Streams:<stream>:<column> or "
               "Costs:<cost>:<column> naming a number, date or TRUE/FALSE input")
