"""Named scenarios: columns of overrides on the base inputs.

The `Scenarios` sheet has the columns ``target``, ``from_month`` and ``note``,
then one column per scenario, headed by its name. Each row overrides one
target in the scenarios whose cell is filled:

- ``waterfall_end_month``: a key of the Inputs sheet;
- ``Schedule:api_to_microsoft_share``: a Schedule rate, from ``from_month`` on;
- ``Parties:microsoft:cap_usd``: a cell of the Parties sheet;
- ``Tiers:2:hurdle_usd`` or ``Tiers:3:microsoft``: a cell of the Tiers sheet;
- ``Streams:chatgpt_plus:arr_opening`` or ``Costs:staff:monthly_opening``: a cell of the
  Streams or Costs sheet (a stream's rates are ``Schedule:chatgpt_plus_growth``, ...).

The input sheets stay the base case. In the model, a calculation layer picks
the selected scenario's value where it has one, so a drop-down switches the
whole live model with ordinary formulas.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import unicodedata
from typing import TYPE_CHECKING

from model.inputs import schema
from model.inputs.names import near_miss
from model.inputs.overrides import (
    FIXED_COLUMNS,
    TARGET_HELP,
    OverrideRow,
    Scenarios,
    Target,
    field_of,
    inputs_target,
    party_target,
    schedule_target,
)
from model.inputs.problems import SUM_TOLERANCE, Validator, describe
from model.inputs.reader import cell_name

if TYPE_CHECKING:
    from model.inputs.assumptions import Assumptions
    from model.inputs.reader import RawTable


def parse_target(text: str, a: Assumptions) -> Target | None:
    parts = text.split(":")
    if len(parts) == 1:
        t = inputs_target(parts[0])
    elif len(parts) == 2 and parts[0] == schema.SCHEDULE_SHEET:
        if parts[1] not in {f.key for f in a.schedule_fields}:
            return None
        t = schedule_target(parts[1])
    elif len(parts) == 3 and parts[0] in (schema.STREAMS_SHEET, schema.COSTS_SHEET):
        rows = a.streams if parts[0] == schema.STREAMS_SHEET else a.costs
        if parts[1] not in {r.key for r in rows}:
            return None
        t = Target(parts[0], parts[1], parts[2])
    elif len(parts) == 3 and parts[0] == schema.PARTIES_SHEET:
        if parts[1] not in {p.key for p in a.parties}:
            return None
        t = party_target(parts[1], parts[2])
    elif len(parts) == 3 and parts[0] == schema.TIERS_SHEET:
        if parts[1] not in {str(t.number) for t in a.tiers}:
            return None
        if parts[2] not in {"hurdle_usd"} | {p.key for p in a.parties}:
            return None
        t = Target(schema.TIERS_SHEET, parts[1], parts[2])
    else:
        return None
    return t if field_of(t) is not None else None


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
    _check_names(table, names, v)
    if len(names) > schema.MAX_SCENARIOS:
        v.problem(table.sheet, table.cell(1, names[schema.MAX_SCENARIOS]),
                  f"at most {schema.MAX_SCENARIOS} scenarios", f"{len(names)} scenarios")
        return None
    rows: list[OverrideRow] = []
    seen: dict[str, str] = {}
    for excel_row, values in table.rows:
        text = table.value(values, "target")
        cell = table.cell(excel_row, "target")
        target = parse_target(text, a) if isinstance(text, str) else None
        if target is None:
            meant = near_miss(text, _targets(a)) if isinstance(text, str) else None
            v.problem(table.sheet, cell, TARGET_HELP, _found(text) + (
                f" (did you mean '{meant}'?)" if meant else ""))
            continue
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
        # A Schedule rate may step several times: once per from_month.
        once = target.text() + (f" from {from_month:%Y-%m}" if isinstance(
            from_month, dt.date) else "")
        if once in seen:
            v.problem(table.sheet, cell, f"each target once, a Schedule target once per "
                      f"from_month ('{once}' is first at {seen[once]})", f"'{once}' again")
            continue
        seen[once] = cell
        overrides: dict[str, object] = {}
        for name in names:
            value = v.convert(table, excel_row, values,
                              dataclasses.replace(f, key=name, required=False),
                              key=f"{target.text()} in scenario '{name}'")
            if value is not None:
                overrides[name] = value
        note = table.value(values, "note") if "note" in table.header else ""
        # ignore: convert() returns object; for SCHEDULE_MONTH a date, None, or BAD (reported)
        rows.append(OverrideRow(target, from_month, overrides,  # type: ignore[arg-type]
                                str(note or "")))
    scenarios = Scenarios(names, tuple(rows))
    if not v.problems:
        _check_sums(table, a, scenarios, v)
    return scenarios


def _targets(a: Assumptions) -> list[str]:
    """The text of every Inputs and Schedule target, for "did you mean"."""
    return [*(f.key for f in schema.INPUT_FIELDS),
            *(f"{schema.SCHEDULE_SHEET}:{f.key}" for f in a.schedule_fields)]


def _check_names(table: RawTable, names: tuple[str, ...], v: Validator) -> None:
    """Scenario names a spreadsheet and Python tell apart alike: no two that differ only
    by case or spaces (Excel's drop-down and lookups ignore case), and none blank above a
    column of values (its overrides would be dropped)."""
    first: dict[str, str] = {}
    for name in names:
        folded = " ".join(unicodedata.normalize("NFKC", name).split()).casefold()
        cell = table.cell(1, name)
        if folded in first:
            v.problem(table.sheet, cell, "scenario names that differ by more than case and "
                      f"spaces ('{first[folded]}' is the same name)", f"'{name}'")
        else:
            first[folded] = name
    headed = set(table.header.values())
    blank = sorted({col for _, values in table.rows for col, x in enumerate(values)
                    if x is not None and col not in headed})
    for col in blank:
        v.problem(table.sheet, cell_name(0, col), "a scenario name above the "
                  "column's values", "a blank heading")


def _check_sums(table: RawTable, a: Assumptions, scenarios: Scenarios, v: Validator) -> None:
    """Within each scenario, each tier's shares and the equity shares still sum to 1."""
    for name in scenarios.names:
        e = dataclasses.replace(a, scenarios=scenarios, selected=name).effective()
        cell = f"{table.cell(1, name)} ({name})"
        sums = [(f"tier {t.number} shares", math.fsum(t.shares.values())) for t in e.tiers]
        sums.append(("equity_share values", math.fsum(p.equity_share for p in e.parties)))
        for what, total in sums:
            if abs(total - 1) > SUM_TOLERANCE:
                v.problem(table.sheet, cell, f"{what} that sum to 1 in this scenario",
                          f"a sum of {total:.6g}")
        for t in e.tiers:
            share = t.shares.get(t.hurdle_party or "", 1.0)
            if share < schema.MIN_HURDLE_SHARE:
                v.problem(table.sheet, cell, f"a share of at least {schema.MIN_HURDLE_SHARE:g} "
                          f"for tier {t.number}'s hurdle party '{t.hurdle_party}' in this "
                          "scenario", describe(share))


def _found(value: object) -> str:
    return describe(value)


def selected_scenario(chosen: tuple[str, str, object] | None, scenarios: Scenarios,
                      v: Validator) -> str:
    """The scenario a model's drop-down (sheet, cell, value) selects; the first one for
    a workbook without a drop-down. A name that is not a scenario is a problem."""
    if chosen is None:
        return scenarios.names[0]
    sheet, cell, value = chosen
    if value not in scenarios.names:
        v.problem(sheet, cell, "one of the scenarios " + ", ".join(
            f"'{n}'" for n in scenarios.names) + " (choose it from the drop-down)",
                  describe(value))
        return scenarios.names[0]
    return str(value)
