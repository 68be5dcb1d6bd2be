"""Writing the model workbook with xlsxwriter: the layout, styles and every sheet.

- ``writer``: the whole model workbook, sheet by sheet; ``output``: atomic writing
  and target checks; ``pdf``: printing through LibreOffice.
- ``layout``, ``styles``, ``fastsheet``, ``printing``: rows and columns, the FAST
  styles, the one-regex formula worksheet, page setup.
- ``inputsheets``, ``input_tables``, ``template``: the input sheets (also what
  ``finmodel init`` writes).
- One module per output sheet: ``summary`` (Dashboard) and ``charts``,
  ``scenario_sheet``, ``analysis_sheet``, ``rollup`` (Annual, Quarterly),
  ``comparison``, ``changes_sheet``, ``simulation_sheet``.

May import: everything below it (errors, inputs, core, analysis, recalc) and
xlsxwriter. Nothing imports it but ``model.cli`` and the public API.
"""
