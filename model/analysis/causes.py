"""Causes, not symptoms: which of an audit's stale results follow from one paste.

A value pasted over one formula, once the spreadsheet recalculates, changes every cell
that depends on it: thousands of saved results then differ from what the model's
formulas give for its inputs, all for one reason. The audit reports each pasted-over
or changed formula once, with the number of cells downstream of it whose saved values
differ; a stale result that no such cause reaches stays a finding of its own.

"Downstream" is read from the file's own formulas (openpyxl's tokenizer finds each
reference): a cell depends on every cell and range its formula names.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable

from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils.cell import range_boundaries

from model.analysis.sheetcells import Book, cell_position

CAUSES = ("pasted", "formula")
MAX_ROW, MAX_COL = 1_048_576, 16_384

Pos = tuple[str, int, int]  # (sheet in upper case, row, column)


class Dependents:
    """Who reads each cell, from every formula of a workbook."""

    def __init__(self, book: Book) -> None:
        self.names = {s.name.upper(): s.name for s in book.sheets}
        self.single: dict[Pos, list[Pos]] = defaultdict(list)
        self.rows: dict[tuple[str, int], list[tuple[int, int, Pos]]] = defaultdict(list)
        self.blocks: dict[str, list[tuple[int, int, int, int, Pos]]] = defaultdict(list)
        for sheet in book.sheets:
            own = sheet.name.upper()
            for (r, c), cell in sheet.cells.items():
                if cell.formula:
                    for ref in references(cell.formula, own):
                        self._add(ref, (own, r, c))

    def _add(self, ref: tuple[str, int, int, int, int], reader: Pos) -> None:
        sheet, c1, r1, c2, r2 = ref
        if (r1, c1) == (r2, c2):
            self.single[(sheet, r1, c1)].append(reader)
        elif r1 == r2:
            self.rows[(sheet, r1)].append((c1, c2, reader))
        else:
            self.blocks[sheet].append((r1, c1, r2, c2, reader))

    def readers(self, at: Pos) -> Iterable[Pos]:
        sheet, r, c = at
        yield from self.single.get(at, ())
        for c1, c2, reader in self.rows.get((sheet, r), ()):
            if c1 <= c <= c2:
                yield reader
        for r1, c1, r2, c2, reader in self.blocks.get(sheet, ()):
            if r1 <= r <= r2 and c1 <= c <= c2:
                yield reader

    def downstream(self, start: Pos, include_start: bool = False) -> set[Pos]:
        """Every cell that reads ``start``, directly or through others (``start`` itself
        only when ``include_start`` and it reads itself: a circular reference)."""
        seen: set[Pos] = set()
        todo = [start]
        while todo:
            for reader in self.readers(todo.pop()):
                if reader not in seen and (include_start or reader != start):
                    seen.add(reader)
                    todo.append(reader)
        return seen


_SHEET = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!(.+)$")


def references(formula: str, own: str) -> Iterable[tuple[str, int, int, int, int]]:
    """(sheet, first column, first row, last column, last row) of each reference."""
    try:
        items = Tokenizer("=" + formula).items
    except Exception:  # a formula the tokenizer cannot read: no dependency known
        return
    for item in items:
        if item.type != Token.OPERAND or item.subtype != Token.RANGE:
            continue
        text, sheet = item.value, own
        m = _SHEET.match(text)
        if m is not None:
            sheet = (m.group(1).replace("''", "'") if m.group(1) else m.group(2)).upper()
            text = m.group(3)
        try:
            c1, r1, c2, r2 = range_boundaries(text.replace("$", ""))
        except (ValueError, TypeError):
            continue  # a defined name or a link to another file
        yield sheet, c1 or 1, r1 or 1, c2 or MAX_COL, r2 or MAX_ROW


def position(where: str) -> Pos | None:
    sheet, _, ref = where.rpartition("!")
    try:
        r, c = cell_position(ref)
    except (ValueError, KeyError):
        return None
    return sheet.strip("'").upper(), r, c


def attribute(findings: list, found: Book) -> list:  # type: ignore[type-arg]
    """The findings with each stale result downstream of a pasted-over or changed
    formula folded into that cause's count (``Finding.downstream``)."""
    causes = [f for f in findings if f.kind in CAUSES]
    stale = {p: f for f in findings if f.kind == "stale" and (p := position(f.where))}
    if not causes or not stale:
        return findings
    deps = Dependents(found)
    explained: set[Pos] = set()
    counted = {}
    for cause in causes:
        start = position(cause.where)
        below = deps.downstream(start) if start is not None else set()
        hit = below & stale.keys()
        explained |= hit
        counted[id(cause)] = len(hit)
    out = []
    for f in findings:
        if f.kind in CAUSES:
            out.append(dataclasses.replace(f, downstream=counted[id(f)]))
        elif f.kind == "stale" and position(f.where) in explained:
            continue
        else:
            out.append(f)
    return out
