"""Tables: columns and indexes only. Geometries are WGS-84 (SRID 4326).

Distances are computed on the ellipsoid through `geography`; the GiST indexes on
`(geom::geography)` expressions let ST_DWithin on geography use an index without a
second stored column.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of every table."""


class User(Base):
    """Someone who may write: a token holder with a role."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    # SHA-256 of the token: tokens are 256-bit random, so a fast hash is enough.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    __table_args__ = (
        CheckConstraint("role IN ('admin', 'organizer', 'member')", name="users_role"),
    )


class Route(Base):
    """A hiking route made from a GPX track or route, with its derived measures."""

    __tablename__ = "routes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Full resolution, segments kept apart; Z is elevation in metres (0 when unknown,
    # see has_elevation).
    geom: Mapped[WKBElement] = mapped_column(
        Geometry("MULTILINESTRINGZ", srid=4326, spatial_index=False)
    )
    # Simplified in metres for lists and overview maps.
    geom_display: Mapped[WKBElement] = mapped_column(
        Geometry("MULTILINESTRING", srid=4326, spatial_index=False)
    )
    start: Mapped[WKBElement] = mapped_column(
        Geometry("POINT", srid=4326, spatial_index=False)
    )
    length_m: Mapped[float] = mapped_column(Float)
    ascent_m: Mapped[float | None] = mapped_column(Float)
    descent_m: Mapped[float | None] = mapped_column(Float)
    min_ele_m: Mapped[float | None] = mapped_column(Float)
    max_ele_m: Mapped[float | None] = mapped_column(Float)
    duration_s: Mapped[float] = mapped_column(Float)
    effort_km: Mapped[float] = mapped_column(Float)
    difficulty: Mapped[str] = mapped_column(String(16))
    is_loop: Mapped[bool]
    has_elevation: Mapped[bool]
    has_times: Mapped[bool]
    point_count: Mapped[int] = mapped_column(Integer)
    max_grade_pct: Mapped[float | None] = mapped_column(Float)
    max_grade_at_m: Mapped[float | None] = mapped_column(Float)
    # At most ~1000 [distance_m, ele_m] pairs, computed once at import.
    profile: Mapped[list[list[float]]] = mapped_column(JSONB)
    source_format: Mapped[str] = mapped_column(String(16))  # e.g. "gpx-1.1/track"
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    file: Mapped[RouteFile] = relationship(back_populates="route", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("difficulty IN ('easy', 'moderate', 'hard')", name="routes_difficulty"),
        Index("routes_geog_gist", text("(geom::geography)"), postgresql_using="gist"),
        Index("routes_geom_gist", "geom", postgresql_using="gist"),
        Index("routes_start_gist", text("(start::geography)"), postgresql_using="gist"),
        Index("routes_name_lower", text("lower(name)")),
    )


class RouteFile(Base):
    """The uploaded file, byte for byte; its hash makes a second upload a conflict."""

    __tablename__ = "route_files"

    route_id: Mapped[int] = mapped_column(
        ForeignKey("routes.id", ondelete="CASCADE"), primary_key=True
    )
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str | None] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)

    route: Mapped[Route] = relationship(back_populates="file")


class SurfaceSegment(Base):
    """A stretch [start_m, end_m) of a route with its surface and condition."""

    __tablename__ = "surface_segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("routes.id", ondelete="CASCADE"), index=True)
    start_m: Mapped[float] = mapped_column(Float)
    end_m: Mapped[float] = mapped_column(Float)
    surface: Mapped[str] = mapped_column(String(32))
    condition: Mapped[str] = mapped_column(String(8))

    __table_args__ = (CheckConstraint("end_m > start_m", name="surface_segments_order"),)


class RouteFriendliness(Base):
    """One audience's level on one route: inferred from the data, maybe set by hand.

    The effective level is the manual one when set, else the inferred one; both are
    kept so that clearing a manual level (PUT null) falls back without recomputing.
    """

    __tablename__ = "route_friendliness"

    route_id: Mapped[int] = mapped_column(
        ForeignKey("routes.id", ondelete="CASCADE"), primary_key=True
    )
    audience: Mapped[str] = mapped_column(String(16), primary_key=True)
    inferred_level: Mapped[str] = mapped_column(String(16))
    # Why, as findings ({"code", "params"}, see friendliness.Finding): each page words
    # them in its language; the API's English `reason` is written from them.
    inferred_reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
    manual_level: Mapped[str | None] = mapped_column(String(16))
    manual_reason: Mapped[str | None] = mapped_column(Text)


class Waypoint(Base):
    """A named point of a route: water, toilet, viewpoint, parking, bus stop…"""

    __tablename__ = "waypoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("routes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # order in the file
    name: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(64))
    ele_m: Mapped[float | None] = mapped_column(Float)
    time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    geom: Mapped[WKBElement] = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))

    __table_args__ = (UniqueConstraint("route_id", "position", name="waypoints_route_position"),)


class Organization(Base):
    """The community itself or a partner offering venues (the supporter network)."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # stable slug used by imports
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        CheckConstraint("kind IN ('community', 'partner')", name="organizations_kind"),
    )


