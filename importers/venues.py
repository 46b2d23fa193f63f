"""Venue files of either kind: CSV or GeoJSON, told apart by name, type or content."""

from __future__ import annotations

from pathlib import PurePath
from typing import Literal

from importers.venue_records import VenueFile
from importers.venues_csv import parse_venues_csv
from importers.venues_geojson import parse_venues_geojson

Format = Literal["csv", "geojson"]

EXTENSIONS: dict[str, Format] = {".csv": "csv", ".geojson": "geojson", ".json": "geojson"}
CONTENT_TYPES: dict[str, Format] = {
    "text/csv": "csv",
    "application/csv": "csv",
    "application/geo+json": "geojson",
    "application/vnd.geo+json": "geojson",
    "application/json": "geojson",
}


def _by_name(filename: str | None) -> Format | None:
    """The format a file name's extension promises, if any."""
    if not filename:
        return None
    return EXTENSIONS.get(PurePath(filename).suffix.lower())


def _by_content_type(content_type: str | None) -> Format | None:
    """The format a MIME type (parameters ignored) names, if any."""
    if not content_type:
        return None
    return CONTENT_TYPES.get(content_type.split(";", 1)[0].strip().lower())


def _by_content(data: bytes) -> Format:
    """GeoJSON when the first character that is not a space is '{', else CSV."""
    start = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    return "geojson" if start.startswith(b"{") else "csv"


def venue_format(
    data: bytes, filename: str | None = None, content_type: str | None = None
) -> Format:
    """CSV or GeoJSON: by extension, then content type, then the first character."""
    return _by_name(filename) or _by_content_type(content_type) or _by_content(data)


def parse_venues(
    data: bytes, filename: str | None = None, content_type: str | None = None
) -> VenueFile:
    """Venue records from a CSV or GeoJSON file; raises UnreadableVenueFile if unreadable."""
    if venue_format(data, filename, content_type) == "geojson":
        return parse_venues_geojson(data)
    return parse_venues_csv(data)
