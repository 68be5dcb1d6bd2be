"""Deal terms on their own dates, on the shipped scenarios: the amendment's $38B cap counts
OpenAI's payments from May 2026; the recapitalisation values Microsoft's stake at the
valuation date beside the reported mark; headlines after the waterfall has ended say so.

Tolerances: 1e-9 relative on amounts (sums of a few hundred monthly amounts)."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from model.analysis.report import headline_items
from model.core.engine import run
from model.core.valuation import FOLDED, NO_RECEIPTS, party_values
from model.inputs.defaults import AMENDMENT, RECAP, default_assumptions
from model.workbook.valuation_marks import mark_values

CAP = 38e9
FROM = dt.date(2026, 5, 1)


def test_the_amendment_cap_counts_payments_from_may_2026() -> None:
    r = run(default_assumptions().with_scenario(AMENDMENT))
    months = r.timeline.months[1:]
    paid = r.row("revshare_api_to_microsoft")
    after = [p for m, p in zip(months, paid, strict=True) if m >= FROM]
    before = [p for m, p in zip(months, paid, strict=True) if m < FROM]
    assert math.fsum(after) == pytest.approx(CAP, rel=1e-9)
    assert math.fsum(before) > 1e9  # the payments before May 2026 are not counted
    # It stops at exactly $38B, at no earlier cumulative figure: every month from May 2026
    # pays the full share owed until the month the cap binds, and nothing after it.
    owed = [s * b for s, b in zip(r.row("sched_api_to_microsoft_share"),
                                  r.row("revshare_base"), strict=True)]
    cum = 0.0
    for m, p, o in zip(months, paid, owed, strict=True):
        if m < FROM:
            assert p == pytest.approx(o, rel=1e-12)
            continue
        if cum + o <= CAP * (1 - 1e-12):
            assert p == pytest.approx(o, rel=1e-12), m
        else:
            assert p == pytest.approx(max(0.0, CAP - cum), rel=1e-9, abs=1e-3), m
        cum += p
    binds = next(m for m, c in zip(months, r.row("cum_revshare_toward_cap"), strict=True)
                 if c >= CAP * (1 - 1e-12))
    assert binds.year <= 2030  # within the "through 2030" terms: the cap does bind


def test_recapitalisation_values_microsofts_stake_beside_the_mark() -> None:
    r = run(default_assumptions().with_scenario(RECAP))
    values = {v.key: v for v in party_values(r)}
    ms = values["microsoft"]
    assert ms.stake_value > ms.npv > 0
    assert isinstance(ms.moic_tv, float) and ms.moic_tv > 1
    marks = mark_values(r, values)
    assert marks["microsoft_reported_value"] == 135e9
    assert marks["microsoft_variance"] == pytest.approx(ms.stake_value - 135e9, rel=1e-12)
    assert marks["company_reported_value"] == pytest.approx(135e9 / 0.27, rel=1e-12)
    assert marks["company_value"] == pytest.approx(
        math.fsum(v.stake_value for v in values.values()), rel=1e-12)
    # The first investors' holding is counted in another party's share after Oct 2025.
    first = values["first_investors"]
    assert first.irr == FOLDED and first.moic == FOLDED and first.irr != NO_RECEIPTS


def test_headlines_say_the_waterfall_ended_instead_of_a_later_date() -> None:
    for name in (RECAP, AMENDMENT):
        items = dict(headline_items(run(default_assumptions().with_scenario(name))))
        hurdle = items["Microsoft reaches the tier 2 hurdle"]
        assert isinstance(hurdle, str) and "waterfall ended Oct 2025" in hurdle, hurdle
        for label, value in items.items():
            if label.startswith("Cap of "):
                assert not isinstance(value, dt.date) or value < dt.date(2025, 10, 1)


def test_the_commission_follows_the_compute_on_azure() -> None:
    """A stream with none of its compute on Azure and a cost with none of it on Azure pay
    no commission; with all of it, 10 % of the stream's compute (revenue x (1 - margin))
    and of the cost. Checked against the shipped case, one column at a time."""
    import dataclasses

    from model.core.engine import run as run_model
    base = default_assumptions()
    off = dataclasses.replace(
        base, streams=tuple(dataclasses.replace(s, compute_on_azure=0.0) for s in base.streams),
        costs=tuple(dataclasses.replace(c, on_azure=0.0) for c in base.costs))
    r_on, r_off = run_model(base), run_model(off)
    for t in range(len(r_on.timeline.months) - 1):
        rate = r_on.row("sched_compute_commission")[t]
        api = r_on.row("openai_compute_cost")[t]
        assert r_off.row("compute_commission")[t] == pytest.approx(api * rate, rel=1e-12)
        streams = sum(r_on.row(f"{s.key}_revenue")[t]
                      * (1 - r_on.row(f"sched_{s.key}_gross_margin")[t]) for s in base.streams)
        training = r_on.row("training_compute_cost")[t]
        assert r_on.row("compute_commission")[t] == pytest.approx(
            (api + streams + training) * rate, rel=1e-12)


def test_a_workbook_without_the_azure_columns_reads_the_defaults(tmp_path: object) -> None:
    """Streams and Costs sheets made before compute_on_azure / on_azure: every stream's
    compute on Azure, no cost; the build says so."""
    from pathlib import Path

    import openpyxl

    from model import default_template
    from model.inputs.validate import load
    wb = openpyxl.load_workbook(default_template())
    for sheet, column in (("Streams", "compute_on_azure"), ("Costs", "on_azure")):
        ws = wb[sheet]
        col = next(c.column for c in ws[1] if c.value == column)
        ws.delete_cols(col)
    path = Path(str(tmp_path)) / "older.xlsx"
    wb.save(path)
    a = load(path)
    assert all(s.compute_on_azure == 1.0 for s in a.streams)
    assert all(c.on_azure == 0.0 for c in a.costs)
    assert any("no 'on_azure' column on the Costs sheet" in n for n in a.notes)


def test_the_falling_revenue_share_scenario_steps_toward_9_percent_by_2030() -> None:
    """OpenAI's projection (The Information, Sep 2025): 20 % falling toward 8-10 % by 2030,
    here 17 / 14 / 11.5 / 9 % from 2027 to 2030, on the recapitalisation's terms. Each
    January's rate is the step's, and OpenAI pays less than under the recapitalisation."""
    from model.inputs.defaults import FALLING
    a = default_assumptions()
    r, base = run(a.with_scenario(FALLING)), run(a.with_scenario(RECAP))
    rates = {m: v for m, v in zip(r.timeline.months[1:], r.row("sched_api_to_microsoft_share"),
                                  strict=True)}
    assert rates[dt.date(2026, 12, 1)] == 0.20
    for year, share in ((2027, 0.17), (2028, 0.14), (2029, 0.115), (2030, 0.09)):
        assert rates[dt.date(year, 1, 1)] == share
        assert rates[dt.date(year, 12, 1)] == share
    assert r.total("revshare_api_to_microsoft") < base.total("revshare_api_to_microsoft")


def test_a_schedule_target_twice_in_the_same_month_is_refused(tmp_path: object) -> None:
    """A Schedule rate may step once per from_month; twice in one month names the cell."""
    from pathlib import Path

    import openpyxl

    from model import default_template
    from model.errors import InputError
    from model.inputs.validate import load
    wb = openpyxl.load_workbook(default_template())
    ws = wb["Scenarios"]
    months = [ws.cell(r, 2).value for r in range(2, ws.max_row + 1)
              if ws.cell(r, 1).value == "Schedule:api_to_microsoft_share"]
    assert len(months) == 5  # the amendment's end of 2030 and the four steps
    last = ws.max_row
    ws.cell(last + 1, 1, "Schedule:api_to_microsoft_share")
    ws.cell(last + 1, 2, months[-1])
    ws.cell(last + 1, 4, 0.05)
    path = Path(str(tmp_path)) / "twice.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as e:
        load(path)
    assert f"cell A{last + 1}" in str(e.value) and "once per from_month" in str(e.value)
