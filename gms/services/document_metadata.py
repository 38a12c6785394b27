"""Copies of uploaded documents without the metadata that names their author.

Under anonymous review a commission member sees the application number, never the
municipality; but a PDF's document information (``/Author``, ``/Title``, ``/Creator``...) and
its XMP packet, a DOCX's or ODT's core properties (``dc:creator``, ``cp:lastModifiedBy``,
``meta:initial-creator``, the company...) and a photo's EXIF (camera owner, GPS position of
the village) name it all the same. :func:`strip` gives a copy without them; the stored file,
which the applicant and staff download, is left as uploaded.

- PDF: rewritten with pypdf (pages, outlines and forms kept; the information dictionary and
  every XMP stream of the catalog, the pages and their images dropped; earlier revisions
  gone). A PDF pypdf cannot read has the values of its information entries and its XMP
  packets blanked in place, byte for byte, so that its cross-reference offsets stay right.
- OOXML (DOCX, XLSX, PPTX) and OpenDocument: the ZIP is rewritten entry by entry (an ODF's
  ``mimetype`` stays first and uncompressed); ``docProps/core.xml``, ``app.xml`` and
  ``custom.xml`` or ``meta.xml`` are replaced by empty ones, and the authors of comments and
  tracked changes are blanked.
- JPEG: the APP1 (EXIF, XMP), APP13 (IPTC) and comment segments are dropped. PNG: the text,
  EXIF and time chunks are dropped.

- Old binary Office files (.doc, .xls, .ppt): the text values of the summary property sets
  (title, author, last author, company, manager...) are overwritten with zeros in place.
  Names kept in the body's own records (Word's list of authors of tracked changes, Excel's
  "write access" user name) are not reached.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile

#: the parts of an OOXML package replaced by empty ones, and their replacement
_OOXML_EMPTY = {
    "docProps/core.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'),
    "docProps/app.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties"/>'),
    "docProps/custom.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'custom-properties"/>'),
}
_ODF_META = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'office:version="1.2"><office:meta/></office:document-meta>')
# who wrote a comment or a tracked change (OOXML attributes, ODF elements)
_AUTHOR_ATTRIBUTE = re.compile(rb'\b(w:author|w:initials|w15:userId|w15:providerId|author)='
                               rb'"[^"]*"')
_COMMENT_AUTHOR = re.compile(rb'\b(name|initials)="[^"]*"')  # PowerPoint's comment authors
_AUTHOR_ELEMENT = re.compile(rb"<(dc:creator|author)>[^<]*</(?:dc:creator|author)>")
_ODF_TYPES = ("application/vnd.oasis.opendocument",)
_OOXML_TYPES = ("application/vnd.openxmlformats-officedocument.",)


def strip(data: bytes, content_type: str) -> bytes:
    """A copy of ``data`` (of ``content_type``, as judged at upload) without authoring
    metadata; the bytes unchanged for a format this does not know."""
    if content_type == "application/pdf" or data.startswith(b"%PDF-"):
        return strip_pdf(data)
    if content_type.startswith(_ODF_TYPES + _OOXML_TYPES) and data.startswith(b"PK"):
        return strip_office_zip(data)
    if content_type == "image/jpeg" and data.startswith(b"\xff\xd8"):
        return strip_jpeg(data)
    if content_type == "image/png" and data.startswith(b"\x89PNG\r\n\x1a\n"):
        return strip_png(data)
    if content_type == "application/msword" and data.startswith(_OLE_MAGIC):
        return strip_ole(data)
    return data


# --------------------------------------------------------------------------------- PDF

def strip_pdf(data: bytes) -> bytes:
    """The PDF rewritten without its information dictionary and XMP streams (or, when it
    cannot be read, with their values blanked in place)."""
    try:
        return _rewrite_pdf(data)
    except Exception:  # noqa: BLE001 - a damaged or odd PDF is scrubbed byte by byte
        return scrub_pdf_bytes(data)


def _rewrite_pdf(data: bytes) -> bytes:
    # pypdf takes a tenth of a second to import and only anonymous review needs it
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("encrypted")
    writer = PdfWriter()
    writer.append(reader)  # only what the pages, outlines and forms reach is copied
    writer.metadata = None
    root = writer._root_object
    for key in ("/Metadata", "/PieceInfo"):
        if NameObject(key) in root:
            del root[NameObject(key)]
    for page in writer.pages:
        for key in ("/Metadata", "/PieceInfo"):
            if NameObject(key) in page:
                del page[NameObject(key)]
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else None
        xobjects = resources.get("/XObject") if resources is not None else None
        if xobjects is not None:
            for ref in xobjects.get_object().values():
                xobject = ref.get_object()
                if NameObject("/Metadata") in xobject:
                    del xobject[NameObject("/Metadata")]
    out = io.BytesIO()
    writer.write(out)
    result = out.getvalue()
    if _INFO_KEY.search(result) or _XMP.search(result):
        # something this does not know still carries them (an odd structure): blank them
        result = scrub_pdf_bytes(result)
    return result


_INFO_KEYS = rb"Author|Title|Creator|Producer|Subject|Keywords|Company|Manager|SourceModified"
_INFO_KEY = re.compile(rb"/(?:" + _INFO_KEYS + rb")\s*[(<](?!<)")
_XMP = re.compile(rb"<\?xpacket begin=.*?<\?xpacket end=[^>]*>|<x:xmpmeta.*?</x:xmpmeta>"
                  rb"|<rdf:RDF.*?</rdf:RDF>", re.S)


def scrub_pdf_bytes(data: bytes) -> bytes:
    """``data`` with the string values of the information entries and the XMP packets
    replaced by as many spaces (the file keeps its length, so its offsets stay right)."""
    out = bytearray(data)
    for m in _XMP.finditer(data):
        out[m.start():m.end()] = b" " * (m.end() - m.start())
    for m in _INFO_KEY.finditer(data):
        start = m.end() - 1
        end = _string_end(data, start)
        if end is not None:  # keep the delimiters, blank what is between
            fill = b"0" if data[start:start + 1] == b"<" else b" "
            out[start + 1:end] = fill * (end - start - 1)
    return bytes(out)


def _string_end(data: bytes, start: int) -> int | None:
    """The index of the delimiter closing the PDF string that opens at ``start``."""
    if data[start:start + 1] == b"<":
        end = data.find(b">", start)
        return end if end != -1 else None
    depth, i = 0, start
    while i < len(data):
        ch = data[i]
        if ch == 0x5C:  # backslash: the next byte is escaped
            i += 2
            continue
        if ch == 0x28:
            depth += 1
        elif ch == 0x29:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


# ------------------------------------------------------------------ OOXML and OpenDocument

def strip_office_zip(data: bytes) -> bytes:
    """The package rewritten entry by entry, with its property parts emptied and the
    authors of comments and tracked changes blanked (``data`` unchanged if unreadable)."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        infos = source.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return data
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w") as target:
        for info in infos:
            body = source.read(info)
            name = info.filename
            if name in _OOXML_EMPTY:
                body = _OOXML_EMPTY[name].encode()
            elif name == "meta.xml":
                body = _ODF_META.encode()
            elif name.endswith(".xml"):
                body = _AUTHOR_ATTRIBUTE.sub(rb'\1=""', body)
                body = _AUTHOR_ELEMENT.sub(rb"<\1/>", body)
                if name.endswith("commentAuthors.xml"):
                    body = _COMMENT_AUTHOR.sub(rb'\1=""', body)
            copy = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            copy.compress_type = (zipfile.ZIP_STORED if info.compress_type == zipfile.ZIP_STORED
                                  else zipfile.ZIP_DEFLATED)
            copy.external_attr = info.external_attr
            target.writestr(copy, body)
    return out.getvalue()


