"""Events: list (occurrences in a window), one event, writes; events of a route or venue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, request, url_for

from geo_service import agenda, serializers
from geo_service.api import bp
from geo_service.api.auth import auth, current_user, may_change
from geo_service.api.schemas import EventIn, EventQuery
from geo_service.db import get_session
from geo_service.errors import ApiError, bad_parameter, not_found
from geo_service.events_core import parse_when, parse_window, validate_rrule
from geo_service.models import Route, Venue
from geo_service.queries import events as q
from geo_service.queries.venue_writes import find_organization

WRITERS = ["organizer", "admin"]


def event_page_url(event_id: int) -> str:
    """Absolute URL of the event's page (PUBLIC_BASE_URL when set)."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.url_root
    return base.rstrip("/") + f"/events/{event_id}"


def filters_from(query: dict[str, Any]) -> q.EventFilters:
    """EventFilters from validated parameters; bad dates and unknown ids are 400/404."""
    try:
        start, end = parse_window(query.get("from_"), query.get("to"))
    except ValueError as exc:
        name = "to" if str(exc).startswith("to") else "from"
        raise bad_parameter(name, f"Invalid parameter '{name}': {exc}") from exc
    session = get_session()
    for name, model in (("venue_id", Venue), ("route_id", Route)):
        if name in query and not q.exists(session, model, query[name]):
            raise bad_parameter(name, f"Invalid parameter '{name}': no such {name[:-3]}.")
    return q.EventFilters(
        window_from=start, window_to=end, lon=query.get("lon"), lat=query.get("lat"),
        radius_m=query.get("radius_m"), venue_id=query.get("venue_id"),
        route_id=query.get("route_id"), q=query.get("q") or None,
    )


def occurrence_page(f: q.EventFilters, limit: int, offset: int) -> dict[str, Any]:
    """A FeatureCollection of the occurrences matching f, by start."""
    expanded = agenda.expand(q.candidate_events(get_session(), f), f.window_from, f.window_to)
    page = expanded[offset : offset + limit]
    features = [agenda.event_feature(r, o, event_page_url(r["id"])) for r, o in page]
    return serializers.feature_collection(features, len(expanded), limit, offset)


@bp.get("/events")
@bp.input(EventQuery, location="query", arg_name="query")
def list_events(query: dict[str, Any]) -> Any:
    """Occurrences overlapping from/to, near a point, at a venue or on a route."""
    return occurrence_page(filters_from(query), query["limit"], query["offset"])


@bp.get("/routes/<id:route_id>/events")
@bp.input(EventQuery, location="query", arg_name="query")
def route_events(route_id: int, query: dict[str, Any]) -> Any:
    """The events on one route."""
    if not q.exists(get_session(), Route, route_id):
        raise not_found("route", route_id)
    return occurrence_page(filters_from(query | {"route_id": route_id}),
                           query["limit"], query["offset"])


@bp.get("/venues/<id:venue_id>/events")
@bp.input(EventQuery, location="query", arg_name="query")
def venue_events(venue_id: int, query: dict[str, Any]) -> Any:
    """The events at one venue."""
    if not q.exists(get_session(), Venue, venue_id):
        raise not_found("venue", venue_id)
    return occurrence_page(filters_from(query | {"venue_id": venue_id}),
                           query["limit"], query["offset"])


@bp.get("/events/<id:event_id>")
def get_event(event_id: int) -> Any:
    """One event (its first occurrence and rule) with venue and route summaries."""
    row = q.event_row(get_session(), event_id)
    if row is None:
        raise not_found("event", event_id)
    return agenda.event_feature(row, None, event_page_url(event_id))


def _time(name: str, text: str) -> datetime:
    """Parse a time field or answer 400 naming it."""
    try:
        return parse_when(text)
    except ValueError as exc:
        raise bad_parameter(name, f"Invalid parameter '{name}': {exc}") from exc


