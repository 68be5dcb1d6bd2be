"""The cell-by-cell comparison behind `finmodel audit`.

The tool knows which formula every cell of a model should hold for the inputs the
file carries: it builds that model again in memory and compares the two, cell by
cell. What it finds:

- formula cells pasted over with a value, or whose formula was changed, by
  sheet!cell and line key, with the value found and what the formula gives;
- rows or columns inserted or deleted, sheets renamed, hidden, added or missing,
  links to other files, macros;
- error values, and saved results that no longer match their formulas (the file
  was edited by a program that does not recalculate);
- inputs edited since the build: fine, and listed as such.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from openpyxl.utils.cell import get_column_letter

from model.analysis.align import SheetMatch, match_sheet, normalise, similarity, to_file
from model.analysis.sheetcells import Book, Cell, Sheet, cell_position
from model.inputs.reader import SELECTED_NAME

EXCEL_EPOCH = dt.date(1899, 12, 30)
REL_TOL = 1e-9
RENAME_SIMILARITY = 0.5


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KINDS
    where: str  # Sheet!Cell, a sheet, or a row/column range
    key: str = ""  # the line key or label of the row (and the month of the column)
    found: str = ""
    expected: str = ""
    downstream: int = 0  # for a pasted-over or changed formula: stale cells that follow


# kind -> (heading, breaks the model?)
KINDS: dict[str, tuple[str, bool]] = {
    "sheet": ("Sheets renamed, added, missing or hidden", True),
    "structure": ("Rows or columns inserted or deleted", True),
    "link": ("Links to other files and macros", True),
    "pasted": ("Formulas pasted over with a value", True),
    "formula": ("Formulas changed", True),
    "error": ("Error values", True),
    "stale": ("Saved results that do not match their formulas", True),
    "uncalculated": ("Formulas without a saved result (the file was saved by a program that "
                     "does not calculate: open and save it in Excel or LibreOffice)", True),
    "text": ("Labels and values changed", True),
    "added": ("Cells filled where the model has none", True),
    "typed_outside": ("Formulas in inputs that refer to calculated sheets or other files, "
                      "or are circular (finmodel build refuses them)", True),
    "circular": ("Circular references", True),
    "validation": ("Data validation removed or changed", True),
    "typed": ("Formulas typed into inputs that refer only to inputs (fine: a rebuild "
              "keeps them)", False),
    "input": ("Inputs edited since the build (fine: the model follows them)", False),
    "outdated": ("Build-time results out of date (run finmodel build to refresh them)", False),
}


@dataclass
class Audit:
    findings: list[Finding] = field(default_factory=list)
    cells_checked: int = 0
    formulas_checked: int = 0

    @property
    def intact(self) -> bool:
        return not any(KINDS[f.kind][1] for f in self.findings)

    def of(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]


@dataclass(frozen=True)
class Roles:
    """What the built model's sheets are: where edits are inputs, and which sheets a
    command added that an audit cannot rebuild."""

    inputs: frozenset[str]
    extras: frozenset[str] = frozenset()  # e.g. Changes, Simulation: not rebuilt


def compare(built: Book, found: Book, live: Book | None, roles: Roles) -> Audit:
    """Compare the file with the model as built; ``live`` is the model for the file's
    inputs as they are now (what each formula should give), None for a values-only copy."""
    audit = Audit()
    pairs = _match_sheets(built, found, roles, audit)
    _links(found, audit)
    names = {b.name.upper(): f.name for b, f in pairs}
    matches = {b.name.upper(): match_sheet(b, f) for b, f in pairs}
    selector = _selector(built)
    for b, f in pairs:
        m = matches[b.name.upper()]
        if b.protected and not f.protected:
            audit.findings.append(Finding("sheet", f.name, found="not protected",
                                          expected="protected (built with --protect)"))
        _structure(m, audit)
        live_sheet = live.sheet(b.name) if live is not None else None
        _cells(m, live_sheet, names, matches, roles, selector, audit)
    for sheet in found.sheets:
        for (r, c), cell in sheet.cells.items():
            if sheet.name in roles.extras and cell.error:
                audit.findings.append(Finding("error", _ref(sheet.name, r, c),
                                              found=str(cell.value)))
            if cell.formula and _EXTERNAL.search(cell.formula):
                audit.findings.append(Finding("link", _ref(sheet.name, r, c),
                                              found=f"={cell.formula}",
                                              expected="no links to other files"))
    return audit


_EXTERNAL = re.compile(r"\[[^\]]*\]")


def _selector(built: Book) -> tuple[str, int, int] | None:
    """The scenario drop-down: an input, though it sits on the Dashboard."""
    text = built.names.get(SELECTED_NAME, "")
    sheet, _, ref = text.lstrip("=").rpartition("!")
    try:
        r, c = cell_position(ref.replace("$", ""))
    except ValueError:
        return None
    return sheet.strip("'"), r, c


def _match_sheets(built: Book, found: Book, roles: Roles,
                  audit: Audit) -> list[tuple[Sheet, Sheet]]:
    pairs: list[tuple[Sheet, Sheet]] = []
    by_name = {s.name.upper(): s for s in found.sheets}
    missing = []
    used: set[str] = set()
    for b in built.sheets:
        f = by_name.get(b.name.upper())
        if f is None:
            missing.append(b)
        else:
            pairs.append((b, f))
            used.add(f.name.upper())
    spare = [s for s in found.sheets if s.name.upper() not in used and s.name not in roles.extras]
    for b in missing:
        best = max(spare, key=lambda s: similarity(b, s), default=None)
        if best is not None and similarity(b, best) >= RENAME_SIMILARITY:
            spare.remove(best)
            pairs.append((b, best))
            audit.findings.append(Finding("sheet", best.name, found="renamed",
                                          expected=f"the sheet '{b.name}'"))
        else:
            audit.findings.append(Finding("sheet", b.name, found="missing",
                                          expected="a sheet of the model"))
    for s in spare:
        audit.findings.append(Finding("sheet", s.name, found="added",
                                      expected="not part of the model"))
    for b, f in pairs:
        if f.state != b.state:
            audit.findings.append(Finding("sheet", f.name, found=f.state, expected=b.state))
    return pairs


def _links(found: Book, audit: Audit) -> None:
    for target in found.external_links:
        audit.findings.append(Finding("link", "workbook", found=f"a link to {target}",
                                      expected="no links to other files"))
    if found.macros:
        audit.findings.append(Finding("link", "workbook", found="macros",
                                      expected="no macros"))


def _structure(m: SheetMatch, audit: Audit) -> None:
    name = m.found.name
    for what, axis, show in (("row", m.rows, str), ("column", m.cols, get_column_letter)):
        for first, last in axis.inserted:
            span = show(first) if first == last else f"{show(first)}-{show(last)}"
            plural = "s" if last > first else ""
            audit.findings.append(Finding("structure", f"{name} {what}{plural} {span}",
                                          found=f"{what}{plural} inserted",
                                          expected=_neighbour(m, what, first)))
        for first, last in axis.deleted:
            plural = "s" if last > first else ""
            audit.findings.append(Finding(
                "structure", name, key=", ".join(_label(m.built, p, what)
                                                 for p in range(first, last + 1))[:200],
                found=f"{what}{plural} deleted"))


def _neighbour(m: SheetMatch, what: str, first: int) -> str:
    axis = m.rows if what == "row" else m.cols
    for pos in range(first - 1, 0, -1):
        if pos in axis.to_expected:
            return f"after {_label(m.built, axis.to_expected[pos], what)}"
    return "at the top" if what == "row" else "at the left"


def _label(sheet: Sheet, pos: int, what: str) -> str:
    if what == "row":
        key = _row_key(sheet, pos)
        return f"row {pos}" + (f" ({key})" if key else "")
    return f"column {get_column_letter(pos)}"


def _row_key(sheet: Sheet, row: int) -> str:
    for c in (1, 2):
        cell = sheet.cells.get((row, c))
        if cell is not None and cell.formula is None and isinstance(cell.value, str):
            return cell.value
    return ""


def _plain(cell: Cell | None) -> Cell | None:
    """A cell holding TRUE() or FALSE() (how LibreOffice saves a boolean) as a value."""
    if cell is not None and cell.formula is not None and \
            cell.formula.replace(" ", "").upper() in ("TRUE()", "FALSE()"):
        return Cell(None, cell.value, date=cell.date)
    return cell


def _cells(m: SheetMatch, live: Sheet | None, names: dict[str, str],
           matches: dict[str, SheetMatch], roles: Roles,
           selector: tuple[str, int, int] | None, audit: Audit) -> None:
    b, f = m.built, m.found
    is_input = b.name in roles.inputs
    identity = not any((m.rows.inserted, m.rows.deleted, m.cols.inserted, m.cols.deleted)) and \
        all(k == v.upper() for k, v in names.items()) and \
        all(not (x.rows.inserted or x.rows.deleted or x.cols.inserted or x.cols.deleted)
            for x in matches.values())
    outdated = 0
    seen: set[tuple[int, int]] = set()
    for (r, c), want in b.cells.items():
        fr, fc = m.rows.to_file.get(r), m.cols.to_file.get(c)
        if fr is None or fc is None:
            continue  # its row or column was deleted: reported as such
        seen.add((fr, fc))
        got = _plain(f.cells.get((fr, fc)))
        now = live.cells.get((r, c)) if live is not None else None
        audit.cells_checked += 1
        where = _ref(f.name, fr, fc)
        if want.formula is not None:
            audit.formulas_checked += 1
            expected = want.formula if identity else to_file(
                want.formula, b.name, names, matches)
            _formula_cell(want, expected, got, now, where, _key(b, r, c), audit)
            continue
        if same(want.value, got.value if got else None) and not (got and got.formula):
            if now is not None and now.formula is None and not is_input and \
                    not same(want.value, now.value):
                outdated += 1
            continue
        if is_input or (selector and (b.name, r, c) == selector):
            audit.findings.append(Finding("input", where, _input_key(b, r, c), _show(got),
                                          _show(want)))
        else:
            audit.findings.append(Finding("text", where, _key(b, r, c), _show(got),
                                          _show(want)))
    if outdated:
        audit.findings.append(Finding("outdated", f.name, found=f"{outdated:,} values computed "
                                      "when it was built differ from those of the inputs now"))
    for (r, c), got in f.cells.items():
        if (r, c) in seen or (is_input and got.formula is None):
            continue  # compared above, or a note beside the inputs
        past = r > m.rows.beyond or c > m.cols.beyond
        if past or (r in m.rows.to_expected and c in m.cols.to_expected):
            shown = f"={got.formula}" if got.formula is not None else _show(got)
            audit.findings.append(Finding("added", _ref(f.name, r, c), "", shown,
                                          "an empty cell"))
        # else: in an inserted row or column, reported as such


def _formula_cell(want: Cell, expected: str, got: Cell | None, now: Cell | None, where: str,
                  key: str, audit: Audit) -> None:
    gives = _show(now) if now is not None and now.formula == want.formula else None
    if got is None or got.formula is None:
        audit.findings.append(Finding("pasted", where, key, _show(got),
                                      f"={expected}" + (f", which gives {gives}" if gives else "")))
        return
    if normalise(got.formula) != normalise(expected):
        audit.findings.append(Finding("formula", where, key, f"={got.formula} (saved: "
                                      f"{_show(got)})", f"={expected}"
                                      + (f" (which gives {gives})" if gives else "")))
    elif got.error:
        audit.findings.append(Finding("error", where, key, str(got.value), gives or ""))
    elif gives is None:
        return  # the inputs changed its shape: reported with the inputs
    elif got.value is None and now is not None and now.value not in (None, ""):
        audit.findings.append(Finding("uncalculated", where, key, "no saved result", gives))
    elif now is not None and not same(now.value, got.value):
        if where.startswith(EDIT_TRACKERS) or now.value == "up to date":
            return  # it follows input edits by design (model/workbook/asbuilt.py)
        audit.findings.append(Finding("stale", where, key, _show(got), gives))


# The hidden sheet whose formulas tell whether an input changed since the build, and
# the status cells that read it: after an input edit they differ from a fresh build.
EDIT_TRACKERS = ("Inputs as built!", "'Inputs as built'!")


def _input_key(sheet: Sheet, r: int, c: int) -> str:
    row = _row_key(sheet, r)
    head = sheet.cells.get((1, c))
    column = head.value if head is not None and isinstance(head.value, str) else ""
    if sheet.name == "Inputs" or not column:
        return row
    return f"{row} / {column}" if row else column


def same(a: object, b: object) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-9)
    return a == b


def _show(cell: Cell | None) -> str:
    if cell is None or cell.value is None:
        return "(blank)"
    v = cell.value
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and cell.date and 0 < v < 2_958_466:
        return f"{EXCEL_EPOCH + dt.timedelta(days=int(v)):%Y-%m-%d}"
    if isinstance(v, float):
        return f"{v:,.2f}" if abs(v) >= 1000 else f"{v:.10g}"
    return repr(v) if not cell.error else v


def _key(sheet: Sheet, r: int, c: int) -> str:
    key = _row_key(sheet, r) if c > 1 else ""
    head = sheet.cells.get((3, c))  # the month row of a calculation sheet
    if key and head is not None and head.formula is not None and isinstance(head.value, float) \
            and _row_key(sheet, 3) == "month":
        month = EXCEL_EPOCH + dt.timedelta(days=int(head.value))
        return f"{key}, {month:%Y-%m}"
    return key


def _ref(sheet: str, r: int, c: int) -> str:
    return f"{sheet}!{get_column_letter(c)}{r}"
