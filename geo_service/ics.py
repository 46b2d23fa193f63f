"""iCalendar (RFC 5545) feeds of events, written with the `icalendar` library.

Pure functions: no database, no Flask. The caller maps its rows to `FeedEvent`s.

- One VEVENT per event; a repeating event keeps its RRULE (normalised by
  `events_core.validate_rrule`) and is not expanded.
- DTSTART/DTEND carry TZID=Asia/Shanghai, and the calendar has the matching VTIMEZONE
  and X-WR-TIMEZONE; DTSTAMP and LAST-MODIFIED are UTC, as RFC 5545 requires.
- STATUS is CONFIRMED for "scheduled" and CANCELLED for "cancelled"; a cancelled
  event stays in the feed so that subscribed calendars drop or strike it.
- GEO is WGS-84 `lat;lon`. ORGANIZER needs a calendar address, so it is written only
  when `organizer_email` is known (with the name as CN). Because several calendar
  apps ignore ORGANIZER and URL in subscribed feeds, DESCRIPTION ends with a short
  footer naming the organizer, the sign-up link and the event page.
- `refresh` is the suggested polling interval for subscribers (REFRESH-INTERVAL and
  X-PUBLISHED-TTL); None leaves it out.
- An event that cannot be written (unknown status, invalid rule, coordinates out of
  range, end before start, a uid repeated in the feed) raises ValueError naming its uid.
- The same events and `now` always give the same bytes.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final

from icalendar import Calendar, Event, Timezone, vCalAddress, vDuration, vRecur

from geo_service.events_core import EVENT_STATUSES, MAX_YEAR, to_shanghai, validate_rrule

PRODID: Final = "-//Yinhu Community//Yinhu Trails & Places//ZH"
TZID: Final = "Asia/Shanghai"
_STATUS: Final = {"scheduled": "CONFIRMED", "cancelled": "CANCELLED"}
assert set(_STATUS) == set(EVENT_STATUSES)
# The VTIMEZONE covers from this date (or the earliest event) to the last supported year.
_TZ_FIRST: Final = date(2000, 1, 1)
_TZ_LAST: Final = date(MAX_YEAR + 1, 1, 1)


@dataclass(frozen=True, kw_only=True)
class FeedEvent:
    """One event as a feed shows it; times aware (a naive one is read as Shanghai)."""

    uid: str  # stable and globally unique, e.g. "event-12@yinhu.example"
    title: str
    starts_at: datetime
    ends_at: datetime
    description: str | None = None
    rrule: str | None = None  # RFC 5545 RRULE value; starts_at is its first occurrence
    status: str = "scheduled"  # events_core.EVENT_STATUSES
    location: str | None = None  # venue name and address, or route name
    lat: float | None = None  # WGS-84
    lon: float | None = None
    url: str | None = None  # the event's page
    signup_url: str | None = None
    organizer: str | None = None  # organization name
    organizer_email: str | None = None
    categories: tuple[str, ...] = ()  # tags
    updated_at: datetime | None = None


@functools.lru_cache(maxsize=8)
def _vtimezone_ical(first: date) -> bytes:
    """The Asia/Shanghai VTIMEZONE from `first` on, as text (generating it is slowish)."""
    text: bytes = Timezone.from_tzid(TZID, first_date=first, last_date=_TZ_LAST).to_ical()
    return text


def _vtimezone(events: Sequence[FeedEvent]) -> Timezone:
    """A VTIMEZONE valid from before the earliest event to the last supported year."""
    first = min([_TZ_FIRST, *(date(to_shanghai(e.starts_at).year, 1, 1) for e in events)])
    component = Timezone.from_ical(_vtimezone_ical(first))
    assert isinstance(component, Timezone)
    return component


def _utc(dt: datetime) -> datetime:
    """`dt` in UTC; a naive one is read as Shanghai time."""
    return to_shanghai(dt).astimezone(UTC)


def _description(event: FeedEvent) -> str | None:
    """The event's description with a footer of organizer, sign-up link and page."""
    footer = []
    if event.organizer:
        footer.append(f"主办 Organizer: {event.organizer}")
    if event.signup_url:
        footer.append(f"报名 Sign up: {event.signup_url}")
    if event.url:
        footer.append(f"详情 Details: {event.url}")
    body = (event.description or "").strip()
    text = "\n\n".join(part for part in (body, "\n".join(footer)) if part)
    return text or None


def _vevent(event: FeedEvent, stamp: datetime) -> Event:
    """One VEVENT for `event`; ValueError when its data cannot make a valid one."""
    if not event.uid.strip():
        raise ValueError("event uid is empty")
    if event.status not in _STATUS:
        raise ValueError(f"{event.uid}: status must be one of {', '.join(_STATUS)}")
    start, end = to_shanghai(event.starts_at), to_shanghai(event.ends_at)
    if end < start:
        raise ValueError(f"{event.uid}: ends_at is before starts_at")
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", start)
    vevent.add("dtend", end)
    vevent.add("summary", event.title)
    if event.rrule:
        try:
            rule = validate_rrule(event.rrule, start)
        except ValueError as exc:
            raise ValueError(f"{event.uid}: {exc}") from None
        vevent.add("rrule", vRecur.from_ical(rule))
    description = _description(event)
    if description:
        vevent.add("description", description)
    if event.location:
        vevent.add("location", event.location)
    if event.lat is not None and event.lon is not None:
        if not (-90 <= event.lat <= 90 and -180 <= event.lon <= 180):
            raise ValueError(f"{event.uid}: lat/lon out of range")
        vevent.add("geo", (event.lat, event.lon))
    if event.url:
        vevent.add("url", event.url)
    if event.organizer_email:
        organizer = vCalAddress(f"mailto:{event.organizer_email}")
        if event.organizer:
            organizer.params["CN"] = event.organizer
        vevent.add("organizer", organizer)
    if event.categories:
        vevent.add("categories", list(event.categories))
    vevent.add("status", _STATUS[event.status])
    if event.updated_at is not None:
        vevent.add("last-modified", _utc(event.updated_at))
    return vevent


def build_calendar(
    events: Sequence[FeedEvent],
    *,
    name: str,
    now: datetime | None = None,
    refresh: timedelta | None = timedelta(hours=1),
) -> bytes:
    """The RFC 5545 feed of `events` as bytes, stamped `now` (default: the clock, UTC)."""
    stamp = _utc(now) if now is not None else datetime.now(UTC).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TZID)
    if refresh is not None:
        cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", vDuration(refresh))
    cal.add_component(_vtimezone(events))
    seen: set[str] = set()
    for event in events:
        if event.uid in seen:
            raise ValueError(f"{event.uid}: uid appears twice in the feed")
        seen.add(event.uid)
        cal.add_component(_vevent(event, stamp))
    data: bytes = cal.to_ical()
    return data
