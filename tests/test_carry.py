"""A rebuild keeps the recipient's work (issue 17): added sheets, notes beside the input
tables, comments on input cells, formulas typed into inputs; it re-points formulas to
the same line and month, even when the horizon and start month change, and names on
stderr whatever it cannot carry.

The truth a re-pointed formula is held against is outside the writer: LibreOffice
recalculates the rebuilt file, and the expected number is ``model.compute`` of the
new inputs, looked up by line key and month (not by cell address).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName

import model
from model.cli import main
from model.inputs.defaults import default_assumptions
from tests.helpers import build, rewrite_part, sheet_part, with_inputs

REL = 1e-9  # relative tolerance: the same double arithmetic in two engines


def _where(wb: openpyxl.Workbook, sheet: str, key: str, month: str) -> str:
    """The A1 address of a line's month in a built model, found by reading the file."""
    row = next(c.row for c in wb[sheet]["A"] if c.value == key)
    inputs = wb["Inputs"]
    start_row = next(c.row for c in inputs["A"] if c.value == "start_month")
    s = inputs.cell(start_row, 2).value
    y, m = map(int, month.split("-"))
    col = 6 + (y - s.year) * 12 + (m - s.month)  # F is the first month
    return f"{get_column_letter(col)}{row}"


def _set_input(wb: openpyxl.Workbook, key: str, value: object) -> None:
    ws = wb["Inputs"]
    row = next(c.row for c in ws["A"] if c.value == key)
    ws.cell(row, 2).value = value


