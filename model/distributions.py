"""The `Distributions` sheet: which inputs are uncertain, and how, for `finmodel simulate`.

One row per uncertain input. The sheet's first row holds these column keys (any
order; extra columns are ignored):

- ``key``: a numeric key of the Inputs sheet (an amount, a rate or a count) or a
  key of the Schedule sheet;
- ``distribution``: ``normal``, ``lognormal``, ``triangular`` or ``uniform``;
- ``apply``: how the drawn number ``x`` sets the input (blank: the key's default):

  - ``value``: the input is ``x``. The default for an Inputs key. For a Schedule
    key, ``x`` replaces the rate in every Schedule row;
  - ``scale``: the input is its base value times ``x``. The default for a
    Schedule key: every row of the schedule is multiplied by the same ``x``, so
    the shape of the path (a growth rate that decays, a margin that rises) is
    kept and only its level is uncertain;
  - ``shift``: the input is its base value plus ``x`` (in every Schedule row),
    e.g. a gross margin five points higher or lower throughout;
- ``mean``, ``sd``: normal, and lognormal (the mean and standard deviation of
  the drawn number itself, not of its logarithm; the mean must be above 0);
- ``low``, ``mode``, ``high``: triangular (low <= mode <= high) and uniform
  (low <= high; no mode);
- ``min``, ``max``: optional clipping bounds of the drawn number: a draw below
  ``min`` counts as ``min``;
- ``note``: free text, such as the source of the range.

A distribution whose spread is 0 (sd 0, or low = high) always gives its mean or
low: the base case is one such row per key. After ``apply``, an input is also held
within the range the schema allows for it (a share between 0 and 1, a growth rate
of at least -100 %, ...); the simulation report counts the draws so held.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import schema
from .errors import InputError, Problem
from .schema import Field

if TYPE_CHECKING:
    import numpy as np

    from .assumptions import Assumptions
    from .reader import RawTable
    from .styles import Styles

SHEET = schema.DISTRIBUTIONS_SHEET

KINDS: dict[str, tuple[str, ...]] = {
    "normal": ("mean", "sd"),
    "lognormal": ("mean", "sd"),
    "triangular": ("low", "mode", "high"),
    "uniform": ("low", "high"),
}
APPLY_MODES = ("value", "scale", "shift")
NUMBER_COLUMNS = ("mean", "sd", "low", "mode", "high", "min", "max")
COLUMNS = ("key", "distribution", "apply", *NUMBER_COLUMNS, "note")

DISTRIBUTION_FIELDS: tuple[Field, ...] = (
    Field("key", "key", "",
          "A numeric key of the Inputs sheet, or a key of the Schedule sheet"),
    Field("distribution", "key", "", "normal, lognormal, triangular or uniform"),
    Field("apply", "key", "",
          "value: the input is the draw; scale: the base value times the draw (the default "
          "for Schedule keys: every Schedule row is multiplied by the same draw); shift: the "
          "base value plus the draw. Blank: value for Inputs keys, scale for Schedule keys",
          required=False),
    Field("mean", "usd", "as the input",
          "normal and lognormal: the mean of the draw (lognormal: above 0)", required=False),
    Field("sd", "usd", "as the input",
          "normal and lognormal: the standard deviation of the draw (0 = always the mean)",
          required=False, lo=0),
    Field("low", "usd", "as the input", "triangular and uniform: the lowest draw",
          required=False),
    Field("mode", "usd", "as the input", "triangular: the most likely draw", required=False),
    Field("high", "usd", "as the input", "triangular and uniform: the highest draw",
          required=False),
    Field("min", "usd", "as the input", "Optional: a draw below min counts as min",
          required=False),
    Field("max", "usd", "as the input", "Optional: a draw above max counts as max",
          required=False),
    Field("note", "text", "", "Free text: where the range comes from", required=False),
)

# Inputs keys that can be drawn: amounts, rates and counts (not dates, flags or structure).
DRAWABLE_KINDS = ("usd", "rate", "count")
INPUT_KEYS = {f.key: f for f in schema.INPUT_FIELDS
              if f.kind in DRAWABLE_KINDS and not f.structural}
SCHEDULE_KEYS = {f.key: f for f in schema.SCHEDULE_FIELDS}


@dataclass(frozen=True)
class Distribution:
    """One row of the Distributions sheet."""

    key: str
    kind: str
    apply: str = ""  # "" = the key's default (value for Inputs, scale for Schedule)
    mean: float | None = None
    sd: float | None = None
    low: float | None = None
    mode: float | None = None
    high: float | None = None
    min: float | None = None
    max: float | None = None
    note: str = ""
    row: int | None = None  # the Excel row it was read from, for messages
    key_cell: str = field(default="", compare=False)  # its key's cell, for messages

    @property
    def sheet(self) -> str:
        """The input sheet the key belongs to."""
        return schema.SCHEDULE_SHEET if self.key in SCHEDULE_KEYS else schema.INPUTS_SHEET

    @property
    def field(self) -> Field:
        return SCHEDULE_KEYS.get(self.key) or INPUT_KEYS[self.key]

    @property
    def mode_of_apply(self) -> str:
        if self.apply:
            return self.apply
        return "scale" if self.sheet == schema.SCHEDULE_SHEET else "value"

    def params(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in KINDS[self.kind]}

    def describe(self) -> str:
        """E.g. ``triangular(low 0.5, mode 1, high 1.25), clipped to [0, 2]``."""
        num = self.number_text
        text = f"{self.kind}({', '.join(f'{k} {num(v)}' for k, v in self.params().items())})"
        if self.min is not None or self.max is not None:
            lo = "" if self.min is None else num(self.min)
            hi = "" if self.max is None else num(self.max)
            text += f", clipped to [{lo}, {hi}]"
        return text

    def number_text(self, v: float) -> str:
        """A parameter as the user reads it: amounts in $M or $B, other numbers plain."""
        if self.field.kind == "usd" and self.mode_of_apply != "scale" and abs(v) >= 1e6:
            return f"${v / 1e9:,.4g}B" if abs(v) >= 1e9 else f"${v / 1e6:,.4g}M"
        return f"{v:g}"

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` draws, clipped to [min, max]. A zero spread gives exact constants."""
        import numpy as np
        p = self.params()
        if self.kind in ("normal", "lognormal"):
            mean, sd = p["mean"], p["sd"]
            if sd == 0:
                x = np.full(size, mean)
            elif self.kind == "normal":
                x = rng.normal(mean, sd, size)
            else:
                sigma2 = math.log1p((sd / mean) ** 2)
                x = rng.lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2), size)
        elif self.kind == "triangular":
            if p["low"] == p["high"]:
                x = np.full(size, p["low"])
            else:
                x = rng.triangular(p["low"], p["mode"], p["high"], size)
        else:
            x = (np.full(size, p["low"]) if p["low"] == p["high"]
                 else rng.uniform(p["low"], p["high"], size))
        if self.min is not None or self.max is not None:
            x = np.clip(x, -math.inf if self.min is None else self.min,
                        math.inf if self.max is None else self.max)
        return x


