"""Event series → occurrences in a window, and occurrences → Features or feed entries.

Pure: rows come from queries/events.py, times are shown in Asia/Shanghai.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from dateutil.rrule import rrulestr

from geo_service.events_core import Occurrence, occurrences, to_shanghai
from geo_service.ics import FeedEvent

# A list never expands one series into more than this many occurrences.
MAX_OCCURRENCES_PER_SERIES = 500


def last_ends_at(starts_at: datetime, ends_at: datetime, rrule: str | None) -> datetime | None:
    """When the last occurrence ends: ends_at, or None for a rule without an end."""
    if not rrule:
        return ends_at
    if "UNTIL=" not in rrule and "COUNT=" not in rrule:
        return None
    start = to_shanghai(starts_at)
    last = list(rrulestr(rrule, dtstart=start))[-1]  # bounded: UNTIL or COUNT
    return last + (ends_at - starts_at)


def expand(
    rows: Iterable[Mapping[str, Any]], window_from: datetime | None, window_to: datetime | None
) -> list[tuple[Mapping[str, Any], Occurrence]]:
    """Every occurrence of the rows' series inside the window, by start then id."""
    out = [
        (row, occ)
        for row in rows
        for occ in occurrences(
            row["starts_at"], row["ends_at"], row["rrule"], window_from, window_to,
            limit=MAX_OCCURRENCES_PER_SERIES,
        )
    ]
    out.sort(key=lambda pair: (pair[1].starts_at, pair[0]["id"]))
    return out


def _place(row: Mapping[str, Any]) -> tuple[list[float] | None, dict[str, Any]]:
    """The event's point (venue, else meeting point, else route start) and summaries."""
    props: dict[str, Any] = {"venue": None, "route": None, "meeting_point": None}
    point = None
    if row["route_id"] is not None:
        start = [row["route_lon"], row["route_lat"]]
        props["route"] = {"id": row["route_id"], "name": row["route_name"],
                          "length_m": round(row["route_length_m"], 1), "start": start}
        point = start
    if row["mp_lon"] is not None:
        mp = [row["mp_lon"], row["mp_lat"]]
        props["meeting_point"] = {"name": row["meeting_point_name"], "coordinates": mp}
        point = mp
    if row["venue_id"] is not None:
        vp = [row["venue_lon"], row["venue_lat"]]
        props["venue"] = {"id": row["venue_id"], "name": row["venue_name"],
                          "address": row["venue_address"], "type": row["venue_type"],
                          "coordinates": vp}
        point = vp
    return point, props


def event_feature(
    row: Mapping[str, Any], occ: Occurrence | None = None, page_url: str | None = None
) -> dict[str, Any]:
    """One event (or one occurrence of a series) as a GeoJSON Feature."""
    point, places = _place(row)
    start = occ.starts_at if occ else to_shanghai(row["starts_at"])
    end = occ.ends_at if occ else to_shanghai(row["ends_at"])
    organizer = None
    if row["org_id"] is not None:
        organizer = {"id": row["org_id"], "key": row["org_key"], "name": row["org_name"]}
    props = {
        "title": row["title"], "description": row["description"],
        "starts_at": start.isoformat(), "ends_at": end.isoformat(),
        "rrule": row["rrule"], "occurrence": occ.index if occ else None,
        "series_starts_at": to_shanghai(row["starts_at"]).isoformat(),
        "status": row["status"], "capacity": row["capacity"], "signup_url": row["signup_url"],
        "tags": list(row["tags"] or []), "organizer": organizer, "url": page_url, **places,
    }
    if row.get("distance_m") is not None:
        props["distance_m"] = round(row["distance_m"], 1)
    geometry = {"type": "Point", "coordinates": point} if point else None
    return {"type": "Feature", "id": row["id"], "geometry": geometry, "properties": props}


def feed_event(row: Mapping[str, Any], page_url: str | None, uid_domain: str) -> FeedEvent:
    """One series as an iCalendar entry (the rule kept as a rule)."""
    point, places = _place(row)
    location: str | None
    if places["venue"]:
        venue = places["venue"]
        location = ", ".join(x for x in (venue["name"], venue["address"]) if x)
    elif places["meeting_point"]:
        location = places["meeting_point"]["name"] or None
    else:
        location = places["route"]["name"] if places["route"] else None
    if places["route"] and places["venue"]:
        location = f"{location} · {places['route']['name']}"
    return FeedEvent(
        uid=f"event-{row['id']}@{uid_domain}", title=row["title"],
        starts_at=row["starts_at"], ends_at=row["ends_at"], description=row["description"],
        rrule=row["rrule"], status=row["status"], location=location,
        lat=point[1] if point else None, lon=point[0] if point else None, url=page_url,
        signup_url=row["signup_url"], organizer=row["org_name"],
        categories=tuple(row["tags"] or ()), updated_at=row["updated_at"],
    )