@pytest.fixture(scope="module")
def returned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A model built, then edited as a recipient would (by file edits), then rebuilt
    with another start month and horizon."""
    tmp = tmp_path_factory.mktemp("carry")
    first, _ = build(tmp, with_inputs(default_assumptions(), horizon_months=36,
                                      start_month=dt.date(2024, 4, 1)),
                     "first.xlsx")  # April 2024 to March 2027
    wb = openpyxl.load_workbook(first)
    ws = wb.create_sheet("My notes")
    refs = {
        "B1": ("Waterfall", "microsoft_total_take", "2026-06"),
        "B2": ("Revenue", "api_revenue", "2025-01"),
        "B3": ("Waterfall", "cum_microsoft", "2027-03"),  # outside the new horizon
    }
    for cell, (sheet, key, month) in refs.items():
        ws[cell] = f"={sheet}!{_where(wb, sheet, key, month)}"
    a1, a2 = (_where(wb, "Revenue", "api_revenue", m) for m in ("2025-01", "2025-03"))
    ws["B4"] = f"=SUM(Revenue!{a1}:{a2})"
    ws["B5"] = "=B2*2"
    annual = wb["Annual"]
    year = next(c.column_letter for c in annual[3] if c.value == "2025")
    ws["B6"] = f"=Annual!{year}{next(c.row for c in annual['A'] if c.value == 'api_revenue')}"
    dash = next(c.row for c in wb["Dashboard"]["A"]
                if c.value == "Cumulative receipts at the horizon: Microsoft")
    ws["B7"] = f"=Dashboard!B{dash}"
    ws["A1"] = "Microsoft, mid 2026"
    ws["A1"].font = Font(bold=True, color="FFC00000")
    ws["B2"].number_format = "#,##0.00"
    ws["B2"].fill = PatternFill("solid", fgColor="FFFFFF00")
    ws["B2"].border = Border(bottom=Side("thick"))
    ws["C1"].comment = Comment("ask Bob about this", "Ann")
    ws.merge_cells("D1:E2")
    ws["D1"] = "merged note"
    ws.column_dimensions["A"].width = 31
    take = _where(wb, "Waterfall", "microsoft_total_take", "2026-06")
    wb.defined_names["TakeMid2026"] = DefinedName(
        "TakeMid2026", attr_text="Waterfall!$" + re.sub(r"(\d+)", r"$\1", take))
    wb["Inputs"]["F5"] = "note beside the inputs"
    wb["Inputs"]["B6"].comment = Comment("checked with Bob", "Ann")
    _set_input(wb, "start_month", dt.datetime(2024, 1, 1))
    _set_input(wb, "horizon_months", 30)  # January 2024 to June 2026
    back = tmp / "back.xlsx"
    wb.save(back)
    out = tmp / "rebuilt.xlsx"
    return {"first": first, "back": back, "out": out, "refs": refs, "tmp": tmp}


def test_rebuild_carries_sheets_notes_and_comments(returned: dict, capsys) -> None:
    out: Path = returned["out"]  # type: ignore[assignment]
    assert main(["build", str(returned["back"]), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    wb = openpyxl.load_workbook(out)
    ws = wb["My notes"]
    assert ws["A1"].value == "Microsoft, mid 2026" and ws["A1"].font.b
    assert ws["A1"].font.color.rgb.endswith("C00000")
    assert ws["B2"].number_format == "#,##0.00"
    assert ws["B2"].fill.fgColor.rgb.endswith("FFFF00")
    assert ws["B2"].border.bottom.style == "thick"
    assert ws["C1"].comment.text == "ask Bob about this"
    assert "D1:E2" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["D1"].value == "merged note"
    assert ws.column_dimensions["A"].width == pytest.approx(31, abs=0.3)
    assert wb["Inputs"]["F5"].value == "note beside the inputs"
    assert wb["Inputs"]["B6"].comment.text == "checked with Bob"
    assert ws["B5"].value == "=B2*2"
    moved = _where(wb, "Waterfall", "microsoft_total_take", "2026-06")
    assert wb.defined_names["TakeMid2026"].attr_text == "Waterfall!$" + re.sub(
        r"(\d+)", r"$\1", moved)
    assert "TakeMid2026" in err
    # the month outside the new horizon: kept as text, with a comment, named on stderr
    assert ws["B3"].data_type == "s" and ws["B3"].value.startswith("=Waterfall!")
    assert "could not re-point" in ws["B3"].comment.text
    assert "My notes!B3" in err and "2027-03" in err
    assert "Inputs!F5" in err


def test_repointed_formulas_recalculate_to_the_same_line_and_month(
        returned: dict, libreoffice: None) -> None:
    from model.recalc import recalc_values_libreoffice
    out: Path = returned["out"]  # type: ignore[assignment]
    if not out.exists():
        assert main(["build", str(returned["back"]), "-o", str(out)]) == 0
    values = recalc_values_libreoffice(out, returned["tmp"])  # type: ignore[arg-type]
    results = model.compute(returned["back"])  # type: ignore[arg-type]
    frame = results.values
    months = [f"{m:%Y-%m}" for m in frame.columns]
    assert months[0] == "2024-01" and len(months) == 30  # the rebuild moved every column
    for cell, (_, key, month) in returned["refs"].items():  # type: ignore[union-attr]
        if month not in months:
            continue
        want = float(frame.loc[key].iloc[months.index(month)])
        assert values[("My notes", cell)] == pytest.approx(want, rel=REL), cell
    span = frame.loc["api_revenue"].iloc[months.index("2025-01"):months.index("2025-03") + 1]
    assert values[("My notes", "B4")] == pytest.approx(float(span.sum()), rel=REL)
    year = frame.loc["api_revenue"].iloc[months.index("2025-01"):months.index("2025-12") + 1]
    assert values[("My notes", "B6")] == pytest.approx(float(year.sum()), rel=REL)
    # the headline, at the new horizon: the same label's row, and its value
    dash = openpyxl.load_workbook(out)["Dashboard"]
    row = next(c.row for c in dash["A"]
               if c.value == "Cumulative receipts at the horizon: Microsoft")
    assert values[("My notes", "B7")] == pytest.approx(results.last("cum_microsoft"), rel=REL)
    assert values[("My notes", "B7")] == values[("Dashboard", f"B{row}")]
    assert values[("My notes", "B1")] > 1e6  # a number that can be wrong


def _with_saved_value(path: Path, part: str, cell: str, value: float) -> None:
    """Give a formula written by openpyxl the saved result Excel would store."""
    def saved(text: str) -> str:
        text = re.sub(rf'(<c r="{cell}"[^>]*>)<f>([^<]*)</f><v>[^<]*</v>',
                      rf"\1<f>\2</f><v>{value!r}</v>", text)
        return re.sub(rf'(<c r="{cell}"[^>]*>)<f>([^<]*)</f><v\s*/>',
                      rf"\1<f>\2</f><v>{value!r}</v>", text)
    rewrite_part(path, path, part, saved)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model of 24 months: quick to edit and rebuild."""
    path, _ = build(tmp_path_factory.mktemp("small"),
                    with_inputs(default_assumptions(), horizon_months=24))
    return path


