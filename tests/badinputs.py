"""Inputs for the robustness tests: a corpus of bad assumptions workbooks generated from
the shipped template, and hypothesis strategies for random valid assumptions.

Each case writes one bad file into a folder and says where the error message must
point: the sheet and the cell (or row or column) when there is one, and words of what
was expected. ``tests/test_bad_inputs.py`` runs every case through the real command
line. Two real legacy files that cannot be generated here (an .xls and an .ods,
converted from the template by LibreOffice) live in ``tests/corpus/``.

The zip bombs are built without ever holding their expanded bytes: the deflate stream
of a block of zeros, after a full flush, is the same for every block, so gigabytes of
zeros compress to a repeated few kilobytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import random
import re
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from model import default_template
from model.core.timeline import add_months
from model.inputs import schema
from model.inputs.assumptions import Assumptions, Cost, Party, Stream, Tier
from model.inputs.defaults import default_assumptions
from model.inputs.reader import MAX_ROWS

CORPUS = Path(__file__).resolve().parent / "corpus"
OUT_NAME = "model.xlsx"
EARLIER_OUTPUT = b"earlier output: must survive byte for byte\n"


@dataclass(frozen=True)
class BadInput:
    """One bad input file and what the error message must say about it."""

    id: str
    make: Callable[[Path], Path]  # writes the file into a folder, returns its path
    expected: str  # words that follow "expected" in the message
    sheet: str | None = None  # the sheet the message names, when there is one
    cell: str | None = None  # the cell, or "row N" / "column X", when there is one


# ---------------------------------------------------------------- the template


@functools.cache
def template_bytes() -> bytes:
    return default_template().read_bytes()


@functools.cache
def _grid() -> dict[str, tuple[dict[str, str], dict[str, int]]]:
    """For each sheet of the template: {column key: letter}, {key in column A: row}."""
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes()), read_only=True)
    try:
        out = {}
        for ws in wb.worksheets:
            rows = list(ws.iter_rows(values_only=True))
            header = {str(k): get_column_letter(i + 1) for i, k in enumerate(rows[0]) if k}
            keys = {str(r[0]): n for n, r in enumerate(rows[1:], start=2) if r and r[0]}
            out[ws.title] = (header, keys)
        return out
    finally:
        wb.close()


def cell(sheet: str, row: str | int, column: str) -> str:
    """The template's cell for a row (its key in column A, or a row number) and a column."""
    header, keys = _grid()[sheet]
    number = row if isinstance(row, int) else keys[row]
    return f"{header[column]}{number}"


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def rezip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def sheet_part(sheet: str) -> str:
    """The zip member of a template sheet (xlsxwriter numbers them in order)."""
    return f"xl/worksheets/sheet{list(_grid()).index(sheet) + 1}.xml"


# ---------------------------------------------------------------- makers


def _write(name: str, data: Callable[[], bytes]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data())
        return path
    return make


def edited_bytes(edit: Callable[[Any], None]) -> bytes:
    """The template edited with openpyxl (which writes formulas without saved results)."""
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    edit(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _edited(edit: Callable[[Any], None], name: str = "bad.xlsx") -> Callable[[Path], Path]:
    return _write(name, lambda: edited_bytes(edit))


def _set(sheet: str, ref: str, value: object) -> Callable[[Any], None]:
    def edit(wb: Any) -> None:
        wb[sheet][ref] = value
    return edit


def _parts_edited(edit: Callable[[dict[str, bytes]], None],
                  name: str = "bad.xlsx") -> Callable[[Path], Path]:
    def data() -> bytes:
        parts = members(template_bytes())
        edit(parts)
        return rezip(parts)
    return _write(name, data)


def _replace_in(part: str, old: bytes, new: bytes) -> Callable[[dict[str, bytes]], None]:
    def edit(parts: dict[str, bytes]) -> None:
        assert old in parts[part], (part, old)
        parts[part] = parts[part].replace(old, new, 1)
    return edit


def _set_xml_value(sheet: str, ref: str, text: str) -> Callable[[dict[str, bytes]], None]:
    """Put raw text in a numeric cell's <v>, where openpyxl cannot be asked to."""
    def edit(parts: dict[str, bytes]) -> None:
        part = sheet_part(sheet)
        xml = parts[part].decode()
        start = xml.index(f'<c r="{ref}"')
        v = xml.index("<v>", start)
        end = xml.index("</v>", v)
        parts[part] = (xml[:v + 3] + text + xml[end:]).encode()
    return edit


# ---------------------------------------------------------------- zip bombs


_BLOCK = 1 << 24  # 16 MiB of zeros per deflate block


@functools.cache
def _deflated_zeros(blocks: int) -> tuple[bytes, int]:
    """Raw deflate data for blocks x 16 MiB of zeros, and the CRC-32 of those zeros."""
    zeros = bytes(_BLOCK)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(blocks):
        crc = zlib.crc32(zeros, crc)
    return first + again * (blocks - 1) + c.flush(), crc


def write_entries(entries: list[tuple[str, bytes, int, int]]) -> tuple[io.BytesIO, io.BytesIO]:
    """The local parts and the central directory entries of (name, raw deflate data,
    CRC-32, declared size) entries, written by hand; the caller adds the end record."""
    out = io.BytesIO()
    central = io.BytesIO()
    for name, data, crc, size in entries:
        offset = out.tell()
        encoded = name.encode()
        fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded))
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, 0) + encoded + data)
        central.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0,
                                  offset) + encoded)
    return out, central


def raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip from (name, raw deflate data, CRC-32, declared size) entries, written by hand
    so that the declared sizes can be anything."""
    out, central = write_entries(entries)
    cd = central.getvalue()
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(cd),
                      out.tell(), 0)
    return out.getvalue() + cd + end


def _deflated(data: bytes) -> tuple[bytes, int, int]:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data), len(data)


def _template_entries(skip: str = "") -> list[tuple[str, bytes, int, int]]:
    return [(name, *_deflated(data)) for name, data in members(template_bytes()).items()
            if name != skip]


def zip_bomb() -> bytes:
    """The template whose Inputs sheet expands to 2 GiB of zeros (a 2 MB file)."""
    part = sheet_part(schema.INPUTS_SHEET)
    data, crc = _deflated_zeros(128)
    return raw_zip([*_template_entries(skip=part), (part, data, crc, 128 * _BLOCK)])


def zip_bomb_spread() -> bytes:
    """Many members, each below the ratio check's threshold, that add up to 256 MB."""
    zeros = bytes(1_000_000)
    entry = _deflated(zeros)
    return raw_zip([*_template_entries(),
                    *((f"xl/media/filler{i}.bin", *entry) for i in range(256))])


