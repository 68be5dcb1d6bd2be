"""What the engine refuses: line keys that collide, and numbers that overflow.

Both are input problems, reported like any other: the sheet, the cell and the input.

- A party's key becomes part of the model's line keys (``dist_<party>``,
  ``tier1_<party>``, ...). Which keys would collide is derived from the model's own
  lines: the lines are generated once with a placeholder for every party key, which
  gives every name pattern, and the real keys are checked against them. New lines stay
  covered without a list to keep.
- Every computed value must stay within ``LIMIT`` (a spreadsheet holds up to about
  1.8e308; the margin leaves room for totals). The inputs are range-checked when read,
  so what can still overflow is growth compounded over many months: the message names
  the growth rate that does it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Sequence

from model import keys
from model.core.expr import Expr, IfBlank, Input, Lookup, MonthBefore, Param, Prev, Ref
from model.core.line import Line
from model.core.lines import all_lines
from model.errors import InputError, Problem
from model.inputs import schema
from model.inputs.assumptions import Assumptions
from model.inputs.problems import describe

LIMIT = 1e300
_HOLE = re.compile("\x00([0-9]+)\x00")  # a placeholder party key: not a valid key


def source_name(a: Assumptions) -> str:
    return a.source or f"assumptions '{a.name}'"


# ---------------------------------------------------------------- line keys


def _placeholders(a: Assumptions) -> Assumptions:
    """The assumptions with party key i replaced by a placeholder, everywhere it is used."""
    hole = {p.key: f"\x00{i}\x00" for i, p in enumerate(a.parties)}
    parties = tuple(dataclasses.replace(
        p, key=hole[p.key], overflow_to=hole.get(p.overflow_to or "", p.overflow_to))
        for p in a.parties)
    tiers = tuple(dataclasses.replace(
        t, hurdle_party=hole.get(t.hurdle_party or "", t.hurdle_party),
        shares={hole.get(k, k): v for k, v in t.shares.items()}) for t in a.tiers)
    return dataclasses.replace(a, parties=parties, tiers=tiers, scenarios=None, selected=None)


def reserved_names(a: Assumptions) -> tuple[list[str], list[str]]:
    """The words a party key cannot be, and the forms it cannot take (such as
    'prior_<party>'), derived from the line keys the model generates for this shape."""
    made = [ln.key for ln in all_lines(_placeholders(a))]
    fixed = {k for k in made if not _HOLE.search(k)}
    patterns = {tuple(_HOLE.split(k)[::2]) for k in made if len(_HOLE.findall(k)) == 1}
    words: set[str] = set()
    forms: set[str] = set()
    for pre, suf in patterns:
        for k in fixed:
            if k.startswith(pre) and k.endswith(suf) and len(k) > len(pre) + len(suf):
                words.add(k[len(pre):len(k) - len(suf)])
        for pre2, suf2 in patterns:
            if pre2.startswith(pre) and suf.endswith(suf2) and (pre2, suf2) != (pre, suf):
                forms.add(f"{pre2[len(pre):]}<party>{suf[:len(suf) - len(suf2)]}")
    return sorted(words), sorted(forms)


def key_problems(a: Assumptions, lines: Sequence[Line]) -> list[Problem]:
    """A problem for every party whose key makes two lines share a key."""
    count: dict[str, int] = {}
    for ln in lines:
        count[ln.key] = count.get(ln.key, 0) + 1
    clashes = {k for k, n in count.items() if n > 1}
    if not clashes:
        return []
    words, forms = reserved_names(a)
    patterns = [ln.key for ln in all_lines(_placeholders(a))]
    out = []
    for i, p in enumerate(a.parties):
        mine = [k for k in patterns if f"\x00{i}\x00" in k]
        hit = sorted({k.replace(f"\x00{i}\x00", p.key) for k in mine} & clashes)
        if not hit or not _reserved(p.key, words, forms):
            continue
        out.append(Problem(
            schema.PARTIES_SHEET, a.cells.get((schema.PARTIES_SHEET, p.key, "party")),
            "a party key that is not a name the model gives its own lines ("
            + ", ".join(words + forms) + ")",
            f"'{p.key}', which would give two lines the key '{hit[0]}'", p.key))
    return out  # a clash no party key explains: model.core.linekeys names it


def _reserved(key: str, words: list[str], forms: list[str]) -> bool:
    if key in words:
        return True
    for form in forms:
        head, _, tail = form.partition("<party>")
        if key.startswith(head) and key.endswith(tail) and len(key) > len(head) + len(tail):
            return True
    return False


# ---------------------------------------------------------------- overflow


def first_bad(lines: Sequence[Line], raw: list[list[float]]) -> tuple[int, int] | None:
    """(month t, line i) of the first value computed out of range, NaN or never computed
    (a division by zero stopped the run there), in the order the engine computes."""
    bad_rows = []
    for i, (ln, row) in enumerate(zip(lines, raw, strict=True)):
        values = row if ln.opening is not None else row[1:]
        total = sum(values)
        if not math.isfinite(total) or max(values) > LIMIT or min(values) < -LIMIT:
            bad_rows.append(i)
    if not bad_rows:
        return None
    found = []
    for i in bad_rows:
        start = 0 if lines[i].opening is not None else 1
        t = next(t for t in range(start, len(raw[i])) if not -LIMIT <= raw[i][t] <= LIMIT)
        found.append((t, i))
    return min(found)


def overflow_problem(a: Assumptions, lines: Sequence[Line], raw: list[list[float]],
                     months: Sequence[dt.date], error: str = "") -> InputError | None:
    """The input to blame for the first value out of range, or None if all are fine.
    ``a`` is the effective assumptions (the selected scenario's values)."""
    where = first_bad(lines, raw)
    if where is None:
        return None
    t, i = where
    ln = lines[i]
    value = raw[i][t]
    when = "the opening month" if t == 0 else f"{months[t]:%Y-%m}"
    what = (f"{ln.key} is {value:.3g} in {when}" if math.isfinite(value) else
            f"{ln.key} overflows in {when}" if not error else
            f"{ln.key} cannot be computed in {when} ({error})")
    by_key = {x.key: x for x in lines}
    sched, cells = _sources(ln, by_key)
    growth = sorted(sched & {f.key for f in a.schedule_fields if f.unit == "% a year"})
    if growth and t > 0:
        value_in, origin, since = max((_schedule_in_force(a, k, months, t)
                                       for k in growth), key=lambda x: x[0])
        problem = Problem(origin[0], a.cells.get(origin), "growth rates that keep "
                          f"{ln.key} within {LIMIT:.0e} over the horizon",
                          f"{describe(value_in)} a year from {since:%Y-%m}, with which {what}",
                          _label(origin))
    else:
        direct, direct_cells = _sources(ln, by_key, deep=False)
        candidates = [(v, c) for c in direct_cells or cells
                      if isinstance(v := _input_value(a, c), float)]
        if not candidates:
            return InputError(source_name(a), [Problem(None, None, "inputs with which every "
                                                       "line stays within 1e+300", what)])
        pick = min if error.startswith("division") else max
        v, c = pick(candidates, key=lambda vc: abs(vc[0]))
        origin = _origin(a, c)
        problem = Problem(origin[0], a.cells.get(origin), f"inputs with which {ln.key} "
                          f"stays within {LIMIT:.0e}", f"{describe(v)}, with which {what}",
                          _label(origin))
    return InputError(source_name(a), [problem])


def _label(origin: tuple[str, str, str]) -> str:
    sheet, row, column = origin
    if sheet == schema.SCENARIOS_SHEET:
        return f"{row} in scenario '{column}'"
    if sheet == schema.SCHEDULE_SHEET:
        return column
    return row if sheet == schema.INPUTS_SHEET else f"{row}: {column}"


def _sources(ln: Line, by_key: dict[str, Line], deep: bool = True
             ) -> tuple[set[str], set[tuple[str, str, str]]]:
    """The Schedule keys and the input cells (sheet, row, column) a line reads, and with
    ``deep`` those of every line it reads, through to the inputs."""
    sched: set[str] = set()
    cells: set[tuple[str, str, str]] = set()
    seen: set[str] = set()
    todo: list[Expr] = [ln.expr] + ([ln.opening] if isinstance(ln.opening, Expr) else [])
    while todo:
        node = todo.pop()
        if isinstance(node, Input | MonthBefore):
            cells.add((schema.INPUTS_SHEET, node.key, "value"))
        elif isinstance(node, Param):
            cells.add((node.table, node.row, node.column))
        elif isinstance(node, Lookup):
            sched.add(node.key)
        elif isinstance(node, Ref | Prev) and node.key in by_key and node.key not in seen:
            other = by_key[node.key]
            if keys.is_schedule_line(node.key) or deep:
                seen.add(node.key)
                todo.append(other.expr)
                if isinstance(other.opening, Expr):  # not SAME (the line's own formula)
                    todo.append(other.opening)
        if isinstance(node, IfBlank):
            todo.append(node.cell)
        todo.extend(node.children())
    return sched, cells


def _input_value(a: Assumptions, cell: tuple[str, str, str]) -> object:
    value = a.cell(*cell)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None


def _origin(a: Assumptions, cell: tuple[str, str, str]) -> tuple[str, str, str]:
    """Where the value in force of an input cell was typed: the selected scenario's
    override if it has one, else the input sheet."""
    if a.scenarios is not None and a.selected is not None:
        for row, _ in a.scenarios.overrides(a.selected):
            t = row.target
            if (t.sheet, t.row, t.column) == cell:
                return (schema.SCENARIOS_SHEET, t.text(), a.selected)
    return cell


def _schedule_in_force(a: Assumptions, key: str, months: Sequence[dt.date], upto: int
                       ) -> tuple[float, tuple[str, str, str], dt.date]:
    """The largest value of a Schedule key in force in months 1..upto, where it was
    typed, and the first month it held."""
    best: tuple[float, tuple[str, str, str], dt.date] | None = None
    for m in months[1:upto + 1]:
        i = max(j for j in range(len(a.schedule)) if j == 0 or a.schedule_start(j) <= m)
        value = a.schedule_rate(i, key)
        origin = (schema.SCHEDULE_SHEET, str(i), key)
        first = a.schedule_start(i)
        since = max(first, months[1])
        for k, start, v in a.schedule_overrides:
            if k == key and m >= start:
                value, since = v, max(start, months[1])
                origin = (schema.SCENARIOS_SHEET, keys.target(schema.SCHEDULE_SHEET, None, key),
                          str(a.selected))
        if best is None or value > best[0]:
            best = (value, origin, since)
    assert best is not None
    return best
