"""Waterfall invariants on thousands of random valid cases (the engine alone, no files).

For every month of every case (``tests/badinputs.random_assumptions``, each drawn case
run as drawn and three times more with its amounts rescaled):

- the distributions plus what is left undistributed add up to distributable_profit;
- distributions and what is left undistributed are never negative;
- while the waterfall is in force, no capped party's cumulative receipts exceed its cap
  in force;
- cumulative receipts never fall;
- a tier takes profit only once the tier above it is full: its hurdle party has received
  (before its cap, in that tier's accounting) the hurdle;
- the revenue share paid to Microsoft never exceeds its cap.

Amounts are compared with a tolerance of $1e-6 plus 1e-9 of the amounts involved.
FINMODEL_FUZZ_EXAMPLES raises the number of cases (``make fuzz``).
"""

from __future__ import annotations

import dataclasses
import os
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.core.engine import run
from model.core.results import Results
from model.inputs.assumptions import Assumptions
from tests.badinputs import counting, random_assumptions, typed

CASES = int(os.environ.get("FINMODEL_FUZZ_EXAMPLES", "0")) * 10 or 2000
PER_EXAMPLE = 4  # one case drawn by hypothesis, three more by rescaling its amounts
ABS, REL = 1e-6, 1e-9

_tally, _report = counting("invariants")


def _le(a: float, b: float, scale: float = 0.0) -> bool:
    """a <= b within the tolerance."""
    return a <= b + ABS + REL * max(abs(a), abs(b), abs(scale))


def violations(r: Results) -> list[str]:
    """Every broken invariant, as 'month t: what' lines."""
    a = r.assumptions.effective()
    v = {key: r.raw[i] for key, i in r.index.items()}  # line -> values, [0] the opening
    out: list[str] = []
    cap_rs = a.inputs["revshare_api_to_microsoft_cap_usd"]
    capped = [p.key for p in a.parties if p.capped]
    pairs = [(upper, lower) for upper, lower in zip(a.tiers, a.tiers[1:], strict=False)
             if upper.hurdle_party is not None]
    for t in range(1, r.timeline.n + 1):
        dp, left = v["distributable_profit"][t], v["undistributed"][t]
        paid = [v[f"dist_{p.key}"][t] for p in a.parties]
        if abs(sum(paid) + left - dp) > ABS + REL * abs(dp):
            out.append(f"month {t}: distributions {sum(paid)} + undistributed {left} "
                       f"!= distributable profit {dp}")
        if left < -ABS or min(paid) < -ABS:
            out.append(f"month {t}: a negative distribution")
        for p in a.parties:
            if not _le(v[f"cum_{p.key}"][t - 1], v[f"cum_{p.key}"][t]):
                out.append(f"month {t}: cum_{p.key} fell")
        if v["waterfall_active"][t] >= 1:
            for k in capped:
                if not _le(v[f"cum_{k}"][t], v[f"cap_{k}"][t]):
                    out.append(f"month {t}: cum_{k} {v[f'cum_{k}'][t]} above its cap "
                               f"{v[f'cap_{k}'][t]}")
        for upper, lower in pairs:
            taken = v[f"tier{lower.number}_absorbed"][t]
            h = upper.hurdle_party
            reached = (v[f"tier{upper.number}_prior_{h}"][t]
                       + v[f"tier{upper.number}_gross_{h}"][t])
            if taken > ABS + REL * abs(dp) and not _le(float(upper.hurdle_usd or 0), reached):
                out.append(f"month {t}: tier {lower.number} took {taken} before tier "
                           f"{upper.number} was full ({reached} of {upper.hurdle_usd})")
        if cap_rs is not None and not _le(v["cum_revshare_toward_cap"][t],
                                          float(cap_rs)):  # type: ignore[arg-type]
            out.append(f"month {t}: revenue share above its cap {cap_rs}")
    return out


def _count(r: Results) -> None:
    """What the cases exercised, so that the report shows the extremes were reached."""
    a = r.assumptions.effective()
    v = {key: r.raw[i][1:] for key, i in r.index.items()}
    _tally["cases"] += 1
    _tally["months"] += r.timeline.n
    if any(max(v[f"cap_binds_{p.key}"]) >= 1 for p in a.parties if p.capped):
        _tally["cases where a cap binds"] += 1
    for t in a.tiers:  # the hurdle met in a month in which the next tier also took profit
        nxt = next((u for u in a.tiers if u.number > t.number), None)
        if t.hurdle_party and nxt and any(
                taken > 0 and before < 1 <= met for taken, met, before in zip(
                    v[f"tier{nxt.number}_absorbed"], v[f"tier{t.number}_hurdle_met"],
                    [0.0, *v[f"tier{t.number}_hurdle_met"]], strict=False)):
            _tally["cases where a hurdle is crossed mid-month"] += 1
            break
    if max(v["equity_split_active"]) >= 1:
        _tally["cases with the equity split"] += 1
    if max(v["cumulative_losses"]) > 0:
        _tally["cases with losses carried forward"] += 1
    cap_rs = a.inputs["revshare_api_to_microsoft_cap_usd"]
    if cap_rs is not None and v["cum_revshare_toward_cap"][-1] >= float(cap_rs) - ABS:  # type: ignore[arg-type]
        _tally["cases where the revenue-share cap binds"] += 1


def _rescaled(a: Assumptions, rng: random.Random) -> Assumptions:
    """The same case with its amounts (revenue, losses, caps, hurdles) moved by random
    factors of 1/1000 to 1000: still valid, and far cheaper than a fresh hypothesis draw."""
    def scale(x: float | None) -> float | None:
        return None if x is None else typed(x * 10 ** rng.uniform(-3, 3))
    revenue = 10 ** rng.uniform(-3, 3)
    inputs = {**a.inputs, **{k: typed(float(a.inputs[k]) * revenue)  # type: ignore[arg-type]
                             for k in ("api_arr_opening", "azure_arr_opening")}}
    inputs["ptu_customers_opening"] = typed(
        float(a.inputs["ptu_customers_opening"]) * revenue * (1 - 1e-9))  # type: ignore[arg-type]
    inputs["opening_cumulative_losses"] = scale(a.inputs["opening_cumulative_losses"])  # type: ignore[arg-type]
    inputs["revshare_api_to_microsoft_cap_usd"] = scale(
        a.inputs["revshare_api_to_microsoft_cap_usd"])  # type: ignore[arg-type]
    parties = tuple(dataclasses.replace(p, cap_usd=scale(p.cap_usd)) for p in a.parties)
    tiers = tuple(dataclasses.replace(t, hurdle_usd=scale(t.hurdle_usd)) for t in a.tiers)
    return dataclasses.replace(a, inputs=inputs, parties=parties, tiers=tiers)


@settings(max_examples=max(1, CASES // PER_EXAMPLE), deadline=None,
          derandomize=not os.environ.get("FINMODEL_FUZZ_EXAMPLES"),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(a=random_assumptions(), rng=st.randoms(use_true_random=False))
def test_waterfall_invariants_on_random_cases(a: Assumptions, rng: random.Random) -> None:
    for case in [a, *(_rescaled(a, rng) for _ in range(PER_EXAMPLE - 1))]:
        r = run(case)
        _count(r)
        broken = violations(r)
        _tally["violations"] += len(broken)
        assert broken == [], "\n".join([repr(case), *broken[:10]])
