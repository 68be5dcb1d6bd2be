"""The validated assumptions: what the engine and the writer consume."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from model.errors import InputError, Problem, did_you_mean
from model.inputs import schema, typed
from model.inputs.streams import cost_schedule_fields, stream_schedule_fields

if TYPE_CHECKING:
    from model.inputs.overrides import Scenarios
    from model.inputs.uncertain import Distribution


# The tables whose rows have a key, by sheet: the attribute of Assumptions holding them
# (the Tiers are numbered, and hold a share per party: handled on their own).
_KEYED_ROWS = {schema.PARTIES_SHEET: "parties", schema.STREAMS_SHEET: "streams",
               schema.COSTS_SHEET: "costs"}


@dataclass(frozen=True)
class Party:
    key: str
    label: str
    cap_usd: float | None
    cap_growth: float | None
    cap_growth_from: int | None
    overflow_to: str | None
    equity_share: float

    @property
    def capped(self) -> bool:
        return self.cap_usd is not None


@dataclass(frozen=True)
class Tier:
    number: int
    name: str
    hurdle_party: str | None
    hurdle_usd: float | None
    shares: dict[str, float]


@dataclass(frozen=True)
class Stream:
    """A revenue stream of OpenAI besides the API: a row of the Streams sheet."""

    key: str
    label: str
    arr_opening: float
    pays_revshare: bool
    unit: str = ""
    compute_on_azure: float = 1.0  # share of its compute on Azure (the commission's base)
    description: str = ""
    source: str = ""
    cell: str = field(default="", compare=False)  # where its key was read, for messages


@dataclass(frozen=True)
class Cost:
    """A cost of OpenAI besides the API's compute: a row of the Costs sheet."""

    key: str
    label: str
    monthly_opening: float
    description: str = ""
    on_azure: float = 0.0  # share of the cost that is compute bought on Azure
    source: str = ""
    cell: str = field(default="", compare=False)
    capex: bool = False  # depreciated over depreciation_years, not expensed
    stock_comp_share: float = 0.0  # the share paid in stock: not cash


@dataclass(frozen=True)
class Investment:
    """One row of the Investments sheet: money a party put in, on the first of a month."""

    party: str
    month: dt.date
    amount_usd: float
    source: str = ""


@dataclass(frozen=True)
class Actual:
    """One row of the Actuals sheet: a reported figure, to show beside the model's value
    for the same line, period and measure (``fit``: calibrate fits the model to it)."""

    line: str
    period: str  # as written: 2025, FY2026, 2025-H1, 2026-Q1 or 2025-12
    measure: str  # total, annualized or balance
    value: float
    source: str = ""
    confidence: str = ""
    fit: bool = False
    cell: str = field(default="", compare=False)  # the row's line cell, for messages


