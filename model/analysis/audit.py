"""`finmodel audit`: the model came back from email; is it still the model?

The tool knows which formula every cell of a model should hold, so it rebuilds the
model in memory and compares the file with it cell by cell (``audit_cells``). Two
models are rebuilt: the one that was built (from the copy of the input cells and the
options the file records, see ``buildrecord``), which says what every cell should
hold; and, when the inputs were edited since, the one for the inputs the file holds
now, which says what every formula should give. Edited inputs are fine: they are
listed. The rebuild itself (the workbook writer) is passed in by the caller.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from model.analysis import audit_cells as cmp
from model.analysis import audit_more, buildrecord, causes
from model.analysis.buildrecord import BuildRecord
from model.analysis.sheetcells import Book, UnreadableWorkbook, cell_position, read_book
from model.errors import InputError, Problem
from model.inputs import schema, tables
from model.inputs.assumptions import Assumptions
from model.inputs.reader import RawTable, RawWorkbook, check_container
from model.inputs.validate import load, validate

INPUT_SHEETS = tables.SHEET_NAMES
Rebuild = Callable[[Assumptions, BuildRecord], bytes]


@dataclass
class Report:
    path: Path
    audit: cmp.Audit
    record: BuildRecord
    notes: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return self.audit.intact

    def text(self, limit: int | None = None) -> str:
        return render(self.audit, str(self.path), self.notes, limit)


def not_a_model(path: Path, why: str) -> InputError:
    return InputError(str(path), [Problem(None, None, "a model built by finmodel "
                                          "(finmodel build writes one)", why)])


def audit(path: Path, rebuild: Rebuild) -> Report:
    """Compare the model at ``path`` with the one finmodel builds from it. Raises
    InputError when the file is not a model (or its inputs are not valid)."""
    check_container(path)
    try:
        found = read_book(path)
        record = buildrecord.decode(found.properties)
    except (UnreadableWorkbook, ValueError) as e:
        raise not_a_model(path, str(e)) from None
    if record is None:
        names = ", ".join(s.name for s in found.sheets[:6])
        raise not_a_model(path, f"a workbook without finmodel's build record (sheets {names})")
    as_built = _as_built(path, record)
    now = dataclasses.replace(load(path), name=record.name, as_of=as_built.as_of)
    built = read_book(rebuild(as_built, record))
    roles = cmp.Roles(inputs=frozenset(INPUT_SHEETS), extras=frozenset(record.extras))
    report = Report(path, cmp.Audit(), record)
    edited = _edited(built, found)
    live: Book | None = built
    if edited and not record.values_only:
        live = read_book(rebuild(now, record))
    report.audit = cmp.compare(built, found, live, roles)
    report.audit.findings = causes.attribute(audit_more.inspect(
        report.audit.findings, built, found, INPUT_SHEETS), found)
    if live is not built and live is not None and _reshaped(built, live):
        report.audit.findings.append(cmp.Finding(
            "structure", "the inputs", found="structural inputs edited (the start, the "
            "horizon, the parties, tiers or Schedule rows shape the workbook)",
            expected="run finmodel build to reshape it"))
    if record.values_only:
        report.notes.append("A values-only copy (built with --values-only): it holds no "
                            "formulas, so its numbers are compared with those it was built with.")
    if record.scenario != now.selected:
        report.notes.append(f"The scenario selected was '{record.scenario}' when it was built "
                            f"and is '{now.selected}' now.")
    return report


def _reshaped(built: Book, live: Book) -> bool:
    """True if the model for the inputs now has other formulas than the one built."""
    for b in built.sheets:
        other = live.sheet(b.name)
        if other is None or {p: c.formula for p, c in b.cells.items() if c.formula} != \
                {p: c.formula for p, c in other.cells.items() if c.formula}:
            return True
    return len(built.sheets) != len(live.sheets)


def _edited(built: Book, found: Book) -> bool:
    for name in (*INPUT_SHEETS, "Dashboard"):
        b, f = built.sheet(name), found.sheet(name)
        if b is None or f is None:
            continue
        for pos, cell in b.cells.items():
            if cell.formula is None:
                other = f.cells.get(pos)
                if not cmp.same(cell.value, other.value if other else None):
                    return True
    return False


def _as_built(path: Path, record: BuildRecord) -> Assumptions:
    """The assumptions the model was built with, from the copy of its input cells."""
    tables = {sheet: _table(sheet, cells) for sheet, cells in record.cells.items()}
    saved = dt.datetime.fromisoformat(record.as_of) if record.as_of else None
    raw = RawWorkbook(f"{path} (as built)", tables, schema.SCHEMA_VERSION, False, saved)
    try:
        a = validate(raw)
    except InputError as e:
        raise not_a_model(path, f"a damaged build record ({e.problems[0].describe()})") from None
    a = dataclasses.replace(a, name=record.name)
    if a.scenarios is not None and record.scenario in a.scenarios.names:
        a = a.with_scenario(record.scenario)
    return a


def _table(sheet: str, cells: dict[str, buildrecord.Value]) -> RawTable:
    """A sheet's cells as the reader would have read them."""
    grid: dict[int, dict[int, object]] = {}
    for ref, value in cells.items():
        r, c = cell_position(ref)
        grid.setdefault(r, {})[c] = value
    table = RawTable(sheet, {})
    for c, v in sorted(grid.get(1, {}).items()):
        if isinstance(v, str) and v.strip() and v.strip() not in table.header:
            table.header[v.strip()] = c - 1
    width = max((c for row in grid.values() for c in row), default=0)
    for r in sorted(grid):
        if r == 1:
            continue
        values = [_as_read(grid[r].get(c)) for c in range(1, width + 1)]
        if any(v is not None for v in values):
            table.rows.append((r, values))
    return table


