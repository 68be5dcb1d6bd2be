"""The terminal value at the horizon's end, and each party's share of it.

The terminal value stands for every month after the horizon, at the last month's end:

- perpetuity growth (both multiples blank): the last twelve months' distributable profit
  x (1 + terminal_growth) / (discount_rate - terminal_growth);
- or terminal_revenue_multiple x the last twelve months' OpenAI revenue;
- or terminal_profit_multiple x the last twelve months' distributable profit.

Losses not yet earned back at the horizon come off it first (they would absorb the first
profits after it). What is left is shared under the structure in force in the last month:
by equity share once the waterfall has ended; before that through the waterfall's tiers as
one more lump of profit, starting from each party's receipts so far, so that a capped party
receives at most the room under its cap (the cap in force in the last month) and the excess
follows its overflow_to, as in every month of the waterfall.

Each item is a small expression (the nodes of ``model.core.expr``) over the inputs, other
items and two kinds of figures from the months: ``last:<line>`` (the line in the last
month) and ``ltm:<line>`` (the last twelve months' total; the whole horizon times 12 / its
months when it is shorter). ``values`` gives Python's numbers; the Valuation sheet renders
the same expressions as its formulas.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from model import keys
from model.core.expr import Expr, IfBlank, Input, Max, Min, Param, Ref, Sum
from model.core.expr import Num as N
from model.core.timeline import serial
from model.inputs.schema import PARTIES_SHEET, TIERS_SHEET

if TYPE_CHECKING:
    from model.core.computed import Computed
    from model.inputs.assumptions import Assumptions

LTM_MONTHS = 12


def input_number(value: object) -> float:
    """An input as a spreadsheet sees it (as ``engine.input_number``, which this module
    cannot import: the engine's results read the valuation, which reads this)."""
    if value is None:
        return 0.0
    if isinstance(value, dt.date):
        return serial(value)
    return float(value)  # type: ignore[arg-type]
LAST, LTM = "last:", "ltm:"


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    fmt: str  # usd, factor, flag, multiple
    expr: Expr


def _last(line: str) -> Ref:
    return Ref(LAST + line)


def _tier(k: int, column: str) -> Param:
    return Param(TIERS_SHEET, str(k), column)


def terminal_items(a: Assumptions) -> list[Item]:
    """Every item of the terminal value, in the order each is computed."""
    rev_mult, profit_mult = Input("terminal_revenue_multiple"), Input("terminal_profit_multiple")
    r, g = Input("discount_rate"), Input("terminal_growth")
    items = [
        Item("tv_ltm_revenue", "OpenAI revenue, last twelve months", "usd",
             Ref(LTM + "openai_revenue")),
        Item("tv_ltm_profit", "Distributable profit, last twelve months", "usd",
             Ref(LTM + "distributable_profit")),
        Item("tv_by_revenue", "Terminal value by the revenue multiple is used (1 = yes)",
             "flag", IfBlank(rev_mult, N(0), N(1))),
        Item("tv_by_profit", "Terminal value by the profit multiple is used (1 = yes)",
             "flag", (1 - Ref("tv_by_revenue")) * IfBlank(profit_mult, N(0), N(1))),
        Item("tv_perpetuity", "Terminal value by perpetuity growth: LTM profit x (1 + g) / "
             "(r - g)", "usd", Ref("tv_ltm_profit") * (1 + g) / (r - g)),
        Item("terminal_value", "Terminal value at the horizon's end", "usd",
             Max(0, Ref("tv_by_revenue") * rev_mult * Ref("tv_ltm_revenue")
                 + Ref("tv_by_profit") * profit_mult * Ref("tv_ltm_profit")
                 + (1 - Ref("tv_by_revenue") - Ref("tv_by_profit")) * Ref("tv_perpetuity"))),
        Item("tv_to_share", "Terminal value to share: after the losses not yet earned back",
             "usd", Max(0, Ref("terminal_value") - _last("cumulative_losses"))),
        Item("tv_discount_factor", "Discount factor, horizon's end to the valuation date",
             "factor", _last("discount_factor")),
    ]
    items += _waterfall_items(a)
    for p in a.parties:
        through_tiers = Sum(*(Ref(keys.terminal_tier_received(t.number, p.key))
                              for t in a.tiers))
        items.append(Item(keys.terminal_share(p.key), f"{p.label}: share of the terminal value",
                          "usd", through_tiers + _last("equity_split_active")
                          * Ref("tv_to_share") * Param(PARTIES_SHEET, p.key, "equity_share")))
    last = a.tiers[-1].number
    items.append(Item("tv_undistributed", "Terminal value left after the last tier", "usd",
                      Ref(keys.terminal_tier_available(last))
                      - Ref(keys.terminal_tier_absorbed(last))))
    return items


def _waterfall_items(a: Assumptions) -> list[Item]:
    """The tiers of the waterfall once more, for the terminal value as one lump."""
    hurdles = {t.hurdle_party for t in a.tiers}
    tracked = [p for p in a.parties if p.capped or p.key in hurdles]
    out: list[Item] = []
    prev: int | None = None
    for t in a.tiers:
        k = t.number
        avail = (_last("waterfall_active") * Ref("tv_to_share") if prev is None
                 else Ref(keys.terminal_tier_available(prev))
                 - Ref(keys.terminal_tier_absorbed(prev)))
        out.append(Item(keys.terminal_tier_available(k), f"Tier {k}: terminal value reaching it",
                        "usd", avail))
        for p in tracked:
            before = (_last(keys.cum(p.key)) if prev is None
                      else Ref(keys.terminal_tier_prior(prev, p.key))
                      + Ref(keys.terminal_tier_received(prev, p.key)))
            out.append(Item(keys.terminal_tier_prior(k, p.key),
                            f"Tier {k}: {p.label} received before it", "usd", before))
        absorbed_key = keys.terminal_tier_absorbed(k)
        if t.hurdle_party is not None:
            h = t.hurdle_party
            room = Max(0, _tier(k, "hurdle_usd") - Ref(keys.terminal_tier_prior(k, h)))
            absorbed = Min(Ref(keys.terminal_tier_available(k)), room / _tier(k, h))
        else:
            absorbed = Ref(keys.terminal_tier_available(k))
        out.append(Item(absorbed_key, f"Tier {k}: terminal value it takes", "usd", absorbed))
        for p in sorted(a.parties, key=lambda p: not p.capped):
            gross = _tier(k, p.key) * Ref(absorbed_key)
            if p.capped:
                room = Max(0, _last(keys.cap(p.key)) - Ref(keys.terminal_tier_prior(k, p.key)))
                received: Expr = Min(gross, room)
            else:
                spill = [_tier(k, q.key) * Ref(absorbed_key)
                         - Ref(keys.terminal_tier_received(k, q.key))
                         for q in a.parties if q.overflow_to == p.key and q.capped]
                received = Sum(gross, *spill)
            out.append(Item(keys.terminal_tier_received(k, p.key),
                            f"Tier {k}: {p.label} receives", "usd", received))
        prev = k
    return out


def needed_lines(items: list[Item]) -> set[str]:
    """The ``last:`` and ``ltm:`` figures the items read."""
    out: set[str] = set()
    for it in items:
        out |= {k for k in it.expr.same_period_refs() if k.startswith((LAST, LTM))}
    return out


def ltm_months(n: int) -> int:
    return min(LTM_MONTHS, n)


class _Py:
    """Renders an item to Python with the selected scenario's numbers inline."""

    vector = False

    def __init__(self, a: Assumptions) -> None:
        self.a = a

    def line(self, key: str, prev: bool) -> str:
        return f"B[{key!r}]"

    def history(self, key: str) -> str:  # no item reads a line's history
        raise NotImplementedError(key)

    def input(self, key: str) -> str:
        return repr(input_number(self.a.inputs[key]))

    def param(self, table: str, row: str, column: str) -> str:
        return repr(input_number(self.a.param(table, row, column)))

    def const(self, name: str) -> str:
        raise NotImplementedError(name)

    def timeline(self, name: str) -> str:
        raise NotImplementedError(name)

    def is_blank(self, node: Expr) -> bool:
        if isinstance(node, Input):
            return self.a.inputs[node.key] is None
        assert isinstance(node, Param)
        return self.a.param(node.table, node.row, node.column) is None


def values(results: Computed) -> dict[str, float]:
    """Every item's value, with the ``last:`` and ``ltm:`` figures it read."""
    # the items of the workbook's own structure (the base: which parties are capped), read
    # with the selected scenario's numbers, as the workbook's formulas read them
    a = results.assumptions.effective()
    items = terminal_items(results.assumptions)
    known: dict[str, float] = {}
    k = ltm_months(results.timeline.n)
    for key in needed_lines(items):
        line = key.split(":", 1)[1]
        if key.startswith(LAST):
            known[key] = results.last(line)
        else:
            total = 0.0
            for v in results.row(line)[-k:]:  # left to right, as SUM adds
                total += v
            known[key] = total * 12 / k
    r = _Py(a)
    env: dict[str, Any] = {"_min": min, "_max": max, "_abs": abs,
                           "_sum": lambda *xs: sum(xs[1:], xs[0])}
    for it in items:
        known[it.key] = float(eval(it.expr.py(r), env, {"B": known}))  # noqa: S307
    return known
