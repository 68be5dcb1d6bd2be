"""The numbers of one run of the model: every line in every month.

``Results`` (``model.core.results``) is this with the headline results added; the
modules that the headlines read (the valuation) take a ``Computed``, so that they need
not know the headlines.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from model.core.line import Line
from model.core.timeline import Timeline

if TYPE_CHECKING:
    import pandas as pd

    from model.inputs.assumptions import Assumptions


@dataclass
class Computed:
    """The computed model.

    ``values`` is a DataFrame of lines x months (the Python API's result);
    ``raw[i][t]`` holds line i in month t, with t = 0 the opening column.
    """

    assumptions: Assumptions
    timeline: Timeline
    lines: list[Line]
    index: dict[str, int]
    raw: list[list[float]]
    params: list[tuple[str, str, str]]

    def row(self, key: str) -> list[float]:
        return self.raw[self.index[key]][1:]

    def total(self, key: str) -> float:
        return math.fsum(self.row(key))

    def last(self, key: str) -> float:
        return self.raw[self.index[key]][-1]

    @property
    def values(self) -> pd.DataFrame:
        import pandas as pd
        cols = pd.DatetimeIndex([pd.Timestamp(m) for m in self.timeline.months[1:]],
                                name="month")
        return pd.DataFrame([r[1:] for r in self.raw], index=pd.Index(
            [ln.key for ln in self.lines], name="line"), columns=cols)

    def first_month(self, flag_key: str) -> dt.date | None:
        """The first modelled month in which a 0/1 flag line is 1, or None."""
        for t, v in enumerate(self.row(flag_key), start=1):
            if v >= 1:
                return self.timeline.months[t]
        return None
