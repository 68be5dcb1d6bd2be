"""The reconciliation checks of the Checks sheet, by key: what `reconcile` writes and
where `layout` puts them (kept apart so that the layout need not know the formulas)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from model.core.results import Results

ROLLUPS = ("Annual", "Quarterly")
ACTUALS_CHECK = "actuals_beyond_tolerance"


@dataclass(frozen=True)
class Reconciliation:
    key: str
    label: str


def corkscrews(results: Results) -> list[tuple[str, str]]:
    """(balance, flow) pairs where balance = opening + the flow summed to date."""
    a = results.assumptions
    return [("cum_revshare_api_to_microsoft", "revshare_api_to_microsoft"),
            *((f"cum_{p.key}", f"dist_{p.key}") for p in a.parties)]


def reconciliations(results: Results) -> list[Reconciliation]:
    out = [Reconciliation(f"reconcile_{name.lower()}",
                          f"{name} rollup totals = monthly totals")
           for name in ROLLUPS]
    out += [Reconciliation(f"corkscrew_{bal}",
                           f"{results.lines[results.index[bal]].label} = opening + flows")
            for bal, _ in corkscrews(results)]
    out.append(Reconciliation(ACTUALS_CHECK, "Fitted reported figures further off than the "
                              "tolerance (a count: the Variances sheet)"))
    return out
