"""What the command line accepts as a value: amounts, months, output names, and the
"did you mean" for a mistyped name. Standard library only, so `--help` stays fast."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re

from model.errors import did_you_mean  # noqa: F401 - where the CLI looks for it

SCALES = {"": 1.0, "K": 1e3, "M": 1e6, "B": 1e9, "BN": 1e9, "T": 1e12, "%": 0.01}
_AMOUNT = re.compile(r"^([+-]?)\$?([0-9][0-9,_]*\.?[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+)"
                     r"\s*(K|M|B|BN|T|%)?$", re.IGNORECASE)
AMOUNT_HELP = "a number such as 13e9, 13B, 185K, $2.5M or 20%"


def amount(text: str) -> float:
    """An amount as typed: 13e9, 13,000,000,000, 13B (or 13bn), 185K, $2.5M, 1.5T, 20%
    (0.2), with a sign if wanted. Not a number, infinity or NaN: ArgumentTypeError."""
    m = _AMOUNT.match(text.strip().replace(" ", ""))
    if m is None or (m.group(3) is None and not re.search(r"[0-9]", m.group(2))):
        raise argparse.ArgumentTypeError(f"expected {AMOUNT_HELP}, found '{text}'")
    sign, digits, suffix = m.groups()
    try:
        value = float(digits.replace(",", "").replace("_", "")) * SCALES[(suffix or "").upper()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {AMOUNT_HELP}, found '{text}'") from None
    if not math.isfinite(value) or abs(value) > 1e300:
        raise argparse.ArgumentTypeError(f"expected a finite amount of at most 1e300, "
                                         f"found '{text}'")
    return -value if sign == "-" else value


def count(text: str) -> int:
    """A whole number, which may be written 10000, 10,000 or 10K."""
    try:
        value = amount(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected a whole number such as 10000 or 10K, "
                                         f"found '{text}'") from None
    if value != int(value) or "%" in text:
        raise argparse.ArgumentTypeError(f"expected a whole number, found '{text}'")
    return int(value)


def month(text: str) -> dt.date:
    """A YYYY-MM argument as the first day of that month."""
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a month as YYYY-MM, found '{text}'") from None
