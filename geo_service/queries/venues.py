"""Venue searches: radius, k nearest, bounding box, along a route — GeoJSON from PostGIS.

Each function returns Features already serialised by the database (one JSON text per
venue), so no ORM objects are built on these paths. Distances are metres on the
WGS-84 ellipsoid. The statements are fixed text with bound parameters; optional
filters are written as `(:x IS NULL OR …)` so one statement serves every filter mix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo_service.queries.spatial import ENVELOPE_SQL, POINT_SQL, UTM_SRID_SQL


@dataclass(frozen=True)
class VenueFilters:
    """Attribute filters shared by every venue search; None means any."""

    type: str | None = None
    min_capacity: int | None = None
    amenities: tuple[str, ...] = ()  # all must hold
    indoor: bool | None = None
    organization_id: int | None = None
    q: str | None = None

    def params(self) -> dict[str, Any]:
        """Bound parameters for FILTER_SQL."""
        return {
            "type": self.type,
            "min_capacity": self.min_capacity,
            "amenities": list(self.amenities) or None,
            "indoor": self.indoor,
            "organization_id": self.organization_id,
            "q": _like(self.q) if self.q else None,
        }


@dataclass(frozen=True)
class VenuePage:
    """Features as JSON texts, and how many matched before paging."""

    total: int
    features: list[str]


def _like(q: str) -> str:
    """An ILIKE pattern matching q anywhere, with its wildcards escaped."""
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


FILTER_SQL = """
    (CAST(:type AS text) IS NULL OR v.type = :type)
    AND (CAST(:min_capacity AS integer) IS NULL OR v.capacity >= :min_capacity)
    AND (CAST(:amenities AS varchar[]) IS NULL OR v.amenities @> CAST(:amenities AS varchar[]))
    AND (CAST(:indoor AS boolean) IS NULL OR v.indoor = :indoor)
    AND (CAST(:organization_id AS integer) IS NULL OR v.organization_id = :organization_id)
    AND (CAST(:q AS text) IS NULL OR v.name ILIKE :q OR v.address ILIKE :q)
