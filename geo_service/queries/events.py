"""Event reads and writes: the series that may touch a window, with their places.

Repeating events are stored once (rule + first occurrence); the window test here
only skips series that cannot overlap, and `events_core.occurrences` expands the
rest. Distances are metres on the WGS-84 ellipsoid, through the event's venue,
meeting point or route, whichever is nearest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from geo_service.models import Event, Organization, Route, RouteFile, Venue
from geo_service.queries.spatial import geography, point_geography


@dataclass(frozen=True)
class EventFilters:
    """What GET /api/v1/events filters on; None means any."""

    window_from: datetime | None = None
    window_to: datetime | None = None
    lon: float | None = None
    lat: float | None = None
    radius_m: float | None = None
    venue_id: int | None = None
    route_id: int | None = None
    q: str | None = None
    include_cancelled: bool = True


Org = aliased(Organization)


def _base() -> Select:  # type: ignore[type-arg]  # a wide row; columns named below
    """Events with their organizer, venue and route summaries, as flat columns."""
    stmt = (
        select(
            Event.id, Event.key, Event.title, Event.description, Event.starts_at,
            Event.ends_at, Event.rrule, Event.capacity, Event.signup_url, Event.tags,
            Event.status, Event.owner_id, Event.updated_at, Event.meeting_point_name,
            func.ST_X(Event.meeting_point).label("mp_lon"),
            func.ST_Y(Event.meeting_point).label("mp_lat"),
            Org.id.label("org_id"), Org.key.label("org_key"), Org.name.label("org_name"),
            Venue.id.label("venue_id"), Venue.name.label("venue_name"),
            Venue.address.label("venue_address"), Venue.type.label("venue_type"),
            func.ST_X(Venue.geom).label("venue_lon"), func.ST_Y(Venue.geom).label("venue_lat"),
            Route.id.label("route_id"), Route.name.label("route_name"),
            Route.length_m.label("route_length_m"),
            func.ST_X(Route.start).label("route_lon"), func.ST_Y(Route.start).label("route_lat"),
        )
        .outerjoin(Org, Org.id == Event.organizer_id)
        .outerjoin(Venue, Venue.id == Event.venue_id)
        .outerjoin(Route, Route.id == Event.route_id)
    )
    return stmt


def _distance(lon: float, lat: float) -> ColumnElement[Any]:
    """The nearest of venue, meeting point and route to (lon, lat), metres."""
    pt = point_geography(lon, lat)
    return func.least(
        func.ST_Distance(geography(Venue.geom), pt),
        func.ST_Distance(geography(Event.meeting_point), pt),
        func.ST_Distance(geography(Route.geom), pt),
    )


def _near(lon: float, lat: float, radius_m: float) -> ColumnElement[bool]:
    """The event's venue, meeting point or route lies within radius_m."""
    pt = point_geography(lon, lat)
    return or_(
        func.ST_DWithin(geography(Venue.geom), pt, radius_m),
        func.ST_DWithin(geography(Event.meeting_point), pt, radius_m),
        func.ST_DWithin(geography(Route.geom), pt, radius_m),
    )


def candidate_events(session: Session, f: EventFilters) -> list[dict[str, Any]]:
    """Event series that may overlap the window and match the filters, by start."""
    stmt = _base()
    if f.window_to is not None:
        stmt = stmt.where(Event.starts_at < f.window_to)
    if f.window_from is not None:
        stmt = stmt.where(or_(Event.last_ends_at.is_(None), Event.last_ends_at > f.window_from))
    if f.venue_id is not None:
        stmt = stmt.where(Event.venue_id == f.venue_id)
    if f.route_id is not None:
        stmt = stmt.where(Event.route_id == f.route_id)
    if f.q:
        pattern = "%" + f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(Event.title.ilike(pattern), Event.description.ilike(pattern)))
    if not f.include_cancelled:
        stmt = stmt.where(Event.status == "scheduled")
    if f.lon is not None and f.lat is not None:
        stmt = stmt.add_columns(_distance(f.lon, f.lat).label("distance_m"))
        if f.radius_m is not None:
            stmt = stmt.where(_near(f.lon, f.lat, f.radius_m))
    rows = session.execute(stmt.order_by(Event.starts_at, Event.id)).mappings().all()
    return [dict(r) for r in rows]


def event_row(session: Session, event_id: int) -> dict[str, Any] | None:
    """One event with its place summaries, or None."""
    row = session.execute(_base().where(Event.id == event_id)).mappings().one_or_none()
    return dict(row) if row is not None else None


def event_owner(session: Session, event_id: int) -> tuple[bool, int | None]:
    """(exists, owner id) of an event."""
    row = session.execute(select(Event.owner_id).where(Event.id == event_id)).one_or_none()
    return (False, None) if row is None else (True, row.owner_id)


def _columns(values: dict[str, Any]) -> dict[str, Any]:
    """Column values, with meeting_point (lon, lat) as a geometry."""
    cols = dict(values)
    if "meeting_point" in cols and cols["meeting_point"] is not None:
        lon, lat = cols["meeting_point"]
        cols["meeting_point"] = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    return cols


def create_event(session: Session, values: dict[str, Any]) -> int:
    """Insert one validated event; return its id."""
    stmt = insert(Event).values(**_columns(values)).returning(Event.id)
    return int(session.execute(stmt).scalar_one())


def update_event(session: Session, event_id: int, values: dict[str, Any]) -> None:
    """Change the given columns of one event."""
    if values:
        session.execute(
            update(Event).where(Event.id == event_id).values(**_columns(values),
                                                             updated_at=func.now())
        )


def delete_event(session: Session, event_id: int) -> None:
    """Delete one event."""
    session.execute(delete(Event).where(Event.id == event_id))


def event_values(session: Session, event_id: int) -> dict[str, Any] | None:
    """The stored columns a PATCH merges with (times, rule, places)."""
    row = session.execute(
        select(
            Event.starts_at, Event.ends_at, Event.rrule, Event.venue_id, Event.route_id,
            (Event.meeting_point.is_not(None)).label("has_meeting_point"),
        ).where(Event.id == event_id)
    ).mappings().one_or_none()
    return dict(row) if row is not None else None


def events_at(session: Session, *, venue_id: int | None = None, route_id: int | None = None) -> int:
    """How many events use a venue or a route (to refuse deleting it)."""
    cond = Event.venue_id == venue_id if venue_id is not None else Event.route_id == route_id
    return int(session.execute(select(func.count()).where(cond)).scalar_one())


def exists(session: Session, model: type[Venue] | type[Route] | type[Organization],
           ident: int) -> bool:
    """Whether a row with this id exists."""
    return session.execute(select(literal(1)).where(model.id == ident)).first() is not None


def event_keys(session: Session) -> set[str]:
    """Keys of events loaded from sample data."""
    keys = session.execute(select(Event.key).where(Event.key.is_not(None))).scalars()
    return {k for k in keys if k is not None}


def venue_id_by_external(session: Session, external_id: str) -> int:
    """The id of the venue with this external_id (KeyError if none)."""
    found = session.execute(select(Venue.id).where(Venue.external_id == external_id)).scalar()
    if found is None:
        raise KeyError(f"no venue with external_id {external_id!r}")
    return int(found)


def route_id_by_filename(session: Session, filename: str) -> int:
    """The id of the route imported from a file of this name (KeyError if none)."""
    found = session.execute(
        select(RouteFile.route_id).where(RouteFile.filename == filename)
    ).scalar()
    if found is None:
        raise KeyError(f"no route imported from {filename!r}")
    return int(found)
