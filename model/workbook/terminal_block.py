"""The Valuation sheet's terminal-value block: the items of ``model.core.terminal`` as live
formulas (key in column A, label in B, unit in C, value in D), Python's values cached.

An item reads the inputs through the scenario layer, other items by their cell on the
sheet, ``last:<line>`` as the line's cell in the last month and ``ltm:<line>`` as the
SUM of its last twelve months x 12 / COLUMNS of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from model.core.expr import CUR, PREV, Expr
from model.core.terminal import LAST, LTM, Item, ltm_months, terminal_items
from model.workbook.render import SingleCellsXl

if TYPE_CHECKING:
    from model.core.expr import XlContext
    from model.inputs.assumptions import Assumptions
    from model.workbook.layout import Layout
    from model.workbook.styles import Styles

UNITS = {"usd": "$M", "factor": "x", "flag": "1/0", "multiple": "x"}
KINDS = {"usd": "usd", "factor": "factor", "flag": "int", "multiple": "multiple"}


class ItemXl(SingleCellsXl):
    """Renders an item's expression as a formula on the Valuation sheet."""

    def __init__(self, model: XlContext, layout: Layout, rows: dict[str, int]) -> None:
        super().__init__(model)
        self.layout = layout
        self.rows = rows

    def line(self, key: str, prev: bool) -> str:
        if key.startswith(LAST):
            return self.layout.ref(key[len(LAST):], self.layout.n, absolute=True)
        if key.startswith(LTM):
            n = self.layout.n
            first = self.layout.ref(key[len(LTM):], n - ltm_months(n) + 1, absolute=True)
            cells = f"{first}:{self.layout.ref(key[len(LTM):], n, absolute=True).split('!')[1]}"
            return f"(SUM({cells})*12/COLUMNS({cells}))"
        return f"$D${self.rows[key]}"


def formula(expr: Expr, r: ItemXl) -> str:
    text = expr.xl(r)
    assert CUR not in text and PREV not in text, text
    return "=" + text


def is_working(key: str) -> bool:
    """A row of the waterfall once more (tv_tier<k>_...): laid out last, not printed."""
    return key.startswith("tv_tier")


def plan_rows(a: Assumptions, first: int) -> tuple[dict[str, int], int, int]:
    """1-based rows of the items from row ``first`` (the section title) on: the terminal
    value and the shares first, the tiers' working rows after them; the last row of the
    first part, and the last row."""
    rows: dict[str, int] = {}
    r = first
    items = terminal_items(a)
    for it in [i for i in items if not is_working(i.key)] + [i for i in items
                                                             if is_working(i.key)]:
        r += 1
        rows[it.key] = r
    summary = max((rows[i.key] for i in items if not is_working(i.key)), default=first)
    return rows, summary, r


def write(ws: Any, st: Styles, a: Assumptions, layout: Layout, model: XlContext,
          rows: dict[str, int], values: dict[str, float], title_row: int) -> None:
    """The block; ``rows`` holds the 1-based row of every keyed cell of the sheet."""
    ws.write_string(title_row - 1, 1, "Terminal value at the horizon's end, and its shares",
                    st("section"))
    r = ItemXl(model, layout, rows)
    items: list[Item] = terminal_items(a)
    for it in items:
        row = rows[it.key] - 1
        ws.write_string(row, 0, it.key)
        ws.write_string(row, 1, it.label)
        ws.write_string(row, 2, UNITS[it.fmt])
        role = "total" if it.key == "terminal_value" else "calc"
        ws.write_formula(row, 3, formula(it.expr, r), st(role, KINDS[it.fmt]),
                         values[it.key])