@dataclass(frozen=True)
class Assumptions:
    """One complete, valid set of inputs.

    ``inputs`` maps each Inputs key to a date, float, bool or None (blank);
    ``schedule`` holds the Schedule rows in order, each with ``from_month``.
    """

    inputs: dict[str, object]
    schedule: tuple[dict[str, object], ...]
    parties: tuple[Party, ...]
    tiers: tuple[Tier, ...]
    name: str = "assumptions"
    extra: dict[str, object] = field(default_factory=dict)
    scenarios: Scenarios | None = None
    selected: str | None = None  # the scenario the model is built with
    # (schedule key, from month, value): set by scenarios.apply, read by the engine
    schedule_overrides: tuple[tuple[str, dt.date, float], ...] = ()
    as_of: dt.datetime | None = None  # when the inputs workbook was saved (its properties)
    distributions: tuple[Distribution, ...] | None = None  # the Distributions sheet's rows
    streams: tuple[Stream, ...] = ()  # the Streams sheet's rows
    costs: tuple[Cost, ...] = ()  # the Costs sheet's rows
    # Sheets that `finmodel init` writes and this workbook lacks (a build notes them).
    missing_sheets: tuple[str, ...] = ()
    # The Investments sheet's rows; None when the workbook has no such sheet (made
    # before it existed): the valuation then shows present values alone.
    investments: tuple[Investment, ...] | None = None
    # The Actuals sheet's rows (reported figures); None when the workbook has no such sheet.
    actuals: tuple[Actual, ...] | None = None
    # Sources that differ from the schema's, by (sheet, row key, column): an Inputs row's
    # source column (``(Inputs, key, "value")``) or a Schedule cell's note (row index).
    sources: dict[tuple[str, str, str], str] = field(default_factory=dict, compare=False)
    notes: tuple[str, ...] = ()  # said in the build summary (e.g. a sheet that can be added)
    # Where the inputs were read, for messages: the file, and (sheet, row key, column)
    # -> cell, with Schedule rows keyed by their index ("0", "1", ...) and Scenarios
    # cells by (target text, scenario name). Empty for assumptions made in Python.
    source: str = field(default="", compare=False)
    cells: dict[tuple[str, str, str], str] = field(default_factory=dict, compare=False)

    @property
    def schedule_fields(self) -> tuple[schema.Field, ...]:
        """The Schedule's columns: the schema's, then two per stream and one per cost."""
        return (*schema.SCHEDULE_FIELDS,
                *(f for s in self.streams for f in stream_schedule_fields(s.key, s.label)),
                *(f for c in self.costs for f in cost_schedule_fields(c.key, c.label)))

    def effective(self) -> Assumptions:
        """These assumptions with the selected scenario's overrides applied."""
        if self.scenarios is None or self.selected is None:
            return self
        out = self
        schedule_overrides = []
        for row, value in self.scenarios.overrides(self.selected):
            t = row.target
            if t.sheet == schema.SCHEDULE_SHEET:
                assert row.from_month is not None
                schedule_overrides.append((t.column, row.from_month, typed.number(value)))
            else:
                out = out.with_cell(t.sheet, t.row, t.column, value)
        return dataclasses.replace(out, schedule_overrides=tuple(schedule_overrides))

    def with_scenario(self, name: str) -> Assumptions:
        """The same inputs with the scenario ``name`` selected; InputError, with the
        nearest names, when there is no such scenario (as ``finmodel build --scenario``)."""
        names = self.scenarios.names if self.scenarios else ()
        if name not in names:
            raise InputError(self.name, [Problem(
                schema.SCENARIOS_SHEET, "row 1",
                "one of the scenarios " + ", ".join(f"'{n}'" for n in names)
                if names else "a Scenarios sheet", f"'{name}'{did_you_mean(name, names)}")])
        return dataclasses.replace(self, selected=name)

    @property
    def start_month(self) -> dt.date:
        value = self.inputs["start_month"]
        assert isinstance(value, dt.date)
        return value

    @property
    def horizon(self) -> int:
        return typed.whole(self.inputs["horizon_months"])

    def number(self, key: str) -> float:
        """A numeric input of the Inputs sheet (validated: a number)."""
        return typed.number(self.inputs[key])

    def whole(self, key: str) -> int:
        """A whole-number input of the Inputs sheet (a month of the year, a count)."""
        return typed.whole(self.inputs[key])

    def schedule_start(self, i: int) -> dt.date:
        """The first month of the i-th Schedule row."""
        return typed.month(self.schedule[i]["from_month"])

    def schedule_rate(self, i: int, key: str) -> float:
        """A rate of the i-th Schedule row."""
        return typed.number(self.schedule[i][key])

    def party(self, key: str) -> Party:
        for p in self.parties:
            if p.key == key:
                return p
        raise KeyError(key)

    def stream(self, key: str) -> Stream:
        return next(s for s in self.streams if s.key == key)

    def cost(self, key: str) -> Cost:
        return next(c for c in self.costs if c.key == key)

    def cell(self, table: str, row: str, column: str) -> object:
        """An input by sheet, row key and column: Inputs rows are keys (column 'value')."""
        if table == schema.INPUTS_SHEET:
            return self.inputs[row]
        return self.param(table, row, column)

    def with_cell(self, table: str, row: str, column: str, value: object) -> Assumptions:
        """A copy with one Inputs, Parties, Tiers, Streams or Costs cell replaced."""
        if table == schema.INPUTS_SHEET:
            return dataclasses.replace(self, inputs={**self.inputs, row: value})
        rows = _KEYED_ROWS.get(table)
        if rows is not None:  # a row with a key: a party, a stream, a cost
            changed: dict[str, Any] = {rows: tuple(
                dataclasses.replace(r, **{column: value}) if r.key == row else r
                for r in getattr(self, rows))}
            return dataclasses.replace(self, **changed)
        tiers = []
        for t in self.tiers:
            if str(t.number) == row:
                t = (dataclasses.replace(t, hurdle_usd=typed.opt_number(value))
                     if column == "hurdle_usd" else
                     dataclasses.replace(t, shares={**t.shares, column: typed.number(value)}))
            tiers.append(t)
        return dataclasses.replace(self, tiers=tuple(tiers))

    def param(self, table: str, row: str, column: str) -> object:
        """A cell of the Parties, Tiers, Streams or Costs table, by row and column key."""
        if table == schema.INVESTMENTS_SHEET:  # rows by their order, "0" the first
            return getattr((self.investments or ())[int(row)], column)
        rows = _KEYED_ROWS.get(table)
        if rows is not None:
            found = [r for r in getattr(self, rows) if r.key == row]
            if not found:
                raise KeyError(row)
            return getattr(found[0], column)
        tier = next(t for t in self.tiers if str(t.number) == row)
        if column in ("hurdle_usd", "hurdle_party", "name"):
            return getattr(tier, column)
        return tier.shares.get(column, 0.0)
