"""Every input a scenario may override builds under a scenario that overrides it.

A scenario overriding discount_rate ended in "internal error: KeyError: 'Present value of
receipts at 8.0%, First investors'" (the Comparison sheet looked headlines up by a label
that holds the rate), while `finmodel check` said OK: check now builds the workbook in
memory, as build does."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from model.core.engine import run
from model.inputs import schema
from model.inputs.assumptions import Assumptions
from model.inputs.defaults import default_assumptions
from model.inputs.overrides import (
    OverrideRow,
    Scenarios,
    Target,
    field_of,
    inputs_target,
    party_target,
    schedule_target,
)
from model.inputs.scenarios import parse_target
from model.inputs.streams import COST_FIELDS, STREAM_FIELDS
from model.workbook.writer import write_model


def overridable(a: Assumptions) -> list[Target]:
    """Every target of every table, kept where the schema lets a scenario override it."""
    targets = [inputs_target(f.key) for f in schema.INPUT_FIELDS]
    targets += [schedule_target(f.key) for f in a.schedule_fields]
    targets += [party_target(p.key, f.key) for p in a.parties for f in schema.PARTY_FIELDS]
    targets += [Target(schema.TIERS_SHEET, str(t.number), c) for t in a.tiers
                for c in ("hurdle_usd", *(p.key for p in a.parties))]
    for sheet, rows, fields in ((schema.STREAMS_SHEET, a.streams, STREAM_FIELDS),
                                (schema.COSTS_SHEET, a.costs, COST_FIELDS)):
        targets += [Target(sheet, r.key, f.key) for r in rows for f in fields]
    return [t for t in targets if field_of(t) is not None]


def _other(t: Target, a: Assumptions) -> object:
    """A valid value other than the base one (shares stay as they are: they sum to 1)."""
    f = field_of(t)
    assert f is not None
    base = None if t.sheet == schema.SCHEDULE_SHEET else a.cell(t.sheet, t.row, t.column)
    if f.kind == "bool":
        return not base
    if f.kind == "month":
        return dt.date(2026, 1, 1)
    if f.kind == "year":
        return 2027
    if t.column == "equity_share" or t.sheet == schema.TIERS_SHEET and t.column != "hurdle_usd":
        return base
    number = float(base) if isinstance(base, int | float) else 0.0  # type: ignore[arg-type]
    if f.kind == "rate":
        return 0.08 if t.row == "discount_rate" else min(number + 0.01, f.hi or 1.0)
    if f.kind in ("count", "months"):
        return number + 1 if f.hi is None or number + 1 <= f.hi else number
    return number * 1.1 if number else 1e6


def test_every_kind_of_target_is_listed() -> None:
    a = default_assumptions()
    texts = {t.text() for t in overridable(a)}
    assert {"discount_rate", "Schedule:api_growth", "Parties:microsoft:cap_usd",
            "Tiers:2:hurdle_usd", "Tiers:3:microsoft"} <= texts
    assert any(x.startswith("Streams:") for x in texts)
    assert any(x.startswith("Costs:") for x in texts)
    for t in overridable(a):  # the Scenarios sheet accepts each as written
        assert parse_target(t.text(), a) == t, t.text()


@pytest.mark.slow
@pytest.mark.parametrize("text", [t.text() for t in overridable(default_assumptions())])
def test_each_overridable_input_builds_under_a_scenario(text: str) -> None:
    base = default_assumptions()
    target = parse_target(text, base)
    assert target is not None
    from_month = dt.date(2026, 1, 1) if target.sheet == schema.SCHEDULE_SHEET else None
    value = (0.5 if target.sheet == schema.SCHEDULE_SHEET else _other(target, base))
    scen = Scenarios(("base", "changed"),
                     (OverrideRow(target, from_month, {"changed": value}),))
    for selected in scen.names:
        a = dataclasses.replace(base, scenarios=scen, selected=selected)
        buf = io.BytesIO()
        write_model(run(a), buf)
        wb = openpyxl.load_workbook(buf, read_only=True)
        assert "Comparison" in wb.sheetnames and "Scenario" in wb.sheetnames


def test_a_discount_rate_scenario_labels_its_rate(tmp_path: Path) -> None:
    base = default_assumptions()
    scen = Scenarios(("base", "lower rate"),
                     (OverrideRow(inputs_target("discount_rate"), None, {"lower rate": 0.08}),))
    buf = io.BytesIO()
    write_model(run(dataclasses.replace(base, scenarios=scen, selected="base")), buf)
    ws = openpyxl.load_workbook(buf, read_only=True)["Comparison"]
    labels = [row[0] for row in ws.iter_rows(min_col=1, max_col=1, values_only=True)]
    assert "Present value of receipts at each scenario's own rate, Microsoft" in labels
    assert not any("10.0%" in str(x) or "8.0%" in str(x) for x in labels)
