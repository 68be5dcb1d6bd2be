"""Render the input schema as Markdown (docs/schema.md), from the one definition.

Run ``python -m model.inputs.schemadoc > docs/schema.md``; a test keeps the file current.
"""

from __future__ import annotations

import dataclasses

from model.inputs import schema
from model.inputs.actuals import FIELDS as ACTUAL_FIELDS
from model.inputs.assumptions import Assumptions
from model.inputs.defaults import default_assumptions
from model.inputs.reported import DEFAULT_ACTUALS
from model.inputs.schema import ACTUALS_SHEET, Field
from model.inputs.streams import COST_FIELDS, DEFAULT_COSTS, DEFAULT_STREAMS, STREAM_FIELDS


def _default(value: object) -> str:
    if value is None:
        return "blank"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and abs(value) >= 1e6:
        return f"{value:,.0f}"
    if hasattr(value, "strftime"):
        return f"{value:%Y-%m-%d}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _rule(f: Field) -> str:
    parts = [f.kind]
    if f.bounds_text():
        parts.append(f.bounds_text())
    parts.append("required" if f.required else "may be blank")
    if f.structural:
        parts.append("structural")
    return ", ".join(parts)


README_START = "<!-- schema:inputs:start (python -m model.inputs.schemadoc --readme) -->"
README_END = "<!-- schema:inputs:end -->"


def inputs_table() -> str:
    """The Inputs sheet's keys, defaults and sources: the table in the README."""
    a = default_assumptions()
    lines = ["| key | default | unit | source |", "|---|---|---|---|"]
    for f in schema.INPUT_FIELDS:
        lines.append(f"| `{f.key}` | {_default(a.inputs[f.key])} | {f.unit} | {f.source} |")
    return "\n".join(lines)


def update_readme(path: str = "README.md") -> None:
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(f"{head}{README_START}\n{inputs_table()}\n{README_END}{tail}")


