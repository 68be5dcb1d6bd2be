"""The registry of input tables (model/inputs/tables.py) is what is written and read:
a template written by ``finmodel init`` has every table with every column, and the
reader reads every one of them back."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.inputs import schema, tables
from model.inputs.defaults import default_assumptions
from model.inputs.reader import read_workbook
from model.workbook.template import write_template


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tables") / "assumptions.xlsx"
    write_template(str(path), default_assumptions())
    return path


@pytest.mark.parametrize("table", tables.TABLES, ids=lambda t: t.sheet)
def test_each_table_is_written_and_read_back(template: Path, table: tables.InputTable) -> None:
    raw = read_workbook(template).tables[table.sheet]
    wanted = {f.key for f in table.fields} | ({table.row_key} if table.row_key else set())
    assert wanted <= set(raw.header), f"{table.sheet}: no column {wanted - set(raw.header)}"
    assert raw.rows, f"{table.sheet}: no rows"


def test_the_registry_and_the_schema_name_the_same_sheets() -> None:
    assert {t.sheet for t in tables.TABLES if t.required} == set(schema.SHEETS)
    assert {t.sheet for t in tables.TABLES if not t.required} == set(schema.OPTIONAL_SHEETS)
    assert len(tables.SHEET_NAMES) == len(set(tables.SHEET_NAMES))
