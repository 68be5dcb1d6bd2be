"""The months of the model, and Excel's serial numbers for dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from model.inputs.assumptions import Assumptions

EXCEL_EPOCH = dt.date(1899, 12, 30)

def serial(d: dt.date) -> float:
    """Excel's serial number of a date (1900 date system)."""
    return float((d - EXCEL_EPOCH).days)


def add_months(d: dt.date, n: int) -> dt.date:
    m = d.month - 1 + n
    return dt.date(d.year + m // 12, m % 12 + 1, 1)


@dataclass(frozen=True)
class Timeline:
    """Month t = 0 is the month before start (the opening column); 1..n are modelled."""

    months: tuple[dt.date, ...]

    @classmethod
    def of(cls, a: Assumptions) -> Timeline:
        start = a.start_month.replace(day=1)
        return cls(tuple(add_months(start, t - 1) for t in range(a.horizon + 1)))

    @property
    def n(self) -> int:
        return len(self.months) - 1
