"""WGS-84 ⇄ GCJ-02, the datum Chinese tile providers (AMap/Gaode, Tencent) draw in.

Coordinates are (lon, lat) in degrees. Data and downloads stay WGS-84: these functions
only serve display on GCJ-02 tiles and reading positions picked on them. The same two
functions exist in JavaScript in `static/js/gcj02.js`; the tests keep them in step.
"""

from __future__ import annotations

import math
from typing import Final

# The published GCJ-02 obfuscation works on the Krasovsky 1940 ellipsoid.
A: Final = 6378245.0
EE: Final = 0.00669342162296594323

# Outside this rough box around China the providers draw WGS-84 as is. It is the box
# every published implementation uses, so our shift matches theirs at its edges too.
_MIN_LON, _MAX_LON = 72.004, 137.8347
_MIN_LAT, _MAX_LAT = 0.8293, 55.8271

# Fixed-point iteration of the inverse gains ~3 decimal digits per step near Yinhu;
# 1e-10 degrees (~0.01 mm) is reached in 4-5 steps, 30 is a safety net.
_INVERSE_TOLERANCE_DEG: Final = 1e-10
_INVERSE_MAX_STEPS: Final = 30


def in_china(lon: float, lat: float) -> bool:
    """True where GCJ-02 differs from WGS-84 (the published bounding box)."""
    return _MIN_LON <= lon <= _MAX_LON and _MIN_LAT <= lat <= _MAX_LAT


def _transform_lat(x: float, y: float) -> float:
    """The published latitude polynomial, in metres on the Krasovsky ellipsoid."""
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    """The published longitude polynomial, in metres on the Krasovsky ellipsoid."""
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 (lon, lat) → GCJ-02 (lon, lat), degrees; identity outside China."""
    if not in_china(lon, lat):
        return lon, lat
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1.0 - EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (A / sqrtmagic * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 (lon, lat) → WGS-84 (lon, lat), degrees: the exact inverse by iteration.

    The one-step approximation (subtract the shift computed at the GCJ-02 point) is
    off by up to a few metres; iterating the fixed point w ← w - (gcj(w) - target)
    converges to well under 1e-7 degrees.
    """
    if not in_china(lon, lat):
        return lon, lat
    wlon, wlat = lon, lat
    for _ in range(_INVERSE_MAX_STEPS):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        dlon, dlat = glon - lon, glat - lat
        wlon, wlat = wlon - dlon, wlat - dlat
        if abs(dlon) < _INVERSE_TOLERANCE_DEG and abs(dlat) < _INVERSE_TOLERANCE_DEG:
            break
    return wlon, wlat
