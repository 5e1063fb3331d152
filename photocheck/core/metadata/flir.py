"""FLIR thermal cameras and phone add-ons: the FFF record they keep in APP1 "FLIR"
segments (ExifTool's FLIR.pm). Its CameraInfo record names the camera's, the lens's
and the filter's serial numbers; its GPSInfo record holds the real position where many
of these cameras write 0, 0 into EXIF.
"""

from __future__ import annotations

import struct

from ..model import Evidence, Kind
from .values import RecordField, record_texts, valid_position

MAX_RECORDS = 1024
CAMERA_INFO, GPS_INFO = 0x20, 0x2B
# CameraInfo: the serials' places
_SERIALS: tuple[RecordField, ...] = (
    (Kind.DEVICE_SERIAL, "CameraSerialNumber", 0x104, 16, None),
    (Kind.DEVICE_SERIAL, "LensSerialNumber", 0x1A0, 16, None),
    (Kind.DEVICE_SERIAL, "FilterSerialNumber", 0x21C, 32, None))


def read_fff(data: bytes, source: str = "FLIR") -> list[Evidence]:
    """Evidence from an FFF record (the FLIR segments' data, joined)."""
    if len(data) < 0x40 or data[:4] not in (b"FFF\x00", b"AFF\x00"):
        return []
    for endian in (">", "<"):  # the version (100-199) tells the byte order
        if 100 <= struct.unpack_from(endian + "I", data, 0x14)[0] < 200:
            break
    else:
        return []
    directory, count = struct.unpack_from(endian + "II", data, 0x18)
    out: list[Evidence] = []
    for i in range(min(count, MAX_RECORDS)):
        entry = directory + 0x20 * i
        if entry + 0x20 > len(data):
            break
        (kind,) = struct.unpack_from(endian + "H", data, entry)
        start, length = struct.unpack_from(endian + "II", data, entry + 0x0C)
        if kind not in (CAMERA_INFO, GPS_INFO) or start + length > len(data):
            continue
        record = data[start:start + length]
        if kind == CAMERA_INFO:
            out.extend(record_texts(record, source, _SERIALS))
        else:
            out.extend(_gps_info(record, source))
    return out


def _gps_info(record: bytes, source: str) -> list[Evidence]:
    """GPSInfo (always little-endian): valid flag, then signed degrees as doubles."""
    if len(record) < 0x20 or struct.unpack_from("<I", record, 0)[0] != 1:
        return []
    lat, lon = struct.unpack_from("<dd", record, 0x10)
    position = valid_position(lat, lon)
    return [Evidence(Kind.LOCATION, f"{source} GPS", position)] if position else []
