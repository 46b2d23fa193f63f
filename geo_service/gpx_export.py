"""Write a route as GPX 1.1 (valid against the official XSD).

lxml builds the document and escapes every piece of text a person wrote (names,
descriptions, waypoint symbols). The track points, numbers only, are written as text
and put in place of a marker comment in each segment: gpxpy built an object per
point and took 4 s for a 100,000-point track (docs/benchmarks.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final, Literal

import numpy as np
from lxml import etree

from importers.records import FloatArray, TrackPoints

GPX_NS: Final = "http://www.topografix.com/GPX/1/1"
XSI_NS: Final = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION: Final = f"{GPX_NS} {GPX_NS}/gpx.xsd"
CREATOR: Final = "Yinhu Trails and Places"
SEGMENT_MARK: Final = re.compile(r"<!--seg (\d+)-->")


def _decimal(x: float) -> str:
    """A number as xsd:decimal, shortest form that reads back the same (no exponent)."""
    text = repr(x)
    if "e" in text or "E" in text:  # |x| < 1e-4: a coordinate just off 0°
        text = format(x, ".12f").rstrip("0").rstrip(".")
    return text


def _times(seconds: FloatArray) -> list[str | None]:
    """POSIX seconds → "2026-09-03T01:30:00Z" (milliseconds when a point has them)."""
    known = ~np.isnan(seconds)
    ms = np.zeros(seconds.shape, dtype=np.int64)
    ms[known] = np.round(seconds[known] * 1000).astype(np.int64)
    unit: Literal["s", "ms"] = "s" if not np.any(ms[known] % 1000) else "ms"
    stamps: list[str] = np.datetime_as_string(ms.astype("datetime64[ms]"), unit=unit).tolist()
    return [f"{s}Z" if k else None for s, k in zip(stamps, known.tolist(), strict=True)]


def _decimals(values: FloatArray) -> list[str]:
    """_decimal of every value; repr alone where no value needs the exponent guard."""
    if np.any((values != 0) & (np.abs(values) < 1e-4)):
        return [_decimal(x) for x in values.tolist()]
    return list(map(repr, values.tolist()))  # NaN gives "nan", left out by the caller


def _points(points: TrackPoints, part: slice) -> str:
    """The <trkpt> elements of one segment, indented like the rest of the document."""
    lon, lat, ele = (_decimals(a[part]) for a in (points.lon, points.lat, points.ele))
    missing_ele = np.isnan(points.ele[part]).tolist()
    out = []
    for x, y, z, no_z, t in zip(lon, lat, ele, missing_ele, _times(points.time[part]),
                                strict=True):
        inner = "" if no_z else f"<ele>{z}</ele>"
        if t is not None:
            inner += f"<time>{t}</time>"
        out.append(f'<trkpt lat="{y}" lon="{x}">{inner}</trkpt>')
    return "\n      ".join(out)


def _child(parent: etree._Element, tag: str, text: object) -> None:
    """<tag>text</tag> under parent, unless text is None."""
    if text is not None:
        etree.SubElement(parent, f"{{{GPX_NS}}}{tag}").text = str(text)


def _utc(value: Any) -> str | None:
    """A waypoint's time (datetime or POSIX seconds) as GPX UTC time."""
    if value is None:
        return None
    when = value if isinstance(value, datetime) else datetime.fromtimestamp(value, UTC)
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def build_gpx(
    name: str,
    description: str | None,
    points: TrackPoints,
    waypoints: Sequence[Mapping[str, Any]],
) -> str:
    """GPX 1.1 text: one track, one segment per original segment, the waypoints."""
    root = etree.Element(
        f"{{{GPX_NS}}}gpx", nsmap={None: GPX_NS, "xsi": XSI_NS},  # type: ignore[dict-item]
        attrib={"version": "1.1", "creator": CREATOR,
                f"{{{XSI_NS}}}schemaLocation": SCHEMA_LOCATION},
    )
    metadata = etree.SubElement(root, f"{{{GPX_NS}}}metadata")
    _child(metadata, "name", name)
    _child(metadata, "desc", description)
    for w in waypoints:
        wpt = etree.SubElement(
            root, f"{{{GPX_NS}}}wpt", lat=_decimal(w["lat"]), lon=_decimal(w["lon"])
        )
        _child(wpt, "ele", None if w["ele_m"] is None else _decimal(w["ele_m"]))
        _child(wpt, "time", _utc(w["time"]))
        _child(wpt, "name", w["name"])
        _child(wpt, "desc", w["description"])
        _child(wpt, "sym", w["kind"])
    track = etree.SubElement(root, f"{{{GPX_NS}}}trk")
    _child(track, "name", name)
    _child(track, "desc", description)
    parts = points.segments()
    for i in range(len(parts)):
        # A marker no text can forge: escaped text never contains "<!--".
        etree.SubElement(track, f"{{{GPX_NS}}}trkseg").append(etree.Comment(f"seg {i}"))
    text = etree.tostring(root, encoding="unicode", pretty_print=True)
    text = SEGMENT_MARK.sub(lambda m: _points(points, parts[int(m[1])]), text)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text
