"""Reading the `Distributions` sheet (its columns are described in ``uncertain``)."""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from model.errors import InputError, Problem
from model.inputs.problems import describe
from model.inputs.schema import Field
from model.inputs.uncertain import (
    APPLY_MODES,
    COLUMNS,
    DISTRIBUTION_FIELDS,
    INPUT_KEYS,
    KINDS,
    NUMBER_COLUMNS,
    SHEET,
    Distribution,
)

if TYPE_CHECKING:
    from model.inputs.assumptions import Assumptions
    from model.inputs.reader import RawTable

MAX_NUMBER = 1e300  # as for the inputs: room below a spreadsheet's largest number (1.8e308)


def base_case(a: Assumptions, keys: Sequence[str]) -> tuple[Distribution, ...]:
    """Degenerate rows that always draw the base case: value mode for Inputs keys,
    scale by exactly 1 for Schedule keys."""
    out = []
    for key in keys:
        if key not in INPUT_KEYS:  # a Schedule key
            out.append(Distribution(key, "normal", "scale", mean=1.0, sd=0.0))
        else:
            value = a.inputs[key]
            assert isinstance(value, int | float)
            out.append(Distribution(key, "normal", "value", mean=float(value), sd=0.0))
    return tuple(out)


def parse_distributions(table: RawTable, a: Assumptions, path: str,
                        check_blank: bool = True) -> tuple[Distribution, ...]:
    """The rows of a Distributions sheet, validated against the assumptions.

    ``check_blank=False`` leaves out the one check that depends on the scenario (that
    a drawn input is not blank): loading a workbook parses the sheet once that way, and
    ``validate_for`` makes the check against the scenario that is simulated.
    Raises InputError listing every problem by sheet and cell."""
    problems: list[Problem] = []

    def bad(cell: str | None, expected: str, found: str = "", key: str | None = None) -> None:
        problems.append(Problem(SHEET, cell, expected, found, key))

    for col in ("key", "distribution"):
        if col not in table.header:
            bad("row 1", f"a column headed '{col}' (the columns are {', '.join(COLUMNS)})",
                "none")
    if problems:
        raise InputError(path, problems)

    schedule_keys = {f.key for f in a.schedule_fields}
    seen: dict[str, int] = {}
    out: list[Distribution] = []
    for excel_row, values in table.rows:
        def cell(col: str, r: int = excel_row) -> str:
            return table.cell(r, col)

        def text(col: str, vals: list[object] = values) -> object:
            return table.value(vals, col) if col in table.header else None

        key = text("key")
        if not isinstance(key, str):
            bad(cell("key"), "an Inputs or Schedule key", describe(key))
            continue
        if key not in INPUT_KEYS and key not in schedule_keys:
            if key in a.inputs:
                bad(cell("key"), "an Inputs key holding an amount, a rate or a count "
                    "(dates, TRUE/FALSE and structural inputs cannot be drawn)",
                    f"'{key}'")
            else:
                bad(cell("key"), "a numeric key of the Inputs sheet or a key of the Schedule "
                    "sheet", f"'{key}'")
            continue
        if key in seen:
            bad(cell("key"), f"one row per key ('{key}' is already on row {seen[key]})",
                f"'{key}' again", key)
            continue
        seen[key] = excel_row
        before = len(problems)

        kind_raw = text("distribution")
        kind = kind_raw.strip().lower() if isinstance(kind_raw, str) else None
        if kind not in KINDS:
            bad(cell("distribution"), "one of " + ", ".join(KINDS), describe(kind_raw), key)
        apply_raw = text("apply")
        apply = apply_raw.strip().lower() if isinstance(apply_raw, str) else ""
        if apply_raw is not None and apply not in APPLY_MODES:
            bad(cell("apply"), "blank or one of " + ", ".join(APPLY_MODES),
                describe(apply_raw), key)

        numbers: dict[str, float | None] = {}
        for col in NUMBER_COLUMNS:
            v = text(col)
            if col in table.header and cell(col) in table.formulas:
                bad(cell(col), "a number (the formula has no saved result: open the file in "
                    "Excel and save it)", "a formula", key)
                numbers[col] = None
            elif v is None:
                numbers[col] = None
            elif (number := _number(v, _FIELDS[col])) is None:
                bad(cell(col), f"a number {_FIELDS[col].bounds_text()}", describe(v), key)
                numbers[col] = None
            elif abs(number) > MAX_NUMBER:  # a draw the engine could not add up
                bad(cell(col), f"a number between -{MAX_NUMBER:g} and {MAX_NUMBER:g}",
                    describe(v), key)
                numbers[col] = None
            else:
                numbers[col] = number
        if len(problems) > before or kind is None:
            continue

        for col in KINDS[kind]:
            if numbers[col] is None:
                where = cell(col) if col in table.header else "row 1"
                found = "a blank cell" if col in table.header else f"no column '{col}'"
                bad(where, f"the {col} of the {kind} distribution", found, key)
        if len(problems) > before:
            continue
        _check_shape(kind, numbers, cell, bad, key)
        if len(problems) > before:
            continue

        note = text("note")
        partner, rho = _correlation(text("correlated_with"), text("rank_correlation"),
                                    lambda c: cell(c) if c in table.header else "row 1",
                                    bad, key)
        if len(problems) > before:
            continue
        d = Distribution(key, kind, apply, **numbers,
                         note=str(note) if note is not None else "", row=excel_row,
                         key_cell=cell("key"), correlated_with=partner, rank_correlation=rho)
        blank = _blank(d, a) if check_blank else None
        if blank is not None:
            problems.append(blank)
            continue
        out.append(d)
    _check_partners(out, table, bad)
    if problems:
        raise InputError(path, problems)
    return tuple(out)


