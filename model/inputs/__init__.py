"""Reading and validating the assumptions workbook: read -> validate -> Assumptions.

- ``schema``: every input defined once (key, kind, unit, bounds, default, source);
  ``schemadoc`` renders it as docs/schema.md and the README's table.
- ``reader``: the zip container and sheets, with size and part limits, into raw
  tables (openpyxl, read-only, values only).
- ``problems``: problems by sheet and cell, and single cells read as their kind;
  ``validate``: the rules of the Inputs, Schedule, Parties and Tiers sheets;
  ``scenarios`` and ``distributions``: the Scenarios and Distributions sheets.
- ``assumptions``, ``overrides``, ``uncertain``: the validated data shapes;
  ``defaults``: the shipped defaults.

May import: ``model.errors``, openpyxl, defusedxml. Nothing of core, analysis,
workbook or cli, and nothing about formulas.
"""
