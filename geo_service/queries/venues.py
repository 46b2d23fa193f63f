"""Venue searches: radius, k nearest, bounding box, along a route — GeoJSON from PostGIS.

Each function returns Features already serialised by the database (one JSON text per
venue), so no ORM objects are built on these paths. Distances are metres on the
WGS-84 ellipsoid. The statements are fixed text with bound parameters. The radius
and k-nearest searches write in only the filters in use, are run through psycopg, and
are prepared when unfiltered (their generic plans are safe; see _NEAREST); the others
write every filter as `(:x IS NULL OR …)`, so one text serves every filter mix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.orm import Session

from geo_service.queries.spatial import (
    ENVELOPE_SQL,
    EPS,
    MIDLAT_SQL,
    POINT_SQL,
    RADIUS_CENTRE_SQL,
    UTM_SRID_SQL,
)


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


# Each filter: its SQL type (for a NULL parameter) and its condition on `v`.
FILTERS: dict[str, tuple[str, str]] = {
    "type": ("text", "v.type = :type"),
    "min_capacity": ("integer", "v.capacity >= :min_capacity"),
    "amenities": ("varchar[]", "v.amenities @> CAST(:amenities AS varchar[])"),
    "indoor": ("boolean", "v.indoor = :indoor"),
    "organization_id": ("integer", "v.organization_id = :organization_id"),
    "q": ("text", "(v.name ILIKE :q OR v.address ILIKE :q)"),
}

# Every filter, each skipped when its parameter is NULL: one text for every mix.
FILTER_SQL = " AND ".join(
    f"(CAST(:{name} AS {sql_type}) IS NULL OR {condition})"
    for name, (sql_type, condition) in FILTERS.items()
)

# Properties as `json_build_object` arguments. json (not jsonb) because the text is
# passed through untouched: jsonb would parse, sort and re-print every object, a
# third of the k-nearest statement's time.
PROPERTIES_SQL = """
    'name', v.name, 'type', v.type, 'address', v.address, 'capacity', v.capacity,
    'indoor', v.indoor, 'amenities', to_json(v.amenities), 'opening_hours', v.opening_hours,
    'contact', v.contact, 'external_id', v.external_id,
    'upcoming_events', (SELECT count(*) FROM events e WHERE e.venue_id = v.id
        AND e.status = 'scheduled' AND (e.last_ends_at IS NULL OR e.last_ends_at > now())),
    'organization', CASE WHEN o.id IS NULL THEN NULL ELSE json_build_object(
        'id', o.id, 'key', o.key, 'name', o.name, 'kind', o.kind) END"""


def _feature_sql(extra: str = "") -> str:
    """SQL for one venue Feature as JSON text; `extra` adds properties (name, value, …)."""
    props = PROPERTIES_SQL + (f", {extra}" if extra else "")
    return (
        "json_build_object('type', 'Feature', 'id', v.id,"
        " 'geometry', ST_AsGeoJSON(v.geom, 7)::json,"
        f" 'properties', json_build_object({props}))::text"
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

# Radius: membership and order are exact (geodesic, WGS-84), but PostGIS's geodesic is
# the expensive part (~2.5 µs a call; a 500 m circle at 1M venues has ~760 index
# candidates). So each candidate first gets `ad`, the mid-latitude distance
# (spatial.MIDLAT_SQL): ad ≤ r(1-EPS) is inside, ad > r(1+EPS) is outside, and only
# the thin band between is measured exactly. For the page, every venue that could rank
# among the first offset+limit by geodesic distance has ad ≤ (that rank's
# ad)·(1+EPS)/(1-EPS): only those few are measured and sorted. Where the cheap distance
# does not hold (`fast` false) every candidate is measured. Half the database time.
_RADIUS_HITS = (
    f"WITH c AS MATERIALIZED ({RADIUS_CENTRE_SQL}),"
    f" cand AS (SELECT v.id, v.geom, {MIDLAT_SQL.format(p='v.geom')} AS ad"
    # _ST_Expand: the box ST_DWithin itself hands the geography index.
    " FROM venues v, c WHERE geography(v.geom) && _ST_Expand(c.g, c.r) AND {filters}),"
    " hits AS MATERIALIZED (SELECT cand.*, count(*) OVER () AS total FROM cand, c"
    " WHERE cand.ad <= c.r_in"
    " OR (cand.ad <= c.r_out AND ST_DWithin(geography(cand.geom), c.g, c.r))),"
    f" bound AS (SELECT CASE WHEN c.fast THEN hits.ad * {(1 + EPS) / (1 - EPS) + 1e-6:.6f} + 0.001"
    " ELSE 'Infinity' END AS b FROM hits, c ORDER BY hits.ad"
    " OFFSET CAST(:offset AS bigint) + :limit - 1 LIMIT 1)"
    " SELECT hits.id, ST_Distance(geography(hits.geom), c.g) AS d, NULL::float8 AS a, hits.total"
    " FROM hits, c WHERE hits.ad <= coalesce((SELECT b FROM bound), 'Infinity')"
    " ORDER BY d, hits.id" + PAGE_SQL
)
_RADIUS = _paged(_RADIUS_HITS, DISTANCE_PROP)

# k nearest in exact (ellipsoidal) order, in two index probes: the plain geometry
# index gives k candidates cheaply (nearest in degrees, so not the right k), and
# the farthest of them bounds the answer: the true k nearest all lie within that
# geodesic distance, so the second probe takes everything within it, sorted exactly.
# At most a few more than k rows match, so the Features are built in the same pass.
# (Ranking the geography index with <-> was about 3x slower for the first probe.)
#
# Without filters ("what is near me?", the common call) this statement runs
# prepared, with a generic plan (venues_nearest): planning it cost as much as running
# it. Generic plans are blind to parameter values, so the statement is written for
# that: k is a literal (a LIMIT parameter is costed as 10 % of the table: a parallel
# seq scan), and the centre is computed once in `c`, so custom and generic plans cost
# the same and PostgreSQL keeps the generic one after its five trial runs. Filters
# appear only when used (`:x IS NULL OR …` is costed as matching one row), and a
# filtered search is planned for its values every time: a generic plan guesses how
# common an amenity is and chose a bitmap scan of every venue with wifi.
_NEAREST_CENTRE = (
    "WITH c AS MATERIALIZED (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS pt,"
    f" {POINT_SQL} AS g),"
)
_NEAREST_PAGE = (
    f" SELECT {_feature_sql(DISTANCE_PROP)} AS feature FROM {{candidates}} v"
    " LEFT JOIN organizations o ON o.id = v.organization_id,"
    " LATERAL (SELECT ST_Distance(geography(v.geom), (SELECT g FROM c)) AS d) page"
    " WHERE {filters} ORDER BY page.d, v.id LIMIT {k}"
)
_NEAREST = (
    _NEAREST_CENTRE
    + " knn AS MATERIALIZED (SELECT ST_Distance(geography(v.geom), (SELECT g FROM c)) AS d"
    " FROM venues v ORDER BY v.geom <-> (SELECT pt FROM c) LIMIT {k})"
    + _NEAREST_PAGE.replace("{candidates}", "venues").replace(
        "WHERE {filters}", "WHERE ST_DWithin(geography(v.geom), (SELECT g FROM c),"
        " (SELECT max(d) + 0.001 FROM knn)) AND {filters}")
)
# With filters, the first probe walks the nearest venues until k match, and a filter
# that few venues meet made it walk them all: 3.3 s at a million venues for a name
# nobody has. So it looks at no more than the nearest window(k) venues (3 µs each; at
# k = 10 every filter met by 1 venue in 220 is found there); when fewer than k match
# among them, the matches are taken from the whole table instead ("the filter first",
# by an index where there is one, a sequential scan at worst: 0.15 to 0.4 s). The
# second probe reads the circle on the geography index alone and filters after
# (OFFSET 0 keeps the filters out): combined with the `type` index it read all
# 100,000 cafés (12 ms, now 3.6 ms).
def window(k: int) -> int:
    """How many of the nearest venues a filtered k-nearest search looks at first."""
    return 2000 + 20 * k


_NEAREST_FILTERED = (
    _NEAREST_CENTRE
    + " knn AS MATERIALIZED (SELECT ST_Distance(geography(v.geom), (SELECT g FROM c)) AS d"
    " FROM (SELECT * FROM venues v ORDER BY v.geom <-> (SELECT pt FROM c) LIMIT {window}) v"
    " WHERE {filters} LIMIT {k}),"
    " b AS MATERIALIZED (SELECT CASE WHEN count(*) = {k} THEN max(d) + 0.001 END AS r"
    " FROM knn)"
    + _NEAREST_PAGE.replace("{candidates}", "(SELECT * FROM (SELECT * FROM venues v"
                            " WHERE ST_DWithin(geography(v.geom), (SELECT g FROM c),"
                            " (SELECT r FROM b)) OFFSET 0) near UNION ALL SELECT * FROM"
                            " venues v WHERE (SELECT r FROM b) IS NULL)")
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

# Along a route, in four steps, each MATERIALIZED so it runs once:
#  1. pieces: the route (densified to ≤100 m segments on the ellipsoid) is cut into
#     consecutive pieces of ~PIECE_M, each with its geodesic length and the geodesic
#     distance before it (gaps between a multi-part route's tracks count nothing), in
#     the local UTM plane, and with a WGS-84 box grown by within_m (degrees made
#     generous on purpose: 110 km per degree is less than any degree on the ellipsoid).
#  2. pairs: the plain geometry index finds venues in each piece's box; the nearest
#     piece per venue is chosen by planar distance, which only prunes: UTM distorts by
#     at most ~0.1 % inside a zone, hence the margin.
#  3. near: the exact distance, geodesic from the venue to the closest point of its
#     piece, and along_m = the piece's start + the located fraction of its length.
#  4. the page, ordered by along_m.
# Small pieces keep every per-venue step cheap (a few dozen vertices, not the whole
# route); measuring a geography distance against the whole route for every
# candidate was 8x slower (docs/benchmarks.md).
PIECE_M = 500
_ALONG_HITS = (
    "WITH r AS MATERIALIZED (SELECT geom, " + UTM_SRID_SQL.format(p="start") + " AS srid"
    " FROM routes WHERE id = :route_id),"
    " verts AS MATERIALIZED (SELECT d.path[1] AS part, d.path[2] AS i, d.geom AS p,"
    " lead(d.geom) OVER (PARTITION BY d.path[1] ORDER BY d.path[2]) AS q"
    " FROM r, ST_DumpPoints(ST_Segmentize(geography(ST_Force2D(r.geom)), 100)::geometry) d),"
    " segs AS MATERIALIZED (SELECT part, i, p, q,"
    " ST_Distance(geography(p), geography(q)) AS len FROM verts WHERE q IS NOT NULL),"
    " cum AS MATERIALIZED (SELECT *, sum(len) OVER (ORDER BY part, i) - len AS before,"
    f" floor((sum(len) OVER (PARTITION BY part ORDER BY i) - len) / {PIECE_M}) AS piece"
    " FROM segs),"
    " pieces AS MATERIALIZED (SELECT row_number() OVER () AS k, before, len,"
    " ST_Transform(g, (SELECT srid FROM r)) AS gm,"
    " ST_Expand(g, :within_m / (110000.0 * cos(radians(least(89.0,"
    " greatest(abs(ST_YMin(g)), abs(ST_YMax(g))))))), :within_m / 110000.0) AS box"
    " FROM (SELECT min(before) AS before, sum(len) AS len,"
    " ST_MakeLine(array_agg(p ORDER BY i) || (array_agg(q ORDER BY i DESC))[1]) AS g"
    " FROM cum GROUP BY part, piece) c),"
    " pairs AS MATERIALIZED (SELECT DISTINCT ON (v.id) v.id, v.geom, pc.k, m.pm"
    " FROM pieces pc JOIN venues v ON v.geom && pc.box,"
    " LATERAL (SELECT ST_Transform(v.geom, (SELECT srid FROM r)) AS pm) m"
    " WHERE ST_DWithin(m.pm, pc.gm, :within_m * 1.001 + 1) AND " + FILTER_SQL +
    " ORDER BY v.id, ST_Distance(m.pm, pc.gm)),"
    " near AS MATERIALIZED (SELECT pairs.id,"
    " ST_Distance(geography(pairs.geom),"
    " geography(ST_Transform(ST_ClosestPoint(pc.gm, pairs.pm), 4326))) AS d,"
    " pc.before + pc.len * ST_LineLocatePoint(pc.gm, pairs.pm) AS a"
    " FROM pairs JOIN pieces pc USING (k))"
    " SELECT id, d, a, count(*) OVER () AS total FROM near WHERE d <= :within_m"
    " ORDER BY a, id" + PAGE_SQL
)
_ALONG = _paged(_ALONG_HITS, ALONG_PROPS)

STATEMENTS = {
    "bbox": text(_BBOX),
    "bbox_centre": text(_BBOX_CENTRE),
    "all": text(_ALL),
    "along": text(_ALONG),
}


def _page(fetch: Callable[[dict[str, Any]], Sequence[Any]], params: dict[str, Any]) -> VenuePage:
    """A page of (total, feature) rows from fetch(params); 0 rows: count again."""
    rows = fetch(params)
    if rows:
        return VenuePage(total=rows[0][0], features=[r[1] for r in rows])
    if params.get("offset"):
        # Past the last page: the window count is gone, so ask for the total alone.
        again = fetch(params | {"offset": 0, "limit": 1})
        return VenuePage(total=again[0][0] if again else 0, features=[])
    return VenuePage(total=0, features=[])


def _statement(session: Session, name: str) -> Callable[[dict[str, Any]], Sequence[Any]]:
    """fetch(params) for one of STATEMENTS, through SQLAlchemy."""
    return lambda params: session.execute(STATEMENTS[name], params).all()


def _active(f: VenueFilters) -> dict[str, Any]:
    """The parameters of the filters in use."""
    return {n: v for n, v in f.params().items() if v is not None}


_PSYCOPG = PGDialect_psycopg()  # type: ignore[no-untyped-call]


@lru_cache(maxsize=256)
def _compiled(template: str, active: tuple[str, ...]) -> str:
    """A statement with the filters in use written in, in psycopg's paramstyle."""
    filters = " AND ".join(["TRUE", *(FILTERS[n][1] for n in active)])
    return str(text(template.replace("{filters}", filters)).compile(dialect=_PSYCOPG))


