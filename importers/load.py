"""Write an imported GPX into the database as one route, in the caller's transaction.

Parse → measure → store. Nothing is committed here: the API and the CLI commit
once per file, so a failure at any step leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import shapely
from sqlalchemy import func, insert, literal, select
from sqlalchemy.orm import Session

from geo_service.models import Route, RouteFile, Waypoint
from geo_service.queries.route_writes import refresh_inferred_friendliness
from importers.errors import DuplicateFileError, TooLargeError
from importers.gpx import parse_gpx
from importers.measure import measure
from importers.records import ParsedGpx, RouteMeasures

# Display geometry keeps a vertex every few metres at most: enough for a phone map,
# and the tolerance grows with the route so a 1,000 km track stays a few thousand
# vertices.
MIN_DISPLAY_TOLERANCE_M = 5.0
DISPLAY_VERTICES = 2000


@dataclass(frozen=True)
class ImportedRoute:
    """The outcome of one successful import."""

    route_id: int
    name: str
    point_count: int
    length_m: float


def sha256_hex(content: bytes) -> str:
    """Hex SHA-256 of the file's bytes: the identity used to refuse a second upload."""
    return hashlib.sha256(content).hexdigest()


def utm_srid(lon: float, lat: float) -> int:
    """EPSG code of the UTM zone holding (lon, lat): metres for simplification."""
    zone = min(60, math.floor((lon + 180.0) / 6.0) + 1)
    return (32600 if lat >= 0 else 32700) + zone


def track_wkb(parsed: ParsedGpx, measures: RouteMeasures) -> bytes:
    """WKB of a MultiLineString Z, one part per segment, Z = elevation or 0."""
    pts = parsed.points
    ele = measures.ele_filled if measures.ele_filled is not None else np.zeros(len(pts))
    coords = np.column_stack((pts.lon, pts.lat, ele))
    parts = [coords[s] for s in pts.segments()]
    # A one-point segment cannot be a line part; measure() ignores it as well.
    lines = [shapely.linestrings(p) for p in parts if p.shape[0] >= 2]
    return bytes(shapely.to_wkb(shapely.multilinestrings(lines), include_srid=False))


def route_name(parsed: ParsedGpx, name: str | None, filename: str | None) -> str:
    """The name to show: given, else the file's, else the file name, else a default."""
    stem = Path(filename).stem if filename else None
    return (name or parsed.name or stem or "Untitled route")[:200]


def _display_expr(geom: object, start_lon: float, start_lat: float, length_m: float) -> object:
    """SQL: the track simplified in metres (local UTM), 2D, back in WGS-84."""
    tolerance = max(MIN_DISPLAY_TOLERANCE_M, length_m / DISPLAY_VERTICES)
    metric = func.ST_Transform(func.ST_Force2D(geom), utm_srid(start_lon, start_lat))
    # Douglas-Peucker keeping collapsed parts; the topology-preserving variant is 8x
    # slower and a single track cannot self-intersect into anything we draw wrongly.
    simple = func.ST_Simplify(metric, tolerance, True)
    return func.ST_Multi(func.ST_Transform(simple, 4326))


def store_route(
    session: Session,
    *,
    content: bytes,
    filename: str | None,
    parsed: ParsedGpx,
    measures: RouteMeasures,
    name: str | None = None,
    description: str | None = None,
    owner_id: int | None = None,
) -> int:
    """Insert the route, its original file and its waypoints; return the new id."""
    pts = parsed.points
    start_lon, start_lat = float(pts.lon[0]), float(pts.lat[0])
    track = func.ST_GeomFromWKB(literal(track_wkb(parsed, measures)), 4326)
    values = {
        "name": route_name(parsed, name, filename),
        "description": description if description is not None else parsed.description,
        "owner_id": owner_id,
        "geom": track,
        "geom_display": _display_expr(track, start_lon, start_lat, measures.length_m),
        "start": func.ST_SetSRID(func.ST_MakePoint(start_lon, start_lat), 4326),
        "length_m": measures.length_m,
        "ascent_m": measures.ascent_m,
        "descent_m": measures.descent_m,
        "min_ele_m": measures.min_ele_m,
        "max_ele_m": measures.max_ele_m,
        "duration_s": measures.duration_s,
        "effort_km": measures.effort_km,
        "difficulty": measures.difficulty,
        "is_loop": measures.is_loop,
        "has_elevation": measures.ele_filled is not None,
        "has_times": bool(np.isfinite(pts.time).any()),
        "point_count": len(pts),
        "max_grade_pct": measures.max_grade_pct,
        "max_grade_at_m": measures.max_grade_at_m,
        "profile": [list(p) for p in measures.profile],
        "source_format": f"gpx-{parsed.version}/{parsed.source}",
    }
    route_id: int = session.execute(insert(Route).values(**values).returning(Route.id)).scalar_one()
    session.add(
        RouteFile(route_id=route_id, sha256=sha256_hex(content), filename=filename, content=content)
    )
    _store_waypoints(session, route_id, parsed)
    session.flush()
    refresh_inferred_friendliness(session, route_id)
    return route_id


def _store_waypoints(session: Session, route_id: int, parsed: ParsedGpx) -> None:
    """Insert the file's <wpt> as the route's waypoints, in file order."""
    rows = [
        {
            "route_id": route_id,
            "position": i,
            "name": w.name[:200] if w.name else None,
            "description": w.description,
            "kind": w.kind[:64] if w.kind else None,
            "ele_m": w.ele,
            "time": datetime.fromtimestamp(w.time, UTC) if w.time is not None else None,
            "geom": f"SRID=4326;POINT({w.lon!r} {w.lat!r})",
        }
        for i, w in enumerate(parsed.waypoints)
    ]
    if rows:
        session.execute(insert(Waypoint), rows)


def existing_route_id(session: Session, content: bytes) -> int | None:
    """The id of the route imported from the same bytes, if any."""
    stmt = select(RouteFile.route_id).where(RouteFile.sha256 == sha256_hex(content))
    return session.execute(stmt).scalar_one_or_none()


def import_gpx(
    session: Session,
    content: bytes,
    *,
    filename: str | None = None,
    name: str | None = None,
    description: str | None = None,
    owner_id: int | None = None,
    max_bytes: int | None = None,
) -> ImportedRoute:
    """Check, parse, measure and store one GPX file; raises a RejectedFile subclass."""
    if max_bytes is not None and len(content) > max_bytes:
        raise TooLargeError(
            f"The file is {len(content)} bytes; the limit is {max_bytes} bytes.",
            size=len(content),
            limit=max_bytes,
        )
    existing = existing_route_id(session, content)
    if existing is not None:
        raise DuplicateFileError(existing)
    parsed = parse_gpx(content)
    measures = measure(parsed.points)
    route_id = store_route(
        session,
        content=content,
        filename=filename,
        parsed=parsed,
        measures=measures,
        name=name,
        description=description,
        owner_id=owner_id,
    )
    shown = route_name(parsed, name, filename)
    return ImportedRoute(route_id, shown, len(parsed.points), measures.length_m)
