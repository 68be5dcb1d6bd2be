"""docs/schema.md is generated from the one definition of the schema, and kept current."""

from pathlib import Path

from model.schemadoc import render


def test_schema_doc_is_current() -> None:
    committed = Path(__file__).resolve().parent.parent / "docs" / "schema.md"
    assert committed.read_text() == render(), "run: python -m model.schemadoc > docs/schema.md"
