"""docs/schema.md is generated from the one definition of the schema, and kept current."""

from pathlib import Path

from model.inputs.schemadoc import render


def test_schema_doc_is_current() -> None:
    committed = Path(__file__).resolve().parent.parent / "docs" / "schema.md"
    assert committed.read_text() == render(), (
        "run: python -m model.inputs.schemadoc > docs/schema.md")


def test_readme_inputs_table_is_current() -> None:
    from model.inputs.schemadoc import README_END, README_START, inputs_table
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    block = readme.split(README_START, 1)[1].split(README_END, 1)[0]
    assert block.strip() == inputs_table(), "run: python -m model.inputs.schemadoc --readme"
