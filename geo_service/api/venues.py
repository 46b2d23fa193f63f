"""Venues: search (radius, k nearest, bbox), one venue, writes, import; organizations."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, url_for
from werkzeug.datastructures import FileStorage

from geo_service.api import bp
from geo_service.api.auth import auth, current_user, may_change
from geo_service.api.schemas import AlongQuery, VenueImportForm, VenueIn, VenueSearchQuery
from geo_service.db import get_session
from geo_service.errors import ApiError, bad_parameter, in_use, not_found
from geo_service.queries import venue_writes as w
from geo_service.queries import venues as q
from geo_service.queries.events import events_at
from geo_service.queries.routes import route_length
from geo_service.serializers import raw_collection, raw_json
from importers.load_venues import store_venues
from importers.venues import parse_venues

WRITERS = ["organizer", "admin"]


def venue_filters(query: dict[str, Any]) -> q.VenueFilters:
    """VenueFilters from validated query parameters (organization by id or key)."""
    org_id = None
    if query.get("organization"):
        org_id = w.find_organization(get_session(), query["organization"])
        if org_id is None:
            raise bad_parameter(
                "organization", f"Invalid parameter 'organization': unknown organization "
                f"'{query['organization']}'."
            )
    return q.VenueFilters(
        type=query.get("type"),
        min_capacity=query.get("min_capacity"),
        amenities=tuple(sorted(set(query.get("amenity") or ()))),
        indoor=query.get("indoor"),
        organization_id=org_id,
        q=query.get("q") or None,
    )


@bp.get("/venues")
@bp.input(VenueSearchQuery, location="query", arg_name="query")
def list_venues(query: dict[str, Any]) -> Response:
    """Radius (nearest first), k nearest, bounding box, or filters alone."""
    session, f = get_session(), venue_filters(query)
    limit, offset = query["limit"], query["offset"]
    centre = (query["lon"], query["lat"]) if "lat" in query else None
    if centre and "k" in query:
        page = q.venues_nearest(session, *centre, query["k"], f)
        limit, offset = query["k"], 0
    elif "bbox" in query:
        page = q.venues_in_bbox(session, query["bbox"], f, limit, offset, centre)
    elif centre:
        radius = query.get("radius_m", current_app.config["MAX_RADIUS_M"])
        page = q.venues_near(session, *centre, radius, f, limit, offset)
    else:
        page = q.venues_all(session, f, limit, offset)
    return raw_collection(page.features, page.total, limit, offset)


@bp.get("/venues/<id:venue_id>")
def get_venue(venue_id: int) -> Response:
    """One venue as a Feature."""
    feature = q.venue_feature(get_session(), venue_id)
    if feature is None:
        raise not_found("venue", venue_id)
    return raw_json(feature)


@bp.get("/routes/<id:route_id>/venues")
@bp.input(AlongQuery, location="query", arg_name="query")
def route_venues(route_id: int, query: dict[str, Any]) -> Response:
    """Venues within within_m of the route, in the order the route passes them."""
    session = get_session()
    if route_length(session, route_id) is None:
        raise not_found("route", route_id)
    limit, offset = query["limit"], query["offset"]
    page = q.venues_along(session, route_id, query["within_m"], venue_filters(query), limit, offset)
    return raw_collection(page.features, page.total, limit, offset)


@bp.get("/organizations")
def list_organizations() -> Response:
    """The community and its partners, each with its venues."""
    items = q.organizations(get_session())
    return raw_json('{"organizations":[' + ",".join(items) + "]}")


def _values(data: dict[str, Any], session: Any) -> dict[str, Any]:
    """Column values from a validated VenueIn (geometry → lon/lat; org → id)."""
    values = dict(data)
    geometry = values.pop("geometry", None)
    if geometry is not None:
        values["lon"], values["lat"] = geometry["coordinates"][:2]
    if "organization" in values:
        ref = values.pop("organization")
        org_id = None if ref is None else w.find_organization(session, ref)
        if ref is not None and org_id is None:
            raise bad_parameter("organization", f"Unknown organization '{ref}'.")
        values["organization_id"] = org_id
    if "amenities" in values:
        values["amenities"] = sorted(set(values["amenities"] or []))
    return values


@bp.post("/venues")
@bp.auth_required(auth, roles=WRITERS)
@bp.input(VenueIn, arg_name="data")
def create_venue(data: dict[str, Any]) -> Any:
    """Add a venue (organizers and admins)."""
    session = get_session()
    values = _values(data, session) | {"owner_id": current_user().id}
    venue_id = w.create_venue(session, values)
    session.commit()
    return raw_json(q.venue_feature(session, venue_id) or "{}", 201,
                    {"Location": url_for("api.get_venue", venue_id=venue_id)})


def _writable(venue_id: int) -> None:
    """404 for an unknown venue, 403 unless owner or admin."""
    exists, owner_id = w.venue_owner(get_session(), venue_id)
    if not exists:
        raise not_found("venue", venue_id)
    if not may_change(current_user(), owner_id):
        raise ApiError(403, "forbidden", "Only the venue's owner or an admin may change it.")


@bp.patch("/venues/<id:venue_id>")
@bp.auth_required(auth, roles=WRITERS)
@bp.input(VenueIn(partial=True), arg_name="data")
def patch_venue(venue_id: int, data: dict[str, Any]) -> Response:
    """Change some fields of a venue (owner or admin)."""
    _writable(venue_id)
    session = get_session()
    w.update_venue(session, venue_id, _values(data, session))
    session.commit()
    return raw_json(q.venue_feature(session, venue_id) or "{}")


@bp.delete("/venues/<id:venue_id>")
@bp.auth_required(auth, roles=WRITERS)
def delete_venue(venue_id: int) -> Any:
    """Delete a venue (owner or admin)."""
    _writable(venue_id)
    session = get_session()
    if used := events_at(session, venue_id=venue_id):
        raise in_use("venue", used)
    w.delete_venue(session, venue_id)
    session.commit()
    return "", 204


@bp.post("/venues/import")
@bp.auth_required(auth, roles=WRITERS)
@bp.input(VenueImportForm, location="files", arg_name="form")
def import_venues(form: dict[str, Any]) -> Any:
    """Upsert venues from a CSV or GeoJSON file; bad rows are reported, not fatal."""
    upload: FileStorage = form["file"]
    with upload.stream:
        content = upload.read()
    parsed = parse_venues(content, upload.filename, upload.mimetype)
    session = get_session()
    report = store_venues(session, parsed, owner_id=current_user().id)
    session.commit()
    return report.as_dict()
