"""Checks of command arguments against the model they apply to: scenario names, line
keys, input names and months, each refused with a message that names what would do
(and the nearest name, when a name was mistyped)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from model import keys
from model.analysis import solve as analysis
from model.cli.values import did_you_mean
from model.core.results import Results
from model.core.timeline import Timeline
from model.errors import InputError, Problem
from model.inputs import schema
from model.inputs.assumptions import Assumptions
from model.inputs.overrides import Target

DEFAULT_BY = dt.date(2030, 12, 1)


def refuse(expected: str, found: str) -> InputError:
    return InputError("command line", [Problem(None, None, expected, found)])


def select_scenario(a: Assumptions, name: str | None, source: Path) -> Assumptions:
    """The assumptions with a scenario selected by name (None: the one the file selects);
    exit 2, with the nearest name, if there is no such scenario."""
    if name is None:
        return a
    names = a.scenarios.names if a.scenarios else ()
    if name not in names:
        raise InputError(str(source), [Problem(
            "Scenarios", "row 1", "one of the scenarios " + ", ".join(f"'{n}'" for n in names)
            if names else "a Scenarios sheet", f"'{name}'{did_you_mean(name, names)}")])
    return a.with_scenario(name)


def line_key(option: str, key: str, results: Results, example: str) -> str:
    if key not in results.index:
        raise refuse(f"{option} naming a line key such as {example}",
                     f"'{key}'{did_you_mean(key, results.index)}")
    return key


def input_names(a: Assumptions) -> Iterable[str]:
    """Every name an input can be given on the command line, for suggestions."""
    yield from (f.key for f in schema.INPUT_FIELDS)
    yield from (f.key for f in schema.SCHEDULE_FIELDS)
    for p in a.parties:
        yield from (keys.target(schema.PARTIES_SHEET, p.key, c)
                    for c in ("cap_usd", "cap_growth"))
    for t in a.tiers:
        yield keys.target(schema.TIERS_SHEET, t.number, "hurdle_usd")


def resolve(option: str, text: str, a: Assumptions, expected: str) -> Target:
    try:
        return analysis.resolve(text, a)
    except ValueError:
        raise refuse(f"{option} naming {expected}",
                     f"'{text}'{did_you_mean(text, input_names(a))}") from None


def month_in(option: str, when: dt.date | None, a: Assumptions) -> dt.date | None:
    """``when`` if it lies within the horizon (None stays None); exit 2 if not."""
    if when is None:
        return None
    first, last = Timeline.of(a).months[1], Timeline.of(a).months[-1]
    if not first <= when <= last:
        raise refuse(f"{option} within the horizon, {first:%Y-%m} to {last:%Y-%m}",
                     f"{when:%Y-%m}")
    return when


def default_by(when: dt.date | None, a: Assumptions, option: str = "--by") -> dt.date:
    """The month asked for, checked; else 2030-12, or the last month if the horizon
    does not reach it."""
    if when is not None:
        return month_in(option, when, a) or when
    tl = Timeline.of(a)
    return DEFAULT_BY if tl.months[1] <= DEFAULT_BY <= tl.months[-1] else tl.months[-1]


def output(option: str, path: Path, suffix: str = ".xlsx") -> Path:
    """``path`` if its name ends in ``suffix`` (the kind of file written); exit 2 if not."""
    if path.suffix.lower() != suffix:
        raise refuse(f"{option} naming a file that ends in {suffix} (the file written is "
                     f"{'a workbook' if suffix == '.xlsx' else 'a PDF'})", f"'{path}'")
    return path
