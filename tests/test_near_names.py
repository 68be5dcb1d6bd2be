"""A name that nearly matches a known one is refused with "did you mean", and typed text
is echoed with its invisible and control characters escaped (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest

from model import load
from model.errors import InputError
from model.inputs.names import fold, near_miss, shown
from model.inputs.problems import describe
from tests.badinputs import near_names_cases

MEANT = {
    "key_with_a_space": "'discount rate' (did you mean 'discount_rate'?)",
    "key_with_a_zero_width_space": "'discount\\u200b_rate' (did you mean 'discount_rate'?)",
    "key_with_a_cyrillic_o": "'disc\\u043eunt_rate' (did you mean 'discount_rate'?)",
    "key_in_capitals": "(did you mean 'fiscal_year_end_month'?)",
    "heading_in_capitals": "'API_growth' (did you mean 'api_growth'?)",
    "heading_with_a_greek_omicron": "'api_gr\\u03bfwth' (did you mean 'api_growth'?)",
    "inputs_sheet_in_lower_case": "one named 'inputs' (did you mean 'Inputs'?)",
    "inputs_sheet_with_a_trailing_space": "one named 'Inputs ' (did you mean 'Inputs'?)",
    "scenarios_sheet_in_lower_case": "'scenarios' (did you mean 'Scenarios'?)",
}


@pytest.mark.parametrize("case", [c for c in near_names_cases() if c.id in MEANT],
                         ids=lambda c: c.id)
def test_a_near_miss_says_what_was_meant(case: object, tmp_path: Path) -> None:
    path = case.make(tmp_path)  # type: ignore[attr-defined]
    with pytest.raises(InputError) as e:
        load(path)
    assert MEANT[case.id] in e.value.message(), e.value.message()  # type: ignore[attr-defined]


def test_what_counts_as_the_same_name() -> None:
    for typed in ("Discount_Rate", " discount  rate ", "discount-rate", "discount\u00a0rate",
                  "discount\u200brate", "disc\u043eunt_r\u0430te", "\uff44iscount_rate"):
        assert near_miss(typed, ["horizon_months", "discount_rate"]) == "discount_rate", typed
    for other in ("discount_rates", "discount_rat", "discount_rate"):
        assert near_miss(other, ["discount_rate"]) is None
    assert fold("API_Growth") == fold("api growth") == fold("apigrowth")


def test_echoed_text_has_control_and_bidi_characters_escaped() -> None:
    text = describe("Soci\u00e9t\u00e9 \u202egnp.exe\x1b[31m\u200b")
    assert text == "the text 'Soci\u00e9t\u00e9 \\u202egnp.exe\\u001b[31m\\u200b'"
    assert shown("caf\u00e9") == "caf\\u00e9"  # in a name, a letter outside ASCII shows


def test_a_first_of_the_month_in_1900_is_one(tmp_path: Path) -> None:
    """1900-04-01 was refused as "not the first day of a month" (the first year allowed
    was 1901); Excel's dates are right from 1900-03-01 on."""
    import datetime as dt

    from tests.badinputs import cell, edited_bytes
    april = dt.datetime(1900, 4, 1)

    def edit(wb: object) -> None:
        wb["Inputs"][cell("Inputs", "start_month", "value")] = april  # type: ignore[index]
        wb["Schedule"][cell("Schedule", 2, "from_month")] = april  # type: ignore[index]
        wb.remove(wb["Investments"])  # type: ignore[attr-defined, index]  # (in 2019-2023)
    path = tmp_path / "early.xlsx"
    path.write_bytes(edited_bytes(edit))
    a = load(path)
    assert a.start_month == dt.date(1900, 4, 1)
    assert a.schedule[0]["from_month"] == dt.date(1900, 4, 1)


def test_a_mistyped_key_with_a_default_is_not_quietly_defaulted(tmp_path: Path) -> None:
    """discount_rate has a default (for workbooks made before it existed): a row keyed
    'discount_rat' fell back to it with a note only."""
    from tests.badinputs import cell, edited_bytes

    def edit(wb: object) -> None:
        wb["Inputs"][cell("Inputs", "discount_rate", "key")] = "discount_rat"  # type: ignore[index]
    path = tmp_path / "typo.xlsx"
    path.write_bytes(edited_bytes(edit))
    with pytest.raises(InputError) as e:
        load(path)
    assert "'discount_rat' (did you mean 'discount_rate'?)" in e.value.message()


def test_a_scenario_target_in_capitals_says_what_was_meant(tmp_path: Path) -> None:
    from tests.badinputs import edited_bytes

    def edit(wb: object) -> None:
        wb["Scenarios"].append(["Discount_Rate", None, None, 0.08])  # type: ignore[index]
    path = tmp_path / "target.xlsx"
    path.write_bytes(edited_bytes(edit))
    with pytest.raises(InputError) as e:
        load(path)
    assert "(did you mean 'discount_rate'?)" in e.value.message(), e.value.message()


def test_a_row_whose_key_is_unlike_any_input_is_named_not_dropped(tmp_path: Path) -> None:
    """A row the recipient typed under the Inputs table ('notes', far from every key) is not
    an input: the model builds, and the notes say which cell was not read."""
    import openpyxl

    from model import default_template
    path = tmp_path / "with-a-note.xlsx"
    wb = openpyxl.load_workbook(default_template())
    ws = wb["Inputs"]
    row = ws.max_row + 2
    ws.cell(row=row, column=1, value="notes")
    ws.cell(row=row, column=2, value=42)
    wb.save(path)
    a = load(path)
    said = [n for n in a.notes if f"Inputs!A{row}" in n]
    assert said and "'notes' is not an input key" in said[0], a.notes
    assert a.inputs == load(default_template()).inputs
