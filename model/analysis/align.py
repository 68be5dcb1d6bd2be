"""Match a model's sheets, rows and columns with the ones the tool would build.

A user who inserts a row in Excel moves every cell below it, and Excel rewrites
every formula that pointed there. Comparing cell by cell without knowing that
would report thousands of changes instead of one inserted row. So the sheets are
matched first (by name, then by content for a renamed sheet), then their rows and
columns (by the labels and month headers they hold), and the file's formulas are
read back through that match before they are compared.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from openpyxl.utils.cell import column_index_from_string, get_column_letter

from model.analysis.sheetcells import Cell, Sheet

HEADER_ROWS = 6  # the rows whose contents tell one column from another


@dataclass
class Axis:
    """How the positions of one axis (rows or columns) of a sheet match."""

    to_expected: dict[int, int] = field(default_factory=dict)  # file position -> built position
    to_file: dict[int, int] = field(default_factory=dict)
    inserted: list[tuple[int, int]] = field(default_factory=list)  # file positions, first-last
    deleted: list[tuple[int, int]] = field(default_factory=list)  # built positions, first-last
    beyond: int = 0  # file positions after this one lie past the end of the built sheet


def match_axis(expected: Sequence[object], found: Sequence[object]) -> Axis:
    """Positions are 1-based; ``expected[i]`` is the signature of position i + 1."""
    axis = Axis(beyond=len(found))
    sm = difflib.SequenceMatcher(None, list(expected), list(found), autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        common = min(i2 - i1, j2 - j1) if tag == "replace" else (i2 - i1 if tag == "equal" else 0)
        for k in range(common):
            axis.to_expected[j1 + k + 1] = i1 + k + 1
            axis.to_file[i1 + k + 1] = j1 + k + 1
        if j2 - j1 > common:
            if i2 == len(expected) and j2 == len(found) and tag == "insert":
                axis.beyond = j1 + common  # cells typed past the end, not an insertion
            else:
                axis.inserted.append((j1 + common + 1, j2))
        if i2 - i1 > common:
            axis.deleted.append((i1 + common + 1, i2))
    return axis


def _extent(cells: dict[tuple[int, int], Cell]) -> tuple[int, int]:
    if not cells:
        return 0, 0
    return max(r for r, _ in cells), max(c for _, c in cells)


def _text(cell: Cell | None) -> str | None:
    if cell is None or cell.formula is not None or not isinstance(cell.value, str):
        return None
    return cell.value


def row_signatures(sheet: Sheet, rows: int) -> list[object]:
    """A row is known by the first three labels in it (whatever their columns), or by
    how many formulas and values it holds when it has no label."""
    by_row: dict[int, list[tuple[int, Cell]]] = {}
    for (r, c), cell in sheet.cells.items():
        by_row.setdefault(r, []).append((c, cell))
    out: list[object] = []
    for r in range(1, rows + 1):
        cells = sorted(by_row.get(r, []), key=lambda x: x[0])
        labels = [t for _, cell in cells if (t := _text(cell))][:3]
        if labels:
            out.append(("label", *labels))
        else:
            out.append(("cells", sum(1 for _, x in cells if x.formula is not None),
                        sum(1 for _, x in cells if x.formula is None)))
    return out


def column_signatures(sheet: Sheet, cols: int, header_rows: Sequence[int]) -> list[object]:
    """A column is known by what its header rows hold (labels, month serials)."""
    out: list[object] = []
    for c in range(1, cols + 1):
        sig: list[object] = []
        for r in header_rows:
            cell = sheet.cells.get((r, c))
            if cell is None:
                sig.append(None)
            elif isinstance(cell.value, float):
                sig.append(round(cell.value, 6))
            else:
                sig.append(cell.value)
        out.append(tuple(sig))
    return out


@dataclass
class SheetMatch:
    built: Sheet
    found: Sheet
    rows: Axis
    cols: Axis


def match_sheet(built: Sheet, found: Sheet) -> SheetMatch:
    rows_b, cols_b = _extent(built.cells)
    rows_f, cols_f = _extent(found.cells)
    rows = match_axis(row_signatures(built, rows_b), row_signatures(found, rows_f))
    header_b = list(range(1, min(HEADER_ROWS, rows_b) + 1))
    header_f = [rows.to_file.get(r, 0) for r in header_b]
    cols = match_axis(column_signatures(built, cols_b, header_b),
                      column_signatures(found, cols_f, header_f))
    return SheetMatch(built, found, rows, cols)


def similarity(a: Sheet, b: Sheet) -> float:
    """How alike two sheets' labels are (0 to 1): to find a sheet that was renamed."""
    la = [v for v in (_text(c) for c in a.cells.values()) if v]
    lb = [v for v in (_text(c) for c in b.cells.values()) if v]
    if not la or not lb:
        return 0.0
    sa, sb = set(la), set(lb)
    return len(sa & sb) / len(sa | sb)


