"""Named scenarios: columns of overrides on the base inputs.

The `Scenarios` sheet has the columns ``target``, ``from_month`` and ``note``,
then one column per scenario, headed by its name. Each row overrides one
target in the scenarios whose cell is filled:

- ``waterfall_end_month``: a key of the Inputs sheet;
- ``Schedule:api_to_microsoft_share``: a Schedule rate, from ``from_month`` on;
- ``Parties:microsoft:cap_usd``: a cell of the Parties sheet;
- ``Tiers:2:hurdle_usd`` or ``Tiers:3:microsoft``: a cell of the Tiers sheet.

The input sheets stay the base case. In the model, a calculation layer picks
the selected scenario's value where it has one, so a drop-down switches the
whole live model with ordinary formulas.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import schema
from .schema import Field

if TYPE_CHECKING:
    from .assumptions import Assumptions
    from .reader import RawTable
    from .validate import Validator

FIXED_COLUMNS = ("target", "from_month", "note")


@dataclass(frozen=True)
class Target:
    sheet: str  # Inputs, Schedule, Parties or Tiers
    row: str  # input key, schedule key, party key or tier number
    column: str  # "value", the schedule key, or the Parties / Tiers column

    def text(self) -> str:
        if self.sheet == schema.INPUTS_SHEET:
            return self.row
        if self.sheet == schema.SCHEDULE_SHEET:
            return f"{self.sheet}:{self.column}"
        return f"{self.sheet}:{self.row}:{self.column}"


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


def _inputs(key: str) -> Target:
    return Target(schema.INPUTS_SHEET, key, "value")


def _sched(key: str) -> Target:
    return Target(schema.SCHEDULE_SHEET, key, key)


def _party(party: str, column: str) -> Target:
    return Target(schema.PARTIES_SHEET, party, column)


SEED = "seed terms (2024)"
RECAP = "recapitalisation (Oct 2025)"
AMENDMENT = "amendment (Apr 2026)"
RECAP_MONTH = dt.date(2025, 10, 1)

DEFAULT_SCENARIOS = Scenarios(
    names=(SEED, RECAP, AMENDMENT),
    rows=(
        OverrideRow(_inputs("waterfall_end_month"), None, {RECAP: RECAP_MONTH,
                                                           AMENDMENT: RECAP_MONTH},
                    "Recapitalisation of 28 Oct 2025 ends the capped-profit structure: OpenAI "
                    "and Microsoft announcements (confirmed)"),
        OverrideRow(_party("microsoft", "equity_share"), None, {RECAP: 0.27, AMENDMENT: 0.27},
                    "Microsoft about 27 % as converted: Microsoft 10-Q (confirmed)"),
        OverrideRow(_party("employees_investors", "equity_share"), None,
                    {RECAP: 0.47, AMENDMENT: 0.47},
                    "Employees and other investors about 47 %: announcements (confirmed)"),
        OverrideRow(_party("nonprofit", "equity_share"), None, {RECAP: 0.26, AMENDMENT: 0.26},
                    "OpenAI Foundation about 26 %: announcements (confirmed)"),
        OverrideRow(_party("first_investors", "equity_share"), None,
                    {RECAP: 0.0, AMENDMENT: 0.0},
                    "Included in employees and other investors after the recapitalisation"),
        OverrideRow(_sched("azure_to_openai_share"), dt.date(2026, 5, 1), {AMENDMENT: 0.0},
                    "Microsoft stops paying a revenue share to OpenAI: Microsoft blog, "
                    "2026-04-27 (confirmed)"),
        OverrideRow(_inputs("revshare_api_to_microsoft_cap_usd"), None, {AMENDMENT: 38e9},
                    "OpenAI's payments to Microsoft capped at $38B in total: The Information, "
                    "May 2026 (reported)"),
        OverrideRow(_sched("api_to_microsoft_share"), dt.date(2031, 1, 1), {AMENDMENT: 0.0},
                    "OpenAI pays Microsoft the same percentage through 2030: Microsoft blog, "
                    "2026-04-27 (confirmed)"),
    ),
)


def field_of(target: Target) -> Field | None:
    """The schema field a target overrides, or None if it cannot be overridden."""
    if target.sheet == schema.INPUTS_SHEET:
        f = schema.field_map(schema.INPUT_FIELDS).get(target.row)
    elif target.sheet == schema.SCHEDULE_SHEET:
        f = schema.field_map(schema.SCHEDULE_FIELDS).get(target.column)
    elif target.sheet == schema.PARTIES_SHEET:
        f = schema.field_map(schema.PARTY_FIELDS).get(target.column)
    elif target.sheet == schema.TIERS_SHEET:
        f = schema.field_map(schema.TIER_FIELDS).get(target.column, schema.TIER_SHARE)
    else:
        return None
    if f is None or f.structural or f.kind in ("text", "key", "party"):
        return None
    return f


def parse_target(text: str, a: Assumptions) -> Target | None:
    parts = text.split(":")
    if len(parts) == 1:
        t = _inputs(parts[0])
    elif len(parts) == 2 and parts[0] == schema.SCHEDULE_SHEET:
        t = _sched(parts[1])
    elif len(parts) == 3 and parts[0] == schema.PARTIES_SHEET:
        if parts[1] not in {p.key for p in a.parties}:
            return None
        t = _party(parts[1], parts[2])
    elif len(parts) == 3 and parts[0] == schema.TIERS_SHEET:
        if parts[1] not in {str(t.number) for t in a.tiers}:
            return None
        if parts[2] not in {"hurdle_usd"} | {p.key for p in a.parties}:
            return None
        t = Target(schema.TIERS_SHEET, parts[1], parts[2])
    else:
        return None
    return t if field_of(t) is not None else None


TARGET_HELP = ("an Inputs key, Schedule:<rate>, Parties:<party>:<column> or "
               "Tiers:<tier>:<hurdle_usd or party> naming a number or date input")


def parse(table: RawTable, a: Assumptions, v: Validator) -> Scenarios | None:
    """Read and check the Scenarios sheet; problems go to the validator."""
    if "target" not in table.header:
        v.problem(table.sheet, "row 1", "a column headed 'target'", "no such column")
        return None
    names = tuple(k for k in sorted(table.header, key=table.header.__getitem__)
                  if k not in FIXED_COLUMNS)
    if not names:
        v.problem(table.sheet, "row 1", "at least one scenario column after target, "
                  "from_month and note", "none")
        return None
    rows: list[OverrideRow] = []
    seen: dict[str, str] = {}
    for excel_row, values in table.rows:
        text = table.value(values, "target")
        cell = table.cell(excel_row, "target")
        target = parse_target(text, a) if isinstance(text, str) else None
        if target is None:
            v.problem(table.sheet, cell, TARGET_HELP, _found(text))
            continue
        if target.text() in seen:
            v.problem(table.sheet, cell, f"each target once ('{target.text()}' is first at "
                      f"{seen[target.text()]})", f"'{target.text()}' again")
            continue
        seen[target.text()] = cell
        f = field_of(target)
        assert f is not None
        from_month = None
        if target.sheet == schema.SCHEDULE_SHEET:
            if "from_month" not in table.header:
                v.problem(table.sheet, "row 1", "a column headed 'from_month' for Schedule "
                          "targets", "no such column")
                continue
            from_month = v.convert(table, excel_row, values, schema.SCHEDULE_MONTH,
                                   key=target.text())
        overrides: dict[str, object] = {}
        for name in names:
            value = v.convert(table, excel_row, values,
                              dataclasses.replace(f, key=name, required=False),
                              key=f"{target.text()} in scenario '{name}'")
            if value is not None:
                overrides[name] = value
        note = table.value(values, "note") if "note" in table.header else ""
        rows.append(OverrideRow(target, from_month, overrides,  # type: ignore[arg-type]
                                str(note or "")))
    scenarios = Scenarios(names, tuple(rows))
    if not v.problems:
        _check_sums(table, a, scenarios, v)
    return scenarios


def _check_sums(table: RawTable, a: Assumptions, scenarios: Scenarios, v: Validator) -> None:
    """Within each scenario, each tier's shares and the equity shares still sum to 1."""
    import dataclasses as dc

    from .validate import SUM_TOLERANCE
    for name in scenarios.names:
        e = apply(dc.replace(a, scenarios=scenarios), name)
        cell = f"{table.cell(1, name)} ({name})"
        sums = [(f"tier {t.number} shares", math.fsum(t.shares.values())) for t in e.tiers]
        sums.append(("equity_share values", math.fsum(p.equity_share for p in e.parties)))
        for what, total in sums:
            if abs(total - 1) > SUM_TOLERANCE:
                v.problem(table.sheet, cell, f"{what} that sum to 1 in this scenario",
                          f"a sum of {total:.6g}")