def radius_statement(f: VenueFilters) -> tuple[str, dict[str, Any]]:
    """psycopg SQL and filter parameters of the radius search."""
    params = _active(f)
    return _compiled(_RADIUS, tuple(sorted(params))), params


def nearest_statement(k: int, f: VenueFilters) -> tuple[str, dict[str, Any]]:
    """psycopg SQL and filter parameters of the k-nearest search (k written in)."""
    params = _active(f)
    template = _NEAREST_FILTERED if params else _NEAREST
    sql = template.replace("{k}", str(int(k))).replace("{window}", str(window(int(k))))
    return _compiled(sql, tuple(sorted(params))), params


def _run(session: Session, sql: str, params: dict[str, Any], prepare: bool) -> list[Any]:
    """Rows of a psycopg statement on the session's connection.

    psycopg itself: SQLAlchemy cannot ask for a prepared statement, and its
    per-execution work was a tenth of a k-nearest request's time. Only searches
    without filters are prepared (see _NEAREST): their generic plans are safe.
    """
    raw = session.connection().connection.driver_connection
    assert raw is not None
    rows: list[Any] = raw.execute(sql, params, prepare=prepare).fetchall()
    return rows


def venues_near(
    session: Session, lon: float, lat: float, radius_m: float, f: VenueFilters,
    limit: int = 50, offset: int = 0,
) -> VenuePage:
    """Venues within radius_m metres of (lon, lat), nearest first."""
    sql, filters = radius_statement(f)
    params = filters | {"lon": lon, "lat": lat, "radius_m": radius_m}
    return _page(lambda p: _run(session, sql, p, not filters),
                 params | {"limit": limit, "offset": offset})


