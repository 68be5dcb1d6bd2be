"""Every line of the model has a key of its own.

Streams, costs and parties name lines after their keys (``<stream>_revenue``,
``<cost>_cost``, ``dist_<party>``...), so a key typed on the Streams or Costs sheet can
make a line key the model already has: a stream called ``ptu`` would make a second
``ptu_revenue``. This check finds such clashes and names the cell of the key to change.
"""

from __future__ import annotations

from collections import Counter

from model import keys
from model.core import actuals
from model.core.guards import key_problems as party_key_problems
from model.core.lines import all_lines
from model.errors import InputError, Problem
from model.inputs.assumptions import Assumptions
from model.inputs.schema import COSTS_SHEET, PARTIES_SHEET, STREAMS_SHEET


def _made_by(a: Assumptions) -> dict[str, tuple[str, str, str]]:
    """Line key -> (sheet, cell, key) of the stream or cost whose lines include it."""
    out: dict[str, tuple[str, str, str]] = {}
    for s in a.streams:
        for key in (keys.stream_revenue(s.key), keys.stream_gross_profit(s.key),
                    keys.schedule_line(keys.growth(s.key)),
                    keys.schedule_line(keys.gross_margin(s.key))):
            out.setdefault(key, (STREAMS_SHEET, s.cell, s.key))
    for c in a.costs:
        for key in (keys.cost(c.key), keys.schedule_line(keys.growth(c.key))):
            out.setdefault(key, (COSTS_SHEET, c.cell, c.key))
    return out


def _party_column(a: Assumptions) -> str:
    """Where the party keys were read: 'column A', or wherever the user moved them."""
    cell = a.cells.get((PARTIES_SHEET, a.parties[0].key, "party"), "A") if a.parties else "A"
    return "column " + cell.rstrip("0123456789")


def key_problems(a: Assumptions) -> list[Problem]:
    """A problem for each line key that two lines share, at the stream or cost (or else
    the party) whose key made it."""
    counts = Counter(ln.key for ln in all_lines(a))
    made_by = _made_by(a)
    problems = []
    for key, n in counts.items():
        if n == 1:
            continue
        if key in made_by:
            sheet, cell, item = made_by[key]
            what = "stream" if sheet == STREAMS_SHEET else "cost"
            problems.append(Problem(sheet, cell or None,
                                    f"a {what} key whose lines have names of their own",
                                    f"'{item}', which makes a second line '{key}'", item))
        else:
            problems.append(Problem(PARTIES_SHEET, _party_column(a),
                                    "party keys whose lines have names of their own",
                                    f"two lines named '{key}'"))
    return problems


def check_line_keys(a: Assumptions, path: str) -> None:
    """Raise InputError if two lines of the model would share a key, or a row of the
    Actuals sheet names no line of the model. A clash a party's
    key makes is named at that party, with the names the model reserves
    (``model.core.guards``, derived from the lines)."""
    problems = key_problems(a)
    if problems:
        parties = party_key_problems(a, all_lines(a))
        if parties:
            problems = [p for p in problems if p.sheet != PARTIES_SHEET] + parties
        raise InputError(path, problems)
    problems = actuals.problems(a)  # an Actuals row naming no line, or the wrong measure
    if problems:
        raise InputError(path, problems)
