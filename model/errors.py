"""The package's errors. Every error finmodel raises on purpose derives from
``FinmodelError``; the command line turns them into a clear message and an exit code
(2 for bad input or an unusable output path)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


class FinmodelError(Exception):
    """The base of every error finmodel raises on purpose: ``except model.FinmodelError``
    catches them all."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as precisely as we can."""

    sheet: str | None
    cell: str | None
    expected: str
    found: str = ""
    key: str | None = None

    def describe(self) -> str:
        where = []
        if self.sheet:
            where.append(f"sheet {self.sheet}")
        if self.cell:
            where.append(self.cell if self.cell.startswith(("row", "column"))
                         else f"cell {self.cell}")
        head = ", ".join(where)
        if self.key:
            head = f"{head} ({self.key})" if head else f"({self.key})"
        text = f"expected {self.expected}"
        if self.found:
            text += f", found {self.found}"
        return f"{head}: {text}" if head else text


class InputError(FinmodelError):
    """The input file is not a valid assumptions workbook. Carries every problem found."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(self.message())

    def message(self) -> str:
        lines = [f"{self.path}: {p.describe()}" for p in self.problems[:25]]
        if len(self.problems) > 25:
            lines.append(f"{self.path}: ... and {len(self.problems) - 25} more problems")
        return "\n".join(lines)


class ModelValueError(FinmodelError, ValueError):
    """A computed value that no spreadsheet can hold (inf or NaN): the inputs overflow."""


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the nearest choice, or '' when none is close."""
    options = list(dict.fromkeys(choices))
    folded = {c.casefold(): c for c in options}
    if name.casefold() in folded:
        return f" (did you mean '{folded[name.casefold()]}'?)"
    close = difflib.get_close_matches(name, options, n=2, cutoff=0.6)
    if not close:
        close = [folded[c] for c in difflib.get_close_matches(name.casefold(), folded, n=2,
                                                              cutoff=0.6)]
    if not close:  # a name typed short of a long one ("amendment" for "amendment (2026)")
        key = name.casefold()
        close = [c for c in options if difflib.SequenceMatcher(
            None, key, c.casefold()[:len(key)]).ratio() >= 0.75][:2]
    if not close:
        return ""
    return " (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"
