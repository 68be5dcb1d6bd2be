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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from model.inputs import schema
from model.inputs.schema import Field
from model.inputs.streams import schedule_field

if TYPE_CHECKING:
    import numpy as np

SHEET = schema.DISTRIBUTIONS_SHEET

KINDS: dict[str, tuple[str, ...]] = {
    "normal": ("mean", "sd"),
    "lognormal": ("mean", "sd"),
    "triangular": ("low", "mode", "high"),
    "uniform": ("low", "high"),
}
APPLY_MODES = ("value", "scale", "shift")
NUMBER_COLUMNS = ("mean", "sd", "low", "mode", "high", "min", "max")
CORRELATION_COLUMNS = ("correlated_with", "rank_correlation")
COLUMNS = ("key", "distribution", "apply", *NUMBER_COLUMNS, "note", *CORRELATION_COLUMNS)

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
    Field("correlated_with", "key", "",
          "Optional: the key of another row whose draws this row's draws move with "
          "(rank correlation, Iman-Conover, within each block of draws)", required=False),
    Field("rank_correlation", "rate", "-1 to 1",
          "The rank (Spearman) correlation with correlated_with's draws, -1 to 1",
          required=False, lo=-1, hi=1),
)

# Inputs keys that can be drawn: amounts, rates and counts (not dates, flags or structure).
DRAWABLE_KINDS = ("usd", "rate", "count")
INPUT_KEYS = {f.key: f for f in schema.INPUT_FIELDS
              if f.kind in DRAWABLE_KINDS and not f.structural}
SCHEDULE_KEYS = {f.key: f for f in schema.SCHEDULE_FIELDS}  # streams and costs add theirs


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
    correlated_with: str = ""  # another row's key; "" = drawn independently
    rank_correlation: float | None = None
    row: int | None = None  # the Excel row it was read from, for messages
    key_cell: str = field(default="", compare=False)  # its key's cell, for messages

    @property
    def sheet(self) -> str:
        """The input sheet the key belongs to."""
        return schema.INPUTS_SHEET if self.key in INPUT_KEYS else schema.SCHEDULE_SHEET

    @property
    def field(self) -> Field:
        f = INPUT_KEYS.get(self.key) or schedule_field(self.key)
        assert f is not None, self.key
        return f

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
        if self.correlated_with:
            text += f", rank correlation {self.rank_correlation:g} with {self.correlated_with}"
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
                ratio = sd / mean  # log1p(ratio ** 2), without overflow for a wide spread
                sigma2 = math.log1p(ratio ** 2) if ratio < 1e150 else 2 * math.log(ratio)
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


def number_kind(d: Distribution) -> str:
    """Number format of the row's parameters: as the input, or % of it when scaling."""
    if d.mode_of_apply == "scale":
        return "rate"
    return {"usd": "usd_full", "rate": "rate", "count": "count"}[d.field.kind]
