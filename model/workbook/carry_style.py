"""A cell's look as openpyxl reads it, as an xlsxwriter format: number format, font,
fill, borders and alignment. Theme colours have no fixed value and are left out."""

from __future__ import annotations

from typing import Any

BORDERS = {"thin": 1, "medium": 2, "dashed": 3, "dotted": 4, "thick": 5, "double": 6,
           "hair": 7, "mediumDashed": 8, "dashDot": 9, "mediumDashDot": 10,
           "dashDotDot": 11, "mediumDashDotDot": 12, "slantDashDot": 13}
SIDE_COLOUR = {"left": "left_color", "right": "right_color", "top": "top_color",
               "bottom": "bottom_color"}  # xlsxwriter's names
ALIGN = {"general": None, "centerContinuous": "center_across", "distributed": "distributed"}


def _colour(c: Any) -> str | None:
    rgb = getattr(c, "rgb", None) if c is not None and getattr(c, "type", "") == "rgb" else None
    if isinstance(rgb, str) and len(rgb) in (6, 8):
        return "#" + rgb[-6:]
    return None


def format_props(cell: Any) -> dict[str, Any]:
    """The xlsxwriter format properties of an openpyxl cell."""
    p: dict[str, Any] = {}
    if cell.number_format and cell.number_format != "General":
        p["num_format"] = cell.number_format
    f = cell.font
    if f is not None:
        if f.name:
            p["font_name"] = f.name
        if f.sz:
            p["font_size"] = float(f.sz)
        if f.b:
            p["bold"] = True
        if f.i:
            p["italic"] = True
        if f.strike:
            p["font_strikeout"] = True
        if f.u:
            p["underline"] = {"single": 1, "double": 2}.get(f.u, 1)
        if (colour := _colour(f.color)) is not None:
            p["font_color"] = colour
    fill = cell.fill
    solid = fill is not None and getattr(fill, "fill_type", None) == "solid"
    if solid and (colour := _colour(fill.fgColor)) is not None:
        p["bg_color"] = colour
    b = cell.border
    for side in ("left", "right", "top", "bottom"):
        s = getattr(b, side, None) if b is not None else None
        if s is not None and s.style in BORDERS:
            p[side] = BORDERS[s.style]
            if (colour := _colour(s.color)) is not None:
                p[SIDE_COLOUR[side]] = colour
    a = cell.alignment
    if a is not None:
        if a.horizontal:
            h = ALIGN.get(a.horizontal, a.horizontal)
            if h:
                p["align"] = h
        if a.vertical:
            p["valign"] = {"center": "vcenter"}.get(a.vertical, a.vertical)
        if a.wrap_text:
            p["text_wrap"] = True
        if a.indent:
            p["indent"] = int(a.indent)
        if a.textRotation:
            p["rotation"] = int(a.textRotation)
    if cell.protection is not None and cell.protection.locked is False:
        p["locked"] = False
    return p


class Formats:
    """One xlsxwriter format per distinct look, made once."""

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.made: dict[tuple[Any, ...], Any] = {}

    def of(self, cell: Any) -> Any:
        if not cell.has_style:
            return None
        key = tuple(cell._style)
        if key not in self.made:
            props = format_props(cell)
            self.made[key] = self.wb.add_format(props) if props else None
        return self.made[key]