# ------------------------------------------------------------------------------- images

_JPEG_DROPPED = {0xE1, 0xED, 0xFE}  # APP1 (EXIF, XMP), APP13 (IPTC), comment


def strip_jpeg(data: bytes) -> bytes:
    """The JPEG without EXIF, XMP, IPTC and comment segments (unchanged if malformed)."""
    out, i = bytearray(b"\xff\xd8"), 2
    try:
        while i < len(data):
            if data[i] != 0xFF:
                return data
            marker = data[i + 1]
            if marker == 0xFF:  # fill byte
                i += 1
                continue
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                out += data[i:i + 2]
                i += 2
                continue
            if marker == 0xD9:
                out += data[i:]
                return bytes(out)
            (length,) = struct.unpack(">H", data[i + 2:i + 4])
            segment = data[i:i + 2 + length]
            if len(segment) < 2 + length:
                return data
            if marker == 0xDA:  # start of scan: the image data follows to the end
                out += data[i:]
                return bytes(out)
            if marker not in _JPEG_DROPPED:
                out += segment
            i += 2 + length
    except (IndexError, struct.error):
        return data
    return bytes(out)


_PNG_DROPPED = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}


def strip_png(data: bytes) -> bytes:
    """The PNG without text, EXIF and time chunks (unchanged if malformed)."""
    out, i = bytearray(data[:8]), 8
    while i + 8 <= len(data):
        (length,) = struct.unpack(">I", data[i:i + 4])
        kind = data[i + 4:i + 8]
        end = i + 12 + length
        if end > len(data):
            return data
        if kind not in _PNG_DROPPED:
            out += data[i:end]
        i = end
        if kind == b"IEND":
            return bytes(out)
    return data


