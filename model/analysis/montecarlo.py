"""Monte Carlo over the whole model, vectorised across draws.

The engine's step function is compiled once with ``vector=True``: every line is
then computed for all the draws of a chunk at once, month by month, with numpy.
The Python model is never looped per draw.

Reproducibility and chunking
----------------------------
Draw ``i`` of key ``k`` comes from the numpy generator
``Generator(PCG64(SeedSequence(seed, spawn_key=(i // BLOCK, crc32(k)))))``, that is
from the spawned child sequence of its block of ``BLOCK`` draws and its key. So:

- the same seed and the same Distributions rows give the same draws;
- draw i does not depend on how many draws are asked for, on the chunk size or on
  the number of worker processes: chunks (and processes) only split the work;
- changing one row of the Distributions sheet leaves the draws of the other keys
  as they were (common random numbers when comparing two runs), except that rows
  paired by ``correlated_with`` are reordered together within each block
  (``model.core.correlation``, from the block's own generator).

The model itself runs in ``model.core.draws``, all draws of a chunk at once.
"""

from __future__ import annotations

import datetime as dt
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from model.analysis.simulation import Simulation
from model.core.correlation import rearrange, target_matrix
from model.core.draws import lines_many, run_many
from model.core.engine import Compiled, compiled_for
from model.core.timeline import Timeline
from model.errors import ModelValueError
from model.inputs import schema
from model.inputs.defaults import default_distributions
from model.inputs.distributions import validate_for
from model.inputs.uncertain import INPUT_KEYS, Distribution

if TYPE_CHECKING:
    from model.inputs.assumptions import Assumptions

BLOCK = 1000  # draws per seed block: the unit of reproducibility
DEFAULT_CHUNK = 10_000  # draws per vectorised pass of the engine
MAX_DRAWS = 1_000_000
DEFAULT_BY = dt.date(2030, 12, 1)
RANK_KEY = "rank correlation"  # the generator of a block's Iman-Conover scores



# ---------------------------------------------------------------- sampling

def key_generator(seed: int, block: int, key: str) -> np.random.Generator:
    """The generator of one block of draws of one key: a spawned child sequence."""
    seq = np.random.SeedSequence(seed, spawn_key=(block, zlib.crc32(key.encode())))
    return np.random.Generator(np.random.PCG64(seq))


def sample(dists: Sequence[Distribution], seed: int, start: int,
           stop: int) -> dict[str, np.ndarray]:
    """Draws start..stop-1 of every distribution, after its min/max clipping."""
    first, last = start // BLOCK, (stop - 1) // BLOCK
    blocks = []
    for b in range(first, last + 1):
        block = {d.key: d.sample(key_generator(seed, b, d.key), BLOCK) for d in dists}
        blocks.append(rearrange(block, dists, key_generator(seed, b, RANK_KEY)))
    return {d.key: np.concatenate([blk[d.key] for blk in blocks])
            [start - first * BLOCK: stop - first * BLOCK] for d in dists}


def run_draws(a: Assumptions, dists: Sequence[Distribution], seed: int, start: int, stop: int,
              tick: Callable[[], None] | None = None,
              compiled: Compiled | None = None) -> dict[str, np.ndarray]:
    """Draws start..stop-1 through the whole model at once: the per-draw results
    (see ``model.core.draws.run_many``). Module-level, so a process pool can run
    chunks of one simulation."""
    return run_many(a, dists, sample(dists, seed, start, stop), tick, compiled)


def run_lines(a: Assumptions, dists: Sequence[Distribution], seed: int, start: int,
              stop: int) -> dict[str, np.ndarray]:
    """Every line in every month for draws start..stop-1: {key: (n + 1, draws) array}.
    Keeps the whole history, so meant for a few draws (tests, inspection)."""
    return lines_many(a, dists, sample(dists, seed, start, stop))


# ---------------------------------------------------------------- the simulation

class Tracker(Protocol):
    """Hears of the steps of a long run (a progress bar): ``update(k)`` after ``k`` more
    steps, ``close()`` at the end, whether the run finished or not."""

    def update(self, k: int = 1) -> None: ...

    def close(self) -> None: ...


ProgressFactory = Callable[[int, str], Tracker]  # (total steps, what is running) -> tracker


