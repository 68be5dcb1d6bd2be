"""The Scenario calculation sheet: the live value of every overridden input.

For each row of the Scenarios sheet it shows whether the selected scenario
overrides the target (1/0) and the value in force. Formulas of the model point
here instead of at the input sheets for overridden targets, so changing the
drop-down on the Dashboard switches the whole model.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_col_to_name

from model import keys
from model.core.engine import input_number
from model.inputs import schema
from model.inputs.overrides import FIXED_COLUMNS, Scenarios, Target, field_of
from model.workbook.inputsheets import InputAddresses
from model.workbook.printing import wrapped_height
from model.workbook.styles import Styles, write_status

if TYPE_CHECKING:
    from model.inputs.assumptions import Assumptions

SHEET = "Scenario"
FIRST_ROW = 6  # 0-based row of the first override


@dataclass
class ScenarioAddresses:
    """Where the live values sit: target text -> (active cell, from cell, value cell), one
    per row of the Scenarios sheet; a Schedule target may have several (one per from_month,
    in sheet order: a later row wins from its month on, as ``Assumptions.effective``)."""

    cells: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)

    def of(self, target: Target) -> tuple[str, str, str] | None:
        rows = self.cells.get(target.text())
        return rows[-1] if rows else None

    def steps(self, target: Target) -> list[tuple[str, str, str]]:
        return self.cells.get(target.text(), [])


def plan(scenarios: Scenarios | None) -> ScenarioAddresses:
    out = ScenarioAddresses()
    if scenarios is None:
        return out
    for i, row in enumerate(scenarios.rows):
        r = FIRST_ROW + i + 1
        out.cells.setdefault(row.target.text(), []).append(
            (f"{SHEET}!$D${r}", f"{SHEET}!$C${r}", f"{SHEET}!$E${r}"))
    return out


def row_key(scenarios: Scenarios, i: int) -> str:
    """The key of the i-th override row: its target, and its month when the target steps
    more than once."""
    row = scenarios.rows[i]
    text = row.target.text()
    if row.from_month is not None and sum(r.target.text() == text for r in scenarios.rows) > 1:
        return f"{text} from {row.from_month:%Y-%m}"
    return text


def base_cell(target: Target, addr: InputAddresses) -> str:
    if target.sheet == schema.INPUTS_SHEET:
        return addr.inputs[target.row]
    return addr.params[(target.sheet, target.row, target.column)]


def write(ws: Any, st: Styles, a: Assumptions, addr: InputAddresses, selector: str,
          master: tuple[str, str]) -> None:
    scenarios = a.scenarios
    assert scenarios is not None and a.selected is not None
    ws.write_string(0, 1, "Scenario layer: the value in force for each overridden input",
                    st("title"))
    write_status(ws, st, 0, 5, master[0], master[1], "CHECKS FAIL")  # clear of the title
    for c, text in enumerate(("key", "target", "from_month", "active", "value in force",
                              "note")):
        ws.write_string(1, c, text, st("header"))
    first = xl_col_to_name(len(FIXED_COLUMNS))
    last = xl_col_to_name(len(FIXED_COLUMNS) + len(scenarios.names) - 1)
    ws.write_string(2, 0, "selected_scenario")
    ws.write_string(2, 1, "Selected scenario (choose it on the Dashboard)")
    ws.write_formula(2, 4, f"={selector}", st("link"), a.selected)
    ws.write_string(3, 0, "scenario_index")
    ws.write_string(3, 1, "Its column among the Scenarios sheet's scenarios")
    flags = FIRST_ROW + len(scenarios.rows) + 2  # 0-based row of the first name's flag
    ws.write_formula(3, 4, f"=MATCH(1,$E${flags + 1}:$E${flags + len(scenarios.names)},0)",
                     st("calc", "int"), scenarios.names.index(a.selected) + 1)
    _selection_flags(ws, st, a, flags)
    ws.write_string(FIRST_ROW - 1, 1, "Overrides", st("section"))
    effective = a.effective()
    for i, row in enumerate(scenarios.rows):
        r = FIRST_ROW + i
        sr = i + 2  # the row on the Scenarios sheet
        t = row.target
        active = a.selected in row.values
        pick = f"INDEX({schema.SCENARIOS_SHEET}!${first}${sr}:${last}${sr},1,$E$4)"
        ws.write_string(r, 0, row_key(scenarios, i))
        ws.write_string(r, 1, t.text())
        if row.from_month is not None:
            ws.write_formula(r, 2, f"={schema.SCENARIOS_SHEET}!$B${sr}", st("link", "day"),
                             input_number(row.from_month))
        ws.write_formula(r, 3, f'=({pick}<>"")*1', st("calc", "flag"), 1.0 if active else 0.0)
        if t.sheet == schema.SCHEDULE_SHEET:  # inactive: the base rate in force from then
            assert row.from_month is not None
            value = (input_number(row.values[a.selected]) if active
                     else _rate_in_force(a, t.column, row.from_month))
            formula = f"=IF(D{r + 1}=1,{pick},{_in_force_formula(addr, t.column, r + 1)})"
        else:
            value = input_number(effective.cell(t.sheet, t.row, t.column))
            formula = f"=IF(D{r + 1}=1,{pick},{base_cell(t, addr)})"
        ws.write_formula(r, 4, formula, st("calc", _kind(t)), value)
        ws.write_string(r, 5, row.note, st("note_wrap"))
        if height := wrapped_height([(row.note, 80)]):
            ws.set_row(r, height)
    ws.freeze_panes(2, 2)
    ws.print_area(0, 1, flags + len(scenarios.names) - 1, 5)  # the key column is for formulas
    ws.set_column(0, 0, 36, st("key"))
    ws.set_column(1, 1, 46)
    ws.set_column(2, 4, 14)
    ws.set_column(5, 5, 80)


def _selection_flags(ws: Any, st: Styles, a: Assumptions, first_row: int) -> None:
    """One row per scenario: 1 if it is the selected one. EXACT compares as Python does
    (case and every character count), where MATCH(name, names, 0) ignores case and reads
    * ? ~ as wildcards: a scenario named '*' selected the first scenario. The index is
    then MATCH(1, these flags, 0), a number matched exactly."""
    assert a.scenarios is not None
    ws.write_string(first_row - 1, 1, "Which scenario is selected (1 = this one; case and "
                    "every character count)", st("section"))
    for i, name in enumerate(a.scenarios.names):
        r = first_row + i
        header = f"{schema.SCENARIOS_SHEET}!${xl_col_to_name(len(FIXED_COLUMNS) + i)}$1"
        ws.write_string(r, 0, keys.scenario_selected(i + 1))
        ws.write_formula(r, 1, f"={header}", st("link"), name)
        ws.write_formula(r, 4, f"=EXACT(B{r + 1},$E$3)*1", st("calc", "flag"),
                         1.0 if name == a.selected else 0.0)


def _kind(t: Target) -> str:
    f = field_of(t)
    assert f is not None
    return {"month": "day_or_blank", "usd": "usd_full", "rate": "rate"}.get(f.kind, "count")


def _in_force_formula(addr: InputAddresses, key: str, row: int) -> str:
    """The base Schedule rate in force in the month of column C of ``row``."""
    col = addr.schedule_columns["from_month"]
    months = (f"{schema.SCHEDULE_SHEET}!${col}${addr.schedule_first_row}"
              f":${col}${addr.schedule_last_row}")
    return f"IFERROR(INDEX({addr.schedule_range(key)},MATCH($C{row},{months},1),1),0)"


def _rate_in_force(a: Assumptions, key: str, month: dt.date) -> float:
    rows = [i for i in range(len(a.schedule)) if a.schedule_start(i) <= month]
    return a.schedule_rate(rows[-1], key) if rows else 0.0  # no Schedule row yet in force

