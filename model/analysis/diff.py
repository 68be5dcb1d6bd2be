"""What changed between two versions: every input cell, and the headline results.

Both sides may be assumption workbooks or generated models: only their input
sheets (and Scenarios) are read. Inputs are matched by their keys, not their
positions, so inserting a Schedule row shows as one added row, not a cascade.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from model.analysis.report import format_value, headline_items, money
from model.core.engine import run
from model.inputs import schema, tables
from model.inputs.reader import read_workbook
from model.inputs.validate import validate

if TYPE_CHECKING:
    from model.inputs.assumptions import Assumptions
    from model.inputs.reader import RawTable, RawWorkbook

# The column (or columns) whose value identifies a row, per sheet (the input tables' row
# keys; an Actuals row by its line, period and measure).
ROW_KEYS: dict[str, str | tuple[str, ...]] = {
    t.sheet: t.row_key for t in tables.TABLES
    if t.row_key is not None and t.sheet != schema.DISTRIBUTIONS_SHEET}
ROW_KEYS[schema.ACTUALS_SHEET] = ("line", "period", "measure")
SKIP_COLUMNS = {schema.INPUTS_SHEET: {"key", "unit", "description", "source"}}


@dataclass(frozen=True)
class InputChange:
    where: str  # Sheet!Cell in the new workbook (the old one if the row was removed)
    key: str  # row key / column
    old: object
    new: object


@dataclass(frozen=True)
class ResultChange:
    label: str
    old: object
    new: object

    @property
    def moved(self) -> str:
        if isinstance(self.old, float) and isinstance(self.new, float):
            return money(self.new - self.old, signed=True)
        if isinstance(self.old, dt.date) and isinstance(self.new, dt.date):
            months = (self.new.year - self.old.year) * 12 + self.new.month - self.old.month
            return f"{months:+d} months"
        return "changed"


def _same(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) \
            and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=0.0)
    return a == b


def _rows(table: RawTable, key_column: str | tuple[str, ...]
          ) -> dict[str, tuple[int, list[object]]]:
    out: dict[str, tuple[int, list[object]]] = {}
    keys = (key_column,) if isinstance(key_column, str) else key_column
    if any(k not in table.header for k in keys):
        return out
    for excel_row, values in table.rows:
        parts = [table.value(values, k) for k in keys]
        if all(p is not None for p in parts):
            text = " ".join(f"{p:%Y-%m-%d}" if isinstance(p, dt.date) else str(p)
                            for p in parts)
            out.setdefault(text, (excel_row, values))
    return out


def _show(value: object) -> str:
    if value is None:
        return "(blank)"
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


def input_changes(old: RawWorkbook, new: RawWorkbook) -> list[InputChange]:
    changes: list[InputChange] = []
    for sheet, key_column in ROW_KEYS.items():
        a, b = old.tables.get(sheet), new.tables.get(sheet)
        if a is None or b is None:
            if a is not b:
                changes.append(InputChange(sheet, "(sheet)", "present" if a else "absent",
                                           "present" if b else "absent"))
            continue
        rows_a, rows_b = _rows(a, key_column), _rows(b, key_column)
        columns = [c for c in sorted(set(a.header) | set(b.header), key=lambda c: (
            b.header.get(c, a.header.get(c, 0)), c))
                   if c not in (key_column if isinstance(key_column, tuple) else (key_column,))
                   and c not in SKIP_COLUMNS.get(sheet, set())]
        for row_key in [*rows_b, *(k for k in rows_a if k not in rows_b)]:
            in_a, in_b = rows_a.get(row_key), rows_b.get(row_key)
            for col in columns:
                va = a.value(in_a[1], col) if in_a and col in a.header else None
                vb = b.value(in_b[1], col) if in_b and col in b.header else None
                if _same(va, vb):
                    continue
                where = in_b if in_b and col in b.header else in_a
                assert where is not None  # the row is on one side at least
                table, row = (b if where is in_b else a), where[0]
                label = row_key if sheet == schema.INPUTS_SHEET else f"{row_key} / {col}"
                changes.append(InputChange(f"{sheet}!{table.cell(row, col)}", label, va, vb))
    return changes


def result_changes(old: Assumptions, new: Assumptions) -> list[ResultChange]:
    """The headline results that moved, each side under the scenario it selects."""
    before = headline_items(run(old))
    after = dict(headline_items(run(new)))
    return [ResultChange(label, value, after.get(label)) for label, value in before
            if label in after and not _same(value, after[label])]


def scenario_change(old: RawWorkbook, new: RawWorkbook, a: Assumptions,
                    b: Assumptions) -> list[InputChange]:
    """The scenario selected (a model's drop-down), when the two sides differ."""
    if a.selected == b.selected:
        return []
    chosen = new.selected or old.selected
    where = f"{chosen[0]}!{chosen[1]}" if chosen else schema.SCENARIOS_SHEET
    return [InputChange(where, "scenario selected", a.selected, b.selected)]


@dataclass(frozen=True)
class Diff:
    old: Path
    new: Path
    inputs: list[InputChange]
    results: list[ResultChange]
    scenarios: tuple[str | None, str | None] = (None, None)  # selected in old, in new


def diff(old: Path, new: Path) -> Diff:
    raw_old, raw_new = read_workbook(old), read_workbook(new)
    a = validate(raw_old)  # refuse an invalid side with its own message
    b = validate(raw_new)
    return Diff(old, new, scenario_change(raw_old, raw_new, a, b)
                + input_changes(raw_old, raw_new), result_changes(a, b),
                (a.selected, b.selected))


def _table(headers: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)), line]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def input_rows(d: Diff) -> list[tuple[str, str, str, str]]:
    return [(c.where, c.key, _show(c.old), _show(c.new)) for c in d.inputs]


def result_rows(d: Diff) -> list[tuple[str, str, str, str]]:
    return [(c.label, format_value(c.old), format_value(c.new), c.moved) for c in d.results]


def render(d: Diff) -> str:
    parts = [f"Changes from {d.old} to {d.new}", ""]
    old, new = d.scenarios
    if old != new:
        parts += [f"The scenario selected differs: '{old}' in {d.old.name}, '{new}' in "
                  f"{d.new.name}. Each side's results are under its own scenario.", ""]
    elif old is not None:
        parts += [f"Both select the scenario '{old}'.", ""]
    if d.inputs:
        parts += [f"Inputs changed: {len(d.inputs)}",
                  _table(("cell", "key", "old", "new"), input_rows(d)), ""]
    else:
        parts += ["No input changed.", ""]
    if d.results:
        parts += [f"Headline results that moved (recomputed from each file's inputs): "
                  f"{len(d.results)}",
                  _table(("result", "old", "new", "moved by"), result_rows(d))]
    else:
        parts.append("No headline result moved.")
    return "\n".join(parts)
