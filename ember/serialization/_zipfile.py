"""The zip container of PyTorch checkpoints, read and written without a zip library.

The writer reproduces torch.save's layout byte for byte (../shared/docs/pth-format.md, section
3): STORED records whose payloads start at multiples of 64, padding in an ``FB`` extra field,
data descriptors after non-empty payloads, and zip64 end records. The reader takes offsets
from the central directory and never relies on CRCs.
"""

import struct
import zlib

__all__ = ["ArchiveWriter", "read_archive"]

ALIGNMENT = 64
_LOCAL = b"PK\x03\x04"
_CENTRAL = b"PK\x01\x02"
_DESCRIPTOR = b"PK\x07\x08"
_EOCD = b"PK\x05\x06"
_EOCD64 = b"PK\x06\x06"
_LOCATOR64 = b"PK\x06\x07"
_U32_MAX = 0xFFFFFFFF


class ArchiveWriter:
    """Append records to a binary file object, then ``close()`` writes the directory."""

    def __init__(self, f):
        self.f = f
        self.offset = 0
        self.entries = []  # (name bytes, flags, crc, size, header offset)

    def _write(self, data):
        self.f.write(data)
        self.offset += len(data)

    def add(self, name, data):
        data = bytes(data) if not isinstance(data, (bytes, memoryview)) else data
        name = name.encode("utf-8")
        size = len(data)
        header_offset = self.offset
        zip64 = b""
        if size >= _U32_MAX or header_offset >= _U32_MAX:
            fields = b""
            if size >= _U32_MAX:
                fields += struct.pack("<QQ", size, size)
            if header_offset >= _U32_MAX:
                fields += struct.pack("<Q", header_offset)
            zip64 = struct.pack("<HH", 1, len(fields)) + fields
        pad = -(header_offset + 30 + len(name) + len(zip64) + 4) % ALIGNMENT
        extra = zip64 + b"FB" + struct.pack("<H", pad) + b"Z" * pad
        flags = 0x0808 if size else 0x0800
        self._write(
            _LOCAL + struct.pack("<HHHHHIIIHH", 0, flags, 0, 0, 0, 0, 0, 0, len(name), len(extra))
        )
        self._write(name)
        self._write(extra)
        crc = zlib.crc32(data) if size else 0
        if size:
            self._write(data)
            if zip64 or header_offset >= _U32_MAX:
                self._write(_DESCRIPTOR + struct.pack("<IQQ", crc, size, size))
            else:
                self._write(_DESCRIPTOR + struct.pack("<III", crc, size, size))
        self.entries.append((name, flags, crc, size, header_offset))

    def close(self):
        start = self.offset
        for name, flags, crc, size, off in self.entries:
            self._write(
                _CENTRAL
                + struct.pack(
                    "<HHHHHHIIIHHHHHII",
                    0,
                    0,
                    flags,
                    0,
                    0,
                    0,
                    crc,
                    min(size, _U32_MAX),
                    min(size, _U32_MAX),
                    len(name),
                    0,
                    0,
                    0,
                    0,
                    0,
                    min(off, _U32_MAX),
                )
                + name
            )
        cd_size = self.offset - start
        n = len(self.entries)
        eocd64_offset = self.offset
        self._write(_EOCD64 + struct.pack("<QHHIIQQQQ", 44, 0x031E, 45, 0, 0, n, n, cd_size, start))
        self._write(_LOCATOR64 + struct.pack("<IQI", 0, eocd64_offset, 1))
        self._write(
            _EOCD
            + struct.pack(
                "<HHHHIIH",
                0,
                0,
                min(n, 0xFFFF),
                min(n, 0xFFFF),
                min(cd_size, _U32_MAX),
                min(start, _U32_MAX),
                0,
            )
        )


class Record:
    """One archive member: where its payload lies and how it is stored."""

    __slots__ = ("name", "offset", "size", "compressed_size", "method")

    def __init__(self, name, offset, size, compressed_size, method):
        self.name = name
        self.offset = offset
        self.size = size
        self.compressed_size = compressed_size
        self.method = method


def _error(msg):
    return RuntimeError(f"ember.load: not a valid checkpoint archive: {msg}")


def read_archive(buf):
    """Parse the central directory of ``buf`` (a memoryview) into ``{name: Record}``."""
    tail_start = max(0, len(buf) - 65557)
    found = bytes(buf[tail_start:]).rfind(_EOCD)
    end = tail_start + found
    if found < 0 or len(buf) - end < 22:
        raise _error("no end-of-central-directory record (truncated or not a zip file)")
    _, _, _, count, cd_size, cd_offset, _ = struct.unpack_from("<HHHHIIH", buf, end + 4)
    if count == 0xFFFF or cd_offset == _U32_MAX or cd_size == _U32_MAX:
        loc = end - 20
        if loc < 0 or buf[loc : loc + 4] != _LOCATOR64:
            raise _error("zip64 locator missing")
        (eocd64,) = struct.unpack_from("<Q", buf, loc + 8)
        if buf[eocd64 : eocd64 + 4] != _EOCD64:
            raise _error("zip64 end record missing")
        count, _, cd_size, cd_offset = struct.unpack_from("<QQQQ", buf, eocd64 + 24)
    records = {}
    pos = cd_offset
    for _ in range(count):
        if buf[pos : pos + 4] != _CENTRAL:
            raise _error("corrupt central directory")
        fields = struct.unpack_from("<HHHHHHIIIHHHHHII", buf, pos + 4)
        method, csize, size = fields[3], fields[7], fields[8]
        name_len, extra_len, comment_len, offset = fields[9], fields[10], fields[11], fields[15]
        name = bytes(buf[pos + 46 : pos + 46 + name_len]).decode("utf-8")
        extra = bytes(buf[pos + 46 + name_len : pos + 46 + name_len + extra_len])
        size, csize, offset = _zip64_sizes(extra, size, csize, offset)
        if buf[offset : offset + 4] != _LOCAL:
            raise _error(f"record {name!r} has no local header")
        local_name, local_extra = struct.unpack_from("<HH", buf, offset + 26)
        payload = offset + 30 + local_name + local_extra
        if payload + csize > len(buf):
            raise _error(f"record {name!r} runs past the end of the file (truncated)")
        records[name] = Record(name, payload, size, csize, method)
        pos += 46 + name_len + extra_len + comment_len
    return records


def _zip64_sizes(extra, size, csize, offset):
    i = 0
    while i + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, i)
        if tag == 1:
            values = list(struct.unpack_from(f"<{length // 8}Q", extra, i + 4))
            if size == _U32_MAX:
                size = values.pop(0)
            if csize == _U32_MAX:
                csize = values.pop(0)
            if offset == _U32_MAX:
                offset = values.pop(0)
        i += 4 + length
    return size, csize, offset


def record_bytes(buf, record, *, allow_deflate=True):
    """The payload of ``record``; DEFLATE records are inflated (refused when mapping memory)."""
    raw = buf[record.offset : record.offset + record.compressed_size]
    if record.method == 0:
        return raw
    if record.method == 8 and allow_deflate:
        return zlib.decompress(bytes(raw), -15)
    if record.method == 8:
        raise RuntimeError(
            f"ember.load: record {record.name!r} is compressed; it cannot be memory-mapped "
            "(load with mmap=False)"
        )
    raise RuntimeError(
        f"ember.load: record {record.name!r} uses unsupported zip method {record.method}"
    )
