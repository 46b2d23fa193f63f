"""Rows from the query layer → GeoJSON Features (RFC 7946) for the API.

Lengths are metres, durations seconds, times ISO 8601 with offset.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import Response
from flask import json as flask_json


def _iso(value: datetime | None) -> str | None:
    """ISO 8601 with offset, or None."""
    return value.isoformat() if value is not None else None


def _r(value: float | None, ndigits: int = 1) -> float | None:
    """Round a measure for display; keep None."""
    return round(value, ndigits) if value is not None else None


def route_properties(row: Mapping[str, Any]) -> dict[str, Any]:
    """The scalar properties shared by list items and the full route."""
    return {
        "name": row["name"],
        "description": row["description"],
        "length_m": _r(row["length_m"]),
        "ascent_m": _r(row["ascent_m"]),
        "descent_m": _r(row["descent_m"]),
        "min_ele_m": _r(row["min_ele_m"]),
        "max_ele_m": _r(row["max_ele_m"]),
        "duration_s": round(row["duration_s"]),
        "difficulty": row["difficulty"],
        "is_loop": row["is_loop"],
        "start": [row["start_lon"], row["start_lat"]],
        "point_count": row["point_count"],
        "created_at": _iso(row["created_at"]),
        "upcoming_events": row["upcoming_events"],
    }


def route_summary(row: Mapping[str, Any], friendliness: Mapping[str, Any]) -> dict[str, Any]:
    """A list item: simplified geometry, measures, friendliness, distance if any."""
    props = route_properties(row)
    props["friendliness"] = friendliness
    if "distance_m" in row:
        props["distance_m"] = _r(row["distance_m"])
    return {
        "type": "Feature",
        "id": row["id"],
        "geometry": json.loads(row["geometry"]),
        "properties": props,
    }


def waypoint(row: Mapping[str, Any]) -> dict[str, Any]:
    """One waypoint as a plain object with [lon, lat(, ele)] coordinates."""
    coords = [row["lon"], row["lat"]]
    if row["ele_m"] is not None:
        coords.append(row["ele_m"])
    return {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "kind": row["kind"],
        "coordinates": coords,
        "time": _iso(row["time"]),
    }


def route_detail_properties(
    row: Mapping[str, Any],
    surfaces: list[dict[str, Any]],
    friendliness: Mapping[str, Any],
    waypoints: list[dict[str, Any]],
) -> dict[str, Any]:
    """The properties of the full route Feature of GET /api/v1/routes/{id}."""
    props = route_properties(row)
    props.update(
        {
            "surface_segments": surfaces,
            "friendliness": friendliness,
            "waypoints": [waypoint(w) for w in waypoints],
            "max_grade_pct": _r(row["max_grade_pct"]),
            "max_grade_at_m": _r(row["max_grade_at_m"], 0),
        }
    )
    return props


def route_detail(
    row: Mapping[str, Any], geometry: Any, properties: dict[str, Any]
) -> dict[str, Any]:
    """The full route Feature with `geometry` as given (pages pass arrays to draw)."""
    return {"type": "Feature", "id": row["id"], "geometry": geometry, "properties": properties}


def route_detail_json(row: Mapping[str, Any], properties: dict[str, Any]) -> str:
    """The full route Feature as JSON text, the geometry as PostGIS wrote it.

    A long track's GeoJSON is megabytes (3 MB at 100,000 points): parsing it and
    writing it out again took half a second for nothing.
    """
    return (
        f'{{"type":"Feature","id":{int(row["id"])},"geometry":{row["geometry"]},'
        f'"properties":{flask_json.dumps(properties)}}}'
    )


def feature_collection(
    features: list[dict[str, Any]], total: int, limit: int, offset: int
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection with paging facts."""
    return {
        "type": "FeatureCollection",
        "features": features,
        "total": total,
        "limit": limit,
        "offset": offset,
    }


def raw_json(body: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response from text the database already serialised."""
    return Response(body, status, headers, mimetype="application/json")


def raw_collection(features: list[str], total: int, limit: int, offset: int) -> Response:
    """A FeatureCollection around Features serialised by the database (no re-parsing)."""
    head = f'{{"type":"FeatureCollection","total":{total},"limit":{limit},"offset":{offset},'
    return raw_json(head + '"features":[' + ",".join(features) + "]}")