def base_case(a: Assumptions, keys: Sequence[str]) -> tuple[Distribution, ...]:
    """Degenerate rows that always draw the base case: value mode for Inputs keys,
    scale by exactly 1 for Schedule keys."""
    out = []
    for key in keys:
        if key in SCHEDULE_KEYS:
            out.append(Distribution(key, "normal", "scale", mean=1.0, sd=0.0))
        else:
            value = a.inputs[key]
            assert isinstance(value, int | float)
            out.append(Distribution(key, "normal", "value", mean=float(value), sd=0.0))
    return tuple(out)


_ILLUSTRATIVE = schema.ILLUSTRATIVE

# Shipped with the template (and used when a workbook has no Distributions sheet).
# Illustrative ranges: nobody has published the uncertainty of these figures.
DEFAULT_DISTRIBUTIONS: tuple[Distribution, ...] = (
    Distribution("api_arr_opening", "uniform", "value", low=0.9e9, high=1.1e9,
                 note="seed article: 'about $1B'; +/-10 % " + _ILLUSTRATIVE),
    Distribution("azure_arr_opening", "uniform", "value", low=0.9e9, high=1.1e9,
                 note="seed article: 'about $1B'; +/-10 % " + _ILLUSTRATIVE),
    Distribution("ptu_customers_opening", "lognormal", "value", mean=60, sd=20,
                 note=_ILLUSTRATIVE + ": the PTU customer count is not published"),
    Distribution("api_growth", "triangular", "scale", low=0.5, mode=1.0, high=1.25,
                 note=_ILLUSTRATIVE + ": the whole growth path at 50 % to 125 % of plan"),
    Distribution("azure_payg_growth", "triangular", "scale", low=0.5, mode=1.0, high=1.25,
                 note=_ILLUSTRATIVE + ": the whole growth path at 50 % to 125 % of plan"),
    Distribution("api_gross_margin", "normal", "shift", mean=0.0, sd=0.05, min=-0.15,
                 max=0.15, note=_ILLUSTRATIVE + ": every year's margin 5 points up or down "
                 "(one standard deviation), at most 15"),
    Distribution("openai_opex_pct", "normal", "shift", mean=0.0, sd=0.05, min=-0.15,
                 max=0.15, note=_ILLUSTRATIVE + ": every year's opex ratio 5 points up or "
                 "down (one standard deviation), at most 15"),
    Distribution("compute_commission", "uniform", "scale", low=0.5, high=1.5,
                 note=_ILLUSTRATIVE + ": the commission at half to one and a half times "
                 "the base rate"),
)


