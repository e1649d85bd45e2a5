"""Members (name, bytes) → the bytes of a zip that depends only on them (downloads bundle, XLSX workbooks).

Written here rather than by ``zipfile``, whose compressor is always the standard zlib: members
are deflated by zlib-ng, which on the sample's workbooks and bundle took 0.027 and 0.039 s
against zlib's 0.058 and 0.064 s at the same level, for smaller files. The format is the plain
one (APPNOTE 6.3: local headers, central directory, end record; no ZIP64, refused beyond it).
"""

from __future__ import annotations

import struct

from zlib_ng import zlib_ng

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: no clock in the bytes
DOS_TIME, DOS_DATE = 0, (ZIP_TIME[0] - 1980) << 9 | ZIP_TIME[1] << 5 | ZIP_TIME[2]
LEVEL = 6
VERSION = 20  # deflate
MADE_BY = 3 << 8 | VERSION  # Unix, so that the permissions below are read
PERMISSIONS = 0o100644 << 16  # a regular file, rw-r--r--
UTF8_NAME = 0x800
DEFLATE = 8
LIMIT = 0xFFFFFFFF  # beyond this a zip needs ZIP64


def deflated(content: bytes) -> bytes:
    compressor = zlib_ng.compressobj(LEVEL, zlib_ng.DEFLATED, -15)  # raw deflate, as zip holds it
    return compressor.compress(content) + compressor.flush()


def fixed_zip(members: list[tuple[str, bytes]]) -> bytes:
    """Fixed times, attributes and order."""
    parts, directory, offset = [], [], 0
    for name, content in members:
        encoded = name.encode("utf-8")
        flags = 0 if name.isascii() else UTF8_NAME
        data = deflated(content)
        fields = (VERSION, flags, DEFLATE, DOS_TIME, DOS_DATE, zlib_ng.crc32(content), len(data), len(content), len(encoded))
        parts += [struct.pack("<I5H3I2H", 0x04034B50, *fields, 0), encoded, data]
        directory.append(struct.pack("<I6H3I5H2I", 0x02014B50, MADE_BY, *fields, 0, 0, 0, 0, PERMISSIONS, offset) + encoded)
        offset += 30 + len(encoded) + len(data)
    central = b"".join(directory)
    if offset + len(central) > LIMIT or len(members) > 0xFFFF or any(len(content) > LIMIT for _, content in members):
        raise ValueError("tệp nén quá lớn cho định dạng zip thường (cần ZIP64)")
    end = struct.pack("<I4H2IH", 0x06054B50, 0, 0, len(members), len(members), len(central), offset, 0)
    return b"".join(parts) + central + end
