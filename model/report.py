"""Plain-text tables for the terminal."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import Results


def _fmt(value: object) -> str:
    if value is None:
        return "not within the horizon"
    if isinstance(value, dt.date):
        return f"{value:%b %Y}"
    if isinstance(value, float):
        return f"${value / 1e6:,.1f}M"
    return str(value)


def headline_table(results: Results) -> str:
    """The headline results, one per line, labels aligned."""
    a = results.assumptions
    rows: list[tuple[str, str]] = []
    for t in a.tiers:
        if t.hurdle_party is not None:
            who = a.party(t.hurdle_party).label
            rows.append((f"{who} reaches the tier {t.number} hurdle",
                         _fmt(results.first_month(f"tier{t.number}_hurdle_met"))))
    for p in a.parties:
        if p.capped:
            month = results.first_month(f"cap_binds_{p.key}")
            rows.append((f"Cap of {p.label} binds", _fmt(month)))
    for p in a.parties:
        rows.append((f"Cumulative receipts, {p.label}", _fmt(results.last(f"cum_{p.key}"))))
    rows.append(("Microsoft's total take over the horizon",
                 _fmt(results.total("microsoft_total_take"))))
    failed = results.headlines()["checks_failed"]
    rows.append(("Model checks", "OK" if failed == 0 else f"{failed:.0f} FAILED"))
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"  {label:<{width}}  {value:>24}" for label, value in rows)
