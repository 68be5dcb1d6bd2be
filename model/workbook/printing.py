"""Page setup, so that printing any sheet gives readable pages."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from model.inputs.assumptions import Assumptions

# Monthly sheets print across pages, labels repeated; all others fit one page wide.
MONTHLY = ("Revenue", "Waterfall", "Checks")


def _esc(text: str) -> str:
    return text.replace("&", "&&")


def as_of_text(a: Assumptions) -> str:
    when = a.as_of
    return f"{when:%Y-%m-%d %H:%M}" if isinstance(when, dt.datetime) else "undated"


def page_setup(ws: Any, a: Assumptions, title: str) -> None:
    """Landscape, a header with the model and scenario, a footer with the inputs' date.

    The date is the inputs workbook's own saved time, never the clock, so the same
    inputs always give the same bytes."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    if ws.name not in MONTHLY:
        ws.fit_to_pages(1, 0)
    scenario = f"Scenario: {a.selected}" if a.selected else ""
    ws.set_header(f"&L&\"-,Bold\"{_esc(title)}&C{_esc(ws.name)}&R{_esc(scenario)}")
    ws.set_footer(f"&LInputs: {_esc(a.name)}, saved {as_of_text(a)}&RPage &P of &N")