def _as_read(v: object) -> object:
    """A value as openpyxl reads it: whole numbers as int, text stripped."""
    if isinstance(v, str):
        return v.strip() or None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


LIMIT = 12


def render(audit: cmp.Audit, path: str, notes: Sequence[str] = (),
           limit: int | None = LIMIT) -> str:
    lines = [f"Audit of {path}: {audit.formulas_checked:,} formulas and "
             f"{audit.cells_checked - audit.formulas_checked:,} other cells compared with "
             "the model built from its own inputs", *notes, ""]
    for kind, (heading, _) in cmp.KINDS.items():
        found = audit.of(kind)
        if not found:
            continue
        lines.append(f"{heading}: {len(found):,}")
        shown = found if limit is None else found[:limit]
        lines += [f"  {_line(x)}" for x in shown]
        if len(found) > len(shown):
            lines.append(f"  ... and {len(found) - len(shown):,} more (--all lists them)")
        lines.append("")
    lines.append("The model is intact." if audit.intact else
                 "The model is NOT intact: rebuild it with finmodel build, or undo the "
                 "changes above.")
    return "\n".join(lines)


def _line(f: cmp.Finding) -> str:
    key = f" ({f.key})" if f.key else ""
    if f.kind in ("sheet", "link"):
        return f"{f.where}: {f.found}" + (f"; expected {f.expected}" if f.expected else "")
    if f.kind == "structure":
        return f"{f.where}{key}: {f.found}" + (f", {f.expected}" if f.expected else "")
    if f.kind in ("input", "typed", "typed_outside"):
        return f"{f.where}{key}: {f.expected} -> {f.found}"
    if f.kind in ("validation", "circular"):
        return f"{f.where}: {f.found}" + (f"; expected {f.expected}" if f.expected else "")
    if f.kind == "outdated":
        return f"{f.where}: {f.found}"
    if f.kind == "uncalculated":
        return f"{f.where}{key}: no saved result; its formula gives {f.expected}"
    if f.kind == "stale":
        return f"{f.where}{key}: holds {f.found}; its formula gives {f.expected}"
    follow = (f"; {f.downstream:,} cells downstream hold saved values that follow from it"
              if f.downstream else "")
    return f"{f.where}{key}: holds {f.found}; the model has {f.expected}{follow}"
