"""Values of validated inputs, typed: after validation an input cell holds what its
``Field`` kind says, and these say so to the type checker, checking it as they go.

A validated table row or input is ``object`` (a number, a date, text, a bool or None);
``number(x)`` is a float, ``month(x)`` a date, ``whole(x)`` an int, ``text(x)`` a str.
A value of another type is a bug in the code, not in the user's workbook, and raises
``TypeError``.
"""

from __future__ import annotations

import datetime as dt


def number(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"expected a number, found {value!r}")


def opt_number(value: object) -> float | None:
    return None if value is None else number(value)


def whole(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise TypeError(f"expected a whole number, found {value!r}")


def opt_whole(value: object) -> int | None:
    return None if value is None else whole(value)


def month(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"expected a date, found {value!r}")


def text(value: object) -> str:
    if isinstance(value, str):
        return value
    raise TypeError(f"expected text, found {value!r}")


def opt_text(value: object) -> str | None:
    return None if value is None else text(value)