class _Silent:
    """The tracker when nobody listens."""

    def __init__(self, total: int, what: str) -> None:
        pass

    def update(self, k: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def simulate(a: Assumptions, dists: Sequence[Distribution], draws: int, seed: int,
             by: dt.date = DEFAULT_BY, chunk: int = DEFAULT_CHUNK, workers: int = 1,
             progress: ProgressFactory | None = None, source: str = "") -> Simulation:
    """Run ``draws`` draws of the whole model, vectorised, in chunks of ``chunk`` draws.

    ``a`` may carry a selected scenario: the simulation varies around it. With
    ``workers`` > 1 the chunks run in a process pool; the results are the same.
    ``progress(total, what)``, when given, makes the tracker that hears of each step done
    (the command line's progress bar); the library itself never prints.
    """
    if not 1 <= draws <= MAX_DRAWS:
        raise ValueError(f"draws must be between 1 and {MAX_DRAWS:,}, not {draws}")
    if chunk < 1:
        raise ValueError(f"chunk must be at least 1, not {chunk}")
    t0 = time.perf_counter()
    eff = a.effective()
    blank = [d.key for d in dists if d.key in INPUT_KEYS and eff.inputs.get(d.key) is None]
    if blank:
        raise ValueError(f"cannot draw blank optional inputs {blank}: their blankness "
                         "chooses the model's structure (see distributions.validate_for)")
    n = Timeline.of(eff).n
    spans = [(lo, min(lo + chunk, draws)) for lo in range(0, draws, chunk)]
    parts: list[dict[str, np.ndarray]]
    if workers > 1 and len(spans) > 1:
        from concurrent.futures import ProcessPoolExecutor
        compiled_for(eff, vector=True)  # forked workers inherit the compiled code
        bar = (progress or _Silent)(len(spans), "simulating (chunks)")
        try:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = [pool.submit(run_draws, eff, tuple(dists), seed, lo, hi)
                           for lo, hi in spans]
                parts = []
                for fut in futures:
                    parts.append(fut.result())
                    bar.update()
        finally:
            bar.close()
    else:
        bar = (progress or _Silent)(len(spans) * n, "simulating")
        compiled = compiled_for(eff, vector=True)
        try:
            parts = [run_draws(eff, dists, seed, lo, hi, bar.update if progress else None,
                               compiled) for lo, hi in spans]
        finally:
            bar.close()
    metrics = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    bad = np.zeros(draws, dtype=bool)
    for v in metrics.values():
        if v.dtype.kind == "f":
            bad |= ~np.isfinite(v)
    if bad.any():
        raise ModelValueError(f"{int(bad.sum()):,} of {draws:,} draws overflow (a result is "
                              "inf or NaN): narrow the distributions")
    scenario = getattr(a, "selected", None) if getattr(a, "scenarios", None) else None
    return Simulation(eff, tuple(dists), draws, seed, by, source, metrics,
                      time.perf_counter() - t0, scenario)


# ---------------------------------------------------------------- loading and output

def distributions_for(a: Assumptions, path: Path) -> tuple[tuple[Distribution, ...], str]:
    """The rows of the workbook's Distributions sheet, as loaded with it (the defaults
    when it has none), checked against the assumptions as simulated (the selected
    scenario applied); and a note of where they came from. Raises InputError by sheet
    and cell."""

    if a.distributions is None:
        dists, where = default_distributions(a), (
            f"the default distributions ({path.name} has no {schema.DISTRIBUTIONS_SHEET} "
            "sheet)")
    else:
        dists, where = a.distributions, f"the {schema.DISTRIBUTIONS_SHEET} sheet of {path.name}"
    validate_for(dists, a.effective(), str(path))
    target_matrix(dists, str(path))  # the pairs of correlated_with hold together
    return dists, where


def default_output(source: Path) -> Path:
    """output/<stem>-simulation.xlsx, the stem without a '-model' or '-simulation'."""
    stem = source.stem
    for suffix in ("-model", "-simulation"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
    return Path("output") / f"{stem}-simulation.xlsx"


def parse_month(text: str) -> dt.date:
    """'2030-12' -> 2030-12-01. Raises ValueError with a message for the user."""
    try:
        year, month = (int(p) for p in text.strip().split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        raise ValueError(f"expected a month as YYYY-MM, such as 2030-12, found '{text}'") \
            from None


