"""Headline results as plain items, for the terminal and the comparison sheet."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from model.analysis.valuation import party_values, valuation_month

if TYPE_CHECKING:
    from model.core.results import Results


def headline_items(results: Results) -> list[tuple[str, object]]:
    """(label, value) of each headline: a month (or None), an amount in USD, or text."""
    a = results.assumptions
    rows: list[tuple[str, object]] = []
    for t in a.tiers:
        if t.hurdle_party is not None:
            who = a.party(t.hurdle_party).label
            rows.append((f"{who} reaches the tier {t.number} hurdle",
                         within_waterfall(results, f"tier{t.number}_hurdle_met")))
    for p in a.parties:
        if p.capped:
            rows.append((f"Cap of {p.label} binds",
                         within_waterfall(results, f"cap_binds_{p.key}")))
    for p in a.parties:
        rows.append((f"Cumulative receipts, {p.label}", results.last(f"cum_{p.key}")))
    rows += valuation_items(results)
    for key, label in (("microsoft_total_take", "Microsoft's total take over the horizon"),
                       ("revshare_azure_to_openai", "Revenue share Microsoft pays OpenAI"),
                       ("revshare_api_to_microsoft", "Revenue share OpenAI pays Microsoft"),
                       ("distributable_profit", "Distributable profit over the horizon")):
        rows.append((label, results.total(key)))
    failed = results.headlines()["checks_failed"]
    rows.append(("Model checks", "OK" if failed == 0 else f"{failed:.0f} FAILED"))
    return rows


def waterfall_end(results: Results) -> dt.date | None:
    """The first month of the equity split within the horizon, or None."""
    return results.first_month("equity_split_active")


def within_waterfall(results: Results, flag_key: str) -> object:
    """The first month a waterfall milestone is met while the waterfall is in force; once
    the waterfall has ended without it, text that says so and when."""
    month = results.first_month(flag_key)
    end = waterfall_end(results)
    if end is None or (month is not None and month < end):
        return month
    if end == results.timeline.months[1]:
        return f"no waterfall: ended before {end:%b %Y}"
    return f"not met: waterfall ended {end:%b %Y}"


def money(value: float, signed: bool = False) -> str:
    """An amount in USD as every command prints it: $ and the scale that keeps it short
    ($127.88B, $26.40B, $13B, $546.9M, $185K, $950), a minus sign when negative, a plus when
    ``signed`` and positive."""
    size = abs(value)
    for scale, suffix, places in ((1e9, "B", 2), (1e6, "M", 1), (1e3, "K", 1), (1.0, "", 0)):
        if round(size / scale, places) >= 1 or scale == 1.0:
            text = f"{size / scale:,.{places}f}"
            if "." in text and not text.split(".")[1].strip("0"):
                text = text.split(".")[0]  # a round amount: $13B, not $13.00B
            text += suffix
            break
    sign = "-" if value < 0 and text.strip("0.,BMK") else ("+" if signed and value > 0 else "")
    return f"{sign}${text}"


def valuation_items(results: Results) -> list[tuple[str, object]]:
    """Present value of each party's receipts; MOIC and IRR where it invested."""
    rate = float(results.assumptions.effective().inputs["discount_rate"])  # type: ignore[arg-type]
    rows: list[tuple[str, object]] = []
    at = f"{valuation_month(results):%b %Y}"
    del rate  # the rate is on the Valuation sheet; the stake's value includes the TV

    def pair(a: object, b: object, fmt: str) -> str:
        if isinstance(a, str) and a == b:
            return a
        return " / ".join(fmt.format(round(x, 3) + 0.0 if fmt.endswith("%}") else x)
                          if isinstance(x, float) else str(x) for x in (a, b))

    for v in party_values(results):
        rows.append((f"Stake value at {at}, {v.label}", v.stake_value))
        if v.invested is not None:
            rows.append((f"MOIC without / with TV, {v.label}",
                         pair(v.moic, v.moic_tv, "{:.2f}x")))
            rows.append((f"IRR without / with TV, {v.label}",
                         pair(v.irr, v.irr_tv, "{:.1%}")))
    return rows


def format_value(value: object) -> str:
    if value is None:
        return "not within the horizon"
    if isinstance(value, dt.date):
        return f"{value:%b %Y}"
    if isinstance(value, float):
        return money(value)
    return str(value)


def headline_table(results: Results) -> str:
    """The headline results, one per line, labels aligned."""
    rows = [(label, format_value(v)) for label, v in headline_items(results)]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"  {label:<{width}}  {value:>24}" for label, value in rows)
