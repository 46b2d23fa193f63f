"""Route reads: search, one route, its profile, file and owner.

Distances are metres on the WGS-84 ellipsoid (`geography`); the radius filter uses
ST_DWithin on `geom::geography`, which the expression index `routes_geog_gist`
serves. GeoJSON comes from PostGIS (ST_AsGeoJSON).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, delete, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from geo_service.friendliness import MANUAL_REASON, Finding, describe
from geo_service.models import Event, Route, RouteFile, RouteFriendliness, SurfaceSegment, Waypoint
from geo_service.queries.spatial import envelope, geography, point_geography

# Seven decimals of a degree is ~1 cm: more than any GPS delivers.
GEOJSON_DECIMALS = 7

SUMMARY_COLUMNS = (
    Route.id,
    Route.name,
    Route.description,
    Route.length_m,
    Route.ascent_m,
    Route.descent_m,
    Route.min_ele_m,
    Route.max_ele_m,
    Route.duration_s,
    Route.difficulty,
    Route.is_loop,
    Route.has_elevation,
    Route.point_count,
    Route.owner_id,
    Route.created_at,
    func.ST_X(Route.start).label("start_lon"),
    func.ST_Y(Route.start).label("start_lat"),
    # Series still to come (a weekly club counts once), scheduled only.
    select(func.count())
    .where(
        Event.route_id == Route.id,
        Event.status == "scheduled",
        or_(Event.last_ends_at.is_(None), Event.last_ends_at > func.now()),
    )
    .correlate(Route)
    .scalar_subquery()
    .label("upcoming_events"),
)


@dataclass(frozen=True)
class Centre:
    """A search centre in WGS-84 degrees and a radius in metres (None: no limit)."""

    lon: float
    lat: float
    radius_m: float | None = None


@dataclass(frozen=True)
class RouteFilters:
    """Everything GET /api/v1/routes can filter on; None means 'any'."""

    centre: Centre | None = None
    bbox: tuple[float, float, float, float] | None = None  # minLon, minLat, maxLon, maxLat
    q: str | None = None
    min_length_m: float | None = None
    max_length_m: float | None = None
    difficulty: str | None = None
    surface: str | None = None
    friendly_for: str | None = None
    ids: tuple[int, ...] | None = None  # only these routes (a page's chosen few)
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class RoutePage:
    """One page of a search: rows as mappings plus the total before paging."""

    total: int
    rows: list[dict[str, Any]]


def effective_level() -> ColumnElement[str]:
    """SQL for an audience's level: the manual one when set, else the inferred one."""
    return func.coalesce(RouteFriendliness.manual_level, RouteFriendliness.inferred_level)


def _conditions(f: RouteFilters) -> list[ColumnElement[bool]]:
    """WHERE clauses for the filters."""
    conds: list[ColumnElement[bool]] = []
    if f.centre is not None and f.centre.radius_m is not None:
        centre = point_geography(f.centre.lon, f.centre.lat)
        conds.append(func.ST_DWithin(geography(Route.geom), centre, f.centre.radius_m))
    if f.bbox is not None:
        conds.append(func.ST_Intersects(Route.geom, envelope(f.bbox)))
    if f.q:
        pattern = "%" + f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conds.append(or_(Route.name.ilike(pattern), Route.description.ilike(pattern)))
    if f.min_length_m is not None:
        conds.append(Route.length_m >= f.min_length_m)
    if f.max_length_m is not None:
        conds.append(Route.length_m <= f.max_length_m)
    if f.difficulty is not None:
        conds.append(Route.difficulty == f.difficulty)
    if f.ids is not None:
        conds.append(Route.id.in_(f.ids))
    if f.surface is not None:
        conds.append(
            exists().where(SurfaceSegment.route_id == Route.id, SurfaceSegment.surface == f.surface)
        )
    if f.friendly_for is not None:
        conds.append(
            exists().where(
                RouteFriendliness.route_id == Route.id,
                RouteFriendliness.audience == f.friendly_for,
                effective_level() == "friendly",
            )
        )
    return conds


def search_routes(session: Session, f: RouteFilters) -> RoutePage:
    """Routes matching the filters: nearest first when there is a centre, else newest."""
    conds = _conditions(f)
    count = select(func.count()).select_from(Route).where(*conds)
    total = session.execute(count).scalar_one()
    geometry = func.ST_AsGeoJSON(Route.geom_display, GEOJSON_DECIMALS).label("geometry")
    stmt: Select[Any] = select(*SUMMARY_COLUMNS, geometry).where(*conds)
    if f.centre is not None:
        distance = func.ST_Distance(
            geography(Route.geom), point_geography(f.centre.lon, f.centre.lat)
        ).label("distance_m")
        stmt = stmt.add_columns(distance).order_by(distance, Route.id)
    else:
        stmt = stmt.order_by(Route.created_at.desc(), Route.id.desc())
    rows = session.execute(stmt.limit(f.limit).offset(f.offset)).mappings().all()
    return RoutePage(total=total, rows=[dict(r) for r in rows])


