"""The size limits: at most MAX_PARTIES parties and MAX_TIERS tiers over at most 1,200
months. Within them the generated step function compiles and runs, and every formula
stays within Excel's limits (8,192 characters, 64 levels of nesting); beyond them the
validator refuses the workbook (tests/badinputs.py), yet the code still compiles: its
nesting does not grow with the number of parties or tiers."""

from __future__ import annotations

import dataclasses
import html
import math
import re
import sys
import zipfile
from pathlib import Path

import pytest

from model.core import engine
from model.core.guards import reserved_names
from model.inputs import schema
from model.inputs.assumptions import Assumptions, Party, Tier
from model.inputs.defaults import default_assumptions
from tests.helpers import build

EXCEL_FORMULA_CHARS = 8192
EXCEL_NESTING = 64


def shaped(parties: int, tiers: int, horizon: int) -> Assumptions:
    """Microsoft and the nonprofit plus capped investors, each tier with a hurdle but the
    last, every share equal."""
    base = default_assumptions()
    keys = ["microsoft", *(f"investor_{i}" for i in range(parties - 2)), "nonprofit"]
    ps = [Party(k, k.replace("_", " ").title(), None if k == "nonprofit" else 1e9 * (i + 1),
                0.2 if k == "microsoft" else None, 2025 if k == "microsoft" else None,
                None if k == "nonprofit" else "nonprofit", 1 / parties)
          for i, k in enumerate(keys)]
    ts = [Tier(k, f"Tier {k}", keys[(k - 1) % (parties - 1)] if k < tiers else None,
               5e8 * k if k < tiers else None, {key: 1 / parties for key in keys})
          for k in range(1, tiers + 1)]
    return dataclasses.replace(base, parties=tuple(ps), tiers=tuple(ts), scenarios=None,
                               selected=None, distributions=None,
                               inputs={**base.inputs, "horizon_months": horizon})


def _depth(formula: str) -> int:
    depth = deepest = 0
    for ch in formula:
        depth += ch == "("
        depth -= ch == ")"
        deepest = max(deepest, depth)
    return deepest


def test_the_largest_model_compiles_and_runs() -> None:
    a = shaped(schema.MAX_PARTIES, schema.MAX_TIERS, 1200)
    r = engine.run(a)
    assert r.timeline.n == 1200
    engine.compile_model(a, vector=True)  # the Monte Carlo engine's form too
    # the waterfall adds up: distributions + undistributed = distributable, every month
    dist = [sum(r.row(f"dist_{p.key}")[t] for p in a.parties) + r.row("undistributed")[t]
            for t in range(1200)]
    for got, want in zip(dist, r.row("distributable_profit"), strict=True):
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-3)
    assert r.total("check_waterfall_sum") == 0


def test_the_largest_model_writes_formulas_excel_accepts(tmp_path: Path) -> None:
    """Excel counts a formula's text, not its XML (where ">" is "&gt;"); the Checks
    sheet's reconciliations, 18,496 characters at 12 x 12 as one formula, are now a row per
    block of lines, each under 1,000 characters."""
    out, _ = build(tmp_path, shaped(schema.MAX_PARTIES, schema.MAX_TIERS, 24))
    formulas = sheet_formulas(out)
    assert len(formulas) > 10_000
    assert max(len(f) for _, f in formulas) <= EXCEL_FORMULA_CHARS
    assert max(_depth(f) for _, f in formulas) <= EXCEL_NESTING
    checks = [f for sheet, f in formulas if sheet == "Checks"]
    assert max(len(f) for f in checks) <= 1000, max(len(f) for f in checks)


def sheet_formulas(path: Path) -> list[tuple[str, str]]:
    """(sheet name, formula text as Excel counts it) of every formula cell."""
    with zipfile.ZipFile(path) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
        targets |= {k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)}
        out = []
        for name, rid in re.findall(r'<sheet name="([^"]+)"[^>]*r:id="(rId\d+)"', wb):
            part = "xl/" + targets[rid].lstrip("/").removeprefix("xl/")
            xml = z.read(part).decode()
            out += [(html.unescape(name), html.unescape(f))
                    for f in re.findall(r"<f>([^<]*)</f>", xml)]
    return out


@pytest.mark.parametrize("tiers", [200, pytest.param(1000, marks=pytest.mark.slow)])
def test_far_beyond_the_limits_the_code_still_compiles(tiers: int) -> None:
    """200 tiers gave 'too many nested parentheses', 1,000 a RecursionError, when a sum
    of many terms nested one bracket per term."""
    c = engine.compile_model(shaped(4, tiers, 12))
    assert max(_depth(line) for line in c.source.splitlines()) < 20


def test_reserved_party_keys_come_from_the_lines() -> None:
    """Derived, not listed: each reserved word is the middle of a real line key."""
    a = default_assumptions()
    words, forms = reserved_names(a)
    assert {"available", "absorbed", "waterfall_profit"} <= set(words)
    assert "prior_<party>" in forms
    keys = {ln.key for ln in engine.compile_model(a).lines}
    for w in words:
        assert any(w in k for k in keys), w


def _largest_sizes() -> dict[str, int]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from limits import LIMITS  # benchmarks/limits.py: the same model it measures
    return dict(LIMITS)


def _largest(**sizes: int) -> Assumptions:
    from limits import largest
    return largest(**sizes)  # type: ignore[no-any-return]


@pytest.mark.slow
def test_every_dimension_at_its_limit_writes_formulas_excel_accepts(tmp_path: Path) -> None:
    """Parties, tiers, streams, costs, scenarios, horizon and Schedule rows all at their
    limits in one model (about 22 s of CPU and 560 MB): every formula within Excel's
    limits, and every check formula under 1,000 characters."""
    sizes = _largest_sizes()
    out, _ = build(tmp_path, _largest(**sizes))
    formulas = sheet_formulas(out)
    assert len(formulas) > 500_000
    longest = max(formulas, key=lambda f: len(f[1]))
    assert len(longest[1]) <= EXCEL_FORMULA_CHARS, longest[0]
    assert max(_depth(f) for _, f in formulas) <= EXCEL_NESTING
    assert max(len(f) for sheet, f in formulas if sheet == "Checks") <= 1000


def test_the_largest_input_workbook_is_read(tmp_path: Path) -> None:
    """A Schedule of the most rows with the columns of the most streams and costs was
    refused for "120,000 XML elements", though within the documented limits."""
    from model import load
    from model.inputs.reader import MAX_ROWS
    from model.workbook.template import write_template
    sizes = _largest_sizes()
    assert sizes["schedule_rows"] == MAX_ROWS
    path = tmp_path / "largest.xlsx"
    write_template(str(path), _largest(**sizes))
    a = load(path)
    assert len(a.schedule) == MAX_ROWS
    assert (len(a.streams), len(a.costs)) == (schema.MAX_STREAMS, schema.MAX_COSTS)
    assert len(a.parties) == schema.MAX_PARTIES and len(a.tiers) == schema.MAX_TIERS
    assert a.scenarios is not None and len(a.scenarios.names) == schema.MAX_SCENARIOS
