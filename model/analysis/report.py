"""Headline results as plain items, for the terminal and the comparison sheet."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from model.core.engine import Results


def headline_items(results: Results) -> list[tuple[str, object]]:
    """(label, value) of each headline: a month (or None), an amount in USD, or text."""
    a = results.assumptions
    rows: list[tuple[str, object]] = []
    for t in a.tiers:
        if t.hurdle_party is not None:
            who = a.party(t.hurdle_party).label
            rows.append((f"{who} reaches the tier {t.number} hurdle",
                         results.first_month(f"tier{t.number}_hurdle_met")))
    for p in a.parties:
        if p.capped:
            rows.append((f"Cap of {p.label} binds", results.first_month(f"cap_binds_{p.key}")))
    for p in a.parties:
        rows.append((f"Cumulative receipts, {p.label}", results.last(f"cum_{p.key}")))
    for key, label in (("microsoft_total_take", "Microsoft's total take over the horizon"),
                       ("revshare_azure_to_openai", "Revenue share Microsoft pays OpenAI"),
                       ("revshare_api_to_microsoft", "Revenue share OpenAI pays Microsoft"),
                       ("distributable_profit", "Distributable profit over the horizon")):
        rows.append((label, results.total(key)))
    failed = results.headlines()["checks_failed"]
    rows.append(("Model checks", "OK" if failed == 0 else f"{failed:.0f} FAILED"))
    return rows


def format_value(value: object) -> str:
    if value is None:
        return "not within the horizon"
    if isinstance(value, dt.date):
        return f"{value:%b %Y}"
    if isinstance(value, float):
        return f"${value / 1e6:,.1f}M"
    return str(value)


def headline_table(results: Results) -> str:
    """The headline results, one per line, labels aligned."""
    rows = [(label, format_value(v)) for label, v in headline_items(results)]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"  {label:<{width}}  {value:>24}" for label, value in rows)
