"""Request schemas: every parameter is checked here, at the edge.

A bad parameter becomes a 400 whose message names it (see errors.py).
"""

from __future__ import annotations

import math
from typing import Any

from apiflask import Schema, fields, validators
from flask import current_app
from marshmallow import ValidationError, validates_schema

from geo_service.vocabulary import (
    AMENITIES,
    AUDIENCES,
    CONDITIONS,
    DIFFICULTIES,
    LEVELS,
    SURFACES,
    VENUE_TYPES,
)

MAX_LIMIT = 500


class BBox(fields.Field):  # type: ignore[type-arg]
    """`minLon,minLat,maxLon,maxLat` in WGS-84 degrees."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        """Parse and check the four numbers."""
        parts = str(value).split(",")
        if len(parts) != 4:
            raise ValidationError("Expected four numbers: minLon,minLat,maxLon,maxLat.")
        try:
            nums = [float(p) for p in parts]
        except ValueError as exc:
            raise ValidationError("Every bbox value must be a number.") from exc
        min_lon, min_lat, max_lon, max_lat = nums
        if not all(math.isfinite(n) for n in nums):
            raise ValidationError("bbox values must be finite numbers.")
        if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
            raise ValidationError("bbox longitudes must be within -180..180.")
        if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
            raise ValidationError("bbox latitudes must be within -90..90.")
        if min_lon > max_lon or min_lat > max_lat:
            raise ValidationError("bbox minimum must not exceed its maximum.")
        return (min_lon, min_lat, max_lon, max_lat)


def _finite(value: float) -> bool:
    """Reject NaN and infinities that Float() would otherwise let through."""
    if not math.isfinite(value):
        raise ValidationError("Must be a finite number.")
    return True


def _printable(value: str) -> bool:
    """Refuse NUL and other control characters (PostgreSQL text cannot hold NUL)."""
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValidationError("Must not contain control characters.")
    return True


class PagingQuery(Schema):
    """limit / offset of every list."""

    limit = fields.Integer(load_default=50, validate=validators.Range(min=1, max=MAX_LIMIT))
    offset = fields.Integer(load_default=0, validate=validators.Range(min=0))


class CentreQuery(PagingQuery):
    """lat / lon / radius_m, checked together."""

    lat = fields.Float(validate=[validators.Range(min=-90, max=90), _finite])
    lon = fields.Float(validate=[validators.Range(min=-180, max=180), _finite])
    radius_m = fields.Float(validate=[validators.Range(min=0, min_inclusive=False), _finite])
    bbox = BBox()

    @validates_schema
    def _pairs(self, data: dict[str, Any], **kwargs: Any) -> None:
        """lat needs lon and the reverse; radius_m needs a centre and a ceiling."""
        if ("lat" in data) != ("lon" in data):
            missing = "lon" if "lat" in data else "lat"
            raise ValidationError(f"'{missing}' is required with '{_other(missing)}'.", missing)
        if "radius_m" in data:
            if "lat" not in data:
                raise ValidationError("'radius_m' needs 'lat' and 'lon'.", "radius_m")
            ceiling = current_app.config["MAX_RADIUS_M"]
            if data["radius_m"] > ceiling:
                raise ValidationError(f"Must be at most {ceiling:g} metres.", "radius_m")


def _other(name: str) -> str:
    """The partner of lat/lon."""
    return "lat" if name == "lon" else "lon"


class RouteSearchQuery(CentreQuery):
    """GET /api/v1/routes."""

    q = fields.String(validate=[validators.Length(max=200), _printable])  # empty means any
    min_length_m = fields.Float(validate=[validators.Range(min=0), _finite])
    max_length_m = fields.Float(validate=[validators.Range(min=0), _finite])
    difficulty = fields.String(validate=validators.OneOf(DIFFICULTIES))
    surface = fields.String(validate=validators.OneOf(SURFACES))
    friendly_for = fields.String(validate=validators.OneOf(AUDIENCES))


class UploadForm(Schema):
    """POST /api/v1/routes: multipart form."""

    file = fields.File(required=True)  # type: ignore[no-untyped-call]
    name = fields.String(validate=[validators.Length(min=1, max=200), _printable])
    description = fields.String(validate=[validators.Length(max=10_000), _printable])


class SurfaceSegmentIn(Schema):
    """One surface segment."""

    start_m = fields.Float(required=True, validate=[validators.Range(min=0), _finite])
    end_m = fields.Float(required=True, validate=[validators.Range(min=0), _finite])
    surface = fields.String(required=True, validate=validators.OneOf(SURFACES))
    condition = fields.String(required=True, validate=validators.OneOf(CONDITIONS))


class SurfaceBody(Schema):
    """PUT /api/v1/routes/{id}/surface."""

    segments = fields.List(fields.Nested(SurfaceSegmentIn), required=True)


# PUT …/friendliness: {audience: level | null}; one optional field per audience.
FriendlinessBody: type[Schema] = Schema.from_dict(  # type: ignore[assignment]
    {a: fields.String(allow_none=True, validate=validators.OneOf(LEVELS)) for a in AUDIENCES},
    name="FriendlinessBody",
)


class VenueFilterQuery(PagingQuery):
    """Attribute filters of every venue list."""

    type = fields.String(validate=validators.OneOf(VENUE_TYPES))
    min_capacity = fields.Integer(validate=validators.Range(min=0, max=1_000_000))
    amenity = fields.List(fields.String(validate=validators.OneOf(AMENITIES)))
    indoor = fields.Boolean()
    organization = fields.String(validate=[validators.Length(min=1, max=64), _printable])
    q = fields.String(validate=[validators.Length(max=200), _printable])


class VenueSearchQuery(CentreQuery, VenueFilterQuery):
    """GET /api/v1/venues: radius, k nearest, bbox, or filters alone."""

    k = fields.Integer(validate=validators.Range(min=1, max=MAX_LIMIT))

    @validates_schema
    def _k_needs_centre(self, data: dict[str, Any], **kwargs: Any) -> None:
        """k needs lat/lon and excludes radius_m."""
        if "k" in data:
            if "lat" not in data:
                raise ValidationError("'k' needs 'lat' and 'lon'.", "k")
            if "radius_m" in data:
                raise ValidationError("Use either 'radius_m' or 'k', not both.", "k")


class AlongQuery(VenueFilterQuery):
    """GET /api/v1/routes/{id}/venues."""

    within_m = fields.Float(
        load_default=300.0,
        validate=[validators.Range(min=0, min_inclusive=False, max=5000), _finite],
    )


class GeoJSONPoint(Schema):
    """A GeoJSON Point geometry."""

    type = fields.String(required=True, validate=validators.Equal("Point"))
    coordinates = fields.List(
        fields.Float(validate=_finite), required=True, validate=validators.Length(min=2, max=3)
    )

    @validates_schema
    def _ranges(self, data: dict[str, Any], **kwargs: Any) -> None:
        """[lon, lat] inside the WGS-84 ranges."""
        lon, lat = data["coordinates"][:2]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValidationError("Coordinates must be [lon, lat] within range.", "coordinates")


class VenueIn(Schema):
    """POST /api/v1/venues (PATCH takes the same fields, all optional)."""

    name = fields.String(required=True, validate=[validators.Length(min=1, max=200), _printable])
    type = fields.String(required=True, validate=validators.OneOf(VENUE_TYPES))
    lat = fields.Float(validate=[validators.Range(min=-90, max=90), _finite])
    lon = fields.Float(validate=[validators.Range(min=-180, max=180), _finite])
    geometry = fields.Nested(GeoJSONPoint)
    address = fields.String(allow_none=True, validate=[validators.Length(max=500), _printable])
    capacity = fields.Integer(allow_none=True, validate=validators.Range(min=0, max=1_000_000))
    indoor = fields.Boolean(allow_none=True)
    amenities = fields.List(fields.String(validate=validators.OneOf(AMENITIES)))
    opening_hours = fields.String(
        allow_none=True, validate=[validators.Length(max=255), _printable]
    )
    contact = fields.String(allow_none=True, validate=[validators.Length(max=200), _printable])
    external_id = fields.String(
        allow_none=True, validate=[validators.Length(min=1, max=100), _printable]
    )
    organization = fields.String(allow_none=True, validate=validators.Length(min=1, max=64))

    @validates_schema
    def _place(self, data: dict[str, Any], partial: bool = False, **kwargs: Any) -> None:
        """A place as lat+lon or a GeoJSON Point (required on create)."""
        has_pair = "lat" in data or "lon" in data
        if has_pair and ("lat" in data) != ("lon" in data):
            missing = "lon" if "lat" in data else "lat"
            raise ValidationError(f"'{missing}' is required with '{_other(missing)}'.", missing)
        if has_pair and "geometry" in data:
            raise ValidationError("Give lat/lon or geometry, not both.", "geometry")
        if not partial and not has_pair and "geometry" not in data:
            raise ValidationError("A venue needs 'lat' and 'lon' or a Point 'geometry'.", "lat")


class VenueImportForm(Schema):
    """POST /api/v1/venues/import: multipart with one CSV or GeoJSON file."""

    file = fields.File(required=True)  # type: ignore[no-untyped-call]


class EventQuery(CentreQuery):
    """GET /api/v1/events (and the .ics feeds)."""

    from_ = fields.String(data_key="from", validate=validators.Length(max=40))
    to = fields.String(validate=validators.Length(max=40))
    venue_id = fields.Integer(validate=validators.Range(min=1, max=2**31 - 1))
    route_id = fields.Integer(validate=validators.Range(min=1, max=2**31 - 1))
    q = fields.String(validate=[validators.Length(max=200), _printable])


class MeetingPoint(Schema):
    """Where to meet when it is not a venue: lat/lon (WGS-84) and a name."""

    lat = fields.Float(required=True, validate=[validators.Range(min=-90, max=90), _finite])
    lon = fields.Float(required=True, validate=[validators.Range(min=-180, max=180), _finite])
    name = fields.String(allow_none=True, validate=[validators.Length(max=200), _printable])


class EventIn(Schema):
    """POST /api/v1/events (PATCH: the same fields, all optional).

    Times are ISO 8601; one without an offset is Asia/Shanghai time.
    """

    title = fields.String(required=True, validate=[validators.Length(min=1, max=200), _printable])
    description = fields.String(
        allow_none=True, validate=[validators.Length(max=20_000), _printable]
    )
    starts_at = fields.String(required=True, validate=validators.Length(min=4, max=40))
    ends_at = fields.String(required=True, validate=validators.Length(min=4, max=40))
    rrule = fields.String(allow_none=True, validate=validators.Length(max=500))
    organizer = fields.String(allow_none=True, validate=validators.Length(min=1, max=64))
    capacity = fields.Integer(allow_none=True, validate=validators.Range(min=0, max=1_000_000))
    signup_url = fields.URL(allow_none=True, schemes={"http", "https"},
                            validate=validators.Length(max=500))
    tags = fields.List(fields.String(validate=[validators.Length(min=1, max=40), _printable]),
                       validate=validators.Length(max=20))
    status = fields.String(validate=validators.OneOf(("scheduled", "cancelled")))
    venue_id = fields.Integer(allow_none=True, validate=validators.Range(min=1, max=2**31 - 1))
    route_id = fields.Integer(allow_none=True, validate=validators.Range(min=1, max=2**31 - 1))
    meeting_point = fields.Nested(MeetingPoint, allow_none=True)
