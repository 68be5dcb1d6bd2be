"""The validated assumptions: what the engine and the writer consume."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from model.inputs import schema
from model.inputs.streams import cost_schedule_fields, stream_schedule_fields

if TYPE_CHECKING:
    from model.inputs.overrides import Scenarios
    from model.inputs.uncertain import Distribution


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


@dataclass(frozen=True)
class Investment:
    """One row of the Investments sheet: money a party put in, on the first of a month."""

    party: str
    month: dt.date
    amount_usd: float
    source: str = ""


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
                schedule_overrides.append((t.column, row.from_month, float(value)))  # type: ignore[arg-type]
            else:
                out = out.with_cell(t.sheet, t.row, t.column, value)
        return dataclasses.replace(out, schedule_overrides=tuple(schedule_overrides))

    def with_scenario(self, name: str) -> Assumptions:
        return dataclasses.replace(self, selected=name)

    @property
    def start_month(self) -> dt.date:
        value = self.inputs["start_month"]
        assert isinstance(value, dt.date)
        return value

    @property
    def horizon(self) -> int:
        return int(self.inputs["horizon_months"])  # type: ignore[call-overload]

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
        if table == schema.STREAMS_SHEET:
            return dataclasses.replace(self, streams=tuple(
                dataclasses.replace(s, **{column: value}) if s.key == row else s  # type: ignore[arg-type]
                for s in self.streams))
        if table == schema.COSTS_SHEET:
            return dataclasses.replace(self, costs=tuple(
                dataclasses.replace(c, **{column: value}) if c.key == row else c  # type: ignore[arg-type]
                for c in self.costs))
        if table == schema.PARTIES_SHEET:
            return dataclasses.replace(self, parties=tuple(
                dataclasses.replace(p, **{column: value})  # type: ignore[arg-type]
                if p.key == row else p for p in self.parties))
        tiers = []
        for t in self.tiers:
            if str(t.number) == row:
                t = (dataclasses.replace(t, hurdle_usd=value)  # type: ignore[arg-type]
                     if column == "hurdle_usd" else
                     dataclasses.replace(t, shares={**t.shares, column: float(value)}))  # type: ignore[arg-type]
            tiers.append(t)
        return dataclasses.replace(self, tiers=tuple(tiers))

    def param(self, table: str, row: str, column: str) -> object:
        """A cell of the Parties, Tiers, Streams or Costs table, by row and column key."""
        if table == schema.PARTIES_SHEET:
            return getattr(self.party(row), column)
        if table == schema.STREAMS_SHEET:
            return getattr(self.stream(row), column)
        if table == schema.COSTS_SHEET:
            return getattr(self.cost(row), column)
        tier = next(t for t in self.tiers if str(t.number) == row)
        if column in ("hurdle_usd", "hurdle_party", "name"):
            return getattr(tier, column)
        return tier.shares.get(column, 0.0)
