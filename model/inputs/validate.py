"""Turn raw tables into Assumptions, or say exactly what is wrong and where.

Every problem names the sheet, the cell (or the row or column), what was
expected and what was found. All problems are collected before failing, so a
user can fix a workbook in one pass.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path

from model.errors import InputError
from model.inputs import (
    actuals,
    cross_checks,
    investments,
    schema,
    stream_tables,
    typed,
    valuation_inputs,
)
from model.inputs.assumptions import Assumptions, Party, Tier
from model.inputs.distributions import parse_distributions
from model.inputs.names import shown
from model.inputs.problems import (
    BAD,
    MAX_AMOUNT,
    SUM_TOLERANCE,
    Validator,
    cap_overflows,
    cells_read,
    describe,
    end_year,
)
from model.inputs.reader import RawWorkbook, read_workbook
from model.inputs.scenarios import parse as parse_scenarios
from model.inputs.scenarios import selected_scenario
from model.inputs.schema import Field

# A party's key heads its share column on the Tiers sheet: it cannot be one of these.
TIER_COLUMNS = tuple(f.key for f in schema.TIER_FIELDS)


class WorkbookValidator(Validator):
    """The rules of the Inputs, Schedule, Parties and Tiers sheets."""

    def inputs(self) -> dict[str, object]:
        table = self.table(schema.INPUTS_SHEET, ("key", "value"))
        if table is None:
            return {}
        fields = schema.field_map(schema.INPUT_FIELDS)
        seen: dict[str, str] = {}
        out: dict[str, object] = {}
        for excel_row, values in table.rows:
            key = table.value(values, "key")
            cell = table.cell(excel_row, "key")
            if self.mistyped(table.sheet, cell, key, fields, seen):
                continue
            if key not in fields:
                if isinstance(key, str) and key.strip():  # said, never quietly dropped
                    self.notes.append(f"{table.sheet}!{cell}: '{shown(key)}' is not an input "
                                      "key, so its row is not read (a note, or a key of "
                                      "another version)")
                continue
            if key in seen:
                self.problem(table.sheet, cell, f"each key once ('{key}' is first at {seen[key]})",
                             f"'{key}' again", key)
                continue
            seen[key] = cell
            self.input_cells[key] = table.cell(excel_row, "value")
            f = fields[key]
            out[key] = self.input_value(table, excel_row, values, f)
        for key in (k for k in fields if k not in seen):
            if key in schema.ADDED_INPUTS:  # a workbook made before the key existed
                out[key] = schema.DEFAULT_INPUTS[key]
                self.notes.append(investments.added_input_note(key, out[key]))
            else:
                self.problem(table.sheet, table.column("key"), f"a row with key '{key}'", "none",
                             key)
        return out

    def schedule(self, start: object, added: Sequence[tuple[Field, str]] = ()
                 ) -> tuple[dict[str, object], ...]:
        """The Schedule rows; ``added``: the streams' and costs' columns, and whose."""
        fields = (schema.SCHEDULE_MONTH, *schema.SCHEDULE_FIELDS)
        table = self.table(schema.SCHEDULE_SHEET, tuple(f.key for f in fields))
        if table is None or not stream_tables.columns_present(self, table, added):
            return ()
        fields = (*fields, *(f for f, _ in added))
        rows: list[dict[str, object]] = []
        previous: tuple[dt.date, str] | None = None
        for excel_row, values in table.rows:
            row = {f.key: self.convert(table, excel_row, values, f) for f in fields}
            month = row["from_month"]
            cell = table.cell(excel_row, "from_month")
            if isinstance(month, dt.date):
                if previous is not None and month <= previous[0]:
                    self.problem(table.sheet, cell,
                                 f"a month after {previous[0]:%Y-%m} ({previous[1]}): rows in "
                                 "order, each month once", describe(month), "from_month")
                previous = (month, cell)
            rows.append(row)
        if not rows:
            self.problem(table.sheet, "row 2", "at least one row", "none")
        elif isinstance(start, dt.date) and isinstance(first := rows[0]["from_month"], dt.date) \
                and first > start:
            self.problem(table.sheet, table.cell(table.rows[0][0], "from_month"),
                         f"a first row starting no later than start_month ({start:%Y-%m})",
                         describe(rows[0]["from_month"]), "from_month")
        return tuple(rows)

    def parties(self, end_year: int | None = None) -> tuple[Party, ...]:
        """The Parties rows; with ``end_year``, also check that no cap grows past what a
        spreadsheet can hold by then."""
        fields = schema.PARTY_FIELDS
        table = self.table(schema.PARTIES_SHEET, tuple(f.key for f in fields))
        if table is None:
            return ()
        out: list[tuple[int, Party]] = []
        seen: dict[str, str] = {}
        for excel_row, values in table.rows:
            v = {f.key: self.convert(table, excel_row, values, f) for f in fields}
            key = v["party"]
            cell = table.cell(excel_row, "party")
            if isinstance(key, str) and key in TIER_COLUMNS:
                self.problem(table.sheet, cell, "a party key that is not a column of the Tiers "
                             f"sheet ({', '.join(TIER_COLUMNS)})", f"'{key}'", key)
                continue
            if isinstance(key, str):
                if key in seen:
                    self.problem(table.sheet, cell, f"each party once ('{key}' is first at "
                                 f"{seen[key]})", f"'{key}' again", key)
                    continue
                seen[key] = cell
                self.party_keys.append(key)
            if any(x is BAD for x in v.values()):
                continue
            growth = v["cap_growth"]
            if v["cap_usd"] is not None and growth not in (None, 0.0) \
                    and v["cap_growth_from"] is None:
                self.problem(table.sheet, table.cell(excel_row, "cap_growth_from"),
                             "the first year of the cap's growth, since cap_growth is set",
                             "a blank cell", str(key))
                continue
            cap, since = typed.opt_number(v["cap_usd"]), typed.opt_whole(v["cap_growth_from"])
            if end_year is not None and cap_overflows(cap, typed.opt_number(growth), since,
                                                       end_year):
                self.problem(table.sheet, table.cell(excel_row, "cap_growth"),
                             f"a cap_growth that keeps the cap below {MAX_AMOUNT:.0e} until "
                             f"{end_year}", f"{describe(growth)} a year from "
                             f"{v['cap_growth_from']}", str(key))
                continue
            out.append((excel_row, Party(
                key=str(key), label=str(v["label"] or key), cap_usd=cap,
                cap_growth=typed.opt_number(growth), cap_growth_from=since,
                overflow_to=typed.opt_text(v["overflow_to"]),
                equity_share=typed.number(v["equity_share"]))))
        if not table.rows:
            self.problem(table.sheet, "row 2", "at least one party", "none")
        elif len(table.rows) > schema.MAX_PARTIES:
            self.problem(table.sheet, f"row {table.rows[schema.MAX_PARTIES][0]}",
                         f"at most {schema.MAX_PARTIES} parties", f"{len(table.rows)} parties")
        parties = {p.key: (r, p) for r, p in out}
        for r, p in out:
            if p.overflow_to is not None:
                cell = table.cell(r, "overflow_to")
                target = parties.get(p.overflow_to)
                if target is None:
                    self.problem(table.sheet, cell, "the key of a party on this sheet",
                                 f"the unknown party '{p.overflow_to}'", p.key)
                elif target[1].capped:
                    self.problem(table.sheet, cell, "an uncapped party to take the overflow",
                                 f"'{p.overflow_to}', which has a cap", p.key)
                elif p.overflow_to == p.key:
                    self.problem(table.sheet, cell, "another party", "the party itself", p.key)
            elif p.capped:
                self.problem(table.sheet, table.cell(r, "overflow_to"),
                             "a party to receive what is beyond the cap", "a blank cell", p.key)
        if "microsoft" not in seen:
            self.problem(table.sheet, table.column("party"), "a party with key 'microsoft'",
                         "none")
        if out and len(out) == len(table.rows):
            total = math.fsum(p.equity_share for _, p in out)
            if abs(total - 1) > SUM_TOLERANCE:
                self.problem(table.sheet, table.column("equity_share"),
                             "equity_share values that sum to 1",
                             f"a sum of {total:.6g}")
        return tuple(p for _, p in out)

    def tiers(self, parties: tuple[Party, ...]) -> tuple[Tier, ...]:
        fixed = schema.TIER_FIELDS
        table = self.table(schema.TIERS_SHEET, tuple(f.key for f in fixed))
        if table is None:
            return ()
        # Parties rows with a problem of their own still count here, so that one mistake
        # on the Parties sheet is not reported again for every tier.
        keys = list(dict.fromkeys([*self.party_keys, *(p.key for p in parties)]))
        for key in keys:
            if key not in table.header:
                self.problem(table.sheet, "row 1", f"a column headed '{key}' (its share of "
                             "each tier)", "no such column")
        share_fields = [Field(key, "rate", "", "", required=False, lo=0, hi=1)
                        for key in keys if key in table.header]
        out: list[Tier] = []
        last_number = 0
        for i, (excel_row, values) in enumerate(table.rows):
            v = {f.key: self.convert(table, excel_row, values, f) for f in fixed}
            shares = {f.key: self.convert(table, excel_row, values, f) for f in share_fields}
            number = v["tier"]
            if isinstance(number, int):
                if number <= last_number:
                    self.problem(table.sheet, table.cell(excel_row, "tier"),
                                 f"tiers in order, each once (after tier {last_number})",
                                 describe(number))
                last_number = number
            hp, hu = v["hurdle_party"], v["hurdle_usd"]
            if isinstance(hp, str) and hp not in keys:
                self.problem(table.sheet, table.cell(excel_row, "hurdle_party"),
                             "the key of a party on the Parties sheet",
                             f"the unknown party '{hp}'")
                continue
            if (hp is None) != (hu is None) and hp is not BAD and hu is not BAD:
                missing = "hurdle_usd" if hu is None else "hurdle_party"
                self.problem(table.sheet, table.cell(excel_row, missing),
                             "hurdle_party and hurdle_usd both filled or both blank",
                             "a blank cell")
                continue
            if hp is None and i < len(table.rows) - 1:
                self.problem(table.sheet, table.cell(excel_row, "hurdle_party"),
                             "a hurdle on every tier but the last (a tier without one "
                             "takes everything left)", "a blank cell")
            if any(x is BAD for x in (*v.values(), *shares.values())):
                continue
            clean = {k: typed.number(s or 0.0) for k, s in shares.items()}
            total = math.fsum(clean.values())
            if abs(total - 1) > SUM_TOLERANCE:
                self.problem(table.sheet, f"row {excel_row}",
                             f"shares of tier {number} that sum to 1", f"a sum of {total:.6g}")
            if isinstance(hp, str) and hp in table.header \
                    and clean.get(hp, 0.0) < schema.MIN_HURDLE_SHARE:
                self.problem(table.sheet, table.cell(excel_row, hp),
                             f"a share of at least {schema.MIN_HURDLE_SHARE:g} for the hurdle "
                             f"party '{hp}'", describe(clean.get(hp)))
            out.append(Tier(number=typed.whole(number), name=str(v["name"] or f"Tier {number}"),
                            hurdle_party=typed.opt_text(hp), hurdle_usd=typed.opt_number(hu),
                            shares=clean))
        if not table.rows:
            self.problem(table.sheet, "row 2", "at least one tier", "none")
        elif len(table.rows) > schema.MAX_TIERS:
            self.problem(table.sheet, f"row {table.rows[schema.MAX_TIERS][0]}",
                         f"at most {schema.MAX_TIERS} tiers", f"{len(table.rows)} tiers")
        return tuple(out)

    def cross_checks(self, inputs: dict[str, object]) -> None:
        valuation_inputs.check(self, inputs, self.input_cells)
        cross_checks.check(self, inputs, self.input_cells)


def validate(raw: RawWorkbook) -> Assumptions:
    """Check every rule of the schema; raise InputError listing every problem."""
    v = WorkbookValidator(raw)
    if raw.schema_version is not None and raw.schema_version != schema.SCHEMA_VERSION:
        v.problem(None, None,
                  f"a workbook of schema version {schema.SCHEMA_VERSION} (run 'finmodel init' "
                  "for a fresh template and copy your numbers across)",
                  f"schema version {raw.schema_version}")
        raise InputError(raw.path, v.problems)
    v.sheet_names_and_headings()
    inputs = v.inputs()
    streams, costs = stream_tables.read_streams(v), stream_tables.read_costs(v)
    schedule = v.schedule(inputs.get("start_month"),
                          stream_tables.schedule_columns(streams, costs))
    parties = v.parties(end_year(inputs))
    tiers = v.tiers(parties)
    stream_tables.check_keys(v, streams, costs)
    v.cross_checks(inputs)
    if v.problems or any(x is BAD for x in inputs.values()):
        raise InputError(raw.path, v.problems)
    clean = {k: (float(x) if isinstance(x, int) and not isinstance(x, bool)
                 and k != "horizon_months" else x) for k, x in inputs.items()}
    a = Assumptions(inputs=clean, schedule=schedule, parties=parties, tiers=tiers,
                    name=raw.model_name, as_of=raw.saved, streams=streams, costs=costs,
                    missing_sheets=stream_tables.missing_sheets(v), source=raw.path,
                    cells=cells_read(raw, v.input_cells), sources=v.sources)
    a = actuals.attach(raw, investments.attach(raw, a, v), v)
    table = raw.tables.get(schema.SCENARIOS_SHEET)
    if table is not None:
        scenarios = parse_scenarios(table, a, v)
        if v.problems:
            raise InputError(raw.path, v.problems)
        if scenarios is not None:
            a = dataclasses.replace(a, scenarios=scenarios,
                                    selected=selected_scenario(raw.selected, scenarios, v))
            if v.problems:
                raise InputError(raw.path, v.problems)
    table = raw.tables.get(schema.DISTRIBUTIONS_SHEET)
    if table is not None:
        a = dataclasses.replace(a, distributions=parse_distributions(
            table, a.effective(), raw.path, check_blank=False))
    return a


def load(path: str | Path) -> Assumptions:
    """Read and validate an assumptions (or model) workbook."""
    return validate(read_workbook(Path(path)))