def _found(value: object) -> str:
    from .validate import describe
    return describe(value)


def apply(a: Assumptions, name: str) -> Assumptions:
    """The assumptions with a scenario's overrides applied (the base if it has none)."""
    if a.scenarios is None:
        return a
    out = a
    schedule_overrides = []
    for row, value in a.scenarios.overrides(name):
        t = row.target
        if t.sheet == schema.SCHEDULE_SHEET:
            assert row.from_month is not None
            schedule_overrides.append((t.column, row.from_month, float(value)))  # type: ignore[arg-type]
        else:
            out = out.with_cell(t.sheet, t.row, t.column, value)
    return dataclasses.replace(out, schedule_overrides=tuple(schedule_overrides))


def write_sheet(wb: Any, st: Any, scenarios: Scenarios) -> None:
    """The Scenarios sheet, as plain input values."""
    from .inputsheets import write_value
    ws = wb.add_worksheet(schema.SCENARIOS_SHEET)
    headers = [*FIXED_COLUMNS, *scenarios.names]
    for c, h in enumerate(headers):
        ws.write_string(0, c, h, st("header"))
    ws.write_comment(0, 0, "What each row overrides: " + TARGET_HELP +
                     ". A blank scenario cell keeps the base value.",
                     {"x_scale": 2.5, "y_scale": 1.5})
    for r, row in enumerate(scenarios.rows, start=1):
        ws.write_string(r, 0, row.target.text(), st("label"))
        write_value(ws, st, r, 1, dataclasses.replace(schema.SCHEDULE_MONTH, structural=False),
                    row.from_month)
        ws.write_string(r, 2, row.note, st("note"))
        f = field_of(row.target)
        assert f is not None
        for c, name in enumerate(scenarios.names, start=len(FIXED_COLUMNS)):
            write_value(ws, st, r, c, dataclasses.replace(f, structural=False),
                        row.values.get(name))
    ws.freeze_panes(1, 1)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 12)
    ws.set_column(2, 2, 50)
    ws.set_column(len(FIXED_COLUMNS), len(headers), 26)
