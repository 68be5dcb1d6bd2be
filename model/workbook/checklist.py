"""The reconciliation checks of the Checks sheet, by key: what `reconcile` writes and
where `layout` puts them (kept apart so that the layout need not know the formulas)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from model import keys
from model.core.line import BALANCE
from model.workbook.rollup import rollup_lines, rollup_rows

if TYPE_CHECKING:
    from model.core.results import Results

ROLLUPS = ("Annual", "Fiscal", "Quarterly")
# Flow lines reconciled by one check row: each adds a term of at most 75 characters (rows
# up to 9,999), so a block's formula stays under 1,000 characters whatever the size of the
# model (one formula over every line reached 18,496 at 12 parties x 12 tiers, beyond
# Excel's 8,192).
BLOCK = 12
ACTUALS_CHECK = "actuals_beyond_tolerance"


@dataclass(frozen=True)
class Reconciliation:
    key: str
    label: str
    rollup: str = ""  # the rollup sheet a block of flow lines is reconciled on
    lines: tuple[str, ...] = ()  # the keys of those flow lines


def corkscrews(results: Results) -> list[tuple[str, str]]:
    """(balance, flow) pairs where balance = opening + the flow summed to date: each
    balance line that names its movement."""
    return [(ln.key, ln.movement) for ln in results.lines
            if ln.kind == BALANCE and ln.movement is not None]


def rollup_blocks(results: Results) -> list[Reconciliation]:
    """One check a rollup sheet and block of BLOCK flow lines: their totals on the rollup
    equal their monthly totals. Labelled by the rollup's rows, contiguous there."""
    flows, _ = rollup_lines(results)
    rows = rollup_rows(results)
    out = []
    for name in ROLLUPS:
        for i in range(0, len(flows), BLOCK):
            block = tuple(ln.key for ln in flows[i:i + BLOCK])
            first, last = rows[block[0]], rows[block[-1]]
            out.append(Reconciliation(keys.reconcile(name, i // BLOCK + 1),
                                      f"{name} rows {first}-{last} = monthly totals",
                                      name, block))
    return out


def reconciliations(results: Results) -> list[Reconciliation]:
    out = rollup_blocks(results)
    out += [Reconciliation(keys.corkscrew(bal),
                           f"{results.lines[results.index[bal]].label} = opening + flows")
            for bal, _ in corkscrews(results)]
    out.append(Reconciliation(ACTUALS_CHECK, "Fitted figures beyond the tolerance (Variances)"))
    return out
