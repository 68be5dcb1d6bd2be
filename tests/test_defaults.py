"""The defaults match the sources they cite (../shared/sources/figures.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from model.core.engine import run
from model.inputs.defaults import default_assumptions


def test_azure_arr_reaches_two_billion_twelve_months_in() -> None:
    # Seed article: Microsoft expects Azure OpenAI at $2.0B annualized a year later.
    r = run(default_assumptions())
    assert r.timeline.months[12] == dt.date(2025, 3, 1)
    assert r.row("azure_arr")[11] == pytest.approx(2.0e9, rel=0.001)


def test_seed_figures() -> None:
    a = default_assumptions()
    assert a.inputs["api_arr_opening"] == 1e9
    assert a.inputs["azure_arr_opening"] == 1e9
    # $185K a month after a 25 % cut.
    fee = a.inputs["ptu_monthly_fee_before_cut"] * (1 - a.inputs["ptu_fee_cut"])
    assert fee == pytest.approx(185_000, rel=1e-5)
    first = a.schedule[0]
    assert first["azure_to_openai_share"] == first["api_to_microsoft_share"] == 0.20
    assert first["azure_gross_margin"] == pytest.approx(0.40)
    tiers = {t.number: t for t in a.tiers}
    assert tiers[2].hurdle_usd == 13e9 and tiers[2].shares["microsoft"] == 0.75
    assert tiers[3].shares["microsoft"] == 0.49
    caps = {p.key: p.cap_usd for p in a.parties}
    assert caps["microsoft"] == 92e9 and caps["employees_investors"] == 150e9