def route_row(session: Session, route_id: int, *, wkb: bool = False) -> dict[str, Any] | None:
    """One route's columns and full geometry: GeoJSON text (3D when the file had
    elevation), or with `wkb` the 2D line as WKB bytes, for drawing (pages)."""
    geometry = (func.ST_AsBinary(func.ST_Force2D(Route.geom)) if wkb else case(
        (Route.has_elevation, func.ST_AsGeoJSON(Route.geom, GEOJSON_DECIMALS)),
        else_=func.ST_AsGeoJSON(func.ST_Force2D(Route.geom), GEOJSON_DECIMALS),
    )).label("geometry")
    stmt = select(*SUMMARY_COLUMNS, geometry, Route.max_grade_pct, Route.max_grade_at_m).where(
        Route.id == route_id
    )
    row = session.execute(stmt).mappings().one_or_none()
    return dict(row) if row is not None else None


def route_owner(session: Session, route_id: int) -> tuple[bool, int | None]:
    """(exists, owner id) of a route, without loading its geometry."""
    row = session.execute(select(Route.owner_id).where(Route.id == route_id)).one_or_none()
    return (False, None) if row is None else (True, row.owner_id)


def route_length(session: Session, route_id: int) -> float | None:
    """The route's length in metres, or None for an unknown id."""
    return session.execute(select(Route.length_m).where(Route.id == route_id)).scalar_one_or_none()


def route_profile(session: Session, route_id: int) -> list[list[float]] | None:
    """The stored elevation profile ([distance_m, ele_m] pairs), or None if unknown."""
    return session.execute(select(Route.profile).where(Route.id == route_id)).scalar_one_or_none()


def friendliness_of(session: Session, route_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Per route, per audience: level, source, reason and reasons (manual wins).

    `reason` is the English sentence; `reasons` the findings it is written from
    ({"code", "params"}, for pages to word in their language), or None for a manual
    reason in a person's own words.
    """
    rows = session.execute(
        select(RouteFriendliness).where(RouteFriendliness.route_id.in_(route_ids))
    ).scalars()
    out: dict[int, dict[str, Any]] = {rid: {} for rid in route_ids}
    for r in rows:
        if r.manual_level is not None:
            # Free text given by a person stays as given (no structure to translate).
            words = r.manual_reason == MANUAL_REASON
            out[r.route_id][r.audience] = {
                "level": r.manual_level,
                "source": "manual",
                "reason": r.manual_reason,
                "reasons": [Finding("set_by_hand").to_json()] if words else None,
            }
        else:
            findings = [Finding.from_json(f) for f in r.inferred_reasons]
            out[r.route_id][r.audience] = {
                "level": r.inferred_level,
                "source": "inferred",
                "reason": describe(findings),
                "reasons": [f.to_json() for f in findings],
            }
    return out


def surfaces_of(session: Session, route_id: int) -> list[dict[str, Any]]:
    """The route's surface segments, ordered along it."""
    rows = session.execute(
        select(
            SurfaceSegment.start_m, SurfaceSegment.end_m,
            SurfaceSegment.surface, SurfaceSegment.condition,
        )
        .where(SurfaceSegment.route_id == route_id)
        .order_by(SurfaceSegment.start_m)
    ).mappings()
    return [dict(r) for r in rows]


def waypoints_of(session: Session, route_id: int) -> list[dict[str, Any]]:
    """The route's waypoints in file order, with lon/lat."""
    rows = session.execute(
        select(
            Waypoint.id, Waypoint.name, Waypoint.description, Waypoint.kind,
            Waypoint.ele_m, Waypoint.time,
            func.ST_X(Waypoint.geom).label("lon"), func.ST_Y(Waypoint.geom).label("lat"),
        )
        .where(Waypoint.route_id == route_id)
        .order_by(Waypoint.position)
    ).mappings()
    return [dict(r) for r in rows]


def route_file(session: Session, route_id: int) -> tuple[bytes, str | None] | None:
    """The original uploaded bytes and file name."""
    row = session.execute(
        select(RouteFile.content, RouteFile.filename).where(RouteFile.route_id == route_id)
    ).one_or_none()
    return None if row is None else (row.content, row.filename)


def delete_route(session: Session, route_id: int) -> None:
    """Delete a route; its file, segments, levels and waypoints go with it (CASCADE)."""
    session.execute(delete(Route).where(Route.id == route_id))
