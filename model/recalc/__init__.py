"""Recalculating a built workbook in real spreadsheet engines, and comparing.

xlsxwriter cannot calculate formulas: it stores whatever cached value the caller
passes to ``write_formula(..., value=...)`` (0 by default).  Excel shows that value
until it recalculates, and many readers (pandas, openpyxl ``data_only=True``, viewers,
mail previews) only ever see it.  This module recalculates the file with LibreOffice
(headless) or IronCalc and lists every formula cell whose stored value differs from
the engine's result.

Typical use::

    cells = formula_cells(path)
    problems = compare(cells, recalc_values_ironcalc(path))
    problems += compare(cells, recalc_values_libreoffice(path, tmp_dir))

Engine behaviour measured with LibreOffice 7.4.7 and ironcalc 0.9.1 (Python 3.11):

* Error results are returned as plain strings by both engines ('#DIV/0!', '#N/A',
  '#NAME?', ...).  This module wraps them in :class:`EngineError` (a ``str``
  subclass) using the engine's cell type (IronCalc ``CellType.ErrorValue``,
  openpyxl ``data_type == 'e'`` for LibreOffice output), so an error can be told
  apart from a formula that returns the text "#N/A".
* IronCalc returns booleans as Python ``bool``, numbers as ``float`` (also for
  dates: a serial number), text as ``str`` and ``=""`` as ``''``.
* IronCalc's ``get_cell_value_by_ref`` does NOT accept quoted sheet names:
  ``"My Sheet!B1"`` works, ``"'My Sheet'!B1"`` raises ``WorkbookError``.  This
  module therefore reads cells by (sheet index, row, column) instead.
* LibreOffice does not recalculate xlsx files on load by default (it keeps the
  cached values), see :func:`recalc_libreoffice` for how that is forced.
* openpyxl turns numbers in date-formatted cells into ``datetime`` objects (in the
  LibreOffice output and in cached values alike); they are converted back to
  Excel serial numbers here.
* xlsxwriter writes the cached value ``""`` as an empty ``<v></v>``, which
  openpyxl reads back as ``None``; :func:`compare` treats ``None`` and ``''`` as
  equal.  Passing ``value=None`` explicitly to ``write_formula`` writes the text
  ``<v>None</v>`` in a numeric cell, which openpyxl cannot read (ValueError).
"""

from model.recalc.cells import (
    ERROR_CODES,
    Cell,
    EngineError,
    RecalcError,
    compare,
    formula_cells,
    recalc_values_ironcalc,
)
from model.recalc.libreoffice import (
    convert_libreoffice,
    libreoffice_available,
    recalc_libreoffice,
    recalc_values_libreoffice,
)

__all__ = [
    "ERROR_CODES",
    "Cell",
    "EngineError",
    "RecalcError",
    "compare",
    "convert_libreoffice",
    "formula_cells",
    "libreoffice_available",
    "recalc_libreoffice",
    "recalc_values_ironcalc",
    "recalc_values_libreoffice",
]
