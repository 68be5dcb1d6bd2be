"""Check a workbook's zip container on the bytes it really holds, before any XML parser
sees them.

Nothing the file declares is taken on trust: the end record's part count is checked
against the central directory, every part's offsets against the file, and every part is
inflated once, here, counting the bytes as they come out of the decompressor, so a part
that declares a small size and inflates to gigabytes is stopped at its declared size. Only
stored and deflated parts are accepted (the two methods Excel writes), names must be
unique (a second copy of a sheet could show one number in Excel and feed the model
another), and XML parts must not carry a document type declaration (the Open Packaging
Conventions forbid them, and they are how entity bombs and external entities get in).

What is learnt about each part (its size and how many XML elements it holds) lets the
reader bound what openpyxl will parse: ``model/inputs/reader.py``.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers import expat

from model.errors import InputError, Problem

MAX_MEMBERS = 10_000  # parts in the zip; a workbook has a few dozen
MAX_PART_BYTES = 64 * 2**20  # one part, inflated (a 1,200-month model's largest: 6 MB)
MAX_UNPACKED_BYTES = 200 * 2**20  # all parts, inflated
MAX_MEMBER_RATIO = 200  # a part over 1 MB may expand at most this many times
METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
_METHOD_NAMES = {1: "shrink", 6: "implode", 9: "deflate64", 12: "bzip2", 14: "LZMA",
                 93: "zstandard", 95: "xz", 98: "PPMd", 99: "AES encryption"}
_XML_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "us-ascii", "ascii"}
_CHUNK = 1 << 16

_END = struct.Struct("<4s4H2LH")  # end of central directory record, 22 bytes
_LOCATOR = struct.Struct("<4sLQL")  # zip64 end of central directory locator, 20 bytes
_END64 = struct.Struct("<4sQ2H2L4Q")  # zip64 end of central directory record, 56 bytes
_CENTRAL = struct.Struct("<4s6H3L5H2L")  # central directory entry, 46 bytes
_LOCAL = struct.Struct("<4s5H3L2H")  # local file header, 30 bytes


@dataclass(frozen=True)
class Part:
    """One zip member as really inflated."""

    name: str
    size: int  # bytes, inflated
    elements: int  # XML elements (start tags) it holds; 0 for a part that is not XML


def refuse(expected: str, found: str) -> InputError:
    """A problem with the container as a whole (the reader adds the file's name)."""
    return InputError("", [Problem(None, None, expected, found)])


def _damaged(found: str) -> InputError:
    return refuse("an .xlsx workbook", f"a damaged zip: {found}")


def inspect(data: bytes) -> dict[str, Part]:
    """Every part of the zip, checked and inflated once. Raises InputError."""
    count, cd_offset, cd_size = _directory_bounds(data)
    _walk_directory(data, count, cd_offset, cd_size)
    try:  # bounded now: at most MAX_MEMBERS entries in a directory that is what it says
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError) as e:
        raise _damaged(str(e)) from None
    if len(infos) != count:
        raise _damaged(f"the end record declares {count:,} parts, the directory holds "
                       f"{len(infos):,}")
    _unique_names(infos)
    _declared_sizes(infos)
    spans = sorted(((_data_span(data, info, cd_offset), info) for info in infos),
                   key=lambda s: s[0])
    for (prev, first), (this, second) in zip(spans, spans[1:], strict=False):
        if this[0] < prev[2]:
            raise _damaged(f"parts {first.filename} and {second.filename} overlap")
    return {info.filename: _inflate(data, info, start, end) for (_, start, end), info in spans}


# ---------------------------------------------------------------- the directory


