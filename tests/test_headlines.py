"""Headlines are defined once (model/core/headlines.py): a headline added there appears in
``finmodel build``'s summary, on the Dashboard as a live formula, on the Comparison sheet,
in ``results.headlines()`` and in ``read_model``'s, with no other edit."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pytest

import model
from model.cli import main
from model.core import headlines
from model.core.headlines import AT_HORIZON, EVERYWHERE, Headline

LABEL = "Azure OpenAI ARR at the horizon (added in a test)"


def _azure_arr(a: object) -> list[Headline]:
    return [Headline("azure_arr_at_horizon", LABEL, AT_HORIZON, "azure_arr", "usd")]


@pytest.fixture
def one_more(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(headlines, "MAKERS", [*headlines.MAKERS, _azure_arr])


def test_a_headline_added_once_appears_everywhere(
        one_more: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "model.xlsx"
    assert main(["build", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    results = model.compute()
    # Azure's ARR in the last month, from its own definition: 12 x the month's revenue
    expected = 12 * (results.row("ptu_revenue")[-1] + results.row("payg_revenue")[-1])

    assert math.isclose(results.headlines()["azure_arr_at_horizon"], expected,  # type: ignore[arg-type]
                        rel_tol=1e-12)
    assert LABEL in printed
    assert f"${expected / 1e9:,.2f}B" in printed.split(LABEL)[1].splitlines()[0]

    formulas = openpyxl.load_workbook(out)
    values = openpyxl.load_workbook(out, data_only=True)
    dash = formulas["Dashboard"]
    row = next(r for r in range(1, 60) if dash.cell(r, 1).value == LABEL)
    formula = dash.cell(row, 2).value
    key_row = next(r for r in range(1, 200) if formulas["Revenue"].cell(r, 1).value
                   == "azure_arr")
    assert isinstance(formula, str) and formula.startswith("=Revenue!$")
    assert formula.endswith(f"${key_row}")  # the line's row, in the last month's column
    assert math.isclose(values["Dashboard"].cell(row, 2).value, expected, rel_tol=1e-12)
    comparison = [c.value for c in formulas["Comparison"]["A"]]
    assert LABEL in comparison
    read = model.read_model(out).attrs["headlines"]  # from the file's stored values
    assert math.isclose(read["azure_arr_at_horizon"], expected, rel_tol=1e-12)
    api = results.headlines()
    assert read.keys() == api.keys()
    for key, value in api.items():
        same = (math.isclose(value, read[key], rel_tol=1e-9, abs_tol=1e-6)
                if isinstance(value, float) else value == read[key])
        assert same, (key, value, read[key])


def test_where_a_headline_appears_is_its_own_say() -> None:
    results = model.compute()
    shown = {h.key for h, _ in headlines.headline_values(results, headlines.TERMINAL)}
    api = results.headlines()
    assert shown <= set(api)  # the API has every headline the terminal prints
    assert "api_revenue" in api and "api_revenue" not in shown  # a Dashboard-only total
    assert api["checks_failed"] == 0.0
    every = headlines.headlines(results.assumptions)
    assert len({h.key for h in every}) == len(every)  # no key twice
    assert all(h.where <= EVERYWHERE and h.where for h in every)
