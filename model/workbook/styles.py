"""Cell styles, after the FAST Standard: inputs, calculations, links and checks differ.

The writer asks for a style by role and number format; each combination is
made once per workbook.
"""

from __future__ import annotations

from typing import Any

# Number formats by kind. Amounts show in $M with negatives in parentheses; a small
# amount (a fee a month) in $K.
NUMBER_FORMATS = {
    "usd": '#,##0.0,,;(#,##0.0,,);"-"',
    "usd_k": '#,##0.0,;(#,##0.0,);"-"',
    "usd_b": '#,##0.0,,,;(#,##0.0,,,);"-"',
    "usd_full": '#,##0;(#,##0);"-"',
    "rate": '0.0%;(0.0%);"-"',
    "rate_zero": "0.0%;(0.0%);0.0%",  # a rate whose 0 means something (an IRR of 0)
    "count": '#,##0.0;(#,##0.0);"-"',
    "date": "mmm yyyy",
    "day": "yyyy-mm-dd",
    "day_or_blank": "yyyy-mm-dd;;",  # a blank date input reads as 0: show it blank
    "months": '+0 "months";-0 "months";0 "months"',  # a move in months
    "flag": '0;-0;"-"',
    "int": "0",
    "factor": "0.0000",
    "multiple": "0.00",  # the unit column says x
    "year": "0",
    "text": "@",
    "bool": "General",  # a custom TRUE/FALSE format makes LibreOffice save the cell as 1
}

# What the reader sees in a cell of each number format: the unit column says this, so the
# unit is defined once, by the format (a USD amount formatted in $M is "$M", not "USD").
UNITS = {
    "usd": "$M", "usd_k": "$K", "usd_b": "$B", "usd_full": "$", "rate": "%", "rate_zero": "%",
    "count": "#", "date": "", "day": "", "day_or_blank": "", "months": "months",
    "flag": "1/0", "int": "#", "factor": "x", "multiple": "x", "year": "", "text": "",
    "bool": "TRUE/FALSE",
}


def unit(kind: str) -> str:
    """The unit a reader sees in a cell of number format ``kind`` ("$M", "%"...)."""
    return UNITS[kind]


BLUE = "#0000FF"
INPUT_FILL = "#FFF2CC"
STRUCTURAL_FILL = "#FCE4D6"
LINK_GREEN = "#008000"
CHECK_RED = "#C00000"
HEADER_FILL = "#D9E1F2"
SECTION_FILL = "#EDEDED"
GREY = "#808080"

ROLES: dict[str, dict[str, Any]] = {
    # Inputs are unlocked: in a protected model (build --protect) only they can change.
    "input": {"font_color": BLUE, "bg_color": INPUT_FILL, "border": 1, "border_color": "#BFBFBF",
              "locked": False},
    "structural": {"font_color": BLUE, "bg_color": STRUCTURAL_FILL, "border": 1,
                   "border_color": "#BFBFBF", "locked": False},
    "calc": {},
    "link": {"font_color": LINK_GREEN},
    "check": {"font_color": CHECK_RED},
    "total": {"bold": True},
    "header": {"bold": True, "bg_color": HEADER_FILL, "bottom": 1},
    "header_wrap": {"bold": True, "bg_color": HEADER_FILL, "bottom": 1, "text_wrap": True,
                    "valign": "top"},
    "right": {"align": "right"},
    "section": {"bold": True, "bg_color": SECTION_FILL},
    "title": {"bold": True, "font_size": 14},
    "key": {"font_color": GREY, "font_size": 8},
    "label": {},
    "note": {"italic": True, "font_color": GREY},
    "wrap": {"text_wrap": True, "valign": "top"},
    "note_wrap": {"italic": True, "font_color": GREY, "text_wrap": True, "valign": "top"},
    "headline": {"bold": True, "font_size": 12},
    "bad": {"bg_color": "#FFC7CE", "font_color": "#9C0006"},
    "good": {"bg_color": "#C6EFCE", "font_color": "#006100"},
}

# Roles whose long texts wrap within their column (the row is made tall enough).
ROLES["input_wrap"] = {**ROLES["input"], "text_wrap": True, "valign": "top"}
ROLES["structural_wrap"] = {**ROLES["structural"], "text_wrap": True, "valign": "top"}

LEGEND = (
    ("input", "Input: type a new value here"),
    ("structural", "Structural input: shapes the workbook; run finmodel build after a change"),
    ("calc", "Calculation: a live formula"),
    ("link", "Link: a formula that repeats a cell from another sheet"),
    ("check", "Check: 0 when fine, 1 when a rule is broken"),
)


def write_status(ws: Any, st: Styles, row: int, col: int, formula: str, value: str,
                 bad_prefix: str) -> None:
    """A live status text: calm green while fine, red when it begins with ``bad_prefix``
    (such as "CHECKS FAIL" or "out of date")."""
    ws.write_formula(row, col, formula, st("good"), value)
    ws.conditional_format(row, col, row, col, {"type": "text", "criteria": "begins with",
                                               "value": bad_prefix, "format": st("bad")})


class Styles:
    """Formats of one xlsxwriter workbook, made on first use."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self._cache: dict[tuple[str, str], Any] = {}
        self.plain_inputs = False  # a values-only copy: inputs look like the rest

    def __call__(self, role: str, kind: str = "") -> Any:
        if self.plain_inputs and role in ("input", "structural"):
            role = "calc"
        key = (role, kind)
        fmt = self._cache.get(key)
        if fmt is None:
            props = dict(ROLES[role])
            if kind:
                props["num_format"] = NUMBER_FORMATS[kind]
            fmt = self._cache[key] = self.workbook.add_format(props)
        return fmt
