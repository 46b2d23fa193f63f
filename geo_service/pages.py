"""The HTML pages (phone first, zh-CN then English): thin views over the query layer.

Each view reads its parameters, asks the same query and serializer functions as the
JSON API, has `maps.py` build the map, and renders a template from `map_templates/`.
Unknown ids answer a 404 page and bad parameters a 400 page, both HTML.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from flask import Blueprint, render_template, request

from geo_service import agenda, labels, maps, serializers
from geo_service.db import get_session
from geo_service.events_core import SHANGHAI, month_window, to_shanghai
from geo_service.i18n import gettext as _
from geo_service.map_lines import geometry_from_wkb
from geo_service.queries import events as qe
from geo_service.queries import routes as qr
from geo_service.queries import venues as qv
from geo_service.vocabulary import AMENITIES, AUDIENCES, SURFACES, VENUE_TYPES

TEMPLATES: Final = Path(__file__).resolve().parent.parent / "map_templates"
bp = Blueprint("pages", __name__, template_folder=str(TEMPLATES))

UPCOMING_DAYS: Final = 60
LIST_LIMIT: Final = 50
ROUTE_VENUES_WITHIN_M: Final = 300.0
MAX_WITHIN_M: Final = 5000.0
# Length filter choices on the overview: (min_m, max_m).
LENGTHS: Final = {"short": (None, 5000.0), "medium": (5000.0, 10000.0), "long": (10000.0, None)}
_MONTH: Final = re.compile(r"^(\d{4})-(\d{2})$")


class PageError(Exception):
    """A page's answer for an unknown id (404) or a bad parameter (400)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@bp.app_errorhandler(PageError)
def page_error(exc: PageError) -> tuple[str, int]:
    """A readable HTML page for a page's error."""
    title = _("Not found") if exc.status == 404 else _("Bad request")
    return render_template("error.html", status=exc.status, title=title,
                           message=exc.message), exc.status


@bp.app_context_processor
def display_helpers() -> dict[str, Any]:
    """Words of the domain for templates (translated at call time)."""
    return {
        "surface_label": labels.surface_label,
        "condition_label": labels.condition_label,
        "difficulty_label": labels.difficulty_label,
        "audience_label": labels.audience_label,
        "level_label": labels.level_label,
        "friendliness_reason": labels.friendliness_reason,
        "venue_type_label": labels.venue_type_label,
        "amenity_label": labels.amenity_label,
    }


# Parameters ------------------------------------------------------------------------


def _choice(name: str, allowed: tuple[str, ...] | list[str]) -> str | None:
    """An optional parameter from a fixed list."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if value not in allowed:
        raise PageError(400, _("The parameter '%(name)s' has an unknown value.", name=name))
    return value


def _number(name: str, low: float, high: float, default: float | None = None) -> float | None:
    """An optional number within [low, high]."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:  # also refuses NaN
        raise PageError(400, _("The parameter '%(name)s' must be a number from %(low)s to "
                               "%(high)s.", name=name, low=f"{low:g}", high=f"{high:g}"))
    return value


def _month() -> tuple[int, int]:
    """?month=YYYY-MM, else this month in Shanghai."""
    raw = request.args.get("month", "").strip()
    if not raw:
        today = datetime.now(SHANGHAI)
        return today.year, today.month
    match = _MONTH.match(raw)
    if not match or not 1 <= int(match[2]) <= 12 or not 1900 <= int(match[1]) <= 2999:
        raise PageError(400, _("The parameter 'month' must look like 2026-05."))
    return int(match[1]), int(match[2])


# Data (the same query and serializer functions as the JSON API) --------------------


def _route_detail(route_id: int) -> dict[str, Any]:
    """The Feature of GET /api/v1/routes/{id}, or a 404 page."""
    session = get_session()
    row = qr.route_row(session, route_id, wkb=True)
    if row is None:
        raise PageError(404, _("There is no route with id %(id)s.", id=route_id))
    properties = serializers.route_detail_properties(
        row,
        qr.surfaces_of(session, route_id),
        qr.friendliness_of(session, [route_id])[route_id],
        qr.waypoints_of(session, route_id),
    )
    return serializers.route_detail(row, geometry_from_wkb(row["geometry"]), properties)