def _directory_bounds(data: bytes) -> tuple[int, int, int]:
    """(parts declared, offset and size of the central directory), cross-checked: the
    directory must end where the end record (or its zip64 record) starts."""
    size = len(data)
    at = size - _END.size
    if at < 0 or data[at:at + 4] != b"PK\x05\x06":  # no comment: the usual case
        at = data.rfind(b"PK\x05\x06", max(0, size - _END.size - 65_535))
    if at < 0 or at + _END.size > size:
        raise _damaged("no end of central directory record (truncated?)")
    _, disk, cd_disk, on_disk, count, cd_size, cd_offset, comment = _END.unpack_from(data, at)
    if at + _END.size + comment != size:
        raise _damaged(f"the end record's comment of {comment:,} bytes does not reach the "
                       "end of the file")
    end = at
    if at >= _LOCATOR.size and data[at - _LOCATOR.size:at - 16] == b"PK\x06\x07":
        _, record_disk, record_at, disks = _LOCATOR.unpack_from(data, at - _LOCATOR.size)
        end = at - _LOCATOR.size - _END64.size
        if record_disk != 0 or disks > 1:
            raise _damaged("a zip64 locator naming another disk (a split archive)")
        if record_at != end or end < 0 or data[end:end + 4] != b"PK\x06\x06":
            raise _damaged(f"a zip64 locator pointing to offset {record_at:,}, where there is "
                           "no zip64 end record")
        (_, record_size, _, _, disk, cd_disk, on_disk, count, cd_size,
         cd_offset) = _END64.unpack_from(data, end)
        if record_size != _END64.size - 12:
            raise _damaged("a zip64 end record of an unexpected size")
    if disk != 0 or cd_disk != 0 or on_disk != count:
        raise _damaged("an end record naming other disks (a split archive)")
    if count > MAX_MEMBERS:
        raise refuse(f"a zip of at most {MAX_MEMBERS:,} parts", f"{count:,} parts declared")
    if cd_offset + cd_size != end:
        raise _damaged(f"a central directory declared at offset {cd_offset:,} with "
                       f"{cd_size:,} bytes, which does not end at the end record "
                       f"(offset {end:,})")
    return count, cd_offset, cd_size


def _walk_directory(data: bytes, count: int, cd_offset: int, cd_size: int) -> None:
    """The directory holds exactly the declared number of entries, and every part is
    stored or deflated and not encrypted."""
    pos, end = cd_offset, cd_offset + cd_size
    for _ in range(count):
        if pos + _CENTRAL.size > end or data[pos:pos + 4] != b"PK\x01\x02":
            raise _damaged(f"the end record declares {count:,} parts, the central directory "
                           "holds fewer")
        fields = _CENTRAL.unpack_from(data, pos)
        flags, method, name_len, extra_len, comment_len = (fields[3], fields[4], fields[10],
                                                           fields[11], fields[12])
        name = _name(data[pos + _CENTRAL.size:pos + _CENTRAL.size + name_len], flags)
        if flags & 0x41:
            raise refuse("a workbook without encrypted parts", f"{name} encrypted")
        if method not in METHODS:
            raise refuse("parts stored or compressed with deflate (as Excel writes them)",
                         f"{name} compressed with "
                         f"{_METHOD_NAMES.get(method, 'an unknown method')} (method {method})")
        pos += _CENTRAL.size + name_len + extra_len + comment_len
    if pos != end:
        raise _damaged(f"the end record declares {count:,} parts, the central directory "
                       "holds more")


def _name(raw: bytes, flags: int) -> str:
    return raw.decode("utf-8" if flags & 0x800 else "cp437", errors="replace")


def _unique_names(infos: list[zipfile.ZipInfo]) -> None:
    """Part names are compared as Excel does: case-insensitively, either slash."""
    seen: dict[str, str] = {}
    for info in infos:
        key = info.filename.replace("\\", "/").lstrip("/").casefold()
        if key in seen:
            names = repr(info.filename) if seen[key] == info.filename else \
                f"{seen[key]!r} and {info.filename!r}"
            raise refuse("each part of the zip once", f"two parts named {names} (one could "
                         "show a number in Excel and feed another to the model)")
        seen[key] = info.filename


