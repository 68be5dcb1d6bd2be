"""Crafted hostile workbooks, beyond ``tests/badinputs.py``: zips whose directory,
compression methods, names or declared sizes lie, and XML whose parsing would cost
seconds and hundreds of MB (a million styles, a million shared strings, one 30 MB cell,
megabytes of junk elements in a sheet with no ``<dimension>``).

Each is built from the shipped template, small enough to pass the 25 MB file limit, and
compresses no better than 200 times where it must pass the zip-bomb check (random
attribute values), so that what refuses it is the limit it is aimed at.
``tests/test_bad_inputs.py`` runs every case through the command line like the first
corpus, and measures the time and memory of refusing each.
"""

from __future__ import annotations

import base64
import io
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Callable

from openpyxl.utils import get_column_letter

from model.inputs import parselimits, schema, ziplimits
from tests.badinputs import (
    XLSX,
    BadInput,
    _deflated_zeros,
    _template_entries,
    _write,
    members,
    raw_zip,
    rezip,
    sheet_part,
    template_bytes,
    write_entries,
)

I = schema.INPUTS_SHEET  # noqa: E741 (as in badinputs)
STRINGS, STYLES = "xl/sharedStrings.xml", "xl/styles.xml"


def _rand(seed: int) -> random.Random:
    return random.Random(seed)


def _with(part: str, xml: bytes) -> bytes:
    parts = members(template_bytes())
    parts[part] = xml
    return rezip(parts)


def _insert(part: str, before: bytes, extra: bytes, parts: dict[str, bytes] | None = None
            ) -> bytes:
    xml = (parts or members(template_bytes()))[part]
    at = xml.index(before)
    return xml[:at] + extra + xml[at:]


# ---------------------------------------------------------------- the zip layer


def _central(name: str, data: bytes | None = None) -> int:
    """The offset of a part's central directory entry."""
    data = data or template_bytes()
    end = data.rindex(b"PK\x05\x06")
    count, _, offset = struct.unpack_from("<HLL", data, end + 10)
    for _ in range(count):
        n, m, k = struct.unpack_from("<3H", data, offset + 28)
        if data[offset + 46:offset + 46 + n] == name.encode():
            return offset
        offset += 46 + n + m + k
    raise KeyError(name)


def _patched(at: int, fmt: str, *values: int, data: bytes | None = None) -> bytes:
    buf = bytearray(data or template_bytes())
    struct.pack_into(fmt, buf, at, *values)
    return bytes(buf)


