"""A worksheet that prepares formulas in one regex search instead of about thirty.

xlsxwriter rewrites dynamic-array functions (FILTER, XLOOKUP, ...) with the ``_xlfn.``
prefix by running one ``re.sub`` per function on every formula cell: two thirds of the
time to write the model. The model's formulas never hold those functions (the
expression whitelist), so one search for all their names stands in: a formula with
none of them is returned exactly as xlsxwriter would return it, and any other formula
goes through xlsxwriter's own method. A test pins the bytes written and the name list
against the installed xlsxwriter.
"""

from __future__ import annotations

import re

from xlsxwriter.worksheet import Worksheet

# Every function name xlsxwriter 3.3's Worksheet._prepare_formula rewrites.
REWRITTEN = ("ANCHORARRAY", "BYCOL", "BYROW", "CHOOSECOLS", "CHOOSEROWS", "DROP", "EXPAND",
             "FILTER", "HSTACK", "LAMBDA", "MAKEARRAY", "MAP", "RANDARRAY", "REDUCE", "SCAN",
             "SEQUENCE", "SINGLE", "SORT", "SORTBY", "SWITCH", "TAKE", "TEXTSPLIT", "TOCOL",
             "TOROW", "UNIQUE", "VSTACK", "WRAPCOLS", "WRAPROWS", "XLOOKUP")
_REWRITTEN = re.compile("(?:" + "|".join(REWRITTEN) + r")\(")


class FastFormulaWorksheet(Worksheet):
    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if (self.use_future_functions or expand_future_functions or formula[:1] == "{"
                or "_xlfn." in formula or _REWRITTEN.search(formula)):
            return str(super()._prepare_formula(formula, expand_future_functions))
        return formula[1:] if formula[:1] == "=" else formula
