"""The Valuation sheet's comparison with the reported marks: the company value the stakes
imply (the sum of every party's value at valuation_date) beside the reported value of
Microsoft's stake (microsoft_reported_value_usd) and the company value that mark implies
at Microsoft's equity share, each with the variance (model - reported).

The mark is of its own date (about $135B for about 27 % on 28 Oct 2025), the model's values
of valuation_date: the variance mixes the two dates, as the label says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from model import keys
from model.core.expr import Input, Param
from model.inputs.schema import PARTIES_SHEET

if TYPE_CHECKING:
    from model.core.expr import XlContext
    from model.core.results import Results
    from model.core.valuation import PartyValue
    from model.workbook.layout import Layout
    from model.workbook.styles import Styles

MARK_KEYS = ("company_value", "microsoft_reported_value", "microsoft_variance",
             "company_reported_value", "company_variance")
NO_MARK = "n/a: no reported mark"
MICROSOFT = "microsoft"


def mark_values(results: Results, values: dict[str, PartyValue]) -> dict[str, float | str]:
    """Python's value of each row (a label where there is no mark)."""
    e = results.assumptions.effective()
    company = 0.0
    for p in e.parties:  # left to right, as the formula adds
        company += values[p.key].stake_value
    mark = e.inputs["microsoft_reported_value_usd"]
    out: dict[str, float | str] = {"company_value": company}
    if mark is None:
        out.update(dict.fromkeys(MARK_KEYS[1:], NO_MARK))
        return out
    share = e.party(MICROSOFT).equity_share
    implied = float(mark) / share if share > 0 else NO_MARK  # type: ignore[arg-type]
    out.update({"microsoft_reported_value": float(mark),  # type: ignore[arg-type]
                "microsoft_variance": values[MICROSOFT].stake_value - float(mark),  # type: ignore[arg-type]
                "company_reported_value": implied,
                "company_variance": company - implied if isinstance(implied, float)
                else NO_MARK})
    return out


def write_marks(ws: Any, st: Styles, results: Results, layout: Layout, model: XlContext,
                rows: dict[str, int], values: dict[str, PartyValue]) -> None:
    a = results.assumptions
    got = mark_values(results, values)
    first = rows[MARK_KEYS[0]] - 1
    ws.write_string(first - 1, 1, "The company value the stakes imply, beside the reported "
                    "mark (Microsoft's stake, 28 Oct 2025)", st("section"))
    blank = model.blank(Input("microsoft_reported_value_usd"))
    mark = model.input("microsoft_reported_value_usd")
    share = Param(PARTIES_SHEET, MICROSOFT, "equity_share").xl(model)  # type: ignore[arg-type]
    d = {k: f"D{rows[k]}" for k in MARK_KEYS}
    stakes = "+".join(f"D{rows[keys.valuation_row('stake_value', p.key)]}" for p in a.parties)
    ms = f"D{rows[keys.valuation_row('stake_value', MICROSOFT)]}"
    items = (
        ("company_value", "Company value the stakes imply (all stakes)", f"={stakes}", "total"),
        ("microsoft_reported_value", "Microsoft's stake as reported (28 Oct 2025)",
         f'=IF({blank},"{NO_MARK}",{mark})', "link"),
        ("microsoft_variance", "Variance: Microsoft's stake, model less reported",
         f'=IF({blank},"{NO_MARK}",{ms}-{mark})', "calc"),
        ("company_reported_value", "Company value the mark implies (/ equity share)",
         f'=IF(({blank})+({share}<=0)>0,"{NO_MARK}",{mark}/{share})', "calc"),
        ("company_variance", "Variance: company value, model less the mark's",
         f'=IF(({blank})+({share}<=0)>0,"{NO_MARK}",{d["company_value"]}'
         f'-{d["company_reported_value"]})', "calc"),
    )
    for key, label, formula, role in items:
        r = rows[key] - 1
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, label)
        ws.write_string(r, 2, "$M")
        ws.write_formula(r, 3, formula, st(role, "usd"), got[key])
