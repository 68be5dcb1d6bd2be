"""Tests for model.recalc: recalculating xlsxwriter output with real engines."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import xlsxwriter

from model.recalc import (
    Cell,
    EngineError,
    RecalcError,
    compare,
    formula_cells,
    libreoffice_available,
    recalc_libreoffice,
    recalc_values_ironcalc,
    recalc_values_libreoffice,
)

Engine = Callable[[Path, Path], dict[tuple[str, str], object]]


@pytest.fixture(params=["ironcalc", "libreoffice"])
def engine(request: pytest.FixtureRequest) -> Engine:
    """Each engine as ``f(src, tmp_dir) -> values``; LibreOffice obeys conftest's
    require_libreoffice rule (skip, or fail if FINMODEL_REQUIRE_LIBREOFFICE=1)."""
    if request.param == "ironcalc":
        return lambda src, tmp: recalc_values_ironcalc(src)
    request.getfixturevalue("libreoffice")
    return recalc_values_libreoffice


def build_good(path: Path, *, wrong_cell: str | None = None) -> Path:
    """A small model whose cached values are all correct (except ``wrong_cell``)."""
    wb = xlsxwriter.Workbook(str(path))
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    inputs = wb.add_worksheet("Inputs")
    calc = wb.add_worksheet("Calc Sheet")  # space in the name on purpose

    inputs.write_column("A1", ["alpha", "beta", "gamma"])
    inputs.write_column("B1", [10, 20, 30.5])
    inputs.write("C1", 21)

    def f(ref: str, formula: str, value: object, fmt: object = None) -> None:
        if ref == wrong_cell:
            value = 999 if not isinstance(value, str) else "wrong"
        calc.write_formula(ref, formula, fmt, value)

    f("A1", "=Inputs!C1*2", 42)
    f("A2", "=SUM(Inputs!B1:B3)", 60.5)
    f("A3", '=INDEX(Inputs!B1:B3,MATCH("beta",Inputs!A1:A3,0))', 20)
    f("A4", "=DATE(2024,4,1)", 45383, date_fmt)
    f("A5", '=IF(A1>40,"big","small")', "big")
    f("A6", "=A1>40", True)
    f("A7", "=A1<40", False)
    f("A8", "=A4+30", 45413, date_fmt)
    f("A9", "=ROUND(A2/3,4)", 20.1667)
    f("A10", '=""', "")
    f("A11", "=EOMONTH(A4,0)", 45412, date_fmt)
    inputs.write_formula("D1", "='Calc Sheet'!A1+1", None, 43)
    wb.close()
    return path


# --- both engines -----------------------------------------------------------


def test_correct_cached_values_match(engine: Engine, tmp_path: Path) -> None:
    src = build_good(tmp_path / "good.xlsx")
    cells = formula_cells(src)
    assert len(cells) == 12
    values = engine(src, tmp_path)
    assert compare(cells, values) == []


@pytest.mark.parametrize("wrong", ["A2", "A4", "A5", "A6"])
def test_wrong_cached_value_is_reported(
    engine: Engine, wrong: str, tmp_path: Path
) -> None:
    src = build_good(tmp_path / "bad.xlsx", wrong_cell=wrong)
    problems = compare(formula_cells(src), engine(src, tmp_path))
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"'Calc Sheet'!{wrong}: formula =")


def test_engine_errors_are_mismatches(engine: Engine, tmp_path: Path) -> None:
    # xlsxwriter caches 0 for these; a real recalculation must produce errors.
    # (For LibreOffice this also proves the recalculation was really forced.)
    src = tmp_path / "err.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet("S")
    ws.write_formula("A1", "=1/0", None, 0)
    ws.write_formula("A2", "=NA()", None, 0)
    ws.write_formula("A3", "=NOSUCHFUNCTION(1)", None, 0)
    ws.write_formula("A4", '="#N/A"', None, "#N/A")  # text, not an error
    wb.close()
    values = engine(src, tmp_path)
    assert values[("S", "A1")] == "#DIV/0!"
    assert isinstance(values[("S", "A1")], EngineError)
    assert values[("S", "A3")] == "#NAME?"
    # A formula returning the text "#N/A" is still treated as an error value
    # (it is in ERROR_CODES), so it is flagged too: 4 problems.
    problems = compare(formula_cells(src), values)
    assert [p.split(":")[0] for p in problems] == ["S!A1", "S!A2", "S!A3", "S!A4"]


# --- LibreOffice specifics --------------------------------------------------


def test_libreoffice_output_location(libreoffice: None, tmp_path: Path) -> None:
    src = build_good(tmp_path / "good.xlsx")
    with pytest.raises(ValueError):
        recalc_libreoffice(src, tmp_path)
    out = recalc_libreoffice(src, tmp_path / "out")
    assert out == (tmp_path / "out" / "good.xlsx").resolve()
    assert out.is_file()


def test_libreoffice_bad_input_raises(libreoffice: None, tmp_path: Path) -> None:
    src = tmp_path / "junk.xlsx"
    src.write_bytes(b"this is not a zip file")
    with pytest.raises(RecalcError):
        recalc_libreoffice(src, tmp_path / "out", timeout=120)


@pytest.mark.slow
def test_libreoffice_concurrent_runs(libreoffice: None, tmp_path: Path) -> None:
    srcs = [build_good(tmp_path / f"m{i}.xlsx", wrong_cell="A1") for i in range(2)]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda s: recalc_values_libreoffice(s, tmp_path), srcs))
    for src, values in zip(srcs, results, strict=True):
        assert len(compare(formula_cells(src), values)) == 1


def test_libreoffice_no_profile_left_behind(
    libreoffice: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    import model.recalc.libreoffice

    made: list[Path] = []
    real_mkdtemp = tempfile.mkdtemp

    def spy(*args: str, **kwargs: str) -> str:
        made.append(Path(real_mkdtemp(*args, **kwargs)))
        return str(made[-1])

    monkeypatch.setattr(model.recalc.libreoffice.tempfile, "mkdtemp", spy)
    recalc_libreoffice(build_good(tmp_path / "g.xlsx"), tmp_path / "out")
    assert made and not any(p.exists() for p in made)


# --- pure-Python parts --------------------------------------------------------


def test_formula_cells_reads_formulas_and_cached_values(tmp_path: Path) -> None:
    src = build_good(tmp_path / "good.xlsx")
    cells = {(c.sheet, c.ref): c for c in formula_cells(src)}
    assert cells[("Calc Sheet", "A1")] == Cell("Calc Sheet", "A1", "=Inputs!C1*2", 42)
    assert cells[("Calc Sheet", "A4")].cached == dt.datetime(2024, 4, 1)
    assert cells[("Calc Sheet", "A6")].cached is True
    assert cells[("Calc Sheet", "A10")].cached is None  # "" is stored as <v></v>
    assert cells[("Inputs", "D1")].formula == "='Calc Sheet'!A1+1"
    assert ("Inputs", "B1") not in cells


def test_formula_cells_array_formula(tmp_path: Path) -> None:
    src = tmp_path / "arr.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet()
    ws.write_column("A1", [1, 2, 3])
    ws.write_array_formula("B1:B1", "{=SUM(A1:A3*2)}", None, 12)
    wb.close()
    assert formula_cells(src) == [Cell("Sheet1", "B1", "=SUM(A1:A3*2)", 12)]
    assert compare(formula_cells(src), recalc_values_ironcalc(src)) == []


def test_compare_rules() -> None:
    def one(cached: object, engine: object, **kw: float) -> list[str]:
        return compare([Cell("S", "A1", "=X", cached)], {("S", "A1"): engine}, **kw)

    assert one(1.0, 1.0 + 1e-12) == []
    assert one(1.0, 1.001) == ["S!A1: formula =X, stored 1.0, engine 1.001"]
    assert one(1.0, 1.001, abs_tol=0.01) == []
    assert one(True, 1.0) == [] and one(False, 0) == [] and one(True, 0.0) != []
    assert one("a", "a") == [] and one("a", "A") != [] and one("1", 1) != []
    assert one(None, "") == [] and one(None, 0) != []
    assert one(dt.datetime(2024, 4, 1, 6), 45383.25) == []
    assert one(dt.date(2024, 4, 1), 45383) == []
    assert one(0, EngineError("#VALUE!")) != []
    assert one("#DIV/0!", "#DIV/0!") != []  # errors never match
    assert compare([Cell("S", "A1", "=X", 1)], {}) == [
        "S!A1: formula =X, stored 1, engine has no value"
    ]


def test_libreoffice_available_matches_path() -> None:
    expected = bool(shutil.which("soffice") or shutil.which("libreoffice"))
    assert libreoffice_available() is expected
