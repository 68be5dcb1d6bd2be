"""The sensitivity grid and tornado: one vectorised pass, each draw equal to a scalar run.

The reference is outside the code under test: for every grid point and tornado bump,
the scalar engine (engine.run) on assumptions changed by solve.varied, one run each,
as the Analysis sheet was computed before the pass was vectorised.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from model.analysis import sensitivity
from model.analysis.sensitivity import Change, metric_of_draws
from model.analysis.solve import DEFAULT_METRIC, Metric, Settings, changer, resolve, varied
from model.core.engine import run
from model.inputs.assumptions import Assumptions
from model.inputs.defaults import default_assumptions
from model.inputs.overrides import Target
from tests.test_simulate import VARIANTS, with_party

REL = 1e-12


def scalar(a: Assumptions, metric: Metric, changes: list[Change]) -> float:
    """One run of the scalar engine with the changes made one after another."""
    for ch in changes:
        a = varied(a, ch.target, changer(ch.mode, ch.x))
    return metric.of(run(a))


def close(got: float, want: float) -> bool:
    return abs(got - want) <= REL * max(abs(want), 1.0)


CASES: dict[str, Callable[[Assumptions], Assumptions]] = {
    **VARIANTS,
    "second_scenario": lambda a: a.with_scenario(a.scenarios.names[1]),  # type: ignore[union-attr]
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_grid_point_and_tornado_bump_equals_a_scalar_run(case: str) -> None:
    a = CASES[case](default_assumptions())
    settings = Settings()
    g, base, bars = sensitivity.sensitivities(a, settings)
    x, y = resolve(settings.grid_x, a), resolve(settings.grid_y, a)
    checked = 0
    for i, dy in enumerate(settings.grid_y_steps):
        for j, dx in enumerate(settings.grid_x_steps):
            want = scalar(a, settings.metric, [Change(y, "shift", dy), Change(x, "shift", dx)])
            assert close(g.values[i][j], want), (case, dy, dx, g.values[i][j], want)
            checked += 1
    assert close(base, DEFAULT_METRIC.of(run(a)))
    pct = settings.tornado_pct
    targets = sensitivity.tornado_inputs(a)
    assert {b.target for b in bars} == set(targets) and len(bars) == len(targets)
    for b in bars:
        assert close(b.low, scalar(a, settings.metric, [Change(b.target, "scale", 1 - pct)]))
        assert close(b.high, scalar(a, settings.metric, [Change(b.target, "scale", 1 + pct)]))
        checked += 2
    assert checked == 25 + 2 * len(targets) and len(targets) > 10
    # Streams, Costs, Parties and Tiers cells are parameters of the step, drawn too
    assert {t.sheet for t in targets} == {"Inputs", "Schedule", "Streams", "Costs", "Parties",
                                          "Tiers"}


METRICS = {
    "flow_through_a_month": DEFAULT_METRIC,
    "balance_at_a_month": Metric("cum_microsoft", dt.date(2032, 12, 1)),
    "flow_over_the_horizon": Metric("revshare_api_to_microsoft"),
    "before_the_start": Metric("microsoft_total_take", dt.date(2020, 1, 1)),
}


@pytest.mark.parametrize("metric", list(METRICS))
def test_draws_of_every_kind_of_input_and_change(metric: str) -> None:
    a = with_party(default_assumptions(), "microsoft", cap_usd=20e9)
    m = METRICS[metric]
    sched = Target("Schedule", "api_growth", "api_growth")
    draws = [
        [],
        [Change(sched, "scale", 0.5)],
        [Change(sched, "shift", -5.0)],  # held at the bound: growth never below -100 %
        [Change(Target("Schedule", "api_gross_margin", "api_gross_margin"), "shift", 0.9)],
        [Change(Target("Inputs", "azure_arr_opening", "value"), "set", 3e9)],
        [Change(Target("Parties", "microsoft", "cap_usd"), "scale", 0.5)],
        [Change(Target("Tiers", "2", "hurdle_usd"), "shift", -5e9)],
        [Change(Target("Tiers", "3", "microsoft"), "set", 0.6),
         Change(Target("Tiers", "3", "employees_investors"), "set", 0.38)],
        [Change(sched, "scale", 1.2), Change(sched, "shift", 0.1)],  # one input twice
        [Change(Target("Parties", "first_investors", "equity_share"), "set", 0.5)],
        [Change(Target("Streams", "chatgpt_plus", "arr_opening"), "scale", 1.5)],
        [Change(Target("Costs", "staff", "monthly_opening"), "shift", 1e8),
         Change(Target("Schedule", "staff_growth", "staff_growth"), "scale", 2.0)],
    ]
    got = metric_of_draws(a, m, draws)
    want = [scalar(a, m, d) for d in draws]
    assert len(got) == len(draws)
    for d, (g, w) in enumerate(zip(got, want, strict=True)):
        assert close(g, w), (metric, d, g, w)
    if metric == "before_the_start":
        assert got == [0.0] * len(draws)
    else:
        assert len(set(got)) > 3  # the changes do move the result


def test_the_analysis_sheet_is_one_pass_of_the_many_draws_engine(
        monkeypatch: pytest.MonkeyPatch) -> None:
    passes: list[int] = []
    inner = sensitivity.line_many

    def counted(*args: object, **kwargs: object) -> object:
        passes.append(1)
        return inner(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sensitivity, "line_many", counted)
    sensitivity.sensitivities(default_assumptions(), Settings())
    assert len(passes) == 1


def test_a_date_input_is_refused_as_varied_refuses_it() -> None:
    a = default_assumptions()
    t = Target("Inputs", "ptu_fee_cut_month", "value")
    with pytest.raises(TypeError):
        varied(a, t, changer("shift", 1.0))
    with pytest.raises(TypeError):
        metric_of_draws(a, DEFAULT_METRIC, [[Change(t, "shift", 1.0)]])