def test_formula_typed_into_an_input_stays_a_formula(small: Path, tmp_path: Path,
                                                     capsys) -> None:
    wb = openpyxl.load_workbook(small)
    ws = wb["Inputs"]
    row = next(c.row for c in ws["A"] if c.value == "ptu_customers_opening")
    ws[f"B{row}"] = f"=B{row + 2}*0+75"  # refers only to an input cell
    back = tmp_path / "back.xlsx"
    wb.save(back)
    _with_saved_value(back, sheet_part(back, "Inputs"), f"B{row}", 75.0)
    out = tmp_path / "out.xlsx"
    assert main(["build", str(back), "-o", str(out)]) == 0
    assert f"Inputs!B{row}" in capsys.readouterr().err
    got = openpyxl.load_workbook(out)["Inputs"][f"B{row}"]
    assert got.value == f"=B{row + 2}*0+75"
    saved = openpyxl.load_workbook(out, data_only=True)["Inputs"][f"B{row}"].value
    assert saved == 75  # the value the tool used, as the saved result
    assert model.load(back).inputs["ptu_customers_opening"] == 75
    assert main(["audit", str(out)]) == 0  # its build record holds the value used
    assert "Formulas typed into inputs that refer only to inputs" in capsys.readouterr().out


@pytest.mark.parametrize(("formula", "said"), [
    ("=Revenue!F28", "a sheet the tool calculates"),
    ("=[1]Sheet1!$A$1", "another file"),
    ("=B{row}+1", "circular"),
])
def test_other_formulas_in_inputs_are_refused(small: Path, tmp_path: Path, capsys,
                                              formula: str, said: str) -> None:
    wb = openpyxl.load_workbook(small)
    ws = wb["Inputs"]
    row = next(c.row for c in ws["A"] if c.value == "ptu_customers_opening")
    ws[f"B{row}"] = formula.format(row=row)
    back = tmp_path / "back.xlsx"
    wb.save(back)
    _with_saved_value(back, sheet_part(back, "Inputs"), f"B{row}", 61.0)
    out = tmp_path / "out.xlsx"
    assert main(["build", str(back), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"B{row}" in err and said in err
    assert not out.exists()


def test_what_cannot_be_carried_is_named(small: Path, tmp_path: Path, capsys) -> None:
    from openpyxl.chart import BarChart, Reference
    first = small
    wb = openpyxl.load_workbook(first)
    ws = wb.create_sheet("Mine")
    for i in range(1, 4):
        ws.cell(i, 1, i)
    chart = BarChart()
    chart.title = "my chart"
    chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=3))
    ws.add_chart(chart, "C3")
    wb["Revenue"]["H8"].comment = Comment("why so high?", "Ann")  # a sheet built anew
    back = tmp_path / "back.xlsx"
    wb.save(back)
    out = tmp_path / "out.xlsx"
    assert main(["build", str(back), "-o", str(out), "--compare", str(first)]) == 0
    err = capsys.readouterr().err
    assert re.search(r"not carried.*chart .* on sheet Mine", err), err
    assert re.search(r"not carried.*comment on Revenue!H8", err), err
    changes = openpyxl.load_workbook(out)["Changes"]
    texts = [str(c.value) for row in changes.iter_rows() for c in row if c.value]
    assert "sheet Mine" in texts
    assert any("chart" in t and "Mine" in t for t in texts)