def venues_nearest(session: Session, lon: float, lat: float, k: int, f: VenueFilters) -> VenuePage:
    """The k venues nearest to (lon, lat), in exact distance order."""
    sql, params = nearest_statement(k, f)
    rows = _run(session, sql, params | {"lon": lon, "lat": lat}, not params)
    return VenuePage(total=len(rows), features=[r[0] for r in rows])


def venues_in_bbox(
    session: Session, bbox: tuple[float, float, float, float], f: VenueFilters,
    limit: int = 50, offset: int = 0, centre: tuple[float, float] | None = None,
) -> VenuePage:
    """Venues inside a WGS-84 box; nearest to `centre` first when one is given."""
    params: dict[str, Any] = dict(
        zip(("min_lon", "min_lat", "max_lon", "max_lat"), bbox, strict=True)
    ) | {"limit": limit, "offset": offset}
    if centre is None:
        return _page(_statement(session, "bbox"), params | f.params())
    centred = params | {"lon": centre[0], "lat": centre[1]}
    return _page(_statement(session, "bbox_centre"), centred | f.params())


def venues_all(session: Session, f: VenueFilters, limit: int = 50, offset: int = 0) -> VenuePage:
    """Venues matching the filters, by id."""
    return _page(_statement(session, "all"), {"limit": limit, "offset": offset} | f.params())


def venues_along(
    session: Session, route_id: int, within_m: float, f: VenueFilters,
    limit: int = 50, offset: int = 0,
) -> VenuePage:
    """Venues within within_m metres of a route, ordered by position along it."""
    params = {"route_id": route_id, "within_m": within_m, "limit": limit, "offset": offset}
    return _page(_statement(session, "along"), params | f.params())


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
