"""iCalendar feeds (RFC 5545): /events.ics, /venues/{id}/events.ics, /routes/{id}/events.ics.

The same filters as GET /api/v1/events; a repeating event is one VEVENT with its
RRULE, not expanded. Without `from`, a feed starts 90 days back so a subscriber's
calendar keeps the recent past.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from apiflask import APIBlueprint
from flask import Response, request

from geo_service import agenda
from geo_service.api.events import event_page_url, filters_from
from geo_service.api.schemas import EventQuery
from geo_service.db import get_session
from geo_service.errors import not_found
from geo_service.events_core import SHANGHAI
from geo_service.ics import build_calendar
from geo_service.models import Route, Venue
from geo_service.queries import events as q

bp = APIBlueprint("feeds", __name__)
FEED_PAST = timedelta(days=90)


def _feed(query: dict[str, Any], name: str) -> Response:
    """Build the calendar for the filtered series."""
    f = filters_from(query)
    if f.window_from is None:
        f = q.EventFilters(**{**f.__dict__, "window_from": datetime.now(SHANGHAI) - FEED_PAST})
    rows = q.candidate_events(get_session(), f)
    domain = urlsplit(request.url_root).hostname or "yinhu"
    events = [agenda.feed_event(r, event_page_url(r["id"]), domain) for r in rows]
    body = build_calendar(events, name=name)
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="events.ics"'})


@bp.get("/events.ics")
@bp.input(EventQuery, location="query", arg_name="query")
def all_events(query: dict[str, Any]) -> Response:
    """Every event (filtered like the API)."""
    return _feed(query, "银湖社区活动 Yinhu events")


@bp.get("/venues/<id:venue_id>/events.ics")
@bp.input(EventQuery, location="query", arg_name="query")
def venue_feed(venue_id: int, query: dict[str, Any]) -> Response:
    """The events at one venue."""
    if not q.exists(get_session(), Venue, venue_id):
        raise not_found("venue", venue_id)
    return _feed(query | {"venue_id": venue_id}, f"Yinhu venue {venue_id}")


@bp.get("/routes/<id:route_id>/events.ics")
@bp.input(EventQuery, location="query", arg_name="query")
def route_feed(route_id: int, query: dict[str, Any]) -> Response:
    """The events on one route."""
    if not q.exists(get_session(), Route, route_id):
        raise not_found("route", route_id)
    return _feed(query | {"route_id": route_id}, f"Yinhu route {route_id}")