class Venue(Base):
    """A place that can host people, with what it offers.

    `geom` is a WGS-84 point; distances go through the `(geom::geography)` index.
    """

    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(Text)
    capacity: Mapped[int | None] = mapped_column(Integer)
    indoor: Mapped[bool | None]
    amenities: Mapped[list[str]] = mapped_column(ARRAY(String(32)), server_default="{}")
    opening_hours: Mapped[str | None] = mapped_column(String(255))
    contact: Mapped[str | None] = mapped_column(String(200))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    geom: Mapped[WKBElement] = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="venues_capacity"),
        Index("venues_geog_gist", text("geography(geom)"), postgresql_using="gist"),
        Index("venues_geom_gist", "geom", postgresql_using="gist"),
        Index("venues_amenities_gin", "amenities", postgresql_using="gin"),
        Index("venues_type", "type"),
    )


class Event(Base):
    """A community event tied to a place: a venue, a route, a meeting point, or several.

    Times are stored time-zone aware. A repeating event keeps its RFC 5545 rule and
    the first occurrence in starts_at/ends_at; `last_ends_at` is when its last
    occurrence ends (NULL for a rule without end), so a window query can skip series
    that are over without expanding them.
    """

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(64), unique=True)  # sample data's id
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rrule: Mapped[str | None] = mapped_column(String(500))
    last_ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    capacity: Mapped[int | None] = mapped_column(Integer)
    signup_url: Mapped[str | None] = mapped_column(String(500))
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(40)), server_default="{}")
    status: Mapped[str] = mapped_column(String(16), server_default="scheduled")
    # RESTRICT: a venue or route with events cannot silently lose them (the API
    # answers 409 first).
    venue_id: Mapped[int | None] = mapped_column(
        ForeignKey("venues.id", ondelete="RESTRICT"), index=True
    )
    route_id: Mapped[int | None] = mapped_column(
        ForeignKey("routes.id", ondelete="RESTRICT"), index=True
    )
    meeting_point: Mapped[WKBElement | None] = mapped_column(
        Geometry("POINT", srid=4326, spatial_index=False)
    )
    meeting_point_name: Mapped[str | None] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="events_order"),
        CheckConstraint(
            "venue_id IS NOT NULL OR route_id IS NOT NULL OR meeting_point IS NOT NULL",
            name="events_place",
        ),
        CheckConstraint("status IN ('scheduled', 'cancelled')", name="events_status"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="events_capacity"),
        Index("events_window", "starts_at", "last_ends_at"),
        Index(
            "events_meeting_geog_gist", text("geography(meeting_point)"), postgresql_using="gist"
        ),
    )