def _correlation(partner: object, rho: object, cell: Any, bad: Any,
                 key: str) -> tuple[str, float | None]:
    """A row's correlated_with and rank_correlation: both blank, or a key and a number."""
    if partner is None and rho is None:
        return "", None
    if not isinstance(partner, str) or not partner.strip():
        bad(cell("correlated_with"), "the key of another row, beside a rank_correlation",
            describe(partner), key)
        return "", None
    number = None if rho is None or isinstance(rho, bool) else _number(rho, _FIELDS[
        "rank_correlation"])
    if number is None:
        bad(cell("rank_correlation"), "a rank correlation between -1 and 1 beside "
            "correlated_with", describe(rho), key)
        return "", None
    if partner.strip() == key:
        bad(cell("correlated_with"), "the key of another row", f"'{partner}' (this row)", key)
    return partner.strip(), number


def _check_partners(rows: list[Distribution], table: RawTable, bad: Any) -> None:
    """Every correlated_with names another row of the sheet; a near miss says which."""
    keys = [d.key for d in rows]
    for d in rows:
        if d.correlated_with and d.correlated_with not in keys:
            near = difflib.get_close_matches(d.correlated_with, keys, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            where = table.cell(d.row, "correlated_with") if d.row is not None else None
            bad(where, "the key of another row of this sheet" + hint,
                f"'{d.correlated_with}'", d.key)


_FIELDS = {f.key: f for f in DISTRIBUTION_FIELDS}


def _number(v: object, f: Field) -> float | None:
    """A cell as a finite number within its field's range, or None."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    try:
        x = float(v)
    except OverflowError:  # a whole number of hundreds of digits
        return None
    lo = -math.inf if f.lo is None else f.lo
    hi = math.inf if f.hi is None else f.hi
    return x if math.isfinite(x) and lo <= x <= hi else None


def _check_shape(kind: str, n: dict[str, float | None], cell: Any, bad: Any, key: str) -> None:
    """The parameters make a distribution: spreads not negative, bounds in order."""
    def num(col: str) -> float:
        value = n[col]
        assert value is not None
        return value

    if kind in ("normal", "lognormal"):
        if num("sd") < 0:
            bad(cell("sd"), "a standard deviation of at least 0", f"the number {num('sd'):g}",
                key)
        if kind == "lognormal" and num("mean") <= 0:
            bad(cell("mean"), "a mean above 0 (a lognormal draw is always positive)",
                f"the number {num('mean'):g}", key)
    elif kind == "triangular":
        lo, mode, hi = num("low"), num("mode"), num("high")
        if not lo <= mode <= hi:
            bad(cell("mode"), f"low <= mode <= high ({lo:g} <= mode <= {hi:g})",
                f"the number {mode:g}", key)
    elif num("low") > num("high"):
        bad(cell("high"), f"high at least low ({num('low'):g})", f"the number {num('high'):g}",
            key)
    lo_clip, hi_clip = n["min"], n["max"]
    if lo_clip is not None and hi_clip is not None and lo_clip > hi_clip:
        bad(cell("max"), f"max at least min ({lo_clip:g})", f"the number {hi_clip:g}", key)


def _blank(d: Distribution, a: Assumptions) -> Problem | None:
    """The problem with a row that draws an input left blank in these assumptions."""
    if d.key not in INPUT_KEYS or a.inputs.get(d.key) is not None:
        return None
    field = INPUT_KEYS[d.key]
    return Problem(SHEET, d.key_cell or None,
                   f"a value for {d.key} on the Inputs sheet first: a blank optional input "
                   f"({field.description.split('. ')[-1].lower()}) is a choice of the "
                   "model's structure and cannot be drawn", "a blank input", d.key)


def validate_for(dists: Sequence[Distribution], a: Assumptions, path: str) -> None:
    """Check rows against the assumptions that will be simulated (the selected
    scenario applied): none may draw an input that is blank there."""
    problems = [p for p in (_blank(d, a) for d in dists) if p is not None]
    if problems:
        raise InputError(path, problems)