def _venue(venue_id: int) -> dict[str, Any]:
    """The Feature of GET /api/v1/venues/{id}, or a 404 page."""
    raw = qv.venue_feature(get_session(), venue_id)
    if raw is None:
        raise PageError(404, _("There is no venue with id %(id)s.", id=venue_id))
    feature: dict[str, Any] = json.loads(raw)
    return feature


def _occurrences(f: qe.EventFilters, limit: int = LIST_LIMIT) -> list[dict[str, Any]]:
    """Event occurrence Features matching `f`, by start (as GET /api/v1/events)."""
    expanded = agenda.expand(qe.candidate_events(get_session(), f), f.window_from, f.window_to)
    return [agenda.event_feature(row, occ, f"/events/{row['id']}")
            for row, occ in expanded[:limit]]


def _upcoming(**filters: Any) -> list[dict[str, Any]]:
    """Scheduled occurrences from now to UPCOMING_DAYS ahead."""
    now = datetime.now(SHANGHAI)
    f = qe.EventFilters(window_from=now, window_to=now + timedelta(days=UPCOMING_DAYS),
                        include_cancelled=False, **filters)
    return _occurrences(f)


def _routes(f: qr.RouteFilters) -> list[dict[str, Any]]:
    """Route list items (simplified lines, friendliness) matching `f`."""
    session = get_session()
    rows = qr.search_routes(session, f).rows
    levels = qr.friendliness_of(session, [r["id"] for r in rows])
    return [serializers.route_summary(r, levels[r["id"]]) for r in rows]


def _parse(raw: list[str]) -> list[dict[str, Any]]:
    """Features serialised by PostGIS → dicts for the map builder and templates."""
    return [json.loads(item) for item in raw]


def _map(m: Any) -> maps.MapParts:
    """The map's page parts."""
    return maps.split_parts(m)


# Views -----------------------------------------------------------------------------


@bp.get("/")
def overview() -> str:
    """Routes, venues (clustered) and upcoming events; filters by audience, surface, length."""
    audience = _choice("audience", AUDIENCES)
    surface = _choice("surface", SURFACES)
    length = _choice("length", tuple(LENGTHS))
    min_m, max_m = LENGTHS[length] if length else (None, None)
    routes = _routes(qr.RouteFilters(
        friendly_for=audience, surface=surface, min_length_m=min_m, max_length_m=max_m,
        limit=200,
    ))
    venues = _parse(qv.venues_all(get_session(), qv.VenueFilters(), limit=500).features)
    events = _upcoming()
    return render_template(
        "overview.html", map=_map(maps.overview_map(routes, venues, events)),
        routes=routes, events=events[:10], venue_count=len(venues),
        audiences=AUDIENCES, surfaces=SURFACES, lengths=tuple(LENGTHS),
        audience=audience, surface=surface, length=length,
    )


@bp.get("/routes/<id:route_id>")
def route_page(route_id: int) -> str:
    """One route: map, stats, badges, profile, GPX, venues along it, its events."""
    route = _route_detail(route_id)
    session = get_session()
    venues = _parse(qv.venues_along(session, route_id, ROUTE_VENUES_WITHIN_M,
                                    qv.VenueFilters(), LIST_LIMIT, 0).features)
    events = _upcoming(route_id=route_id)
    profile = qr.route_profile(session, route_id) or []
    return render_template(
        "route.html", route=route, props=route["properties"], venues=venues, events=events,
        within_m=ROUTE_VENUES_WITHIN_M, profile=profile,
        surface_colours=maps.SURFACE_COLOURS,
        map=_map(maps.route_map(route, venues, events)),
    )


@bp.get("/venues/<id:venue_id>")
def venue_page(venue_id: int) -> str:
    """One venue: map with its upcoming events and their routes, facts, events list."""
    venue = _venue(venue_id)
    events = _upcoming(venue_id=venue_id)
    route_ids = tuple(sorted({e["properties"]["route"]["id"] for e in events
                              if e["properties"].get("route")}))
    routes = _routes(qr.RouteFilters(ids=route_ids, limit=len(route_ids))) if route_ids else []
    return render_template(
        "venue.html", venue=venue, props=venue.get("properties") or {}, events=events,
        routes=routes, map=_map(maps.place_map(venues=[venue], routes=routes, events=events)),
    )


