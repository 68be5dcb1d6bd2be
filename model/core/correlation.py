"""Rank correlation between drawn inputs, by the Iman-Conover method.

The Distributions sheet can pair two rows (``correlated_with``, ``rank_correlation``).
Each row is first drawn on its own, so its distribution is exactly as written; the
method then reorders the draws of the correlated rows, within each block of draws, so
that their ranks follow a correlated set of normal scores:

1. scores: the normal quantiles of 1/(N+1) ... N/(N+1), each column in its own random
   order;
2. the target rank correlation rho_s becomes the Pearson correlation of normal scores
   r = 2 sin(pi rho_s / 6) (Pearson 1907, for normal variables);
3. with L the Cholesky factor of the target and Q that of the scores' own correlation,
   T = scores x (Q^-1)^T x L^T has the target correlation;
4. each row's draws, sorted, are put in the order of T's column.

Only the order of the draws changes, so each marginal distribution is untouched. The
rearrangement uses the block's own generator, so draw i still depends only on the seed
and its block (model.analysis.montecarlo).

Iman, R. L. and Conover, W. J. (1982), "A distribution-free approach to inducing rank
correlation among input variables", Communications in Statistics B 11(3), 311-334.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

import numpy as np

from model.errors import InputError, Problem
from model.inputs.schema import DISTRIBUTIONS_SHEET
from model.inputs.uncertain import Distribution


def correlated_keys(dists: Sequence[Distribution]) -> list[str]:
    """The keys of every row that is paired with another, in sheet order."""
    paired = {d.key for d in dists if d.correlated_with}
    paired |= {d.correlated_with for d in dists if d.correlated_with}
    return [d.key for d in dists if d.key in paired]


def target_matrix(dists: Sequence[Distribution], path: str = "") -> np.ndarray:
    """The Pearson correlation of the normal scores for the correlated keys; raises
    InputError naming the cell when the pairs cannot hold together."""
    keys = correlated_keys(dists)
    index = {k: i for i, k in enumerate(keys)}
    c = np.eye(len(keys))
    problems: list[Problem] = []
    seen: dict[tuple[int, int], float] = {}
    for d in dists:
        if not d.correlated_with:
            continue
        i, j = index[d.key], index[d.correlated_with]
        rho = float(d.rank_correlation or 0.0)
        pair = (min(i, j), max(i, j))
        if pair in seen and seen[pair] != rho:
            problems.append(Problem(DISTRIBUTIONS_SHEET, d.key_cell or None,
                                    f"one rank correlation for {d.key} and {d.correlated_with}",
                                    f"{seen[pair]:g} and {rho:g}", d.key))
        seen[pair] = rho
        c[i, j] = c[j, i] = 2 * math.sin(math.pi * rho / 6)
    if not problems and len(keys) and np.linalg.eigvalsh(c).min() <= 1e-10:
        where = next(d for d in dists if d.correlated_with)
        problems.append(Problem(DISTRIBUTIONS_SHEET, where.key_cell or None,
                                "rank correlations that can hold together (a pair not "
                                "listed counts as 0, so with three or more keys the pairs "
                                "must be weaker: lower them)",
                                "a set no draws can have", where.key))
    if problems:
        raise InputError(path, problems)
    return c


def _scores(n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    inv = NormalDist().inv_cdf
    base = np.array([inv(i / (n + 1)) for i in range(1, n + 1)])
    return np.column_stack([rng.permutation(base) for _ in range(k)])


def rearrange(x: dict[str, np.ndarray], dists: Sequence[Distribution],
              rng: np.random.Generator) -> dict[str, np.ndarray]:
    """One block's draws with the correlated keys reordered (the others as they were)."""
    keys = correlated_keys(dists)
    if not keys:
        return x
    n = len(x[keys[0]])
    if n < 3:
        return x
    target = np.linalg.cholesky(target_matrix(dists))
    s = _scores(n, len(keys), rng)
    q = np.linalg.cholesky(np.corrcoef(s, rowvar=False))
    t = s @ np.linalg.inv(q).T @ target.T
    out = dict(x)
    for j, key in enumerate(keys):
        ranked = np.empty(n)
        ranked[np.argsort(t[:, j], kind="stable")] = np.sort(x[key], kind="stable")
        out[key] = ranked
    return out
