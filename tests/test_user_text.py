"""No text the user typed becomes a formula or a reference anywhere in the model file:
cells, chart titles and series names, headers and footers (where & starts a code),
validation messages, defined names, document properties.

A party labelled ``+cmd|' /C calc'!A0`` was text in every cell, but the chart XML
carried it as ``<c:f>+cmd|' /C calc'!A0</c:f>``, a reference."""

from __future__ import annotations

import dataclasses
import html
import io
import re
import zipfile

import openpyxl

from model.core.engine import run
from model.inputs.defaults import default_assumptions
from model.inputs.overrides import Scenarios
from model.workbook.writer import write_model

INJECTED = ("+cmd|' /C calc'!A0", "=1+1", "@SUM(A1)", "&P", "-2+3", "=Inputs!B2")


def _injected_model() -> bytes:
    a = default_assumptions()
    texts = iter(INJECTED * 20)
    parties = tuple(dataclasses.replace(p, label=next(texts)) for p in a.parties)
    tiers = tuple(dataclasses.replace(t, name=next(texts)) for t in a.tiers)
    streams = tuple(dataclasses.replace(s, label=next(texts), description=next(texts),
                                        source=next(texts), unit=next(texts))
                    for s in a.streams)
    costs = tuple(dataclasses.replace(c, label=next(texts), description=next(texts),
                                      source=next(texts)) for c in a.costs)
    assert a.scenarios is not None
    names = dict(zip(a.scenarios.names, INJECTED, strict=False))
    rows = tuple(dataclasses.replace(r, values={names[k]: v for k, v in r.values.items()},
                                     note=next(texts)) for r in a.scenarios.rows)
    investments = tuple(dataclasses.replace(i, source=next(texts))
                        for i in a.investments or ())
    a = dataclasses.replace(a, parties=parties, tiers=tiers, streams=streams, costs=costs,
                            scenarios=Scenarios(tuple(names.values()), rows),
                            selected=INJECTED[0], investments=investments,
                            name="&P =1+1 +cmd|' /C calc'!A0")
    buf = io.BytesIO()
    write_model(run(a), buf)
    return buf.getvalue()


def test_injected_labels_stay_text_in_every_part() -> None:
    data = _injected_model()
    formulas: list[tuple[str, str]] = []
    headers: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for part in z.namelist():
            if not part.endswith((".xml", ".rels", ".vml")):
                continue
            xml = z.read(part).decode()
            formulas += [(part, html.unescape(f)) for f in
                         re.findall(r"<(?:\w+:)?f(?:\s[^>]*)?>([^<]*)</(?:\w+:)?f>", xml)]
            formulas += [(part, html.unescape(f)) for f in
                         re.findall(r"<definedName[^>]*>([^<]*)</definedName>", xml)]
            formulas += [(part, html.unescape(f)) for f in
                         re.findall(r"<formula1>([^<]*)</formula1>", xml)]
            headers += [html.unescape(h) for h in
                        re.findall(r"<(?:odd|even|first)(?:Header|Footer)>([^<]*)<", xml)]
    assert len(formulas) > 10_000 and headers
    for part, f in formulas:
        for text in ("cmd|", "1+1", "@SUM", "&P", "-2+3", "Inputs!B2"):
            assert text not in f, (part, f)
    for h in headers:  # & starts a code (&P the page number): the user's & is doubled
        codes = h.replace("&&", "")
        assert codes.count("&P") == h.count("Page &P of &N"), h
    assert any("Inputs: &&P =1+1 +cmd|' /C calc'!A0" in h for h in headers)
    charts = [p for p in zipfile.ZipFile(io.BytesIO(data)).namelist() if "charts/chart" in p]
    assert charts
    text = "".join(zipfile.ZipFile(io.BytesIO(data)).read(p).decode() for p in charts)
    assert html.escape("+cmd|' /C calc'!A0", quote=False) in text  # there, as a name


def test_injected_labels_read_back_as_text() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(_injected_model()))
    found = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value in INJECTED}
    assert found == set(INJECTED)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value in INJECTED:
                    assert c.data_type == "s", (ws.title, c.coordinate)
