"""Venue rows from GeoJSON: Point features whose properties are the CSV columns.

The position comes from the geometry (`[lon, lat]`, a third value ignored); `lat`
and `lon` properties are ignored. `row` is the feature's index + 1.
"""

from __future__ import annotations

import json
from typing import Any

from importers.errors import UnreadableVenueFile
from importers.venue_records import VenueFile
from importers.venues_csv import VenueRows, canonical_key, decode_text, show


def _load(text: str) -> Any:
    """The JSON document; syntax errors become UnreadableVenueFile."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableVenueFile(
            f"the file is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            line=exc.lineno,
            column=exc.colno,
        ) from exc
    except RecursionError as exc:
        raise UnreadableVenueFile("the file is not usable JSON: it is nested too deeply") from exc
    except ValueError as exc:  # e.g. an integer with thousands of digits
        raise UnreadableVenueFile(f"the file is not usable JSON: {exc}") from exc


def _kind(document: Any) -> str:
    """How a JSON value that is not a FeatureCollection or Feature describes itself."""
    if isinstance(document, dict):
        return f"an object of type {show(document.get('type'))}"
    return f"a JSON {type(document).__name__}"


def _features(document: Any) -> list[Any]:
    """The features of a FeatureCollection, or the one Feature itself."""
    kind = document.get("type") if isinstance(document, dict) else None
    if kind == "Feature":
        return [document]
    if kind == "FeatureCollection" and isinstance(document.get("features"), list):
        return list(document["features"])
    if kind == "FeatureCollection":
        raise UnreadableVenueFile("the FeatureCollection has no 'features' list")
    raise UnreadableVenueFile(
        f"the JSON is not a GeoJSON FeatureCollection or Feature; it is {_kind(document)}"
    )


def _position(geometry: Any) -> tuple[object, object]:
    """The raw (lon, lat) of a Point geometry; ValueError says what is wrong with it."""
    if geometry is None:
        raise ValueError("geometry is missing; it must be a Point")
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind != "Point":
        raise ValueError(f"geometry must be a Point, not {show(kind or geometry)}")
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) < 2:
        raise ValueError(f"Point coordinates must be [lon, lat], not {show(coordinates)}")
    return coordinates[0], coordinates[1]


def _properties(feature: dict[str, Any]) -> dict[str, object]:
    """The feature's known properties by canonical name (lat/lon left to the geometry)."""
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise ValueError(f"properties must be an object, not {show(properties)}")
    fields: dict[str, object] = {}
    for key, value in properties.items():
        name = canonical_key(key)
        if name in fields:
            raise ValueError(f"properties give {name} more than once")
        if name is not None and name not in ("lat", "lon"):
            fields[name] = value
    return fields


def _fields(feature: Any) -> tuple[dict[str, object], str | None]:
    """The fields of one feature, and a problem when it is not a usable Point feature."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return {}, f"item is not a GeoJSON Feature but {_kind(feature)}"
    try:
        fields = _properties(feature)
    except ValueError as exc:
        return {}, str(exc)
    try:
        fields["lon"], fields["lat"] = _position(feature.get("geometry"))
    except ValueError as exc:
        return fields, str(exc)
    return fields, None


def parse_venues_geojson(data: bytes) -> VenueFile:
    """Venue records from GeoJSON bytes; bad features are rejected, the others kept."""
    features = _features(_load(decode_text(data)))
    rows = VenueRows()
    for number, feature in enumerate(features, start=1):
        rows.add(number, *_fields(feature))
    return rows.result