@bp.get("/events/<id:event_id>")
def event_page(event_id: int) -> str:
    """One event with its venue and route on one map."""
    row = qe.event_row(get_session(), event_id)
    if row is None:
        raise PageError(404, _("There is no event with id %(id)s.", id=event_id))
    event = agenda.event_feature(row, None, f"/events/{event_id}")
    props = event["properties"]
    venue = _venue(props["venue"]["id"]) if props["venue"] else None
    venues = [venue] if venue else []
    if props["route"]:
        route = _route_detail(props["route"]["id"])
        m = maps.route_map(route, venues, [event])
    else:
        m = maps.place_map(venues=venues, events=[event])
    return render_template("event.html", event=event, props=props, venue=venue, map=_map(m))


@dataclass
class Day:
    """One cell of the month grid."""

    day: date
    in_month: bool
    items: list[dict[str, Any]] = field(default_factory=list)


@bp.get("/events")
def calendar_page() -> str:
    """A month: a grid on wide screens, an agenda list on phones."""
    year, month = _month()
    start, end = month_window(year, month)
    items = _occurrences(qe.EventFilters(window_from=start, window_to=end), limit=1000)
    by_day: dict[date, list[dict[str, Any]]] = {}
    for item in items:
        day = to_shanghai(datetime.fromisoformat(item["properties"]["starts_at"])).date()
        by_day.setdefault(day, []).append(item)
    weeks = [
        [Day(d, d.month == month, by_day.get(d, [])) for d in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    prev_month = (year - 1, 12) if month == 1 else (year, month - 1)
    next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    weekdays = [date(2024, 1, d) for d in range(1, 8)]  # 2024-01-01 was a Monday
    return render_template(
        "calendar.html", month_start=date(year, month, 1), weeks=weeks, weekdays=weekdays,
        agenda=[(d, by_day[d]) for d in sorted(by_day)],
        prev_month="{:04d}-{:02d}".format(*prev_month),
        next_month="{:04d}-{:02d}".format(*next_month),
    )


@bp.get("/plan")
def plan_page() -> str:
    """Organizer: venues near a chosen route, by kilometre mark, on a map and a list."""
    session = get_session()
    choices = qr.search_routes(session, qr.RouteFilters(limit=200)).rows
    route_id = _number("route", 1, 2**31 - 1)
    within_m = _number("within_m", 1, MAX_WITHIN_M, ROUTE_VENUES_WITHIN_M) or 0.0
    min_capacity = _number("min_capacity", 0, 1_000_000)
    amenities = request.args.getlist("amenity")
    if any(a not in AMENITIES for a in amenities):
        raise PageError(400, _("The parameter '%(name)s' has an unknown value.", name="amenity"))
    route = venues = None
    parts = None
    if route_id is not None:
        route = _route_detail(int(route_id))
        f = qv.VenueFilters(
            min_capacity=None if min_capacity is None else int(min_capacity),
            amenities=tuple(sorted(set(amenities))),
        )
        venues = _parse(qv.venues_along(session, int(route_id), within_m, f, 200, 0).features)
        parts = _map(maps.route_map(route, venues))
    return render_template(
        "plan.html", choices=choices, route=route, venues=venues, map=parts,
        route_id=None if route_id is None else int(route_id), within_m=within_m,
        min_capacity=None if min_capacity is None else int(min_capacity),
        amenities=AMENITIES, chosen=set(amenities),
    )


@bp.get("/upload")
def upload_page() -> str:
    """A form posting a GPX to the API; the API's message shows when it refuses."""
    return render_template("upload.html")


@bp.get("/dashboard")
def dashboard_page() -> str:
    """The community's figures (fetched from /api/v1/stats) with charts."""
    names = {t: labels.venue_type_label(t) for t in VENUE_TYPES}
    return render_template("dashboard.html", venue_types=names)

