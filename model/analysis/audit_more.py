"""What the cell-by-cell audit adds about a returned model's own edits: formulas typed
into input cells, data validation removed or changed, and circular references.

- A formula typed into an input is listed apart from the inputs edited: one that refers
  only to input cells is fine (a rebuild keeps it), any other (to a calculated sheet,
  another file, circular) breaks the model, and ``finmodel build`` refuses it.
- The model's data validation (the scenario drop-down, the lists and bounds of the
  input tables) is compared rule by rule: one removed or changed lets a wrong value in.
- A circular reference can only pass through a formula that differs from the model's
  (the model has none), so each such cell is followed through the file's formulas.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from model.analysis.audit_cells import Finding
from model.analysis.causes import Dependents, references
from model.analysis.causes import position as _pos
from model.analysis.sheetcells import Book

CHANGED = ("formula", "typed", "typed_outside", "added")


def inspect(findings: list[Finding], built: Book, found: Book,
            inputs: Iterable[str]) -> list[Finding]:
    """The findings with typed formulas told apart, plus validation and circularity."""
    input_sheets = {s.upper() for s in inputs}
    out = [_typed(f, found, input_sheets) for f in findings]
    out += _validations(built, found)
    changed = [f.where for f in out if f.kind in CHANGED]
    if changed:
        deps = Dependents(found)
        for where in changed:
            pos = _pos(where)
            if pos is not None and pos in deps.downstream(pos, include_start=True):
                out.append(Finding("circular", where, found="refers back to itself",
                                   expected="no circular references"))
                out = [dataclasses.replace(f, kind="typed_outside")
                       if f.kind == "typed" and f.where == where else f for f in out]
    return out


def _typed(f: Finding, found: Book, input_sheets: set[str]) -> Finding:
    if f.kind != "input":
        return f
    sheet_name, _, ref = f.where.rpartition("!")
    pos = _pos(f.where)
    sheet = found.sheet(sheet_name)
    cell = sheet.cells.get(pos[1:]) if sheet is not None and pos is not None else None
    if cell is None or cell.formula is None:
        return f
    outside = [r for r in references(cell.formula, sheet_name.upper())
               if r[0] not in input_sheets]
    kind = "typed_outside" if outside or "[" in cell.formula else "typed"
    return dataclasses.replace(f, kind=kind, found=f"={cell.formula} (saved: {f.found})")


def _validations(built: Book, found: Book) -> list[Finding]:
    out = []
    for b in built.sheets:
        f = found.sheet(b.name)
        if f is None or not b.validations:
            continue
        have = {_rule(v) for v in f.validations}
        for rule in b.validations:
            if _rule(rule) not in have:
                now = next((v for v in f.validations if v[0] == rule[0]), None)
                out.append(Finding("validation", f"{b.name}!{rule[0]}",
                                   found="removed" if now is None else _show(now),
                                   expected=_show(rule)))
    return out


def _rule(v: tuple[str, str, str]) -> tuple[str, str, str]:
    """A rule as a spreadsheet program may save it again: -1000.0 and -1000 alike,
    references with or without $ and quotes."""
    cells, kind, first = v
    try:
        first = repr(float(first))
    except ValueError:
        first = first.replace("$", "").replace("'", "").replace(" ", "").upper()
    return " ".join(sorted(cells.split())), kind, first


def _show(v: tuple[str, str, str]) -> str:
    return f"{v[1]} {v[2]}".strip() or "a rule"
