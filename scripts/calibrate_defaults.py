"""How the defaults of model/inputs/calibrated.py were found (run by hand, not by the tests).

`finmodel calibrate` moves each stream's growth on its own; for the shipped defaults the
ChatGPT plans keep one path with the API (as the seed's defaults did) and their openings
keep FutureSearch's proportions, so the fit moves one growth rate a Schedule row and two
openings. Pass 1 fits the reported history (the Actuals rows with fit TRUE); pass 2 fits
the rows from 2027 on to the published projections for 2028-2030, which stay fit FALSE
in the template. Prints the values to copy into model/inputs/calibrated.py.

    PYTHONPATH=. python scripts/calibrate_defaults.py
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from model import keys
from model.analysis.calibrate import Knob, calibrate, default_knobs, movers
from model.core.actuals import compare
from model.core.engine import run
from model.inputs import schema
from model.inputs.assumptions import Assumptions
from model.inputs.defaults import default_assumptions
from model.inputs.overrides import Target


@dataclass(frozen=True)
class Tied(Knob):
    """One Schedule row's growth of the API and of every stream together."""

    def set(self, a: Assumptions, x: float) -> Assumptions:
        columns = ["api_growth", *(keys.growth(s.key) for s in a.streams)]
        rows = list(a.schedule)
        assert self.row is not None
        rows[self.row] = {**rows[self.row], **{k: x for k in columns}}
        return dataclasses.replace(a, schedule=tuple(rows))


@dataclass(frozen=True)
class StreamsOpening(Knob):
    """Every stream's opening, scaled together (their proportions kept)."""

    def get(self, a: Assumptions) -> float:
        return sum(s.arr_opening for s in a.streams)

    def set(self, a: Assumptions, x: float) -> Assumptions:
        k = x / self.get(a)
        return dataclasses.replace(a, streams=tuple(
            dataclasses.replace(s, arr_opening=s.arr_opening * k) for s in a.streams))


def main() -> None:
    a = default_assumptions()
    opening = Target(schema.STREAMS_SHEET, a.streams[0].key, "arr_opening")
    growth = Target(schema.SCHEDULE_SHEET, "", "api_growth")
    knobs = [k for k in default_knobs(a)
             if k.target.column not in ("arr_opening", "api_growth")
             and not k.target.column.startswith("chatgpt_")]
    knobs += [StreamsOpening(opening), *(Tied(growth, i) for i in range(len(a.schedule)))]
    knobs = [k for k, ok in zip(knobs, movers(a, knobs), strict=True) if ok]
    b = calibrate(a, knobs).assumptions
    projections = ("2028", "2029", "2030")
    b2 = dataclasses.replace(b, actuals=tuple(
        dataclasses.replace(x, fit=x.period in projections) for x in b.actuals or ()))
    later = [Tied(growth, i) for i, r in enumerate(b.schedule)
             if 2027 <= r["from_month"].year <= 2030]  # type: ignore[attr-defined]
    final = dataclasses.replace(calibrate(b2, later).assumptions, actuals=a.actuals)
    r = run(final)
    for c in compare(r):
        pct = "" if c.variance_pct is None else f"{c.variance_pct:+.1%}"
        print(f"{c.where():42s} {c.actual.value / 1e9:8.2f} {pct:>8} fit={c.actual.fit}")
    print("api_arr_opening", round(final.inputs["api_arr_opening"], -6))  # type: ignore[call-overload]
    print("azure_arr_opening", round(final.inputs["azure_arr_opening"], -6))  # type: ignore[call-overload]
    for s in final.streams:
        print(s.key, round(s.arr_opening, -6))
    for key in ("api_growth", "azure_payg_growth",
                *(keys.growth(c.key) for c in final.costs)):
        print(key, tuple(round(float(row[key]), 4) for row in final.schedule))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
