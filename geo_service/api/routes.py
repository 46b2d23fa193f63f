"""Routes: upload, search, read, GPX and profile, surfaces, friendliness, delete."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request, url_for
from werkzeug.datastructures import FileStorage

from geo_service import serializers
from geo_service.api import bp
from geo_service.api.auth import auth, current_user, may_change
from geo_service.api.schemas import (
    FriendlinessBody,
    RouteSearchQuery,
    SurfaceBody,
    UploadForm,
)
from geo_service.db import get_session
from geo_service.errors import ApiError, in_use, not_found
from geo_service.friendliness import SurfaceSegment
from geo_service.gpx_export import build_gpx
from geo_service.queries import route_writes
from geo_service.queries import routes as q
from geo_service.queries.events import events_at
from geo_service.serializers import raw_json
from geo_service.surfaces import segment_problems
from importers.gpx import parse_gpx
from importers.load import import_gpx

UPLOAD_ENDPOINT = "api.upload_route"


@bp.before_request
def require_multipart() -> None:
    """Uploads must be multipart/form-data: anything else is a 415, before parsing."""
    if request.endpoint == UPLOAD_ENDPOINT and request.mimetype != "multipart/form-data":
        raise ApiError(
            415,
            "unsupported_media_type",
            "Send the GPX as multipart/form-data with the field 'file'.",
            {"content_type": request.mimetype},
        )


@bp.post("/routes")
@bp.auth_required(auth)
@bp.input(UploadForm, location="form_and_files", arg_name="form")
def upload_route(form: dict[str, Any]) -> Any:
    """Upload a GPX file; 201 with the new route, 409 if the same file exists."""
    upload: FileStorage = form["file"]
    with upload.stream:  # large uploads are spooled to a temp file: close it promptly
        content = upload.read()
    session = get_session()
    imported = import_gpx(
        session,
        content,
        filename=upload.filename,
        name=form.get("name"),
        description=form.get("description"),
        owner_id=current_user().id,
        max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
    )
    session.commit()
    location = url_for("api.get_route", route_id=imported.route_id)
    return _detail(imported.route_id, 201, {"Location": location})


@bp.get("/routes")
@bp.input(RouteSearchQuery, location="query", arg_name="query")
def list_routes(query: dict[str, Any]) -> Any:
    """Search routes; nearest first when lat/lon are given."""
    filters = q.RouteFilters(
        centre=_centre(query),
        bbox=query.get("bbox"),
        q=query.get("q"),
        min_length_m=query.get("min_length_m"),
        max_length_m=query.get("max_length_m"),
        difficulty=query.get("difficulty"),
        surface=query.get("surface"),
        friendly_for=query.get("friendly_for"),
        limit=query["limit"],
        offset=query["offset"],
    )
    session = get_session()
    page = q.search_routes(session, filters)
    levels = q.friendliness_of(session, [r["id"] for r in page.rows])
    features = [serializers.route_summary(r, levels[r["id"]]) for r in page.rows]
    return serializers.feature_collection(features, page.total, filters.limit, filters.offset)


def _centre(query: dict[str, Any]) -> q.Centre | None:
    """The search centre from lat/lon/radius_m, if given."""
    if "lat" not in query:
        return None
    return q.Centre(lon=query["lon"], lat=query["lat"], radius_m=query.get("radius_m"))


def _detail(route_id: int, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """The full Feature of one route, or a 404."""
    session = get_session()
    row = q.route_row(session, route_id)
    if row is None:
        raise not_found("route", route_id)
    properties = serializers.route_detail_properties(
        row,
        q.surfaces_of(session, route_id),
        q.friendliness_of(session, [route_id])[route_id],
        q.waypoints_of(session, route_id),
    )
    return raw_json(serializers.route_detail_json(row, properties), status, headers)


@bp.get("/routes/<id:route_id>")
def get_route(route_id: int) -> Any:
    """One route with full geometry, measures, surfaces, friendliness, waypoints."""
    return _detail(route_id)


@bp.get("/routes/<id:route_id>/gpx")
def route_gpx(route_id: int) -> Response:
    """The route as GPX 1.1, as an attachment."""
    session = get_session()
    row = q.route_row(session, route_id)
    stored = q.route_file(session, route_id)
    if row is None or stored is None:
        raise not_found("route", route_id)
    points = parse_gpx(stored[0]).points
    text = build_gpx(row["name"], row["description"], points, q.waypoints_of(session, route_id))
    filename = f"route-{route_id}.gpx"
    return Response(
        text,
        mimetype="application/gpx+xml",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/routes/<id:route_id>/profile")
def route_profile(route_id: int) -> Any:
    """Elevation profile: at most ~1000 [distance_m, ele_m] samples."""
    profile = q.route_profile(get_session(), route_id)
    if profile is None:
        raise not_found("route", route_id)
    return {"route_id": route_id, "profile": profile}


def _writable(route_id: int) -> None:
    """404 for an unknown route, 403 unless the caller owns it or is admin."""
    exists, owner_id = q.route_owner(get_session(), route_id)
    if not exists:
        raise not_found("route", route_id)
    if not may_change(current_user(), owner_id):
        raise ApiError(403, "forbidden", "Only the route's owner or an admin may change it.")


@bp.put("/routes/<id:route_id>/surface")
@bp.auth_required(auth)
@bp.input(SurfaceBody, arg_name="body")
def put_surface(route_id: int, body: dict[str, Any]) -> Any:
    """Replace the route's surface segments (validated against its length)."""
    _writable(route_id)
    session = get_session()
    length = q.route_length(session, route_id) or 0.0
    segments = [SurfaceSegment(**s) for s in body["segments"]]
    problems = segment_problems(segments, length)
    if problems:
        raise ApiError(
            400, "invalid_parameter", problems[0], {"parameter": "segments", "problems": problems}
        )
    route_writes.replace_surface_segments(session, route_id, segments)
    session.commit()
    return _detail(route_id)


@bp.put("/routes/<id:route_id>/friendliness")
@bp.auth_required(auth)
@bp.input(FriendlinessBody, arg_name="body")
def put_friendliness(route_id: int, body: dict[str, Any]) -> Any:
    """Set manual levels per audience; null returns an audience to inferred."""
    _writable(route_id)
    session = get_session()
    route_writes.set_manual_friendliness(session, route_id, body)
    session.commit()
    return _detail(route_id)


@bp.delete("/routes/<id:route_id>")
@bp.auth_required(auth)
def delete_route(route_id: int) -> Any:
    """Delete a route (owner or admin)."""
    _writable(route_id)
    session = get_session()
    if used := events_at(session, route_id=route_id):
        raise in_use("route", used)
    q.delete_route(session, route_id)
    session.commit()
    return "", 204