# ---------------------------------------------------------------- writing the sheet

def number_kind(d: Distribution) -> str:
    """Number format of the row's parameters: as the input, or % of it when scaling."""
    if d.mode_of_apply == "scale":
        return "rate"
    return {"usd": "usd_full", "rate": "rate", "count": "count"}[d.field.kind]


def write_distributions_sheet(wb: Any, st: Styles,
                              rows: Sequence[Distribution] = DEFAULT_DISTRIBUTIONS) -> Any:
    """Add the Distributions sheet to an xlsxwriter workbook; returns the worksheet."""
    ws = wb.add_worksheet(SHEET)
    for col, f in enumerate(DISTRIBUTION_FIELDS):
        ws.write_string(0, col, f.key, st("header"))
        ws.write_comment(0, col, f.description, {"x_scale": 2.5, "y_scale": 2})
    ws.freeze_panes(1, 1)
    ws.set_column(0, 0, 26)
    ws.set_column(1, 2, 12)
    ws.set_column(3, 9, 14)
    ws.set_column(10, 10, 70)
    last = max(len(rows), 1) + 200
    ws.data_validation(1, 1, last, 1, {"validate": "list", "source": list(KINDS)})
    ws.data_validation(1, 2, last, 2, {"validate": "list", "source": list(APPLY_MODES)})
    for r, d in enumerate(rows, start=1):
        ws.write_string(r, 0, d.key, st("input"))
        ws.write_string(r, 1, d.kind, st("input"))
        ws.write_string(r, 2, d.apply, st("input"))
        kind = number_kind(d)
        for c, name in enumerate(NUMBER_COLUMNS, start=3):
            value = getattr(d, name)
            if value is None:
                ws.write_blank(r, c, None, st("input", kind))
            else:
                ws.write_number(r, c, float(value), st("input", kind))
        ws.write_string(r, 10, d.note, st("note"))
    return ws


# ---------------------------------------------------------------- reading the sheet

def parse_distributions(table: RawTable, a: Assumptions, path: str,
                        check_blank: bool = True) -> tuple[Distribution, ...]:
    """The rows of a Distributions sheet, validated against the assumptions.

    ``check_blank=False`` leaves out the one check that depends on the scenario (that
    a drawn input is not blank): loading a workbook parses the sheet once that way, and
    ``validate_for`` makes the check against the scenario that is simulated.
    Raises InputError listing every problem by sheet and cell."""
    from .validate import describe
    problems: list[Problem] = []

    def bad(cell: str | None, expected: str, found: str = "", key: str | None = None) -> None:
        problems.append(Problem(SHEET, cell, expected, found, key))

    for col in ("key", "distribution"):
        if col not in table.header:
            bad("row 1", f"a column headed '{col}' (the columns are {', '.join(COLUMNS)})",
                "none")
    if problems:
        raise InputError(path, problems)

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
        if key not in INPUT_KEYS and key not in SCHEDULE_KEYS:
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
            elif isinstance(v, bool) or not isinstance(v, int | float) \
                    or not math.isfinite(float(v)):
                bad(cell(col), "a number", describe(v), key)
                numbers[col] = None
            else:
                numbers[col] = float(v)
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
        d = Distribution(key, kind, apply, **numbers,  # type: ignore[arg-type]
                         note=str(note) if note is not None else "", row=excel_row,
                         key_cell=cell("key"))
        blank = _blank(d, a) if check_blank else None
        if blank is not None:
            problems.append(blank)
            continue
        out.append(d)
    if problems:
        raise InputError(path, problems)
    return tuple(out)


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