def zip_lying_sizes() -> bytes:
    """The Inputs sheet declares 6 KB but its data expands to 64 MiB: zipfile must stop at
    the declared size instead of inflating everything."""
    part = sheet_part(schema.INPUTS_SHEET)
    data, crc = _deflated_zeros(4)
    return raw_zip([*_template_entries(skip=part), (part, data, crc, 6_000)])


def many_parts() -> bytes:
    empty = _deflated(b"")
    return raw_zip([*_template_entries(), *((f"x/{i}", *empty) for i in range(20_000))])


# ---------------------------------------------------------------- XML attacks

_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%s;" % (b"" if i == 1 else b"%d"
                                                                   % (i - 1))) * 10)
                      for i in range(1, 10)) + b"]>\n")


def billion_laughs(part: str, at: bytes) -> Callable[[dict[str, bytes]], None]:
    """Declare the nine nested entities (10^9 'lol's) and use the last one at ``at``."""
    def edit(parts: dict[str, bytes]) -> None:
        xml = parts[part]
        body = xml[xml.index(b"?>") + 2:].lstrip()
        assert at in body, (part, at)
        parts[part] = _LAUGHS + body.replace(at, at + b"&lol9;", 1)
    return edit


def external_entity(part: str, at: bytes) -> Callable[[dict[str, bytes]], None]:
    def edit(parts: dict[str, bytes]) -> None:
        xml = parts[part]
        body = xml[xml.index(b"?>") + 2:].lstrip()
        root = body[1:body.index(b" ")].decode()
        parts[part] = (f'<?xml version="1.0"?>\n<!DOCTYPE {root} [<!ENTITY xxe SYSTEM '
                       f'"file:///etc/passwd">]>\n').encode() + body.replace(at, at + b"&xxe;", 1)
    return edit


# ---------------------------------------------------------------- macros


FAKE_VBA = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
            + b'Attribute VB_Name = "Module1"\nSub AutoOpen()\nShell "calc.exe"\nEnd Sub\n')


