"""Excel's limits on a formula: 8,192 characters of text, 64 levels of nesting, 255
arguments a function. The writer refuses to write a formula beyond them: that is a bug of
the model, so the build stops with exit 1 naming the cell and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.cli import main
from model.workbook import reconcile
from model.workbook.fastsheet import excel_limits


def _nested(levels: int) -> str:
    return "=" + "ABS(" * levels + "1" + ")" * levels


@pytest.mark.parametrize(("formula", "refused"), [
    ("=" + "1+" * 4095 + "1", False),  # 8,191 characters
    ("=" + "1+" * 4095 + "12", False),  # 8,192: the limit itself
    ("=" + "1+" * 4095 + "123", True),
    ("=" + "1>" * 4095 + "12", False),  # ">" is one character, though "&gt;" in the XML
    (_nested(64), False),
    (_nested(65), True),
    ("=SUM(" + ",".join(["1"] * 255) + ")", False),
    ("=SUM(" + ",".join(["1"] * 256) + ")", True),
    ("=SUM(1,SUM(" + ",".join(["1"] * 254) + "),1)", False),  # commas of an inner call
    ('="' + "(" * 100 + '"', False),  # brackets and commas in text are not nesting
    ('="' + "," * 300 + '"&"a"', False),
    ("='Odd (sheet'!A1+" + "1+" * 60 + "1", False),
])
def test_the_limits_as_excel_counts_them(formula: str, refused: bool) -> None:
    assert bool(excel_limits(formula)) == refused, excel_limits(formula)


def test_a_formula_beyond_the_limit_stops_the_build_naming_the_cell(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A reconciliation forced past 8,192 characters (as one formula over every line was):
    build and check exit 1, name the sheet and cell, and no file is left behind."""
    def long_tolerance(layout: object, amount: str) -> str:
        return "+".join(["$D$1"] * 200) + f"*ABS({amount})"
    monkeypatch.setattr(reconcile, "_tolerance", long_tolerance)
    out = tmp_path / "model.xlsx"
    assert main(["build", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "sheet Checks, cell D" in err and "beyond Excel's limit of 8,192" in err, err
    assert not out.exists() and list(tmp_path.iterdir()) == []
    template = tmp_path / "in.xlsx"
    assert main(["init", str(template)]) == 0
    capsys.readouterr()
    assert main(["check", str(template)]) == 1  # check runs what build runs
    assert "sheet Checks, cell D" in capsys.readouterr().err