def _declared_sizes(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse on the declared sizes first: cheap, and the inflating below then never
    goes past them."""
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1_000_000 and ratio > MAX_MEMBER_RATIO:
            raise refuse("an ordinary workbook",
                         f"a zip bomb: {info.filename} expands {ratio:,.0f} times "
                         f"to {info.file_size:,} bytes")
        if info.file_size > MAX_PART_BYTES:
            raise refuse(f"parts of at most {MAX_PART_BYTES // 2**20} MB once unpacked",
                         f"{info.filename} of {info.file_size:,} bytes")
    if total > MAX_UNPACKED_BYTES:
        raise refuse(f"at most {MAX_UNPACKED_BYTES // 2**20} MB once unpacked",
                     f"{total:,} bytes declared")


def _data_span(data: bytes, info: zipfile.ZipInfo, cd_offset: int) -> tuple[int, int, int]:
    """(local header, data start, data end) of a part, inside the file before the
    directory, with a local header that agrees with the directory."""
    at = info.header_offset
    if at + _LOCAL.size > cd_offset or data[at:at + 4] != b"PK\x03\x04":
        raise _damaged(f"{info.filename} points to offset {at:,}, where no part starts")
    fields = _LOCAL.unpack_from(data, at)
    method, name_len, extra_len = fields[3], fields[9], fields[10]
    if method != info.compress_type:
        raise _damaged(f"{info.filename} has a different compression method in its own "
                       "header than in the directory")
    start = at + _LOCAL.size + name_len + extra_len
    if data[at + _LOCAL.size:at + _LOCAL.size + name_len] != info.orig_filename.encode(
            "utf-8" if info.flag_bits & 0x800 else "cp437", errors="replace"):
        raise _damaged(f"{info.filename} has a different name in its own header")
    end = start + info.compress_size
    if end > cd_offset:
        raise _damaged(f"{info.filename} runs past the start of the central directory")
    return at, start, end


# ---------------------------------------------------------------- the parts


def _inflate(data: bytes, info: zipfile.ZipInfo, start: int, end: int) -> Part:
    """Inflate one part, counting what comes out: never more than its declared size (and
    so never more than the limits) plus one chunk."""
    name, declared = info.filename, info.file_size
    scan = _XmlScan(name)
    out, crc = 0, 0
    raw = memoryview(data)[start:end]
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    pos = 0
    try:
        while out <= declared:
            if inflater is None:
                chunk = bytes(raw[pos:pos + _CHUNK])
                pos += len(chunk)
                if not chunk:
                    break
            else:
                tail = inflater.unconsumed_tail
                if not tail:
                    tail = bytes(raw[pos:pos + _CHUNK])
                    pos += len(tail)
                if inflater.eof or not tail:
                    break
                chunk = inflater.decompress(tail, declared + 1 - out)
            out += len(chunk)
            crc = zlib.crc32(chunk, crc)
            scan.feed(chunk)
    except zlib.error as e:
        raise _damaged(f"{name} cannot be inflated ({e})") from None
    if out > declared:
        raise refuse("an ordinary workbook", f"{name} declares {declared:,} bytes but "
                     "inflates to more (a zip bomb)")
    if out < declared or (inflater is not None and not inflater.eof):
        raise _damaged(f"{name} is truncated ({out:,} of {declared:,} bytes)")
    if crc != info.CRC:
        raise _damaged(f"{name} does not match its checksum (CRC-32)")
    return Part(name, out, scan.elements())


class _Stop(Exception):
    """The prolog has been read: the root element starts."""


class _XmlScan:
    """What an XML part holds, as it streams past: its prolog, through expat (no document
    type declaration, a UTF-8 or UTF-16 encoding), and a count of its elements (start
    tags: '<' not followed by '/'; a comment or processing instruction counts too, so the
    count is a bound). A part that does not start like XML is left alone."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.kind: bool | None = None  # XML?  None until the first bytes are seen
        self.opens = self.closes = 0
        self.last = b""
        self.parser: expat.XMLParserType | None = None

    def feed(self, chunk: bytes) -> None:
        if self.kind is None:
            head = chunk[:64].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00")
            self.kind = head[:1] == b"<"
            if self.kind:
                self.parser = expat.ParserCreate()
                self.parser.StartElementHandler = self._root
                self.parser.StartDoctypeDeclHandler = self._doctype
                self.parser.XmlDeclHandler = self._declaration
        if not self.kind:
            return
        self.opens += chunk.count(b"<")
        self.closes += (self.last + chunk).count(b"</")
        self.last = chunk[-1:]
        if self.parser is not None:
            try:
                self.parser.Parse(chunk, False)
            except _Stop:
                self.parser = None
            except expat.ExpatError as e:
                raise refuse("well-formed XML in every part", f"{self.name}: "
                             f"{expat.ErrorString(e.code)} at line {e.lineno}") from None

    def elements(self) -> int:
        return self.opens - self.closes if self.kind else 0

    def _root(self, *_: object) -> None:
        raise _Stop

    def _doctype(self, *_: object) -> None:
        raise refuse("XML without a document type declaration",
                     f"one in {self.name} (it can declare entities: an 'entity bomb' or "
                     "a reference to another file; Excel never writes one)")

    def _declaration(self, _version: str, encoding: str | None, _standalone: int) -> None:
        if encoding is not None and encoding.lower() not in _XML_ENCODINGS:
            raise refuse("XML in UTF-8 or UTF-16", f"{self.name} in {encoding}")
