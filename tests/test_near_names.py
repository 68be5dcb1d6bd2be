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