"""

PROPERTIES_SQL = """jsonb_build_object(
    'name', v.name, 'type', v.type, 'address', v.address, 'capacity', v.capacity,
    'indoor', v.indoor, 'amenities', to_jsonb(v.amenities), 'opening_hours', v.opening_hours,
    'contact', v.contact, 'external_id', v.external_id,
    'upcoming_events', (SELECT count(*) FROM events e WHERE e.venue_id = v.id
        AND e.status = 'scheduled' AND (e.last_ends_at IS NULL OR e.last_ends_at > now())),
    'organization', CASE WHEN o.id IS NULL THEN NULL ELSE jsonb_build_object(
        'id', o.id, 'key', o.key, 'name', o.name, 'kind', o.kind) END)"""


def _feature_sql(extra: str = "") -> str:
    """SQL for one venue Feature as text; `extra` adds jsonb properties."""
    props = PROPERTIES_SQL + (f" || jsonb_build_object({extra})" if extra else "")
    return (
        "jsonb_build_object('type', 'Feature', 'id', v.id,"
        " 'geometry', ST_AsGeoJSON(v.geom, 7)::jsonb,"
        f" 'properties', {props})::text"
    )


FROM_SQL = " FROM venues v LEFT JOIN organizations o ON o.id = v.organization_id "
DISTANCE_SQL = f"ST_Distance(geography(v.geom), {POINT_SQL})"
PAGE_SQL = " LIMIT :limit OFFSET :offset"


def _paged(hits: str, props: str = "") -> str:
    """Features for one page of `hits` (a query of id, d, a, total, ordered).

    Ranking and counting happen on bare ids and distances; the JSON of a Feature is
    built only for the rows of the page, not for every match.
    """
    return (
        f"WITH page AS MATERIALIZED ({hits})"
        f" SELECT page.total, {_feature_sql(props)} AS feature"
        " FROM page JOIN venues v ON v.id = page.id"
        " LEFT JOIN organizations o ON o.id = v.organization_id"
        " ORDER BY page.a NULLS FIRST, page.d NULLS FIRST, page.id"
    )


DISTANCE_PROP = "'distance_m', round(page.d::numeric, 1)"
ALONG_PROPS = DISTANCE_PROP + ", 'along_m', round(page.a::numeric, 1)"

_RADIUS = _paged(
    f"SELECT v.id, {DISTANCE_SQL} AS d, NULL::float8 AS a, count(*) OVER () AS total"
    f" FROM venues v WHERE ST_DWithin(geography(v.geom), {POINT_SQL}, :radius_m)"
    f" AND {FILTER_SQL} ORDER BY d, v.id" + PAGE_SQL,
    DISTANCE_PROP,
)

# k nearest in exact (ellipsoidal) order: the index's <-> ranks on the sphere, so
# take its k nearest, then everything within the farthest of those, exactly sorted.
_NEAREST = _paged(
    f"WITH knn AS (SELECT {DISTANCE_SQL} AS d FROM venues v WHERE {FILTER_SQL}"
    f" ORDER BY geography(v.geom) <-> {POINT_SQL} LIMIT :k),"
    " reach AS (SELECT max(d) + 0.001 AS dk FROM knn)"
    f" SELECT v.id, {DISTANCE_SQL} AS d, NULL::float8 AS a, count(*) OVER () AS total"
    f" FROM venues v, reach WHERE ST_DWithin(geography(v.geom), {POINT_SQL}, reach.dk)"
    f" AND {FILTER_SQL} ORDER BY d, v.id LIMIT :k",
    DISTANCE_PROP,
)

_BBOX = _paged(
    "SELECT v.id, NULL::float8 AS d, NULL::float8 AS a, count(*) OVER () AS total"
    f" FROM venues v WHERE v.geom && {ENVELOPE_SQL} AND {FILTER_SQL} ORDER BY v.id" + PAGE_SQL
)

_BBOX_CENTRE = _paged(
    f"SELECT v.id, {DISTANCE_SQL} AS d, NULL::float8 AS a, count(*) OVER () AS total"
    f" FROM venues v WHERE v.geom && {ENVELOPE_SQL} AND {FILTER_SQL}"
    " ORDER BY d, v.id" + PAGE_SQL,
    DISTANCE_PROP,
)

_ALL = _paged(
    "SELECT v.id, NULL::float8 AS d, NULL::float8 AS a, count(*) OVER () AS total"
    f" FROM venues v WHERE {FILTER_SQL} ORDER BY v.id" + PAGE_SQL
)

# Along a route: the route is cut into short pieces (≤16 vertices after densifying
# to 250 m) so the index finds candidates near each piece rather than inside the
# whole route's bounding box; along_m locates each venue on the nearest part in the
# local UTM plane and scales that fraction by the part's geodesic length, so it is
# consistent with the route's length_m. The CTEs are MATERIALIZED so the route is
# cut and projected once, not again for every candidate venue.
_ALONG = _paged(
    "WITH r AS MATERIALIZED (SELECT geom, " + UTM_SRID_SQL.format(p="start") + " AS srid"
    " FROM routes WHERE id = :route_id),"
    " pieces AS MATERIALIZED (SELECT geography(ST_Subdivide("
    "ST_Segmentize(geography(ST_Force2D(r.geom)), 250)::geometry, 16)) AS g FROM r),"
    " near AS MATERIALIZED (SELECT v.id, v.geom, min(ST_Distance(geography(v.geom), p.g)) AS d"
    " FROM venues v JOIN pieces p ON ST_DWithin(geography(v.geom), p.g, :within_m)"
    " WHERE " + FILTER_SQL + " GROUP BY v.id),"
    " cum AS MATERIALIZED (SELECT gm, len, sum(len) OVER (ORDER BY n) - len AS before"
    " FROM (SELECT d.path[1] AS n, ST_Transform(ST_Force2D(d.geom), r.srid) AS gm,"
    " ST_Length(geography(d.geom)) AS len FROM r, ST_Dump(r.geom) d) parts)"
    " SELECT near.id, near.d, located.a, count(*) OVER () AS total"
    " FROM near, r, LATERAL (SELECT ST_Transform(near.geom, r.srid) AS pm) m,"
    " LATERAL (SELECT c.before + c.len * ST_LineLocatePoint(c.gm, m.pm) AS a FROM cum c"
    " ORDER BY ST_Distance(c.gm, m.pm) LIMIT 1) located"
    " ORDER BY located.a, near.id" + PAGE_SQL,
    ALONG_PROPS,
)

STATEMENTS = {
    "radius": text(_RADIUS),
    "nearest": text(_NEAREST),
    "bbox": text(_BBOX),
    "bbox_centre": text(_BBOX_CENTRE),
    "all": text(_ALL),
    "along": text(_ALONG),
}


def _page(session: Session, name: str, params: dict[str, Any]) -> VenuePage:
    """Run one of STATEMENTS; total from the window count (0 rows: count again)."""
    rows = session.execute(STATEMENTS[name], params).all()
    if rows:
        return VenuePage(total=rows[0].total, features=[r.feature for r in rows])
    if params.get("offset"):
        # Past the last page: the window count is gone, so ask for the total alone.
        again = session.execute(STATEMENTS[name], {**params, "offset": 0, "limit": 1}).first()
        return VenuePage(total=again.total if again else 0, features=[])
    return VenuePage(total=0, features=[])


def venues_near(
    session: Session, lon: float, lat: float, radius_m: float, f: VenueFilters,
    limit: int = 50, offset: int = 0,
) -> VenuePage:
    """Venues within radius_m metres of (lon, lat), nearest first."""
    params = {"lon": lon, "lat": lat, "radius_m": radius_m, "limit": limit, "offset": offset}
    return _page(session, "radius", params | f.params())


def venues_nearest(session: Session, lon: float, lat: float, k: int, f: VenueFilters) -> VenuePage:
    """The k venues nearest to (lon, lat), in exact distance order."""
    return _page(session, "nearest", {"lon": lon, "lat": lat, "k": k} | f.params())


def venues_in_bbox(
    session: Session, bbox: tuple[float, float, float, float], f: VenueFilters,
    limit: int = 50, offset: int = 0, centre: tuple[float, float] | None = None,
) -> VenuePage:
    """Venues inside a WGS-84 box; nearest to `centre` first when one is given."""
    params: dict[str, Any] = dict(
        zip(("min_lon", "min_lat", "max_lon", "max_lat"), bbox, strict=True)
    ) | {"limit": limit, "offset": offset}
    if centre is None:
        return _page(session, "bbox", params | f.params())
    return _page(session, "bbox_centre", params | {"lon": centre[0], "lat": centre[1]} | f.params())


def venues_all(session: Session, f: VenueFilters, limit: int = 50, offset: int = 0) -> VenuePage:
    """Venues matching the filters, by id."""
    return _page(session, "all", {"limit": limit, "offset": offset} | f.params())


def venues_along(
    session: Session, route_id: int, within_m: float, f: VenueFilters,
    limit: int = 50, offset: int = 0,
) -> VenuePage:
    """Venues within within_m metres of a route, ordered by position along it."""
    params = {"route_id": route_id, "within_m": within_m, "limit": limit, "offset": offset}
    return _page(session, "along", params | f.params())


_ONE = text(f"SELECT {_feature_sql()} AS feature" + FROM_SQL + "WHERE v.id = :id")


def venue_feature(session: Session, venue_id: int) -> str | None:
    """One venue as a Feature (JSON text), or None."""
    return session.execute(_ONE, {"id": venue_id}).scalar_one_or_none()


_ORGANIZATIONS = text(
    "SELECT jsonb_build_object('id', o.id, 'key', o.key, 'name', o.name, 'kind', o.kind,"
    " 'description', o.description, 'contact', o.contact,"
    " 'venues', coalesce((SELECT jsonb_agg(jsonb_build_object('id', v.id, 'name', v.name,"
    " 'type', v.type, 'coordinates', jsonb_build_array(ST_X(v.geom), ST_Y(v.geom)))"
    " ORDER BY v.name) FROM venues v WHERE v.organization_id = o.id), '[]'::jsonb))::text"
    " AS org FROM organizations o"
    " ORDER BY CASE o.kind WHEN 'community' THEN 0 ELSE 1 END, o.name"
)


def organizations(session: Session) -> list[str]:
    """Every organization (community first) with its venues, as JSON texts."""
    return list(session.execute(_ORGANIZATIONS).scalars())
