"""Small builders for tests: GPX text from coordinates, uploads, counts."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from geo_service.models import Route, RouteFile, SurfaceSegment, Waypoint

# Metres per degree near Yinhu (30.09 N), for laying out test tracks.
M_PER_DEG_LAT = 110_900.0
M_PER_DEG_LON = 96_300.0
YINHU = (120.05, 30.09)


def line(
    start: tuple[float, float], bearing_deg: float, length_m: float, step_m: float = 10.0,
    climb_m: float = 0.0,
) -> list[tuple[float, float, float]]:
    """Points (lon, lat, ele) along a straight line from `start`."""
    n = max(2, int(length_m / step_m) + 1)
    out = []
    for i in range(n):
        d = length_m * i / (n - 1)
        dx = d * math.sin(math.radians(bearing_deg))
        dy = d * math.cos(math.radians(bearing_deg))
        out.append((start[0] + dx / M_PER_DEG_LON, start[1] + dy / M_PER_DEG_LAT,
                    20.0 + climb_m * i / (n - 1)))
    return out


def make_gpx(
    points: Sequence[tuple[float, float, float]], name: str = "Test walk", desc: str | None = None,
    waypoints: Sequence[tuple[float, float, str]] = (),
) -> bytes:
    """A GPX 1.1 file with one track of the given points and optional waypoints."""
    wpts = "".join(f'<wpt lat="{la}" lon="{lo}"><name>{n}</name></wpt>' for lo, la, n in waypoints)
    pts = "".join(
        f'<trkpt lat="{la:.7f}" lon="{lo:.7f}"><ele>{e:.1f}</ele></trkpt>' for lo, la, e in points
    )
    desc_xml = f"<desc>{desc}</desc>" if desc else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<gpx version="1.1" creator="tests" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<metadata><name>{name}</name>{desc_xml}</metadata>{wpts}"
        f"<trk><name>{name}</name><trkseg>{pts}</trkseg></trk></gpx>"
    ).encode()


def upload(client, content: bytes, token: str | None, filename: str = "walk.gpx", **form):
    """POST a GPX to /api/v1/routes as multipart."""
    # Encode in memory: the test client spools big multipart bodies to a temporary
    # file it never closes, which pytest (warnings as errors) reports.
    fields = {"file": FileStorage(io.BytesIO(content), filename), **form}
    boundary, body = encode_multipart(MultiDict(fields))
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/v1/routes", data=body, headers=headers,
                       content_type=f"multipart/form-data; boundary={boundary}")


def stored_counts(session: Session) -> tuple[int, int, int, int]:
    """How many routes, files, waypoints and surface segments exist."""
    return tuple(  # type: ignore[return-value]
        session.execute(select(func.count()).select_from(t)).scalar_one()
        for t in (Route, RouteFile, Waypoint, SurfaceSegment)
    )