def render() -> str:
    a = default_assumptions()
    out = ["# The assumptions workbook", "",
           "Generated from `model/inputs/schema.py` and `model/inputs/streams.py` by "
           "`python -m model.inputs.schemadoc`; do not edit.",
           f"Schema version {schema.SCHEMA_VERSION} (document property "
           f"`{schema.SCHEMA_PROPERTY}`).", "",
           "Each sheet is a table whose first row holds the column keys below. Sheets and "
           "columns may be in any order; extra sheets and columns are ignored. *Structural* "
           "inputs shape the workbook (its columns or rows): after changing one in Excel, run "
           "`finmodel build` again. Every other input is live.", "",
           f"## Sheet `{schema.INPUTS_SHEET}`", "",
           "Columns: " + ", ".join(f"`{c}`" for c in schema.INPUTS_COLUMNS) + ".", "",
           "| key | default | unit | rule | description | source |",
           "|---|---|---|---|---|---|"]
    for f in schema.INPUT_FIELDS:
        out.append(f"| `{f.key}` | {_default(a.inputs[f.key])} | {f.unit} | {_rule(f)} | "
                   f"{f.description} | {f.source} |")
    out += ["", f"## Sheet `{schema.SCHEDULE_SHEET}`", "",
            "One row per period of the schedule: each row holds from its `from_month` until "
            "the next row's. Rows in order, the first no later than `start_month`, every "
            "cell filled.", "",
            "| column | unit | rule | description | source of the defaults |",
            "|---|---|---|---|---|"]
    for f in (schema.SCHEDULE_MONTH, *schema.SCHEDULE_FIELDS):
        out.append(f"| `{f.key}` | {f.unit} | {_rule(f)} | {f.description} | {f.source} |")
    out += ["", "Each stream of the `Streams` sheet adds the columns `<stream>_growth` (% a "
            "year, at least -1) and `<stream>_gross_margin` (a fraction, at most 1), and each "
            "cost of the `Costs` sheet the column `<cost>_growth`, with the same rules.",
            "", "Defaults:", ""]
    out += _schedule_table(a, (schema.SCHEDULE_MONTH, *schema.SCHEDULE_FIELDS))
    out += ["", "Defaults of the streams' and costs' columns:", ""]
    out += _schedule_table(a, (schema.SCHEDULE_MONTH,
                               *a.schedule_fields[len(schema.SCHEDULE_FIELDS):]))
    out += ["", f"## Sheet `{schema.PARTIES_SHEET}`", "",
            "| column | unit | rule | description |", "|---|---|---|---|"]
    for f in schema.PARTY_FIELDS:
        out.append(f"| `{f.key}` | {f.unit} | {_rule(f)} | {f.description} |")
    out += ["", "Defaults:", "", "| " + " | ".join(f.key for f in schema.PARTY_FIELDS) + " |",
            "|" + "---|" * len(schema.PARTY_FIELDS)]
    for p in schema.DEFAULT_PARTIES:
        out.append("| " + " | ".join(_default(p[f.key]) for f in schema.PARTY_FIELDS) + " |")
    out += ["", f"Sources: {schema.TABLE_SOURCES[schema.PARTIES_SHEET]}", "",
            f"## Sheet `{schema.TIERS_SHEET}`", "",
            "| column | unit | rule | description |", "|---|---|---|---|"]
    for f in (*schema.TIER_FIELDS, schema.TIER_SHARE):
        out.append(f"| `{f.key}` | {f.unit} | {_rule(f)} | {f.description} |")
    keys = [p.key for p in a.parties]
    out += ["", "Defaults:", "",
            "| tier | name | hurdle_party | hurdle_usd | " + " | ".join(keys) + " |",
            "|" + "---|" * (4 + len(keys))]
    for t in a.tiers:
        out.append(f"| {t.number} | {t.name} | {_default(t.hurdle_party)} | "
                   f"{_default(t.hurdle_usd)} | "
                   + " | ".join(_default(t.shares.get(k, 0.0)) for k in keys) + " |")
    out += ["", f"Sources: {schema.TABLE_SOURCES[schema.TIERS_SHEET]}", ""]
    out += _keyed_table(schema.STREAMS_SHEET, STREAM_FIELDS, DEFAULT_STREAMS,
                        "One row per revenue stream of OpenAI besides the API. Optional: a "
                        "workbook without it has no streams.")
    out += _keyed_table(schema.COSTS_SHEET, COST_FIELDS, DEFAULT_COSTS,
                        "One row per cost of OpenAI besides the API's compute (which is in "
                        "`api_gross_margin`). Optional: a workbook without it has no costs.")
    out += _keyed_table(schema.INVESTMENTS_SHEET, schema.INVESTMENT_FIELDS,
                        schema.DEFAULT_INVESTMENTS,
                        "One row per investment, for the Valuation sheet's amount invested, "
                        "multiple on invested capital and IRR. Optional: without it the "
                        "Valuation shows present values alone.")
    out += _keyed_table(ACTUALS_SHEET, ACTUAL_FIELDS,
                        tuple(dataclasses.asdict(x) for x in DEFAULT_ACTUALS),
                        "One row per reported figure: the Variances sheet of the model sets it "
                        "beside the model's figure for the same line, period and measure, and "
                        "`finmodel calibrate` fits the rows with `fit` TRUE. Optional: without "
                        "it the model is not compared with reported figures.")
    return "\n".join(out)


def _schedule_table(a: Assumptions, fields: tuple[Field, ...]) -> list[str]:
    out = ["| " + " | ".join(f.key for f in fields) + " |", "|" + "---|" * len(fields)]
    for row in a.schedule:
        out.append("| " + " | ".join(_default(row[f.key]) for f in fields) + " |")
    return out


def _keyed_table(sheet: str, fields: tuple[Field, ...], rows: tuple[dict[str, object], ...],
                 intro: str) -> list[str]:
    out = [f"## Sheet `{sheet}`", "", intro, "",
           "| column | unit | rule | description |", "|---|---|---|---|"]
    out += [f"| `{f.key}` | {f.unit} | {_rule(f)} | {f.description} |" for f in fields]
    out += ["", "Defaults:", "", "| " + " | ".join(f.key for f in fields) + " |",
            "|" + "---|" * len(fields)]
    out += ["| " + " | ".join(_default(r[f.key]) for f in fields) + " |" for r in rows]
    return [*out, ""]


if __name__ == "__main__":
    import sys
    if "--readme" in sys.argv:
        update_readme()
    else:
        print(render(), end="")
