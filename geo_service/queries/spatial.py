"""Spatial building blocks shared by route and venue queries.

Everything measures on the WGS-84 ellipsoid through `geography` (metres). Tables
carry GiST indexes on the expression `geography(geom)`, so these helpers always
spell the cast that way: a typed cast such as geography(POINT,4326) would neither
match the index nor accept Z.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement


def geography(expr: Any) -> ColumnElement[Any]:
    """`geography(expr)`: the form the expression indexes are built on."""
    return func.geography(expr)


def point_geography(lon: float, lat: float) -> ColumnElement[Any]:
    """A WGS-84 point (degrees) as geography."""
    return geography(func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326))


def envelope(bbox: tuple[float, float, float, float]) -> ColumnElement[Any]:
    """minLon, minLat, maxLon, maxLat as a WGS-84 polygon (for && and intersects)."""
    return func.ST_MakeEnvelope(*bbox, 4326)


# The same ideas for the hand-written statements of venues.py (bound parameters
# :lon, :lat; no values are ever formatted into SQL).
POINT_SQL = "geography(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"
ENVELOPE_SQL = "ST_MakeEnvelope(:min_lon, :min_lat, :max_lon, :max_lat, 4326)"
# EPSG code of the UTM zone of a point: a metric plane for locating along a line.
UTM_SRID_SQL = (
    "(CASE WHEN ST_Y({p}) < 0 THEN 32700 ELSE 32600 END"
    " + LEAST(60, floor((ST_X({p}) + 180) / 6)::int + 1))"
)

# A cheap stand-in for the geodesic near a centre (the radius search, venues.py): the
# mid-latitude distance on the ellipsoid, with the radii of curvature at the centre and
# the cosine of the mean latitude. Within 4e-5 of the geodesic up to 50 km below 70°
# (tests/api/test_venues_radius.py checks 1e-3 up to 80° and 100 km), so a margin of
# EPS decides every point but a thin band; `fast` is false where it does not hold
# (near the poles, across the antimeridian, beyond 100 km).
EPS = 0.01
# The centre `c` (from :lon, :lat, :radius_m) with the local scale of the ellipsoid.
RADIUS_CENTRE_SQL = (
    "SELECT g, lon0, lat0, r,"
    " 6335439.327 * pi() / 180 / power(w, 1.5) AS my,"  # metres per degree of latitude
    " 6378137.0 * pi() / 180 / sqrt(w) AS nx,"  # … of longitude, times cos(latitude)
    f" fast, CASE WHEN fast THEN r * {1 - EPS} ELSE '-Infinity' END AS r_in,"
    f" CASE WHEN fast THEN r * {1 + EPS} ELSE 'Infinity' END AS r_out"
    " FROM (SELECT *, geography(ST_SetSRID(ST_MakePoint(lon0, lat0), 4326)) AS g,"
    " 1 - 0.00669437999014 * sin(radians(lat0)) ^ 2 AS w, abs(lat0) <= 80 AND r <= 100000"
    " AND abs(lon0) + degrees(r / (6378137.0 * cos(radians(abs(lat0) + 1)))) < 180 AS fast"
    " FROM (SELECT CAST(:lon AS float8) AS lon0, CAST(:lat AS float8) AS lat0,"
    " CAST(:radius_m AS float8) AS r) p) s"
)
# The mid-latitude distance in metres from `c` to the point {p}.
MIDLAT_SQL = (
    "sqrt((c.my * (ST_Y({p}) - c.lat0)) ^ 2"
    " + (c.nx * cos(radians((ST_Y({p}) + c.lat0) / 2)) * (ST_X({p}) - c.lon0)) ^ 2)"
)