def method(name: str, compress_type: int) -> bytes:
    """The template with one part compressed by another method, declaring 500 bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for part, data in members(template_bytes()).items():
            z.writestr(part, data + (b" " * 2**22 if part == name else b""),
                       compress_type=compress_type if part == name else zipfile.ZIP_DEFLATED)
    data = buf.getvalue()
    central = _central(name, data)  # declare a small size there and in the part's header
    local = struct.unpack_from("<L", data, central + 42)[0]
    data = _patched(central + 24, "<L", 500, data=data)
    return _patched(local + 22, "<L", 500, data=data)


def end_record_undercounts() -> bytes:
    """The end record says 31 parts, in front of a directory of 200,000 (all naming one
    empty part): zipfile reads them all, whatever the count."""
    data = template_bytes()
    end = data.rindex(b"PK\x05\x06")
    count, cd_size, cd_offset = struct.unpack_from("<HLL", data, end + 10)
    local = b"PK\x03\x04" + struct.pack("<5H3L2H", 20, 0, 0, 0, 0, 0, 0, 0, 5, 0) + b"empty"
    entries = b"".join(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0,
                                   8, 0, 0, 0, 0, 0, cd_offset) + b"x/%06d" % i
                       for i in range(200_000))
    head = data[:cd_offset] + local
    directory = data[cd_offset:cd_offset + cd_size] + entries
    tail = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory),
                       len(head), 0)
    return head + directory + tail


def end_record_overcounts() -> bytes:
    end = template_bytes().rindex(b"PK\x05\x06")
    count = struct.unpack_from("<H", template_bytes(), end + 10)[0]
    return _patched(end + 8, "<2H", count + 9, count + 9)


def duplicate(name: str, copy_name: str) -> bytes:
    """A second copy of a part, with another number in it: zipfile takes the last copy,
    Excel the first."""
    parts = members(template_bytes())
    # the first amount of six digits or more (an opening ARR) with a 9 in front
    second = re.sub(rb"<v>(\d{6,})</v>", rb"<v>9\1</v>", parts[name], count=1)
    assert second != parts[name]
    entries = [(n, *_deflate(d)) for n, d in parts.items()]
    return raw_zip([*entries, (copy_name, *_deflate(second))])


def _deflate(data: bytes) -> tuple[bytes, int, int]:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data), len(data)


def zip64_locator(offset: int) -> bytes:
    """A zip64 end-of-directory locator in front of the end record, pointing at
    ``offset``, and the end record's counts set to 0xFFFF as a zip64 archive has them
    (the previous reader then followed the locator: exit 1 for an offset past 2**63)."""
    data = template_bytes()
    end = data.rindex(b"PK\x05\x06")
    data = _patched(end + 8, "<2H", 0xFFFF, 0xFFFF)
    return data[:end] + struct.pack("<4sLQL", b"PK\x06\x07", 0, offset, 1) + data[end:]


def offset_out_of_range() -> bytes:
    return _patched(_central("xl/workbook.xml") + 42, "<L", len(template_bytes()) + 4096)


def encrypted(name: str) -> bytes:
    at = _central(name)
    flags = struct.unpack_from("<H", template_bytes(), at + 8)[0]
    return _patched(at + 8, "<H", flags | 1)


def overlapping() -> bytes:
    """Part b's header inside part a's data (the overlapping-parts zip bomb): each part
    is valid, a's data holds all of b."""
    b_data = b"inner"
    b_local = (b"PK\x03\x04" + struct.pack("<5H3L2H", 20, 0, 0, 0, 0, zlib.crc32(b_data),
                                            len(b_data), len(b_data), 14, 0)
               + b"xl/media/b.bin" + b_data)
    entries = _template_entries()
    out, central = write_entries(entries)
    a_at = out.tell()
    a_fields = (20, 0, 0, 0, 0, zlib.crc32(b_local), len(b_local), len(b_local), 14)
    out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *a_fields, 0) + b"xl/media/a.bin"
              + b_local)
    central.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *a_fields, 0, 0, 0, 0, 0,
                              a_at) + b"xl/media/a.bin")
    b_fields = (20, 0, 0, 0, 0, zlib.crc32(b_data), len(b_data), len(b_data), 14)
    central.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *b_fields, 0, 0, 0, 0, 0,
                              a_at + 30 + 14) + b"xl/media/b.bin")
    cd = central.getvalue()
    n = len(entries) + 2
    return out.getvalue() + cd + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, len(cd),
                                             out.tell(), 0)


def prefixed() -> bytes:
    """4 KB in front of the zip (as a self-extracting archive has): zipfile shifts every
    offset to make up for it."""
    return b"PK" + bytes(4094) + template_bytes()


def lying_2gib() -> bytes:
    """The Inputs sheet declares 30,000 bytes and inflates to 2 GiB."""
    part = sheet_part(I)
    data, crc = _deflated_zeros(128)
    return raw_zip([*_template_entries(skip=part), (part, data, crc, 30_000)])


# ---------------------------------------------------------------- XML


