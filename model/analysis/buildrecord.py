"""What a model remembers of its build, so that it can be audited when it comes back.

The record holds the model's name, the build options (the Analysis sheet's
settings, the sharing mode, the sheets added by other commands) and a copy of every
input cell as written. It is stored as JSON, compressed, in the workbook's custom
document properties: Excel limits each property's text to 255 characters, so it is
split over ``finmodel_build_1``, ``finmodel_build_2``, ... Spreadsheet programs keep
custom properties when they save a file; nothing in the sheets shows the record.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from model.analysis.solve import Metric, Settings

PREFIX = "finmodel_build_"
CHUNK = 250
VERSION = 1
MAX_RECORD_BYTES = 1_000_000  # a record that inflates beyond this is refused

Value = float | str | bool | dt.datetime | None


@dataclass(frozen=True)
class BuildRecord:
    name: str  # the model's name (the stem of the inputs it was built from)
    scenario: str | None  # the scenario selected when it was built
    settings: dict[str, Any]  # the Analysis sheet's settings (result, by, grid, tornado)
    values_only: bool = False
    protect: bool = False
    extras: tuple[str, ...] = ()  # sheets added by a command (Changes, Simulation)
    as_of: str | None = None  # the inputs' saved time, ISO format
    cells: dict[str, dict[str, Value]] = field(default_factory=dict)  # sheet -> A1 -> value


def encode(record: BuildRecord) -> list[tuple[str, str]]:
    """The record as (property name, text of at most CHUNK characters) pairs."""
    body = {
        "v": VERSION, "name": record.name, "scenario": record.scenario,
        "settings": record.settings, "values_only": record.values_only,
        "protect": record.protect, "extras": list(record.extras), "as_of": record.as_of,
        "cells": {sheet: {ref: _dump(v) for ref, v in cells.items()}
                  for sheet, cells in record.cells.items()},
    }
    text = base64.b64encode(zlib.compress(json.dumps(body, separators=(",", ":"),
                                                     sort_keys=True).encode(), 9)).decode()
    return [(f"{PREFIX}{i // CHUNK + 1}", text[i:i + CHUNK])
            for i in range(0, len(text), CHUNK)]


def decode(properties: dict[str, str]) -> BuildRecord | None:
    """The record of a workbook's custom properties; None if it has none.
    Raises ValueError when the record is there but damaged."""
    parts = []
    i = 1
    while f"{PREFIX}{i}" in properties:
        parts.append(properties[f"{PREFIX}{i}"])
        i += 1
    if not parts:
        return None
    try:
        z = zlib.decompressobj()
        raw = z.decompress(base64.b64decode("".join(parts), validate=True), MAX_RECORD_BYTES)
        if z.unconsumed_tail:
            raise ValueError("too large")
        body = json.loads(raw)
        if body.get("v") != VERSION:
            raise ValueError(f"record version {body.get('v')}")
        return BuildRecord(
            name=str(body["name"]), scenario=body["scenario"], settings=dict(body["settings"]),
            values_only=bool(body["values_only"]), protect=bool(body["protect"]),
            extras=tuple(str(x) for x in body["extras"]), as_of=body["as_of"],
            cells={str(s): {str(r): _load(v) for r, v in c.items()}
                   for s, c in body["cells"].items()})
    except (ValueError, KeyError, TypeError, zlib.error, AttributeError) as e:
        raise ValueError(f"a damaged build record ({e})") from None


def _dump(v: Value) -> object:
    if isinstance(v, dt.datetime):
        return {"date": v.isoformat()}
    return v


def _load(v: object) -> Value:
    if isinstance(v, dict):
        return dt.datetime.fromisoformat(str(v["date"]))
    if v is None or isinstance(v, bool | str):
        return v
    if isinstance(v, int | float):
        return float(v)
    raise ValueError(f"a cell value {v!r}")


def settings_dict(s: Settings) -> dict[str, Any]:
    """The Analysis settings (model.analysis.Settings) as JSON-ready values."""
    return {"result": s.metric.key, "by": s.metric.at.isoformat() if s.metric.at else None,
            "grid_x": s.grid_x, "grid_x_steps": list(s.grid_x_steps), "grid_y": s.grid_y,
            "grid_y_steps": list(s.grid_y_steps), "tornado_pct": s.tornado_pct}


def settings_of(d: dict[str, Any]) -> Settings:
    try:
        return Settings(
            metric=Metric(str(d["result"]), dt.date.fromisoformat(d["by"]) if d["by"] else None),
            grid_x=str(d["grid_x"]), grid_x_steps=tuple(float(x) for x in d["grid_x_steps"]),
            grid_y=str(d["grid_y"]), grid_y_steps=tuple(float(x) for x in d["grid_y_steps"]),
            tornado_pct=float(d["tornado_pct"]))
    except (KeyError, TypeError, ValueError) as e:
        raise ValueError(f"a damaged build record (settings: {e})") from None