# ------------------------------------------------------------------ formulas

_STRING = re.compile(r'("(?:[^"]|"")*")')
_SIMPLE_SHEET = re.compile(r"'([A-Za-z_][A-Za-z0-9_.]*)'!")
_ONE = r"(\$?)([A-Z]{1,3})(\$?)([0-9]+)"
_CELL_REF = re.compile(
    r"(?<![A-Za-z0-9_.$])((?:'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_.]*)!)?" + _ONE
    + "(?::" + _ONE + ")?" + r"(?![A-Za-z0-9_(!])")


def normalise(formula: str) -> str:
    """A formula as text that two spreadsheet programs agree on: no leading '=',
    no '_xlfn.' prefixes, no spaces outside strings, upper case outside strings,
    sheet names unquoted where they need no quotes."""
    text = formula[1:] if formula.startswith("=") else formula
    pieces = _STRING.split(text)
    for i in range(0, len(pieces), 2):
        p = pieces[i].replace(" ", "").replace("\n", "").replace("\r", "").upper()
        p = p.replace("_XLFN.", "")
        pieces[i] = _SIMPLE_SHEET.sub(r"\1!", p)
    return "".join(pieces)


def to_file(formula: str, own: str, sheets: dict[str, str], matches: dict[str, SheetMatch]
            ) -> str:
    """A built formula as it reads in the file: each cell reference moved to where the
    file has that cell (after inserted or deleted rows and columns) and each sheet
    under its name in the file. ``sheets`` maps built names (upper case) to the
    file's; ``matches`` holds each built sheet's match, by upper-case built name."""
    pieces = _STRING.split(formula)
    for i in range(0, len(pieces), 2):
        pieces[i] = _CELL_REF.sub(_mover(own, sheets, matches), pieces[i])
    return "".join(pieces)


def _mover(own: str, sheets: dict[str, str],
           matches: dict[str, SheetMatch]) -> Callable[[re.Match[str]], str]:
    def move(m: re.Match[str]) -> str:
        prefix, *ends = m.groups()
        sheet = own
        if prefix:
            sheet = prefix[:-1]
            if sheet.startswith("'"):
                sheet = sheet[1:-1].replace("''", "'")
        match = matches.get(sheet.upper())
        out = [_quote(sheets.get(sheet.upper(), sheet)) + "!" if prefix else ""]
        for k in (0, 4):
            dc, col, dr, row = ends[k:k + 4]
            if col is None:
                break
            r, c = int(row), column_index_from_string(col)
            if match is not None:
                r = match.rows.to_file.get(r, r)
                c = match.cols.to_file.get(c, c)
            out.append(("" if k == 0 else ":") + f"{dc}{get_column_letter(c)}{dr}{r}")
        return "".join(out)
    return move


def _quote(sheet: str) -> str:
    return sheet if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet) else "'" + sheet.replace(
        "'", "''") + "'"