def doctype_in(part: str) -> bytes:
    xml = members(template_bytes())[part]
    body = xml[xml.index(b"?>") + 2:].lstrip()
    return _with(part, b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n' + body)


def utf16_external_entity() -> bytes:
    """An external entity in a UTF-16 workbook part: invisible to a search of the bytes."""
    xml = members(template_bytes())["xl/workbook.xml"].decode()
    body = xml[xml.index("?>") + 2:].lstrip()
    text = ('<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE workbook [<!ENTITY xxe '
            'SYSTEM "file:///etc/passwd">]>\n' + body.replace("<bookViews>",
                                                               "<bookViews>&xxe;", 1))
    return _with("xl/workbook.xml", text.encode("utf-16"))


def encoded_as(encoding: str) -> bytes:
    xml = members(template_bytes())["docProps/app.xml"]
    body = xml[xml.index(b"?>") + 2:]
    return _with("docProps/app.xml",
                 f'<?xml version="1.0" encoding="{encoding}"?>'.encode() + body)


def _junk(count: int, seed: int, tag: bytes = b"x") -> bytes:
    """``count`` empty elements with random attribute values (so they compress like real
    XML, not like zeros)."""
    rnd = _rand(seed)
    return b"".join(b'<%s a="%d"/>' % (tag, rnd.getrandbits(40)) for _ in range(count))


def sheet_junk(count: int, part: str | None = None) -> bytes:
    """A sheet with no <dimension> and ``count`` junk elements inside a row."""
    part = part or sheet_part(I)
    parts = members(template_bytes())
    xml = parts[part]
    start = xml.index(b"<dimension")
    xml = xml[:start] + xml[xml.index(b"/>", start) + 2:]
    parts[part] = xml.replace(b"</sheetData>", b'<row r="60">' + _junk(count, 1)
                              + b"</row></sheetData>", 1)
    return rezip(parts)


def junk_in_another_sheet(count: int) -> bytes:
    """A valid workbook with one more sheet, Notes, that has no <dimension> and ``count``
    junk elements: openpyxl would parse all of it to find its size, the reader never
    opens it."""
    parts = members(sheet_junk(count))
    parts["xl/worksheets/sheet99.xml"] = parts.pop(sheet_part(I))
    parts[sheet_part(I)] = members(template_bytes())[sheet_part(I)]
    ws = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    parts["[Content_Types].xml"] = _insert("[Content_Types].xml", b"</Types>", (
        f'<Override PartName="/xl/worksheets/sheet99.xml" ContentType="{ws}"/>').encode())
    rel = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet")
    parts["xl/_rels/workbook.xml.rels"] = _insert(
        "xl/_rels/workbook.xml.rels", b"</Relationships>",
        f'<Relationship Id="rId99" Type="{rel}" Target="worksheets/sheet99.xml"/>'.encode())
    parts["xl/workbook.xml"] = _insert("xl/workbook.xml", b"</sheets>",
                                       b'<sheet name="Notes" sheetId="99" r:id="rId99"/>')
    return rezip(parts)


def styles(count: int) -> bytes:
    rnd = _rand(2)
    xfs = b"".join(b'<xf borderId="%d"/>' % rnd.getrandbits(30) for _ in range(count))
    return _with(STYLES, _insert(STYLES, b"</cellXfs>", xfs))


def number_formats(count: int) -> bytes:
    rnd = _rand(3)
    fmts = b"".join(b'<numFmt numFmtId="%d" formatCode="0.00&quot;%d&quot;"/>'
                    % (200 + i, rnd.getrandbits(30)) for i in range(count))
    xml = members(template_bytes())[STYLES]
    at = xml.index(b">", xml.index(b"<styleSheet")) + 1
    if b"<numFmts" in xml:
        return _with(STYLES, _insert(STYLES, b"</numFmts>", fmts))
    return _with(STYLES, xml[:at] + b"<numFmts>" + fmts + b"</numFmts>" + xml[at:])


def shared_strings(count: int) -> bytes:
    rnd = _rand(4)
    texts = b"".join(b"<si><t>%d</t></si>" % rnd.getrandbits(40) for _ in range(count))
    return _with(STRINGS, _insert(STRINGS, b"</sst>", texts))


def _big_text(size: int) -> bytes:
    return base64.b64encode(_rand(5).randbytes(size * 3 // 4))


def huge_shared_string(size: int) -> bytes:
    return _with(STRINGS, _insert(STRINGS, b"</sst>", b"<si><t>" + _big_text(size)
                                  + b"</t></si>"))


def huge_inline_cell(size: int) -> bytes:
    part = sheet_part(I)
    return _with(part, _insert(part, b"</sheetData>", b'<row r="60"><c r="F60" t="inlineStr">'
                               b"<is><t>" + _big_text(size) + b"</t></is></c></row>"))


def validations(count: int) -> bytes:
    """``count`` data validations after the cells (openpyxl builds an object for each)."""
    part = sheet_part(I)
    rnd = _rand(6)
    dv = b"".join(b'<dataValidation type="whole" sqref="G%d"/>' % rnd.randint(1, 10**6)
                  for _ in range(count))
    xml = members(template_bytes())[part]
    return _with(part, xml.replace(b"</sheetData>", b"</sheetData><dataValidations>" + dv
                                   + b"</dataValidations>", 1))


def rich_runs(count: int) -> bytes:
    part = sheet_part(I)
    rnd = _rand(7)
    runs = b"".join(b"<r><rPr><b/></rPr><t>%d</t></r>" % rnd.getrandbits(30)
                    for _ in range(count))
    return _with(part, _insert(part, b"</sheetData>", b'<row r="60"><c r="F60" t="inlineStr">'
                               b"<is>" + runs + b"</is></c></row>"))


def two_big_sheets(count: int) -> bytes:
    """Two input sheets each under the limit of one sheet, over the limit together."""
    tiers = sheet_part(schema.TIERS_SHEET)
    parts = members(sheet_junk(count))
    parts[tiers] = members(sheet_junk(count, tiers))[tiers]
    return rezip(parts)


def duplicate_sheet_name() -> bytes:
    """Two sheets named Inputs (the second one the Parties part): openpyxl would take one
    of them, silently."""
    xml = members(template_bytes())["xl/workbook.xml"]
    return _with("xl/workbook.xml", xml.replace(b'name="Parties"', b'name="inputs"', 1))


# ---------------------------------------------------------------- the cases


def _cases() -> list[BadInput]:
    def case(id: str, data: Callable[[], bytes], expected: str) -> BadInput:
        return BadInput(id, _write("bad.xlsx", data), expected)

    sheet = parselimits.SHEET
    sheet_limit = f"{sheet.what} of at most {sheet.size // 2**20} MB"
    cases = [
        case("zip_bzip2_part", lambda: method(STRINGS, zipfile.ZIP_BZIP2),
             "parts stored or compressed with deflate"),
        case("zip_lzma_part", lambda: method(sheet_part(I), zipfile.ZIP_LZMA),
             "parts stored or compressed with deflate"),
        case("zip_end_record_undercounts", end_record_undercounts, XLSX),
        case("zip_end_record_overcounts", end_record_overcounts, XLSX),
        case("zip_duplicate_part", lambda: duplicate(sheet_part(I), sheet_part(I)),
             "each part of the zip once"),
        case("zip_duplicate_part_other_case",
             lambda: duplicate(sheet_part(I), sheet_part(I).replace("sheet", "Sheet")),
             "each part of the zip once"),
        case("zip64_locator_bogus_offset", lambda: zip64_locator(2**64 - 1), XLSX),
        case("zip64_locator_no_record", lambda: zip64_locator(0), XLSX),
        case("zip_offset_out_of_range", offset_out_of_range, XLSX),
        case("zip_overlapping_parts", overlapping, XLSX),
        case("zip_data_in_front", prefixed, XLSX),
        case("zip_encrypted_part", lambda: encrypted(STRINGS), "a workbook without encrypted"),
        case("zip_lying_sizes_2gib", lying_2gib, "an ordinary workbook"),
        case("doctype_in_unread_part", lambda: doctype_in("docProps/app.xml"),
             "XML without a document type declaration"),
        case("external_entity_in_utf16", utf16_external_entity,
             "XML without a document type declaration"),
        case("xml_in_another_encoding", lambda: encoded_as("ISO-8859-5"),
             "XML in UTF-8 or UTF-16"),
        case("sheet_of_junk_without_dimension", lambda: sheet_junk(1_000_000), sheet_limit),
        case("million_styles", lambda: styles(1_000_000), parselimits.STYLES.what),
        case("many_number_formats", lambda: number_formats(300_000), parselimits.STYLES.what),
        case("million_shared_strings", lambda: shared_strings(1_000_000),
             parselimits.STRINGS.what),
        case("huge_shared_string", lambda: huge_shared_string(30 * 2**20),
             parselimits.STRINGS.what),
        case("huge_inline_cell", lambda: huge_inline_cell(30 * 2**20), sheet_limit),
        case("many_data_validations", lambda: validations(100_000),
             "outside their cells and runs of rich text"),
        case("rich_text_runs", lambda: rich_runs(10_000),
             "outside their cells and runs of rich text"),
        case("input_sheets_too_big_together",
             lambda: two_big_sheets(parselimits.SHEET.together // 2 + 1_000),
             f"input sheets of at most {parselimits.SHEET.together:,} XML elements together"),
        case("duplicate_sheet_name", duplicate_sheet_name, "each sheet name once"),
    ]
    assert ziplimits.MAX_MEMBERS < 200_000
    return cases


CRAFTED = _cases()


# ---------------------------------------------------------------- accepted, at the limits


def _names(count: int) -> bytes:
    return b"<definedNames>" + b"".join(b'<definedName name="n%d">Inputs!$A$1</definedName>'
                                        % i for i in range(count)) + b"</definedNames>"


def many_defined_names(count: int) -> bytes:
    return _with("xl/workbook.xml", _insert("xl/workbook.xml", b"</workbook>", _names(count)))


def at_the_limits() -> bytes:
    """A workbook just under every parsing limit at once, each filled with what costs
    openpyxl the most per element: shared strings, cell formats, defined names and content
    types (an object each), an input sheet with no <dimension> and formula cells (parsed
    twice: for values, then for formulas), and data validations outside the cells."""
    parts = members(template_bytes())
    have = ziplimits.inspect(template_bytes())
    margin = 50

    def room(name: str, limit: parselimits.Limit, per: int, used: int = 0) -> int:
        return (limit.elements - have[name].elements - used - margin) // per

    rnd = _rand(8)
    parts[STRINGS] = _insert(STRINGS, b"</sst>", b"".join(
        b"<si><t>%d</t></si>" % rnd.getrandbits(40)
        for _ in range(room(STRINGS, parselimits.STRINGS, 2))), parts)
    parts[STYLES] = _insert(STYLES, b"</cellXfs>", b"".join(
        b'<xf borderId="%d"/>' % rnd.getrandbits(20)
        for _ in range(room(STYLES, parselimits.STYLES, 1))), parts)
    other = parselimits.OTHER
    names = room("xl/workbook.xml", other, 1)
    parts["xl/workbook.xml"] = _insert("xl/workbook.xml", b"</workbook>", _names(names), parts)
    opened = ("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
              "docProps/core.xml", "docProps/custom.xml", "xl/theme/theme1.xml")
    used = sum(have[n].elements for n in opened) + names - have["[Content_Types].xml"].elements
    types = (other.together - used - margin)
    parts["[Content_Types].xml"] = _insert("[Content_Types].xml", b"</Types>", b"".join(
        b'<Override PartName="/x/%d.xml" ContentType="application/xml"/>' % i
        for i in range(min(types, other.elements - margin))), parts)
    sheets = [n for n in parts if n.startswith("xl/worksheets/sheet")]
    cells = (parselimits.SHEET.together - sum(have[n].elements for n in sheets)
             - 5_000 - 3 * margin) // 2
    schedule = sheet_part(schema.SCHEDULE_SHEET)
    # as many as one sheet may hold in the Schedule, the rest in the Parties sheet
    extras = parselimits.SHEETS_EXTRAS - sum(parselimits._extras(parts[n]) for n in sheets)
    first = min(cells, (parselimits.SHEET.elements - have[schedule].elements - 5_000
                        - extras - 3 * margin) // 2)
    dv = b"".join(b'<dataValidation type="whole" sqref="G%d"/>' % rnd.randint(1, 10**6)
                  for _ in range(extras - margin))
    parts[schedule] = _formula_cells(parts[schedule], first, rnd).replace(
        b"</sheetData>", b"</sheetData><dataValidations>" + dv + b"</dataValidations>", 1)
    if cells > first:
        party = sheet_part(schema.PARTIES_SHEET)
        parts[party] = _formula_cells(parts[party], cells - first, rnd)
    return rezip(parts)


def _formula_cells(xml: bytes, cells: int, rnd: random.Random) -> bytes:
    """A sheet without its <dimension>, with about ``cells`` formula cells (no saved
    result: blank to the model) in rows of their own below the table."""
    start = xml.index(b"<dimension")
    xml = xml[:start] + xml[xml.index(b"/>", start) + 2:]
    rows = 4_900
    columns = [get_column_letter(c).encode() for c in range(20, 20 + max(1, cells // rows))]
    body = b"".join(b'<row r="%d">' % (r + 20) + b"".join(
        b'<c r="%s%d"><f>%d+1</f></c>' % (col, r + 20, rnd.getrandbits(20)) for col in columns)
        + b"</row>" for r in range(rows))
    return xml.replace(b"</sheetData>", body + b"</sheetData>", 1)


def zip64_end() -> bytes:
    """The template with a well-formed zip64 end record and locator (as some writers add
    to every zip), the end record's fields set to 'see the zip64 record'."""
    data = template_bytes()
    end = data.rindex(b"PK\x05\x06")
    count, cd_size, cd_offset = struct.unpack_from("<HLL", data, end + 10)
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, cd_size,
                         cd_offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
    tail = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF,
                       0xFFFFFFFF, 0)
    return data[:end] + record + locator + tail