def with_macros(data: bytes) -> bytes:
    """A workbook turned into an .xlsm with a VBA project (never run: it is only bytes)."""
    parts = members(data)
    types = parts["[Content_Types].xml"].decode()
    types = types.replace(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml").replace(
        "<Default Extension=\"xml\"",
        "<Default Extension=\"bin\" ContentType=\"application/vnd.ms-office.vbaProject\"/>"
        "<Default Extension=\"xml\"")
    parts["[Content_Types].xml"] = types.encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode().replace(
        "</Relationships>",
        '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
        'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
    parts["xl/_rels/workbook.xml.rels"] = rels.encode()
    parts["xl/vbaProject.bin"] = FAKE_VBA
    return rezip(parts)


# ---------------------------------------------------------------- edits


def _delete_row(sheet: str, key: str) -> Callable[[Any], None]:
    def edit(wb: Any) -> None:
        wb[sheet].delete_rows(_grid()[sheet][1][key])
    return edit


def _append(sheet: str, key: str) -> Callable[[Any], None]:
    """Copy the row of ``key`` below the table: a duplicated key."""
    def edit(wb: Any) -> None:
        ws = wb[sheet]
        ws.append([c.value for c in ws[_grid()[sheet][1][key]]])
    return edit


def _rename_column(sheet: str, column: str, new: str) -> Callable[[Any], None]:
    return _set(sheet, cell(sheet, 1, column), new)


def _delete_column(sheet: str, column: str) -> Callable[[Any], None]:
    def edit(wb: Any) -> None:
        wb[sheet].delete_cols(openpyxl.utils.column_index_from_string(
            _grid()[sheet][0][column]))
    return edit


def _rename_key(sheet: str, old: str, new: str, columns: tuple[str, ...] = ()
                ) -> Callable[[Any], None]:
    """Give a stream or cost another key, and its Schedule ``columns`` (suffixes such as
    '_growth') the new key's names."""
    def edit(wb: Any) -> None:
        wb[sheet][cell(sheet, old, sheet_key(sheet))] = new
        for suffix in columns:
            wb[schema.SCHEDULE_SHEET][cell(schema.SCHEDULE_SHEET, 1, old + suffix)] = new + suffix
        # The Distributions sheet draws the stream's or cost's growth: renamed there too.
        for row in wb[schema.DISTRIBUTIONS_SHEET].iter_rows(min_row=2, max_col=1):
            if row[0].value in {old + suffix for suffix in columns}:
                row[0].value = new + str(row[0].value)[len(old):]
    return edit


def sheet_key(sheet: str) -> str:
    return "stream" if sheet == schema.STREAMS_SHEET else "cost"


def _swap_schedule_months(wb: Any) -> None:
    ws = wb[schema.SCHEDULE_SHEET]
    a, b = cell(schema.SCHEDULE_SHEET, 3, "from_month"), cell(schema.SCHEDULE_SHEET, 4,
                                                            "from_month")
    ws[a].value, ws[b].value = ws[b].value, ws[a].value


def _schema_version(version: int) -> Callable[[Any], None]:
    def edit(wb: Any) -> None:
        for prop in wb.custom_doc_props:
            if prop.name == schema.SCHEMA_PROPERTY:
                prop.value = version
    return edit


def schedule_rows(count: int) -> Callable[[Any], None]:
    """A Schedule of ``count`` monthly rows from 1902 on (valid except for their number)."""
    def edit(wb: Any) -> None:
        ws = wb[schema.SCHEDULE_SHEET]
        first = [c.value for c in ws[2]]
        ws.delete_rows(2, ws.max_row)
        for i in range(count):
            ws.append([dt.datetime(1902 + i // 12, i % 12 + 1, 1), *first[1:]])
    return edit


def _rows_hidden() -> bytes:
    """MAX_ROWS + 1 Schedule rows under a <dimension> that declares two: openpyxl would
    stop at the declared size, so the reader must not trust it."""
    parts = members(edited_bytes(schedule_rows(MAX_ROWS + 1)))
    part = sheet_part(S)
    parts[part], found = re.subn(rb'<dimension ref="[A-Z0-9:]+"', b'<dimension ref="A1:K2"',
                                 parts[part])
    assert found == 1
    return rezip(parts)


def _sparse(size: int) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / "huge.xlsx"
        with path.open("wb") as fh:
            fh.write(b"PK\x03\x04")
            fh.truncate(size)  # a sparse file: no disk space, instant
        return path
    return make


def _folder(folder: Path) -> Path:
    path = folder / "a folder.xlsx"
    path.mkdir()
    return path


def _missing(folder: Path) -> Path:
    return folder / "no such file.xlsx"


def _copy(name: str, source: str) -> Callable[[Path], Path]:
    return _write(name, lambda: (CORPUS / source).read_bytes())


# ---------------------------------------------------------------- the corpus

I, S, P, T = schema.INPUTS_SHEET, schema.SCHEDULE_SHEET, schema.PARTIES_SHEET, schema.TIERS_SHEET
ST, CO = schema.STREAMS_SHEET, schema.COSTS_SHEET
STREAM_COLUMNS = ("_growth", "_gross_margin")
V = schema.INVESTMENTS_SHEET
SC, D = schema.SCENARIOS_SHEET, schema.DISTRIBUTIONS_SHEET
XLSX = "an .xlsx workbook"
TOO_BIG = f"a table of at most {MAX_ROWS:,} rows and 200 columns"
NO_DTD = "XML without a document type declaration"


def _cases() -> list[BadInput]:
    def inp(key: str) -> str:
        return cell(I, key, "value")

    def edit(id: str, change: Callable[[Any], None], expected: str, sheet: str | None = None,
             where: str | None = None, name: str = "bad.xlsx") -> BadInput:
        return BadInput(id, _edited(change, name), expected, sheet, where)

    def value(id: str, key: str, v: object, expected: str) -> BadInput:
        return edit(id, _set(I, inp(key), v), expected, I, inp(key))

    def parts(id: str, change: Callable[[dict[str, bytes]], None], expected: str,
              sheet: str | None = None, where: str | None = None) -> BadInput:
        return BadInput(id, _parts_edited(change), expected, sheet, where)

    ms, ms_col = "microsoft", "column G"
    cases = [
        # ---- not a workbook at all
        BadInput("not_a_zip", _write("bad.xlsx", lambda: b"\x00\x01\x02"
                                     + random.Random(4).randbytes(4096)), XLSX),
        BadInput("empty_file", _write("bad.xlsx", lambda: b""), XLSX),
        BadInput("truncated_zip", _write("bad.xlsx",
                                         lambda: template_bytes()[:len(template_bytes()) // 2]),
                 XLSX),
        BadInput("truncated_zip_end", _write("bad.xlsx", lambda: template_bytes()[:-30]), XLSX),
        BadInput("csv_renamed_xlsx", _write("bad.xlsx", lambda: b"key,value\nstart_month,"
                                            b"2024-04-01\nhorizon_months,120\n"), XLSX),
        BadInput("xls", _copy("assumptions.xls", "assumptions.xls"), XLSX),
        BadInput("xls_renamed_xlsx", _copy("assumptions.xlsx", "assumptions.xls"), XLSX),
        BadInput("encrypted_xlsx", _copy("assumptions.xlsx", "assumptions-encrypted.xlsx"),
                 "an .xlsx workbook without a password"),
        BadInput("ods", _copy("assumptions.ods", "assumptions.ods"), XLSX),
        BadInput("input_is_a_folder", _folder, "an .xlsx file"),
        BadInput("input_missing", _missing, "a readable file"),
        # ---- hostile containers
        BadInput("zip_bomb", _write("bad.xlsx", zip_bomb), "an ordinary workbook"),
        BadInput("zip_bomb_spread", _write("bad.xlsx", zip_bomb_spread),
                 "at most 200 MB once unpacked"),
        BadInput("zip_lying_sizes", _write("bad.xlsx", zip_lying_sizes),
                 "an ordinary workbook"),
        BadInput("zip_many_parts", _write("bad.xlsx", many_parts), "a zip of at most 10,000"),
        BadInput("too_large_file", _sparse(26 * 2**20), "a file of at most 25 MB"),
        parts("entity_bomb_in_sheet", billion_laughs(sheet_part(I), b"<sheetData>"), NO_DTD),
        parts("entity_bomb_in_shared_strings",
              billion_laughs("xl/sharedStrings.xml", b"<t>"), NO_DTD),
        parts("external_entity_in_workbook", external_entity("xl/workbook.xml", b"<bookViews>"),
              NO_DTD),
        parts("huge_declared_dimension",
              _replace_in(sheet_part(I),
                          f'<dimension ref="A1:E{len(schema.INPUT_FIELDS) + 1}"/>'.encode(),
                          b'<dimension ref="A1:XFD1048576"/>'),
              TOO_BIG, I),
        edit("too_many_rows", schedule_rows(MAX_ROWS + 1),
             TOO_BIG, S),
        BadInput("too_many_rows_behind_a_small_dimension", _write("bad.xlsx", _rows_hidden),
                 TOO_BIG, S, f"row {MAX_ROWS + 2}"),
        BadInput("xlsm_with_a_bad_value", _write("bad.xlsm", lambda: with_macros(
            edited_bytes(_set(I, inp("api_arr_opening"), "lots")))),
            "an amount in USD", I, inp("api_arr_opening")),
        # ---- missing or repeated sheets, keys and columns
        edit("missing_sheet", lambda wb: wb.remove(wb[T]), f"a sheet named {T}", T),
        edit("missing_key", _delete_row(I, "horizon_months"),
             "a row with key 'horizon_months'", I, "column A"),
        edit("missing_column", _rename_column(I, "value", "amount"),
             "a column headed 'value'", I, "row 1"),
        edit("missing_schedule_column", _delete_column(S, "api_growth"),
             "a column headed 'api_growth'", S, "row 1"),
        edit("missing_tier_share_column", _delete_column(T, "nonprofit"),
             "a column headed 'nonprofit'", T, "row 1"),
        edit("duplicated_key", _append(I, "api_arr_opening"), "each key once", I,
             f"A{len(schema.INPUT_FIELDS) + 2}"),
        edit("duplicated_party", _append(P, ms), "each party once", P,
             f"A{len(schema.DEFAULT_PARTIES) + 2}"),
        edit("missing_microsoft", _delete_row(P, ms), "a party with key 'microsoft'", P,
             "column A"),
        edit("no_tiers", lambda wb: wb[T].delete_rows(2, 10), "at least one tier", T, "row 2"),
        # ---- wrong types
        value("text_in_number", "api_arr_opening", "lots", "an amount in USD"),
        value("date_as_text", "start_month", "2024-04-01", "a date on the first day"),
        value("boolean_as_text", "loss_carryforward", "TRUE", "TRUE or FALSE"),
        value("boolean_as_number", "loss_carryforward", 1, "TRUE or FALSE"),
        value("ref_error", "api_arr_opening", "#REF!", "an amount in USD"),
        edit("div0_error_in_schedule", _set(S, cell(S, 3, "api_growth"), "#DIV/0!"),
             "a number", S, cell(S, 3, "api_growth")),
        edit("na_error_in_parties", _set(P, cell(P, ms, "cap_usd"), "#N/A"), "an amount in USD",
             P, cell(P, ms, "cap_usd")),
        edit("percent_as_text_in_schedule", _set(S, cell(S, 2, "api_growth"), "200%"),
             "a number", S, cell(S, 2, "api_growth")),
        value("formula_without_saved_result", "api_arr_opening", "=2*500000000",
              "an amount in USD"),
        edit("formula_without_saved_result_in_tiers",
             _set(T, cell(T, "2", ms), "=1-0.25"), "a number", T, cell(T, "2", ms)),
        # ---- numbers out of range
        parts("nan", _set_xml_value(I, inp("api_arr_opening"), "NaN"),
              "a number written with the digits 0-9", I, inp("api_arr_opening")),
        parts("infinity", _set_xml_value(I, inp("api_arr_opening"), "1E+999"),
              "an amount in USD", I, inp("api_arr_opening")),
        value("negative", "api_arr_opening", -1e9, "an amount in USD between 0 and"),
        value("horizon_too_long", "horizon_months", 5000, "a whole number between 1 and 1200"),
        value("horizon_not_whole", "horizon_months", 12.5, "a whole number"),
        value("fee_cut_above_one", "ptu_fee_cut", 1.5, "between 0 and 1"),
        value("month_not_first_day", "start_month", dt.datetime(2024, 4, 15),
              "a date on the first day of a month"),
        value("month_with_time", "start_month", dt.datetime(2024, 4, 1, 12),
              "a date on the first day of a month"),
        value("month_after_year_9000", "start_month", dt.datetime(9500, 1, 1),
              "a date on the first day of a month"),
        value("month_before_march_1900", "start_month", dt.datetime(1900, 2, 1),
              "a date on the first day of a month, from March 1900"),
        edit("growth_below_minus_one", _set(S, cell(S, 2, "api_growth"), -2), "between -1 and",
             S, cell(S, 2, "api_growth")),
        edit("cap_growth_from_out_of_range", _set(P, cell(P, ms, "cap_growth_from"), 20000),
             "between 1900 and 9999", P, cell(P, ms, "cap_growth_from")),
        edit("tier_share_negative", _set(T, cell(T, "2", ms), -0.25), "between 0 and 1", T,
             cell(T, "2", ms)),
        value("opening_ptu_larger_than_azure", "ptu_customers_opening", 1e6,
              "PTU revenue in the opening month"),
        edit("horizon_past_year_9000", _set(I, inp("start_month"), dt.datetime(8999, 1, 1)),
             "a horizon ending before 9000", I, inp("horizon_months")),
        edit("cap_overflowing_over_the_horizon", _set(I, inp("start_month"),
                                                      dt.datetime(6000, 1, 1)),
             "a cap_growth that keeps the cap below 1e+300", P, cell(P, ms, "cap_growth")),
        # ---- rules between cells
        edit("tier_shares_not_summing_to_one", _set(T, cell(T, "3", "nonprofit"), 0.1),
             "shares of tier 3 that sum to 1", T, "row 4"),
        edit("equity_shares_not_summing_to_one", _set(P, cell(P, ms, "equity_share"), 0.5),
             "equity_share values that sum to 1", P, ms_col),
        edit("unknown_party_overflow", _set(P, cell(P, ms, "overflow_to"), "santa"),
             "the key of a party on this sheet", P, cell(P, ms, "overflow_to")),
        edit("unknown_party_hurdle", _set(T, cell(T, "2", "hurdle_party"), "santa"),
             "the key of a party on the Parties sheet", T, cell(T, "2", "hurdle_party")),
        edit("overflow_to_a_capped_party",
             _set(P, cell(P, ms, "overflow_to"), "employees_investors"),
             "an uncapped party to take the overflow", P, cell(P, ms, "overflow_to")),
        edit("capped_party_without_overflow", _set(P, cell(P, ms, "overflow_to"), None),
             "a party to receive what is beyond the cap", P, cell(P, ms, "overflow_to")),
        edit("schedule_rows_out_of_order", _swap_schedule_months,
             "rows in order", S, cell(S, 4, "from_month")),
        edit("schedule_starts_after_start_month",
             _set(S, cell(S, 2, "from_month"), dt.datetime(2024, 5, 1)),
             "a first row starting no later than start_month", S, cell(S, 2, "from_month")),
        edit("tiers_out_of_order", _set(T, cell(T, "3", "tier"), 1), "tiers in order", T,
             cell(T, "3", "tier")),
        # ---- streams and costs (issue 10)
        edit("stream_key_is_a_party", _rename_key(ST, "chatgpt_team", ms, STREAM_COLUMNS),
             "a stream key that is not a party's", ST, cell(ST, "chatgpt_team", "stream")),
        edit("stream_key_twice", _rename_key(ST, "chatgpt_team", "chatgpt_plus"),
             "each stream and cost key once", ST, cell(ST, "chatgpt_team", "stream")),
        edit("cost_key_same_as_a_stream", _rename_key(CO, "staff", "chatgpt_plus"),
             "each stream and cost key once", CO, cell(CO, "staff", "cost")),
        edit("stream_key_makes_an_existing_schedule_column",
             _rename_key(ST, "chatgpt_team", "api"),
             "a stream key whose Schedule column 'api_growth' is free", ST,
             cell(ST, "chatgpt_team", "stream")),
        edit("stream_key_makes_an_existing_line",
             _rename_key(ST, "chatgpt_team", "ptu", STREAM_COLUMNS),
             "a stream key whose lines have names of their own", ST,
             cell(ST, "chatgpt_team", "stream")),
        edit("cost_key_makes_an_existing_line",
             _rename_key(CO, "training_compute", "openai_compute", ("_growth",)),
             "a cost key whose lines have names of their own", CO,
             cell(CO, "training_compute", "cost")),
        edit("stream_key_not_a_key", _set(ST, cell(ST, "chatgpt_plus", "stream"), "ChatGPT+"),
             "a key of lower-case letters", ST, cell(ST, "chatgpt_plus", "stream")),
        edit("missing_stream_schedule_column", _delete_column(S, "chatgpt_team_gross_margin"),
             "a column headed 'chatgpt_team_gross_margin' (a Schedule rate of the stream "
             "'chatgpt_team'", S, "row 1"),
        edit("missing_cost_schedule_column", _delete_column(S, "staff_growth"),
             "a column headed 'staff_growth'", S, "row 1"),
        edit("missing_streams_column", _rename_column(ST, "arr_opening", "arr"),
             "a column headed 'arr_opening'", ST, "row 1"),
        edit("text_in_stream_number", _set(ST, cell(ST, "chatgpt_plus", "arr_opening"), "lots"),
             "an amount in USD", ST, cell(ST, "chatgpt_plus", "arr_opening")),
        edit("negative_stream_number",
             _set(ST, cell(ST, "chatgpt_plus", "arr_opening"), -1e9),
             "an amount in USD between 0 and", ST, cell(ST, "chatgpt_plus", "arr_opening")),
        edit("pays_revshare_as_text", _set(ST, cell(ST, "chatgpt_plus", "pays_revshare"), "yes"),
             "TRUE or FALSE", ST, cell(ST, "chatgpt_plus", "pays_revshare")),
        edit("text_in_cost_number", _set(CO, cell(CO, "staff", "monthly_opening"), "n/a"),
             "an amount in USD", CO, cell(CO, "staff", "monthly_opening")),
        edit("text_in_stream_schedule_rate",
             _set(S, cell(S, 2, "chatgpt_plus_growth"), "fast"), "a number", S,
             cell(S, 2, "chatgpt_plus_growth")),
        edit("stream_margin_above_one",
             _set(S, cell(S, 3, "chatgpt_plus_gross_margin"), 1.5), "between -1000 and 1", S,
             cell(S, 3, "chatgpt_plus_gross_margin")),
        edit("scenario_of_an_unknown_stream",
             _set(schema.SCENARIOS_SHEET, "A2", "Streams:sora:arr_opening"),
             "an Inputs key, Schedule:<rate>", schema.SCENARIOS_SHEET, "A2"),
        # ---- the Investments sheet and the valuation inputs
        edit("investment_of_an_unknown_party", _set(V, cell(V, 3, "party"), "santa"),
             "the key of a party on the Parties sheet", V, cell(V, 3, "party")),
        edit("investment_amount_as_text", _set(V, cell(V, 3, "amount_usd"), "lots"),
             "an amount in USD above 0", V, cell(V, 3, "amount_usd")),
        edit("investment_amount_zero", _set(V, cell(V, 3, "amount_usd"), 0),
             "an amount in USD above 0", V, cell(V, 3, "amount_usd")),
        edit("investment_month_not_first_day",
             _set(V, cell(V, 3, "month"), dt.datetime(2019, 7, 15)),
             "a date on the first day of a month", V, cell(V, 3, "month")),
        edit("investment_after_the_horizon",
             _set(V, cell(V, 3, "month"), dt.datetime(2040, 1, 1)),
             "a month no later than the last modelled month", V, cell(V, 3, "month")),
        edit("investments_without_amounts", _delete_column(V, "amount_usd"),
             "a column headed 'amount_usd'", V, "row 1"),
        value("discount_rate_as_text", "discount_rate", "ten", "a number"),
        value("fiscal_year_ending_in_month_13", "fiscal_year_end_month", 13,
              "a whole number between 1 and 12"),
        edit("older_schema_version", _schema_version(0), "a workbook of schema version 1"),
        edit("newer_schema_version", _schema_version(schema.SCHEMA_VERSION + 1),
             "a workbook of schema version 1"),
    ]
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return cases


def _rename_party(old: str, new: str) -> Callable[[Any], None]:
    """A party's key changed everywhere it is used, so that only the new key is wrong."""
    def edit(wb: Any) -> None:
        for ws in (wb[P], wb[T], wb[SC], wb[V]):
            for row in ws.iter_rows():
                for c in row:
                    if c.value == old:
                        c.value = new
                    elif isinstance(c.value, str) and f":{old}:" in c.value:
                        c.value = c.value.replace(f":{old}:", f":{new}:")
    return edit


def _every_schedule_row(column: str, value: object) -> Callable[[Any], None]:
    def edit(wb: Any) -> None:
        ws = wb[S]
        for r in range(2, ws.max_row + 1):
            ws[cell(S, r, column)] = value
    return edit


def _edits(*edits: Callable[[Any], None]) -> Callable[[Any], None]:
    def edit(wb: Any) -> None:
        for e in edits:
            e(wb)
    return edit


def _more_rows(sheet: str, key_column: str, count: int) -> Callable[[Any], None]:
    """``count`` copies of the sheet's last row, each with a new key."""
    def edit(wb: Any) -> None:
        ws = wb[sheet]
        last = [c.value for c in ws[ws.max_row]]
        col = openpyxl.utils.column_index_from_string(_grid()[sheet][0][key_column]) - 1
        for i in range(count):
            row = list(last)
            row[col] = 100 + i if sheet == T else f"extra_{i}"
            ws.append(row)
    return edit


def _more_scenarios(total: int) -> Callable[[Any], None]:
    """Scenario columns up to ``total`` scenarios, each a copy of the first."""
    def edit(wb: Any) -> None:
        ws = wb[SC]
        header, _ = _grid()[SC]
        first = openpyxl.utils.column_index_from_string(header["from_month"]) + 2
        names = [k for k in header if k not in ("target", "from_month", "note")]
        for i in range(len(names), total):
            col = first + i
            ws.cell(1, col).value = f"Extra {i + 1}"
            for r in range(2, ws.max_row + 1):
                ws.cell(r, col).value = ws.cell(r, first).value
    return edit


def _scenario_row(target: str, scenario: str, value: object, from_month: object = None
                  ) -> Callable[[Any], None]:
    def edit(wb: Any) -> None:
        ws = wb[SC]
        header, _ = _grid()[SC]
        ws.append([target if k == "target" else from_month if k == "from_month"
                   else value if k == scenario else None for k in header])
    return edit


def numbers_keys_and_size_cases() -> list[BadInput]:
    """Numbers that overflow, party keys that collide with the model's own names, and
    models beyond the size limits (issue 9)."""
    def edit(id: str, change: Callable[[Any], None], expected: str, sheet: str | None = None,
             where: str | None = None) -> BadInput:
        return BadInput(id, _edited(change), expected, sheet, where)

    amount = "an amount in USD between 0 and 1e+15"
    api, ms = cell(I, "api_arr_opening", "value"), "microsoft"
    growth_all = _edits(_set(I, cell(I, "horizon_months", "value"), 1200),
                        _every_schedule_row("api_growth", 1000))
    amend = "amendment (Apr 2026)"
    out = [
        BadInput("integer_of_400_digits", _parts_edited(_set_xml_value(I, api, "9" * 400)),
                 amount, I, api),
        edit("amount_1e308", _set(I, api, 1e308), amount, I, api),
        edit("commission_1e300", _set(S, cell(S, 3, "compute_commission"), 1e300),
             "between 0 and 1000", S, cell(S, 3, "compute_commission")),
        edit("margin_minus_1e300", _set(S, cell(S, 3, "api_gross_margin"), -1e300),
             "between -1000 and 1", S, cell(S, 3, "api_gross_margin")),
        edit("cap_1e308", _set(P, cell(P, ms, "cap_usd"), 1e308), amount, P,
             cell(P, ms, "cap_usd")),
        edit("growth_compounding_past_1e300", growth_all,
             "growth rates that keep", S, cell(S, 2, "api_growth")),
        edit("growth_compounding_in_a_scenario", _edits(
            _set(I, cell(I, "horizon_months", "value"), 1200),
            _scenario_row("Schedule:azure_payg_growth", amend, 1000, dt.datetime(2024, 4, 1))),
            "growth rates that keep", SC,
            f"{_grid()[SC][0][amend]}{max(_grid()[SC][1].values()) + 1}"),
        edit("hurdle_share_tiny", _set(T, cell(T, "1", "first_investors"), 1e-300),
             "a share of at least 1e-06 for the hurdle party", T,
             cell(T, "1", "first_investors")),
        edit("hurdle_share_zero_in_a_scenario", _edits(
            _scenario_row("Tiers:1:first_investors", amend, 0),
            _scenario_row("Tiers:1:nonprofit", amend, 1)),
            "a share of at least 1e-06 for tier 1's hurdle party", SC),
        edit("distribution_sd_1e308", _set(D, cell(D, "api_arr_opening", "sd"), 1e308),
             "a number between 0 and 1e+15", D, cell(D, "api_arr_opening", "sd")),
        BadInput("integer_of_400_digits_in_distributions", _parts_edited(_set_xml_value(
            D, cell(D, "api_arr_opening", "low"), "9" * 400)),
            "a number between -1e+15 and 1e+15", D, cell(D, "api_arr_opening", "low")),
        edit("too_many_parties", _more_rows(P, "party", schema.MAX_PARTIES),
             f"at most {schema.MAX_PARTIES} parties", P, f"row {schema.MAX_PARTIES + 2}"),
        edit("too_many_tiers", _more_rows(T, "tier", schema.MAX_TIERS),
             f"at most {schema.MAX_TIERS} tiers", T, f"row {schema.MAX_TIERS + 2}"),
        edit("too_many_streams", _more_rows(ST, "stream", schema.MAX_STREAMS),
             f"at most {schema.MAX_STREAMS} streams", ST, f"row {schema.MAX_STREAMS + 2}"),
        edit("too_many_costs", _more_rows(CO, "cost", schema.MAX_COSTS),
             f"at most {schema.MAX_COSTS} costs", CO, f"row {schema.MAX_COSTS + 2}"),
        edit("too_many_scenarios", _more_scenarios(schema.MAX_SCENARIOS + 1),
             f"at most {schema.MAX_SCENARIOS} scenarios", SC,
             f"{get_column_letter(4 + schema.MAX_SCENARIOS)}1"),
    ]
    for key in ("available", "prior_microsoft", "waterfall_profit", "absorbed",
                "gross_microsoft"):
        out.append(edit(f"party_key_{key}", _rename_party("first_investors", key),
                        "a party key that is not a name the model gives its own lines", P,
                        cell(P, "first_investors", "party")))
    for key in ("name", "tier", "hurdle_usd", "hurdle_party"):
        out.append(edit(f"party_key_{key}", _rename_party("first_investors", key),
                        "a party key that is not a column of the Tiers sheet", P,
                        cell(P, "first_investors", "party")))
    return out


def near_names_cases() -> list[BadInput]:
    """Names that differ from a known one by case, spaces, an invisible character or a
    look-alike letter, and headings met twice: each was quietly ignored (issue 18)."""
    def edit(id: str, change: Callable[[Any], None], expected: str, sheet: str | None = None,
             where: str | None = None) -> BadInput:
        return BadInput(id, _edited(change), expected, sheet, where)

    key = cell(I, "discount_rate", "key")
    fiscal = cell(I, "fiscal_year_end_month", "key")
    growth = cell(S, 1, "api_growth")
    after_schedule = f"{get_column_letter(len(_grid()[S][0]) + 1)}1"
    after_inputs = f"{get_column_letter(len(_grid()[I][0]) + 1)}1"
    known_key = "a key of the Inputs sheet"
    return [
        edit("key_with_a_space", _set(I, key, "discount rate"), known_key, I, key),
        edit("key_with_a_zero_width_space", _set(I, key, "discount\u200b_rate"), known_key,
             I, key),
        edit("key_with_a_cyrillic_o", _set(I, key, "disc\u043eunt_rate"), known_key, I, key),
        edit("key_in_capitals", _set(I, fiscal, "Fiscal_Year_End_Month"), known_key, I, fiscal),
        edit("heading_in_capitals", _set(S, growth, "API_growth"),
             "a column headed 'api_growth'", S, growth),
        edit("heading_with_a_greek_omicron", _set(S, growth, "api_gr\u03bfwth"),
             "a column headed 'api_growth'", S, growth),
        edit("second_api_growth_column", _set(S, after_schedule, "api_growth"),
             "each column heading once ('api_growth' is first at", S, after_schedule),
        edit("second_value_column", _set(I, after_inputs, "value"),
             "each column heading once ('value' is first at B1)", I, after_inputs),
        edit("inputs_sheet_in_lower_case", _rename_sheet(I, "inputs"), "a sheet named Inputs",
             I),
        edit("inputs_sheet_with_a_trailing_space", _rename_sheet(I, "Inputs "),
             "a sheet named Inputs", I),
        edit("scenarios_sheet_in_lower_case", _rename_sheet(SC, "scenarios"),
             "the sheet named 'Scenarios'", "scenarios"),
    ]


def _rename_sheet(sheet: str, new: str) -> Callable[[Any], None]:
    def edit(wb: Any) -> None:
        wb[sheet].title = "renamed"  # in one step, openpyxl would make 'scenarios' 'scenarios1'
        wb["renamed"].title = new
    return edit


def xml_cell_cases() -> list[BadInput]:
    """A sheet's XML that openpyxl would misread: numbers it cannot parse or parses as
    digits of another script, shared-string indexes out of range, rows numbered 0, beyond
    the sheet or out of order (issue 18)."""
    api = cell(I, "api_arr_opening", "value")
    key = cell(I, "api_arr_opening", "key")
    digits = "a number written with the digits 0-9"
    out = [BadInput(f"xml_number_{name}", _parts_edited(_set_xml_value(I, api, text)),
                    digits, I, api)
           for name, text in (("nan", "NaN"), ("inf", "inf"), ("hex", "0x10"),
                              ("arabic_indic", "\u0663\u0660"), ("full_width", "\uff13"))]
    part = sheet_part(I)
    for name, index in (("minus_one", "-1"), ("out_of_range", "99999")):
        out.append(BadInput(f"xml_shared_string_{name}", _parts_edited(
            _xml_sub(part, f'(<c r="{key}"[^>]*t="s"[^>]*><v>)\\d+(</v>)', rf"\g<1>{index}\2")),
            "a shared-string index from 0 to", I, key))
    for name, row in (("zero", "0"), ("beyond_the_sheet", "1048577"), ("out_of_order", "2")):
        out.append(BadInput(f"xml_row_{name}", _parts_edited(
            _xml_sub(part, '<row r="4"', f'<row r="{row}"', cells_too=row)),
            "rows numbered 1 to 1,048,576, in order", I, f"row {row}"))
    return out


def _xml_sub(part: str, pattern: str, new: str, cells_too: str = ""
             ) -> Callable[[dict[str, bytes]], None]:
    """Replace the first match of ``pattern`` in ``part``; with ``cells_too``, the cells
    of row 4 are renumbered to that row, as a row's number and its cells' agree."""
    def edit(parts: dict[str, bytes]) -> None:
        xml, n = re.subn(pattern, new, parts[part].decode(), count=1)
        assert n == 1, pattern
        if cells_too:
            xml = re.sub(r'(<c r="[A-Z]+)4"', rf'\g<1>{cells_too}"', xml)
        parts[part] = xml.encode()
    return edit


CASES = _cases() + numbers_keys_and_size_cases() + near_names_cases() + xml_cell_cases()
assert len({c.id for c in CASES}) == len(CASES), "case ids must be unique"


# ---------------------------------------------------------------- reporting counts


def report_counts(request: Any, record: Callable[[str, object], None], name: str,
                  counts: dict[str, int]) -> None:
    """Show a test module's counts in the terminal (even without -s) and in the test report
    (``record_testsuite_property``: the JUnit XML's properties)."""
    line = f"{name}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items())
    for key, value in counts.items():
        record(f"{name}: {key}", value)
    capture = request.config.pluginmanager.getplugin("capturemanager")
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    if capture is None or reporter is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():
        if getattr(reporter, "_width_of_current_line", 0):  # after the progress dots
            reporter.write("\n")
        reporter.write_line(line)


def counting(name: str) -> tuple[Counter[str], Any]:
    """A module's tally and the autouse fixture that reports it when the module ends:
    ``_tally, _report = counting("invariants")`` at module level."""
    tally: Counter[str] = Counter()

    @pytest.fixture(scope="module", autouse=True)
    def report(request: pytest.FixtureRequest,
               record_testsuite_property: Any) -> Iterator[None]:
        yield
        report_counts(request, record_testsuite_property, name, dict(tally))
    return tally, report


# ---------------------------------------------------------------- random valid assumptions
#
# Built directly as Assumptions, valid by construction (the rules of model/inputs/validate.py),
# in realistic and extreme ranges: caps of 0 or that bind in the first month, hurdles crossed
# part-way through a month, zero, huge and steeply negative growth, losses (negative
# margins, heavy opex), a revenue-share cap, and the equity switch at the first or last
# month. The strategies are built once, at import: building them per draw is slow.

PARTY_KEYS = ("first_investors", "microsoft", "employees_investors", "nonprofit", "foundation")
DEFAULT_KEYS = PARTY_KEYS[:4]
_BASE = default_assumptions()


def typed(x: float) -> float:
    """A number as someone would type it: 15 significant digits (xlsxwriter writes 16, so
    a 17-digit float would not survive the round trip through the model's own input
    sheets), and nothing closer to 0 than 1e-9 (ironcalc takes 1e-16 > 0 to be false,
    where LibreOffice does not: see test_differential.py::test_ironcalc_compares_tiny_numbers).
    """
    return 0.0 if abs(x) < 1e-9 else float(f"{x:.15g}")


def _floats(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi).map(typed)


def _amount(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Amounts from lo to hi over many orders of magnitude, with the edges; an amount
    other than lo is at least a cent."""
    return st.one_of(st.sampled_from([lo, hi]), _floats(max(lo, 0.01), hi),
                     st.floats(-2, 13).map(lambda e: typed(min(hi, max(lo, 10.0 ** e)))))


FRACTION = _floats(0, 1)
WEIGHT = st.one_of(st.just(0.0), st.floats(0.01, 1.0))  # normalised by _shares
RATE = st.one_of(st.sampled_from([-1.0, -0.7, 0.0, 0.1, 2.0, 50.0, 1000.0]),
                 _floats(-1, 10))
SCHEDULE_VALUES = st.fixed_dictionaries({
    "api_growth": RATE,
    "azure_payg_growth": RATE,
    "ptu_customer_growth": RATE,
    "api_gross_margin": st.one_of(_floats(-3, 1), st.sampled_from([1.0, 0.0])),
    "azure_gross_margin": _floats(-1, 1),
    "compute_commission": FRACTION,
    "openai_opex_pct": st.one_of(_floats(0, 2), st.just(0.0)),
    "azure_to_openai_share": FRACTION,
    "api_to_microsoft_share": FRACTION,
})
OPENING = _amount(0, 1e13)
FEE = st.one_of(st.just(0.0), _amount(1, 1e6))
LOSSES = st.one_of(st.just(0.0), _amount(0, 1e11))
REVSHARE_CAP = st.one_of(st.none(), _amount(0, 1e10))
CAP = _amount(0, 1e11)
HURDLE = _amount(0, 5e9)
CAP_GROWTH = st.one_of(st.none(), st.just(0.0), _floats(0, 1))
OFFSET = st.integers(-3, 40)  # a month relative to the start (clipped to the horizon + 2)
END = st.one_of(st.none(), st.sampled_from(["first", "last"]), OFFSET)
INDEX = st.integers(0, 4)
OTHERS = st.lists(st.sampled_from(PARTY_KEYS[:1] + PARTY_KEYS[2:]), min_size=1, max_size=4,
                  unique=True)
TIER_NUMBERS = st.lists(st.integers(1, 9), min_size=1, max_size=4, unique=True)
# Streams and costs: keys that cannot clash with the model's own, each with its Schedule
# columns (growth like the API's, margins down to -300 %), paying the revenue share or not.
STREAM_KEYS = st.lists(st.sampled_from(["chatgpt_plus", "sora", "devices", "ads_2"]),
                       max_size=3, unique=True)
COST_KEYS = st.lists(st.sampled_from(["training_compute", "staff", "marketing"]), max_size=2,
                     unique=True)
MARGIN = st.one_of(_floats(-3, 1), st.sampled_from([1.0, 0.0]))
MONTHLY_COST = st.one_of(st.just(0.0), _amount(0, 1e11))


def _shares(draw: st.DrawFn, keys: list[str], must: str | None = None) -> dict[str, float]:
    """Shares of ``keys`` that sum to 1, as typed: six decimals at most, some of them 0,
    ``must`` above 0. (A share of 3e-16, left by normalising floats, finds a rounding
    difference: see test_differential.py::test_a_sum_keeps_pythons_order.)"""
    weights = [draw(WEIGHT) for _ in keys]
    if must is not None:
        weights[keys.index(must)] = max(weights[keys.index(must)], 0.05)
    if sum(weights) == 0:
        weights[-1] = 1.0
    total = sum(weights)
    shares = [round(w / total, 6) for w in weights]
    last = max(range(len(keys)), key=shares.__getitem__)  # the largest absorbs the rounding
    shares[last] = round(1.0 - sum(s for i, s in enumerate(shares) if i != last), 6)
    return dict(zip(keys, shares, strict=True))


def _pick(draw: st.DrawFn, items: list[str]) -> str:
    return items[draw(INDEX) % len(items)]


@st.composite
def random_assumptions(draw: st.DrawFn, min_horizon: int = 1,
                       max_horizon: int = 36) -> Assumptions:
    """A random valid set of assumptions, over min_horizon to max_horizon months (often
    12 or fewer when min_horizon allows: small workbooks are quick to check)."""
    start = dt.date(draw(st.integers(2000, 2040)), draw(st.integers(1, 12)), 1)
    n = draw(st.one_of(st.integers(min_horizon, max(min_horizon, 12)),
                       st.integers(min_horizon, max_horizon)))

    def month(offset: int) -> dt.date:
        return add_months(start, min(offset, n + 2))

    # Inputs
    azure = draw(OPENING)
    fee = draw(FEE)
    ptu = 0.0 if fee == 0 else typed(draw(FRACTION) * azure / 12 / fee * (1 - 1e-9))
    end = draw(END)
    inputs = {
        **_BASE.inputs,
        "start_month": start,
        "horizon_months": n,
        "api_arr_opening": draw(OPENING),
        "azure_arr_opening": azure,
        "ptu_customers_opening": ptu,
        "ptu_monthly_fee_before_cut": fee,
        "ptu_fee_cut": draw(FRACTION),
        "ptu_fee_cut_month": month(draw(OFFSET)),
        "loss_carryforward": draw(st.booleans()),
        "opening_cumulative_losses": draw(LOSSES),
        "revshare_api_to_microsoft_cap_usd": draw(REVSHARE_CAP),
        "waterfall_end_month": None if end is None else month(
            {"first": 0, "last": n - 1}.get(end, end)),  # type: ignore[call-overload]
    }

    # Streams and costs beyond the API
    streams = tuple(Stream(key=k, label=k.replace("_", " ").title(), arr_opening=draw(OPENING),
                           pays_revshare=draw(st.booleans())) for k in draw(STREAM_KEYS))
    costs = tuple(Cost(key=k, label=k.replace("_", " ").title(),
                       monthly_opening=draw(MONTHLY_COST)) for k in draw(COST_KEYS))

    def added_rates() -> dict[str, object]:
        out: dict[str, object] = {}
        for s in streams:
            out[f"{s.key}_growth"] = draw(RATE)
            out[f"{s.key}_gross_margin"] = draw(MARGIN)
        for c in costs:
            out[f"{c.key}_growth"] = draw(RATE)
        return out

    # Schedule: the first row no later than the start, later rows perhaps inside the horizon
    months = [add_months(start, -draw(st.integers(0, 24)))]
    for step in draw(st.lists(st.integers(1, 12), max_size=3)):
        months.append(add_months(months[-1], step))
    schedule = tuple({"from_month": m, **draw(SCHEDULE_VALUES), **added_rates()}
                     for m in months)

    # Parties: microsoft always, the last one uncapped (it takes the overflow)
    default_set = draw(st.booleans())
    if default_set:
        keys = list(DEFAULT_KEYS)
    else:
        others = draw(OTHERS)
        keys = draw(st.permutations(["microsoft", *others[:-1]])) + [others[-1]]
    sinks = [keys[-1]] + [k for k in keys[:-1] if draw(st.booleans())]
    equity = _shares(draw, keys)
    parties = []
    for k in keys:
        capped = k not in sinks
        growth = draw(CAP_GROWTH) if capped else None
        parties.append(Party(
            key=k, label=k.replace("_", " ").title(),
            cap_usd=draw(CAP) if capped else None,
            cap_growth=growth,
            cap_growth_from=start.year + draw(st.integers(-2, 3)) if growth else None,
            overflow_to=_pick(draw, sinks) if capped else None,
            equity_share=equity[k]))

    # Tiers: 1 to 4, each with a hurdle but (perhaps) the last.
    numbers = sorted(draw(TIER_NUMBERS))
    tiers = []
    for i, number in enumerate(numbers):
        optional = i == len(numbers) - 1
        hurdle = None if optional and draw(st.booleans()) else _pick(draw, keys)
        tiers.append(Tier(number=number, name=f"Tier {number}", hurdle_party=hurdle,
                          hurdle_usd=draw(HURDLE) if hurdle else None,
                          shares=_shares(draw, keys, must=hurdle)))

    a = Assumptions(inputs=inputs, schedule=schedule, parties=tuple(parties),
                    tiers=tuple(tiers), name="random", streams=streams, costs=costs)
    if default_set and _BASE.scenarios is not None and draw(st.booleans()):
        a = dataclasses.replace(a, scenarios=_BASE.scenarios,
                                selected=_pick(draw, list(_BASE.scenarios.names)))
    return a
