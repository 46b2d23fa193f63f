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