# ----------------------------------------------------- old binary Office files (OLE / CFB)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END, _FREE = 0xFFFFFFFE, 0xFFFFFFFF
_PROPERTY_STREAMS = ("\x05SummaryInformation", "\x05DocumentSummaryInformation")
_VT_LPSTR, _VT_LPWSTR, _VT_VECTOR = 0x1E, 0x1F, 0x1000


def strip_ole(data: bytes) -> bytes:
    """An old binary Office file (.doc, .xls, .ppt) with every text value of its summary
    property sets (title, author, last author, company, manager...) overwritten with zeros
    in place; the file keeps its structure and length (unchanged if malformed)."""
    try:
        out = bytearray(data)
        cfb = _Compound(data)
        for entry in cfb.entries():
            if entry[0] in _PROPERTY_STREAMS:
                offsets = cfb.stream_offsets(entry[1], entry[2])
                stream = bytearray(b"".join(data[o:o + n] for o, n in offsets))
                _blank_property_strings(stream)
                position = 0
                for o, n in offsets:
                    out[o:o + n] = stream[position:position + n]
                    position += n
        return bytes(out)
    except (IndexError, ValueError, struct.error, KeyError):
        return data


class _Compound:
    """Just enough of the Compound File Binary format [MS-CFB] to find a stream's bytes."""

    def __init__(self, data: bytes) -> None:
        if not data.startswith(_OLE_MAGIC):
            raise ValueError("not a compound file")
        self.data = data
        self.size = 1 << struct.unpack_from("<H", data, 30)[0]
        self.mini_size = 1 << struct.unpack_from("<H", data, 32)[0]
        if self.size not in (512, 4096) or self.mini_size != 64:
            raise ValueError("odd sector size")
        (fat_count, self.first_directory, _transaction, self.cutoff, first_mini_fat,
         mini_fat_count, first_difat, difat_count) = struct.unpack_from("<8I", data, 44)
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 76) if s < _END]
        sector, per = first_difat, self.size // 4 - 1
        for _i in range(difat_count):
            values = struct.unpack_from(f"<{per + 1}I", data, self._offset(sector))
            fat_sectors += [s for s in values[:per] if s < _END]
            sector = values[per]
        self.fat = [v for s in fat_sectors[:fat_count]
                    for v in struct.unpack_from(f"<{self.size // 4}I", data, self._offset(s))]
        self.mini_fat = [v for s in self._chain(first_mini_fat)[:mini_fat_count]
                         for v in struct.unpack_from(f"<{self.size // 4}I", data,
                                                     self._offset(s))]
        root = next(self.entries(include_root=True))
        self.mini_stream = self._chain(root[1])

    def _offset(self, sector: int) -> int:
        offset = (sector + 1) * self.size
        if offset + self.size > len(self.data):
            raise ValueError("sector beyond the end")
        return offset

    def _chain(self, start: int, table: list[int] | None = None) -> list[int]:
        table = self.fat if table is None else table
        chain, sector = [], start
        while sector < _END - 5:  # a sector number, not END, FREE or a special value
            if len(chain) > len(table):
                raise ValueError("a loop in the sector chain")
            chain.append(sector)
            sector = table[sector]
        return chain

    def entries(self, include_root: bool = False):
        """``(name, start sector, size)`` of each stream (and first, the root entry)."""
        for sector in self._chain(self.first_directory):
            base = self._offset(sector)
            for i in range(self.size // 128):
                raw = self.data[base + i * 128:base + (i + 1) * 128]
                name_length, kind = struct.unpack_from("<HB", raw, 64)
                start, size = struct.unpack_from("<IQ", raw, 116)
                name = raw[:max(name_length - 2, 0)].decode("utf-16-le", "replace")
                if kind == 5 and include_root:
                    yield name, start, size
                    return
                if kind == 2:
                    yield name, start, size

    def stream_offsets(self, start: int, size: int) -> list[tuple[int, int]]:
        """Where the stream's bytes lie in the file: ``(offset, length)`` pieces, in order."""
        pieces, left = [], size
        if size < self.cutoff:
            for mini in self._chain(start, self.mini_fat):
                position = mini * self.mini_size
                sector = self.mini_stream[position // self.size]
                length = min(self.mini_size, left)
                pieces.append((self._offset(sector) + position % self.size, length))
                left -= length
                if left <= 0:
                    break
        else:
            for sector in self._chain(start):
                length = min(self.size, left)
                pieces.append((self._offset(sector), length))
                left -= length
                if left <= 0:
                    break
        return pieces


def _blank_property_strings(stream: bytearray) -> None:
    """Zero the text of every string property of a property set stream [MS-OLEPS]."""
    (sets,) = struct.unpack_from("<I", stream, 24)
    for n in range(min(sets, 2)):
        (base,) = struct.unpack_from("<I", stream, 28 + n * 20 + 16)
        _size, count = struct.unpack_from("<II", stream, base)
        for i in range(min(count, 1000)):
            identifier, offset = struct.unpack_from("<II", stream, base + 8 + i * 8)
            if identifier in (0, 1):  # the dictionary (names of custom properties), code page
                continue
            at = base + offset
            (kind,) = struct.unpack_from("<H", stream, at)
            if kind in (_VT_LPSTR, _VT_LPWSTR):
                _blank_string(stream, at + 4, kind)
            elif kind in (_VT_VECTOR | _VT_LPSTR, _VT_VECTOR | _VT_LPWSTR):
                (elements,) = struct.unpack_from("<I", stream, at + 4)
                position = at + 8
                for _e in range(min(elements, 10000)):
                    position = _blank_string(stream, position, kind & ~_VT_VECTOR)


def _blank_string(stream: bytearray, at: int, kind: int) -> int:
    """Zero one counted string at ``at``; the offset after it (padded to four bytes)."""
    (length,) = struct.unpack_from("<I", stream, at)
    nbytes = length * 2 if kind == _VT_LPWSTR else length
    if at + 4 + nbytes > len(stream):
        raise ValueError("string beyond the stream")
    stream[at + 4:at + 4 + nbytes] = bytes(nbytes)
    return at + 4 + ((nbytes + 3) // 4) * 4
