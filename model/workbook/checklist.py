"""The reconciliation checks of the Checks sheet, by key: what `reconcile` writes and
where `layout` puts them (kept apart so that the layout need not know the formulas)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from model import keys
from model.core.line import BALANCE

if TYPE_CHECKING:
    from model.core.results import Results

ROLLUPS = ("Annual", "Quarterly")


@dataclass(frozen=True)
class Reconciliation:
    key: str
    label: str


def corkscrews(results: Results) -> list[tuple[str, str]]:
    """(balance, flow) pairs where balance = opening + the flow summed to date: each
    balance line that names its movement."""
    return [(ln.key, ln.movement) for ln in results.lines
            if ln.kind == BALANCE and ln.movement is not None]


def reconciliations(results: Results) -> list[Reconciliation]:
    out = [Reconciliation(keys.reconcile(name),
                          f"{name} rollup totals = monthly totals")
           for name in ROLLUPS]
    out += [Reconciliation(keys.corkscrew(bal),
                           f"{results.lines[results.index[bal]].label} = opening + flows")
            for bal, _ in corkscrews(results)]
    return out