def _values(data: dict[str, Any], stored: dict[str, Any] | None) -> dict[str, Any]:
    """Checked column values: times, rule, organizer, places (merged with stored)."""
    session = get_session()
    values = {k: v for k, v in data.items() if k not in ("organizer", "meeting_point")}
    for name in ("starts_at", "ends_at"):
        if name in data:
            values[name] = _time(name, data[name])
    merged = (stored or {}) | values
    if merged["ends_at"] <= merged["starts_at"]:
        raise bad_parameter("ends_at", "Invalid parameter 'ends_at': it must be after starts_at.")
    if merged.get("rrule"):
        try:
            values["rrule"] = validate_rrule(merged["rrule"], merged["starts_at"])
        except ValueError as exc:
            raise bad_parameter("rrule", f"Invalid parameter 'rrule': {exc}") from exc
    values["last_ends_at"] = agenda.last_ends_at(
        merged["starts_at"], merged["ends_at"], values.get("rrule", merged.get("rrule"))
    )
    if "organizer" in data:
        ref = data["organizer"]
        values["organizer_id"] = None if ref is None else find_organization(session, ref)
        if ref is not None and values["organizer_id"] is None:
            raise bad_parameter("organizer", f"Invalid parameter 'organizer': unknown '{ref}'.")
    for name, model in (("venue_id", Venue), ("route_id", Route)):
        if data.get(name) is not None and not q.exists(session, model, data[name]):
            raise bad_parameter(name, f"Invalid parameter '{name}': no such {name[:-3]}.")
    if "meeting_point" in data:
        mp = data["meeting_point"]
        values["meeting_point"] = None if mp is None else (mp["lon"], mp["lat"])
        values["meeting_point_name"] = None if mp is None else mp.get("name")
    _require_place(values, stored)
    return values


def _require_place(values: dict[str, Any], stored: dict[str, Any] | None) -> None:
    """At least one of venue, route, meeting point after the change."""
    old = stored or {}
    venue = values.get("venue_id", old.get("venue_id"))
    route = values.get("route_id", old.get("route_id"))
    meeting = values["meeting_point"] is not None if "meeting_point" in values else bool(
        old.get("has_meeting_point")
    )
    if venue is None and route is None and not meeting:
        raise bad_parameter(
            "venue_id", "An event needs at least one of venue_id, route_id, meeting_point."
        )


@bp.post("/events")
@bp.auth_required(auth, roles=WRITERS)
@bp.input(EventIn, arg_name="data")
def create_event(data: dict[str, Any]) -> Any:
    """Add an event (organizers and admins)."""
    session = get_session()
    event_id = q.create_event(session, _values(data, None) | {"owner_id": current_user().id})
    session.commit()
    body = agenda.event_feature(q.event_row(session, event_id) or {}, None,
                                event_page_url(event_id))
    return body, 201, {"Location": url_for("api.get_event", event_id=event_id)}


def _writable(event_id: int) -> dict[str, Any]:
    """The stored values of an event the caller may change (404 / 403 otherwise)."""
    session = get_session()
    exists, owner_id = q.event_owner(session, event_id)
    if not exists:
        raise not_found("event", event_id)
    if not may_change(current_user(), owner_id):
        raise ApiError(403, "forbidden", "Only the event's owner or an admin may change it.")
    return q.event_values(session, event_id) or {}


@bp.patch("/events/<id:event_id>")
@bp.auth_required(auth, roles=WRITERS)
@bp.input(EventIn(partial=True), arg_name="data")
def patch_event(event_id: int, data: dict[str, Any]) -> Any:
    """Change some fields of an event (owner or admin)."""
    stored = _writable(event_id)
    session = get_session()
    q.update_event(session, event_id, _values(data, stored))
    session.commit()
    return agenda.event_feature(q.event_row(session, event_id) or {}, None,
                                event_page_url(event_id))


@bp.delete("/events/<id:event_id>")
@bp.auth_required(auth, roles=WRITERS)
def delete_event(event_id: int) -> Any:
    """Delete an event (owner or admin)."""
    _writable(event_id)
    session = get_session()
    q.delete_event(session, event_id)
    session.commit()
    return "", 204


