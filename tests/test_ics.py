"""The iCalendar feed writer, read back with icalendar: pure, no database."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar, Event, Timezone, vCategory, vGeo, vRecur

from geo_service.events_core import SHANGHAI, occurrences, parse_when
from geo_service.ics import PRODID, FeedEvent, build_calendar

DATA = Path(__file__).resolve().parent.parent / "data"
NOW = datetime(2026, 9, 1, 2, 3, 4, tzinfo=UTC)
BOOKSHOP = "春江书房（银湖总店）, 杭州市富阳区银湖街道银湖大道420号"  # noqa: RUF001
TRICKY = "银湖读书会：第一期, 共读《活着》; 带上书\n和笔 \\ 还有茶"  # noqa: RUF001


def club(**changes: Any) -> FeedEvent:
    """The weekly reading club as a feed event, with every field filled in."""
    base = FeedEvent(
        uid="event-12@yinhu.example",
        title=TRICKY,
        description="每周四晚共读一本书。\n新朋友随时加入, 不必读完; 也可以来听。",
        starts_at=datetime(2026, 9, 3, 19, 30, tzinfo=SHANGHAI),
        ends_at=datetime(2026, 9, 3, 21, 0, tzinfo=SHANGHAI),
        rrule="RRULE:FREQ=WEEKLY;BYDAY=TH;UNTIL=20270128",
        status="scheduled",
        location=BOOKSHOP,
        lat=30.0905,
        lon=120.062,
        url="https://yinhu.example/events/12",
        signup_url="https://example.org/signup/ev-001",
        organizer="春江书房",
        organizer_email="shop@chunjiang-books.example",
        categories=("reading", "weekly"),
        updated_at=datetime(2026, 8, 20, 18, 0, tzinfo=SHANGHAI),
    )
    return replace(base, **changes)


def walk(**changes: Any) -> FeedEvent:
    """A one-off Saturday walk with only the required fields."""
    base = FeedEvent(
        uid="event-24@yinhu.example",
        title="周六晨走：银湖环湖",  # noqa: RUF001
        starts_at=datetime(2026, 11, 28, 8, 0, tzinfo=SHANGHAI),
        ends_at=datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI),
    )
    return replace(base, **changes)


def parse(data: bytes) -> Calendar:
    """The feed read back by icalendar."""
    cal = Calendar.from_ical(data)
    assert isinstance(cal, Calendar)
    return cal


def vevents(data: bytes) -> list[Event]:
    """The VEVENTs of a feed."""
    return parse(data).events


def only(data: bytes) -> Event:
    """The one VEVENT of a feed."""
    (event,) = vevents(data)
    return event


# --- the calendar ------------------------------------------------------------------


def test_the_calendar_has_its_required_and_subscription_properties():
    cal = parse(build_calendar([club()], name="银湖社区活动", now=NOW))
    assert str(cal["PRODID"]) == PRODID
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "银湖社区活动"
    assert str(cal["NAME"]) == "银湖社区活动"
    assert str(cal["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    assert cal.decoded("REFRESH-INTERVAL") == timedelta(hours=1)


def test_the_calendar_carries_an_asia_shanghai_vtimezone_at_plus_eight():
    cal = parse(build_calendar([club()], name="x", now=NOW))
    (tz,) = cal.timezones
    assert isinstance(tz, Timezone)
    assert tz.tz_name == "Asia/Shanghai"
    zone = tz.to_tz()
    assert zone.utcoffset(datetime(2026, 12, 1)) == timedelta(hours=8)
    assert zone.utcoffset(datetime(2026, 7, 1)) == timedelta(hours=8)


def test_the_vtimezone_reaches_back_to_the_earliest_event():
    old = walk(
        starts_at=datetime(1988, 7, 2, 8, 0, tzinfo=SHANGHAI),
        ends_at=datetime(1988, 7, 2, 10, 0, tzinfo=SHANGHAI),
    )
    (tz,) = parse(build_calendar([old], name="x", now=NOW)).timezones
    # Shanghai kept summer time from 1986 to 1991.
    assert tz.to_tz().utcoffset(datetime(1988, 7, 2, 8)) == timedelta(hours=9)


def test_an_empty_feed_is_still_a_valid_calendar():
    cal = parse(build_calendar([], name="空", now=NOW))
    assert cal.events == []
    assert str(cal["X-WR-CALNAME"]) == "空"


def test_the_refresh_hint_can_be_left_out():
    cal = parse(build_calendar([], name="x", now=NOW, refresh=None))
    assert "REFRESH-INTERVAL" not in cal
    assert "X-PUBLISHED-TTL" not in cal


def test_lines_are_folded_at_75_octets_and_end_with_crlf():
    data = build_calendar([club()], name="银湖社区活动", now=NOW)
    assert data.endswith(b"\r\n")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        assert b"\n" not in line
        line.decode("utf-8")  # folding never splits a character


# --- each event ------------------------------------------------------------------


def test_every_property_of_an_event_survives_the_round_trip():
    event = only(build_calendar([club()], name="x", now=NOW))
    assert str(event["UID"]) == "event-12@yinhu.example"
    assert event.decoded("DTSTAMP") == NOW
    assert str(event["SUMMARY"]) == TRICKY
    description = str(event["DESCRIPTION"])
    assert description.startswith(
        "每周四晚共读一本书。\n新朋友随时加入, 不必读完; 也可以来听。\n\n"
    )
    assert "主办 Organizer: 春江书房" in description
    assert "报名 Sign up: https://example.org/signup/ev-001" in description
    assert "详情 Details: https://yinhu.example/events/12" in description
    assert str(event["LOCATION"]) == BOOKSHOP
    geo = event["GEO"]
    assert isinstance(geo, vGeo)
    assert (geo.latitude, geo.longitude) == (30.0905, 120.062)
    assert str(event["URL"]) == "https://yinhu.example/events/12"
    assert str(event["ORGANIZER"]) == "mailto:shop@chunjiang-books.example"
    assert event["ORGANIZER"].params["CN"] == "春江书房"
    categories = event["CATEGORIES"]
    assert isinstance(categories, vCategory)
    assert [str(c) for c in categories.cats] == ["reading", "weekly"]
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("LAST-MODIFIED") == datetime(2026, 8, 20, 10, 0, tzinfo=UTC)


def test_text_with_chinese_commas_semicolons_and_newlines_is_escaped_on_the_wire():
    data = build_calendar([club()], name="x", now=NOW)
    unfolded = data.replace(b"\r\n ", b"")
    wire = "SUMMARY:银湖读书会：第一期\\, 共读《活着》\\; 带上书\\n和笔 \\\\ 还有茶"  # noqa: RUF001
    assert wire.encode() in unfolded


def test_start_and_end_carry_the_shanghai_tzid_and_the_right_utc_instant():
    data = build_calendar([club()], name="x", now=NOW)
    assert b"DTSTART;TZID=Asia/Shanghai:20260903T193000\r\n" in data
    assert b"DTEND;TZID=Asia/Shanghai:20260903T210000\r\n" in data
    event = only(data)
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2026, 9, 3, 11, 30, tzinfo=UTC)
    assert event.decoded("DTEND").astimezone(UTC) == datetime(2026, 9, 3, 13, 0, tzinfo=UTC)


def test_a_utc_start_is_written_as_shanghai_wall_clock_time():
    start = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)
    data = build_calendar([walk(starts_at=start, ends_at=start + timedelta(hours=2))], name="x")
    assert b"DTSTART;TZID=Asia/Shanghai:20261128T080000\r\n" in data
    assert only(data).decoded("DTSTART") == start


def test_a_naive_start_is_read_as_shanghai_time():
    naive = walk(starts_at=datetime(2026, 11, 28, 8, 0), ends_at=datetime(2026, 11, 28, 10, 0))
    assert b"DTSTART;TZID=Asia/Shanghai:20261128T080000\r\n" in build_calendar([naive], name="x")


def test_the_rrule_is_kept_as_a_rule_in_its_normalised_form():
    data = build_calendar([club()], name="x", now=NOW)
    assert b"RRULE:FREQ=WEEKLY;UNTIL=20270128T155959Z;BYDAY=TH\r\n" in data
    event = only(data)
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;UNTIL=20270128T155959Z;BYDAY=TH"
    assert "RDATE" not in event


def test_the_rrule_read_back_expands_to_the_same_occurrences():
    source = club()
    event = only(build_calendar([source], name="x", now=NOW))
    start = event.decoded("DTSTART")
    rule = event["RRULE"]
    assert isinstance(rule, vRecur)
    text = rule.to_ical().decode()  # type: ignore[no-untyped-call]
    theirs = list(rrulestr(text, dtstart=start))
    ours = occurrences(source.starts_at, source.ends_at, source.rrule, None, None)
    assert theirs == [o.starts_at for o in ours]
    assert len(theirs) == 22


def test_a_cancelled_event_stays_in_the_feed_with_status_cancelled():
    event = only(build_calendar([walk(status="cancelled")], name="x", now=NOW))
    assert str(event["STATUS"]) == "CANCELLED"


def test_optional_properties_are_left_out_when_unknown():
    event = only(build_calendar([walk()], name="x", now=NOW))
    for name in (
        "DESCRIPTION", "LOCATION", "GEO", "URL", "ORGANIZER", "RRULE", "CATEGORIES",
        "LAST-MODIFIED",
    ):  # fmt: skip
        assert name not in event, name
    assert str(event["STATUS"]) == "CONFIRMED"


def test_an_organizer_without_an_email_is_named_in_the_description_only():
    event = only(build_calendar([walk(organizer="银湖社区邻里网络")], name="x", now=NOW))
    assert "ORGANIZER" not in event
    assert str(event["DESCRIPTION"]) == "主办 Organizer: 银湖社区邻里网络"


def test_geo_needs_both_coordinates():
    assert "GEO" not in only(build_calendar([walk(lat=30.09)], name="x", now=NOW))


def test_the_same_events_and_time_give_the_same_bytes():
    events = [club(), walk(status="cancelled")]
    first = build_calendar(events, name="银湖", now=NOW)
    assert build_calendar(list(events), name="银湖", now=NOW) == first


def test_only_the_stamp_changes_when_the_time_changes():
    first = build_calendar([club()], name="x", now=NOW)
    later = build_calendar([club()], name="x", now=NOW + timedelta(days=1))
    assert first != later
    assert first.replace(b"DTSTAMP:20260901T020304Z", b"DTSTAMP:20260902T020304Z") == later


def test_without_a_time_the_stamp_is_the_current_utc_second():
    before = datetime.now(UTC).replace(microsecond=0)
    stamp = only(build_calendar([walk()], name="x")).decoded("DTSTAMP")
    assert before <= stamp <= datetime.now(UTC)
    assert stamp.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": "postponed"}, "status"),
        ({"uid": " "}, "uid"),
        ({"ends_at": datetime(2026, 11, 28, 7, 0, tzinfo=SHANGHAI)}, "ends_at"),
        ({"rrule": "FREQ=HOURLY"}, "event-24@yinhu.example: recurrence"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=SU"}, "recurrence"),  # the walk is on a Saturday
        ({"lat": 95.0, "lon": 120.0}, "lat/lon"),
    ],
)
def test_an_event_that_cannot_be_written_is_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_calendar([walk(**changes)], name="x", now=NOW)


def test_a_uid_repeated_in_one_feed_is_refused():
    with pytest.raises(ValueError, match="twice"):
        build_calendar([walk(), walk()], name="x", now=NOW)


# --- the sample season --------------------------------------------------------------


def test_the_sample_season_makes_a_feed_that_reads_back_whole():
    with (DATA / "venues.csv").open(encoding="utf-8", newline="") as f:
        venues = {row["external_id"]: row for row in csv.DictReader(f)}
    routes = {r["file"]: r for r in json.loads((DATA / "routes.json").read_text("utf-8"))}
    feed = []
    for e in json.loads((DATA / "events.json").read_text("utf-8")):
        venue = venues.get(e["venue"] or "")
        point = e["meeting_point"]
        if venue:
            location = f"{venue['name']}, {venue['address']}"
            lat, lon = float(venue["lat"]), float(venue["lon"])
        elif point:
            location, lat, lon = point["name"], point["lat"], point["lon"]
        else:
            location, lat, lon = routes[e["route"]]["name"], None, None
        feed.append(
            FeedEvent(
                uid=f"{e['key']}@yinhu.example",
                title=e["title"],
                description=e["description"],
                starts_at=parse_when(e["starts_at"]),
                ends_at=parse_when(e["ends_at"]),
                rrule=e["rrule"],
                status=e["status"],
                location=location,
                lat=lat,
                lon=lon,
                signup_url=e["signup_url"],
                organizer=e["organizer"],
                categories=tuple(e["tags"]),
            )
        )
    events = vevents(build_calendar(feed, name="银湖社区活动", now=NOW))
    assert len(events) == len(feed)
    assert [str(v["SUMMARY"]) for v in events] == [f.title for f in feed]
    assert sum(str(v["STATUS"]) == "CANCELLED" for v in events) == 1
    assert sum("RRULE" in v for v in events) == sum(1 for f in feed if f.rrule)
    for source, v in zip(feed, events, strict=True):
        assert v.decoded("DTSTART") == source.starts_at
        assert v.decoded("DTEND") == source.ends_at
        assert str(v["LOCATION"]) == source.location
        assert v.decoded("DTSTART").date() >= date(2026, 9, 1)