@pytest.mark.slow
def test_a_model_edited_in_libreoffice_keeps_the_recipients_work(
        small: Path, tmp_path: Path, libreoffice: None, capsys) -> None:
    """The issue's session, in a real spreadsheet program: a formula typed into an input,
    a note beside the inputs, a comment, and a new sheet that reads the model."""
    from lo_edit import edit_in_libreoffice
    wb = openpyxl.load_workbook(small)
    row = next(c.row for c in wb["Inputs"]["A"] if c.value == "ptu_customers_opening")
    total = _where(wb, "Waterfall", "cum_microsoft", "2025-06")
    back = edit_in_libreoffice(small, tmp_path / "back.xlsx", "~".join((
        f"formula|Inputs|B{row}|=B{row + 1}/4000",
        "text|Inputs|F5|note beside the inputs",
        f"comment|Inputs|B{row}|checked with Bob",
        "addsheet|My notes",
        f"formula|My notes|B1|=$Waterfall.{total}",  # the UNO API spells references so
        "formula|My notes|B2|=B1*2")))
    out = tmp_path / "out.xlsx"
    assert main(["build", str(back), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "My notes" in err and f"Inputs!B{row}" in err
    new = openpyxl.load_workbook(out)
    assert new["Inputs"][f"B{row}"].value == f"=B{row + 1}/4000"
    assert new["Inputs"][f"B{row}"].comment.text.strip() == "checked with Bob"
    assert new["Inputs"]["F5"].value == "note beside the inputs"
    assert new["My notes"]["B1"].value == f"=Waterfall!{total}"  # same start, same place
    assert new["My notes"]["B2"].value == "=B1*2"
    fee = model.load(back).inputs["ptu_monthly_fee_before_cut"]
    assert model.load(out).inputs["ptu_customers_opening"] == pytest.approx(fee / 4000)


def test_the_api_build_carries_as_the_command_does(returned: dict, tmp_path: Path) -> None:
    out = tmp_path / "api.xlsx"
    with pytest.warns(UserWarning, match=r"My notes!B3: kept as text.*2027-03"):
        model.build(returned["back"], out)
    wb = openpyxl.load_workbook(out)
    assert "My notes" in wb.sheetnames and wb["Inputs"]["F5"].value == "note beside the inputs"


def test_a_rebuild_with_another_party_follows_the_line(small: Path, tmp_path: Path,
                                                       capsys) -> None:
    """A party added before the others moves every party's rows: the recipient's formula
    still reads Microsoft's total take in the same month (its saved value is the new
    model's, by line key and month from Python)."""
    wb = openpyxl.load_workbook(small)
    target = _where(wb, "Waterfall", "microsoft_total_take", "2025-06")
    wb.create_sheet("Mine")["A1"] = f"=Waterfall!{target}"
    parties, tiers = wb["Parties"], wb["Tiers"]
    parties.insert_rows(2)
    for c, v in enumerate(["staff_pool", "Staff pool", None, None, None, "nonprofit", 0], 1):
        parties.cell(2, c, v)
    tiers.insert_cols(5)
    tiers.cell(1, 5, "staff_pool")
    for r in range(2, tiers.max_row + 1):
        tiers.cell(r, 5, 0)
    back = tmp_path / "back.xlsx"
    wb.save(back)
    out = tmp_path / "out.xlsx"
    assert main(["build", str(back), "-o", str(out)]) == 0
    capsys.readouterr()
    new = openpyxl.load_workbook(out)
    moved = _where(new, "Waterfall", "microsoft_total_take", "2025-06")
    assert moved != target and new["Mine"]["A1"].value == f"=Waterfall!{moved}"
    frame = model.compute(back).values
    month = [f"{m:%Y-%m}" for m in frame.columns].index("2025-06")
    saved = openpyxl.load_workbook(out, data_only=True)["Mine"]["A1"].value
    want = float(frame.loc["microsoft_total_take"].iloc[month])
    assert want > 1e6 and saved == pytest.approx(want, rel=REL)


def test_every_sheet_a_build_makes_is_known_as_the_tools(tmp_path: Path) -> None:
    """A sheet the build makes is never taken for one the recipient added: each sheet of
    a model built with every optional table (and of the Changes sheet) is a tool sheet.
    (The Cash and Variances sheets were missing, so a rebuild named them as not carried.)"""
    from model.workbook.carry import TOOL_SHEETS
    out = tmp_path / "m.xlsx"
    assert main(["build", str(model.default_template()), "-o", str(out)]) == 0
    made = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert set(made) <= TOOL_SHEETS, set(made) - TOOL_SHEETS


def test_a_chart_added_to_a_sheet_the_build_makes_is_named(tmp_path: Path, capsys) -> None:
    """The build draws its own charts on the Dashboard; one more there (the recipient's,
    added here by copying a chart's anchor in the drawing part, as Excel keeps the others)
    cannot be carried onto the sheet made anew, and is named rather than dropped."""
    first = tmp_path / "first.xlsx"
    assert main(["build", str(model.default_template()), "-o", str(first)]) == 0
    capsys.readouterr()
    names = openpyxl.load_workbook(first, read_only=True).sheetnames
    sheet_part = f"xl/worksheets/sheet{names.index('Dashboard') + 1}.xml"
    with zipfile.ZipFile(first) as z:
        rels = z.read(sheet_part.replace("worksheets/", "worksheets/_rels/") + ".rels")
        target = re.search(rb'Target="\.\./drawings/(drawing\d+\.xml)"', rels)
        assert target is not None
        drawing = "xl/drawings/" + target.group(1).decode()
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    xml = parts[drawing].decode()
    anchors = re.findall(r"<xdr:twoCellAnchor.*?</xdr:twoCellAnchor>", xml, re.S)
    made = len(anchors)
    mine = re.sub(r'(<xdr:cNvPr id=")\d+(" name=")[^"]*"', r'\g<1>999\g<2>My own chart"',
                  anchors[-1])
    parts[drawing] = xml.replace("</xdr:wsDr>", mine + "</xdr:wsDr>").encode()
    back = tmp_path / "back.xlsx"
    with zipfile.ZipFile(back, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert main(["build", str(back), "-o", str(tmp_path / "again.xlsx")]) == 0
    err = capsys.readouterr().err
    assert 'chart "My own chart" on sheet Dashboard' in err, err
    assert err.count("on sheet Dashboard") == 1, err  # the build's own charts are not named
    assert made >= 2
