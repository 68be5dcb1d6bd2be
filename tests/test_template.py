"""The committed template is exactly what `finmodel init` writes, and it holds the defaults."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from model import default_template
from model.cli import main


def _content(path: Path) -> dict[str, list[tuple[object, ...]]]:
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = [
            (c.coordinate, c.value, c.number_format, c.font.color.rgb if c.font.color else None,
             c.fill.fgColor.rgb, c.comment.text if c.comment else None)
            for row in ws.iter_rows() for c in row if c.value is not None or c.comment]
    return out


def test_committed_template_equals_init(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.xlsx"
    assert main(["init", str(fresh)]) == 0
    committed = Path(__file__).resolve().parent.parent / "templates" / "assumptions.xlsx"
    assert _content(fresh) == _content(committed)
    assert fresh.read_bytes() == committed.read_bytes()


def test_default_template_is_found() -> None:
    assert default_template().exists()


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"precious")
    assert main(["init", str(target)]) == 2
    assert target.read_bytes() == b"precious"


def test_every_input_has_unit_description_and_source() -> None:
    wb = openpyxl.load_workbook(default_template(), read_only=True)
    rows = list(wb["Inputs"].iter_rows(values_only=True))
    assert rows[0][:5] == ("key", "value", "unit", "description", "source")
    for key, _value, unit, description, source in (r[:5] for r in rows[1:]):
        assert unit and description and source, key
        assert source.startswith(("seed article", "illustrative")) or "20" in source, key
