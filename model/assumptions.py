"""The validated assumptions: what the engine and the writer consume."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import schema

if TYPE_CHECKING:
    from .distributions import Distribution
    from .scenarios import Scenarios


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

    def effective(self) -> Assumptions:
        """These assumptions with the selected scenario's overrides applied."""
        if self.scenarios is None or self.selected is None:
            return self
        from .scenarios import apply
        return apply(self, self.selected)

    def with_scenario(self, name: str) -> Assumptions:
        import dataclasses
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

    def cell(self, table: str, row: str, column: str) -> object:
        """An input by sheet, row key and column: Inputs rows are keys (column 'value')."""
        if table == schema.INPUTS_SHEET:
            return self.inputs[row]
        return self.param(table, row, column)

    def with_cell(self, table: str, row: str, column: str, value: object) -> Assumptions:
        """A copy with one Inputs, Parties or Tiers cell replaced."""
        import dataclasses
        if table == schema.INPUTS_SHEET:
            return dataclasses.replace(self, inputs={**self.inputs, row: value})
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
        """A cell of the Parties or Tiers table, by row key and column key."""
        if table == schema.PARTIES_SHEET:
            return getattr(self.party(row), column)
        tier = next(t for t in self.tiers if str(t.number) == row)
        if column in ("hurdle_usd", "hurdle_party", "name"):
            return getattr(tier, column)
        return tier.shares.get(column, 0.0)


def default_assumptions() -> Assumptions:
    """The defaults of the schema, as the shipped template holds them."""
    parties = tuple(
        Party(key=str(p["party"]), label=str(p["label"]),
              cap_usd=_opt_float(p["cap_usd"]), cap_growth=_opt_float(p["cap_growth"]),
              cap_growth_from=p["cap_growth_from"],  # type: ignore[arg-type]
              overflow_to=p["overflow_to"],  # type: ignore[arg-type]
              equity_share=float(p["equity_share"]))  # type: ignore[arg-type]
        for p in schema.DEFAULT_PARTIES)
    tiers = tuple(
        Tier(number=int(t["tier"]), name=str(t["name"]),  # type: ignore[call-overload]
             hurdle_party=t["hurdle_party"],  # type: ignore[arg-type]
             hurdle_usd=_opt_float(t["hurdle_usd"]),
             shares={p.key: float(t["shares"].get(p.key, 0.0))  # type: ignore[attr-defined]
                     for p in parties})
        for t in schema.DEFAULT_TIERS)
    inputs = {k: (float(v) if isinstance(v, int) and not isinstance(v, bool) else v)
              for k, v in schema.DEFAULT_INPUTS.items()}
    from .distributions import DEFAULT_DISTRIBUTIONS
    from .scenarios import DEFAULT_SCENARIOS
    return Assumptions(inputs=inputs, schedule=schema.DEFAULT_SCHEDULE,
                       parties=parties, tiers=tiers, scenarios=DEFAULT_SCENARIOS,
                       selected=DEFAULT_SCENARIOS.names[0],
                       distributions=DEFAULT_DISTRIBUTIONS)


def _opt_float(v: object) -> float | None:
    return None if v is None else float(v)  # type: ignore[arg-type]
