"""Rank correlation between drawn inputs (Iman-Conover): each marginal kept exactly, the
rank correlation reached, draw i still a function of the seed and its block alone, and the
sheet's mistakes refused by sheet and cell.

Tolerances: the Spearman correlation of 5,000 draws is within 0.05 of the target (its
sampling error is about 1/sqrt(5000) = 0.014; Iman-Conover's own error at 1,000 draws a
block is smaller still)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model.analysis.montecarlo import sample
from model.core.correlation import target_matrix
from model.errors import InputError
from model.inputs.defaults import default_assumptions
from model.inputs.distributions import parse_distributions
from model.inputs.reader import read_workbook
from model.inputs.uncertain import Distribution
from tests.test_simulate import assumptions_with_sheet

A = Distribution("api_growth", "triangular", "scale", low=0.5, mode=1.0, high=1.25)
B = Distribution("azure_payg_growth", "uniform", "scale", low=0.0, high=2.0,
                 correlated_with="api_growth", rank_correlation=0.7)
C = Distribution("api_gross_margin", "normal", "shift", mean=0.0, sd=0.05)


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    rx, ry = np.argsort(np.argsort(x)), np.argsort(np.argsort(y))
    return float(np.corrcoef(rx, ry)[0, 1])


@pytest.mark.parametrize("rho", [0.7, -0.5, 0.0, 0.95])
def test_the_rank_correlation_is_reached_and_the_marginals_kept(rho: float) -> None:
    b = Distribution(B.key, B.kind, B.apply, low=B.low, high=B.high,
                     correlated_with="api_growth", rank_correlation=rho)
    free = Distribution(B.key, B.kind, B.apply, low=B.low, high=B.high)
    got = sample((A, b, C), 3, 0, 5000)
    alone = sample((A, free, C), 3, 0, 5000)
    assert spearman(got["api_growth"], got[B.key]) == pytest.approx(rho, abs=0.05)
    for key in ("api_growth", B.key):  # the same numbers, in another order
        assert np.array_equal(np.sort(got[key]), np.sort(alone[key]))
    assert np.array_equal(got["api_gross_margin"], alone["api_gross_margin"])  # unpaired
    assert abs(spearman(got["api_gross_margin"], got[B.key])) < 0.05


def test_draw_i_depends_on_its_block_alone() -> None:
    whole = sample((A, B, C), 8, 0, 3000)
    part = sample((A, B, C), 8, 1500, 2600)
    for key in whole:
        assert np.array_equal(whole[key][1500:2600], part[key])


def test_pairs_that_cannot_hold_together_are_refused_by_cell() -> None:
    """Three keys each at rank correlation -0.9 with the others: no draws can have it."""
    rows = (Distribution("api_growth", "normal", "shift", mean=0, sd=0.1,
                         correlated_with="azure_payg_growth", rank_correlation=-0.9,
                         key_cell="A2"),
            Distribution("azure_payg_growth", "normal", "shift", mean=0, sd=0.1,
                         correlated_with="api_gross_margin", rank_correlation=-0.9,
                         key_cell="A3"),
            Distribution("api_gross_margin", "normal", "shift", mean=0, sd=0.1,
                         correlated_with="api_growth", rank_correlation=-0.9, key_cell="A4"))
    with pytest.raises(InputError) as e:
        target_matrix(rows, "x.xlsx")
    text = str(e.value)
    assert "Distributions" in text and "A2" in text and "hold together" in text


HEADER = ["key", "distribution", "apply", "mean", "sd", "low", "mode", "high", "min", "max",
          "note", "correlated_with", "rank_correlation"]


def _parse(tmp_path: Path, rows: list[list[object]]) -> object:
    path = assumptions_with_sheet(tmp_path / "dists.xlsx", rows, HEADER)
    raw = read_workbook(path)
    return parse_distributions(raw.tables["Distributions"], default_assumptions().effective(),
                               str(path))


def test_the_sheet_reads_a_pair(tmp_path: Path) -> None:
    got = _parse(tmp_path, [
        ["api_growth", "normal", None, 1, 0.1],
        ["azure_payg_growth", "normal", None, 1, 0.1, None, None, None, None, None, None,
         "api_growth", 0.5]])
    assert got[1].correlated_with == "api_growth" and got[1].rank_correlation == 0.5  # type: ignore[index]


@pytest.mark.parametrize("row, cell, says", [
    (["azure_payg_growth", "normal", None, 1, 0.1, None, None, None, None, None, None,
      "api_growth_", 0.5], "L3", "did you mean 'api_growth'"),
    (["azure_payg_growth", "normal", None, 1, 0.1, None, None, None, None, None, None,
      "api_growth", 1.5], "M3", "between -1 and 1"),
    (["azure_payg_growth", "normal", None, 1, 0.1, None, None, None, None, None, None,
      None, 0.5], "L3", "the key of another row"),
    (["azure_payg_growth", "normal", None, 1, 0.1, None, None, None, None, None, None,
      "azure_payg_growth", 0.5], "L3", "(this row)"),
])
def test_bad_pairs_are_refused_by_cell(tmp_path: Path, row: list[object], cell: str,
                                       says: str) -> None:
    with pytest.raises(InputError) as e:
        _parse(tmp_path, [["api_growth", "normal", None, 1, 0.1], row])
    text = str(e.value)
    assert f"cell {cell}" in text and says in text, text


def test_by_default_the_streams_and_costs_growth_are_drawn() -> None:
    """The shipped Distributions rows, and those of a workbook without the sheet, draw
    every stream's and every cost's growth (ChatGPT is most of the revenue)."""
    import dataclasses

    from model.inputs.defaults import default_distributions
    a = default_assumptions()
    want = {f"{s.key}_growth" for s in a.streams} | {f"{c.key}_growth" for c in a.costs}
    assert len(want) >= 5
    assert want <= {d.key for d in a.distributions or ()}
    assert want <= {d.key for d in default_distributions(
        dataclasses.replace(a, distributions=None))}
    drawn = sample(a.distributions or (), 4, 0, 2000)
    for key in want:
        assert np.std(drawn[key]) > 0.05, key
