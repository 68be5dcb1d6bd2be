"""The Actuals sheet: reported figures to set beside the model (read and checked).

One row per reported figure, with the columns ``line`` (a line key of the model),
``period``, ``measure``, ``value``, ``source``, ``confidence`` and ``fit``. A period is
a calendar year (``2025``), a fiscal year ending in ``fiscal_year_end_month``
(``FY2026``), a half (``2025-H1``), a quarter (``2026-Q1``) or a month (``2025-12``); a
measure is ``total`` (the sum of the period's months), ``annualized`` (its last month
x 12) or ``balance`` (the value at its end). Rows with ``fit`` TRUE are what
``finmodel calibrate`` fits the model to; the others (projections) are shown only.

Whether a line key exists, and suits the measure, is checked once the model's lines
are known (``model.core.actuals``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from typing import TYPE_CHECKING

from model.errors import InputError
from model.inputs.actual_fields import CONFIDENCE, FIELDS, MEASURES, PERIOD_HELP
from model.inputs.assumptions import Actual, Assumptions
from model.inputs.problems import BAD, describe
from model.inputs.schema import ACTUALS_SHEET

if TYPE_CHECKING:
    from model.inputs.problems import Validator
    from model.inputs.reader import RawTable, RawWorkbook

SHEET = ACTUALS_SHEET
MISSING_NOTE = ("no Actuals sheet: the model is not compared with reported figures "
                "(`finmodel init` writes a template with one: copy it across)")
REQUIRED = ("line", "period", "measure", "value", "fit")

_PERIOD = re.compile(r"^(?:(FY)?(\d{4})|(\d{4})-(H[12]|Q[1-4]|\d{2}))$")


def canonical_period(value: object) -> str | None:
    """The period a cell holds, as text (2025, FY2026, 2025-H1, 2026-Q1, 2025-12), or
    None. A whole number is a year; a date on the first of a month is that month (Excel
    turns a typed 2025-12 into one)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m}" if value.day == 1 and value.time() == dt.time(0) else None
    if isinstance(value, dt.date):
        return f"{value:%Y-%m}" if value.day == 1 else None
    if isinstance(value, int | float) and float(value).is_integer():
        value = str(int(value))
    if not isinstance(value, str):
        return None
    text = value.strip().upper()
    m = _PERIOD.match(text)
    if m is None:
        return None
    year = int(m.group(2) or m.group(3))
    if not 1901 <= year <= 9000:
        return None
    tail = m.group(4)
    if tail is not None and tail[0] not in "HQ" and not 1 <= int(tail) <= 12:
        return None
    return text


def period_months(period: str, fiscal_year_end_month: int) -> tuple[dt.date, dt.date]:
    """The first and last month of a period (as ``canonical_period`` writes it)."""
    m = _PERIOD.match(period)
    assert m is not None, period
    if m.group(2) is not None:
        year = int(m.group(2))
        if m.group(1):  # FY2026: the twelve months ending in fiscal_year_end_month of 2026
            last = dt.date(year, fiscal_year_end_month, 1)
            return _add(last, -11), last
        return dt.date(year, 1, 1), dt.date(year, 12, 1)
    year, tail = int(m.group(3)), m.group(4)
    if tail[0] == "H":
        first = dt.date(year, 1 if tail == "H1" else 7, 1)
        return first, _add(first, 5)
    if tail[0] == "Q":
        first = dt.date(year, 3 * int(tail[1]) - 2, 1)
        return first, _add(first, 2)
    month = dt.date(year, int(tail), 1)
    return month, month


def _add(d: dt.date, n: int) -> dt.date:
    m = d.month - 1 + n
    return dt.date(d.year + m // 12, m % 12 + 1, 1)


def nearest(text: str, names: tuple[str, ...] | list[str]) -> str:
    """' (did you mean 'x'?)' for a near miss, else ''."""
    close = difflib.get_close_matches(text, list(names), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def parse(table: RawTable, v: Validator) -> tuple[Actual, ...]:
    """The sheet's rows, each checked; problems go to the validator."""
    if v.table(SHEET, REQUIRED) is None:
        return ()
    out: list[Actual] = []
    for excel_row, values in table.rows:
        row = {f.key: v.convert(table, excel_row, values, f)
               for f in FIELDS if f.key in table.header and f.key != "period"}
        label = row.get("line") if isinstance(row.get("line"), str) else None
        raw_period = table.value(values, "period")
        period = canonical_period(raw_period)
        if period is None:
            v.problem(SHEET, table.cell(excel_row, "period"), PERIOD_HELP,
                      describe(raw_period), label)  # type: ignore[arg-type]
        measure = row.get("measure")
        if isinstance(measure, str) and measure.strip().lower() not in MEASURES:
            v.problem(SHEET, table.cell(excel_row, "measure"),
                      "one of " + ", ".join(MEASURES),
                      f"'{measure}'{nearest(measure.strip().lower(), MEASURES)}", label)  # type: ignore[arg-type]
            measure = BAD
        confidence = row.get("confidence")
        if isinstance(confidence, str) and confidence.strip().upper() not in CONFIDENCE:
            v.problem(SHEET, table.cell(excel_row, "confidence"),
                      "C, R or L (as in the sources: confirmed, reported, leak) or blank",
                      f"'{confidence}'", label)  # type: ignore[arg-type]
        value = row.get("value")
        if value == 0:
            v.problem(SHEET, table.cell(excel_row, "value"),
                      "a reported figure other than 0 (the variance is a share of it)",
                      "0", label)  # type: ignore[arg-type]
            continue
        if period is None or any(x is BAD for x in (*row.values(), measure)):
            continue
        out.append(Actual(str(row["line"]), period, str(measure).strip().lower(),
                          float(value),  # type: ignore[arg-type]
                          str(row.get("source") or ""),
                          str(confidence or "").strip().upper(), bool(row["fit"]),
                          table.cell(excel_row, "line")))
    return tuple(out)


def attach(raw: RawWorkbook, a: Assumptions, v: Validator) -> Assumptions:
    """The assumptions with the Actuals sheet's rows (None and a note when the workbook
    has no such sheet); InputError on a problem."""
    table = raw.tables.get(SHEET)
    if table is None:
        return dataclasses.replace(a, notes=(*a.notes, MISSING_NOTE))
    rows = parse(table, v)
    if v.problems:
        raise InputError(raw.path, v.problems)
    return dataclasses.replace(a, actuals=rows)
