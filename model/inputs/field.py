"""One input field: its key, kind, unit, bounds, and where its default comes from.

``schema`` defines every field of the assumptions workbook with this class; the
reader, validation, Excel data validation and the docs all follow from them.
"""

from __future__ import annotations

from dataclasses import dataclass

# The source of a default the sources do not give: chosen for the example, said so
ILLUSTRATIVE = "illustrative"

MAX_USD = 1e15  # $1,000 trillion: ten times the world's yearly output
MAX_RATE = 1000.0  # 100,000 %: a growth rate, margin or commission beyond any plan
MAX_COUNT = 1e12
MAX_WHOLE = 1e6
# The range of a number kind where a field sets no bound of its own: (lo, hi).
KIND_LIMITS: dict[str, tuple[float, float]] = {
    "usd": (-MAX_USD, MAX_USD), "rate": (-MAX_RATE, MAX_RATE), "count": (0, MAX_COUNT),
    "months": (0, MAX_WHOLE), "year": (1900, 9999)}


@dataclass(frozen=True)
class Field:
    """One input: a row of `Inputs`, or a column of another input sheet."""

    key: str
    kind: str
    unit: str
    description: str
    source: str = ""
    required: bool = True
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False  # True when the value must be strictly above lo
    structural: bool = False  # changing it in Excel needs `finmodel build`

    def __post_init__(self) -> None:
        limits = KIND_LIMITS.get(self.kind)
        if limits is not None:  # every number gets a finite range
            if self.lo is None:
                object.__setattr__(self, "lo", limits[0])
            if self.hi is None:
                object.__setattr__(self, "hi", limits[1])

    def bounds_text(self) -> str:
        if self.lo is None and self.hi is None:
            return ""
        if self.hi is None:
            return f"{'above' if self.lo_open else 'at least'} {self.lo:g}"
        if self.lo is None:
            return f"at most {self.hi:g}"
        if self.lo_open:
            return f"above {self.lo:g} and at most {self.hi:g}"
        return f"between {self.lo:g} and {self.hi:g}"
