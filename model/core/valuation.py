"""What each party's receipts are worth: present value, multiple and IRR, in Python.

The present values are line items (``pv_*`` in model.lines, summed over the horizon);
this module adds the amounts invested (the Investments sheet), the multiple on invested
capital and the IRR, which the Valuation sheet writes as live formulas. The IRR is the
rate XIRR finds: the annual r with sum of v_i / (1 + r)^((d_i - d_0) / 365) = 0 over
the investments (negative, on the first day of their month) and the monthly receipts
(on each month's last day), d_0 being the earliest date; with the terminal value, also
the party's share of it on the last month's last day. The present values count the
months from valuation_date on (``model.core.present_values``); the terminal value and its
shares are in ``model.core.terminal``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from model import keys
from model.core import terminal
from model.core.timeline import serial

if TYPE_CHECKING:
    from model.core.computed import Computed as Results
    from model.inputs.assumptions import Assumptions

DAYS_PER_YEAR = 365.0  # XIRR's year, whatever the calendar
NO_RECEIPTS = "n/a: no receipts"  # within the horizon
NO_IRR = "n/a: no rate found"  # XIRR finds no rate that sets the flows to 0
NO_INVESTMENT = "n/a: not invested"
# An investor whose equity share is 0 once the waterfall has ended (its holding counted in
# another party's share, as the first investors' after the recapitalisation).
FOLDED = "n/a: folded into another stake"


def month_end(month: dt.date) -> dt.date:
    """The last day of a month: when its receipts are taken to arrive."""
    nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def xirr(flows: Sequence[tuple[float, float]]) -> float | None:
    """The annual rate of dated cash flows ((Excel serial date, amount), any order), as
    XIRR defines it; None when there is none (no sign change, or no root found).

    Newton's method from 0.1, as the spreadsheets' XIRR starts; if it fails, bisection
    over a bracket where the value changes sign. With one sign change (investments
    first, receipts after) the rate is unique and both give it."""
    if not (any(v < 0 for _, v in flows) and any(v > 0 for _, v in flows)):
        return None
    d0 = min(d for d, _ in flows)
    years = [(d - d0) / DAYS_PER_YEAR for d, _ in flows]
    amounts = [v for _, v in flows]

    def value(r: float) -> float:
        return math.fsum(v * (1 + r) ** -t for v, t in zip(amounts, years, strict=True))

    def slope(r: float) -> float:
        return math.fsum(-t * v * (1 + r) ** (-t - 1)
                         for v, t in zip(amounts, years, strict=True))

    scale = max(abs(v) for v in amounts)
    r = 0.1
    try:
        for _ in range(100):
            step = value(r) / slope(r)
            r -= step
            if not -1 < r < math.inf:
                break
            if abs(step) <= 1e-15 * max(1.0, abs(r)):
                if abs(value(r)) <= 1e-9 * scale:  # a root, not a drift to infinity
                    return r
                break
    except (OverflowError, ZeroDivisionError):
        pass
    return _bisect(value)


def _bisect(f: Callable[[float], float]) -> float | None:
    """A root of f on (-1, 1e6) by bisection, or None if f does not change sign there."""
    lo, hi = -1 + 1e-9, 1.0
    try:
        f_lo = f(lo)
        while f(hi) * f_lo > 0:
            hi *= 2
            if hi > 1e6:
                return None
    except OverflowError:
        return None
    for _ in range(200):
        mid = (lo + hi) / 2
        f_mid = f(mid)
        if f_mid == 0 or hi - lo <= 1e-16 * max(1.0, abs(mid)):
            return mid
        if (f_mid > 0) == (f_lo > 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return (lo + hi) / 2


@dataclass(frozen=True)
class PartyValue:
    """A party's receipts over the horizon and what they are worth."""

    key: str
    label: str
    npv: float  # receipts from valuation_date on, discounted to it
    received: float  # cum_<party> at the horizon
    invested: float | None  # None: no row on the Investments sheet
    moic: float | str  # received / invested, or a label
    irr: float | str  # annual, as XIRR computes it, or a label
    tv_share: float = 0.0  # its share of the terminal value, at the horizon's end
    stake_value: float = 0.0  # npv + tv_share discounted to valuation_date
    moic_tv: float | str = NO_INVESTMENT  # (received + tv_share) / invested
    irr_tv: float | str = NO_INVESTMENT  # XIRR with tv_share at the horizon's end


def irr_flows(results: Results, party: str, terminal: float = 0.0
              ) -> list[tuple[float, float]]:
    """The party's dated flows: investments negative, then each month's receipt, and
    ``terminal`` (its share of the terminal value) at the last month's end."""
    a = results.assumptions
    out = [(serial(i.month), -i.amount_usd) for i in a.investments or () if i.party == party]
    dist = results.row(keys.dist(party))
    out += [(serial(month_end(m)), v) for m, v in zip(results.timeline.months[1:], dist,
                                                      strict=True)]
    out.append((serial(month_end(results.timeline.months[-1])), terminal))
    return out


def valuation_month(results: Results) -> dt.date:
    """The valuation date used: valuation_date held within the horizon."""
    months = results.timeline.months[1:]
    when = results.assumptions.effective().inputs["valuation_date"]
    assert isinstance(when, dt.date)
    return max(months[0], min(when, months[-1]))


def invested_parties(a: Assumptions) -> list[str]:
    """Parties with at least one row on the Investments sheet, in Parties order."""
    have = {i.party for i in a.investments or ()}
    return [p.key for p in a.parties if p.key in have]


def folded(results: Results, party: str) -> bool:
    """The waterfall has ended, the party's equity share is 0 and it received nothing."""
    e = results.assumptions.effective()
    return (results.last("equity_split_active") == 1 and e.party(party).equity_share == 0
            and results.last(keys.cum(party)) == 0)


def _irr(results: Results, party: str, received: float, terminal: float) -> float | str:
    if received <= 0:
        return FOLDED if folded(results, party) else NO_RECEIPTS
    rate = xirr(irr_flows(results, party, terminal))
    return NO_IRR if rate is None else rate


def party_values(results: Results) -> list[PartyValue]:
    a = results.assumptions
    invested = set(invested_parties(a))
    tv = terminal.values(results)
    factor = tv["tv_discount_factor"]
    out = []
    for p in a.parties:
        received = results.last(keys.cum(p.key))
        npv = results.total(keys.present_value(keys.dist(p.key)))
        share = tv[keys.terminal_share(p.key)]
        stake = npv + share * factor
        if p.key not in invested:
            out.append(PartyValue(p.key, p.label, npv, received, None, NO_INVESTMENT,
                                  NO_INVESTMENT, share, stake))
            continue
        amount = math.fsum(i.amount_usd for i in a.investments or () if i.party == p.key)
        moic: float | str = received / amount if amount > 0 else NO_INVESTMENT
        moic_tv: float | str = (received + share) / amount if amount > 0 else NO_INVESTMENT
        if folded(results, p.key):
            moic = moic_tv = FOLDED
        out.append(PartyValue(p.key, p.label, npv, received, amount, moic,
                              _irr(results, p.key, received, 0.0), share, stake, moic_tv,
                              _irr(results, p.key, received + share, share)))
    return out
