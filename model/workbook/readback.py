"""Read a built model's stored values back into pandas: ``model.read_model(path)``.

A colleague who receives a model by email loads it in one line and gets the same
DataFrame as ``model.compute(...).values``: one row per line key, one column per
month. The values are the ones the file stores for its formulas (Python's, or the
spreadsheet's after a recalculation), read straight from its XML, with no number
format applied (a month is its Excel serial number, as in ``compute``). The opening
column (the month before the start) is kept apart, in ``frame.attrs["opening"]``, and the
headline results the stored values give (``model.core.headlines``, as
``results.headlines()``) are in ``frame.attrs["headlines"]``.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from model.analysis.sheetcells import UnreadableWorkbook, read_book
from model.core.computed import Computed
from model.core.engine import run
from model.core.headlines import API, headline_values
from model.core.lines import all_lines
from model.core.timeline import Timeline
from model.errors import InputError, Problem
from model.inputs.reader import check_container
from model.inputs.validate import load
from model.workbook.layout import CALC_SHEETS, COL_KEY, COL_OPENING

if TYPE_CHECKING:
    import pandas as pd

    from model.inputs.assumptions import Assumptions

REL = 1e-9  # relative tolerance: the same arithmetic in Python and a spreadsheet


def read_model(path: str | Path) -> pd.DataFrame:
    """The lines x months of a model workbook, from the values it stores."""
    import pandas as pd
    path = Path(path)
    check_container(path)
    a = load(path)
    try:
        book = read_book(path, only=CALC_SHEETS)
    except UnreadableWorkbook as e:
        raise InputError(str(path), [Problem(None, None, "a model workbook", str(e))]) from None
    months = Timeline.of(a).months
    n = len(months) - 1
    rows: dict[str, tuple[str, int]] = {}
    for name in CALC_SHEETS:
        sheet = book.sheet(name)
        if sheet is None:
            raise InputError(str(path), [Problem(name, None, f"a model with a {name} sheet "
                                                 "(finmodel build writes one)", "no such sheet")])
        for (r, c), cell in sheet.cells.items():
            if c == COL_KEY + 1 and isinstance(cell.value, str) and cell.formula is None:
                rows.setdefault(cell.value, (name, r))
    keys = [ln.key for ln in all_lines(a.effective())]
    data, opening = [], {}
    for key in keys:
        if key not in rows:
            raise InputError(str(path), [Problem(None, None, f"a row keyed {key} in column A "
                                                 "of a calculation sheet", "none")])
        name, r = rows[key]
        found = book.sheet(name)
        assert found is not None  # every calculation sheet was checked above
        cells = found.cells
        values = []
        for t in range(n + 1):
            stored = cells.get((r, COL_OPENING + 1 + t))
            v = stored.value if stored is not None else None
            if t == 0:
                opening[key] = float(v) if isinstance(v, float) else None
                continue
            if not isinstance(v, float):
                raise InputError(str(path), [Problem(name, _ref(r, COL_OPENING + 1 + t),
                                 "a stored number (open the file in Excel or LibreOffice "
                                 "and save it, to store the results)", repr(v))])
            values.append(v)
        data.append(values)
    columns = pd.DatetimeIndex([pd.Timestamp(m) for m in months[1:]], name="month")
    frame = pd.DataFrame(data, index=pd.Index(keys, name="line"), columns=columns)
    frame.attrs["opening"] = opening
    lines = all_lines(a.effective())
    as_stored = Computed(a, Timeline.of(a), lines, {ln.key: i for i, ln in enumerate(lines)},
                      [[_or_nan(opening[k]), *row] for k, row in zip(keys, data, strict=True)],
                      [])
    frame.attrs["headlines"] = {h.key: v for h, v in headline_values(as_stored, API)}
    _warn_if_stale(frame, a, path)
    return frame


def _or_nan(value: float | None) -> float:
    return math.nan if value is None else value


class SavedValuesWarning(UserWarning):
    """A model's saved values disagree with what its formulas give for its inputs."""


def _warn_if_stale(frame: pd.DataFrame, a: Assumptions, path: Path) -> None:
    import numpy as np
    expected = run(a).values.reindex(index=frame.index)
    if expected.shape != frame.shape:
        return
    off = ~np.isclose(frame.to_numpy(dtype=float), expected.to_numpy(dtype=float),
                      rtol=REL, atol=1e-6, equal_nan=True)
    if off.any():
        r, c = (int(x[0]) for x in np.nonzero(off))
        warnings.warn(SavedValuesWarning(
            f"{path}: {int(off.sum()):,} saved values disagree with what the model's "
            f"formulas give for its inputs (the first: {frame.index[r]} in "
            f"{frame.columns[c]:%Y-%m}); a value pasted over a formula, an edited formula "
            f"or a program that does not recalculate? Run finmodel audit {path}"),
            stacklevel=3)


def _ref(row: int, col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"
