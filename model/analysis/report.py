"""Headline results as plain items, for the terminal and the comparison sheet (each
headline is defined once, in ``model.core.headlines``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from model.core.headlines import (
    FIRST_MONTH,
    TERMINAL,
    headline_values,
    shown,
    terminal_label,
)

if TYPE_CHECKING:
    from model.core.results import Results


def headline_items(results: Results, where: str = TERMINAL) -> list[tuple[str, object]]:
    """(label, value) of each headline shown ``where``: a month (or None), an amount in
    USD, or text. A hurdle or cap month once the waterfall has ended says so instead."""
    return [(terminal_label(h), within_waterfall(results, h.source)
             if h.reads == FIRST_MONTH else shown(h, v))
            for h, v in headline_values(results, where)]


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
